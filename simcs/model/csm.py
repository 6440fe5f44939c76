"""Customer success: a tier's CSM team and how it engages its customers.

- assigned: every customer belongs to one named CSM's book; the CSM works its book's touches,
  renewal reviews and plays from one to-do list, plays first, then renewal reviews, then routine
  cadence. An overloaded CSM is late; a touch not started before the next one is due is missed.
  When a CSM leaves, the seat is empty until the hire, and the whole book changes CSM.
- pooled: the tier's work items wait in one queue for any CSM of the team (no reassignment
  penalty when someone leaves).
- both: a support case that breaches its SLA raises a health alert, a short CSM task queued with
  the renewal reviews (one open alert per customer); delivered, it counts as a touch.
- digital: automated touches with no capacity limit; nothing queues, so nothing is simulated
  beyond the effect (touch coverage is 1 by construction, with the weaker digital odds ratio).
"""

from __future__ import annotations

import heapq
from collections.abc import Callable

from simcs.calendar import HOURS_PER_YEAR, weeks
from simcs.formulas.costs import loaded_cost_per_work_hour
from simcs.model.clock import Calendar
from simcs.model.customer import Customer
from simcs.model.journal import Journal
from simcs.model.ledger import Ledger
from simcs.model.workqueue import Job, WorkQueue
from simcs.scenario import StaffPool, Tier

# Work priorities: plays, then at-risk work (renewal reviews, health alerts), then cadence.
PLAY, RENEWAL_REVIEW, HEALTH_ALERT, CADENCE = 0, 1, 1, 2


class CsmTeam:
    """One tier's CSM team (or its digital programme)."""

    def __init__(
        self,
        env: Calendar,
        tier_name: str,
        tier: Tier,
        pool: StaffPool | None,
        ledger: Ledger,
        on_touch: Callable[[Customer], None],
    ) -> None:
        self.env = env
        self.tier_name = tier_name
        self.tier = tier
        self.coverage = tier.coverage
        self.ledger = ledger
        self.on_touch = on_touch
        self.journal = Journal()
        self.hourly_cost = 0.0
        if pool is not None:
            self.hourly_cost = loaded_cost_per_work_hour(
                pool.ote, pool.overhead, pool.productive_hours_per_week
            )
        self.books: list[WorkQueue] = []
        self.closed: set[int] = set()  # assigned books whose position is gone
        self.members: list[set[Customer]] = []
        # (customers, seat) of the books, lowest first: an entry is current while its seat is
        # open, its CSM there and its count right; stale ones are dropped when they surface
        self._lightest: list[tuple[int, int]] = []
        self.pooled: WorkQueue | None = None
        if pool is None or self.coverage == "digital":
            return
        self._share = pool.productive_hours_per_week / 40.0
        self._busy = {"busy_ledger": ledger, "busy_quantity": "csm_busy_hours"}
        if self.coverage == "assigned":
            for _ in range(pool.headcount):
                self._add_book(present=True)
        else:
            self.pooled = WorkQueue(
                env, f"csm.{tier_name}", pool.headcount, self._share, **self._busy
            )

    def _add_book(self, present: bool) -> None:
        book = WorkQueue(
            self.env, f"csm.{self.tier_name}.{len(self.books)}", 1, self._share, **self._busy
        )
        if not present:
            book.vacate(book.seats[0])
        self.books.append(book)
        self.members.append(set())
        self._offer(len(self.books) - 1)

    @property
    def queues(self) -> list[WorkQueue]:
        """Every work queue of the team (one per book, or the pool)."""
        return self.books if self.pooled is None else [self.pooled]

    @property
    def staffed(self) -> bool:
        """True if the team has CSM seats that can take work."""
        return bool(self.books) or (self.pooled is not None and bool(self.pooled.seats))

    # ----------------------------------------------------------------- seats (the roster's)
    def add_seat(self) -> None:
        """A new CSM position: a new book (assigned) or a new seat of the pool, vacant."""
        if self.pooled is not None:
            self.pooled.add_seat()
        else:
            self._add_book(present=False)

    def vacate_seat(self, seat: int) -> None:
        """The CSM in `seat` leaves; an assigned book waits for the hire."""
        queue = self.pooled if self.pooled is not None else self.books[seat]
        queue.vacate(queue.seats[seat if self.pooled is not None else 0])

    def fill_seat(self, seat: int, ramp_hours: float) -> None:
        """A new CSM takes `seat`; every customer of an assigned book has changed CSM."""
        if self.pooled is not None:
            self.pooled.fill(self.pooled.seats[seat], ramp_hours)
            return
        book = self.books[seat]
        book.fill(book.seats[0], ramp_hours)
        self._offer(seat)
        for customer in self.members[seat]:
            self._new_csm(
                customer, f"csm.{self.tier_name} #{seat} is a new hire (the old CSM left)"
            )

    def _new_csm(self, customer: Customer, why: str) -> None:
        """The customer has a new named CSM: counted for its renewal and journaled."""
        customer.term.csm_changes += 1
        self.ledger.add(self.env.now, customer.cell, "csm_reassignments")
        self.journal.record(self.env.now, customer.group, customer.serial, "new CSM", why)

    def close_seat(self, seat: int) -> None:
        """The position is gone: an assigned book's customers and waiting work move to the
        other CSMs (each customer has changed CSM)."""
        if self.pooled is not None:
            return
        self.closed.add(seat)
        customers, self.members[seat] = self.members[seat], set()
        for customer in sorted(customers, key=lambda c: (c.group, c.serial)):
            customer.csm_seat = None
            self._assign(customer)
            if customer.csm_seat is not None:
                self._new_csm(
                    customer,
                    f"csm.{self.tier_name} #{seat} was not refilled: moved to #{customer.csm_seat}",
                )
        for job in self.books[seat].take_waiting():
            queue = self.queue_for(job.payload)
            if queue is not None:
                queue.submit(job)

    def _assign(self, customer: Customer) -> None:
        """Put the customer on the book with the fewest customers (the first such book) among
        those whose CSM is there (a vacant seat's book keeps its customers but takes no new
        ones while a CSM is on hand elsewhere), else among the open books (none if all are
        closed)."""
        seat = self._lightest_staffed()
        if seat is None:  # no CSM on hand: look at every open book (rare, so a scan)
            open_books = [s for s in range(len(self.books)) if s not in self.closed]
            if not open_books:
                return
            seat = min(open_books, key=lambda s: len(self.members[s]))
        self.members[seat].add(customer)
        customer.csm_seat = seat
        self._offer(seat)

    def _offer(self, seat: int) -> None:
        """The book in `seat` has a new count of customers, or its CSM is back."""
        heapq.heappush(self._lightest, (len(self.members[seat]), seat))
        if len(self._lightest) > 4 * len(self.books) + 64:  # mostly stale: rebuild it
            self._lightest = [e for e in set(self._lightest) if self._current(e)]
            heapq.heapify(self._lightest)

    def _current(self, entry: tuple[int, int]) -> bool:
        count, seat = entry
        return (
            seat not in self.closed
            and self.books[seat].present > 0
            and len(self.members[seat]) == count
        )

    def _lightest_staffed(self) -> int | None:
        """The open book with a CSM there and the fewest customers (the first, on a tie)."""
        lightest = self._lightest
        while lightest:
            if self._current(lightest[0]):
                return lightest[0][1]
            heapq.heappop(lightest)
        return None

    def engage(self, customer: Customer) -> None:
        """Start engaging the customer: give it a CSM (assigned) and start its cadence."""
        customer.engagements += 1
        if self.books:
            self._assign(customer)
        if self.coverage != "digital" and self.tier.cadence.touches_per_year > 0:
            self._start_cadence(customer)

    def release(self, customer: Customer) -> None:
        """The customer churned: take it off its CSM's book."""
        if customer.csm_seat is not None:
            self.members[customer.csm_seat].discard(customer)
            self._offer(customer.csm_seat)
            customer.csm_seat = None

    def queue_for(self, customer: Customer) -> WorkQueue | None:
        """The to-do list that serves this customer (None if nobody does)."""
        if self.pooled is not None:
            return self.pooled
        if customer.csm_seat is not None:
            return self.books[customer.csm_seat]
        return None

    # ----------------------------------------------------------------- work
    def _start_cadence(self, customer: Customer) -> None:
        """Plan the customer's touches, evenly spaced from a random phase, while it stays.

        A chain of timeouts with a callback: planning a touch is not something anyone waits on.
        """
        interval = HOURS_PER_YEAR / self.tier.cadence.touches_per_year
        engagement = (customer, customer.engagements)
        self.env.after(customer.phase_u * interval, self._plan_touch, engagement)

    def _plan_touch(self, engagement: tuple[Customer, int]) -> None:
        customer, serial = engagement
        if not customer.active or customer.engagements != serial:
            return  # churned, or re-tiered since: the new tier's cadence runs instead
        interval = HOURS_PER_YEAR / self.tier.cadence.touches_per_year
        self.request_touch(
            customer, CADENCE, self.tier.cadence.hours_per_touch, self.env.now + interval
        )
        self.env.after(interval, self._plan_touch, engagement)

    def request_touch(
        self, customer: Customer, kind: int, hours: float, deadline: float | None
    ) -> None:
        """Plan a touch (cadence or renewal review); it counts towards touch coverage."""
        customer.term.touches_planned += 1
        self.ledger.add(self.env.now, customer.cell, "csm_touches_planned")
        queue = self.queue_for(customer)
        if queue is None:
            return
        queue.submit(
            Job(
                hours,
                priority=kind,
                tier=customer.cell,
                deadline=deadline,
                on_done=self._touched,
                on_drop=self._missed,
                payload=customer,
            )
        )

    def _serves(self, customer: Customer) -> bool:
        """False once the customer has churned or moved to another tier (work queued for it
        before then no longer counts)."""
        return customer.active and customer.tier == self.tier_name

    def _missed(self, job: Job) -> None:
        customer: Customer = job.payload
        if not self._serves(customer):
            return
        if self.journal.enabled:
            self.journal.record(
                self.env.now,
                customer.group,
                customer.serial,
                "touch missed",
                "the CSM did not get to it before it was moot",
            )

    def _journal_work(self, job: Job) -> None:
        """Journal a finished CSM job for its customer: who, when it started, hours, cost."""
        if self.journal.enabled:
            customer: Customer = job.payload
            kind = {PLAY: "play", RENEWAL_REVIEW: "review/alert", CADENCE: "touch"}[job.priority]
            who = f"csm.{self.tier_name} #{job.seat.index}" if job.seat is not None else "CSM"
            self.journal.record(
                job.start,
                customer.group,
                customer.serial,
                f"CSM {kind}",
                f"{who}, {job.work_hours:g} h, ~${job.work_hours * self.hourly_cost:,.0f}",
            )

    def _touched(self, job: Job) -> None:
        customer: Customer = job.payload
        if not self._serves(customer):
            return
        self._journal_work(job)
        customer.term.touches_delivered += 1
        self.ledger.add(self.env.now, customer.cell, "csm_touches_delivered")
        self.on_touch(customer)

    def raise_alert(self, customer: Customer) -> None:
        """A health alert for the customer's CSM (or pool), unless one is already open."""
        hours = self.tier.health_alert_hours
        if self.coverage == "digital" or hours <= 0 or customer.alert_open:
            return
        queue = self.queue_for(customer)
        if queue is None:
            return
        customer.alert_open = True
        self.journal.record(
            self.env.now,
            customer.group,
            customer.serial,
            "health alert",
            "an SLA breach put a task on the CSM's list",
        )
        customer.term.touches_planned += 1
        self.ledger.add(self.env.now, customer.cell, "csm_touches_planned")
        self.ledger.add(self.env.now, customer.cell, "health_alerts")
        queue.submit(
            Job(
                hours,
                priority=HEALTH_ALERT,
                tier=customer.cell,
                deadline=self.env.now + weeks(self.tier.health_alert_weeks),
                on_done=self._alert_handled,
                on_drop=self._alert_dropped,
                payload=customer,
            )
        )

    def _alert_handled(self, job: Job) -> None:
        job.payload.alert_open = False
        self._touched(job)

    def _alert_dropped(self, job: Job) -> None:
        job.payload.alert_open = False

    def request_play(self, customer: Customer, hours: float, on_done: Callable[[], None]) -> bool:
        """Queue a play task (highest priority); False if no CSM can ever take it."""
        queue = self.queue_for(customer)
        if queue is None or not queue.seats:
            return False

        def done(job: Job) -> None:
            if customer.active:
                self._journal_work(job)
            on_done()

        queue.submit(Job(hours, priority=PLAY, tier=customer.cell, on_done=done, payload=customer))
        return True
