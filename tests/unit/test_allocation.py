"""Budget allocation by marginal analysis: within budget, and spent where it buys most."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from simcs.cli import main
from simcs.planning.allocation import allocate
from simcs.planning.pools import sizable_pools, staff_cost
from simcs.planning.sizing import Sizer, StaffingPlan, Target, book_at_start, search_cap
from simcs.scenario import Scenario
from simcs.scenario.files import load_scenario, scenario_yaml
from simcs.stats import Interval
from tests.conftest import scenario_path, shrink


@pytest.fixture(scope="module")
def small(baseline: Scenario) -> Scenario:
    return shrink(baseline, 4, 1)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One result store for the allocations of `small` (3 replications, seed 4): a plan that
    one test simulated, the next reads back. A replication is a pure function of (scenario,
    seed, replication) and the store is checked against recomputation (test_resume.py), so
    every allocation sees the numbers simulating it afresh would give; in-process (1 worker),
    as pytest-xdist already keeps the cores busy."""
    return tmp_path_factory.mktemp("allocation") / "results.sqlite"


POOLS = ["support", "csm.enterprise"]


@pytest.fixture(scope="module")
def priced_per_hour() -> Scenario:
    """The seed's SMB example, small: support is priced at $3 a minute of work."""
    return shrink(load_scenario(scenario_path("smb_cost_example")), 6, 2)


def test_allocatable_pools(baseline: Scenario) -> None:
    pools = sizable_pools(baseline)
    assert pools[:3] == ["support", "implementation", "education"]
    assert "csm.enterprise" in pools and "csm.digital" not in pools


@pytest.mark.parametrize("budget_share", [0.9, 1.0, 1.05])
def test_allocation_never_exceeds_the_budget(
    small: Scenario, store: Path, budget_share: float
) -> None:
    budget = staff_cost(small) * budget_share
    result = allocate(small, budget, "support_sla_met", 3, 4, store, 1, POOLS)
    assert result.final.staff_cost <= budget
    assert all(e.staff_cost <= budget for _, e in result.steps)
    for m in result.marginals:  # what the next person in each pool would cost and buy
        assert m.fits == (result.final.staff_cost + m.cost <= budget)
    assert result.final.intervals[result.objective].mean >= (
        result.start.intervals[result.objective].mean
    )


def test_a_budget_below_the_floor_sheds_people(small: Scenario, store: Path) -> None:
    floor = allocate(small, staff_cost(small) * 2, "grr", 3, 4, store, 1, POOLS).start
    budget = floor.staff_cost - 50_000  # the floor plan itself no longer fits
    result = allocate(small, budget, "grr", 3, 4, store, 1, POOLS)
    assert result.final.staff_cost <= budget < floor.staff_cost
    assert result.final.headcounts != floor.headcounts  # someone was shed (and maybe swapped)


def test_a_budget_below_the_fixed_costs_is_refused(small: Scenario, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="below the cost that allocation cannot move"):
        allocate(small, 1000.0, "grr", 3, 4, tmp_path / "c.sqlite", 1, POOLS)


def test_pools_priced_per_hour_take_a_headcount_not_a_budget(
    priced_per_hour: Scenario, tmp_path: Path
) -> None:
    example = priced_per_hour  # an agent costs nothing: the work is priced, not the seat
    with pytest.raises(ValueError, match="support.*costs nothing"):
        allocate(example, 1e7, "grr", 2, 0, tmp_path / "a.sqlite", 1, ["support", "csm.smb"])
    result = allocate(
        example, 4, "grr", 2, 0, tmp_path / "b.sqlite", 1, ["support"], by_headcount=True
    )
    assert sum(result.final.headcounts.values()) <= 4


def test_the_cli_shows_no_value_per_dollar_for_a_free_person(
    priced_per_hour: Scenario, tmp_path: Path
) -> None:
    example = tmp_path / "example.yaml"
    example.write_text(scenario_yaml(priced_per_hour), encoding="utf-8")
    args = [
        "allocate", str(example), "--headcount", "4", "--pool", "support", "--objective",
        "grr", "-n", "2", "-w", "1", "--out", str(tmp_path / "out"),
    ]  # fmt: skip
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "n/a" in result.output


def test_a_fixed_total_headcount_is_never_exceeded(small: Scenario, store: Path) -> None:
    result = allocate(small, 7, "support_sla_met", 3, 4, store, 1, POOLS, by_headcount=True)
    assert sum(result.final.headcounts.values()) <= 7
    for m in result.marginals:
        assert m.fits == (sum(result.final.headcounts.values()) + 1 <= 7)


@pytest.mark.parametrize(
    ("args", "option", "message"),
    [
        (["--budget", "inf"], "--budget", "finite"),
        (["--budget", "nan"], "--budget", "finite"),
        (["--budget", "-5"], "--budget", ""),
        (["--headcount", "-1"], "--headcount", ""),
        (["--budget", "1e7", "--pool", "sales"], "--pool", "unknown pool"),
        (["--budget", "1e7", "--pool", "operations"], "--pool", "cannot be resized"),
        (["--budget", "1e7", "--pool", "support", "--pool", "support"], "--pool", "twice"),
        (["--budget", "1e7", "--tier", "platinum"], "--tier", "unknown tier"),
        (["--budget", "1e7", "--objective", "happiness"], "--objective", ""),
        (["--budget", "1e7", "--ratio", "per_head"], "--ratio", "unknown ratio rule"),
        (["--budget", "1e7", "-p", "support", "--ratio", "csm.smb=arr_per_person"], "--ratio", ""),
    ],
)
def test_hostile_allocate_arguments_are_refused_before_any_run(
    args: list[str], option: str, message: str, tmp_path: Path
) -> None:
    result = CliRunner().invoke(main, ["allocate", *args, "--out", str(tmp_path / "o")])
    assert result.exit_code == 2, result.output
    assert option in result.stderr and message in result.stderr, result.stderr
    assert "Traceback" not in result.output
    assert not (tmp_path / "o").exists()


def test_allocate_writes_its_result_folder(priced_per_hour: Scenario, tmp_path: Path) -> None:
    example = tmp_path / "example.yaml"
    example.write_text(scenario_yaml(priced_per_hour), encoding="utf-8")
    out = tmp_path / "out"
    args = [
        "allocate", str(example), "--headcount", "4", "--pool", "support", "--objective",
        "grr", "-n", "2", "-w", "1", "--out", str(out),
    ]  # fmt: skip
    assert CliRunner().invoke(main, args).exit_code == 0
    doc = json.loads((out / "allocation.json").read_text(encoding="utf-8"))
    assert list(doc) == [
        "scenario", "objective", "tier", "limit", "replications", "seed", "pools", "ratio_rules",
        "start", "final", "marginals", "steps", "evaluated",
    ]  # fmt: skip
    assert doc["ratio_rules"] == {}
    assert doc["objective"] == "grr" and doc["tier"] == "all" and doc["pools"] == ["support"]
    assert doc["limit"] == {"kind": "headcount", "value": 4.0}
    assert (doc["replications"], doc["seed"]) == (2, 0)
    for end in ("start", "final"):
        assert list(doc[end]) == [
            "headcounts", "ratios", "mean_headcounts", "staff_cost", "objective",
        ]  # fmt: skip
        assert list(doc[end]["objective"]) == ["mean", "ci95_low", "ci95_high"]
    (m,) = doc["marginals"]
    assert list(m) == [
        "pool", "now", "floor", "allocated", "cost_per_person", "gain", "gain_per_million", "fits",
        "cost_simulated",
    ]  # fmt: skip
    assert m["gain_per_million"] is None  # a person priced per hour costs nothing: no ratio
    assert m["allocated"] == doc["final"]["headcounts"]["support"] <= 4
    assert all(list(s) == ["pool", "ratio", "objective_mean", "staff_cost"] for s in doc["steps"])
    assert doc["evaluated"] >= 1
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["command"] == "allocate" and manifest["seed"] == 0
    assert {p.name for p in out.iterdir()} >= {"allocation.json", "manifest.json", "results.sqlite"}


def test_a_limitless_headcount_stops_at_the_search_cap(
    small: Scenario, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every extra person buys more here (a stand-in for the simulation), so only the search
    cap stops the allocation of a billion people."""

    def more_is_better(sizer: Sizer, headcounts: dict[str, int]) -> StaffingPlan:
        people = float(sum(headcounts.values()))
        label = str(sizer.targets[0])
        return StaffingPlan(dict(headcounts), people, {label: Interval(people, 0, 0, 0, 2)}, True)

    monkeypatch.setattr(Sizer, "evaluate", more_is_better)
    result = allocate(small, 10**9, "grr", 2, 0, tmp_path / "e.sqlite", 1, POOLS, by_headcount=True)
    for pool in POOLS:
        now = small.staff.csm["enterprise"] if pool != "support" else small.staff.support
        assert result.final.headcounts[pool] == search_cap(now.headcount)
    assert len(result.steps) == sum(result.final.headcounts.values()) - sum(
        result.start.headcounts.values()
    )


RATIO = {"csm.enterprise": "arr_per_person"}  # the enterprise team follows its book


@pytest.mark.parametrize("budget", [6.6e6, 6.8e6])
def test_a_ratio_allocation_stays_within_the_budget_as_simulated(
    small: Scenario, store: Path, budget: float
) -> None:
    result = allocate(small, budget, "grr", 3, 4, store, 1, POOLS, ratios=RATIO)
    final, pool = result.final, "csm.enterprise"
    assert result.ratio_rules == RATIO
    assert final.staff_cost <= budget  # the simulated mean staff cost
    assert all(e.staff_cost <= budget for _, e in result.steps)
    level = final.headcounts[pool]  # the people the ratio staffs for the t=0 book
    book = book_at_start(small, pool, "arr_per_person")
    assert final.ratios[pool] == float(f"{book / level:.3g}")
    goal = Target("grr", "all", ">=", float("-inf"))
    again = Sizer(small, POOLS, [goal], 3, 4, 0.95, store, 1, ratios=RATIO).evaluate(
        final.headcounts
    )  # the chosen level is one the allocation simulated (from the store, as it was)
    assert (again.ratios, again.staff_cost) == (final.ratios, final.staff_cost)
    for m in result.marginals:  # a ratio level's cost is simulated; support's is its price
        assert m.ratio == (m.pool == pool)
        assert m.fits == (final.staff_cost + m.cost <= budget + 1e-6)
    assert result.people(final) == final.headcounts["support"] + final.mean_headcounts[pool]


def test_a_bigger_budget_never_gives_a_sparser_ratio(small: Scenario, store: Path) -> None:
    pool = "csm.enterprise"
    ratios = [
        allocate(small, budget, "grr", 3, 4, store, 1, [pool], ratios=RATIO).final.ratios[pool]
        for budget in (6.55e6, 6.7e6, 6.9e6, 2e7)
    ]  # the same seeds and store: common random numbers
    assert ratios == sorted(ratios, reverse=True)
    assert ratios[0] > ratios[-1]  # the budget binds at first


def test_a_headcount_limit_counts_a_ratio_pool_at_its_mean(small: Scenario, store: Path) -> None:
    result = allocate(small, 9, "grr", 3, 4, store, 1, POOLS, by_headcount=True, ratios=RATIO)
    people = result.people(result.final)
    assert people <= 9 and people != sum(result.final.headcounts.values())


def test_an_economic_value_allocation_needs_no_budget_and_gives_net_dollar_marginals(
    baseline: Scenario, tmp_path: Path
) -> None:
    """economic_value is net of the cost of delivery: without a limit the allocation stops when
    no next person adds net value, and each marginal is exactly the difference of the simulated
    means of economic value at +1 and at the plan (the same seeds), per dollar of the cost."""
    from simcs.planning.value import measure

    tiny = shrink(baseline, 8, 1)
    result = allocate(tiny, None, "economic_value", 2, 4, tmp_path / "v.sqlite", 2, ["support"])
    assert not result.limited and result.budget == float("inf")
    (m,) = result.marginals
    assert m.fits and m.cost == pytest.approx(98_000)  # the baseline's agent, loaded
    # a fresh store: the plan and the next person simulated again, on the same seeds
    goal = measure("economic_value")
    sizer = Sizer(tiny, ["support"], [goal], 2, 4, 0.95, tmp_path / "fresh.sqlite", 2)
    plan = sizer.evaluate(result.final.headcounts)
    more = sizer.evaluate({"support": result.final.headcounts["support"] + 1})
    assert m.gain == more.intervals["economic_value"].mean - plan.intervals["economic_value"].mean
    assert m.gain_per_dollar == m.gain / m.cost and m.gain_per_million == m.gain_per_dollar * 1e6
    assert m.gain <= 0 or result.final.headcounts["support"] >= search_cap(6)  # nothing left
    path = [
        result.value(result.start).mean,
        *(s.intervals["economic_value"].mean for _, s in result.steps),
    ]
    assert all(b > a for a, b in zip(path, path[1:], strict=False))  # each step added net value
    assert result.value(result.final).mean >= result.value(result.start).mean


def test_a_gross_objective_needs_a_limit(small: Scenario, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="needs a limit"):
        allocate(small, None, "grr", 2, 4, tmp_path / "g.sqlite", 1, ["support"])


def test_without_a_limit_the_largest_net_gain_is_taken_until_none_is_positive(
    small: Scenario, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A stand-in for the simulation: net value peaks at support=5 and csm.enterprise=7; the
    unlimited allocation climbs to that peak (the largest gain each step) and stops there."""
    peak = {"support": 5, "csm.enterprise": 7}

    def net_value(sizer: Sizer, headcounts: dict[str, int]) -> StaffingPlan:
        value = -sum((h - peak[p]) ** 2 * 1000.0 for p, h in headcounts.items())
        label = str(sizer.targets[0])
        plan = StaffingPlan(dict(headcounts), 0.0, {label: Interval(value, 0, 0, 0, 2)}, True)
        return sizer.cache.setdefault(tuple(headcounts[p] for p in sizer.pools), plan)

    monkeypatch.setattr(Sizer, "evaluate", net_value)
    result = allocate(small, None, "delivery_margin", 2, 0, tmp_path / "n.sqlite", 1, POOLS)
    assert result.final.headcounts == peak
    assert all(m.gain < 0 for m in result.marginals)
    path = [result.start.intervals[result.objective].mean] + [
        s.intervals[result.objective].mean for _, s in result.steps
    ]
    gains = [b - a for a, b in zip(path, path[1:], strict=False)]
    assert all(g > 0 for g in gains) and gains == sorted(gains, reverse=True)
