"""The staff pools of a scenario, named once: what each is called, where its configuration and
headcount live, what a person in it costs, and which pools planning may resize.

A pool is `support`, `implementation`, `education`, `operations` (the shared pools) or
`csm.<tier>` (a tier's CSM team). Its loaded annual cost is its people and its managers at
their OTE plus overhead (`simcs.formulas.costs.pool_loaded_cost`, the rule the simulation
charges too). The pools `simcs size` and `simcs allocate` may resize are those whose headcount
the simulation staffs as a queue: support, implementation, education and the CSM team of every
tier not served digitally (operations and a digital tier's programme staff only cost money).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from simcs.formulas.costs import loaded_cost, pool_loaded_cost
from simcs.scenario import Scenario, StaffPool

#: The pools every scenario has, in output order (CSM teams follow, in the scenario's order).
SHARED_POOLS: tuple[str, ...] = ("support", "implementation", "education", "operations")
#: Shared pools whose headcount the simulation staffs as a queue.
QUEUED_SHARED_POOLS: tuple[str, ...] = ("support", "implementation", "education")
CSM_PREFIX = "csm."


def csm_pool(tier: str) -> str:
    """The pool name of a tier's CSM team: 'csm.<tier>'."""
    return f"{CSM_PREFIX}{tier}"


def all_pools(scenario: Scenario) -> list[str]:
    """Every staffed pool of the scenario, CSM teams as csm.<tier>."""
    return [*SHARED_POOLS, *(csm_pool(t) for t in scenario.staff.csm)]


def sizable_pools(scenario: Scenario) -> list[str]:
    """The pools `size` and `allocate` may resize: support, implementation, education and the
    CSM team of every tier with a queue (not served digitally)."""
    return [
        *QUEUED_SHARED_POOLS,
        *(
            csm_pool(name)
            for name, tier in scenario.tiers.items()
            if tier.coverage != "digital" and name in scenario.staff.csm
        ),
    ]


def pool_config(scenario: Scenario, pool: str) -> StaffPool:
    """The StaffPool named 'support', 'implementation', 'education', 'operations' or
    'csm.<tier>' (ValueError naming the pools there are, for any other name)."""
    if pool.startswith(CSM_PREFIX):
        tier = pool.removeprefix(CSM_PREFIX)
        if tier not in scenario.staff.csm:
            raise ValueError(f"no CSM team '{tier}' (teams: {sorted(scenario.staff.csm)})")
        return scenario.staff.csm[tier]
    if pool not in SHARED_POOLS:
        raise ValueError(
            f"unknown pool '{pool}': support, implementation, education, operations or csm.<tier>"
        )
    config: StaffPool = getattr(scenario.staff, pool)
    return config


def check_sizable(scenario: Scenario, pools: Iterable[str]) -> list[str]:
    """`pools` as a list, if each is a pool planning may resize and none is named twice."""
    allowed = sizable_pools(scenario)
    out: list[str] = []
    for pool in pools:
        if pool in out:
            raise ValueError(f"pool '{pool}' is named twice")
        if pool not in allowed:
            pool_config(scenario, pool)  # an unknown name: say what the names are
            raise ValueError(
                f"pool '{pool}' cannot be resized here (its headcount is not staffed as a "
                f"queue); pools that can: {', '.join(allowed)}"
            )
        out.append(pool)
    return out


def headcount_path(pool: str) -> str:
    """The dotted scenario path of a pool's headcount."""
    if pool.startswith(CSM_PREFIX):
        return f"staff.csm.{pool.removeprefix(CSM_PREFIX)}.headcount"
    return f"staff.{pool}.headcount"


def person_cost(scenario: Scenario, pool: str) -> float:
    """Loaded annual cost of one more person in the pool (OTE x (1 + overhead))."""
    config = pool_config(scenario, pool)
    return loaded_cost(config.ote, config.overhead)


def pool_cost(config: StaffPool, people: float | None = None) -> float:
    """Loaded annual cost of a pool with `people` (default: its headcount) and its managers (the
    policy's share of `people`, rounded, where it has `managers_per_person`, as the simulation
    charges them; else the fixed `managers`)."""
    staffed = config.headcount if people is None else people
    share = config.policy.managers_per_person if config.policy is not None else None
    managers = config.managers if share is None else round(share * staffed)
    return pool_loaded_cost(config.ote, config.overhead, staffed, managers, config.manager_ote)


def staff_cost(scenario: Scenario, headcounts: Mapping[str, int] | None = None) -> float:
    """Loaded annual cost of every staffed pool, managers included, at the scenario's
    headcounts or at `headcounts` for the pools it names."""
    chosen = headcounts or {}
    return sum(pool_cost(pool_config(scenario, p), chosen.get(p)) for p in all_pools(scenario))
