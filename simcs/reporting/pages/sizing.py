"""The page of a sizing folder (sizing.json): the cheapest staffing plan whose every target
holds at the stated confidence, the staffing frontier of every plan simulated, and the table of
those plans with each target's mean and one-sided bound.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from simcs.reporting import figures, results
from simcs.reporting.html import table
from simcs.reporting.pages.common import Page
from simcs.reporting.pages.numbers import value


def plan_text(headcounts: dict[str, int]) -> str:
    """'support=7, implementation=12'."""
    return ", ".join(f"{pool}={people}" for pool, people in headcounts.items())


def headline(doc: dict[str, Any]) -> str:
    """The recommended plan and its cost, or that no plan met every target."""
    best = doc["recommended"]
    if best is None:
        return "No plan within the search bounds met every target; see the frontier."
    return (
        f"Recommended: {plan_text(best)}, loaded staff cost "
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
                plan_text(plan["headcounts"]),
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
