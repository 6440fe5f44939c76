"""The company exports a command reads (`simcs calibrate`, `simcs backtest`): their options,
and reading them with every bad row named (file, line, column, problem; exit 2) or, with
`--lenient`, left out and counted."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import click

from simcs.calibration.exports import (
    ACCOUNTS,
    ARR_HISTORY,
    TICKETS,
    DataError,
    Export,
    Table,
    check_arr_history,
    check_tickets,
    read_export,
)

F = TypeVar("F", bound=Callable[..., Any])


def fail_data(error: DataError) -> None:
    """Print a data error and exit 2."""
    click.echo(f"error: {error}", err=True)
    sys.exit(2)


def read_table(path: str | None, export: Export, lenient: bool) -> Table | None:
    """One export read and checked (None if not given)."""
    if path is None:
        return None
    try:
        return read_export(path, export, lenient=lenient)
    except DataError as error:
        fail_data(error)
    raise AssertionError  # unreachable: fail_data exits


@dataclass
class Exports:
    """The exports given: accounts, and the tickets and ARR history checked against them."""

    accounts: Table | None
    tickets: Table | None
    arr_history: Table | None


def read_exports(
    accounts: str | None, tickets: str | None, arr_history: str | None, lenient: bool
) -> Exports:
    """Read the accounts, tickets and ARR history; a ticket or an ARR row of an account the
    accounts export does not list is a problem (lenient: left out and counted)."""
    if tickets is not None and accounts is None:
        raise click.UsageError("--tickets needs --accounts: a case rate is per customer-year")
    if arr_history is not None and accounts is None:
        raise click.UsageError("--arr-history needs --accounts")
    account_table = read_table(accounts, ACCOUNTS, lenient)
    ticket_table = read_table(tickets, TICKETS, lenient)
    history_table = read_table(arr_history, ARR_HISTORY, lenient)
    try:
        if account_table is not None and ticket_table is not None:
            ticket_table = check_tickets(ticket_table, account_table, lenient=lenient)
        if account_table is not None and history_table is not None:
            history_table = check_arr_history(history_table, account_table, lenient=lenient)
    except DataError as error:
        fail_data(error)
    return Exports(account_table, ticket_table, history_table)


def export_options(accounts_required: bool) -> Callable[[F], F]:
    """The options naming the accounts, tickets and ARR-history exports, and --lenient."""

    def decorate(command: F) -> F:
        for option in reversed(
            [
                click.option(
                    "--accounts",
                    type=click.Path(dir_okay=False),
                    required=accounts_required,
                    help="Accounts export (CSV or .xlsx): account_id, arr, start_date, "
                    "end_date; optional group, tier, csm_id, term_months, trained.",
                ),
                click.option(
                    "--tickets",
                    type=click.Path(dir_okay=False),
                    help="Help-desk export: ticket_id, account_id, created_at, handle_minutes; "
                    "optional first_response_at, priority (needs --accounts).",
                ),
                click.option(
                    "--arr-history",
                    "arr_history",
                    type=click.Path(dir_okay=False),
                    help="ARR history: account_id, date, arr (the ARR from that date on), to fit "
                    "the ARR change at renewal and know each account's ARR at any date (needs "
                    "--accounts).",
                ),
                click.option(
                    "--lenient",
                    is_flag=True,
                    help="Leave bad rows out (and count them by reason) instead of stopping.",
                ),
            ]
        ):
            command = option(command)
        return command

    return decorate


def base_option(what: str) -> Callable[[F], F]:
    """The --base option: the scenario whose staff, tiers, segmentation and levers `what`."""
    return click.option(
        "--base",
        type=click.Path(dir_okay=False),
        help=f"Scenario whose staff, tiers, segmentation and levers {what} "
        "[default: the built-in baseline].",
    )
