"""Anchoring a calibrated scenario to the service the company gives today.

The churn a company observes already includes the effect of its service: its customers renew
as they do *with* the CSM coverage, support waits and training they get. The model splits the
two: a base churn propensity theta ~ Beta(alpha, beta) and, at each renewal, the service's odds
ratios (`simcs.model.renewal.renewal_odds`). A fitted law put in as the base law would count
the service twice: a well-served book would churn less in the model than it does in life.

So the base law is set so that the model, serving the real book with the scenario's staff and
playbook, reproduces the fitted churn:

1. a pilot year of the calibrated scenario measures, per customer group, the log of the
   service's odds multiplier at the renewals it decides (mean mu, standard deviation sigma);
2. the base law keeps the fitted alpha (the spread of propensities) and takes the beta at which
   the expected first-renewal churn of the book -- each account's theta from
   Beta(alpha, beta + its renewals), its odds times exp(N(mu, sigma^2)) -- equals what the
   fitted law predicts for the same accounts (mean of alpha / (alpha + beta_fit + renewals)).

The expected churn is computed, not simulated (a quantile grid over theta, Gauss-Hermite over
the log odds), so it carries no sampling noise of its own. The same pilot measures the service's
mean shift of the log ARR change at renewal, which the group's `expansion.mean_log_change`
gives back, and the share of the cases a group's rate files that reach the help desk: a
trained customer avoids some, self-service deflects some, a new customer files none before
go-live. The tickets a help desk exports are the cases that reached it, so the group's rate is
its tickets per customer-year over that share.

What is anchored is the status quo: a strategy compared on the scenario changes the service,
and churn moves from there.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
from scipy import optimize, special, stats

from simcs.records import split_cell
from simcs.scenario import Scenario
from simcs.scenario.fields import MAX_CASES_PER_YEAR, MAX_LOG_CHANGE, MAX_SHAPE
from simcs.scenario.files import with_overrides
from simcs.simulation.replication import simulate

#: quantile points over theta, and Gauss-Hermite points over the log odds
THETA_POINTS, ODDS_POINTS = 256, 9
#: pilot years simulated (replications of year 1)
PILOT_REPLICATIONS = 2


@dataclass(frozen=True)
class Anchor:
    """One group's anchoring: the service measured and the base law that absorbs it."""

    renewals: int  # renewal decisions the pilot measured
    log_odds_mean: float  # mu: mean log odds multiplier of the service
    log_odds_sd: float  # sigma
    beta_fitted: float
    beta_base: float
    expansion_shift: float  # the service's mean shift of the log ARR change at renewal
    desk_share: float  # share of the cases its rate files that reach the desk
    clamped: bool = False  # no beta in range reproduces the fitted churn: the nearest taken
    #: the group's t=0 book: renewals made -> accounts
    tenures: Counter[int] = field(default_factory=Counter)

    @property
    def odds_factor(self) -> float:
        """The service's typical (geometric mean) odds multiplier."""
        return math.exp(self.log_odds_mean)

    def base_law_beta(self, alpha: float, beta_fitted: float) -> tuple[float, bool]:
        """The base beta of a fitted law (alpha, `beta_fitted`) under this service, and whether
        it was clamped (`base_beta` over this group's book)."""
        return base_beta(alpha, beta_fitted, self.tenures, self.log_odds_mean, self.log_odds_sd)

    def base_mean_log_change(self, fitted: float) -> float:
        """The base mean log ARR change of a fitted one: less the service's shift."""
        return log_change_in_bounds(fitted - self.expansion_shift)

    def base_cases_per_year(self, tickets_per_year: float) -> float:
        """The cases a customer files a year for `tickets_per_year` to reach the desk."""
        return min(tickets_per_year / self.desk_share, MAX_CASES_PER_YEAR)


def log_change_in_bounds(mean: float) -> float:
    """A mean log ARR change as a scenario takes it (within +-`MAX_LOG_CHANGE`)."""
    return min(float(MAX_LOG_CHANGE), max(-float(MAX_LOG_CHANGE), mean))


def expected_churn(
    alpha: float, beta: float, tenures: Counter[int], mu: float = 0.0, sigma: float = 0.0
) -> float:
    """Mean churn probability at the next renewal of accounts with the given renewals made
    (`tenures`: renewals -> accounts), theta ~ Beta(alpha, beta + renewals), the odds times
    exp(N(mu, sigma^2))."""
    q = (np.arange(THETA_POINTS) + 0.5) / THETA_POINTS
    nodes, weights = special.roots_hermite(ODDS_POINTS)
    multipliers = np.exp(mu + math.sqrt(2.0) * sigma * nodes)
    weights = weights / math.sqrt(math.pi)
    total, count = 0.0, 0
    for renewals, n in tenures.items():
        theta = stats.beta.ppf(q, alpha, beta + renewals)[:, None]
        odds = theta * multipliers[None, :]
        p = odds / (1.0 - theta + odds)
        total += n * float((p.mean(axis=0) * weights).sum())
        count += n
    return total / count if count else math.nan


def base_beta(
    alpha: float, beta_fitted: float, tenures: Counter[int], mu: float, sigma: float
) -> tuple[float, bool]:
    """The beta whose law, under the service (mu, sigma), churns the accounts as the fitted law
    does without it; and whether it had to be clamped to the scenario's bounds."""
    # the fitted law's churn, by the same quadrature (its error cancels): the closed form is
    # the mean of alpha / (alpha + beta_fitted + renewals)
    target = expected_churn(alpha, beta_fitted, tenures)

    def gap(log_beta: float) -> float:
        return expected_churn(alpha, math.exp(log_beta), tenures, mu, sigma) - target

    low, high = math.log(1e-6), math.log(MAX_SHAPE)
    if gap(high) > 0:  # even the most loyal law churns more than observed
        return MAX_SHAPE, True
    if gap(low) < 0:
        return 1e-6, True
    return math.exp(optimize.brentq(gap, low, high, xtol=1e-10)), False


def measure_service(
    scenario: Scenario, seed: int
) -> dict[str, tuple[int, float, float, float, float]]:
    """Per customer group, from a pilot year: (renewals decided, mean and sd of the log odds
    multiplier, mean expansion shift of the renewals made, share of the cases its rate files
    that reach the desk)."""
    pilot = scenario.model_copy(update={"horizon_years": 1, "warmup_years": 0})
    sums: dict[str, Counter[str]] = {}
    for replication in range(PILOT_REPLICATIONS):
        ledger = simulate(pilot, seed=seed, replication=replication).ledger
        for (_, cell, quantity), value in ledger.sums.items():
            _, group = split_cell(cell)
            if group:
                sums.setdefault(group, Counter())[quantity] += value
    out = {}
    for group, s in sums.items():
        n = s["renewals_due"]
        if n <= 0:
            continue
        mean = s["renewal_log_odds"] / n
        variance = max(0.0, s["renewal_log_odds_sq"] / n - mean * mean)
        renewed = n - s["churned"]
        shift = s["renewal_expansion_shift"] / renewed if renewed > 0 else 0.0
        at_rate = scenario.population[group].cases_per_year * s["customer_years"]
        desk = s["support_cases"] - s["support_deflected"]
        reach = desk / at_rate if at_rate > 0 and desk > 0 else 1.0
        out[group] = (int(n), mean, math.sqrt(variance), shift, reach)
    return out


def anchored(
    scenario: Scenario, fitted: dict[str, set[str]], seed: int = 0
) -> tuple[Scenario, dict[str, Anchor]]:
    """`scenario` (a calibrated one, its t=0 book the real one) with what was fitted anchored to
    the service: `fitted` says, per group, which of 'renewal', 'expansion' and 'cases' hold
    fitted values (the base scenario's own assumptions are left alone)."""
    accounts = scenario.initial_book.accounts or []
    service = measure_service(scenario, seed)
    overrides: dict[str, float] = {}
    anchors: dict[str, Anchor] = {}
    for name, group in scenario.population.items():
        tenures = Counter(a.renewals for a in accounts if a.group == name)
        if name not in service or not tenures:
            continue
        n, mu, sigma, shift, reach = service[name]
        law, which, where = group.renewal, fitted.get(name, set()), f"population.{name}"
        beta, clamped = law.beta, False
        if "renewal" in which:
            beta, clamped = base_beta(law.alpha, law.beta, tenures, mu, sigma)
            overrides[f"{where}.renewal.beta"] = beta
        anchor = Anchor(n, mu, sigma, law.beta, beta, shift, reach, clamped, tenures)
        anchors[name] = anchor
        if "expansion" in which:
            mean = anchor.base_mean_log_change(group.expansion.mean_log_change)
            overrides[f"{where}.expansion.mean_log_change"] = mean
        if "cases" in which:
            overrides[f"{where}.cases_per_year"] = anchor.base_cases_per_year(group.cases_per_year)
    return with_overrides(scenario, overrides, "<anchored>"), anchors
