"""Growth planning: the book projected month by month, and a quarter-by-quarter hiring plan.

The book of each customer group grows by its new-logo rate and shrinks by its expected churn:
the mean base churn probability of its steady-state book under the sBG model (tenure k with
weight S(k), churn alpha / (alpha + beta + k) at tenure k), spread evenly over the year. ARR
follows customers at the t=0 book's average contract (expansion is not projected). For each
quarter, the analytic capacity model (`simcs.planning.capacity`) sizes every pool for the book
at the quarter's end (the need), so the hiring plan holds the support SLA target and the
utilisation target as the book grows. Nobody is let go: the staff on hand at a quarter's end is
the larger of last quarter's staff and the need, starting from today's headcount, and hires are
the increases. The loaded cost of a quarter is a quarter of the annual loaded cost of the people
on hand (surplus included), their managers, and the pools not sized. Check any quarter by
simulation with `simcs size`. `plan_document` writes the plan in the scenario's headcount-plan
shape (`staff.<pool>.policy.plan`), which `simcs run --staffing` applies.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from simcs.formulas.sbg import sbg_survival
from simcs.planning.capacity import capacity_table
from simcs.planning.pools import CSM_PREFIX, all_pools, pool_config, pool_cost
from simcs.scenario import Scenario
from simcs.scenario.files import with_overrides

MONTHS_PER_YEAR = 12


def expected_annual_churn(scenario: Scenario, group: str) -> float:
    """Mean base churn probability of the group's steady-state book (sBG, drivers neutral)."""
    g = scenario.population[group]
    alpha, beta = g.renewal.alpha, g.renewal.beta
    if scenario.initial_book.tenure == "new":
        return alpha / (alpha + beta)
    years = scenario.initial_book.max_tenure_years
    weights = [sbg_survival(alpha, beta, k) for k in range(years + 1)]
    return sum(w * alpha / (alpha + beta + k) for k, w in enumerate(weights)) / sum(weights)


def average_arr(scenario: Scenario, group: str) -> float:
    """The t=0 book's average contract of the group (its ARR total / customers, or the mean)."""
    g = scenario.population[group]
    if g.initial_arr_total is not None and g.initial_customers:
        return g.initial_arr_total / g.initial_customers
    return g.arr.mean


def project_book(scenario: Scenario, months: int) -> list[dict[str, float]]:
    """Customers per group at the end of each month 0..months (month 0 is t=0)."""
    book = {name: float(g.initial_customers) for name, g in scenario.population.items()}
    churn = {name: expected_annual_churn(scenario, name) for name in scenario.population}
    monthly = {name: scenario.new_logo_monthly_rates(name) for name in scenario.population}
    out = [dict(book)]
    for month in range(1, months + 1):
        for name in book:
            arrivals = monthly[name][min(month, len(monthly[name])) - 1] / MONTHS_PER_YEAR
            book[name] += arrivals - book[name] * churn[name] / MONTHS_PER_YEAR
        out.append(dict(book))
    return out


@dataclass
class Quarter:
    """One quarter of the hiring plan."""

    quarter: int
    customers: dict[str, float]  # by customer group, at the quarter's end
    arr: float
    needed: dict[str, int]  # the analytic headcount for the book at the quarter's end
    headcount: dict[str, int]  # on hand at the quarter's end: max(last quarter's, needed)
    hires: dict[str, int]  # people hired during the quarter
    loaded_cost: float  # of the people on hand, for the quarter

    @property
    def surplus(self) -> dict[str, int]:
        """People on hand beyond the need, by pool (kept on, not let go)."""
        return {p: h - self.needed[p] for p, h in self.headcount.items() if h > self.needed[p]}


def hiring_plan(
    scenario: Scenario, quarters: int, sla_target: float = 0.80, utilization: float = 0.85
) -> list[Quarter]:
    """Staff on hand per pool at each quarter's end (never below today's or last quarter's,
    at least the analytic need), the hires that takes and the quarter's loaded cost."""
    months = project_book(scenario, 3 * quarters)
    on_hand = {row.pool: row.headcount for row in capacity_table(scenario, sla_target, utilization)}
    hiring: list[Quarter] = []
    for q in range(1, quarters + 1):
        book = months[3 * q]
        year = min(scenario.horizon_years, (3 * q - 1) // MONTHS_PER_YEAR + 1)
        grown = with_overrides(
            scenario,
            {
                **{f"population.{n}.initial_customers": round(c) for n, c in book.items()},
                **{f"population.{n}.initial_arr_total": None for n in book},
                **{
                    f"population.{n}.new_logos_per_year": scenario.new_logo_rate(n, year)
                    for n in book
                },
                **{f"population.{n}.new_logo_growth_per_month": 0.0 for n in book},
            },
            f"quarter {q}",
        )
        needed = {
            row.pool: row.recommended for row in capacity_table(grown, sla_target, utilization)
        }
        headcount = {p: max(on_hand[p], n) for p, n in needed.items()}
        hires = {p: headcount[p] - on_hand[p] for p in needed}
        cost = 0.0
        for pool in all_pools(scenario):  # sized pools as hired, the others as they are
            config = pool_config(scenario, pool)
            cost += pool_cost(config, headcount.get(pool, config.headcount))
        hiring.append(
            Quarter(
                quarter=q,
                customers=book,
                arr=sum(c * average_arr(scenario, n) for n, c in book.items()),
                needed=needed,
                headcount=headcount,
                hires=hires,
                loaded_cost=cost / 4.0,
            )
        )
        on_hand = headcount
    return hiring


def plan_steps(quarters: list[Quarter], pool: str) -> list[dict[str, int]]:
    """The pool's headcount-plan steps: the staff on hand at a quarter's end, on payroll from
    the quarter's start (`quarter: q`), for quarter 1 and each quarter where it changes."""
    steps: list[dict[str, int]] = []
    for q in quarters:
        if not steps or q.headcount[pool] != steps[-1]["headcount"]:
            steps.append({"quarter": q.quarter, "headcount": q.headcount[pool]})
    return steps


def plan_document(scenario: Scenario, quarters: list[Quarter]) -> dict[str, Any]:
    """The hiring plan as a headcount-plan file: `staff.<pool>.policy.plan` for every pool the
    plan sizes (CSM teams under `staff.csm.<tier>`), in the scenario's pool order."""
    planned = quarters[0].headcount if quarters else {}
    staff: dict[str, Any] = {}
    for pool in all_pools(scenario):
        if pool not in planned:
            continue
        entry = {"policy": {"plan": plan_steps(quarters, pool)}}
        if pool.startswith(CSM_PREFIX):
            staff.setdefault("csm", {})[pool.removeprefix(CSM_PREFIX)] = entry
        else:
            staff[pool] = entry
    return {"staff": staff}
