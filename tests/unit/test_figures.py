"""Figures: built from plain data (synthetic and a tiny real run), labelled, saved, on palette."""

from __future__ import annotations

import csv
import io
import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import matplotlib
import pytest
from matplotlib.collections import PathCollection
from matplotlib.colors import to_hex
from matplotlib.container import ErrorbarContainer
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

import simcs
from simcs.catalogue import CATALOGUE, METRICS
from simcs.formulas.sbg import sbg_survival
from simcs.records import group_scope
from simcs.reporting import figures
from simcs.reporting.run_files import replications_csv, summary_document
from simcs.scenario.files import with_overrides
from tests.conftest import scenario_path

ALLOWED = {c.lower() for c in figures.PALETTE} | {figures.GREY.lower()}
TIERS = ["strategic", "smb"]


# --- helpers ----------------------------------------------------------------------------------


def entry(mean: float | None, half: float | None = None) -> dict[str, Any]:
    """A summary.json metric entry with a symmetric 95% interval."""
    if mean is None:
        return {"mean": None, "std": None, "ci95_low": None, "ci95_high": None, "n": 0}
    h = abs(mean) * 0.05 if half is None else half
    return {"mean": mean, "std": h, "ci95_low": mean - h, "ci95_high": mean + h, "n": 5}


def run_metrics(**overrides: dict[str, float | None]) -> dict[str, dict[str, Any]]:
    """summary["metrics"] for tiers strategic, smb and all; `overrides[tier][metric]` = mean."""
    base = {
        "strategic": {
            "arr_start": 15e6,
            "arr_churned": 1e6,
            "arr_contraction": 0.2e6,
            "arr_expansion": 1.5e6,
            "arr_new": 1.2e6,
            "arr_end": 16.5e6,
            "arr_per_customer": 300e3,
            "cost_per_customer": 26e3,
            "cost_per_customer_implementation": 4e3,
            "cost_per_customer_support": 1e3,
            "cost_per_customer_csm": 20e3,
            "cost_per_customer_education": 0.5e3,
            "cost_per_customer_operations": 0.5e3,
            "support_sla_met": 0.98,
            "support_wait_hours_mean": 0.5,
            "support_utilization": 0.1,
            "csm_utilization": 0.75,
            "ps_utilization": 0.2,
        },
        "smb": {
            "arr_start": 10e6,
            "arr_churned": 1.5e6,
            "arr_contraction": 0.1e6,
            "arr_expansion": 0.8e6,
            "arr_new": 2.0e6,
            "arr_end": 11.2e6,
            "arr_per_customer": 20e3,
            "cost_per_customer": 4e3,
            "cost_per_customer_implementation": 1e3,
            "cost_per_customer_support": 0.5e3,
            "cost_per_customer_csm": 2e3,
            "cost_per_customer_education": 0.0,
            "cost_per_customer_operations": 0.5e3,
            "support_sla_met": 0.9,
            "support_wait_hours_mean": 2.0,
            "support_utilization": 0.3,
            "csm_utilization": None,
            "ps_utilization": 0.25,
        },
    }
    base["all"] = {m: v for m, v in base["smb"].items() if m != "csm_utilization"}
    for tier, values in overrides.items():
        base.setdefault(tier, {}).update(values)
    out: dict[str, dict[str, Any]] = {}
    for tier, values in base.items():
        out[tier] = {m: entry(values.get(m)) for m in METRICS}
    return out


def check_figure(fig: Figure) -> None:
    """A figure with axes, each titled and labelled."""
    assert isinstance(fig, Figure)
    assert fig.axes
    for ax in fig.axes:
        assert ax.get_title(), "axes without a title"
        assert ax.get_xlabel() or ax.get_ylabel(), f"axes {ax.get_title()!r} without labels"


def bars(ax: Any) -> list[Rectangle]:
    return [p for p in ax.patches if isinstance(p, Rectangle)]


def hexes(colours: Any) -> set[str]:
    return {to_hex(c).lower() for c in colours}


def bar_colours(fig: Figure) -> set[str]:
    return {to_hex(p.get_facecolor()).lower() for ax in fig.axes for p in bars(ax)}


def markers(ax: Any) -> list[PathCollection]:
    return [c for c in ax.collections if isinstance(c, PathCollection)]


def marker_count(ax: Any) -> int:
    return sum(len(c.get_offsets()) for c in markers(ax))


def texts(fig: Figure) -> list[str]:
    out = [t.get_text() for t in fig.texts]
    for ax in fig.axes:
        out += [t.get_text() for t in ax.texts]
    for legend in [*fig.legends, *(ax.get_legend() for ax in fig.axes)]:
        if legend is not None:
            out += [t.get_text() for t in legend.get_texts()]
    return out


# --- style and saving -------------------------------------------------------------------------


def test_module_uses_no_pyplot_and_leaves_rcparams_alone(tmp_path: Path) -> None:
    # raw values (dict.__getitem__): reading rcParams["backend"] would itself import pyplot
    code = f"""
import sys, matplotlib
raw = lambda: {{k: dict.__getitem__(matplotlib.rcParams, k) for k in matplotlib.rcParams.keys()}}
before = raw()
import simcs.reporting.figures as f
f.save(f.utilisation({{}}, ["a"]), {str(tmp_path)!r}, "u")
assert "matplotlib.pyplot" not in sys.modules
assert raw() == before
"""
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_style_and_palette() -> None:
    assert len(set(figures.PALETTE)) == 8
    assert set(figures.FUNCTION_COLOURS.values()) <= set(figures.PALETTE)
    assert figures.VERDICT_COLOURS == {"better": "#009E73", "worse": "#D55E00"}
    with matplotlib.rc_context(figures.STYLE):
        assert matplotlib.rcParams["axes.spines.top"] is False


def test_save_writes_png_and_svg(tmp_path: Path) -> None:
    fig = figures.utilisation(run_metrics(), TIERS)
    paths = figures.save(fig, tmp_path / "out", "utilisation")
    assert [p.name for p in paths] == ["utilisation.png", "utilisation.svg"]
    png, svg = paths
    assert png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert png.stat().st_size > 1000
    assert "<svg" in svg.read_text(encoding="utf-8")


def test_labels() -> None:
    assert figures.metric_label("grr") == "GRR (share of cohort ARR)"
    assert figures.metric_label("grr", difference=True) == "Difference in GRR (percentage points)"
    assert "USD per customer-year" in figures.metric_label("cost_per_customer")
    assert figures.metric_label("support_wait_hours_mean").endswith("(business hours)")
    assert figures.metric_label("unknown_thing") == "unknown thing (value)"
    # tiers: the scenario's own labels when given, else the key ('all' reads "All customers")
    assert figures.tier_label("smb") == "smb"
    assert figures.tier_label("all") == "All customers"
    assert figures.tier_label("smb", {"smb": "SMB/MID"}) == "SMB/MID"
    assert figures.tier_label("all", {"all": "Whole book"}) == "Whole book"


def test_metric_labels_are_the_catalogues() -> None:
    for name, entry in CATALOGUE.items():
        assert figures.metric_label(name) == f"{entry.label} ({entry.unit})"
    assert figures.metric_label("initial_cohort_survival").startswith("Initial-cohort survival")
    share = figures.metric_label("support_wait_within_1h", difference=True)
    assert share.endswith("(percentage points)")
    assert figures.metric_label("ttv_days_mean", difference=True).endswith("(calendar days)")


def test_figures_name_tiers_by_the_scenarios_labels() -> None:
    labels = {"strategic": "Strategic", "smb": "SMB/MID"}
    fig = figures.support_service(run_metrics(), [*TIERS, "all"], tier_labels=labels)
    ticks = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert ticks == ["Strategic", "SMB/MID", "All customers"]
    plain = figures.support_service(run_metrics(), [*TIERS, "all"])
    assert [t.get_text() for t in plain.axes[0].get_xticklabels()] == [
        "strategic",
        "smb",
        "All customers",
    ]
    bridge = figures.arr_bridge(run_metrics(), "smb", tier_labels=labels)
    assert bridge.axes[0].get_title() == "ARR bridge: SMB/MID"
    forest = figures.forest(comparisons(), "grr", tier_labels=labels)
    assert any(
        t.get_text().startswith("Strategic \u00b7 ") for t in forest.axes[0].get_yticklabels()
    )
    years = figures.retention_by_year(retention_rows(), TIERS, tier_labels=labels)
    assert {"Strategic", "SMB/MID"} <= set(texts(years))


# --- 1. ARR bridge ----------------------------------------------------------------------------


def test_arr_bridge_steps_and_colours() -> None:
    fig = figures.arr_bridge(run_metrics(), "strategic")
    check_figure(fig)
    (ax,) = fig.axes
    rects = bars(ax)
    assert len(rects) == 6
    colours = [to_hex(r.get_facecolor()).upper() for r in rects]
    assert colours == ["#0072B2", "#D55E00", "#D55E00", "#009E73", "#009E73", "#0072B2"]
    start, churn, contraction, expansion, new, end = rects
    assert start.get_height() == pytest.approx(15.0)  # $M
    assert churn.get_y() == pytest.approx(14.0) and churn.get_height() == pytest.approx(1.0)
    assert contraction.get_y() == pytest.approx(13.8)
    assert expansion.get_y() == pytest.approx(13.8)
    assert new.get_y() + new.get_height() == pytest.approx(16.5)
    assert end.get_height() == pytest.approx(16.5)
    assert "USD" in ax.get_ylabel()
    assert sum(isinstance(c, ErrorbarContainer) for c in ax.containers) == 6  # one per step


def test_arr_bridge_missing_values() -> None:
    fig = figures.arr_bridge(run_metrics(strategic={"arr_new": None}), "strategic")
    check_figure(fig)
    assert len(bars(fig.axes[0])) == 5
    assert "n/a" in texts(fig)
    empty = figures.arr_bridge(run_metrics(), "no_such_tier")
    check_figure(empty)
    assert not bars(empty.axes[0])


# --- 2. cost vs value -------------------------------------------------------------------------


def test_cost_vs_value() -> None:
    fig = figures.cost_vs_value(run_metrics(), [*TIERS, "missing"])
    check_figure(fig)
    left, right = fig.axes
    assert len(bars(left)) == 5 * 2  # five functions per tier with data
    assert len(bars(right)) == 2
    assert right.get_yscale() == "log"
    assert marker_count(right) == 2  # the cost markers
    assert bar_colours(fig) <= ALLOWED
    strategic_stack = bars(left)[:5]
    assert sum(r.get_height() for r in strategic_stack) == pytest.approx(26e3)
    assert any("of ARR" in t for t in texts(fig))
    assert "n/a" in texts(fig)


# --- 3. support service -----------------------------------------------------------------------


def test_support_service() -> None:
    metrics = run_metrics(smb={"support_wait_hours_mean": None})
    fig = figures.support_service(metrics, [*TIERS, "all"])
    check_figure(fig)
    sla, wait = fig.axes
    assert [r.get_height() for r in bars(sla)] == pytest.approx([0.98, 0.9, 0.9])
    assert len(bars(wait)) == 2
    assert "business hours" in wait.get_ylabel()
    assert "share of cases" in sla.get_ylabel()
    assert bar_colours(fig) <= ALLOWED


# --- 4. retention by year ---------------------------------------------------------------------


def retention_rows() -> list[dict[str, str]]:
    """replications.csv rows: 3 replications x 3 years x 2 tiers, logo retention known."""
    rows = []
    for r in range(3):
        for year in (1, 2, 3):
            for tier, base in (("strategic", 0.95), ("smb", 0.85)):
                logo = base - 0.01 * r
                for metric, value in (("grr", logo + 0.005), ("logo_retention", logo)):
                    rows.append(
                        {
                            "replication": str(r),
                            "year": str(year),
                            "tier": tier,
                            "metric": metric,
                            "value": repr(value),
                        }
                    )
    rows.append(
        {"replication": "0", "year": "1", "tier": "smb", "metric": "nrr", "value": ""}
    )  # undefined values are skipped
    return rows


def test_retention_by_year() -> None:
    sbg = {"strategic": (1.2, 8.8), "smb": (1.8, 8.2)}
    fig = figures.retention_by_year(retention_rows(), [*TIERS, "empty"], sbg=sbg)
    check_figure(fig)
    grr_ax, logo_ax, surv_ax = fig.axes
    solid = [ln for ln in logo_ax.get_lines() if ln.get_linestyle() == "-"]
    assert len(solid) == 2
    assert list(solid[1].get_ydata()) == pytest.approx([0.84] * 3)  # smb mean over reps
    surv = [ln for ln in surv_ax.get_lines() if ln.get_linestyle() == "-"]
    expected = [1.0] + [sum((0.85 - 0.01 * r) ** k for r in range(3)) / 3 for k in (1, 2, 3)]
    assert list(surv[1].get_ydata()) == pytest.approx(expected)
    dashed = [ln for ln in surv_ax.get_lines() if ln.get_linestyle() == "--"]
    assert len(dashed) == 2
    assert list(dashed[0].get_ydata()) == pytest.approx(
        [sbg_survival(1.2, 8.8, t) for t in range(4)]
    )
    assert "sBG (drivers neutral)" in texts(fig)
    line_colours = {
        to_hex(ln.get_color()).lower()
        for ax in fig.axes
        for ln in ax.get_lines()
        if ln.get_linestyle() != "None"  # error-bar caps are markers only
    }
    assert line_colours <= ALLOWED


def test_retention_by_year_without_data() -> None:
    fig = figures.retention_by_year([], ["strategic"])
    check_figure(fig)
    assert "no data" in texts(fig)


# --- 5. utilisation ---------------------------------------------------------------------------


def test_utilisation() -> None:
    fig = figures.utilisation(run_metrics(), [*TIERS, "all"])
    check_figure(fig)
    (ax,) = fig.axes
    assert len(bars(ax)) == 3 * 3 - 2  # csm undefined for smb and all
    assert texts(fig).count("n/a") == 2
    assert any(list(ln.get_ydata()) == [0.85, 0.85] for ln in ax.get_lines())
    assert bar_colours(fig) == hexes(["#E69F00", "#009E73", "#0072B2"])


# --- 6. forest --------------------------------------------------------------------------------


def comparisons() -> list[dict[str, Any]]:
    rows = []
    for tier in ("strategic", "all"):
        for variant, d, verdict in (
            ("low_touch", -0.02, "worse"),
            ("high_touch", 0.01, "better"),
            ("digital_first", 0.001, "no detectable difference"),
        ):
            rows.append(
                {
                    "variant": variant,
                    "reference": "baseline",
                    "tier": tier,
                    "metric": "grr",
                    "difference": d,
                    "ci95_low": d - 0.005,
                    "ci95_high": d + 0.005,
                    "n": 5,
                    "p_value": 0.01,
                    "p_holm": 0.03,
                    "verdict": verdict,
                }
            )
    rows.append({**rows[0], "metric": "cost_per_customer", "difference": -1200.0})
    return rows


def test_forest_one_marker_per_comparison() -> None:
    fig = figures.forest(comparisons(), "grr")
    check_figure(fig)
    (ax,) = fig.axes
    assert marker_count(ax) == 6
    assert "percentage points" in ax.get_xlabel()
    colours = {to_hex(c.get_facecolor()[0]).upper(): c.get_offsets()[0][0] for c in markers(ax)}
    assert colours["#D55E00"] == pytest.approx(-2.0)  # worse, in percentage points
    assert colours["#009E73"] == pytest.approx(1.0)
    assert colours["#999999"] == pytest.approx(0.1)
    assert any(list(ln.get_xdata()) == [0.0, 0.0] for ln in ax.get_lines())  # zero line


def test_forest_one_tier_and_units() -> None:
    fig = figures.forest(comparisons(), "grr", tier="all")
    assert marker_count(fig.axes[0]) == 3
    cost = figures.forest(comparisons(), "cost_per_customer", tier="strategic")
    check_figure(cost)
    assert marker_count(cost.axes[0]) == 1
    assert "USD per customer-year" in cost.axes[0].get_xlabel()
    none = figures.forest(comparisons(), "nrr")
    check_figure(none)
    assert marker_count(none.axes[0]) == 0
    undefined = figures.forest([{**comparisons()[0], "difference": None}], "grr")
    assert marker_count(undefined.axes[0]) == 0 and "n/a" in texts(undefined)


# --- 7. trade-off -----------------------------------------------------------------------------


def test_tradeoff() -> None:
    data = {
        "baseline": {"cost_per_customer": entry(5300), "grr": entry(0.92), "nrr": entry(1.05)},
        "low_touch": {"cost_per_customer": entry(4000), "grr": entry(0.90), "nrr": entry(1.02)},
        "broken": {"cost_per_customer": entry(None), "grr": entry(0.9), "nrr": entry(1.0)},
    }
    fig = figures.tradeoff(data)
    check_figure(fig)
    grr_ax, nrr_ax = fig.axes
    assert marker_count(grr_ax) == 2 and marker_count(nrr_ax) == 2
    assert [c.get_offsets()[0][1] for c in markers(nrr_ax)] == pytest.approx([1.05, 1.02])
    assert {"baseline", "low_touch"} <= set(texts(fig))
    assert "USD per customer-year" in grr_ax.get_xlabel()
    assert {to_hex(c.get_facecolor()[0]).lower() for c in markers(grr_ax)} <= ALLOWED


# --- 8. frontier ------------------------------------------------------------------------------


def sweep_points() -> list[dict[str, str]]:
    rows = []
    for h in (3, 4, 5, 6):
        for tier in ("all", "smb"):
            for metric, mean in (("support_sla_met", 0.6 + 0.1 * h - 0.3), ("grr", 0.9)):
                rows.append(
                    {
                        "point": f"staff.support.headcount={h}",
                        "staff.support.headcount": str(h),
                        "tier": tier,
                        "metric": metric,
                        "mean": repr(mean),
                        "ci95_low": repr(mean - 0.02),
                        "ci95_high": repr(mean + 0.02),
                        "n": "3",
                    }
                )
    return rows


def test_frontier() -> None:
    fig = figures.frontier(
        sweep_points(), "staff.support.headcount", ["support_sla_met", "grr"], recommended=5
    )
    check_figure(fig)
    assert len(fig.axes) == 2
    for ax in fig.axes:
        (line, *_rest) = [ln for ln in ax.get_lines() if ln.get_marker() == "o"]
        assert list(line.get_xdata()) == [3, 4, 5, 6]  # tier 'all' only
        assert ax.collections  # the 95% band
        assert any(list(ln.get_xdata()) == [5.0, 5.0] for ln in ax.get_lines())
        assert "staff.support.headcount (people)" == ax.get_xlabel()
    assert any(t.startswith("recommended: 5") for t in texts(fig))
    three = figures.frontier(sweep_points(), "staff.support.headcount", ["grr", "nrr", "x"])
    check_figure(three)
    assert len(three.axes) == 3


# --- 9. robustness ----------------------------------------------------------------------------


def test_robustness() -> None:
    text = (
        "variant,tier,metric,verdict_at_defaults,verdict_holds_share,main_driver,spearman_rho\n"
        "play_off,smb,grr,worse,0.5,drivers.ttv_late,0.3\n"
        "play_off,all,grr,worse,0.833,drivers.champion_lost,-0.943\n"
        "play_off,all,cost_per_customer,better,1.000,drivers.trained,0.5\n"
        "play_on,all,nrr,no detectable difference,,,\n"
    )
    rows = list(csv.DictReader(io.StringIO(text)))
    fig = figures.robustness(rows)
    check_figure(fig)
    (ax,) = fig.axes
    widths = [r.get_width() for r in bars(ax)]
    assert widths == pytest.approx([0.833, 1.0])
    assert bar_colours(fig) == hexes(["#D55E00", "#009E73"])
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert any("drivers.champion_lost" in lb and "\u22120.94" in lb for lb in labels)
    assert "n/a" in texts(fig)
    check_figure(figures.robustness([]))


# --- empty inputs never crash -----------------------------------------------------------------


def test_empty_inputs() -> None:
    for fig in (
        figures.arr_bridge({}, "all"),
        figures.cost_vs_value({}, ["all"]),
        figures.support_service({"all": None}, ["all"]),  # type: ignore[dict-item]
        figures.utilisation({}, []),
        figures.forest([], "grr"),
        figures.tradeoff({}),
        figures.frontier([], "x", []),
        figures.robustness([]),
    ):
        check_figure(fig)


# --- a tiny real run --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tiny_run() -> tuple[dict[str, Any], list[dict[str, str]], list[str], dict[str, Any]]:
    scenario = simcs.load_scenario(scenario_path("baseline"))
    overrides: dict[str, Any] = {"horizon_years": 2}
    for name, group in scenario.population.items():
        overrides[f"population.{name}.initial_customers"] = max(
            1, round(group.initial_customers / 20)
        )
        overrides[f"population.{name}.initial_arr_total"] = None
    scenario = with_overrides(scenario, overrides)
    result = simcs.run(scenario, replications=3, seed=0, workers=1)
    summary = json.loads(json.dumps(summary_document(result)))  # as read back from the file
    rows = list(csv.DictReader(io.StringIO(replications_csv(result))))
    # the sBG law is a customer group's: its survival curve is drawn for the group's scope
    sbg = {
        group_scope(n): (g.renewal.alpha, g.renewal.beta) for n, g in scenario.population.items()
    }
    return summary, rows, list(scenario.tiers), sbg


def test_figures_of_a_real_run(tiny_run: Any, tmp_path: Path) -> None:
    summary, rows, tiers, sbg = tiny_run
    metrics = summary["metrics"]
    groups = list(sbg)
    built = {
        "arr_bridge": figures.arr_bridge(metrics, "all"),
        "cost_vs_value": figures.cost_vs_value(metrics, tiers),
        "support_service": figures.support_service(metrics, [*tiers, "all"]),
        "retention_by_year": figures.retention_by_year(rows, [*groups, "all"], sbg=sbg),
        "utilisation": figures.utilisation(metrics, [*tiers, "all"]),
    }
    for name, fig in built.items():
        check_figure(fig)
        assert bar_colours(fig) <= ALLOWED
        png, svg = figures.save(fig, tmp_path, name)
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and svg.stat().st_size > 0
    # the ARR bridge of 'all' ends where the steps lead (the run's ledger reconciles)
    rects = bars(built["arr_bridge"].axes[0])
    assert len(rects) == 6
    new = rects[4]
    assert new.get_y() + new.get_height() == pytest.approx(rects[5].get_height(), rel=1e-6)
    # one bar per tier with SLA data; the digital tier has no CSM team utilisation (n/a)
    defined = [t for t in [*tiers, "all"] if metrics[t]["support_sla_met"]["mean"] is not None]
    assert len(bars(built["support_service"].axes[0])) == len(defined)
    assert metrics["digital"]["csm_utilization"]["mean"] is None
    assert "n/a" in texts(built["utilisation"])
    years = sorted({int(r["year"]) for r in rows if r["metric"] == "grr"})
    surv = [
        ln for ln in built["retention_by_year"].axes[2].get_lines() if ln.get_linestyle() == "-"
    ]
    assert len(surv) == len(groups) + 1  # a group's scope and the whole book
    assert all(len(ln.get_xdata()) == len(years) + 1 for ln in surv)
    assert all(math.isclose(ln.get_ydata()[0], 1.0) for ln in surv)
    theory = [
        ln for ln in built["retention_by_year"].axes[2].get_lines() if ln.get_linestyle() == "--"
    ]
    assert len(theory) == len(groups)  # the sBG survival of each group, dashed


def test_pools_over_time_from_timeseries_rows(tmp_path: Path) -> None:
    rows = [
        {"replication": r, "month": m, "pool": pool, "queue_length": q, "utilization": u}
        for r in range(3)
        for m in range(1, 13)
        for pool, q, u in (("support", 0.5 + 0.1 * r, 0.6), ("csm.smb", 2.0, 0.7 + 0.01 * r))
    ]
    fig = figures.pools_over_time(rows)
    axes = fig.get_axes()
    assert len(axes) == 2
    for ax in axes:
        assert ax.get_xlabel() and ax.get_ylabel() and ax.get_title()
        assert len(ax.get_lines()) == 2  # one line per pool
    paths = figures.save(fig, tmp_path, "pools")
    assert all(p.stat().st_size > 0 for p in paths)
