"""The one catalogue of staff pools: names, configurations, headcount paths, loaded costs, which
pools planning may resize; and planning's independence from the model."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from simcs.calendar import HOURS_PER_YEAR
from simcs.formulas.costs import loaded_cost, pool_loaded_cost
from simcs.planning.pools import (
    all_pools,
    check_sizable,
    headcount_path,
    person_cost,
    pool_config,
    pool_cost,
    sizable_pools,
    staff_cost,
)
from simcs.scenario import Scenario
from simcs.scenario.files import with_overrides
from simcs.simulation import metrics

PLANNING = Path(__file__).resolve().parents[2] / "simcs" / "planning"


def test_pool_names_paths_and_configs(baseline: Scenario) -> None:
    assert all_pools(baseline) == [
        "support",
        "implementation",
        "education",
        "operations",
        *(f"csm.{t}" for t in baseline.staff.csm),
    ]
    assert headcount_path("support") == "staff.support.headcount"
    assert headcount_path("csm.smb") == "staff.csm.smb.headcount"
    assert pool_config(baseline, "implementation").headcount == 6
    assert pool_config(baseline, "csm.enterprise") is baseline.staff.csm["enterprise"]
    with pytest.raises(ValueError, match="unknown pool"):
        pool_config(baseline, "sales")
    with pytest.raises(ValueError, match="no CSM team"):
        pool_config(baseline, "csm.platinum")


def test_only_queued_pools_can_be_resized(baseline: Scenario) -> None:
    pools = sizable_pools(baseline)
    assert pools[:3] == ["support", "implementation", "education"]
    assert "csm.enterprise" in pools
    assert "operations" not in pools and "csm.digital" not in pools  # cost only, no queue
    assert check_sizable(baseline, ("csm.smb", "support")) == ["csm.smb", "support"]
    with pytest.raises(ValueError, match="cannot be resized"):
        check_sizable(baseline, ["operations"])
    with pytest.raises(ValueError, match="cannot be resized"):
        check_sizable(baseline, ["csm.digital"])
    with pytest.raises(ValueError, match="named twice"):
        check_sizable(baseline, ["support", "support"])
    with pytest.raises(ValueError, match="unknown pool"):
        check_sizable(baseline, ["sales"])


def test_loaded_cost_of_a_pool_counts_its_managers(baseline: Scenario) -> None:
    # the founding documents' loaded cost: OTE x 1.4; a CSM at $130,000 costs $182,000
    assert person_cost(baseline, "csm.enterprise") == pytest.approx(130_000 * 1.4)
    assert pool_loaded_cost(100_000, 0.5, 4, 1, 200_000) == pytest.approx(900_000)
    assert pool_loaded_cost(100_000, 0.5, 2.5, 0, 200_000) == pytest.approx(375_000)
    team = baseline.staff.csm["enterprise"]
    by_hand = team.headcount * loaded_cost(team.ote, team.overhead) + team.managers * loaded_cost(
        team.manager_ote, team.overhead
    )
    assert pool_cost(team) == pytest.approx(by_hand, rel=1e-15)
    assert pool_cost(team, 0) == pytest.approx(team.managers * team.manager_ote * 1.4)


def test_staff_cost_is_every_pool_and_what_the_simulation_charges(baseline: Scenario) -> None:
    total = sum(pool_cost(pool_config(baseline, p)) for p in all_pools(baseline))
    assert staff_cost(baseline) == total
    more = with_overrides(baseline, {"staff.support.headcount": 9})
    assert staff_cost(baseline, {"support": 9}) == staff_cost(more)
    assert staff_cost(more) - staff_cost(baseline) == pytest.approx(
        3 * person_cost(baseline, "support")
    )
    # a year of every seat filled costs what the simulation charges for it
    for pool in all_pools(baseline):
        config = pool_config(baseline, pool)
        charged = metrics._pool_cost(
            config, config.headcount * HOURS_PER_YEAR, config.managers * HOURS_PER_YEAR
        )
        assert charged == pytest.approx(pool_cost(config), rel=1e-12), pool


def test_planning_does_not_import_the_model() -> None:
    for path in PLANNING.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert not node.module.startswith("simcs.model"), (path.name, node.module)
            if isinstance(node, ast.Import):
                for alias in node.names:
                    assert not alias.name.startswith("simcs.model"), (path.name, alias.name)
