"""The page of an experiment folder: each variant's bottom line in dollars, first
(`simcs.reporting.pages.money_headline`: "low_touch saves $4.0M a year in cost of delivery
and ..."), which way it compares (by service tier, by customer group, and why, in one
sentence), each variant against the reference in plain words ("no_play vs base: GRR -1.4
points [-1.7, -1.1] (worse); ..."), the return on staff of each variant, a forest plot per
metric over every scope compared and the cost-retention trade-off, every paired difference,
each variant's means, how each variant serves its customers (customers per tier, re-tiered up
and down a year), the staffing over time of each variant whose staff pools change over time
(a staffing policy at work; the first `STAFFING_FIGURES` such variants, so a sweep stays
readable) and the reference's assumptions.

A comparison is made for a scope: a service tier, a customer group (`group:NAME`, named by the
reference scenario's group label) or `all`. When the variants segment differently a tier serves
different customers in each, so such experiments compare by customer group
(`simcs.experiments.design`), and the page says so.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from matplotlib.figure import Figure

from simcs.catalogue import ALL
from simcs.reporting import figures, results, staffing
from simcs.reporting.html import paragraph, table
from simcs.reporting.pages.common import (
    MEANS_METHOD,
    PAIRED_METHOD,
    Page,
    assumptions,
    folder_scenario,
    notes,
    tier_labels,
)
from simcs.reporting.pages.money_headline import (
    RETURN_HEADINGS,
    RETURN_NOTE,
    money_headlines,
    return_rows,
    return_sentence,
)
from simcs.reporting.pages.numbers import difference, heading, interval, label
from simcs.reporting.pages.policy import basis, policy_table, segment_differently

TRADEOFF = ("cost_per_customer", "grr", "nrr")
#: At most this many variants get a staffing figure.
STAFFING_FIGURES = 8


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


def scopes_compared(doc: dict[str, Any]) -> list[str]:
    """The scopes of the comparisons (tiers, `group:NAME`, `all`), in their order."""
    return list(dict.fromkeys(str(c["tier"]) for c in doc["comparisons"]))


def means_table(doc: dict[str, Any], labels: dict[str, str]) -> str:
    """Each variant's mean and 95% interval of every compared metric, scope by scope."""
    metrics = metrics_compared(doc)
    return table(
        [figures.scope_noun(scopes_compared(doc)), "Variant", *(heading(m) for m in metrics)],
        [
            [labels.get(s, s), v, *(interval(m, by_scope[s].get(m)) for m in metrics)]
            for s in scopes_compared(doc)
            for v, by_scope in (doc.get("variants") or {}).items()
            if s in by_scope
        ],
    )


def staffing_figures(folder: Path, variants: list[str]) -> list[tuple[str, Figure]]:
    """The staffing figure of each variant whose staff pools change over time, the first
    `STAFFING_FIGURES` of them (none when timeseries.csv is absent or has no staffing
    columns)."""
    path = folder / results.TIMESERIES
    rows = results.read_csv(path) if path.exists() else []
    if not rows or not staffing.has_staffing(rows[0]):
        return []
    built = []
    for variant in variants:
        if len(built) == STAFFING_FIGURES:
            break
        own = [r for r in rows if r.get("variant") == variant]
        if staffing.changing_pools(staffing.series_from_csv(own)):
            stem = "staffing_" + re.sub(r"[^A-Za-z0-9_.-]", "_", variant)
            built.append((stem, figures.staffing(own, title=f"Staffing over time: {variant}")))
    return built


def page(folder: Path, kind: str = "experiment") -> Page:
    """The page of an experiment folder (summary.json with comparisons, scenarios/)."""
    doc = results.read_json(folder / results.SUMMARY)
    reference = folder_scenario(folder, doc.get("reference"))
    labels = tier_labels(reference)
    comps = doc["comparisons"]
    scopes = scopes_compared(doc)
    one = scopes[0] if len(scopes) == 1 else None  # else every scope in one forest plot
    built: list[tuple[str, Figure]] = [
        (f"forest_{m}", figures.forest(comps, m, one, tier_labels=labels))
        for m in metrics_compared(doc)
    ]
    built.append(("tradeoff", figures.tradeoff(doc["tradeoff"])))
    built += staffing_figures(folder, list(doc.get("variants") or {}))
    how = basis(scopes, segment_differently(folder, list(doc.get("variants") or {})))
    differences = paragraph(how, "note") + table(
        ["Variant", figures.scope_noun(scopes), "Metric", "Difference", "p (Holm)", "Verdict"],
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
    sections = [("Paired differences against the reference", differences)]
    if doc.get("return_on_staff"):
        returns = (
            paragraph(RETURN_NOTE, "note")
            + "".join(paragraph(return_sentence(e)) for e in doc["return_on_staff"])
            + table(list(RETURN_HEADINGS), return_rows(doc))
        )
        sections.append(("Return on staff", returns))
    sections += [
        ("Means by variant", means_table(doc, labels)),
        ("Cost against retention", trade),
    ]
    served = policy_table(folder, list(doc.get("variants") or {}), reference, labels)
    if served:
        sections.append(("How each variant serves its customers", served))
    if reference is not None:
        sections.append(
            (
                f"Assumptions (reference: {doc['reference']})",
                assumptions(reference) + notes(folder),
            )
        )
    return Page(
        title=f"simcs {kind}: {doc['experiment']}",
        headlines=[*money_headlines(doc), how, *headlines(doc)],
        figures=built,
        sections=sections,
        method=MEANS_METHOD + PAIRED_METHOD,
        count=doc["replications"],
    )
