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


# --- money --------------------------------------------------------------------------------------

from simcs.reporting import money  # noqa: E402
from simcs.reporting.pages import run as run_page  # noqa: E402


def _est(mean: float | None, low: float | None = None, high: float | None = None) -> dict[str, Any]:
    return {"mean": mean, "ci95_low": low, "ci95_high": high}


@pytest.mark.parametrize(
    ("ratio", "where"),
    [
        (_est(0.097, 0.095, 0.099), "inside"),
        (_est(0.03, 0.028, 0.032), "below"),
        (_est(0.26, 0.24, 0.28), "above"),
        (_est(0.051, 0.045, 0.057), "on the lower edge of"),
        (_est(0.199, 0.19, 0.21), "on the upper edge of"),
        (_est(0.21), "above"),  # one replication: the mean decides
        (_est(0.2), "inside"),  # the band's edges belong to it
    ],
)
def test_where_cost_to_revenue_lands_against_the_band(ratio: dict[str, Any], where: str) -> None:
    assert money.band_position(ratio) == where
    assert money.band_sentence(ratio).endswith(
        f"of revenue: {where} the 5%-20% band customer success runs at (seed 1G.1)."
    )


def test_the_band_sentence_in_plain_words() -> None:
    assert money.band_sentence(_est(0.097, 0.095, 0.099)) == (
        "Cost of delivery is 9.7% [9.5%, 9.9%] of revenue: inside the 5%-20% band customer "
        "success runs at (seed 1G.1)."
    )
    assert money.band_sentence(_est(0.03)) == (
        "Cost of delivery is 3.0% of revenue: below the 5%-20% band customer success runs at "
        "(seed 1G.1)."
    )
    assert money.band_position(_est(None)) == money.band_position(None) == ""
    assert "n/a" in money.band_sentence(_est(float("nan")))
    assert money.usd(686e6) == "$686M" and money.usd(94.51e6) == "$94.5M"
    assert money.usd(-1.2e6) == "-$1.20M" and money.usd(950.0) == "$950"
    assert money.usd(1.234e9) == "$1.23B" and money.usd(38_240.0) == "$38.2k"
    assert money.usd(999_901.0) == "$1.00M" and money.usd(999.7) == "$1.00k"


def _money_doc(economic: bool = True) -> dict[str, Any]:
    book = {
        "grr": _est(0.912, 0.905, 0.919),
        "nrr": _est(1.04, 1.03, 1.05),
        "cost_per_customer": _est(5300.0, 5210.0, 5390.0),
        "revenue": _est(94.5e6, 89.7e6, 99.3e6),
        "cost_total": _est(7.89e6, 7.84e6, 7.94e6),
        "delivery_margin": _est(86.6e6, 81.8e6, 91.5e6),
        "cost_to_revenue": _est(0.0835, 0.0806, 0.0866),
    }
    if economic:
        book["economic_value"] = _est(686e6, 680e6, 692e6)
    return {"scenario": "baseline", "metrics": {"all": book}}


def test_run_headline_has_the_economic_value() -> None:
    assert run_page.headline(_money_doc(), 3) == (
        "baseline, whole book: GRR 0.912 [0.905, 0.919], NRR 1.040 [1.030, 1.050], cost of "
        "delivery per customer $5,300 [$5,210, $5,390], economic value $686M [$680M, $692M] "
        "over 3 years and the book left."
    )
    assert "over 1 year and" in run_page.headline(_money_doc(), 1)
    # a folder written before money was in the model: the headline it always had
    old = _money_doc(economic=False)
    for name in ("revenue", "cost_total", "delivery_margin", "cost_to_revenue"):
        del old["metrics"]["all"][name]
    assert run_page.headline(old, 3).endswith("cost of delivery per customer $5,300 [$5,210, "
                                              "$5,390].")  # fmt: skip


def test_the_money_lines_of_a_run() -> None:
    book = _money_doc()["metrics"]["all"]
    first, second = money.money_lines(book, 3, 0.1, who="whole book")
    assert first == (
        "Whole book: revenue $94.5M [$89.7M, $99.3M] per year; cost of delivery $7.89M "
        "[$7.84M, $7.94M] per year, 8.3% [8.1%, 8.7%] of revenue: inside the 5%-20% band "
        "customer success runs at (seed 1G.1)."
    )
    assert second == (
        "Delivery margin $86.6M [$81.8M, $91.5M] per year; economic value $686M [$680M, $692M] "
        "(present value): the margin of 3 years and the book left at their end, discounted at "
        "10% a year."
    )
    above = {**book, "cost_to_revenue": _est(0.31, 0.29, 0.33)}
    assert "31.0% [29.0%, 33.0%] of revenue: above the 5%-20% band" in money.money_lines(above)[0]
    unknown = money.money_lines({})
    assert unknown[0].startswith("Revenue n/a; cost of delivery n/a, n/a as a share of revenue")
    assert "the margin of the measurement years" in unknown[1] and "discounted" not in unknown[1]


def test_the_revenue_and_margin_section() -> None:
    doc = _money_doc()
    low = {"cost_to_revenue": _est(0.03, 0.028, 0.032), "revenue": _est(5e6, 4e6, 6e6)}
    metrics = {**doc["metrics"], "big": low, "group:all_of_them": doc["metrics"]["all"]}
    scenario = {
        "tiers": {"big": {"label": "Big"}, "none": {"label": "Nobody"}},
        "population": {"all_of_them": {"label": "Everyone"}},
        "horizon_years": 4,
        "warmup_years": 1,
        "finance": {"discount_rate_per_year": 0.075},
    }
    text = run_page.money_section(metrics, scenario)
    assert "the margin of 3 years and the book left at their end, discounted at 7.5% a year" in (
        text
    )
    rows = re.findall(r"<tr><td>([^<]*)</td>((?:<td>[^<]*</td>)*)</tr>", text)
    cells = {name: re.findall(r"<td>([^<]*)</td>", rest) for name, rest in rows}
    assert [name for name, _ in rows] == ["Big", "Nobody", "All customers", "Everyone",
                                          "All customers"]  # fmt: skip
    assert cells["Big"][0] == "$5.00M [$4.00M, $6.00M]" and cells["Big"][4] == "below"
    assert cells["Nobody"] == ["n/a"] * 7
    assert cells["Everyone"][3:5] == ["8.3% [8.1%, 8.7%]", "inside"]
    assert "Against the 5%-20% band" in text
