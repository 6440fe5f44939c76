"""Numbers in the report's words, by the metric catalogue's kind of number (`Metric.kind`,
`Metric.format`): shares as written in the result files (0-1) and their differences in
percentage points, USD with a dollar sign and the unit's 'per ...', counts, hours and days with
their unit. Undefined values (null, NaN) read 'n/a'.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from simcs.catalogue import metric
from simcs.reporting.figures.labels import inline


def _undefined(x: Any) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def value(name: str, x: float | None) -> str:
    """One value of metric `name`, e.g. '0.912', '$5,300', '1.25'."""
    if _undefined(x):
        return "n/a"
    assert x is not None
    entry = metric(name)
    if entry.kind == "usd":
        return f"{'-' if x < 0 else ''}${entry.format(abs(x))}"
    return entry.format(x)


def interval(name: str, estimate: Mapping[str, Any] | None) -> str:
    """A mean with its 95% interval, e.g. '0.912 [0.905, 0.919]' ('n/a' where undefined)."""
    if not estimate or _undefined(estimate.get("mean")):
        return "n/a"
    low, high = estimate.get("ci95_low"), estimate.get("ci95_high")
    text = value(name, estimate["mean"])
    if _undefined(low) or _undefined(high):
        return text
    return f"{text} [{value(name, low)}, {value(name, high)}]"


def _signed(fmt: str, x: float) -> str:
    return fmt.replace("{:", "{:+", 1).format(x)


def difference(name: str, d: float | None, low: float | None, high: float | None) -> str:
    """A paired difference in the metric's natural unit with its 95% interval: shares in
    percentage points ('-1.9 points [-2.6, -1.2]'), USD in dollars with the unit's 'per ...'
    ('-$1,180 per customer-year [-1,320, -1,040]'), others with their unit."""
    if _undefined(d) or _undefined(low) or _undefined(high):
        return "n/a"
    assert d is not None and low is not None and high is not None
    entry = metric(name)
    if entry.kind == "share":
        return f"{d * 100:+.1f} points [{low * 100:+.1f}, {high * 100:+.1f}]"
    if entry.kind == "usd":
        per = entry.unit.removeprefix("USD")
        return f"{'-' if d < 0 else '+'}${abs(d):,.0f}{per} [{low:,.0f}, {high:,.0f}]"
    lo_text, hi_text = _signed(entry.fmt, low), _signed(entry.fmt, high)
    return f"{_signed(entry.fmt, d)} {entry.unit} [{lo_text}, {hi_text}]"


def label(name: str) -> str:
    """A metric's name inside a sentence ('GRR', 'cost of delivery per customer')."""
    return inline(metric(name).label)


def heading(name: str) -> str:
    """A table column of metric `name`: its label, with its unit unless it is a share or USD."""
    entry = metric(name)
    return entry.label if entry.kind in ("share", "usd") else f"{entry.label} ({entry.unit})"
