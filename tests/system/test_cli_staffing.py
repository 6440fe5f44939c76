"""Headcount plans on the command line: `simcs plan --write` writes one, `simcs run --staffing`
runs it (bad files refused with the file and field path, exit 2, no traceback), and `simcs
size --ratio` sizes a policy's ratio rule instead of a headcount (`simcs allocate --ratio`
allocates one)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

import simcs
from simcs.cli import main
from simcs.planning.hiring import hiring_plan, plan_steps
from simcs.planning.pools import pool_config
from simcs.reporting.pages.allocation import page as allocation_page
from simcs.reporting.pages.sizing import page as sizing_page
from simcs.scenario import Scenario
from simcs.scenario.files import scenario_yaml, with_overrides
from tests.conftest import scenario_path, shrink


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


@pytest.fixture(scope="module")
def template() -> Scenario:
    """The $50M template (growing 2% a month) over two years."""
    return with_overrides(
        simcs.load_scenario(scenario_path("cost_template_50m")), {"horizon_years": 2}
    )


def _write(scenario: Scenario, path: Path) -> Path:
    path.write_text(scenario_yaml(scenario), encoding="utf-8")
    return path


def test_plan_writes_a_file_that_run_applies(template: Scenario, tmp_path: Path) -> None:
    scenario = _write(with_overrides(template, {"horizon_years": 1}), tmp_path / "s.yaml")
    plan_file = tmp_path / "out" / "plan.yaml"
    written = invoke("plan", str(scenario), "--quarters", "8", "--write", str(plan_file))
    assert written.exit_code == 0, written.output
    assert f"written to {plan_file}" in written.stdout
    text = plan_file.read_text(encoding="utf-8")
    assert text.startswith("# Headcount plan written by simcs plan from scenario ")
    assert f"# Run it: simcs run {scenario} --staffing {plan_file}\n" in text
    quarters = hiring_plan(simcs.load_scenario(scenario), 8)
    doc = yaml.safe_load(text)
    assert doc["staff"]["csm"]["book"]["policy"]["plan"] == plan_steps(quarters, "csm.book")

    out = tmp_path / "run"
    ran = invoke("run", str(scenario), "-n", "1", "--staffing", str(plan_file), "-o", str(out))
    assert ran.exit_code == 0, ran.output
    resolved = simcs.load_scenario(out / "scenario.yaml")  # the results hold the plans run
    for pool in quarters[0].headcount:
        config = pool_config(resolved, pool)
        assert config.policy is not None and config.policy.plan is not None
        for q in quarters:
            start = 3 * (q.quarter - 1)
            assert config.policy.planned_headcount(start, config.headcount) == q.headcount[pool]
    notes = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["scenario_notes"]
    assert any(str(plan_file) in note for note in notes)


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("staff:\n  sales:\n    policy:\n      plan: []\n", "staff.sales: unknown pool"),
        ("staff:\n  csm:\n    gold:\n      policy:\n        plan: []\n", "staff.csm.gold"),
        ("staff:\n  support:\n    headcount: 4\n", "staff.support.headcount: not allowed"),
        (
            "staff:\n  support:\n    policy:\n      plan: [{quarter: 1, headcount: -2}]\n",
            "staff.support.policy.plan.0.headcount",
        ),
        ("staff: {support: {policy: {plan: 7}}}\n", "staff.support.policy.plan: expected a list"),
        ("[not, a, plan]\n", "not a list"),
        ("staff: {support: {policy: {plan: [}}}\n", "not valid YAML"),
    ],
)
def test_a_bad_plan_file_exits_2_naming_the_file_and_path(
    template: Scenario, tmp_path: Path, text: str, where: str
) -> None:
    scenario = _write(template, tmp_path / "s.yaml")
    bad = tmp_path / "bad_plan.yaml"
    bad.write_text(text, encoding="utf-8")
    out = tmp_path / "run"
    result = invoke("run", str(scenario), "-n", "1", "--staffing", str(bad), "-o", str(out))
    assert result.exit_code == 2, result.output
    assert f"error: {bad} is not valid" in result.stderr
    assert f"{bad}: " in result.stderr and where in result.stderr, result.stderr
    assert "Traceback" not in result.output
    assert not out.exists()  # refused before any run


def test_a_missing_plan_file_exits_2(template: Scenario, tmp_path: Path) -> None:
    scenario = _write(template, tmp_path / "s.yaml")
    absent = tmp_path / "absent.yaml"
    result = invoke("run", str(scenario), "--staffing", str(absent), "-o", str(tmp_path / "r"))
    assert result.exit_code == 2
    assert f"{absent}: no such file" in result.stderr and "Traceback" not in result.output


def test_a_written_plan_run_without_attrition_reproduces_its_headcount(
    template: Scenario, tmp_path: Path
) -> None:
    """With nobody leaving, each pool's people on payroll are the plan's step in every month
    from the step's month on. Series month m is the month ending m months after t=0, so the
    month starting at the step's month M is m = M + 1, and the step holds through the month
    ending when the next step starts; that last point is the instant the next step's hires
    arrive (counted at a year end, where the simulation closes the year's last instant, and in
    the next month otherwise), so it may show either. Quarter 1's step starts at t=0: an
    increase there can only arrive a hiring lag later, so only later steps are checked."""
    planned = list(hiring_plan(template, 8)[0].headcount)
    still = with_overrides(
        template,
        {
            f"{'staff.csm.' + p[4:] if p.startswith('csm.') else 'staff.' + p}"
            ".attrition_per_year": 0.0
            for p in planned
        },
    )
    scenario = _write(still, tmp_path / "still.yaml")
    plan_file = tmp_path / "plan.yaml"
    assert invoke("plan", str(scenario), "-q", "8", "--write", str(plan_file)).exit_code == 0
    out = tmp_path / "run"
    ran = invoke("run", str(scenario), "-n", "2", "--staffing", str(plan_file), "-o", str(out))
    assert ran.exit_code == 0, ran.output
    with (out / "timeseries.csv").open(encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    headcount = {
        (int(r["replication"]), int(r["month"]), r["pool"]): int(r["headcount"]) for r in rows
    }
    months = sorted({m for _, m, _ in headcount})
    assert months == list(range(1, 25))
    staff = yaml.safe_load(plan_file.read_text(encoding="utf-8"))["staff"]
    checked = 0
    for pool in planned:
        entry = staff["csm"][pool[4:]] if pool.startswith("csm.") else staff[pool]
        steps = entry["policy"]["plan"]
        assert steps == plan_steps(hiring_plan(still, 8), pool)
        for k, step in enumerate(steps):
            if step["quarter"] == 1:
                continue
            start = 3 * (step["quarter"] - 1)
            following = steps[k + 1] if k + 1 < len(steps) else None
            end = 3 * (following["quarter"] - 1) if following else months[-1] + 1
            for replication in (0, 1):
                for month in range(start + 1, end):
                    seen = headcount[(replication, month, pool)]
                    assert seen == step["headcount"], (pool, step, replication, month, seen)
                    checked += 1
                if following is not None:  # the instant the next step's hires arrive
                    seen = headcount[(replication, end, pool)]
                    assert seen in (step["headcount"], following["headcount"])
    assert checked > 50  # the template hires CSMs in most quarters


def test_size_a_ratio_on_the_command_line(baseline: Scenario, tmp_path: Path) -> None:
    scenario = _write(shrink(baseline, 2, 1), tmp_path / "small.yaml")
    out = tmp_path / "size"
    result = invoke(
        "size",
        str(scenario),
        "--pool",
        "csm.enterprise",
        "--ratio",
        "arr_per_person",
        "-t",
        "csm_utilization[enterprise]<=0.85",
        "-n",
        "3",
        "-w",
        "2",
        "-o",
        str(out),
    )
    assert result.exit_code == 0, result.output
    assert "arr_per_person" in result.stdout and "mean headcount" in result.stdout
    assert "1 per $" in result.stdout  # the ratio table
    doc = json.loads((out / "sizing.json").read_text(encoding="utf-8"))
    assert doc["ratio_rules"] == {"csm.enterprise": "arr_per_person"}
    best = doc["recommended"]["csm.enterprise"]
    plans = {p["headcounts"]["csm.enterprise"]: p for p in doc["plans"]}
    assert plans[best]["holds"] and not plans[best - 1]["holds"]
    assert plans[best - 1]["ratios"]["csm.enterprise"] > doc["recommended_ratios"]["csm.enterprise"]
    assert "1 per $" in sizing_page(out).headlines[0]


@pytest.mark.parametrize(
    ("ratio", "message"),
    [
        ("per_head", "unknown ratio rule"),
        ("support=arr_per_person", "not sized"),
    ],
)
def test_bad_ratio_options_are_refused(ratio: str, message: str, tmp_path: Path) -> None:
    result = invoke(
        "size",
        "--pool",
        "csm.enterprise",
        "--ratio",
        ratio,
        "-t",
        "grr>=0.9",
        "-o",
        str(tmp_path / "o"),
    )
    assert result.exit_code == 2, result.output
    assert "--ratio" in result.stderr and message in result.stderr
    assert not (tmp_path / "o").exists()


def test_allocate_a_ratio_on_the_command_line(baseline: Scenario, tmp_path: Path) -> None:
    scenario = _write(shrink(baseline, 4, 1), tmp_path / "small.yaml")
    out = tmp_path / "allocate"
    result = invoke(
        "allocate",
        str(scenario),
        "--budget",
        "6.8e6",
        "--pool",
        "csm.enterprise",
        "--ratio",
        "arr_per_person",
        "--objective",
        "grr",
        "-n",
        "3",
        "-w",
        "2",
        "-o",
        str(out),
    )
    assert result.exit_code == 0, result.output
    assert "Allocated ratio" in result.stdout and "1 per $" in result.stdout
    assert "simulated mean staff cost" in result.stdout
    doc = json.loads((out / "allocation.json").read_text(encoding="utf-8"))
    assert doc["ratio_rules"] == {"csm.enterprise": "arr_per_person"}
    final = doc["final"]
    assert final["staff_cost"] <= 6.8e6  # the simulated mean staff cost
    assert set(final["ratios"]) == set(final["mean_headcounts"]) == {"csm.enterprise"}
    (marginal,) = doc["marginals"]
    assert (
        marginal["cost_simulated"]
        and marginal["allocated"] == final["headcounts"]["csm.enterprise"]
    )
    page = allocation_page(out)
    assert "simulated mean staff cost" in page.method
