"""From an accounts export to churn histories and the t=0 book: renewals counted on the
anniversaries, churned and censored accounts told apart at the cut-off, and a synthetic
company's known churn law recovered through the whole path (dates -> counts -> fit)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from simcs.calibration.history import (
    BOOK,
    book_at,
    group_lifetimes,
    latest_date,
    next_anniversary,
    renewals_survived,
)
from simcs.calibration.renewal import fit_renewal


@pytest.mark.parametrize(
    ("start", "stop", "term", "churned", "renewals"),
    [
        ("2020-01-01", "2021-01-01", 12, True, 0),  # ended on its first anniversary
        ("2020-01-01", "2020-07-20", 12, True, 0),  # cancelled mid-term: churned at renewal 1
        ("2020-01-01", "2022-01-01", 12, True, 1),  # a leap year in between changes nothing
        ("2020-01-01", "2022-03-01", 12, True, 2),  # churned at the third renewal
        ("2020-01-01", "2021-01-01", 12, False, 1),  # still there on its anniversary: renewed
        ("2020-01-01", "2020-12-31", 12, False, 0),
        ("2020-01-15", "2021-02-01", 6, False, 2),  # half-year terms
    ],
)
def test_renewals_are_counted_on_the_anniversaries(
    start: str, stop: str, term: int, churned: bool, renewals: int
) -> None:
    assert renewals_survived(pd.Timestamp(start), pd.Timestamp(stop), term, churned) == renewals


def test_the_next_anniversary_keeps_the_day_or_the_months_last() -> None:
    assert next_anniversary(pd.Timestamp("2020-01-31"), 0, 1) == pd.Timestamp("2020-02-29")
    assert next_anniversary(pd.Timestamp("2020-03-10"), 2, 12) == pd.Timestamp("2023-03-10")


def _frame(rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["account_id", "arr", "start_date", "end_date", "group"])
    frame["start_date"] = pd.to_datetime(frame["start_date"])
    frame["end_date"] = pd.to_datetime(frame["end_date"])
    return frame


def test_churned_censored_and_future_accounts_at_the_cut_off() -> None:
    frame = _frame(
        [
            ("a", 10.0, "2020-01-01", "2022-01-01", "smb"),  # churned at renewal 2
            ("b", 20.0, "2020-01-01", None, "smb"),  # 3 renewals by the cut-off
            ("c", 30.0, "2021-06-01", "2024-06-01", "smb"),  # ends after: still a customer
            ("d", 40.0, "2023-09-01", None, "smb"),  # starts after the cut-off
            ("e", 50.0, "2022-02-01", None, ""),  # no group: the book's
        ]
    )
    as_of = pd.Timestamp("2023-03-01")
    lives = group_lifetimes(frame, as_of)
    assert lives["smb"].churned == {2: 1}
    assert lives["smb"].censored == {3: 1, 1: 1}
    assert lives[BOOK].censored == {1: 1}
    book = {b.account_id: b for b in book_at(frame, as_of)}
    assert set(book) == {"b", "c", "e"}
    assert book["b"].renewals == 3 and book["b"].arr == 20.0
    assert 0 < book["b"].next_renewal_days <= 366
    assert latest_date(frame) == pd.Timestamp("2024-06-01")


def test_a_synthetic_companys_churn_law_is_recovered_from_its_dates() -> None:
    rng = np.random.default_rng(42)
    alpha, beta, accounts = 1.1, 4.0, 4000
    first = pd.Timestamp("2019-01-01")
    as_of = pd.Timestamp("2025-01-01")
    starts = first + pd.to_timedelta(rng.uniform(0, 6 * 365.25, accounts), unit="D")
    # the renewal at which each churns (beyond the tenth, it is still a customer at the cut-off)
    lifetime = np.minimum(rng.geometric(rng.beta(alpha, beta, accounts)), 10)
    ends = [s + pd.DateOffset(years=int(t)) for s, t in zip(starts, lifetime, strict=True)]
    frame = pd.DataFrame(
        {
            "account_id": [f"a{k}" for k in range(accounts)],
            "arr": 1000.0,
            "start_date": starts.normalize(),
            "end_date": [e.normalize() if e <= as_of else pd.NaT for e in ends],
        }
    )
    fit = fit_renewal(group_lifetimes(frame, as_of)[BOOK])
    assert fit.alpha_ci95[0] < alpha < fit.alpha_ci95[1]
    assert fit.beta_ci95[0] < beta < fit.beta_ci95[1]
    book = book_at(frame, as_of)
    assert len(book) == int(frame["end_date"].isna().sum())
