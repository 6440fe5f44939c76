"""Headcount-plan files: `simcs plan`'s plan in the scenario's shape, applied to a scenario with
`simcs run --staffing`, and the policy changes planning makes (a plan, a ratio rule)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

import simcs
from simcs.planning.hiring import Quarter, hiring_plan, plan_document, plan_steps
from simcs.planning.pools import pool_config
from simcs.planning.sizing import parse_ratios
from simcs.reporting.planning_files import plan_file_text, write_plan_file
from simcs.scenario import Scenario
from simcs.scenario.files import ScenarioError, with_overrides
from simcs.scenario.staffing_file import (
    apply_plans,
    apply_staffing_file,
    has_policy,
    policy_with_ratio,
    ratio_overrides,
    ratio_text,
)
from tests.conftest import scenario_path


@pytest.fixture(scope="module")
def template() -> Scenario:
    return simcs.load_scenario(scenario_path("cost_template_50m"))


@pytest.fixture(scope="module")
def plan(template: Scenario) -> list[Quarter]:
    return hiring_plan(template, 8)


def _planned_at(scenario: Scenario, pool: str, quarter: int) -> int:
    config = pool_config(scenario, pool)
    assert config.policy is not None and config.policy.plan is not None
    return config.policy.planned_headcount(3 * (quarter - 1), config.headcount)


def test_steps_are_quarter_one_and_each_change(plan: list[Quarter]) -> None:
    # the template grows 2% a month: CSMs are hired in most quarters, education never
    csm = plan_steps(plan, "csm.book")
    assert csm[0] == {"quarter": 1, "headcount": plan[0].headcount["csm.book"]}
    for step in csm[1:]:
        q = step["quarter"]
        assert step["headcount"] == plan[q - 1].headcount["csm.book"]
        assert plan[q - 1].headcount["csm.book"] != plan[q - 2].headcount["csm.book"]
    changes = sum(
        1
        for a, b in zip(plan, plan[1:], strict=False)
        if a.headcount["csm.book"] != b.headcount["csm.book"]
    )
    assert len(csm) == 1 + changes and changes >= 3
    assert plan_steps(plan, "education") == [
        {"quarter": 1, "headcount": plan[0].headcount["education"]}
    ]


def test_the_document_has_every_planned_pool_in_the_scenario_shape(
    template: Scenario, plan: list[Quarter]
) -> None:
    doc = plan_document(template, plan)
    assert list(doc) == ["staff"]
    assert set(doc["staff"]) == {"support", "implementation", "education", "csm"}
    assert "operations" not in doc["staff"]  # not sized by the plan
    assert doc["staff"]["csm"]["book"]["policy"] == {"plan": plan_steps(plan, "csm.book")}
    assert plan_document(template, []) == {"staff": {}}


def test_the_written_file_round_trips_to_the_plans_quarters(
    template: Scenario, plan: list[Quarter], tmp_path: Path
) -> None:
    path = tmp_path / "plans" / "plan.yaml"
    write_plan_file(path, plan_document(template, plan), ["Headcount plan", "Run it: simcs"])
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Headcount plan\n# Run it: simcs\nstaff:\n")
    assert "    - {quarter: 1, headcount: " in text  # one step a line
    applied = apply_staffing_file(template, path)
    for pool in plan[0].headcount:
        for q in plan:
            assert _planned_at(applied, pool, q.quarter) == q.headcount[pool], (pool, q.quarter)
        # quarter 1 starts at t=0: the plan's staff from the first month
        assert _planned_at(applied, pool, 1) == plan[0].headcount[pool]
    # a pool the file does not name keeps its own policy (the template's operations ratio)
    assert pool_config(applied, "operations").policy == template.staff.operations.policy
    assert yaml.safe_load(plan_file_text({"staff": {}}, [""])) == {"staff": {}}


def test_has_policy(baseline: Scenario) -> None:
    assert not has_policy(baseline)
    planned = apply_plans(baseline, {"staff": {"education": {"policy": {"plan": []}}}})
    assert has_policy(planned) and planned.staff.education.policy is not None


def test_a_plan_replaces_the_rules_and_keeps_the_rest_of_a_policy(template: Scenario) -> None:
    ruled = with_overrides(
        template,
        {
            "staff.csm.book.policy": {
                "arr_per_person": 3_000_000,
                "workload": {"utilization_above": 0.9},
                "review": "monthly",
                "max_headcount": 60,
                "reduce": "layoff",
                "managers_per_person": 0.125,
            }
        },
    )
    steps = [{"quarter": 1, "headcount": 17}, {"month": 7, "headcount": 20}]
    applied = apply_plans(ruled, {"staff": {"csm": {"book": {"policy": {"plan": steps}}}}})
    policy = applied.staff.csm["book"].policy
    assert policy is not None and policy.plan is not None
    assert [(s.start_month, s.headcount) for s in policy.plan] == [(0, 17), (7, 20)]
    assert policy.arr_per_person is None and policy.workload is None
    assert (policy.review, policy.max_headcount, policy.reduce) == ("monthly", 60, "layoff")
    assert policy.managers_per_person == 0.125
    # a ratio replaces a plan and keeps the rest
    again = policy_with_ratio(applied.staff.csm["book"], "accounts_per_person", 90)
    assert "plan" not in again and again["accounts_per_person"] == 90
    assert again["max_headcount"] == 60 and again["reduce"] == "layoff"
    sized = with_overrides(applied, ratio_overrides(applied, {"csm.book": ("arr_per_person", 2e6)}))
    book = sized.staff.csm["book"].policy
    assert book is not None and book.plan is None and book.arr_per_person == 2e6
    with pytest.raises(ValueError, match="unknown ratio rule"):
        policy_with_ratio(applied.staff.support, "revenue_per_person", 1.0)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("staff:\n  sales:\n    policy:\n      plan: []\n", "staff.sales: unknown pool"),
        (
            "staff:\n  csm:\n    gold:\n      policy:\n        plan: []\n",
            "staff.csm.gold: no CSM team",
        ),
        ("staff:\n  support:\n    headcount: 3\n", "staff.support.headcount: not allowed here"),
        ("staff:\n  support:\n    headcount: 3\n", "staff.support.policy: required field"),
        (
            "staff:\n  support:\n    policy:\n      review: monthly\n      plan: []\n",
            "staff.support.policy.review: not allowed here",
        ),
        ("staff:\n  support:\n    policy:\n      plan: {quarter: 1}\n", "plan: expected a list"),
        ("staff:\n  support:\n    policy:\n      plan: [{quarter: 1}]\n", "plan.0.headcount"),
        (
            "staff:\n  support:\n    policy:\n      plan: [{quarter: 0, headcount: 3}]\n",
            "staff.support.policy.plan.0.quarter",
        ),
        (
            "staff:\n  support:\n    policy:\n      plan: [{quarter: 2, headcount: 3}, "
            "{month: 3, headcount: 4}]\n",
            "staff.support.policy.plan: two steps start in the same month",
        ),
        ("name: x\nstaff: {}\n", "name: not allowed here"),
        ("staff: {}\n", "staff: expected a mapping of pools"),
        ("staff:\n  csm: 3\n", "staff.csm: expected a mapping of CSM teams"),
        ("", "not nothing (the file is empty)"),
        ("- 1\n", "not a list"),
        ("staff: [1\n", "not valid YAML"),
        ("staff: !!python/object:os.system {}\n", "is not allowed"),
    ],
)
def test_a_bad_plan_file_names_the_file_and_the_field(
    template: Scenario, tmp_path: Path, text: str, expected: str
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        apply_staffing_file(template, path)
    assert caught.value.source == str(path)
    assert any(expected in problem for problem in caught.value.problems), caught.value.problems


def test_a_missing_plan_file(template: Scenario, tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="no such file"):
        apply_staffing_file(template, tmp_path / "absent.yaml")


def test_ratio_options_and_their_text() -> None:
    pools = ["support", "csm.smb"]
    assert parse_ratios(["arr_per_person"], pools) == dict.fromkeys(pools, "arr_per_person")
    assert parse_ratios(["csm.smb=accounts_per_person"], pools) == {
        "csm.smb": "accounts_per_person"
    }
    for bad, message in (
        (["csm.smb=per_head"], "unknown ratio rule"),
        (["csm.gold=arr_per_person"], "not sized"),
        (["arr_per_person", "csm.smb=accounts_per_person"], "twice"),
    ):
        with pytest.raises(ValueError, match=message):
            parse_ratios(bad, pools)
    assert ratio_text("arr_per_person", 2_940_000) == "1 per $2.94M ARR"
    assert ratio_text("arr_per_person", 450_000) == "1 per $450,000 ARR"
    assert ratio_text("accounts_per_person", 20.8) == "1 per 20.8 customers"
