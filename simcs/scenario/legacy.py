"""Scenario files of the old shape, where a tier held both its customers and their service.

Before segmentation became a policy, `tiers.NAME` said who a tier's customers were (ARR law,
book, new logos, case rate, implementation work, renewal and expansion laws) and how they were
served, and a customer never changed tier. Such a file still loads: each old tier becomes a
customer group of the same name served by the tier of that name for life (rule `group`,
`retier: never`), which is exactly what the old model did, and an `OldScenarioShape` warning
says how to write the new shape.
"""

from __future__ import annotations

from typing import Any

#: keys of an old tier that describe its customers (they move to `population.NAME`)
_POPULATION_KEYS = (
    "label",
    "arr_band",
    "arr",
    "initial_customers",
    "initial_arr_total",
    "new_logos_per_year",
    "renewal",
    "expansion",
)
#: keys of an old tier's sub-sections that describe its customers
_MOVED = {
    ("support", "cases_per_year"): "cases_per_year",
    ("onboarding", "implementation_hours"): "implementation_hours",
    ("onboarding", "customer_lead_weeks"): "customer_lead_weeks",
}
#: keys that mark a tier of the old shape
_OLD_MARKS = {"arr_band", "arr", "initial_customers", "renewal", "initial_arr_total"}

HOW_TO = (
    "write `population` (customer groups: ARR band and law, book, new logos, cases_per_year, "
    "implementation_hours, customer_lead_weeks, renewal, expansion), `tiers` (the service "
    "only) and `segmentation` (which tier serves which customer); see "
    "docs/how-to/write-a-scenario.md"
)


class OldScenarioShape(FutureWarning):
    """A scenario of the old shape was read and translated (it still runs as before)."""


def is_old_shape(data: Any) -> bool:
    """True for a scenario mapping whose tiers still hold their customers."""
    if not isinstance(data, dict) or "population" in data:
        return False
    tiers = data.get("tiers")
    if not isinstance(tiers, dict):
        return False
    return any(isinstance(t, dict) and _OLD_MARKS & set(t) for t in tiers.values())


def upgrade(data: dict[str, Any]) -> dict[str, Any]:
    """The new shape of an old-shape scenario mapping (the input is not modified)."""
    out = dict(data)
    population: dict[str, Any] = {}
    tiers: dict[str, Any] = {}
    for name, old in data["tiers"].items():
        if not isinstance(old, dict):
            tiers[name] = old
            continue
        group: dict[str, Any] = {k: old[k] for k in _POPULATION_KEYS if k in old}
        tier: dict[str, Any] = {
            k: v for k, v in old.items() if k not in _POPULATION_KEYS or k == "label"
        }
        for (section, key), new_key in _MOVED.items():
            part = tier.get(section)
            if isinstance(part, dict) and key in part:
                group[new_key] = part[key]
                tier[section] = {k: v for k, v in part.items() if k != key}
        population[name] = group
        tiers[name] = tier
    out["population"] = population
    out["tiers"] = tiers
    out.setdefault(
        "segmentation",
        {"rule": "group", "groups": {name: name for name in population}, "retier": "never"},
    )
    return out


def message(source: str = "the scenario") -> str:
    """The deprecation note for an old-shape scenario."""
    return (
        f"{source} has the old shape (each tier holds its customers): read as customer groups "
        "named after the tiers, each served by its tier for life (segmentation rule 'group', "
        f"retier 'never'). This shape is deprecated: {HOW_TO}"
    )
