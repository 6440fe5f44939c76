"""Back-test: a few small scenarios re-run with a fixed seed must reproduce their reference
results (tests/data/backtest/*.csv) to 12 significant digits, every metric, year and scope
(tier, customer group, all)."""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

BACKTEST = Path(__file__).resolve().parents[1] / "data" / "backtest"
REGENERATE = "python tests/data/backtest/make_backtest.py"


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_backtest", BACKTEST / "make_backtest.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


MAKE = _generator()


def _differences(reference: list[tuple[str, ...]], now: list[tuple[str, ...]]) -> list[str]:
    """Readable differences between the stored rows and the rows of this run."""
    stored = {row[:4]: row[4] for row in reference}
    fresh = {row[:4]: row[4] for row in now}
    out = [f"{' '.join(k)}: {stored[k]} -> {fresh[k]}" for k in stored if k in fresh and
           stored[k] != fresh[k]]  # fmt: skip
    out += [f"{' '.join(k)}: no longer reported" for k in stored if k not in fresh]
    out += [f"{' '.join(k)}: new, {fresh[k]}" for k in fresh if k not in stored]
    return out


@pytest.mark.parametrize("case", sorted(MAKE.CASES))
def test_small_scenarios_reproduce_their_reference_results(case: str) -> None:
    path = BACKTEST / f"{case}.csv"
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        assert tuple(next(reader)) == MAKE.HEADER
        reference = [tuple(row) for row in reader]
    now = MAKE.case_rows(case)
    differences = _differences(reference, now)
    shown = "\n  ".join(differences[:12])
    more = f"\n  ... and {len(differences) - 12} more" if len(differences) > 12 else ""
    assert not differences, (
        f"{case}: {len(differences)} values differ from {path.name} (12 significant digits).\n"
        f"A model change shows up here: review the diff and, if it is intended, regenerate with "
        f"`{REGENERATE}` and commit the CSV files with the change.\n  {shown}{more}"
    )
    assert now == reference  # same rows in the same order
