"""Tests for simcs.model.ledger: year bucketing and exact splitting of spans at year ends."""

from __future__ import annotations

import math

import numpy as np
import pytest

from simcs.calendar import HOURS_PER_YEAR
from simcs.model.ledger import Ledger


def test_year_length() -> None:
    assert HOURS_PER_YEAR == 2080.0


@pytest.mark.parametrize(
    ("t", "year"),
    [(0.0, 1), (1.0, 1), (2079.9, 1), (2080.0, 2), (2080.5, 2), (4159.999, 2), (4160.0, 3)],
)
def test_add_books_into_the_right_year(t: float, year: int) -> None:
    ledger = Ledger()
    ledger.add(t, "smb", "cases")
    ledger.add(t, "smb", "cases", 2.5)
    assert ledger.get(year, "smb", "cases") == 3.5
    assert sum(ledger.sums.values()) == 3.5  # nowhere else


def test_get_missing_is_zero_and_keys_are_separate() -> None:
    ledger = Ledger()
    assert ledger.get(1, "smb", "cases") == 0.0
    ledger.add(10.0, "smb", "cases", 4.0)
    ledger.add(10.0, "ent", "cases", 1.0)
    ledger.add(10.0, "smb", "hours", 7.0)
    assert ledger.get(1, "smb", "cases") == 4.0
    assert ledger.get(1, "ent", "cases") == 1.0
    assert ledger.get(1, "smb", "hours") == 7.0
    assert ledger.get(2, "smb", "cases") == 0.0
    assert ledger.get(1, "mid", "cases") == 0.0


def test_put_adds_to_the_given_year() -> None:
    ledger = Ledger()
    ledger.put(3, "smb", "arr_end", 100.0)
    ledger.put(3, "smb", "arr_end", 50.0)
    assert ledger.get(3, "smb", "arr_end") == 150.0
    assert ledger.get(1, "smb", "arr_end") == 0.0


def test_span_inside_one_year() -> None:
    ledger = Ledger()
    ledger.add_span(100.0, 350.0, "smb", "busy")
    assert ledger.get(1, "smb", "busy") == 250.0
    assert ledger.get(2, "smb", "busy") == 0.0


def test_span_across_one_boundary() -> None:
    ledger = Ledger()
    ledger.add_span(2000.0, 2200.0, "smb", "busy")
    assert ledger.get(1, "smb", "busy") == pytest.approx(80.0, abs=1e-12)
    assert ledger.get(2, "smb", "busy") == pytest.approx(120.0, abs=1e-12)


def test_span_across_three_years_with_rate() -> None:
    ledger = Ledger()
    ledger.add_span(2000.0, 4200.0, "ent", "busy", rate=2.0)
    assert ledger.get(1, "ent", "busy") == pytest.approx(160.0, abs=1e-12)
    assert ledger.get(2, "ent", "busy") == pytest.approx(2 * 2080.0, abs=1e-12)
    assert ledger.get(3, "ent", "busy") == pytest.approx(80.0, abs=1e-12)
    assert ledger.get(4, "ent", "busy") == 0.0


def test_span_starting_on_a_boundary_and_empty_spans() -> None:
    ledger = Ledger()
    ledger.add_span(2080.0, 2100.0, "smb", "busy")
    assert ledger.get(2, "smb", "busy") == 20.0
    assert ledger.get(1, "smb", "busy") == 0.0
    ledger.add_span(500.0, 500.0, "smb", "idle")
    ledger.add_span(600.0, 400.0, "smb", "idle")
    assert ledger.get(1, "smb", "idle") == 0.0
    assert all(v != 0.0 for v in ledger.sums.values())  # no empty entries created


def test_span_ending_on_a_boundary() -> None:
    ledger = Ledger()
    ledger.add_span(2000.0, 4160.0, "smb", "busy")
    assert ledger.get(1, "smb", "busy") == 80.0
    assert ledger.get(2, "smb", "busy") == 2080.0
    assert ledger.get(3, "smb", "busy") == 0.0


def test_random_spans_conserve_the_total() -> None:
    rng = np.random.default_rng(31)
    ledger = Ledger()
    total = 0.0
    for _ in range(500):
        start = float(rng.uniform(0, 5 * HOURS_PER_YEAR))
        end = start + float(rng.exponential(1500.0))
        rate = float(rng.uniform(0.1, 3.0))
        ledger.add_span(start, end, "t", "q", rate)
        total += (end - start) * rate
    by_year = {y: ledger.get(y, "t", "q") for y in range(1, 40)}
    assert math.fsum(by_year.values()) == pytest.approx(total, rel=1e-12)


def test_span_matches_brute_force_overlap() -> None:
    rng = np.random.default_rng(32)
    for _ in range(100):
        start = float(rng.uniform(0, 4 * HOURS_PER_YEAR))
        end = start + float(rng.uniform(0, 3 * HOURS_PER_YEAR))
        ledger = Ledger()
        ledger.add_span(start, end, "t", "q")
        for year in range(1, 10):
            lo, hi = (year - 1) * HOURS_PER_YEAR, year * HOURS_PER_YEAR
            overlap = max(0.0, min(end, hi) - max(start, lo))
            assert ledger.get(year, "t", "q") == pytest.approx(overlap, abs=1e-9)
