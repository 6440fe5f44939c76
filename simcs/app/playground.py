"""The Learn page's support-desk playground: a desk of c agents fed by Poisson cases, simulated
with the real model and set against Erlang C; the utilisation trap; one customer's journey.

A teaching desk is the shipped `scenarios/mmc_validation.yaml` (one customer group, one tier,
no deflection, no abandonment, no turnover, one year) with the agents, the arrival rate and the
handle-time law overridden. The arrival rate is set exactly: `CUSTOMERS` customers each file
`rate x 2,080 / CUSTOMERS` cases a year on the 2,080-hour business clock, and their Poisson
streams add up to one Poisson stream of `rate` cases a business hour. With exponential handle
times the desk is the M/M/c queue of Erlang C:

    offered load a = lambda s, utilisation rho = a / c,
    P(wait) = C(c, a),  mean wait W_q = C(c, a) / (c mu - lambda)  (mu = 1 / s),

finite only while rho < 1. Pure logic, no Streamlit: the page (`simcs.app.views.learn`) draws.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from matplotlib.figure import Figure

from simcs.calendar import HOURS_PER_YEAR
from simcs.formulas.erlang import erlang_c, mgc_mean_wait, mmc_mean_wait
from simcs.model.guard import ReplicationAborted
from simcs.reporting.figures.style import BLUE, GREY, ORANGE, VERMILLION, new_figure, styled
from simcs.reporting.trace import pick_customers, timeline, traced_replication
from simcs.scenario import Scenario
from simcs.scenario.files import (
    ScenarioError,
    default_scenario_path,
    load_scenario,
    with_overrides,
)
from simcs.simulation.runner import run
from simcs.stats import Interval

HandleTimeLaw = Literal["exponential", "lognormal"]

#: the shipped scenario every teaching desk starts from
TEACHING_SCENARIO = "mmc_validation.yaml"
#: customers of a teaching desk: few (cheap to simulate), each filing many cases a year
CUSTOMERS = 104
#: bounds on the inputs: one replication (a simulated year) takes at most about 1 s
MAX_AGENTS = 200
MAX_ARRIVAL_RATE = 30.0  # cases per business hour: 62,400 cases a simulated year
MAX_HANDLE_HOURS = 40.0  # a working week
MIN_CV, MAX_CV = 0.1, 5.0
MIN_REPLICATIONS, MAX_REPLICATIONS = 2, 30
#: simulated cases one call may ask for (5-10 s): replications x cases a year, all desks
MAX_CASES_PER_CALL = 600_000
#: the utilisations the trap's analytic curve spans, and its simulated points by default
CURVE_FROM, CURVE_TO = 0.5, 0.95
TRAP_POINTS: tuple[float, ...] = (0.5, 0.7, 0.9)


@dataclass(frozen=True)
class Desk:
    """A support desk: `agents` agents, Poisson cases at `arrival_rate_per_hour` a business
    hour, handle times of mean `handle_hours_mean` hours (exponential, or lognormal with
    coefficient of variation `handle_time_cv`)."""

    agents: int
    arrival_rate_per_hour: float
    handle_hours_mean: float
    handle_time_law: HandleTimeLaw = "exponential"
    handle_time_cv: float = 1.0

    @property
    def offered_load_erlangs(self) -> float:
        """a = lambda s: the agents' worth of work arriving (Erlangs)."""
        return self.arrival_rate_per_hour * self.handle_hours_mean

    @property
    def utilisation(self) -> float:
        """rho = a / c: the share of agent time the work needs (>= 1: the desk cannot cope)."""
        return self.offered_load_erlangs / self.agents

    @property
    def stable(self) -> bool:
        """Whether the queue has a steady state (rho < 1)."""
        return self.utilisation < 1.0

    @property
    def cases_per_year(self) -> float:
        """Cases filed in one simulated year (2,080 business hours)."""
        return self.arrival_rate_per_hour * HOURS_PER_YEAR


@dataclass(frozen=True)
class ErlangC:
    """What Erlang C says of a desk (`math.inf` mean waits when it is unstable)."""

    p_wait: float  # C(c, a): share of cases that wait at all
    wait_hours_mean: float  # W_q = C(c, a) / (c mu - lambda), business hours
    wait_hours_mean_mgc: float  # W_q x (1 + cv^2) / 2: the M/G/c approximation
    exact: bool  # exponential handle times: Erlang C is the exact answer


@dataclass(frozen=True)
class DeskResult:
    """A desk simulated over `replications` years, with 95% intervals, next to Erlang C."""

    desk: Desk
    wait_hours: Interval  # mean wait before an agent picks a case up (business hours)
    p_wait: Interval  # share of cases that waited at all
    utilisation: Interval  # agents' busy hours over their staffed hours
    theory: ErlangC
    replications: int
    seed: int
    wall_seconds: float


@dataclass(frozen=True)
class Sweep:
    """The utilisation trap for one desk's agents and handle times: Erlang C's mean wait on a
    fine grid of utilisations, and a few simulated desks."""

    agents: int
    handle_hours_mean: float
    handle_time_cv: float
    utilisations: list[float]
    wait_hours: list[float]  # Erlang C, one per utilisation
    wait_hours_mgc: list[float]  # the M/G/c approximation, one per utilisation
    points: list[DeskResult] = field(default_factory=list)


def check_desk(desk: Desk) -> Desk:
    """The desk if the playground can simulate it quickly, else ValueError in plain words."""
    if isinstance(desk.agents, bool) or not isinstance(desk.agents, int):
        raise ValueError("The number of support agents must be a whole number.")
    if not 1 <= desk.agents <= MAX_AGENTS:
        raise ValueError(f"Support agents must be between 1 and {MAX_AGENTS}.")
    rate, handle = desk.arrival_rate_per_hour, desk.handle_hours_mean
    if not (math.isfinite(rate) and 0.0 < rate <= MAX_ARRIVAL_RATE):
        raise ValueError(
            f"Cases per business hour must be above 0 and at most {MAX_ARRIVAL_RATE:g}: more "
            "would make one simulated year too slow for the playground."
        )
    if not (math.isfinite(handle) and 0.0 < handle <= MAX_HANDLE_HOURS):
        raise ValueError(f"Mean handle time must be above 0 and at most {MAX_HANDLE_HOURS:g} h.")
    if desk.handle_time_law not in ("exponential", "lognormal"):
        raise ValueError("The handle-time distribution must be exponential or lognormal.")
    cv = desk.handle_time_cv
    if desk.handle_time_law == "lognormal" and not (math.isfinite(cv) and MIN_CV <= cv <= MAX_CV):
        raise ValueError(f"The handle-time cv must be between {MIN_CV:g} and {MAX_CV:g}.")
    return desk


def check_work(desks: Sequence[Desk], replications: int) -> None:
    """ValueError unless `replications` years of every desk stay within the playground's
    budget (`MAX_CASES_PER_CALL` simulated cases)."""
    if isinstance(replications, bool) or not isinstance(replications, int):
        raise ValueError("Replications must be a whole number.")
    if not MIN_REPLICATIONS <= replications <= MAX_REPLICATIONS:
        raise ValueError(
            f"Replications must be between {MIN_REPLICATIONS} (for an interval) and "
            f"{MAX_REPLICATIONS}."
        )
    cases = replications * sum(d.cases_per_year for d in desks)
    if cases > MAX_CASES_PER_CALL:
        raise ValueError(
            f"That would simulate {cases:,.0f} cases, over the playground's {MAX_CASES_PER_CALL:,}"
            ": use fewer replications or fewer cases per hour."
        )


def teaching_scenario() -> Scenario:
    """The shipped M/M/c validation scenario (`scenarios/mmc_validation.yaml`)."""
    return load_scenario(default_scenario_path().parent / TEACHING_SCENARIO)


def desk_scenario(desk: Desk) -> Scenario:
    """The teaching scenario overridden to `desk`: `CUSTOMERS` customers at `lambda x 2,080 /
    CUSTOMERS` cases a year each make lambda cases a business hour; agents work all 40 business
    hours of a week, so c agents are c servers."""
    check_desk(desk)
    overrides = {
        "name": "learn_desk",
        "population.book.initial_customers": CUSTOMERS,
        "population.book.cases_per_year": desk.cases_per_year / CUSTOMERS,
        "staff.support.headcount": desk.agents,
        "staff.support.productive_hours_per_week": 40,
        "support.handle_time.distribution": desk.handle_time_law,
        "support.handle_time.mean_hours": desk.handle_hours_mean,
        "support.handle_time.cv": desk.handle_time_cv,
    }
    try:
        return with_overrides(teaching_scenario(), overrides, "<learn page>")
    except ScenarioError as exc:  # cannot happen within the bounds; kept for plain words
        raise ValueError("; ".join(exc.problems)) from None


def erlang_c_desk(desk: Desk) -> ErlangC:
    """Erlang C of the desk: P(wait) = C(c, a) and W_q = C(c, a) / (c mu - lambda) (Gross et
    al., *Fundamentals of Queueing Theory*, M/M/c), exact for exponential handle times; for
    others the M/G/c approximation W_q (1 + cv^2) / 2 (Lee & Longton 1959; Allen-Cunneen with
    Poisson arrivals). Infinite mean waits and P(wait) = 1 when rho >= 1. Any desk, even one
    too large to simulate here; ValueError for no agents, no cases or no handle time."""
    c, rate, handle = desk.agents, desk.arrival_rate_per_hour, desk.handle_hours_mean
    cv = desk.handle_time_cv if desk.handle_time_law == "lognormal" else 1.0
    return ErlangC(
        p_wait=erlang_c(c, desk.offered_load_erlangs),
        wait_hours_mean=mmc_mean_wait(c, rate, handle),
        wait_hours_mean_mgc=mgc_mean_wait(c, rate, handle, cv),
        exact=desk.handle_time_law == "exponential",
    )


def stability_note(desk: Desk) -> str:
    """The desk's utilisation in words: stable, close to the wall, or without steady state."""
    rho = desk.utilisation
    share = f"{rho:.0%}" if rho >= 0.1 else f"{rho:.2%}"
    head = (
        f"Utilisation {share}: {desk.arrival_rate_per_hour:g} cases an hour x "
        f"{desk.handle_hours_mean:g} h = {desk.offered_load_erlangs:.2f} agents' worth of work "
        f"for {desk.agents} agents."
    )
    if rho >= 1.0:
        return (
            f"{head} Unstable: work arrives at least as fast as the agents can finish it, so the "
            "queue keeps growing and Erlang C has no steady state (its mean wait is infinite). "
            "The simulation still runs a year, but its waits only say how long the queue grew "
            "in that year: a longer run would show longer waits."
        )
    if rho >= 0.9:
        return f"{head} Stable, but close to the wall: small changes in load move waits a lot."
    return f"{head} Stable: Erlang C gives the long-run waits."


def simulate_desk(desk: Desk, replications: int = 5, seed: int = 1) -> DeskResult:
    """`replications` simulated years of the desk with the real model (`simcs.simulation.
    runner.run`, one process), each year's mean wait and share of cases that waited taken as
    one observation (as in tests/validation), with Student-t 95% intervals."""
    check_desk(desk)
    check_work([desk], replications)
    if seed < 0:
        raise ValueError("The seed must be a whole number of at least 0.")
    try:
        result = run(desk_scenario(desk), replications=replications, seed=seed, workers=1)
    except ReplicationAborted as exc:  # cannot happen within the bounds; kept for safety
        raise ValueError(f"The simulation stopped: {exc}") from None
    summary = result.summary(0.95)["all"]
    return DeskResult(
        desk=desk,
        wait_hours=summary["support_wait_hours_mean"],
        p_wait=summary["support_delayed_share"],
        utilisation=summary["support_utilization"],
        theory=erlang_c_desk(desk),
        replications=replications,
        seed=seed,
        wall_seconds=result.wall_seconds,
    )


def at_utilisation(desk: Desk, utilisation: float) -> Desk:
    """The same agents and handle times, with the arrival rate lambda = rho c / s that makes
    the utilisation `utilisation`."""
    return replace(desk, arrival_rate_per_hour=utilisation * desk.agents / desk.handle_hours_mean)


def curve_utilisations(desk: Desk, points: int = 91) -> list[float]:
    """`points` evenly spaced utilisations from 0.5 to 0.95, widened to take in the desk's own
    utilisation when it is stable (at most 0.99) or lower."""
    low = min(CURVE_FROM, max(0.05, desk.utilisation - 0.05))
    high = max(CURVE_TO, min(0.99, desk.utilisation)) if desk.stable else CURVE_TO
    return [low + (high - low) * k / (points - 1) for k in range(points)]


def trap_sweep(
    desk: Desk,
    simulated_utilisations: Sequence[float] = TRAP_POINTS,
    replications: int = 5,
    seed: int = 1,
) -> Sweep:
    """The utilisation trap for `desk`'s agents and handle times: W_q(rho) = C(c, a) s /
    (c - a) with a = rho c on the curve's grid, and the desk simulated at each of
    `simulated_utilisations` (each below 1; the arrival rate within the playground's bounds)."""
    check_desk(desk)
    if any(not 0.0 < rho < 1.0 for rho in simulated_utilisations):
        raise ValueError("Simulated utilisations of the sweep must be between 0 and 1.")
    desks = [at_utilisation(desk, rho) for rho in simulated_utilisations]
    for d in desks:
        if d.arrival_rate_per_hour > MAX_ARRIVAL_RATE:
            raise ValueError(
                f"At {d.utilisation:.0%} utilisation {desk.agents} agents would take "
                f"{d.arrival_rate_per_hour:,.0f} cases an hour, over the playground's "
                f"{MAX_ARRIVAL_RATE:g}: only the Erlang C curve can be drawn."
            )
    if desks:
        check_work(desks, replications)
    grid = curve_utilisations(desk)
    theory = [erlang_c_desk(at_utilisation(desk, rho)) for rho in grid]
    return Sweep(
        agents=desk.agents,
        handle_hours_mean=desk.handle_hours_mean,
        handle_time_cv=desk.handle_time_cv if desk.handle_time_law == "lognormal" else 1.0,
        utilisations=grid,
        wait_hours=[t.wait_hours_mean for t in theory],
        wait_hours_mgc=[t.wait_hours_mean_mgc for t in theory],
        points=[simulate_desk(d, replications, seed) for d in desks],
    )


def _error_bar(result: DeskResult) -> tuple[float, list[list[float]]]:
    """(mean wait in minutes, [[below], [above]]) of a simulated desk's 95% interval."""
    iv, mean = result.wait_hours, result.wait_hours.mean * 60.0
    below = 0.0 if math.isnan(iv.low) else max(mean - max(iv.low, 0.0) * 60.0, 0.0)
    above = 0.0 if math.isnan(iv.high) else max(iv.high * 60.0 - mean, 0.0)
    return mean, [[below], [above]]


@styled
def trap_figure(sweep: Sweep, chosen: DeskResult | None = None) -> Figure:
    """Mean wait (business minutes) against utilisation: Erlang C's curve, the M/G/c
    approximation when handle times are not exponential, the simulated desks with their 95%
    intervals, and the chosen desk marked (beyond the chart's top, or past rho = 1, in words)."""
    fig = new_figure(7.5, 4.4)
    ax = fig.subplots()
    minutes = [w * 60.0 for w in sweep.wait_hours]
    ax.plot(sweep.utilisations, minutes, color=BLUE, label="Erlang C (M/M/c)")
    if sweep.handle_time_cv != 1.0:
        ax.plot(
            sweep.utilisations,
            [w * 60.0 for w in sweep.wait_hours_mgc],
            color=BLUE,
            linestyle="--",
            label=f"M/G/c approximation (cv {sweep.handle_time_cv:g})",
        )
    tops = [*minutes]
    for k, point in enumerate(sweep.points):
        mean, err = _error_bar(point)
        tops.append(mean + err[1][0])
        label = "Simulated (95% interval)" if k == 0 else None
        ax.errorbar([point.desk.utilisation], [mean], yerr=err, fmt="o", color=ORANGE, label=label)
    top = 1.15 * max(tops)
    ax.axvline(1.0, color=GREY, linestyle=":", linewidth=1.0)
    if chosen is not None:
        rho = chosen.desk.utilisation
        mean, err = _error_bar(chosen)
        if chosen.desk.stable and mean + err[1][0] <= top:
            ax.errorbar(
                [rho], [mean], yerr=err, fmt="*", markersize=13, color=VERMILLION, label="Your desk"
            )
        else:
            ax.axvline(rho, color=VERMILLION, linestyle="--", label="Your desk")
            if rho > 1.0:
                ax.axvspan(1.0, rho + 0.02, color=GREY, alpha=0.12, label="No steady state")
            state = "unstable, no steady state" if not chosen.desk.stable else "off the chart"
            ax.annotate(
                f"your desk: {mean:,.0f} min simulated\n({state})",
                xy=(rho, top * 0.92),
                ha="right" if rho > 0.7 else "left",
                color=VERMILLION,
                fontsize=8.5,
            )
    ax.set_ylim(0.0, top)
    ax.set_xlabel("Utilisation \u03c1 = \u03bb\u00b7s / c (share of agent time busy)")
    ax.set_ylabel("Mean wait for an agent (business minutes)")
    ax.set_title(
        f"The utilisation trap: {sweep.agents} agents, "
        f"{sweep.handle_hours_mean * 60:g}-minute cases on average"
    )
    ax.legend(loc="upper left")
    return fig


def customer_journey(
    scenario: Scenario, seed: int = 1, customers: int = 1, replication: int = 0
) -> str:
    """The timeline of `customers` customers of one replication of `scenario` (what happened
    to each, when, and who did it: `simcs.reporting.trace`)."""
    if seed < 0:
        raise ValueError("The seed must be a whole number of at least 0.")
    if not 1 <= customers <= 20:
        raise ValueError("Show between 1 and 20 customers.")
    try:
        organisation = traced_replication(scenario, seed, replication)
    except ReplicationAborted as exc:
        raise ValueError(f"The simulation stopped: {exc}") from None
    picked = pick_customers(organisation, customers)
    if not picked:
        return "This scenario has no customers to follow."
    return timeline(organisation, picked)
