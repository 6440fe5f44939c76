"""A company k times the size: the same customers, service and playbook, k times as many.

`scaled(scenario, k)` multiplies what counts customers and people: every group's t=0 book
(customers and, where given, its ARR total) and new logos a year, and every staff pool's
headcount, managers, planned headcounts and headcount cap. Rates, prices, cadences, ratios
(ARR or accounts per person) and odds stay as they are, so per-customer figures (GRR, NRR, cost
per customer) are the same company's and totals grow k-fold. A scenario whose t=0 book lists
real accounts cannot be scaled (there is no k-th copy of an account): a ValueError says so.
The scale benchmark (`benchmarks/bench_scale.py`) builds its 100,000-customer company this way.
"""

from __future__ import annotations

from typing import Any

from simcs.scenario.files import scenario_from_dict
from simcs.scenario.schema import Scenario


def _scaled_pool(pool: dict[str, Any], k: int) -> None:
    pool["headcount"] *= k
    pool["managers"] = pool.get("managers", 0) * k
    policy = pool.get("policy")
    if policy:
        for step in policy.get("plan") or []:
            step["headcount"] *= k
        if policy.get("max_headcount") is not None:
            policy["max_headcount"] *= k
        if policy.get("max_cost_per_year") is not None:
            policy["max_cost_per_year"] *= k


def scaled(scenario: Scenario, k: int, name: str | None = None) -> Scenario:
    """`scenario` with k times the customers, new logos and people (validated), named
    `name` (default: NAME_xK)."""
    if k < 1:
        raise ValueError("the scale factor must be a whole number of at least 1")
    if scenario.initial_book.accounts is not None:
        raise ValueError("a t=0 book of real accounts cannot be scaled")
    data = scenario.model_dump(mode="json")
    data["name"] = name or f"{scenario.name}_x{k}"
    for group in data["population"].values():
        group["initial_customers"] *= k
        if group.get("initial_arr_total") is not None:
            group["initial_arr_total"] *= k
        logos = group["new_logos_per_year"]
        group["new_logos_per_year"] = (
            [r * k for r in logos] if isinstance(logos, list) else logos * k
        )
    staff = data["staff"]
    for name_, pool in staff.items():
        for each in pool.values() if name_ == "csm" else [pool]:
            _scaled_pool(each, k)
    return scenario_from_dict(data, f"{scenario.name} x{k}")
