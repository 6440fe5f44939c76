"""Figures of a run's support service and staff queues: SLA attainment and mean wait by tier,
the wait-time distribution by tier (summary.json's "metrics"), and every staff pool's queue
length and utilisation by month (timeseries.csv rows).

Tiers are named by `tier_labels` (the scenario's tier labels; `all` reads "All customers"); without
them a tier shows its key.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from matplotlib.figure import Figure

from simcs.records import WAIT_POINTS
from simcs.reporting.figures.axes import (
    ci_handle,
    defined,
    format_axis,
    headroom,
    label_above,
    mark_na,
    no_data,
    num,
    pct,
    plain,
    tier_axis,
    tier_colours,
    tier_metric,
    whiskers,
)
from simcs.reporting.figures.labels import TierLabels, tier_label
from simcs.reporting.figures.style import PALETTE, new_figure, styled
from simcs.stats import t_interval

# --- 3. support service -----------------------------------------------------------------------


@styled
def support_service(
    metrics: Mapping[str, Any], tiers: Sequence[str], *, tier_labels: TierLabels | None = None
) -> Figure:
    """Support SLA attainment (share of cases) and mean wait (business hours) by tier."""
    tiers = list(tiers)
    colours = tier_colours(tiers)
    fig = new_figure(11.0, 4.4)
    sla_ax, wait_ax = fig.subplots(1, 2)
    fig.suptitle("Support service level by tier")
    for ax, metric, kind in (
        (sla_ax, "support_sla_met", "share"),
        (wait_ax, "support_wait_hours_mean", "number"),
    ):
        tops: list[float] = []
        for i, tier in enumerate(tiers):
            e = tier_metric(metrics, tier, metric)
            if not e.ok:
                mark_na(ax, i)
                continue
            ax.bar(i, e.mean, width=0.62, color=colours[tier], zorder=2)
            err = e.err()
            whiskers(ax, [i], [e.mean], [err])
            text = pct(e.mean) if kind == "share" else f"{plain(e.mean)} h"
            label_above(ax, i, e.mean + err[1], text)
            tops.append(e.mean + err[1])
        tier_axis(ax, tiers, tier_labels)
        ax.set_xlabel("Tier")
        if not tops:
            no_data(ax)
        if kind == "share":
            ax.set_ylim(0, 1.12)
            ax.set_yticks([0, 0.2, 0.4, 0.6, 0.8, 1.0])
        elif tops:
            headroom(ax, max(tops), 1.15)
        format_axis(ax.yaxis, kind)
    sla_ax.set_ylabel("Cases answered within SLA (share of cases)")
    sla_ax.set_title("SLA attainment")
    wait_ax.set_ylabel("Mean wait in queue (business hours)")
    wait_ax.set_title("Mean wait for an agent")
    fig.legend(handles=[ci_handle()], loc="outside lower center")
    return fig


@styled
def wait_distribution(
    metrics: Mapping[str, Any], tiers: Sequence[str], *, tier_labels: TierLabels | None = None
) -> Figure:
    """Share of each tier's cases reaching an agent within 15 min, 1, 4, 8 and 24 business
    hours (points of the wait-time distribution), with 95% intervals."""
    tiers = list(tiers)
    colours = tier_colours(tiers)
    fig = new_figure(8.0, 4.6)
    ax = fig.subplots()
    x = [limit for _, limit in WAIT_POINTS]
    drawn = False
    for tier in tiers:
        points = [tier_metric(metrics, tier, f"support_wait_within_{p}") for p, _ in WAIT_POINTS]
        ys = [e.mean for e in points]
        if not any(defined(y) for y in ys):
            continue
        ax.plot(
            x, ys, marker="o", color=colours[tier], label=tier_label(tier, tier_labels), zorder=3
        )
        whiskers(ax, x, ys, [e.err() for e in points], color=colours[tier])
        drawn = True
    if not drawn:
        no_data(ax)
    ax.set_xscale("log")
    ax.set_xticks(x)
    ax.set_xticklabels(["15 min", "1 h", "4 h", "8 h", "24 h"])
    ax.set_ylim(0, 1.05)
    format_axis(ax.yaxis, "share")
    ax.set_xlabel("Wait for an agent, at most (business hours, log scale)")
    ax.set_ylabel("Cases answered within the wait (share of cases)")
    ax.set_title("Support wait-time distribution by tier")
    handles, labels = ax.get_legend_handles_labels()
    fig.legend(
        [*handles, ci_handle()],
        [*labels, "95% interval"],
        loc="outside lower center",
        ncols=min(6, len(handles) + 1),
    )
    return fig


@styled
def pools_over_time(rows: Sequence[Mapping[str, Any]]) -> Figure:
    """Every pool's mean queue length and utilisation by month (timeseries.csv rows), mean over
    replications with 95% bands."""
    cells: dict[tuple[str, int], dict[str, list[float]]] = defaultdict(
        lambda: {"queue_length": [], "utilization": []}
    )
    for row in rows:
        key = (str(row["pool"]), int(float(row["month"])))
        for field in ("queue_length", "utilization"):
            value = num(row.get(field))
            if defined(value):
                cells[key][field].append(value)
    pools = list(dict.fromkeys(pool for pool, _ in cells))
    colours = {pool: PALETTE[i % len(PALETTE)] for i, pool in enumerate(pools)}
    fig = new_figure(11.0, 4.6)
    queue_ax, util_ax = fig.subplots(1, 2)
    fig.suptitle("Staff pools over time")
    for ax, field in ((queue_ax, "queue_length"), (util_ax, "utilization")):
        for pool in pools:
            months = sorted(m for p, m in cells if p == pool)
            ivs = [t_interval(cells[(pool, m)][field]) for m in months]
            xs = [m for m, iv in zip(months, ivs, strict=True) if iv.n]
            means = [iv.mean for iv in ivs if iv.n]
            if not xs:
                continue
            ax.plot(xs, means, color=colours[pool], label=pool, zorder=3)
            lows = [iv.low if defined(iv.low) else iv.mean for iv in ivs if iv.n]
            highs = [iv.high if defined(iv.high) else iv.mean for iv in ivs if iv.n]
            if field == "utilization":
                lows = [max(0.0, v) for v in lows]
                highs = [min(1.0, v) for v in highs]
            else:
                lows = [max(0.0, v) for v in lows]
            ax.fill_between(xs, lows, highs, color=colours[pool], alpha=0.18, linewidth=0)
        ax.set_xlabel("Month of the horizon")
        if not pools:
            no_data(ax)
    queue_ax.set_ylabel("Work items waiting, monthly mean (count)")
    queue_ax.set_title("Queue length")
    util_ax.set_ylabel("Busy time / staffed time (share)")
    util_ax.set_ylim(0, 1.05)
    format_axis(util_ax.yaxis, "share")
    util_ax.set_title("Utilisation")
    handles, labels = queue_ax.get_legend_handles_labels()
    if handles:
        fig.legend(handles, labels, loc="outside lower center", ncols=min(6, len(handles)))
    return fig
