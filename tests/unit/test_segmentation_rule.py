"""Tests for simcs.scenario.segmentation (the rule: which tier serves which customer, and when
it changes) and simcs.planning.book (the rule as the analytic models see it)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from pydantic import ValidationError

from simcs.model.book import draw_arr
from simcs.planning.book import arr_cdf, by_tier, rule_in_force, tier_groups, tier_shares
from simcs.scenario import CustomerGroup, Placement, Scenario, Segmentation
from simcs.scenario.files import ScenarioError, scenario_from_dict, with_overrides

THRESHOLDS = {"top": 100_000.0, "mid": 10_000.0, "low": 0.0}


def _arr_rule(**extra: Any) -> Segmentation:
    return Segmentation(rule="arr", thresholds=dict(THRESHOLDS), **extra)


# ----------------------------------------------------------------------------- Placement


@pytest.mark.parametrize(
    ("arr", "tier"),
    [
        (0.0, "low"),
        (9_999.99, "low"),
        (10_000.0, "mid"),  # a threshold is the lowest ARR its tier serves
        (99_999.99, "mid"),
        (100_000.0, "top"),
        (1e12, "top"),
    ],
)
def test_tier_of_by_arr_takes_the_highest_threshold_reached(arr: float, tier: str) -> None:
    rule = Placement(rule="arr", thresholds=dict(THRESHOLDS))
    assert rule.tier_of(arr, "any group") == tier


def test_tier_of_does_not_depend_on_the_order_thresholds_are_written_in() -> None:
    shuffled = Placement(rule="arr", thresholds={"mid": 10_000, "low": 0, "top": 100_000})
    ordered = Placement(rule="arr", thresholds=dict(THRESHOLDS))
    for arr in (0, 5_000, 10_000, 50_000, 100_000, 500_000):
        assert shuffled.tier_of(arr, "g") == ordered.tier_of(arr, "g")


def test_tier_of_by_group_ignores_arr() -> None:
    rule = Placement(rule="group", groups={"big": "top", "small": "low"})
    for arr in (0.0, 50_000.0, 1e9):
        assert rule.tier_of(arr, "big") == "top"
        assert rule.tier_of(arr, "small") == "low"
    assert rule.tiers == {"top", "low"}
    assert rule.band("top") is None  # rule group has no ARR bands


def test_band_is_from_a_tiers_threshold_to_the_next() -> None:
    rule = Placement(rule="arr", thresholds=dict(THRESHOLDS))
    assert rule.band("low") == (0.0, 10_000.0)
    assert rule.band("mid") == (10_000.0, 100_000.0)
    assert rule.band("top") == (100_000.0, math.inf)
    assert rule.band("elsewhere") is None
    assert rule.tiers == set(THRESHOLDS)
    for tier in THRESHOLDS:  # each band's customers are placed in its tier
        low, high = rule.band(tier) or (0.0, 0.0)
        assert rule.tier_of(low, "g") == tier
        assert rule.tier_of(min(high, 1e15) - 0.01, "g") == tier


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"rule": "arr", "thresholds": {"a": 100.0, "b": 10.0}}, "one tier must start at 0"),
        ({"rule": "arr", "thresholds": {"a": 0, "b": 10, "c": 10}}, "same ARR"),
        ({"rule": "arr", "thresholds": {}}, "needs the lowest ARR"),
        ({"rule": "arr", "thresholds": {"a": 0}, "groups": {"g": "a"}}, "only for rule 'group'"),
        ({"rule": "group"}, "needs the tier of each customer group"),
        ({"rule": "group", "groups": {"g": "a"}, "thresholds": {"a": 0}}, "only for rule 'arr'"),
        ({"rule": "by_size", "thresholds": {"a": 0}}, "rule"),
        ({"rule": "arr", "thresholds": {"a": -1.0, "b": 0}}, "thresholds"),
    ],
)
def test_placement_rejects_an_incomplete_rule(fields: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Placement(**fields)


@pytest.mark.parametrize("hysteresis", [-0.1, 0.95])
def test_hysteresis_is_a_share_below_one(hysteresis: float) -> None:
    with pytest.raises(ValidationError, match="hysteresis"):
        _arr_rule(hysteresis=hysteresis)


# ------------------------------------------------------------- rules inside a scenario


def _problems(baseline: Scenario, change: dict[str, Any]) -> str:
    data = baseline.model_dump(mode="json")
    data["segmentation"] = {**data["segmentation"], **change}
    with pytest.raises(ScenarioError) as caught:
        scenario_from_dict(data, "s.yaml")
    return "\n".join(caught.value.problems)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"thresholds": {"strategic": 250000, "platinum": 100000, "digital": 0}},
            "segmentation.thresholds.platinum: no tier of that name in tiers",
        ),
        (
            {"rule": "group", "thresholds": {}, "groups": {"over_250k": "gold"}},
            "segmentation.groups.over_250k: no tier 'gold' in tiers",
        ),
        (
            {
                "rule": "group",
                "thresholds": {},
                "groups": {
                    "over_250k": "strategic",
                    "100k_to_250k": "enterprise",
                    "15k_to_100k": "smb",
                },
            },
            "segmentation.groups: no tier for customer group 'under_15k'",
        ),
        (
            {"rule": "group", "thresholds": {}, "groups": {"nobody": "smb"}},
            "segmentation.groups.nobody: no customer group of that name",
        ),
        (
            {"previous": {"rule": "arr", "thresholds": {"gold": 0}}},
            "segmentation.previous.thresholds.gold: no tier of that name in tiers",
        ),
    ],
)
def test_a_scenario_rule_must_name_known_tiers_and_groups(
    baseline: Scenario, change: dict[str, Any], message: str
) -> None:
    assert message in _problems(baseline, change)


def test_segmentation_is_needed_with_several_tiers_not_named_like_the_groups(
    baseline: Scenario,
) -> None:
    data = baseline.model_dump(mode="json")
    data["segmentation"] = None
    with pytest.raises(ScenarioError, match="segmentation: needed"):
        scenario_from_dict(data, "s.yaml")


def test_segmentation_may_be_left_out_when_each_group_has_a_namesake_tier(
    baseline: Scenario,
) -> None:
    data = baseline.model_dump(mode="json")
    data["segmentation"] = None
    data["population"] = {
        tier: data["population"][group]
        for tier, group in zip(data["tiers"], data["population"], strict=True)
    }
    scenario = scenario_from_dict(data, "s.yaml")
    rule = scenario.rule
    assert (rule.rule, rule.retier) == ("group", "never")
    assert rule.groups == {name: name for name in scenario.tiers}


# ------------------------------------------------------------- re-tiering at a renewal


def _oscillating(centre: float, swing: float, n: int = 12) -> list[float]:
    """ARR at n renewals, alternately `swing` below and above `centre`."""
    return [centre * (1 - swing if k % 2 == 0 else 1 + swing) for k in range(n)]


def _tiers_along(rule: Segmentation, arrs: list[float], start: str) -> list[str]:
    tiers, current = [], start
    for arr in arrs:
        current = rule.tier_at_renewal(arr, "g", current)
        tiers.append(current)
    return tiers


def test_without_hysteresis_an_arr_oscillating_around_a_threshold_flips_every_time() -> None:
    rule = _arr_rule(hysteresis=0.0)
    tiers = _tiers_along(rule, _oscillating(100_000, 0.05), "mid")
    assert tiers == ["mid", "top"] * 6
    assert sum(a != b for a, b in zip(tiers, tiers[1:], strict=False)) == 11


@pytest.mark.parametrize("from_above", [False, True])
@pytest.mark.parametrize(
    ("threshold", "below", "above"), [(10_000.0, "low", "mid"), (100_000.0, "mid", "top")]
)
def test_with_hysteresis_a_five_percent_oscillation_never_flips(
    threshold: float, below: str, above: str, from_above: bool
) -> None:
    rule = _arr_rule(hysteresis=0.1)
    arrs = _oscillating(threshold, 0.05)
    if from_above:  # a customer of the upper tier: its ARR dips 5% below its floor and back
        arrs = arrs[1:] + arrs[:1]
    start = above if from_above else below
    assert rule.tier_of(arrs[0], "g") == start  # it starts inside its band
    assert _tiers_along(rule, arrs, start) == [start] * len(arrs)
    # and the same oscillation without hysteresis flips at every renewal
    flips = _tiers_along(_arr_rule(hysteresis=0.0), arrs, start)
    assert all(a != b for a, b in zip(flips, flips[1:], strict=False))


def test_with_hysteresis_a_real_crossing_still_moves() -> None:
    rule = _arr_rule(hysteresis=0.1)
    # up: past 110% of the ceiling; down again: only below 90% of the new floor
    path = [95_000, 105_000, 109_999, 110_001, 95_000, 90_001, 89_999, 99_000]
    assert _tiers_along(rule, path, "mid") == [
        "mid",
        "mid",
        "mid",
        "top",
        "top",
        "top",
        "mid",
        "mid",
    ]
    # a jump over a whole band lands where the rule says
    assert rule.tier_at_renewal(5_000, "g", "top") == "low"
    assert rule.tier_at_renewal(500_000, "g", "low") == "top"


def test_retier_never_keeps_the_tier_and_rule_group_ignores_arr() -> None:
    never = _arr_rule(retier="never", hysteresis=0.0)
    for arr in (0.0, 50_000.0, 5e6):
        assert never.tier_at_renewal(arr, "g", "mid") == "mid"
    by_group = Segmentation(rule="group", groups={"g": "top"}, hysteresis=0.1)
    for arr in (0.0, 50_000.0, 5e6):
        assert by_group.tier_at_renewal(arr, "g", "low") == "top"
        assert by_group.tier_at_renewal(arr, "g", "top") == "top"


# ----------------------------------------------------------------------------- planning


def test_tier_shares_sum_to_one_for_every_group(baseline: Scenario) -> None:
    rules = [
        baseline.rule,
        Placement(
            rule="arr",
            thresholds={"strategic": 200_000, "enterprise": 50_000, "smb": 10_000, "digital": 0},
        ),
    ]
    for rule in rules:
        for group in baseline.population:
            shares = tier_shares(baseline, group, rule)
            assert math.fsum(shares.values()) == pytest.approx(1.0, abs=1e-12), (group, shares)
            assert all(0 < s <= 1 for s in shares.values())
    # the template's bands coincide with the groups': each group all in one tier
    assert tier_shares(baseline, "100k_to_250k", baseline.rule) == {"enterprise": 1.0}
    assert tier_shares(baseline, "15k_to_100k", baseline.rule) == {"smb": 1.0}
    # moved thresholds split the groups they cut
    moved = tier_shares(baseline, "100k_to_250k", rules[1])
    group = baseline.population["100k_to_250k"]
    assert moved["strategic"] == pytest.approx(1 - arr_cdf(group, 200_000), rel=1e-12)
    assert 0.01 < moved["strategic"] < 0.2


def test_under_rule_group_a_group_is_all_in_its_tier(baseline: Scenario) -> None:
    rule = Placement(
        rule="group",
        groups={
            "over_250k": "strategic",
            "100k_to_250k": "enterprise",
            "15k_to_100k": "enterprise",
            "under_15k": "digital",
        },
    )
    for group, tier in rule.groups.items():
        assert tier_shares(baseline, group, rule) == {tier: 1.0}
    scenario = with_overrides(
        baseline,
        {
            "segmentation.rule": "group",
            "segmentation.thresholds": {},
            "segmentation.groups": dict(rule.groups),
        },
    )
    per_group = {g: float(p.initial_customers) for g, p in scenario.population.items()}
    assert by_tier(scenario, per_group) == {
        "strategic": 50.0,
        "enterprise": 800.0,
        "smb": 0.0,
        "digital": 750.0,
    }
    assert tier_groups(scenario, "enterprise", per_group) == {
        "over_250k": 0.0,
        "100k_to_250k": 300.0,
        "15k_to_100k": 500.0,
        "under_15k": 0.0,
    }


def test_planning_takes_the_previous_rule_for_a_book_that_is_never_retiered(
    baseline: Scenario,
) -> None:
    previous = {"rule": "arr", "thresholds": dict(baseline.rule.thresholds)}
    moved = {"segmentation.thresholds.strategic": 200_000, "segmentation.previous": previous}
    never = with_overrides(baseline, moved | {"segmentation.retier": "never"})
    at_once = with_overrides(baseline, moved | {"segmentation.retier": "at_once"})
    assert rule_in_force(never) == never.rule.previous
    assert rule_in_force(at_once) == at_once.rule
    per_group = {g: float(p.initial_customers) for g, p in baseline.population.items()}
    total = math.fsum(per_group.values())
    for scenario in (never, at_once, baseline):
        assert math.fsum(by_tier(scenario, per_group).values()) == pytest.approx(total)
    assert by_tier(never, per_group)["strategic"] == pytest.approx(50.0)
    assert by_tier(at_once, per_group)["strategic"] > 55.0


def _groups() -> dict[str, CustomerGroup]:
    common: dict[str, Any] = {
        "initial_customers": 0,
        "cases_per_year": 1,
        "implementation_hours": 0,
        "renewal": {"alpha": 1, "beta": 9},
    }
    return {
        "lognormal_band": CustomerGroup(
            label="a",
            arr_band=(15_000, 100_000),
            arr={"kind": "lognormal", "mean": 20_000, "cv": 0.3},
            **common,
        ),
        "lognormal_open": CustomerGroup(
            label="b",
            arr_band=(250_000, None),
            arr={"kind": "lognormal", "mean": 300_000, "cv": 0.4},
            **common,
        ),
        "lognormal_from_zero": CustomerGroup(
            label="c",
            arr_band=(0, 15_000),
            arr={"kind": "lognormal", "mean": 6_667, "cv": 0.4},
            **common,
        ),
        "uniform": CustomerGroup(
            label="d", arr_band=(1_000, 5_000), arr={"kind": "uniform", "mean": 3_000}, **common
        ),
        "fixed": CustomerGroup(
            label="e", arr_band=(0, None), arr={"kind": "fixed", "mean": 20_000}, **common
        ),
    }


@pytest.mark.parametrize("name", list(_groups()))
def test_arr_cdf_matches_a_monte_carlo_of_draw_arr(name: str) -> None:
    group = _groups()[name]
    n = 40_000
    u = np.random.default_rng(7).random(n)
    draws = np.array([draw_arr(group, float(x)) for x in u])
    low, high = group.arr_band
    assert draws.min() >= low and (high is None or draws.max() < high)
    points = np.quantile(draws, [0.02, 0.1, 0.25, 0.5, 0.75, 0.9, 0.98]).tolist()
    points += [low, low + 1.0, (high or 2 * float(draws.max())) - 1.0, 1e12]
    for x in points:
        empirical = float(np.mean(draws < x))
        theory = arr_cdf(group, x)
        spread = math.sqrt(max(theory * (1 - theory), 1e-4) / n)
        assert abs(empirical - theory) < 5 * spread + 1e-9, (name, x, empirical, theory)
    assert arr_cdf(group, low) == 0.0
    if high is not None:
        assert arr_cdf(group, high) == 1.0


def test_arr_cdf_of_the_baseline_groups_matches_their_draws(baseline: Scenario) -> None:
    n = 20_000
    u = np.random.default_rng(11).random(n)
    for name, group in baseline.population.items():
        draws = np.array([draw_arr(group, float(x)) for x in u])
        for x in np.quantile(draws, [0.05, 0.5, 0.95]).tolist() + [200_000.0, 30_000.0]:
            empirical = float(np.mean(draws < x))
            theory = arr_cdf(group, x)
            spread = math.sqrt(max(theory * (1 - theory), 1e-4) / n)
            assert abs(empirical - theory) < 5 * spread + 1e-9, (name, x, empirical, theory)
