"""Support load from a help-desk export: cases per customer-year and the handle-time law.

- **Case rate** of a customer group: its tickets created in the observation window (from the
  first ticket in the export to the cut-off) over the customer-years its accounts were under
  contract in that window, with an exact 95% Poisson interval for the count (Garwood 1936:
  chi-square quantiles). It assumes each customer's cases arrive as a Poisson process, as the
  model's support desk does; a book whose customers differ a lot in case rate has a wider
  real uncertainty than this interval.
- **Handle time**: a lognormal law by maximum likelihood (the mean and standard deviation of
  log handle times) on the tickets with a positive handle time, reported as the model takes it:
  mean hours and coefficient of variation; the Kolmogorov-Smirnov distance between the data and
  the fitted law says how well it fits (`ks_distance`; below about 0.05 for a good fit of a few
  hundred tickets). Tickets with no handle time (0) are counted, not fitted.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from scipy import stats

from simcs.calibration.history import account_groups

if TYPE_CHECKING:
    import pandas as pd

SECONDS_PER_YEAR = 365.25 * 86400.0
#: Bins of the handle-time histogram kept for the report (log-spaced).
HISTOGRAM_BINS = 24


@dataclass(frozen=True)
class CaseRate:
    """A group's cases per customer-year, with its 95% interval and what it rests on."""

    cases_per_year: float
    ci95: tuple[float, float]
    cases: int
    customer_years: float


@dataclass(frozen=True)
class HandleTimeFit:
    """The lognormal law of handle times, as the scenario takes it."""

    mean_hours: float
    cv: float
    tickets: int  # tickets fitted (positive handle time)
    zero: int  # tickets with no handle time, not fitted
    ks_distance: float  # Kolmogorov-Smirnov distance between the data and the fitted law
    mu: float = math.nan  # mean of log minutes (the law: lognormal(mu, sigma), minutes)
    sigma: float = math.nan  # sd of log minutes
    histogram: tuple[list[float], list[int]] = ([], [])  # log-spaced edges (minutes), counts

    @property
    def distribution(self) -> str:
        """The law fitted."""
        return "lognormal"


def poisson_rate_interval(count: int, exposure: float) -> tuple[float, float]:
    """Exact 95% interval of a Poisson rate: count events over `exposure` (Garwood 1936)."""
    if exposure <= 0:
        return math.nan, math.nan
    low = 0.0 if count == 0 else stats.chi2.ppf(0.025, 2 * count) / 2.0
    high = stats.chi2.ppf(0.975, 2 * count + 2) / 2.0
    return float(low) / exposure, float(high) / exposure


def case_rates(
    accounts: pd.DataFrame, tickets: pd.DataFrame, as_of: pd.Timestamp
) -> dict[str, CaseRate]:
    """Each group's cases per customer-year over the tickets' window (first ticket to the
    cut-off)."""
    window_start = tickets["created_at"].min()
    in_window = tickets[(tickets["created_at"] >= window_start) & (tickets["created_at"] <= as_of)]
    groups = account_groups(accounts)
    group_of = dict(zip(accounts["account_id"], groups, strict=True))
    begin = accounts["start_date"].clip(lower=window_start)
    end = accounts["end_date"].fillna(as_of).clip(upper=as_of)
    years = ((end - begin).dt.total_seconds() / SECONDS_PER_YEAR).clip(lower=0.0)
    exposure = years.groupby(groups.values).sum()
    counts = in_window["account_id"].map(group_of).value_counts()
    out = {}
    for name in sorted(set(groups)):
        cases, cy = int(counts.get(name, 0)), float(exposure.get(name, 0.0))
        out[name] = CaseRate(
            cases_per_year=cases / cy if cy > 0 else math.nan,
            ci95=poisson_rate_interval(cases, cy),
            cases=cases,
            customer_years=cy,
        )
    return out


def fit_handle_time(minutes: np.ndarray) -> HandleTimeFit:
    """The lognormal law of positive handle times (minutes) by maximum likelihood."""
    values = np.asarray(minutes, dtype=float)
    positive = values[values > 0]
    if len(positive) < 2:
        raise ValueError(
            f"{len(positive)} ticket(s) with a handle time: at least 2 are needed for a law "
            "(a few hundred for a good one)"
        )
    logs = np.log(positive)
    mu, sigma = float(logs.mean()), float(logs.std(ddof=0))
    mean_minutes = math.exp(mu + sigma**2 / 2.0)
    if sigma > 0:
        law = stats.lognorm(s=sigma, scale=math.exp(mu))
        ks = float(stats.kstest(positive, law.cdf).statistic)
    else:  # every handle time the same: the law is that one value
        ks = 0.0
    low, high = float(positive.min()), float(positive.max())
    edges = (
        np.geomspace(low, high * (1 + 1e-9), HISTOGRAM_BINS + 1)
        if high > low
        else np.array([low, low * 1.01 + 1e-9])
    )
    counts, _ = np.histogram(positive, bins=edges)
    return HandleTimeFit(
        mean_hours=mean_minutes / 60.0,
        cv=math.sqrt(math.expm1(sigma**2)),
        tickets=len(positive),
        zero=int(len(values) - len(positive)),
        ks_distance=ks,
        mu=mu,
        sigma=sigma,
        histogram=([float(e) for e in edges], [int(c) for c in counts]),
    )
