"""The Scenario page's levers (`simcs.app.levers`): built from the schema, applied like the CLI."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from simcs.app import levers as levers_module
from simcs.app.levers import SECTIONS, TIER, Lever, by_section, edited, levers
from simcs.scenario.drivers import Drivers, RelationshipOdds
from simcs.scenario.fields import MAX_ARR, MAX_HEADCOUNT, MAX_TOUCHES_PER_YEAR
from simcs.scenario.files import ScenarioError, load_scenario, with_overrides
from simcs.scenario.schema import Scenario
from simcs.scenario.tiers import COVERAGES

SCENARIO_DIR = Path(__file__).resolve().parents[2] / "scenarios"
SCENARIOS = sorted(SCENARIO_DIR.glob("*.yaml"))
SCHEMA = Scenario.model_json_schema()


@pytest.fixture(scope="module")
def baseline() -> Scenario:
    return load_scenario(SCENARIO_DIR / "baseline.yaml")


@pytest.fixture(scope="module")
def mmc() -> Scenario:
    return load_scenario(SCENARIO_DIR / "mmc_validation.yaml")


def _deref(node: dict[str, Any]) -> dict[str, Any]:
    """A JSON Schema node with `$ref` and `X | None` resolved (its own keys kept)."""
    while True:
        rest = {k: v for k, v in node.items() if k not in ("$ref", "anyOf")}
        if "$ref" in node:
            node = {**SCHEMA["$defs"][node["$ref"].split("/")[-1]], **rest}
        elif "anyOf" in node:
            (option,) = [o for o in node["anyOf"] if o.get("type") != "null"]
            node = {**option, **rest}
        else:
            return node


def _schema_of(path: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The JSON Schema of the value at `path`, and the property that documents it."""
    node, documented = SCHEMA, SCHEMA
    for part in path.split("."):
        node = _deref(node)
        if part in node.get("properties", {}):
            node = documented = node["properties"][part]
        else:
            node = node["additionalProperties"]
    return _deref(node), documented


def _dumped(scenario: Scenario, path: str) -> Any:
    node: Any = scenario.model_dump()
    for part in path.split("."):
        node = node[part]
    return node


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_every_lever_is_a_field_the_cli_accepts_with_its_value(path: Path) -> None:
    scenario = load_scenario(path)
    found = levers(scenario)
    assert found
    assert len({lever.path for lever in found}) == len(found)
    for lever in found:
        assert lever.value == _dumped(scenario, lever.path), lever.path
        assert with_overrides(scenario, {lever.path: lever.value}) == scenario, lever.path
        assert lever.kind in ("int", "float", "bool", "choice")


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_bounds_help_unit_and_plausible_come_from_the_schema(path: Path) -> None:
    for lever in levers(load_scenario(path)):
        schema, documented = _schema_of(lever.path)
        assert documented["description"] in lever.help, lever.path
        assert lever.unit == documented.get("unit"), lever.path
        if lever.unit:
            assert f"Unit: {lever.unit}." in lever.help
        assert f"Source: {documented['source']}" in lever.help
        plausible = documented.get("plausible")
        assert lever.plausible == (tuple(plausible) if plausible else None), lever.path
        if lever.kind in ("bool", "choice"):
            assert lever.minimum is None and lever.maximum is None
            if lever.kind == "choice":
                assert lever.choices == tuple(schema["enum"])
            continue
        assert lever.maximum == schema.get("maximum"), lever.path
        if "exclusiveMinimum" in schema:
            low = schema["exclusiveMinimum"]
            assert lever.minimum is not None and low < lever.minimum <= low + 0.01, lever.path
        else:
            assert lever.minimum == schema.get("minimum"), lever.path
        assert lever.minimum is None or lever.minimum <= lever.value
        numbers = (lever.minimum, lever.maximum)
        if lever.kind == "int":  # a number widget of an int needs int bounds and step
            assert type(lever.value) is int and lever.step == 1 and type(lever.step) is int
            assert all(x is None or type(x) is int for x in numbers), lever.path
        else:
            assert type(lever.value) is float and type(lever.step) is float
            assert all(x is None or type(x) is float for x in numbers), lever.path


def test_baseline_levers_by_section(baseline: Scenario) -> None:
    found = levers(baseline)
    paths = {lever.path: lever for lever in found}
    support = paths["staff.support.headcount"]
    assert (support.kind, support.minimum, support.maximum, support.step) == (
        "int",
        0,
        MAX_HEADCOUNT,
        1,
    )
    assert "people doing the pool's work (seats)" in support.help
    assert paths["staff.csm.enterprise.headcount"].label == "CSMs: Enterprise"
    assert paths["staff.csm.enterprise.managers"].value == baseline.staff.csm["enterprise"].managers
    assert paths["tiers.smb.cadence.touches_per_year"].maximum == MAX_TOUCHES_PER_YEAR
    assert paths["tiers.smb.cadence.touches_per_year"].section == "Tier: SMB/MID"
    assert paths["tiers.smb.coverage"].choices == COVERAGES
    assert paths["tiers.smb.coverage"].value == "pooled"
    threshold = paths["segmentation.thresholds.strategic"]
    assert (threshold.maximum, threshold.step, threshold.label) == (
        MAX_ARR,
        1000,
        "ARR threshold: Strategic",
    )
    assert threshold.unit is not None and threshold.unit.startswith("USD")
    assert paths["levers.smooth_transition.enabled"].kind == "bool"
    assert paths["levers.self_service_deflection"].step == 0.01
    # every tier and CSM team of the scenario, in its order; sections in SECTIONS' order
    tiers = [p.split(".")[1] for p in paths if p.startswith("tiers.") and p.endswith(".coverage")]
    assert tiers == list(baseline.tiers)
    teams = [p.split(".")[2] for p in paths if p.startswith("staff.csm.") and "headcount" in p]
    assert teams == list(baseline.staff.csm)
    kinds = [TIER if s.startswith(f"{TIER}: ") else s for s in by_section(found)]
    shown = list(dict.fromkeys(kinds))
    assert shown == [s for s in SECTIONS if s in shown]
    at = [k for k, kind in enumerate(kinds) if kind == TIER]
    assert at == list(range(at[0], at[0] + len(baseline.tiers)))  # the tier sections together
    assert len(by_section(found)) == len(SECTIONS) - 1 + len(baseline.tiers)


def test_driver_levers_are_every_odds_ratio_with_its_plausible_range(baseline: Scenario) -> None:
    drivers = {
        lever.path: lever for lever in levers(baseline) if lever.section == "Driver odds ratios"
    }
    expected = {}
    for prefix, model in (("drivers", Drivers), ("drivers.relationship", RelationshipOdds)):
        for name, info in model.model_fields.items():
            if info.annotation is float:
                extra = info.json_schema_extra
                assert isinstance(extra, dict)
                plausible = extra.get("plausible")
                expected[f"{prefix}.{name}"] = tuple(plausible) if plausible else None  # type: ignore[arg-type]
    assert {p: d.plausible for p, d in drivers.items()} == expected
    assert drivers["drivers.champion_lost"].plausible == (1.5, 4.0)
    assert drivers["drivers.relationship.assigned"].maximum == 100
    assert drivers["drivers.relationship.assigned"].step == 0.05


def test_labels_follow_the_scenario_not_the_baseline(baseline: Scenario) -> None:
    renamed = with_overrides(baseline, {"tiers.enterprise.label": "Key accounts"})
    paths = {lever.path: lever for lever in levers(renamed)}
    assert paths["staff.csm.enterprise.headcount"].label == "CSMs: Key accounts"
    assert paths["tiers.enterprise.coverage"].section == "Tier: Key accounts"
    assert paths["segmentation.thresholds.enterprise"].label == "ARR threshold: Key accounts"


def test_edited_changes_only_the_headcount(baseline: Scenario) -> None:
    after = edited(baseline, {"staff.support.headcount": 9})
    assert after.staff.support.headcount == 9
    before, now = baseline.model_dump(), after.model_dump()
    now["staff"]["support"]["headcount"] = before["staff"]["support"]["headcount"]
    assert now == before
    assert after != baseline


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"staff.support.headcount": -1}, "staff.support.headcount: "),
        ({"segmentation.thresholds.smb": 100000}, "two tiers start at the same ARR"),
        ({"segmentation.thresholds.digital": 5000}, "one tier must start at 0"),
        ({"staff.support.nonsense": 1}, "unknown field"),
    ],
)
def test_edited_refuses_as_the_cli_does(
    baseline: Scenario, change: dict[str, Any], message: str
) -> None:
    with pytest.raises(ScenarioError) as cli:
        with_overrides(baseline, change, "edited scenario")
    with pytest.raises(ScenarioError) as app:
        edited(baseline, change)
    assert app.value.problems == cli.value.problems
    assert any(message in problem for problem in app.value.problems)
    assert str(app.value) == str(cli.value)


def test_assigned_coverage_needs_a_csm_team(mmc: Scenario) -> None:
    (tier,) = mmc.tiers
    assert tier not in mmc.staff.csm
    change = {f"tiers.{tier}.coverage": "assigned"}
    with pytest.raises(ScenarioError) as app:
        edited(mmc, change)
    with pytest.raises(ScenarioError) as cli:
        with_overrides(mmc, change, "edited scenario")
    assert app.value.problems == cli.value.problems
    assert app.value.problems == [
        f"staff.csm.{tier}: missing, but tiers.{tier}.coverage is 'assigned'"
    ]


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_threshold_levers_only_for_the_arr_rule(path: Path) -> None:
    scenario = load_scenario(path)
    thresholds = [lever for lever in levers(scenario) if ".thresholds." in lever.path]
    if scenario.rule.rule == "arr":
        assert [lever.path.split(".")[-1] for lever in thresholds] == list(scenario.rule.thresholds)
    else:
        assert thresholds == []
        assert all(lever.path != "segmentation.hysteresis" for lever in levers(scenario))


def test_a_shipped_scenario_has_a_group_rule() -> None:
    assert any(load_scenario(p).rule.rule == "group" for p in SCENARIOS)


def test_unchanged_values_are_not_passed(
    baseline: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    found: list[Lever] = levers(baseline)
    form = {lever.path: lever.value for lever in found}
    assert edited(baseline, form) is baseline
    seen: list[dict[str, Any]] = []

    def spy(scenario: Scenario, overrides: dict[str, Any], source: str) -> Scenario:
        seen.append(dict(overrides))
        return with_overrides(scenario, overrides, source)

    monkeypatch.setattr(levers_module, "with_overrides", spy)
    form["tiers.smb.cadence.touches_per_year"] = 4
    form["drivers.trained"] = 0.7
    form["staff.support.headcount"] = float(baseline.staff.support.headcount)  # equal: unchanged
    after = edited(baseline, form)
    assert seen == [{"tiers.smb.cadence.touches_per_year": 4, "drivers.trained": 0.7}]
    assert after.tiers["smb"].cadence.touches_per_year == 4
    assert after.drivers.trained == 0.7
