"""Money figures from a hand-made summary: revenue, cost and margin bars with their intervals,
cost to revenue against the shaded 5%-20% band, lifetime value against the cost to serve a
customer; undefined values (null, NaN), a tier with no customers and a negative margin drawn
without a crash."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from matplotlib.axes import Axes
from matplotlib.colors import to_hex
from matplotlib.container import ErrorbarContainer
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from simcs.catalogue import metric
from simcs.reporting import figures
from simcs.reporting.figures.money import BAND_GID
from tests.unit.test_figures import texts

ALLOWED = {c.lower() for c in figures.PALETTE} | {figures.GREY.lower()}
SCOPES = ["big", "small", "empty", "all"]
NAN = float("nan")


def entry(mean: float | None, half: float | None = None) -> dict[str, Any]:
    """A summary.json metric entry with a symmetric 95% interval (5% of the mean by default)."""
    if mean is None:
        return {"mean": None, "std": None, "ci95_low": None, "ci95_high": None, "n": 0}
    h = abs(mean) * 0.05 if half is None else half
    return {"mean": mean, "std": h, "ci95_low": mean - h, "ci95_high": mean + h, "n": 5}


def scope(
    revenue: float | None, cost: float | None, clv: float | None, per: float | None
) -> dict[str, dict[str, Any]]:
    """One scope's money metrics from its revenue, cost of delivery, lifetime value and cost
    per customer (the margin and the ratio follow, undefined without revenue)."""
    margin = None if revenue is None or cost is None else revenue - cost
    ratio = None if not revenue or cost is None else cost / revenue
    return {
        "revenue": entry(revenue),
        "cost_total": entry(cost),
        "delivery_margin": entry(margin),
        "cost_to_revenue": entry(ratio, None if ratio is None else 0.005),
        "customer_lifetime_value": entry(clv),
        "cost_per_customer": entry(per),
    }


def money_metrics(**overrides: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """big: 6% of revenue (inside the band), small: 25% (above it), empty: no customers."""
    out = {
        "big": scope(50e6, 3e6, 1e6, 20e3),
        "small": scope(10e6, 2.5e6, 80e3, 4e3),
        "empty": scope(0.0, 0.0, None, None),
        "all": scope(60e6, 5.5e6, 300e3, 6e3),
    }
    for name, values in overrides.items():
        out.setdefault(name, {}).update(values)
    return out


def bars(ax: Axes) -> list[Rectangle]:
    """The bars of the axes (not the shaded band)."""
    return [p for p in ax.patches if isinstance(p, Rectangle) and p.get_gid() != BAND_GID]


def band(ax: Axes) -> list[Rectangle]:
    return [p for p in ax.patches if p.get_gid() == BAND_GID]


def whisker_spans(ax: Axes) -> list[tuple[float, float]]:
    """(low, high) of every whisker drawn on the axes."""
    spans = []
    for container in ax.containers:
        if isinstance(container, ErrorbarContainer):
            for segments in container.lines[2]:
                for seg in segments.get_segments():
                    spans.append((float(min(seg[:, 1])), float(max(seg[:, 1]))))
    return spans


def check(fig: Figure) -> None:
    assert fig.axes
    for ax in fig.axes:
        assert ax.get_title() and (ax.get_xlabel() or ax.get_ylabel())
    colours = {to_hex(p.get_facecolor()).lower() for ax in fig.axes for p in bars(ax)}
    assert colours <= ALLOWED


# --- revenue and margin -----------------------------------------------------------------------


def test_revenue_cost_and_margin_bars_with_intervals() -> None:
    fig = figures.revenue_and_margin(money_metrics(), SCOPES, tier_labels={"big": "Big ones"})
    check(fig)
    left, right = fig.axes
    rects = bars(left)
    # three bars (revenue, cost, margin) per scope with revenue; 'empty' has zero revenue and
    # zero cost (drawn flat) but no ratio
    assert len(rects) == 3 * 4
    heights = sorted(round(r.get_height()) for r in rects)
    assert heights[-1] == 60e6 and 47e6 in heights  # all's revenue; big's margin
    assert len(whisker_spans(left)) == 3 * 3  # no whisker where the interval is empty
    legend = texts(fig)
    for name in ("revenue", "cost_total", "delivery_margin"):
        assert metric(name).label in legend  # the catalogue's words
    assert left.get_ylabel() == metric("revenue").unit
    assert [t.get_text() for t in left.get_xticklabels()] == [
        "Big ones",
        "small",
        "empty",
        "All customers",
    ]


def test_cost_to_revenue_against_the_band() -> None:
    fig = figures.revenue_and_margin(money_metrics(), SCOPES)
    _, right = fig.axes
    (shade,) = band(right)
    assert shade.get_y() == pytest.approx(0.05) and shade.get_height() == pytest.approx(0.15)
    rects = bars(right)
    assert len(rects) == 3  # 'empty' has no revenue: no ratio, marked n/a
    colours = [to_hex(r.get_facecolor()).upper() for r in rects]
    inside, outside = figures.BLACK.upper(), figures.ORANGE.upper()
    assert colours == [inside, outside, inside]  # 6%, 25%, 9.2%
    assert [r.get_height() for r in rects] == pytest.approx([0.06, 0.25, 5.5 / 60])
    assert {"6.0%", "25.0%", "n/a"} <= set(texts(fig))
    assert any("5%-20%" in t and "1G.1" in t for t in texts(fig))
    assert right.get_ylim()[1] > 0.25 + 0.005  # the highest whisker fits
    assert right.get_ylabel() == figures.metric_label("cost_to_revenue")


def test_a_negative_margin_keeps_its_whole_interval() -> None:
    loss = scope(2e6, 3e6, -50e3, 30e3)  # cost above revenue: margin -$1M
    fig = figures.revenue_and_margin(money_metrics(small=loss), ["small"])
    left, right = fig.axes
    margin = bars(left)[2]
    assert margin.get_height() == pytest.approx(-1e6)
    low = min(lo for lo, _hi in whisker_spans(left))
    assert low == pytest.approx(-1.05e6)  # not cut at zero like a cost would be
    assert to_hex(bars(right)[0].get_facecolor()).upper() == figures.ORANGE.upper()  # 150%


def test_undefined_values_and_no_data() -> None:
    nan = {"revenue": {"mean": NAN, "ci95_low": NAN, "ci95_high": NAN}, "cost_total": None}
    fig = figures.revenue_and_margin(money_metrics(big=nan), ["big", "nowhere"])
    check(fig)
    left, right = fig.axes
    assert len(bars(left)) == len(bars(right)) == 1  # big's margin and ratio; nothing else
    assert texts(fig).count("n/a") >= 4
    empty = figures.revenue_and_margin({}, ["all"])
    check(empty)
    assert not bars(empty.axes[0]) and not bars(empty.axes[1])
    assert "no data" in texts(empty)
    assert len(band(empty.axes[1])) == 1  # the band is drawn all the same


# --- customer value ---------------------------------------------------------------------------


def test_lifetime_value_against_the_cost_to_serve() -> None:
    fig = figures.customer_value(money_metrics(), SCOPES)
    check(fig)
    (ax,) = fig.axes
    assert ax.get_yscale() == "log"
    rects = bars(ax)
    assert len(rects) == 2 * 3  # value and cost of each scope with customers
    colours = [to_hex(r.get_facecolor()).upper() for r in rects]
    assert colours == [figures.BLUE.upper(), figures.VERMILLION.upper()] * 3
    assert [r.get_height() for r in rects[:2]] == pytest.approx([1e6, 20e3])
    labels = texts(fig)
    assert "50\u00d7 a year's cost" in labels and "20\u00d7 a year's cost" in labels
    assert labels.count("n/a") == 2  # the scope without customers
    assert figures.metric_label("customer_lifetime_value") in labels
    assert figures.metric_label("cost_per_customer") in labels
    assert len(whisker_spans(ax)) == 6
    low, _high = ax.get_ylim()
    assert all(lo >= low for lo, _hi in whisker_spans(ax))  # whiskers stop at the axis


def test_a_negative_lifetime_value_is_written_not_drawn() -> None:
    fig = figures.customer_value(money_metrics(small=scope(1e6, 2e6, -50e3, 30e3)), ["small"])
    (ax,) = fig.axes
    assert len(bars(ax)) == 1  # the cost only
    assert "\u2212$50k" in texts(fig)
    assert not any("a year's cost" in t for t in texts(fig))
    nothing = figures.customer_value({"all": {"customer_lifetime_value": None}}, ["all"])
    check(nothing)
    assert "no data" in texts(nothing)


def test_money_figures_save(tmp_path: Path) -> None:
    fig = figures.customer_value(money_metrics(), SCOPES)
    png, svg = figures.save(fig, tmp_path, "customer_value")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "a year's cost" in svg.read_text(encoding="utf-8")
