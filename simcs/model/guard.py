"""The run-time guard: a replication that runs away or computes a non-finite number stops.

A validated scenario can still ask for more work than a run can do (a huge book filing cases
at a huge rate), or push a number past what a float holds (an ARR compounded by extreme
expansion). Either would hang the run or poison every average it enters, so the replication
stops with `ReplicationAborted`, one line that names the scenario fields to look at.

The checks cost nothing per event: the event count is read from SimPy's own event-id counter
once a simulated month (`EventBudget.check`), finiteness is checked where a number is made
(a job's duration in `workqueue.py`, an ARR after a renewal) and on the ledger's sums once a
year; `Organisation.run` turns what they raise, and any float overflow, into
`ReplicationAborted`.
"""

from __future__ import annotations

import math

import simpy

from simcs.calendar import hours_to_days
from simcs.model.clock import Calendar
from simcs.model.ledger import Ledger
from simcs.records import split_cell
from simcs.scenario import Scenario

#: The default budget is this multiple of the scenario's expected event count ...
BUDGET_MULTIPLE = 10
#: ... but never below this many events (small scenarios have lumpy counts) ...
BUDGET_FLOOR = 1_000_000
#: ... nor above this many: room for a company of 100,000 customers over five years (about
#: 16 million events; the count below puts it near 60 million), and a bound on a runaway of
#: 10-25 minutes of one replication at 6-15 microseconds an event.
BUDGET_CAP = 100_000_000
#: SimPy events per unit of work, as measured on the baseline with headroom: an arrival and a
#: completion per support case or CSM touch, a few per customer-year of lifecycle.
_EVENTS_PER_CASE = 2.0
_EVENTS_PER_TOUCH = 2.0
_EVENTS_PER_CUSTOMER_YEAR = 8.0

SIZE_FIELDS = (
    "population.*.initial_customers, population.*.new_logos_per_year, "
    "population.*.cases_per_year, tiers.*.cadence.touches_per_year"
)


class ReplicationAborted(Exception):
    """A replication stopped by the guard. Built from plain values, so it pickles (it crosses
    process boundaries from worker processes) and prints as one line."""

    def __init__(self, replication: int, hours: float, problem: str, look_at: str) -> None:
        super().__init__(replication, hours, problem, look_at)
        self.replication = replication
        self.hours = hours  # simulated business hours since t=0 when it stopped
        self.problem = problem
        self.look_at = look_at  # the scenario field paths most likely responsible

    def __str__(self) -> str:
        day = hours_to_days(self.hours)  # calendar days since t=0
        return (
            f"replication {self.replication} stopped at day {day:,.0f}: {self.problem} "
            f"(look at {self.look_at})"
        )


class NonFinite(ArithmeticError):
    """A non-finite (or absurdly large) number where the model makes it; the organisation adds
    the replication and the time and raises `ReplicationAborted`."""

    def __init__(self, problem: str, look_at: str) -> None:
        super().__init__(problem, look_at)
        self.problem = problem
        self.look_at = look_at


def expected_events(scenario: Scenario) -> float:
    """A rough upper count of the SimPy events one replication of `scenario` processes.

    Customer-years (the t=0 book for the whole horizon, and each year's new logos from their
    arrival, half a year on average in the year they arrive: nobody churns, an upper bound)
    times the events a customer makes in a year, at the busiest cadence of the tiers that can
    serve it (a digital programme's touches are not simulated: none for those).
    """
    years = scenario.horizon_years
    rule = scenario.rule
    placements = [rule] if rule.previous is None else [rule, rule.previous]
    total = 0.0
    for name, group in scenario.population.items():
        logo_years = sum(
            scenario.new_logo_rate(name, y) * (years - y + 0.5) for y in range(1, years + 1)
        )
        serving = set().union(*(p.tiers_for(name) for p in placements))
        touches = max(
            (
                scenario.tiers[t].cadence.touches_per_year
                for t in serving
                if scenario.tiers[t].coverage != "digital"
            ),
            default=0.0,
        )
        per_year = (
            _EVENTS_PER_CASE * group.cases_per_year
            + _EVENTS_PER_TOUCH * touches
            + _EVENTS_PER_CUSTOMER_YEAR
        )
        total += (group.initial_customers * years + logo_years) * per_year
    return total


def default_event_budget(scenario: Scenario) -> int:
    """The event budget of one replication when none is given: a generous multiple of the
    expected count, with a floor and a cap."""
    wanted = BUDGET_MULTIPLE * expected_events(scenario)
    return int(min(BUDGET_CAP, max(BUDGET_FLOOR, wanted)))


def events_processed(env: simpy.Environment) -> int:
    """Events processed so far, from SimPy's event-id counter (one id per event scheduled, or
    reserved for one) less the events still scheduled and the ids never used: read in O(1),
    nothing counted per event."""
    scheduled = int(repr(env._eid)[len("count(") : -1])  # itertools.count prints 'count(N)'
    if isinstance(env, Calendar):
        return scheduled - env.unscheduled - env.pending
    return scheduled - len(env._queue)


class EventBudget:
    """The event budget of one replication, checked before the run and once a month."""

    def __init__(self, scenario: Scenario, replication: int, budget: int | None) -> None:
        self.limit = default_event_budget(scenario) if budget is None else budget
        self.replication = replication
        self.expected = expected_events(scenario)

    def check_plan(self) -> None:
        """Refuse at once a replication expected to need more events than the budget."""
        if self.expected > self.limit:
            raise ReplicationAborted(
                self.replication,
                0.0,
                f"it would need about {self.expected:,.0f} events, over the event budget of "
                f"{self.limit:,}: the book or its rates are too large to simulate",
                SIZE_FIELDS,
            )

    def check(self, env: simpy.Environment) -> None:
        """Stop the replication if it has processed more events than the budget."""
        done = events_processed(env)
        if done > self.limit:
            raise ReplicationAborted(
                self.replication,
                env.now,
                f"{done:,} events processed, over the event budget of {self.limit:,}: the book "
                "or its rates are too large to simulate",
                SIZE_FIELDS,
            )


def _hint(key: str, quantity: str) -> str:
    """The scenario fields most likely behind a ledger quantity (`key`: a ledger cell)."""
    tier, group = split_cell(key)
    t, g = tier or key or "*", group or "*"
    if "arr" in quantity:
        return f"population.{g}.arr, population.{g}.expansion"
    for prefix, fields in (
        ("support", "support.handle_time, staff.support"),
        ("implementation", f"population.{g}.implementation_hours, staff.implementation"),
        ("partner", "levers.partner_delivery"),
        ("csm", f"tiers.{t}.cadence, staff.csm.{t}"),
        ("education", "staff.education, training"),
        ("ttv", f"tiers.{t}.onboarding"),
        ("services", f"tiers.{t}.onboarding, training"),
    ):
        if quantity.startswith(prefix):
            return fields
    return "the scenario's rates, hours and costs"


def work_fields(queue: str, key: str) -> str:
    """The scenario fields that set the work of a job in the queue named `queue`."""
    tier, group = split_cell(key)
    t, g = tier or key or "*", group or "*"
    if queue == "support":
        return "support.handle_time, staff.support.productive_hours_per_week"
    if queue in ("implementation", "partner"):
        return f"population.{g}.implementation_hours, staff.implementation"
    return f"tiers.{t}.cadence, tiers.{t}.renewal_review, levers, staff.csm.{t}"


def check_ledger(ledger: Ledger, replication: int, hours: float) -> None:
    """Stop the replication if any sum in the ledger is infinite or NaN."""
    for (year, tier), bucket in ledger.buckets.items():
        for quantity, value in bucket.items():
            if not math.isfinite(value):
                where = f"tier {split_cell(tier)[0] or tier}" if tier else "the shared pools"
                raise ReplicationAborted(
                    replication,
                    hours,
                    f"non-finite {quantity} ({value}) for {where} in year {year}",
                    _hint(tier, quantity),
                )


def check_arr(arr: float, group: str, when: str) -> None:
    """A customer's ARR must stay finite (it enters every retention and revenue figure)."""
    if not math.isfinite(arr):
        raise NonFinite(
            f"non-finite ARR ({arr}) for a customer of group {group} {when}",
            f"population.{group}.arr, population.{group}.expansion",
        )
