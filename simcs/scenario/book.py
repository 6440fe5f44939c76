"""A real t=0 book: the accounts under contract on the day the simulation starts.

A scenario usually draws its t=0 book (`initial_book`: tenure in steady state, renewal dates
staggered). A calibrated scenario starts instead from the company's own accounts, each with its
customer group, its ARR, the renewals it has made (its tenure, in contract terms) and the days
to its next renewal: `initial_book.accounts`. The model then gives each account its own ARR,
renewal date and tenure (its churn propensity drawn from the survivors' posterior
Beta(alpha, beta + renewals)); only the luck is drawn.

In a scenario file the accounts are a list, or the name of a CSV file beside the scenario
(`accounts: book.csv`, with the columns of `BookAccount`; `simcs calibrate` writes one). The
file is read when the scenario is loaded, so the scenario, its hash and its results hold the
accounts themselves. The name must stay inside the scenario's folder (no absolute path, no
`..`), and every problem names the file, the line and the column.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, TypeAdapter, ValidationError

from simcs.scenario.fields import (
    MAX_CUSTOMERS_TOTAL,
    MAX_NAME,
    NUMBER,
    Arr,
    Strict,
    about,
)

#: the largest book file read (bytes): about 2 million accounts
MAX_BOOK_BYTES = 200_000_000
#: the longest contract term a next renewal may be away (days)
MAX_RENEWAL_DAYS = 3_660.0
#: days in a model year, to place a renewal date on the model's clock
DAYS_PER_YEAR = 365.25


class BookAccount(Strict):
    """One account of the t=0 book."""

    account_id: Annotated[str, Field(max_length=MAX_NAME)] = Field(
        "",
        **about(
            "the account's id in the company's CRM (for tracing; the model ignores it)",
            source="the accounts export",
        ),
    )
    group: Annotated[str, Field(min_length=1, max_length=MAX_NAME)] = Field(
        **about("its customer group (a key of population)", source="the accounts export")
    )
    arr: Arr = Field(**about("its ARR at the start", unit="USD/year", source="the export"))
    renewals: Annotated[int, Field(ge=0, le=1_000), NUMBER] = Field(
        0,
        **about(
            "renewals it has made (its tenure in contract terms)",
            unit="renewals",
            source="the export's start date and contract term",
        ),
    )
    renewal_in_days: Annotated[float, Field(gt=0, le=MAX_RENEWAL_DAYS), NUMBER] = Field(
        **about(
            "calendar days from the start to its next renewal (a model year is 365.25 days)",
            unit="days",
            source="the export's start date and contract term",
        )
    )
    trained: bool | None = Field(
        None,
        **about(
            "a user trained already; null = drawn with initial_book.trained_share",
            source="the export's `trained` column",
        ),
    )


_ACCOUNTS = TypeAdapter(list[BookAccount])
#: the columns of a book file, in order (`account_id` and `trained` may be left out)
COLUMNS = tuple(BookAccount.model_fields)
_REQUIRED = ("group", "arr", "renewal_in_days")
_FLAGS = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False, "": None}


class BookFileError(Exception):
    """A book file that cannot be read; `problems` are lines of `line N, column C: problem`."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        super().__init__("\n".join(f"{source}: {p}" for p in problems))


def book_path(name: Any, folder: Path, field: str) -> Path:
    """The book file `name` in the scenario's `folder`; a name that leaves the folder is refused."""
    if not isinstance(name, str) or not name.strip():
        raise BookFileError(field, ["a list of accounts or the name of a CSV file is needed"])
    relative = Path(name)
    if relative.is_absolute() or ".." in relative.parts:
        raise BookFileError(
            field, [f"'{name}': the book file must be named relative to the scenario's folder"]
        )
    return folder / relative


def read_book(path: Path) -> list[dict[str, Any]]:
    """The accounts of a book CSV, validated; a `BookFileError` names every bad cell."""
    source = str(path)
    if not path.is_file():
        raise BookFileError(source, ["no such file"])
    if path.stat().st_size > MAX_BOOK_BYTES:
        raise BookFileError(source, [f"larger than {MAX_BOOK_BYTES:,} bytes"])
    try:
        with path.open(newline="", encoding="utf-8-sig") as f:
            rows = list(csv.reader(f))
    except (UnicodeDecodeError, csv.Error) as exc:
        raise BookFileError(source, [f"not a readable CSV file ({exc})"]) from None
    if not rows:
        raise BookFileError(source, ["the file is empty"])
    header = [h.strip() for h in rows[0]]
    missing = [c for c in _REQUIRED if c not in header]
    unknown = [h for h in header if h not in COLUMNS]
    if missing or unknown:
        problems = [f"line 1: missing column '{c}'" for c in missing]
        problems += [
            f"line 1: unknown column '{c}' (columns: {', '.join(COLUMNS)})" for c in unknown
        ]
        raise BookFileError(source, problems)
    if len(rows) - 1 > MAX_CUSTOMERS_TOTAL:
        raise BookFileError(source, [f"more than {MAX_CUSTOMERS_TOTAL:,} accounts"])
    accounts: list[dict[str, Any]] = []
    lines: list[int] = []  # the file's line of each account
    problems: list[str] = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            problems.append(f"line {number}: {len(row)} cells, the header has {len(header)}")
            continue
        account: dict[str, Any] = {}
        for column, cell in zip(header, row, strict=True):
            cell = cell.strip()
            if column == "trained":
                if cell.lower() not in _FLAGS:
                    problems.append(f"line {number}, column trained: '{cell}' is not true/false")
                account[column] = _FLAGS.get(cell.lower())
            else:
                account[column] = cell
        accounts.append(account)
        lines.append(number)
    try:
        _ACCOUNTS.validate_python(accounts)
    except ValidationError as exc:
        for error in exc.errors():
            index, *field = error["loc"]
            column = field[0] if field else "?"
            message = " ".join(str(error["msg"]).split()).removeprefix("Value error, ")
            problems.append(f"line {lines[int(index)]}, column {column}: {message}")
    if problems:
        raise BookFileError(source, problems)
    return accounts


def write_book(path: Path, accounts: list[dict[str, Any]]) -> None:
    """Write accounts (mappings with the `BookAccount` fields) as a book CSV."""
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(COLUMNS)
        for a in accounts:
            trained = a.get("trained")
            writer.writerow(
                [
                    a.get("account_id", ""),
                    a["group"],
                    f"{float(a['arr']):.2f}",
                    int(a.get("renewals", 0)),
                    f"{float(a['renewal_in_days']):.4f}",
                    "" if trained is None else str(bool(trained)).lower(),
                ]
            )
