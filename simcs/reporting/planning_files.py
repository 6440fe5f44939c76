"""Writing the result folders of `simcs size` and `simcs allocate`, and headcount-plan files.

A sizing folder holds `sizing.json` (the targets, the search and every staffing plan simulated;
a pool sized by a ratio rule has its level, the people the ratio staffs at t=0, with the ratio
and the simulated mean headcount beside it), an allocation folder `allocation.json` (the limit,
the floor and allocated staffing plans, the path between them and the marginal value of one more
person in each pool; a pool allocated a ratio rule has its ratio and simulated mean headcount
beside its level, and the simulated cost of one more level); both hold the store
`results.sqlite` the search filled, the resolved `scenario.yaml` and a `manifest.json`. File
names come from `simcs.reporting.results`; undefined numbers are written as null. A sizing of
ratio rules also prints `ratio_table` (each plan's ratios and mean headcounts). `simcs plan
--write` writes its hiring plan as a headcount-plan file (`write_plan_file`).

Dollars: a sizing that maximises a net dollar objective (`simcs size --maximise`,
`simcs.planning.value`) adds "maximise" to sizing.json ({"metric", "tier", "label" (its key in
each plan's "values"), "pool", "start", "best" (the level, or null), "best_value" (mean, ci95_low,
ci95_high), "neighbours": [{"level", "mean", "difference"}]}) and prints `maximum_table`; an
allocation without a limit (a net dollar objective) writes the limit as {"kind": "none", "value":
null}, and one of a dollar objective prints `tables.allocation_table` (net dollars of one more
person, and per dollar of their loaded cost) instead of the table of `simcs.reporting.tables`.
"""

from __future__ import annotations

import math
import platform
from pathlib import Path
from typing import Any

import yaml

from simcs import __version__
from simcs.catalogue import ALL, metric
from simcs.planning.allocation import Allocation
from simcs.planning.sizing import Sizer, SizingResult, StaffingPlan
from simcs.planning.value import Maximum
from simcs.reporting import results
from simcs.reporting.results import json_number
from simcs.reporting.tables import cell, dollars, render
from simcs.scenario import Scenario
from simcs.scenario.files import scenario_sha256, scenario_yaml
from simcs.scenario.staffing_file import ratio_text
from simcs.stats import Interval


def sizing_document(
    sizer: Sizer, result: SizingResult, scenario_name: str, maximum: Maximum | None = None
) -> dict[str, Any]:
    """sizing.json: the targets, the search, and every staffing plan simulated (and the
    maximum of a net dollar objective, with `maximum`)."""
    plans = []  # sizing.json calls the staffing plans "plans"
    measured = None if maximum is None else str(maximum.objective)
    targets = [t for t in sizer.targets if str(t) != measured]
    for staffing in sizer.cache.values():
        values = {}
        for target in sizer.targets:
            iv = staffing.intervals[str(target)]
            values[str(target)] = {
                "mean": json_number(iv.mean),
                "bound": json_number(target.bound(iv, sizer.confidence)),
                "ci95_low": json_number(iv.low),
                "ci95_high": json_number(iv.high),
                "n": iv.n,
            }
        plans.append(
            {
                "headcounts": staffing.headcounts,
                "ratios": staffing.ratios,
                "mean_headcounts": {p: json_number(h) for p, h in staffing.mean_headcounts.items()},
                "staff_cost": staffing.staff_cost,
                "values": values,
                "holds": staffing.holds,
            }
        )
    document = {
        "scenario": scenario_name,
        "targets": [
            {"label": str(t), "metric": t.metric, "tier": t.tier, "op": t.op, "value": t.value}
            for t in targets
        ],
        "pools": sizer.pools,
        "ratio_rules": sizer.ratios,
        "confidence": sizer.confidence,
        "replications": sizer.replications,
        "seed": sizer.seed,
        "start": result.start,
        "recommended": None if result.best is None else result.best.headcounts,
        "recommended_staff_cost": None if result.best is None else result.best.staff_cost,
        "recommended_ratios": None if result.best is None else result.best.ratios,
        "plans": plans,
    }
    if maximum is not None:
        document["maximise"] = maximum_document(maximum)
    return document


def maximum_document(maximum: Maximum) -> dict[str, Any]:
    """sizing.json's "maximise": the objective, the best level, its interval and neighbours."""
    best = maximum.best
    top = math.nan if best is None else maximum.value(best).mean
    return {
        "metric": maximum.objective.metric,
        "tier": maximum.objective.tier,
        "label": str(maximum.objective),
        "pool": maximum.pool,
        "start": maximum.start,
        "best": None if best is None else maximum.level(best),
        "best_value": None if best is None else _objective(maximum.value(best)),
        "neighbours": [
            {
                "level": maximum.level(p),
                "mean": json_number(maximum.value(p).mean),
                "difference": json_number(maximum.value(p).mean - top),
            }
            for p in maximum.neighbours
        ],
    }


def maximum_table(maximum: Maximum, sizer: Sizer) -> str:
    """Every level of the pool simulated: its staff cost, the objective's mean ±95% half-width,
    its difference from the best (the paired difference of means, the same seeds) and whether
    the targets hold; the best marked '<- best'."""
    name, best = maximum.objective.metric, maximum.best
    top = math.nan if best is None else maximum.value(best).mean
    fmt = "$" + metric(name).fmt
    scope = "" if maximum.objective.tier == ALL else f" [{maximum.objective.tier}]"
    rows = []
    for plan in maximum.levels:
        iv = maximum.value(plan)
        rows.append(
            [
                plan.label(sizer.ratios),
                f"{plan.staff_cost:,.0f}",
                cell(iv, fmt),
                "" if best is None else dollars(name, iv.mean - top, signed=True),
                "yes" if plan.holds else "no",
                "<- best" if plan is best else "",
            ]
        )
    return render(
        [
            "Staffing plan",
            "Staff cost $/yr",
            f"{metric(name).label}{scope} $",
            "vs best",
            "Targets hold",
            "",
        ],
        rows,
        text_columns=(0, 5),
    )


def ratio_table(sizer: Sizer, result: SizingResult) -> str:
    """The ratio and simulated mean headcount of each pool sized by a ratio, for the plan found
    and its neighbours (as `simcs.reporting.tables.sizing_tables` lists them)."""
    plans = ([result.best] if result.best is not None else []) + result.neighbours
    pools = list(sizer.ratios)
    return render(
        [
            "Staffing plan",
            *(f"{p} {sizer.ratios[p]}" for p in pools),
            *(f"{p} mean headcount" for p in pools),
        ],
        [
            [
                ", ".join(f"{p}={plan.headcounts[p]}" for p in sizer.pools),
                *(ratio_text(sizer.ratios[p], plan.ratios[p]) for p in pools),
                *(f"{plan.mean_headcounts[p]:.1f}" for p in pools),
            ]
            for plan in plans
        ],
    )


def _objective(iv: Interval) -> dict[str, float | None]:
    return {
        "mean": json_number(iv.mean),
        "ci95_low": json_number(iv.low),
        "ci95_high": json_number(iv.high),
    }


def _staffing(allocation: Allocation, staffing: StaffingPlan) -> dict[str, Any]:
    rules = allocation.ratio_rules
    return {
        "headcounts": dict(staffing.headcounts),
        "ratios": {p: v for p, v in staffing.ratios.items() if p in rules},
        "mean_headcounts": {
            p: json_number(h) for p, h in staffing.mean_headcounts.items() if p in rules
        },
        "staff_cost": staffing.staff_cost,
        "objective": _objective(allocation.value(staffing)),
    }


def allocation_document(allocation: Allocation, scenario_name: str) -> dict[str, Any]:
    """allocation.json: the limit, the floor and allocated staffing plans, the steps between
    them and what one more person in each pool would buy at the end."""
    kind = "headcount" if allocation.by_headcount else "budget"
    return {
        "scenario": scenario_name,
        "objective": allocation.metric,
        "tier": allocation.tier,
        "limit": {
            "kind": kind if allocation.limited else "none",
            "value": float(allocation.budget) if allocation.limited else None,
        },
        "replications": allocation.replications,
        "seed": allocation.seed,
        "pools": list(allocation.pools),
        "ratio_rules": dict(allocation.ratio_rules),
        "start": _staffing(allocation, allocation.start),
        "final": _staffing(allocation, allocation.final),
        "marginals": [
            {
                "pool": m.pool,
                "now": allocation.now[m.pool],
                "floor": allocation.start.headcounts[m.pool],
                "allocated": allocation.final.headcounts[m.pool],
                "cost_per_person": m.cost,
                "gain": json_number(m.gain),
                "gain_per_million": json_number(m.gain_per_million),
                "fits": m.fits,
                "cost_simulated": m.ratio,
            }
            for m in allocation.marginals
        ],
        "steps": [
            {
                "pool": pool,
                "ratio": staffing.ratios.get(pool) if pool in allocation.ratio_rules else None,
                "objective_mean": json_number(allocation.value(staffing).mean),
                "staff_cost": staffing.staff_cost,
            }
            for pool, staffing in allocation.steps
        ],
        "evaluated": allocation.evaluated,
    }


def _write_common(
    out: Path, scenario: Scenario, command: str, seed: int, replications: int, evaluated: int
) -> None:
    (out / results.SCENARIO).write_text(scenario_yaml(scenario), encoding="utf-8")
    results.write_json(
        out / results.MANIFEST,
        {
            "simcs_version": __version__,
            "command": command,
            "scenario": scenario.name,
            "scenario_sha256": scenario_sha256(scenario),
            "seed": seed,
            "replications": replications,
            "staffing_plans_simulated": evaluated,
            "python": platform.python_version(),
        },
    )


def write_sizing(
    out: Path, sizer: Sizer, result: SizingResult, maximum: Maximum | None = None
) -> None:
    """sizing.json, scenario.yaml and manifest.json of `simcs size` (beside its store)."""
    out.mkdir(parents=True, exist_ok=True)
    scenario = sizer.scenario
    document = sizing_document(sizer, result, scenario.name, maximum)
    results.write_json(out / results.SIZING, document)
    _write_common(out, scenario, "size", sizer.seed, sizer.replications, result.evaluated)


def write_allocation(out: Path, allocation: Allocation, scenario: Scenario) -> None:
    """allocation.json, scenario.yaml and manifest.json of `simcs allocate` (beside its
    store)."""
    out.mkdir(parents=True, exist_ok=True)
    results.write_json(out / results.ALLOCATION, allocation_document(allocation, scenario.name))
    _write_common(
        out, scenario, "allocate", allocation.seed, allocation.replications, allocation.evaluated
    )


class _PlanDumper(yaml.SafeDumper):
    """Block lists indented under their key; each step on one line (flow style)."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def plan_file_text(document: dict[str, Any], header: list[str]) -> str:
    """A headcount-plan file: `header` as comment lines, then the document (steps one a line)."""
    body = yaml.dump(
        document, Dumper=_PlanDumper, sort_keys=False, default_flow_style=None, width=100
    )
    comments = "".join(f"# {line}\n" if line else "#\n" for line in header)
    return comments + body


def write_plan_file(path: Path, document: dict[str, Any], header: list[str]) -> None:
    """Write a headcount-plan file (its folder created if needed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(plan_file_text(document, header), encoding="utf-8")
