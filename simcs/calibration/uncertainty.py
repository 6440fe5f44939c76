"""What the fitted parameters might have been: draws for a back-test's prediction intervals.

A prediction from a calibrated model is uncertain twice over: the future is random (the
replications' own spread), and the parameters are estimates from finite history. A back-test
that drew only the first would call a correct model wrong whenever a group is thin. Each
replication of a back-test therefore runs its own draw of the parameters, so the spread of the
replications is the predictive spread:

- the sBG law: the group's account histories resampled with replacement (a bootstrap of the
  accounts, as a multinomial over its churned-at-t and censored-after-n counts) and refitted;
  a resample the law cannot be fitted to keeps the point estimate;
- the ARR change at renewal: its mean from Normal(mean, sd / sqrt(changes));
- cases per customer-year: the ticket count from Poisson(count), over the same exposure;
- new logos a year: Poisson(the year's count).

Then each draw is anchored to the service as the point estimate was (`simcs.calibration.anchor`,
with the service the pilot measured). Draw d uses its own stream, keyed by the root seed and d,
so a draw is the same whatever the number of draws.
"""

from __future__ import annotations

import math
from collections import Counter

import numpy as np

from simcs.calibration.anchor import Anchor, base_beta
from simcs.calibration.calibrate import Calibration
from simcs.calibration.renewal import FitError, Lifetimes, fit_renewal
from simcs.calibration.scenario_file import group_keys, shapes
from simcs.scenario.fields import MAX_CASES_PER_YEAR, MAX_NEW_LOGOS_PER_YEAR
from simcs.streams import PARAMETER_DRAWS


def resampled(data: Lifetimes, rng: np.random.Generator) -> Lifetimes:
    """The accounts behind `data` resampled with replacement (as many as there are)."""
    cells = [("churned", t, n) for t, n in data.churned.items()]
    cells += [("censored", t, n) for t, n in data.censored.items()]
    weights = np.array([n for _, _, n in cells], dtype=float)
    counts = rng.multinomial(data.accounts, weights / weights.sum())
    churned: dict[int, int] = {}
    censored: dict[int, int] = {}
    for (kind, t, _), count in zip(cells, counts, strict=True):
        if count:
            (churned if kind == "churned" else censored)[t] = int(count)
    return Lifetimes(churned, censored)


def parameter_draw(
    calibration: Calibration,
    anchors: dict[str, Anchor],
    tenures: dict[str, Counter[int]],
    seed: int,
    draw: int,
) -> dict[str, float]:
    """Draw `draw` of the fitted parameters, anchored, as scenario overrides (dotted paths).
    `anchors` and `tenures` (renewals made -> accounts of the t=0 book) are by group key."""
    seq = np.random.SeedSequence(seed, spawn_key=(draw, PARAMETER_DRAWS))
    rng = np.random.Generator(np.random.PCG64(seq))
    out: dict[str, float] = {}
    for name, key in group_keys(calibration).items():
        fit, where = calibration.groups[name], f"population.{key}"
        anchor = anchors.get(key)
        if fit.renewal is not None and fit.lifetimes is not None:
            try:
                law = fit_renewal(resampled(fit.lifetimes, rng))
                alpha, beta = shapes(law.alpha, law.beta)
            except FitError:
                alpha, beta = shapes(fit.renewal.alpha, fit.renewal.beta)
            if anchor is not None and tenures.get(key):
                mu, sigma = anchor.log_odds_mean, anchor.log_odds_sd
                beta = base_beta(alpha, beta, tenures[key], mu, sigma)[0]
            out[f"{where}.renewal.alpha"] = alpha
            out[f"{where}.renewal.beta"] = beta
        if fit.expansion is not None:
            law_x = fit.expansion
            mean = rng.normal(law_x.mean_log_change, law_x.sd / math.sqrt(law_x.changes))
            if anchor is not None:
                mean -= anchor.expansion_shift
            out[f"{where}.expansion.mean_log_change"] = min(2.0, max(-2.0, mean))
        rate = fit.case_rate
        if rate is not None and rate.customer_years > 0:
            cases = rng.poisson(rate.cases) / rate.customer_years
            if anchor is not None:
                cases /= anchor.desk_share
            out[f"{where}.cases_per_year"] = min(cases, MAX_CASES_PER_YEAR)
        if fit.new_logos is not None:
            logos = float(rng.poisson(fit.new_logos))
            out[f"{where}.new_logos_per_year"] = min(logos, MAX_NEW_LOGOS_PER_YEAR)
    return out
