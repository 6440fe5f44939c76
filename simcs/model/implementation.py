"""Sale to go-live: the implementation package, delivered by PS consultants or a partner.

After the customer-side lead time, the package's consultant hours queue for the
implementation pool (first come, first served) or, where partner delivery is on, for the
partner's consultants. A shortage of consultants delays go-live: time-to-value grows, and a
go-live later than the tier's target raises the first renewal's churn odds.
"""

from __future__ import annotations

from collections.abc import Generator

import simpy

from simcs.calendar import weeks
from simcs.model.customer import Customer
from simcs.model.ledger import Ledger
from simcs.model.workqueue import Job, WorkQueue
from simcs.scenario import Scenario


class Implementation:
    """In-house consultants and, optionally, a delivery partner."""

    def __init__(self, env: simpy.Environment, scenario: Scenario, ledger: Ledger) -> None:
        self.env = env
        self.scenario = scenario
        self.ledger = ledger
        pool = scenario.staff.implementation
        self.consultants = WorkQueue(
            env,
            "implementation",
            pool.headcount,
            pool.productive_hours_per_week / 40.0,
            busy_ledger=ledger,
            busy_quantity="implementation_busy_hours",
        )
        partner = scenario.levers.partner_delivery
        self.partner: WorkQueue | None = None
        if partner.enabled:
            self.partner = WorkQueue(
                env, "partner", partner.consultants, partner.productive_hours_per_week / 40.0
            )

    def implement(self, customer: Customer) -> Generator[simpy.Event, None, None]:
        """Process: from sale to go-live; sets the customer's go-live time and time-to-value."""
        env = self.env
        onboarding = self.scenario.tiers[customer.tier].onboarding
        group = self.scenario.population[customer.group]
        ledger = self.ledger
        now, name = env.now, customer.cell
        hours = group.implementation_hours
        # the package is committed at sale: its one-time cost and revenue belong to that year
        if onboarding.fee:
            ledger.add(now, name, "services_revenue", onboarding.fee)
        partner = self.scenario.levers.partner_delivery
        to_partner = self.partner is not None and customer.delivery_u < partner.share
        if hours > 0 and to_partner:
            ledger.add(now, name, "partner_cost", hours * partner.cost_per_hour)
        elif hours > 0:
            pool = self.scenario.staff.implementation
            if pool.cost_per_hour is not None:
                ledger.add(now, name, "implementation_activity_cost", hours * pool.cost_per_hour)
            if pool.billable:
                ledger.add(now, name, "services_revenue", hours * pool.realised_rate)
        yield env.timeout(weeks(group.customer_lead_weeks))
        if hours > 0:
            done = env.event()
            job = Job(hours, tier=name, on_done=lambda _job: done.succeed())
            queue = self.partner if to_partner and self.partner is not None else self.consultants
            queue.submit(job)
            yield done
        customer.go_live_time = env.now
        customer.ttv_hours = env.now - customer.sale_time
        ledger.add(env.now, customer.cell, "went_live")
        ledger.add(env.now, customer.cell, "ttv_hours_sum", customer.ttv_hours)
