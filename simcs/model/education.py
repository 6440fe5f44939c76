"""Training: self-paced courses (no capacity limit) and instructor-led classes of many seats.

After go-live, and whenever a new champion arrives, a customer takes training with its tier's
propensity, instructor-led with the tier's share, else self-paced. Instructor-led trainees
join a waiting list; each week the education team runs as many classes as its present
instructors' productive hours allow and the list needs. Training belongs to the champion:
when the champion leaves, the account is untrained again until the new one is trained.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Generator

import simpy

from simcs.calendar import HOURS_PER_WEEK, weeks
from simcs.model.customer import INSTRUCTOR_LED, SELF_PACED, Customer
from simcs.model.journal import Journal
from simcs.model.ledger import Ledger
from simcs.scenario import Scenario


class Education:
    """The education team and the self-paced catalogue."""

    def __init__(self, env: simpy.Environment, scenario: Scenario, ledger: Ledger) -> None:
        self.env = env
        self.scenario = scenario
        self.ledger = ledger
        self.pool = scenario.staff.education
        self.present = self.pool.headcount
        self.waiting: deque[tuple[Customer, int]] = deque()
        self.journal = Journal()
        # exact integrals since t=0 for the monthly pool series: waiting list, seats, class time
        self.area_waiting = 0.0
        self.area_present = 0.0
        self.busy_hours = 0.0
        self._integrated_to = env.now
        env.process(self._weekly_classes())

    # ------------------------------------------------------------------ seats (the roster's)
    def add_seat(self) -> None:
        """A new instructor position: nothing to set up until the hire."""

    def vacate_seat(self, _seat: int) -> None:
        """An instructor leaves."""
        self.integrate()
        self.present -= 1

    def fill_seat(self, _seat: int, _ramp_hours: float) -> None:
        """An instructor is hired (a class needs no ramp)."""
        self.integrate()
        self.present += 1

    def close_seat(self, _seat: int) -> None:
        """An instructor position is gone: nothing to move."""

    def integrate(self) -> tuple[float, float, float]:
        """Bring the integrals to now: (waiting-list area, class hours, seat hours) since t=0;
        the seat hours are also booked into the ledger, split exactly at year ends."""
        now = self.env.now
        dt = now - self._integrated_to
        if dt > 0:
            self.area_waiting += len(self.waiting) * dt
            self.area_present += self.present * dt
            self.ledger.add_span(
                self._integrated_to, now, "", "education_present_hours", self.present
            )
            self._integrated_to = now
        return self.area_waiting, self.busy_hours, self.area_present

    def offer(self, customer: Customer) -> None:
        """The customer (its current champion) decides whether and how to train."""
        tier = self.scenario.tiers[customer.tier].training
        u_take, u_channel = customer.training_rng.random(2).tolist()
        if u_take >= tier.propensity or not customer.active:
            return
        if u_channel < tier.instructor_led_share:
            self.integrate()
            self.waiting.append((customer, customer.champion_episode))
            self.journal.record(
                self.env.now,
                customer.group,
                customer.serial,
                "training",
                "waiting for an instructor-led class",
            )
        else:
            self.env.process(self._self_paced(customer, customer.champion_episode))

    def _self_paced(self, customer: Customer, episode: int) -> Generator[simpy.Event, None, None]:
        training = self.scenario.training
        yield self.env.timeout(weeks(training.self_paced_weeks))
        if customer.active and customer.champion_episode == episode:
            customer.training = max(customer.training, SELF_PACED)
            self.journal.record(
                self.env.now,
                customer.group,
                customer.serial,
                "trained",
                "self-paced course completed",
            )
            self.ledger.add(self.env.now, customer.cell, "trained_self_paced")
            if training.self_paced_price:
                self.ledger.add(
                    self.env.now, customer.cell, "services_revenue", training.self_paced_price
                )

    def _weekly_classes(self) -> Generator[simpy.Event, None, None]:
        """Process: each week, run the classes the waiting list needs and the team can give."""
        pool = self.pool
        env = self.env
        price = self.scenario.training.instructor_led_price
        share = pool.productive_hours_per_week / HOURS_PER_WEEK
        while True:
            yield env.timeout(HOURS_PER_WEEK)
            self.integrate()
            while self.waiting and not _still_wanted(*self.waiting[0]):
                self.waiting.popleft()
            if not self.waiting or self.present <= 0:
                continue
            capacity = math.floor(
                self.present * pool.productive_hours_per_week / pool.hours_per_class
            )
            needed = math.ceil(len(self.waiting) / pool.seats_per_class)
            classes = min(capacity, needed)
            seats = classes * pool.seats_per_class
            trainees: list[Customer] = []
            while self.waiting and len(trainees) < seats:
                customer, episode = self.waiting.popleft()
                if _still_wanted(customer, episode):
                    trainees.append(customer)
            if not trainees:
                continue
            busy_per_seat = classes * pool.hours_per_class / share / len(trainees)
            self.busy_hours += classes * pool.hours_per_class / share
            start = env.now - HOURS_PER_WEEK
            for customer in trainees:
                customer.training = INSTRUCTOR_LED
                self.journal.record(
                    env.now, customer.group, customer.serial, "trained", "instructor-led class"
                )
                self.ledger.add(start, customer.cell, "trained_instructor_led")
                self.ledger.add(start, customer.cell, "education_busy_hours", busy_per_seat)
                if price:
                    self.ledger.add(start, customer.cell, "services_revenue", price)


def _still_wanted(customer: Customer, episode: int) -> bool:
    return customer.active and customer.champion_episode == episode
