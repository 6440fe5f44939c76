"""Figures of planning results: the staffing frontier of a sizing (sizing.json), each metric
against the swept parameter of a sweep (points.csv), and the path of a budget allocation
(allocation.json) from the floor plan to the allocated one.

Values are formatted by the catalogue's kind of number; tiers are named by `tier_labels` (the
scenario's tier labels; `all` reads "All customers"); without them a tier shows its key.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from simcs.catalogue import metric as catalogue_entry
from simcs.reporting.figures.axes import (
    Est,
    ci_handle,
    clipped,
    defined,
    est,
    format_axis,
    no_data,
    num,
    plain,
    usd_compact,
    whiskers,
)
from simcs.reporting.figures.labels import (
    TierLabels,
    capital,
    metric_label,
    tier_label,
)
from simcs.reporting.figures.labels import param_label as default_param_label
from simcs.reporting.figures.style import (
    BLACK,
    BLUE,
    GREEN,
    VERDICT_COLOURS,
    VERMILLION,
    new_figure,
    styled,
)


@styled
def staffing_frontier(doc: Mapping[str, Any]) -> Figure:
    """Every simulated staffing plan (sizing.json): loaded staff cost against each target's
    metric, plans that meet every target in green, the others in vermillion, the target as a
    dashed line and the recommended plan marked."""
    targets = list(doc.get("targets") or [])
    plans = list(doc.get("plans") or [])
    recommended = doc.get("recommended")
    fig = new_figure(max(6.0, 5.2 * max(1, len(targets))), 4.8)
    axes = fig.subplots(1, max(1, len(targets)), squeeze=False)[0]
    fig.suptitle("Staffing frontier: what each plan costs and buys")
    for ax, target in zip(axes, targets, strict=False):
        label = target["label"]
        for plan in plans:
            value = plan["values"].get(label, {})
            mean = num(value.get("mean"))
            if not defined(mean):
                continue
            x = num(plan["staff_cost"])
            colour = VERDICT_COLOURS["better"] if plan["holds"] else VERDICT_COLOURS["worse"]
            est = clipped(
                Est(mean, num(value.get("ci95_low")), num(value.get("ci95_high"))),
                str(target["metric"]),
            )
            err = est.err()
            whiskers(ax, [x], [mean], [err], color=colour)
            ax.plot([x], [mean], marker="o", color=colour, linestyle="none", zorder=3)
            if recommended is not None and plan["headcounts"] == recommended:
                ax.plot(
                    [x], [mean], marker="*", markersize=16, color=BLACK, linestyle="none", zorder=5
                )
                text = ", ".join(f"{p} = {h}" for p, h in plan["headcounts"].items())
                ax.annotate(
                    text,
                    (x, mean),
                    xytext=(8, -14),
                    textcoords="offset points",
                    fontsize=8.5,
                    fontweight="bold",
                )
        ax.axhline(
            float(target["value"]),
            color=BLACK,
            linestyle="--",
            linewidth=1.0,
            label=f"target {target['op']} {float(target['value']):g}",
        )
        ax.set_xlabel("Loaded staff cost (USD per year)")
        ax.set_ylabel(metric_label(str(target["metric"])))
        ax.set_title(f"{label}")
        format_axis(ax.xaxis, "usd")
    if not targets:
        no_data(axes[0])
    handles = [
        Line2D(
            [],
            [],
            marker="o",
            color=VERDICT_COLOURS["better"],
            linestyle="none",
            label="targets hold",
        ),
        Line2D(
            [],
            [],
            marker="o",
            color=VERDICT_COLOURS["worse"],
            linestyle="none",
            label="a target fails",
        ),
        Line2D(
            [],
            [],
            marker="*",
            markersize=12,
            color=BLACK,
            linestyle="none",
            label="recommended plan",
        ),
        Line2D([], [], color=BLACK, linestyle="--", label="target"),
        ci_handle(),
    ]
    fig.legend(handles=handles, loc="outside lower center", ncols=5)
    return fig


@styled
def frontier(
    points: Sequence[Mapping[str, Any]],
    param: str,
    metrics: Sequence[str],
    recommended: float | None = None,
    *,
    tier: str = "all",
    param_label: str | None = None,
    tier_labels: TierLabels | None = None,
) -> Figure:
    """Each metric against the swept parameter with its 95% band (points.csv of a sweep).

    `recommended` marks a parameter value with a vertical line; `param_label` overrides the x
    label (by default the parameter path with a unit guessed from its name).
    """
    metrics = list(metrics)
    n = max(len(metrics), 1)
    ncols = 2 if n in (2, 4) else min(3, n)
    nrows = math.ceil(n / ncols)
    fig = new_figure(4.4 * ncols + 0.6, 3.6 * nrows + 0.5)
    grid = fig.subplots(nrows, ncols, squeeze=False)
    axes = [a for row in grid for a in row]
    for extra in axes[n:]:
        fig.delaxes(extra)
    fig.suptitle(f"Sweep of {param} ({tier_label(tier, tier_labels)})")
    xlabel = param_label or default_param_label(param)
    rows = [p for p in points if p.get("tier", tier) == tier]
    raw_x = [p.get(param) for p in rows]
    numeric = all(defined(num(x)) for x in raw_x)
    categories = list(dict.fromkeys(str(x) for x in raw_x))
    for ax, metric in zip(axes, metrics or [""], strict=False):
        u = catalogue_entry(metric)
        data = []
        for p in rows:
            if p.get("metric") != metric:
                continue
            x = num(p.get(param)) if numeric else float(categories.index(str(p.get(param))))
            e = est(p, metric)
            data.append((x, e.mean, e.low, e.high))
        data = sorted(d for d in data if defined(d[1]))
        if data:
            xs = [d[0] for d in data]
            ax.plot(xs, [d[1] for d in data], color=BLUE, marker="o", markersize=5, zorder=3)
            band = [d for d in data if defined(d[2]) and defined(d[3])]
            if band:
                ax.fill_between(
                    [d[0] for d in band],
                    [d[2] for d in band],
                    [d[3] for d in band],
                    color=BLUE,
                    alpha=0.2,
                    linewidth=0,
                    zorder=2,
                )
        else:
            no_data(ax, f"no data for {metric}" if metric else "no metrics")
        if recommended is not None and numeric and defined(num(recommended)):
            ax.axvline(
                float(recommended), color=VERMILLION, linestyle="--", linewidth=1.2, zorder=4
            )
            ax.annotate(
                f"recommended: {plain(float(recommended))}",
                (float(recommended), 1.0),
                xycoords=("data", "axes fraction"),
                xytext=(4, -4),
                textcoords="offset points",
                ha="left",
                va="top",
                fontsize=8.5,
                color=VERMILLION,
            )
        if numeric:
            if all(num(x).is_integer() for x in raw_x):
                ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        else:
            ax.set_xticks(range(len(categories)), categories)
        format_axis(ax.yaxis, u.kind)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(capital(u.unit) if metric else "Value")
        ax.set_title(u.label if metric else "no metrics")
    handles: list[Any] = [
        Line2D([], [], color=BLUE, marker="o", markersize=5, label="mean"),
        Patch(color=BLUE, alpha=0.2, label="95% interval"),
    ]
    if recommended is not None:
        handles.append(Line2D([], [], color=VERMILLION, linestyle="--", label="recommended"))
    fig.legend(handles=handles, loc="outside lower center", ncols=len(handles))
    return fig


@styled
def allocation_path(doc: Mapping[str, Any], *, tier_labels: TierLabels | None = None) -> Figure:
    """The objective against loaded staff cost along an allocation (allocation.json): the floor
    plan, each person added (labelled with its pool), the allocated plan with its 95% interval,
    and the budget as a dashed line when the limit is a budget."""
    objective = str(doc.get("objective") or "")
    entry = catalogue_entry(objective)
    start, final = doc.get("start") or {}, doc.get("final") or {}
    fig = new_figure(9.0, 5.0)
    ax = fig.add_subplot()
    ax.grid(True, axis="both")
    xs = [num(start.get("staff_cost"))]
    ys = [num((start.get("objective") or {}).get("mean"))]
    pools = ["floor"]
    for step in doc.get("steps") or []:
        xs.append(num(step.get("staff_cost")))
        ys.append(num(step.get("objective_mean")))
        pools.append(f"+{step.get('pool')}")
    path = [(x, y, p) for x, y, p in zip(xs, ys, pools, strict=True) if defined(x) and defined(y)]
    if path:
        ax.plot([p[0] for p in path], [p[1] for p in path], color=BLUE, marker="o", zorder=3)
        for x, y, pool in path:
            ax.annotate(pool, (x, y), xytext=(4, -11), textcoords="offset points", fontsize=7.5)
    else:
        no_data(ax, "no evaluated plans")
    for plan, colour, marker in ((start, BLACK, "s"), (final, GREEN, "*")):
        x = num(plan.get("staff_cost"))
        e = est(plan.get("objective"), objective)
        if defined(x) and e.ok:
            whiskers(ax, [x], [e.mean], [e.err()])
            size = 16 if marker == "*" else 8
            ax.plot([x], [e.mean], marker=marker, markersize=size, color=colour, zorder=5,
                    linestyle="none")  # fmt: skip
    limit = doc.get("limit") or {}
    budget = num(limit.get("value")) if limit.get("kind") == "budget" else float("nan")
    if defined(budget):
        ax.axvline(budget, color=VERMILLION, linestyle="--", linewidth=1.1, zorder=2)
    format_axis(ax.xaxis, "usd")
    format_axis(ax.yaxis, entry.kind)
    ax.set_xlabel("Loaded staff cost (USD per year)")
    ax.set_ylabel(metric_label(objective))
    tier = tier_label(str(doc.get("tier") or "all"), tier_labels)
    ax.set_title(f"Allocation path: {entry.label}, {tier}")
    handles: list[Any] = [
        Line2D([], [], color=BLUE, marker="o", label="plan after each person added"),
        Line2D([], [], color=BLACK, marker="s", linestyle="none", label="floor plan"),
        Line2D([], [], color=GREEN, marker="*", markersize=12, linestyle="none", label="allocated"),
        ci_handle(),
    ]
    if defined(budget):
        handles.append(
            Line2D([], [], color=VERMILLION, linestyle="--", label=f"budget {usd_compact(budget)}")
        )
    fig.legend(handles=handles, loc="outside lower center", ncols=len(handles))
    return fig
