"""Tests for simcs.scenario.files: malformed scenario files are rejected with field paths,
good ones load.

Each file in tests/data/bad/ is the baseline scenario with one thing broken; its first line is a
comment saying what. A case pairs the file with the field path and a phrase the problem line
must contain, so a user can find and fix the mistake without reading a traceback.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from simcs.scenario import Scenario
from simcs.scenario.files import (
    ScenarioError,
    load_scenario,
    scenario_from_dict,
    scenario_sha256,
    scenario_yaml,
)

ROOT = Path(__file__).resolve().parents[2]
BASELINE = ROOT / "scenarios" / "baseline.yaml"
BAD_DIR = Path(__file__).resolve().parents[1] / "data" / "bad"

# (file in tests/data/bad, field path the problem names, phrase of the problem)
BAD_CASES: list[tuple[str, str, str]] = [
    ("bad_unknown_top_level_key.yaml", "horizon_yeras", "unknown field"),
    ("bad_unknown_nested_key.yaml", "tiers.smb.support.cases_per_yr", "unknown field"),
    ("bad_negative_headcount.yaml", "staff.support.headcount", "greater than or equal to 0"),
    ("bad_deflection_above_one.yaml", "levers.self_service_deflection", "less than or equal to 1"),
    (
        "bad_negative_training_propensity.yaml",
        "tiers.smb.training.propensity",
        "greater than or equal to 0",
    ),
    ("bad_overlapping_arr_bands.yaml", "tiers.enterprise.arr_band", "overlaps"),
    ("bad_horizon_not_integer.yaml", "horizon_years", "a number is needed, not text"),
    ("bad_missing_renewal.yaml", "tiers.enterprise.renewal", "required field is missing"),
    ("bad_coverage_premium.yaml", "tiers.smb.coverage", "'assigned', 'pooled' or 'digital'"),
    ("bad_csm_unknown_tier.yaml", "staff.csm.digitl", "no tier of that name"),
    ("bad_pooled_tier_without_csm.yaml", "staff.csm.smb", "missing"),
    ("bad_warmup_not_below_horizon.yaml", "warmup_years", "below horizon_years"),
    ("bad_new_logos_wrong_length.yaml", "tiers.smb.new_logos_per_year", "2 rates given"),
    ("bad_arr_band_inverted.yaml", "tiers.smb.arr_band", "must be above low"),
    ("bad_initial_arr_total_impossible.yaml", "tiers.smb.initial_arr_total", "cannot be split"),
    ("bad_arr_bands_same_low_unbounded.yaml", "tiers.strategic.arr_band", "overlaps"),
    ("bad_odds_ratio_zero.yaml", "drivers.champion_lost", "greater than 0"),
    # Not field errors: the "path" is where the file itself is wrong.
    ("bad_yaml_unclosed_bracket.yaml", "line 45", "not valid YAML"),
    ("bad_yaml_indentation.yaml", "line 49", "not valid YAML"),
    ("bad_top_level_list.yaml", "", "must hold a mapping"),
    ("bad_empty_file.yaml", "", "must hold a mapping"),
]


def _problems_of(path: Path) -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    return info.value


@pytest.mark.parametrize(("name", "field", "phrase"), BAD_CASES)
def test_bad_file_is_rejected_naming_the_field(name: str, field: str, phrase: str) -> None:
    path = BAD_DIR / name
    error = _problems_of(path)
    assert error.source == str(path)
    assert error.problems, "a ScenarioError must carry at least one problem line"
    matching = [p for p in error.problems if field in p and phrase in p]
    assert matching, f"no problem names {field!r} with {phrase!r}: {error.problems}"
    assert str(path) in str(error)


def test_every_bad_file_is_covered_and_documented() -> None:
    files = {p.name for p in BAD_DIR.glob("*.yaml")}
    cased = {name for name, _, _ in BAD_CASES}
    assert len(cased) == len(BAD_CASES), "a bad file is listed twice"
    assert cased <= files, f"listed but missing: {sorted(cased - files)}"
    assert files == cased, f"bad files with no test: {sorted(files - cased)}"
    for name in files:
        first = (BAD_DIR / name).read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# "), f"{name} must start with a comment saying what is wrong"


def test_baseline_loads() -> None:
    scenario = load_scenario(BASELINE)
    assert isinstance(scenario, Scenario)
    assert scenario.name == "baseline"
    assert set(scenario.tiers) == {"strategic", "enterprise", "smb", "digital"}
    assert set(scenario.staff.csm) == set(scenario.tiers)


def test_missing_file_is_a_scenario_error(tmp_path: Path) -> None:
    missing = tmp_path / "missing.yaml"
    error = _problems_of(missing)
    assert error.source == str(missing)
    assert any("no such file" in p for p in error.problems)


def test_a_folder_is_not_a_scenario(tmp_path: Path) -> None:
    error = _problems_of(tmp_path)
    assert any("not a file" in p for p in error.problems)


def test_non_mapping_data_is_a_scenario_error() -> None:
    with pytest.raises(ScenarioError) as info:
        scenario_from_dict(["not", "a", "mapping"], source="inline")
    assert info.value.source == "inline"
    assert any("must hold a mapping" in p for p in info.value.problems)


def test_default_scenario_is_the_baseline_file() -> None:
    assert scenario_yaml(load_scenario(None)) == scenario_yaml(load_scenario(BASELINE))


def test_default_scenario_equals_relative_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    assert scenario_yaml(load_scenario()) == scenario_yaml(load_scenario("scenarios/baseline.yaml"))


def test_sha256_is_stable_for_equal_scenarios() -> None:
    first = load_scenario(BASELINE)
    second = load_scenario(BASELINE)
    assert first is not second
    assert scenario_sha256(first) == scenario_sha256(second)
    # the same parameters written another way (defaults spelled out) hash the same
    resolved = scenario_from_dict(yaml.safe_load(scenario_yaml(first)))
    assert scenario_sha256(resolved) == scenario_sha256(first)
    assert len(scenario_sha256(first)) == 64


@pytest.mark.parametrize(
    ("section", "key", "value"),
    [
        (("staff", "support"), "headcount", 9),
        (("levers",), "self_service_deflection", 0.11),
        (("tiers", "smb", "renewal"), "alpha", 2.1),
    ],
)
def test_sha256_changes_when_one_value_changes(
    section: tuple[str, ...], key: str, value: object
) -> None:
    data = yaml.safe_load(BASELINE.read_text(encoding="utf-8"))
    original = scenario_from_dict(data)
    target = data
    for part in section:
        target = target[part]
    assert target[key] != value
    target[key] = value
    changed = scenario_from_dict(data)
    assert changed != original
    assert scenario_sha256(changed) != scenario_sha256(original)


def test_sha256_changes_when_a_default_is_overridden() -> None:
    data = yaml.safe_load(BASELINE.read_text(encoding="utf-8"))
    original = scenario_from_dict(data)
    data["drivers"] = {"champion_lost": original.drivers.champion_lost + 0.5}
    assert scenario_sha256(scenario_from_dict(data)) != scenario_sha256(original)


def test_resolved_yaml_round_trips() -> None:
    original = load_scenario(BASELINE)
    text = scenario_yaml(original)
    again = scenario_from_dict(yaml.safe_load(text))
    assert again == original
    assert scenario_yaml(again) == text
