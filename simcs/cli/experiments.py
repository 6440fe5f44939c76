"""Commands that compare variants with common random numbers: experiment, compare, sweep,
robustness."""

from __future__ import annotations

from pathlib import Path

import click

from simcs import __version__
from simcs.cli.options import (
    backend_option,
    fail,
    load_experiment_file,
    load_scenario_file,
    maybe_report,
    out_option,
    precision_option,
    progress_bar,
    replications_option,
    report_option,
    scheduler_option,
    seed_option,
    workers_option,
    working_in,
)
from simcs.experiments.design import Experiment, experiment_from_scenarios
from simcs.experiments.robustness import UNCERTAIN, run_robustness
from simcs.experiments.run import ExperimentResult, run_experiment
from simcs.experiments.sweep import sweep_experiment
from simcs.reporting.experiment_files import write_experiment
from simcs.reporting.pages.money_headline import money_headlines
from simcs.reporting.results import STORE
from simcs.reporting.study_files import write_points, write_robustness
from simcs.reporting.tables import experiment_tables, return_on_staff_table, robustness_table
from simcs.scenario.files import ScenarioError, default_scenario_path, header_comment
from simcs.simulation.runner import default_workers


def _execute(
    experiment: Experiment,
    out: Path,
    workers: int | None,
    backend: str,
    scheduler: str | None,
    notes: list[str] | None = None,
) -> ExperimentResult:
    """Run (or resume) `experiment` into `out`, write its files and print its bottom line in
    dollars, its tables and its return on staff; the caller holds `out` (`working_in`)."""
    workers = workers or default_workers()
    click.echo(
        f"simcs {__version__}: '{experiment.name}', {len(experiment.scenarios)} variants, "
        f"{experiment.replications} replications each, seed {experiment.seed}, backend {backend}, "
        f"{workers} worker(s); results stored in {out / STORE} as they finish",
        err=True,
    )
    with progress_bar() as progress:
        result = run_experiment(experiment, out / STORE, workers, backend, scheduler, progress)
    doc = write_experiment(result, out, notes)
    bottom_line = money_headlines(doc)
    if bottom_line:
        click.echo("\n".join(bottom_line) + "\n")
    click.echo(experiment_tables(result))
    returns = return_on_staff_table(doc)
    if returns:
        click.echo(f"\n{returns}")
    note = (
        f"\n{result.replications} replications per variant ({result.computed} computed now, "
        f"{result.reused} found in the store), paired with common random numbers; "
        "95% t-intervals; p-values Holm-adjusted across all comparisons."
    )
    if experiment.precision is not None:
        width = result.key_half_width()
        met = "met" if result.precision_met else "NOT met (cap reached)"
        note += (
            f"\nPrecision on {experiment.key_metric} (whole book): half-width {width:.4g} "
            f"<= {experiment.precision:g} {met} with {result.replications} replications."
        )
    click.echo(note)
    click.echo(f"Results written to {out}/")
    return result


@click.command("experiment")
@click.argument("file")
@out_option
@workers_option
@backend_option
@scheduler_option
@precision_option
@report_option
def experiment_command(
    file: str,
    out: Path | None,
    workers: int | None,
    backend: str,
    scheduler: str | None,
    precision: float | None,
    report: bool = False,
) -> None:
    """Run (or resume) the experiment FILE: variants, paired differences, verdicts."""
    experiment = load_experiment_file(file)
    if precision is not None:
        experiment.precision = precision
    target = out or Path("results") / experiment.name
    with working_in(target):
        _execute(experiment, target, workers, backend, scheduler, header_comment(file))
        maybe_report(target, report)


@click.command("compare")
@click.argument("scenarios", nargs=-1, required=True)
@replications_option(20, minimum=2, what=" per scenario")
@seed_option
@workers_option
@out_option
@backend_option
@scheduler_option
@precision_option
@report_option
@click.option(
    "--by",
    type=click.Choice(["tier", "group", "both"]),
    default=None,
    help="Compare per service tier, per customer group or both (and the whole book). "
    "Default: by customer group when the scenarios segment differently (a tier then serves "
    "different customers in each), else by tier.",
)
def compare_command(
    scenarios: tuple[str, ...],
    replications: int,
    seed: int,
    workers: int | None,
    out: Path | None,
    backend: str,
    scheduler: str | None,
    precision: float | None,
    report: bool = False,
    by: str | None = None,
) -> None:
    """Compare SCENARIOS (the first is the reference) with common random numbers."""
    try:
        experiment = experiment_from_scenarios(
            list(scenarios), replications, seed, precision=precision, compare_by=by
        )
    except ScenarioError as exc:
        fail(exc)
    notes = [line for path in scenarios for line in (f"{path}:", *header_comment(path), "")]
    target = out or Path("results") / experiment.name
    with working_in(target):
        _execute(experiment, target, workers, backend, scheduler, notes)
        maybe_report(target, report)


@click.command("sweep")
@click.argument("scenario")
@click.option(
    "--param",
    "-p",
    "params",
    multiple=True,
    required=True,
    help="PATH=START:STOP:STEP (inclusive) or PATH=V1,V2,...; repeat for a grid.",
)
@replications_option(10, minimum=2, what=" per grid point")
@seed_option
@workers_option
@out_option
@backend_option
@scheduler_option
@report_option
def sweep_command(
    scenario: str,
    params: tuple[str, ...],
    replications: int,
    seed: int,
    workers: int | None,
    out: Path | None,
    backend: str,
    scheduler: str | None,
    report: bool = False,
) -> None:
    """A grid over one or more parameters of SCENARIO, shared random numbers across points."""
    sc = load_scenario_file(scenario)
    try:
        experiment, points = sweep_experiment(sc, list(params), replications, seed)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--param") from None
    except ScenarioError as exc:
        fail(exc)
    target = out or Path("results") / experiment.name
    notes = header_comment(scenario or default_scenario_path())
    with working_in(target):
        result = _execute(experiment, target, workers, backend, scheduler, notes)
        click.echo(f"Per-point table: {write_points(target, result, points)}")
        maybe_report(target, report)


@click.command("robustness")
@click.argument("file")
@click.option(
    "--samples",
    "-k",
    default=16,
    show_default=True,
    type=click.IntRange(2),
    help="Latin-hypercube points over the uncertain effect sizes.",
)
@click.option(
    "--replications",
    "-n",
    default=None,
    type=click.IntRange(2),
    help="Replications per variant at each point [default: the experiment's].",
)
@out_option
@workers_option
@backend_option
@scheduler_option
@report_option
def robustness_command(
    file: str,
    samples: int,
    replications: int | None,
    out: Path | None,
    workers: int | None,
    backend: str,
    scheduler: str | None,
    report: bool = False,
) -> None:
    """How often FILE's verdicts hold across the plausible range of the uncertain inputs."""
    experiment = load_experiment_file(file)
    if replications is not None:
        experiment.replications = replications
    experiment.precision = None
    target = out or Path("results") / f"{experiment.name}_robustness"
    workers = workers or default_workers()
    click.echo(
        f"simcs {__version__}: robustness of '{experiment.name}': defaults + {samples} Latin-"
        f"hypercube points over {len(UNCERTAIN)} inputs, {len(experiment.scenarios)} variants x "
        f"{experiment.replications} replications each; resumable store {target / STORE}",
        err=True,
    )
    with working_in(target):
        with progress_bar("input points", "point") as progress:
            study = run_robustness(
                experiment, samples, target / STORE, workers, backend, scheduler, on_sample=progress
            )
        write_robustness(target, study)
        click.echo(robustness_table(study))
        click.echo(
            f"\nVerdicts at the defaults, the share of {samples} sampled input points where each "
            "still holds, and the input with the largest Spearman rank correlation with the "
            "paired difference. Ranges: "
            f"{', '.join(f'{k} {a:g}-{b:g}' for k, (a, b) in UNCERTAIN.items())}."
        )
        click.echo(f"Results written to {target}/")
        maybe_report(target, report)


COMMANDS = [experiment_command, compare_command, sweep_command, robustness_command]
