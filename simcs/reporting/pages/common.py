"""What every page is made of, and what pages share: the `Page` itself, the resolved scenario
of a result folder (read through `simcs.reporting.results`), the scenario's own labels of its
result scopes (tiers, customer groups as `group:NAME`, and `all`), the assumptions table of a
scenario and the input files' own header notes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from matplotlib.figure import Figure

from simcs.records import group_scope
from simcs.reporting import results
from simcs.reporting.html import escape, paragraph, preformatted, table

MEANS_METHOD = (
    "Means over independent replications with Student-t 95% intervals; each replication's "
    "value is its mean over the measurement years."
)
PAIRED_METHOD = (
    " Variants share their random streams replication by replication (common random numbers); "
    "differences are paired, their p-values Holm-adjusted across all comparisons."
)


@dataclass
class Page:
    """One report page: its title, headlines in plain words, figures (file stem, figure),
    sections (heading, HTML body), the method paragraph and what its count counts."""

    title: str
    headlines: list[str]
    figures: list[tuple[str, Figure]]
    sections: list[tuple[str, str]] = field(default_factory=list)
    method: str = MEANS_METHOD
    count: int = 0
    counted: str = "Replications"


def read_scenario(path: Path) -> dict[str, Any] | None:
    """A resolved scenario file of a result folder as plain data (None if absent)."""
    if not path.exists():
        return None
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    return doc if isinstance(doc, dict) else None


def folder_scenario(folder: Path, variant: str | None = None) -> dict[str, Any] | None:
    """The resolved scenario a folder holds (`results.scenario_path`), None if it holds none."""
    path = results.scenario_path(folder, variant)
    return None if path is None else read_scenario(path)


def tier_labels(scenario: dict[str, Any] | None) -> dict[str, str]:
    """Display names of the result scopes: tier key -> the scenario's `tiers.<key>.label`,
    `group:NAME` -> its `population.<NAME>.label`, and `all` -> 'All customers'."""
    return results.scope_labels(scenario)


def tiers_of(scenario: dict[str, Any]) -> list[str]:
    """The scenario's tier keys in its order."""
    return list(scenario["tiers"])


def groups_of(scenario: dict[str, Any]) -> list[str]:
    """The result keys (`group:NAME`) of the scenario's customer groups, in its order."""
    return [group_scope(str(name)) for name in scenario.get("population") or {}]


#: Churn-odds drivers that act only on a customer moved to a lower-touch tier.
TRANSITION_DRIVERS = frozenset({"coverage_change", "coverage_change_mid_term"})


def drivers_neutral(scenario: dict[str, Any], *, moved_down: bool = True) -> bool:
    """Whether every churn-odds driver that can act is 1 (then survival follows the sBG
    curve); the coverage-change odds act only on customers moved down, so they count only
    when some were (`moved_down`)."""
    return all(
        v == 1
        for k, v in _driver_odds(scenario).items()
        if isinstance(v, int | float) and (moved_down or k not in TRANSITION_DRIVERS)
    )


def _driver_odds(scenario: dict[str, Any]) -> dict[str, Any]:
    drivers = scenario["drivers"]
    flat = {
        k: v
        for k, v in drivers.items()
        if not isinstance(v, dict) and k != "relationship_touches_per_year"
    }
    flat.update({f"relationship.{k}": v for k, v in drivers["relationship"].items()})
    return flat


def _tier_rows(scenario: dict[str, Any]) -> Iterator[list[str]]:
    csm = scenario["staff"]["csm"]
    for name, t in scenario["tiers"].items():
        team = csm.get(name)
        yield [
            t["label"],
            t["coverage"],
            "-" if team is None else f"{team['headcount']} (+{team['managers']} mgr)",
            f"{t['cadence']['touches_per_year']:g}/yr",
            f"{t['support']['sla_hours']:g} h",
        ]


def _group_rows(scenario: dict[str, Any]) -> Iterator[list[str]]:
    for g in scenario["population"].values():
        low, high = g["arr_band"]
        yield [
            g["label"],
            str(g["initial_customers"]),
            f"{low:,.0f} - " + ("" if high is None else f"{high:,.0f}"),
            f"{g['cases_per_year']:g}/yr",
            f"Beta({g['renewal']['alpha']:g}, {g['renewal']['beta']:g})",
        ]


def segmentation_text(scenario: dict[str, Any]) -> str:
    """The segmentation rule in one sentence."""
    rule = scenario.get("segmentation") or {}
    tiers = scenario["tiers"]
    if rule.get("rule") == "arr":
        bands = sorted(rule["thresholds"].items(), key=lambda kv: -kv[1])
        where = ", ".join(f"{tiers[t]['label']} from ${low:,.0f}" for t, low in bands)
        text = f"Customers are served by ARR: {where}."
    else:
        groups = scenario["population"]
        where = ", ".join(
            f"{groups[g]['label']} by {tiers[t]['label']}"
            for g, t in rule.get("groups", {}).items()
        )
        text = f"Customers are served by group: {where}."
    retier = rule.get("retier", "never")
    text += {
        "never": " A customer keeps the tier it started in.",
        "at_renewal": " At each renewal a customer moves to the tier the rule gives.",
        "at_once": " The t=0 book moves to this rule at once; later moves happen at renewals.",
    }[retier]
    if rule.get("hysteresis"):
        text += f" Hysteresis {rule['hysteresis']:.0%}."
    if rule.get("previous"):
        text += " The t=0 book was placed by the previous rule."
    return text


def assumptions(scenario: dict[str, Any]) -> str:
    """The scenario's customer groups, tiers, segmentation, staff pools and churn-odds drivers
    as tables, with sources."""
    staff = scenario["staff"]
    tiers = (
        table(
            ["Customer group", "Customers t=0", "ARR band $", "Cases", "Base churn"],
            list(_group_rows(scenario)),
        )
        + table(
            ["Service tier", "Coverage", "CSMs", "Touches", "SLA"],
            list(_tier_rows(scenario)),
        )
        + paragraph(segmentation_text(scenario), "note")
    )
    pools = table(
        ["Pool", "Headcount", "OTE $", "Overhead", "Productive h/week"],
        [
            [
                p,
                str(staff[p]["headcount"]),
                f"{staff[p]['ote']:,.0f}",
                f"{staff[p]['overhead']:.0%}",
                f"{staff[p]['productive_hours_per_week']:g}",
            ]
            for p in ("support", "implementation", "education", "operations")
        ],
    )
    odds = table(
        ["Churn-odds driver", "Odds ratio"],
        [[k, f"{v:g}"] for k, v in _driver_odds(scenario).items()],
    )
    touches = scenario["drivers"]["relationship_touches_per_year"]
    return (
        paragraph(scenario.get("description", ""))
        + tiers
        + pools
        + odds
        + paragraph(
            f"Relationship strength reaches 63% at {touches:g} delivered touches a year.", "note"
        )
        + paragraph(
            "Sources: the seed documents (segmentation template, cost-of-delivery formula and "
            "worked examples, $50M cost template) and public benchmarks (the docs' Evidence and "
            "assumptions page, docs/background/evidence.md); each "
            "scenario file's header says which number comes from where. Driver odds ratios are "
            "weakly evidenced: vary them (simcs robustness).",
            "note",
        )
    )


def notes(folder: Path) -> str:
    """The scenario or experiment files' own header comments: what they represent and where
    their numbers come from ('' when they have none)."""
    manifest = folder / results.MANIFEST
    if not manifest.exists():
        return ""
    doc = results.read_json(manifest)
    lines = doc.get("scenario_notes") or doc.get("notes") or []
    if not lines:
        return ""
    return f"<h3>{escape('What the input files say about themselves')}</h3>" + preformatted(
        "\n".join(lines)
    )
