"""The staffing figure of a run (timeseries.csv rows): for each staff pool whose staffing changes
over time (a staffing policy moved its target, opened positions or let people go; without one,
the CSM teams and support), people on payroll month by month against the target headcount and
against the need, and beneath it the pool's utilisation against the utilisation target.

Top panel: headcount on payroll at each month's end, mean over replications with its 95% band;
the policy's target headcount (mean; the fixed headcount without a policy); the need = busy FTE /
utilisation target, where busy FTE is approximated as utilisation x productive FTE (utilisation
is busy / present seat-time over the month, productive FTE is counted at its end with a ramping
hire as half), so a pool above its need has slack and one below it runs hotter than planned.
Bottom panel: the pool's utilisation (mean with its 95% band) and the target line; a pool with
no timed work (operations) has none and says so. Months on the x axis, ticks at quarter ends.
Rows without the staffing columns (an old timeseries.csv) give a figure that says so.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from simcs.records import SeriesRow
from simcs.reporting.figures.axes import format_axis, no_data, pct
from simcs.reporting.figures.style import (
    BLACK,
    FUNCTION_COLOURS,
    GREY,
    PALETTE,
    VERMILLION,
    new_figure,
    styled,
)
from simcs.reporting.staffing import (
    UTILIZATION_TARGET,
    busy_fte,
    field_value,
    figure_pools,
    has_staffing,
    mean_of,
    series_from_csv,
)
from simcs.stats import Interval, t_interval

#: Pools per row of the figure.
COLUMNS = 3


@dataclass(frozen=True, slots=True)
class MonthPoint:
    """One pool's month over replications: people on payroll (with its interval), target,
    need (busy FTE / utilisation target) and utilisation (with its interval)."""

    month: int
    headcount: Interval
    target: float
    need: float
    utilization: Interval


def monthly_staffing(
    series: Sequence[SeriesRow], utilization_target: float = UTILIZATION_TARGET
) -> dict[str, list[MonthPoint]]:
    """pool -> its months in order, over replications (pools in the series' order)."""
    cells: defaultdict[str, defaultdict[int, list[SeriesRow]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for row in series:
        cells[row[2]][row[1]].append(row)
    return {
        pool: [
            MonthPoint(
                month=month,
                headcount=t_interval([field_value(r, "headcount") for r in rows]),
                target=mean_of(field_value(r, "target_headcount") for r in rows),
                need=busy_fte(rows) / utilization_target,
                utilization=t_interval([field_value(r, "utilization") for r in rows]),
            )
            for month, rows in sorted(by_month.items())
        ]
        for pool, by_month in cells.items()
    }


def pool_colour(pool: str, index: int) -> str:
    """The colour of a pool's function (csm.smb: the CSM colour), else a palette colour."""
    return FUNCTION_COLOURS.get(pool.split(".", 1)[0], PALETTE[index % len(PALETTE)])


def _band(
    ax: Axes, points: Sequence[MonthPoint], field: str, colour: str, cap: float | None = None
) -> bool:
    """A mean line with its 95% band (the mean where the interval is undefined); False if the
    field has no defined month."""
    kept = [(p.month, getattr(p, field)) for p in points if getattr(p, field).n]
    if not kept:
        return False
    xs = [m for m, _ in kept]
    means = [iv.mean for _, iv in kept]
    lows = [max(0.0, iv.mean if math.isnan(iv.low) else iv.low) for _, iv in kept]
    highs = [iv.mean if math.isnan(iv.high) else iv.high for _, iv in kept]
    if cap is not None:
        highs = [min(cap, v) for v in highs]
    ax.fill_between(xs, lows, highs, color=colour, alpha=0.2, linewidth=0)
    ax.plot(xs, means, color=colour, zorder=3)
    return True


def quarter_ticks(ax: Axes, months: int) -> None:
    """Ticks at quarter ends (labelled at year ends only beyond three years)."""
    ticks = list(range(3, months + 1, 3))
    every = 1 if len(ticks) <= 12 else 4
    ax.set_xticks(ticks)
    ax.set_xticklabels([str(m) if (i + 1) % every == 0 else "" for i, m in enumerate(ticks)])
    ax.set_xlim(0.5, months + 0.5)


def _pool_panels(
    top: Axes, bottom: Axes, pool: str, points: Sequence[MonthPoint], colour: str, target: float
) -> None:
    months = max(p.month for p in points)
    xs = [p.month for p in points]
    _band(top, points, "headcount", colour)
    top.plot(xs, [p.target for p in points], color=BLACK, linestyle="--", linewidth=1.2, zorder=4)
    need = [(p.month, p.need) for p in points if not math.isnan(p.need)]
    if need:
        top.plot(*zip(*need, strict=True), color=VERMILLION, linestyle=":", linewidth=1.6)
    top.set_ylim(bottom=0)
    top.set_title(f"{pool}: people on payroll")
    top.set_ylabel("People (month end)")
    quarter_ticks(top, months)
    top.tick_params(labelbottom=False)
    if _band(bottom, points, "utilization", colour, cap=1.0):
        bottom.axhline(target, color=BLACK, linestyle="--", linewidth=1.0, zorder=4)
    else:
        no_data(bottom, "no utilisation (no timed work)")
    bottom.set_ylim(0, 1.05)
    format_axis(bottom.yaxis, "share")
    bottom.set_title(f"{pool}: utilisation")
    bottom.set_ylabel("Busy / staffed time")
    bottom.set_xlabel("Month of the horizon")
    quarter_ticks(bottom, months)


def _legend(fig: Figure, target: float, columns: int) -> None:
    share = pct(target, 0)
    handles = [
        Line2D([], [], color=GREY, label="On payroll (mean)"),
        Patch(color=GREY, alpha=0.35, label="95% interval over replications"),
        Line2D([], [], color=BLACK, linestyle="--", label=f"Target (headcount, {share})"),
        Line2D([], [], color=VERMILLION, linestyle=":", label=f"Need: busy FTE / {share}"),
    ]
    ncols = len(handles) if columns >= COLUMNS else 2
    fig.legend(handles=handles, loc="outside lower center", ncols=ncols)


@styled
def staffing(
    rows: Sequence[Mapping[str, Any]],
    pools: Sequence[str] | None = None,
    utilization_target: float = UTILIZATION_TARGET,
    *,
    title: str = "Staffing over time",
) -> Figure:
    """People on payroll against target and need, and utilisation, month by month, for `pools`
    (default: those whose staffing changes over time, else the CSM teams and support)."""
    fig = new_figure(11.0, 4.0)
    if not rows or not has_staffing(rows[0].keys()):
        ax = fig.add_subplot()
        ax.set_title(title)
        ax.set_xlabel("Month of the horizon")
        no_data(ax, "no staffing columns in this timeseries")
        return fig
    series = series_from_csv(rows)
    by_pool = monthly_staffing(series, utilization_target)
    shown = [p for p in (pools if pools is not None else figure_pools(series)) if p in by_pool]
    if not shown:
        ax = fig.add_subplot()
        ax.set_title(title)
        ax.set_xlabel("Month of the horizon")
        no_data(ax)
        return fig
    columns = min(COLUMNS, len(shown))
    lines = math.ceil(len(shown) / columns)
    fig.set_size_inches(max(7.0, 3.8 * columns), 4.6 * lines + 0.8)
    grid = fig.add_gridspec(2 * lines, columns, height_ratios=[2, 1] * lines)
    fig.suptitle(title)
    for i, pool in enumerate(shown):
        line, column = divmod(i, columns)
        top = fig.add_subplot(grid[2 * line, column])
        bottom = fig.add_subplot(grid[2 * line + 1, column], sharex=top)
        colour = pool_colour(pool, i)
        _pool_panels(top, bottom, pool, by_pool[pool], colour, utilization_target)
    _legend(fig, utilization_target, columns)
    return fig
