"""The `simcs` command line: run, validate, compare and plan; experiments, reports, sizing."""

from __future__ import annotations

import json
import math
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn, TypeVar

import click

from simcs import __version__
from simcs.allocation import allocatable_pools, allocate
from simcs.capacity import capacity_table, person_cost, pool_config
from simcs.experiment import Plan, load_experiment, plan_from_scenarios
from simcs.experiment_output import (
    robustness_csv,
    robustness_summary,
    sweep_csv,
    tables,
    write_experiment,
)
from simcs.experiment_runner import ExperimentResult, run_plan
from simcs.growth import Quarter, hiring_plan
from simcs.loading import ScenarioError, default_scenario_path, header_comment, load_scenario
from simcs.output import write_run
from simcs.robustness import UNCERTAIN, run_robustness
from simcs.runner import default_workers, run
from simcs.scenario import Scenario
from simcs.sizing import (
    Evaluation,
    Sizer,
    parse_target,
    sizing_document,
    staff_cost,
)
from simcs.sweep import sweep_plan
from simcs.tables import render, summary_table

F = TypeVar("F", bound=Callable[..., object])


def _fail(exc: ScenarioError) -> NoReturn:
    click.echo(f"error: {exc.source} is not valid", err=True)
    for problem in exc.problems:
        click.echo(f"  {exc.source}: {problem}", err=True)
    sys.exit(2)


def _load_experiment(path: str) -> Plan:
    try:
        return load_experiment(path)
    except ScenarioError as exc:
        _fail(exc)


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


_report = click.option(
    "--report", is_flag=True, help="Also write report.html (figures embedded) at the end."
)


def _maybe_report(folder: Path, report: bool) -> None:
    if report:
        from simcs.report import build_report

        click.echo(f"Report written to {build_report(folder)}")


_backend = click.option(
    "--backend",
    type=click.Choice(["local", "dask"]),
    default="local",
    show_default=True,
    help="local worker processes, or a Dask cluster (pip install 'simcs[dask]').",
)
_scheduler = click.option(
    "--scheduler",
    default=None,
    help="Dask scheduler address tcp://HOST:PORT [default: a new LocalCluster].",
)
_workers = click.option(
    "--workers",
    "-w",
    default=None,
    type=click.IntRange(1),
    help="Worker processes [default: number of cores].",
)
_seed = click.option(
    "--seed",
    "-s",
    default=0,
    show_default=True,
    type=click.IntRange(0),
    help="Root seed: the same seed gives the same results, whatever the worker count.",
)


def _replications(default: int, minimum: int, what: str = "") -> Callable[[F], F]:
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
_sla_target = click.option(
    "--sla-target",
    default=0.80,
    show_default=True,
    type=click.FloatRange(0, 1, min_open=True, max_open=True),
    help="Share of cases to reach an agent within their tier's SLA.",
)
_utilization = click.option(
    "--utilization",
    default=0.85,
    show_default=True,
    type=click.FloatRange(0, 1, min_open=True),
    help="Target utilisation for CSM, implementation and education pools.",
)
_out = click.option(
    "--out",
    "-o",
    default=None,
    type=click.Path(file_okay=False, path_type=Path),
    help="Output folder [default: results/<name>].",
)
_precision = click.option(
    "--precision",
    default=None,
    type=click.FloatRange(min=0, min_open=True),
    help="Add replications until the key metric's paired 95% half-width is at most this.",
)


@click.group()
@click.version_option(__version__, prog_name="simcs")
def main() -> None:
    """simcs: simulate a B2B post-sales organisation -- staffing, service, retention, cost."""


@main.command("run")
@click.argument("scenario", required=False)
@_replications(20, minimum=1)
@_seed
@_workers
@_out
@_report
def run_command(
    scenario: str | None,
    replications: int,
    seed: int,
    workers: int | None,
    out: Path | None,
    report: bool = False,
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
    write_run(result, out, header_comment(scenario or default_scenario_path()))
    click.echo(summary_table(result.summary(), [*sc.tiers, "all"]))
    click.echo(
        f"\nMeans over {replications} replications (each the mean of years "
        f"{sc.measurement_years[0]}-{sc.measurement_years[-1]}) with 95% t-intervals. "
        f"Wall time {result.wall_seconds:.1f} s."
    )
    click.echo(
        f"Results written to {out}/ (summary.json, replications.csv, timeseries.csv, "
        "scenario.yaml, manifest.json)"
    )
    _maybe_report(out, report)


@main.command("validate")
@click.argument("scenario")
def validate_command(scenario: str) -> None:
    """Check SCENARIO: OK, or every problem with its field path (exit code 2)."""
    sc = _load(scenario)
    click.echo(f"OK: {scenario} (scenario '{sc.name}', {len(sc.tiers)} tiers)")


def _execute(
    plan: Plan,
    out: Path,
    workers: int | None,
    backend: str,
    scheduler: str | None,
    notes: list[str] | None = None,
) -> ExperimentResult:
    workers = workers or default_workers()
    click.echo(
        f"simcs {__version__}: '{plan.name}', {len(plan.scenarios)} variants, "
        f"{plan.replications} replications each, seed {plan.seed}, backend {backend}, "
        f"{workers} worker(s); results stored in {out / 'results.sqlite'} as they finish",
        err=True,
    )
    progress = Progress(sys.stderr.isatty())
    try:
        result = run_plan(plan, out / "results.sqlite", workers, backend, scheduler, progress)
    except KeyboardInterrupt:
        click.echo(
            "\ninterrupted: finished replications are kept; run the same command again to resume",
            err=True,
        )
        sys.exit(130)
    write_experiment(result, out, notes)
    click.echo(tables(result))
    note = (
        f"\n{result.replications} replications per variant ({result.computed} computed now, "
        f"{result.reused} found in the store), paired with common random numbers; "
        "95% t-intervals; p-values Holm-adjusted across all comparisons."
    )
    if plan.precision is not None:
        width = result.key_half_width()
        met = "met" if result.precision_met else "NOT met (cap reached)"
        note += (
            f"\nPrecision on {plan.key_metric} (all tiers): half-width {width:.4g} "
            f"<= {plan.precision:g} {met} with {result.replications} replications."
        )
    click.echo(note)
    click.echo(f"Results written to {out}/")
    return result


@main.command("experiment")
@click.argument("file")
@_out
@_workers
@_backend
@_scheduler
@_precision
@_report
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
    plan = _load_experiment(file)
    if precision is not None:
        plan.precision = precision
    _execute(
        plan,
        out or Path("results") / plan.name,
        workers,
        backend,
        scheduler,
        header_comment(file),
    )
    _maybe_report(out or Path("results") / plan.name, report)


@main.command("compare")
@click.argument("scenarios", nargs=-1, required=True)
@_replications(20, minimum=2, what=" per scenario")
@_seed
@_workers
@_out
@_backend
@_scheduler
@_precision
@_report
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
) -> None:
    """Compare SCENARIOS (the first is the reference) with common random numbers."""
    try:
        plan = plan_from_scenarios(list(scenarios), replications, seed, precision=precision)
    except ScenarioError as exc:
        _fail(exc)
    notes = [line for path in scenarios for line in (f"{path}:", *header_comment(path), "")]
    _execute(plan, out or Path("results") / plan.name, workers, backend, scheduler, notes)
    _maybe_report(out or Path("results") / plan.name, report)


@main.command("sweep")
@click.argument("scenario")
@click.option(
    "--param",
    "-p",
    "params",
    multiple=True,
    required=True,
    help="PATH=START:STOP:STEP (inclusive) or PATH=V1,V2,...; repeat for a grid.",
)
@_replications(10, minimum=2, what=" per grid point")
@_seed
@_workers
@_out
@_backend
@_scheduler
@_report
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
    sc = _load(scenario)
    try:
        plan, points = sweep_plan(sc, list(params), replications, seed)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--param") from None
    except ScenarioError as exc:
        _fail(exc)
    target = out or Path("results") / plan.name
    result = _execute(
        plan,
        target,
        workers,
        backend,
        scheduler,
        header_comment(scenario or default_scenario_path()),
    )
    (target / "points.csv").write_text(sweep_csv(result, points), encoding="utf-8")
    click.echo(f"Per-point table: {target / 'points.csv'}")
    _maybe_report(target, report)


@main.command("robustness")
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
@_out
@_workers
@_backend
@_scheduler
@_report
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
    plan = _load_experiment(file)
    if replications is not None:
        plan.replications = replications
    plan.precision = None
    target = out or Path("results") / f"{plan.name}_robustness"
    workers = workers or default_workers()
    click.echo(
        f"simcs {__version__}: robustness of '{plan.name}': defaults + {samples} Latin-"
        f"hypercube points over {len(UNCERTAIN)} inputs, {len(plan.scenarios)} variants x "
        f"{plan.replications} replications each; resumable store {target / 'results.sqlite'}",
        err=True,
    )
    progress = Progress(sys.stderr.isatty())
    try:
        study = run_robustness(
            plan,
            samples,
            target / "results.sqlite",
            workers,
            backend,
            scheduler,
            on_sample=progress,
        )
    except KeyboardInterrupt:
        click.echo("\ninterrupted: finished replications are kept; run again to resume", err=True)
        sys.exit(130)
    target.mkdir(parents=True, exist_ok=True)
    (target / "robustness.csv").write_text(robustness_csv(study), encoding="utf-8")
    summary_csv, table = robustness_summary(study)
    (target / "robustness_summary.csv").write_text(summary_csv, encoding="utf-8")
    click.echo(table)
    click.echo(
        f"\nVerdicts at the defaults, the share of {samples} sampled input points where each "
        "still holds, and the input with the largest Spearman rank correlation with the paired "
        f"difference. Ranges: {', '.join(f'{k} {a:g}-{b:g}' for k, (a, b) in UNCERTAIN.items())}."
    )
    click.echo(f"Results written to {target}/")
    _maybe_report(target, report)


@main.command("capacity")
@click.argument("scenario", required=False)
@_sla_target
@_utilization
def capacity_command(scenario: str | None, sla_target: float, utilization: float) -> None:
    """Demand, capacity and analytic headcount of every pool, before any simulation."""
    sc = _load(scenario)
    rows = capacity_table(sc, sla_target, utilization)
    body = [
        [
            r.pool,
            str(r.headcount),
            f"{r.demand_hours:,.0f}",
            f"{r.availability:.2f}",
            f"{r.capacity_hours:,.0f}",
            f"{r.utilization:.2f}",
            str(r.recommended),
            r.basis,
        ]
        for r in rows
    ]
    click.echo(
        render(
            [
                "Pool",
                "Headcount",
                "Demand h/yr",
                "Available",
                "Capacity h/yr",
                "Utilisation",
                "Analytic",
                "Basis",
            ],
            body,
        )
    )
    click.echo(
        "\nDemand from the mid-year book (t=0 customers plus half of year 1's new logos);"
        " capacity = headcount x productive hours a week x 52 x available, the long-run share of"
        " a seat's hours given with attrition (seats empty for the hiring lag, new hires at half"
        " speed while they ramp); Erlang C allows for the same. Priorities, handle-time spread"
        " and backlogs are left to the simulation: check with `simcs size`."
    )


def _plan_row(
    e: Evaluation, pools: list[str], targets: list[str], confidence: float, sizer: Sizer
) -> list[str]:
    cells = [", ".join(f"{p}={e.headcounts[p]}" for p in pools), f"{e.staff_cost:,.0f}"]
    for label, target in zip(targets, sizer.targets, strict=True):
        iv = e.intervals[label]
        if math.isnan(iv.mean):
            cells.append("n/a")
        else:
            cells.append(f"{iv.mean:.3f} (bound {target.bound(iv, confidence):.3f})")
    cells.append("yes" if e.holds else "no")
    return cells


@main.command("size")
@click.argument("scenario", required=False)
@click.option(
    "--target",
    "-t",
    "targets",
    multiple=True,
    required=True,
    help="METRIC[TIER]>=VALUE or <=VALUE, e.g. 'support_sla_met>=0.8', "
    "'grr[enterprise]>=0.92'; repeat for several.",
)
@click.option(
    "--pool",
    "-p",
    "pools",
    multiple=True,
    required=True,
    help="Pool to size: support, implementation, education or csm.<tier>; repeat.",
)
@click.option(
    "--confidence",
    default=0.95,
    show_default=True,
    type=click.FloatRange(0.5, 1, max_open=True),
    help="Confidence that each target holds (one-sided bound of the replication mean).",
)
@_replications(10, minimum=2, what=" per plan simulated")
@_seed
@_workers
@_out
@_backend
@_scheduler
@_report
def size_command(
    scenario: str | None,
    targets: tuple[str, ...],
    pools: tuple[str, ...],
    confidence: float,
    replications: int,
    seed: int,
    workers: int | None,
    out: Path | None,
    backend: str,
    scheduler: str | None,
    report: bool = False,
) -> None:
    """The cheapest headcounts of POOLS whose TARGETS hold with the stated confidence."""
    sc = _load(scenario)
    try:
        parsed = [parse_target(t, list(sc.tiers)) for t in targets]
        target_dir = out or Path("results") / f"size_{sc.name}"
        sizer = Sizer(
            sc,
            list(pools),
            parsed,
            replications,
            seed,
            confidence,
            target_dir / "results.sqlite",
            workers or default_workers(),
            backend,
            scheduler,
        )
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    click.echo(
        f"simcs {__version__}: sizing {', '.join(pools)} of '{sc.name}' to "
        f"{', '.join(map(str, parsed))} at {confidence:.0%} confidence, "
        f"{replications} replications per plan (seed {seed})",
        err=True,
    )
    result = sizer.search()
    labels = [str(t) for t in parsed]
    costs = {p: person_cost(sc, p) for p in pools}
    sized = result.best.headcounts if result.best else {}
    table = [
        [
            p,
            str(pool_config(sc, p).headcount),
            str(result.start[p]),
            str(sized.get(p, "-")),
            f"{costs[p]:,.0f}",
        ]
        for p in pools
    ]
    click.echo(render(["Pool", "Now", "Analytic start", "Sized", "Loaded cost/person $"], table))
    header = ["Plan", "Staff cost $/yr", *labels, "Targets hold"]
    rows = []
    if result.best is not None:
        rows.append(_plan_row(result.best, list(pools), labels, confidence, sizer))
    rows += [_plan_row(e, list(pools), labels, confidence, sizer) for e in result.neighbours]
    click.echo("\n" + render(header, rows))
    if result.best is None:
        click.echo("\nNo plan within the search bounds meets every target: see the plans above.")
    else:
        click.echo(
            "\nFirst row: the cheapest plan found whose targets all hold; then its "
            "neighbours (one person fewer or more in each pool), so the frontier is "
            "visible."
        )
    click.echo(
        f"Searched {result.evaluated} plans, {replications} replications each, the same "
        f"seeds for every plan (common random numbers); a target holds when its one-sided "
        f"{confidence:.0%} bound (shown) clears it. Store: {target_dir / 'results.sqlite'}"
    )
    (target_dir / "sizing.json").write_text(
        json.dumps(sizing_document(sizer, result, sc.name), indent=2) + "\n", encoding="utf-8"
    )
    _maybe_report(target_dir, report)


@main.command("allocate")
@click.argument("scenario", required=False)
@click.option(
    "--budget",
    type=click.FloatRange(0, min_open=True),
    help="Loaded staff cost a year (USD), managers and pools not allocated included.",
)
@click.option(
    "--headcount",
    "total_people",
    type=click.IntRange(0),
    help="Instead of a budget: the total people over the allocated pools.",
)
@click.option(
    "--objective",
    default="nrr",
    show_default=True,
    type=click.Choice(["grr", "nrr", "logo_retention", "support_sla_met", "arr_end"]),
    help="What the allocation maximises.",
)
@click.option("--tier", default="all", show_default=True, help="Tier whose objective counts.")
@click.option(
    "--pool",
    "-p",
    "pools",
    multiple=True,
    help="Pools to allocate [default: support, implementation, education and every "
    "CSM team with a queue].",
)
@_replications(8, minimum=2, what=" per allocation evaluated")
@_seed
@_workers
@_out
def allocate_command(
    scenario: str | None,
    budget: float | None,
    total_people: int | None,
    objective: str,
    tier: str,
    pools: tuple[str, ...],
    replications: int,
    seed: int,
    workers: int | None,
    out: Path | None,
) -> None:
    """Spend a budget (or a headcount) across pools where each person buys the most OBJECTIVE."""
    sc = _load(scenario)
    if (budget is None) == (total_people is None):
        raise click.UsageError("give exactly one of --budget and --headcount")
    by_headcount = total_people is not None
    limit = float(total_people) if total_people is not None else float(budget or 0.0)
    chosen = list(pools) or allocatable_pools(sc)
    if tier != "all" and tier not in sc.tiers:
        raise click.BadParameter(f"unknown tier {tier!r}", param_hint="--tier")
    target_dir = out or Path("results") / f"allocate_{sc.name}"
    what = f"{total_people} people" if by_headcount else f"${limit:,.0f} of loaded staff cost"
    click.echo(
        f"simcs {__version__}: allocating {what} over {', '.join(chosen)} of "
        f"'{sc.name}' to maximise {objective}[{tier}]; today's staff cost "
        f"${staff_cost(sc):,.0f}; {replications} replications per plan",
        err=True,
    )

    def step(pool: str, e: Evaluation) -> None:
        iv = next(iter(e.intervals.values()))
        click.echo(
            f"  +1 {pool}: {objective} {iv.mean:.4f}, staff cost ${e.staff_cost:,.0f}", err=True
        )

    try:
        result = allocate(
            sc,
            limit,
            objective,
            replications,
            seed,
            target_dir / "results.sqlite",
            workers or default_workers(),
            chosen,
            tier,
            on_step=step,
            by_headcount=by_headcount,
        )
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    rows = [
        [
            p,
            str(pool_config(sc, p).headcount),
            str(result.start.headcounts[p]),
            str(result.final.headcounts[p]),
            f"{m.cost:,.0f}",
            f"{m.gain:+.2e}",
            f"{m.gain / m.cost * 1e6:+.2e}" if m.cost > 0 else "n/a",
            "yes" if m.fits else "no",
        ]
        for p, m in zip(chosen, result.marginals, strict=True)
    ]
    click.echo(
        render(
            [
                "Pool",
                "Now",
                "Floor",
                "Allocated",
                "Cost/person $",
                f"+1 person: d{objective}",
                "per $1M",
                "Fits",
            ],
            rows,
        )
    )
    a, b = (next(iter(e.intervals.values())) for e in (result.start, result.final))
    people = sum(result.final.headcounts.values())
    click.echo(
        f"\n{objective}[{tier}]: {a.mean:.4f} at the floor -> {b.mean:.4f} "
        f"±{b.half_width:.4f} allocated; {people} people in these pools, staff cost "
        f"${result.final.staff_cost:,.0f} (limit: {what})."
    )
    click.echo(
        f"Floor: each pool's analytic headcount at 100% utilisation (at most today's). "
        f"{result.evaluated} plans simulated, {replications} replications each with the "
        f"same seeds (common random numbers). Store: {target_dir / 'results.sqlite'}"
    )


@main.command("plan")
@click.argument("scenario", required=False)
@click.option(
    "--quarters",
    "-q",
    default=8,
    show_default=True,
    type=click.IntRange(1, 40),
    help="Quarters to plan ahead.",
)
@_sla_target
@_utilization
def plan_command(
    scenario: str | None, quarters: int, sla_target: float, utilization: float
) -> None:
    """A quarter-by-quarter hiring plan that holds the targets as the book grows."""
    sc = _load(scenario)
    plan = hiring_plan(sc, quarters, sla_target, utilization)
    pools = list(plan[0].headcount)
    rows = [
        [
            f"Q{q.quarter}",
            f"{sum(q.customers.values()):,.0f}",
            f"{q.arr / 1e6:,.1f}",
            *(_plan_cell(q, p) for p in pools),
            f"{q.loaded_cost:,.0f}",
        ]
        for q in plan
    ]
    click.echo(render(["Quarter", "Customers", "ARR $M", *pools, "Loaded cost $/qtr"], rows))
    click.echo(
        f"\nStaff on hand at each quarter's end, hires in brackets, for {sla_target:.0%} of "
        f"cases within SLA (Erlang C) and {utilization:.0%} utilisation of CSM, implementation "
        "and education hours. Nobody is let go: a pool never falls below today's staff or last "
        "quarter's, and 'need N' marks one with more people than the book needs. The book grows "
        "by new logos and shrinks by the sBG expected churn of its steady-state book; ARR at the "
        "t=0 average contract. Loaded cost is that of the people on hand, with managers and the "
        "pools not sized here. Check a quarter by simulation with `simcs size`."
    )


def _plan_cell(quarter: Quarter, pool: str) -> str:
    """'18 (+1)' for hires, '9 (need 7)' for staff above the need, else the headcount."""
    cell = str(quarter.headcount[pool])
    if quarter.hires[pool]:
        return f"{cell} (+{quarter.hires[pool]})"
    if pool in quarter.surplus:
        return f"{cell} (need {quarter.needed[pool]})"
    return cell


@main.command("report")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
def report_command(folder: Path) -> None:
    """Write FOLDER/report.html (figures embedded, offline) from a run, experiment, sweep or
    robustness result folder; figures also as PNG and SVG in FOLDER/figures/."""
    from simcs.report import build_report

    try:
        path = build_report(folder)
    except FileNotFoundError as exc:
        raise click.BadParameter(str(exc), param_hint="FOLDER") from None
    click.echo(f"Report written to {path} (figures in {folder / 'figures'}/)")


@main.command("trace")
@click.argument("scenario", required=False)
@click.option(
    "--customers",
    "-c",
    default=4,
    show_default=True,
    type=click.IntRange(1),
    help="Customers to follow, taken in turn from each tier.",
)
@_seed
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
    from simcs.trace import events_csv, pick_customers, timeline, traced_replication

    sc = _load(scenario)
    organisation = traced_replication(sc, seed, replication)
    click.echo(timeline(organisation, pick_customers(organisation, customers)))
    if events is not None:
        events.parent.mkdir(parents=True, exist_ok=True)
        events.write_text(events_csv(organisation), encoding="utf-8")
        click.echo(f"\nFull event log ({len(organisation.journal.entries):,} events): {events}")


@main.command("schema")
def schema_command() -> None:
    """Print the JSON Schema of scenario files (every field, type, default and description)."""
    click.echo(json.dumps(Scenario.model_json_schema(), indent=2))
