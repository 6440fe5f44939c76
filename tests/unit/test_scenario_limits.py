"""The scenario's input surface is bounded: every number finite with an upper bound, booleans and
text never numbers, names safe, and the YAML reader's own limits (aliases, merge keys, depth).

The bounds are checked from the JSON Schema itself, so a field added later without a bound
fails here; the rejections are checked on every numeric leaf of tests/data/hostile/tiny.yaml.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from simcs.scenario import Scenario
from simcs.scenario.fields import MAX_CUSTOMERS_TOTAL
from simcs.scenario.files import MAX_PROBLEMS, ScenarioError, load_scenario, scenario_from_dict
from simcs.scenario.safe_yaml import MAX_DEPTH, YamlInputError, read_data

TINY = Path(__file__).resolve().parents[1] / "data" / "hostile" / "tiny.yaml"


@pytest.fixture(scope="module")
def tiny() -> dict[str, Any]:
    return yaml.safe_load(TINY.read_text(encoding="utf-8"))


def _numbers_without_maximum(node: Any, path: str, defs: dict[str, Any]) -> list[str]:
    if isinstance(node, dict):
        if "$ref" in node:
            return _numbers_without_maximum(defs[node["$ref"].rsplit("/", 1)[-1]], path, defs)
        missing = []
        if node.get("type") in ("number", "integer") and "maximum" not in node:
            missing.append(path)
        for key, child in node.items():
            if key != "default":
                missing += _numbers_without_maximum(child, f"{path}/{key}", defs)
        return missing
    if isinstance(node, list):
        return [m for i, c in enumerate(node) for m in _numbers_without_maximum(c, path, defs)]
    return []


def test_every_number_of_the_schema_has_an_upper_bound() -> None:
    schema = Scenario.model_json_schema()
    assert _numbers_without_maximum(schema, "", schema["$defs"]) == []


def _numeric_leaves(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(node, dict):
        return [p for k, v in node.items() for p in _numeric_leaves(v, (*prefix, k))]
    if isinstance(node, list):
        return [p for i, v in enumerate(node) for p in _numeric_leaves(v, (*prefix, i))]
    is_number = isinstance(node, int | float) and not isinstance(node, bool)
    return [prefix] if is_number else []


def _with(data: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    changed = copy.deepcopy(data)
    node = changed
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return changed


@pytest.mark.parametrize(
    ("value", "phrase"),
    [
        (True, "a number is needed, not true/false"),
        (False, "a number is needed, not true/false"),
        ("many", "a number is needed, not text"),
        ("inf", "a number is needed, not text"),
        (float("inf"), "finite number"),
        (float("nan"), "finite number"),
        (1e300, ("less than or equal to", "far too large")),
        (10**40, ("less than or equal to", "far too large")),
    ],
    ids=["true", "false", "text", "inf_text", "inf", "nan", "1e300", "10**40"],
)
def test_every_numeric_leaf_refuses(
    tiny: dict[str, Any], value: Any, phrase: str | tuple[str, ...]
) -> None:
    leaves = _numeric_leaves(tiny)
    assert len(leaves) > 80
    for path in leaves:
        with pytest.raises(ScenarioError) as info:
            scenario_from_dict(_with(tiny, path, value), "tiny.yaml")
        dotted = ".".join(str(p) for p in path)
        if isinstance(path[-1], int):  # a list item: the list is named
            dotted = ".".join(str(p) for p in path[:-1])
        phrases = (phrase,) if isinstance(phrase, str) else phrase
        lines = [
            p
            for p in info.value.problems
            if p.startswith(dotted) and any(text in p for text in phrases)
        ]
        assert lines, (dotted, info.value.problems)


def test_numbers_written_as_decimal_text_are_numbers(tiny: dict[str, Any]) -> None:
    # YAML 1.1 reads 2e5 as text
    data = _with(tiny, ("population", "large", "arr", "mean"), "2e5")
    data = _with(data, ("horizon_years",), "2")
    scenario = scenario_from_dict(data)
    assert scenario.population["large"].arr.mean == 200_000.0 and scenario.horizon_years == 2


@pytest.mark.parametrize("value", [1, 0, "yes", "true", None])
def test_switches_take_only_true_or_false(tiny: dict[str, Any], value: Any) -> None:
    with pytest.raises(ScenarioError, match="levers.content_council.enabled: Input should be"):
        scenario_from_dict(_with(tiny, ("levers", "content_council", "enabled"), value))


@pytest.mark.parametrize("name", ["../escape", "a/b", "", ".hidden", "x" * 101, "tab\tname"])
def test_scenario_names_are_safe_file_names(tiny: dict[str, Any], name: str) -> None:
    with pytest.raises(ScenarioError) as info:
        scenario_from_dict(_with(tiny, ("name",), name))
    assert any(p.startswith("name: ") for p in info.value.problems), info.value.problems


def test_tier_names_are_checked(tiny: dict[str, Any]) -> None:
    data = copy.deepcopy(tiny)
    data["tiers"]["bad name"] = data["tiers"].pop("smb")
    with pytest.raises(ScenarioError, match="'bad name' is not a valid tier name"):
        scenario_from_dict(data)


@pytest.mark.parametrize(
    "where",
    [("population",), ("segmentation", "thresholds"), ("segmentation", "previous", "groups")],
)
def test_group_names_and_rule_keys_are_checked(
    tiny: dict[str, Any], where: tuple[str, ...]
) -> None:
    data = copy.deepcopy(tiny)
    node = data
    for key in where:
        node = node[key]
    first = next(iter(node))
    node["bad name"] = node.pop(first)
    with pytest.raises(ScenarioError, match="'bad name' is not a valid"):
        scenario_from_dict(data)


def test_the_whole_book_is_bounded(tiny: dict[str, Any]) -> None:
    data = _with(tiny, ("population", "large", "initial_customers"), 1_000_000)
    data = _with(data, ("population", "large", "initial_arr_total"), None)
    data = _with(data, ("population", "mid", "initial_customers"), 1_000_000)
    with pytest.raises(ScenarioError, match=f"more than the {MAX_CUSTOMERS_TOTAL:,} one"):
        scenario_from_dict(data)
    data = _with(data, ("population", "mid", "initial_customers"), 999_980)
    assert scenario_from_dict(data).population["mid"].initial_customers == 999_980


def test_problem_lines_are_capped_and_one_line_each(tiny: dict[str, Any]) -> None:
    data = copy.deepcopy(tiny)
    data.update({f"unknown_{k}": k for k in range(100)})
    data["evil\nkey"] = 1
    with pytest.raises(ScenarioError) as info:
        scenario_from_dict(data)
    problems = info.value.problems
    assert len(problems) == MAX_PROBLEMS + 1 and problems[-1] == "... and 81 more problem(s)"
    assert all("\n" not in p for p in problems)


# ----------------------------------------------------------------------------- the YAML reader


def test_merge_keys_and_small_anchors_still_work(tmp_path: Path) -> None:
    text = TINY.read_text(encoding="utf-8").replace(
        "    key: {headcount: 1, ote: 130000, managers: 1, manager_ote: 160000}\n"
        "    smb: {headcount: 1, ote: 130000, attrition_per_year: 0.15}\n",
        "    key: &pool {headcount: 1, ote: 130000, managers: 1, manager_ote: 160000}\n"
        "    smb: {<<: *pool, managers: 0, attrition_per_year: 0.15}\n",
    )
    assert "<<: *pool" in text
    path = tmp_path / "anchors.yaml"
    path.write_text(text, encoding="utf-8")
    scenario = load_scenario(path)
    assert scenario.staff.csm["smb"].managers == 0  # the key given wins over the merged one
    assert scenario.staff.csm["smb"].manager_ote == 160_000


def test_nesting_up_to_the_limit_is_read(tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("[" * MAX_DEPTH + "]" * MAX_DEPTH, encoding="utf-8")
    assert read_data(path) is not None
    path.write_text("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1), encoding="utf-8")
    with pytest.raises(YamlInputError, match=f"nested more than {MAX_DEPTH} levels deep"):
        read_data(path)


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("a: 1\nb: 2\na: 3\n", "line 3, column 1: not valid YAML (the key 'a' is given twice"),
        ("a: !!float abc\n", "cannot read 'abc' as float"),
        ("a: !!python/name:os.system\n", "tag !!python/name:os.system is not allowed"),
        ("a: [1\n", "not valid YAML"),
        ("--- 1\n--- 2\n", "expected a single document"),
    ],
)
def test_reader_problems_are_one_line(tmp_path: Path, text: str, phrase: str) -> None:
    path = tmp_path / "x.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(YamlInputError) as info:
        read_data(path)
    assert phrase in str(info.value) and "\n" not in str(info.value)
