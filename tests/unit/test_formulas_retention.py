"""Tests for simcs.formulas.retention on a hand-made year-start cohort."""

from __future__ import annotations

import math

import pytest

from simcs.formulas.retention import (
    gross_revenue_retention,
    logo_retention,
    net_revenue_retention,
)
from simcs.formulas.sbg import sbg_discounted_residual_lifetime, sbg_survival

# (ARR at year start, ARR at year end; 0 = churned)
COHORT: list[tuple[float, float]] = [
    (100.0, 130.0),  # expanded by 30: counts in NRR, capped at 100 in GRR
    (50.0, 0.0),  # churned: counts 0 in both
    (80.0, 60.0),  # contracted by 20: counts 60 in both
    (70.0, 70.0),  # flat
]


def _sums(cohort: list[tuple[float, float]]) -> tuple[float, float, float, int, int]:
    start = sum(s for s, _ in cohort)
    end = sum(e for _, e in cohort)
    retained = sum(min(s, e) for s, e in cohort)
    return start, end, retained, len(cohort), sum(e > 0 for _, e in cohort)


def test_hand_made_cohort() -> None:
    start, end, retained, n, alive = _sums(COHORT)
    assert (start, end, retained, n, alive) == (300.0, 260.0, 230.0, 4, 3)
    assert gross_revenue_retention(start, retained) == pytest.approx(230.0 / 300.0)
    assert net_revenue_retention(start, end) == pytest.approx(260.0 / 300.0)
    assert logo_retention(n, alive) == 0.75


def test_expansion_lifts_nrr_not_grr() -> None:
    start, end, retained, _, _ = _sums([(100.0, 150.0), (100.0, 100.0)])
    assert gross_revenue_retention(start, retained) == 1.0
    assert net_revenue_retention(start, end) == 1.25


def test_grr_never_exceeds_nrr_or_one() -> None:
    for cohort in (COHORT, [(10.0, 0.0)], [(5.0, 9.0), (5.0, 1.0)]):
        start, end, retained, _, _ = _sums(cohort)
        grr = gross_revenue_retention(start, retained)
        assert grr <= 1.0
        assert grr <= net_revenue_retention(start, end)


def test_all_churned() -> None:
    assert gross_revenue_retention(40.0, 0.0) == 0.0
    assert net_revenue_retention(40.0, 0.0) == 0.0
    assert logo_retention(3, 0) == 0.0


def test_empty_cohort_is_undefined() -> None:
    assert math.isnan(gross_revenue_retention(0.0, 0.0))
    assert math.isnan(net_revenue_retention(0.0, 10.0))
    assert math.isnan(logo_retention(0, 0))


# ----------------------------------------------------------------------------- sBG residual value


@pytest.mark.parametrize(("alpha", "beta"), [(1.2, 8.8), (0.7, 3.3), (2.6, 7.4)])
@pytest.mark.parametrize("renewals", [0, 1, 5])
@pytest.mark.parametrize("discount", [0.1, 0.25])
def test_discounted_residual_lifetime_is_the_discounted_survival_sum(
    alpha: float, beta: float, renewals: int, discount: float
) -> None:
    """Fader & Hardie's closed form (a hypergeometric function) against the sum it stands for:
    sum over k >= 1 of S(r + k) / S(r) / (1 + d)^(k - 1), summed until the terms vanish."""
    base = sbg_survival(alpha, beta, renewals)
    total, k, term = 0.0, 1, 1.0
    while term > 1e-15:
        term = sbg_survival(alpha, beta, renewals + k) / base / (1 + discount) ** (k - 1)
        total += term
        k += 1
    derl = sbg_discounted_residual_lifetime(alpha, beta, renewals, discount)
    assert derl == pytest.approx(total, rel=1e-9)


def test_discounted_residual_lifetime_limits() -> None:
    """Undiscounted: (beta + r) / (alpha - 1). Homogeneous (alpha, beta large, churn c): the
    geometric (1 - c) / (1 - (1 - c) / (1 + d)). Tenure raises it; discounting lowers it."""
    assert sbg_discounted_residual_lifetime(2.5, 7.5, 3, 0.0) == pytest.approx((7.5 + 3) / 1.5)
    c, d = 0.2, 0.1
    homogeneous = sbg_discounted_residual_lifetime(c * 1e7, (1 - c) * 1e7, 4, d)  # the series
    assert homogeneous == pytest.approx((1 - c) / (1 - (1 - c) / (1 + d)), rel=1e-5)
    for scale in (50.0, 5e3):  # scipy's 2F1 and the series agree with the sum where each is used
        a, b = c * scale, (1 - c) * scale
        base = sbg_survival(a, b, 2)
        by_sum = sum(sbg_survival(a, b, 2 + k) / base / (1 + d) ** (k - 1) for k in range(1, 400))
        assert sbg_discounted_residual_lifetime(a, b, 2, d) == pytest.approx(by_sum, rel=1e-9)
    values = [sbg_discounted_residual_lifetime(1.2, 8.8, r, 0.1) for r in range(6)]
    assert values == sorted(values) and values[0] < values[-1]
    assert sbg_discounted_residual_lifetime(1.2, 8.8, 2, 0.2) < values[2]
    with pytest.raises(ValueError, match="infinite"):
        sbg_discounted_residual_lifetime(0.9, 4.0, 0, 0.0)
    with pytest.raises(ValueError, match="discount"):
        sbg_discounted_residual_lifetime(1.2, 8.8, 0, -0.1)
