"""The bottom line in plain words: revenue, cost of delivery, where the cost of delivery lands
against the 5%-20% of revenue that customer success spend runs at (seed fact 1G.1), delivery
margin and economic value, each with its 95% interval.

One wording for every place that shows it: the run report's headline and its "Revenue and
margin" section, and the lines `simcs run` prints under its summary table. Estimates are read
in summary.json's shape ({mean, ci95_low, ci95_high}; `results.json_interval` turns a
`simcs.stats.Interval` into one); undefined values (null, NaN, absent) read 'n/a'. Dollars are
compact ('$94.5M', '$715M', '-$1.20M'), shares in per cent with one decimal ('8.5%').
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from simcs.catalogue import metric
from simcs.reporting.results import num

#: The share of revenue customer success spend runs at, depending on the motion (seed 1G.1).
BAND: tuple[float, float] = (0.05, 0.20)
#: Where the band comes from.
BAND_SOURCE = "seed 1G.1"
#: The metrics of the money lines, all of which a folder written before issue 14 lacks.
MONEY = ("revenue", "cost_total", "cost_to_revenue", "delivery_margin", "economic_value")

Estimate = Mapping[str, Any]


def _mean(entry: Estimate | None) -> float:
    return num(entry.get("mean")) if isinstance(entry, Mapping) else math.nan


def _bounds(entry: Estimate | None) -> tuple[float, float]:
    if not isinstance(entry, Mapping):
        return math.nan, math.nan
    return num(entry.get("ci95_low")), num(entry.get("ci95_high"))


def has_money(book: Mapping[str, Any] | None) -> bool:
    """Whether a scope's metrics hold revenue at all (a folder written before money was in
    the model has none)."""
    return isinstance(book, Mapping) and isinstance(book.get("revenue"), Mapping)


def usd(x: float | None, *, sign: bool = False, minus: str = "-", trim: bool = False) -> str:
    """Dollars in three significant figures: '$94.5M', '$715M', '$1.23B', '$38.2k', '$950',
    '-$1.20M' ('n/a' where undefined): the one dollar format of the reports, the terminal and
    the figures' annotations. With `sign`, '+' before a positive amount; `minus` is the
    character of a negative one (figures use the typographic minus); `trim` drops trailing
    zeros, for axis ticks ('$1M', '$1.5M'). An amount that rounds to zero has no sign."""
    if x is None or isinstance(x, bool) or not math.isfinite(float(x)):
        return "n/a"
    a = abs(float(x))
    if a >= 999.5:
        a = float(f"{a:.3g}")  # rounded first, so that $999,900 reads $1.00M, not $1000k
    text = f"${a:,.0f}"
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if a >= size:
            v = a / size
            digits = 0 if v >= 100 else 1 if v >= 10 else 2
            number = f"{v:.{digits}f}"
            if trim and "." in number:
                number = number.rstrip("0").rstrip(".")
            text = f"${number}{suffix}"
            break
    if text == "$0":
        return text
    return (minus if x < 0 else "+" if sign else "") + text


def usd_interval(low: float | None, high: float | None) -> str:
    """' [-$7.00M, -$5.20M]', or '' where the interval is undefined."""
    lo, hi = num(low), num(high)
    if math.isnan(lo) or math.isnan(hi):
        return ""
    return f" [{usd(lo)}, {usd(hi)}]"


def percent(x: float) -> str:
    """A share in per cent with one decimal: '8.5%'."""
    return "n/a" if math.isnan(x) else f"{x * 100:.1f}%"


def value(name: str, x: float) -> str:
    """One value of metric `name` by its catalogue kind: dollars, a share in per cent, or the
    catalogue's own format."""
    kind = metric(name).kind
    if kind == "usd":
        return usd(x)
    if kind == "share":
        return percent(x)
    return metric(name).format(x)


def estimate(name: str, entry: Estimate | None) -> str:
    """A mean with its 95% interval: '$94.5M [$89.7M, $99.3M]', '8.5% [8.0%, 8.9%]'; the mean
    alone where the interval is undefined (one replication), 'n/a' where the mean is."""
    mean = _mean(entry)
    if math.isnan(mean):
        return "n/a"
    low, high = _bounds(entry)
    text = value(name, mean)
    if math.isnan(low) or math.isnan(high):
        return text
    return f"{text} [{value(name, low)}, {value(name, high)}]"


def band_text() -> str:
    """'5%-20%'."""
    return f"{BAND[0]:.0%}-{BAND[1]:.0%}"


def band_position(entry: Estimate | None) -> str:
    """Where a cost-to-revenue estimate lands against the band: 'below', 'inside', 'above',
    'on the lower edge of' or 'on the upper edge of' (its interval reaches both sides of an
    edge; with no interval, the mean decides); '' where undefined."""
    mean = _mean(entry)
    if math.isnan(mean):
        return ""
    low, high = _bounds(entry)
    if math.isnan(low) or math.isnan(high):
        low = high = mean
    lower, upper = BAND
    if high < lower:
        return "below"
    if low > upper:
        return "above"
    if low < lower:
        return "on the lower edge of"
    if high > upper:
        return "on the upper edge of"
    return "inside"


def band_clause(entry: Estimate | None) -> str:
    """'8.5% [8.0%, 8.9%] of revenue: inside the 5%-20% band customer success runs at (seed
    1G.1)'."""
    where = band_position(entry)
    if not where:
        return "n/a as a share of revenue (no revenue)"
    return (
        f"{estimate('cost_to_revenue', entry)} of revenue: {where} the {band_text()} band "
        f"customer success runs at ({BAND_SOURCE})"
    )


def band_sentence(entry: Estimate | None) -> str:
    """'Cost of delivery is 8.5% [8.0%, 8.9%] of revenue: inside the 5%-20% band customer
    success runs at (seed 1G.1).'"""
    return f"{metric('cost_total').label} is {band_clause(entry)}."


def amount(name: str, entry: Estimate | None) -> str:
    """An estimate of a dollar metric with the rest of its unit: '$94.5M [$89.7M, $99.3M] per
    year', '$715M [$653M, $776M] (present value)'."""
    rest = metric(name).unit.removeprefix("USD").strip()
    text = estimate(name, entry)
    return f"{text} {rest}" if rest and text != "n/a" else text


def years_text(years: int | None) -> str:
    """'3 years', '1 year', or 'the measurement years' when unknown."""
    if years is None:
        return "the measurement years"
    return f"{years} year{'' if years == 1 else 's'}"


def economic_value_phrase(entry: Estimate | None, years: int | None = None) -> str:
    """'economic value $715M [$653M, $776M] over 3 years and the book left'."""
    return (
        f"{metric('economic_value').label.lower()} {estimate('economic_value', entry)} over "
        f"{years_text(years)} and the book left"
    )


def money_lines(
    book: Mapping[str, Any],
    years: int | None = None,
    rate: float | None = None,
    who: str = "",
) -> list[str]:
    """Two plain lines on one scope's money (`book`: metric -> estimate, e.g. summary.json's
    metrics of `all`): revenue and cost of delivery a year and where their ratio lands against
    the band; the delivery margin a year and the economic value. `years` is the number of
    measurement years, `rate` the discount rate a year (each left out when unknown), `who`
    the scope's name, put first ('Whole book: revenue ...')."""
    label = {name: metric(name).label for name in MONEY}
    revenue = f"{label['revenue']} {amount('revenue', book.get('revenue'))}"
    if who:
        revenue = f"{who[:1].upper()}{who[1:]}: {revenue[:1].lower()}{revenue[1:]}"
    first = (
        f"{revenue}; {label['cost_total'].lower()} {amount('cost_total', book.get('cost_total'))}"
        f", {band_clause(book.get('cost_to_revenue'))}."
    )
    discount = "" if rate is None else f", discounted at {rate * 100:g}% a year"
    second = (
        f"{label['delivery_margin']} {amount('delivery_margin', book.get('delivery_margin'))}; "
        f"{label['economic_value'].lower()} {amount('economic_value', book.get('economic_value'))}"
        f": the margin of {years_text(years)} and the book left at their end{discount}."
    )
    return [first, second]
