"""Turning uniform draws into the model's distributions (inverse transforms, no hidden state).

The distribution functions themselves are in `simcs.formulas.lognormal`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from statistics import NormalDist

from simcs.formulas.lognormal import lognormal_params, normal_cdf

_STANDARD_NORMAL = NormalDist()
_TINY = 1e-300


def normal_quantile(u: float) -> float:
    """Standard normal quantile of u in (0, 1)."""
    return _STANDARD_NORMAL.inv_cdf(min(max(u, _TINY), 1.0 - 1e-16))


def truncated_lognormal(u: float, mean: float, cv: float, low: float, high: float | None) -> float:
    """Inverse-transform draw of a lognormal(mean, cv) truncated to [low, high)."""
    if cv == 0:
        return mean
    mu, sigma = lognormal_params(mean, cv)
    f_low = normal_cdf((math.log(low) - mu) / sigma) if low > 0 else 0.0
    f_high = normal_cdf((math.log(high) - mu) / sigma) if high is not None else 1.0
    x = math.exp(mu + sigma * normal_quantile(f_low + u * (f_high - f_low)))
    if x < low:
        return low
    if high is not None and x >= high:
        return math.nextafter(high, 0.0)
    return x


def handle_hours(u: float, distribution: str, mean: float, cv: float) -> float:
    """A handle time from one uniform draw: exponential, fixed or lognormal."""
    if distribution == "exponential":
        return -mean * math.log1p(-u) if u < 1.0 else mean * 40.0
    if distribution == "fixed":
        return mean
    mu, sigma = lognormal_params(mean, cv)
    return math.exp(mu + sigma * normal_quantile(u))


def handle_time_law(distribution: str, mean: float, cv: float) -> Callable[[float], float]:
    """`handle_hours` of one law as a function of the uniform alone, its parameters worked out
    once (the very same numbers: a case's handle time is drawn on a hot path)."""
    if distribution != "lognormal":
        return lambda u: handle_hours(u, distribution, mean, cv)
    mu, sigma = lognormal_params(mean, cv)
    inv_cdf = _STANDARD_NORMAL.inv_cdf
    top = 1.0 - 1e-16

    def lognormal(u: float) -> float:
        return math.exp(mu + sigma * inv_cdf(min(max(u, _TINY), top)))

    return lognormal
