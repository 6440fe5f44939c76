"""Figures of the bottom line in dollars, by scope (`metrics` = summary.json's "metrics"):
revenue, cost of delivery and delivery margin a year next to the cost of delivery as a share of
revenue against the 5%-20% band customer success spend runs at (seed 1G.1); and the lifetime
value of a customer against what serving one costs a year.

Scopes are drawn in the order given (tiers, `group:NAME`, `all`) and named by `tier_labels`;
a scope without data (no customers, or a folder written before money was in the model) is
marked 'n/a'. Whiskers are 95% intervals, cut at zero for revenue, cost and cost to revenue,
never for the delivery margin or a lifetime value, which can be negative.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, NullFormatter

from simcs.catalogue import metric
from simcs.reporting.figures.axes import (
    Est,
    ci_handle,
    defined,
    est,
    format_axis,
    label_above,
    mark_na,
    no_data,
    pct,
    tier_axis,
    tier_metric,
    usd_compact,
    whiskers,
)
from simcs.reporting.figures.labels import TierLabels, metric_label, scope_noun
from simcs.reporting.figures.style import (
    BLACK,
    BLUE,
    GREEN,
    GREY,
    ORANGE,
    VERMILLION,
    new_figure,
    styled,
)
from simcs.reporting.money import BAND, BAND_SOURCE, band_text

#: The bars of the left panel of `revenue_and_margin`: metric and colour.
_AMOUNTS: tuple[tuple[str, str], ...] = (
    ("revenue", BLUE),
    ("cost_total", VERMILLION),
    ("delivery_margin", GREEN),
)
#: Metrics that can be negative: their intervals are drawn as they are.
_SIGNED = frozenset({"delivery_margin", "customer_lifetime_value"})
#: The gid of the shaded band (so that tests and readers can tell it from a bar).
BAND_GID = "cost_to_revenue_band"


def estimate(metrics: Mapping[str, Any], scope: str, name: str) -> Est:
    """The estimate of `name` for `scope`; intervals cut at zero unless the metric is signed."""
    if name in _SIGNED:
        by_metric = metrics.get(scope) if isinstance(metrics, Mapping) else None
        return est(by_metric.get(name)) if isinstance(by_metric, Mapping) else Est(float("nan"))
    return tier_metric(metrics, scope, name)


def _unit(name: str) -> str:
    return metric(name).unit


def _amounts(ax: Axes, metrics: Mapping[str, Any], scopes: Sequence[str]) -> bool:
    """Grouped bars of revenue, cost and margin per scope; whether anything was drawn."""
    width = 0.8 / len(_AMOUNTS)
    drawn = False
    for k, (name, colour) in enumerate(_AMOUNTS):
        offset = (k - (len(_AMOUNTS) - 1) / 2) * width
        for i, scope in enumerate(scopes):
            e = estimate(metrics, scope, name)
            x = i + offset
            if not e.ok:
                mark_na(ax, x)
                continue
            ax.bar(x, e.mean, width=width * 0.92, color=colour, zorder=2)
            whiskers(ax, [x], [e.mean], [e.err()])
            drawn = True
            if name == "delivery_margin":
                top = max(e.mean, 0.0) + e.err()[1]
                label_above(ax, x, top, usd_compact(e.mean), fontsize=7.5)
    return drawn


def _ratio(ax: Axes, metrics: Mapping[str, Any], scopes: Sequence[str]) -> bool:
    """Cost of delivery to revenue per scope over the shaded band; whether any was drawn."""
    lower, upper = BAND
    ax.axhspan(lower, upper, color=GREEN, alpha=0.13, zorder=0, lw=0, gid=BAND_GID)
    ax.annotate(
        f"{band_text()} band ({BAND_SOURCE})",
        (1.0, upper),
        xycoords=("axes fraction", "data"),
        xytext=(-2, 3),
        textcoords="offset points",
        ha="right",
        va="bottom",
        fontsize=8.5,
        color="#333333",
    )
    top = upper
    drawn = False
    for i, scope in enumerate(scopes):
        e = estimate(metrics, scope, "cost_to_revenue")
        if not e.ok:
            mark_na(ax, i)
            continue
        colour = BLACK if lower <= e.mean <= upper else ORANGE
        ax.bar(i, e.mean, width=0.55, color=colour, zorder=2)
        err = e.err()
        whiskers(ax, [i], [e.mean], [err], color=GREY if colour == BLACK else BLACK)
        label_above(ax, i, e.mean + err[1], pct(e.mean))
        top = max(top, e.mean + err[1])
        drawn = True
    ax.set_ylim(0, max(top * 1.18, upper * 1.3))
    return drawn


@styled
def revenue_and_margin(
    metrics: Mapping[str, Any], tiers: Sequence[str], *, tier_labels: TierLabels | None = None
) -> Figure:
    """Revenue, cost of delivery and delivery margin a year by scope (left), and the cost of
    delivery as a share of revenue against the 5%-20% band customer success runs at (right).

    Bars are means over replications with their 95% intervals; a ratio outside the band is
    orange, inside it black; each margin bar carries its value.
    """
    scopes = list(tiers)
    fig = new_figure(13.5, 5.0)
    left, right = fig.subplots(1, 2, width_ratios=(1.45, 1.0))
    fig.suptitle("Revenue, cost of delivery and margin")
    noun = scope_noun(scopes)
    if not _amounts(left, metrics, scopes):
        no_data(left)
    tier_axis(left, scopes, tier_labels)
    format_axis(left.yaxis, "usd")
    left.axhline(0.0, color="#444444", lw=0.8, zorder=1)
    left.set_xlabel(noun)
    left.set_ylabel(_unit("revenue"))
    left.set_title("A year's revenue, cost and margin")
    left.legend(
        handles=[Patch(color=c, label=metric(n).label) for n, c in _AMOUNTS] + [ci_handle()],
        loc="upper center",
        bbox_to_anchor=(0.5, -0.13),
        ncols=4,
    )

    if not _ratio(right, metrics, scopes):
        no_data(right)
    tier_axis(right, scopes, tier_labels)
    format_axis(right.yaxis, "share")
    right.set_xlabel(noun)
    right.set_ylabel(metric_label("cost_to_revenue"))
    right.set_title(metric("cost_to_revenue").label)
    right.legend(
        handles=[
            Patch(color=GREEN, alpha=0.13, label=f"{band_text()} of revenue ({BAND_SOURCE})"),
            Patch(color=BLACK, label="Inside the band"),
            Patch(color=ORANGE, label="Outside the band"),
            ci_handle(),
        ],
        loc="upper center",
        bbox_to_anchor=(0.5, -0.13),
        ncols=2,
    )
    return fig


@styled
def customer_value(
    metrics: Mapping[str, Any], tiers: Sequence[str], *, tier_labels: TierLabels | None = None
) -> Figure:
    """The lifetime value of a customer at year end (blue) next to the cost of delivery per
    customer-year (vermillion), by scope, on a log scale, with 95% intervals; above each pair,
    how many years of serving a customer its lifetime value pays for (the ratio of the means).

    A lifetime value at or below zero cannot sit on a log scale: it is written in, not drawn.
    """
    scopes = list(tiers)
    fig = new_figure(10.0, 5.0)
    ax = fig.add_subplot()
    pairs = [
        (
            estimate(metrics, s, "customer_lifetime_value"),
            estimate(metrics, s, "cost_per_customer"),
        )
        for s in scopes
    ]
    positive = [
        v
        for pair in pairs
        for e in pair
        if e.ok and e.mean > 0
        for v in (e.mean, e.high if defined(e.high) else e.mean)
    ]
    if positive:
        ax.set_yscale("log")
        floor = min(positive) / 3.0
        ax.set_ylim(floor, max(positive) * 6.0)
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: usd_compact(v)))
        ax.yaxis.set_minor_formatter(NullFormatter())
    else:
        floor = 0.0
        no_data(ax)
    width = 0.36
    for i, (value, cost) in enumerate(pairs):
        for e, x, colour in ((value, i - width / 2, BLUE), (cost, i + width / 2, VERMILLION)):
            if not e.ok:
                mark_na(ax, x)
            elif e.mean <= 0:
                ax.text(
                    x, 0.01, usd_compact(e.mean), ha="center", va="bottom", fontsize=8,
                    color=colour, transform=ax.get_xaxis_transform(),
                )  # fmt: skip
            else:
                ax.bar(x, e.mean, width=width * 0.92, color=colour, zorder=2)
                below, above = e.err()
                below = min(below, e.mean - floor)  # a whisker stops at the axis
                whiskers(ax, [x], [e.mean], [(below, above)])
        if value.ok and cost.ok and value.mean > 0 and cost.mean > 0:
            tops = [e.high if defined(e.high) else e.mean for e in (value, cost)]
            label_above(ax, i, max(tops), f"{value.mean / cost.mean:,.0f}\u00d7 a year's cost")
    tier_axis(ax, scopes, tier_labels)
    ax.set_xlabel(scope_noun(scopes))
    ax.set_ylabel("USD (log scale)")
    ax.set_title("Lifetime value of a customer vs its cost of delivery a year")
    fig.legend(
        handles=[
            Patch(color=BLUE, label=metric_label("customer_lifetime_value")),
            Patch(color=VERMILLION, label=metric_label("cost_per_customer")),
            ci_handle(),
        ],
        loc="outside lower center",
        ncols=3,
    )
    return fig
