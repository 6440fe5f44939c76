"""Publication figures from simcs results: plain data in, `matplotlib.figure.Figure` out.

Every function takes the parsed result files (the dicts of summary.json, rows of a CSV read with
`csv.DictReader`), never simcs objects, and returns a Figure built without pyplot (no global
figure state, no backend selection), so it is safe in libraries, threads and worker processes.
`save(fig, folder, name)` writes NAME.png (150 dpi) and NAME.svg.

One style for all figures (`STYLE`, applied with `matplotlib.rc_context` while a figure is
built and saved), the colour-blind-safe Okabe-Ito palette, units on every axis, error bars and
bands that are the 95% intervals of the results. Undefined values (null in JSON, empty in CSV,
NaN) are skipped and marked "n/a"; a tier or metric without data never raises. Intervals are
drawn cut to a metric's possible range (a t-interval of few replications can reach a negative
wait or a GRR above 100%); the result files keep the raw intervals.

Figures of a run (`metrics` = summary["metrics"], or summary["variants"][v] of a comparison):
`arr_bridge`, `cost_vs_value`, `support_service`, `utilisation`; of replications.csv rows:
`retention_by_year`. Of a comparison: `forest` (summary["comparisons"]), `tradeoff`
(summary["tradeoff"]). Of a sweep: `frontier` (points.csv rows). Of a robustness study:
`robustness` (robustness_summary.csv rows).
"""

from __future__ import annotations

import functools
import math
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import matplotlib
from cycler import cycler
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import Formatter, FuncFormatter, MaxNLocator, NullFormatter, PercentFormatter

from simcs.formulas.sbg import sbg_survival
from simcs.records import WAIT_POINTS
from simcs.stats import t_interval

__all__ = [
    "FUNCTION_COLOURS",
    "PALETTE",
    "STYLE",
    "VERDICT_COLOURS",
    "arr_bridge",
    "cost_vs_value",
    "forest",
    "frontier",
    "metric_label",
    "retention_by_year",
    "robustness",
    "save",
    "support_service",
    "tier_label",
    "tradeoff",
    "utilisation",
]

# --- palette and style ------------------------------------------------------------------------

ORANGE = "#E69F00"
SKY = "#56B4E9"
GREEN = "#009E73"
YELLOW = "#F0E442"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
PURPLE = "#CC79A7"
BLACK = "#000000"
GREY = "#999999"  # the neutral grey of the Okabe-Ito set (R's palette.colors("Okabe-Ito"))

#: Okabe & Ito (2008) colour-blind-safe palette, in cycle order (yellow last: weak on white).
PALETTE: tuple[str, ...] = (BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY, BLACK, YELLOW)

#: Colour of each cost-of-delivery function (and of the matching staff pool).
FUNCTION_COLOURS: dict[str, str] = {
    "implementation": BLUE,
    "support": ORANGE,
    "csm": GREEN,
    "education": PURPLE,
    "operations": SKY,
}

#: Colour of each comparison verdict; anything else (no detectable difference) is grey.
VERDICT_COLOURS: dict[str, str] = {"better": GREEN, "worse": VERMILLION}

#: rcParams of every simcs figure.
STYLE: dict[str, Any] = {
    "font.family": "sans-serif",
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.labelsize": 10,
    "axes.labelcolor": "#222222",
    "axes.edgecolor": "#444444",
    "axes.linewidth": 0.8,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.grid.axis": "y",
    "axes.axisbelow": True,
    "axes.prop_cycle": cycler(color=list(PALETTE)),
    "grid.color": "#DDDDDD",
    "grid.linewidth": 0.6,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "xtick.color": "#444444",
    "ytick.color": "#444444",
    "legend.fontsize": 9,
    "legend.frameon": False,
    "figure.titlesize": 13,
    "figure.titleweight": "bold",
    "figure.facecolor": "white",
    "lines.linewidth": 1.8,
    "lines.markersize": 6,
    "errorbar.capsize": 3,
    "patch.linewidth": 0.0,
    "savefig.dpi": 150,
    "savefig.facecolor": "white",
    "svg.fonttype": "none",  # text stays text in the SVG (editable, searchable)
}

P = ParamSpec("P")
R = TypeVar("R")


def _styled(build: Callable[P, R]) -> Callable[P, R]:
    """Run a figure builder inside the simcs style (rcParams are read as artists are made)."""

    @functools.wraps(build)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with matplotlib.rc_context(STYLE):
            return build(*args, **kwargs)

    return wrapper


def _figure(width: float, height: float) -> Figure:
    return Figure(figsize=(width, height), layout="constrained")


def save(fig: Figure, folder: str | Path, name: str) -> list[Path]:
    """Write `fig` as folder/NAME.png (150 dpi) and folder/NAME.svg; return both paths."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / f"{name}.png", out / f"{name}.svg"]
    with matplotlib.rc_context(STYLE):
        fig.savefig(paths[0], dpi=150, format="png", facecolor="white")
        fig.savefig(paths[1], format="svg", facecolor="white")
    return paths


# --- labels and units -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Unit:
    name: str  # short display name of the metric
    unit: str  # unit for the axis label
    kind: str  # "usd", "share", "number": how ticks are formatted


_SHARE_ARR = "share of cohort ARR"
_PER_CUSTOMER_YEAR = "USD per customer-year"
_FUNCTION_NAMES = {
    "implementation": "implementation",
    "support": "support",
    "csm": "CSM",
    "education": "education",
    "operations": "CS operations",
}

_METRICS: dict[str, _Unit] = {
    "grr": _Unit("GRR", _SHARE_ARR, "share"),
    "nrr": _Unit("NRR", _SHARE_ARR, "share"),
    "logo_retention": _Unit("Logo retention", "share of cohort customers", "share"),
    "arr_start": _Unit("ARR at start of year", "USD", "usd"),
    "arr_end": _Unit("ARR at end of year", "USD", "usd"),
    "arr_new": _Unit("New-logo ARR", "USD per year", "usd"),
    "arr_churned": _Unit("Churned ARR", "USD per year", "usd"),
    "arr_contraction": _Unit("Contraction ARR", "USD per year", "usd"),
    "arr_expansion": _Unit("Expansion ARR", "USD per year", "usd"),
    "arr_per_customer": _Unit("ARR per customer", _PER_CUSTOMER_YEAR, "usd"),
    "customers_start": _Unit("Customers at start of year", "customers", "number"),
    "customers_end": _Unit("Customers at end of year", "customers", "number"),
    "new_customers": _Unit("New customers", "customers per year", "number"),
    "cost_total": _Unit("Cost of delivery", "USD per year", "usd"),
    "cost_per_customer": _Unit("Cost of delivery per customer", _PER_CUSTOMER_YEAR, "usd"),
    **{
        f"cost_per_customer_{f}": _Unit(f"Cost per customer, {label}", _PER_CUSTOMER_YEAR, "usd")
        for f, label in _FUNCTION_NAMES.items()
    },
    "implementation_cost_per_new_customer": _Unit(
        "Implementation cost per new customer", "USD per new customer", "usd"
    ),
    "support_cases": _Unit("Support cases", "cases per year", "number"),
    "support_deflected": _Unit("Deflected cases", "cases per year", "number"),
    "support_abandoned": _Unit("Abandoned cases", "cases per year", "number"),
    "support_wait_hours_mean": _Unit("Mean support wait", "business hours", "number"),
    "support_sla_met": _Unit("Support SLA attainment", "share of cases", "share"),
    "support_utilization": _Unit("Support utilisation", "share of staffed time", "share"),
    "csm_utilization": _Unit("CSM utilisation", "share of staffed time", "share"),
    "csm_touch_coverage": _Unit("CSM touch coverage", "share of planned touches", "share"),
    "ps_utilization": _Unit("PS utilisation", "share of staffed time", "share"),
    "ttv_days_mean": _Unit("Mean time to value", "calendar days", "number"),
    "champion_departures": _Unit("Champion departures", "departures per year", "number"),
    "smooth_transitions": _Unit("Smooth champion transitions", "transitions per year", "number"),
    "trained_share": _Unit("Trained customers", "share of customers", "share"),
    "services_revenue": _Unit("Services revenue", "USD per year", "usd"),
}

_TIER_NAMES = {"all": "All tiers", "smb": "SMB", "sme": "SME", "mid": "Mid-market"}


def _unit(metric: str) -> _Unit:
    return _METRICS.get(metric, _Unit(metric.replace("_", " "), "value", "number"))


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _inline(name: str) -> str:
    """A metric name for use inside a sentence ('Cost of ...' -> 'cost of ...', 'GRR' kept)."""
    return name if name[:2].isupper() else name[:1].lower() + name[1:]


def metric_label(metric: str, *, difference: bool = False) -> str:
    """Axis label of a metric with its unit, e.g. 'GRR (share of cohort ARR)'.

    With `difference`, the label of a difference of the metric (shares in percentage points).
    """
    u = _unit(metric)
    if difference:
        unit = "percentage points" if u.kind == "share" else u.unit
        return f"Difference in {_inline(u.name)} ({unit})"
    return f"{u.name} ({u.unit})"


def tier_label(tier: str) -> str:
    """Display name of a tier key ('smb' -> 'SMB', 'all' -> 'All tiers')."""
    if tier in _TIER_NAMES:
        return _TIER_NAMES[tier]
    return _capital(tier.replace("_", " "))


# --- numbers ----------------------------------------------------------------------------------

NAN = float("nan")
MINUS = "\u2212"


def _num(x: Any) -> float:
    """A float from a JSON/CSV value; NaN for None, '', 'nan', non-numbers."""
    if x is None or isinstance(x, bool):
        return NAN
    if isinstance(x, str):
        x = x.strip()
        if not x:
            return NAN
    try:
        v = float(x)
    except (TypeError, ValueError):
        return NAN
    return v if math.isfinite(v) else NAN


def _ok(v: float) -> bool:
    return not math.isnan(v)


@dataclass(frozen=True)
class _Est:
    """A mean with its 95% interval (NaN where undefined)."""

    mean: float
    low: float = NAN
    high: float = NAN

    @property
    def ok(self) -> bool:
        return _ok(self.mean)

    def err(self, scale: float = 1.0) -> tuple[float, float]:
        """(below, above) error-bar lengths; 0 where the interval is undefined."""
        below = (self.mean - self.low) * scale if _ok(self.low) else 0.0
        above = (self.high - self.mean) * scale if _ok(self.high) else 0.0
        return max(below, 0.0), max(above, 0.0)


#: Metrics that cannot exceed 1 (shares of a whole); every known metric is non-negative.
_AT_MOST_ONE = frozenset(
    {"grr", "logo_retention", "support_sla_met", "csm_touch_coverage", "trained_share"}
    | {f"support_wait_within_{point}" for point, _ in WAIT_POINTS}
)


def _clipped(e: _Est, metric: str) -> _Est:
    """The interval cut to the metric's possible range (a t-interval of a few replications
    can reach below zero or above 100%); the mean is left as it is."""
    if metric not in _METRICS and metric not in _AT_MOST_ONE:
        return e
    low, high = e.low, e.high
    if _ok(low):
        low = max(low, 0.0)
    if _ok(high) and metric in _AT_MOST_ONE:
        high = min(high, 1.0)
    return _Est(e.mean, low, high)


def _est(entry: Any, metric: str = "") -> _Est:
    if not isinstance(entry, Mapping):
        return _Est(NAN)
    e = _Est(_num(entry.get("mean")), _num(entry.get("ci95_low")), _num(entry.get("ci95_high")))
    return _clipped(e, metric)


def _metric(metrics: Mapping[str, Any], tier: str, metric: str) -> _Est:
    by_metric = metrics.get(tier) if isinstance(metrics, Mapping) else None
    if not isinstance(by_metric, Mapping):
        return _Est(NAN)
    return _est(by_metric.get(metric), metric)


def _usd_compact(x: float) -> str:
    """'$1.5M', '$401k', '$949' (for annotations and log axes)."""
    if not _ok(x):
        return "n/a"
    sign = MINUS if x < 0 else ""
    a = abs(x)
    if a >= 1e9:
        return f"{sign}${a / 1e9:.3g}B"
    if a >= 1e6:
        return f"{sign}${a / 1e6:.3g}M"
    if a >= 1e3:
        return f"{sign}${a / 1e3:.3g}k"
    return f"{sign}${a:.3g}"


def _plain(x: float) -> str:
    """A number with thousands separators and a sensible number of decimals."""
    if not _ok(x):
        return "n/a"
    a = abs(x)
    if a >= 100 or float(x).is_integer():
        text = f"{a:,.0f}"
    elif a >= 1:
        text = f"{a:.3g}"
    else:
        text = f"{a:.2g}"
    return (MINUS if x < 0 and text.strip("0.,") else "") + text


def _pct(x: float, decimals: int = 1) -> str:
    return "n/a" if not _ok(x) else f"{x * 100:.{decimals}f}%".replace("-", MINUS)


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


def _format_axis(axis: Any, kind: str) -> None:
    """Tick labels for a value axis of the given kind ('usd', 'share', 'number')."""
    if kind == "usd":
        axis.set_major_formatter(_UsdFormatter())
    elif kind == "share":
        axis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=None))
    else:
        axis.set_major_formatter(FuncFormatter(lambda v, _pos: _plain(v)))


# --- shared drawing helpers -------------------------------------------------------------------


def _ci_handle(label: str = "95% interval") -> Line2D:
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


def _errorbar(
    ax: Axes,
    x: Sequence[float],
    y: Sequence[float],
    yerr: Sequence[tuple[float, float]],
    *,
    color: str = BLACK,
) -> None:
    """Black whiskers (the 95% intervals) at (x, y); no markers, nothing where undefined."""
    keep = [i for i in range(len(x)) if _ok(y[i]) and any(e > 0 for e in yerr[i])]
    if not keep:
        return
    xs = [x[i] for i in keep]
    ys = [y[i] for i in keep]
    err = [[yerr[i][0] for i in keep], [yerr[i][1] for i in keep]]
    ax.errorbar(xs, ys, yerr=err, fmt="none", ecolor=color, elinewidth=1.1, capsize=3, zorder=4)


def _na(ax: Axes, x: float, y: float = 0.0, *, transform: Any = None) -> None:
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


def _no_data(ax: Axes, message: str = "no data") -> None:
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


def _tier_colours(tiers: Sequence[str]) -> dict[str, str]:
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


def _tier_axis(ax: Axes, tiers: Sequence[str]) -> None:
    ax.set_xticks(range(len(tiers)), [tier_label(t) for t in tiers])
    ax.set_xlim(-0.6, len(tiers) - 0.4)
    ax.tick_params(axis="x", length=0)


def _headroom(ax: Axes, top: float, factor: float = 1.15) -> None:
    """Room above the highest bar for its annotation."""
    if _ok(top) and top > 0:
        ax.set_ylim(0, top * factor)


# --- 1. ARR bridge ----------------------------------------------------------------------------

_BRIDGE_STEPS: tuple[tuple[str, str, int], ...] = (
    ("Start ARR", "arr_start", 0),
    ("Churned", "arr_churned", -1),
    ("Contraction", "arr_contraction", -1),
    ("Expansion", "arr_expansion", 1),
    ("New logos", "arr_new", 1),
    ("End ARR", "arr_end", 0),
)


@_styled
def arr_bridge(metrics: Mapping[str, Any], tier: str) -> Figure:
    """Waterfall of one tier's ARR over an average measurement year, in USD millions.

    Start -> churned (down) -> contraction (down) -> expansion (up) -> new logos (up) -> end;
    totals blue, decreases vermillion, increases green; whiskers: 95% interval of each step.
    """
    fig = _figure(8.0, 4.8)
    ax = fig.add_subplot()
    scale = 1e-6
    level = 0.0
    tops: list[float] = []
    ends: list[float] = []  # ARR level after each bar (NaN: no bar), for the connectors
    for i, (_label, metric, sign) in enumerate(_BRIDGE_STEPS):
        e = _metric(metrics, tier, metric)
        if not e.ok:
            _na(ax, i)
            ends.append(NAN)
            continue
        v = e.mean * scale
        below, above = e.err(scale)
        if sign == 0:
            bottom, height, colour = 0.0, v, BLUE
            level = v
            whisker = (below, above)
            text = _usd_compact(e.mean)
        else:
            bottom = level if sign > 0 else level - v
            height = v
            colour = GREEN if sign > 0 else VERMILLION
            level += sign * v
            # the whisker sits where the step ends: the top of a rise, the foot of a fall
            # (a larger fall ends lower, so the interval flips)
            whisker = (below, above) if sign > 0 else (above, below)
            text = ("+" if sign > 0 else MINUS) + _usd_compact(e.mean)
        ax.bar(i, height, bottom=bottom, width=0.62, color=colour, zorder=2)
        _errorbar(ax, [i], [level], [whisker])
        text_y = bottom + height + (whisker[1] if sign >= 0 else 0.0)
        ax.annotate(
            text,
            (i, text_y),
            xytext=(0, 3),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=9,
        )
        tops.append(text_y)
        ends.append(level)
    # dotted connectors from the end of one bar to the start of the next
    for i in range(len(_BRIDGE_STEPS) - 1):
        if _ok(ends[i]):
            ax.plot(
                [i + 0.31, i + 0.69],
                [ends[i], ends[i]],
                color="#666666",
                lw=0.8,
                linestyle=":",
                zorder=1,
            )
    if not tops:
        _no_data(ax, f"no ARR data for tier {tier!r}")
    else:
        _headroom(ax, max(tops), 1.12)
    ax.set_xticks(range(len(_BRIDGE_STEPS)), [s[0] for s in _BRIDGE_STEPS])
    ax.tick_params(axis="x", length=0)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"${v:,g}M"))
    ax.set_ylabel("ARR (USD millions)")
    ax.set_xlabel("ARR bridge step (average measurement year)")
    ax.set_title(f"ARR bridge: {tier_label(tier)}")
    fig.legend(
        handles=[
            Patch(color=BLUE, label="ARR level"),
            Patch(color=VERMILLION, label="Decrease"),
            Patch(color=GREEN, label="Increase"),
            _ci_handle(),
        ],
        loc="outside lower center",
        ncols=4,
    )
    return fig


# --- 2. cost of delivery vs value -------------------------------------------------------------


@_styled
def cost_vs_value(metrics: Mapping[str, Any], tiers: Sequence[str]) -> Figure:
    """Cost of delivery per customer by tier, stacked by function, next to ARR per customer.

    Left: stacked cost per customer-year with the 95% interval of the total and the cost as a
    share of ARR per customer. Right (log scale): ARR per customer with its interval and the
    total cost per customer as a marker, so the gap between value and cost shows at a glance.
    """
    tiers = list(tiers)
    fig = _figure(11.5, 4.8)
    left, right = fig.subplots(1, 2)
    fig.suptitle("Match cost of delivery to value")
    functions = list(FUNCTION_COLOURS)
    tops: list[float] = []
    for i, tier in enumerate(tiers):
        parts = [_metric(metrics, tier, f"cost_per_customer_{f}") for f in functions]
        total = _metric(metrics, tier, "cost_per_customer")
        if not any(p.ok for p in parts) and not total.ok:
            _na(left, i)
            continue
        bottom = 0.0
        for f, p in zip(functions, parts, strict=True):
            h = p.mean if p.ok else 0.0
            left.bar(i, h, bottom=bottom, width=0.62, color=FUNCTION_COLOURS[f], zorder=2)
            bottom += h
        top = total.mean if total.ok else bottom
        err = total.err() if total.ok else (0.0, 0.0)
        _errorbar(left, [i], [top], [err])
        arr = _metric(metrics, tier, "arr_per_customer")
        text = _usd_compact(top)
        if arr.ok and arr.mean > 0:
            text += f"\n{_pct(top / arr.mean)} of ARR"
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
    _tier_axis(left, tiers)
    if tops:
        _headroom(left, max(tops), 1.22)
    else:
        _no_data(left)
    _format_axis(left.yaxis, "usd")
    left.set_ylabel(f"Cost of delivery ({_PER_CUSTOMER_YEAR})")
    left.set_xlabel("Tier")
    left.set_title("Cost of delivery per customer, by function")
    left.legend(
        handles=[
            Patch(color=FUNCTION_COLOURS[f], label=_capital(_FUNCTION_NAMES[f])) for f in functions
        ]
        + [_ci_handle("95% interval of total")],
        loc="upper center",
        bbox_to_anchor=(0.5, -0.13),
        ncols=3,
    )

    # right: ARR per customer (bars, log scale) and the total cost (markers)
    values: list[float] = []
    for i, tier in enumerate(tiers):
        arr = _metric(metrics, tier, "arr_per_customer")
        cost = _metric(metrics, tier, "cost_per_customer")
        if arr.ok and arr.mean > 0:
            right.bar(i, arr.mean, width=0.62, color=BLUE, zorder=2)
            _errorbar(right, [i], [arr.mean], [arr.err()])
            right.annotate(
                _usd_compact(arr.mean),
                (i, arr.high if _ok(arr.high) else arr.mean),
                xytext=(0, 3),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=8.5,
            )
            values += [arr.mean, arr.high if _ok(arr.high) else arr.mean]
        else:
            _na(right, i)
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
    _tier_axis(right, tiers)
    right.set_title("ARR per customer vs cost of delivery")
    right.set_xlabel("Tier")
    right.set_ylabel("USD per customer-year (log scale)")
    if values:
        right.set_yscale("log")
        low = 10 ** math.floor(math.log10(min(values) * 0.8))
        high = 10 ** (math.log10(max(values)) + 0.25)
        right.set_ylim(low, high)
        right.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: _usd_compact(v)))
        right.yaxis.set_minor_formatter(NullFormatter())
    else:
        _no_data(right)
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
            _ci_handle(),
        ],
        loc="upper center",
        bbox_to_anchor=(0.5, -0.13),
        ncols=3,
    )
    return fig


# --- 3. support service -----------------------------------------------------------------------


@_styled
def support_service(metrics: Mapping[str, Any], tiers: Sequence[str]) -> Figure:
    """Support SLA attainment (share of cases) and mean wait (business hours) by tier."""
    tiers = list(tiers)
    colours = _tier_colours(tiers)
    fig = _figure(11.0, 4.4)
    sla_ax, wait_ax = fig.subplots(1, 2)
    fig.suptitle("Support service level by tier")
    for ax, metric, kind in (
        (sla_ax, "support_sla_met", "share"),
        (wait_ax, "support_wait_hours_mean", "number"),
    ):
        tops: list[float] = []
        for i, tier in enumerate(tiers):
            e = _metric(metrics, tier, metric)
            if not e.ok:
                _na(ax, i)
                continue
            ax.bar(i, e.mean, width=0.62, color=colours[tier], zorder=2)
            err = e.err()
            _errorbar(ax, [i], [e.mean], [err])
            text = _pct(e.mean) if kind == "share" else f"{_plain(e.mean)} h"
            ax.annotate(
                text,
                (i, e.mean + err[1]),
                xytext=(0, 3),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=8.5,
            )
            tops.append(e.mean + err[1])
        _tier_axis(ax, tiers)
        ax.set_xlabel("Tier")
        if not tops:
            _no_data(ax)
        if kind == "share":
            ax.set_ylim(0, 1.12)
            ax.set_yticks([0, 0.2, 0.4, 0.6, 0.8, 1.0])
        elif tops:
            _headroom(ax, max(tops), 1.15)
        _format_axis(ax.yaxis, kind)
    sla_ax.set_ylabel("Cases answered within SLA (share of cases)")
    sla_ax.set_title("SLA attainment")
    wait_ax.set_ylabel("Mean wait in queue (business hours)")
    wait_ax.set_title("Mean wait for an agent")
    fig.legend(handles=[_ci_handle()], loc="outside lower center")
    return fig


@_styled
def wait_distribution(metrics: Mapping[str, Any], tiers: Sequence[str]) -> Figure:
    """Share of each tier's cases reaching an agent within 15 min, 1, 4, 8 and 24 business
    hours (points of the wait-time distribution), with 95% intervals."""
    tiers = list(tiers)
    colours = _tier_colours(tiers)
    fig = _figure(8.0, 4.6)
    ax = fig.subplots()
    x = [limit for _, limit in WAIT_POINTS]
    drawn = False
    for tier in tiers:
        points = [_metric(metrics, tier, f"support_wait_within_{p}") for p, _ in WAIT_POINTS]
        ys = [e.mean for e in points]
        if not any(_ok(y) for y in ys):
            continue
        ax.plot(x, ys, marker="o", color=colours[tier], label=tier_label(tier), zorder=3)
        _errorbar(ax, x, ys, [e.err() for e in points], color=colours[tier])
        drawn = True
    if not drawn:
        _no_data(ax)
    ax.set_xscale("log")
    ax.set_xticks(x)
    ax.set_xticklabels(["15 min", "1 h", "4 h", "8 h", "24 h"])
    ax.set_ylim(0, 1.05)
    _format_axis(ax.yaxis, "share")
    ax.set_xlabel("Wait for an agent, at most (business hours, log scale)")
    ax.set_ylabel("Cases answered within the wait (share of cases)")
    ax.set_title("Support wait-time distribution by tier")
    handles, labels = ax.get_legend_handles_labels()
    fig.legend(
        [*handles, _ci_handle()],
        [*labels, "95% interval"],
        loc="outside lower center",
        ncols=min(6, len(handles) + 1),
    )
    return fig


# --- 4. retention by year ---------------------------------------------------------------------


def _by_replication_year(
    rows: Sequence[Mapping[str, Any]], tier: str, metric: str
) -> dict[int, dict[int, float]]:
    """{replication: {year: value}} of one tier and metric (undefined values left out)."""
    out: dict[int, dict[int, float]] = defaultdict(dict)
    for row in rows:
        if row.get("tier") != tier or row.get("metric") != metric:
            continue
        r, y, v = _num(row.get("replication")), _num(row.get("year")), _num(row.get("value"))
        if _ok(r) and _ok(y) and _ok(v):
            out[int(r)][int(y)] = v
    return out


def _yearly(
    values: Mapping[int, Mapping[int, float]], years: Sequence[int], metric: str
) -> list[_Est]:
    ests = []
    for y in years:
        iv = t_interval([by_year[y] for by_year in values.values() if y in by_year])
        ests.append(_clipped(_Est(iv.mean, iv.low, iv.high), metric))
    return ests


@_styled
def staffing_frontier(doc: Mapping[str, Any]) -> Figure:
    """Every simulated staffing plan (sizing.json): loaded staff cost against each target's
    metric, plans that meet every target in green, the others in vermillion, the target as a
    dashed line and the recommended plan marked."""
    targets = list(doc.get("targets") or [])
    plans = list(doc.get("plans") or [])
    recommended = doc.get("recommended")
    fig = _figure(max(6.0, 5.2 * max(1, len(targets))), 4.8)
    axes = fig.subplots(1, max(1, len(targets)), squeeze=False)[0]
    fig.suptitle("Staffing frontier: what each plan costs and buys")
    for ax, target in zip(axes, targets, strict=False):
        label = target["label"]
        for plan in plans:
            value = plan["values"].get(label, {})
            mean = _num(value.get("mean"))
            if not _ok(mean):
                continue
            x = _num(plan["staff_cost"])
            colour = VERDICT_COLOURS["better"] if plan["holds"] else VERDICT_COLOURS["worse"]
            est = _clipped(
                _Est(mean, _num(value.get("ci95_low")), _num(value.get("ci95_high"))),
                str(target["metric"]),
            )
            err = est.err()
            _errorbar(ax, [x], [mean], [err], color=colour)
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
        _format_axis(ax.xaxis, "usd")
    if not targets:
        _no_data(axes[0])
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
        _ci_handle(),
    ]
    fig.legend(handles=handles, loc="outside lower center", ncols=5)
    return fig


@_styled
def pools_over_time(rows: Sequence[Mapping[str, Any]]) -> Figure:
    """Every pool's mean queue length and utilisation by month (timeseries.csv rows), mean over
    replications with 95% bands."""
    cells: dict[tuple[str, int], dict[str, list[float]]] = defaultdict(
        lambda: {"queue_length": [], "utilization": []}
    )
    for row in rows:
        key = (str(row["pool"]), int(float(row["month"])))
        for field in ("queue_length", "utilization"):
            value = _num(row.get(field))
            if _ok(value):
                cells[key][field].append(value)
    pools = list(dict.fromkeys(pool for pool, _ in cells))
    colours = {pool: PALETTE[i % len(PALETTE)] for i, pool in enumerate(pools)}
    fig = _figure(11.0, 4.6)
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
            lows = [iv.low if _ok(iv.low) else iv.mean for iv in ivs if iv.n]
            highs = [iv.high if _ok(iv.high) else iv.mean for iv in ivs if iv.n]
            if field == "utilization":
                lows = [max(0.0, v) for v in lows]
                highs = [min(1.0, v) for v in highs]
            else:
                lows = [max(0.0, v) for v in lows]
            ax.fill_between(xs, lows, highs, color=colours[pool], alpha=0.18, linewidth=0)
        ax.set_xlabel("Month of the horizon")
        if not pools:
            _no_data(ax)
    queue_ax.set_ylabel("Work items waiting, monthly mean (count)")
    queue_ax.set_title("Queue length")
    util_ax.set_ylabel("Busy time / staffed time (share)")
    util_ax.set_ylim(0, 1.05)
    _format_axis(util_ax.yaxis, "share")
    util_ax.set_title("Utilisation")
    handles, labels = queue_ax.get_legend_handles_labels()
    if handles:
        fig.legend(handles, labels, loc="outside lower center", ncols=min(6, len(handles)))
    return fig


@_styled
def retention_by_year(
    rows: Sequence[Mapping[str, Any]],
    tiers: Sequence[str],
    sbg: Mapping[str, tuple[float, float]] | None = None,
) -> Figure:
    """GRR and logo retention per year by tier, and cumulative cohort survival.

    `rows`: replications.csv of a run (replication, year, tier, metric, value). Points are the
    mean over replications with the Student-t 95% interval; survival is the product of a
    replication's yearly logo retention, averaged over replications. `sbg` (tier -> (alpha,
    beta)) adds the shifted-beta-geometric survival S(t) = B(a, b + t) / B(a, b) as dashed lines.
    """
    tiers = list(tiers)
    colours = _tier_colours(tiers)
    fig = _figure(13.5, 4.4)
    axes = fig.subplots(1, 3)
    fig.suptitle("Retention by year")
    years = sorted(
        {
            int(_num(row.get("year")))
            for row in rows
            if row.get("tier") in tiers and _ok(_num(row.get("year")))
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
            _errorbar(axes[k], xs, ys, [e.err() for e in ests if e.ok], color=c)
            lows[0] += [e.low if _ok(e.low) else e.mean for e in ests if e.ok]
        # survival of the t=0 book (its own metric); else the product of yearly logo retention
        cohort = _by_replication_year(rows, tier, "initial_cohort_survival")
        per_rep = _by_replication_year(rows, tier, "logo_retention")
        surv_years, surv = [0], [_Est(1.0)]
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
                surv.append(_clipped(_Est(iv.mean, iv.low, iv.high), "logo_retention"))
        if len(surv) > 1:
            plotted[2] = True
            xs = [t + dodge[tier] if t else 0.0 for t in surv_years]  # all start at (0, 1)
            axes[2].plot(xs, [e.mean for e in surv], color=c, marker="o", markersize=5, zorder=3)
            _errorbar(axes[2], xs, [e.mean for e in surv], [e.err() for e in surv], color=c)
            lows[1] += [e.low if _ok(e.low) else e.mean for e in surv]
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
        ax.set_ylim(bottoms[0 if k < 2 else 1], 1.01)
        _format_axis(ax.yaxis, "share")
        if not plotted[k]:
            _no_data(ax)
    handles: list[Any] = [
        Line2D([], [], color=colours[t], marker="o", markersize=5, label=tier_label(t))
        for t in tiers
    ]
    handles.append(_ci_handle("95% interval (t, across replications)"))
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


# --- 5. utilisation ---------------------------------------------------------------------------

_POOLS: tuple[tuple[str, str, str], ...] = (
    ("support_utilization", "Support", FUNCTION_COLOURS["support"]),
    ("csm_utilization", "CSM", FUNCTION_COLOURS["csm"]),
    ("ps_utilization", "Professional services", FUNCTION_COLOURS["implementation"]),
)


@_styled
def utilisation(
    metrics: Mapping[str, Any], tiers: Sequence[str], reference: float = 0.85
) -> Figure:
    """Support, CSM and professional-services utilisation by tier, with a reference line.

    Support and PS are shared pools: a tier's bar is the share of the pool's staffed time that
    tier used (the tiers add up to the pool's utilisation under 'all'); CSM teams are per tier.
    """
    tiers = list(tiers)
    fig = _figure(10.0, 4.8)
    ax = fig.add_subplot()
    width = 0.8 / len(_POOLS)
    top = reference
    for k, (metric, _label, colour) in enumerate(_POOLS):
        offset = (k - (len(_POOLS) - 1) / 2) * width
        for i, tier in enumerate(tiers):
            e = _metric(metrics, tier, metric)
            x = i + offset
            if not e.ok:
                _na(ax, x)
                continue
            ax.bar(x, e.mean, width=width * 0.92, color=colour, zorder=2)
            err = e.err()
            _errorbar(ax, [x], [e.mean], [err])
            top = max(top, e.mean + err[1])
    ax.axhline(reference, color=BLACK, linestyle="--", linewidth=1.0, zorder=3)
    ax.annotate(
        f"{_pct(reference, 0)} reference",
        (1.0, reference),
        xycoords=("axes fraction", "data"),
        xytext=(-2, 3),
        textcoords="offset points",
        ha="right",
        va="bottom",
        fontsize=8.5,
    )
    _tier_axis(ax, tiers)
    ax.set_ylim(0, max(1.05, top * 1.08))
    _format_axis(ax.yaxis, "share")
    ax.set_ylabel("Utilisation (share of staffed time)")
    ax.set_xlabel("Tier (support and PS: the tier's share of the shared pool)")
    ax.set_title("Staff utilisation by tier")
    fig.legend(
        handles=[Patch(color=c, label=label) for _m, label, c in _POOLS] + [_ci_handle()],
        loc="outside lower center",
        ncols=4,
    )
    return fig


# --- 6. forest plot ---------------------------------------------------------------------------


@_styled
def forest(
    comparisons: Sequence[Mapping[str, Any]], metric: str, tier: str | None = None
) -> Figure:
    """Paired differences of one metric (variant minus reference) with their 95% intervals.

    One row per comparison (per variant, and per tier when `tier` is None); the marker colour is
    the verdict (better green, worse vermillion, no detectable difference grey). Share metrics
    are shown in percentage points.
    """
    rows = [
        c
        for c in comparisons
        if c.get("metric") == metric and (tier is None or c.get("tier") == tier)
    ]
    if tier is None:
        tier_order = list(dict.fromkeys(str(c.get("tier")) for c in rows))
        rows.sort(key=lambda c: tier_order.index(str(c.get("tier"))))
    u = _unit(metric)
    scale = 100.0 if u.kind == "share" else 1.0
    references = sorted({str(c.get("reference")) for c in rows})
    one_reference = len(references) == 1
    fig = _figure(8.5, 1.6 + 0.42 * max(len(rows), 2))
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
            name = f"{tier_label(str(c.get('tier')))} \u00b7 {name}"
            if previous_tier is not None and c.get("tier") != previous_tier:
                ax.axhline(y + 0.5, color="#CCCCCC", linewidth=0.7)
            previous_tier = str(c.get("tier"))
        labels.append(name)
        verdict = str(c.get("verdict") or "no detectable difference")
        colour = VERDICT_COLOURS.get(verdict, GREY)
        verdicts.setdefault(verdict, colour)
        d = _num(c.get("difference")) * scale
        lo, hi = _num(c.get("ci95_low")) * scale, _num(c.get("ci95_high")) * scale
        if not _ok(d):
            ax.text(
                0, y, "n/a", ha="center", va="center", fontsize=8, color="#555555", style="italic"
            )
            continue
        if _ok(lo) and _ok(hi):
            ax.hlines(y, lo, hi, color=colour, linewidth=2.0, zorder=2)
            ax.vlines([lo, hi], y - 0.12, y + 0.12, color=colour, linewidth=1.4, zorder=2)
        ax.scatter([d], [y], s=48, color=colour, edgecolors="white", linewidths=0.7, zorder=3)
        p = _num(c.get("p_holm"))
        if _ok(p):
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
        _no_data(ax, f"no comparisons of {metric}")
    ref = references[0] if one_reference else "reference"
    ax.set_xlabel(
        f"Difference in {_inline(u.name)}, variant minus {ref} "
        f"({'percentage points' if u.kind == 'share' else u.unit})"
    )
    ax.set_ylabel("Comparison" if tier is not None else "Tier \u00b7 comparison")
    if u.kind == "usd":
        _format_axis(ax.xaxis, "usd")
    else:
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: _plain(v)))
    where = f", {tier_label(tier)}" if tier is not None else ""
    ax.set_title(f"Paired difference in {_inline(u.name)}{where}")
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


@_styled
def tradeoff(tradeoff: Mapping[str, Mapping[str, Any]]) -> Figure:
    """Cost of delivery per customer against GRR (left) and NRR (right), one point per variant.

    `tradeoff` = summary["tradeoff"]: {variant: {"cost_per_customer"|"grr"|"nrr": {mean,
    ci95_low, ci95_high}}}; whiskers are the 95% intervals in both directions.
    """
    variants = list(tradeoff)
    colours = {v: PALETTE[i % len(PALETTE)] for i, v in enumerate(variants)}
    fig = _figure(11.5, 4.6)
    axes = fig.subplots(1, 2, sharex=True)
    fig.suptitle("Cost of delivery vs retention, by variant")
    for ax, metric in zip(axes, ("grr", "nrr"), strict=True):
        ax.grid(True, axis="both")
        drawn = 0
        for v in variants:
            entry = tradeoff.get(v) or {}
            x = _est(entry.get("cost_per_customer"), "cost_per_customer")
            y = _est(entry.get(metric), metric)
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
            _no_data(ax)
        ax.margins(x=0.18, y=0.2)
        _format_axis(ax.xaxis, "usd")
        _format_axis(ax.yaxis, "share")
        ax.set_xlabel(f"Cost of delivery ({_PER_CUSTOMER_YEAR})")
        ax.set_ylabel(metric_label(metric))
        ax.set_title("Gross revenue retention" if metric == "grr" else "Net revenue retention")
        ax.legend(handles=[_ci_handle("95% intervals")], loc="lower right")
    return fig


# --- 8. frontier ------------------------------------------------------------------------------

_PARAM_UNITS: tuple[tuple[str, str], ...] = (
    ("headcount", "people"),
    ("managers", "people"),
    ("_hours", "hours"),
    ("_weeks", "weeks"),
    ("_per_year", "per year"),
    ("ote", "USD per year"),
    ("cost_per_hour", "USD per hour"),
    ("_share", "share"),
    ("_rate", "rate"),
)


def _param_label(param: str) -> str:
    for suffix, unit in _PARAM_UNITS:
        if param.endswith(suffix):
            return f"{param} ({unit})"
    return f"{param} (scenario units)"


@_styled
def frontier(
    points: Sequence[Mapping[str, Any]],
    param: str,
    metrics: Sequence[str],
    recommended: float | None = None,
    *,
    tier: str = "all",
    param_label: str | None = None,
) -> Figure:
    """Each metric against the swept parameter with its 95% band (points.csv of a sweep).

    `recommended` marks a parameter value with a vertical line; `param_label` overrides the x
    label (by default the parameter path with a unit guessed from its name).
    """
    metrics = list(metrics)
    n = max(len(metrics), 1)
    ncols = 2 if n in (2, 4) else min(3, n)
    nrows = math.ceil(n / ncols)
    fig = _figure(4.4 * ncols + 0.6, 3.6 * nrows + 0.5)
    grid = fig.subplots(nrows, ncols, squeeze=False)
    axes = [a for row in grid for a in row]
    for extra in axes[n:]:
        fig.delaxes(extra)
    fig.suptitle(f"Sweep of {param} ({tier_label(tier)})")
    xlabel = param_label or _param_label(param)
    rows = [p for p in points if p.get("tier", tier) == tier]
    raw_x = [p.get(param) for p in rows]
    numeric = all(_ok(_num(x)) for x in raw_x)
    categories = list(dict.fromkeys(str(x) for x in raw_x))
    for ax, metric in zip(axes, metrics or [""], strict=False):
        u = _unit(metric)
        data = []
        for p in rows:
            if p.get("metric") != metric:
                continue
            x = _num(p.get(param)) if numeric else float(categories.index(str(p.get(param))))
            e = _est(p, metric)
            data.append((x, e.mean, e.low, e.high))
        data = sorted(d for d in data if _ok(d[1]))
        if data:
            xs = [d[0] for d in data]
            ax.plot(xs, [d[1] for d in data], color=BLUE, marker="o", markersize=5, zorder=3)
            band = [d for d in data if _ok(d[2]) and _ok(d[3])]
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
            _no_data(ax, f"no data for {metric}" if metric else "no metrics")
        if recommended is not None and numeric and _ok(_num(recommended)):
            ax.axvline(
                float(recommended), color=VERMILLION, linestyle="--", linewidth=1.2, zorder=4
            )
            ax.annotate(
                f"recommended: {_plain(float(recommended))}",
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
            if all(_num(x).is_integer() for x in raw_x):
                ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        else:
            ax.set_xticks(range(len(categories)), categories)
        _format_axis(ax.yaxis, u.kind)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(_capital(u.unit) if metric else "Value")
        ax.set_title(u.name if metric else "no metrics")
    handles: list[Any] = [
        Line2D([], [], color=BLUE, marker="o", markersize=5, label="mean"),
        Patch(color=BLUE, alpha=0.2, label="95% interval"),
    ]
    if recommended is not None:
        handles.append(Line2D([], [], color=VERMILLION, linestyle="--", label="recommended"))
    fig.legend(handles=handles, loc="outside lower center", ncols=len(handles))
    return fig


# --- 9. robustness ----------------------------------------------------------------------------


@_styled
def robustness(summary_rows: Sequence[Mapping[str, Any]], *, tier: str = "all") -> Figure:
    """Share of parameter samples in which each verdict holds (robustness_summary.csv rows).

    One horizontal bar per (variant, metric) of `tier`, coloured by the verdict at the default
    parameters and annotated with the parameter that drives the difference most (Spearman rho).
    """
    rows = [r for r in summary_rows if r.get("tier", tier) == tier]
    fig = _figure(9.0, 1.9 + 0.7 * max(len(rows), 2))
    ax = fig.add_subplot()
    ax.grid(False)
    ax.grid(True, axis="x")
    ys = list(range(len(rows)))[::-1]
    labels = []
    verdicts: dict[str, str] = {}
    for y, r in zip(ys, rows, strict=True):
        rho = _num(r.get("spearman_rho"))
        rho_text = f"{rho:+.2f}".replace("-", MINUS) if _ok(rho) else "n/a"
        driver = str(r.get("main_driver") or "").strip() or "n/a"
        labels.append(
            f"{r.get('variant')} \u00b7 {_unit(str(r.get('metric'))).name}\n"
            f"main driver: {driver} (\u03c1 = {rho_text})"
        )
        verdict = str(r.get("verdict_at_defaults") or "no detectable difference")
        colour = VERDICT_COLOURS.get(verdict, GREY)
        verdicts.setdefault(verdict, colour)
        share = _num(r.get("verdict_holds_share"))
        if not _ok(share):
            ax.text(
                0.01,
                y,
                "n/a",
                ha="left",
                va="center",
                fontsize=8.5,
                style="italic",
                color="#555555",
            )
            continue
        ax.barh(y, share, height=0.6, color=colour, zorder=2)
        inside = share >= 0.15
        ax.annotate(
            _pct(share, 0),
            (share, y),
            xytext=(-5 if inside else 4, 0),
            textcoords="offset points",
            ha="right" if inside else "left",
            va="center",
            fontsize=9,
            fontweight="bold",
            color=BLACK,
        )
    ax.set_xlim(0, 1.0)
    ax.set_ylim(-0.7, max(len(rows), 1) - 0.3)
    ax.set_yticks(ys, labels)
    ax.tick_params(axis="y", length=0)
    _format_axis(ax.xaxis, "share")
    if not rows:
        _no_data(ax, f"no robustness results for tier {tier!r}")
    ax.set_xlabel("Parameter samples in which the verdict at defaults holds (share of samples)")
    ax.set_ylabel("Variant \u00b7 metric")
    ax.set_title(f"Robustness of verdicts ({tier_label(tier)})")
    if verdicts:
        fig.legend(
            handles=[Patch(color=c, label=v) for v, c in verdicts.items()],
            title="Verdict at default parameters",
            loc="outside lower center",
            ncols=3,
        )
    return fig
