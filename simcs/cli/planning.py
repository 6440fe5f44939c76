"""Commands that answer "how many people, where": capacity, plan, size, allocate (the last in
`simcs.cli.allocate`)."""

from __future__ import annotations

from pathlib import Path

import click

from simcs import __version__
from simcs.cli.allocate import allocate_command, sized_pools
from simcs.cli.options import (
    backend_option,
    load_scenario_file,
    maybe_report,
    out_option,
    replications_option,
    report_option,
    scheduler_option,
    seed_option,
    sla_target_option,
    utilization_option,
    workers_option,
    working_in,
)
from simcs.planning.capacity import capacity_table
from simcs.planning.hiring import hiring_plan, plan_document
from simcs.planning.sizing import Sizer, SizingResult, Target, parse_ratios, parse_target
from simcs.planning.value import NET_OBJECTIVES, Maximum, maximise, parse_objective
from simcs.reporting.planning_files import (
    dollars,
    maximum_table,
    ratio_table,
    write_plan_file,
    write_sizing,
)
from simcs.reporting.results import STORE
from simcs.reporting.tables import hiring_table, pool_capacity_table, sizing_tables
from simcs.simulation.runner import default_workers


@click.command("capacity")
@click.argument("scenario", required=False)
@sla_target_option
@utilization_option
def capacity_command(scenario: str | None, sla_target: float, utilization: float) -> None:
    """Demand, capacity and analytic headcount of every pool, before any simulation."""
    sc = load_scenario_file(scenario)
    click.echo(pool_capacity_table(capacity_table(sc, sla_target, utilization)))
    click.echo(
        "\nDemand from the mid-year book (t=0 customers plus half of year 1's new logos);"
        " capacity = headcount x productive hours a week x 52 x available, the long-run share of"
        " a seat's hours given with attrition (seats empty for the hiring lag, new hires at half"
        " speed while they ramp); Erlang C allows for the same. Priorities, handle-time spread"
        " and backlogs are left to the simulation: check with `simcs size`."
    )


@click.command("size")
@click.argument("scenario", required=False)
@click.option(
    "--target",
    "-t",
    "targets",
    multiple=True,
    help="METRIC[TIER]>=VALUE or <=VALUE, e.g. 'support_sla_met>=0.8', "
    "'grr[enterprise]>=0.92', 'delivery_margin>=5e6' (dollars); repeat for several. Required "
    "unless --maximise is given (then they are constraints).",
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
    "--ratio",
    "ratios",
    multiple=True,
    metavar="[POOL=]RULE",
    help="Size a ratio rule of the pool's staffing policy instead of its headcount: RULE is "
    "arr_per_person or accounts_per_person, for the --pool named (POOL=RULE) or every one "
    "(RULE). The pool starts with the people the ratio staffs for the t=0 book and follows the "
    "ratio as the book changes; the search finds the largest ratio whose targets hold.",
)
@click.option(
    "--confidence",
    default=0.95,
    show_default=True,
    type=click.FloatRange(0.5, 1, max_open=True),
    help="Confidence that each target holds (one-sided bound of the replication mean).",
)
@click.option(
    "--maximise",
    "maximised",
    metavar="METRIC[SCOPE]",
    help=f"Instead of the cheapest plan meeting the targets: the level of the one --pool with "
    f"the largest mean METRIC, a dollar objective net of the cost of delivery "
    f"({', '.join(NET_OBJECTIVES)}; [TIER] or [group:NAME] optional). Levels are searched from "
    "the analytic start, one at a time each way, two past the best, within the search cap, "
    "with the same seeds; any --target is a constraint the best level must meet.",
)
@replications_option(10, minimum=2, what=" per staffing plan simulated")
@seed_option
@workers_option
@out_option
@backend_option
@scheduler_option
@report_option
def size_command(
    scenario: str | None,
    targets: tuple[str, ...],
    pools: tuple[str, ...],
    ratios: tuple[str, ...],
    confidence: float,
    maximised: str | None,
    replications: int,
    seed: int,
    workers: int | None,
    out: Path | None,
    backend: str,
    scheduler: str | None,
    report: bool = False,
) -> None:
    """The cheapest headcounts (or largest ratios) of POOLS whose TARGETS hold with the stated
    confidence (with --maximise: the level of one pool with the largest mean dollar value)."""
    sc = load_scenario_file(scenario)
    if not targets and maximised is None:
        raise click.UsageError("give at least one --target (or --maximise)")
    try:
        parsed = [parse_target(t, sc.scopes()[:-1]) for t in targets]
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--target") from None
    sized = sized_pools(sc, pools)
    goal = None
    if maximised is not None:
        try:
            goal = parse_objective(maximised, sc.scopes()[:-1])
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--maximise") from None
        if len(sized) != 1:
            raise click.BadParameter(
                "--maximise searches the level of one pool", param_hint="--pool"
            )
        parsed.append(goal)
    target_dir = out or Path("results") / f"size_{sc.name}"
    try:
        rules = parse_ratios(ratios, sized)
        sizer = Sizer(
            sc,
            sized,
            parsed,
            replications,
            seed,
            confidence,
            target_dir / STORE,
            workers or default_workers(),
            backend,
            scheduler,
            ratios=rules,
        )
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--ratio") from None
    with working_in(target_dir):
        aim = f"maximise {goal}" if goal is not None else ""
        click.echo(
            f"simcs {__version__}: sizing {', '.join(sized)} of '{sc.name}' to "
            f"{', '.join([aim] if aim else []) or ', '.join(map(str, parsed))}"
            f"{' subject to ' + ', '.join(map(str, parsed[:-1])) if aim and parsed[:-1] else ''}"
            f" at {confidence:.0%} confidence, {replications} replications per staffing plan "
            f"(seed {seed})",
            err=True,
        )
        if goal is not None:
            _maximise(sizer, goal, target_dir, report)
            return
        result = sizer.search()
        write_sizing(target_dir, sizer, result)
        click.echo(sizing_tables(sizer, result))
        if sizer.ratios:
            click.echo(f"\n{ratio_table(sizer, result)}")
        if result.best is None:
            click.echo(
                "\nNo staffing plan within the search bounds meets every target: see the staffing "
                "plans above."
            )
        else:
            click.echo(
                "\nFirst row: the cheapest staffing plan found whose targets all hold; then its "
                "neighbours (one person fewer or more in each pool), so the frontier is "
                "visible."
            )
        if sizer.ratios:
            click.echo(
                "A pool sized by a ratio shows the people its ratio staffs for the t=0 book (it "
                "starts with them); the ratio table gives the ratio and the mean headcount over "
                "the measurement years, at which its staff cost is counted."
            )
        click.echo(
            f"Searched {result.evaluated} staffing plans, {replications} replications each, the "
            f"same seeds for every one (common random numbers); a target holds when its one-sided "
            f"{confidence:.0%} bound (shown) clears it. Store: {target_dir / STORE}"
        )
        maybe_report(target_dir, report)


def _maximise(sizer: Sizer, goal: Target, target_dir: Path, report: bool) -> None:
    """`simcs size --maximise`: search, write sizing.json, print the levels and the best."""
    found = maximise(sizer, goal)
    result = SizingResult(
        start={found.pool: found.start},
        best=found.best,
        neighbours=found.neighbours,
        evaluated=found.evaluated,
        replications=sizer.replications,
        confidence=sizer.confidence,
    )
    write_sizing(target_dir, sizer, result, found)
    click.echo(maximum_table(found, sizer))
    if sizer.ratios:
        click.echo(f"\n{ratio_table(sizer, result)}")
    click.echo(f"\n{_maximum_text(found, sizer)}")
    constraints = [str(t) for t in sizer.targets if t is not goal]
    click.echo(
        f"{goal.metric} is in dollars net of the cost of delivery (every pool's loaded cost), so "
        "one person more or fewer changes it by what they bring in less what they cost; "
        "vs best: the difference of means from the best level, with the same seeds (common "
        "random numbers), so it compares staffing, not luck."
        + (
            f" The best level is the largest mean among those where {', '.join(constraints)} "
            f"hold{'s' if len(constraints) == 1 else ''} at {sizer.confidence:.0%} confidence."
            if constraints
            else ""
        )
    )
    click.echo(
        f"Searched {found.evaluated} levels from the analytic start ({found.pool}="
        f"{found.start}), {sizer.replications} replications each, until two levels past the "
        f"best in each direction did not beat it (or the search cap). Store: "
        f"{target_dir / STORE}"
    )
    maybe_report(target_dir, report)


def _maximum_text(found: Maximum, sizer: Sizer) -> str:
    """'economic_value is largest at support=7: $X ±$Y; one fewer: -$..., one more: -$...'."""
    name, best = found.objective.metric, found.best
    if best is None:
        return "No level within the search bounds meets every target: see the levels above."
    iv = found.value(best)
    words = {-1: "one fewer", 1: "one more"}
    around = [
        f"{words[found.level(p) - found.level(best)]} ({p.label(sizer.ratios)}): "
        f"{dollars(name, found.value(p).mean - iv.mean, signed=True)}"
        for p in found.neighbours
    ]
    return (
        f"{found.objective} is largest at {best.label(sizer.ratios)}: {dollars(name, iv.mean)} "
        f"±{dollars(name, iv.half_width)} (95%), staff cost ${best.staff_cost:,.0f} a year"
        + (f"; {', '.join(around)}." if around else ".")
    )


@click.command("plan")
@click.argument("scenario", required=False)
@click.option(
    "--quarters",
    "-q",
    default=8,
    show_default=True,
    type=click.IntRange(1, 40),
    help="Quarters to plan ahead.",
)
@sla_target_option
@utilization_option
@click.option(
    "--write",
    "write",
    default=None,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the plan here as a headcount-plan file (staff.<pool>.policy.plan, a step "
    "for quarter 1 and each quarter the staff changes), to run with `simcs run SCENARIO "
    "--staffing FILE`.",
)
def plan_command(
    scenario: str | None,
    quarters: int,
    sla_target: float,
    utilization: float,
    write: Path | None = None,
) -> None:
    """A quarter-by-quarter hiring plan that holds the targets as the book grows (--write saves
    it as a headcount-plan file for `simcs run --staffing`)."""
    sc = load_scenario_file(scenario)
    plan = hiring_plan(sc, quarters, sla_target, utilization)
    click.echo(hiring_table(plan))
    click.echo(
        f"\nStaff on hand at each quarter's end, hires in brackets, for {sla_target:.0%} of "
        f"cases within SLA (Erlang C) and {utilization:.0%} utilisation of CSM, implementation "
        "and education hours. Nobody is let go: a pool never falls below today's staff or last "
        "quarter's, and 'need N' marks one with more people than the book needs. The book grows "
        "by new logos and shrinks by the sBG expected churn of its steady-state book; ARR at the "
        "t=0 average contract. Loaded cost is that of the people on hand, with managers and the "
        "pools not sized here. Check a quarter by simulation with `simcs size`."
    )
    if write is not None:
        source = scenario or "the built-in baseline"
        header = [
            f"Headcount plan written by simcs plan from scenario '{sc.name}' ({quarters} "
            f"quarters, SLA target {sla_target:g}, utilisation {utilization:g})",
            "A pool's staff on hand at a quarter's end is on payroll from the quarter's start "
            "(hired a hiring lag ahead; quarter 1's hires arrive a hiring lag after t=0).",
            f"Run it: simcs run {f'{scenario} ' if scenario else ''}--staffing {write}",
        ]
        try:
            write_plan_file(write, plan_document(sc, plan), header)
        except OSError as exc:
            raise click.BadParameter(
                f"cannot write {write}: {exc.strerror or exc}", param_hint="--write"
            ) from None
        click.echo(f"Headcount plan of {source} written to {write}")


COMMANDS = [capacity_command, plan_command, size_command, allocate_command]
