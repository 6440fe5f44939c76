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
from simcs.reporting.experiment_files import write_experiment
from simcs.reporting.pages.experiment import headlines
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
    text = _check(build_report(tmp_path), figures=len(small.tiers) + 7)
    assert "whole book: GRR" in text and "Assumptions" in text
    assert "Churn-odds driver" in text
    # tiers by the scenario's own labels (scenario.yaml), never by their keys
    by_tier = text.split("<h2>Results by tier</h2>", 1)[1].split("</table>", 1)[0]
    first_cells = re.findall(r"<tr><td>([^<]*)</td>", by_tier)
    assert first_cells == [html.escape(t.label) for t in small.tiers.values()] + ["All tiers"]
    svg = (tmp_path / "figures" / "support_service.svg").read_text(encoding="utf-8")
    assert all(html.escape(tier.label) in svg for tier in small.tiers.values())


def test_experiment_report_has_plain_words_headlines(small: Scenario, tmp_path: Path) -> None:
    result = run_experiment(_plan(small), tmp_path / "results.sqlite")
    write_experiment(result, tmp_path)
    assert kind_of(tmp_path) == "experiment"
    text = _check(build_report(tmp_path), figures=3)  # forest x 2 metrics, trade-off
    assert "no_play vs base: GRR" in text
    assert all(f"<td>{html.escape(t.label)}</td>" in text for t in small.tiers.values())
    assert "points [" in text  # GRR differences in percentage points
    assert "per customer-year [" in text  # cost differences in the catalogue's unit


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
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["run", str(scenario_file), "-n", "2", "-w", "1", "--out", str(out), "--report"]
    )
    assert result.exit_code == 0, result.output
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
    text = (out2 / "report.html").read_text(encoding="utf-8")
    assert notes in text and "Numbers: made up for the test." in text
    again = CliRunner().invoke(main, ["report", str(out)])
    assert again.exit_code == 0 and "report.html" in again.output
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
