"""Analytic capacity against closed forms, hand computation and the simulation itself."""

from __future__ import annotations

import pytest

import simcs
from simcs.analysis import t_interval
from simcs.calendar import HOURS_PER_YEAR
from simcs.capacity import (
    capacity_table,
    headcount_path,
    person_cost,
    pool_config,
    support_agents_for,
    support_service_level,
)
from simcs.formulas.erlang import min_servers_for_service_level, mmc_service_level
from simcs.loading import with_overrides
from simcs.scenario import Scenario


def test_support_service_level_is_erlang_c_for_one_tier(mmc: Scenario) -> None:
    rate = 1000 * 20 / HOURS_PER_YEAR
    for agents in (5, 6, 8):
        assert support_service_level(mmc, agents) == pytest.approx(
            mmc_service_level(agents, rate, 0.5, 0.25), rel=1e-12
        )
    assert support_agents_for(mmc, 0.8) == min_servers_for_service_level(rate, 0.5, 0.25, 0.8)


def test_simulated_service_level_at_the_analytic_staffing_matches_erlang_c(
    mmc: Scenario,
) -> None:
    agents = support_agents_for(mmc, 0.8)
    scenario = with_overrides(mmc, {"staff.support.headcount": agents})
    met = [
        simcs.simulate(scenario, seed=8, replication=r).metrics[1]["all"]["support_sla_met"]
        for r in range(12)
    ]
    iv = t_interval(met, 0.99)
    theory = support_service_level(scenario, agents)
    assert theory >= 0.8
    assert iv.low <= theory <= iv.high, (theory, iv)


def test_workload_of_a_csm_team_by_hand(baseline: Scenario) -> None:
    rows = {r.pool: r for r in capacity_table(baseline, utilization=0.85)}
    strategic = baseline.tiers["strategic"]
    customers = strategic.initial_customers + strategic.new_logos_per_year / 2  # 52.5
    per_customer = 36 * 3.0 + 8 + baseline.champions.departure_rate_per_year * 1.5
    row = rows["csm.strategic"]
    assert row.demand_hours == pytest.approx(customers * per_customer)
    assert row.capacity_hours == pytest.approx(5 * 32 * 52)
    assert row.recommended == 5  # ceil(6,103 / (1,664 x 0.85))
    ps = rows["implementation"]
    assert ps.demand_hours == pytest.approx(5 * 160 + 30 * 80 + 100 * 20)
    assert "csm.digital" not in rows  # a digital programme has no queue to staff


def test_pools_paths_and_costs(baseline: Scenario) -> None:
    assert headcount_path("support") == "staff.support.headcount"
    assert headcount_path("csm.smb") == "staff.csm.smb.headcount"
    assert person_cost(baseline, "csm.enterprise") == pytest.approx(130_000 * 1.4)
    assert pool_config(baseline, "implementation").headcount == 6
    with pytest.raises(ValueError, match="unknown pool"):
        pool_config(baseline, "sales")
    with pytest.raises(ValueError, match="no CSM team"):
        pool_config(baseline, "csm.platinum")
