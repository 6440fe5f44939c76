"""The page of a run folder: the whole book's GRR, NRR and cost of delivery per customer in
one line, the run's figures (ARR bridges, cost against value, retention by year, support
service, waits, pools over time, utilisation), results by tier and the scenario's assumptions.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from matplotlib.figure import Figure

from simcs.catalogue import ALL
from simcs.reporting import figures, results
from simcs.reporting.html import table
from simcs.reporting.pages.common import (
    Page,
    assumptions,
    drivers_neutral,
    notes,
    read_scenario,
    tier_labels,
    tiers_of,
)
from simcs.reporting.pages.numbers import heading, interval, label

#: The metrics of the run's headline and of its table by tier.
HEADLINE = ("grr", "nrr", "cost_per_customer")
BY_TIER = (
    "grr",
    "nrr",
    "logo_retention",
    "cost_per_customer",
    "support_sla_met",
    "support_wait_hours_mean",
)


def headline(doc: dict[str, Any]) -> str:
    """'baseline, whole book: GRR 0.912 [0.905, 0.919], NRR ..., cost of delivery per
    customer $5,300 [$5,210, $5,390].'"""
    book = doc["metrics"][ALL]
    parts = [f"{label(m)} {interval(m, book.get(m))}" for m in HEADLINE]
    return f"{doc['scenario']}, whole book: " + ", ".join(parts) + "."


def _figures(folder: Path, doc: dict[str, Any], scenario: dict[str, Any]) -> list[Any]:
    metrics = doc["metrics"]
    tiers = tiers_of(scenario)
    labels = tier_labels(scenario)
    rows = results.read_csv(folder / results.REPLICATIONS)
    sbg = (
        {t: (v["renewal"]["alpha"], v["renewal"]["beta"]) for t, v in scenario["tiers"].items()}
        if drivers_neutral(scenario)
        else None
    )
    built: list[tuple[str, Figure]] = [
        (f"arr_bridge_{t}", figures.arr_bridge(metrics, t, tier_labels=labels))
        for t in [ALL, *tiers]
    ]
    built += [
        ("cost_vs_value", figures.cost_vs_value(metrics, tiers, tier_labels=labels)),
        ("retention_by_year", figures.retention_by_year(rows, tiers, sbg, tier_labels=labels)),
        ("support_service", figures.support_service(metrics, tiers, tier_labels=labels)),
    ]
    waits = figures.wait_distribution(metrics, [*tiers, ALL], tier_labels=labels)
    built.append(("wait_distribution", waits))
    timeseries = folder / results.TIMESERIES
    if timeseries.exists():
        built.append(("pools_over_time", figures.pools_over_time(results.read_csv(timeseries))))
    built.append(("utilisation", figures.utilisation(metrics, tiers, tier_labels=labels)))
    return built


def page(folder: Path) -> Page:
    """The page of a run folder (summary.json, replications.csv, scenario.yaml)."""
    doc = results.read_json(folder / results.SUMMARY)
    scenario = read_scenario(folder / results.SCENARIO)
    if scenario is None:
        raise FileNotFoundError(f"{folder}: a run folder without {results.SCENARIO}")
    labels = tier_labels(scenario)
    metrics = doc["metrics"]
    by_tier = table(
        ["Tier", *(heading(m) for m in BY_TIER)],
        [
            [labels.get(t, t), *(interval(m, metrics[t].get(m)) for m in BY_TIER)]
            for t in [*tiers_of(scenario), ALL]
        ],
    )
    return Page(
        title=f"simcs run: {doc['scenario']}",
        headlines=[headline(doc)],
        figures=_figures(folder, doc, scenario),
        sections=[
            ("Results by tier", by_tier),
            ("Assumptions", assumptions(scenario) + notes(folder)),
        ],
        count=doc["replications"],
    )
