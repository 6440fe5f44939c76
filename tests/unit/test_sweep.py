"""Tests for simcs.experiments.sweep: parameter ranges, the grid as an experiment plan, and a tiny
real sweep through the command line."""

from __future__ import annotations

import csv
import itertools
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from simcs.catalogue import METRICS
from simcs.cli import main
from simcs.experiments.sweep import parse_range, point_name, sweep_experiment
from simcs.scenario import Scenario
from simcs.scenario.files import ScenarioError

ROOT = Path(__file__).resolve().parents[2]
BASELINE = ROOT / "scenarios" / "baseline.yaml"
POINTS_HEADER = "point,staff.support.headcount,tier,metric,mean,ci95_low,ci95_high,n"

# ----------------------------------------------------------------------------- parse_range


def test_parse_range_inclusive_integers() -> None:
    path, values = parse_range("staff.support.headcount=4:8:2")
    assert path == "staff.support.headcount"
    assert values == [4, 6, 8]
    assert all(type(v) is int for v in values)


def test_parse_range_stop_off_the_grid_is_not_passed() -> None:
    assert parse_range("a=1:6:2") == ("a", [1, 3, 5])
    assert parse_range("a=3:3:1") == ("a", [3])


def test_parse_range_floats() -> None:
    path, values = parse_range("levers.self_service_deflection=0.1:0.3:0.1")
    assert path == "levers.self_service_deflection"
    assert values == [0.1, 0.2, 0.3]  # rounded: no 0.30000000000000004, and 0.3 included
    assert parse_range("x=0:1:0.25")[1] == [0, 0.25, 0.5, 0.75, 1.0]
    assert parse_range("x=1:2:0.5")[1] == [1.0, 1.5, 2.0]


def test_parse_range_lists() -> None:
    assert parse_range("a=1,2,3") == ("a", [1, 2, 3])
    assert parse_range(" a = 0.5, 1 ,2.5") == ("a", [0.5, 1, 2.5])
    assert parse_range("levers.content_council.enabled=true,false") == (
        "levers.content_council.enabled",
        [True, False],
    )
    assert parse_range("tiers.smb.coverage=pooled,digital") == (
        "tiers.smb.coverage",
        ["pooled", "digital"],
    )
    assert parse_range("a=5") == ("a", [5])


@pytest.mark.parametrize(
    "spec",
    [
        "staff.support.headcount",  # no '='
        "a=1:5:0",  # step 0
        "a=1:5:-1",  # negative step
        "a=5:1:1",  # stop < start
        "a=1:5",  # two parts
        "a=1:2:3:4",  # four parts
        "a=x:5:1",  # not a number
    ],
)
def test_parse_range_errors(spec: str) -> None:
    with pytest.raises(ValueError, match="expected|STEP|numbers"):
        parse_range(spec)


# ----------------------------------------------------------------------------- sweep_experiment


def test_sweep_plan_one_variant_per_grid_point(baseline: Scenario) -> None:
    params = ["staff.support.headcount=4:8:2", "levers.content_council.enabled=false,true"]
    plan, points = sweep_experiment(baseline, params, replications=3, seed=9)
    grid = list(itertools.product([4, 6, 8], [False, True]))
    assert len(plan.scenarios) == len(points) == 6
    assert list(points.values()) == [
        {"staff.support.headcount": h, "levers.content_council.enabled": c} for h, c in grid
    ]
    assert list(plan.scenarios) == list(points)  # the reference (first point) is first
    assert plan.reference == point_name(points[plan.reference]) == next(iter(points))
    assert plan.reference == "staff.support.headcount=4,levers.content_council.enabled=False"
    assert plan.replications == 3 and plan.seed == 9
    assert plan.tiers == [*baseline.tiers, "all"]
    assert plan.key_metric == "grr"
    for name, assignment in points.items():
        scenario = plan.scenarios[name]
        assert scenario.staff.support.headcount == assignment["staff.support.headcount"]
        assert (
            scenario.levers.content_council.enabled == assignment["levers.content_council.enabled"]
        )
        # nothing else changed
        assert scenario.tiers == baseline.tiers
        assert scenario.staff.csm == baseline.staff.csm


def test_sweep_plan_single_parameter(baseline: Scenario) -> None:
    plan, points = sweep_experiment(
        baseline, ["champions.departure_rate_per_year=0.1,0.2"], 2, 0, metrics=["nrr"]
    )
    assert list(points) == [
        "champions.departure_rate_per_year=0.1",
        "champions.departure_rate_per_year=0.2",
    ]
    assert [s.champions.departure_rate_per_year for s in plan.scenarios.values()] == [0.1, 0.2]
    assert plan.metrics == ["nrr", "economic_value", "delivery_margin"]  # the bottom line too


def test_sweep_plan_rejects_bad_paths_and_values(baseline: Scenario) -> None:
    with pytest.raises(ScenarioError, match="staff.support.headcont: unknown field"):
        sweep_experiment(baseline, ["staff.support.headcont=2:4:2"], 2, 0)
    with pytest.raises(ScenarioError, match="greater than or equal to 0") as info:
        sweep_experiment(baseline, ["staff.support.headcount=-1,2"], 2, 0)
    assert info.value.source == "--param staff.support.headcount=-1"


# ----------------------------------------------------------------------------- the CLI


@pytest.fixture(scope="module")
def small_scenario(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The baseline cut to ~5% of its customers over one year."""
    data = yaml.safe_load(BASELINE.read_text(encoding="utf-8"))
    data["name"] = "small_sweep"
    data["horizon_years"] = 1
    data["warmup_years"] = 0
    for group in data["population"].values():
        group["initial_customers"] = max(2, round(group["initial_customers"] * 0.05))
        group.pop("initial_arr_total", None)
        group["new_logos_per_year"] = group.get("new_logos_per_year", 0) * 0.05
    path = tmp_path_factory.mktemp("sweep") / "small.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def test_cli_sweep_writes_points_csv(small_scenario: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = ["sweep", str(small_scenario), "--param", "staff.support.headcount=2:4:2"]
    result = CliRunner().invoke(main, [*args, "-n", "2", "-w", "1", "--out", str(out)])
    assert result.exit_code == 0, (result.stdout, result.stderr)
    assert "Traceback" not in result.stdout + result.stderr
    text = (out / "points.csv").read_text(encoding="utf-8")
    assert text.splitlines()[0] == POINTS_HEADER
    rows = list(csv.DictReader(text.splitlines()))
    tiers = ["strategic", "enterprise", "smb", "digital", "all"]
    assert len(rows) == 2 * len(tiers) * len(METRICS)
    assert [r["point"] for r in rows[:: len(tiers) * len(METRICS)]] == [
        "staff.support.headcount=2",
        "staff.support.headcount=4",
    ]
    assert {r["staff.support.headcount"] for r in rows} == {"2", "4"}
    # n counts replications where the metric is defined (e.g. no go-live, no TTV: fewer)
    assert {r["n"] for r in rows} <= {"0", "1", "2"}
    for r in rows:
        if r["tier"] == "all" and r["metric"] in ("grr", "cost_per_customer", "support_cases"):
            assert r["n"] == "2", r
    assert {r["tier"] for r in rows} == set(tiers)
    assert {r["metric"] for r in rows} == set(METRICS)
    util = {
        r["staff.support.headcount"]: float(r["mean"])
        for r in rows
        if r["tier"] == "all" and r["metric"] == "support_utilization"
    }
    assert util["4"] < util["2"], "twice the agents, lower utilisation"
    assert (out / "summary.json").is_file() and (out / "comparisons.csv").is_file()


def test_cli_sweep_bad_param_is_a_usage_error(small_scenario: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main,
        ["sweep", str(small_scenario), "--param", "staff.support.headcount=4:2:1"]
        + ["--out", str(out)],
    )
    assert result.exit_code == 2
    assert "--param" in result.stderr and "STOP >= START" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert not out.exists()


def test_cli_sweep_bad_path_names_it(small_scenario: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main,
        ["sweep", str(small_scenario), "--param", "staff.support.headcont=2,4", "--out", str(out)],
    )
    assert result.exit_code == 2
    assert "staff.support.headcont: unknown field" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert not out.exists()


# ----------------------------------------------------------------------------- hostile values


@pytest.mark.parametrize(
    ("spec", "phrase"),
    [
        ("a=inf,1", "not a finite number"),
        ("a=nan", "not a finite number"),
        ("a=1e999", "not a finite number"),
        ("a=0:1e308:1e-308", "more than 10,000 values"),
        ("a=0:20000:1", "more than 10,000 values"),
        ("a=1,1", "given more than once"),
        ("a=0:1e-20:1e-21", "given more than once"),  # rounding to 12 digits merges them
        ("a=", "no values given"),
        ("=1,2", "PATH is empty"),
        ("a=x/y", "may hold only letters"),
    ],
)
def test_parse_range_rejects_hostile_values(spec: str, phrase: str) -> None:
    with pytest.raises(ValueError, match=phrase):
        parse_range(spec)


def test_sweep_grid_is_bounded(baseline: Scenario) -> None:
    with pytest.raises(ValueError, match="the grid has 10,201 points, more than the 10,000"):
        sweep_experiment(baseline, ["a=0:100:1", "b=0:100:1"], 2, 0)
    with pytest.raises(ValueError, match="staff.support.headcount: given in more than one"):
        sweep_experiment(
            baseline, ["staff.support.headcount=1,2", "staff.support.headcount=3"], 2, 0
        )
    long_paths = [f"tiers.smb.{'x' * 60}{k}=1" for k in range(4)]
    with pytest.raises(ValueError, match="over 200 characters"):
        sweep_experiment(baseline, long_paths, 2, 0)


def test_sweep_refuses_booleans_and_out_of_bounds_numbers(baseline: Scenario) -> None:
    with pytest.raises(ScenarioError, match="a number is needed, not true/false"):
        sweep_experiment(baseline, ["staff.support.headcount=true"], 2, 0)
    with pytest.raises(ScenarioError, match="less than or equal to 1000000"):
        sweep_experiment(baseline, ["population.15k_to_100k.initial_customers=2000000"], 2, 0)


def test_cli_sweep_hostile_param_is_one_clear_line(small_scenario: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["sweep", str(small_scenario), "--param", "a=0:1e308:1e-308", "--out", str(out)]
    )
    assert result.exit_code == 2
    assert "more than 10,000 values" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert not out.exists()
