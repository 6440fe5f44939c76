"""Allocating a staff budget across pools and tiers to maximise retention (or another metric).

Marginal analysis under common random numbers: from a floor staffing plan (the analytic
headcount of each pool at full utilisation, never more than today's), add one person at a time to
the pool whose next person buys the most objective per dollar of loaded cost, while the budget
allows and the gain is positive. Every staffing plan is simulated with the same seeds, so the
marginal values compare headcount, not luck. The result never exceeds the budget; the marginal
value of one more person in each pool is reported at the final staffing plan. The search is
bounded whatever the budget: no pool grows beyond `search_cap` of the larger of today's
headcount and its floor.

Allocation moves headcounts only, not the ratio rules `simcs size --ratio` sizes: a ratio's
team grows with the book, so the cost of one more step of a ratio is known only after
simulating it (a mean over replications and years, not a price), and the allocation could no
longer promise to stay within the budget nor rank its steps by a known cost per person.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from simcs.catalogue import ALL, METRICS
from simcs.planning.capacity import capacity_table
from simcs.planning.pools import person_cost, pool_config, sizable_pools, staff_cost
from simcs.planning.sizing import Sizer, StaffingPlan, Target, search_cap
from simcs.scenario import Scenario
from simcs.stats import Interval


@dataclass
class Marginal:
    """What one more person in a pool buys at the final staffing plan."""

    pool: str
    cost: float  # loaded cost of the person, USD a year
    gain: float  # change of the objective's mean
    fits: bool  # within the budget

    @property
    def gain_per_million(self) -> float:
        """The gain per $1M a year of loaded cost (NaN for a person who costs nothing)."""
        return self.gain / self.cost * 1e6 if self.cost > 0 else math.nan


@dataclass
class Allocation:
    """The allocated staffing plan, its path and the marginal values at the end."""

    budget: float  # USD a year of loaded staff cost, or people with `by_headcount`
    by_headcount: bool
    metric: str  # what is maximised ...
    tier: str  # ... for which tier (or all)
    objective: str  # the key of the objective in each staffing plan's intervals
    pools: list[str]  # allocated, in order
    replications: int  # per staffing plan, the same seeds for every one
    seed: int
    now: dict[str, int]  # today's headcount of each allocated pool
    start: StaffingPlan  # the floor
    final: StaffingPlan
    steps: list[tuple[str, StaffingPlan]]
    marginals: list[Marginal]
    evaluated: int

    def value(self, staffing: StaffingPlan) -> Interval:
        """The objective's interval for a staffing plan."""
        return staffing.intervals[self.objective]


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
    on_step: Callable[[str, StaffingPlan], None] | None = None,
    by_headcount: bool = False,
) -> Allocation:
    """Spend at most `budget`: loaded staff cost a year (managers and pools not allocated
    included), or with `by_headcount` a total number of people over the allocated pools."""
    pools = pools or sizable_pools(scenario)
    if objective not in METRICS:
        raise ValueError(f"unknown objective {objective!r}: not a metric")
    known = scenario.scopes()
    if tier not in known:
        raise ValueError(f"unknown tier or group {tier!r} (known: {', '.join(known)})")
    if not math.isfinite(budget) or budget < 0:
        raise ValueError(f"the limit must be a finite number, at least 0, not {budget}")
    goal = Target(objective, tier, ">=", float("-inf"))  # a measure, not a constraint
    sizer = Sizer(scenario, pools, [goal], replications, seed, 0.95, store_path, workers)
    pools = sizer.pools
    label = str(goal)

    def unit(pool: str) -> float:
        return 1.0 if by_headcount else person_cost(scenario, pool)

    def spend(e: StaffingPlan) -> float:
        return float(sum(e.headcounts.values())) if by_headcount else e.staff_cost

    def value(e: StaffingPlan) -> float:
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
    now = {p: pool_config(scenario, p).headcount for p in pools}
    floor = {row.pool: row.recommended for row in capacity_table(scenario, utilization=1.0)}
    staffing = {p: min(floor.get(p, 0), now[p]) for p in pools}
    caps = {p: search_cap(max(now[p], staffing[p])) for p in pools}
    start = current = sizer.evaluate(staffing)
    while spend(current) > budget:
        # over budget even at the floor: shed the person whose loss hurts least per unit
        candidates = [p for p in pools if staffing[p] > 0]
        losses = [
            (value(current) - value(sizer.evaluate({**staffing, p: staffing[p] - 1}))) / unit(p)
            for p in candidates
        ]
        staffing[candidates[losses.index(min(losses))]] -= 1
        current = sizer.evaluate(staffing)
    steps: list[tuple[str, StaffingPlan]] = []
    while True:
        best_pool, best_rate = None, 0.0
        for pool in pools:
            if spend(current) + unit(pool) > budget or staffing[pool] >= caps[pool]:
                continue
            trial = sizer.evaluate({**staffing, pool: staffing[pool] + 1})
            rate = (value(trial) - value(current)) / unit(pool)
            if rate > best_rate:
                best_pool, best_rate = pool, rate
        if best_pool is None:
            break
        staffing[best_pool] += 1
        current = sizer.evaluate(staffing)
        steps.append((best_pool, current))
        if on_step:
            on_step(best_pool, current)
    marginals = [
        Marginal(
            pool,
            person_cost(scenario, pool),
            value(sizer.evaluate({**staffing, pool: staffing[pool] + 1})) - value(current),
            spend(current) + unit(pool) <= budget,
        )
        for pool in pools
    ]
    return Allocation(
        budget=budget,
        by_headcount=by_headcount,
        metric=objective,
        tier=tier,
        objective=label,
        pools=list(pools),
        replications=replications,
        seed=seed,
        now=now,
        start=start,
        final=current,
        steps=steps,
        marginals=marginals,
        evaluated=len(sizer.cache),
    )
