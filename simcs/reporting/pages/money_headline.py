"""An experiment's bottom line in plain words and compact dollars, for its page and the terminal.

One sentence per variant, from the paired differences of summary.json: what it does to the
whole book's cost of delivery and subscription revenue a year (the `bottom_line` parts,
described by their 95% intervals: a part whose interval contains 0 is "no detectable
difference"), then what it is worth in economic value over the measurement years plus the book
it leaves behind, with its interval and Holm-adjusted verdict:

    low_touch saves $4.00M a year in cost of delivery and loses $1.40M of subscription
    revenue a year; over 3 years plus the book it leaves behind it is worth -$6.10M
    [-$7.00M, -$5.20M] against high_touch (worse).

Then the return on staff (`simcs.experiments.return_on_staff`): the net economic value each
added dollar of cost of delivery returns (or each dollar saved gives up), as sentences and as
table rows. Money is in `simcs.reporting.money.usd`'s three figures ($4.00M, $350k, $1.23B).
Undefined figures (null, NaN, a missing part) read 'n/a'; one replication gives no interval.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from simcs.catalogue import ALL, metric
from simcs.reporting.money import usd, usd_interval
from simcs.reporting.results import num

NA = "n/a"
ONE_REPLICATION = "one replication: no interval"
#: Columns of the return-on-staff table.
RETURN_HEADINGS = (
    "Variant",
    "Cost of delivery (PV)",
    "Economic value",
    "Net value per added $",
    "Gross per added $",
    "Status",
)
#: What the return-on-staff figures mean, in one paragraph.
RETURN_NOTE = (
    "Return on staff: the whole book's economic value (variant - reference, per replication) over "
    "the discounted cost of delivery of the measurement years (same discounting), a ratio of "
    "means with a delta-method 95% interval. Economic value is already net of the cost of "
    "delivery, so the net figure is what each added dollar returns after paying for itself "
    "(break-even 0); gross = net + 1 counts the revenue and book value it buys (break-even 1). "
    "Undefined when the cost difference's own interval contains 0."
)


def inline(name: str) -> str:
    """A metric label inside a sentence ('Cost of delivery' -> 'cost of delivery'; no
    matplotlib, so the terminal can use it)."""
    return name if name[:2].isupper() else name[:1].lower() + name[1:]


def _undetectable(part: Mapping[str, Any]) -> bool:
    """A part whose 95% interval contains 0 (or whose difference is 0)."""
    d, lo, hi = (num(part.get(k)) for k in ("difference", "ci95_low", "ci95_high"))
    return d == 0.0 or (not math.isnan(lo) and lo <= 0.0 <= hi)


def _cost_part(part: Mapping[str, Any] | None) -> str:
    name = inline(metric("cost_total").label)
    d = num((part or {}).get("difference"))
    if math.isnan(d):
        return f"has no {name} figure"
    if _undetectable(part or {}):
        return f"makes no detectable difference to the {name}"
    if d < 0:
        return f"saves {usd(-d)} a year in {name}"
    return f"adds {usd(d)} a year to the {name}"


def _revenue_part(part: Mapping[str, Any] | None) -> str:
    name = inline(metric("subscription_revenue").label)
    d = num((part or {}).get("difference"))
    if math.isnan(d):
        return f"has no {name} figure"
    if _undetectable(part or {}):
        return f"makes no detectable difference to {name}"
    if d < 0:
        return f"loses {usd(-d)} of {name} a year"
    return f"gains {usd(d)} of {name} a year"


def _value_part(value: Mapping[str, Any] | None, reference: str, years: int | None) -> str:
    v = value or {}
    d = num(v.get("difference"))
    over = "" if years is None else f"over {years} year{'s' if years != 1 else ''} "
    if math.isnan(d):
        return f"its worth {over}plus the book it leaves behind against {reference} is {NA}"
    bounds = usd_interval(v.get("ci95_low"), v.get("ci95_high"))
    said = v.get("verdict") or ""
    if not bounds:
        said = ONE_REPLICATION
    return (
        f"{over}plus the book it leaves behind it is worth {usd(d, sign=True)}{bounds} "
        f"against {reference}{f' ({said})' if said else ''}"
    )


def money_headline(
    variant: str,
    reference: str,
    cost: Mapping[str, Any] | None,
    revenue: Mapping[str, Any] | None,
    value: Mapping[str, Any] | None,
    years: int | None,
) -> str:
    """One variant's bottom line: its cost and revenue a year, then its economic value against
    the reference (each a paired difference: difference, ci95_low, ci95_high; value's verdict)."""
    cost_text, revenue_text = _cost_part(cost), _revenue_part(revenue)
    if cost_text.startswith("makes no") and revenue_text.startswith("makes no"):
        name = inline(metric("subscription_revenue").label)
        does = f"{cost_text} or to {name}"
    else:
        does = f"{cost_text} and {revenue_text}"
    return f"{variant} {does}; {_value_part(value, reference, years)}."


def money_headlines(doc: Mapping[str, Any]) -> list[str]:
    """The bottom line of every variant of an experiment's summary.json ([] for a summary
    written before experiments had one)."""
    bottom = doc.get("bottom_line")
    if not bottom:
        return []
    parts = {(p["variant"], p["metric"]): p for p in bottom.get("parts", [])}
    values = {
        c["variant"]: c
        for c in doc.get("comparisons", [])
        if c["tier"] == ALL and c["metric"] == "economic_value"
    }
    variants = list(dict.fromkeys([*(v for v, _m in parts), *values]))
    return [
        money_headline(
            v,
            doc.get("reference", ""),
            parts.get((v, "cost_total")),
            parts.get((v, "subscription_revenue")),
            values.get(v),
            bottom.get("years"),
        )
        for v in variants
    ]


def _per_dollar(x: float) -> str:
    return NA if math.isnan(x) else f"{'-' if x < 0 else ''}${abs(x):.2f}"


def _ratio_bounds(low: float, high: float) -> str:
    return "" if math.isnan(low) or math.isnan(high) else f" [{low:.2f}, {high:.2f}]"


def return_sentence(entry: Mapping[str, Any]) -> str:
    """One variant's return on staff in words (net of the cost itself)."""
    variant, reference = entry["variant"], entry["reference"]
    net, low, high = (num(entry.get(k)) for k in ("net_per_dollar", "ci95_low", "ci95_high"))
    cost = num((entry.get("cost_difference_pv") or {}).get("mean"))
    if math.isnan(net):
        status = entry.get("status") or NA
        return f"{variant} vs {reference}: return on staff undefined ({status})."
    if cost > 0:  # each added dollar returns R net (loses -R)
        verb, amount, lo, hi = (
            ("returns", net, low, high) if net >= 0 else ("loses", -net, -high, -low)
        )
        what = "each added dollar of cost of delivery"
    else:  # each dollar saved changes net value by -R
        verb, amount, lo, hi = (
            ("adds", -net, -high, -low) if net <= 0 else ("gives up", net, low, high)
        )
        what = "each dollar of cost of delivery saved"
    tail = _ratio_bounds(lo, hi) or f" ({ONE_REPLICATION})"
    return f"{variant} vs {reference}: {what} {verb} {_per_dollar(amount)} of net value{tail}."


def return_rows(doc: Mapping[str, Any]) -> list[list[str]]:
    """The rows of the return-on-staff table (`RETURN_HEADINGS`)."""
    rows = []
    for e in doc.get("return_on_staff") or []:
        cost, value = e.get("cost_difference_pv") or {}, e.get("value_difference") or {}
        net, low, high = (num(e.get(k)) for k in ("net_per_dollar", "ci95_low", "ci95_high"))
        rows.append(
            [
                e["variant"],
                usd(num(cost.get("mean")), sign=True)
                + usd_interval(cost.get("ci95_low"), cost.get("ci95_high")),
                usd(num(value.get("mean")), sign=True)
                + usd_interval(value.get("ci95_low"), value.get("ci95_high")),
                _per_dollar(net) + _ratio_bounds(low, high),
                _per_dollar(net + 1.0) + _ratio_bounds(low + 1.0, high + 1.0),
                str(e.get("status") or ""),
            ]
        )
    return rows
