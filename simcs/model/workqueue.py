"""A staffed queue of work: seats serve jobs by priority, first come first served within one.

Support agents, implementation consultants and CSMs all work this way: a job (a case, an
implementation package, a touch or a play) asks for some hours of work; a free seat takes the
most urgent, earliest job; a seat works at `productive_share` of the clock (people spend the
rest of the week on other things), so a job of `h` work hours occupies a seat `h / share`
clock hours. Jobs may carry a deadline (a customer's patience, a touch that is moot once the
next is due): a job still waiting at its deadline is dropped.

Nothing waits on a job in a SimPy process: completions are callbacks on timeouts, which keeps
the event count at one per arrival and one per completion. Statistics that Little's law and
utilisation checks need are kept as exact time integrals.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from simcs.calendar import HOURS_PER_YEAR
from simcs.model.clock import Calendar
from simcs.model.guard import NonFinite, work_fields
from simcs.model.ledger import Ledger

WAITING, SERVING, DONE, DROPPED = 0, 1, 2, 3
#: No job may occupy a seat longer than this (a century of business hours): a longer, infinite
#: or NaN duration can only come from broken parameters, and would stall the clock.
LONGEST_JOB_HOURS = 100 * HOURS_PER_YEAR


@dataclass(slots=True, eq=False)
class Job:
    """One piece of work asked of a queue."""

    work_hours: float
    priority: int = 0
    tier: str = ""
    deadline: float | None = None
    on_start: Callable[[Job], None] | None = None
    on_done: Callable[[Job], None] | None = None
    on_drop: Callable[[Job], None] | None = None
    payload: Any = None
    arrival: float = 0.0
    start: float = 0.0
    state: int = WAITING
    seat: Seat | None = None


@dataclass(slots=True, eq=False)
class Seat:
    """One person's place in a queue; vacant while the post is being refilled."""

    index: int
    present: bool = True
    busy: bool = False
    leaving: bool = False
    speed: float = 1.0
    ramp_until: float = 0.0
    job: Job | None = None  # the job in hand (the last one, once the seat is idle)


@dataclass(slots=True)
class QueueStats:
    """Exact integrals and counts since the last `reset_period` (or the start)."""

    since: float = 0.0
    arrivals: int = 0
    started: int = 0
    completed: int = 0
    dropped: int = 0
    wait_sum: float = 0.0
    area_waiting: float = 0.0
    area_busy: float = 0.0
    area_present: float = 0.0


class WorkQueue:
    """A multi-seat, non-preemptive priority queue on a SimPy clock."""

    def __init__(
        self,
        env: Calendar,
        name: str,
        seats: int,
        productive_share: float = 1.0,
        busy_ledger: Ledger | None = None,
        busy_quantity: str = "",
    ) -> None:
        if seats < 0:
            raise ValueError("seats must be >= 0")
        if not 0 < productive_share <= 1:
            raise ValueError("productive_share must be in (0, 1]")
        self.env = env
        self.name = name
        self.productive_share = productive_share
        self.seats = [Seat(i) for i in range(seats)]
        self._free: list[Seat] = list(self.seats)
        self._heap: list[tuple[int, int, Job]] = []
        self._deadlines: list[tuple[float, int, Job]] = []  # waiting jobs' deadlines, unarmed
        self._armed: list[tuple[float, int]] = []  # (deadline, id) of the alarms set
        self._serial = 0
        self._n_waiting = 0
        self._n_busy = 0
        self._n_present = seats
        self._last = env.now
        self._busy_ledger = busy_ledger
        self._busy_quantity = busy_quantity
        self.stats = QueueStats(since=env.now)

    # ------------------------------------------------------------------ bookkeeping
    def _advance(self) -> None:
        now = self.env._now  # the clock attribute: `now` is a property call, this is hot
        dt = now - self._last
        if dt > 0:
            s = self.stats
            s.area_waiting += self._n_waiting * dt
            s.area_busy += self._n_busy * dt
            s.area_present += self._n_present * dt
            self._last = now

    def sync(self) -> QueueStats:
        """The current period's statistics with the integrals brought up to now (no reset)."""
        self._advance()
        return self.stats

    def reset_period(self) -> QueueStats:
        """Close the current period's integrals at `now` and start a new period."""
        self._advance()
        closed = self.stats
        self.stats = QueueStats(since=self.env.now)
        return closed

    @property
    def waiting(self) -> int:
        """Jobs waiting (not yet started, not dropped)."""
        return self._n_waiting

    @property
    def busy(self) -> int:
        """Seats working on a job now."""
        return self._n_busy

    @property
    def present(self) -> int:
        """Seats filled now."""
        return self._n_present

    def unfinished(self) -> tuple[list[Job], list[Job]]:
        """The jobs not finished now: those waiting (in order of urgency) and those in hand."""
        waiting = [job for _, _, job in sorted(self._heap) if job.state == WAITING]
        serving = [s.job for s in self.seats if s.busy and s.job is not None]
        return waiting, serving

    # ------------------------------------------------------------------ the queue
    def submit(self, job: Job) -> Job:
        """Ask for `job`; it starts at once if a seat is free, else waits its turn."""
        self._advance()
        now = self.env._now
        job.arrival = now
        self.stats.arrivals += 1
        if self._free:
            self._start(job, self._free.pop())
            return job
        self._serial += 1
        heapq.heappush(self._heap, (job.priority, self._serial, job))
        self._n_waiting += 1
        if job.deadline is not None:
            if job.deadline <= now:
                self._drop(job)
            else:
                self._watch(job)
        return job

    # A waiting job is dropped at its deadline, in the place among the events due then that a
    # timeout made at its submission would have had (its reserved id). Only the earliest
    # deadlines have alarms: most jobs start long before theirs, and their alarms would be
    # events that decide nothing.
    def _watch(self, job: Job) -> None:
        assert job.deadline is not None
        entry = (job.deadline, self.env.reserve(), job)
        if not self._armed or entry[:2] < self._armed[0]:
            self._arm(entry)
        else:
            heapq.heappush(self._deadlines, entry)

    def _arm(self, entry: tuple[float, int, Job]) -> None:
        deadline, eid, job = entry
        heapq.heappush(self._armed, (deadline, eid))
        self.env.at_reserved(deadline, eid, self._expire, job)

    def _expire(self, job: Job) -> None:
        heapq.heappop(self._armed)  # this alarm's key: alarms go off in the order of their keys
        if job.state == WAITING:
            self._advance()
            self._drop(job)
        # arm the earliest deadline of a job still waiting, if it comes before every armed one
        pending = self._deadlines
        while pending and pending[0][2].state != WAITING:
            heapq.heappop(pending)  # started or moved: its reserved id is never used
        if pending and (not self._armed or pending[0][:2] < self._armed[0]):
            self._arm(heapq.heappop(pending))

    def _drop(self, job: Job) -> None:
        job.state = DROPPED
        self._n_waiting -= 1
        self.stats.dropped += 1
        self.stats.wait_sum += self.env.now - job.arrival
        if job.on_drop is not None:
            job.on_drop(job)

    def _start(self, job: Job, seat: Seat) -> None:
        now = self.env._now
        job.state = SERVING
        job.start = now
        job.seat = seat
        seat.job = job
        seat.busy = True
        self._n_busy += 1
        s = self.stats
        s.started += 1
        s.wait_sum += now - job.arrival
        speed = seat.speed if seat.ramp_until > now else 1.0
        duration = job.work_hours / (self.productive_share * speed)
        if not 0.0 <= duration <= LONGEST_JOB_HOURS:  # NaN, inf or absurd: it would hang
            raise NonFinite(
                f"a {job.tier or 'shared'} job in the {self.name} queue would take "
                f"{duration:.6g} clock hours ({job.work_hours:.6g} hours of work), not a finite "
                "time within 100 years",
                work_fields(self.name, job.tier),
            )
        if self._busy_ledger is not None:  # busy time, split at year ends, per tier
            self._busy_ledger.add_span(now, now + duration, job.tier, self._busy_quantity)
        if job.on_start is not None:
            job.on_start(job)
        self.env.after(duration, self._finish, job)

    def _finish(self, job: Job) -> None:
        self._advance()
        seat = job.seat
        assert seat is not None
        job.state = DONE
        seat.busy = False
        self._n_busy -= 1
        self.stats.completed += 1
        if seat.leaving:  # the leaver finished this job, then left
            seat.leaving = False
            self._n_present -= 1
        if seat.present:
            self._seat_free(seat)
        if job.on_done is not None:
            job.on_done(job)

    def _seat_free(self, seat: Seat) -> None:
        heap = self._heap
        while heap:
            _, _, job = heapq.heappop(heap)
            if job.state == WAITING:
                self._n_waiting -= 1
                self._start(job, seat)
                return
        self._free.append(seat)

    # ------------------------------------------------------------------ staffing
    def add_seat(self) -> Seat:
        """A new seat, vacant until `fill` (a position opened by the staffing policy)."""
        seat = Seat(len(self.seats), present=False)
        self.seats.append(seat)
        return seat

    def take_waiting(self) -> list[Job]:
        """Remove every waiting job (counted as dropped here, no callbacks) and return fresh
        copies to submit elsewhere (a closed CSM book's work goes to the customers' new CSMs)."""
        self._advance()
        now = self.env._now
        moved = []
        for _, _, job in sorted(self._heap):
            if job.state == WAITING:
                job.state = DROPPED
                self._n_waiting -= 1
                self.stats.dropped += 1
                self.stats.wait_sum += now - job.arrival
                moved.append(replace(job, state=WAITING, seat=None))
        self._heap.clear()
        return moved

    def vacate(self, seat: Seat) -> None:
        """The person in `seat` leaves; a job in progress is finished first."""
        if not seat.present:
            return
        self._advance()
        seat.present = False
        if seat.busy and not seat.leaving:
            seat.leaving = True  # finishes the job in hand, then goes
        else:  # an idle person, or a new hire who never got to start
            self._n_present -= 1
            if not seat.busy:
                self._free.remove(seat)

    def fill(self, seat: Seat, ramp_hours: float = 0.0) -> None:
        """A new hire takes `seat`, at half speed for `ramp_hours`."""
        if seat.present:
            return
        self._advance()
        seat.present = True
        self._n_present += 1
        seat.speed = 0.5
        seat.ramp_until = self.env.now + ramp_hours
        if not seat.busy:
            self._seat_free(seat)
