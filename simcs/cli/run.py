"""Commands on one scenario and on result folders: run, validate, schema, trace, report."""

from __future__ import annotations

import json
from pathlib import Path

import click

from simcs import __version__
from simcs.catalogue import ALL
from simcs.cli.options import (
    backend_option,
    load_scenario_file,
    load_staffing_file,
    maybe_report,
    out_option,
    progress_bar,
    replications_option,
    report_option,
    scheduler_option,
    seed_option,
    workers_option,
    working_in,
)
from simcs.reporting.money import MONEY, money_lines
from simcs.reporting.results import (
    MANIFEST,
    REPLICATIONS,
    SCENARIO,
    STORE,
    SUMMARY,
    TIMESERIES,
    json_interval,
    scope_labels,
)
from simcs.reporting.run_files import write_run
from simcs.reporting.staffing import quarterly_staffing, staffing_table_text
from simcs.reporting.tables import summary_table
from simcs.scenario import Scenario
from simcs.scenario.files import default_scenario_path, header_comment
from simcs.scenario.staffing_file import has_policy
from simcs.simulation.runner import default_workers, run


@click.command("run")
@click.argument("scenario", required=False)
@replications_option(20, minimum=1)
@seed_option
@workers_option
@out_option
@backend_option
@scheduler_option
@report_option
@click.option(
    "--by",
    type=click.Choice(["tier", "group", "both"]),
    default="tier",
    show_default=True,
    help="Summarise by service tier, by customer group (who the customers are, whatever tier "
    "serves them), or both. Every file holds both.",
)
@click.option(
    "--staffing",
    default=None,
    metavar="PLAN",
    help="A headcount-plan file (e.g. from `simcs plan --write`): each pool it names follows "
    "its plan (staff.<pool>.policy.plan), keeping the pool's review, caps, managers and "
    "reductions and dropping its ratio and workload rules.",
)
def run_command(
    scenario: str | None,
    replications: int,
    seed: int,
    workers: int | None,
    out: Path | None,
    backend: str = "local",
    scheduler: str | None = None,
    report: bool = False,
    by: str = "tier",
    staffing: str | None = None,
) -> None:
    """Run replications of SCENARIO (default: the built-in baseline) and summarise them; each
    is kept in OUT/results.sqlite as it finishes, so the same command run again after an
    interruption computes only the missing ones. With --staffing PLAN, the pools PLAN names
    follow its headcount plan; with any staffing policy, a quarter-by-quarter staffing table
    follows the summary."""
    sc = load_scenario_file(scenario)
    if staffing is not None:
        sc = load_staffing_file(sc, staffing)
    out = out if out is not None else Path("results") / sc.name
    workers = workers or default_workers()
    click.echo(
        f"simcs {__version__}: scenario '{sc.name}', {replications} replications, seed {seed}, "
        f"backend {backend}, {min(workers, replications)} worker(s), years "
        f"{sc.measurement_years}; results stored in {out / STORE} as they finish",
        err=True,
    )
    with working_in(out):
        with progress_bar() as progress:
            result = run(
                sc,
                replications=replications,
                seed=seed,
                workers=workers,
                on_replication_done=progress,
                backend=backend,
                scheduler=scheduler,
                store_path=out / STORE,
            )
        notes = header_comment(scenario or default_scenario_path())
        if staffing is not None:
            notes.append(f"Headcount plan applied from {staffing} (simcs run --staffing).")
        write_run(result, out, notes)
        labels = scope_labels(sc)
        summary = result.summary()
        for part, title in (("tier", "Tier"), ("group", "Customer group")):
            if by in (part, "both"):
                shown = sc.scopes(part)
                if part == "tier" and by == "both":
                    shown = shown[:-1]  # 'all' once, under the groups
                click.echo(summary_table(summary, shown, labels, title))
        book = {m: json_interval(summary[ALL][m]) for m in MONEY if m in summary[ALL]}
        lines = money_lines(
            book, len(sc.measurement_years), sc.finance.discount_rate_per_year, who="whole book"
        )
        click.echo("\n" + "\n".join(lines))
        if has_policy(sc):
            click.echo("\nStaffing by quarter (staffing policies in force):")
            click.echo(staffing_table_text(quarterly_staffing(result.series)))
        click.echo(
            f"\nMeans over {replications} replications (each the mean of years "
            f"{sc.measurement_years[0]}-{sc.measurement_years[-1]}) with 95% t-intervals; "
            f"{result.computed} computed now, {result.reused} found in the store. "
            f"Wall time {result.wall_seconds:.1f} s."
        )
        click.echo(
            f"Results written to {out}/ ({SUMMARY}, {REPLICATIONS}, {TIMESERIES}, {SCENARIO}, "
            f"{MANIFEST})"
        )
        maybe_report(out, report)


@click.command("validate")
@click.argument("scenario")
def validate_command(scenario: str) -> None:
    """Check SCENARIO: OK, or every problem with its field path (exit code 2)."""
    sc = load_scenario_file(scenario)
    groups, tiers = len(sc.population), len(sc.tiers)
    click.echo(
        f"OK: {scenario} (scenario '{sc.name}', {groups} customer group"
        f"{'s' if groups != 1 else ''}, {tiers} tier{'s' if tiers != 1 else ''}, segmentation "
        f"by {sc.rule.rule})"
    )


@click.command("report")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
def report_command(folder: Path) -> None:
    """Write FOLDER/report.html (figures embedded, offline) from a run, experiment, sweep,
    robustness, sizing or allocation folder; figures also as PNG and SVG in FOLDER/figures/."""
    from simcs.reporting.report import build_report

    try:
        path = build_report(folder)
    except FileNotFoundError as exc:
        raise click.BadParameter(str(exc), param_hint="FOLDER") from None
    click.echo(f"Report written to {path} (figures in {folder / 'figures'}/)")


@click.command("trace")
@click.argument("scenario", required=False)
@click.option(
    "--customers",
    "-c",
    default=4,
    show_default=True,
    type=click.IntRange(1),
    help="Customers to follow, taken in turn from each tier.",
)
@seed_option
@click.option(
    "--replication",
    "-r",
    default=0,
    show_default=True,
    type=click.IntRange(0),
    help="Which replication of the seed to trace.",
)
@click.option(
    "--events",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write the replication's full event log here (tidy CSV).",
)
def trace_command(
    scenario: str | None, customers: int, seed: int, replication: int, events: Path | None
) -> None:
    """A readable timeline of CUSTOMERS customers' journeys through one replication."""
    from simcs.reporting.trace import events_csv, pick_customers, timeline, traced_replication

    sc = load_scenario_file(scenario)
    organisation = traced_replication(sc, seed, replication)
    click.echo(timeline(organisation, pick_customers(organisation, customers)))
    if events is not None:
        events.parent.mkdir(parents=True, exist_ok=True)
        events.write_text(events_csv(organisation), encoding="utf-8")
        click.echo(f"\nFull event log ({len(organisation.journal.entries):,} events): {events}")


@click.command("schema")
def schema_command() -> None:
    """Print the JSON Schema of scenario files (every field, type, default and description)."""
    click.echo(json.dumps(Scenario.model_json_schema(), indent=2))


COMMANDS = [run_command, validate_command, schema_command, trace_command, report_command]
