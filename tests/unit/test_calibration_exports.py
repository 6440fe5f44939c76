"""Reading the exports: every class of bad row is named with its file, line and column, nothing
is read from a bad file, and lenient reading leaves bad rows out and counts them by reason."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from simcs.calibration.exports import (
    ACCOUNTS,
    ARR_HISTORY,
    COHORTS,
    TICKETS,
    DataError,
    check_arr_history,
    check_tickets,
    read_export,
)

GOOD = """account_id,arr,start_date,end_date,group,name
a1,12000,2020-01-15,,smb,Acme Ltd
a2,250000.5,2019-06-01,2022-06-01,enterprise,Bolt Inc
a3,0,2021-03-01,,smb,Crate Co
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_export_is_typed_and_extra_columns_are_noted(tmp_path: Path) -> None:
    table = read_export(_write(tmp_path, "accounts.csv", "\ufeff" + GOOD), ACCOUNTS)
    frame = table.frame
    assert list(frame["account_id"]) == ["a1", "a2", "a3"]
    assert frame["arr"].tolist() == [12000.0, 250000.5, 0.0]
    assert frame["start_date"].iloc[0] == pd.Timestamp("2020-01-15")
    assert pd.isna(frame["end_date"].iloc[0]) and frame["end_date"].iloc[1].year == 2022
    assert "name" not in frame.columns  # no names kept
    assert table.notes == ["accounts.csv: column(s) name ignored"]
    assert not table.skipped


@pytest.mark.parametrize(
    ("row", "line_column", "message"),
    [
        ("a4,12000,2020-13-45,,smb,x", "line 5, column start_date", "not a date"),
        ("a4,-5,2020-01-01,,smb,x", "line 5, column arr", "not an amount in dollars >= 0"),
        ("a4,lots,2020-01-01,,smb,x", "line 5, column arr", "not an amount"),
        ("a4,10,2021-01-01,2020-01-01,smb,x", "line 5, column end_date", "before it starts"),
        ("a1,10,2021-01-01,,smb,x", "line 5, column account_id", "a duplicate id"),
        (",10,2021-01-01,,smb,x", "line 5, column account_id", "an empty id"),
    ],
)
def test_every_bad_row_class_is_named_with_line_and_column(
    tmp_path: Path, row: str, line_column: str, message: str
) -> None:
    path = _write(tmp_path, "accounts.csv", GOOD + row + "\n")
    with pytest.raises(DataError) as error:
        read_export(path, ACCOUNTS)
    text = str(error.value)
    assert text.startswith(f"{path}: ")
    assert line_column in text and message in text, text


def test_a_missing_column_is_named(tmp_path: Path) -> None:
    path = _write(tmp_path, "accounts.csv", "account_id,arr,start_date\na1,1,2020-01-01\n")
    with pytest.raises(DataError, match="line 1, column end_date: missing column"):
        read_export(path, ACCOUNTS)


def test_lenient_reading_leaves_bad_rows_out_and_counts_them(tmp_path: Path) -> None:
    bad = (
        "a4,-5,2020-01-01,,smb,x\na5,10,nope,,smb,x\na6,10,2020-02-01,,smb,x\na1,1,2020-01-01,,,\n"
    )
    table = read_export(_write(tmp_path, "accounts.csv", GOOD + bad), ACCOUNTS, lenient=True)
    assert list(table.frame["account_id"]) == ["a2", "a3", "a6"]  # both a1 rows are duplicates
    assert table.skipped == {
        "not an amount in dollars >= 0": 1,
        "not a date (YYYY-MM-DD, or ISO 8601 with a time)": 1,
        "a duplicate id": 2,
    }
    assert sum(table.skipped.values()) + len(table.frame) == 7  # nothing dropped silently


def test_tickets_for_unknown_accounts(tmp_path: Path) -> None:
    accounts = read_export(_write(tmp_path, "accounts.csv", GOOD), ACCOUNTS)
    tickets_text = (
        "ticket_id,account_id,created_at,handle_minutes,email\n"
        "t1,a1,2021-02-03T10:15:00,35,x@y.z\n"
        "t2,zz,2021-02-04,20,\n"
    )
    tickets = read_export(_write(tmp_path, "tickets.csv", tickets_text), TICKETS)
    assert "email" not in tickets.frame.columns
    with pytest.raises(DataError, match="line 3, column account_id: a ticket for an unknown"):
        check_tickets(tickets, accounts)
    kept = check_tickets(tickets, accounts, lenient=True)
    assert list(kept.frame["ticket_id"]) == ["t1"]
    assert kept.skipped == {"a ticket for an unknown account": 1}


def test_the_first_sheet_of_a_workbook(tmp_path: Path) -> None:
    frame = pd.read_csv(_write(tmp_path, "a.csv", GOOD), dtype=str, keep_default_na=False)
    path = tmp_path / "accounts.xlsx"
    frame.to_excel(path, index=False)
    table = read_export(path, ACCOUNTS)
    assert table.frame["arr"].tolist() == [12000.0, 250000.5, 0.0]


def test_files_that_cannot_be_read(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="no such file"):
        read_export(tmp_path / "missing.csv", ACCOUNTS)
    path = tmp_path / "binary.csv"
    path.write_bytes(b"\xff\xfe\x00\x01garbage")
    with pytest.raises(DataError, match="cannot be read as a table|missing column"):
        read_export(path, ACCOUNTS)


COHORTS_GOOD = "group,period,alive\nsmb,0,100\nsmb,1,80\nsmb,2,70\nent,0,50\nent,1,48\n"


def test_a_cohort_table(tmp_path: Path) -> None:
    table = read_export(_write(tmp_path, "cohorts.csv", COHORTS_GOOD), COHORTS)
    assert table.frame["alive"].tolist() == [100, 80, 70, 50, 48]


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        ("smb,1,85\n", "line 7, column period", "period 1 of 'smb' again"),
        ("smb,4,60\n", "line 2, column period", "must run 0, 1, 2"),
        ("ent,2,49\n", "line 7, column alive", "a cohort only shrinks"),
        ("ent,2,4.5\n", "line 7, column alive", "not a whole number"),
    ],
)
def test_bad_cohort_tables(tmp_path: Path, text: str, where: str, message: str) -> None:
    with pytest.raises(DataError) as error:
        read_export(_write(tmp_path, "cohorts.csv", COHORTS_GOOD + text), COHORTS)
    assert where in str(error.value) and message in str(error.value), str(error.value)


HISTORY_GOOD = """account_id,date,arr,note
a1,2020-01-15,12000,signed
a1,2021-01-15,13500.25,upsell
a2,2019-06-01,250000.5,
"""


def test_an_arr_history(tmp_path: Path) -> None:
    table = read_export(_write(tmp_path, "arr_history.csv", HISTORY_GOOD), ARR_HISTORY)
    assert list(table.frame["account_id"]) == ["a1", "a1", "a2"]
    assert table.frame["arr"].tolist() == [12000.0, 13500.25, 250000.5]
    assert table.frame["date"].iloc[1] == pd.Timestamp("2021-01-15")
    assert table.notes == ["arr_history.csv: column(s) note ignored"]


@pytest.mark.parametrize(
    ("row", "where", "message"),
    [
        ("a2,2020-02-30,1,", "line 5, column date", "not a date"),
        ("a2,2020-06-01,-10,", "line 5, column arr", "not an amount in dollars >= 0"),
        ("a2,2020-06-01,,", "line 5, column arr", "not an amount in dollars >= 0"),
        (",2020-06-01,10,", "line 5, column account_id", "an empty id"),
        # the same date written with a time is the same date: both rows are named
        ("a1,2021-01-15T00:00:00,14000,", "line 3, column date", "a duplicate (account_id, date)"),
        ("a1,2021-01-15T00:00:00,14000,", "line 5, column date", "a duplicate (account_id, date)"),
    ],
)
def test_every_bad_arr_history_row_is_named(
    tmp_path: Path, row: str, where: str, message: str
) -> None:
    path = _write(tmp_path, "arr_history.csv", HISTORY_GOOD + row + "\n")
    with pytest.raises(DataError) as error:
        read_export(path, ARR_HISTORY)
    text = str(error.value)
    assert text.startswith(f"{path}: ") and where in text and message in text, text


def test_an_arr_history_without_a_column(tmp_path: Path) -> None:
    path = _write(tmp_path, "arr_history.csv", "account_id,arr\na1,10\n")
    with pytest.raises(DataError, match="line 1, column date: missing column"):
        read_export(path, ARR_HISTORY)


def test_arr_history_for_unknown_accounts(tmp_path: Path) -> None:
    accounts = read_export(_write(tmp_path, "accounts.csv", GOOD), ACCOUNTS)
    history = read_export(
        _write(tmp_path, "arr_history.csv", HISTORY_GOOD + "zz,2020-01-01,5,\n"), ARR_HISTORY
    )
    with pytest.raises(DataError, match="line 5, column account_id: an ARR row for an unknown"):
        check_arr_history(history, accounts)
    kept = check_arr_history(history, accounts, lenient=True)
    assert list(kept.frame["account_id"]) == ["a1", "a1", "a2"]
    assert kept.skipped == {"an ARR row for an unknown account": 1}


def test_lenient_arr_history_leaves_bad_rows_out_and_counts_them(tmp_path: Path) -> None:
    bad = (
        "a2,2020-06-01,-10,\n"
        "a3,someday,10,\n"
        "a1,2020-01-15,1,again\n"
        "a3,2022-03-01,10,\n"
        "zz,2021-01-01,1,\n"
    )
    path = _write(tmp_path, "arr_history.csv", HISTORY_GOOD + bad)
    table = read_export(path, ARR_HISTORY, lenient=True)
    assert table.skipped == {
        "not an amount in dollars >= 0": 1,
        "not a date (YYYY-MM-DD, or ISO 8601 with a time)": 1,
        "a duplicate (account_id, date) pair": 2,  # both rows of a1 on 2020-01-15
    }
    accounts = read_export(_write(tmp_path, "accounts.csv", GOOD), ACCOUNTS)
    kept = check_arr_history(table, accounts, lenient=True)
    assert kept.frame[["account_id", "arr"]].values.tolist() == [
        ["a1", 13500.25],
        ["a2", 250000.5],
        ["a3", 10.0],
    ]
    assert kept.skipped["an ARR row for an unknown account"] == 1
    assert sum(kept.skipped.values()) + len(kept.frame) == 8  # nothing dropped silently


def test_without_the_extra_the_message_says_what_to_install(monkeypatch) -> None:
    import builtins

    from simcs.calibration.exports import MissingExtra

    real = builtins.__import__

    def no_pandas(name: str, *args: object, **kwargs: object) -> object:
        if name == "pandas":
            raise ImportError("no pandas", name="pandas")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pandas)
    with pytest.raises(MissingExtra, match=r"pandas is needed .*simcs\[calibrate\]"):
        read_export("accounts.csv", ACCOUNTS)
