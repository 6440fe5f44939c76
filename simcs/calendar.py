"""The simulation clock: business hours.

simcs advances time in *business hours*: a working week is 40 hours and a year 52 weeks, so a
year is 2,080 clock hours. Support SLAs, handle times, CSM and consultant work are all counted
on this clock, the way post-sales teams count them; cases filed at night simply reach the queue
at the next business hour. Calendar days are derived for reporting (`hours_to_days`).
"""

from __future__ import annotations

HOURS_PER_WEEK: float = 40.0
WEEKS_PER_YEAR: float = 52.0
HOURS_PER_YEAR: float = HOURS_PER_WEEK * WEEKS_PER_YEAR
DAYS_PER_WEEK: float = 7.0


def weeks(n: float) -> float:
    """Clock hours in `n` weeks."""
    return n * HOURS_PER_WEEK


def hours_to_days(hours: float) -> float:
    """Calendar days spanned by `hours` business hours (40 business hours = 7 days)."""
    return hours / HOURS_PER_WEEK * DAYS_PER_WEEK
