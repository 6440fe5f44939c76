"""Tests for simcs.formulas.sbg, checked against direct integration over the Beta mixing law."""

from __future__ import annotations

import math

import pytest
from scipy.integrate import quad
from scipy.stats import beta as beta_dist

from simcs.formulas.sbg import (
    beta_params_from_mean,
    sbg_churn_probability,
    sbg_retention_rate,
    sbg_survival,
    sbg_survival_curve,
)

PARAMS = [(0.704, 1.182), (0.668, 3.806), (2.0, 8.0), (0.3, 0.3), (15.0, 85.0)]


def _integrate(alpha: float, beta: float, f) -> float:
    """E[f(theta)] for theta ~ Beta(alpha, beta), by adaptive quadrature."""
    pdf = beta_dist(alpha, beta).pdf
    value, _ = quad(lambda th: f(th) * pdf(th), 0.0, 1.0, limit=200, epsabs=1e-13, epsrel=1e-11)
    return value


@pytest.mark.parametrize(("alpha", "beta"), PARAMS)
def test_survival_matches_beta_integral(alpha: float, beta: float) -> None:
    for t in (1, 2, 5, 12):
        expected = _integrate(alpha, beta, lambda th, t=t: (1 - th) ** t)
        assert sbg_survival(alpha, beta, t) == pytest.approx(expected, rel=1e-7)


@pytest.mark.parametrize(("alpha", "beta"), PARAMS)
def test_churn_probability_matches_beta_integral(alpha: float, beta: float) -> None:
    for t in (1, 3, 8):
        expected = _integrate(alpha, beta, lambda th, t=t: th * (1 - th) ** (t - 1))
        assert sbg_churn_probability(alpha, beta, t) == pytest.approx(expected, rel=1e-7)


@pytest.mark.parametrize(("alpha", "beta"), PARAMS)
def test_closed_forms_are_consistent(alpha: float, beta: float) -> None:
    curve = sbg_survival_curve(alpha, beta, 20)
    assert len(curve) == 21
    assert curve[0] == 1.0
    assert sbg_survival(alpha, beta, 0) == 1.0
    churned = 0.0
    for t in range(1, 21):
        churned += sbg_churn_probability(alpha, beta, t)
        assert curve[t] == pytest.approx(1.0 - churned, rel=1e-12, abs=1e-15)
        assert curve[t] == pytest.approx(sbg_survival(alpha, beta, t), rel=1e-14)
        assert sbg_retention_rate(alpha, beta, t) == pytest.approx(
            curve[t] / curve[t - 1], rel=1e-12
        )
        assert sbg_churn_probability(alpha, beta, t) == pytest.approx(
            curve[t - 1] - curve[t], rel=1e-9
        )


@pytest.mark.parametrize(("alpha", "beta"), PARAMS)
def test_survival_decreases_and_retention_rises(alpha: float, beta: float) -> None:
    curve = sbg_survival_curve(alpha, beta, 30)
    assert all(later < earlier for earlier, later in zip(curve, curve[1:], strict=False))
    rates = [sbg_retention_rate(alpha, beta, t) for t in range(1, 31)]
    assert all(later > earlier for earlier, later in zip(rates, rates[1:], strict=False))
    assert rates[0] == pytest.approx(beta / (alpha + beta), rel=1e-15)  # 1 - mean churn


def test_large_parameters_and_horizon_are_stable() -> None:
    s = sbg_survival(5000.0, 45000.0, 500)
    assert 0.0 < s < 1.0
    product = math.prod(sbg_retention_rate(5000.0, 45000.0, t) for t in range(1, 501))
    assert s == pytest.approx(product, rel=1e-9)
    assert sbg_survival(0.5, 0.5, 10**6) > 0.0


def test_beta_params_from_mean() -> None:
    a, b = beta_params_from_mean(0.15, 20.0)
    assert a == pytest.approx(3.0)
    assert b == pytest.approx(17.0)
    assert a / (a + b) == pytest.approx(0.15)
    assert sbg_retention_rate(a, b, 1) == pytest.approx(0.85)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: sbg_survival(0.0, 1.0, 1), "alpha"),
        (lambda: sbg_survival(1.0, -1.0, 1), "beta"),
        (lambda: sbg_survival(1.0, 1.0, -1), "t"),
        (lambda: sbg_survival(1.0, 1.0, 1.5), "t"),
        (lambda: sbg_churn_probability(1.0, 1.0, 0), "t"),
        (lambda: sbg_retention_rate(1.0, 1.0, 0), "t"),
        (lambda: sbg_survival_curve(1.0, 1.0, -1), "years"),
        (lambda: beta_params_from_mean(1.0, 10.0), "mean_churn"),
        (lambda: beta_params_from_mean(0.2, 0.0), "concentration"),
    ],
)
def test_argument_validation(call, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()
