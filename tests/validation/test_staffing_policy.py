"""Staffing over time (`simcs.model.roster`): plans, ratio and workload rules, caps, freezes and
layoffs, checked on bare pools against what the rules say, and on the growing $50M template
against fixed headcount.

A bare pool is a roster driving a work queue with no work, so every figure is a count: who is
on payroll when, which positions were opened, when each hire arrived and ramped.
"""

from __future__ import annotations

import math

import pytest
import simpy

import simcs
from simcs.calendar import HOURS_PER_YEAR, weeks
from simcs.model.clock import Calendar
from simcs.model.ledger import Ledger
from simcs.model.roster import MONTH_HOURS, Roster
from simcs.model.seats import QueueSeats
from simcs.model.workqueue import WorkQueue
from simcs.scenario import StaffPool
from simcs.scenario.files import with_overrides
from simcs.simulation.replication import ReplicationResult
from simcs.streams import Streams
from tests.conftest import scenario_path


class _Log(QueueSeats):
    """A queue's seats that note every hire (time, position, ramp) and departure."""

    def __init__(self, queue: WorkQueue) -> None:
        super().__init__(queue)
        self.hires: list[tuple[float, int, float]] = []
        self.leaves: list[tuple[float, int]] = []

    def fill_seat(self, index: int, ramp_hours: float) -> None:
        self.hires.append((self.queue.env.now, index, ramp_hours))
        super().fill_seat(index, ramp_hours)

    def vacate_seat(self, index: int) -> None:
        self.leaves.append((self.queue.env.now, index))
        super().vacate_seat(index)


def _pool(headcount: int = 4, **policy: object) -> StaffPool:
    return StaffPool.model_validate(
        {
            "headcount": headcount,
            "ote": 100_000,
            "overhead": 0.5,
            "hiring_lag_weeks": 10,
            "ramp_weeks": 6,
            **({"policy": policy} if policy else {}),
        }
    )


def _roster(
    pool: StaffPool, book: list[float] | None = None, seed: int = 1
) -> tuple[simpy.Environment, Roster, _Log, WorkQueue]:
    env = Calendar()
    queue = WorkQueue(env, "support", pool.headcount)
    log = _Log(queue)
    arr = book if book is not None else [0.0]

    def measure() -> tuple[float, int]:
        return arr[0], 10_000  # customers: a ratio never asks for more people than these

    roster = Roster(
        env, pool, "support", "support", "", Ledger(), Streams(seed, 0), log, "full", measure
    )
    return env, roster, log, queue


def _months(env: simpy.Environment, roster: Roster, months: int, each=None) -> list[int]:
    """Run month by month with a review at each month's end (as the organisation does); the
    people on payroll at each month's end."""
    roster.review(0, math.nan, math.nan)
    people = []
    for month in range(1, months + 1):
        if each is not None:
            each(month)
        env.run(until=month * MONTH_HOURS)
        roster.close_month()
        roster.review(month, math.nan, math.nan)
        people.append(roster.filled)
    return people


def test_a_plan_puts_its_people_on_payroll_from_its_month_after_lag_and_ramp() -> None:
    """Each step's positions open a hiring lag before its month; a hire is on payroll from
    then and at half speed for the ramp; a decrease goes by layoff at its month."""
    pool = _pool(
        4,
        plan=[
            {"month": 3, "headcount": 6},
            {"quarter": 3, "headcount": 9},
            {"month": 9, "headcount": 5},
        ],
        reduce="layoff",
    )
    env, roster, log, queue = _roster(pool)
    people = _months(env, roster, 12)
    # a step of month s (0 = the first month) is on payroll from t = s months: at the end of
    # the (s+1)th month
    assert people == [4, 4, 4, 6, 6, 6, 9, 9, 9, 5, 5, 5]
    lag, ramp = weeks(10), weeks(6)
    hires = sorted(log.hires)
    assert [round(t, 6) for t, _, _ in hires] == [round(3 * MONTH_HOURS, 6)] * 2 + [
        round(6 * MONTH_HOURS, 6)
    ] * 3
    for t, index, ramp_hours in hires:
        assert ramp_hours == ramp
        seat = queue.seats[index]
        if seat.present:
            assert seat.ramp_until == pytest.approx(t + ramp)
    opened = [d for d in roster.decisions if d.action == "hire"]
    assert [(d.people, round(d.time, 6)) for d in opened] == [
        (2, round(3 * MONTH_HOURS - lag, 6)),
        (3, round(6 * MONTH_HOURS - lag, 6)),
    ]
    let_go = [d for d in roster.decisions if d.action == "let go"]
    assert [(d.people, d.time) for d in let_go] == [(4, pytest.approx(9 * MONTH_HOURS))]
    assert sum(s.present for s in queue.seats) == 5


def test_a_ratio_rule_tracks_the_book_within_a_review_and_a_lag() -> None:
    """One person per $1M: as the book grows $0.5M a month, the people on payroll at any month
    end are the ratio's headcount of the book one review period plus a hiring lag earlier (or
    more), never of the book now plus a person."""
    book = [4_000_000.0]
    pool = _pool(4, arr_per_person=1_000_000, review="quarterly")
    env, roster, log, _ = _roster(pool, book)
    arr_at: dict[int, float] = {}

    def grow(month: int) -> None:
        book[0] = 4_000_000 + 500_000 * (month - 1)
        arr_at[month] = book[0]

    people = _months(env, roster, 24, grow)
    lag_months = weeks(10) / MONTH_HOURS
    for month, on_payroll in enumerate(people, start=1):
        earlier = month - 3 - math.ceil(lag_months)
        floor = math.ceil(arr_at.get(earlier, 4_000_000) / 1_000_000) if earlier >= 1 else 4
        assert on_payroll >= floor, (month, on_payroll, floor)
        assert on_payroll <= math.ceil(book[0] / 1_000_000) if month == 24 else True
    assert people[-1] >= 13  # the book reached $15.5M


def test_caps_are_never_exceeded_and_a_freeze_stops_hires_from_its_date() -> None:
    """A ratio that asks for 40 people, under a cap of 12 and a budget of 15 people's cost:
    the payroll never passes 12; with a budget of 9.5 people it never passes 9; after a freeze
    at week 20, nobody is hired (attrition then shrinks the pool)."""
    book = [40_000_000.0]
    for policy, most in (
        ({"max_headcount": 12}, 12),
        ({"max_cost_per_year": 9.5 * 150_000}, 9),
    ):
        env, roster, log, _ = _roster(_pool(4, arr_per_person=1_000_000, **policy), book)
        people = _months(env, roster, 12)
        assert max(people) == most and roster.target == most
        assert all("capped" in d.reason for d in roster.decisions if d.action == "hire")
    frozen = StaffPool.model_validate(
        {
            **_pool(20).model_dump(),
            "attrition_per_year": 2.0,
            "hiring_freeze_after_weeks": 20,
        }
    )
    env, roster, log, _ = _roster(frozen, seed=3)
    _months(env, roster, 24)
    assert log.hires and all(t < weeks(20) for t, _, _ in log.hires)
    assert len(log.leaves) > 20 and roster.filled < 20


def test_a_budget_below_the_t0_staff_is_an_error() -> None:
    with pytest.raises(ValueError, match="max_cost_per_year"):
        _pool(10, max_cost_per_year=100_000)
    with pytest.raises(ValueError, match="max_headcount"):
        _pool(10, max_headcount=5)
    with pytest.raises(ValueError, match="plan or rules"):
        _pool(4, plan=[{"month": 1, "headcount": 3}], arr_per_person=1e6)


def test_attrition_above_target_is_not_backfilled_and_a_layoff_lets_the_latest_go() -> None:
    """A plan down from 20 to 10 at month 6: by attrition, leavers after the decision are not
    replaced and nobody is let go; by layoff, 10 people go at month 6, none before."""
    base = {**_pool(20).model_dump(), "attrition_per_year": 1.0}
    for reduce in ("attrition", "layoff"):
        pool = StaffPool.model_validate(
            {**base, "policy": {"plan": [{"month": 6, "headcount": 10}], "reduce": reduce}}
        )
        env, roster, log, _ = _roster(pool, seed=7)
        people = _months(env, roster, 36)
        if reduce == "layoff":
            assert people[5] > 10 and people[6] <= 10  # gone at t = 6 months exactly
            assert any(d.action == "let go" for d in roster.decisions)
        else:
            assert not any(d.action == "let go" for d in roster.decisions)
            assert people[5] > 10  # attrition takes time
        assert max(people[12:]) <= 10  # never back above the plan
        # a backfill only when the pool is below its target: from month 6 at most 10
        assert people[-1] <= 10


def test_a_workload_rule_hires_after_its_reviews_of_overload() -> None:
    """Utilisation above 0.8 at two quarterly reviews in a row decides one hire; a review
    below resets the count."""
    pool = _pool(4, workload={"utilization_above": 0.8, "reviews": 2, "step": 1})
    env, roster, log, _ = _roster(pool)
    roster.review(0, math.nan, math.nan)
    loads = {3: 0.9, 6: 0.7, 9: 0.9, 12: 0.95, 15: 0.9, 18: 0.9}
    for month in range(1, 19):
        env.run(until=month * MONTH_HOURS)
        roster.review(month, loads.get(month, 0.0), 0.0)
    opened = [d for d in roster.decisions if d.action == "hire"]
    assert [round(d.time / MONTH_HOURS) for d in opened] == [12, 18]
    assert all("utilisation" in d.reason for d in opened)
    assert roster.target == 6


def test_payroll_and_cost_add_up_over_the_months_of_a_year() -> None:
    """The monthly loaded costs of a year sum to the year's payroll cost in the ledger."""
    pool = StaffPool.model_validate(
        {**_pool(6).model_dump(), "attrition_per_year": 1.0, "managers": 1, "manager_ote": 150_000}
    )
    env, roster, _, _ = _roster(pool, seed=11)
    roster.review(0, math.nan, math.nan)
    monthly = []
    for month in range(1, 13):
        env.run(until=month * MONTH_HOURS)
        monthly.append(roster.close_month()[3])
    roster.integrate()
    payroll = roster.ledger.get(1, "", "support_payroll_hours") / HOURS_PER_YEAR
    managers = roster.ledger.get(1, "", "support_manager_hours") / HOURS_PER_YEAR
    assert managers == pytest.approx(1.0)
    assert sum(monthly) == pytest.approx(payroll * 150_000 + managers * 225_000)
    assert payroll < 6  # people left and seats stayed empty for the lag


Growing = tuple[ReplicationResult, ...]


@pytest.fixture(scope="module")
def growing() -> Growing:
    """The $50M template growing 2% a month, with its ratio policy and with fixed staff."""
    template = simcs.load_scenario(scenario_path("cost_template_50m"))
    fixed = with_overrides(
        template,
        {
            "staff.support.policy": None,
            "staff.implementation.policy": None,
            "staff.operations.policy": None,
            "staff.csm.book.policy": None,
            "staff.csm.book.managers": 2,
        },
    )
    return tuple(simcs.simulate(s, seed=4, replication=0) for s in (template, fixed))


def test_a_growing_book_saturates_fixed_staff_and_the_ratio_policy_keeps_up(
    growing: tuple[ReplicationResult, ...],
) -> None:
    """Fixed headcount: CSM and support utilisation rise towards 1 and waits and time to value
    rise year on year. The seed's ratio policy (1 CSM per $3M, 13% managers, 1 ops per $12M,
    an agent per 185 customers, consultants by workload) keeps CSM utilisation under 85% and
    the support SLA met over the three years, at a higher cost that grows with the book."""
    policy, fixed = (r.metrics for r in growing)
    years = (1, 2, 3)
    util = [fixed[y]["all"]["csm_utilization"] for y in years]
    wait = [fixed[y]["all"]["support_wait_hours_mean"] for y in years]
    ttv = [fixed[y]["all"]["ttv_days_mean"] for y in years]
    assert util[0] < util[1] < util[2] and util[2] > 0.97
    assert wait[0] < wait[1] < wait[2] and wait[2] > 10 * wait[0]
    assert ttv[0] < ttv[2]
    for y in years:
        assert policy[y]["all"]["csm_utilization"] < 0.85
        assert policy[y]["all"]["support_sla_met"] > 0.95
        assert policy[y]["all"]["headcount_csm"] > fixed[y]["all"]["headcount_csm"] - 1
    assert policy[3]["all"]["headcount_csm"] > 1.8 * policy[1]["all"]["headcount_csm"] / 1.2
    assert policy[3]["all"]["cost_total"] > fixed[3]["all"]["cost_total"]


def test_the_ratio_policy_holds_its_identity_month_by_month(
    growing: tuple[ReplicationResult, ...],
) -> None:
    """With a growing book, every month's people on payroll plus open requisitions of a ratio
    pool is the target its last review set (a leaver is backfilled, a requisition becomes a
    hire), and the target is the ratio of the book at that review: 1 CSM per $3M of ARR."""
    result = growing[0]
    series = [p for p in result.series if p[2] == "csm.book"]
    for p in series:
        _, month, _, _, _, people, _, _, _, vacancies, _, target, _, _ = p
        assert people + vacancies == target, (month, people, vacancies, target)
    year_end_arr = {y: result.metrics[y]["book"]["arr_end"] for y in (1, 2)}
    after = {p[1]: p[11] for p in series}  # the target in force during the month
    for year, arr in year_end_arr.items():
        assert after[12 * year + 1] == math.ceil(arr / 3_000_000)
