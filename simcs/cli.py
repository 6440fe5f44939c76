"""The `simcs` command line: run scenarios and validate scenario files."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import NoReturn

import click

from simcs import __version__
from simcs.loading import ScenarioError, load_scenario
from simcs.output import write_run
from simcs.runner import default_workers, run
from simcs.scenario import Scenario
from simcs.tables import summary_table


def _fail(exc: ScenarioError) -> NoReturn:
    click.echo("error: scenario is not valid", err=True)
    for problem in exc.problems:
        click.echo(f"  {exc.source}: {problem}", err=True)
    sys.exit(2)


def _load(path: str | None) -> Scenario:
    try:
        return load_scenario(path)
    except ScenarioError as exc:
        _fail(exc)


class Progress:
    """A one-line progress bar on a terminal; silent when stderr is not a terminal."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.started = time.perf_counter()

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        width = 30
        filled = round(width * done / total)
        elapsed = time.perf_counter() - self.started
        bar = "#" * filled + "." * (width - filled)
        click.echo(f"\r[{bar}] {done}/{total} replications  {elapsed:5.1f} s", err=True, nl=False)
        if done == total:
            click.echo("", err=True)


@click.group()
@click.version_option(__version__, prog_name="simcs")
def main() -> None:
    """simcs: simulate a B2B post-sales organisation -- staffing, service, retention, cost."""


@main.command("run")
@click.argument("scenario", required=False)
@click.option("--replications", "-n", default=20, show_default=True, type=click.IntRange(1))
@click.option("--seed", "-s", default=0, show_default=True, type=click.IntRange(0))
@click.option(
    "--workers",
    "-w",
    default=None,
    type=click.IntRange(1),
    help="Local worker processes [default: number of cores].",
)
@click.option(
    "--out",
    "-o",
    default=None,
    type=click.Path(file_okay=False, path_type=Path),
    help="Output folder [default: results/<scenario name>].",
)
def run_command(
    scenario: str | None, replications: int, seed: int, workers: int | None, out: Path | None
) -> None:
    """Run replications of SCENARIO (default: the built-in baseline) and summarise them."""
    sc = _load(scenario)
    out = out if out is not None else Path("results") / sc.name
    workers = workers or default_workers()
    click.echo(
        f"simcs {__version__}: scenario '{sc.name}', {replications} replications, seed {seed}, "
        f"{min(workers, replications)} worker(s), years {sc.measurement_years}",
        err=True,
    )
    progress = Progress(sys.stderr.isatty())
    result = run(
        sc, replications=replications, seed=seed, workers=workers, on_replication_done=progress
    )
    write_run(result, out)
    click.echo(summary_table(result.summary(), [*sc.tiers, "all"]))
    click.echo(
        f"\nMeans over {replications} replications (each the mean of years "
        f"{sc.measurement_years[0]}-{sc.measurement_years[-1]}) with 95% t-intervals. "
        f"Wall time {result.wall_seconds:.1f} s."
    )
    click.echo(
        f"Results written to {out}/ (summary.json, replications.csv, scenario.yaml, manifest.json)"
    )


@main.command("validate")
@click.argument("scenario")
def validate_command(scenario: str) -> None:
    """Check SCENARIO: OK, or every problem with its field path (exit code 2)."""
    sc = _load(scenario)
    click.echo(f"OK: {scenario} (scenario '{sc.name}', {len(sc.tiers)} tiers)")
