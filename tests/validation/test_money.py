"""Revenue, margin and customer value against accounting identities, an independent integral of
the ARR under contract and the closed form of a customer who never leaves."""

from __future__ import annotations

import math
from collections import defaultdict

import pytest

import simcs
from simcs.calendar import HOURS_PER_YEAR
from simcs.catalogue import ALL
from simcs.formulas.sbg import sbg_discounted_residual_lifetime
from simcs.formulas.value import economic_value
from simcs.model.organisation import Organisation
from simcs.records import group_scope
from simcs.scenario import Scenario
from simcs.scenario.files import with_overrides
from simcs.simulation.metrics import horizon_metrics, year_metrics
from tests.conftest import scenario_path, shrink

STEP_HOURS = HOURS_PER_YEAR / 4000  # the sampler's grid


@pytest.fixture(scope="module")
def retiering(baseline: Scenario) -> Scenario:
    """A shrunk baseline whose customers move between tiers mid-term and at renewal."""
    return with_overrides(
        shrink(baseline, 6, 2),
        {"segmentation.thresholds.enterprise": 150000, "segmentation.hysteresis": 0.0},
    )


@pytest.fixture(scope="module")
def sampled(retiering: Scenario):
    """One replication, with the ARR under contract of every scope sampled on a fine grid."""
    org = Organisation(retiering, 5, 0)
    samples: dict[int, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))

    def sampler():
        steps = round(retiering.horizon_years * HOURS_PER_YEAR / STEP_HOURS)
        for k in range(steps):
            year = k * STEP_HOURS // HOURS_PER_YEAR + 1
            by_scope: dict[str, float] = defaultdict(float)
            for c in org.customers:
                if c.active and c.sale_time <= org.env.now:
                    by_scope[c.tier] += c.arr
                    by_scope[group_scope(c.group)] += c.arr
                    by_scope[ALL] += c.arr
            for scope in retiering.scopes():
                samples[int(year)][scope].append(by_scope[scope])
            yield org.env.timeout(STEP_HOURS)

    org.env.process(sampler())
    raw = org.run()
    metrics = {y: year_metrics(raw.ledger, retiering, y) for y in retiering.measurement_years}
    return metrics, samples


def test_subscription_revenue_is_the_integral_of_arr_under_contract(sampled) -> None:
    metrics, samples = sampled
    moved = 0.0
    for year, by_scope in metrics.items():
        for scope, m in by_scope.items():
            path = samples[year][scope]
            assert len(path) == 4000
            earned = m["subscription_revenue"]
            # a left Riemann sum of the sampled path: within the path's range, and close to it
            assert min(path) * (1 - 1e-9) <= earned <= max(path) * (1 + 1e-9), (year, scope)
            assert earned == pytest.approx(sum(path) / len(path), rel=2e-3), (year, scope)
            moved += m["arr_moved_in"]
    assert moved > 0  # customers did move between tiers mid-year


def test_money_identities_on_every_row(sampled, retiering: Scenario) -> None:
    metrics, _ = sampled
    for by_scope in metrics.values():
        for m in by_scope.values():
            assert m["revenue"] == pytest.approx(m["subscription_revenue"] + m["services_revenue"])
            assert m["delivery_margin"] == pytest.approx(m["revenue"] - m["cost_total"])
            assert m["cost_to_revenue"] == pytest.approx(m["cost_total"] / m["revenue"])
            assert m["customer_lifetime_value"] * m["customers_end"] == pytest.approx(
                m["book_value_end"]
            )
    years = retiering.measurement_years
    value = horizon_metrics(metrics, retiering)
    for scope in retiering.scopes():
        expected = economic_value(
            [metrics[y][scope]["delivery_margin"] for y in years],
            metrics[years[-1]][scope]["book_value_end"],
            retiering.finance.discount_rate_per_year,
        )
        assert value[scope]["economic_value"] == pytest.approx(expected)


def _one_customer(discount: float) -> Scenario:
    base = simcs.load_scenario(scenario_path("sbg_validation"))
    return with_overrides(
        base,
        {
            "horizon_years": 3,
            "population.cohort.initial_customers": 1,
            "population.cohort.renewal": {"alpha": 0.01, "beta": 9000},
            "initial_book.anniversaries": "staggered",
            "initial_book.tenure": "steady_state",
            "costs.other_per_customer_year": 2500.0,
            "finance.discount_rate_per_year": discount,
            "expansion_drivers": {
                "trained": 0.0,
                "champion_lost": 0.0,
                "sla_breach": 0.0,
                "coverage": {"assigned": 0.0, "pooled": 0.0, "digital": 0.0},
            },
        },
    )


@pytest.mark.parametrize("discount", [0.1, 0.25])
def test_one_customer_who_never_leaves_matches_the_closed_form(discount: float) -> None:
    scenario = _one_customer(discount)
    raw = Organisation(scenario, 3, 0).run()
    (customer,) = raw.customers
    assert customer.active and customer.arr == 10000.0
    law = scenario.population["cohort"].renewal
    for year in scenario.measurement_years:
        m = year_metrics(raw.ledger, scenario, year)[ALL]
        assert m["subscription_revenue"] == pytest.approx(10000.0)
        assert m["delivery_margin"] == pytest.approx(10000.0 - 2500.0 + m["services_revenue"])
        # the next anniversary after this year's end: renewals made then count the tenure
        renewals_left = scenario.horizon_years - year
        anniversary = customer.next_anniversary - renewals_left * HOURS_PER_YEAR
        f = (anniversary - year * HOURS_PER_YEAR) / HOURS_PER_YEAR
        renewals = customer.renewals - renewals_left
        derl = sbg_discounted_residual_lifetime(law.alpha, law.beta, renewals, discount)
        closed = 7500.0 * (f + (1 + discount) ** -f * derl)
        assert m["customer_lifetime_value"] == pytest.approx(closed, rel=1e-9)
        # and with churn ~1e-6 a year, the perpetuity of a customer who never leaves
        perpetuity = 7500.0 * (f + (1 + discount) ** (1 - f) / discount)
        assert m["customer_lifetime_value"] == pytest.approx(perpetuity, rel=1e-3)
        assert m["book_value_end"] == m["customer_lifetime_value"]


def test_a_higher_discount_rate_lowers_the_value() -> None:
    low = Organisation(_one_customer(0.08), 3, 0).run()
    high = Organisation(_one_customer(0.15), 3, 0).run()
    assert (
        year_metrics(high.ledger, _one_customer(0.15), 3)[ALL]["book_value_end"]
        < year_metrics(low.ledger, _one_customer(0.08), 3)[ALL]["book_value_end"]
    )
    assert math.isfinite(year_metrics(high.ledger, _one_customer(0.15), 3)[ALL]["book_value_end"])


def test_simulate_gives_the_economic_value_of_its_rows(retiering: Scenario) -> None:
    one = simcs.simulate(retiering, seed=5, replication=1)
    rows = {(t, m): v for _, y, t, m, v in one.records if y == 0}
    assert set(rows) == {(scope, "economic_value") for scope in retiering.scopes()}
    for scope in retiering.scopes():
        assert one.horizon[scope]["economic_value"] == rows[(scope, "economic_value")]
