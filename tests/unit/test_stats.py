"""Tests for simcs.stats: Student-t intervals checked against scipy and by coverage."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from simcs.stats import Interval, replication_means, summarise, t_interval

NAN = float("nan")


@pytest.mark.parametrize(("n", "confidence"), [(2, 0.95), (5, 0.95), (30, 0.9), (12, 0.99)])
def test_t_interval_matches_scipy(n: int, confidence: float) -> None:
    rng = np.random.default_rng(100 + n)
    data = rng.normal(3.0, 2.0, n)
    iv = t_interval(data.tolist(), confidence)
    mean, sem = float(np.mean(data)), float(stats.sem(data))
    low, high = stats.t.interval(confidence, n - 1, loc=mean, scale=sem)
    assert iv.n == n
    assert iv.mean == pytest.approx(mean, rel=1e-12)
    assert iv.std == pytest.approx(float(np.std(data, ddof=1)), rel=1e-12)
    assert iv.low == pytest.approx(low, rel=1e-10)
    assert iv.high == pytest.approx(high, rel=1e-10)
    assert iv.half_width == pytest.approx((high - low) / 2, rel=1e-10)


def test_hand_computed_interval() -> None:
    # values 1, 2, 3: mean 2, sd 1, half width t(0.975, 2) / sqrt(3) = 4.302652729749464 / sqrt 3
    iv = t_interval([1.0, 2.0, 3.0])
    assert (iv.mean, iv.std, iv.n) == (2.0, 1.0, 3)
    assert iv.half_width == pytest.approx(4.302652729749464 / math.sqrt(3.0), rel=1e-12)


def test_nan_values_are_left_out() -> None:
    assert t_interval([1.0, NAN, 3.0, NAN, 8.0]) == t_interval([1.0, 3.0, 8.0])
    assert t_interval([NAN, 4.0, 6.0]).n == 2


def test_single_value_has_no_spread() -> None:
    iv = t_interval([NAN, 7.5])
    assert iv.mean == 7.5 and iv.n == 1
    assert math.isnan(iv.std) and math.isnan(iv.low) and math.isnan(iv.high)


def test_no_values() -> None:
    for values in ([], [NAN, NAN]):
        iv = t_interval(values)
        assert iv.n == 0
        assert all(math.isnan(x) for x in (iv.mean, iv.std, iv.low, iv.high))


def test_constant_values_have_zero_width() -> None:
    iv = t_interval([4.0] * 6)
    assert (iv.mean, iv.std, iv.low, iv.high) == (4.0, 0.0, 4.0, 4.0)


def test_coverage_of_the_95_percent_interval() -> None:
    rng = np.random.default_rng(2024)
    covered = 0
    trials = 2000
    for _ in range(trials):
        iv = t_interval(rng.standard_normal(10).tolist())
        covered += iv.low <= 0.0 <= iv.high
    assert 0.935 <= covered / trials <= 0.965


ROWS: list[tuple[int, int, str, str, float]] = [
    # replication, year, tier, metric, value
    (0, 2, "smb", "grr", 0.80),
    (0, 3, "smb", "grr", 0.90),
    (1, 2, "smb", "grr", 0.70),
    (1, 3, "smb", "grr", NAN),
    (2, 2, "smb", "grr", NAN),
    (2, 3, "smb", "grr", NAN),
    (0, 2, "smb", "nrr", 1.0),
    (0, 3, "smb", "nrr", 1.2),
    (1, 2, "smb", "nrr", 1.1),
    (1, 3, "smb", "nrr", 1.3),
    (0, 2, "all", "grr", 0.85),
    (1, 2, "all", "grr", 0.95),
]


def test_replication_means_average_years_and_skip_nan() -> None:
    means = replication_means(ROWS)
    assert set(means) == {("smb", "grr"), ("smb", "nrr"), ("all", "grr")}
    grr = means[("smb", "grr")]
    assert list(grr) == [0, 1, 2]
    assert grr[0] == pytest.approx(0.85)
    assert grr[1] == pytest.approx(0.70)  # NaN year left out
    assert math.isnan(grr[2])  # every year NaN
    assert means[("smb", "nrr")] == pytest.approx({0: 1.1, 1: 1.2})
    assert means[("all", "grr")] == pytest.approx({0: 0.85, 1: 0.95})


def test_replication_means_sorted_by_replication() -> None:
    rows = [(3, 1, "t", "m", 1.0), (1, 1, "t", "m", 2.0), (2, 1, "t", "m", 3.0)]
    assert list(replication_means(rows)[("t", "m")]) == [1, 2, 3]


def test_summarise_structure() -> None:
    out = summarise(ROWS)
    assert set(out) == {"smb", "all"}
    assert set(out["smb"]) == {"grr", "nrr"} and set(out["all"]) == {"grr"}
    assert all(isinstance(iv, Interval) for m in out.values() for iv in m.values())
    grr, expected = out["smb"]["grr"], t_interval([0.85, 0.70])  # replication 2 NaN: left out
    assert grr.n == expected.n == 2
    assert (grr.mean, grr.std, grr.low, grr.high) == pytest.approx(
        (expected.mean, expected.std, expected.low, expected.high), rel=1e-12
    )
    assert out["smb"]["nrr"].n == 2
    assert out["smb"]["nrr"].mean == pytest.approx(1.15)
    assert out["all"]["grr"].mean == pytest.approx(0.90)
    wide = summarise(ROWS, confidence=0.99)["smb"]["nrr"]
    assert wide.half_width > out["smb"]["nrr"].half_width
