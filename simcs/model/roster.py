"""The people of one staff pool over time: departures (Poisson), the hiring lag, the ramp of a new
hire, and the pool's staffing policy (a headcount plan, or ratio and workload rules reviewed at a
cadence, within headcount and budget caps).

Each position has its own random stream, keyed by pool and position number, so a position's
person leaves at the same moments under every scenario that has the position. A position starts
filled by a fully ramped person (`full`), or in its long-run state (`long_run`): a renewal
process of tenures T ~ Exp(mean) and lags L, observed at a random time, is in a lag with
probability L / (T + L) (then the lag left is uniform on [0, L]); otherwise the person was hired
a time ago that is, like the tenure left, Exp(mean) (memoryless), and is still ramping if that is
under the ramp time. The start draws come from a stream of their own.

A leaver is replaced after the hiring lag unless the pool does not backfill, a hiring freeze has
begun by the time of the hire, or (with a policy) the pool is at or above its target. A policy
opens a requisition (a new position, vacant for the hiring lag) for each person missing at a
review; a plan's step opens its requisitions a hiring lag before its month, so the people are on
payroll from that month. Above target, attrition brings the pool down, or (`reduce: layoff`) the
surplus goes at the review, pending requisitions first, then the latest hires. What the roster
decides is journaled (`decisions`); its payroll and manager time is booked into the ledger.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Generator
from dataclasses import dataclass

import simpy

from simcs.calendar import HOURS_PER_YEAR, weeks
from simcs.formulas.costs import people_within_budget, pool_loaded_cost
from simcs.model.ledger import Ledger
from simcs.model.seats import Seats
from simcs.scenario import StaffPool
from simcs.scenario.fields import MAX_HEADCOUNT
from simcs.streams import STAFF_ATTRITION, STAFF_START, Streams, name_key

MONTH_HOURS = HOURS_PER_YEAR / 12


@dataclass(slots=True, eq=False)
class Position:
    """One budgeted position of a pool."""

    index: int
    filled: bool = True
    pending: bool = False  # vacant, a hire on the way
    open: bool = True  # False once closed (not refilled, or let go)
    ramp_until: float = 0.0


@dataclass(slots=True, frozen=True)
class Decision:
    """One staffing decision: when (hours), which pool, what, how many, why, the target then."""

    time: float
    pool: str
    action: str  # "hire" (requisitions opened), "let go", "not backfilled", "cancelled"
    people: int
    reason: str
    target: int


@dataclass(slots=True)
class MonthCounts:
    """What happened to a pool's people in the current month."""

    hires: int = 0
    departures: int = 0
    requisitions: int = 0
    let_go: int = 0


class Roster:
    """The positions of one staff pool, their people over time and the pool's policy."""

    def __init__(
        self,
        env: simpy.Environment,
        pool: StaffPool,
        name: str,
        function: str,
        ledger_key: str,
        ledger: Ledger,
        streams: Streams,
        seats: Seats,
        start: str = "full",
        book: Callable[[], tuple[float, int]] | None = None,
    ) -> None:
        self.env = env
        self.pool = pool
        self.name = name
        self.policy = pool.policy
        self.ledger = ledger
        self.streams = streams
        self.seats = seats
        self.book = book  # (ARR, customers) the pool's ratio rules count
        self._key = ledger_key
        self._payroll_quantity = f"{function}_payroll_hours"
        self._manager_quantity = f"{function}_manager_hours"
        self._ramp_quantity = f"{function}_ramp_hours"
        self._hires_quantity = f"{function}_hires"
        self._month_hours = [0.0, 0.0]  # payroll and manager hours of the month so far
        self.positions: list[Position] = []
        self.filled = pool.headcount
        self.pending = 0
        self.managers = self.pool.managers_for(pool.headcount)
        self.target = pool.headcount
        self.decisions: list[Decision] = []
        self.month = MonthCounts()
        self._integrated_to = env.now
        self._overloaded = 0
        self._lag = weeks(pool.hiring_lag_weeks)
        self._ramp = weeks(pool.ramp_weeks)
        freeze = pool.hiring_freeze_after_weeks
        self._freeze_at = math.inf if freeze is None else weeks(freeze)
        self._mean_tenure = (
            HOURS_PER_YEAR / pool.attrition_per_year if pool.attrition_per_year > 0 else math.inf
        )
        self.cap = self._cap()
        for index in range(pool.headcount):
            self.positions.append(Position(index))
            if pool.attrition_per_year > 0:
                env.process(self._person(self.positions[-1], start))
        if self.policy is not None and self.policy.plan is not None:
            for step in sorted(self.policy.plan, key=lambda s: s.start_month):
                env.process(self._plan_step(step.start_month, step.headcount))

    # ------------------------------------------------------------------ limits
    def _cap(self) -> int:
        """The most people the policy allows on payroll: its headcount cap and its budget."""
        cap = MAX_HEADCOUNT
        policy = self.policy
        if policy is None:
            return cap
        if policy.max_headcount is not None:
            cap = min(cap, policy.max_headcount)
        budget = policy.max_cost_per_year
        if budget is not None:
            cap = min(cap, people_within_budget(budget, self.pool.loaded_cost_per_year, cap))
        return cap

    def _may_hire(self) -> bool:
        if self.env.now >= self._freeze_at:
            return False
        if self.policy is None:
            return True
        return self.filled < min(self.target, self.cap)

    # ------------------------------------------------------------------ bookkeeping
    def integrate(self) -> None:
        """Book payroll and manager time up to now into the ledger (split at year ends)."""
        now = self.env.now
        if now > self._integrated_to:
            add = self.ledger.add_span
            add(self._integrated_to, now, self._key, self._payroll_quantity, self.filled)
            add(self._integrated_to, now, self._key, self._manager_quantity, self.managers)
            dt = now - self._integrated_to
            self._month_hours[0] += self.filled * dt
            self._month_hours[1] += self.managers * dt
            self._integrated_to = now

    def _hire(self, position: Position, ramp_hours: float) -> None:
        self.integrate()
        position.filled, position.pending = True, False
        position.ramp_until = self.env.now + ramp_hours
        self.filled += 1
        self.pending -= 1
        self.month.hires += 1
        self.ledger.add(self.env.now, self._key, self._hires_quantity)
        self._ramping(self.env.now, position.ramp_until, 1.0)
        self.seats.fill_seat(position.index, ramp_hours)

    def _ramping(self, start: float, end: float, rate: float) -> None:
        """Book ramping person-time (a hire at half speed) from `start` to `end`."""
        if end > start:
            self.ledger.add_span(start, end, self._key, self._ramp_quantity, rate)

    def _off_payroll(self, position: Position) -> None:
        """The position's person goes (a ramp not finished is booked back); the seat is empty."""
        self.integrate()
        self._ramping(self.env.now, position.ramp_until, -1.0)
        position.filled = False
        self.filled -= 1
        self.seats.vacate_seat(position.index)

    def _leave(self, position: Position) -> None:
        """The position's person leaves (attrition): a departure of the month."""
        self._off_payroll(position)
        self.month.departures += 1

    def _await_hire(self, position: Position) -> None:
        """The vacant position is being refilled: a hire is on the way."""
        position.pending = True
        self.pending += 1

    def _close(self, position: Position) -> None:
        if position.pending:
            position.pending = False
            self.pending -= 1
        position.open = False
        self.seats.close_seat(position.index)

    def _journal(self, action: str, people: int, reason: str) -> None:
        self.decisions.append(
            Decision(self.env.now, self.name, action, people, reason, self.target)
        )

    # ------------------------------------------------------------------ people
    def _person(self, position: Position, start: str) -> Generator[simpy.Event, None, None]:
        """Process: the people who hold one position over time."""
        env = self.env
        rng = self.streams.stream(STAFF_ATTRITION, name_key(self.name), position.index)
        if start == "long_run":
            u, v = self.streams.stream(STAFF_START, name_key(self.name), position.index).random(2)
            if u < self._lag / (self._mean_tenure + self._lag):  # the rest of a hiring lag
                self._off_payroll(position)  # a vacancy at t=0, not a departure
                self._await_hire(position)
                yield env.timeout(float(v) * self._lag)
                if not self.pool.backfill:
                    self._close(position)
                    return
                if not self._refill(position):
                    return
            else:
                hired_ago = -self._mean_tenure * math.log1p(-float(v))
                if hired_ago < self._ramp:  # a recent hire, still ramping
                    position.ramp_until = env.now + self._ramp - hired_ago
                    self._ramping(env.now, position.ramp_until, 1.0)
                    self.seats.vacate_seat(position.index)
                    self.seats.fill_seat(position.index, self._ramp - hired_ago)
        yield from self._tenures(position, rng)

    def _tenures(self, position: Position, rng: object) -> Generator[simpy.Event, None, None]:
        env = self.env
        while position.open and self._mean_tenure < math.inf:
            yield env.timeout(rng.exponential(self._mean_tenure))  # type: ignore[attr-defined]
            if not position.open:  # let go meanwhile
                return
            self._leave(position)
            if not self.pool.backfill or (
                self.policy is not None and self.filled + self.pending >= self.target
            ):
                self._close(position)
                if self.policy is not None:
                    self._journal("not backfilled", 1, "at or above target")
                return
            self._await_hire(position)
            yield env.timeout(self._lag)
            if not self._refill(position):
                return

    def _refill(self, position: Position) -> bool:
        """At the end of a hiring lag: hire into the position, or close it."""
        if not position.open:
            return False
        if not self._may_hire():
            self._close(position)
            return False
        self._hire(position, self._ramp)
        return True

    def _requisition(self) -> Generator[simpy.Event, None, None]:
        """Process: a new position, vacant for the hiring lag, then filled (if still wanted)."""
        position = Position(len(self.positions), filled=False)
        self.positions.append(position)
        self._await_hire(position)
        self.seats.add_seat()
        yield self.env.timeout(self._lag)
        if self._refill(position):
            rng = self.streams.stream(STAFF_ATTRITION, name_key(self.name), position.index)
            yield from self._tenures(position, rng)

    # ------------------------------------------------------------------ the policy
    def _open(self, people: int, reason: str) -> None:
        if people <= 0:
            return
        self._journal("hire", people, reason)
        self.month.requisitions += people
        for _ in range(people):
            self.env.process(self._requisition())

    def _set_target(self, target: int, reason: str) -> None:
        """Make `target` (capped) the pool's target; hire or let go towards it."""
        self.integrate()
        capped = min(max(target, 0), self.cap)
        if capped < target:
            reason += f" (capped at {self.cap})"
        self.target = capped
        self.managers = self.pool.managers_for(self.filled)
        if self.env.now >= self._freeze_at:
            gap = min(0, capped - self.filled - self.pending)
        else:
            gap = capped - self.filled - self.pending
        if gap > 0:
            self._open(gap, reason)
        elif gap < 0 and self.policy is not None and self.policy.reduce == "layoff":
            self._let_go(-gap, reason)

    def _let_go(self, people: int, reason: str) -> None:
        done = 0
        for position in reversed(self.positions):  # pending requisitions first, then latest
            if done < people and position.open and position.pending:
                self._close(position)
                done += 1
        for position in reversed(self.positions):
            if done < people and position.open and position.filled:
                self._off_payroll(position)
                self._close(position)
                self.month.let_go += 1
                done += 1
        if done:
            self._journal("let go", done, reason)
        self.managers = self.pool.managers_for(self.filled)

    def _plan_step(self, month: int, headcount: int) -> Generator[simpy.Event, None, None]:
        """Process: a plan's step, hired for a lag ahead, let go (if so) at its month."""
        env = self.env
        at = month * MONTH_HOURS
        reason = f"plan: {headcount} from month {month}"
        yield env.timeout(max(0.0, at - self._lag - env.now))
        self.integrate()
        self.target = min(headcount, self.cap)
        gap = self.target - self.filled - self.pending
        if gap > 0 and env.now < self._freeze_at:
            self._open(gap, reason)
        if gap < 0 and self.policy is not None and self.policy.reduce == "layoff":
            yield env.timeout(max(0.0, at - env.now))
            self._let_go(self.filled + self.pending - self.target, reason)

    def review(self, month: int, utilization: float, backlog_per_person: float) -> None:
        """A review of the rules at the end of `month` (0 = t=0), with the pool's utilisation
        and mean backlog per person present over the months since the last review."""
        policy = self.policy
        if policy is None or policy.plan is not None or month % policy.months_per_review:
            if policy is not None and policy.plan is not None:
                self.integrate()
                self.managers = self.pool.managers_for(self.filled)
            return
        target, reasons = self.target, []
        if self.book is not None and (policy.arr_per_person or policy.accounts_per_person):
            arr, accounts = self.book()
            ratio = 0
            if policy.arr_per_person:
                ratio = math.ceil(arr / policy.arr_per_person - 1e-9)
                reasons.append(f"1 per ${policy.arr_per_person:,.0f} of ARR (${arr:,.0f})")
            if policy.accounts_per_person:
                ratio = max(ratio, math.ceil(accounts / policy.accounts_per_person - 1e-9))
                reasons.append(f"1 per {policy.accounts_per_person:g} customers ({accounts:,})")
            # never more people than customers (a ratio of a few dollars would ask for more)
            target = min(ratio, max(accounts, self.pool.headcount), MAX_HEADCOUNT)
        rule = policy.workload
        if rule is not None and month > 0:
            over = []
            if rule.utilization_above is not None and utilization > rule.utilization_above:
                over.append(f"utilisation {utilization:.2f} > {rule.utilization_above:g}")
            if (
                rule.backlog_per_person_above is not None
                and backlog_per_person > rule.backlog_per_person_above
            ):
                over.append(
                    f"backlog {backlog_per_person:.2f}/person > {rule.backlog_per_person_above:g}"
                )
            self._overloaded = self._overloaded + 1 if over else 0
            if self._overloaded >= rule.reviews:
                self._overloaded = 0
                target = max(target, self.filled + self.pending + rule.step)
                reasons.append(f"workload: {', '.join(over)} for {rule.reviews} review(s)")
        self._set_target(target, "; ".join(reasons) or "review")

    def close_month(self) -> tuple[int, float, int, float, MonthCounts]:
        """End of a month: (people on payroll, productive FTE, open requisitions, the month's
        loaded cost of its payroll and managers, the month's counts); the counts restart."""
        self.integrate()
        now = self.env.now
        ramping = sum(1 for p in self.positions if p.filled and p.ramp_until > now)
        counts, self.month = self.month, MonthCounts()
        payroll, managers = self._month_hours
        self._month_hours = [0.0, 0.0]
        cost = pool_loaded_cost(  # the rule the year's metrics charge (person-years)
            self.pool.ote,
            self.pool.overhead,
            payroll / HOURS_PER_YEAR,
            managers / HOURS_PER_YEAR,
            self.pool.manager_ote,
        )
        return self.filled, self.filled - 0.5 * ramping, self.pending, cost, counts
