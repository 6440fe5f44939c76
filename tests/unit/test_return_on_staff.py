"""Return on staff: discounted cost, the ratio of means, its delta-method interval (checked
against a direct matrix computation and by simulating its coverage) and the undefined cases."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from simcs.catalogue import ALL, HORIZON_YEAR
from simcs.experiments.return_on_staff import (
    ESTIMATED,
    NO_COST_CHANGE,
    NO_DATA,
    ONE_REPLICATION,
    delta_method_ratio,
    discounted_costs,
    economic_values,
    return_on_staff,
    returns_on_staff,
)
from simcs.records import Row

RATE = 0.10


def _rows(
    costs: dict[int, list[float]], values: dict[int, float], first_year: int = 1
) -> list[Row]:
    """Replication -> yearly cost_total (from `first_year`) and its economic_value, whole book,
    with a metric and a tier the functions must ignore."""
    rows: list[Row] = []
    for r, yearly in costs.items():
        for k, cost in enumerate(yearly):
            rows.append((r, first_year + k, ALL, "cost_total", cost))
            rows.append((r, first_year + k, ALL, "grr", 0.9))
            rows.append((r, first_year + k, "smb", "cost_total", 1e9))
        rows.append((r, HORIZON_YEAR, ALL, "economic_value", values[r]))
    return rows


def test_costs_are_discounted_from_each_years_middle() -> None:
    rows = _rows({0: [100.0, 200.0], 1: [50.0, 50.0]}, {0: 0.0, 1: 0.0})
    got = discounted_costs(rows, RATE)
    assert got[0] == pytest.approx(100.0 * 1.1**-0.5 + 200.0 * 1.1**-1.5)
    assert got[1] == pytest.approx(50.0 * 1.1**-0.5 + 50.0 * 1.1**-1.5)
    # after a warm-up the first measurement year is still k = 1 (economic value's origin)
    warm = discounted_costs(_rows({0: [100.0, 200.0]}, {0: 0.0}, first_year=3), RATE)
    assert warm[0] == pytest.approx(got[0])
    assert discounted_costs(rows, RATE, tier="smb")[0] == pytest.approx(
        1e9 * (1.1**-0.5 + 1.1**-1.5)
    )
    assert economic_values(rows) == {0: 0.0, 1: 0.0}


def test_a_value_proportional_to_cost_returns_exactly_its_ratio() -> None:
    """d_value = 3 d_cost in every replication: R = 3 and a zero-width interval."""
    reference = _rows({r: [100.0, 100.0] for r in range(4)}, {r: 1000.0 for r in range(4)})
    extra = {0: 10.0, 1: 20.0, 2: 30.0, 3: 45.0}
    variant_costs = {r: [100.0 + x, 100.0 + x] for r, x in extra.items()}
    pv = {r: x * (1.1**-0.5 + 1.1**-1.5) for r, x in extra.items()}
    variant = _rows(variant_costs, {r: 1000.0 + 3.0 * pv[r] for r in extra})
    got = return_on_staff("more_staff", "base", variant, reference, RATE)
    assert got.status == ESTIMATED and got.tier == ALL
    assert got.net == pytest.approx(3.0)
    assert got.low == pytest.approx(3.0) and got.high == pytest.approx(3.0)
    assert got.gross == pytest.approx(4.0)  # gross = net + 1: the dollar itself counted back
    assert got.cost.mean == pytest.approx(sum(pv.values()) / 4)
    assert got.value.n == got.cost.n == 4


def test_delta_method_interval_matches_a_direct_computation() -> None:
    rng = np.random.default_rng(20240614)
    costs = rng.normal(5.0, 1.0, 12)
    values = 0.7 * costs + rng.normal(1.0, 0.8, 12)
    ratio, low, high = delta_method_ratio(list(values), list(costs))
    x_bar, y_bar = values.mean(), costs.mean()
    gradient = np.array([1.0 / y_bar, -x_bar / y_bar**2])
    covariance = np.cov(np.vstack([values, costs]))  # n - 1 denominators
    se = math.sqrt(gradient @ covariance @ gradient / len(costs))
    t = stats.t.ppf(0.975, len(costs) - 1)
    assert ratio == pytest.approx(x_bar / y_bar)
    assert (low, high) == pytest.approx((ratio - t * se, ratio + t * se))


def test_delta_method_interval_covers_the_true_ratio_about_95_percent() -> None:
    """2,000 simulated experiments of 20 paired replications, true ratio E[X] / E[Y] = 0.8."""
    rng = np.random.default_rng(7)
    covered, trials = 0, 2000
    for _ in range(trials):
        costs = rng.normal(10.0, 2.0, 20)
        values = 0.5 * costs + rng.normal(3.0, 1.5, 20)  # E[X] = 8, E[Y] = 10
        _, low, high = delta_method_ratio(list(values), list(costs))
        covered += low <= 0.8 <= high
    assert 0.93 <= covered / trials <= 0.97


def test_undefined_when_the_cost_change_cannot_be_told_from_none() -> None:
    reference = _rows({r: [100.0] for r in range(4)}, {r: 0.0 for r in range(4)})
    wobble = {0: 5.0, 1: -5.0, 2: 3.0, 3: -4.0}  # cost difference's interval straddles 0
    variant = _rows({r: [100.0 + x] for r, x in wobble.items()}, {r: 50.0 for r in range(4)})
    got = return_on_staff("same_cost", "base", variant, reference, RATE)
    assert got.status == NO_COST_CHANGE
    assert math.isnan(got.net) and math.isnan(got.low) and math.isnan(got.high)
    assert got.value.mean == pytest.approx(50.0)  # the value difference is still reported
    identical = return_on_staff("twin", "base", reference, reference, RATE)
    assert identical.status == NO_COST_CHANGE


def test_one_replication_has_a_ratio_but_no_interval_and_none_has_nothing() -> None:
    reference = _rows({0: [100.0]}, {0: 0.0})
    variant = _rows({0: [200.0]}, {0: -50.0})
    got = return_on_staff("v", "base", variant, reference, RATE)
    assert got.status == ONE_REPLICATION
    assert got.net == pytest.approx(-50.0 / (100.0 * 1.1**-0.5))
    assert math.isnan(got.low) and math.isnan(got.high)
    unpaired = return_on_staff("v", "base", _rows({5: [200.0]}, {5: 1.0}), reference, RATE)
    assert unpaired.status == NO_DATA and math.isnan(unpaired.net)
    assert delta_method_ratio([], []) == pytest.approx((math.nan,) * 3, nan_ok=True)
    with pytest.raises(ValueError, match="paired"):
        delta_method_ratio([1.0], [1.0, 2.0])


def test_nan_replications_are_left_out_and_every_variant_but_the_reference_reported() -> None:
    base = _rows({r: [100.0] for r in range(4)}, {r: 0.0 for r in range(4)})
    costs = {0: [110.0], 1: [112.0], 2: [114.0], 3: [math.nan]}
    more = _rows(costs, {0: 20.0, 1: 24.0, 2: 28.0, 3: 0.0})
    (got,) = returns_on_staff({"base": base, "more": more}, "base", RATE)
    assert got.variant == "more" and got.reference == "base"
    assert got.cost.n == 3  # replication 3's cost is undefined
    assert got.net == pytest.approx(24.0 / (12.0 * 1.1**-0.5))
