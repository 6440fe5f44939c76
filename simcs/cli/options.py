"""What the commands share: options, loading inputs with clear errors, progress on a terminal."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn, TypeVar

import click

from simcs.experiments.design import Experiment, load_experiment
from simcs.scenario import Scenario
from simcs.scenario.files import ScenarioError, load_scenario

F = TypeVar("F", bound=Callable[..., object])


def fail(exc: ScenarioError) -> NoReturn:
    click.echo(f"error: {exc.source} is not valid", err=True)
    for problem in exc.problems:
        click.echo(f"  {exc.source}: {problem}", err=True)
    sys.exit(2)


def load_experiment_file(path: str) -> Experiment:
    try:
        return load_experiment(path)
    except ScenarioError as exc:
        fail(exc)


def load_scenario_file(path: str | None) -> Scenario:
    try:
        return load_scenario(path)
    except ScenarioError as exc:
        fail(exc)


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


report_option = click.option(
    "--report", is_flag=True, help="Also write report.html (figures embedded) at the end."
)


def maybe_report(folder: Path, report: bool) -> None:
    if report:
        from simcs.reporting.report import build_report

        click.echo(f"Report written to {build_report(folder)}")


backend_option = click.option(
    "--backend",
    type=click.Choice(["local", "dask"]),
    default="local",
    show_default=True,
    help="local worker processes, or a Dask cluster (pip install 'simcs[dask]').",
)


scheduler_option = click.option(
    "--scheduler",
    default=None,
    help="Dask scheduler address tcp://HOST:PORT [default: a new LocalCluster].",
)


workers_option = click.option(
    "--workers",
    "-w",
    default=None,
    type=click.IntRange(1),
    help="Worker processes [default: number of cores].",
)


seed_option = click.option(
    "--seed",
    "-s",
    default=0,
    show_default=True,
    type=click.IntRange(0),
    help="Root seed: the same seed gives the same results, whatever the worker count.",
)


def replications_option(default: int, minimum: int, what: str = "") -> Callable[[F], F]:
    """The --replications option of a command, `what` saying what they are per."""
    return click.option(
        "--replications",
        "-n",
        default=default,
        show_default=True,
        type=click.IntRange(minimum),
        help=f"Independent replications{what}; more gives tighter intervals.",
    )


# the analytic staffing rules of `capacity` and `plan`
sla_target_option = click.option(
    "--sla-target",
    default=0.80,
    show_default=True,
    type=click.FloatRange(0, 1, min_open=True, max_open=True),
    help="Share of cases to reach an agent within their tier's SLA.",
)


utilization_option = click.option(
    "--utilization",
    default=0.85,
    show_default=True,
    type=click.FloatRange(0, 1, min_open=True),
    help="Target utilisation for CSM, implementation and education pools.",
)


out_option = click.option(
    "--out",
    "-o",
    default=None,
    type=click.Path(file_okay=False, path_type=Path),
    help="Output folder [default: results/<name>].",
)


precision_option = click.option(
    "--precision",
    default=None,
    type=click.FloatRange(min=0, min_open=True),
    help="Add replications until the key metric's paired 95% half-width is at most this.",
)
