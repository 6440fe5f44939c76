"""The customer journey: admission to the book, new logos, the lifecycle and the renewals.

Each customer's story has two strands. Its lifecycle: for a new logo the sale, the
implementation and go-live (time to value), the CSM engagement and the training offer (a SimPy
process, since it waits on the implementation); for a t=0 customer straight to service; then
support cases and champion turnover until it leaves. Its renewals: a renewal review by the CSM
ahead of each anniversary (not for a digital programme), then the renewal decision itself
(`simcs/model/renewal.py`) and the re-tiering the segmentation rule may ask for
(`simcs/model/segmenter.py`). Each step reads the tier serving the customer at that moment, so a
move takes effect at once. Whatever no process waits on is a chain of alarms
(`simcs/model/clock.py`), started where a process would take its first step.
"""

from __future__ import annotations

from collections.abc import Generator

import simpy

from simcs.calendar import hours_to_days, weeks
from simcs.model.book import NEW_LOGO_SERIAL, CustomerFactory
from simcs.model.champions import ChampionTurnover
from simcs.model.clock import Calendar
from simcs.model.csm import RENEWAL_REVIEW, CsmTeam
from simcs.model.customer import Customer
from simcs.model.education import Education
from simcs.model.implementation import Implementation
from simcs.model.journal import Journal
from simcs.model.ledger import Ledger
from simcs.model.renewal import Renewals
from simcs.model.segmenter import Segmenter
from simcs.model.support import SupportDesk
from simcs.scenario import Scenario


class Journeys:
    """Admits customers and runs each one's lifecycle and renewals on the organisation's parts."""

    def __init__(
        self,
        env: Calendar,
        scenario: Scenario,
        ledger: Ledger,
        journal: Journal,
        customers: list[Customer],
        factory: CustomerFactory,
        parts: tuple[SupportDesk, Implementation, Education, ChampionTurnover],
        teams: dict[str, CsmTeam],
        renewals: Renewals,
        segmenter: Segmenter,
    ) -> None:
        self.env = env
        self.scenario = scenario
        self.ledger = ledger
        self.journal = journal
        self.customers = customers  # every customer admitted, in order (shared with the owner)
        self.factory = factory
        self.desk, self.implementation, self.education, self.champions = parts
        self.teams = teams
        self.renewal_decisions = renewals
        self.segmenter = segmenter

    def open_book(self) -> None:
        """Admit each group's t=0 book and start its new-logo arrivals, group by group."""
        for name in self.scenario.population:
            for customer in self.factory.initial_book(name):
                self.segmenter.at_start(customer)
                self.admit(customer, new=False)
            self.env.process(self.new_logos(name, self.factory.arrivals(name)))

    def admit(self, customer: Customer, new: bool) -> None:
        """Add a customer to the book and start its lifecycle and renewals."""
        self.customers.append(customer)
        if new:
            self.env.process(self.lifecycle(customer))
        else:
            self.env.urgent(self._serve, customer)
        self.env.urgent(self._renewal_cycle, customer)

    def new_logos(self, group: str, times: list[float]) -> Generator[simpy.Event, None, None]:
        """Process: new logos of one customer group arriving at their sale times."""
        for k, sale_time in enumerate(times):
            yield self.env.timeout(sale_time - self.env.now)
            customer = self.factory.create(group, NEW_LOGO_SERIAL + k, self.env.now, False)
            self.admit(customer, new=True)

    def lifecycle(self, customer: Customer) -> Generator[simpy.Event, None, None]:
        """Process: a new logo's sale, implementation and go-live, then service."""
        tiers, teams = self.scenario.tiers, self.teams
        self.journal.record(
            self.env.now,
            customer.group,
            customer.serial,
            "sale",
            f"new logo, ARR ${customer.arr:,.0f}, served by {tiers[customer.tier].label}",
        )
        book = self.ledger.at(self.env.now, customer.cell)
        book["new_customers"] += 1
        book["arr_new"] += customer.arr
        if tiers[customer.tier].csm_start == "at_sale":
            teams[customer.tier].engage(customer)
        yield from self.implementation.implement(customer)
        if not customer.active:
            return
        tier = tiers[customer.tier]
        self.journal.record(
            self.env.now,
            customer.group,
            customer.serial,
            "go-live",
            f"time to value {hours_to_days(customer.ttv_hours or 0.0):.0f} days (target "
            f"{tier.onboarding.target_weeks * 7:g})",
        )
        if tier.csm_start == "after_go_live":
            teams[customer.tier].engage(customer)
        self.education.offer(customer)
        self._live(customer)

    def _serve(self, customer: Customer) -> None:
        """A customer of the t=0 book: its CSM engagement starts, then its service."""
        self.teams[customer.tier].engage(customer)
        self._live(customer)

    def _live(self, customer: Customer) -> None:
        """Support cases and champion turnover, from go-live until the customer leaves."""
        self.desk.open_cases(customer)
        self.champions.start(customer)

    # A customer's renewals, as a chain of alarms (no process waits on them): a renewal review
    # by its CSM ahead of each anniversary (not for a digital programme), the renewal itself,
    # and the re-tiering the segmentation rule asks for.
    def _renewal_cycle(self, customer: Customer) -> None:
        """The customer's next contract year: its review, if any, then its anniversary."""
        if not customer.active:
            return
        env = self.env
        review = self.scenario.tiers[customer.tier].renewal_review
        if review is not None and self.teams[customer.tier].coverage != "digital":
            review_at = customer.next_anniversary - weeks(review.weeks_before)
            if review_at >= env.now:
                env.after(review_at - env.now, self._review, (customer, review.hours))
                return
        env.after(customer.next_anniversary - env.now, self._anniversary, customer)

    def _review(self, due: tuple[Customer, float]) -> None:
        customer, hours = due
        self.teams[customer.tier].request_touch(
            customer, RENEWAL_REVIEW, hours, deadline=customer.next_anniversary
        )
        self.env.after(customer.next_anniversary - self.env.now, self._anniversary, customer)

    def _anniversary(self, customer: Customer) -> None:
        self.renewal_decisions.decide(customer)
        if customer.active:
            self.segmenter.at_renewal(customer)
        self._renewal_cycle(customer)
