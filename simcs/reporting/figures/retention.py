"""Figure of a run's retention year by year (replications.csv rows): GRR and logo retention
per year by scope (service tiers, or customer groups `group:NAME`), and the cumulative survival
of the starting book, against the shifted-beta-geometric curve where the churn drivers are
neutral.

The sBG reference belongs to a customer group (its `population.<name>.renewal` law): a tier
serves customers of several groups, and of other groups once customers are re-tiered, so it
has no one law. Scopes are named by `tier_labels` (the scenario's tier and group labels; `all`
reads "All customers"); without them a scope shows its key.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator

from simcs.formulas.sbg import sbg_survival
from simcs.reporting.figures.axes import (
    Est,
    ci_handle,
    clipped,
    defined,
    format_axis,
    no_data,
    num,
    tier_colours,
    whiskers,
)
from simcs.reporting.figures.labels import TierLabels, tier_label
from simcs.reporting.figures.style import new_figure, styled
from simcs.stats import t_interval

# --- 4. retention by year ---------------------------------------------------------------------


def _by_replication_year(
    rows: Sequence[Mapping[str, Any]], tier: str, metric: str
) -> dict[int, dict[int, float]]:
    """{replication: {year: value}} of one tier and metric (undefined values left out)."""
    out: dict[int, dict[int, float]] = defaultdict(dict)
    for row in rows:
        if row.get("tier") != tier or row.get("metric") != metric:
            continue
        r, y, v = num(row.get("replication")), num(row.get("year")), num(row.get("value"))
        if defined(r) and defined(y) and defined(v):
            out[int(r)][int(y)] = v
    return out


def _yearly(
    values: Mapping[int, Mapping[int, float]], years: Sequence[int], metric: str
) -> list[Est]:
    ests = []
    for y in years:
        iv = t_interval([by_year[y] for by_year in values.values() if y in by_year])
        ests.append(clipped(Est(iv.mean, iv.low, iv.high), metric))
    return ests


@styled
def retention_by_year(
    rows: Sequence[Mapping[str, Any]],
    tiers: Sequence[str],
    sbg: Mapping[str, tuple[float, float]] | None = None,
    *,
    tier_labels: TierLabels | None = None,
    title: str = "Retention by year",
) -> Figure:
    """GRR and logo retention per year by scope, and cumulative cohort survival.

    `rows`: replications.csv of a run (replication, year, tier, metric, value; `tier` holds the
    scope). `tiers`: the scopes drawn (tiers, `group:NAME` or `all`). Points are the mean over
    replications with the Student-t 95% interval; survival is the product of a replication's
    yearly logo retention, averaged over replications. `sbg` (scope -> (alpha, beta), for
    customer groups) adds the shifted-beta-geometric survival S(t) = B(a, b + t) / B(a, b) as
    dashed lines.
    """
    tiers = list(tiers)
    colours = tier_colours(tiers)
    fig = new_figure(13.5, 4.4)
    axes = fig.subplots(1, 3)
    fig.suptitle(title)
    years = sorted(
        {
            int(num(row.get("year")))
            for row in rows
            if row.get("tier") in tiers
            and defined(num(row.get("year")))
            and num(row.get("year")) >= 1  # a per-replication metric's rows have year 0
        }
    )
    n = len(tiers)
    dodge = {t: (i - (n - 1) / 2) * min(0.08, 0.4 / max(n, 1)) for i, t in enumerate(tiers)}
    plotted = [False, False, False]
    lows: list[list[float]] = [[], []]  # lowest values of the yearly panels, of survival
    for tier in tiers:
        c = colours[tier]
        for k, metric in enumerate(("grr", "logo_retention")):
            ests = _yearly(_by_replication_year(rows, tier, metric), years, metric)
            xs = [y + dodge[tier] for y, e in zip(years, ests, strict=True) if e.ok]
            ys = [e.mean for e in ests if e.ok]
            if not xs:
                continue
            plotted[k] = True
            axes[k].plot(xs, ys, color=c, marker="o", markersize=5, zorder=3)
            whiskers(axes[k], xs, ys, [e.err() for e in ests if e.ok], color=c)
            lows[0] += [e.low if defined(e.low) else e.mean for e in ests if e.ok]
        # survival of the t=0 book (its own metric); else the product of yearly logo retention
        cohort = _by_replication_year(rows, tier, "initial_cohort_survival")
        per_rep = _by_replication_year(rows, tier, "logo_retention")
        surv_years, surv = [0], [Est(1.0)]
        for j in range(len(years)):
            prods = []
            if cohort:
                prods = [by_year[years[j]] for by_year in cohort.values() if years[j] in by_year]
            else:
                for by_year in per_rep.values():
                    if all(yy in by_year for yy in years[: j + 1]):
                        prods.append(math.prod(by_year[yy] for yy in years[: j + 1]))
            if prods:
                iv = t_interval(prods)
                surv_years.append(j + 1)
                surv.append(clipped(Est(iv.mean, iv.low, iv.high), "logo_retention"))
        if len(surv) > 1:
            plotted[2] = True
            xs = [t + dodge[tier] if t else 0.0 for t in surv_years]  # all start at (0, 1)
            axes[2].plot(xs, [e.mean for e in surv], color=c, marker="o", markersize=5, zorder=3)
            whiskers(axes[2], xs, [e.mean for e in surv], [e.err() for e in surv], color=c)
            lows[1] += [e.low if defined(e.low) else e.mean for e in surv]
        if sbg and tier in sbg and years:
            a, b = sbg[tier]
            ts = list(range(0, len(years) + 1))
            s = [sbg_survival(float(a), float(b), t) for t in ts]
            axes[2].plot(ts, s, color=c, linestyle="--", linewidth=1.4, zorder=2)
            lows[1] += s
    titles = ("Gross revenue retention", "Logo retention", "Cumulative cohort survival")
    ylabels = (
        "GRR (share of cohort ARR retained)",
        "Logo retention (share of cohort customers)",
        "Surviving customers (share of starting cohort)",
    )
    # GRR and logo retention on one scale, so the panels compare; survival on its own
    bottoms = [max(0.0, math.floor((min(v) - 0.01) * 20) / 20) if v else 0.0 for v in lows]
    for k, ax in enumerate(axes):
        ax.set_title(titles[k])
        ax.set_ylabel(ylabels[k])
        ax.set_xlabel("Simulation year" if k < 2 else "Years since start of measurement")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        if len(years) == 1:  # one year: its tick alone, the point in the middle
            ticks = years if k < 2 else [0, 1]
            ax.set_xticks(ticks)
            ax.set_xlim(ticks[0] - 0.5, ticks[-1] + 0.5)
        ax.set_ylim(bottoms[0 if k < 2 else 1], 1.01)
        format_axis(ax.yaxis, "share")
        if not plotted[k]:
            no_data(ax)
    handles: list[Any] = [
        Line2D([], [], color=colours[t], marker="o", markersize=5, label=tier_label(t, tier_labels))
        for t in tiers
    ]
    handles.append(ci_handle("95% interval (t, across replications)"))
    if sbg:
        handles.append(
            Line2D(
                [],
                [],
                color="#444444",
                linestyle="--",
                linewidth=1.4,
                label="sBG (drivers neutral)",
            )
        )
    fig.legend(handles=handles, loc="outside right upper")
    return fig
