"""The ledger: what happened, summed by (year, tier, quantity), as the simulation runs.

Counts, sums of waits, hours and money accrue here; per-year metrics are derived from it at
the end (`simcs.simulation.metrics`). Busy time that straddles a year end is split exactly
between the two years, so utilisation and cost allocation are right at every boundary.

Hot paths take the bucket of one (year, tier) once (`at`) and add several quantities to it.
"""

from __future__ import annotations

from collections import defaultdict

from simcs.calendar import HOURS_PER_YEAR

Bucket = defaultdict[str, float]


class Ledger:
    """Sums keyed by (1-based year, tier, quantity name)."""

    def __init__(self) -> None:
        self.buckets: dict[tuple[int, str], Bucket] = {}

    def bucket(self, year: int, tier: str) -> Bucket:
        """The sums of one tier in one 1-based year (created empty on first use)."""
        key = (year, tier)
        found = self.buckets.get(key)
        if found is None:
            found = self.buckets[key] = defaultdict(float)
        return found

    def at(self, time_hours: float, tier: str) -> Bucket:
        """The sums of `tier` in the year containing `time_hours`."""
        return self.bucket(int(time_hours // HOURS_PER_YEAR) + 1, tier)

    def add(self, time_hours: float, tier: str, quantity: str, amount: float = 1.0) -> None:
        """Add `amount` to `quantity` of `tier` in the year containing `time_hours`."""
        self.bucket(int(time_hours // HOURS_PER_YEAR) + 1, tier)[quantity] += amount

    def put(self, year: int, tier: str, quantity: str, amount: float) -> None:
        """Add `amount` to `quantity` of `tier` in the given 1-based `year`."""
        self.bucket(year, tier)[quantity] += amount

    def add_span(
        self, start: float, end: float, tier: str, quantity: str, rate: float = 1.0
    ) -> None:
        """Add `rate` x (overlap of [start, end) with each year) to that year's `quantity`."""
        year = int(start // HOURS_PER_YEAR) + 1
        boundary = year * HOURS_PER_YEAR
        if end <= boundary:  # the usual case: inside one year
            if end > start:
                self.bucket(year, tier)[quantity] += (end - start) * rate
            return
        while start < end:
            stop = min(end, boundary)
            self.bucket(year, tier)[quantity] += (stop - start) * rate
            start = stop
            year += 1
            boundary = year * HOURS_PER_YEAR

    @property
    def sums(self) -> dict[tuple[int, str, str], float]:
        """Every sum recorded, keyed by (year, tier, quantity)."""
        return {(y, t, q): v for (y, t), b in self.buckets.items() for q, v in b.items()}

    def get(self, year: int, tier: str, quantity: str) -> float:
        """The sum of `quantity` for `tier` in `year` (0 if nothing was recorded)."""
        found = self.buckets.get((year, tier))
        return found.get(quantity, 0.0) if found is not None else 0.0
