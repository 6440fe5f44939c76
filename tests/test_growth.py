"""Growth planning and the seed's $50M cost template ([001], seed-facts 1C)."""

from __future__ import annotations

import pytest

import simcs
from simcs.formulas.costs import loaded_cost
from simcs.formulas.sbg import sbg_survival
from simcs.growth import expected_annual_churn, hiring_plan, project_book
from simcs.scenario import Scenario
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
    assert csm.managers == round(0.13 * csm.headcount)  # 13% managers
    assert template.staff.operations.headcount == round(50_000_000 / 12_000_000)  # 1:$12M
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
    tier = baseline.tiers["smb"]
    a, b = tier.renewal.alpha, tier.renewal.beta
    years = baseline.initial_book.max_tenure_years
    weights = [sbg_survival(a, b, k) for k in range(years + 1)]
    by_hand = sum(w * a / (a + b + k) for k, w in enumerate(weights)) / sum(weights)
    assert expected_annual_churn(baseline, "smb") == pytest.approx(by_hand)
    assert expected_annual_churn(baseline, "smb") < a / (a + b)  # survivors churn less


def test_hiring_plan_grows_with_the_book(template: Scenario) -> None:
    plan = hiring_plan(template, 8)
    assert [q.quarter for q in plan] == list(range(1, 9))
    customers = [q.customers["book"] for q in plan]
    assert customers == sorted(customers)
    for earlier, later in zip(plan, plan[1:], strict=False):
        for pool, h in later.headcount.items():
            assert h >= earlier.headcount[pool]  # a growing book never needs fewer people
            assert later.hires[pool] == h - earlier.headcount[pool]
        assert later.loaded_cost >= earlier.loaded_cost
    assert plan[-1].headcount["csm.book"] > plan[0].headcount["csm.book"]
