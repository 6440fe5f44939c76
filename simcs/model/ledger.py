"""The ledger: what happened, summed by (year, tier, quantity), as the simulation runs.

Counts, sums of waits, hours and money accrue here; per-year metrics are derived from it at
the end (`simcs.metrics`). Busy time that straddles a year end is split exactly between the
two years, so utilisation and cost allocation are right at every boundary.
"""

from __future__ import annotations

from collections import defaultdict

from simcs.calendar import HOURS_PER_YEAR


class Ledger:
    """Sums keyed by (1-based year, tier, quantity name)."""

    def __init__(self) -> None:
        self.sums: defaultdict[tuple[int, str, str], float] = defaultdict(float)

    def add(self, time_hours: float, tier: str, quantity: str, amount: float = 1.0) -> None:
        """Add `amount` to `quantity` of `tier` in the year containing `time_hours`."""
        self.sums[(int(time_hours // HOURS_PER_YEAR) + 1, tier, quantity)] += amount

    def add_span(
        self, start: float, end: float, tier: str, quantity: str, rate: float = 1.0
    ) -> None:
        """Add `rate` x (overlap of [start, end) with each year) to that year's `quantity`."""
        year = int(start // HOURS_PER_YEAR) + 1
        while start < end:
            boundary = year * HOURS_PER_YEAR
            stop = min(end, boundary)
            self.sums[(year, tier, quantity)] += (stop - start) * rate
            start = stop
            year += 1

    def put(self, year: int, tier: str, quantity: str, amount: float) -> None:
        """Add `amount` to `quantity` of `tier` in the given 1-based `year`."""
        self.sums[(year, tier, quantity)] += amount

    def get(self, year: int, tier: str, quantity: str) -> float:
        """The sum of `quantity` for `tier` in `year` (0 if nothing was recorded)."""
        return self.sums.get((year, tier, quantity), 0.0)
