"""Support metrics at the horizon's end: cases still unresolved are counted, censored into the
waits and shares, and every case filed is accounted for; P(wait > 0) against Erlang C."""

from __future__ import annotations

import pytest

import simcs
from simcs.calendar import HOURS_PER_YEAR
from simcs.formulas.erlang import erlang_c
from simcs.model.clock import Calendar
from simcs.model.workqueue import Job, WorkQueue
from simcs.records import WAIT_POINTS, cell_key
from simcs.scenario import Scenario
from simcs.scenario.files import with_overrides
from simcs.stats import t_interval


def test_a_queue_lists_its_unfinished_jobs() -> None:
    env = Calendar()
    queue = WorkQueue(env, "desk", 2)
    jobs = [Job(hours, priority=p, tier=t) for hours, p, t in [(5, 0, "a"), (1, 0, "b"),
            (1, 1, "c"), (1, 0, "d"), (1, 0, "e")]]  # fmt: skip
    for job in jobs:
        queue.submit(job)
    env.run(until=1.5)  # b finished at 1, d took its seat; a still in hand; e then c wait
    waiting, serving = queue.unfinished()
    assert [j.tier for j in waiting] == ["e", "c"]
    assert sorted(j.tier for j in serving) == ["a", "d"]
    env.run(until=10)
    assert queue.unfinished() == ([], [])


#: the ledger key of the M/M/c scenario's customers: the one group, served by the one tier
BOOK = cell_key("book", "book")


def _overloaded(mmc: Scenario, patience: float | None) -> Scenario:
    """The M/M/c desk with 4 agents for 4.3 Erlangs (10% deflected), over two years, a 120-hour
    SLA (waits run to hundreds of hours)."""
    return with_overrides(
        mmc,
        {
            "staff.support.headcount": 4,
            "horizon_years": 2,
            "levers.self_service_deflection": 0.1,
            "support.patience_hours": patience,
            "tiers.book.support.sla_hours": 120.0,
        },
    )


@pytest.mark.parametrize("patience", [None, 40.0])
def test_an_overloaded_desk_accounts_for_every_case(mmc: Scenario, patience: float | None) -> None:
    scenario = _overloaded(mmc, patience)
    result = simcs.simulate(scenario, seed=4, replication=0)
    led = result.ledger
    years = (1, 2)

    def total(quantity: str, key: str = BOOK) -> float:
        return sum(led.get(y, key, quantity) for y in years)

    unresolved = result.metrics[2]["all"]["support_unresolved_end"]
    assert result.metrics[1]["all"]["support_unresolved_end"] == 0.0
    assert (
        unresolved == result.end_state["support_waiting"] + result.end_state["support_in_service"]
    )
    assert unresolved > 10  # the backlog of an overloaded desk
    if patience is not None:
        assert total("support_abandoned") > 100
    # conservation over the horizon: every case filed is deflected, finished by an agent,
    # abandoned, or unresolved at the end (finished cases counted by the queue, not the desk)
    assert total("support_cases") == (
        total("support_deflected")
        + total("support_completed", key="")
        + total("support_abandoned")
        + unresolved
    )
    # the still-waiting cases are censored into the year they were filed in
    assert total("support_censored") == result.end_state["support_waiting"]
    year = 2
    m = result.metrics[year]["book"]

    def g(quantity: str) -> float:
        return led.get(year, BOOK, quantity)

    reached = g("support_answered") + g("support_abandoned")
    queued = reached + g("support_censored")
    assert g("support_censored") > 0 and g("support_sla_met_count") > 0
    # the shares count the censored cases as misses: SLA attainment falls accordingly
    assert m["support_sla_met"] == pytest.approx(g("support_sla_met_count") / queued, rel=1e-12)
    assert m["support_sla_met"] < g("support_sla_met_count") / reached
    assert m["support_wait_within_24h"] * queued <= reached
    waited = g("support_wait_hours_sum") + g("support_censored_wait_hours")
    assert m["support_wait_hours_mean"] == pytest.approx(waited / queued, rel=1e-12)
    assert 0 < g("support_censored_wait_hours") <= g("support_censored") * 2 * HOURS_PER_YEAR
    assert m["support_delayed_share"] == pytest.approx(
        (g("support_delayed") + g("support_censored")) / queued, rel=1e-12
    )


def test_a_desk_that_keeps_up_reports_as_before(mmc: Scenario) -> None:
    """Nothing unresolved at the end: the shares are the answered cases' shares."""
    scenario = with_overrides(mmc, {"staff.support.headcount": 30})
    result = simcs.simulate(scenario, seed=4, replication=0)
    m = result.metrics[1]["all"]
    assert result.end_state["support_waiting"] == 0
    assert m["support_unresolved_end"] == result.end_state["support_in_service"]
    assert m["support_delayed_share"] == 0.0
    assert [m[f"support_wait_within_{p}"] for p, _ in WAIT_POINTS] == [1.0] * len(WAIT_POINTS)


def test_delayed_share_reproduces_erlang_c(mmc: Scenario) -> None:
    """P(wait > 0) of the M/M/c desk against Erlang C, at 99% confidence over 8 replications;
    the interval must also be narrow enough (10% of the value) to catch a bug."""
    group = mmc.population["book"]
    rate = group.initial_customers * group.cases_per_year / HOURS_PER_YEAR
    offered = rate * mmc.support.handle_time.mean_hours
    theory = erlang_c(mmc.staff.support.headcount, offered)
    shares = [
        simcs.simulate(mmc, seed=41, replication=r).metrics[1]["all"]["support_delayed_share"]
        for r in range(8)
    ]
    iv = t_interval(shares, 0.99)
    assert iv.low <= theory <= iv.high, f"theory {theory:.4f} outside [{iv.low:.4f}, {iv.high:.4f}]"
    assert iv.half_width < 0.10 * theory, "interval too wide to catch a bug"
    # and a desk with one agent more is delayed less often, as Erlang C says
    more = with_overrides(mmc, {"staff.support.headcount": mmc.staff.support.headcount + 1})
    fewer_delays = simcs.simulate(more, seed=41, replication=0).metrics[1]["all"]
    assert fewer_delays["support_delayed_share"] < shares[0]
    assert erlang_c(mmc.staff.support.headcount + 1, offered) < theory
