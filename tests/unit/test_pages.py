"""Report pages without simulating: numbers by the catalogue's kind, tiers and customer groups
by the scenario's labels, which way a comparison is made and how each variant serves its
customers, the sBG reference per customer group, and the allocation page built from a
hand-written allocation.json."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from matplotlib import cbook
from matplotlib.lines import Line2D

from simcs.catalogue import CATALOGUE
from simcs.reporting import figures, results
from simcs.reporting.pages import allocation, policy
from simcs.reporting.pages.common import drivers_neutral, folder_scenario, tier_labels
from simcs.reporting.pages.numbers import difference, heading, interval, label, value
from simcs.reporting.pages.run import group_sbg
from simcs.reporting.report import PAGES, build_report

PNG = b"\x89PNG\r\n\x1a\n"


# --- numbers ----------------------------------------------------------------------------------


def test_values_by_kind() -> None:
    assert value("grr", 0.91234) == "0.912"
    assert value("cost_per_customer", 5300.4) == "$5,300"
    assert value("cost_per_customer", -1180.0) == "-$1,180"
    assert value("support_wait_hours_mean", 1.256) == "1.26"
    assert value("ttv_days_mean", 41.26) == "41.3"
    assert value("new_customers", 1234.56) == "1,234.6"
    assert value("grr", None) == value("grr", float("nan")) == "n/a"
    entry = {"mean": 0.9, "ci95_low": 0.88, "ci95_high": 0.92}
    assert interval("nrr", entry) == "0.900 [0.880, 0.920]"
    assert interval("nrr", {"mean": 0.9, "ci95_low": None, "ci95_high": None}) == "0.900"
    assert interval("nrr", None) == interval("nrr", {"mean": None}) == "n/a"


def test_differences_by_kind() -> None:
    # shares in percentage points, whatever the metric (the catalogue's kind decides)
    assert difference("support_wait_within_1h", 0.031, 0.02, 0.042) == ("+3.1 points [+2.0, +4.2]")
    assert difference("initial_cohort_survival", -0.01, -0.02, 0.0) == ("-1.0 points [-2.0, +0.0]")
    # USD with the unit's 'per ...'
    assert difference("cost_total", 25_000.0, 10_000.0, 40_000.0) == (
        "+$25,000 per year [10,000, 40,000]"
    )
    assert difference("arr_end", -3e5, -4e5, -2e5) == "-$300,000 [-400,000, -200,000]"
    # others in their own unit and format
    assert difference("support_wait_hours_mean", 0.5, 0.25, 0.75) == (
        "+0.50 business hours [+0.25, +0.75]"
    )
    assert difference("grr", None, 0.0, 0.1) == "n/a"


def test_every_catalogue_metric_formats() -> None:
    for name, entry in CATALOGUE.items():
        assert value(name, 1.0) != "n/a"
        assert difference(name, 0.5, 0.25, 0.75) != "n/a"
        assert label(name)[:1] == entry.label[:1] or label(name)[:1] == entry.label[:1].lower()
        assert heading(name).startswith(entry.label)


# --- tier labels --------------------------------------------------------------------------------


def _scenario_file(
    path: Path, labels: dict[str, str], groups: dict[str, str] | None = None, **more: Any
) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = {"name": "x", "tiers": {k: {"label": v} for k, v in labels.items()}, **more}
    if groups is not None:
        doc["population"] = {k: {"label": v} for k, v in groups.items()}
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")


def test_tier_labels_come_from_the_folders_scenario(tmp_path: Path) -> None:
    run = tmp_path / "run"
    _scenario_file(run / results.SCENARIO, {"strategic": "Strategic", "smb": "SMB/MID"})
    assert tier_labels(folder_scenario(run)) == {
        "all": "All customers",
        "strategic": "Strategic",
        "smb": "SMB/MID",
    }
    experiment = tmp_path / "experiment"
    _scenario_file(experiment / results.SCENARIOS_DIR / "b.yaml", {"t": "From b"})
    _scenario_file(experiment / results.SCENARIOS_DIR / "a.yaml", {"t": "From a"})
    assert tier_labels(folder_scenario(experiment, "b"))["t"] == "From b"
    assert tier_labels(folder_scenario(experiment))["t"] == "From a"
    assert tier_labels(folder_scenario(tmp_path / "nothing")) == {"all": "All customers"}


def test_customer_groups_are_named_by_their_labels(tmp_path: Path) -> None:
    run = tmp_path / "run"
    groups = {"over_250k": "$250k+", "under_15k": "under $15k"}
    _scenario_file(run / results.SCENARIO, {"strategic": "Strategic"}, groups)
    labels = tier_labels(folder_scenario(run))
    assert labels == {
        "all": "All customers",
        "strategic": "Strategic",
        "group:over_250k": "$250k+",
        "group:under_15k": "under $15k",
    }
    # on figures: a group by its label (a dollar sign drawn as itself, never as mathtext),
    # without labels by its name
    assert figures.tier_label("group:over_250k", labels) == r"\$250k+"
    assert figures.tier_label("group:over_250k") == "group over_250k"
    assert figures.tier_label("all", labels) == "All customers"
    assert figures.scope_noun(["group:a", "all"]) == "Customer group"
    assert figures.scope_noun(["smb", "all"]) == figures.scope_noun(["all"]) == "Tier"
    assert figures.scope_noun(["smb", "group:a"]) == "Tier or customer group"


def _comparison(variant: str, tier: str, d: float) -> dict[str, Any]:
    return {
        "variant": variant,
        "reference": "base",
        "tier": tier,
        "metric": "grr",
        "difference": d,
        "ci95_low": d - 0.01,
        "ci95_high": d + 0.01,
        "p_holm": 0.01,
        "verdict": "better" if d > 0.01 else "no detectable difference",
    }


def test_forest_of_customer_groups_names_them() -> None:
    comps = [
        _comparison("v", "group:over_250k", 0.02),
        _comparison("v", "group:under_15k", 0.0),
        _comparison("v", "all", 0.01),
    ]
    labels = {"group:over_250k": "$15k-$100k", "group:under_15k": "under $15k", "all": "All"}
    fig = figures.forest(comps, "grr", None, tier_labels=labels)
    (ax,) = fig.axes
    assert ax.get_ylabel() == "Customer group \u00b7 comparison"
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    # top to bottom in the order compared
    assert ticks == ["\\$15k-\\$100k \u00b7 v", "under \\$15k \u00b7 v", "All \u00b7 v"]
    # two dollar signs in a label: drawn as text, not as a formula
    assert not any(cbook.is_math_text(t) for t in ticks)
    assert cbook.is_math_text(f"{labels['group:over_250k']} \u00b7 v")  # unescaped, it would be


# --- which way a comparison is made; how each variant serves its customers ---------------------


def test_the_basis_of_a_comparison_in_one_sentence() -> None:
    groups = ["group:a", "group:b", "all"]
    assert policy.basis(groups, differ=True) == (
        "Compared by customer group, because the variants segment differently: a tier serves "
        "different customers in each."
    )
    assert policy.basis(groups, differ=False) == policy.BY_GROUP_SAME
    assert policy.basis(["smb", "all"], differ=False) == policy.BY_TIER_SAME
    assert policy.basis(["smb", "all"], differ=True) == policy.BY_TIER_DIFFERENT
    assert policy.basis(["smb", "group:a"], differ=True) == policy.BY_BOTH_DIFFERENT
    assert policy.basis(["all"], differ=True) == policy.BOOK_ONLY


def test_how_each_variant_serves_its_customers(tmp_path: Path) -> None:
    folder = tmp_path / "experiment"
    scenarios = folder / results.SCENARIOS_DIR
    tiers = {"high": "High touch", "low": "Low touch"}
    _scenario_file(scenarios / "base.yaml", tiers, segmentation={"rule": "arr"})
    _scenario_file(scenarios / "same.yaml", tiers, segmentation={"rule": "arr"})
    assert not policy.segment_differently(folder, ["base", "same"])
    _scenario_file(scenarios / "moved.yaml", tiers, segmentation={"rule": "arr", "x": 1})
    assert policy.segment_differently(folder, ["base", "moved"])
    rows = [["variant", "replication", "year", "tier", "metric", "value"]]
    for variant, high in (("base", 10.0), ("moved", 20.0)):
        for r in (0, 1):
            for y in (1, 2):
                rows += [
                    [variant, r, y, "high", "customers_end", high + r + y],
                    [variant, r, y, "low", "customers_end", 100.0],
                    [variant, r, y, "group:a", "customers_end", 55.0],  # not a tier
                    [variant, r, y, "all", "retiered_up", 2.0 * r],
                    [variant, r, y, "all", "retiered_down", ""],  # undefined: left out
                ]
    text = "".join(",".join(str(c) for c in row) + "\n" for row in rows)
    (folder / results.REPLICATIONS).write_text(text, encoding="utf-8")
    labels = tier_labels(folder_scenario(folder, "base"))
    table = policy.policy_table(folder, ["base", "moved"], folder_scenario(folder, "base"), labels)
    assert re.findall(r"<th>([^<]*)</th>", table) == [
        "Variant",
        "High touch: customers",
        "Low touch: customers",
        "Moved up per year",
        "Moved down per year",
    ]
    cells = [re.findall(r"<td>([^<]*)</td>", row) for row in re.findall(r"<tr>(.*?)</tr>", table)]
    assert cells[1:] == [
        ["base", "12.0", "100.0", "1.0", "n/a"],
        ["moved", "22.0", "100.0", "1.0", "n/a"],
    ]
    assert policy.policy_table(tmp_path / "empty", ["base"], None, labels) == ""


def test_the_sbg_reference_belongs_to_customer_groups() -> None:
    neutral = {
        "champion_lost": 1.0,
        "relationship": {"assigned": 1.0},
        "relationship_touches_per_year": 6.0,
        "coverage_change": 1.1,
        "coverage_change_mid_term": 1.5,
    }
    scenario = {
        "drivers": neutral,
        "population": {
            "big": {"renewal": {"alpha": 1.2, "beta": 8.8}},
            "small": {"renewal": {"alpha": 1.8, "beta": 8.2}},
        },
        "tiers": {"one": {}},  # a tier has no renewal law of its own
    }
    # the coverage-change odds act only on customers moved down
    assert not drivers_neutral(scenario)
    assert drivers_neutral(scenario, moved_down=False)
    metrics = {
        "group:big": {"retiered_down": {"mean": 0.0}},
        "group:small": {"retiered_down": {"mean": 3.0}},
    }
    assert group_sbg(scenario, metrics) == {"group:big": (1.2, 8.8)}
    everything = {**scenario, "drivers": {**neutral, "coverage_change": 1.0,
                                          "coverage_change_mid_term": 1.0}}  # fmt: skip
    assert group_sbg(everything, metrics) == {"group:big": (1.2, 8.8), "group:small": (1.8, 8.2)}
    driven = {**scenario, "drivers": {**neutral, "champion_lost": 2.5}}
    assert group_sbg(driven, {}) is None


# --- allocation ---------------------------------------------------------------------------------


def _plan(headcounts: dict[str, int], cost: float, mean: float | None) -> dict[str, Any]:
    objective = {"mean": mean, "ci95_low": None, "ci95_high": None}
    if mean is not None:
        objective = {"mean": mean, "ci95_low": mean - 0.004, "ci95_high": mean + 0.004}
    return {"headcounts": headcounts, "staff_cost": cost, "objective": objective}


def allocation_document() -> dict[str, Any]:
    """A hand-written allocation.json in the documented shape."""
    return {
        "scenario": "baseline",
        "objective": "grr",
        "tier": "smb",
        "limit": {"kind": "budget", "value": 10_500_000.0},
        "replications": 8,
        "seed": 3,
        "pools": ["support", "csm.smb"],
        "start": _plan({"support": 5, "csm.smb": 4}, 9_800_000.0, 0.871),
        "final": _plan({"support": 7, "csm.smb": 6}, 10_420_000.0, 0.902),
        "marginals": [
            {
                "pool": "support",
                "now": 6,
                "floor": 5,
                "allocated": 7,
                "cost_per_person": 155_000.0,
                "gain": 0.0012,
                "gain_per_million": 0.0077,
                "fits": False,
            },
            {
                "pool": "csm.smb",
                "now": 5,
                "floor": 4,
                "allocated": 6,
                "cost_per_person": 160_000.0,
                "gain": None,
                "gain_per_million": None,
                "fits": False,
            },
        ],
        "steps": [
            {"pool": "support", "objective_mean": 0.880, "staff_cost": 9_955_000.0},
            {"pool": "csm.smb", "objective_mean": 0.889, "staff_cost": 10_115_000.0},
            {"pool": "support", "objective_mean": 0.895, "staff_cost": 10_270_000.0},
            {"pool": "csm.smb", "objective_mean": None, "staff_cost": 10_420_000.0},
        ],
        "evaluated": 9,
    }


def test_allocation_headline_and_marginals() -> None:
    doc = allocation_document()
    assert allocation.headline(doc, "SMB/MID") == (
        "GRR, SMB/MID: 0.871 at the floor -> 0.902 [0.898, 0.906] allocated, staff cost "
        "$10,420,000 a year (within a budget of $10,500,000 a year)."
    )
    headcount = {**doc, "limit": {"kind": "headcount", "value": 13.0}}
    assert "(within a headcount of 13 people)" in allocation.headline(headcount, "x")


def test_allocation_figure_follows_the_steps() -> None:
    doc = allocation_document()
    fig = figures.allocation_path(doc, tier_labels={"smb": "SMB/MID"})
    (ax,) = fig.axes
    assert ax.get_title() == "Allocation path: GRR, SMB/MID"
    assert "USD" in ax.get_xlabel() and ax.get_ylabel() == figures.metric_label("grr")
    path = next(ln for ln in ax.get_lines() if ln.get_marker() == "o")
    # the floor, then each step with a defined objective (the last one is undefined)
    assert list(path.get_xdata()) == [9_800_000.0, 9_955_000.0, 10_115_000.0, 10_270_000.0]
    assert list(path.get_ydata()) == pytest.approx([0.871, 0.880, 0.889, 0.895])
    budget = [ln for ln in ax.get_lines() if list(ln.get_xdata()) == [10_500_000.0] * 2]
    assert len(budget) == 1  # the budget line
    stars = [ln for ln in ax.get_lines() if isinstance(ln, Line2D) and ln.get_marker() == "*"]
    assert [list(s.get_ydata()) for s in stars] == [[pytest.approx(0.902)]]
    labels = [t.get_text() for t in ax.texts]
    assert labels == ["floor", "+support", "+csm.smb", "+support"]
    headcount = figures.allocation_path({**doc, "limit": {"kind": "headcount", "value": 13.0}})
    dashed = [ln for ln in headcount.axes[0].get_lines() if ln.get_linestyle() == "--"]
    assert dashed == []  # a headcount limit draws no budget line


def test_allocation_report_from_the_document(tmp_path: Path) -> None:
    folder = tmp_path / "allocate"
    folder.mkdir()
    results.write_json(folder / results.ALLOCATION, allocation_document())
    _scenario_file(folder / results.SCENARIO, {"smb": "SMB/MID"})
    assert results.kind_of(folder) == "allocation"
    assert set(PAGES) == set(results.KINDS)
    text = build_report(folder).read_text(encoding="utf-8")
    assert text.startswith("<!doctype html>")
    assert "GRR, SMB/MID: 0.871 at the floor -&gt; 0.902" in text
    rows = re.findall(r"<tr><td>(support|csm\.smb)</td>(.*?)</tr>", text)
    assert [pool for pool, _ in rows] == ["support", "csm.smb"]
    support = re.findall(r"<td>(.*?)</td>", rows[0][1])
    assert support == ["6", "5", "7", "$155,000", "+0.0012", "+0.0077", "no"]
    assert "n/a" in rows[1][1]  # an undefined gain
    assert len(re.findall(r"<img src='data:image/png;base64,", text)) == 1
    png = folder / results.FIGURES_DIR / "allocation_path.png"
    assert png.read_bytes().startswith(PNG)
    assert "Replications: 8." in text
