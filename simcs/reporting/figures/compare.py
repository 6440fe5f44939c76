"""Figures of a comparison (an experiment's summary.json): the forest plot of paired
differences of one metric with their verdicts, and each variant's cost of delivery against
GRR and NRR.

Differences of share metrics are drawn in percentage points, of USD metrics in dollars (the
catalogue's kind of number). A comparison is made for a scope: a service tier, a customer
group (`group:NAME`: the same customers in every variant, however each segments them) or `all`;
scopes are named by `tier_labels` (the scenario's tier and group labels; `all` reads
"All customers"); without them a scope shows its key.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter

from simcs.catalogue import metric as catalogue_entry
from simcs.reporting.figures.axes import ci_handle, defined, est, format_axis, no_data, num, plain
from simcs.reporting.figures.labels import (
    PER_CUSTOMER_YEAR,
    TierLabels,
    difference_unit,
    inline,
    metric_label,
    scope_noun,
    tier_label,
)
from simcs.reporting.figures.style import BLACK, GREY, PALETTE, VERDICT_COLOURS, new_figure, styled

# --- 6. forest plot ---------------------------------------------------------------------------


@styled
def forest(
    comparisons: Sequence[Mapping[str, Any]],
    metric: str,
    tier: str | None = None,
    *,
    tier_labels: TierLabels | None = None,
) -> Figure:
    """Paired differences of one metric (variant minus reference) with their 95% intervals.

    One row per comparison (per variant, and per scope -- tier, customer group or all -- when
    `tier` is None, the scopes in the order they first appear); the marker colour is the
    verdict (better green, worse vermillion, no detectable difference grey). Share metrics are
    shown in percentage points.
    """
    rows = [
        c
        for c in comparisons
        if c.get("metric") == metric and (tier is None or c.get("tier") == tier)
    ]
    if tier is None:
        tier_order = list(dict.fromkeys(str(c.get("tier")) for c in rows))
        rows.sort(key=lambda c: tier_order.index(str(c.get("tier"))))
    u = catalogue_entry(metric)
    scale = 100.0 if u.kind == "share" else 1.0
    references = sorted({str(c.get("reference")) for c in rows})
    one_reference = len(references) == 1
    fig = new_figure(8.5, 1.6 + 0.42 * max(len(rows), 2))
    ax = fig.add_subplot()
    ax.grid(False)
    ax.grid(True, axis="x")
    labels: list[str] = []
    ys = list(range(len(rows)))[::-1]  # first row at the top
    verdicts: dict[str, str] = {}
    previous_tier: str | None = None
    for y, c in zip(ys, rows, strict=True):
        name = str(c.get("variant"))
        if not one_reference:
            name += f" vs {c.get('reference')}"
        if tier is None:
            name = f"{tier_label(str(c.get('tier')), tier_labels)} \u00b7 {name}"
            if previous_tier is not None and c.get("tier") != previous_tier:
                ax.axhline(y + 0.5, color="#CCCCCC", linewidth=0.7)
            previous_tier = str(c.get("tier"))
        labels.append(name)
        verdict = str(c.get("verdict") or "no detectable difference")
        colour = VERDICT_COLOURS.get(verdict, GREY)
        verdicts.setdefault(verdict, colour)
        d = num(c.get("difference")) * scale
        lo, hi = num(c.get("ci95_low")) * scale, num(c.get("ci95_high")) * scale
        if not defined(d):
            ax.text(
                0, y, "n/a", ha="center", va="center", fontsize=8, color="#555555", style="italic"
            )
            continue
        if defined(lo) and defined(hi):
            ax.hlines(y, lo, hi, color=colour, linewidth=2.0, zorder=2)
            ax.vlines([lo, hi], y - 0.12, y + 0.12, color=colour, linewidth=1.4, zorder=2)
        ax.scatter([d], [y], s=48, color=colour, edgecolors="white", linewidths=0.7, zorder=3)
        p = num(c.get("p_holm"))
        if defined(p):
            ax.annotate(
                f"p(Holm) {'< 0.001' if p < 0.001 else f'= {p:.3f}'}",
                (1.0, y),
                xycoords=("axes fraction", "data"),
                xytext=(6, 0),
                textcoords="offset points",
                ha="left",
                va="center",
                fontsize=8,
                color="#444444",
            )
    ax.axvline(0.0, color=BLACK, linewidth=0.9, zorder=1)
    ax.set_yticks(ys, labels)
    ax.tick_params(axis="y", length=0)
    ax.set_ylim(-0.7, max(len(rows), 1) - 0.3)
    if not rows:
        no_data(ax, f"no comparisons of {metric}")
    ref = references[0] if one_reference else "reference"
    ax.set_xlabel(f"Difference in {inline(u.label)}, variant minus {ref} ({difference_unit(u)})")
    noun = scope_noun(str(c.get("tier")) for c in rows)
    ax.set_ylabel("Comparison" if tier is not None else f"{noun} \u00b7 comparison")
    if u.kind == "usd":
        format_axis(ax.xaxis, "usd")
    else:  # shares are drawn in points here, not as a share of 1
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: plain(v)))
    where = f", {tier_label(tier, tier_labels)}" if tier is not None else ""
    ax.set_title(f"Paired difference in {inline(u.label)}{where}")
    order = ["better", "no detectable difference", "worse"]
    handles = [
        Line2D(
            [],
            [],
            marker="o",
            color=col,
            linestyle="none",
            markeredgecolor="white",
            markersize=7,
            label=v,
        )
        for v, col in sorted(
            verdicts.items(),
            key=lambda kv: (order.index(kv[0]) if kv[0] in order else len(order), kv[0]),
        )
    ]
    handles.append(Line2D([], [], color=GREY, linewidth=2.0, label="95% interval"))
    fig.legend(handles=handles, loc="outside lower center", ncols=len(handles))
    return fig


# --- 7. trade-off -----------------------------------------------------------------------------


@styled
def tradeoff(tradeoff: Mapping[str, Mapping[str, Any]]) -> Figure:
    """Cost of delivery per customer against GRR (left) and NRR (right), one point per variant.

    `tradeoff` = summary["tradeoff"]: {variant: {"cost_per_customer"|"grr"|"nrr": {mean,
    ci95_low, ci95_high}}}; whiskers are the 95% intervals in both directions.
    """
    variants = list(tradeoff)
    colours = {v: PALETTE[i % len(PALETTE)] for i, v in enumerate(variants)}
    fig = new_figure(11.5, 4.6)
    axes = fig.subplots(1, 2, sharex=True)
    fig.suptitle("Cost of delivery vs retention, by variant")
    for ax, metric in zip(axes, ("grr", "nrr"), strict=True):
        ax.grid(True, axis="both")
        drawn = 0
        for v in variants:
            entry = tradeoff.get(v) or {}
            x = est(entry.get("cost_per_customer"), "cost_per_customer")
            y = est(entry.get(metric), metric)
            if not (x.ok and y.ok):
                continue
            xe, ye = x.err(), y.err()
            ax.errorbar(
                [x.mean],
                [y.mean],
                xerr=[[xe[0]], [xe[1]]],
                yerr=[[ye[0]], [ye[1]]],
                fmt="none",
                ecolor=colours[v],
                elinewidth=1.2,
                capsize=3,
                zorder=2,
            )
            ax.scatter(
                [x.mean],
                [y.mean],
                s=55,
                color=colours[v],
                edgecolors="white",
                linewidths=0.8,
                zorder=3,
            )
            ax.annotate(
                v,
                (x.mean, y.mean),
                xytext=(7, 7),
                textcoords="offset points",
                fontsize=9,
                color="#222222",
                zorder=4,
            )
            drawn += 1
        if metric == "nrr":
            ax.axhline(1.0, color="#666666", linestyle="--", linewidth=0.9, zorder=1)
        if not drawn:
            no_data(ax)
        ax.margins(x=0.18, y=0.2)
        format_axis(ax.xaxis, "usd")
        format_axis(ax.yaxis, "share")
        ax.set_xlabel(f"Cost of delivery ({PER_CUSTOMER_YEAR})")
        ax.set_ylabel(metric_label(metric))
        ax.set_title("Gross revenue retention" if metric == "grr" else "Net revenue retention")
        ax.legend(handles=[ci_handle("95% intervals")], loc="lower right")
    return fig
