"""Sizing by simulation: targets, confidence bounds, the search and its neighbours."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import simcs
from simcs.cli import main
from simcs.planning.sizing import Sizer, StaffingPlan, Target, parse_target, search_cap
from simcs.planning.value import maximise, measure
from simcs.scenario import Scenario
from simcs.scenario.files import with_overrides
from simcs.stats import Interval
from tests.conftest import shrink


def test_parse_target() -> None:
    tiers = ["smb", "enterprise"]
    assert parse_target("support_sla_met>=0.8", tiers) == Target(
        "support_sla_met", "all", ">=", 0.8
    )
    assert parse_target(" grr[enterprise] >= 0.92 ", tiers) == Target(
        "grr", "enterprise", ">=", 0.92
    )
    assert parse_target("cost_per_customer<=5000", tiers).op == "<="
    # metric names with digits: the wait-time distribution
    assert parse_target("support_wait_within_1h[smb]>=0.9", tiers) == Target(
        "support_wait_within_1h", "smb", ">=", 0.9
    )
    for bad in ("grr>0.9", "gross[smb]>=1", "grr[platinum]>=0.9", "grr>=high", "grr>=-1e400"):
        with pytest.raises(ValueError):
            parse_target(bad, tiers)


def test_a_target_holds_on_its_one_sided_bound() -> None:
    iv = Interval(mean=0.93, std=0.02, low=0.0, high=0.0, n=10)
    at_least = Target("grr", "all", ">=", 0.92)
    # 95% one-sided: 0.93 - 1.833 x 0.02 / sqrt(10) = 0.9184 < 0.92
    assert at_least.bound(iv, 0.95) == pytest.approx(0.93 - 1.8331129 * 0.02 / 10**0.5)
    assert not at_least.holds(iv, 0.95)
    assert at_least.holds(iv, 0.6)
    at_most = Target("cost_per_customer", "all", "<=", 5000)
    assert at_most.holds(Interval(4000, 100, 0, 0, 10), 0.95)
    assert not at_most.holds(Interval(4990, 100, 0, 0, 10), 0.95)


@pytest.fixture(scope="module")
def small(baseline: Scenario) -> Scenario:
    return shrink(baseline, 2, 1)


def test_size_finds_the_cheapest_plan_and_it_holds_on_fresh_seeds(
    small: Scenario, tmp_path: Path
) -> None:
    target = Target("support_sla_met", "all", ">=", 0.95)
    sizer = Sizer(small, ["support"], [target], 8, 1, 0.95, tmp_path / "s.sqlite", workers=2)
    result = sizer.search()
    assert result.best is not None and result.best.holds
    agents = result.best.headcounts["support"]
    fewer = next(e for e in result.neighbours if e.headcounts["support"] == agents - 1)
    assert not fewer.holds  # the plan is the smallest that holds
    assert fewer.staff_cost < result.best.staff_cost
    # the chosen plan, re-run on fresh seeds, meets the target
    sized = with_overrides(small, {"staff.support.headcount": agents})
    fresh = [
        simcs.simulate(sized, seed=999, replication=r).metrics[1]["all"]["support_sla_met"]
        for r in range(8)
    ]
    assert sum(fresh) / len(fresh) >= 0.95


@pytest.mark.parametrize(
    ("args", "option", "message"),
    [
        (["--target", "grr>=1e999"], "--target", "finite"),
        (["--target", "grr>=1.2.3"], "--target", "not a number"),
        (["--target", "grr>0.9"], "--target", "expected METRIC"),
        (["--target", "gross>=0.9"], "--target", "unknown metric"),
        (["--target", "grr[platinum]>=0.9"], "--target", "unknown tier"),
        (["--target", "grr>=0.9", "--pool", "sales"], "--pool", "unknown pool"),
        (["--target", "grr>=0.9", "--pool", "operations"], "--pool", "cannot be resized"),
        (["--target", "grr>=0.9", "--pool", "csm.platinum"], "--pool", "no CSM team"),
    ],
)
def test_hostile_size_arguments_are_refused_before_any_run(
    args: list[str], option: str, message: str, tmp_path: Path
) -> None:
    pools = [] if "--pool" in args else ["--pool", "support"]
    result = CliRunner().invoke(main, ["size", *args, *pools, "--out", str(tmp_path / "o")])
    assert result.exit_code == 2, result.output
    assert option in result.stderr and message in result.stderr, result.stderr
    assert "Traceback" not in result.output
    assert not (tmp_path / "o").exists()  # nothing simulated, nothing written


def test_the_search_is_bounded_when_no_staffing_plan_can_meet_a_target(
    baseline: Scenario, tmp_path: Path
) -> None:
    tiny = shrink(baseline, 20, 1)
    never = Target("support_sla_met", "all", ">=", 2.0)  # a share never exceeds 1
    sizer = Sizer(tiny, ["education"], [never], 2, 1, 0.95, tmp_path / "s.sqlite", workers=1)
    result = sizer.search()
    start = result.start["education"]
    assert result.best is None
    assert max(e.headcounts["education"] for e in sizer.cache.values()) == search_cap(start) + 1
    assert result.evaluated <= search_cap(start) + 3


def test_size_a_ratio_finds_the_largest_ratio_whose_targets_hold(
    small: Scenario, tmp_path: Path
) -> None:
    """csm.enterprise sized by its ARR per person: the ratio found holds, the next larger ratio
    (one person fewer for the t=0 book) fails, and the simulated team follows the ratio."""
    target = Target("csm_utilization", "enterprise", "<=", 0.85)
    sizer = Sizer(
        small,
        ["csm.enterprise"],
        [target],
        4,
        1,
        0.95,
        tmp_path / "s.sqlite",
        workers=2,
        ratios={"csm.enterprise": "arr_per_person"},
    )
    result = sizer.search()
    assert result.best is not None and result.best.holds
    level = result.best.headcounts["csm.enterprise"]
    ratio = result.best.ratios["csm.enterprise"]
    larger = next(e for e in result.neighbours if e.headcounts["csm.enterprise"] == level - 1)
    smaller = next(e for e in result.neighbours if e.headcounts["csm.enterprise"] == level + 1)
    assert larger.ratios["csm.enterprise"] > ratio > smaller.ratios["csm.enterprise"]
    assert not larger.holds and smaller.holds
    # fewer people under a larger ratio, and a cheaper plan
    means = [e.mean_headcounts["csm.enterprise"] for e in (larger, result.best, smaller)]
    assert means == sorted(means) and means[0] < means[2]
    assert larger.staff_cost < result.best.staff_cost < smaller.staff_cost
    # the ratio is the t=0 book over the level; the pool starts with the level's people
    assert ratio == pytest.approx(sizer.books["csm.enterprise"] / level, rel=5e-3)
    sized = sizer.scenario_for(result.best.headcounts)
    team = sized.staff.csm["enterprise"]
    assert team.headcount == level
    assert team.policy is not None and team.policy.arr_per_person == ratio
    assert "1 per $" in result.best.label(sizer.ratios)


def test_a_policy_cap_bounds_the_search(small: Scenario, tmp_path: Path) -> None:
    """A pool starts with its level's people, so no level above its policy's caps is tried:
    neither its max_headcount nor the people its max_cost_per_year pays for."""
    target = Target("csm_utilization", "enterprise", "<=", 0.85)
    capped = with_overrides(
        small, {"staff.csm.enterprise.policy": {"arr_per_person": 5e6, "max_headcount": 12}}
    )
    sizer = Sizer(capped, ["csm.enterprise"], [target], 2, 1, 0.95, tmp_path / "s.sqlite")
    assert sizer.most("csm.enterprise") == 12 and sizer.cap("csm.enterprise", 11) == 12
    assert sizer.cap("csm.enterprise", 2) == search_cap(2)
    person = 130_000 * 1.4  # the baseline's enterprise CSM at OTE plus 40% overhead
    team = small.staff.csm["enterprise"]
    assert (team.ote, team.overhead) == (130_000, 0.4)
    budgeted = with_overrides(
        small,
        {"staff.csm.enterprise.policy": {"max_cost_per_year": 12.5 * person + 2 * 160_000 * 1.4}},
    )
    sizer = Sizer(budgeted, ["csm.enterprise"], [target], 2, 1, 0.95, tmp_path / "s.sqlite")
    assert team.managers == 2 and team.manager_ote == 160_000
    assert sizer.most("csm.enterprise") == 12
    assert (
        Sizer(small, ["support"], [target], 2, 1, 0.95, tmp_path / "s.sqlite").most("support")
        is None
    )


def test_a_dollar_target_is_labelled_in_dollars() -> None:
    target = parse_target("delivery_margin>=5e6", ["smb"])
    assert target == Target("delivery_margin", "all", ">=", 5e6)
    assert str(target) == "delivery_margin>=$5,000,000"
    assert str(Target("economic_value", "smb", ">=", -2e6)) == "economic_value[smb]>=-$2,000,000"
    assert str(Target("grr", "smb", ">=", 0.9)) == "grr[smb]>=0.9"  # not a dollar metric


def test_maximise_climbs_to_the_peak_past_a_noisy_level(
    small: Scenario, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A stand-in for the simulation: net value peaks at support=9 with a dip at 7; the walk
    goes past the dip (patience 2), stops two levels past the peak, and a target that fails
    above 8 makes 8 the best level that meets it."""
    values = {h: -((h - 9) ** 2) * 1000.0 for h in range(40)}
    values[7] = values[5] - 1.0  # a noisy level lower than the one before it

    def simulated(sizer: Sizer, headcounts: dict[str, int]) -> StaffingPlan:
        h = headcounts["support"]
        intervals = {str(t): Interval(values[h] if t.metric == "economic_value" else -h, 0.0,
                                      0.0, 0.0, 2) for t in sizer.targets}  # fmt: skip
        holds = all(t.holds(intervals[str(t)], sizer.confidence) for t in sizer.targets)
        plan = StaffingPlan(dict(headcounts), float(h), intervals, holds)
        return sizer.cache.setdefault((h,), plan)

    monkeypatch.setattr(Sizer, "evaluate", simulated)
    monkeypatch.setattr(Sizer, "analytic_start", lambda self: {"support": 4})
    goal = measure("economic_value")
    sizer = Sizer(small, ["support"], [goal], 2, 1, 0.95, tmp_path / "m.sqlite")
    found = maximise(sizer, goal)
    assert found.best is not None and found.level(found.best) == 9
    assert [found.level(p) for p in found.levels] == list(range(4, 12))  # 2 past the best
    assert [found.level(p) for p in found.neighbours] == [8, 10]
    bounded = Target("support_sla_met", "all", ">=", -8.5)  # stands for -h: holds up to 8
    sizer = Sizer(small, ["support"], [bounded, goal], 2, 1, 0.95, tmp_path / "m.sqlite")
    found = maximise(sizer, goal)
    assert found.best is not None and found.level(found.best) == 8
    with pytest.raises(ValueError, match="one pool"):
        maximise(Sizer(small, ["support", "education"], [goal], 2, 1, 0.95, "x"), goal)


def test_maximise_picks_the_largest_simulated_mean(baseline: Scenario, tmp_path: Path) -> None:
    tiny = shrink(baseline, 8, 1)
    goal = measure("economic_value")
    sizer = Sizer(tiny, ["support"], [goal], 2, 1, 0.95, tmp_path / "v.sqlite", workers=2)
    found = maximise(sizer, goal)
    means = {found.level(p): found.value(p).mean for p in found.levels}
    assert found.best is not None
    assert means[found.level(found.best)] == max(means.values())
    levels = sorted(means)
    assert levels == list(range(levels[0], levels[-1] + 1))  # contiguous, from the start
    best = found.level(found.best)
    assert min(best + 2, sizer.cap("support", found.start)) <= levels[-1]  # 2 past the best
    assert levels[0] <= max(best - 2, 0)
