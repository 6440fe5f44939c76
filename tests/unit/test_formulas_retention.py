"""Tests for simcs.formulas.retention on a hand-made year-start cohort."""

from __future__ import annotations

import math

import pytest

from simcs.formulas.retention import (
    gross_revenue_retention,
    logo_retention,
    net_revenue_retention,
)

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
