"""Tests for experiment files: the shipped ones load and change exactly what they say, bad ones
are rejected with the file and the field path (in Python and on the command line, exit 2).

A shipped experiment's variants are dotted-path overrides of one base scenario; a variant must
differ from the base in exactly the paths it overrides, so a typo can never silently change
(or fail to change) a parameter. Each file in tests/data/bad_experiments/ has one thing wrong,
said in its first line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from simcs.catalogue import METRICS
from simcs.cli import main
from simcs.experiments.design import load_experiment
from simcs.scenario import Scenario
from simcs.scenario.files import ScenarioError, load_scenario, scenario_yaml

TESTS = Path(__file__).resolve().parents[1]
ROOT = TESTS.parent
EXPERIMENTS = ROOT / "experiments"
BAD_DIR = TESTS / "data" / "bad_experiments"
SHIPPED = sorted(EXPERIMENTS.glob("*.yaml"))
EXPECTED_SHIPPED = {
    "high_vs_low_touch",
    "smooth_transition",
    "segmentation_thresholds",
    "smb_exit",
    "self_service",
}

# (file in tests/data/bad_experiments, text naming where the problem is, phrase of the problem)
BAD_CASES: list[tuple[str, str, str]] = [
    ("bad_unknown_top_level_key.yaml", "replicatons", "unknown field"),
    ("bad_unknown_metric.yaml", "metrics", "churn_rate"),
    ("bad_reference_not_a_variant.yaml", "reference", "'control' is not one of the variants"),
    (
        "bad_override_unknown_field.yaml",
        "variants.cheap.staff.support.headcont",
        "unknown field",
    ),
    ("bad_override_unknown_section.yaml", "variants.cheap.staff.suport", "no such section"),
    (
        "bad_override_invalid_value.yaml",
        "variants.cheap.staff.support.headcount",
        "greater than or equal to 0",
    ),
    (
        "bad_override_same_thresholds.yaml",
        "variants.wide_smb.segmentation.thresholds",
        "two tiers start at the same ARR",
    ),
    ("bad_single_variant.yaml", "variants", "at least 2"),
    ("bad_unknown_tier.yaml", "tiers", "mid_market"),
]
# The missing base file is reported against the base file's own path, not the experiment's.
MISSING_BASE = "bad_missing_base.yaml"
MISSING_BASE_TARGET = (BAD_DIR / ".." / "no_such_folder" / "missing_scenario.yaml").resolve()


def _flatten(node: Any, prefix: str = "") -> dict[str, Any]:
    """{dotted.path: leaf} of a nested mapping; lists (e.g. ARR bands) are leaves."""
    if not isinstance(node, dict):
        return {prefix: node}
    out: dict[str, Any] = {}
    for key, value in node.items():
        out.update(_flatten(value, f"{prefix}.{key}" if prefix else str(key)))
    return out


def _expected(overrides: dict[str, Any]) -> dict[str, Any]:
    """{dotted.path: leaf} an experiment's overrides set (a mapping sets each of its leaves)."""
    out: dict[str, Any] = {}
    for dotted, value in overrides.items():
        out.update(_flatten(value, dotted))
    return out


def _resolved(scenario: Scenario) -> dict[str, Any]:
    return _flatten(yaml.safe_load(scenario_yaml(scenario)))


def _raw(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


# ----------------------------------------------------------------------------- shipped files


def test_the_five_experiments_are_shipped() -> None:
    assert {p.stem for p in SHIPPED} >= EXPECTED_SHIPPED


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_experiment_loads_with_reference_first(path: Path) -> None:
    raw = _raw(path)
    plan = load_experiment(path)
    assert plan.name == raw["name"]
    assert plan.reference == raw["reference"]
    assert next(iter(plan.scenarios)) == plan.reference
    assert set(plan.scenarios) == set(raw["variants"])
    assert plan.key_metric == raw["metrics"][0]
    assert all(m in METRICS for m in plan.metrics)
    assert "all" in plan.tiers


@pytest.mark.parametrize("name", sorted(EXPECTED_SHIPPED))
def test_shipped_experiment_follows_the_conventions(name: str) -> None:
    """Documented (a leading comment block), on the baseline, 20 replications, fixed seed."""
    path = EXPERIMENTS / f"{name}.yaml"
    text = path.read_text(encoding="utf-8")
    comment = [line for line in text.splitlines()[:10] if line.startswith("#")]
    assert len(comment) >= 5, "the file must open with a comment block saying what it answers"
    raw = _raw(path)
    assert raw["base"] == "../scenarios/baseline.yaml"
    assert raw["replications"] == 20
    assert isinstance(raw["seed"], int)
    assert raw["reference"] in raw["variants"]
    assert raw["variants"][raw["reference"]] == {}, "the reference is the base as is"
    for name in raw["variants"]:
        assert name in text.split("\nname:")[0], f"the comment block must describe {name}"


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_variants_change_exactly_their_overrides(path: Path) -> None:
    """A variant changes the fields its overrides set and nothing else; an override that sets
    a whole section (a mapping, or null) replaces it, so the section's other fields may go or
    change with it, and nothing outside it."""
    raw = _raw(path)
    base = load_scenario((path.parent / raw["base"]).resolve())
    base_values = _resolved(base)
    plan = load_experiment(path)
    for name, overrides in raw["variants"].items():
        overrides = overrides or {}
        expected = _expected(overrides)
        values = _resolved(plan.scenarios[name])
        sections = [k for k, v in overrides.items() if v is None or isinstance(v, dict)]

        def replaced(p: str, sections: list[str] = sections) -> bool:
            return any(p == k or p.startswith(f"{k}.") for k in sections)

        # the fields are the base's, but for a section that was null and is now set by an
        # override (e.g. segmentation.previous), or one an override replaces: its leaves go
        filled = set(base_values) - set(values)
        assert all((base_values[p] is None and p in overrides) or replaced(p) for p in filled), (
            f"{name}: fields {filled} disappeared"
        )
        added = set(values) - set(base_values)
        assert all(any(p.startswith(f"{f}.") for f in filled) or replaced(p) for p in added), (
            f"{name}: fields {added} appeared"
        )
        changed = added | {p for p in set(values) & set(base_values) if values[p] != base_values[p]}
        outside = {p for p in changed if not replaced(p)}
        assert outside == {p for p in expected if not replaced(p)}, (
            f"{name}: changed {changed}, overrides {overrides}"
        )
        for dotted, value in expected.items():
            want = list(value) if isinstance(value, list | tuple) else value
            assert _unset(values.get(dotted)) == _unset(want), f"{name}: {dotted}"


def _unset(value: Any) -> Any:
    """A list of mappings without their unset (null) fields, e.g. a plan step's month."""
    if isinstance(value, list):
        return [
            {k: v for k, v in item.items() if v is not None} if isinstance(item, dict) else item
            for item in value
        ]
    return value


def test_equal_budget_variants_keep_the_loaded_staff_cost() -> None:
    """high_vs_low_touch: CSM and support payroll (OTE x 1.4) within 3% of the baseline's."""
    plan = load_experiment(EXPERIMENTS / "high_vs_low_touch.yaml")

    def payroll(s: Scenario) -> float:
        pools = [s.staff.support, *s.staff.csm.values()]
        return sum(
            (p.headcount * p.ote + p.managers * p.manager_ote) * (1 + p.overhead) for p in pools
        )

    reference = payroll(plan.scenarios[plan.reference])
    for name, scenario in plan.scenarios.items():
        if "equal_budget" in name or "equal_headcount" in name:
            assert payroll(scenario) == pytest.approx(reference, rel=0.03), name
        if "equal_headcount" in name:
            assert scenario.staff == plan.scenarios[plan.reference].staff, name


# ----------------------------------------------------------------------------- bad files


def test_every_bad_file_has_a_case() -> None:
    covered = {name for name, _, _ in BAD_CASES} | {MISSING_BASE}
    assert {p.name for p in BAD_DIR.glob("*.yaml")} == covered


@pytest.mark.parametrize(("name", "where", "phrase"), BAD_CASES)
def test_bad_experiment_is_rejected_with_file_and_path(name: str, where: str, phrase: str) -> None:
    file = BAD_DIR / name
    with pytest.raises(ScenarioError) as info:
        load_experiment(file)
    assert info.value.source == str(file)
    lines = [p for p in info.value.problems if p.startswith(where) and phrase in p]
    assert lines, info.value.problems
    assert f"{file}: {where}" in str(info.value)


def test_missing_base_file_is_named() -> None:
    with pytest.raises(ScenarioError) as info:
        load_experiment(BAD_DIR / MISSING_BASE)
    assert info.value.source == str(BAD_DIR / MISSING_BASE)
    assert info.value.problems == [f"base: {MISSING_BASE_TARGET}: no such file"]


def test_missing_experiment_file_is_named(tmp_path: Path) -> None:
    file = tmp_path / "nowhere.yaml"
    with pytest.raises(ScenarioError) as info:
        load_experiment(file)
    assert str(info.value) == f"{file}: no such file"


@pytest.mark.parametrize(
    ("name", "expected"),
    [(name, where) for name, where, _ in BAD_CASES]
    + [(MISSING_BASE, f"base: {MISSING_BASE_TARGET}: no such file")],
)
def test_cli_experiment_rejects_bad_file(name: str, expected: str, tmp_path: Path) -> None:
    file = BAD_DIR / name
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["experiment", str(file), "--out", str(out), "-w", "1"])
    assert result.exit_code == 2, (result.exit_code, result.stdout, result.stderr)
    assert isinstance(result.exception, SystemExit)
    assert f"error: {file} is not valid" in result.stderr
    if name != MISSING_BASE:
        assert f"  {file}: {expected}" in result.stderr
    else:
        assert expected in result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stdout == "", "nothing may run"
    assert not out.exists(), "nothing may be written for an invalid experiment"


# ----------------------------------------------------------------------------- hostile values

TINY_EXPERIMENT = TESTS / "data" / "hostile" / "tiny_experiment.yaml"


def _tiny_experiment(tmp_path: Path, **changes: Any) -> Path:
    data = yaml.safe_load(TINY_EXPERIMENT.read_text(encoding="utf-8"))
    data.update(changes)
    tiny = TINY_EXPERIMENT.parent / "tiny.yaml"
    (tmp_path / "tiny.yaml").write_text(tiny.read_text(encoding="utf-8"), encoding="utf-8")
    path = tmp_path / "experiment.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def test_tiny_experiment_loads(tmp_path: Path) -> None:
    plan = load_experiment(_tiny_experiment(tmp_path))
    assert list(plan.scenarios) == ["baseline", "more_support"]
    more = plan.scenarios["more_support"]
    assert more.staff.support.headcount == 2
    assert more.population["mid"].cases_per_year == 6
    assert more.rule.thresholds["key"] == 120000
    assert plan.scenarios["baseline"].population["mid"].cases_per_year == 10


@pytest.mark.parametrize(
    ("changes", "where", "phrase"),
    [
        ({"replications": True}, "replications", "a number is needed, not true/false"),
        ({"seed": 2**64}, "seed", "less than or equal to"),
        ({"seed": -1}, "seed", "greater than or equal to 0"),
        ({"precision": float("inf")}, "precision", "finite number"),
        ({"max_replications": 10**9}, "max_replications", "less than or equal to 100000"),
        ({"name": "../up"}, "name", "String should match pattern"),
        ({"variants": {"baseline": {}, "a/b": {}}}, "variants", "'a/b' is not a valid variant"),
        ({"variants": {"baseline": {}, "x": {"horizon_years": "yes"}}}, "variants.x", "number"),
        ({"variants": {"baseline": {}, "x": {"staff.support.hc": 1}}}, "variants.x", "unknown"),
        ({"metrics": ["grr"] * 1000}, "metrics", "at most"),
    ],
)
def test_hostile_experiment_values_are_rejected(
    tmp_path: Path, changes: dict[str, Any], where: str, phrase: str
) -> None:
    path = _tiny_experiment(tmp_path, **changes)
    with pytest.raises(ScenarioError) as info:
        load_experiment(path)
    lines = [p for p in info.value.problems if p.startswith(where) and phrase in p]
    assert lines, info.value.problems
    assert all("\n" not in p for p in info.value.problems)
