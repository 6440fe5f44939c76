"""Commands that answer "how many people, where": capacity, plan, size, allocate."""

from __future__ import annotations

import math
from pathlib import Path

import click

from simcs import __version__
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
from simcs.planning.allocation import allocate
from simcs.planning.capacity import capacity_table
from simcs.planning.hiring import hiring_plan, plan_document
from simcs.planning.pools import check_sizable, sizable_pools, staff_cost
from simcs.planning.sizing import Sizer, StaffingPlan, parse_ratios, parse_target
from simcs.reporting.planning_files import (
    ratio_table,
    write_allocation,
    write_plan_file,
    write_sizing,
)
from simcs.reporting.results import STORE
from simcs.reporting.tables import (
    allocation_table,
    hiring_table,
    pool_capacity_table,
    sizing_tables,
)
from simcs.scenario import Scenario
from simcs.scenario.staffing_file import ratio_text
from simcs.simulation.runner import default_workers


def _pools(scenario: Scenario, pools: tuple[str, ...]) -> list[str]:
    """The --pool values, each one planning may resize, or a usage error naming the option."""
    try:
        return check_sizable(scenario, pools)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--pool") from None


def _finite(_ctx: click.Context, param: click.Parameter, value: float | None) -> float | None:
    """Refuse inf and nan, which FloatRange lets through."""
    if value is not None and not math.isfinite(value):
        raise click.BadParameter(f"{value} is not a finite number", param=param)
    return value


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
    replications: int,
    seed: int,
    workers: int | None,
    out: Path | None,
    backend: str,
    scheduler: str | None,
    report: bool = False,
) -> None:
    """The cheapest headcounts (or largest ratios) of POOLS whose TARGETS hold with the stated
    confidence."""
    sc = load_scenario_file(scenario)
    try:
        parsed = [parse_target(t, sc.scopes()[:-1]) for t in targets]
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--target") from None
    sized = _pools(sc, pools)
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
        click.echo(
            f"simcs {__version__}: sizing {', '.join(sized)} of '{sc.name}' to "
            f"{', '.join(map(str, parsed))} at {confidence:.0%} confidence, "
            f"{replications} replications per staffing plan (seed {seed})",
            err=True,
        )
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


@click.command("allocate")
@click.argument("scenario", required=False)
@click.option(
    "--budget",
    type=click.FloatRange(0, min_open=True),
    callback=_finite,
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
@click.option(
    "--tier",
    default="all",
    show_default=True,
    help="Tier (or customer group, group:NAME) whose objective counts.",
)
@click.option(
    "--pool",
    "-p",
    "pools",
    multiple=True,
    help="Pools to allocate [default: support, implementation, education and every "
    "CSM team with a queue].",
)
@click.option(
    "--ratio",
    "ratios",
    multiple=True,
    metavar="[POOL=]RULE",
    help="Allocate the named pool's (POOL=RULE) or every pool's (RULE) ratio rule, arr_per_person "
    "or accounts_per_person, instead of its headcount: a step is one more person at the t=0 "
    "book, the team follows the book, and the limit holds for the simulated mean staff cost "
    "(mean headcount with --headcount).",
)
@replications_option(8, minimum=2, what=" per allocation evaluated")
@seed_option
@workers_option
@out_option
@report_option
def allocate_command(
    scenario: str | None,
    budget: float | None,
    total_people: int | None,
    objective: str,
    tier: str,
    pools: tuple[str, ...],
    ratios: tuple[str, ...],
    replications: int,
    seed: int,
    workers: int | None,
    out: Path | None,
    report: bool = False,
) -> None:
    """Spend a budget (or a headcount) across pools where each person (or ratio step) buys the
    most OBJECTIVE."""
    sc = load_scenario_file(scenario)
    if (budget is None) == (total_people is None):
        raise click.UsageError("give exactly one of --budget and --headcount")
    by_headcount = total_people is not None
    limit = float(total_people) if total_people is not None else float(budget or 0.0)
    if tier not in sc.scopes():
        raise click.BadParameter(
            f"unknown tier or group {tier!r} (known: {', '.join(sc.scopes())})", param_hint="--tier"
        )
    chosen = _pools(sc, pools) if pools else sizable_pools(sc)
    try:
        rules = parse_ratios(ratios, chosen)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--ratio") from None
    target_dir = out or Path("results") / f"allocate_{sc.name}"
    what = f"{total_people} people" if by_headcount else f"${limit:,.0f} of loaded staff cost"
    click.echo(
        f"simcs {__version__}: allocating {what} over {', '.join(chosen)} of "
        f"'{sc.name}' to maximise {objective}[{tier}]; today's staff cost "
        f"${staff_cost(sc):,.0f}; {replications} replications per staffing plan",
        err=True,
    )

    def step(pool: str, staffing: StaffingPlan) -> None:
        iv, ratio = next(iter(staffing.intervals.values())), staffing.ratios.get(pool)
        what = pool if ratio is None else f"{pool} to {ratio_text(rules[pool], ratio)}"
        click.echo(
            f"  +1 {what}: {objective} {iv.mean:.4f}, staff cost ${staffing.staff_cost:,.0f}",
            err=True,
        )

    with working_in(target_dir):
        try:
            result = allocate(
                sc,
                limit,
                objective,
                replications,
                seed,
                target_dir / STORE,
                workers or default_workers(),
                chosen,
                tier,
                on_step=step,
                by_headcount=by_headcount,
                ratios=rules,
            )
        except ValueError as exc:
            option = "--headcount" if by_headcount else "--budget"
            raise click.BadParameter(str(exc), param_hint=option) from None
        write_allocation(target_dir, result, sc)
        click.echo(allocation_table(result))
        a, b = result.value(result.start), result.value(result.final)
        people = result.people(result.final)
        click.echo(
            f"\n{objective}[{tier}]: {a.mean:.4f} at the floor -> {b.mean:.4f} "
            f"±{b.half_width:.4f} allocated ({result.final.label(rules)}); {people:,.4g} people "
            f"in these pools, staff cost ${result.final.staff_cost:,.0f} (limit: {what})."
        )
        if rules:
            click.echo(
                "A ratio pool's step is one more person at the t=0 book; it follows the book, so "
                "its people and cost (~) are simulated means: the limit holds for the allocated "
                "plan's simulated mean staff cost (or mean headcount), not every year."
            )
        click.echo(
            f"Floor: each pool's analytic headcount at 100% utilisation (at most today's). "
            f"{result.evaluated} staffing plans simulated, {replications} replications each with "
            f"the same seeds (common random numbers). Results written to {target_dir}/"
        )
        maybe_report(target_dir, report)


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
