"""Numbers on the figures: reading values out of parsed result files (null, empty and NaN are
undefined), estimates with their 95% intervals cut to a metric's possible range, number and
tick formatters by the catalogue's kind of number, and the small drawing helpers every figure
shares (whiskers, 'n/a' marks, tier axes and colours).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.ticker import Formatter, FuncFormatter, PercentFormatter

from simcs.reporting.figures.labels import AT_MOST_ONE, TierLabels, known, tier_label
from simcs.reporting.figures.style import BLACK, PALETTE
from simcs.reporting.money import usd
from simcs.reporting.results import num

NAN = float("nan")
MINUS = "\u2212"


def defined(v: float) -> bool:
    """Whether a parsed value is defined (not NaN)."""
    return not math.isnan(v)


@dataclass(frozen=True)
class Est:
    """A mean with its 95% interval (NaN where undefined)."""

    mean: float
    low: float = NAN
    high: float = NAN

    @property
    def ok(self) -> bool:
        return defined(self.mean)

    def err(self, scale: float = 1.0) -> tuple[float, float]:
        """(below, above) error-bar lengths; 0 where the interval is undefined."""
        below = (self.mean - self.low) * scale if defined(self.low) else 0.0
        above = (self.high - self.mean) * scale if defined(self.high) else 0.0
        return max(below, 0.0), max(above, 0.0)


def clipped(e: Est, metric: str) -> Est:
    """The interval cut to the metric's possible range (a t-interval of a few replications
    can reach below zero or above 100%); the mean is left as it is."""
    if not known(metric):
        return e
    low, high = e.low, e.high
    if defined(low):
        low = max(low, 0.0)
    if defined(high) and metric in AT_MOST_ONE:
        high = min(high, 1.0)
    return Est(e.mean, low, high)


def est(entry: Any, metric: str = "") -> Est:
    """The estimate of a {mean, ci95_low, ci95_high} entry (clipped to the metric's range)."""
    if not isinstance(entry, Mapping):
        return Est(NAN)
    e = Est(num(entry.get("mean")), num(entry.get("ci95_low")), num(entry.get("ci95_high")))
    return clipped(e, metric)


def tier_metric(metrics: Mapping[str, Any], tier: str, metric: str) -> Est:
    """The estimate of `metric` of `tier` in summary["metrics"]-shaped data."""
    by_metric = metrics.get(tier) if isinstance(metrics, Mapping) else None
    if not isinstance(by_metric, Mapping):
        return Est(NAN)
    return est(by_metric.get(metric), metric)


def usd_compact(x: float) -> str:
    """'$1.5M', '$401k', '$949' (for annotations and log axes): `simcs.reporting.money.usd`
    with the typographic minus and no trailing zeros."""
    return usd(x, minus=MINUS, trim=True) if defined(x) else "n/a"


def plain(x: float) -> str:
    """A number with thousands separators and a sensible number of decimals."""
    if not defined(x):
        return "n/a"
    a = abs(x)
    if a >= 100 or float(x).is_integer():
        text = f"{a:,.0f}"
    elif a >= 1:
        text = f"{a:.3g}"
    else:
        text = f"{a:.2g}"
    return (MINUS if x < 0 and text.strip("0.,") else "") + text


def pct(x: float, decimals: int = 1) -> str:
    """A share as a percentage, e.g. '97.5%'."""
    return "n/a" if not defined(x) else f"{x * 100:.{decimals}f}%".replace("-", MINUS)


class _UsdFormatter(Formatter):
    """USD tick labels: '$12,000' or, for axes reaching millions, '$1.5M'."""

    def __call__(self, x: float, pos: int | None = None) -> str:
        lo, hi = self.axis.get_view_interval() if self.axis is not None else (x, x)
        span = max(abs(lo), abs(hi))
        sign = MINUS if x < 0 else ""
        a = abs(x)
        if span >= 2e6:
            return f"{sign}${a / 1e6:,g}M"
        if span >= 10:
            return f"{sign}${a:,.0f}"
        return f"{sign}${a:,.2f}"


def format_axis(axis: Any, kind: str) -> None:
    """Tick labels for a value axis of a catalogue kind of number: `usd` in dollars, `share`
    in per cent, any other (count, hours, days) as a plain number."""
    if kind == "usd":
        axis.set_major_formatter(_UsdFormatter())
    elif kind == "share":
        axis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=None))
    else:
        axis.set_major_formatter(FuncFormatter(lambda v, _pos: plain(v)))


# --- shared drawing helpers -------------------------------------------------------------------


def ci_handle(label: str = "95% interval") -> Line2D:
    """Legend entry for error bars."""
    return Line2D(
        [],
        [],
        color=BLACK,
        marker="|",
        markersize=11,
        markeredgewidth=1.2,
        linestyle="none",
        label=label,
    )


def whiskers(
    ax: Axes,
    x: Sequence[float],
    y: Sequence[float],
    yerr: Sequence[tuple[float, float]],
    *,
    color: str = BLACK,
) -> None:
    """Black whiskers (the 95% intervals) at (x, y); no markers, nothing where undefined."""
    keep = [i for i in range(len(x)) if defined(y[i]) and any(e > 0 for e in yerr[i])]
    if not keep:
        return
    xs = [x[i] for i in keep]
    ys = [y[i] for i in keep]
    err = [[yerr[i][0] for i in keep], [yerr[i][1] for i in keep]]
    ax.errorbar(xs, ys, yerr=err, fmt="none", ecolor=color, elinewidth=1.1, capsize=3, zorder=4)


def mark_na(ax: Axes, x: float, y: float = 0.0, *, transform: Any = None) -> None:
    """'n/a' marker where a value is undefined."""
    ax.text(
        x,
        y,
        "n/a",
        ha="center",
        va="bottom",
        fontsize=8,
        color="#555555",
        style="italic",
        transform=transform if transform is not None else ax.get_xaxis_transform(),
    )


def no_data(ax: Axes, message: str = "no data") -> None:
    """A message in the middle of axes that have nothing to draw."""
    ax.text(
        0.5,
        0.5,
        message,
        ha="center",
        va="center",
        transform=ax.transAxes,
        fontsize=11,
        color="#555555",
        style="italic",
    )


def tier_colours(tiers: Sequence[str]) -> dict[str, str]:
    """One palette colour per tier, in order; 'all' is always black."""
    colours = [c for c in PALETTE if c != BLACK]
    out: dict[str, str] = {}
    i = 0
    for t in tiers:
        if t == "all":
            out[t] = BLACK
        else:
            out[t] = colours[i % len(colours)]
            i += 1
    return out


def tier_axis(ax: Axes, tiers: Sequence[str], labels: TierLabels | None = None) -> None:
    """One x tick per tier, named by its label."""
    ax.set_xticks(range(len(tiers)), [tier_label(t, labels) for t in tiers])
    ax.set_xlim(-0.6, len(tiers) - 0.4)
    ax.tick_params(axis="x", length=0)


def headroom(ax: Axes, top: float, factor: float = 1.15) -> None:
    """Room above the highest bar for its annotation."""
    if defined(top) and top > 0:
        ax.set_ylim(0, top * factor)


def label_above(ax: Axes, x: float, y: float, text: str, *, fontsize: float = 8.5) -> None:
    """`text` centred just above the point (x, y), e.g. a bar's value above its whisker."""
    ax.annotate(
        text, (x, y), xytext=(0, 3), textcoords="offset points", ha="center", va="bottom",
        fontsize=fontsize,
    )  # fmt: skip
