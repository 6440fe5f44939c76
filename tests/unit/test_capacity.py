"""Analytic capacity against closed forms, hand computation and the simulation itself."""

from __future__ import annotations

import math

import numpy as np
import pytest

import simcs
from simcs.calendar import HOURS_PER_YEAR
from simcs.formulas.erlang import min_servers_for_service_level, mmc_service_level
from simcs.model.clock import Calendar
from simcs.model.ledger import Ledger
from simcs.model.roster import Roster
from simcs.model.seats import Headcount
from simcs.planning.capacity import (
    capacity_table,
    seat_availability,
    seat_present_share,
    seat_speed,
    support_agents_for,
    support_service_level,
)
from simcs.scenario import Scenario, StaffPool
from simcs.scenario.files import with_overrides
from simcs.stats import t_interval
from simcs.streams import Streams
from tests.conftest import scenario_path


def test_support_service_level_is_erlang_c_for_one_tier(mmc: Scenario) -> None:
    rate = 1000 * 20 / HOURS_PER_YEAR
    for agents in (5, 6, 8):
        assert support_service_level(mmc, agents) == pytest.approx(
            mmc_service_level(agents, rate, 0.5, 0.25), rel=1e-12
        )
    assert support_agents_for(mmc, 0.8) == min_servers_for_service_level(rate, 0.5, 0.25, 0.8)


@pytest.mark.parametrize("name", ["baseline", "cost_template_50m", "smb_cost_example"])
@pytest.mark.parametrize("target", [0.5, 0.8, 0.95])
def test_the_support_search_finds_the_smallest_desk_from_one_agent_up(
    name: str, target: float
) -> None:
    """The search starts above the offered load; scanning every desk size from one agent up
    finds the same headcount."""
    scenario = simcs.load_scenario(scenario_path(name))
    agents = support_agents_for(scenario, target)
    scanned = next(
        c for c in range(1, 10 * agents + 10) if support_service_level(scenario, c) >= target
    )
    assert agents == scanned
    assert support_agents_for(scenario, 0.0) == 1
    with pytest.raises(ValueError, match="below 1"):
        support_agents_for(scenario, 1.0)


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
    # every customer of the $250k+ group is served by the strategic tier (threshold 250,000)
    top = baseline.population["over_250k"]
    assert top.arr_band[0] >= baseline.rule.thresholds["strategic"]
    customers = top.initial_customers + top.new_logos_per_year / 2  # 52.5
    per_customer = 36 * 3.0 + 8 + baseline.champions.departure_rate_per_year * 1.5
    row = rows["csm.strategic"]
    assert row.demand_hours == pytest.approx(customers * per_customer)
    # 15% attrition, 10 weeks' hiring lag, 8 weeks' ramp at half speed
    tenure_weeks = 52 / 0.15
    available = tenure_weeks / (tenure_weeks + 10) * (1 - (1 - math.exp(-8 / tenure_weeks)) / 2)
    assert row.availability == pytest.approx(available) and 0.95 < available < 0.97
    assert row.capacity_hours == pytest.approx(5 * 32 * 52 * available)
    assert row.recommended == 5  # ceil(6,103 / (1,664 x 0.961 x 0.85)) = ceil(4.49)
    ps = rows["implementation"]
    assert ps.demand_hours == pytest.approx(5 * 160 + 30 * 80 + 100 * 20)
    assert "csm.digital" not in rows  # a digital programme has no queue to staff


def test_seat_shares_match_the_staffing_process_over_the_long_run() -> None:
    """Renewal-reward against the process itself: 100 seats with heavy turnover (a year's mean
    tenure, 12 weeks' lag, 10 weeks' ramp) run for 60 years through `simcs.model.roster`; the
    time-average share of seats filled and the mean speed of filled seats match the closed
    forms (about 4,700 tenures)."""
    pool = StaffPool(
        headcount=100, ote=1, attrition_per_year=1.0, hiring_lag_weeks=12, ramp_weeks=10
    )
    env = Calendar()
    streams = Streams(seed=5, replication=0)
    seats = range(100)
    filled = [True] * 100
    since = [0.0] * 100  # when the seat's holder arrived
    ramp_until = [0.0] * 100  # the first holders are fully ramped
    totals = {"filled": 0.0, "half speed": 0.0}

    def close(seat: int) -> None:
        totals["filled"] += env.now - since[seat]
        totals["half speed"] += max(0.0, min(ramp_until[seat], env.now) - since[seat])

    def leave(seat: int) -> None:
        close(seat)
        filled[seat] = False

    def hire(seat: int, ramp_hours: float) -> None:
        filled[seat], since[seat], ramp_until[seat] = True, env.now, env.now + ramp_hours

    class Tracked(Headcount):
        def vacate_seat(self, index: int) -> None:
            leave(index)

        def fill_seat(self, index: int, ramp_hours: float) -> None:
            hire(index, ramp_hours)

    Roster(env, pool, "support", "support", "", Ledger(), streams, Tracked())
    env.run(until=60 * HOURS_PER_YEAR)
    for seat in seats:
        if filled[seat]:
            close(seat)
    present = totals["filled"] / (100 * 60 * HOURS_PER_YEAR)
    speed = 1 - totals["half speed"] / 2 / totals["filled"]
    assert seat_present_share(pool) == pytest.approx(52 / 64)  # 1 year / (1 year + 12 weeks)
    assert present == pytest.approx(seat_present_share(pool), abs=0.01)
    assert speed == pytest.approx(seat_speed(pool), abs=0.005)
    assert seat_availability(pool) == pytest.approx(seat_present_share(pool) * seat_speed(pool))
    no_turnover = StaffPool(headcount=3, ote=1)
    assert seat_availability(no_turnover) == 1.0


def test_support_level_with_turnover_matches_a_long_simulation(mmc: Scenario) -> None:
    """The M/M/c desk with agents leaving (30% a year, 8 weeks' lag, 6 weeks' ramp), simulated
    for 8 years and measured after a 1-year warm-up (the seats start in their long-run state,
    `initial_book.staffing: long_run`, so the year only clears the empty queue): Erlang C
    averaged over the seats filled lands inside the simulated 99% interval; plain Erlang C,
    every seat always filled, is far above it."""
    agents = 8
    desk = with_overrides(
        mmc,
        {
            "staff.support.headcount": agents,
            "staff.support.attrition_per_year": 0.3,
            "staff.support.hiring_lag_weeks": 8,
            "staff.support.ramp_weeks": 6,
            "horizon_years": 8,
            "warmup_years": 1,
            "population.book.renewal.alpha": 0.0001,  # nobody churns: the load stays the same
            "population.book.renewal.beta": 1000,
        },
    )
    result = simcs.run(desk, replications=8, seed=3, workers=2)
    by_replication: dict[int, list[float]] = {}
    for replication, _year, tier, metric, value in result.rows:
        if tier == "all" and metric == "support_sla_met":
            by_replication.setdefault(replication, []).append(value)
    iv = t_interval([float(np.mean(v)) for v in by_replication.values()], 0.99)
    with_turnover = support_service_level(desk, agents)
    plain = support_service_level(desk, agents, turnover=False)
    assert iv.low <= with_turnover <= iv.high, (with_turnover, iv)
    assert plain > iv.high + 0.02, (plain, iv)
    assert support_agents_for(desk, 0.9) > support_agents_for(desk, 0.9, turnover=False)
