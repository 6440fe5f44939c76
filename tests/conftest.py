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
