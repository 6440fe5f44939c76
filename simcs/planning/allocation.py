"""Allocating a staff budget across pools and tiers to maximise retention (or another metric,
or the dollars the organisation is worth).

Marginal analysis under common random numbers: from a floor staffing plan (the analytic
headcount of each pool at full utilisation, never more than today's), add one step at a time to
the pool whose next step buys the most objective per dollar of loaded cost, while the budget
allows and the gain is positive. Every staffing plan is simulated with the same seeds, so the
marginal values compare staffing, not luck. The marginal value of one more step in each pool is
reported at the final staffing plan. The search is bounded whatever the budget: no pool grows
beyond `search_cap` of the larger of today's headcount and its floor.

A pool's step is one person, at its loaded cost. A pool may instead be allocated a ratio rule
of its staffing policy (`ratios`, as `simcs size --ratio`; see `simcs.planning.sizing`): its
level h is the ratio that staffs h people for the expected t=0 book, so a step is one more
person at that book (a smaller ratio), and the team then follows the book. Such a step has no
price: its cost is the simulated mean loaded cost a year (mean headcount over the measurement
years x a person's loaded cost), known once the candidate is simulated. Allocation simulates
every candidate before choosing anyway, so a candidate whose simulated staff cost exceeds the
budget is not taken and the gain per dollar of a ratio step uses its simulated cost increase.
The guarantee: without a ratio pool the allocated plan's staff cost never exceeds the budget
(exact, people at their loaded cost); with one, its simulated mean staff cost is within the
budget (a mean over replications and years, not a bound on every year), and every candidate's
simulated cost is checked, since any step moves the book and so the ratio team. With
`by_headcount`, a ratio pool's people are its simulated mean headcount.

A dollar objective net of the cost of delivery (`economic_value`, `delivery_margin`; see
`simcs.planning.value`) already charges each person's loaded cost, so a step's gain is the net
dollar value of one more person: positive when the person pays for themselves. The stopping
rule is the same (no step with a positive gain), and for such an objective it means "stop when
no one more person adds net value", which needs no budget: the limit may be left out (`budget`
None), and the allocation then takes, at each step, the step with the largest net gain (not per
dollar: money is then no constraint, the net value is the measure), still bounded by
`search_cap`. With a limit, a net objective is allocated like any other (the most net gain per
dollar of limit, while the limit allows and the gain is positive). The marginal table's gain per
dollar of a dollar objective is net dollars (present value for `economic_value`) per dollar of
the person's loaded cost a year.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from simcs.catalogue import ALL, METRICS
from simcs.planning.capacity import capacity_table
from simcs.planning.pools import person_cost, pool_config, sizable_pools, staff_cost
from simcs.planning.sizing import Sizer, StaffingPlan, search_cap
from simcs.planning.value import NET_OBJECTIVES, is_net, measure
from simcs.scenario import Scenario
from simcs.stats import Interval


@dataclass
class Marginal:
    """What one more person (a ratio pool: one more level) buys at the final staffing plan."""

    pool: str
    cost: float  # loaded cost of the person, USD a year (a ratio pool: the simulated increase)
    gain: float  # change of the objective's mean
    fits: bool  # within the budget (a ratio pool, or any pool beside one: as simulated)
    ratio: bool = False  # the pool is allocated a ratio rule, so its cost was simulated

    @property
    def gain_per_million(self) -> float:
        """The gain per $1M a year of loaded cost (NaN for a person who costs nothing)."""
        return self.gain / self.cost * 1e6 if self.cost > 0 else math.nan

    @property
    def gain_per_dollar(self) -> float:
        """The gain per dollar a year of loaded cost (NaN for a person who costs nothing): for a
        dollar objective, net dollars per dollar of the person's cost."""
        return self.gain / self.cost if self.cost > 0 else math.nan


@dataclass
class Allocation:
    """The allocated staffing plan, its path and the marginal values at the end."""

    budget: float  # USD a year of loaded staff cost, or people with `by_headcount`; inf: none
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
    ratio_rules: dict[str, str] = field(default_factory=dict)  # pools allocated a ratio rule

    def people(self, staffing: StaffingPlan) -> float:
        """The people of the allocated pools: a headcount pool's level, a ratio pool's simulated
        mean headcount."""
        return sum(
            staffing.mean_headcounts.get(p, math.nan) if p in self.ratio_rules else float(h)
            for p, h in staffing.headcounts.items()
        )

    def value(self, staffing: StaffingPlan) -> Interval:
        """The objective's interval for a staffing plan."""
        return staffing.intervals[self.objective]

    @property
    def limited(self) -> bool:
        """False when no limit was given (a net dollar objective: stop when no step adds)."""
        return math.isfinite(self.budget)


def allocate(
    scenario: Scenario,
    budget: float | None,
    objective: str,
    replications: int,
    seed: int,
    store_path: str | Path,
    workers: int = 1,
    pools: list[str] | None = None,
    tier: str = ALL,
    on_step: Callable[[str, StaffingPlan], None] | None = None,
    by_headcount: bool = False,
    ratios: Mapping[str, str] | None = None,
) -> Allocation:
    """Spend at most `budget`: loaded staff cost a year (managers and pools not allocated
    included), or with `by_headcount` a total number of people over the allocated pools;
    `ratios` allocates a ratio rule to some pools (pool -> arr_per_person or
    accounts_per_person), whose cost is then simulated (see the module). A net dollar
    objective (`simcs.planning.value.NET_OBJECTIVES`) may go without a limit (`budget` None):
    it stops when no step adds net value, within `search_cap`."""
    pools = pools or sizable_pools(scenario)
    if objective not in METRICS:
        raise ValueError(f"unknown objective {objective!r}: not a metric")
    known = scenario.scopes()
    if tier not in known:
        raise ValueError(f"unknown tier or group {tier!r} (known: {', '.join(known)})")
    if budget is None:
        if not is_net(objective):
            raise ValueError(
                f"{objective} is not in dollars net of the cost of delivery, so it needs a "
                f"limit (a budget or a headcount); without one: {', '.join(NET_OBJECTIVES)}"
            )
        budget = math.inf
    elif not math.isfinite(budget) or budget < 0:
        raise ValueError(f"the limit must be a finite number, at least 0, not {budget}")
    unlimited = math.isinf(budget)
    goal = measure(objective, tier)  # a measure, not a constraint
    sizer = Sizer(
        scenario, pools, [goal], replications, seed, 0.95, store_path, workers, ratios=ratios
    )
    pools = sizer.pools
    rules = sizer.ratios
    label = str(goal)

    def unit(pool: str) -> float:
        return 1.0 if by_headcount else person_cost(scenario, pool)

    def spend(e: StaffingPlan) -> float:
        if not by_headcount:
            return e.staff_cost
        return sum(
            e.mean_headcounts[p] if p in rules else float(h) for p, h in e.headcounts.items()
        )

    def value(e: StaffingPlan) -> float:
        return e.intervals[label].mean

    def step_cost(pool: str, trial: StaffingPlan, base: StaffingPlan) -> float:
        """A person's price, or a ratio step's simulated increase of the spend."""
        return spend(trial) - spend(base) if pool in rules else unit(pool)

    def fits(pool: str, trial: StaffingPlan, base: StaffingPlan) -> bool:
        """The step from `base` to `trial` stays within the budget: by price without a ratio
        pool, else as simulated (any step moves the book, and so a ratio team)."""
        if pool not in rules and spend(base) + unit(pool) > budget:
            return False
        return not rules or spend(trial) <= budget

    free = [p for p in pools if person_cost(scenario, p) <= 0]
    if free and not by_headcount and not unlimited:
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
    staffing = {p: max(sizer.floor(p), min(floor.get(p, 0), now[p])) for p in pools}
    caps = {p: search_cap(max(now[p], staffing[p])) for p in pools}
    caps.update({p: max(staffing[p], sizer.cap(p, max(now[p], staffing[p]))) for p in rules})
    start = current = sizer.evaluate(staffing)
    while spend(current) > budget:
        # over budget even at the floor: shed the step whose loss hurts least per unit saved
        candidates = [p for p in pools if staffing[p] > sizer.floor(p)]
        if not candidates:
            raise ValueError(
                f"the limit {budget:,.0f} is below the cheapest staffing plan searched (every "
                f"pool at its floor, a ratio pool at one person at t=0: {spend(current):,.0f} "
                "simulated)"
            )
        losses = []
        for p in candidates:
            trial = sizer.evaluate({**staffing, p: staffing[p] - 1})
            saved = -step_cost(p, trial, current) if p in rules else unit(p)
            losses.append((value(current) - value(trial)) / saved if saved > 0 else math.inf)
        staffing[candidates[losses.index(min(losses))]] -= 1
        current = sizer.evaluate(staffing)
    steps: list[tuple[str, StaffingPlan]] = []
    while True:
        best_pool, best_rate = None, 0.0
        for pool in pools:
            if staffing[pool] >= caps[pool] or (
                pool not in rules and spend(current) + unit(pool) > budget
            ):
                continue  # at the cap, or a person alone breaks the budget: no simulation
            trial = sizer.evaluate({**staffing, pool: staffing[pool] + 1})
            if not fits(pool, trial, current):
                continue
            gain, cost = value(trial) - value(current), step_cost(pool, trial, current)
            rate = gain / cost if cost > 0 else (math.inf if gain > 0 else 0.0)
            if unlimited:  # money is no constraint: the largest net gain
                rate = gain if gain > 0 else 0.0
            if rate > best_rate:
                best_pool, best_rate = pool, rate
        if best_pool is None:
            break
        staffing[best_pool] += 1
        current = sizer.evaluate(staffing)
        steps.append((best_pool, current))
        if on_step:
            on_step(best_pool, current)
    marginals = []
    for pool in pools:
        trial = sizer.evaluate({**staffing, pool: staffing[pool] + 1})
        cost = (
            trial.staff_cost - current.staff_cost if pool in rules else person_cost(scenario, pool)
        )
        fit = fits(pool, trial, current)
        marginals.append(Marginal(pool, cost, value(trial) - value(current), fit, pool in rules))
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
        ratio_rules=dict(rules),
    )
