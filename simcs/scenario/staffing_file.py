"""Headcount-plan files: the staff pools' plans (as `simcs plan --write` produces them) applied
to a scenario, and the policy changes planning makes to one pool (a plan, or a ratio rule).

A headcount-plan file holds nothing but plans, in the scenario's own shape:

    staff:
      support:
        policy:
          plan:
            - {quarter: 1, headcount: 7}
      csm:
        enterprise:
          policy:
            plan: [...]

Applying it sets each named pool's `policy.plan`. A pool that already has a policy keeps its
review, caps, managers and reductions, and loses its rules (`arr_per_person`,
`accounts_per_person`, `workload`: a pool follows a plan or rules, not both); any other pool
gets a policy holding only the plan. The file is read like a scenario file (untrusted, within
the YAML reader's limits) and every problem is a `ScenarioError` naming the file and the field
path: an unknown pool, anything but `staff.<pool>.policy.plan`, a step that is not a step.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from simcs.scenario.files import ScenarioError, capped, kind_of_data, read_yaml, with_overrides
from simcs.scenario.safe_yaml import shown
from simcs.scenario.schema import Scenario
from simcs.scenario.staff import StaffPool

#: the pools every scenario has (a tier's CSM team is `staff.csm.<tier>`)
SHARED = ("support", "implementation", "education", "operations")
#: the rules a plan replaces
RULES = ("arr_per_person", "accounts_per_person", "workload")
#: the ratio rules planning may size
RATIOS = ("arr_per_person", "accounts_per_person")


def policy_path(pool: str) -> str:
    """The dotted scenario path of a pool's policy: 'csm.smb' -> 'staff.csm.smb.policy'."""
    if pool.startswith("csm."):
        return f"staff.csm.{pool.removeprefix('csm.')}.policy"
    return f"staff.{pool}.policy"


def _pool(scenario: Scenario, pool: str) -> StaffPool:
    if pool.startswith("csm."):
        return scenario.staff.csm[pool.removeprefix("csm.")]
    config: StaffPool = getattr(scenario.staff, pool)
    return config


def has_policy(scenario: Scenario) -> bool:
    """True if any staff pool of the scenario has a staffing policy."""
    staff = scenario.staff
    pools = [getattr(staff, name) for name in SHARED] + list(staff.csm.values())
    return any(pool.policy is not None for pool in pools)


def policy_with_plan(pool: StaffPool, plan: list[Any]) -> dict[str, Any]:
    """The pool's policy (as data) following `plan`: its review, caps, managers and reductions
    kept, its rules dropped; only the plan if the pool has no policy."""
    if pool.policy is None:
        return {"plan": plan}
    policy = pool.policy.model_dump(mode="json")
    for rule in RULES:
        policy.pop(rule, None)
    policy["plan"] = plan
    return policy


def policy_with_ratio(pool: StaffPool, ratio: str, value: float) -> dict[str, Any]:
    """The pool's policy (as data) with the ratio rule `ratio` set to `value`: its other rules,
    review, caps, managers and reductions kept, a plan dropped (a plan and rules exclude each
    other); only the rule if the pool has no policy."""
    if ratio not in RATIOS:
        raise ValueError(f"unknown ratio rule {ratio!r} (ratio rules: {', '.join(RATIOS)})")
    policy = {} if pool.policy is None else pool.policy.model_dump(mode="json")
    policy.pop("plan", None)
    policy[ratio] = value
    return policy


def ratio_text(ratio: str, value: float) -> str:
    """'1 per $2.94M ARR' or '1 per 20.8 customers'."""
    if ratio == "arr_per_person":
        return f"1 per ${value / 1e6:,.3g}M ARR" if value >= 1e6 else f"1 per ${value:,.0f} ARR"
    return f"1 per {value:,.3g} customers"


def ratio_overrides(scenario: Scenario, ratios: Mapping[str, tuple[str, float]]) -> dict[str, Any]:
    """Overrides (dotted path -> policy) giving each pool of `ratios` its (rule, value)."""
    return {
        policy_path(pool): policy_with_ratio(_pool(scenario, pool), rule, value)
        for pool, (rule, value) in ratios.items()
    }


def _kind(data: Any) -> str:
    """What a value is, for an error message."""
    return "a mapping" if isinstance(data, Mapping) else kind_of_data(data)


def _at(where: str, key: object) -> str:
    return f"{where}.{shown(key)}" if where else shown(key)


def _only(node: Any, key: str, where: str, problems: list[str]) -> Any:
    """node[key] if `node` is a mapping holding only `key`; else a problem noted (None)."""
    if not isinstance(node, Mapping):
        problems.append(f"{where}: expected a mapping holding '{key}', not {kind_of_data(node)}")
        return None
    for other in node:
        if other != key:
            problems.append(
                f"{_at(where, other)}: not allowed here (a headcount-plan file holds only "
                "staff.<pool>.policy.plan)"
            )
    if key not in node:
        problems.append(f"{_at(where, key)}: required field is missing")
        return None
    return node[key]


def plans_in(data: Any, scenario: Scenario) -> tuple[dict[str, Any], list[str]]:
    """The plan of each pool the file names, by pool name (`support`, `csm.<tier>`), and the
    problems of its shape (field paths); the steps themselves are checked by the scenario."""
    problems: list[str] = []
    if not isinstance(data, Mapping) or not data:
        what = "an empty mapping" if isinstance(data, Mapping) else kind_of_data(data)
        return {}, [f"the file must hold a mapping 'staff: <pool>: policy: plan', not {what}"]
    staff = _only(data, "staff", "", problems)
    plans: dict[str, Any] = {}
    if staff is None:
        return plans, problems
    if not isinstance(staff, Mapping) or not staff:
        what = "an empty mapping" if isinstance(staff, Mapping) else kind_of_data(staff)
        return plans, [*problems, f"staff: expected a mapping of pools, not {what}"]
    entries: list[tuple[str, str, Any]] = []  # (pool, path, its value)
    for name, value in staff.items():
        key = shown(name)
        if name == "csm":
            if not isinstance(value, Mapping) or not value:
                what = "an empty mapping" if isinstance(value, Mapping) else kind_of_data(value)
                problems.append(f"staff.csm: expected a mapping of CSM teams, not {what}")
                continue
            for tier, team in value.items():
                if tier not in scenario.staff.csm:
                    teams = ", ".join(scenario.staff.csm) or "none"
                    problems.append(
                        f"staff.csm.{shown(tier)}: no CSM team of that name in scenario "
                        f"'{scenario.name}' (teams: {teams})"
                    )
                    continue
                entries.append((f"csm.{tier}", f"staff.csm.{tier}", team))
        elif name in SHARED:
            entries.append((name, f"staff.{name}", value))
        else:
            problems.append(
                f"staff.{key}: unknown pool (pools: {', '.join(SHARED)} and csm.<tier>)"
            )
    for pool, path, value in entries:
        policy = _only(value, "policy", path, problems)
        if policy is None:
            continue
        plan = _only(policy, "plan", f"{path}.policy", problems)
        if plan is None:
            continue
        if not isinstance(plan, list):
            problems.append(
                f"{path}.policy.plan: expected a list of steps "
                f"({{quarter: Q, headcount: H}} or {{month: M, headcount: H}}), "
                f"not {_kind(plan)}"
            )
            continue
        plans[pool] = plan
    return plans, problems


def apply_plans(scenario: Scenario, data: Any, source: str = "<staffing>") -> Scenario:
    """`scenario` with the plans of a headcount-plan file's data; `ScenarioError` naming
    `source` and the field path of every problem."""
    plans, problems = plans_in(data, scenario)
    if problems:
        raise ScenarioError(source, capped(problems))
    overrides = {
        policy_path(pool): policy_with_plan(_pool(scenario, pool), plan)
        for pool, plan in plans.items()
    }
    return with_overrides(scenario, overrides, source)


def apply_staffing_file(scenario: Scenario, path: str | Path) -> Scenario:
    """`scenario` with the plans of the headcount-plan file at `path` (see the module)."""
    return apply_plans(scenario, read_yaml(path), str(path))
