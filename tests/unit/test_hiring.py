"""Growth planning and the seed's $50M cost template ([001], seed-facts 1C)."""

from __future__ import annotations

import pytest

import simcs
from simcs.formulas.costs import loaded_cost
from simcs.formulas.sbg import sbg_survival
from simcs.planning.capacity import capacity_table
from simcs.planning.hiring import expected_annual_churn, hiring_plan, project_book
from simcs.scenario import Scenario
from simcs.scenario.files import with_overrides
from tests.conftest import scenario_path


@pytest.fixture(scope="module")
def template() -> Scenario:
    return simcs.load_scenario(scenario_path("cost_template_50m"))


def test_the_template_at_t0(template: Scenario) -> None:
    book = simcs.simulate(template, seed=0, replication=0).metrics[1]["book"]
    assert book["customers_start"] == 1667
    assert book["arr_start"] == pytest.approx(50_000_000, rel=1e-9)
    assert book["arr_start"] / 12 == pytest.approx(4_166_667, abs=1)  # MRR
    assert book["arr_start"] / book["customers_start"] == pytest.approx(30_000, rel=0.001)
    csm = template.staff.csm["book"]
    assert 50_000_000 / csm.headcount == pytest.approx(3_000_000, rel=0.02)  # 1:$3M
    assert csm.headcount == round(50_000_000 / 3_000_000 + 0.5)  # 16.7, rounded up
    assert csm.policy is not None and csm.policy.managers_per_person == 0.13  # 13% managers
    assert round(0.13 * csm.headcount) == 2  # 2 managers for 17 CSMs
    assert csm.policy.arr_per_person == 3_000_000
    ops = template.staff.operations
    assert ops.headcount == round(50_000_000 / 12_000_000)  # 1:$12M
    assert ops.policy is not None and ops.policy.arr_per_person == 12_000_000
    assert loaded_cost(csm.ote, csm.overhead) == pytest.approx(130_000 * 1.4)  # 40% overhead
    ps = template.staff.implementation
    assert ps.productive_hours_per_week / 40 == pytest.approx(0.40)  # 40% billable
    assert (ps.realised_rate, ps.ote, ps.manager_ote) == (150, 150_000, 200_000)
    edu = template.staff.education
    assert (edu.ote, edu.manager_ote) == (120_000, 180_000)


def test_the_template_grows_two_percent_a_month(template: Scenario) -> None:
    months = project_book(template, 24)
    assert months[1]["book"] == pytest.approx(1_700, abs=10)  # February: 1,700 clients
    assert months[1]["book"] * 30_000 == pytest.approx(51_000_000, rel=0.01)  # $51M
    assert months[12]["book"] == pytest.approx(1_667 * 1.02**12, rel=0.01)
    assert months[24]["book"] == pytest.approx(1_667 * 1.02**24, rel=0.01)


def test_expected_churn_is_the_sbg_steady_state_mean(baseline: Scenario) -> None:
    group = baseline.population["15k_to_100k"]
    a, b = group.renewal.alpha, group.renewal.beta
    years = baseline.initial_book.max_tenure_years
    weights = [sbg_survival(a, b, k) for k in range(years + 1)]
    by_hand = sum(w * a / (a + b + k) for k, w in enumerate(weights)) / sum(weights)
    assert expected_annual_churn(baseline, "15k_to_100k") == pytest.approx(by_hand)
    assert expected_annual_churn(baseline, "15k_to_100k") < a / (a + b)  # survivors churn less


def test_hiring_plan_grows_with_the_book(template: Scenario) -> None:
    plan = hiring_plan(template, 8)
    today = {row.pool: row.headcount for row in capacity_table(template)}
    assert [q.quarter for q in plan] == list(range(1, 9))
    customers = [q.customers["book"] for q in plan]
    assert customers == sorted(customers)
    before = today
    for q in plan:
        for pool, h in q.headcount.items():
            assert h >= before[pool] and h >= q.needed[pool]  # nobody let go, the need met
            assert q.hires[pool] == h - before[pool]
            assert h == max(before[pool], q.needed[pool])  # no hire beyond the need
        before = q.headcount
    for earlier, later in zip(plan, plan[1:], strict=False):
        assert later.loaded_cost >= earlier.loaded_cost
    assert plan[-1].headcount["csm.book"] > plan[0].headcount["csm.book"]
    for pool in today:  # every hire is counted once
        assert sum(q.hires[pool] for q in plan) == plan[-1].headcount[pool] - today[pool]


def test_hiring_plan_keeps_todays_staff_when_the_need_is_lower(template: Scenario) -> None:
    """The template staffs 9 agents where Erlang C asks for 7: the plan keeps the 9 (and costs
    them) instead of dropping two in the first quarter and 're-hiring' them later."""
    plan = hiring_plan(template, 4)
    assert [q.needed["support"] for q in plan] == [7, 7, 8, 8]
    assert [q.headcount["support"] for q in plan] == [9, 9, 9, 9]
    assert all(q.hires["support"] == 0 for q in plan)
    assert plan[0].surplus["support"] == 2 and plan[2].surplus["support"] == 1


def test_a_shrinking_book_hires_nobody_and_costs_the_same(template: Scenario) -> None:
    shrinking = with_overrides(template, {"population.book.new_logos_per_year": 0.0})
    plan = hiring_plan(shrinking, 8)
    customers = [q.customers["book"] for q in plan]
    assert customers == sorted(customers, reverse=True)
    today = {row.pool: row.headcount for row in capacity_table(shrinking)}
    for q in plan:
        assert q.headcount == today and not any(q.hires.values())
        assert q.loaded_cost == plan[0].loaded_cost
    needs = [q.needed["csm.book"] for q in plan]
    assert needs == sorted(needs, reverse=True) and needs[-1] < today["csm.book"]


def test_cli_plan_shows_hires_and_staff_above_need() -> None:
    from click.testing import CliRunner

    from simcs.cli import main

    result = CliRunner().invoke(
        main, ["plan", str(scenario_path("cost_template_50m")), "--quarters", "4"]
    )
    assert result.exit_code == 0, result.output
    q1 = next(line for line in result.output.splitlines() if line.startswith("Q1"))
    q4 = next(line for line in result.output.splitlines() if line.startswith("Q4"))
    assert "9 (need 7)" in q1 and "19 (+1)" in q4
    assert "Nobody is let go" in result.output
