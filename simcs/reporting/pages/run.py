"""The page of a run folder: the whole book's GRR, NRR and cost of delivery per customer in
one line, the run's figures (ARR bridges, cost against value, retention by year by tier and by
customer group, support service, waits, pools over time, utilisation), results by service tier
and by customer group, the counts that explain the segmentation policy (customers each tier
serves, customers re-tiered up and down a year) and the scenario's assumptions.

A tier's figures describe the customers it serves, which the segmentation rule decides (and
re-tiering changes); a customer group's describe the same customers whatever tier serves them,
so they are what compares across policies. The shifted-beta-geometric reference of the
retention figure belongs to a group's renewal law, so it is drawn per group.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from matplotlib.figure import Figure

from simcs.catalogue import ALL
from simcs.records import group_scope
from simcs.reporting import figures, results
from simcs.reporting.html import paragraph, table
from simcs.reporting.pages.common import (
    Page,
    assumptions,
    drivers_neutral,
    groups_of,
    notes,
    read_scenario,
    segmentation_text,
    tier_labels,
    tiers_of,
)
from simcs.reporting.pages.numbers import heading, interval, label

#: The metrics of the run's headline and of its tables by tier and by customer group.
HEADLINE = ("grr", "nrr", "cost_per_customer")
BY_TIER = (
    "grr",
    "nrr",
    "logo_retention",
    "cost_per_customer",
    "support_sla_met",
    "support_wait_hours_mean",
)
#: The counts that explain a segmentation policy, with their column headings.
COUNTS = (
    ("customers_start", "Customers at start of year"),
    ("customers_end", "Customers at end of year"),
    ("new_customers", "New customers per year"),
    ("retiered_up", "Moved up per year"),
    ("retiered_down", "Moved down per year"),
)
GROUPS_NOTE = (
    "Customer groups are who the customers are (fixed for life), whatever tier serves them: "
    "a tier's figures change with the customers the segmentation rule gives it, a group's "
    "compare like with like across policies."
)
COUNTS_NOTE = (
    "Means per measurement year with 95% intervals. A tier's moved up (down) counts the "
    "customers the rule moved into it from a lower-touch (higher-touch) tier; a group's, its "
    "customers moved to a higher-touch (lower-touch) tier."
)


def headline(doc: dict[str, Any]) -> str:
    """'baseline, whole book: GRR 0.912 [0.905, 0.919], NRR ..., cost of delivery per
    customer $5,300 [$5,210, $5,390].'"""
    book = doc["metrics"][ALL]
    parts = [f"{label(m)} {interval(m, book.get(m))}" for m in HEADLINE]
    return f"{doc['scenario']}, whole book: " + ", ".join(parts) + "."


def group_sbg(
    scenario: dict[str, Any], metrics: dict[str, Any]
) -> dict[str, tuple[float, float]] | None:
    """`group:NAME` -> its renewal law's (alpha, beta), for each group whose survival follows
    its sBG curve: every churn driver that acts on its customers is neutral (the coverage-change
    odds act only if some were moved down, `retiered_down` of the run's metrics); None when
    no group's does."""
    out = {}
    for name, g in (scenario.get("population") or {}).items():
        scope = group_scope(str(name))
        moved = (metrics.get(scope, {}).get("retiered_down") or {}).get("mean") or 0
        if drivers_neutral(scenario, moved_down=moved > 0):
            out[scope] = (g["renewal"]["alpha"], g["renewal"]["beta"])
    return out or None


def _figures(folder: Path, doc: dict[str, Any], scenario: dict[str, Any]) -> list[Any]:
    metrics = doc["metrics"]
    tiers = tiers_of(scenario)
    labels = tier_labels(scenario)
    rows = results.read_csv(folder / results.REPLICATIONS)
    built: list[tuple[str, Figure]] = [
        (f"arr_bridge_{t}", figures.arr_bridge(metrics, t, tier_labels=labels))
        for t in [ALL, *tiers]
    ]
    built += [
        ("cost_vs_value", figures.cost_vs_value(metrics, tiers, tier_labels=labels)),
        (
            "retention_by_year",
            figures.retention_by_year(
                rows, tiers, tier_labels=labels, title="Retention by year, by service tier"
            ),
        ),
        (
            "retention_by_group",
            figures.retention_by_year(
                rows,
                groups_of(scenario),
                group_sbg(scenario, metrics),
                tier_labels=labels,
                title="Retention by year, by customer group",
            ),
        ),
        ("support_service", figures.support_service(metrics, tiers, tier_labels=labels)),
    ]
    waits = figures.wait_distribution(metrics, [*tiers, ALL], tier_labels=labels)
    built.append(("wait_distribution", waits))
    timeseries = folder / results.TIMESERIES
    if timeseries.exists():
        built.append(("pools_over_time", figures.pools_over_time(results.read_csv(timeseries))))
    built.append(("utilisation", figures.utilisation(metrics, tiers, tier_labels=labels)))
    return built


def results_table(
    metrics: dict[str, Any], scopes: Sequence[str], labels: dict[str, str], title: str
) -> str:
    """The headline metrics of each scope (a tier, a customer group or all), one row each."""
    return table(
        [title, *(heading(m) for m in BY_TIER)],
        [
            [labels.get(s, s), *(interval(m, metrics.get(s, {}).get(m)) for m in BY_TIER)]
            for s in scopes
        ],
    )


def counts_table(
    metrics: dict[str, Any], scopes: Sequence[str], labels: dict[str, str], title: str
) -> str:
    """Customers at the start and end of the year, new, moved up and moved down, per scope."""
    return table(
        [title, *(h for _m, h in COUNTS)],
        [
            [labels.get(s, s), *(interval(m, metrics.get(s, {}).get(m)) for m, _h in COUNTS)]
            for s in scopes
        ],
    )


def policy_counts(metrics: dict[str, Any], scenario: dict[str, Any]) -> str:
    """The segmentation rule in words, then the counts by service tier and by customer group."""
    labels = tier_labels(scenario)
    return (
        paragraph(segmentation_text(scenario))
        + counts_table(metrics, [*tiers_of(scenario), ALL], labels, "Service tier")
        + counts_table(metrics, [*groups_of(scenario), ALL], labels, "Customer group")
        + paragraph(COUNTS_NOTE, "note")
    )


def page(folder: Path) -> Page:
    """The page of a run folder (summary.json, replications.csv, scenario.yaml)."""
    doc = results.read_json(folder / results.SUMMARY)
    scenario = read_scenario(folder / results.SCENARIO)
    if scenario is None:
        raise FileNotFoundError(f"{folder}: a run folder without {results.SCENARIO}")
    labels = tier_labels(scenario)
    metrics = doc["metrics"]
    by_tier = results_table(metrics, [*tiers_of(scenario), ALL], labels, "Tier")
    by_group = paragraph(GROUPS_NOTE, "note") + results_table(
        metrics, [*groups_of(scenario), ALL], labels, "Customer group"
    )
    return Page(
        title=f"simcs run: {doc['scenario']}",
        headlines=[headline(doc)],
        figures=_figures(folder, doc, scenario),
        sections=[
            ("Results by tier", by_tier),
            ("Results by customer group", by_group),
            ("Customers served and re-tiered", policy_counts(metrics, scenario)),
            ("Assumptions", assumptions(scenario) + notes(folder)),
        ],
        count=doc["replications"],
    )
