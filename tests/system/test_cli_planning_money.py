"""`simcs allocate` and `simcs size` in dollars: economic value as the objective, without a
budget, the marginal value of one more person net of their cost, and the headcount that
maximises economic value (`size --maximise`); results and report pages in dollars."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from simcs.cli import main
from simcs.reporting.pages.allocation import page as allocation_page
from simcs.reporting.pages.sizing import page as sizing_page
from simcs.scenario import Scenario
from simcs.scenario.files import scenario_yaml
from tests.conftest import shrink


@pytest.fixture(scope="module")
def tiny(baseline: Scenario, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("money") / "tiny.yaml"
    path.write_text(scenario_yaml(shrink(baseline, 8, 1)), encoding="utf-8")
    return path


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def test_allocate_economic_value_without_a_budget_in_dollars(tiny: Path, tmp_path: Path) -> None:
    out = tmp_path / "allocate"
    result = invoke(
        "allocate", str(tiny), "--objective", "economic_value", "-p", "support",
        "-n", "2", "-w", "2", "-o", str(out),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "+1 person: net" in text and "Net $ per $ of" in text  # headings wrap
    assert "NET of that person's loaded cost" in text and "pays for themselves" in text
    assert "economic_value[all]: $" in text and "(limit: none)" in text
    assert ".4f" not in text and "e+0" not in text  # dollars, not a share's decimals
    doc = json.loads((out / "allocation.json").read_text(encoding="utf-8"))
    assert doc["limit"] == {"kind": "none", "value": None}
    (m,) = doc["marginals"]
    row = next(line for line in text.splitlines() if line.startswith("support"))
    shown = f"{'+' if m['gain'] >= 0 else '-'}${abs(m['gain']):,.0f}"
    assert shown in row and f"{m['gain'] / m['cost_per_person']:+.2f}" in row
    page = allocation_page(out)
    assert "no limit" in page.headlines[0] and "$" in page.headlines[0]
    assert "pays for themselves" in page.headlines[1]


def test_allocate_refuses_no_limit_for_a_gross_objective(tiny: Path, tmp_path: Path) -> None:
    result = invoke("allocate", str(tiny), "--objective", "grr", "-o", str(tmp_path / "o"))
    assert result.exit_code == 2 and "only a net dollar objective" in result.stderr
    assert not (tmp_path / "o").exists()


def test_size_maximise_economic_value(tiny: Path, tmp_path: Path) -> None:
    out = tmp_path / "size"
    result = invoke(
        "size", str(tiny), "--maximise", "economic_value", "-p", "support",
        "-n", "2", "-w", "2", "-o", str(out),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "<- best" in text and "economic_value is largest at support=" in text
    doc = json.loads((out / "sizing.json").read_text(encoding="utf-8"))
    top = doc["maximise"]
    assert doc["targets"] == [] and top["label"] == "economic_value"
    means = {
        p["headcounts"]["support"]: p["values"]["economic_value"]["mean"] for p in doc["plans"]
    }
    assert means[top["best"]] == max(means.values())
    assert doc["recommended"] == {"support": top["best"]}
    best_row = next(line for line in text.splitlines() if "<- best" in line)
    assert f"${means[top['best']]:,.0f} ±$" in best_row
    for n in top["neighbours"]:
        assert n["difference"] == means[n["level"]] - means[top["best"]] <= 0
    assert "is largest at support=" in sizing_page(out).headlines[0]


@pytest.mark.parametrize(
    ("args", "option", "message"),
    [
        (["--maximise", "grr", "-p", "support"], "--maximise", "only a dollar objective"),
        (["--maximise", "economic_value[platinum]", "-p", "support"], "--maximise", "unknown"),
        (["--maximise", "economic_value", "-p", "support", "-p", "education"], "--pool", "one"),
        (["-p", "support"], "", "--target"),
    ],
)
def test_hostile_maximise_arguments_are_refused(
    tiny: Path, tmp_path: Path, args: list[str], option: str, message: str
) -> None:
    result = invoke("size", str(tiny), *args, "-o", str(tmp_path / "o"))
    assert result.exit_code == 2, result.output
    assert option in result.stderr and message in result.stderr, result.stderr
    assert not (tmp_path / "o").exists()


def test_a_dollar_target_prints_in_dollars(tiny: Path, tmp_path: Path) -> None:
    result = invoke(
        "size", str(tiny), "-t", "delivery_margin>=1e6", "-p", "support",
        "-n", "2", "-w", "2", "-o", str(tmp_path / "t"),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "delivery_margin>=$1,000,000" in result.stdout
