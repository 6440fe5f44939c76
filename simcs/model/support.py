"""Support cases: live customers file them, self-service deflects some, agents handle the rest.

Each live customer files cases as a Poisson stream (or evenly spaced, for worked examples) at
its tier's rate; a trained customer avoids a share of them (how-to cases). A case is resolved
by self-service with the deflection probability of the levers, otherwise it queues for an
agent by tier priority. Whether it reached an agent within its tier's SLA, how long it waited
and whether it revealed a new contact (a departed champion) feed the customer's health.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Generator

import simpy

from simcs.calendar import HOURS_PER_YEAR
from simcs.model.customer import Customer
from simcs.model.draws import handle_hours
from simcs.model.ledger import Ledger
from simcs.model.renewal import training_strength
from simcs.model.workqueue import Job, WorkQueue
from simcs.scenario import Scenario


#: Cases whose uniforms are drawn at once from a customer's case stream.
CASE_BLOCK = 16


class SupportDesk:
    """The support organisation: deflection, one queue of agents, SLA by tier."""

    def __init__(
        self,
        env: simpy.Environment,
        scenario: Scenario,
        ledger: Ledger,
        on_new_contact: Callable[[Customer], None],
    ) -> None:
        self.env = env
        self.scenario = scenario
        self.ledger = ledger
        self.on_new_contact = on_new_contact
        pool = scenario.staff.support
        self.agents = WorkQueue(
            env,
            "support",
            pool.headcount,
            pool.productive_hours_per_week / 40.0,
            on_busy=self._busy,
        )
        levers = scenario.levers
        extra = levers.content_council.extra_deflection if levers.content_council.enabled else 0.0
        self.deflection = min(1.0, levers.self_service_deflection + extra)
        self.cost_per_hour = pool.cost_per_hour
        desk = scenario.support
        self.regular = desk.arrivals == "regular"
        self.priority = desk.discipline == "priority"
        self.patience = desk.patience_hours

    def _busy(self, tier: str, start: float, end: float) -> None:
        self.ledger.add_span(start, end, tier, "support_busy_hours")

    def file_cases(self, customer: Customer) -> Generator[simpy.Event, None, None]:
        """Process: the customer's cases, from go-live until it churns."""
        rate = self.scenario.tiers[customer.tier].support.cases_per_year
        if rate <= 0:
            return
        gap = HOURS_PER_YEAR / rate
        rng = customer.cases_rng
        env = self.env
        if self.regular:
            yield env.timeout(rng.random() * gap)
        block: list[list[float]] = []
        used = CASE_BLOCK
        while True:
            if used == CASE_BLOCK:  # draw cases in blocks: same numbers, fewer calls
                block = rng.random((CASE_BLOCK, 6)).tolist()
                used = 0
            u = block[used]
            used += 1
            if not self.regular:
                yield env.timeout(-gap * math.log1p(-u[5]))
            if not customer.active:
                return
            self._case(customer, u)
            if self.regular:
                yield env.timeout(gap)

    def _case(self, customer: Customer, u: list[float]) -> None:
        """One case: u = uniforms for training, deflection, handle time, new contact, patience
        (and u[5], the gap before it)."""
        scenario = self.scenario
        training = scenario.training
        if customer.training and u[0] < training.case_reduction * training_strength(
            customer.training, training.self_paced_effect
        ):
            return
        now = self.env.now
        tier = customer.tier
        ledger = self.ledger
        ledger.add(now, tier, "support_cases")
        if u[1] < self.deflection:
            ledger.add(now, tier, "support_deflected")
            return
        ht = scenario.support.handle_time
        work = handle_hours(u[2], ht.distribution, ht.mean_hours, ht.cv)
        deadline = None
        if self.patience is not None:
            deadline = now - self.patience * _log1m(u[4])
        customer.term.cases += 1
        if self.cost_per_hour is not None:
            ledger.add(now, tier, "support_activity_cost", work * self.cost_per_hour)
        self.agents.submit(
            Job(
                work,
                priority=scenario.tiers[tier].support.priority if self.priority else 0,
                tier=tier,
                deadline=deadline,
                on_start=self._answered,
                on_drop=self._abandoned,
                payload=(customer, u[3]),
            )
        )

    def _answered(self, job: Job) -> None:
        customer, u_contact = job.payload
        wait = job.start - job.arrival
        ledger = self.ledger
        tier = customer.tier
        ledger.add(job.arrival, tier, "support_answered")
        ledger.add(job.arrival, tier, "support_wait_hours_sum", wait)
        if wait > 0:
            ledger.add(job.arrival, tier, "support_delayed")
        if wait <= self.scenario.tiers[tier].support.sla_hours:
            ledger.add(job.arrival, tier, "support_sla_met_count")
        else:
            customer.term.sla_breaches += 1
        if (
            not customer.champion_present
            and not customer.champion_detected
            and u_contact < self.scenario.support.new_contact_detection
        ):
            self.on_new_contact(customer)

    def _abandoned(self, job: Job) -> None:
        customer, _ = job.payload
        wait = self.env.now - job.arrival
        ledger = self.ledger
        tier = customer.tier
        ledger.add(job.arrival, tier, "support_wait_hours_sum", wait)
        ledger.add(job.arrival, tier, "support_delayed")
        ledger.add(job.arrival, tier, "support_abandoned")
        customer.term.sla_breaches += 1
        if self.cost_per_hour is not None:
            ledger.add(
                job.arrival, tier, "support_activity_cost", -job.work_hours * self.cost_per_hour
            )


def _log1m(u: float) -> float:
    return math.log1p(-u) if u < 1.0 else -40.0
