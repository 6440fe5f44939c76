"""The run-time guard: an event budget and no non-finite number, each stopping a replication
with one line that names the scenario fields to look at."""

from __future__ import annotations

import math
import pickle
from collections.abc import Generator

import pytest
import simpy

import simcs.model.renewal
import simcs.model.support
from simcs.model.guard import (
    BUDGET_CAP,
    BUDGET_FLOOR,
    ReplicationAborted,
    default_event_budget,
    events_processed,
    expected_events,
)
from simcs.model.ledger import Ledger
from simcs.model.organisation import CountingEnvironment, Organisation
from simcs.records import cell_key, group_scope
from simcs.scenario import Scenario
from simcs.scenario.files import with_overrides
from simcs.simulation.metrics import year_metrics
from simcs.simulation.replication import simulate
from tests.conftest import shrink


@pytest.fixture(scope="module")
def small(baseline: Scenario) -> Scenario:
    return shrink(baseline, 20, 2)


def _one_line(error: ReplicationAborted) -> str:
    text = str(error)
    assert "\n" not in text
    return text


def test_the_error_pickles_and_prints_one_line() -> None:
    error = ReplicationAborted(3, 2080.0 * 1.13, "it ran away", "population.smb.expansion")
    back = pickle.loads(pickle.dumps(error))
    assert type(back) is ReplicationAborted
    assert (
        str(back)
        == str(error)
        == ("replication 3 stopped at day 411: it ran away (look at population.smb.expansion)")
    )
    assert (back.replication, back.look_at) == (3, "population.smb.expansion")


def test_a_tiny_budget_refuses_the_run_before_it_starts(small: Scenario) -> None:
    with pytest.raises(ReplicationAborted) as caught:
        Organisation(small, 0, 2, event_budget=1_000).run()
    text = _one_line(caught.value)
    assert text.startswith("replication 2 stopped at day 0: it would need about ")
    assert "over the event budget of 1,000" in text
    assert "population.*.initial_customers" in text and "population.*.cases_per_year" in text


def test_a_run_over_its_budget_stops_within_a_month(small: Scenario) -> None:
    organisation = Organisation(small, 0, 1, event_budget=100)
    organisation.budget.expected = 0.0  # the estimate let it start; the count must stop it
    with pytest.raises(ReplicationAborted) as caught:
        organisation.run()
    text = _one_line(caught.value)
    assert text.startswith("replication 1 stopped at day 30: ")  # the first month's end
    assert "events processed, over the event budget of 100" in text
    assert "too large to simulate" in text and "population.*.initial_customers" in text


def test_the_event_count_is_read_exactly_from_simpy() -> None:
    env = CountingEnvironment()  # counts in step(), the way the guard must not
    env.process(_ticks(env, 7))
    env.run(until=5.5)
    assert events_processed(env) == env.processed == 7  # start, 5 ticks, the `until` event


def _ticks(env: simpy.Environment, n: int) -> Generator[simpy.Event, None, None]:
    for _ in range(n):
        yield env.timeout(1.0)


def test_default_budget_leaves_ordinary_runs_far_from_it(small: Scenario, mmc: Scenario) -> None:
    for scenario in (small, mmc):
        budget = default_event_budget(scenario)
        assert BUDGET_FLOOR <= budget <= BUDGET_CAP
        organisation = Organisation(scenario, 0, 0, count_events=True)
        events = organisation.run().events
        assert events == events_processed(organisation.env)
        assert events is not None and events <= expected_events(scenario) < budget


def test_counting_the_events_changes_nothing(small: Scenario) -> None:
    """The counting environment steps event by event (`step`); an ordinary run goes through
    the calendar's inlined loop: the same run either way."""
    counted = simulate(small, 4, 1, count_events=True)
    plain = simulate(small, 4, 1)
    assert counted.events is not None and plain.events is None
    assert counted.records == plain.records
    assert repr(counted.series) == repr(plain.series)  # NaN where a pool has no people


def test_a_book_too_large_to_simulate_is_refused_at_once(small: Scenario) -> None:
    huge = with_overrides(small, {"population.15k_to_100k.initial_customers": 1_000_000})
    assert expected_events(huge) > BUDGET_CAP
    with pytest.raises(ReplicationAborted, match="too large to simulate"):
        Organisation(huge, 0, 0).run()


def test_an_arr_overflowing_at_a_renewal_names_the_expansion(small: Scenario) -> None:
    population = dict(small.population)
    mid = population["15k_to_100k"]
    # past the schema's bounds: exp(1000) overflows a float
    population["15k_to_100k"] = mid.model_copy(
        update={"expansion": mid.expansion.model_copy(update={"mean_log_change": 1000.0})}
    )
    broken = small.model_copy(update={"population": population})
    with pytest.raises(ReplicationAborted) as caught:
        Organisation(broken, 0, 0).run()
    text = _one_line(caught.value)
    assert "non-finite ARR (inf) for a customer of group 15k_to_100k at a renewal" in text
    assert "population.15k_to_100k.expansion" in text


def test_a_nan_arr_at_a_renewal_stops_too(small: Scenario, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(simcs.model.renewal, "new_arr", lambda *args: math.nan)
    with pytest.raises(
        ReplicationAborted, match=r"non-finite ARR \(nan\).*look at population\.\w+\."
    ):
        Organisation(small, 0, 0).run()


@pytest.mark.parametrize("bad", [math.inf, math.nan])
def test_a_non_finite_handle_time_names_the_support_fields(
    small: Scenario, monkeypatch: pytest.MonkeyPatch, bad: float
) -> None:
    monkeypatch.setattr(simcs.model.support, "handle_time_law", lambda *args: lambda u: bad)
    with pytest.raises(ReplicationAborted) as caught:
        Organisation(small, 0, 0).run()  # an infinite job would otherwise hang the clock
    text = _one_line(caught.value)
    assert f"in the support queue would take {bad} clock hours" in text
    assert "not a finite time within 100 years (look at support.handle_time" in text


def test_a_job_too_long_to_simulate_names_the_productive_hours(small: Scenario) -> None:
    support = small.staff.support.model_copy(update={"productive_hours_per_week": 1e-9})
    broken = small.model_copy(update={"staff": small.staff.model_copy(update={"support": support})})
    with pytest.raises(ReplicationAborted) as caught:
        Organisation(broken, 0, 0).run()  # a case would take billions of years, loop for ever
    text = _one_line(caught.value)
    assert "not a finite time within 100 years" in text
    assert "staff.support.productive_hours_per_week" in text


def test_a_float_overflow_in_a_draw_stops_the_replication(
    small: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    def overflow(*args: object) -> float:
        raise OverflowError("math range error")

    monkeypatch.setattr(simcs.model.support, "handle_time_law", lambda *args: overflow)
    with pytest.raises(ReplicationAborted, match=r"a number too large for a float \(math range"):
        Organisation(small, 0, 0).run()


def test_a_non_finite_cost_in_the_ledger_stops_at_the_year_end(small: Scenario) -> None:
    support = small.staff.support.model_copy(update={"cost_per_hour": math.inf})
    broken = small.model_copy(update={"staff": small.staff.model_copy(update={"support": support})})
    with pytest.raises(ReplicationAborted) as caught:
        Organisation(broken, 0, 0).run()
    text = _one_line(caught.value)
    assert text.startswith("replication 0 stopped at day 364: non-finite support_activity_cost")
    assert "staff.support" in text


def test_year_metrics_never_emit_inf(baseline: Scenario) -> None:
    ledger = Ledger()
    # each cell finite, their sum beyond a float
    for cell in (cell_key("strategic", "over_250k"), cell_key("enterprise", "100k_to_250k")):
        ledger.put(1, cell, "arr_end", 1.5e308)
        ledger.put(1, cell, "customers_end", 1.0)
    metrics = year_metrics(ledger, baseline, 1)
    assert metrics["strategic"]["arr_end"] == 1.5e308
    assert metrics[group_scope("100k_to_250k")]["arr_end"] == 1.5e308
    assert math.isnan(metrics["all"]["arr_end"]) and math.isnan(metrics["all"]["arr_per_customer"])
    assert not any(math.isinf(v) for by_tier in metrics.values() for v in by_tier.values())


def test_a_large_company_is_admitted_and_the_count_stays_an_upper_bound() -> None:
    """The count bounds what a replication does (five years of the baseline, new logos
    arriving through the years; loosely: it takes the busiest tier that may serve a group),
    yet admits a company of 100,000 customers over five years (the scale benchmark's
    scenario, benchmarks/bench_scale.py)."""
    from simcs.scenario.files import default_scenario_path, load_scenario
    from simcs.scenario.scaling import scaled

    five_years = with_overrides(load_scenario(default_scenario_path()), {"horizon_years": 5})
    organisation = Organisation(five_years, 0, 0, count_events=True)
    events = organisation.run().events
    assert events is not None and events <= expected_events(five_years) <= 5 * events
    large = scaled(five_years, 60)
    assert sum(g.initial_customers for g in large.population.values()) == 96_000
    assert expected_events(large) < BUDGET_CAP
