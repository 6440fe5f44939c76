"""Cost formulas of the founding documents ([001], 'Cost of Delivery for Software')."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from simcs.calendar import WEEKS_PER_YEAR


def loaded_cost(ote: float, overhead: float) -> float:
    """Loaded annual cost of one person: OTE x (1 + overhead) (seed: overhead 40%)."""
    return ote * (1.0 + overhead)


def pool_loaded_cost(
    ote: float, overhead: float, people: float, managers: float, manager_ote: float
) -> float:
    """Loaded annual cost of a staff pool: its people at OTE and its managers at manager OTE,
    each x (1 + overhead). `people` may be fractional (person-years of filled seats)."""
    return people * loaded_cost(ote, overhead) + managers * loaded_cost(manager_ote, overhead)


def loaded_cost_per_work_hour(
    ote: float, overhead: float, productive_hours_per_week: float
) -> float:
    """Loaded annual cost over the hours of pool work one person gives in a 52-week year."""
    return loaded_cost(ote, overhead) / (productive_hours_per_week * WEEKS_PER_YEAR)


def cost_of_delivery_per_customer(
    implementation: float,
    support: float,
    csm: float,
    operational: float,
    other: float,
    customers: float,
) -> float:
    """(Implementation + Support + CSM + Operational + Other) / number of customers ([001])."""
    if customers <= 0:
        return float("nan")
    return (implementation + support + csm + operational + other) / customers


def support_cost_per_customer(
    cases_per_year: float, handle_minutes: float, cost_per_minute: float
) -> float:
    """Cases x handle time x cost per minute ([001]: 12 x 30 min x $3/min = $1,080/yr)."""
    return cases_per_year * handle_minutes * cost_per_minute


def split_cost(
    total: float, usage: Mapping[str, float], fallback: Mapping[str, float]
) -> dict[str, float]:
    """Split a pooled cost over tiers in proportion to `usage` (time used), idle time shared
    the same way; if nothing was used, in proportion to `fallback` (e.g. customer-years)."""
    weights = usage if sum(usage.values()) > 0 else fallback
    norm = sum(weights.values())
    if norm <= 0:
        return dict.fromkeys(weights, 0.0)
    return {tier: total * w / norm for tier, w in weights.items()}


def people_within_budget(budget: float, annual_cost: Callable[[int], float], cap: int) -> int:
    """The most people (at most `cap`) whose loaded annual cost stays within `budget`."""
    low, high = 0, cap
    if annual_cost(0) > budget:
        return 0
    while low < high:  # the cost grows with people: bisect for the largest within budget
        middle = (low + high + 1) // 2
        if annual_cost(middle) <= budget:
            low = middle
        else:
            high = middle - 1
    return low
