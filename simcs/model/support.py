"""Support cases: live customers file them, self-service deflects some, agents handle the rest.

Each live customer files cases as a Poisson stream (or evenly spaced, for worked examples) at
its group's rate (who it is, whatever serves it); a trained customer avoids a share of them
(how-to cases). A case is resolved by self-service with the deflection probability of the
levers, otherwise it queues for an agent by its tier's priority. Whether it reached an agent
within its tier's SLA, how long it waited and whether it revealed a new contact (a departed
champion) feed the customer's health.
"""

from __future__ import annotations

import math
from array import array
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from simcs.calendar import HOURS_PER_YEAR
from simcs.formulas.costs import loaded_cost_per_work_hour
from simcs.formulas.deflection import effective_deflection
from simcs.model.clock import Calendar
from simcs.model.customer import Customer
from simcs.model.draws import handle_time_law
from simcs.model.journal import Journal
from simcs.model.ledger import Ledger
from simcs.model.renewal import training_strength
from simcs.model.workqueue import Job, WorkQueue
from simcs.records import WAIT_POINTS
from simcs.scenario import Scenario

WAIT_LIMITS: tuple[float, ...] = tuple(limit for _, limit in WAIT_POINTS)
#: Ledger keys of the wait histogram: bin k holds waits in (limit k-1, limit k]; the last bin
#: holds the longer waits.
WAIT_BIN_KEYS: tuple[str, ...] = tuple(f"support_wait_bin_{k}" for k in range(len(WAIT_POINTS) + 1))

#: Cases whose uniforms are drawn at once from a customer's case stream.
CASE_BLOCK = 16
#: Uniforms a case: training, deflection, handle time, new contact, patience, gap before it.
CASE_UNIFORMS = 6
BLOCK_UNIFORMS = CASE_BLOCK * CASE_UNIFORMS


@dataclass(slots=True, eq=False)
class CaseStream:
    """One customer's cases: six uniforms a case, drawn in blocks from its own stream.

    The block is an `array` of doubles read where they are used: a case waiting to be filed
    holds an offset, not a list of float objects (the sequence of uniforms is the stream's,
    whatever the block size)."""

    customer: Customer
    gap: float  # mean hours between cases (the gap, for evenly spaced cases)
    rng: np.random.Generator
    block: array[float] = field(default_factory=lambda: array("d"))
    used: int = 0  # uniforms of the block given out
    pending: int = 0  # offset in `block` of the next case's uniforms

    def draw(self) -> int:
        """Offset in `block` of the next case's six uniforms (valid until the next draw)."""
        at = self.used
        if at >= len(self.block):  # used up (or none yet): the stream's next uniforms
            self.block = array("d", self.rng.random(BLOCK_UNIFORMS).tobytes())
            at = 0
        self.used = at + CASE_UNIFORMS
        return at


class SupportDesk:
    """The support organisation: deflection, one queue of agents, SLA by tier."""

    def __init__(
        self,
        env: Calendar,
        scenario: Scenario,
        ledger: Ledger,
        on_new_contact: Callable[[Customer], None],
        on_breach: Callable[[Customer], None] | None = None,
    ) -> None:
        self.env = env
        self.scenario = scenario
        self.ledger = ledger
        self.on_new_contact = on_new_contact
        self.journal = Journal()
        pool = scenario.staff.support
        self.cost_per_work_hour = (
            pool.cost_per_hour
            if pool.cost_per_hour is not None
            else loaded_cost_per_work_hour(pool.ote, pool.overhead, pool.productive_hours_per_week)
        )
        self.on_breach = on_breach
        pool = scenario.staff.support
        self.agents = WorkQueue(
            env,
            "support",
            pool.headcount,
            pool.productive_hours_per_week / 40.0,
            busy_ledger=ledger,
            busy_quantity="support_busy_hours",
        )
        levers = scenario.levers
        self.deflection = effective_deflection(
            levers.self_service_deflection,
            levers.content_council.enabled,
            levers.content_council.extra_deflection,
        )
        self.cost_per_hour = pool.cost_per_hour
        desk = scenario.support
        self.regular = desk.arrivals == "regular"
        self.patience = desk.patience_hours
        ht = desk.handle_time
        self.handle_hours = handle_time_law(ht.distribution, ht.mean_hours, ht.cv)
        self.new_contact_detection = desk.new_contact_detection
        self.case_reduction = scenario.training.case_reduction
        self.self_paced_effect = scenario.training.self_paced_effect
        by_priority = desk.discipline == "priority"
        self.priority = {
            n: t.support.priority if by_priority else 0 for n, t in scenario.tiers.items()
        }
        self.sla_hours = {n: t.support.sla_hours for n, t in scenario.tiers.items()}

    def open_cases(self, customer: Customer) -> None:
        """From now (go-live) until it churns, the customer files cases at its group's rate.

        Arrivals are a chain of timeouts with a callback, not a process: nothing waits on a
        case being filed, so SimPy's process machinery would be pure overhead.
        """
        rate = self.scenario.population[customer.group].cases_per_year
        if rate <= 0:
            return
        stream = CaseStream(customer, HOURS_PER_YEAR / rate, customer.cases_rng)
        if self.regular:
            self._in(stream.rng.random() * stream.gap, stream)
        else:
            self._next_poisson(stream)

    def _in(self, delay: float, stream: CaseStream) -> None:
        self.env.after(delay, self._arrival, stream)

    def _next_poisson(self, stream: CaseStream) -> None:
        at = stream.pending = stream.draw()
        self._in(-stream.gap * math.log1p(-stream.block[at + 5]), stream)

    def _arrival(self, stream: CaseStream) -> None:
        customer = stream.customer
        if not customer.active:
            return
        if self.regular:
            at = stream.draw()
            self._case(customer, stream.block, at)
            self._in(stream.gap, stream)
        else:  # `_next_poisson`, inlined (one call per case)
            self._case(customer, stream.block, stream.pending)
            at = stream.pending = stream.draw()
            self.env.after(-stream.gap * math.log1p(-stream.block[at + 5]), self._arrival, stream)

    def _case(self, customer: Customer, u: array[float], i: int) -> None:
        """One case: u[i:i + 5] = uniforms for training, deflection, handle time, new contact,
        patience (and u[i + 5], the gap before it)."""
        if customer.training and u[i] < self.case_reduction * training_strength(
            customer.training, self.self_paced_effect
        ):
            if self.journal.enabled:
                self.journal.record(
                    self.env.now,
                    customer.group,
                    customer.serial,
                    "case avoided",
                    "the trained champion needed no help",
                )
            return
        now = self.env._now
        cell = customer.cell
        book = self.ledger.at(now, cell)  # the case's statistics belong to the year it is filed
        book["support_cases"] += 1
        if u[i + 1] < self.deflection:
            book["support_deflected"] += 1
            if self.journal.enabled:
                self.journal.record(
                    now,
                    customer.group,
                    customer.serial,
                    "case deflected",
                    "resolved by self-service",
                )
            return
        work = self.handle_hours(u[i + 2])
        customer.term.cases += 1
        if self.cost_per_hour is not None:
            book["support_activity_cost"] += work * self.cost_per_hour
        self.agents.submit(
            Job(
                work,
                self.priority[customer.tier],
                cell,
                None if self.patience is None else now - self.patience * _log1m(u[i + 4]),
                self._answered,
                None,
                self._abandoned,
                (customer, u[i + 3], book),
            )
        )

    def _answered(self, job: Job) -> None:
        customer, u_contact, book = job.payload
        wait = job.start - job.arrival
        book["support_answered"] += 1
        book["support_wait_hours_sum"] += wait
        book[WAIT_BIN_KEYS[bisect_left(WAIT_LIMITS, wait)]] += 1
        if wait > 0:
            book["support_delayed"] += 1
        if wait <= self.sla_hours[customer.tier]:
            book["support_sla_met_count"] += 1
        else:
            customer.term.sla_breaches += 1
            if self.on_breach is not None:
                self.on_breach(customer)
        if self.journal.enabled:
            sla = self.sla_hours[customer.tier]
            seat = job.seat.index if job.seat is not None else -1
            self.journal.record(
                job.start,
                customer.group,
                customer.serial,
                "case answered",
                f"agent #{seat} after {wait:.2f} h (SLA {sla:g} h "
                f"{'met' if wait <= sla else 'BREACHED'}); handle {job.work_hours:.2f} h, "
                f"~${job.work_hours * self.cost_per_work_hour:,.0f}",
            )
        if (
            not customer.champion_present
            and not customer.champion_detected
            and u_contact < self.new_contact_detection
        ):
            self.on_new_contact(customer)

    def _abandoned(self, job: Job) -> None:
        customer, _, book = job.payload
        book["support_wait_hours_sum"] += self.env.now - job.arrival
        book["support_delayed"] += 1
        book["support_abandoned"] += 1
        customer.term.sla_breaches += 1
        if self.journal.enabled:
            self.journal.record(
                self.env.now,
                customer.group,
                customer.serial,
                "case abandoned",
                f"gave up after {self.env.now - job.arrival:.2f} h",
            )
        if self.on_breach is not None:
            self.on_breach(customer)
        if self.cost_per_hour is not None:
            book["support_activity_cost"] -= job.work_hours * self.cost_per_hour

    def close_horizon(self, year: int) -> None:
        """Book the cases unresolved when the horizon ends, in `year` (the last one).

        Each still waiting for an agent is censored: it enters the year it was filed in with
        its wait so far (a lower bound of its wait), as delayed and as not answered within
        any limit. Every case waiting or in service counts in `support_unresolved_end`.
        """
        now = self.env.now
        waiting, serving = self.agents.unfinished()
        for job in waiting:
            customer, _, book = job.payload
            book["support_censored"] += 1
            book["support_censored_wait_hours"] += now - job.arrival
            self.ledger.put(year, job.tier, "support_unresolved_end", 1.0)
        for job in serving:
            self.ledger.put(year, job.tier, "support_unresolved_end", 1.0)


def _log1m(u: float) -> float:
    return math.log1p(-u) if u < 1.0 else -40.0
