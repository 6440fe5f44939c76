"""`simcs compare` and `simcs experiment` end in dollars: the bottom-line headline first, the
economic value and delivery margin compared whatever the metrics asked for, and the return on
staff table, on the terminal and in summary.json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from simcs.cli import main

ROOT = Path(__file__).resolve().parents[2]
BASELINE = ROOT / "scenarios" / "baseline.yaml"


def _invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


@pytest.fixture(scope="module")
def scenarios(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The baseline shrunk to ~10% of its customers over one year, and the same with pooled
    Enterprise CSMs."""
    data = yaml.safe_load(BASELINE.read_text(encoding="utf-8"))
    data["name"] = "assigned"
    data["horizon_years"] = 1
    data["warmup_years"] = 0
    for group in data["population"].values():
        group["initial_customers"] = max(2, round(group["initial_customers"] * 0.1))
        group.pop("initial_arr_total", None)
        group["new_logos_per_year"] = group.get("new_logos_per_year", 0) * 0.1
    folder = tmp_path_factory.mktemp("money")
    base = folder / "assigned.yaml"
    base.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    data["name"] = "pooled"
    data["tiers"]["enterprise"]["coverage"] = "pooled"
    pooled = folder / "pooled.yaml"
    pooled.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return base, pooled


def _bottom_line_printed(stdout: str, variant: str, reference: str) -> None:
    first = stdout.splitlines()[0]
    assert first.startswith(f"{variant} "), stdout
    assert "plus the book it leaves behind it is worth" in first
    assert f"against {reference} (" in first
    rows = [line.split() for line in stdout.splitlines() if line.startswith(f"{variant} ")]
    compared = {" ".join(r[2:4]) for r in rows if len(r) > 4}
    assert {"Economic value", "Delivery margin"} <= compared
    assert "Return on staff" in stdout and f"{variant} vs {reference}: " in stdout
    assert stdout.splitlines()[-1].startswith("Results written to")


def test_compare_ends_in_dollars(scenarios: tuple[Path, Path], tmp_path: Path) -> None:
    base, pooled = scenarios
    out = tmp_path / "out"
    result = _invoke("compare", str(base), str(pooled), "-n", "2", "-w", "1", "--out", str(out))
    assert result.exit_code == 0, result.output
    _bottom_line_printed(result.stdout, "pooled", "assigned")
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["key_metric"] == "grr"
    assert {c["metric"] for c in summary["comparisons"]} == {
        "grr",
        "nrr",
        "cost_per_customer",
        "economic_value",
        "delivery_margin",
    }
    assert [p["metric"] for p in summary["bottom_line"]["parts"]] == [
        "cost_total",
        "subscription_revenue",
    ]
    (returns,) = summary["return_on_staff"]
    assert returns["variant"] == "pooled" and returns["status"]


def test_an_experiment_asking_for_grr_only_still_compares_dollars(
    scenarios: tuple[Path, Path], tmp_path: Path
) -> None:
    base, _ = scenarios
    experiment = tmp_path / "coverage.yaml"
    experiment.write_text(
        yaml.safe_dump(
            {
                "name": "coverage",
                "base": str(base),
                "replications": 2,
                "seed": 7,
                "metrics": ["grr"],
                "tiers": ["enterprise", "all"],
                "reference": "assigned",
                "variants": {"assigned": {}, "pooled": {"tiers.enterprise.coverage": "pooled"}},
            }
        ),
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = _invoke("experiment", str(experiment), "-w", "1", "--out", str(out))
    assert result.exit_code == 0, result.output
    _bottom_line_printed(result.stdout, "pooled", "assigned")
    comparisons = json.loads((out / "summary.json").read_text(encoding="utf-8"))["comparisons"]
    assert [(c["metric"], c["tier"]) for c in comparisons] == [
        (m, t) for m in ("grr", "economic_value", "delivery_margin") for t in ("enterprise", "all")
    ]
