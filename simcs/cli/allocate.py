"""`simcs allocate`: spend a budget (or a headcount) across pools where each person buys the most
of an objective; a dollar objective net of the cost of delivery (economic_value,
delivery_margin) may go without a limit, stopping when no one more person adds net value
(`simcs.planning.allocation`). Also the helpers the planning commands share (`sized_pools`,
`finite`)."""

from __future__ import annotations

import math
from pathlib import Path

import click

from simcs import __version__
from simcs.catalogue import metric
from simcs.cli.options import (
    load_scenario_file,
    maybe_report,
    out_option,
    replications_option,
    report_option,
    seed_option,
    workers_option,
    working_in,
)
from simcs.planning.allocation import Allocation, allocate
from simcs.planning.pools import check_sizable, sizable_pools, staff_cost
from simcs.planning.sizing import StaffingPlan, parse_ratios
from simcs.planning.value import NET_OBJECTIVES, is_net
from simcs.reporting.planning_files import write_allocation
from simcs.reporting.results import STORE
from simcs.reporting.tables import allocation_table, dollars
from simcs.scenario import Scenario
from simcs.scenario.staffing_file import ratio_text
from simcs.simulation.runner import default_workers

#: What `simcs allocate --objective` accepts: measures to buy with a limit, and the net dollar
#: objectives (which may go without one).
OBJECTIVES = ("grr", "nrr", "logo_retention", "support_sla_met", "arr_end", *NET_OBJECTIVES)


def sized_pools(scenario: Scenario, pools: tuple[str, ...]) -> list[str]:
    """The --pool values, each one planning may resize, or a usage error naming the option."""
    try:
        return check_sizable(scenario, pools)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--pool") from None


def finite(_ctx: click.Context, param: click.Parameter, value: float | None) -> float | None:
    """Refuse inf and nan, which FloatRange lets through."""
    if value is not None and not math.isfinite(value):
        raise click.BadParameter(f"{value} is not a finite number", param=param)
    return value


def objective_text(name: str, x: float) -> str:
    """A value of the objective: dollars for a dollar objective, else 4 decimals."""
    return dollars(name, x) if metric(name).kind == "usd" else f"{x:.4f}"


def _money_notes(result: Allocation) -> str:
    """What the dollar marginal table says, and the stopping rule."""
    label = metric(result.metric).label.lower()
    lines = [
        f"+1 person: the change in mean {label} with one more person in the pool at the "
        "allocated plan (the same seeds), NET of that person's loaded cost, which the model "
        "charges in the delivery margin (and, for economic value, in the cost to serve of the "
        "book value at the horizon's end): a positive value means the person pays for "
        "themselves. Net $ per $ of cost: that change over the person's loaded cost a year."
    ]
    if not result.limited:
        lines.append(
            "No limit: each step took the pool whose next person added the most net value, and "
            "the allocation stopped when no pool's next person added any (or at the search cap)."
        )
    return "\n".join(lines)


@click.command("allocate")
@click.argument("scenario", required=False)
@click.option(
    "--budget",
    type=click.FloatRange(0, min_open=True),
    callback=finite,
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
    type=click.Choice(OBJECTIVES),
    help="What the allocation maximises. economic_value and delivery_margin are dollars net of "
    "the cost of delivery: one more person's gain is net of their loaded cost (positive: they "
    "pay for themselves), and the limit may be left out, to add the person with the largest "
    "net gain until none adds net value (within the search cap).",
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
    most OBJECTIVE; with a net dollar objective and no limit, add people while one adds net
    value."""
    sc = load_scenario_file(scenario)
    if budget is not None and total_people is not None:
        raise click.UsageError("give exactly one of --budget and --headcount")
    if budget is None and total_people is None and not is_net(objective):
        raise click.UsageError(
            "give exactly one of --budget and --headcount (only a net dollar objective, "
            f"{' or '.join(NET_OBJECTIVES)}, may go without a limit)"
        )
    by_headcount = total_people is not None
    limit = float(total_people) if total_people is not None else budget
    if tier not in sc.scopes():
        raise click.BadParameter(
            f"unknown tier or group {tier!r} (known: {', '.join(sc.scopes())})", param_hint="--tier"
        )
    chosen = sized_pools(sc, pools) if pools else sizable_pools(sc)
    try:
        rules = parse_ratios(ratios, chosen)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--ratio") from None
    target_dir = out or Path("results") / f"allocate_{sc.name}"
    if limit is None:
        what = "no limit (until no person adds net value)"
    else:
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
            f"  +1 {what}: {objective} {objective_text(objective, iv.mean)}, staff cost "
            f"${staffing.staff_cost:,.0f}",
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
        money = metric(objective).kind == "usd"
        click.echo(allocation_table(result))
        a, b = result.value(result.start), result.value(result.final)
        people = result.people(result.final)
        half = dollars(objective, b.half_width) if money else f"{b.half_width:.4f}"
        click.echo(
            f"\n{objective}[{tier}]: {objective_text(objective, a.mean)} at the floor -> "
            f"{objective_text(objective, b.mean)} ±{half} allocated "
            f"({result.final.label(rules)}); {people:,.4g} people "
            f"in these pools, staff cost ${result.final.staff_cost:,.0f} (limit: "
            f"{what if result.limited else 'none'})."
        )
        if money:
            click.echo(_money_notes(result))
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
