"""`simcs calibrate`: a company's exports read, checked and fitted, into calibration.json.

Bad rows stop it before anything is written (file, line, column and problem; exit 2), unless
`--lenient`, which leaves them out and says how many, for which reason. The document is written
to a temporary file and renamed, so a folder never holds half a calibration.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import click

from simcs.calibration.calibrate import calibrate, calibration_document, skipped_total
from simcs.calibration.exports import (
    ACCOUNTS,
    COHORTS,
    TICKETS,
    DataError,
    Export,
    Table,
    check_tickets,
    read_export,
)

CALIBRATION = "calibration.json"


def _fail(error: DataError) -> None:
    click.echo(f"error: {error}", err=True)
    sys.exit(2)


def _read(path: str | None, export: Export, lenient: bool) -> Table | None:
    if path is None:
        return None
    try:
        return read_export(path, export, lenient=lenient)
    except DataError as error:
        _fail(error)
    raise AssertionError  # unreachable: _fail exits


@click.command("calibrate")
@click.option(
    "--accounts",
    type=click.Path(dir_okay=False),
    help="Accounts export (CSV or .xlsx): account_id, arr, start_date, end_date; optional "
    "group, tier, csm_id, term_months, trained.",
)
@click.option(
    "--tickets",
    type=click.Path(dir_okay=False),
    help="Help-desk export: ticket_id, account_id, created_at, handle_minutes; optional "
    "first_response_at, priority (needs --accounts).",
)
@click.option(
    "--cohorts",
    type=click.Path(dir_okay=False),
    help="Cohort survival table: group, period, alive (period 0 = the cohort's size).",
)
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Cut-off date [default: the latest date in the data].",
)
@click.option(
    "--project",
    type=click.IntRange(0, 50),
    default=0,
    show_default=True,
    help="Also project each group's fitted survival this many periods beyond the data.",
)
@click.option(
    "--lenient",
    is_flag=True,
    help="Leave bad rows out (and count them by reason) instead of stopping.",
)
@click.option("-o", "--out", type=click.Path(file_okay=False), required=True, help="Output folder.")
def calibrate_command(
    accounts: str | None,
    tickets: str | None,
    cohorts: str | None,
    as_of: date | None,
    project: int,
    lenient: bool,
    out: str,
) -> None:
    """Fit churn (sBG), case rates and handle times per customer group from the exports."""
    if accounts is None and cohorts is None:
        raise click.UsageError("give --accounts or --cohorts (tickets need --accounts)")
    if tickets is not None and accounts is None:
        raise click.UsageError("--tickets needs --accounts: a case rate is per customer-year")
    account_table = _read(accounts, ACCOUNTS, lenient)
    ticket_table = _read(tickets, TICKETS, lenient)
    cohort_table = _read(cohorts, COHORTS, lenient)
    if ticket_table is not None and account_table is not None:
        try:
            ticket_table = check_tickets(ticket_table, account_table, lenient=lenient)
        except DataError as error:
            _fail(error)
    cut_off = _timestamp(as_of)
    result = calibrate(account_table, ticket_table, cohort_table, cut_off)
    document = calibration_document(result, project)
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / CALIBRATION
    partial = target.with_suffix(".json.partial")
    partial.write_text(json.dumps(document, indent=2, allow_nan=False) + "\n", encoding="utf-8")
    partial.replace(target)
    _summary(document)
    for reason, rows in sorted(skipped_total(result).items()):
        click.echo(f"left out: {rows} row(s): {reason}")
    for note in result.notes:
        click.echo(f"note: {note}")
    for warning in result.warnings:
        click.echo(f"warning: {warning}")
    when = f" as of {document['as_of']}" if document["as_of"] else ""
    click.echo(f"Calibration{when} written to {target}")


def _timestamp(day: date | None) -> object:
    """The cut-off as pandas reads dates (pandas is the calibrate extra's, loaded on use)."""
    if day is None:
        return None
    import pandas as pd

    return pd.Timestamp(day)


def _summary(document: dict[str, object]) -> None:
    groups = document["groups"]
    assert isinstance(groups, dict)
    click.echo(f"{'Group':<20}{'Accounts':>9}{'alpha':>22}{'beta':>22}{'Cases/yr':>10}{'Book':>8}")
    for name, g in groups.items():
        renewal, support = g["renewal"], g["support"]
        if renewal is not None:
            lo, hi = renewal["alpha_ci95"]
            alpha = f"{renewal['alpha']:.3f}" + (f" [{lo:.2f}, {hi:.2f}]" if lo is not None else "")
            lo, hi = renewal["beta_ci95"]
            beta = f"{renewal['beta']:.3f}" + (f" [{lo:.2f}, {hi:.2f}]" if lo is not None else "")
            n = f"{renewal['n_accounts']:,}"
        else:
            alpha = beta = n = "-"
        rate = support["cases_per_year"] if support is not None else None
        cases = f"{rate:.2f}" if rate is not None else "-"
        click.echo(f"{name:<20}{n:>9}{alpha:>22}{beta:>22}{cases:>10}{g['book']['customers']:>8,}")


COMMANDS = [calibrate_command]
