"""The model against independent results: Erlang C/A, sBG, Little's law, conservation, the
seed's worked examples (MODEL.md section 8)."""

from __future__ import annotations

import math

import pytest

import simcs
from simcs.calendar import HOURS_PER_YEAR
from simcs.formulas.erlang import erlang_a, erlang_c, mmc_mean_wait
from simcs.formulas.sbg import sbg_survival
from simcs.model.ledger import Ledger
from simcs.records import group_scope, split_cell
from simcs.scenario import Scenario
from simcs.scenario.files import with_overrides
from simcs.stats import t_interval
from tests.conftest import scenario_path

REPLICATIONS = 16


def _tier_sum(led: Ledger, year: int, tier: str, quantity: str) -> float:
    """A quantity of `tier` in `year`: the sum over its ledger cells (one per customer group)."""
    return sum(
        value
        for (y, cell, q), value in led.sums.items()
        if y == year and q == quantity and split_cell(cell)[0] == tier
    )


def _queue_figures(scenario: Scenario, seed: int) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {"p_wait": [], "wait": [], "abandon": [], "util": []}
    for r in range(REPLICATIONS):
        led = simcs.simulate(scenario, seed=seed, replication=r).ledger

        def g(q: str, led: Ledger = led) -> float:
            return _tier_sum(led, 1, "book", q)

        reached = g("support_answered") + g("support_abandoned")
        out["p_wait"].append(g("support_delayed") / reached)
        out["wait"].append(g("support_wait_hours_sum") / reached)
        out["abandon"].append(g("support_abandoned") / reached)
        out["util"].append(
            _tier_sum(led, 1, "book", "support_busy_hours")
            / led.get(1, "", "support_present_hours")
        )
    return out


def _mmc_rates(scenario: Scenario) -> tuple[int, float, float]:
    group = scenario.population["book"]
    rate = group.initial_customers * group.cases_per_year / HOURS_PER_YEAR
    return scenario.staff.support.headcount, rate, scenario.support.handle_time.mean_hours


def _inside(theory: float, values: list[float], confidence: float = 0.99) -> None:
    iv = t_interval(values, confidence)
    assert iv.low <= theory <= iv.high, f"theory {theory:.5f} outside [{iv.low:.5f}, {iv.high:.5f}]"
    assert iv.half_width < 0.10 * abs(theory) + 1e-3, "interval too wide to catch a bug"


def test_support_queue_reproduces_erlang_c(mmc: Scenario) -> None:
    c, lam, mean_service = _mmc_rates(mmc)
    figures = _queue_figures(mmc, seed=11)
    _inside(erlang_c(c, lam * mean_service), figures["p_wait"])
    _inside(mmc_mean_wait(c, lam, mean_service), figures["wait"])
    _inside(lam * mean_service / c, figures["util"])


def test_support_queue_with_patience_reproduces_erlang_a(mmc: Scenario) -> None:
    scenario = with_overrides(mmc, {"support.patience_hours": 0.25, "staff.support.headcount": 5})
    c, lam, mean_service = _mmc_rates(scenario)
    theory = erlang_a(c, lam, mean_service, 0.25)
    figures = _queue_figures(scenario, seed=12)
    _inside(theory.p_wait, figures["p_wait"])
    _inside(theory.p_abandon, figures["abandon"])
    _inside(theory.mean_wait, figures["wait"])


def test_more_agents_never_lengthen_waits_under_common_random_numbers(mmc: Scenario) -> None:
    for replication in range(3):
        waits = []
        for agents in (5, 6, 7, 9):
            scenario = with_overrides(mmc, {"staff.support.headcount": agents})
            result = simcs.simulate(scenario, seed=5, replication=replication)
            waits.append(result.metrics[1]["all"]["support_wait_hours_mean"])
        assert waits == sorted(waits, reverse=True), waits


def test_neutral_renewal_follows_sbg_survival() -> None:
    scenario = simcs.load_scenario(scenario_path("sbg_validation"))
    cohort = scenario.population["cohort"]
    alpha, beta = cohort.renewal.alpha, cohort.renewal.beta
    n0 = cohort.initial_customers
    survival: dict[int, list[float]] = {t: [] for t in range(1, 6)}
    for r in range(REPLICATIONS):
        result = simcs.simulate(scenario, seed=21, replication=r)
        for t in range(1, 6):
            survival[t].append(result.metrics[t]["all"]["customers_end"] / n0)
    for t in range(1, 6):
        iv = t_interval(survival[t], 0.99)
        theory = sbg_survival(alpha, beta, t)
        assert iv.low <= theory <= iv.high, (t, theory, iv)
        assert iv.half_width < 0.015  # binomial spread of 2,000 customers, 16 replications
    # and a geometric law with the same mean churn (no heterogeneity) is rejected
    geometric = (1 - alpha / (alpha + beta)) ** 5
    assert t_interval(survival[5], 0.99).low > geometric + 0.05


def test_littles_law_and_conservation_on_every_queue(baseline: Scenario) -> None:
    scenario = with_overrides(baseline, {"staff.support.headcount": 5})
    result = simcs.simulate(scenario, seed=3, replication=0)
    led = result.ledger
    years = range(1, scenario.horizon_years + 1)
    horizon = HOURS_PER_YEAR * scenario.horizon_years
    queues = [("", "support")] + [(t, "csm") for t in ("strategic", "enterprise", "smb")]
    for tier, pool in queues:
        total = {
            q: sum(led.get(y, tier, f"{pool}_{q}") for y in years)
            for q in ("queue_area", "arrivals", "started", "dropped", "wait_sum", "busy_area")
        }
        assert total["arrivals"] > 1000
        length = total["queue_area"] / horizon  # L_q, time average
        throughput = total["arrivals"] / horizon
        mean_wait = total["wait_sum"] / (total["started"] + total["dropped"])
        assert length == pytest.approx(throughput * mean_wait, rel=0.03, abs=1e-3), (tier, pool)
    # support cases are conserved: filed = deflected + answered + abandoned + still waiting
    filed = sum(_tier_sum(led, y, t, "support_cases") for y in years for t in scenario.tiers)
    accounted = sum(
        _tier_sum(led, y, t, q)
        for y in years
        for t in scenario.tiers
        for q in ("support_deflected", "support_answered", "support_abandoned")
    )
    assert filed == accounted + result.end_state["support_waiting"]


def test_utilisation_never_exceeds_one(baseline: Scenario) -> None:
    scenario = with_overrides(
        baseline, {"staff.support.headcount": 3, "staff.csm.enterprise.headcount": 4}
    )
    result = simcs.simulate(scenario, seed=4, replication=0)
    for year, by_tier in result.metrics.items():
        for tier, m in by_tier.items():
            for metric in ("support_utilization", "csm_utilization", "ps_utilization"):
                value = m[metric]
                assert math.isnan(value) or 0.0 <= value <= 1.0 + 1e-9, (year, tier, metric)
    assert result.metrics[1]["enterprise"]["csm_utilization"] > 0.99  # saturated, yet <= 1


@pytest.mark.parametrize("start", ["full", "long_run"])
def test_smb_worked_example_costs_exactly(start: str) -> None:
    """The seed's SMB example (its file asks for the full start, as the seed's worked examples
    do); it has no staff turnover, so the long-run start gives the same."""
    scenario = simcs.load_scenario(scenario_path("smb_cost_example"))
    assert scenario.initial_book.staffing == "full"
    scenario = with_overrides(scenario, {"initial_book.staffing": start})
    result = simcs.simulate(scenario, seed=1, replication=0)
    year1, year2 = result.metrics[1]["smb"], result.metrics[2]["smb"]
    assert year1["customers_start"] == 600
    assert year1["cost_per_customer_support"] == pytest.approx(12 * 30 * 3.0, rel=1e-12)  # 1,080
    assert year1["cost_per_customer_csm"] == pytest.approx(180_000 / 60, rel=1e-12)  # 3,000
    assert year2["new_customers"] > 100
    assert year2["implementation_cost_per_new_customer"] == pytest.approx(4_000, rel=1e-12)


def test_smb_worked_example_gross_retention_is_about_75_percent() -> None:
    scenario = simcs.load_scenario(scenario_path("smb_cost_example"))
    grr = [
        simcs.simulate(scenario, seed=2, replication=r).metrics[1]["smb"]["grr"] for r in range(8)
    ]
    iv = t_interval(grr, 0.99)
    assert iv.low <= 0.75 <= iv.high


@pytest.mark.parametrize("start", ["full", "long_run"])
def test_baseline_at_t0_reproduces_the_segmentation_template(
    baseline: Scenario, start: str
) -> None:
    """The t=0 book is the template's under either staffing start."""
    scenario = with_overrides(baseline, {"initial_book.staffing": start})
    result = simcs.simulate(scenario, seed=0, replication=0)
    year1 = result.metrics[1]
    template = {  # clients, ARR, CSMs, managers, ARR per CSM, clients per CSM ([001], 1D)
        "strategic": (50, 15e6, 5, 1, 3.0e6, 10),
        "enterprise": (300, 45e6, 12, 2, 3.75e6, 25),
        "smb": (500, 10e6, 5, 1, 2.0e6, 100),
    }
    for tier, (clients, arr, csms, managers, arr_per_csm, clients_per_csm) in template.items():
        assert year1[tier]["customers_start"] == clients
        assert year1[tier]["arr_start"] == pytest.approx(arr, rel=1e-9)
        team = baseline.staff.csm[tier]
        assert (team.headcount, team.managers) == (csms, managers)
        assert year1[tier]["arr_start"] / team.headcount == pytest.approx(arr_per_csm, rel=1e-9)
        assert clients / team.headcount == clients_per_csm
    assert year1["digital"]["customers_start"] == 750
    assert year1["digital"]["arr_start"] == pytest.approx(5e6, rel=1e-9)
    assert baseline.staff.csm["digital"].headcount == 1  # the digital marketer
    # the customer groups are the template's segments: each is served by its tier at t=0
    groups = {
        "strategic": "over_250k",
        "enterprise": "100k_to_250k",
        "smb": "15k_to_100k",
        "digital": "under_15k",
    }
    for tier, group in groups.items():
        for metric in ("customers_start", "arr_start"):
            assert year1[group_scope(group)][metric] == year1[tier][metric], (tier, metric)
    assert year1["all"]["customers_start"] == 1600
    assert year1["all"]["arr_start"] == pytest.approx(75e6, rel=1e-9)
    assert baseline.population["under_15k"].new_logos_per_year == 0  # "No new Tier 5 customers"
    book = _initial_book(baseline)
    assert len(book) == 1600
    rule = baseline.rule
    for customer in book:  # each customer in its tier's ARR band, and in its group's
        low, high = rule.band(customer.tier) or (math.nan, math.nan)
        assert low <= customer.arr < high, (customer.tier, customer.arr)
        assert groups[customer.tier] == customer.group, (customer.group, customer.tier)
        g_low, g_high = baseline.population[customer.group].arr_band
        assert g_low <= customer.arr and (g_high is None or customer.arr < g_high)
    assert min(c.arr for c in book if c.tier == "strategic") >= 250_000


def _initial_book(scenario: Scenario) -> list:
    from simcs.model.book import CustomerFactory
    from simcs.streams import Streams

    factory = CustomerFactory(scenario, Streams(0, 0))
    return [c for g in scenario.population for c in factory.initial_book(g)]


def _bridge_gap(m: dict[str, float]) -> float:
    """ARR end less (start + new logos - churn - contraction + expansion + moved in - out)."""
    bridge = (
        m["arr_start"] + m["arr_new"] - m["arr_churned"] - m["arr_contraction"] + m["arr_expansion"]
    )
    return m["arr_end"] - bridge - m["arr_moved_in"] + m["arr_moved_out"]


@pytest.mark.parametrize(
    ("name", "retier"), [("baseline", None), ("baseline", "never"), ("smb_cost_example", None)]
)
def test_arr_bridge_reconciles_exactly(name: str, retier: str | None) -> None:
    """ARR end = start + new logos - churn - contraction + expansion + moved in - moved out,
    every tier, every customer group, the whole book and every year (a re-tiered customer takes
    its ARR from one tier to another: moved in and out are equal for a group and the book)."""
    scenario = simcs.load_scenario(scenario_path(name))
    if retier is not None:
        scenario = with_overrides(scenario, {"segmentation.retier": retier})
    result = simcs.simulate(scenario, seed=6, replication=0)
    moved = 0.0
    for by_scope in result.metrics.values():
        moved += by_scope["all"]["retiered_up"] + by_scope["all"]["retiered_down"]
        retiered = by_scope["all"]["retiered_up"] + by_scope["all"]["retiered_down"] > 0
        for scope, m in by_scope.items():
            assert _bridge_gap(m) == pytest.approx(0.0, abs=1e-9 * m["arr_end"] + 1e-6), scope
            if scope not in scenario.tiers:  # nothing leaves a group or the book by a move
                assert m["arr_moved_in"] == pytest.approx(m["arr_moved_out"], rel=1e-12)
        moved_in = sum(by_scope[t]["arr_moved_in"] for t in scenario.tiers)
        assert (moved_in > 0) == retiered
        tier_gaps = [_bridge_gap(by_scope[t]) for t in scenario.tiers]
        assert sum(tier_gaps) == pytest.approx(0.0, abs=1e-9 * by_scope["all"]["arr_end"] + 1e-6)
    assert sum(by_scope["all"]["arr_churned"] for by_scope in result.metrics.values()) > 0
    if name == "baseline" and retier is None:
        assert moved > 0  # customers did cross bands at renewal
    else:
        assert moved == 0


def test_wait_time_distribution_follows_erlang_c(mmc: Scenario) -> None:
    """P(wait <= t) at every reported point against 1 - C exp(-(c mu - lambda) t)."""
    from simcs.formulas.erlang import mmc_service_level
    from simcs.model.support import WAIT_POINTS

    c, lam, mean_service = _mmc_rates(mmc)
    runs = [simcs.simulate(mmc, seed=31, replication=r).metrics[1]["all"] for r in range(12)]
    for point, limit in WAIT_POINTS:
        theory = mmc_service_level(c, lam, mean_service, limit)
        share = [m[f"support_wait_within_{point}"] for m in runs]
        iv = t_interval(share, 0.99)
        assert iv.low <= theory <= iv.high or abs(iv.mean - theory) < 1e-3, (point, theory, iv)
    # the SLA (0.25 h here) is the 15-minute point
    assert [m["support_sla_met"] for m in runs] == [m["support_wait_within_15m"] for m in runs]


def test_monthly_pool_series_reconcile_with_the_year(baseline: Scenario) -> None:
    """Twelve monthly means of every pool add up to the year's exact time integrals; the
    months' loaded costs of every pool add up to its payroll cost of the year."""
    result = simcs.simulate(baseline, seed=8, replication=0)
    led = result.ledger
    month_hours = HOURS_PER_YEAR / 12
    pools = {p[2] for p in result.series}
    assert {"support", "implementation", "csm.enterprise"} <= pools
    for year in (1, 2, 3):
        months = range((year - 1) * 12 + 1, year * 12 + 1)
        support = [s for s in result.series if s[2] == "support" and s[1] in months]
        assert len(support) == 12
        area = sum(p[3] * month_hours for p in support)
        assert area == pytest.approx(led.get(year, "", "support_queue_area"), rel=1e-9)
        assert all(0.0 <= p[4] <= 1.0 + 1e-9 for p in support)
        pool = baseline.staff.support
        payroll = led.get(year, "", "support_payroll_hours") / HOURS_PER_YEAR
        cost = payroll * pool.ote * (1 + pool.overhead)
        assert sum(p[10] for p in support) == pytest.approx(cost, rel=1e-9)
        hires = sum(p[7] for p in support)
        assert hires == led.get(year, "", "support_hires")
        assert result.metrics[year]["all"]["hires_support"] == hires


def test_initial_cohort_survival_is_the_sbg_curve_when_drivers_are_neutral() -> None:
    scenario = simcs.load_scenario(scenario_path("sbg_validation"))
    result = simcs.simulate(scenario, seed=21, replication=0)
    for t in range(1, 6):
        m = result.metrics[t]["all"]
        assert m["initial_cohort_survival"] == m["customers_end"] / 2000  # no new logos here
        assert m["initial_cohort_survival"] == pytest.approx(sbg_survival(1.2, 4.8, t), abs=0.04)
