"""A company's exports, read and checked row by row: accounts and ARR history (CRM), tickets
(help desk) and cohort tables.

A file is CSV (UTF-8, a byte-order mark allowed) or the first sheet of an .xlsx workbook. pandas
reads every cell as text, so nothing is guessed, and pandera checks the table against the
export's schema (`ACCOUNTS`, `TICKETS`, `COHORTS`, `ARR_HISTORY` in
`simcs.calibration.export_specs`: required and optional columns, each of a kind), then the
checks across columns, rows and files (an account ending before it starts, two ARR rows for
one account on one date, a ticket or an ARR row for an unknown account). Every problem is
reported with the file, the line (a CSV's header is line 1; an .xlsx's row numbers likewise)
and the column: `DataError` carries them all, and nothing is read. `lenient=True` leaves the
bad rows out instead and says how many, for which reason.
Columns are matched without regard to case or surrounding spaces; other columns are ignored,
with a note. Only what the model needs is kept: no names, no e-mails.

pandas and pandera (and openpyxl for .xlsx) are the `calibrate` extra:
`pip install 'simcs[calibrate]'`. They are the tools analysts already use for tables, and
pandera's failure cases name the row and column of every bad cell, which is what a clear
error needs.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from simcs.calibration.export_specs import ACCOUNTS, ARR_HISTORY, COHORTS, KINDS, TICKETS, Export

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "ACCOUNTS",
    "ARR_HISTORY",
    "COHORTS",
    "KINDS",
    "TICKETS",
    "DataError",
    "Export",
    "MissingExtra",
    "Problem",
    "Table",
    "check_arr_history",
    "check_tickets",
    "read_export",
    "read_raw",
]

#: The largest export read (bytes), and its rows.
MAX_FILE_BYTES = 500_000_000
MAX_ROWS = 5_000_000
#: Problems listed in an error message (the count of the rest is given).
SHOWN = 20


@dataclass(frozen=True)
class Problem:
    """One bad cell or row: where (line, column) and what."""

    line: int
    column: str
    message: str
    reason: str = ""  # the problem's class, without the cell's value (lenient counts by it)

    def __str__(self) -> str:
        if self.line <= 0:  # the file as a whole
            return self.message
        where = f"line {self.line}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"


class DataError(ValueError):
    """An export that cannot be used as it is: every problem, with its line and column."""

    def __init__(self, path: Path | str, problems: list[Problem]) -> None:
        self.path = str(path)
        self.problems = problems
        shown = "\n".join(f"  {p}" for p in problems[:SHOWN])
        more = len(problems) - SHOWN
        tail = f"\n  ... and {more} more" if more > 0 else ""
        super().__init__(f"{self.path}: {len(problems)} problem(s)\n{shown}{tail}")


class MissingExtra(DataError):
    """The `calibrate` extra is not installed."""

    def __init__(self, module: str) -> None:
        ValueError.__init__(
            self, f"{module} is needed to read exports: pip install 'simcs[calibrate]'"
        )
        self.path, self.problems = "", []


@dataclass
class Table:
    """A checked export: its rows (`frame`, typed), the rows left out by reason (lenient), and
    notes (columns ignored)."""

    path: Path
    frame: pd.DataFrame
    skipped: Counter[str] = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)


def _pandas() -> tuple[Any, Any]:
    try:
        import pandas
        import pandera.pandas as pandera
    except ImportError as missing:  # the extra is not installed
        raise MissingExtra(str(missing.name)) from None
    return pandas, pandera


def read_raw(path: Path) -> pd.DataFrame:
    """Every cell of a CSV or an .xlsx's first sheet as text ('' where empty), columns named
    in lower case; a file too large, unreadable or empty is a `DataError`."""
    pd, _ = _pandas()
    if not path.is_file():
        raise DataError(path, [Problem(0, "", "no such file")])
    if path.stat().st_size > MAX_FILE_BYTES:
        raise DataError(path, [Problem(0, "", f"larger than {MAX_FILE_BYTES:,} bytes")])
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            frame = pd.read_excel(path, sheet_name=0, dtype=str, keep_default_na=False)
        else:
            frame = pd.read_csv(
                path, dtype=str, keep_default_na=False, encoding="utf-8-sig", nrows=MAX_ROWS + 1
            )
    except (ValueError, OSError, UnicodeDecodeError) as error:
        raise DataError(path, [Problem(0, "", f"cannot be read as a table ({error})")]) from None
    if len(frame) > MAX_ROWS:
        raise DataError(path, [Problem(0, "", f"more than {MAX_ROWS:,} rows")])
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    return frame.apply(lambda column: column.astype(str).str.strip())


def _checks(pd: Any, pa: Any, kind: str, optional: bool) -> list[Any]:
    """pandera checks of a text column of `kind` (an empty cell of an optional column
    passes)."""
    message = KINDS[kind]

    def date(s: Any) -> Any:
        return pd.to_datetime(s, errors="coerce", format="ISO8601").notna()

    tests = {
        "id": lambda s: s != "",
        "text": None,
        "usd": lambda s: pd.to_numeric(s, errors="coerce").between(0, 1e12),
        "date": date,
        "date_or_empty": lambda s: (s == "") | date(s),
        "months": lambda s: pd.to_numeric(s, errors="coerce").isin(range(1, 121)),
        "minutes": lambda s: pd.to_numeric(s, errors="coerce").between(0, 1e7),
        "flag": lambda s: s.str.lower().isin(["yes", "no", "true", "false", "1", "0"]),
        "count": lambda s: s.str.fullmatch(r"\d{1,12}"),
    }
    test = tests[kind]
    if test is None:
        return []
    if optional:
        return [pa.Check(lambda s: (s == "") | test(s), error=message)]
    return [pa.Check(test, error=message)]


def read_export(path: Path | str, export: Export, lenient: bool = False) -> Table:
    """`path` read and checked against `export`'s columns: a `Table` of typed rows, or a
    `DataError` naming every problem (lenient: the bad rows left out and counted)."""
    pd, pa = _pandas()
    path = Path(path)
    raw = read_raw(path)
    missing = [c for c in export.required if c not in raw.columns]
    if missing:
        raise DataError(
            path,
            [Problem(1, c, f"missing column (the {export.name} export needs it)") for c in missing],
        )
    known = {**export.required, **export.optional}
    extra = [c for c in raw.columns if c not in known]
    notes = [f"{path.name}: column(s) {', '.join(extra)} ignored"] if extra else []
    frame = raw[[c for c in known if c in raw.columns]].copy()
    columns = {
        name: pa.Column(
            str, _checks(pd, pa, kind, name in export.optional), unique=name == export.key
        )
        for name, kind in known.items()
        if name in frame.columns
    }
    problems: list[Problem] = []
    try:
        pa.DataFrameSchema(columns).validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        for case in errors.failure_cases.itertuples():
            if case.index is None or case.index != case.index:  # a column-level failure
                continue
            message = "a duplicate id" if case.check == "field_uniqueness" else str(case.check)
            shown = str(case.failure_case)[:40]
            problems.append(
                Problem(int(case.index) + 2, str(case.column), f"{message} ({shown!r})", message)
            )
    problems += _row_checks(pd, frame, export)
    problems.sort(key=lambda p: (p.line, p.column))
    return _result(path, frame, problems, lenient, notes, pd, export)


def _row_checks(pd: Any, frame: pd.DataFrame, export: Export) -> list[Problem]:
    """Checks across the columns of a row (and, for a cohort table or columns unique together,
    across its rows)."""
    problems = _together_checks(pd, frame, export)
    if export is COHORTS:
        return problems + _cohort_checks(pd, frame)
    if export is not ACCOUNTS:
        return problems
    start = pd.to_datetime(frame["start_date"], errors="coerce", format="ISO8601")
    end = pd.to_datetime(frame["end_date"], errors="coerce", format="ISO8601")
    bad = end.notna() & start.notna() & (end < start)
    return problems + [
        Problem(
            int(i) + 2,
            "end_date",
            f"ends ({end[i].date()}) before it starts ({start[i].date()})",
            "ends before it starts",
        )
        for i in frame.index[bad]
    ]


def _together_checks(pd: Any, frame: pd.DataFrame, export: Export) -> list[Problem]:
    """Every row sharing all of `export.unique_together` with another (dates compared as
    dates; a row with a cell already reported, empty or unreadable, is not compared)."""
    columns = list(export.unique_together)
    if not columns:
        return []
    kinds = {**export.required, **export.optional}
    keys = pd.DataFrame(
        {
            c: pd.to_datetime(frame[c], errors="coerce", format="ISO8601")
            if kinds[c] in ("date", "date_or_empty")
            else frame[c].replace("", None)
            for c in columns
        },
        index=frame.index,
    )
    readable = keys.notna().all(axis=1)
    twice = readable & keys[readable].duplicated(keep=False).reindex(frame.index, fill_value=False)
    reason = f"a duplicate ({', '.join(columns)}) pair"
    return [
        Problem(
            int(i) + 2,
            columns[-1],
            f"{reason} ({', '.join(str(frame.at[i, c]) for c in columns)!r})",
            reason,
        )
        for i in frame.index[twice]
    ]


def _cohort_checks(pd: Any, frame: pd.DataFrame) -> list[Problem]:
    """A cohort table's rows per group: one per period, from 0 with none missing, never
    rising."""
    problems: list[Problem] = []
    period = pd.to_numeric(frame["period"], errors="coerce")
    alive = pd.to_numeric(frame["alive"], errors="coerce")
    for group, rows in frame.groupby("group", sort=False).groups.items():
        seen: dict[int, int] = {}
        for i in rows:
            if period[i] != period[i] or alive[i] != alive[i]:
                continue  # already reported as not a number
            p = int(period[i])
            if p in seen:
                problems.append(
                    Problem(
                        int(i) + 2, "period", f"period {p} of {group!r} again", "a repeated period"
                    )
                )
            seen[p] = int(i)
        expected = list(range(len(seen)))
        if seen and sorted(seen) != expected:
            first = min(seen.values())
            problems.append(
                Problem(
                    first + 2,
                    "period",
                    f"the periods of {group!r} must run 0, 1, 2, ... with none missing "
                    f"(found {sorted(seen)[:8]})",
                    "periods missing",
                )
            )
            continue
        for p in range(1, len(seen)):
            now, before = seen[p], seen[p - 1]
            if alive[now] > alive[before]:
                problems.append(
                    Problem(
                        now + 2,
                        "alive",
                        f"{int(alive[now])} alive in period {p} of {group!r}, more than the "
                        f"{int(alive[before])} of period {p - 1} (a cohort only shrinks)",
                        "a cohort that grows",
                    )
                )
    return problems


def _result(
    path: Path,
    frame: pd.DataFrame,
    problems: list[Problem],
    lenient: bool,
    notes: list[str],
    pd: Any,
    export: Export,
) -> Table:
    skipped: Counter[str] = Counter()
    if problems:
        if not lenient:
            raise DataError(path, problems)
        bad_lines = {p.line for p in problems}
        for p in {p.line: p for p in problems}.values():  # one reason per row: its first
            skipped[p.reason or p.message] += 1
        frame = frame.loc[[i for i in frame.index if i + 2 not in bad_lines]]
    return Table(path, _typed(pd, frame, export), skipped, notes)


def _typed(pd: Any, frame: pd.DataFrame, export: Export) -> pd.DataFrame:
    """Columns converted to their kinds: amounts and minutes to floats, dates to timestamps
    (NaT where empty), months and counts to integers, flags to booleans."""
    out = frame.copy()
    kinds = {**export.required, **export.optional}
    for name in out.columns:
        kind = kinds[name]
        if kind == "count":
            out[name] = pd.to_numeric(out[name]).astype(int)
        elif kind in ("usd", "minutes"):
            out[name] = pd.to_numeric(out[name]).astype(float)
        elif kind in ("date", "date_or_empty"):
            out[name] = pd.to_datetime(out[name].replace("", None), format="ISO8601")
        elif kind == "months":
            out[name] = pd.to_numeric(out[name].replace("", "12")).astype(int)
        elif kind == "flag":
            out[name] = out[name].str.lower().isin(["yes", "true", "1"])
    return out


def check_tickets(tickets: Table, accounts: Table, lenient: bool = False) -> Table:
    """The tickets whose account is in the accounts export; a ticket for an unknown account
    is a problem (lenient: left out and counted)."""
    return _known_accounts(tickets, accounts, "a ticket", lenient)


def check_arr_history(history: Table, accounts: Table, lenient: bool = False) -> Table:
    """The ARR history rows whose account is in the accounts export; a row for an unknown
    account is a problem (lenient: left out and counted)."""
    return _known_accounts(history, accounts, "an ARR row", lenient)


def _known_accounts(table: Table, accounts: Table, what: str, lenient: bool) -> Table:
    """`table`'s rows whose `account_id` is in the accounts export; each other row is a
    problem, "`what` for an unknown account" (lenient: left out and counted)."""
    known = set(accounts.frame["account_id"])
    bad = ~table.frame["account_id"].isin(known)
    reason = f"{what} for an unknown account"
    problems = [
        Problem(
            int(i) + 2,
            "account_id",
            f"{reason} ({table.frame.at[i, 'account_id']!r})",
            reason,
        )
        for i in table.frame.index[bad]
    ]
    if problems and not lenient:
        raise DataError(table.path, problems)
    skipped = table.skipped.copy()
    if problems:
        skipped[reason] += len(problems)
    return Table(table.path, table.frame.loc[~bad], skipped, table.notes)
