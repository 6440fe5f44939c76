"""Shifted-beta-geometric (sBG) model of contract renewals.

Fader & Hardie (2007), "How to project customer retention", Journal of Interactive
Marketing 21(1): at every renewal a customer churns with its own probability ``theta``;
across the customer base ``theta ~ Beta(alpha, beta)``. The lifetime ``T`` (the renewal at
which the customer leaves, ``T >= 1``) is then shifted-beta-geometric, and the aggregate
retention rate rises with tenure because high-churn customers leave first.
"""

from __future__ import annotations

import math
from numbers import Integral, Real

from scipy.special import betaln, hyp2f1

__all__ = [
    "beta_params_from_mean",
    "sbg_churn_probability",
    "sbg_discounted_residual_lifetime",
    "sbg_retention_rate",
    "sbg_survival",
    "sbg_survival_curve",
]


def _check_shape(name: str, value: float) -> float:
    if isinstance(value, bool) or not isinstance(value, Real):
        raise ValueError(f"{name} must be a real number, got {value!r}")
    value = float(value)
    if not (0.0 < value < math.inf):
        raise ValueError(f"{name} must be positive and finite, got {value}")
    return value


def _check_period(name: str, value: int, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return int(value)


def sbg_survival(alpha: float, beta: float, t: int) -> float:
    """Probability a customer is still active after ``t`` renewals, ``S(t) = P(T > t)``.

    ``S(t) = B(alpha, beta + t) / B(alpha, beta)`` (Fader & Hardie 2007), evaluated
    as ``exp(betaln(alpha, beta + t) - betaln(alpha, beta))`` so it is stable for large
    parameters and horizons. ``S(0) = 1``.
    """
    a = _check_shape("alpha", alpha)
    b = _check_shape("beta", beta)
    n = _check_period("t", t, 0)
    return math.exp(betaln(a, b + n) - betaln(a, b))


def sbg_churn_probability(alpha: float, beta: float, t: int) -> float:
    """Probability a customer churns exactly at renewal ``t``, ``P(T = t)`` for ``t >= 1``.

    ``P(T = t) = B(alpha + 1, beta + t - 1) / B(alpha, beta)`` (Fader & Hardie 2007),
    evaluated in log space with ``scipy.special.betaln``.
    """
    a = _check_shape("alpha", alpha)
    b = _check_shape("beta", beta)
    n = _check_period("t", t, 1)
    return math.exp(betaln(a + 1.0, b + n - 1.0) - betaln(a, b))


def sbg_retention_rate(alpha: float, beta: float, t: int) -> float:
    """Aggregate retention rate at renewal ``t``, ``r(t) = S(t) / S(t - 1)`` for ``t >= 1``.

    ``r(t) = (beta + t - 1) / (alpha + beta + t - 1)`` (Fader & Hardie 2007); it
    increases with ``t`` towards 1 (sorting effect of a heterogeneous customer base).
    """
    a = _check_shape("alpha", alpha)
    b = _check_shape("beta", beta)
    n = _check_period("t", t, 1)
    return (b + n - 1.0) / (a + b + n - 1.0)


def sbg_survival_curve(alpha: float, beta: float, years: int) -> list[float]:
    """Survival ``S(t)`` for ``t = 0, 1, ..., years`` (``years + 1`` values, starting at 1).

    Each value is :func:`sbg_survival` (Fader & Hardie 2007).
    """
    a = _check_shape("alpha", alpha)
    b = _check_shape("beta", beta)
    horizon = _check_period("years", years, 0)
    log_norm = betaln(a, b)
    return [math.exp(betaln(a, b + t) - log_norm) for t in range(horizon + 1)]


def sbg_discounted_residual_lifetime(
    alpha: float, beta: float, renewals: int, discount: float
) -> float:
    """Discounted expected residual lifetime (DERL) of a customer who has renewed `renewals`
    times, in contract periods: the expected number of further periods it pays for, the first
    (its next renewal) undiscounted and each later one discounted by ``1 + discount`` a period.

    Fader & Hardie (2010), "Customer-Base Valuation in a Contractual Setting: The Perils of
    Ignoring Heterogeneity", Marketing Science 29(1), eq. 6, with ``n - 1 = renewals``::

        DERL = (beta + r) / (alpha + beta + r) * 2F1(1, beta + r + 1; alpha + beta + r + 1;
                                                     1 / (1 + d))

    which is ``sum_{k>=1} S(r + k) / S(r) / (1 + d)^(k - 1)``. Tenure lowers the churn the
    survivors carry, so it rises with `renewals`. Undiscounted (``d = 0``) it is
    ``(beta + r) / (alpha - 1)``, finite only for ``alpha > 1`` (ValueError otherwise).
    """
    a = _check_shape("alpha", alpha)
    b = _check_shape("beta", beta)
    r = _check_period("renewals", renewals, 0)
    if isinstance(discount, bool) or not isinstance(discount, Real):
        raise ValueError(f"discount must be a real number, got {discount!r}")
    d = float(discount)
    if not (0.0 <= d < math.inf):
        raise ValueError(f"discount must be >= 0 and finite, got {d}")
    if d == 0.0:
        if a <= 1.0:
            raise ValueError(
                f"undiscounted, the residual lifetime is infinite for alpha <= 1 ({a})"
            )
        return (b + r) / (a - 1.0)
    x = 1.0 / (1.0 + d)
    value = float(hyp2f1(1.0, b + r + 1.0, a + b + r + 1.0, x))
    if not math.isfinite(value):  # scipy gives up for shapes in the thousands: sum the series
        value = _hypergeometric_one(b + r + 1.0, a + b + r + 1.0, x)
    return (b + r) / (a + b + r) * value


def _hypergeometric_one(b: float, c: float, x: float) -> float:
    """``2F1(1, b; c; x)`` for ``0 < b < c`` and ``0 <= x < 1`` by its series, whose terms
    ``(b)_k / (c)_k x^k`` fall at least geometrically (each ratio ``x (b + k) / (c + k) < x``);
    after a million terms the rest is bounded by the geometric tail of the last ratio."""
    total, term, ratio = 1.0, 1.0, x
    for k in range(1_000_000):
        ratio = x * (b + k) / (c + k)
        term *= ratio
        total += term
        if term < 1e-17 * total:
            return total
    return total + term * ratio / (1.0 - ratio)


def beta_params_from_mean(mean_churn: float, concentration: float) -> tuple[float, float]:
    """Beta ``(alpha, beta)`` with mean ``mean_churn`` and ``alpha + beta = concentration``.

    ``alpha = mean * k``, ``beta = (1 - mean) * k``: the mean of ``Beta(alpha, beta)`` is
    ``alpha / (alpha + beta)`` and its variance ``mean (1 - mean) / (k + 1)``, so a larger
    concentration ``k`` means a more homogeneous customer base (the usual mean/precision
    parameterisation of the Beta law). ``mean_churn`` must lie strictly in (0, 1).
    """
    if isinstance(mean_churn, bool) or not isinstance(mean_churn, Real):
        raise ValueError(f"mean_churn must be a real number, got {mean_churn!r}")
    mean = float(mean_churn)
    if not 0.0 < mean < 1.0:
        raise ValueError(f"mean_churn must be strictly between 0 and 1, got {mean}")
    k = _check_shape("concentration", concentration)
    return mean * k, (1.0 - mean) * k
