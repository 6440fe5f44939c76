"""Across replications: means, standard deviations and Student-t 95% intervals."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from scipy.special import stdtrit  # the Student-t quantile (what scipy.stats.t.ppf calls)


@dataclass(frozen=True, slots=True)
class Interval:
    """Mean of n replication values with its Student-t confidence interval."""

    mean: float
    std: float
    low: float
    high: float
    n: int

    @property
    def half_width(self) -> float:
        """Half the interval's width."""
        return (self.high - self.low) / 2.0


def t_interval(values: Sequence[float], confidence: float = 0.95) -> Interval:
    """Student-t interval for the mean of independent values (NaN values are left out)."""
    xs = [v for v in values if not math.isnan(v)]
    n = len(xs)
    if n == 0:
        nan = float("nan")
        return Interval(nan, nan, nan, nan, 0)
    mean = math.fsum(xs) / n
    if n == 1:
        return Interval(mean, float("nan"), float("nan"), float("nan"), 1)
    std = math.sqrt(math.fsum((x - mean) ** 2 for x in xs) / (n - 1))
    half = float(stdtrit(n - 1, 0.5 + confidence / 2.0)) * std / math.sqrt(n)
    return Interval(mean, std, mean - half, mean + half, n)


def replication_means(
    rows: Iterable[tuple[int, int, str, str, float]],
) -> dict[tuple[str, str], dict[int, float]]:
    """Average each (tier, metric) over the measurement years of each replication.

    Years where the metric is undefined (NaN) are left out of that replication's mean.
    """
    sums: defaultdict[tuple[str, str], defaultdict[int, list[float]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for replication, _year, tier, metric, value in rows:
        cell = sums[(tier, metric)][replication]
        if not math.isnan(value):
            cell.append(value)
    return {
        key: {r: (math.fsum(v) / len(v) if v else float("nan")) for r, v in sorted(by_r.items())}
        for key, by_r in sums.items()
    }


def summarise(
    rows: Iterable[tuple[int, int, str, str, float]], confidence: float = 0.95
) -> dict[str, dict[str, Interval]]:
    """{tier: {metric: Interval}} over replications of per-replication year averages."""
    out: dict[str, dict[str, Interval]] = {}
    for (tier, metric), by_r in replication_means(rows).items():
        out.setdefault(tier, {})[metric] = t_interval(list(by_r.values()), confidence)
    return out
