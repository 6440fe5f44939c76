"""Tests for simcs.formulas.costs: the founding documents' worked numbers and allocation."""

from __future__ import annotations

import math

import numpy as np
import pytest

import simcs
from simcs.formulas.costs import (
    cost_of_delivery_per_customer,
    loaded_cost,
    loaded_cost_per_work_hour,
    split_cost,
    support_cost_per_customer,
)
from tests.conftest import scenario_path


def test_support_cost_seed_example() -> None:
    # [001]: 12 cases a year x 30 minutes x $3 a minute = $1,080 a year
    assert support_cost_per_customer(12, 30, 3) == 1080
    assert support_cost_per_customer(0, 30, 3) == 0
    assert support_cost_per_customer(4, 45, 2.5) == pytest.approx(450.0)


def test_loaded_cost_seed_overhead() -> None:
    assert loaded_cost(130000, 0.4) == pytest.approx(182000, rel=1e-15)
    assert loaded_cost(180000, 0.0) == 180000
    assert loaded_cost(0, 0.4) == 0


def test_cost_of_delivery_seed_smb_example() -> None:
    # [001] SMB: $4k one-time implementation + $1,080 support + $180k / 60 clients CSM
    support = support_cost_per_customer(12, 30, 3)
    csm = loaded_cost(180000, 0.0) / 60
    assert csm == 3000
    cost = cost_of_delivery_per_customer(4000, support, csm, 0, 0, 1)
    assert cost == pytest.approx(4000 + 1080 + 3000, rel=1e-15)
    assert cost == pytest.approx(8080.0)


def test_cost_of_delivery_divides_by_customers() -> None:
    assert cost_of_delivery_per_customer(100, 200, 300, 400, 500, 5) == pytest.approx(300.0)
    assert math.isnan(cost_of_delivery_per_customer(1, 1, 1, 1, 1, 0))
    assert math.isnan(cost_of_delivery_per_customer(1, 1, 1, 1, 1, -2))


def test_split_cost_splits_by_usage() -> None:
    out = split_cost(1000.0, {"a": 1.0, "b": 3.0, "c": 0.0}, {"a": 5.0, "b": 5.0, "c": 5.0})
    assert out == pytest.approx({"a": 250.0, "b": 750.0, "c": 0.0})


def test_split_cost_falls_back_when_nothing_was_used() -> None:
    out = split_cost(900.0, {"a": 0.0, "b": 0.0}, {"a": 1.0, "b": 2.0})
    assert out == pytest.approx({"a": 300.0, "b": 600.0})
    empty = split_cost(900.0, {}, {"x": 4.0, "y": 1.0})
    assert empty == pytest.approx({"x": 720.0, "y": 180.0})


def test_split_cost_with_nothing_to_go_by_is_zero() -> None:
    assert split_cost(500.0, {"a": 0.0}, {"a": 0.0, "b": 0.0}) == {"a": 0.0, "b": 0.0}


def test_split_cost_conserves_the_total() -> None:
    rng = np.random.default_rng(17)
    for _ in range(200):
        n = int(rng.integers(1, 8))
        tiers = [f"t{k}" for k in range(n)]
        usage = dict(zip(tiers, rng.exponential(100.0, n).tolist(), strict=True))
        fallback = dict(zip(tiers, rng.exponential(10.0, n).tolist(), strict=True))
        total = float(rng.uniform(0, 1e7))
        for weights in (usage, dict.fromkeys(tiers, 0.0)):
            out = split_cost(total, weights, fallback)
            assert set(out) == set(tiers)
            assert math.fsum(out.values()) == pytest.approx(total, rel=1e-12)
            used = weights if sum(weights.values()) > 0 else fallback
            norm = math.fsum(used.values())
            for t in tiers:
                assert out[t] == pytest.approx(total * used[t] / norm, rel=1e-12)


def test_smb_cost_example_scenario_reproduces_the_seed() -> None:
    s = simcs.load_scenario(scenario_path("smb_cost_example"))
    smb = s.population["smb"]  # the one customer group, served by the one tier
    assert set(s.tiers) == {"smb"}
    implementation_rate = s.staff.implementation.cost_per_hour
    support_rate = s.staff.support.cost_per_hour
    assert implementation_rate is not None and support_rate is not None
    implementation = smb.implementation_hours * implementation_rate
    support = support_cost_per_customer(
        smb.cases_per_year, s.support.handle_time.mean_hours * 60, support_rate / 60
    )
    team = s.staff.csm["smb"]
    csm = team.headcount * loaded_cost(team.ote, team.overhead) / smb.initial_customers
    assert (implementation, support, csm) == pytest.approx((4000.0, 1080.0, 3000.0))
    assert cost_of_delivery_per_customer(implementation, support, csm, 0, 0, 1) == pytest.approx(
        8080.0
    )


def test_loaded_cost_per_work_hour() -> None:
    # a CSM: $130k OTE, 40% overhead, 32 productive hours a week over 52 weeks
    assert loaded_cost_per_work_hour(130_000, 0.4, 32) == pytest.approx(182_000 / 1_664)
