"""What the fitted parameters might have been: draws for a back-test's prediction intervals.

A prediction from a calibrated model is uncertain twice over: the future is random (the
replications' own spread), and the parameters are estimates from finite history. A back-test
that drew only the first would call a correct model wrong whenever a group is thin. Each
replication of a back-test therefore runs its own draw of the parameters, so the spread of the
replications is the predictive spread:

- the sBG law: a draw from its posterior given the group's account histories, under the
  weakly informative prior of Gelman et al. (Bayesian Data Analysis, 3rd ed., section 5.3) for
  a beta law, p(alpha, beta) ~ (alpha + beta)^(-5/2): uniform in the first renewal's mean churn
  m = alpha / (alpha + beta) and in (alpha + beta)^(-1/2), computed on a grid (`LAW_GRID`
  points a side, over the logit of m around the fit and the log of alpha + beta up to twice the
  scenario's largest shape). Where the data pin the law, this is the
  likelihood's own spread; where they cannot separate the spread of churn from its level (a
  thin or young group, whose maximum runs off to a book where everyone churns alike), the draws
  cover the heterogeneous laws that fit as well -- which predict more churn among new
  customers -- instead of betting on the one the maximum happened to take;
- the ARR change at renewal: its mean from Normal(mean, sd / sqrt(changes));
- cases per customer-year: the ticket count from Poisson(count), over the same exposure;
- new logos a year: Poisson(the year's count).

Then each draw is anchored to the service as the point estimate was (`simcs.calibration.anchor`,
with the service the pilot measured). Draw d uses its own stream, keyed by the root seed and d,
so a draw is the same whatever the number of draws.
"""

from __future__ import annotations

import math

import numpy as np

from simcs.calibration.anchor import Anchor, log_change_in_bounds
from simcs.calibration.calibrate import Calibration
from simcs.calibration.renewal import Lifetimes, log_likelihoods
from simcs.calibration.scenario_file import group_keys, shapes
from simcs.scenario.fields import MAX_CASES_PER_YEAR, MAX_NEW_LOGOS_PER_YEAR, MAX_SHAPE
from simcs.streams import PARAMETER_DRAWS

#: grid points a side of the posterior of the sBG law
LAW_GRID = 121
#: the span of the logit of the mean churn around the fitted one, each side
LOGIT_SPAN = 2.5


def law_posterior(data: Lifetimes, fitted_mean: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The posterior of (logit mean churn, log concentration) on a grid: its centres on each
    axis and the cells' probabilities (see the module for the prior)."""
    centre = math.log(fitted_mean / (1.0 - fitted_mean))
    logits = np.linspace(centre - LOGIT_SPAN, centre + LOGIT_SPAN, LAW_GRID)
    logs = np.linspace(math.log(0.05), math.log(2.0 * MAX_SHAPE), LAW_GRID)
    u, v = np.meshgrid(logits, logs, indexing="ij")
    m, c = 1.0 / (1.0 + np.exp(-u)), np.exp(v)
    # Gelman et al.'s prior p(alpha, beta) ~ (alpha + beta)^(-5/2), uniform in m and in
    # c^(-1/2) (BDA3 section 5.3), times the Jacobian of the grid's coordinates
    log_post = log_likelihoods(m * c, (1.0 - m) * c, data) + np.log(m * (1.0 - m)) - 0.5 * v
    weights = np.exp(log_post - log_post.max())
    return logits, logs, weights / weights.sum()


def draw_law(
    grid: tuple[np.ndarray, np.ndarray, np.ndarray], rng: np.random.Generator
) -> tuple[float, float]:
    """One (alpha, beta) from a grid posterior (`law_posterior`), uniform within its cell."""
    logits, logs, probabilities = grid
    cell = int(rng.choice(probabilities.size, p=probabilities.ravel()))
    i, j = divmod(cell, probabilities.shape[1])
    du, dv = logits[1] - logits[0], logs[1] - logs[0]
    u = logits[i] + (rng.random() - 0.5) * du
    v = logs[j] + (rng.random() - 0.5) * dv
    m, c = 1.0 / (1.0 + math.exp(-u)), math.exp(v)
    return shapes(m * c, (1.0 - m) * c)


def parameter_draw(
    calibration: Calibration,
    anchors: dict[str, Anchor],
    seed: int,
    draw: int,
    grids: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] | None = None,
) -> dict[str, float]:
    """Draw `draw` of the fitted parameters, anchored, as scenario overrides (dotted paths).
    `anchors` are by group key; `grids` caches each group's posterior of the sBG law across
    draws."""
    grids = {} if grids is None else grids
    seq = np.random.SeedSequence(seed, spawn_key=(draw, PARAMETER_DRAWS))
    rng = np.random.Generator(np.random.PCG64(seq))
    out: dict[str, float] = {}
    for name, key in group_keys(calibration).items():
        fit, where = calibration.groups[name], f"population.{key}"
        anchor = anchors.get(key)
        if fit.renewal is not None and fit.lifetimes is not None:
            if key not in grids:
                grids[key] = law_posterior(fit.lifetimes, fit.renewal.mean_churn)
            alpha, beta = draw_law(grids[key], rng)
            if anchor is not None:
                beta = anchor.base_law_beta(alpha, beta)[0]
            out[f"{where}.renewal.alpha"] = alpha
            out[f"{where}.renewal.beta"] = beta
        if fit.expansion is not None:
            law_x = fit.expansion
            mean = rng.normal(law_x.mean_log_change, law_x.sd / math.sqrt(law_x.changes))
            out[f"{where}.expansion.mean_log_change"] = (
                anchor.base_mean_log_change(mean) if anchor else log_change_in_bounds(mean)
            )
        rate = fit.case_rate
        if rate is not None and rate.customer_years > 0:
            tickets = rng.poisson(rate.cases) / rate.customer_years
            out[f"{where}.cases_per_year"] = (
                anchor.base_cases_per_year(tickets) if anchor else min(tickets, MAX_CASES_PER_YEAR)
            )
        if fit.new_logos is not None:
            logos = float(rng.poisson(fit.new_logos))
            out[f"{where}.new_logos_per_year"] = min(logos, MAX_NEW_LOGOS_PER_YEAR)
    return out
