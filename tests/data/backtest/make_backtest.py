"""Writes the back-test's reference results: every metric of a few small scenarios, fixed seed.

Run from the repository root after a deliberate model change, and commit the CSV files with it:

    python tests/data/backtest/make_backtest.py

`tests/validation/test_backtest.py` re-runs the same cases and compares every value to 12
significant digits, so any change in what the model computes shows up there.
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
if str(ROOT) not in sys.path:  # run as a script: make `tests.conftest` importable
    sys.path.insert(0, str(ROOT))

import simcs  # noqa: E402
from simcs.scenario import Scenario  # noqa: E402
from simcs.scenario.files import with_overrides  # noqa: E402
from tests.conftest import scenario_path, shrink  # noqa: E402

SEED = 20240
REPLICATIONS = 2
#: The digits a value is stored and compared with.
DIGITS = 12
HEADER = ("replication", "year", "tier", "metric", "value")


def _baseline_small() -> Scenario:
    """The baseline's mechanics, its book divided by 20, over two years."""
    return shrink(simcs.load_scenario(scenario_path("baseline")), 20, 2)


def _overloaded_small() -> Scenario:
    """The same with one support agent: cases still unresolved at the end (censored waits)."""
    return with_overrides(_baseline_small(), {"staff.support.headcount": 1})


def _mmc() -> Scenario:
    """The M/M/c validation desk (one year)."""
    return simcs.load_scenario(scenario_path("mmc_validation"))


#: case name -> the scenario it runs; the reference file is `<name>.csv` next to this script.
CASES: dict[str, Callable[[], Scenario]] = {
    "baseline_small": _baseline_small,
    "overloaded_small": _overloaded_small,
    "mmc_validation": _mmc,
}


def value_text(value: float) -> str:
    """A metric's value as stored: 12 significant digits, `nan` where undefined."""
    return f"{value:.{DIGITS}g}"


def case_rows(name: str) -> list[tuple[str, ...]]:
    """The case's tidy rows, replications 0 and 1, values as stored."""
    scenario = CASES[name]()
    rows = []
    for replication in range(REPLICATIONS):
        for r, year, scope, metric, value in simcs.simulate(scenario, SEED, replication).records:
            rows.append((str(r), str(year), scope, metric, value_text(value)))
    return rows


def case_csv(name: str) -> str:
    """The reference file's text for one case."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(case_rows(name))
    return out.getvalue()


def main() -> None:
    for name in CASES:
        path = HERE / f"{name}.csv"
        path.write_text(case_csv(name), encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
