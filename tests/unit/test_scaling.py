"""A company k times the size (`simcs.scenario.scaling`): customers, new logos and people
k-fold, everything per customer or per person unchanged; a real book cannot be scaled."""

from __future__ import annotations

import pytest

from simcs.scenario.files import default_scenario_path, load_scenario, with_overrides
from simcs.scenario.scaling import scaled


def test_counts_grow_k_fold_and_rates_stay() -> None:
    base = with_overrides(
        load_scenario(default_scenario_path()),
        {
            "population.15k_to_100k.new_logos_per_year": [100, 120, 140],
            "staff.support.policy": {"plan": [{"month": 6, "headcount": 8}], "max_headcount": 9},
        },
    )
    big = scaled(base, 7)
    assert big.name == "baseline_x7"
    for name, group in base.population.items():
        grown = big.population[name]
        assert grown.initial_customers == 7 * group.initial_customers
        assert group.initial_arr_total is not None
        assert grown.initial_arr_total == 7 * group.initial_arr_total
        assert grown.model_dump(
            exclude={"initial_customers", "initial_arr_total", "new_logos_per_year"}
        ) == group.model_dump(
            exclude={"initial_customers", "initial_arr_total", "new_logos_per_year"}
        )
    assert big.population["15k_to_100k"].new_logos_per_year == [700, 840, 980]
    assert big.population["over_250k"].new_logos_per_year == 35
    assert big.staff.support.headcount == 42
    assert big.staff.support.policy is not None and big.staff.support.policy.plan is not None
    assert big.staff.support.policy.plan[0].headcount == 56
    assert big.staff.support.policy.max_headcount == 63
    for tier, team in base.staff.csm.items():
        assert big.staff.csm[tier].headcount == 7 * team.headcount
        assert big.staff.csm[tier].managers == 7 * team.managers
        assert big.staff.csm[tier].ote == team.ote
    assert big.tiers == base.tiers and big.drivers == base.drivers and big.rule == base.rule
    assert scaled(base, 1, name="baseline").model_dump() == base.model_dump()


def test_what_cannot_be_scaled_is_refused() -> None:
    base = load_scenario(default_scenario_path())
    with pytest.raises(ValueError, match="at least 1"):
        scaled(base, 0)
    account = {
        "account_id": "a1",
        "group": "under_15k",
        "arr": 5000.0,
        "renewals": 0,
        "renewal_in_days": 100,
        "trained": False,
    }
    one = with_overrides(
        base,
        {
            "initial_book.accounts": [account],
            **{f"population.{g}.initial_customers": int(g == "under_15k") for g in base.population},
            **{f"population.{g}.initial_arr_total": None for g in base.population},
        },
    )
    with pytest.raises(ValueError, match="real accounts"):
        scaled(one, 2)
