"""Return on staff: dollars of economic value per dollar of added cost of delivery, per variant
against the reference, with a 95% interval.

For replication r (common random numbers pair the variants' replications):

- ``d_value[r]`` = economic_value(variant) - economic_value(reference), whole book: each
  measurement year's delivery margin discounted from its middle plus the book value left at the
  horizon's end (`simcs.formulas.value.economic_value`);
- ``d_cost[r]`` = the cost of delivery (`cost_total`) of the measurement years discounted the
  same way, year k (k = 1..n) at ``(1 + d) ** -(k - 1/2)``, variant - reference, d the
  reference scenario's discount rate: the present value of the cost added.

The estimate is the ratio of means ``R = mean(d_value) / mean(d_cost)`` (not the mean of the
per-replication ratios, which is biased and undefined when a replication's cost difference is
near 0). Its 95% interval is the delta method's (first-order Taylor expansion of the ratio;
Casella & Berger 2002, *Statistical Inference*, sec. 5.5.4; the ratio estimator's variance in
Cochran 1977, *Sampling Techniques*, sec. 6.4):

    Var(R) ~ (s_v^2 - 2 R s_vc + R^2 s_c^2) / (n mean(d_cost)^2)

with the sample variances and covariance of the paired differences, and a Student-t quantile
with n - 1 degrees of freedom, as for every other paired interval of an experiment. The ratio
is left undefined when the cost difference's own 95% interval contains 0: a ratio to a cost
change that cannot be told from none is meaningless ("no detectable change in cost"). With a
single replication there is a ratio but no interval.

Net, not gross. Economic value is already net of the cost of delivery (it discounts delivery
margins, revenue less cost), so R is the *net* value each added dollar of cost returns after
paying for itself: R > 0 means the added cost pays for itself and more, R < 0 that it destroys
value, and break-even is 0. The gross return, ``(d_value + d_cost) / d_cost`` (revenue and book
value bought per added dollar, break-even at 1), is exactly ``R + 1`` for the estimate and its
interval, so it is reported beside the net one but carries no extra information. When the
variant costs less (d_cost < 0), R is the net value given up per dollar saved (a negative R: each
dollar saved adds net value too).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from scipy import stats

from simcs.catalogue import ALL, HORIZON_YEAR
from simcs.formulas.value import present_value
from simcs.records import Row
from simcs.stats import Interval, t_interval

__all__ = [
    "ReturnOnStaff",
    "delta_method_ratio",
    "discounted_costs",
    "economic_values",
    "return_on_staff",
    "returns_on_staff",
]

#: The status of a return on staff: an estimate with an interval, or why there is none.
ESTIMATED, NO_COST_CHANGE, ONE_REPLICATION, NO_DATA = (
    "estimated",
    "no detectable change in cost",
    "one replication: no interval",
    "no paired replications",
)


@dataclass(frozen=True, slots=True)
class ReturnOnStaff:
    """A variant's net economic value per dollar of added (discounted) cost of delivery."""

    variant: str
    reference: str
    tier: str
    value: Interval  # paired difference in economic value, per replication
    cost: Interval  # paired difference in discounted cost of delivery, per replication
    net: float  # mean(d_value) / mean(d_cost); NaN when undefined
    low: float  # 95% interval of `net` (delta method); NaN when undefined
    high: float
    status: str

    @property
    def gross(self) -> float:
        """Revenue and book value bought per added dollar of cost: ``net + 1``."""
        return self.net + 1.0


def economic_values(rows: Iterable[Row], tier: str = ALL) -> dict[int, float]:
    """Replication -> its `economic_value` for `tier` (the year-`HORIZON_YEAR` rows)."""
    return {
        r: v
        for r, year, t, m, v in rows
        if year == HORIZON_YEAR and t == tier and m == "economic_value"
    }


def discounted_costs(rows: Iterable[Row], rate: float, tier: str = ALL) -> dict[int, float]:
    """Replication -> the present value of its yearly `cost_total` for `tier`, at the start of
    the first measurement year, discounted as economic value discounts margins
    (`simcs.formulas.value.present_value`; NaN if any year's cost is)."""
    by_replication: dict[int, dict[int, float]] = {}
    for r, year, t, m, v in rows:
        if year != HORIZON_YEAR and t == tier and m == "cost_total":
            by_replication.setdefault(r, {})[year] = v
    return {
        r: present_value([cost for _, cost in sorted(years.items())], rate)
        for r, years in sorted(by_replication.items())
    }


def _paired(variant: dict[int, float], reference: dict[int, float]) -> dict[int, float]:
    """variant - reference for every replication both define (NaN left out)."""
    return {
        r: variant[r] - reference[r]
        for r in sorted(set(variant) & set(reference))
        if not (math.isnan(variant[r]) or math.isnan(reference[r]))
    }


def _contains_zero(iv: Interval) -> bool:
    return iv.mean == 0.0 or (not math.isnan(iv.low) and iv.low <= 0.0 <= iv.high)


def delta_method_ratio(
    values: Sequence[float], costs: Sequence[float], confidence: float = 0.95
) -> tuple[float, float, float]:
    """(R, low, high): the ratio of means of paired samples and its delta-method interval
    (Student-t quantile, n - 1 degrees of freedom). NaN bounds with fewer than two pairs; all NaN
    when the mean cost is 0."""
    n = len(values)
    if n != len(costs):
        raise ValueError("values and costs must be paired")
    nan = float("nan")
    if n == 0:
        return nan, nan, nan
    mean_v, mean_c = math.fsum(values) / n, math.fsum(costs) / n
    if mean_c == 0.0:
        return nan, nan, nan
    ratio = mean_v / mean_c
    if n < 2:
        return ratio, nan, nan
    s_vv = math.fsum((v - mean_v) ** 2 for v in values) / (n - 1)
    s_cc = math.fsum((c - mean_c) ** 2 for c in costs) / (n - 1)
    s_vc = math.fsum((v - mean_v) * (c - mean_c) for v, c in zip(values, costs, strict=True))
    s_vc /= n - 1
    variance = max(0.0, s_vv - 2.0 * ratio * s_vc + ratio**2 * s_cc) / (n * mean_c**2)
    half = float(stats.t.ppf(0.5 + confidence / 2.0, n - 1)) * math.sqrt(variance)
    return ratio, ratio - half, ratio + half


def return_on_staff(
    variant: str,
    reference: str,
    variant_rows: Sequence[Row],
    reference_rows: Sequence[Row],
    rate: float,
    tier: str = ALL,
) -> ReturnOnStaff:
    """The variant's net economic value per dollar of added discounted cost of delivery."""
    d_value = _paired(economic_values(variant_rows, tier), economic_values(reference_rows, tier))
    d_cost = _paired(
        discounted_costs(variant_rows, rate, tier), discounted_costs(reference_rows, rate, tier)
    )
    both = sorted(set(d_value) & set(d_cost))
    values, costs = [d_value[r] for r in both], [d_cost[r] for r in both]
    value_iv, cost_iv = t_interval(values), t_interval(costs)
    nan = float("nan")
    if not both:
        return ReturnOnStaff(variant, reference, tier, value_iv, cost_iv, nan, nan, nan, NO_DATA)
    if _contains_zero(cost_iv):
        status = NO_COST_CHANGE
        return ReturnOnStaff(variant, reference, tier, value_iv, cost_iv, nan, nan, nan, status)
    net, low, high = delta_method_ratio(values, costs)
    status = ESTIMATED if len(both) > 1 else ONE_REPLICATION
    return ReturnOnStaff(variant, reference, tier, value_iv, cost_iv, net, low, high, status)


def returns_on_staff(
    rows_by_variant: dict[str, list[Row]], reference: str, rate: float, tier: str = ALL
) -> list[ReturnOnStaff]:
    """Every variant but the reference against it, in the experiment's order."""
    return [
        return_on_staff(variant, reference, rows, rows_by_variant[reference], rate, tier)
        for variant, rows in rows_by_variant.items()
        if variant != reference
    ]
