"""Shared fixtures: scenarios from the repository's scenarios/ folder."""

from __future__ import annotations

from pathlib import Path

import pytest

import simcs
from simcs.scenario import Scenario

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"


def scenario_path(name: str) -> Path:
    """Path of a shipped scenario file."""
    return SCENARIOS / f"{name}.yaml"


@pytest.fixture(scope="session")
def baseline() -> Scenario:
    return simcs.load_scenario(scenario_path("baseline"))


@pytest.fixture(scope="session")
def mmc() -> Scenario:
    return simcs.load_scenario(scenario_path("mmc_validation"))


def shrink(scenario: Scenario, divisor: int, horizon_years: int) -> Scenario:
    """The scenario's book divided by `divisor` (ARR totals dropped), over `horizon_years`:
    the same mechanics, fast enough for tests."""
    from simcs.scenario.files import with_overrides

    overrides: dict[str, object] = {"horizon_years": horizon_years}
    for name, tier in scenario.tiers.items():
        overrides[f"tiers.{name}.initial_customers"] = tier.initial_customers // divisor
        overrides[f"tiers.{name}.initial_arr_total"] = None
    return with_overrides(scenario, overrides)
