"""Tests for simcs.experiments.comparison: Holm's adjustment, the paired t-test, verdicts, and the
paired differences of variants built from hand-made replication rows."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest
from scipy import stats

from simcs.experiments.comparison import (
    BETTER,
    DIRECTION,
    HIGHER,
    LOWER,
    NO_DIFFERENCE,
    WORSE,
    Comparison,
    holm,
    paired_differences,
    paired_p_value,
    verdict,
)
from simcs.records import Row

NAN = float("nan")

# ----------------------------------------------------------------------------- holm


def test_holm_hand_computed() -> None:
    # sorted: 0.005 x 4 = 0.02; 0.01 x 3 = 0.03; 0.03 x 2 = 0.06; 0.04 x 1 = 0.04 -> 0.06 (monotone)
    assert holm([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.03, 0.06, 0.06, 0.02])


def test_holm_caps_at_one() -> None:
    assert holm([0.5, 0.6]) == pytest.approx([1.0, 1.0])
    assert holm([0.2, 0.9, 0.01]) == pytest.approx([0.4, 0.9, 0.03])


def test_holm_single_and_empty() -> None:
    assert holm([0.03]) == pytest.approx([0.03])
    assert holm([]) == []


def test_holm_ignores_nan() -> None:
    adjusted = holm([0.01, NAN, 0.04])
    # two tests, not three: 0.01 x 2, then max(0.02, 0.04 x 1)
    assert adjusted[0] == pytest.approx(0.02)
    assert math.isnan(adjusted[1])
    assert adjusted[2] == pytest.approx(0.04)
    assert all(math.isnan(p) for p in holm([NAN, NAN]))


def test_holm_is_monotone_and_conservative() -> None:
    rng = np.random.default_rng(7)
    for _ in range(50):
        p = rng.uniform(0, 0.2, size=int(rng.integers(2, 30))).tolist()
        adjusted = holm(p)
        for raw, adj in zip(p, adjusted, strict=True):
            assert raw <= adj <= 1.0
        order = sorted(range(len(p)), key=lambda i: p[i])
        ranked = [adjusted[i] for i in order]
        assert ranked == sorted(ranked), "adjusted p-values keep the order of the raw ones"
        # the smallest is multiplied by the number of tests (Bonferroni for the first step)
        assert ranked[0] == pytest.approx(min(1.0, len(p) * min(p)))


# ----------------------------------------------------------------------------- paired t-test


def test_paired_p_value_matches_scipy() -> None:
    rng = np.random.default_rng(11)
    for n, shift in ((5, 0.0), (20, 0.1), (40, 0.02), (3, 1.0)):
        a = rng.normal(1.0, 0.1, n)
        b = a + shift + rng.normal(0.0, 0.05, n)
        expected = stats.ttest_rel(b, a).pvalue
        assert paired_p_value((b - a).tolist()) == pytest.approx(expected, rel=1e-9, abs=1e-15)


def test_paired_p_value_degenerate_cases() -> None:
    assert math.isnan(paired_p_value([]))
    assert math.isnan(paired_p_value([0.3]))
    assert paired_p_value([0.0, 0.0, 0.0]) == 1.0
    assert paired_p_value([0.25, 0.25, 0.25]) == 0.0  # a constant, exactly representable shift
    # 0.2 is not exactly representable: rounding leaves a tiny sd, the p-value is still ~0
    assert paired_p_value([0.2, 0.2, 0.2]) == pytest.approx(0.0, abs=1e-12)


# ----------------------------------------------------------------------------- verdicts


def test_directions_of_the_metrics_tested() -> None:
    assert DIRECTION["grr"] == 1
    assert DIRECTION["cost_per_customer"] == -1
    assert DIRECTION["support_utilization"] == 0  # neither side is better


@pytest.mark.parametrize(
    ("metric", "difference", "p", "expected"),
    [
        ("grr", 0.01, 0.001, BETTER),
        ("grr", -0.01, 0.001, WORSE),
        ("cost_per_customer", 150.0, 0.001, WORSE),
        ("cost_per_customer", -150.0, 0.001, BETTER),
        ("support_utilization", 0.1, 0.001, HIGHER),
        ("support_utilization", -0.1, 0.001, LOWER),
        ("grr", 0.01, 0.05, NO_DIFFERENCE),  # p == alpha is not below alpha
        ("grr", 0.01, 0.2, NO_DIFFERENCE),
        ("cost_per_customer", -150.0, 0.5, NO_DIFFERENCE),
        ("support_utilization", 0.1, 0.07, NO_DIFFERENCE),
        ("grr", 0.01, NAN, NO_DIFFERENCE),
        ("grr", 0.0, 0.0, NO_DIFFERENCE),
    ],
)
def test_verdict(metric: str, difference: float, p: float, expected: str) -> None:
    assert verdict(metric, difference, p) == expected


def test_verdict_respects_alpha() -> None:
    assert verdict("grr", 0.01, 0.03, alpha=0.01) == NO_DIFFERENCE
    assert verdict("grr", 0.01, 0.03, alpha=0.05) == BETTER


# ----------------------------------------------------------------------------- paired differences

REPS = 10
YEARS = (1, 2)


def _rows(values: dict[tuple[str, str], list[list[float]]]) -> list[Row]:
    """Rows (replication, year, tier, metric, value) from {(tier, metric): [[y1, y2] per rep]}."""
    return [
        (r, year, tier, metric, reps[r][k])
        for (tier, metric), reps in values.items()
        for r in range(len(reps))
        for k, year in enumerate(YEARS)
    ]


def _grid(f: Callable[[int, int], float]) -> list[list[float]]:
    return [[f(r, y) for y in YEARS] for r in range(REPS)]


def _reference_grr(r: int, y: int) -> float:
    return 0.85 + 0.01 * r + 0.005 * y


def _reference_cost(r: int, y: int) -> float:
    return 5000.0 + 40.0 * r - 10.0 * y


def _noise(r: int) -> float:
    return 0.002 * ((r * 7) % 5 - 2)  # -0.004 .. 0.004, mean 0 over r = 0..9


@pytest.fixture(scope="module")
def rows_by_variant() -> dict[str, list[Row]]:
    reference = {
        ("all", "grr"): _grid(_reference_grr),
        ("all", "cost_per_customer"): _grid(_reference_cost),
    }
    better = {
        ("all", "grr"): _grid(lambda r, y: _reference_grr(r, y) + 0.02 + _noise(r)),
        ("all", "cost_per_customer"): _grid(lambda r, y: _reference_cost(r, y) - 100.0 * y),
    }
    return {
        "ref": _rows(reference),
        "better": _rows(better),
        "same": _rows(reference),
    }


def _find(comparisons: list[Comparison], variant: str, metric: str) -> Comparison:
    (found,) = [c for c in comparisons if c.variant == variant and c.metric == metric]
    return found


def test_paired_differences_expected_mean_and_n(rows_by_variant: dict[str, list[Row]]) -> None:
    comparisons = paired_differences(rows_by_variant, "ref", ["grr", "cost_per_customer"], ["all"])
    assert [(c.variant, c.metric) for c in comparisons] == [
        ("better", "grr"),
        ("better", "cost_per_customer"),
        ("same", "grr"),
        ("same", "cost_per_customer"),
    ]
    assert all(c.reference == "ref" and c.tier == "all" for c in comparisons)

    grr = _find(comparisons, "better", "grr")
    expected = [0.02 + _noise(r) for r in range(REPS)]  # per-replication year-mean differences
    assert grr.difference.n == REPS
    assert grr.difference.mean == pytest.approx(float(np.mean(expected)))
    assert grr.difference.std == pytest.approx(float(np.std(expected, ddof=1)))
    assert grr.p_value == pytest.approx(stats.ttest_1samp(expected, 0.0).pvalue)
    assert grr.difference.low < grr.difference.mean < grr.difference.high
    assert grr.verdict == BETTER

    # cost: -100 in year 1, -200 in year 2 -> -150 every replication (no spread)
    cost = _find(comparisons, "better", "cost_per_customer")
    assert cost.difference.mean == pytest.approx(-150.0)
    assert cost.difference.n == REPS
    assert cost.p_value == 0.0
    assert cost.verdict == BETTER  # lower cost is better

    # p-values are Holm-adjusted across all the comparisons of the experiment
    assert [c.p_holm for c in comparisons] == pytest.approx(holm([c.p_value for c in comparisons]))


def test_identical_variant_shows_no_difference(rows_by_variant: dict[str, list[Row]]) -> None:
    comparisons = paired_differences(rows_by_variant, "ref", ["grr", "cost_per_customer"], ["all"])
    for metric in ("grr", "cost_per_customer"):
        same = _find(comparisons, "same", metric)
        assert same.difference.mean == 0.0
        assert same.difference.low == same.difference.high == 0.0
        assert same.difference.n == REPS
        assert same.p_value == 1.0
        assert same.p_holm == 1.0
        assert same.verdict == NO_DIFFERENCE


def test_worse_variant_and_neutral_metric() -> None:
    start = (("grr", 0.9), ("support_utilization", 0.5))
    ref: list[Row] = [(r, 1, "smb", m, v + 0.01 * r) for r in range(6) for m, v in start]
    var = [
        (r, y, t, m, v + (-0.05 if m == "grr" else 0.2) + 0.001 * (r % 2)) for r, y, t, m, v in ref
    ]
    comparisons = paired_differences(
        {"ref": ref, "var": var}, "ref", ["grr", "support_utilization"], ["smb"]
    )
    assert _find(comparisons, "var", "grr").verdict == WORSE
    assert _find(comparisons, "var", "support_utilization").verdict == HIGHER
    assert _find(comparisons, "var", "grr").difference.mean == pytest.approx(-0.0495)


def test_nan_years_and_replications_are_left_out() -> None:
    """A NaN year drops out of that replication's mean; an all-NaN replication drops out."""
    ref: list[Row] = []
    var: list[Row] = []
    for r in range(5):
        for y in YEARS:
            ref.append((r, y, "all", "grr", 0.9))
            value = 0.95 if y == 1 else NAN  # year 2 undefined: the replication mean is year 1
            if r == 4:
                value = NAN  # nothing defined in replication 4: not paired at all
            var.append((r, y, "all", "grr", value + 0.001 * r))
    (c,) = paired_differences({"ref": ref, "var": var}, "ref", ["grr"], ["all"])
    assert c.difference.n == 4
    assert c.difference.mean == pytest.approx(0.05 + 0.001 * 1.5)


def test_missing_metric_gives_an_empty_comparison() -> None:
    ref: list[Row] = [(r, 1, "all", "grr", 0.9) for r in range(3)]
    (c,) = paired_differences({"ref": ref, "var": list(ref)}, "ref", ["nrr"], ["all"])
    assert c.difference.n == 0
    assert math.isnan(c.difference.mean)
    assert math.isnan(c.p_value) and math.isnan(c.p_holm)
    assert c.verdict == NO_DIFFERENCE
