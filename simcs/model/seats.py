"""The seats a staff pool's people fill: what the roster (`roster.py`) drives when someone is
hired, leaves, or a position opens or closes. A work queue's seats (support agents, consultants,
a pooled CSM team), a CSM team's books (`csm.py`), the education team (`education.py`), or a
plain head count for pools without a queue (operations, a digital tier's programme staff).
"""

from __future__ import annotations

from typing import Protocol

from simcs.model.workqueue import WorkQueue


class Seats(Protocol):
    """The work a pool's people do: seats that can be added, filled, vacated and closed."""

    def add_seat(self) -> None:
        """Add one vacant seat (its index is the number of seats so far)."""

    def fill_seat(self, index: int, ramp_hours: float) -> None:
        """A person takes seat `index`, ramping for `ramp_hours`."""

    def vacate_seat(self, index: int) -> None:
        """The person in seat `index` leaves (the seat may be refilled)."""

    def close_seat(self, index: int) -> None:
        """Seat `index` is gone for good (it is vacant already)."""


class Headcount:
    """Seats that only count people (operations, a digital tier's programme staff)."""

    def add_seat(self) -> None:
        """Nothing to add: there is no queue."""

    def fill_seat(self, index: int, ramp_hours: float) -> None:
        """Nothing to do: the roster counts the people."""

    def vacate_seat(self, index: int) -> None:
        """Nothing to do: the roster counts the people."""

    def close_seat(self, index: int) -> None:
        """Nothing to do: the roster counts the people."""


class QueueSeats:
    """The seats of a work queue (support agents, consultants, a pooled CSM team)."""

    def __init__(self, queue: WorkQueue) -> None:
        self.queue = queue

    def add_seat(self) -> None:
        """A new seat of the queue, vacant until the hire."""
        self.queue.add_seat()

    def fill_seat(self, index: int, ramp_hours: float) -> None:
        """A new hire takes the seat, at half speed while ramping."""
        self.queue.fill(self.queue.seats[index], ramp_hours)

    def vacate_seat(self, index: int) -> None:
        """The person leaves once the job in hand is done."""
        self.queue.vacate(self.queue.seats[index])

    def close_seat(self, index: int) -> None:
        """Nothing to move: the queue's jobs wait for any seat."""
