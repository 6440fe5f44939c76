"""Budget allocation by marginal analysis: within budget, and spent where it buys most."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from simcs.cli import main
from simcs.planning.allocation import allocatable_pools, allocate
from simcs.planning.sizing import staff_cost
from simcs.scenario import Scenario
from simcs.scenario.files import load_scenario, scenario_yaml
from tests.conftest import scenario_path, shrink


@pytest.fixture(scope="module")
def small(baseline: Scenario) -> Scenario:
    return shrink(baseline, 4, 1)


POOLS = ["support", "csm.enterprise"]


@pytest.fixture(scope="module")
def priced_per_hour() -> Scenario:
    """The seed's SMB example, small: support is priced at $3 a minute of work."""
    return shrink(load_scenario(scenario_path("smb_cost_example")), 6, 2)


def test_allocatable_pools(baseline: Scenario) -> None:
    pools = allocatable_pools(baseline)
    assert pools[:3] == ["support", "implementation", "education"]
    assert "csm.enterprise" in pools and "csm.digital" not in pools


@pytest.mark.parametrize("budget_share", [0.9, 1.0, 1.05])
def test_allocation_never_exceeds_the_budget(
    small: Scenario, tmp_path: Path, budget_share: float
) -> None:
    budget = staff_cost(small) * budget_share
    result = allocate(small, budget, "support_sla_met", 3, 4, tmp_path / "a.sqlite", 2, POOLS)
    assert result.final.staff_cost <= budget
    assert all(e.staff_cost <= budget for _, e in result.steps)
    for m in result.marginals:  # what the next person in each pool would cost and buy
        assert m.fits == (result.final.staff_cost + m.cost <= budget)
    assert result.final.intervals[result.objective].mean >= (
        result.start.intervals[result.objective].mean
    )


def test_a_budget_below_the_floor_sheds_people(small: Scenario, tmp_path: Path) -> None:
    store = tmp_path / "b.sqlite"
    floor = allocate(small, staff_cost(small) * 2, "grr", 3, 4, store, 2, POOLS).start
    budget = floor.staff_cost - 50_000  # the floor plan itself no longer fits
    result = allocate(small, budget, "grr", 3, 4, store, 2, POOLS)
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


def test_a_fixed_total_headcount_is_never_exceeded(small: Scenario, tmp_path: Path) -> None:
    result = allocate(
        small, 7, "support_sla_met", 3, 4, tmp_path / "d.sqlite", 2, POOLS, by_headcount=True
    )
    assert sum(result.final.headcounts.values()) <= 7
    for m in result.marginals:
        assert m.fits == (sum(result.final.headcounts.values()) + 1 <= 7)
