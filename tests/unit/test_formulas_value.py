"""Discounting, a customer's residual value and a horizon's economic value, against their
definitions summed term by term."""

from __future__ import annotations

import math

import pytest

from simcs.formulas.sbg import sbg_discounted_residual_lifetime, sbg_survival
from simcs.formulas.value import (
    discount_factor,
    economic_value,
    margin_years_left,
    present_value,
)


def test_discount_factor() -> None:
    assert discount_factor(0, 0.1) == 1.0
    assert discount_factor(2, 0.1) == pytest.approx(1 / 1.21)
    assert discount_factor(0.5, 0.0) == 1.0
    with pytest.raises(ValueError, match="discount"):
        discount_factor(1, -0.1)


@pytest.mark.parametrize("term_left", [0.0, 0.25, 0.5, 1.0])
def test_no_churn_value_is_the_perpetuity(term_left: float) -> None:
    # a customer who never leaves: the rest of its term, then a perpetuity paid at renewals
    d = 0.1
    derl = sum(1.1**-k for k in range(2000))  # (1 + d) / d, summed
    expected = term_left + sum(1.1 ** -(term_left + k) for k in range(2000))
    assert margin_years_left(term_left, derl, d) == pytest.approx(expected, rel=1e-9)
    assert margin_years_left(term_left, derl, d) == pytest.approx(
        term_left + 1.1 ** (1 - term_left) / d, rel=1e-9
    )


@pytest.mark.parametrize(("alpha", "beta", "renewals"), [(0.7, 3.0, 0), (2.0, 10.0, 3)])
def test_value_is_the_discounted_expected_payments(
    alpha: float, beta: float, renewals: int
) -> None:
    # term_left of certain margin, then at each later renewal k (k = 1, 2, ...) a period paid
    # with the probability of surviving it, discounted from now
    d, f = 0.12, 0.4
    s0 = sbg_survival(alpha, beta, renewals)
    expected = f + sum(
        sbg_survival(alpha, beta, renewals + k) / s0 * (1 + d) ** -(f + k - 1)
        for k in range(1, 3000)
    )
    derl = sbg_discounted_residual_lifetime(alpha, beta, renewals, d)
    assert margin_years_left(f, derl, d) == pytest.approx(expected, rel=1e-8)


def test_term_left_is_clamped_and_derl_checked() -> None:
    assert margin_years_left(-0.5, 2.0, 0.1) == margin_years_left(0.0, 2.0, 0.1) == 2.0
    assert margin_years_left(1.5, 0.0, 0.1) == 1.0
    with pytest.raises(ValueError, match="derl"):
        margin_years_left(0.5, math.inf, 0.1)


def test_economic_value_discounts_mid_year_and_the_book_at_the_end() -> None:
    d = 0.1
    value = economic_value([100.0, 200.0, 300.0], 1000.0, d)
    expected = 100 / 1.1**0.5 + 200 / 1.1**1.5 + 300 / 1.1**2.5 + 1000 / 1.1**3
    assert value == pytest.approx(expected)
    assert economic_value([], 500.0, d) == 500.0
    assert math.isnan(economic_value([1.0, math.nan], 0.0, d))
    # undiscounted it is the plain sum
    assert economic_value([1.0, 2.0], 3.0, 0.0) == 6.0


def test_present_value_counts_each_year_at_its_middle() -> None:
    assert present_value([100.0, 200.0], 0.1) == pytest.approx(100 / 1.1**0.5 + 200 / 1.1**1.5)
    assert present_value([], 0.1) == 0.0
    assert economic_value([100.0, 200.0], 50.0, 0.1) == pytest.approx(
        present_value([100.0, 200.0], 0.1) + 50 / 1.1**2
    )
