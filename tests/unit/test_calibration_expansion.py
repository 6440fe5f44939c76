"""The ARR change at renewal from an ARR history: the ARR in effect at a date, the log change at
each renewal an account made (on its own term, to its churn or the cut-off), and the normal law
of a group's changes with intervals that hold the truth about 95% of the time."""

from __future__ import annotations

import math
import time

import numpy as np
import pandas as pd
import pytest

from simcs.calibration.expansion import (
    ExpansionFit,
    arr_at,
    fit_expansion,
    renewal_changes,
    renewal_changes_by_account,
)
from simcs.calibration.renewal import FitError

T = pd.Timestamp


def _accounts(rows: list[tuple], index: list[int] | None = None) -> pd.DataFrame:
    frame = pd.DataFrame(
        rows, columns=["account_id", "arr", "start_date", "end_date", "group", "term_months"]
    )
    for column in ("start_date", "end_date"):
        frame[column] = pd.to_datetime(frame[column])
    if index is not None:
        frame.index = index
    return frame


def _history(rows: list[tuple[str, str, float]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["account_id", "date", "arr"])
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


ACCOUNTS = _accounts(
    [
        ("a1", 200.0, "2020-01-01", None, "g", 12),
        ("a2", 50.0, "2020-01-01", None, "g", 12),  # no history
        ("a3", 999.0, "2020-01-01", None, "g", 12),  # history from 2021-03-01 only
    ],
    index=[10, 20, 30],
)
HISTORY = _history(  # not in date order
    [
        ("a1", "2021-01-01", 200.0),
        ("a3", "2021-03-01", 300.0),
        ("a1", "2020-01-01", 100.0),
        ("a1", "2020-06-01", 150.0),
    ]
)


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        ("2019-06-01", [100.0, 50.0, 300.0]),  # before every row: each account's first
        ("2020-03-01", [100.0, 50.0, 300.0]),
        ("2020-06-01", [150.0, 50.0, 300.0]),  # a row on the date is in effect on it
        ("2020-12-31", [150.0, 50.0, 300.0]),
        ("2022-01-01", [200.0, 50.0, 300.0]),
    ],
)
def test_arr_at_takes_the_last_row_on_or_before_the_date(when: str, expected: list) -> None:
    found = arr_at(ACCOUNTS, HISTORY, T(when))
    assert list(found.index) == [10, 20, 30]  # aligned with the accounts
    assert found.tolist() == expected


def test_arr_at_without_history_is_the_accounts_arr() -> None:
    assert arr_at(ACCOUNTS, None, T("2021-01-01")).tolist() == [200.0, 50.0, 999.0]
    empty = HISTORY.iloc[0:0]
    assert arr_at(ACCOUNTS, empty, T("2021-01-01")).tolist() == [200.0, 50.0, 999.0]


AS_OF = T("2024-06-30")
BOOK = _accounts(
    [
        # annual; a mid-term upsell counts at the next renewal; 4 renewals by the cut-off
        ("A", 150.0, "2020-01-15", None, "g1", 12),
        # two-year term: renewals on 2021-03-01 and 2023-03-01; the row after the cut-off and
        # the renewal it belongs to (2025) are not seen
        ("B", 2000.0, "2019-03-01", None, "g1", 24),
        # churned at its third anniversary (2023-05-01): it made renewals 1 and 2; its ARR set
        # to 0 at the end is no renewal
        ("C", 0.0, "2020-05-01", "2023-05-01", "g2", 12),
        ("D", 10.0, "2020-01-01", None, "g2", 12),  # no history: no changes
        # started free: the change from 0 has no log
        ("E", 1200.0, "2021-01-01", None, "g2", 12),
        ("F", 10.0, "2024-07-01", None, "g2", 12),  # not yet a customer at the cut-off
    ]
)
BOOK_HISTORY = _history(
    [
        ("A", "2020-01-15", 100.0),
        ("A", "2020-07-01", 120.0),
        ("A", "2022-01-15", 150.0),
        ("B", "2019-03-01", 1000.0),
        ("B", "2021-03-01", 1100.0),
        ("B", "2022-01-01", 1300.0),
        ("B", "2025-03-01", 2000.0),
        ("C", "2020-05-01", 500.0),
        ("C", "2021-05-01", 400.0),
        ("C", "2022-05-01", 600.0),
        ("C", "2023-05-01", 0.0),
        ("E", "2021-01-01", 0.0),
        ("E", "2022-01-01", 1000.0),
        ("E", "2023-01-01", 1200.0),
        ("F", "2024-07-01", 10.0),
    ]
)


def test_renewal_changes_on_a_hand_built_book() -> None:
    by_account = renewal_changes_by_account(BOOK, BOOK_HISTORY, AS_OF)
    log = math.log
    expected = {
        "g1": {
            "A": [log(120 / 100), log(150 / 120), 0.0, 0.0],
            "B": [log(1100 / 1000), log(1300 / 1100)],
        },
        "g2": {"C": [log(400 / 500), log(600 / 400)], "E": [log(1200 / 1000), 0.0]},
    }
    assert by_account.keys() == expected.keys()
    for group, accounts in expected.items():
        assert by_account[group].keys() == accounts.keys(), group
        for account, changes in accounts.items():
            assert by_account[group][account] == pytest.approx(changes), account
    flat = renewal_changes(BOOK, BOOK_HISTORY, AS_OF)
    assert flat["g1"] == pytest.approx([*expected["g1"]["A"], *expected["g1"]["B"]])
    assert flat["g2"] == pytest.approx([*expected["g2"]["C"], *expected["g2"]["E"]])


def test_an_earlier_cut_off_sees_fewer_renewals_and_no_group_column_is_one_book() -> None:
    book = BOOK.drop(columns=["group", "term_months"]).iloc[:1]  # A alone, annual by default
    changes = renewal_changes(book, BOOK_HISTORY, T("2021-01-15"))  # on its first anniversary
    assert changes == {"book": [pytest.approx(math.log(1.2))]}
    assert renewal_changes(book, BOOK_HISTORY, T("2021-01-14")) == {"book": []}


def test_renewal_changes_are_quick_on_a_large_book() -> None:
    rng = np.random.default_rng(3)
    n, rows = 5_000, 30_000
    starts = T("2015-01-01") + pd.to_timedelta(rng.integers(0, 3_000, n), unit="D")
    accounts = pd.DataFrame(
        {
            "account_id": [f"a{i}" for i in range(n)],
            "arr": 1_000.0,
            "start_date": starts,
            "end_date": pd.NaT,
            "group": rng.choice(["x", "y"], n),
        }
    )
    owner = rng.integers(0, n, rows)
    history = pd.DataFrame(
        {
            "account_id": [f"a{i}" for i in owner],
            "date": starts[owner] + pd.to_timedelta(rng.integers(0, 2_000, rows), unit="D"),
            "arr": rng.uniform(100.0, 2_000.0, rows),
        }
    )
    began = time.perf_counter()
    arr_at(accounts, history, T("2025-06-30"))
    changes = renewal_changes(accounts, history, T("2025-06-30"))
    assert time.perf_counter() - began < 1.5  # about 0.2 s
    assert sum(len(c) for c in changes.values()) > 20_000


def test_fit_expansion_recovers_a_known_law() -> None:
    draws = np.random.default_rng(7).normal(0.05, 0.12, 2_000)
    fit = fit_expansion(draws.tolist(), accounts=700)
    assert isinstance(fit, ExpansionFit)
    assert (fit.changes, fit.accounts) == (2_000, 700)
    assert fit.mean_log_change == pytest.approx(draws.mean())
    assert fit.sd == pytest.approx(draws.std(ddof=1))
    assert fit.mean_ci95[0] < 0.05 < fit.mean_ci95[1]
    assert fit.sd_ci95[0] < 0.12 < fit.sd_ci95[1]
    assert fit.mean_ci95[1] - fit.mean_ci95[0] == pytest.approx(
        2 * 1.96 * 0.12 / math.sqrt(2_000), rel=0.1
    )


def test_the_intervals_hold_the_truth_about_95_percent_of_the_time() -> None:
    rng = np.random.default_rng(11)
    mean_held = sd_held = 0
    repetitions = 400
    for _ in range(repetitions):
        fit = fit_expansion(rng.normal(-0.02, 0.2, 25).tolist())
        mean_held += fit.mean_ci95[0] < -0.02 < fit.mean_ci95[1]
        sd_held += fit.sd_ci95[0] < 0.2 < fit.sd_ci95[1]
    # exact intervals: 95% expected; 400 repetitions put 2.5 sd at +-2.7 points
    assert 0.92 <= mean_held / repetitions <= 0.98
    assert 0.92 <= sd_held / repetitions <= 0.98


@pytest.mark.parametrize("changes", [[], [0.1]])
def test_fewer_than_two_changes_cannot_be_fitted(changes: list[float]) -> None:
    with pytest.raises(FitError, match="at least 2"):
        fit_expansion(changes)


def test_a_change_that_is_not_a_number_cannot_be_fitted() -> None:
    with pytest.raises(FitError, match="not a finite number"):
        fit_expansion([0.1, math.inf, 0.2])
