"""What an accounts export says about churn and the book, as of a cut-off date.

Each account's contract renews on the anniversaries of its start, every `term_months` (12 by
default). As of the cut-off:

- an account that ended on or before the cut-off churned at the first anniversary on or after
  its end date: it survived the renewals before it (a contract ending exactly on its first
  anniversary survived none and churned at renewal 1; a cancellation mid-term churned at the
  renewal that term would have ended at);
- an account still under contract (no end date, or an end after the cut-off, which has not
  happened yet) has survived every anniversary up to the cut-off and is right-censored there;
- an account that starts after the cut-off is not yet a customer and is left out.

`group_lifetimes` turns the accounts of each customer group (the export's `group` column, or one
group, `book`, without it) into the counts the sBG fit takes (`simcs.calibration.renewal`), and
`book_at` lists the accounts under contract at the cut-off with their ARR, tenure (renewals
made) and next renewal: the t=0 book a calibrated scenario starts from.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from simcs.calibration.renewal import Lifetimes, lifetimes_from_accounts

if TYPE_CHECKING:
    import pandas as pd

#: The customer group of an export without a `group` column.
BOOK = "book"


def months_between(start: datetime, stop: datetime) -> tuple[int, bool]:
    """Whole calendar months from `start` to `stop` (a month counts once its day of the month,
    and time of day, is reached), and whether `stop` falls exactly on such a monthly date."""
    months = (stop.year - start.year) * 12 + stop.month - start.month
    later_in_month = (stop.day, stop.time()) >= (start.day, start.time())
    if not later_in_month:
        months -= 1
    exact = (stop.day, stop.time()) == (start.day, start.time())
    return months, exact


def renewals_survived(start: datetime, stop: datetime, term_months: int, churned: bool) -> int:
    """Renewals an account that started at `start` made by `stop`: for a churned account (its
    end at `stop`), the anniversaries strictly before its end (it churned at the next one); for
    an active one (`stop` the cut-off), the anniversaries up to and including the cut-off."""
    months, exact = months_between(start, stop)
    reached = max(0, months) // term_months  # anniversaries on or before `stop`
    if churned and exact and months > 0 and months % term_months == 0:
        reached -= 1  # it ended on an anniversary: the renewal it did not make
    return max(0, reached)


def next_anniversary(start: datetime, renewals: int, term_months: int) -> datetime:
    """The anniversary after `renewals` renewals: `start` plus (renewals + 1) terms."""
    months = start.month - 1 + (renewals + 1) * term_months
    year, month = start.year + months // 12, months % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])  # 31 Jan + 1 month = 28/29 Feb
    return start.replace(year=year, month=month, day=day)


@dataclass(frozen=True)
class BookAccount:
    """An account under contract at the cut-off: what the t=0 book needs of it."""

    account_id: str
    group: str
    arr: float
    renewals: int  # renewals made (tenure in terms)
    next_renewal_days: float  # days from the cut-off to its next anniversary
    trained: bool | None = None  # the export's `trained` flag, if it has one


def account_groups(frame: pd.DataFrame) -> Any:
    """Each account's customer group, aligned with `frame`: its `group`, or `BOOK` where the
    cell is empty or the export has no group column."""
    if "group" in frame.columns:
        return frame["group"].where(frame["group"] != "", BOOK)
    return frame["account_id"].map(lambda _: BOOK)


def contract_terms(frame: pd.DataFrame) -> Any:
    """Each account's contract term in months, aligned with `frame` (12 without the column)."""
    if "term_months" in frame.columns:
        return frame["term_months"]
    return frame["account_id"].map(lambda _: 12)


def latest_date(frame: pd.DataFrame) -> pd.Timestamp:
    """The default cut-off: the latest start or end date in the export."""
    dates = [frame["start_date"].max(), frame["end_date"].max()]
    return max(d for d in dates if d == d)  # NaT compares unequal to itself


def group_lifetimes(frame: pd.DataFrame, as_of: pd.Timestamp) -> dict[str, Lifetimes]:
    """Each group's churn history as of `as_of`, as counts for the sBG fit."""
    started = frame[frame["start_date"] <= as_of]
    groups = account_groups(started)
    terms = contract_terms(started)
    out: dict[str, Lifetimes] = {}
    for name in sorted(set(groups)):
        mine = groups == name
        renewals, churned = [], []
        for (_, row), term in zip(started[mine].iterrows(), terms[mine], strict=True):
            end = row["end_date"]
            gone = end == end and end <= as_of
            stop = end if gone else as_of
            renewals.append(renewals_survived(row["start_date"], stop, int(term), gone))
            churned.append(gone)
        out[name] = lifetimes_from_accounts(renewals, churned)
    return out


def under_contract(frame: pd.DataFrame, when: pd.Timestamp) -> Any:
    """Which accounts are under contract at `when` (started, not yet ended), aligned with
    `frame`: an account that ends on `when` is gone."""
    end = frame["end_date"]
    return (frame["start_date"] <= when) & ~(end.notna() & (end <= when))


def book_at(frame: pd.DataFrame, as_of: pd.Timestamp) -> list[BookAccount]:
    """The accounts under contract at `as_of` (started, not yet ended), with their ARR, the
    renewals they have made and the days to their next anniversary."""
    live = frame[under_contract(frame, as_of)]
    groups, terms = account_groups(live), contract_terms(live)
    has_flag = "trained" in live.columns
    out = []
    for (_, row), group, term in zip(live.iterrows(), groups, terms, strict=True):
        flag = row["trained"] if has_flag else None
        made = renewals_survived(row["start_date"], as_of, int(term), False)
        due = next_anniversary(row["start_date"], made, int(term))
        out.append(
            BookAccount(
                account_id=str(row["account_id"]),
                group=str(group),
                arr=float(row["arr"]),
                renewals=made,
                next_renewal_days=(due - as_of).total_seconds() / 86400.0,
                trained=None if flag is None or flag != flag else bool(flag),
            )
        )
    return out
