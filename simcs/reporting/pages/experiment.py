"""The page of an experiment folder: each variant against the reference in plain words
("no_play vs base: GRR -1.4 points [-1.7, -1.1] (worse); ..."), a forest plot per metric and
the cost-retention trade-off, every paired difference, and the reference's assumptions.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from matplotlib.figure import Figure

from simcs.catalogue import ALL
from simcs.reporting import figures, results
from simcs.reporting.html import table
from simcs.reporting.pages.common import (
    MEANS_METHOD,
    PAIRED_METHOD,
    Page,
    assumptions,
    folder_scenario,
    notes,
    tier_labels,
)
from simcs.reporting.pages.numbers import difference, heading, interval, label

TRADEOFF = ("cost_per_customer", "grr", "nrr")


def headlines(doc: dict[str, Any]) -> list[str]:
    """One line per variant: its whole-book differences from the reference and verdicts."""
    by_variant: dict[str, list[dict[str, Any]]] = {}
    for c in doc["comparisons"]:
        if c["tier"] == ALL:
            by_variant.setdefault(c["variant"], []).append(c)
    lines = []
    for variant, comps in by_variant.items():
        parts = [
            f"{label(c['metric'])} "
            f"{difference(c['metric'], c['difference'], c['ci95_low'], c['ci95_high'])} "
            f"({c['verdict']})"
            for c in comps
        ]
        lines.append(f"{variant} vs {comps[0]['reference']}: " + "; ".join(parts) + ".")
    return lines


def metrics_compared(doc: dict[str, Any]) -> list[str]:
    """The metrics of the comparisons, in their order."""
    return list(dict.fromkeys(c["metric"] for c in doc["comparisons"]))


def page(folder: Path, kind: str = "experiment") -> Page:
    """The page of an experiment folder (summary.json with comparisons, scenarios/)."""
    doc = results.read_json(folder / results.SUMMARY)
    reference = folder_scenario(folder, doc.get("reference"))
    labels = tier_labels(reference)
    comps = doc["comparisons"]
    built: list[tuple[str, Figure]] = [
        (f"forest_{m}", figures.forest(comps, m, ALL, tier_labels=labels))
        for m in metrics_compared(doc)
    ]
    built.append(("tradeoff", figures.tradeoff(doc["tradeoff"])))
    differences = table(
        ["Variant", "Tier", "Metric", "Difference", "p (Holm)", "Verdict"],
        [
            [
                c["variant"],
                labels.get(c["tier"], c["tier"]),
                label(c["metric"]),
                difference(c["metric"], c["difference"], c["ci95_low"], c["ci95_high"]),
                "n/a" if c["p_holm"] is None else f"{c['p_holm']:.3g}",
                c["verdict"],
            ]
            for c in comps
        ],
    )
    trade = table(
        ["Variant", *(heading(m) for m in TRADEOFF)],
        [[v, *(interval(m, d.get(m)) for m in TRADEOFF)] for v, d in doc["tradeoff"].items()],
    )
    sections = [
        ("Paired differences against the reference", differences),
        ("Cost against retention", trade),
    ]
    if reference is not None:
        sections.append(
            (
                f"Assumptions (reference: {doc['reference']})",
                assumptions(reference) + notes(folder),
            )
        )
    return Page(
        title=f"simcs {kind}: {doc['experiment']}",
        headlines=headlines(doc),
        figures=built,
        sections=sections,
        method=MEANS_METHOD + PAIRED_METHOD,
        count=doc["replications"],
    )
