"""What the commands share: options, loading inputs with clear errors, a progress bar on a
terminal, and holding a results folder while a command works in it (one-line errors, exit 2)."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn, TypeVar

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.progress import Progress as RichProgress
from rich.text import Text

from simcs.experiments.design import Experiment, load_experiment
from simcs.model.guard import ReplicationAborted
from simcs.scenario import Scenario
from simcs.scenario.files import ScenarioError, load_scenario
from simcs.scenario.staffing_file import apply_staffing_file
from simcs.simulation.lock import FolderInUse, hold_folder

F = TypeVar("F", bound=Callable[..., object])

#: the exit code of a command stopped by Ctrl-C (its finished replications kept)
INTERRUPTED_EXIT = 130


def fail(exc: ScenarioError) -> NoReturn:
    for line in exc.report_lines():
        click.echo(line, err=True)
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


def load_staffing_file(scenario: Scenario, path: str) -> Scenario:
    """`scenario` with the plans of the headcount-plan file at `path`, or the file's problems
    (file and field path, exit 2)."""
    try:
        return apply_staffing_file(scenario, path)
    except ScenarioError as exc:
        fail(exc)


class _RateColumn(ProgressColumn):
    """Units finished per second (or per minute when slower than one a second)."""

    def __init__(self, unit: str) -> None:
        super().__init__()
        self.unit = unit

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        if not speed:
            return Text(f"? {self.unit}/s", style="progress.data.speed")
        if speed < 1:
            return Text(f"{speed * 60:.1f} {self.unit}/min", style="progress.data.speed")
        return Text(f"{speed:.1f} {self.unit}/s", style="progress.data.speed")


@contextmanager
def progress_bar(
    unit: str = "replications", short: str = "rep"
) -> Iterator[Callable[[int, int], None]]:
    """A progress bar on stderr (done/total `unit`, rate in `short`/s, time elapsed and left),
    as the callback `update(done, total)`; silent when stderr is not a terminal.

    It refreshes only when `update` is called (no refresh thread: worker processes are forked
    from this one while it runs).
    """
    console = Console(stderr=True)
    if not console.is_terminal:
        yield lambda done, total: None
        return
    with RichProgress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        _RateColumn(short),
        TimeElapsedColumn(),
        TextColumn("elapsed"),
        TimeRemainingColumn(),
        TextColumn("left"),
        console=console,
        auto_refresh=False,
        redirect_stdout=False,
        redirect_stderr=False,
    ) as bar:
        task = bar.add_task(unit, total=None)
        bar.refresh()

        def update(done: int, total: int) -> None:
            current = bar.tasks[0]
            if current.total != total or done < current.completed:  # a new pass
                bar.reset(task, total=total, completed=0)
            bar.update(task, completed=done, refresh=True)

        yield update


def _stop(message: str, code: int) -> NoReturn:
    click.echo(message, err=True)
    sys.exit(code)


@contextmanager
def working_in(folder: Path) -> Iterator[Path]:
    """Hold `folder` for the whole command (no other simcs process may write it meanwhile) and
    end the expected ways a run stops with a one-line message and no traceback:

    - another simcs process is working in `folder`: exit 2;
    - a replication stopped by the model's guard (`ReplicationAborted`): exit 2; replications
      finished before it stay in the store and no result file is written;
    - Ctrl-C: exit 130, finished replications kept for the next run of the same command.
    """
    try:
        with hold_folder(folder):
            yield folder
    except FolderInUse as exc:
        _stop(f"error: {exc}", 2)
    except ReplicationAborted as exc:
        _stop(f"error: {exc}", 2)
    except KeyboardInterrupt:
        _stop(
            "\ninterrupted: finished replications are kept; run the same command again to resume",
            INTERRUPTED_EXIT,
        )


report_option = click.option(
    "--report", is_flag=True, help="Also write report.html (figures embedded) at the end."
)


def maybe_report(folder: Path, report: bool) -> None:
    if report:
        from simcs.reporting.report import build_report

        click.echo(f"Report written to {build_report(folder)}")


def _backend_installed(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """Refuse `--backend dask` up front when the optional extra is not installed."""
    if value == "dask" and importlib.util.find_spec("distributed") is None:
        raise click.BadParameter(
            "the dask backend needs the optional extra: pip install 'simcs[dask]'"
        )
    return value


backend_option = click.option(
    "--backend",
    type=click.Choice(["local", "dask"]),
    default="local",
    show_default=True,
    callback=_backend_installed,
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
    type=click.IntRange(0, 2**63 - 1),
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
