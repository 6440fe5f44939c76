"""`simcs calibrate`: a company's exports read, checked and fitted, into calibration.json.

Bad rows stop it before anything is written (file, line, column and problem; exit 2), unless
`--lenient`, which leaves them out and says how many, for which reason. The document is written
to a temporary file and renamed, so a folder never holds half a calibration.
"""

from __future__ import annotations

import json
import math
from datetime import date
from pathlib import Path

import click

from simcs.calibration.calibrate import (
    Calibration,
    NothingToFit,
    calibrate,
    calibration_document,
    skipped_total,
)
from simcs.calibration.exports import COHORTS
from simcs.calibration.scenario_file import (
    anchored_scenario,
    annotated_yaml,
    fitted_parts,
    group_keys,
)
from simcs.cli.exports_input import base_option, export_options, read_exports, read_table
from simcs.cli.options import fail, load_scenario_file
from simcs.reporting.report import build_report
from simcs.reporting.results import CALIBRATION
from simcs.scenario.book import write_book
from simcs.scenario.files import ScenarioError

SCENARIO = "scenario.yaml"
#: the t=0 book written beside the scenario
BOOK = "book.csv"


@click.command("calibrate")
@export_options(accounts_required=False)
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
@base_option("the calibrated scenario keeps")
@click.option(
    "--anchor/--no-anchor",
    default=True,
    show_default=True,
    help="Anchor the fitted churn, ARR change and case rate to the base's service (a pilot "
    "year measures what the service adds; see the model page).",
)
@click.option("-o", "--out", type=click.Path(file_okay=False), required=True, help="Output folder.")
def calibrate_command(
    accounts: str | None,
    tickets: str | None,
    arr_history: str | None,
    lenient: bool,
    cohorts: str | None,
    as_of: date | None,
    project: int,
    base: str | None,
    anchor: bool,
    out: str,
) -> None:
    """Fit churn (sBG), ARR changes, case rates and handle times per customer group from the
    exports, and write calibration.json and, from the accounts, scenario.yaml and book.csv: the
    base scenario with the fitted customer groups and the real book, each fitted value's source
    beside it."""
    if accounts is None and cohorts is None:
        raise click.UsageError("give --accounts or --cohorts (tickets need --accounts)")
    exports = read_exports(accounts, tickets, arr_history, lenient)
    cohort_table = read_table(cohorts, COHORTS, lenient)
    base_scenario = load_scenario_file(base)
    cut_off = _timestamp(as_of)
    account_table = exports.accounts
    try:
        result = calibrate(
            account_table, exports.tickets, cohort_table, cut_off, exports.arr_history
        )
    except NothingToFit as error:
        raise click.UsageError(str(error)) from None
    document = calibration_document(result, project)
    scenario_text, book, anchors = None, [], {}
    labels = {key: name for name, key in group_keys(result).items()}
    if account_table is not None:
        try:
            data, notes, anchors = anchored_scenario(base_scenario, result, result.sources, anchor)
        except ScenarioError as error:
            fail(error)
        book = data["initial_book"]["accounts"]
        data["initial_book"]["accounts"] = BOOK
        for key, a in anchors.items():
            document["groups"][labels[key]]["anchor"] = {
                "churn_odds_factor": a.odds_factor,
                "log_odds_mean": a.log_odds_mean,
                "log_odds_sd": a.log_odds_sd,
                "renewals_measured": a.renewals,
                "beta_fitted": a.beta_fitted,
                "beta_base": a.beta_base,
                "clamped": a.clamped,
                "expansion_shift": a.expansion_shift,
                "desk_share": a.desk_share,
            }
        scenario_text = annotated_yaml(data, notes, _header(result, base or "the baseline"))
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / CALIBRATION
    _write(target, json.dumps(document, indent=2, allow_nan=False) + "\n")
    if scenario_text is not None:
        partial = folder / (BOOK + ".partial")
        write_book(partial, book)
        partial.replace(folder / BOOK)
        _write(folder / SCENARIO, scenario_text)
    report = build_report(folder)
    _summary(document)
    for key, a in anchors.items():
        click.echo(
            f"anchored: {labels.get(key, key)}: the service multiplies churn odds by "
            f"{a.odds_factor:.2f} (base beta {a.beta_fitted:.3g} -> {a.beta_base:.3g}), shifts "
            f"the log ARR change by {a.expansion_shift:+.3f}; {a.desk_share:.0%} of cases reach "
            "the desk"
        )
    for reason, rows in sorted(skipped_total(result).items()):
        click.echo(f"left out: {rows} row(s): {reason}")
    if anchor and account_table is not None:
        for key, parts in fitted_parts(result).items():
            if parts and key not in anchors and result.groups[labels[key]].book:
                click.echo(
                    f"warning: {labels[key]}: not anchored (no account of its book renewed in the "
                    "pilot year): its fitted laws go in as they are"
                )
    for note in result.notes:
        click.echo(f"note: {note}")
    for warning in result.warnings:
        click.echo(f"warning: {warning}")
    when = f" as of {document['as_of']}" if document["as_of"] else ""
    files = (target, folder / SCENARIO, folder / BOOK, report)
    written = ", ".join(str(p) for p in files if p.exists())
    click.echo(f"Calibration{when} written to {written}")
    if scenario_text is None:
        click.echo("No scenario.yaml: it needs --accounts (the book at the cut-off).")


def _write(target: Path, text: str) -> None:
    """Write `text` whole or not at all (a temporary file, renamed)."""
    partial = target.with_name(target.name + ".partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(target)


def _header(result: Calibration, base: str) -> str:
    files = ", ".join(result.sources.values())
    when = f" as of {result.as_of.date().isoformat()}" if result.as_of is not None else ""
    return (
        f"Calibrated by simcs calibrate from {files}{when}; staff, tiers, segmentation and "
        f"levers from {base}.\n"
        "Each fitted value says where it came from. The t=0 book is the real one: "
        f"{BOOK} beside this\nfile lists every account under contract at the cut-off with its "
        "ARR, renewals made and days to\nits next renewal."
    )


def _timestamp(day: date | None) -> object:
    """The cut-off as pandas reads dates (pandas is the calibrate extra's, loaded on use)."""
    if day is None:
        return None
    import pandas as pd

    return pd.Timestamp(day)


def _bounds(pair: list[float | None]) -> str:
    """' [low, high]' of a 95% interval, 'inf' for an end the data cannot set."""
    low, high = ("inf" if x is None else f"{x:.2f}" for x in pair)
    return f" [{low}, {high}]"


def _summary(document: dict[str, object]) -> None:
    groups = document["groups"]
    assert isinstance(groups, dict)
    click.echo(
        f"{'Group':<20}{'Accounts':>9}{'alpha':>22}{'beta':>22}{'Cases/yr':>10}"
        f"{'ARR chg':>9}{'Book':>8}"
    )
    for name, g in groups.items():
        renewal, support = g["renewal"], g["support"]
        if renewal is not None:
            alpha = f"{renewal['alpha']:.3f}{_bounds(renewal['alpha_ci95'])}"
            beta = f"{renewal['beta']:.3f}{_bounds(renewal['beta_ci95'])}"
            n = f"{renewal['n_accounts']:,}"
        else:
            alpha = beta = n = "-"
        rate = support["cases_per_year"] if support is not None else None
        cases = f"{rate:.2f}" if rate is not None else "-"
        law = g.get("expansion")
        change = f"{math.expm1(law['mean_log_change']):+.1%}" if law else "-"
        click.echo(
            f"{name:<20}{n:>9}{alpha:>22}{beta:>22}{cases:>10}{change:>9}"
            f"{g['book']['customers']:>8,}"
        )


COMMANDS = [calibrate_command]
