"""Figures of what one run's book is worth and what serving it costs, by tier (`metrics` =
summary.json's "metrics", or one variant's entry of a comparison): the ARR bridge, cost of
delivery against value, and staff utilisation.

Tiers are named by `tier_labels` (the scenario's tier labels; `all` reads "All customers"); without
them a tier shows its key.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, NullFormatter

from simcs.catalogue import FUNCTION_LABELS
from simcs.reporting.figures.axes import (
    MINUS,
    NAN,
    ci_handle,
    defined,
    format_axis,
    headroom,
    label_above,
    mark_na,
    no_data,
    pct,
    tier_axis,
    tier_metric,
    usd_compact,
    whiskers,
)
from simcs.reporting.figures.labels import PER_CUSTOMER_YEAR, TierLabels, capital, tier_label
from simcs.reporting.figures.style import (
    BLACK,
    BLUE,
    FUNCTION_COLOURS,
    GREEN,
    VERMILLION,
    new_figure,
    styled,
)

# --- 1. ARR bridge ----------------------------------------------------------------------------

_BRIDGE_STEPS: tuple[tuple[str, str, int], ...] = (
    ("Start ARR", "arr_start", 0),
    ("Churned", "arr_churned", -1),
    ("Contraction", "arr_contraction", -1),
    ("Expansion", "arr_expansion", 1),
    ("New logos", "arr_new", 1),
    ("End ARR", "arr_end", 0),
)


@styled
def arr_bridge(
    metrics: Mapping[str, Any], tier: str, *, tier_labels: TierLabels | None = None
) -> Figure:
    """Waterfall of one tier's ARR over an average measurement year, in USD millions.

    Start -> churned (down) -> contraction (down) -> expansion (up) -> new logos (up) -> end;
    totals blue, decreases vermillion, increases green; whiskers: 95% interval of each step.
    """
    fig = new_figure(8.0, 4.8)
    ax = fig.add_subplot()
    scale = 1e-6
    level = 0.0
    tops: list[float] = []
    ends: list[float] = []  # ARR level after each bar (NaN: no bar), for the connectors
    for i, (_label, metric, sign) in enumerate(_BRIDGE_STEPS):
        e = tier_metric(metrics, tier, metric)
        if not e.ok:
            mark_na(ax, i)
            ends.append(NAN)
            continue
        v = e.mean * scale
        below, above = e.err(scale)
        if sign == 0:
            bottom, height, colour = 0.0, v, BLUE
            level = v
            whisker = (below, above)
            text = usd_compact(e.mean)
        else:
            bottom = level if sign > 0 else level - v
            height = v
            colour = GREEN if sign > 0 else VERMILLION
            level += sign * v
            # the whisker sits where the step ends: the top of a rise, the foot of a fall
            # (a larger fall ends lower, so the interval flips)
            whisker = (below, above) if sign > 0 else (above, below)
            text = ("+" if sign > 0 else MINUS) + usd_compact(e.mean)
        ax.bar(i, height, bottom=bottom, width=0.62, color=colour, zorder=2)
        whiskers(ax, [i], [level], [whisker])
        text_y = bottom + height + (whisker[1] if sign >= 0 else 0.0)
        label_above(ax, i, text_y, text, fontsize=9)
        tops.append(text_y)
        ends.append(level)
    # dotted connectors from the end of one bar to the start of the next
    for i in range(len(_BRIDGE_STEPS) - 1):
        if defined(ends[i]):
            ax.plot(
                [i + 0.31, i + 0.69],
                [ends[i], ends[i]],
                color="#666666",
                lw=0.8,
                linestyle=":",
                zorder=1,
            )
    if not tops:
        no_data(ax, f"no ARR data for tier {tier!r}")
    else:
        headroom(ax, max(tops), 1.12)
    ax.set_xticks(range(len(_BRIDGE_STEPS)), [s[0] for s in _BRIDGE_STEPS])
    ax.tick_params(axis="x", length=0)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"${v:,g}M"))
    ax.set_ylabel("ARR (USD millions)")
    ax.set_xlabel("ARR bridge step (average measurement year)")
    ax.set_title(f"ARR bridge: {tier_label(tier, tier_labels)}")
    fig.legend(
        handles=[
            Patch(color=BLUE, label="ARR level"),
            Patch(color=VERMILLION, label="Decrease"),
            Patch(color=GREEN, label="Increase"),
            ci_handle(),
        ],
        loc="outside lower center",
        ncols=4,
    )
    return fig


# --- 2. cost of delivery vs value -------------------------------------------------------------


@styled
def cost_vs_value(
    metrics: Mapping[str, Any], tiers: Sequence[str], *, tier_labels: TierLabels | None = None
) -> Figure:
    """Cost of delivery per customer by tier, stacked by function, next to ARR per customer.

    Left: stacked cost per customer-year with the 95% interval of the total and the cost as a
    share of ARR per customer. Right (log scale): ARR per customer with its interval and the
    total cost per customer as a marker, so the gap between value and cost shows at a glance.
    """
    tiers = list(tiers)
    fig = new_figure(11.5, 4.8)
    left, right = fig.subplots(1, 2)
    fig.suptitle("Match cost of delivery to value")
    functions = list(FUNCTION_COLOURS)
    tops: list[float] = []
    for i, tier in enumerate(tiers):
        parts = [tier_metric(metrics, tier, f"cost_per_customer_{f}") for f in functions]
        total = tier_metric(metrics, tier, "cost_per_customer")
        if not any(p.ok for p in parts) and not total.ok:
            mark_na(left, i)
            continue
        bottom = 0.0
        for f, p in zip(functions, parts, strict=True):
            h = p.mean if p.ok else 0.0
            left.bar(i, h, bottom=bottom, width=0.62, color=FUNCTION_COLOURS[f], zorder=2)
            bottom += h
        top = total.mean if total.ok else bottom
        err = total.err() if total.ok else (0.0, 0.0)
        whiskers(left, [i], [top], [err])
        arr = tier_metric(metrics, tier, "arr_per_customer")
        text = usd_compact(top)
        if arr.ok and arr.mean > 0:
            text += f"\n{pct(top / arr.mean)} of ARR"
        left.annotate(
            text,
            (i, top + err[1]),
            xytext=(0, 5),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=8.5,
            linespacing=1.1,
        )
        tops.append(top + err[1])
    tier_axis(left, tiers, tier_labels)
    if tops:
        headroom(left, max(tops), 1.22)
    else:
        no_data(left)
    format_axis(left.yaxis, "usd")
    left.set_ylabel(f"Cost of delivery ({PER_CUSTOMER_YEAR})")
    left.set_xlabel("Tier")
    left.set_title("Cost of delivery per customer, by function")
    left.legend(
        handles=[
            Patch(color=FUNCTION_COLOURS[f], label=capital(FUNCTION_LABELS[f])) for f in functions
        ]
        + [ci_handle("95% interval of total")],
        loc="upper center",
        bbox_to_anchor=(0.5, -0.13),
        ncols=3,
    )

    # right: ARR per customer (bars, log scale) and the total cost (markers)
    values: list[float] = []
    for i, tier in enumerate(tiers):
        arr = tier_metric(metrics, tier, "arr_per_customer")
        cost = tier_metric(metrics, tier, "cost_per_customer")
        if arr.ok and arr.mean > 0:
            right.bar(i, arr.mean, width=0.62, color=BLUE, zorder=2)
            whiskers(right, [i], [arr.mean], [arr.err()])
            label_above(
                right, i, arr.high if defined(arr.high) else arr.mean, usd_compact(arr.mean)
            )
            values += [arr.mean, arr.high if defined(arr.high) else arr.mean]
        else:
            mark_na(right, i)
        if cost.ok and cost.mean > 0:
            right.scatter(
                [i],
                [cost.mean],
                marker="D",
                s=36,
                color=VERMILLION,
                zorder=5,
                edgecolors="white",
                linewidths=0.6,
            )
            values.append(cost.mean)
    tier_axis(right, tiers, tier_labels)
    right.set_title("ARR per customer vs cost of delivery")
    right.set_xlabel("Tier")
    right.set_ylabel("USD per customer-year (log scale)")
    if values:
        right.set_yscale("log")
        low = 10 ** math.floor(math.log10(min(values) * 0.8))
        high = 10 ** (math.log10(max(values)) + 0.25)
        right.set_ylim(low, high)
        right.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: usd_compact(v)))
        right.yaxis.set_minor_formatter(NullFormatter())
    else:
        no_data(right)
    right.legend(
        handles=[
            Patch(color=BLUE, label="ARR per customer"),
            Line2D(
                [],
                [],
                marker="D",
                color=VERMILLION,
                linestyle="none",
                markeredgecolor="white",
                label="Cost of delivery per customer",
            ),
            ci_handle(),
        ],
        loc="upper center",
        bbox_to_anchor=(0.5, -0.13),
        ncols=3,
    )
    return fig


# --- 5. utilisation ---------------------------------------------------------------------------

_POOLS: tuple[tuple[str, str, str], ...] = (
    ("support_utilization", "Support", FUNCTION_COLOURS["support"]),
    ("csm_utilization", "CSM", FUNCTION_COLOURS["csm"]),
    ("ps_utilization", "Professional services", FUNCTION_COLOURS["implementation"]),
)


@styled
def utilisation(
    metrics: Mapping[str, Any],
    tiers: Sequence[str],
    reference: float = 0.85,
    *,
    tier_labels: TierLabels | None = None,
) -> Figure:
    """Support, CSM and professional-services utilisation by tier, with a reference line.

    Support and PS are shared pools: a tier's bar is the share of the pool's staffed time that
    tier used (the tiers add up to the pool's utilisation under 'all'); CSM teams are per tier.
    """
    tiers = list(tiers)
    fig = new_figure(10.0, 4.8)
    ax = fig.add_subplot()
    width = 0.8 / len(_POOLS)
    top = reference
    for k, (metric, _label, colour) in enumerate(_POOLS):
        offset = (k - (len(_POOLS) - 1) / 2) * width
        for i, tier in enumerate(tiers):
            e = tier_metric(metrics, tier, metric)
            x = i + offset
            if not e.ok:
                mark_na(ax, x)
                continue
            ax.bar(x, e.mean, width=width * 0.92, color=colour, zorder=2)
            err = e.err()
            whiskers(ax, [x], [e.mean], [err])
            top = max(top, e.mean + err[1])
    ax.axhline(reference, color=BLACK, linestyle="--", linewidth=1.0, zorder=3)
    ax.annotate(
        f"{pct(reference, 0)} reference",
        (1.0, reference),
        xycoords=("axes fraction", "data"),
        xytext=(-2, 3),
        textcoords="offset points",
        ha="right",
        va="bottom",
        fontsize=8.5,
    )
    tier_axis(ax, tiers, tier_labels)
    ax.set_ylim(0, max(1.05, top * 1.08))
    format_axis(ax.yaxis, "share")
    ax.set_ylabel("Utilisation (share of staffed time)")
    ax.set_xlabel("Tier (support and PS: the tier's share of the shared pool)")
    ax.set_title("Staff utilisation by tier")
    fig.legend(
        handles=[Patch(color=c, label=label) for _m, label, c in _POOLS] + [ci_handle()],
        loc="outside lower center",
        ncols=4,
    )
    return fig
