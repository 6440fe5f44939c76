"""The normal and lognormal distribution functions the model's ARR and handle-time laws use.

A lognormal with mean m and coefficient of variation cv has log-scale parameters
sigma^2 = ln(1 + cv^2) and mu = ln(m) - sigma^2 / 2 (e.g. Johnson, Kotz & Balakrishnan,
*Continuous Univariate Distributions*, vol. 1, ch. 14); its distribution function is
Phi((ln x - mu) / sigma).
"""

from __future__ import annotations

import math


def normal_cdf(x: float) -> float:
    """Standard normal distribution function Phi(x) = erfc(-x / sqrt 2) / 2."""
    return 0.5 * math.erfc(-x / math.sqrt(2.0))


def lognormal_params(mean: float, cv: float) -> tuple[float, float]:
    """(mu, sigma) of the log of a lognormal with this mean and coefficient of variation."""
    sigma2 = math.log1p(cv * cv)
    return math.log(mean) - sigma2 / 2.0, math.sqrt(sigma2)
