"""The exports `simcs calibrate` reads, column by column: what each column may hold.

- `ACCOUNTS` (CRM): one row per account (customer contract), current and former;
- `TICKETS` (help desk): one row per support case;
- `COHORTS`: a survival table, customers of a cohort still under contract period by period;
- `ARR_HISTORY` (CRM): an account's ARR from a date on, one row at the contract's start and
  one at each change, so the ARR at any date, and its change at each renewal, can be known.

A column's kind (`KINDS`) is the check `simcs.calibration.exports` makes of each of its cells
and the problem it names when one fails.
"""

from __future__ import annotations

from dataclasses import dataclass

#: What a column may hold: its check and the problem named when a cell fails it.
KINDS: dict[str, str] = {
    "id": "an empty id",
    "text": "",
    "usd": "not an amount in dollars >= 0",
    "date": "not a date (YYYY-MM-DD, or ISO 8601 with a time)",
    "date_or_empty": "not a date (YYYY-MM-DD, or ISO 8601 with a time) or empty",
    "months": "not a whole number of months from 1 to 120",
    "minutes": "not a number of minutes >= 0",
    "flag": "not yes/no (true/false, 1/0)",
    "count": "not a whole number >= 0",
}


@dataclass(frozen=True)
class Export:
    """The columns of one export: name -> kind (`KINDS`), required and optional."""

    name: str
    required: dict[str, str]
    optional: dict[str, str]
    key: str | None  # the id column: unique within the file
    unique_together: tuple[str, ...] = ()  # columns no two rows may share all of


ACCOUNTS = Export(
    "accounts",
    {"account_id": "id", "arr": "usd", "start_date": "date", "end_date": "date_or_empty"},
    {"group": "text", "tier": "text", "csm_id": "text", "term_months": "months", "trained": "flag"},
    "account_id",
)
COHORTS = Export(
    "cohorts",
    {"group": "id", "period": "count", "alive": "count"},
    {},
    None,
)
TICKETS = Export(
    "tickets",
    {"ticket_id": "id", "account_id": "id", "created_at": "date", "handle_minutes": "minutes"},
    {"first_response_at": "date_or_empty", "priority": "text"},
    "ticket_id",
)
ARR_HISTORY = Export(
    "ARR history",
    {"account_id": "id", "date": "date", "arr": "usd"},
    {},
    None,
    ("account_id", "date"),
)
