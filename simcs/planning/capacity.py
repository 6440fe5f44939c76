"""Analytic capacity of a scenario's staff pools, before any simulation.

For each pool: the work the book asks for in a year (hours), the hours the pool can give, the
utilisation that implies, and the analytic headcount for a target:
- support: the case arrival rate of the mid-year book (live customers x cases a year, less the
  trained and the deflected) and the handle time give the offered load; the headcount is the
  smallest c whose Erlang C service level, averaged over tiers by case volume with each tier's
  own SLA, reaches the target (FCFS: tier priority is ignored, so this is slightly conservative
  for the first tiers and optimistic for the last);
- CSM teams, implementation consultants, educators: workload hours (cadence touches, renewal
  reviews, Smooth Transition tasks; implementation packages; classes) against productive hours,
  staffed to a target utilisation.
Staff turnover is allowed for as in the simulation (`simcs.model.staffing`): a person stays an
exponential time, the seat is empty for the hiring lag, the new hire works at half speed for the
ramp. Over the long run a seat is filled a share `seat_present_share` of the time and a filled
seat works at `seat_speed` on average (renewal-reward over one tenure and one vacancy). The
workload pools give `seat_availability` (their product) of their nominal hours; the support
desk's service level is Erlang C averaged over how many of its seats are filled (independent
seats, binomial), with handle times stretched by the mean speed: vacancies last weeks and cases
minutes, so the desk is treated as in equilibrium for each number of agents present. These are
long-run figures; a simulation starts with every seat filled, and is better off than the long run
for as long as its first holders stay (at 30% attrition a year, three in four are still there
after a year).

Still left out, and the reason the simulation can ask for more: priorities between tiers,
handle times more variable than exponential, the book changing through the year, and the
backlog a vacancy leaves behind. These are first guesses for `simcs size`, which checks them by
simulation.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy.stats import binom

from simcs.calendar import HOURS_PER_WEEK, HOURS_PER_YEAR, WEEKS_PER_YEAR
from simcs.formulas.deflection import effective_deflection
from simcs.formulas.erlang import mmc_service_level
from simcs.planning.book import by_tier
from simcs.planning.pools import csm_pool
from simcs.scenario import Scenario, StaffPool

#: The largest support desk the analytic search considers.
MAX_AGENTS = 100_000


@dataclass(frozen=True, slots=True)
class PoolCapacity:
    """Demand against capacity for one pool, and the analytic headcount for the target."""

    pool: str
    headcount: int
    demand_hours: float  # work asked for in a year
    capacity_hours: float  # productive hours the headcount gives in a year, turnover allowed for
    recommended: int
    basis: str
    availability: float  # share of nominal seat hours given (vacancies, ramp)

    @property
    def utilization(self) -> float:
        """Demand / capacity (above 1: the pool cannot keep up)."""
        return self.demand_hours / self.capacity_hours if self.capacity_hours > 0 else math.inf


def productive_hours_per_year(pool: StaffPool) -> float:
    """Hours of pool work one person gives in a year, with the seat always filled."""
    return pool.productive_hours_per_week * WEEKS_PER_YEAR


def seat_present_share(pool: StaffPool) -> float:
    """Long-run share of time a seat is filled: T / (T + L), for a mean tenure T = 1 / attrition
    and an empty seat for the hiring lag L after each departure (renewal-reward theorem)."""
    if pool.attrition_per_year <= 0:
        return 1.0
    tenure = HOURS_PER_YEAR / pool.attrition_per_year
    return tenure / (tenure + pool.hiring_lag_weeks * HOURS_PER_WEEK)


def seat_speed(pool: StaffPool) -> float:
    """Mean working speed of a filled seat: a new hire works at half speed for the ramp R, so a
    tenure X ~ Exp(mean T) loses min(X, R) / 2 of full-speed time, and
    E[min(X, R)] = T (1 - exp(-R / T)): speed = 1 - (1 - exp(-R / T)) / 2."""
    if pool.attrition_per_year <= 0 or pool.ramp_weeks <= 0:
        return 1.0
    tenure = HOURS_PER_YEAR / pool.attrition_per_year
    return 1.0 - (1.0 - math.exp(-pool.ramp_weeks * HOURS_PER_WEEK / tenure)) / 2.0


def seat_availability(pool: StaffPool) -> float:
    """Long-run share of a seat's nominal hours actually given: filled share x mean speed."""
    return seat_present_share(pool) * seat_speed(pool)


def mid_year_book(scenario: Scenario) -> dict[str, float]:
    """The t=0 book plus half of year 1's new logos, by customer group."""
    return {
        name: g.initial_customers + scenario.new_logo_rate(name, 1) / 2.0
        for name, g in scenario.population.items()
    }


def mid_year_customers(scenario: Scenario, tier: str) -> float:
    """The t=0 book plus half of year 1's new logos (a mid-year estimate of the tier)."""
    return by_tier(scenario, mid_year_book(scenario))[tier]


def champion_departures(scenario: Scenario) -> dict[str, float]:
    """Champion departures a year in the mid-year book, by tier (each group at its own rate)."""
    default = scenario.champions.departure_rate_per_year
    rates = {
        name: default if g.champion_departures_per_year is None else g.champion_departures_per_year
        for name, g in scenario.population.items()
    }
    return by_tier(scenario, {g: n * rates[g] for g, n in mid_year_book(scenario).items()})


def new_logos_by_tier(scenario: Scenario, year: int = 1) -> dict[str, float]:
    """New logos a year by the tier that will serve them."""
    return by_tier(scenario, {g: scenario.new_logo_rate(g, year) for g in scenario.population})


def case_rates(scenario: Scenario) -> dict[str, float]:
    """Cases reaching agents per business hour, by tier (after training and deflection)."""
    levers = scenario.levers
    deflection = effective_deflection(
        levers.self_service_deflection,
        levers.content_council.enabled,
        levers.content_council.extra_deflection,
    )
    # the t=0 book's trained users count as instructor-led trained (full case reduction)
    trained = scenario.initial_book.trained_share * scenario.training.case_reduction
    book = mid_year_book(scenario)
    cases = {g: n * scenario.population[g].cases_per_year for g, n in book.items()}
    return {
        name: cases_in_tier * (1.0 - trained) * (1.0 - deflection) / HOURS_PER_YEAR
        for name, cases_in_tier in by_tier(scenario, cases).items()
    }


def _agent_service_hours(scenario: Scenario) -> float:
    """Business hours an agent is taken by a case: the handle time over the share of the
    week's hours the agent gives to cases."""
    pool = scenario.staff.support
    return scenario.support.handle_time.mean_hours / (
        pool.productive_hours_per_week / HOURS_PER_WEEK
    )


def support_service_level(scenario: Scenario, agents: int, turnover: bool = True) -> float:
    """Case-weighted Erlang C share of cases reaching an agent within their tier's SLA.

    With `turnover` (and attrition in the scenario), the Erlang C level for k agents present is
    averaged over k ~ Binomial(agents, seat_present_share), handle times divided by
    `seat_speed`; without, every seat is always filled (the plain M/M/c queue).
    """
    rates = case_rates(scenario)
    total = sum(rates.values())
    if total <= 0:
        return 1.0
    if agents <= 0:
        return 0.0
    pool = scenario.staff.support
    service = _agent_service_hours(scenario)

    def level(present: int, mean_service: float) -> float:
        if present <= 0:
            return 0.0
        return sum(
            rate
            / total
            * mmc_service_level(present, total, mean_service, scenario.tiers[t].support.sla_hours)
            for t, rate in rates.items()
        )

    filled = seat_present_share(pool) if turnover else 1.0
    if filled >= 1.0:
        return level(agents, service)
    stretched = service / seat_speed(pool)
    return sum(float(binom.pmf(k, agents, filled)) * level(k, stretched) for k in range(agents + 1))


def support_agents_for(scenario: Scenario, target: float, turnover: bool = True) -> int:
    """Smallest headcount whose analytic service level reaches `target` (0 < target < 1).

    The search starts at the first headcount above the offered load: with fewer agents than
    Erlangs the queue is unstable and no case is answered within its SLA.
    """
    if not target < 1.0:  # NaN too
        raise ValueError(f"a service-level target must be below 1, got {target}")
    if target <= 0.0:
        return 1
    offered_load = sum(case_rates(scenario).values()) * _agent_service_hours(scenario)
    agents = max(1, math.floor(offered_load) + 1)
    while support_service_level(scenario, agents, turnover) < target:
        agents += 1
        if agents > MAX_AGENTS:
            raise ValueError(f"no headcount up to {MAX_AGENTS:,} reaches the target")
    return agents


def _staffed(demand: float, pool: StaffPool, utilization: float) -> int:
    per_person = productive_hours_per_year(pool) * seat_availability(pool) * utilization
    return math.ceil(demand / per_person - 1e-9) if demand > 0 else 0


def _row(name: str, pool: StaffPool, demand: float, recommended: int, basis: str) -> PoolCapacity:
    """A pool's line: its hours given are headcount x productive hours x seat availability."""
    available = seat_availability(pool)
    hours = pool.headcount * productive_hours_per_year(pool) * available
    return PoolCapacity(name, pool.headcount, demand, hours, recommended, basis, available)


def capacity_table(
    scenario: Scenario, sla_target: float = 0.80, utilization: float = 0.85
) -> list[PoolCapacity]:
    """Every pool's demand, capacity and analytic headcount (support to `sla_target` met
    within SLA, the others to `utilization`)."""
    staff = scenario.staff
    out: list[PoolCapacity] = []
    support = staff.support
    rates = case_rates(scenario)
    demand = sum(rates.values()) * HOURS_PER_YEAR * scenario.support.handle_time.mean_hours
    out.append(
        _row(
            "support",
            support,
            demand,
            support_agents_for(scenario, sla_target) if demand > 0 else 0,
            f"Erlang C: {sla_target:.0%} of cases within their tier's SLA",
        )
    )
    play = scenario.levers.smooth_transition
    departures = champion_departures(scenario)
    for name, tier in scenario.tiers.items():
        pool = staff.csm.get(name)
        if pool is None or tier.coverage == "digital":
            continue
        per_customer = tier.cadence.touches_per_year * tier.cadence.hours_per_touch
        if tier.renewal_review is not None:
            per_customer += tier.renewal_review.hours
        demand = mid_year_customers(scenario, name) * per_customer
        if play.enabled:
            demand += departures[name] * play.csm_hours
        out.append(
            _row(
                csm_pool(name),
                pool,
                demand,
                _staffed(demand, pool, utilization),
                f"workload at {utilization:.0%} utilisation",
            )
        )
    ps = staff.implementation
    share_in_house = 1.0
    if scenario.levers.partner_delivery.enabled:
        share_in_house -= scenario.levers.partner_delivery.share
    demand = share_in_house * sum(
        scenario.new_logo_rate(n, 1) * g.implementation_hours
        for n, g in scenario.population.items()
    )
    out.append(
        _row(
            "implementation",
            ps,
            demand,
            _staffed(demand, ps, utilization),
            f"implementation hours at {utilization:.0%} utilisation",
        )
    )
    edu = staff.education
    logos = new_logos_by_tier(scenario)
    trainees = sum(
        (logos[n] + departures[n]) * t.training.propensity * t.training.instructor_led_share
        for n, t in scenario.tiers.items()
    )
    demand = trainees / edu.seats_per_class * edu.hours_per_class
    out.append(
        _row(
            "education",
            edu,
            demand,
            _staffed(demand, edu, utilization),
            f"class hours (full classes of {edu.seats_per_class}) at {utilization:.0%}",
        )
    )
    return out
