"""Commands that answer "how many people, where": capacity, plan, size, allocate."""

from __future__ import annotations

import json
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
)
from simcs.planning.allocation import allocatable_pools, allocate
from simcs.planning.capacity import capacity_table, person_cost, pool_config
from simcs.planning.hiring import Quarter, hiring_plan
from simcs.planning.sizing import (
    Evaluation,
    Sizer,
    parse_target,
    sizing_document,
    staff_cost,
)
from simcs.reporting.tables import render
from simcs.simulation.runner import default_workers


@click.command("capacity")
@click.argument("scenario", required=False)
@sla_target_option
@utilization_option
def capacity_command(scenario: str | None, sla_target: float, utilization: float) -> None:
    """Demand, capacity and analytic headcount of every pool, before any simulation."""
    sc = load_scenario_file(scenario)
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
    "--confidence",
    default=0.95,
    show_default=True,
    type=click.FloatRange(0.5, 1, max_open=True),
    help="Confidence that each target holds (one-sided bound of the replication mean).",
)
@replications_option(10, minimum=2, what=" per plan simulated")
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
    sc = load_scenario_file(scenario)
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
    maybe_report(target_dir, report)


@click.command("allocate")
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
@replications_option(8, minimum=2, what=" per allocation evaluated")
@seed_option
@workers_option
@out_option
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
    sc = load_scenario_file(scenario)
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
def plan_command(
    scenario: str | None, quarters: int, sla_target: float, utilization: float
) -> None:
    """A quarter-by-quarter hiring plan that holds the targets as the book grows."""
    sc = load_scenario_file(scenario)
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


COMMANDS = [capacity_command, plan_command, size_command, allocate_command]
