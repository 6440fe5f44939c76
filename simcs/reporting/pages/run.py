"""The page of a run folder: the whole book's GRR, NRR, cost of delivery per customer and
economic value in one line, the run's figures (ARR bridges, cost against value, revenue and
margin, lifetime value against cost to serve, retention by year by tier and by customer group,
support service, waits, pools over time, staffing, utilisation), results by service tier and by
customer group, revenue and margin (where the cost of delivery lands against the 5%-20% of
revenue customer success runs at, seed 1G.1), the counts that explain the segmentation policy
(customers each tier serves, customers re-tiered up and down a year), staffing by quarter with
the hiring decisions of the staffing policies, and the scenario's assumptions.

The staffing figure and tables need timeseries.csv's staffing columns (headcount, target,
requisitions, ...); a folder written before them (queue length and utilisation only) has no
staffing section; one written before money was in the model (no revenue) has no money
figures, section or economic value in its headline.

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
from simcs.reporting import figures, money, results, staffing
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
#: The columns of the revenue and margin tables (where cost to revenue lands follows it).
MONEY_COLUMNS = (
    "revenue",
    "cost_total",
    "delivery_margin",
    "cost_to_revenue",
    "customer_lifetime_value",
    "book_value_end",
)
MONEY_NOTE = (
    "Means per measurement year with 95% intervals; lifetime and book value at year end, "
    "discounted at the finance section's rate. Against the band: inside, below or above "
    "when the whole interval is; on an edge when the interval reaches both sides of it."
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


def headline(doc: dict[str, Any], years: int | None = None) -> str:
    """'baseline, whole book: GRR 0.912 [0.905, 0.919], NRR ..., cost of delivery per
    customer $5,300 [$5,210, $5,390], economic value $715M [$653M, $776M] over 3 years and the
    book left.' (`years`: the measurement years; no economic value in a folder without it)."""
    book = doc["metrics"][ALL]
    parts = [f"{label(m)} {interval(m, book.get(m))}" for m in HEADLINE]
    if money.has_money(book) and "economic_value" in book:
        parts.append(money.economic_value_phrase(book["economic_value"], years))
    return f"{doc['scenario']}, whole book: " + ", ".join(parts) + "."


def measured_years(scenario: dict[str, Any]) -> int | None:
    """How many years the run measured (horizon less warm-up; None if the file lacks them)."""
    horizon, warmup = scenario.get("horizon_years"), scenario.get("warmup_years", 0)
    if not isinstance(horizon, int) or not isinstance(warmup, int):
        return None
    return horizon - warmup


def discount_rate(scenario: dict[str, Any]) -> float | None:
    """The finance section's discount rate a year (None if the file has no finance section)."""
    rate = (scenario.get("finance") or {}).get("discount_rate_per_year")
    return float(rate) if isinstance(rate, int | float) else None


def money_table(
    metrics: dict[str, Any], scopes: Sequence[str], labels: dict[str, str], title: str
) -> str:
    """Revenue, cost, margin, cost to revenue (and where it lands against the band), lifetime
    value and book value of each scope, one row each."""
    where = f"Against the {money.band_text()} band"
    return table(
        [title, *(heading(m) for m in MONEY_COLUMNS[:4]), where, *map(heading, MONEY_COLUMNS[4:])],
        [
            [
                labels.get(s, s),
                *(money.estimate(m, metrics.get(s, {}).get(m)) for m in MONEY_COLUMNS[:4]),
                money.band_position(metrics.get(s, {}).get("cost_to_revenue")) or "n/a",
                *(money.estimate(m, metrics.get(s, {}).get(m)) for m in MONEY_COLUMNS[4:]),
            ]
            for s in scopes
        ],
    )


def money_section(metrics: dict[str, Any], scenario: dict[str, Any]) -> str:
    """The whole book's money in plain words, then revenue and margin by tier and by group."""
    labels = tier_labels(scenario)
    lines = money.money_lines(
        metrics[ALL], measured_years(scenario), discount_rate(scenario), who="whole book"
    )
    return (
        paragraph(" ".join(lines))
        + money_table(metrics, [*tiers_of(scenario), ALL], labels, "Service tier")
        + money_table(metrics, [*groups_of(scenario), ALL], labels, "Customer group")
        + paragraph(MONEY_NOTE, "note")
    )


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


def _figures(
    folder: Path,
    doc: dict[str, Any],
    scenario: dict[str, Any],
    timeseries: list[dict[str, str]] | None,
) -> list[Any]:
    metrics = doc["metrics"]
    tiers = tiers_of(scenario)
    labels = tier_labels(scenario)
    rows = results.read_csv(folder / results.REPLICATIONS)
    built: list[tuple[str, Figure]] = [
        (f"arr_bridge_{t}", figures.arr_bridge(metrics, t, tier_labels=labels))
        for t in [ALL, *tiers]
    ]
    built.append(("cost_vs_value", figures.cost_vs_value(metrics, tiers, tier_labels=labels)))
    if money.has_money(metrics.get(ALL)):
        scopes = [*tiers, ALL]
        built += [
            ("revenue_and_margin", figures.revenue_and_margin(metrics, scopes, tier_labels=labels)),
            ("customer_value", figures.customer_value(metrics, scopes, tier_labels=labels)),
        ]
    built += [
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
    if timeseries is not None:
        built.append(("pools_over_time", figures.pools_over_time(timeseries)))
        if has_staffing(timeseries):
            built.append(("staffing", figures.staffing(timeseries)))
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


def has_staffing(timeseries: list[dict[str, str]] | None) -> bool:
    """Whether timeseries.csv rows hold the staffing columns (an old folder's do not)."""
    return timeseries is not None and len(timeseries) > 0 and staffing.has_staffing(timeseries[0])


def staffing_sections(timeseries: list[dict[str, str]]) -> list[tuple[str, str]]:
    """Staffing by quarter (flagged where utilisation runs above target or headcount below
    it), then the staffing policies' hiring decisions."""
    series = staffing.series_from_csv(timeseries)
    quarters = staffing.quarterly_staffing(series)
    decisions = staffing.hiring_decisions(series)
    by_quarter = paragraph(staffing.staffing_legend(quarters), "note") + table(
        staffing.QUARTER_HEADINGS, staffing.quarter_cells(quarters)
    )
    if decisions:
        decided = paragraph(staffing.DECISIONS_LEGEND, "note") + table(
            staffing.DECISION_HEADINGS, staffing.decision_cells(decisions)
        )
    else:
        decided = paragraph(staffing.NO_DECISIONS, "note")
    return [("Staffing by quarter", by_quarter), ("Hiring decisions", decided)]


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
    path = folder / results.TIMESERIES
    timeseries = results.read_csv(path) if path.exists() else None
    sections = [
        ("Results by tier", by_tier),
        ("Results by customer group", by_group),
        ("Customers served and re-tiered", policy_counts(metrics, scenario)),
    ]
    if money.has_money(metrics.get(ALL)):
        sections.insert(2, ("Revenue and margin", money_section(metrics, scenario)))
    if timeseries is not None and has_staffing(timeseries):
        sections += staffing_sections(timeseries)
    sections.append(("Assumptions", assumptions(scenario) + notes(folder)))
    return Page(
        title=f"simcs run: {doc['scenario']}",
        headlines=[headline(doc, measured_years(scenario))],
        figures=_figures(folder, doc, scenario, timeseries),
        sections=sections,
        count=doc["replications"],
    )
