"""Staffing for money: the objectives measured in dollars net of the cost of delivery, and the
headcount of one pool that maximises one of them (`simcs size --maximise`).

`economic_value` (the discounted delivery margins of the measurement years plus the discounted
book value at the horizon's end, one value a replication) and `delivery_margin` (revenue less
the cost of delivery, every staff pool's loaded cost included, a year) are net objectives: one
more person changes them by what that person brings in less what they cost, so more staff is
not better without end and a best headcount exists. For a gross measure (GRR, SLA met) more
people never hurt, so it has no maximum worth searching, only targets (`simcs size --target`)
or a budget to spend (`simcs allocate`).

The search (`maximise`) walks the levels of one sized pool (its headcount, or a ratio rule's
level, as `simcs.planning.sizing` defines them) from the analytic start, one level at a time in
each direction, moving the best level whenever a level's mean is larger, and stops a direction
after `patience` levels in a row that do not beat the best (so one noisy level does not end the
walk); it repeats from the new best until a pass moves nothing. It is bounded like the sizing
search: no level below the pool's floor or above `search_cap` of its start (within its policy's
caps). Every level is simulated with the same seeds (common random numbers), so neighbouring
levels differ by their staff, not by luck, and the difference of their means is the paired
difference. Targets (`--target`), if any, are constraints: the best level is the one with the
largest mean among the levels whose targets all hold (none, if no level searched meets them).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from simcs.catalogue import ALL, METRICS, NET_OF_COST
from simcs.planning.sizing import Sizer, StaffingPlan, Target
from simcs.stats import Interval

#: The objectives in dollars net of the cost of delivery: a maximum exists, and `simcs allocate`
#: may run without a budget (it stops when no person adds net value).
NET_OBJECTIVES: tuple[str, ...] = NET_OF_COST


def is_net(metric: str) -> bool:
    """True for an objective in dollars net of the cost of delivery."""
    return metric in NET_OBJECTIVES


def measure(metric: str, tier: str = ALL) -> Target:
    """A metric measured on every staffing plan, not a constraint (it always holds where it is
    defined): its key in a plan's intervals is 'metric' or 'metric[tier]'."""
    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}")
    return Target(metric, tier, ">=", -math.inf)


def parse_objective(text: str, scopes: list[str]) -> Target:
    """'economic_value' or 'delivery_margin[enterprise]' (a tier or group:NAME) as a measure;
    only a net objective has a maximum to search."""
    name, _, rest = text.strip().partition("[")
    tier = rest.removesuffix("]").strip() if rest else ALL
    if name.strip() not in NET_OBJECTIVES:
        raise ValueError(
            f"{text!r}: only a dollar objective net of the cost of delivery has a maximum "
            f"({', '.join(NET_OBJECTIVES)}, optionally [TIER] or [group:NAME])"
        )
    if rest and not rest.strip().endswith("]"):
        raise ValueError(f"{text!r}: expected METRIC or METRIC[SCOPE]")
    if tier != ALL and tier not in scopes:
        raise ValueError(f"{text!r}: unknown tier or group {tier!r} (known: {scopes})")
    return measure(name.strip(), tier)


@dataclass
class Maximum:
    """The level of one pool with the largest mean objective, and every level simulated."""

    pool: str
    objective: Target  # the measure maximised
    start: int  # the analytic start
    best: StaffingPlan | None  # the largest mean among the levels whose targets hold
    levels: list[StaffingPlan]  # every level simulated, lowest first
    evaluated: int
    replications: int

    def value(self, plan: StaffingPlan) -> Interval:
        """The objective's interval of a simulated level."""
        return plan.intervals[str(self.objective)]

    def level(self, plan: StaffingPlan) -> int:
        """A simulated plan's level of the pool."""
        return plan.headcounts[self.pool]

    @property
    def neighbours(self) -> list[StaffingPlan]:
        """The levels one below and one above the best, where simulated."""
        if self.best is None:
            return []
        best = self.level(self.best)
        return [p for p in self.levels if abs(self.level(p) - best) == 1]


def _rank(plan: StaffingPlan, key: str) -> tuple[bool, float]:
    """Plans whose targets hold first, then the larger mean (an undefined mean last)."""
    mean = plan.intervals[key].mean
    return plan.holds, -math.inf if math.isnan(mean) else mean


def maximise(sizer: Sizer, objective: Target, patience: int = 2) -> Maximum:
    """The level of the sizer's one pool maximising the mean of `objective` (a measure among
    the sizer's targets; its other targets are constraints); see the module."""
    if len(sizer.pools) != 1:
        raise ValueError(f"maximising searches one pool's level, not {len(sizer.pools)} pools")
    if str(objective) not in {str(t) for t in sizer.targets}:
        raise ValueError(f"{objective} is not measured by the sizer (add it to its targets)")
    if patience < 1:
        raise ValueError("patience must be at least 1")
    (pool,) = sizer.pools
    key = str(objective)
    start = sizer.analytic_start()[pool]
    floor, cap = sizer.floor(pool), sizer.cap(pool, start)

    def plan(level: int) -> StaffingPlan:
        return sizer.evaluate({pool: level})

    best = start
    moved = True
    while moved:
        moved = False
        for step in (1, -1):
            level, misses = best + step, 0
            while floor <= level <= cap and misses < patience:
                if _rank(plan(level), key) > _rank(plan(best), key):
                    best, misses, moved = level, 0, True
                else:
                    misses += 1
                level += step
    levels = sorted(
        (p for p in sizer.cache.values() if pool in p.headcounts), key=lambda p: p.headcounts[pool]
    )
    holding = [p for p in levels if p.holds and not math.isnan(p.intervals[key].mean)]
    chosen = max(holding, key=lambda p: p.intervals[key].mean) if holding else None
    return Maximum(
        pool=pool,
        objective=objective,
        start=start,
        best=chosen,
        levels=levels,
        evaluated=len(sizer.cache),
        replications=sizer.replications,
    )
