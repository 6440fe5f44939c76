"""Shared fixtures: scenarios from the repository's scenarios/ folder; the `slow` marker.

Tests are grouped by kind: `unit/` (one module against hand-made inputs), `validation/` (the
model against theory: Erlang C/A, sBG, Little's law, back-tests) and `system/` (the command line,
files, resume, Dask, docs, notebooks). Modules that take seconds to minutes are marked `slow`:
`pytest -m "not slow"` is the quick loop, plain `pytest` runs everything.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# One BLAS thread per test process, set before numpy is first imported (here, or inherited by
# pytest-xdist's workers and any subprocess): `-n 2` already runs a test on each core, and
# OpenBLAS's busy-waiting helper threads only take the other core from it (the sBG fits of
# test_calibration_renewal.py used twice the CPU for the same wall time). Results are the same.
for _threads in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_threads, "1")

import simcs  # noqa: E402
from simcs.scenario import Scenario  # noqa: E402

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"


#: test modules marked slow (each takes tens of seconds or more)
SLOW_MODULES = frozenset(
    {
        "test_docs",
        "test_notebooks",
        "test_resume",
        "test_dask",
        "test_report",
        "test_report_browser",
        "test_cli",
        "test_orphans",
        "test_concurrent",
        "test_hostile_inputs",
        "test_causal_loop",
        "test_baseline_calibration",
        "test_common_random_numbers",
        "test_validation",
    }
)


#: test modules whose tests each take up to minutes: run first, so that with `-n 2` the two
#: workers share them and the many short tests fill the gaps (no long test left for the end)
FIRST_MODULES = ("test_docs", "test_notebooks")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.stem in SLOW_MODULES:
            item.add_marker(pytest.mark.slow)
    items.sort(key=lambda item: item.path.stem not in FIRST_MODULES)  # stable: order kept


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
    for name, group in scenario.population.items():
        overrides[f"population.{name}.initial_customers"] = group.initial_customers // divisor
        overrides[f"population.{name}.initial_arr_total"] = None
    return with_overrides(scenario, overrides)
