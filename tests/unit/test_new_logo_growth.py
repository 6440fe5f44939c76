"""New logos whose rate grows every month (`population.G.new_logo_growth_per_month`, the $50M
template's "growing 2% a month"): the year means, the arrivals, and the constant-rate path kept
exactly as it was."""

from __future__ import annotations

import math

import pytest

from simcs.calendar import HOURS_PER_YEAR
from simcs.model.book import CustomerFactory, new_logo_times
from simcs.scenario import Scenario
from simcs.scenario.files import ScenarioError, with_overrides
from simcs.streams import NEW_LOGOS, Streams, name_key

GROUP = "15k_to_100k"


def _growing(baseline: Scenario, base: float, growth: float) -> Scenario:
    return with_overrides(
        baseline,
        {
            f"population.{GROUP}.new_logos_per_year": base,
            f"population.{GROUP}.new_logo_growth_per_month": growth,
        },
    )


def test_year_means_of_a_growing_rate(baseline: Scenario) -> None:
    scenario = _growing(baseline, 600.0, 0.02)
    for year in (1, 2, 3):
        expected = 600.0 * sum(1.02**m for m in range(12 * (year - 1), 12 * year)) / 12
        assert scenario.new_logo_rate(GROUP, year) == pytest.approx(expected, rel=1e-12)
    # the template's three years (631, 801, 1016 a year) grow by 1.02**12 a year
    ratio = scenario.new_logo_rate(GROUP, 2) / scenario.new_logo_rate(GROUP, 1)
    assert ratio == pytest.approx(1.02**12, rel=1e-12)


def test_arrivals_follow_the_growing_rate_month_by_month(baseline: Scenario) -> None:
    scenario = _growing(baseline, 12_000.0, 0.03)
    months = [0] * 36
    for replication in range(3):
        for t in CustomerFactory(scenario, Streams(4, replication)).arrivals(GROUP):
            months[int(t // (HOURS_PER_YEAR / 12))] += 1
    for m, count in enumerate(months):
        expected = 3 * 12_000.0 * 1.03**m / 12
        assert abs(count - expected) < 5 * math.sqrt(expected), (m, count, expected)
    assert months[-1] > 2 * months[0]  # 1.03**35 = 2.8


def test_a_constant_rate_keeps_the_yearly_arrivals(baseline: Scenario) -> None:
    """No growth: the same arrival times as the yearly piecewise-constant process."""
    factory = CustomerFactory(baseline, Streams(9, 2))
    rates = [baseline.new_logo_rate(GROUP, y) for y in range(1, baseline.horizon_years + 1)]
    rng = Streams(9, 2).stream(NEW_LOGOS, name_key(GROUP))
    assert factory.arrivals(GROUP) == new_logo_times(rates, rng)
    assert baseline.new_logo_monthly_rates(GROUP) == [r for r in rates for _ in range(12)]


def test_growth_needs_a_single_starting_rate(baseline: Scenario) -> None:
    with pytest.raises(ScenarioError, match="new_logo_growth_per_month"):
        with_overrides(
            baseline,
            {
                f"population.{GROUP}.new_logos_per_year": [100, 100, 100],
                f"population.{GROUP}.new_logo_growth_per_month": 0.02,
            },
        )
