"""`simcs backtest`: does the calibrated model predict what happened after the cut-off?

Fits on the exports as of --as-of, simulates from the real book at that date to --until (whole
years), and compares each year's churned accounts, logo retention, GRR, NRR, customers and
tickets with what the exports say happened, by group and for the whole book
(`simcs.calibration.backtest`). Replications are kept in OUT/results.sqlite as they finish, so
the same command run again after an interruption computes only the missing ones.
"""

from __future__ import annotations

import csv
import json
from datetime import datetime
from pathlib import Path

import click

from simcs.calibration.backtest import (
    MEASURES,
    Backtest,
    BacktestError,
    backtest,
    backtest_document,
)
from simcs.calibration.calibrate import skipped_total
from simcs.cli.exports_input import base_option, export_options, read_exports
from simcs.cli.options import (
    load_scenario_file,
    progress_bar,
    replications_option,
    seed_option,
    workers_option,
    working_in,
)
from simcs.reporting.results import STORE
from simcs.simulation.backends import default_workers
from simcs.simulation.store import ResultStore

DOCUMENT, TABLE = "backtest.json", "backtest.csv"


def _shown(value: float, kind: str) -> str:
    return f"{value:.3f}" if kind == "share" else f"{value:,.0f}"


def backtest_table(result: Backtest) -> str:
    """The comparisons as a text table: actual, predicted mean, 95% prediction interval."""
    many = result.years > 1
    head = f"{'Year':<6}" if many else ""
    lines = [
        f"{head}{'Group':<16}{'Figure':<24}{'Actual':>10}{'Predicted':>11}"
        f"{'95% prediction interval':>26}  Inside"
    ]
    lines.append("-" * len(lines[0]))
    for c in result.comparisons:
        label, kind = MEASURES[c.measure]
        year = f"{c.year:<6}" if many else ""
        interval = f"[{_shown(c.low, kind)}, {_shown(c.high, kind)}]"
        mean = f"{c.mean:.3f}" if kind == "share" else f"{c.mean:,.1f}"
        lines.append(
            f"{year}{result.labels.get(c.scope, c.scope)[:15]:<16}{label:<24}"
            f"{_shown(c.actual, kind):>10}{mean:>11}{interval:>26}  "
            f"{'yes' if c.inside else 'NO'}"
        )
    return "\n".join(lines)


def _write_csv(result: Backtest, path: Path) -> None:
    partial = path.with_name(path.name + ".partial")
    with partial.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["year", "group", "figure", "actual", "predicted_mean", "low95", "high95",
                         "inside"])  # fmt: skip
        for c in result.comparisons:
            writer.writerow(
                [c.year, result.labels.get(c.scope, c.scope), c.measure, repr(c.actual),
                 repr(c.mean), repr(c.low), repr(c.high), c.inside]
            )  # fmt: skip
    partial.replace(path)


@click.command("backtest")
@export_options(accounts_required=True)
@click.option(
    "--as-of",
    "as_of",
    required=True,
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Cut-off: fit on what happened up to this date.",
)
@click.option(
    "--until",
    required=True,
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Compare up to this date: a whole number of years after --as-of, within the data.",
)
@base_option("serve the book")
@replications_option(40, 2, ", each with its own draw of the fitted parameters")
@seed_option
@workers_option
@click.option("-o", "--out", type=click.Path(file_okay=False), required=True, help="Output folder.")
def backtest_command(
    accounts: str,
    tickets: str | None,
    arr_history: str | None,
    lenient: bool,
    as_of: datetime,
    until: datetime,
    base: str | None,
    replications: int,
    seed: int,
    workers: int | None,
    out: str,
) -> None:
    """Fit on the history up to --as-of, simulate from the book at that date to --until, and
    compare with what happened: churned accounts, logo retention, GRR, NRR, customers and
    tickets, by group and for the whole book, each with its 95% prediction interval. Writes
    backtest.json and backtest.csv."""
    import pandas as pd

    exports = read_exports(accounts, tickets, arr_history, lenient)
    assert exports.accounts is not None
    base_scenario = load_scenario_file(base)
    folder = Path(out)
    with working_in(folder):
        with ResultStore(folder / STORE) as store, progress_bar() as progress:
            try:
                result = backtest(
                    exports.accounts,
                    exports.tickets,
                    exports.arr_history,
                    base_scenario,
                    pd.Timestamp(as_of),
                    pd.Timestamp(until),
                    replications,
                    seed=seed,
                    workers=workers or default_workers(),
                    store=store,
                    on_progress=progress,
                )
            except BacktestError as error:
                raise click.UsageError(str(error)) from None
        document = backtest_document(result)
        target = folder / DOCUMENT
        partial = target.with_name(target.name + ".partial")
        partial.write_text(json.dumps(document, indent=2, allow_nan=False) + "\n", "utf-8")
        partial.replace(target)
        _write_csv(result, folder / TABLE)
    click.echo(backtest_table(result))
    for reason, rows in sorted(skipped_total(result.calibration).items()):
        click.echo(f"left out: {rows} row(s): {reason}")
    for note in result.notes:
        click.echo(f"note: {note}")
    for warning in result.calibration.warnings:
        click.echo(f"warning: {warning}")
    click.echo(
        f"\n{result.inside} of {len(result.comparisons)} actual figures inside their 95% "
        f"prediction intervals (fitted as of {as_of.date()}, {replications} replications, each "
        f"with its own draw of the fitted parameters; about 1 in 20 falls outside by chance)."
    )
    click.echo(f"Back-test written to {target} and {folder / TABLE}")


COMMANDS = [backtest_command]
