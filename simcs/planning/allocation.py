"""Allocating a staff budget across pools and tiers to maximise retention (or another metric).

Marginal analysis under common random numbers: from a floor plan (the analytic headcount of
each pool at full utilisation, never more than today's), add one person at a time to the pool
whose next person buys the most objective per dollar of loaded cost, while the budget allows
and the gain is positive. Every plan is simulated with the same seeds, so the marginal values
compare headcount, not luck. The result never exceeds the budget; the marginal value of one more
person in each pool is reported at the final plan.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from simcs.planning.capacity import capacity_table, person_cost, pool_config
from simcs.planning.sizing import Evaluation, Sizer, Target, staff_cost
from simcs.scenario import Scenario
from simcs.simulation.metrics import ALL


@dataclass
class Marginal:
    """What one more person in a pool buys at the final plan."""

    pool: str
    cost: float  # loaded cost of the person
    gain: float  # change of the objective's mean
    fits: bool  # within the budget


@dataclass
class Allocation:
    """The allocated plan, its path and the marginal values at the end."""

    budget: float
    objective: str
    start: Evaluation
    final: Evaluation
    steps: list[tuple[str, Evaluation]]
    marginals: list[Marginal]
    evaluated: int


def allocatable_pools(scenario: Scenario) -> list[str]:
    """Support, implementation, education and every tier's CSM team with a queue."""
    pools = ["support", "implementation", "education"]
    pools += [
        f"csm.{name}"
        for name, tier in scenario.tiers.items()
        if tier.coverage != "digital" and name in scenario.staff.csm
    ]
    return pools


def allocate(
    scenario: Scenario,
    budget: float,
    objective: str,
    replications: int,
    seed: int,
    store_path: str | Path,
    workers: int = 1,
    pools: list[str] | None = None,
    tier: str = ALL,
    on_step: Callable[[str, Evaluation], None] | None = None,
    by_headcount: bool = False,
) -> Allocation:
    """Spend at most `budget`: loaded staff cost a year (managers and pools not allocated
    included), or with `by_headcount` a total number of people over the allocated pools."""
    pools = pools or allocatable_pools(scenario)
    goal = Target(objective, tier, ">=", float("-inf"))  # a measure, not a constraint
    sizer = Sizer(scenario, pools, [goal], replications, seed, 0.95, store_path, workers)
    label = str(goal)

    def unit(pool: str) -> float:
        return 1.0 if by_headcount else person_cost(scenario, pool)

    def spend(e: Evaluation) -> float:
        return float(sum(e.headcounts.values())) if by_headcount else e.staff_cost

    def value(e: Evaluation) -> float:
        return e.intervals[label].mean

    free = [p for p in pools if person_cost(scenario, p) <= 0]
    if free and not by_headcount:
        raise ValueError(
            f"{', '.join(free)}: a person costs nothing here (priced per hour of work, or no "
            "OTE), so a budget cannot allocate it; allocate a headcount instead, or leave "
            "it out with --pool"
        )
    fixed = 0.0 if by_headcount else staff_cost(sizer.scenario_for(dict.fromkeys(pools, 0)))
    if fixed > budget:
        raise ValueError(
            f"the budget ${budget:,.0f} is below the cost that allocation cannot move "
            f"(managers and pools not allocated: ${fixed:,.0f})"
        )
    floor = {row.pool: row.recommended for row in capacity_table(scenario, utilization=1.0)}
    plan = {p: min(floor.get(p, 0), pool_config(scenario, p).headcount) for p in pools}
    start = current = sizer.evaluate(plan)
    while spend(current) > budget:
        # over budget even at the floor: shed the person whose loss hurts least per unit
        candidates = [p for p in pools if plan[p] > 0]
        losses = [
            (value(current) - value(sizer.evaluate({**plan, p: plan[p] - 1}))) / unit(p)
            for p in candidates
        ]
        plan[candidates[losses.index(min(losses))]] -= 1
        current = sizer.evaluate(plan)
    steps: list[tuple[str, Evaluation]] = []
    while True:
        best_pool, best_rate = None, 0.0
        for pool in pools:
            if spend(current) + unit(pool) > budget:
                continue
            trial = sizer.evaluate({**plan, pool: plan[pool] + 1})
            rate = (value(trial) - value(current)) / unit(pool)
            if rate > best_rate:
                best_pool, best_rate = pool, rate
        if best_pool is None:
            break
        plan[best_pool] += 1
        current = sizer.evaluate(plan)
        steps.append((best_pool, current))
        if on_step:
            on_step(best_pool, current)
    marginals = [
        Marginal(
            pool,
            person_cost(scenario, pool),
            value(sizer.evaluate({**plan, pool: plan[pool] + 1})) - value(current),
            spend(current) + unit(pool) <= budget,
        )
        for pool in pools
    ]
    return Allocation(
        budget=budget,
        objective=label,
        start=start,
        final=current,
        steps=steps,
        marginals=marginals,
        evaluated=len(sizer.cache),
    )
