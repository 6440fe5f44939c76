"""`simcs report`: one offline HTML file per result folder, figures embedded and beside it."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

import simcs
from simcs.cli import main
from simcs.experiments.design import Experiment
from simcs.experiments.robustness import run_robustness
from simcs.experiments.run import run_experiment
from simcs.records import group_scope
from simcs.reporting.experiment_files import write_experiment
from simcs.reporting.pages.experiment import headlines
from simcs.reporting.pages.policy import BY_GROUP_DIFFERENT, BY_TIER_SAME
from simcs.reporting.report import build_report
from simcs.reporting.results import kind_of
from simcs.reporting.run_files import write_run
from simcs.reporting.study_files import write_robustness
from simcs.scenario import Scenario
from simcs.scenario.files import with_overrides
from tests.conftest import shrink

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def small(baseline: Scenario) -> Scenario:
    return shrink(baseline, 20, 2)


def _plan(small: Scenario) -> Experiment:
    return Experiment(
        name="report_check",
        scenarios={
            "base": small,
            "no_play": with_overrides(small, {"levers.smooth_transition.enabled": False}),
        },
        reference="base",
        replications=3,
        seed=2,
        metrics=["grr", "cost_per_customer"],
        tiers=[*small.tiers, "all"],
        overrides={"base": {}, "no_play": {"levers.smooth_transition.enabled": False}},
    )


def _section(text: str, heading: str) -> str:
    """The HTML of a report's section, from its heading to the next."""
    return text.split(f"<h2>{heading}</h2>", 1)[1].split("<h2>", 1)[0]


def _first_cells(html_text: str) -> list[str]:
    """The first cell of every body row of the tables in `html_text`."""
    return re.findall(r"<tr><td>([^<]*)</td>", html_text)


def _check(report: Path, figures: int) -> str:
    text = report.read_text(encoding="utf-8")
    assert text.startswith("<!doctype html>")
    images = re.findall(r"<img src='data:image/png;base64,([A-Za-z0-9+/=]+)'", text)
    assert len(images) == figures  # every figure embedded
    assert not re.search(r"(src|href)=['\"]https?://", text)  # works offline
    folder = report.parent / "figures"
    pngs = sorted(folder.glob("*.png"))
    assert len(pngs) == figures and len(list(folder.glob("*.svg"))) == figures
    assert all(p.read_bytes().startswith(PNG) for p in pngs)
    assert re.search(r"(Replications|Samples): \d+", text) and "95%" in text
    return text


def test_run_report(small: Scenario, tmp_path: Path) -> None:
    result = simcs.run(small, replications=3, seed=1, workers=1)
    write_run(result, tmp_path)
    assert kind_of(tmp_path) == "run"
    # staffing, revenue and margin, customer value included
    text = _check(build_report(tmp_path), figures=len(small.tiers) + 11)
    assert "whole book: GRR" in text and "Assumptions" in text
    assert "economic value $" in text and "Revenue and margin" in text
    assert "Churn-odds driver" in text
    tiers = [html.escape(t.label) for t in small.tiers.values()]
    groups = [html.escape(g.label) for g in small.population.values()]
    assert set(tiers) != set(groups)  # the baseline names its groups by ARR band
    # tiers by the scenario's own labels (scenario.yaml), never by their keys
    by_tier = _section(text, "Results by tier")
    assert _first_cells(by_tier) == [*tiers, "All customers"]
    # the same headline table per customer group, named by the group's label
    by_group = _section(text, "Results by customer group")
    assert _first_cells(by_group) == [*groups, "All customers"]
    assert "group:" not in by_group
    # the counts that explain the policy: customers per tier, re-tiered up and down
    counts = _section(text, "Customers served and re-tiered")
    assert _first_cells(counts) == [*tiers, "All customers", *groups, "All customers"]
    for heading in ("Customers at start of year", "Customers at end of year", "Moved up"):
        assert f"<th>{heading}" in counts
    assert "Customers are served by ARR" in counts
    svg = (tmp_path / "figures" / "support_service.svg").read_text(encoding="utf-8")
    assert all(label in svg for label in tiers)
    by_group_svg = (tmp_path / "figures" / "retention_by_group.svg").read_text(encoding="utf-8")
    assert all(label in by_group_svg for label in groups)
    assert "by customer group" in by_group_svg


def test_experiment_report_has_plain_words_headlines(small: Scenario, tmp_path: Path) -> None:
    result = run_experiment(_plan(small), tmp_path / "results.sqlite")
    write_experiment(result, tmp_path)
    assert kind_of(tmp_path) == "experiment"
    # forest x (2 metrics + economic value, delivery margin), trade-off
    text = _check(build_report(tmp_path), figures=5)
    assert "no_play vs base: GRR" in text
    # the bottom line in dollars leads, and the return on staff has a section
    assert "<p class='headline'>no_play " in text and "plus the book it leaves behind" in text
    assert "<h2>Return on staff</h2>" in text
    assert all(f"<td>{html.escape(t.label)}</td>" in text for t in small.tiers.values())
    assert "points [" in text  # GRR differences in percentage points
    assert "per customer-year [" in text  # cost differences in the catalogue's unit
    assert f"<p class='headline'>{html.escape(BY_TIER_SAME)}</p>" in text
    assert "<th>Tier</th>" in _section(text, "Paired differences against the reference")


def test_segmentation_experiment_report_compares_customer_groups(
    small: Scenario, tmp_path: Path
) -> None:
    moved = {"segmentation.thresholds.strategic": 200000.0}
    plan = Experiment(
        name="segmentation_check",
        scenarios={"base": small, "strategic_from_200k": with_overrides(small, moved)},
        reference="base",
        replications=3,
        seed=2,
        metrics=["grr", "customers_end"],
        tiers=[*(group_scope(g) for g in small.population), "all"],
        overrides={"base": {}, "strategic_from_200k": moved},
    )
    write_experiment(run_experiment(plan, tmp_path / "results.sqlite"), tmp_path)
    # forest x (2 metrics + economic value, delivery margin), trade-off
    text = _check(build_report(tmp_path), figures=5)
    groups = [html.escape(g.label) for g in small.population.values()]
    assert f"<p class='headline'>{html.escape(BY_GROUP_DIFFERENT)}</p>" in text
    differences = _section(text, "Paired differences against the reference")
    assert "<th>Customer group</th>" in differences and "group:" not in differences
    assert all(f"<td>{label}</td>" in differences for label in groups)
    # the forest plot draws every group, by its label
    forest = (tmp_path / "figures" / "forest_grr.svg").read_text(encoding="utf-8")
    assert all(label in forest for label in groups) and "Customer group" in forest
    # how each variant serves its customers: a column per tier, a row per variant
    served = _section(text, "How each variant serves its customers")
    assert _first_cells(served) == ["base", "strategic_from_200k"]
    assert all(
        f"<th>{html.escape(t.label)}: customers</th>" in served for t in small.tiers.values()
    )


def test_robustness_report(small: Scenario, tmp_path: Path) -> None:
    study = run_robustness(_plan(small), 3, tmp_path / "results.sqlite")
    write_robustness(tmp_path, study)
    assert kind_of(tmp_path) == "robustness"
    text = _check(build_report(tmp_path), figures=1)
    assert "holds in" in text


def test_headlines_in_points_and_dollars() -> None:
    doc = {
        "comparisons": [
            {
                "variant": "pooled",
                "reference": "assigned",
                "tier": "all",
                "metric": "grr",
                "difference": -0.019,
                "ci95_low": -0.026,
                "ci95_high": -0.012,
                "verdict": "worse",
            },
            {
                "variant": "pooled",
                "reference": "assigned",
                "tier": "all",
                "metric": "cost_per_customer",
                "difference": -1180.0,
                "ci95_low": -1320.0,
                "ci95_high": -1040.0,
                "verdict": "better",
            },
        ]
    }
    (line,) = headlines(doc)
    assert line == (
        "pooled vs assigned: GRR -1.9 points [-2.6, -1.2] (worse); cost of delivery per "
        "customer -$1,180 per customer-year [-1,320, -1,040] (better)."
    )


def test_cli_report_and_run_with_report_flag(small: Scenario, tmp_path: Path) -> None:
    scenario_file = tmp_path / "small.yaml"
    from simcs.scenario.files import scenario_yaml

    scenario_file.write_text(scenario_yaml(small), encoding="utf-8")
    # (each report takes seconds of figure drawing: three commands, two reports)
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["run", str(scenario_file), "-n", "2", "-w", "1", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert not (out / "report.html").exists()  # only with --report
    again = CliRunner().invoke(main, ["report", str(out)])
    assert again.exit_code == 0 and "report.html" in again.output
    assert (out / "report.html").exists()
    notes = "What the input files say about themselves"
    assert notes not in (out / "report.html").read_text(encoding="utf-8")  # no header here
    commented = tmp_path / "commented.yaml"
    commented.write_text(
        "# A test book.\n# Numbers: made up for the test.\n" + scenario_yaml(small),
        encoding="utf-8",
    )
    out2 = tmp_path / "out2"
    ok = CliRunner().invoke(
        main, ["run", str(commented), "-n", "2", "-w", "1", "--out", str(out2), "--report"]
    )
    assert ok.exit_code == 0, ok.output
    text = (out2 / "report.html").read_text(encoding="utf-8")  # written by run --report
    assert notes in text and "Numbers: made up for the test." in text
    empty = tmp_path / "empty"
    empty.mkdir()
    bad = CliRunner().invoke(main, ["report", str(empty)])
    assert bad.exit_code == 2 and "no summary.json" in bad.output


def test_size_report_marks_the_recommended_plan(small: Scenario, tmp_path: Path) -> None:
    from simcs.scenario.files import scenario_yaml

    scenario_file = tmp_path / "small.yaml"
    scenario_file.write_text(scenario_yaml(small), encoding="utf-8")
    out = tmp_path / "size"
    result = CliRunner().invoke(
        main,
        [
            "size",
            str(scenario_file),
            "--target",
            "support_sla_met>=0.9",
            "--pool",
            "support",
            "-n",
            "3",
            "-w",
            "1",
            "--out",
            str(out),
            "--report",
        ],
    )
    assert result.exit_code == 0, result.output
    assert kind_of(out) == "sizing"
    text = _check(out / "report.html", figures=1)
    assert "Recommended: support=" in text and "Every plan simulated" in text
