"""The ARR change at renewal of a customer group, fitted from an ARR-history export.

The model changes a customer's ARR only when it renews: log(new ARR / old ARR) ~ Normal(
mean_log_change, sd) (`simcs.scenario.population.ExpansionLaw`). An accounts export has one ARR
per account, which says nothing of how it got there; an ARR history (`ARR_HISTORY` in
`simcs.calibration.export_specs`) says each account's ARR from a date on, one row at the
contract's start and one at each change.

- **ARR at a date** (`arr_at`): the last history row on or before it; before an account's first
  row, that first row; an account without history keeps the accounts export's `arr`.
- **Changes at renewal** (`renewal_changes`): an account's change at its renewal k is the log of
  its ARR in effect at anniversary k over the ARR in effect at anniversary k - 1 (anniversary 0
  its start; anniversaries every `term_months`, 12 by default, as in
  `simcs.calibration.history`), for every renewal it made by the cut-off. An upsell mid-term
  counts at the next renewal, which is where the model makes it. A change from or to an ARR of
  0 has no log and is left out; an account without history gives none.
- **The law** (`fit_expansion`): the normal law of a group's changes, its mean and standard
  deviation the sample's (the maximum-likelihood mean; the sd with the n - 1 correction), with
  95% intervals: Student's t for the mean, chi-square for the sd. They take the changes as
  independent; an account's successive changes may not be (one that grows may keep growing),
  so with few accounts behind many changes the intervals run short.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from scipy import stats

from simcs.calibration.history import (
    account_groups,
    contract_terms,
    next_anniversary,
    renewals_survived,
)
from simcs.calibration.renewal import FitError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "ExpansionFit",
    "arr_at",
    "fit_expansion",
    "renewal_changes",
    "renewal_changes_by_account",
]


def _in_effect(history: pd.DataFrame, ids: Sequence[str], times: Sequence[Any]) -> np.ndarray:
    """The ARR in effect for each (account, time): its last history row on or before the time,
    else its first row; nan for an account without history."""
    import pandas as pd

    query = pd.DataFrame(
        {
            "account_id": pd.Series(list(ids), dtype=history["account_id"].dtype),
            "when": pd.to_datetime(pd.Series(list(times), dtype=object)).astype("datetime64[ns]"),
            "position": np.arange(len(ids)),
        }
    )
    rows = history[["account_id", "date", "arr"]].astype({"date": "datetime64[ns]"})
    rows = rows.sort_values("date", kind="stable")
    found = pd.merge_asof(
        query.sort_values("when", kind="stable"),
        rows,
        left_on="when",
        right_on="date",
        by="account_id",
        direction="backward",
    ).sort_values("position")
    first = rows.groupby("account_id", sort=False)["arr"].first()
    value = found["arr"].where(found["arr"].notna(), found["account_id"].map(first))
    return value.to_numpy(dtype=float)


def arr_at(accounts: pd.DataFrame, history: pd.DataFrame | None, when: pd.Timestamp) -> pd.Series:
    """Each account's ARR in effect at `when`, aligned with `accounts` (see the module): from
    `history` where it has rows for the account, else the accounts export's `arr`."""
    own = accounts["arr"].astype(float)
    if history is None or history.empty or accounts.empty:
        return own.copy()
    value = _in_effect(history, accounts["account_id"].tolist(), [when] * len(accounts))
    found = own.copy()
    found[:] = np.where(np.isnan(value), own.to_numpy(), value)
    return found


def renewal_changes_by_account(
    accounts: pd.DataFrame, history: pd.DataFrame, as_of: pd.Timestamp
) -> dict[str, dict[str, list[float]]]:
    """Per customer group, per account with ARR history that started by `as_of`: its log ARR
    changes at the renewals it made by `as_of`, in order (see the module)."""
    known = set(history["account_id"])
    mine = accounts[accounts["account_id"].isin(known) & (accounts["start_date"] <= as_of)]
    ids = [str(a) for a in mine["account_id"]]
    groups = [str(g) for g in account_groups(mine)]
    ends = mine["end_date"] if "end_date" in mine.columns else [None] * len(mine)
    owners, times = [], []  # one entry per anniversary: the account's place, the date
    for place, (start, end, term) in enumerate(
        zip(mine["start_date"], ends, (int(t) for t in contract_terms(mine)), strict=True)
    ):
        gone = end is not None and end == end and end <= as_of
        made = renewals_survived(start, end if gone else as_of, term, gone)
        owners += [place] * (made + 1)
        times += [start] + [next_anniversary(start, k, term) for k in range(made)]
    out: dict[str, dict[str, list[float]]] = {g: {} for g in sorted(set(groups))}
    for place in range(len(ids)):
        out[groups[place]][ids[place]] = []
    if not times:
        return out
    value = _in_effect(history, [ids[p] for p in owners], times)
    for i in range(1, len(owners)):
        if owners[i] != owners[i - 1]:
            continue  # anniversary 0 of the next account
        old, new = value[i - 1], value[i]
        if old > 0 and new > 0:
            place = owners[i]
            out[groups[place]][ids[place]].append(math.log(new / old))
    return out


def renewal_changes(
    accounts: pd.DataFrame, history: pd.DataFrame, as_of: pd.Timestamp
) -> dict[str, list[float]]:
    """Per customer group, the log ARR changes at every renewal its accounts with ARR history
    made by `as_of` (a group whose accounts have history but made no renewal: an empty list)."""
    return {
        group: [c for changes in by_account.values() for c in changes]
        for group, by_account in renewal_changes_by_account(accounts, history, as_of).items()
    }


@dataclass(frozen=True)
class ExpansionFit:
    """The fitted ARR change at renewal of one group: log(new/old) ~ Normal(mean, sd)."""

    mean_log_change: float
    sd: float
    mean_ci95: tuple[float, float]  # Student's t interval
    sd_ci95: tuple[float, float]  # chi-square interval
    changes: int  # renewals fitted
    accounts: int | None = None  # accounts they come from, when given


def fit_expansion(changes: Sequence[float], accounts: int | None = None) -> ExpansionFit:
    """The normal law of `changes` (log ARR changes at renewal) with 95% intervals; `accounts`,
    the number of accounts they come from, is carried for the report. Fewer than two changes
    are a `FitError`."""
    values = np.asarray(list(changes), dtype=float)
    n = len(values)
    if n < 2:
        raise FitError(
            f"{n} ARR change(s) at renewal: the law of the change needs at least 2 (an ARR "
            "history covering more renewals)"
        )
    if not np.all(np.isfinite(values)):
        raise FitError("an ARR change at renewal that is not a finite number")
    mean, sd = float(values.mean()), float(values.std(ddof=1))
    half = float(stats.t.ppf(0.975, n - 1)) * sd / math.sqrt(n)
    low_q, high_q = stats.chi2.ppf([0.975, 0.025], n - 1)
    return ExpansionFit(
        mean_log_change=mean,
        sd=sd,
        mean_ci95=(mean - half, mean + half),
        sd_ci95=(sd * math.sqrt((n - 1) / low_q), sd * math.sqrt((n - 1) / high_q)),
        changes=n,
        accounts=accounts,
    )
