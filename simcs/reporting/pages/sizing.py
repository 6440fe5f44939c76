"""The page of a sizing folder (sizing.json): the cheapest staffing plan whose every target
holds at the stated confidence, the staffing frontier of every plan simulated, and the table of
those plans with each target's mean and one-sided bound (a pool sized by a ratio rule with its
ratio and simulated mean headcount).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from simcs.reporting import figures, results
from simcs.reporting.html import table
from simcs.reporting.pages.common import Page
from simcs.reporting.pages.numbers import value
from simcs.scenario.staffing_file import ratio_text


def plan_text(
    headcounts: dict[str, int],
    ratios: dict[str, float] | None = None,
    rules: dict[str, str] | None = None,
    means: dict[str, float | None] | None = None,
) -> str:
    """'support=7, implementation=12'; a pool sized by a ratio rule (`rules`) as
    'csm.smb=5 (1 per $4.5M ARR, mean 5.6 people)'."""
    parts = []
    for pool, people in headcounts.items():
        rule = (rules or {}).get(pool)
        if rule is None or pool not in (ratios or {}):
            parts.append(f"{pool}={people}")
            continue
        mean = (means or {}).get(pool)
        shown = "" if mean is None else f", mean {mean:.1f} people"
        parts.append(f"{pool}={people} ({ratio_text(rule, (ratios or {})[pool])}{shown})")
    return ", ".join(parts)


def headline(doc: dict[str, Any]) -> str:
    """The recommended plan and its cost, or that no plan met every target."""
    best = doc["recommended"]
    if best is None:
        return "No plan within the search bounds met every target; see the frontier."
    rules = doc.get("ratio_rules") or {}
    return (
        f"Recommended: {plan_text(best, doc.get('recommended_ratios'), rules)}, loaded staff cost "
        f"{value('cost_total', doc['recommended_staff_cost'])} a year; every target holds at "
        f"{doc['confidence']:.0%} confidence."
    )


def value_and_bound(metric: str, estimate: dict[str, Any]) -> str:
    """'0.972 (bound 0.951)', or 'n/a' where the plan leaves the metric undefined."""
    mean, bound = estimate.get("mean"), estimate.get("bound")
    if mean is None:
        return "n/a"
    return value(metric, mean) + ("" if bound is None else f" (bound {value(metric, bound)})")


def page(folder: Path) -> Page:
    """The page of a sizing folder."""
    doc = results.read_json(folder / results.SIZING)
    targets = doc["targets"]
    plans = table(
        ["Plan", "Staff cost $/yr", *(t["label"] for t in targets), "Targets hold"],
        [
            [
                plan_text(
                    plan["headcounts"],
                    plan.get("ratios"),
                    doc.get("ratio_rules"),
                    plan.get("mean_headcounts"),
                ),
                f"{plan['staff_cost']:,.0f}",
                *(value_and_bound(t["metric"], plan["values"][t["label"]]) for t in targets),
                "yes" if plan["holds"] else "no",
            ]
            for plan in sorted(doc["plans"], key=lambda p: p["staff_cost"])
        ],
    )
    return Page(
        title=f"simcs size: {doc['scenario']}",
        headlines=[headline(doc)],
        figures=[("staffing_frontier", figures.staffing_frontier(doc))],
        sections=[("Every plan simulated", plans)],
        method=(
            "Each plan simulated with the same seeds (common random numbers); a target holds "
            f"when the one-sided {doc['confidence']:.0%} bound of its replication mean clears "
            "it; Student-t 95% intervals in the figure."
        ),
        count=doc["replications"],
    )
