"""The levers of the Scenario page: the fields a strategy team edits, built from the schema.

`levers(scenario)` lists the editable fields of a scenario as `Lever`s, in display order and
grouped in sections (`SECTIONS`; each tier has its own section, "Tier: <label>"). Everything a
form shows comes from the scenario and its field metadata (`simcs.scenario.fields.about`):
the help text is the field's description, unit, plausible range, bounds and source; the widget
range is the schema's bounds. Only the short labels are written here. `edited(scenario,
changes)` applies a form's values by dotted path through `with_overrides`, so a refused value
gets the command line's own messages. Pure Python: the page modules import Streamlit, not this.
"""

from __future__ import annotations

import math
import operator
import types
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import annotated_types as at
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from simcs.scenario.fields import ODDS, SHARE, USD, USD_YEAR
from simcs.scenario.files import with_overrides
from simcs.scenario.schema import Scenario

HEADCOUNT = "Headcount"
#: each tier's section is named "Tier: <its label>"; they come in this place, in tier order
TIER = "Tier"
SEGMENTATION = "Segmentation"
LEVERS = "Levers"
DRIVERS = "Driver odds ratios"
EXPANSION = "Expansion drivers"
SECTIONS: tuple[str, ...] = (HEADCOUNT, TIER, SEGMENTATION, LEVERS, DRIVERS, EXPANSION)

#: the staff pools other than the CSM teams: the people of each, in a label
_PEOPLE = {
    "support": "Support agents",
    "implementation": "Implementation consultants",
    "education": "Instructors",
    "operations": "Operations staff",
}
#: labels where a field's name does not read well as words
_LABELS = {
    "touches_per_year": "Touches a year",
    "hours_per_touch": "Hours per touch",
    "sla_hours": "Support SLA",
    "hysteresis": "Re-tiering margin",
    "retier": "Re-tiering",
    "enabled": "On",
    "ttv_late": "Late time-to-value",
    "self_service_deflection": "Self-service deflection",
    "relationship_touches_per_year": "Touches for a full relationship",
}
_ACRONYMS = {"csm": "CSM", "sla": "SLA", "arr": "ARR", "ttv": "TTV"}
#: the tier fields shown in a tier's section
_TIER_FIELDS = (
    "coverage",
    "cadence.touches_per_year",
    "cadence.hours_per_touch",
    "support.sla_hours",
)
#: widget steps by unit (others: 1 for whole numbers, 0.01 for a 0-1 range, else by magnitude)
_STEPS = {USD: 1000.0, USD_YEAR: 1000.0, SHARE: 0.01, ODDS: 0.05}
#: how far above a strict lower bound (`gt`) a number widget starts
_TICK = 0.01


@dataclass(frozen=True)
class Lever:
    """One editable field of a scenario, with what its form widget needs."""

    path: str  # dotted path as `with_overrides` takes it
    section: str  # heading of the form group
    label: str  # short human label
    help: str  # description, unit, plausible range, bounds, source
    kind: str  # "int" | "float" | "bool" | "choice"
    value: Any  # current value in the scenario
    minimum: float | None  # schema bound (a strict bound moved up by a small tick)
    maximum: float | None
    step: float | None
    choices: tuple[str, ...] | None  # the values of a "choice"
    unit: str | None
    plausible: tuple[float, float] | None  # the range an uncertain input is varied over


@dataclass(frozen=True)
class _Meta:
    """What the schema says about one field: its bare type, documentation and bounds."""

    bare: Any
    description: str
    extra: dict[str, Any]
    bounds: tuple[Any, ...]


def _unwrap(annotation: Any) -> tuple[Any, list[Any]]:
    """The bare type under `X | None` and `Annotated[...]`, and the constraints met on the way."""
    constraints: list[Any] = []
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation, *extras = get_args(annotation)
            for extra in extras:
                constraints.extend(extra.metadata if isinstance(extra, FieldInfo) else [extra])
        elif origin in (Union, types.UnionType):
            options = [a for a in get_args(annotation) if a is not type(None)]
            if len(options) != 1:
                return annotation, constraints
            annotation = options[0]
        else:
            return annotation, constraints


def _resolve(scenario: Scenario, path: str) -> tuple[Any, _Meta]:
    """The current value at `path` and its field's metadata; KeyError if there is none.

    A model's field is read from its class; a key of a mapping takes the mapping field's
    description and unit and the bounds of its value type."""
    node: Any = scenario
    info: FieldInfo | None = None
    bare: Any = None
    bounds: list[Any] = []
    for part in path.split("."):
        if isinstance(node, BaseModel):
            fields = type(node).model_fields
            if part not in fields:
                raise KeyError(path)
            info = fields[part]
            bare, bounds = _unwrap(info.annotation)
            bounds = [*info.metadata, *bounds]
            node = getattr(node, part)
        elif isinstance(node, dict) and part in node and get_origin(bare) is dict:
            bare, bounds = _unwrap(get_args(bare)[1])
            node = node[part]
        else:
            raise KeyError(path)
    extra = info.json_schema_extra if info is not None else None
    meta = _Meta(
        bare=bare,
        description=(info.description if info is not None else None) or "",
        extra=dict(extra) if isinstance(extra, dict) else {},
        bounds=tuple(bounds),
    )
    return node, meta


def _kind(bare: Any) -> str | None:
    if bare is bool:
        return "bool"
    if bare is int:
        return "int"
    if bare is float:
        return "float"
    if get_origin(bare) is Literal:
        return "choice"
    return None


def _tightest(bounds: tuple[Any, ...], upper: bool) -> tuple[float | None, bool]:
    """The tightest lower (or upper) bound among `bounds`, and whether it is strict."""
    kinds = (
        ((at.Le, "le", False), (at.Lt, "lt", True))
        if upper
        else ((at.Ge, "ge", False), (at.Gt, "gt", True))
    )
    better = operator.lt if upper else operator.gt
    found: float | None = None
    strict = False
    for c in bounds:
        for cls, name, is_strict in kinds:
            if isinstance(c, cls):
                value = float(getattr(c, name))
                if found is None or better(value, found) or (value == found and is_strict):
                    found, strict = value, is_strict
    return found, strict


def _number(x: float) -> str:
    if float(x).is_integer() and abs(x) < 1e15:
        return f"{int(x):,}"
    return f"{x:,.6g}"


def _step(kind: str, unit: str | None, low: float | None, high: float | None) -> float | None:
    if kind == "int":
        return 1
    if kind != "float":
        return None
    if unit in _STEPS:
        return _STEPS[unit]
    if high is not None and high <= 1 and (low is None or low >= -1):
        return 0.01
    if unit is not None and "hours" in unit:
        return 0.5
    return 1.0 if high is None or high > 10 else 0.1


def _help(meta: _Meta) -> str:
    """The field's description, unit, plausible range, bounds and source, as a few lines."""
    unit, plausible, source = (meta.extra.get(k) for k in ("unit", "plausible", "source"))
    lines = [meta.description, f"Unit: {unit}." if unit else ""]
    if plausible:
        lines.append(f"Plausible range: {_number(plausible[0])} to {_number(plausible[1])}.")
    (low, low_strict), (high, high_strict) = (_tightest(meta.bounds, u) for u in (False, True))
    allowed = []
    if low is not None:
        allowed.append(f"{'above' if low_strict else 'at least'} {_number(low)}")
    if high is not None:
        allowed.append(f"{'below' if high_strict else 'at most'} {_number(high)}")
    if allowed:
        lines.append(f"Allowed: {', '.join(allowed)}.")
    if source:
        lines.append(f"Source: {source}.")
    return "\n\n".join(line for line in lines if line)


def _words(name: str) -> str:
    if name in _LABELS:
        return _LABELS[name]
    words = [_ACRONYMS.get(w, w) for w in name.split("_")]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def _lever(scenario: Scenario, path: str, section: str, label: str) -> Lever | None:
    """The lever of `path`, or None where the field is not a plain number, switch or choice."""
    try:
        value, meta = _resolve(scenario, path)
    except KeyError:
        return None
    kind = _kind(meta.bare)
    if kind is None or value is None:
        return None
    (low, low_strict), (high, high_strict) = (_tightest(meta.bounds, u) for u in (False, True))
    unit = meta.extra.get("unit")
    plausible = meta.extra.get("plausible")
    step = _step(kind, unit, low, high)
    tick = 1 if kind == "int" else _TICK
    minimum, maximum = low, high
    if low is not None and low_strict:  # the smallest value a widget offers above the bound
        minimum = min(low + tick, value) if isinstance(value, int | float) else low + tick
    if high is not None and high_strict:
        maximum = max(high - tick, value) if isinstance(value, int | float) else high - tick
    if kind == "int":  # whole numbers throughout, as a number widget of an int needs
        minimum = None if minimum is None else math.ceil(minimum)
        maximum = None if maximum is None else math.floor(maximum)
    return Lever(
        path=path,
        section=section,
        label=label,
        help=_help(meta),
        kind=kind,
        value=value,
        minimum=minimum if kind in ("int", "float") else None,
        maximum=maximum if kind in ("int", "float") else None,
        step=step,
        choices=tuple(str(c) for c in get_args(meta.bare)) if kind == "choice" else None,
        unit=unit,
        plausible=(float(plausible[0]), float(plausible[1])) if plausible else None,
    )


def _tier_label(scenario: Scenario, tier: str) -> str:
    """A tier's display name (its key where the label is empty or shared with another tier)."""
    label = scenario.tiers[tier].label.strip() if tier in scenario.tiers else ""
    others = [t.label.strip() for k, t in scenario.tiers.items() if k != tier]
    return f"{label} ({tier})" if label in others else (label or tier)


def _walk(model: BaseModel, prefix: str, label: str) -> Iterator[tuple[str, str]]:
    """Dotted paths and labels of the set fields of `model` and of its sub-models."""
    for name in type(model).model_fields:
        value = getattr(model, name)
        path, words = f"{prefix}.{name}", _words(name)
        if isinstance(value, BaseModel):
            yield from _walk(value, path, f"{label}{words}: ")
        elif value is not None:
            yield path, f"{label}{words}"


def _simple(scenario: Scenario, field: str, section: str, kinds: tuple[str, ...]) -> list[Lever]:
    """The levers of the plain fields of a top-level model (nested models included) whose kind
    is one of `kinds`."""
    found = []
    for path, label in _walk(getattr(scenario, field), field, ""):
        lever = _lever(scenario, path, section, label)
        if lever is not None and lever.kind in kinds:
            found.append(lever)
    return found


def _headcount(scenario: Scenario) -> list[Lever]:
    """Each pool's people and managers (not where its staffing policy sets the managers)."""
    staff = scenario.staff
    pools: list[tuple[str, BaseModel, str, str]] = []  # path, pool, people, managers labels
    for name in type(staff).model_fields:
        pool = getattr(staff, name)
        if isinstance(pool, BaseModel):
            people = _PEOPLE.get(name, f"{_words(name)} staff")
            pools.append((f"staff.{name}", pool, people, f"{_words(name)} managers"))
    for tier in [*scenario.tiers, *(t for t in staff.csm if t not in scenario.tiers)]:
        if tier in staff.csm:
            label = _tier_label(scenario, tier)
            digital = tier in scenario.tiers and scenario.tiers[tier].coverage == "digital"
            people, lead = ("Digital marketers", "Digital") if digital else ("CSMs", "CSM")
            pool = staff.csm[tier]
            pools.append(
                (f"staff.csm.{tier}", pool, f"{people}: {label}", f"{lead} managers: {label}")
            )
    found = []
    for path, pool, people, managers in pools:
        policy = getattr(pool, "policy", None)
        fields = [("headcount", people), ("managers", managers)]
        if getattr(policy, "managers_per_person", None) is not None:
            fields.pop()  # the policy's share of the people replaces the fixed managers
        for field, label in fields:
            lever = _lever(scenario, f"{path}.{field}", HEADCOUNT, label)
            if lever is not None:
                found.append(lever)
    return found


def _tiers(scenario: Scenario) -> list[Lever]:
    found = []
    for tier in scenario.tiers:
        section = f"{TIER}: {_tier_label(scenario, tier)}"
        for field in _TIER_FIELDS:
            lever = _lever(scenario, f"tiers.{tier}.{field}", section, _words(field.split(".")[-1]))
            if lever is not None:
                found.append(lever)
    return found


def _segmentation(scenario: Scenario) -> list[Lever]:
    rule = scenario.segmentation
    if rule is None:
        return []
    paths: list[tuple[str, str]] = []
    if rule.rule == "arr":
        ordered = [t for t in scenario.tiers if t in rule.thresholds]
        for tier in [*ordered, *(t for t in rule.thresholds if t not in ordered)]:
            label = f"ARR threshold: {_tier_label(scenario, tier)}"
            paths.append((f"segmentation.thresholds.{tier}", label))
        paths.append(("segmentation.hysteresis", _words("hysteresis")))
    paths.append(("segmentation.retier", _words("retier")))
    levers_ = (_lever(scenario, path, SEGMENTATION, label) for path, label in paths)
    return [lever for lever in levers_ if lever is not None]


def levers(scenario: Scenario) -> list[Lever]:
    """Every lever of this scenario, in display order."""
    return [
        *_headcount(scenario),
        *_tiers(scenario),
        *_segmentation(scenario),
        *_simple(scenario, "levers", LEVERS, ("int", "float", "bool")),
        *_simple(scenario, "drivers", DRIVERS, ("float",)),
        *_simple(scenario, "expansion_drivers", EXPANSION, ("float",)),
    ]


def by_section(found: list[Lever]) -> dict[str, list[Lever]]:
    """`found` grouped by section, sections in the order their first lever comes."""
    groups: dict[str, list[Lever]] = {}
    for lever in found:
        groups.setdefault(lever.section, []).append(lever)
    return groups


def _differs(current: Any, value: Any) -> bool:
    """Whether a form's `value` changes `current` (5 and 5.0 are equal, true and 1 are not)."""
    if isinstance(current, bool) != isinstance(value, bool):
        return True
    return bool(current != value)


def edited(
    scenario: Scenario, changes: Mapping[str, Any], source: str = "edited scenario"
) -> Scenario:
    """`scenario` with changes by dotted path (only those that differ from the current value),
    validated exactly as the CLI validates a file: raises `simcs.scenario.files.ScenarioError`
    (whose `.problems` are the CLI's lines)."""
    overrides: dict[str, Any] = {}
    for path, value in changes.items():
        try:
            current, _ = _resolve(scenario, path)
        except KeyError:  # not a field: `with_overrides` says what is wrong with the path
            overrides[path] = value
            continue
        if _differs(current, value):
            overrides[path] = value
    if not overrides:
        return scenario
    return with_overrides(scenario, overrides, source)
