"""The page of a sizing folder (sizing.json): the cheapest staffing plan whose every target
holds at the stated confidence, the staffing frontier of every plan simulated, and the table of
those plans with each target's mean and one-sided bound (a pool sized by a ratio rule with its
ratio and simulated mean headcount).

A sizing that maximised a dollar objective net of the cost of delivery (`simcs size --maximise`,
sizing.json's "maximise": {"metric", "tier", "label", "pool", "start", "best", "best_value",
"neighbours": [{"level", "mean", "difference"}]}) leads with the level of largest mean, its
interval and what one person fewer or more changes, and its table shows the objective of every
level simulated; any targets were constraints.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from simcs.reporting import figures, results
from simcs.reporting.html import table
from simcs.reporting.pages.common import Page
from simcs.reporting.pages.numbers import interval, value
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


def maximum_headline(doc: dict[str, Any]) -> str:
    """'Economic value is largest at support=7: $154,919,189 [$139,453,272, $170,385,106], staff
    cost $6,076,000 a year; one fewer: -$631,687, one more: -$1,051,907.'"""
    top = doc["maximise"]
    name, pool = top["metric"], top["pool"]
    if top.get("best") is None:
        return f"No level of {pool} within the search bounds met every target."
    words = {-1: "one fewer", 1: "one more"}
    around = []
    for n in top.get("neighbours") or []:
        d = n.get("difference")
        shown = "n/a" if d is None else ("+" if d >= 0 else "") + value(name, d)
        around.append(f"{words.get(n['level'] - top['best'], pool)} ({pool}={n['level']}): {shown}")
    return (
        f"{top['label']} is largest at {pool}={top['best']}: "
        f"{interval(name, top.get('best_value'))}, staff cost "
        f"{value('cost_total', doc['recommended_staff_cost'])} a year"
        + (f"; {', '.join(around)}" if around else "")
        + ". In dollars net of the cost of delivery, the same seeds for every level."
    )


def headline(doc: dict[str, Any]) -> str:
    """The recommended plan and its cost, or that no plan met every target."""
    if doc.get("maximise"):
        return maximum_headline(doc)
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
    top = doc.get("maximise") or {}
    shown = [*([top] if top else []), *targets]  # the maximised objective first
    plans = table(
        ["Plan", "Staff cost $/yr", *(t["label"] for t in shown), "Targets hold"],
        [
            [
                plan_text(
                    plan["headcounts"],
                    plan.get("ratios"),
                    doc.get("ratio_rules"),
                    plan.get("mean_headcounts"),
                ),
                f"{plan['staff_cost']:,.0f}",
                *([interval(top["metric"], plan["values"].get(top["label"]))] if top else []),
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
            (
                f"The levels of {top['pool']} searched from the analytic start ({top['start']}), "
                "one at a time each way until two levels past the best did not beat it, within "
                "the search cap; the best is the largest mean among the levels whose targets "
                "hold. "
                if top
                else ""
            )
            + "Each plan simulated with the same seeds (common random numbers); a target holds "
            f"when the one-sided {doc['confidence']:.0%} bound of its replication mean clears "
            "it; Student-t 95% intervals in the figure."
        ),
        count=doc["replications"],
    )
