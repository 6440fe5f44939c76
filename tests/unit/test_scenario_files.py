"""Tests for simcs.scenario.files: malformed scenario files are rejected with field paths,
good ones load.

Each file in tests/data/bad/ is the baseline scenario with one thing broken; its first line is a
comment saying what. A case pairs the file with the field path and a phrase the problem line
must contain, so a user can find and fix the mistake without reading a traceback.
"""

from __future__ import annotations

import math
import warnings
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
from simcs.scenario.legacy import OldScenarioShape
from simcs.simulation.replication import ReplicationResult, simulate
from tests.conftest import shrink

ROOT = Path(__file__).resolve().parents[2]
BASELINE = ROOT / "scenarios" / "baseline.yaml"
BAD_DIR = Path(__file__).resolve().parents[1] / "data" / "bad"

# (file in tests/data/bad, field path the problem names, phrase of the problem)
BAD_CASES: list[tuple[str, str, str]] = [
    ("bad_unknown_top_level_key.yaml", "horizon_yeras", "unknown field"),
    ("bad_unknown_nested_key.yaml", "tiers.smb.support.cases_per_yr", "unknown field"),
    (
        "bad_implementation_hours_under_tier.yaml",
        "tiers.smb.onboarding.implementation_hours",
        "unknown field",
    ),
    ("bad_negative_headcount.yaml", "staff.support.headcount", "greater than or equal to 0"),
    ("bad_deflection_above_one.yaml", "levers.self_service_deflection", "less than or equal to 1"),
    (
        "bad_negative_training_propensity.yaml",
        "tiers.smb.training.propensity",
        "greater than or equal to 0",
    ),
    ("bad_thresholds_same_arr.yaml", "segmentation.thresholds", "two tiers start at the same"),
    ("bad_thresholds_without_zero.yaml", "segmentation.thresholds", "one tier must start at 0"),
    (
        "bad_thresholds_unknown_tier.yaml",
        "segmentation.thresholds.mid_market",
        "no tier of that name",
    ),
    (
        "bad_group_without_tier.yaml",
        "segmentation.groups",
        "no tier for customer group 'under_15k'",
    ),
    ("bad_group_unknown_tier.yaml", "segmentation.groups.under_15k", "no tier 'digitl'"),
    ("bad_segmentation_missing.yaml", "segmentation", "which tier serves which customer"),
    ("bad_horizon_not_integer.yaml", "horizon_years", "a number is needed, not text"),
    ("bad_missing_renewal.yaml", "population.100k_to_250k.renewal", "required field is missing"),
    ("bad_coverage_premium.yaml", "tiers.smb.coverage", "'assigned', 'pooled' or 'digital'"),
    ("bad_csm_unknown_tier.yaml", "staff.csm.digitl", "no tier of that name"),
    ("bad_pooled_tier_without_csm.yaml", "staff.csm.smb", "missing"),
    ("bad_warmup_not_below_horizon.yaml", "warmup_years", "below horizon_years"),
    (
        "bad_new_logos_wrong_length.yaml",
        "population.15k_to_100k.new_logos_per_year",
        "2 rates given",
    ),
    ("bad_arr_band_inverted.yaml", "population.15k_to_100k.arr_band", "must be above low"),
    (
        "bad_initial_arr_total_impossible.yaml",
        "population.15k_to_100k.initial_arr_total",
        "cannot be split",
    ),
    ("bad_odds_ratio_zero.yaml", "drivers.champion_lost", "greater than 0"),
    # Not field errors: the "path" is where the file itself is wrong.
    ("bad_yaml_unclosed_bracket.yaml", "line 35", "not valid YAML"),
    ("bad_yaml_indentation.yaml", "line 80", "not valid YAML"),
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
    assert set(scenario.population) == {"over_250k", "100k_to_250k", "15k_to_100k", "under_15k"}
    assert set(scenario.staff.csm) == set(scenario.tiers)
    rule = scenario.rule
    assert (rule.rule, rule.retier, rule.hysteresis) == ("arr", "at_renewal", 0.1)
    assert rule.thresholds == {
        "strategic": 250000,
        "enterprise": 100000,
        "smb": 15000,
        "digital": 0,
    }
    assert rule.tiers == set(scenario.tiers)


def test_group_bands_may_overlap_and_a_group_may_span_tiers() -> None:
    """ARR bands are the groups' laws, no longer a partition: two groups may overlap, and the
    rule, not the band, says which tier serves a customer."""
    data = yaml.safe_load(BASELINE.read_text(encoding="utf-8"))
    data["population"]["15k_to_100k"]["arr_band"] = [15000, 300000]  # overlaps two groups
    scenario = scenario_from_dict(data)
    assert scenario.population["15k_to_100k"].arr_band == (15000, 300000)
    rule = scenario.rule
    assert rule.tier_of(20000, "15k_to_100k") == "smb"
    assert rule.tier_of(120000, "15k_to_100k") == "enterprise"
    assert rule.tier_of(280000, "15k_to_100k") == "strategic"
    assert rule.tier_of(14999, "15k_to_100k") == "digital"


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
        (("population", "15k_to_100k", "renewal"), "alpha", 2.1),
        (("tiers", "smb", "support"), "sla_hours", 9),
        (("segmentation",), "hysteresis", 0.2),
        (("segmentation", "thresholds"), "enterprise", 150000),
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


# ----------------------------------------------------------------------------- the old shape

OLD_SHAPE = Path(__file__).resolve().parents[1] / "data" / "old_shape"


def _rows(result: ReplicationResult) -> list[tuple[object, ...]]:
    """A replication's tidy rows, NaN spelled "nan" so that equal runs compare equal."""
    return [(*r[:4], "nan" if math.isnan(r[4]) else r[4]) for r in result.records]


def test_an_old_shape_file_loads_with_a_warning_and_runs_as_its_new_shape() -> None:
    """A file of the old shape (tiers holding their customers) still loads, with a warning that
    names the file and says how to write the new shape; it is read as its hand-written
    new-shape equivalent (a group per old tier, served by it for life) and simulates to the
    same results."""
    old_path = OLD_SHAPE / "baseline_v1.yaml"
    with pytest.warns(OldScenarioShape) as caught:
        old = load_scenario(old_path)
    notes = [str(w.message) for w in caught if issubclass(w.category, OldScenarioShape)]
    assert len(notes) == 1
    note = notes[0]
    assert note.startswith(f"{old_path} has the old shape")
    for phrase in ("`population`", "`tiers` (the service only)", "`segmentation`", "deprecated"):
        assert phrase in note, phrase
    assert "docs/how-to/write-a-scenario.md" in note
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the new shape loads without a warning
        new = load_scenario(OLD_SHAPE / "baseline_v1_new_shape.yaml")
    assert set(old.population) == set(old.tiers) == {"strategic", "enterprise", "smb", "digital"}
    rule = old.rule
    assert (rule.rule, rule.retier, rule.previous) == ("group", "never", None)
    assert rule.groups == {name: name for name in old.tiers}
    assert old.population["smb"].cases_per_year == 12
    assert old.population["strategic"].implementation_hours == 160
    assert old == new and scenario_sha256(old) == scenario_sha256(new)
    small_old, small_new = shrink(old, 10, 2), shrink(new, 10, 2)
    first = simulate(small_old, seed=11, replication=0)
    second = simulate(small_new, seed=11, replication=0)
    assert _rows(first) == _rows(second)
    assert {r[2] for r in first.records} >= {"smb", "group:smb", "all"}
    assert any(r[3] == "grr" and not math.isnan(r[4]) for r in first.records)
