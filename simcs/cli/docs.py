"""The reference pages of the documentation, generated from the schemas and the CLI.

`python -m simcs.cli.docs docs/reference` writes `scenario.md` (every scenario field with
its type, default, unit, meaning, source and the baseline's value), `experiment.md` (the
experiment file) and `cli.md` (every command with its arguments and options). The pages are
committed; a test regenerates them and fails when they are stale.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from simcs.cli.cli_docs import cell as _cell
from simcs.cli.cli_docs import cli_markdown
from simcs.experiments.design import ExperimentSpec
from simcs.scenario import Scenario
from simcs.scenario.files import load_scenario

Schema = dict[str, Any]

#: How the name of a keyed entry reads in a field path.
KEY_NAMES = {
    "population": "<group>",
    "tiers": "<tier>",
    "csm": "<tier>",
    "variants": "<variant>",
}


@dataclass(frozen=True)
class FieldDoc:
    """One leaf field of a schema, as the reference shows it."""

    path: str
    type: str
    default: str
    unit: str
    description: str
    source: str
    plausible: str


@dataclass(frozen=True)
class SectionDoc:
    """A group of fields: a nested model of the schema."""

    path: str
    title: str
    description: str
    fields: list[FieldDoc]


def _resolve(node: Schema, defs: Schema) -> Schema:
    if "$ref" in node:
        return defs[node["$ref"].rsplit("/", 1)[-1]]
    return node


def _literal(value: Any) -> str:
    """A value as YAML/JSON reads it, whole floats without their `.0`."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, list):
        return "[" + ", ".join(_literal(v) for v in value) + "]"
    if isinstance(value, dict):  # as a YAML flow mapping, e.g. {strategic: 250000, smb: 15000}
        return "{" + ", ".join(f"{k}: {_literal(v)}" for k, v in value.items()) + "}"
    return json.dumps(value)


def _bounds(node: Schema) -> str:
    parts = []
    if "minimum" in node:
        parts.append(f">= {node['minimum']:g}")
    if "exclusiveMinimum" in node:
        parts.append(f"> {node['exclusiveMinimum']:g}")
    if "maximum" in node:
        parts.append(f"<= {node['maximum']:g}")
    if "exclusiveMaximum" in node:
        parts.append(f"< {node['exclusiveMaximum']:g}")
    if "minLength" in node or "minItems" in node:
        parts.append(f"at least {node.get('minLength', node.get('minItems'))}")
    return ", ".join(parts)


def type_text(node: Schema, defs: Schema) -> str:
    """A short human reading of a JSON Schema type: `number >= 0`, `"a" | "b"`, ..."""
    if "anyOf" in node:
        options = [o for o in node["anyOf"] if o.get("type") != "null"]
        text = " or ".join(type_text(o, defs) for o in options)
        return text + (" or null" if len(options) < len(node["anyOf"]) else "")
    node = _resolve(node, defs)
    if "enum" in node:
        return " | ".join(_literal(v) for v in node["enum"])
    if "const" in node:
        return _literal(node["const"])
    kind = node.get("type")
    if kind == "array":
        if "prefixItems" in node:
            return "[" + ", ".join(type_text(i, defs) for i in node["prefixItems"]) + "]"
        item = type_text(node.get("items", {}), defs)
        bounds = _bounds(node)
        return f"list of {item}" + (f" ({bounds})" if bounds else "")
    if kind == "object":
        if "properties" in node:
            return "section"
        values = node.get("additionalProperties")
        return (
            "mapping" if not isinstance(values, dict) else f"mapping of {type_text(values, defs)}"
        )
    if kind is None:
        return "any"
    bounds = _bounds(node)
    return f"{kind} {bounds}".strip()


def _is_section(node: Schema, defs: Schema) -> bool:
    if "anyOf" in node:
        return any(_is_section(o, defs) for o in node["anyOf"] if o.get("type") != "null")
    return "properties" in _resolve(node, defs)


def _section_of(node: Schema, defs: Schema) -> Schema:
    if "anyOf" in node:
        return next(_resolve(o, defs) for o in node["anyOf"] if _is_section(o, defs))
    return _resolve(node, defs)


def _keyed_section(node: Schema, defs: Schema) -> Schema | None:
    node = _resolve(node, defs)
    values = node.get("additionalProperties")
    if node.get("type") == "object" and isinstance(values, dict) and _is_section(values, defs):
        return _resolve(values, defs)
    return None


def _sentence(text: str) -> str:
    """A section's description as a sentence: capital first letter, closing full stop."""
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def sections(model: type[BaseModel]) -> list[SectionDoc]:
    """Every section of `model`'s JSON Schema with its leaf fields, in document order."""
    schema = model.model_json_schema()
    defs: Schema = schema.get("$defs", {})
    out: list[SectionDoc] = []

    def walk(node: Schema, path: str, title: str, description: str) -> None:
        fields: list[FieldDoc] = []
        nested: list[tuple[Schema, str, str, str]] = []
        for name, prop in node.get("properties", {}).items():
            child = f"{path}.{name}" if path else name
            keyed = _keyed_section(prop, defs)
            if keyed is not None:
                key = KEY_NAMES.get(name, "<name>")
                about = _sentence(prop.get("description") or keyed.get("description", ""))
                nested.append((keyed, f"{child}.{key}", keyed.get("title", name), about))
            elif _is_section(prop, defs):
                section = _section_of(prop, defs)
                about = prop.get("description") or section.get("description", "")
                about = _sentence(about)
                if "anyOf" in prop and "null" not in about and "left out" not in about:
                    about += " Optional: null or absent means none."
                nested.append((section, child, section.get("title", name), about))
            else:
                fields.append(_field(prop, child, name in node.get("required", []), defs))
        out.append(SectionDoc(path, title, description, fields))
        for args in nested:
            walk(*args)

    walk(schema, "", schema.get("title", model.__name__), schema.get("description", ""))
    return out


def _field(prop: Schema, path: str, required: bool, defs: Schema) -> FieldDoc:
    if required:
        default = "required"
    elif "default" in prop:
        default = _literal(prop["default"])
    else:
        default = "none"
    plausible = prop.get("plausible")
    return FieldDoc(
        path=path,
        type=type_text(prop, defs),
        default=default,
        unit=prop.get("unit", ""),
        description=prop.get("description", "") or "",
        source=prop.get("source", ""),
        plausible=f"{plausible[0]:g} to {plausible[1]:g}" if plausible else "",
    )


def leaf_fields(model: type[BaseModel]) -> list[FieldDoc]:
    """Every leaf field of `model`, flattened."""
    return [f for s in sections(model) for f in s.fields]


def _values_at(data: Any, parts: list[str]) -> list[tuple[str, Any]]:
    """The values under a dotted path with `<...>` wildcards, labelled by the keys taken."""
    if not parts:
        return [("", data)]
    head, rest = parts[0], parts[1:]
    if data is None:
        return []
    if head.startswith("<"):
        out = []
        for key, value in data.items():
            for label, found in _values_at(value, rest):
                out.append((f"{key} {label}".strip(), found))
        return out
    if head not in data:
        return []
    return _values_at(data[head], rest)


def example_value(example: dict[str, Any], path: str) -> str:
    """The example scenario's value at `path` (one per tier for tier fields)."""
    found = _values_at(example, path.split("."))
    if not found:
        return ""
    if len(found) == 1 and not found[0][0]:
        return _literal(found[0][1])
    shown = {_literal(value) for _label, value in found}
    if len(found) > 1 and len(shown) == 1:
        return f"{shown.pop()} (every {path.split('<', 1)[1].split('>')[0]})"
    return ", ".join(
        f"{label.split(' ')[0]}: {_literal(value)}" for label, value in found if value is not None
    )


def scenario_markdown() -> str:
    """The scenario reference page."""
    baseline = load_scenario(None)
    example = baseline.model_dump(mode="json")
    lines = [
        "# Scenario file reference",
        "",
        "<!-- generated by `python -m simcs.cli.docs docs/reference`: do not edit -->",
        "",
        "A scenario is one YAML file. Unknown keys are errors; every field not marked *required*",
        "may be left out and takes its default. `simcs schema` prints the same information as",
        "JSON Schema (with `unit`, `source` and `plausible` keys on each field).",
        "",
        "- **Type** is the value's type and its validated bounds.",
        "- **Unit**: times called `_hours` are business hours (a week has 40, a year 2,080);",
        "  weeks and years are calendar; money is USD.",
        "- **Source** names the evidence behind the default or the baseline's value:",
        "  `seed 1D` is a fact of the founding documents, `seed M16` a mechanism they describe,",
        "  `calibration 2.5` a public benchmark (see [Evidence](../background/evidence.md)),",
        "  `assumption` a value no source gives, `design` a modelling switch.",
        "- **Plausible** is the range a weakly known input is varied over by `simcs robustness`.",
        "- **Baseline** is the value in the built-in default scenario (`scenarios/baseline.yaml`),",
        "  per customer group or per tier where the field is.",
        "",
        "A scenario has three parts that say who is served how: `population` (the customer",
        "groups: who the customers are, for life), `tiers` (the service each tier gives) and",
        "`segmentation` (which tier serves which customer, and when that changes); see",
        "[the model](../background/model.md#population-service-tiers-and-segmentation).",
        "`<group>` stands for a customer group's key (the baseline's are `over_250k`,",
        "`100k_to_250k`, `15k_to_100k`, `under_15k`), `<tier>` for a tier's key (`strategic`,",
        "`enterprise`, `smb`, `digital`); `staff.csm` has one team per tier that is not",
        "digital-only (a digital tier may have one: its digital marketers). A file of the old",
        "shape, whose tiers held their customers, still loads with a warning; see",
        "[Write a scenario](../how-to/write-a-scenario.md#6-files-of-the-old-shape).",
        "",
    ]
    for section in sections(Scenario):
        if not section.fields:
            continue
        heading = f"`{section.path}`" if section.path else "Top level"
        lines += [f"## {heading}", ""]
        if section.description:
            lines += [section.description.strip(), ""]
        lines += [
            "| Field | Type | Default | Unit | Meaning | Source | Plausible | Baseline |",
            "| --- | --- | --- | --- | --- | --- | --- | --- |",
        ]
        for f in section.fields:
            name = f.path.rsplit(".", 1)[-1]
            cells = [
                f"`{name}`",
                _cell(f.type),
                _cell(f.default),
                _cell(f.unit),
                _cell(f.description),
                _cell(f.source),
                _cell(f.plausible),
                _cell(example_value(example, f.path)),
            ]
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    return "\n".join(lines)


def experiment_markdown() -> str:
    """The experiment file reference page."""
    lines = [
        "# Experiment file reference",
        "",
        "<!-- generated by `python -m simcs.cli.docs docs/reference`: do not edit -->",
        "",
        "An experiment file names a base scenario and variants of it, each a set of overrides by",
        "dotted scenario path (`staff.csm.smb.headcount: 3`). Replication r of every variant",
        "uses the same random streams (common random numbers); every variant is compared with",
        "`reference` replication by replication. See [Compare strategies]"
        "(../how-to/compare-strategies.md).",
        "",
        "| Field | Type | Default | Meaning |",
        "| --- | --- | --- | --- |",
    ]
    for f in leaf_fields(ExperimentSpec):
        lines.append(
            f"| `{f.path}` | {_cell(f.type)} | {_cell(f.default)} | {_cell(f.description)} |"
        )
    lines.append("")
    return "\n".join(lines)


PAGES = {
    "scenario.md": scenario_markdown,
    "experiment.md": experiment_markdown,
    "cli.md": cli_markdown,
}


def write(folder: Path) -> list[Path]:
    """Write every generated page into `folder`; returns the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, render in PAGES.items():
        path = folder / name
        path.write_text(render(), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":  # pragma: no cover - exercised by the docs test through write()
    for path in write(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/reference")):
        print(path)
