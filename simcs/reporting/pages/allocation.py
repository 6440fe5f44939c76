"""The page of an allocation folder (allocation.json, written by `simcs allocate`): the
objective at the floor plan and at the allocated plan with its staff cost, the path from one to
the other (a person at a time, the pool whose next person bought the most objective per
dollar), and what one more person in each pool would buy at the end.

allocation.json: {"scenario", "objective", "tier", "limit": {"kind": "budget"|"headcount",
"value"}, "replications", "seed", "pools", "ratio_rules": {pool: rule}, "start" and "final":
{"headcounts", "ratios", "mean_headcounts", "staff_cost", "objective": {"mean", "ci95_low",
"ci95_high"}}, "marginals": [{"pool", "now", "floor", "allocated", "cost_per_person", "gain",
"gain_per_million", "fits", "cost_simulated"}], "steps": [{"pool", "ratio", "objective_mean",
"staff_cost"}], "evaluated"}. A pool allocated a ratio rule (`ratio_rules`, as `simcs allocate
--ratio`) has a level (the people its ratio staffs for the t=0 book), its ratio and simulated
mean headcount; the cost of one more level is simulated, and the limit holds for the simulated
mean staff cost.

A dollar objective (economic_value, delivery_margin: net of the cost of delivery) is shown in
dollars: the gain of one more person is net of that person's loaded cost (positive: they pay for
themselves), and the gain per dollar of their loaded cost a year replaces the gain per $1M. An
allocation of a net dollar objective may have no limit ("limit": {"kind": "none", "value":
null}): it stopped when no one more person added net value.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from simcs.catalogue import metric
from simcs.reporting import figures, results
from simcs.reporting.html import table
from simcs.reporting.pages.common import Page, folder_scenario, tier_labels
from simcs.reporting.pages.numbers import interval, label, value
from simcs.reporting.pages.sizing import plan_text

NET_NOTE = (
    "The objective is in dollars net of the cost of delivery: one more person's gain is what "
    "they bring in less their loaded cost, so a positive gain means the person pays for "
    "themselves."
)
RATIO_METHOD = (
    " A pool allocated a ratio rule steps one level at a time (one more person at the t=0 book, "
    "a smaller ratio) and follows the book: its people are the simulated mean headcount over "
    "the measurement years and a step's cost the simulated increase of the staff cost, so the "
    "limit holds for the allocated plan's simulated mean staff cost, not for every year."
)


def limit_text(limit: dict[str, Any]) -> str:
    """'a budget of $12,000,000 a year', 'a headcount of 40 people' or 'no limit'."""
    if limit.get("kind") == "none":
        return "no limit (until no person adds net value)"
    if limit.get("kind") == "budget":
        return f"a budget of {value('cost_total', limit.get('value'))} a year"
    return f"a headcount of {float(limit.get('value') or 0):g} people"


def headline(doc: dict[str, Any], tier: str) -> str:
    """'NRR, All customers: 1.012 at the floor -> 1.034 [1.030, 1.038] allocated, staff cost
    $9,870,000 a year (within a budget of $10,000,000 a year).'"""
    objective = doc["objective"]
    start, final = doc["start"], doc["final"]
    limit = doc["limit"]
    within = "no limit" if limit.get("kind") == "none" else f"within {limit_text(limit)}"
    return (
        f"{metric(objective).label}, {tier}: "
        f"{value(objective, start['objective'].get('mean'))} at the floor -> "
        f"{interval(objective, final['objective'])} allocated, staff cost "
        f"{value('cost_total', final['staff_cost'])} a year "
        f"({within})."
    )


def _money(objective: str) -> bool:
    return metric(objective).kind == "usd"


def _marginal_row(m: dict[str, Any], objective: str) -> list[str]:
    gain = m.get("gain")
    per_million = m.get("gain_per_million")
    simulated = " (simulated)" if m.get("cost_simulated") else ""
    if _money(objective):
        cost = m.get("cost_per_person") or 0.0
        shown = "n/a" if gain is None else ("+" if gain >= 0 else "") + value(objective, gain)
        rate = "n/a" if gain is None or not cost > 0 else f"{gain / cost:+.2f}"
    else:
        shown = "n/a" if gain is None else f"{gain:+.4g}"
        rate = "n/a" if per_million is None else f"{per_million:+.4g}"
    return [
        m["pool"],
        str(m["now"]),
        str(m["floor"]),
        str(m["allocated"]),
        value("cost_total", m["cost_per_person"]) + simulated,
        shown,
        rate,
        "yes" if m["fits"] else "no",
    ]


def page(folder: Path) -> Page:
    """The page of an allocation folder."""
    doc = results.read_json(folder / results.ALLOCATION)
    labels = tier_labels(folder_scenario(folder))
    tier = labels.get(doc["tier"], doc["tier"])
    objective = doc["objective"]
    money = _money(objective)
    marginals = table(
        [
            "Pool",
            "Today",
            "Floor",
            "Allocated",
            "Loaded cost per person",
            f"{'Net gain' if money else 'Gain'} in {label(objective)} of one more",
            "Net $ per $ of loaded cost a year" if money else "Gain per $1M",
            "Fits the limit",
        ],
        [_marginal_row(m, objective) for m in doc["marginals"]],
    )
    plans = table(
        ["Plan", "Headcounts", "Staff cost $/yr", f"{metric(objective).label} ({tier})"],
        [
            [
                name,
                plan_text(
                    plan["headcounts"],
                    plan.get("ratios"),
                    doc.get("ratio_rules"),
                    plan.get("mean_headcounts"),
                ),
                f"{plan['staff_cost']:,.0f}",
                interval(objective, plan["objective"]),
            ]
            for name, plan in (("Floor", doc["start"]), ("Allocated", doc["final"]))
        ],
    )
    unlimited = (doc.get("limit") or {}).get("kind") == "none"
    step_rule = (
        "the most net value (no limit: until no pool's next person adds any)"
        if unlimited
        else f"the most {label(objective)} per dollar of loaded cost"
    )
    return Page(
        title=f"simcs allocate: {doc['scenario']}",
        headlines=[headline(doc, tier), *([NET_NOTE] if money else [])],
        figures=[("allocation_path", figures.allocation_path(doc, tier_labels=labels))],
        sections=[
            ("Floor and allocated plans", plans),
            ("What one more person would buy at the allocated plan", marginals),
        ],
        method=(
            f"From the floor plan, one person at a time to the pool whose next person buys "
            f"{step_rule}{'' if unlimited else ', within ' + limit_text(doc['limit'])}"
            f"; {doc['evaluated']} plans evaluated over the pools {', '.join(doc['pools'])}, each "
            f"with the same seeds (common random numbers, seed {doc['seed']}); Student-t 95% "
            f"intervals.{RATIO_METHOD if doc.get('ratio_rules') else ''}"
        ),
        count=doc["replications"],
    )
