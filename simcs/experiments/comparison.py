"""Paired comparisons of variants: differences per replication, intervals, Holm, verdicts.

Replication r of every variant shares its random streams, so the difference variant - reference
is taken replication by replication (each replication's value being its mean over the
measurement years) and its mean gets a Student-t interval. The p-values of all comparisons of
an experiment are adjusted together with Holm's step-down method (Holm 1979), which controls
the family-wise error rate; a comparison is a detectable difference when its adjusted p-value
is below alpha, and better or worse according to the metric's direction.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from scipy import stats

from simcs.catalogue import CATALOGUE
from simcs.records import Row
from simcs.stats import Interval, replication_means, t_interval

#: +1 where more is better, -1 where less is better, 0 where neither (from the catalogue).
DIRECTION: dict[str, int] = {name: m.direction for name, m in CATALOGUE.items()}

BETTER, WORSE, NO_DIFFERENCE = "better", "worse", "no detectable difference"
HIGHER, LOWER = "higher", "lower"


@dataclass(frozen=True, slots=True)
class Comparison:
    """Variant minus reference for one metric of one tier."""

    variant: str
    reference: str
    tier: str
    metric: str
    difference: Interval
    p_value: float
    p_holm: float = float("nan")
    verdict: str = ""


def paired_p_value(diffs: Sequence[float]) -> float:
    """Two-sided p-value of the paired t-test that the mean difference is 0."""
    n = len(diffs)
    if n < 2:
        return float("nan")
    mean = math.fsum(diffs) / n
    sd = math.sqrt(math.fsum((d - mean) ** 2 for d in diffs) / (n - 1))
    if sd <= 1e-12 * max(1.0, abs(mean)):  # identical differences, up to rounding
        return 1.0 if mean == 0.0 else 0.0
    t = mean / (sd / math.sqrt(n))
    return float(2.0 * stats.t.sf(abs(t), n - 1))


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm step-down adjusted p-values (NaN stays NaN and does not count as a test)."""
    indexed = sorted((p, i) for i, p in enumerate(p_values) if not math.isnan(p))
    m = len(indexed)
    adjusted = [float("nan")] * len(p_values)
    running = 0.0
    for rank, (p, i) in enumerate(indexed):
        running = max(running, min(1.0, (m - rank) * p))
        adjusted[i] = running
    return adjusted


def verdict(metric: str, difference: float, p_adjusted: float, alpha: float = 0.05) -> str:
    """better / worse / no detectable difference (higher / lower for metrics with no side)."""
    if math.isnan(p_adjusted) or p_adjusted >= alpha or difference == 0.0:
        return NO_DIFFERENCE
    direction = DIRECTION.get(metric, 0)
    if direction == 0:
        return HIGHER if difference > 0 else LOWER
    return BETTER if difference * direction > 0 else WORSE


def paired_intervals(
    rows_by_variant: dict[str, list[Row]],
    reference: str,
    metrics: Sequence[str],
    tiers: Sequence[str],
) -> list[Comparison]:
    """Every variant against the reference, per metric and tier: the paired difference's
    interval and raw p-value, not adjusted and with no verdict (descriptive figures, such as the
    parts of an experiment's bottom line)."""
    means = {v: replication_means(rows) for v, rows in rows_by_variant.items()}
    raw: list[Comparison] = []
    for variant in rows_by_variant:
        if variant == reference:
            continue
        for metric in metrics:
            for tier in tiers:
                a = means[reference].get((tier, metric), {})
                b = means[variant].get((tier, metric), {})
                diffs = [
                    b[r] - a[r]
                    for r in sorted(set(a) & set(b))
                    if not (math.isnan(a[r]) or math.isnan(b[r]))
                ]
                raw.append(
                    Comparison(
                        variant, reference, tier, metric, t_interval(diffs), paired_p_value(diffs)
                    )
                )
    return raw


def paired_differences(
    rows_by_variant: dict[str, list[Row]],
    reference: str,
    metrics: Sequence[str],
    tiers: Sequence[str],
    alpha: float = 0.05,
) -> list[Comparison]:
    """Every variant against the reference, per metric and tier, Holm-adjusted together."""
    raw = paired_intervals(rows_by_variant, reference, metrics, tiers)
    adjusted = holm([c.p_value for c in raw])
    return [
        Comparison(
            c.variant,
            c.reference,
            c.tier,
            c.metric,
            c.difference,
            c.p_value,
            p,
            verdict(c.metric, c.difference.mean, p, alpha),
        )
        for c, p in zip(raw, adjusted, strict=True)
    ]
