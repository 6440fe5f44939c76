"""Tests for simcs.calibration.anchor: the expected churn under a service, and the base law that
reproduces the fitted churn."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pytest

from simcs.calibration.anchor import base_beta, expected_churn

TENURES = Counter({0: 300, 1: 200, 3: 150, 7: 50})


def test_with_a_neutral_service_the_expected_churn_is_the_posterior_mean() -> None:
    alpha, beta = 1.3, 4.1
    closed = sum(n * alpha / (alpha + beta + r) for r, n in TENURES.items()) / 700
    assert expected_churn(alpha, beta, TENURES) == pytest.approx(closed, rel=2e-3)


def test_expected_churn_matches_monte_carlo_under_a_spread_of_odds() -> None:
    alpha, beta, mu, sigma = 0.8, 3.0, 0.4, 0.5
    rng = np.random.default_rng(5)
    renewals = np.repeat(list(TENURES), list(TENURES.values()))
    draws = np.tile(renewals, 400)
    theta = rng.beta(alpha, beta + draws)
    odds = theta / (1 - theta) * np.exp(rng.normal(mu, sigma, len(draws)))
    p = odds / (1 + odds)
    se = p.std() / math.sqrt(len(p))
    assert abs(expected_churn(alpha, beta, TENURES, mu, sigma) - p.mean()) < 4 * se + 1e-3


@pytest.mark.parametrize(("mu", "sigma"), [(0.5, 0.0), (-0.6, 0.3), (0.2, 0.8)])
def test_the_base_law_under_the_service_churns_as_the_fitted_law(mu: float, sigma: float) -> None:
    alpha, beta = 1.1, 5.0
    target = expected_churn(alpha, beta, TENURES)
    anchored, clamped = base_beta(alpha, beta, TENURES, mu, sigma)
    assert not clamped
    assert expected_churn(alpha, anchored, TENURES, mu, sigma) == pytest.approx(target, rel=1e-6)
    # a service that raises churn odds (mu > 0) needs a more loyal base law, and vice versa
    assert (anchored > beta) == (mu > 0)


def test_a_neutral_service_leaves_the_law_alone() -> None:
    anchored, clamped = base_beta(0.9, 6.0, TENURES, 0.0, 0.0)
    assert anchored == pytest.approx(6.0, rel=1e-3) and not clamped


def test_a_service_no_law_can_offset_is_clamped() -> None:
    _, clamped = base_beta(2.0, 2.0, TENURES, 9.0, 0.0)  # odds x 8,000: churn can't be 50%
    assert clamped
