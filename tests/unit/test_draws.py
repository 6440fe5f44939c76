"""Tests for simcs.model.draws: inverse transforms checked against scipy and sample moments."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from simcs.model.draws import (
    handle_hours,
    handle_time_law,
    lognormal_params,
    normal_cdf,
    normal_quantile,
    truncated_lognormal,
)

U_EDGES = [0.0, 1e-300, 1e-12, 1e-6, 0.5, 1.0 - 1e-9, 1.0 - 1e-16, 1.0 - 2.0**-53]


def test_normal_helpers_match_scipy() -> None:
    for x in (-6.0, -1.5, 0.0, 0.3, 2.0, 5.0):
        assert normal_cdf(x) == pytest.approx(stats.norm.cdf(x), rel=1e-12, abs=1e-300)
    for u in (1e-8, 0.025, 0.5, 0.8, 0.999):
        assert normal_quantile(u) == pytest.approx(stats.norm.ppf(u), rel=1e-9)
    assert normal_quantile(0.5) == 0.0
    assert math.isfinite(normal_quantile(0.0)) and math.isfinite(normal_quantile(1.0))


def test_lognormal_params_moments() -> None:
    for mean, cv in ((0.5, 1.0), (20000.0, 0.3), (3.0, 2.5)):
        mu, sigma = lognormal_params(mean, cv)
        law = stats.lognorm(s=sigma, scale=math.exp(mu))
        assert law.mean() == pytest.approx(mean, rel=1e-12)
        assert law.std() / law.mean() == pytest.approx(cv, rel=1e-10)


@pytest.mark.parametrize(
    ("mean", "cv", "low", "high"),
    [
        (20000.0, 0.3, 15000.0, 50000.0),
        (300000.0, 0.4, 250000.0, None),
        (6667.0, 0.4, 0.0, 15000.0),
        (100.0, 2.0, 90.0, 91.0),  # narrow band
        (100.0, 0.1, 500.0, 600.0),  # band deep in the upper tail
    ],
)
def test_truncated_lognormal_stays_in_band(
    mean: float, cv: float, low: float, high: float | None
) -> None:
    rng = np.random.default_rng(5)
    for u in U_EDGES + rng.random(2000).tolist():
        x = truncated_lognormal(u, mean, cv, low, high)
        assert low <= x, u
        assert high is None or x < high, u


def test_truncated_lognormal_is_monotone_in_u() -> None:
    us = np.linspace(0.0, 0.999, 400).tolist()
    xs = [truncated_lognormal(u, 20000.0, 0.3, 15000.0, 50000.0) for u in us]
    assert all(a <= b for a, b in zip(xs, xs[1:], strict=False))


def test_untruncated_median_is_exp_mu() -> None:
    for mean, cv in ((1.0, 0.5), (20000.0, 0.3), (7.0, 3.0)):
        mu = math.log(mean) - math.log(1 + cv * cv) / 2  # by hand
        assert truncated_lognormal(0.5, mean, cv, 0.0, None) == pytest.approx(
            math.exp(mu), rel=1e-14
        )


def test_truncated_quantiles_match_scipy() -> None:
    mean, cv, low, high = 20000.0, 0.3, 15000.0, 30000.0
    sigma = math.sqrt(math.log(1 + cv * cv))
    mu = math.log(mean) - sigma * sigma / 2
    z = stats.truncnorm((math.log(low) - mu) / sigma, (math.log(high) - mu) / sigma)
    for u in (0.05, 0.5, 0.95):
        expected = math.exp(mu + sigma * float(z.ppf(u)))
        assert truncated_lognormal(u, mean, cv, low, high) == pytest.approx(expected, rel=1e-8)


def test_zero_cv_is_the_mean() -> None:
    assert truncated_lognormal(0.3, 123.0, 0.0, 0.0, None) == 123.0


def _sample(distribution: str, mean: float, cv: float, n: int, seed: int) -> np.ndarray:
    us = np.random.default_rng(seed).random(n)
    return np.array([handle_hours(float(u), distribution, mean, cv) for u in us])


@pytest.mark.parametrize(
    ("distribution", "mean", "cv"),
    [("exponential", 0.5, 1.0), ("lognormal", 0.5, 1.0), ("lognormal", 2.0, 0.4)],
)
def test_handle_hours_sample_mean(distribution: str, mean: float, cv: float) -> None:
    xs = _sample(distribution, mean, cv, 20000, seed=41)
    assert xs.mean() == pytest.approx(mean, rel=0.03)
    assert np.all(xs >= 0.0)


def test_handle_hours_exponential_by_hand() -> None:
    assert handle_hours(0.0, "exponential", 0.5, 1.0) == 0.0
    assert handle_hours(1 - math.exp(-1.0), "exponential", 0.5, 1.0) == pytest.approx(0.5)
    assert handle_hours(0.75, "exponential", 2.0, 1.0) == pytest.approx(2.0 * math.log(4.0))
    # exponential ignores cv: the cv of the draws is 1
    xs = _sample("exponential", 0.5, 0.2, 100_000, seed=43)
    assert xs.std() / xs.mean() == pytest.approx(1.0, rel=0.03)


def test_handle_hours_fixed_is_the_mean() -> None:
    for u in (0.0, 0.3, 0.999):
        assert handle_hours(u, "fixed", 0.5, 1.0) == 0.5


@pytest.mark.parametrize("cv", [0.5, 1.0])
def test_handle_hours_lognormal_cv(cv: float) -> None:
    xs = _sample("lognormal", 0.5, cv, 100_000, seed=47)
    assert xs.std(ddof=1) / xs.mean() == pytest.approx(cv, rel=0.05)
    # its median is exp(mu), by hand
    assert float(np.median(xs)) == pytest.approx(0.5 / math.sqrt(1 + cv * cv), rel=0.02)


@pytest.mark.parametrize(
    ("distribution", "mean", "cv"),
    [("exponential", 0.7, 1.0), ("fixed", 2.0, 0.0), ("lognormal", 1.5, 0.8), ("lognormal", 3, 2)],
)
def test_handle_time_law_is_handle_hours_to_the_bit(
    distribution: str, mean: float, cv: float
) -> None:
    law = handle_time_law(distribution, mean, cv)
    u = np.random.default_rng(5).random(2000).tolist() + [0.0, 1e-320, 0.5, 1.0 - 1e-17]
    assert [law(x) for x in u] == [handle_hours(x, distribution, mean, cv) for x in u]
