"""Tests for simcs.model.book: the t=0 book, new-logo arrivals and common random numbers."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from scipy import stats

from simcs.calendar import HOURS_PER_YEAR
from simcs.formulas.sbg import sbg_survival
from simcs.model.book import (
    NEW_LOGO_SERIAL,
    CustomerFactory,
    draw_arr,
    new_logo_times,
    scale_to_total,
    tenure_cdf,
)
from simcs.scenario import CustomerGroup, Scenario
from simcs.scenario.files import with_overrides
from simcs.streams import Streams

# ----------------------------------------------------------------------------- scale_to_total


def _check_scaled(
    values: list[float], out: list[float], total: float, low: float, high: float | None
) -> None:
    assert len(out) == len(values)
    assert math.fsum(out) == pytest.approx(total, rel=1e-12)
    for x in out:
        assert low <= x
        if high is not None:
            assert x < high


def test_scale_to_total_without_clipping_is_a_common_factor() -> None:
    values = [10.0, 20.0, 30.0, 40.0]
    out = scale_to_total(values, 250.0, 0.0, None)
    _check_scaled(values, out, 250.0, 0.0, None)
    assert out == pytest.approx([25.0, 50.0, 75.0, 100.0], rel=1e-12)


def test_scale_to_total_when_low_clipping_binds() -> None:
    # a common factor would take 1 and 2 below the band's low of 10: they sit at 10 and the
    # others share the rest in proportion: 10 + 10 + f (30 + 60 + 100) = 400 -> f = 2
    values = [1.0, 2.0, 30.0, 60.0, 100.0]
    out = scale_to_total(values, 400.0, 10.0, 500.0)
    _check_scaled(values, out, 400.0, 10.0, 500.0)
    assert out == pytest.approx([10.0, 10.0, 60.0, 120.0, 200.0], rel=1e-12)


def test_scale_to_total_when_high_clipping_binds() -> None:
    # scaling up pushes 100 above high 150: it sits just below 150 and the others take the rest
    values = [10.0, 20.0, 30.0, 100.0]
    out = scale_to_total(values, 300.0, 0.0, 150.0)
    _check_scaled(values, out, 300.0, 0.0, 150.0)
    assert out[3] == pytest.approx(150.0, rel=1e-12) and out[3] < 150.0
    assert out[:3] == pytest.approx([25.0, 50.0, 75.0], rel=1e-9)


def test_scale_to_total_random_books_stay_in_band() -> None:
    rng = np.random.default_rng(7)
    for _ in range(50):
        n = int(rng.integers(5, 200))
        low, high = 1000.0, 5000.0
        values = rng.lognormal(7.5, 0.8, n).tolist()
        total = float(rng.uniform(n * low * 1.01, n * high * 0.99))
        out = scale_to_total(values, total, low, high)
        _check_scaled(values, out, total, low, high)
        # unclipped values keep their ratios (one common factor), and the order is kept
        free = [(o, v) for o, v in zip(out, values, strict=True) if low < o < high * (1 - 1e-12)]
        factors = [o / v for o, v in free]
        assert max(factors) == pytest.approx(min(factors), rel=1e-9)
        order = np.argsort(values, kind="stable")
        assert all(np.diff(np.asarray(out)[order]) >= -1e-9)


# ----------------------------------------------------------------------------- tenure_cdf


@pytest.mark.parametrize(
    ("alpha", "beta", "years"), [(1.2, 8.8, 10), (2.6, 7.4, 5), (0.7, 1.2, 30)]
)
def test_tenure_cdf_is_proportional_to_sbg_survival(alpha: float, beta: float, years: int) -> None:
    cdf = tenure_cdf(alpha, beta, years)
    assert len(cdf) == years + 1
    assert cdf[-1] == 1.0
    increments = [cdf[0]] + [b - a for a, b in zip(cdf, cdf[1:], strict=False)]
    assert all(i > 0 for i in increments)
    survival = [sbg_survival(alpha, beta, k) for k in range(years + 1)]
    ratios = [i / s for i, s in zip(increments, survival, strict=True)]
    assert max(ratios) == pytest.approx(min(ratios), rel=1e-9)
    assert ratios[0] == pytest.approx(1.0 / math.fsum(survival), rel=1e-12)


def test_tenure_cdf_with_no_tenure_is_a_point_mass() -> None:
    assert tenure_cdf(1.0, 3.0, 0) == [1.0]


# ----------------------------------------------------------------------------- new logos


def test_new_logo_counts_match_the_poisson_mean() -> None:
    rate, years, runs = 5.0, 3, 400
    counts = []
    pooled: list[float] = []
    for seed in range(runs):
        times = new_logo_times([rate] * years, np.random.default_rng(seed))
        assert times == sorted(times)
        assert all(0.0 <= t < years * HOURS_PER_YEAR for t in times)
        counts.append(len(times))
        pooled.extend(times)
    # total count ~ Poisson(r Y runs); 99% interval with the Poisson variance
    expected = rate * years * runs
    assert abs(sum(counts) - expected) < 2.576 * math.sqrt(expected)
    # given the counts, a constant-rate Poisson process spreads arrivals uniformly
    ks = stats.kstest(np.asarray(pooled) / (years * HOURS_PER_YEAR), "uniform")
    assert ks.pvalue > 0.01


def test_piecewise_rates_put_arrivals_in_the_right_year() -> None:
    per_year = np.zeros(3)
    for seed in range(300):
        times = new_logo_times([2.0, 0.0, 8.0], np.random.default_rng(1000 + seed))
        for t in times:
            per_year[int(t // HOURS_PER_YEAR)] += 1
    assert per_year[1] == 0  # a zero-rate year gets no arrivals
    for k, rate in ((0, 2.0), (2, 8.0)):
        expected = rate * 300
        assert abs(per_year[k] - expected) < 2.576 * math.sqrt(expected)


def test_all_arrivals_in_year_two() -> None:
    n = 0
    for seed in range(20):
        times = new_logo_times([0.0, 50.0], np.random.default_rng(seed))
        assert all(HOURS_PER_YEAR <= t < 2 * HOURS_PER_YEAR for t in times)
        n += len(times)
    assert abs(n - 1000) < 2.576 * math.sqrt(1000)


def test_zero_rates_give_no_arrivals() -> None:
    assert new_logo_times([0.0, 0.0, 0.0], np.random.default_rng(3)) == []
    assert new_logo_times([], np.random.default_rng(3)) == []


# ----------------------------------------------------------------------------- draw_arr


def _group(base: CustomerGroup, **change: Any) -> CustomerGroup:
    data = base.model_dump(mode="json")
    data.update(change)
    data["initial_arr_total"] = None
    return CustomerGroup.model_validate(data)


U_GRID = [0.0, 1e-12, 0.01, 0.25, 0.5, 0.75, 0.99, 1.0 - 1e-12, 1.0 - 2.0**-53]


def test_draw_arr_stays_in_band(baseline: Scenario) -> None:
    mid = baseline.population["15k_to_100k"]
    cases = [
        _group(mid, arr={"kind": "fixed", "mean": 20000.0}),
        _group(mid, arr={"kind": "uniform", "mean": 20000.0}),
        _group(mid, arr={"kind": "lognormal", "mean": 20000.0, "cv": 0.3}),
        _group(mid, arr={"kind": "lognormal", "mean": 16000.0, "cv": 2.0}),
        baseline.population["over_250k"],  # no upper bound
        baseline.population["under_15k"],  # low 0
    ]
    rng = np.random.default_rng(11)
    us = U_GRID + rng.random(500).tolist()
    for group in cases:
        low, high = group.arr_band
        for u in us:
            x = draw_arr(group, u)
            assert low <= x, (group.arr, u)
            assert high is None or x < high, (group.arr, u)


def test_draw_arr_by_kind(baseline: Scenario) -> None:
    mid = baseline.population["15k_to_100k"]  # band [15000, 100000)
    assert mid.arr_band == (15000.0, 100000.0)
    fixed = _group(mid, arr={"kind": "fixed", "mean": 20000.0})
    assert draw_arr(fixed, 0.1) == draw_arr(fixed, 0.9) == 20000.0
    uniform = _group(mid, arr={"kind": "uniform", "mean": 20000.0})
    assert draw_arr(uniform, 0.0) == 15000.0
    assert draw_arr(uniform, 0.5) == pytest.approx(57500.0)
    # lognormal: the draw is the inverse of the truncated law's distribution function
    lognormal = _group(mid, arr={"kind": "lognormal", "mean": 20000.0, "cv": 0.3})
    s2 = math.log1p(0.09)
    law = stats.lognorm(s=math.sqrt(s2), scale=math.exp(math.log(20000.0) - s2 / 2))
    f_lo, f_hi = law.cdf(15000.0), law.cdf(100000.0)
    for u in (0.1, 0.5, 0.9):
        x = draw_arr(lognormal, u)
        assert (law.cdf(x) - f_lo) / (f_hi - f_lo) == pytest.approx(u, rel=1e-9)


# ----------------------------------------------------------------------------- customer factory


def _attributes(factory: CustomerFactory, group: str, serial: int, initial: bool) -> tuple:
    """A customer's attributes, with the renewal draws every horizon keeps (the first 3)."""
    c = factory.create(group, serial, 0.0 if initial else 500.0, initial)
    return (
        c.arr,
        c.theta,
        c.tier,
        c.exec_sponsor,
        tuple(c.renewal_u[:3]),
        tuple(c.renewal_z[:3]),
        c.renewals,
    )


def test_common_random_numbers_across_staffing(baseline: Scenario) -> None:
    other = with_overrides(baseline, {"staff.support.headcount": 3})
    assert other.staff.support.headcount == 3 != baseline.staff.support.headcount
    a = CustomerFactory(baseline, Streams(42, 3))
    b = CustomerFactory(other, Streams(42, 3))
    for group in baseline.population:
        for serial in (0, 1, 7, 49, NEW_LOGO_SERIAL, NEW_LOGO_SERIAL + 5):
            initial = serial < NEW_LOGO_SERIAL
            assert _attributes(a, group, serial, initial) == _attributes(b, group, serial, initial)
        assert a.arrivals(group) == b.arrivals(group)


def test_different_replication_gives_different_customers(baseline: Scenario) -> None:
    a = CustomerFactory(baseline, Streams(42, 3))
    b = CustomerFactory(baseline, Streams(42, 4))
    for group in baseline.population:
        for serial in (0, 1, NEW_LOGO_SERIAL):
            ca = a.create(group, serial, 0.0, True)
            cb = b.create(group, serial, 0.0, True)
            assert ca.theta != cb.theta
            assert ca.renewal_u != cb.renewal_u
            assert ca.renewal_z != cb.renewal_z
    arr_a = [a.create("100k_to_250k", k, 0.0, True).arr for k in range(5)]
    arr_b = [b.create("100k_to_250k", k, 0.0, True).arr for k in range(5)]
    assert arr_a != arr_b


def test_customers_of_one_replication_differ(baseline: Scenario) -> None:
    factory = CustomerFactory(baseline, Streams(5, 0))
    thetas = {factory.create("15k_to_100k", k, 0.0, True).theta for k in range(50)}
    assert len(thetas) == 50


def test_initial_book_hits_the_arr_total_inside_the_band(baseline: Scenario) -> None:
    factory = CustomerFactory(baseline, Streams(9, 1))
    rule = baseline.rule
    for name, group in baseline.population.items():
        book = factory.initial_book(name)
        assert len(book) == group.initial_customers
        assert group.initial_arr_total is not None
        arr = [c.arr for c in book]
        assert math.fsum(arr) == pytest.approx(group.initial_arr_total, rel=1e-12)
        low, high = group.arr_band
        assert all(low <= x and (high is None or x < high) for x in arr)
        # each customer is in its group for life, served by the tier the rule gives its ARR
        for c in book:
            assert c.group == name
            assert c.tier == rule.tier_of(c.arr, name)
            assert c.cell == f"{c.tier}|{name}"
        # staggered anniversaries within the first year, tenure steady state
        assert all(0.0 < c.next_anniversary <= HOURS_PER_YEAR for c in book)
        for c in book:
            assert c.sale_time == pytest.approx(
                c.next_anniversary - (c.renewals + 1) * HOURS_PER_YEAR
            )


def test_common_random_numbers_across_horizons(baseline: Scenario) -> None:
    """A longer horizon must not change who the customers are."""
    longer = with_overrides(baseline, {"horizon_years": 7})
    a = CustomerFactory(baseline, Streams(1, 0))
    b = CustomerFactory(longer, Streams(1, 0))
    for group in baseline.population:
        for serial in (0, 3, NEW_LOGO_SERIAL):
            initial = serial < NEW_LOGO_SERIAL
            assert _attributes(a, group, serial, initial) == _attributes(b, group, serial, initial)
            short = a.create(group, serial, 0.0, initial)
            long = b.create(group, serial, 0.0, initial)
            # the renewals a horizon can use (one a year, one at t=0), the same draws in both
            assert len(short.renewal_u) == baseline.horizon_years + 2
            assert len(long.renewal_u) == len(long.renewal_z) == longer.horizon_years + 2
            assert list(long.renewal_u[: len(short.renewal_u)]) == list(short.renewal_u)
            assert list(long.renewal_z[: len(short.renewal_z)]) == list(short.renewal_z)


def test_uniform_arr_never_reaches_the_excluded_top(baseline: Scenario) -> None:
    group = _group(
        baseline.population["15k_to_100k"],
        arr={"kind": "uniform", "mean": 100000.5},
        arr_band=(100000.0, 100001.0),
    )
    assert draw_arr(group, 1.0 - 2.0**-53) < 100001.0
