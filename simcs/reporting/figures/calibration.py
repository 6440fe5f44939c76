"""Figures of a calibration (calibration.json): each customer group's observed survival against
its fitted sBG law (and the law projected beyond the data), the handle times against their
fitted lognormal law, and each group's case rate with its 95% interval."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from scipy import stats

from simcs.reporting.figures.axes import ci_handle, defined, no_data, num, whiskers
from simcs.reporting.figures.style import BLACK, PALETTE, new_figure, styled


def _groups(doc: Mapping[str, Any], block: str) -> list[tuple[str, Mapping[str, Any]]]:
    groups = doc.get("groups") or {}
    return [(str(name), g[block]) for name, g in groups.items() if g.get(block)]


@styled
def survival_fit(doc: Mapping[str, Any]) -> Figure:
    """Share of each group's customers still under contract after 1, 2, ... renewals: observed
    (Kaplan-Meier, dots), fitted sBG law (solid line), projected beyond the data (dashed)."""
    fig = new_figure(8.5, 4.8)
    ax = fig.subplots()
    ax.set_title("Survival by renewal: observed and fitted (sBG)")
    drawn = _groups(doc, "renewal")
    if not drawn:
        no_data(ax, "no renewal law fitted")
        return fig
    for k, (name, renewal) in enumerate(drawn):
        colour = PALETTE[k % len(PALETTE)]
        observed = [num(v) for v in renewal.get("survival_observed") or []]
        fitted = [num(v) for v in renewal.get("survival_fitted") or []]
        projected = [num(v) for v in renewal.get("survival_projected") or []]
        periods = range(0, len(fitted) + 1)
        ax.plot(list(periods), [1.0, *fitted], color=colour, lw=1.8)
        ax.plot(range(1, len(observed) + 1), observed, "o", color=colour, ms=5)
        if projected:
            last = len(fitted)
            ax.plot(
                range(last, last + len(projected) + 1),
                [fitted[-1] if fitted else 1.0, *projected],
                "--",
                color=colour,
                lw=1.4,
            )
        n = renewal.get("n_accounts")
        label = f"{name} ({n:,} accounts)" if isinstance(n, int) else name
        ax.plot([], [], color=colour, lw=1.8, label=label)
    ax.set_xlabel("Renewals")
    ax.set_ylabel("Share of customers still under contract")
    ax.set_ylim(0, 1.02)
    ax.yaxis.set_major_formatter(lambda v, _p: f"{v:.0%}")
    handles, labels = ax.get_legend_handles_labels()
    handles += [
        Line2D([], [], marker="o", ls="", color=BLACK, label="observed (Kaplan-Meier)"),
        Line2D([], [], color=BLACK, label="fitted sBG law"),
        Line2D([], [], color=BLACK, ls="--", label="projected"),
    ]
    ax.legend(handles=handles, loc="lower left", fontsize=8)
    return fig


@styled
def handle_time_fit(doc: Mapping[str, Any]) -> Figure:
    """The handle times of every ticket (histogram, log-spaced bins) against the density of the
    fitted lognormal law, with the Kolmogorov-Smirnov distance between them."""
    fig = new_figure(8.5, 4.2)
    ax = fig.subplots()
    ax.set_title("Handle time: tickets and the fitted lognormal law")
    law = doc.get("handle_time")
    histogram = (law or {}).get("histogram_minutes") or {}
    edges = [num(e) for e in histogram.get("edges") or []]
    counts = [num(c) for c in histogram.get("counts") or []]
    if not law or len(edges) < 2 or not counts or sum(counts) <= 0:
        no_data(ax, "no handle times")
        return fig
    widths = np.diff(edges)
    total = sum(counts)
    density = [c / total / w if w > 0 else 0.0 for c, w in zip(counts, widths, strict=True)]
    ax.bar(
        edges[:-1],
        density,
        width=widths,
        align="edge",
        color=PALETTE[1],
        alpha=0.7,
        label=f"{int(total):,} tickets",
    )
    mu, sigma = num(law.get("log_minutes_mean")), num(law.get("log_minutes_sd"))
    if sigma > 0 and math.isfinite(mu):
        x = np.geomspace(edges[0], edges[-1], 200)
        ax.plot(
            x,
            stats.lognorm(s=sigma, scale=math.exp(mu)).pdf(x),
            color=BLACK,
            label=f"lognormal: mean {num(law['mean_hours']) * 60:.0f} min, "
            f"cv {num(law['cv']):.2f} (KS {num(law['ks_distance']):.3f})",
        )
    ax.set_xscale("log")
    ax.set_xlabel("Handle time (minutes, log scale)")
    ax.set_ylabel("Density (per minute)")
    ax.legend(fontsize=8)
    return fig


@styled
def case_rates(doc: Mapping[str, Any]) -> Figure:
    """Cases per customer-year of each group, with the exact 95% Poisson interval."""
    fig = new_figure(8.5, 3.8)
    ax = fig.subplots()
    ax.set_title("Support cases per customer-year, by customer group")
    drawn = [(n, s) for n, s in _groups(doc, "support") if defined(num(s.get("cases_per_year")))]
    if not drawn:
        no_data(ax, "no tickets")
        return fig
    for x, (_name, support) in enumerate(drawn):
        rate = num(support["cases_per_year"])
        low, high = (num(v) for v in support.get("cases_per_year_ci95") or [None, None])
        ax.bar(x, rate, color=PALETTE[0], width=0.6)
        if low == low and high == high:  # defined
            whiskers(ax, [x], [rate], [(rate - low, high - rate)])
        ax.text(x, rate, f"{rate:.2f}", ha="center", va="bottom", fontsize=8.5)
    ax.set_xticks(range(len(drawn)), [n for n, _ in drawn])
    ax.set_xlabel("Customer group")
    ax.set_ylabel("Cases per customer-year")
    ax.legend(handles=[ci_handle()], fontsize=8)
    return fig
