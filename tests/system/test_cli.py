"""Tests for the `simcs` command line: clear validation errors (exit 2), and a small real run.

Most tests call the click group in-process with CliRunner (click 8.2+: `result.stdout` and
`result.stderr` are separate); a few run `python -m simcs` in a subprocess to prove the real
entry point exits 2 with the file and field path on stderr and no traceback.
"""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from simcs.catalogue import METRICS
from simcs.cli import main
from simcs.cli.options import progress_bar
from simcs.model.guard import ReplicationAborted
from simcs.records import SERIES_FIELDS
from tests.unit.test_scenario_files import BAD_CASES as LOADING_CASES

TESTS = Path(__file__).resolve().parents[1]
ROOT = TESTS.parent
BASELINE = ROOT / "scenarios" / "baseline.yaml"
BAD_DIR = TESTS / "data" / "bad"

# The bad files and what their problem lines name (as in tests/unit/test_scenario_files.py).
BAD_CASES: list[tuple[str, str]] = [
    (name, field if field else phrase) for name, field, phrase in LOADING_CASES
]

RESULT_FILES = {
    "summary.json",
    "replications.csv",
    "timeseries.csv",
    "scenario.yaml",
    "manifest.json",
    "results.sqlite",
}
INTERVAL_KEYS = {"mean", "std", "ci95_low", "ci95_high", "n"}


def _invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def _assert_rejected(result: Result, file: Path, expected: str) -> None:
    """Exit 2 through sys.exit, file and expected text on stderr, nothing else went wrong."""
    assert result.exit_code == 2, (result.exit_code, result.stdout, result.stderr)
    assert isinstance(result.exception, SystemExit), result.exception
    assert "is not valid" in result.stderr
    assert f"  {file}: " in result.stderr
    assert expected in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


@pytest.fixture(scope="module")
def small_scenario(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The baseline shrunk to ~10% of the customers over one year: a run takes well under 1 s."""
    data = yaml.safe_load(BASELINE.read_text(encoding="utf-8"))
    data["name"] = "small"
    data["horizon_years"] = 1
    data["warmup_years"] = 0
    for group in data["population"].values():
        group["initial_customers"] = max(2, round(group["initial_customers"] * 0.1))
        group.pop("initial_arr_total", None)
        group["new_logos_per_year"] = group.get("new_logos_per_year", 0) * 0.1
    path = tmp_path_factory.mktemp("small") / "small.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def small_run(
    small_scenario: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Result, Path]:
    out = tmp_path_factory.mktemp("run") / "out"
    result = _invoke(
        "run", str(small_scenario), "--replications", "2", "--workers", "1", "--out", str(out)
    )
    return result, out


# ----------------------------------------------------------------------------- validate


@pytest.mark.parametrize(("name", "expected"), BAD_CASES)
def test_validate_rejects_bad_file(name: str, expected: str) -> None:
    file = BAD_DIR / name
    _assert_rejected(_invoke("validate", str(file)), file, expected)


@pytest.mark.parametrize(("name", "expected"), BAD_CASES)
def test_run_validates_before_running(name: str, expected: str, tmp_path: Path) -> None:
    file = BAD_DIR / name
    out = tmp_path / "out"
    result = _invoke("run", str(file), "--replications", "2", "--workers", "1", "--out", str(out))
    _assert_rejected(result, file, expected)
    assert not out.exists(), "nothing may be written for an invalid scenario"
    assert result.stdout == "", "the run must not start"


def test_validate_baseline_is_ok() -> None:
    result = _invoke("validate", str(BASELINE))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("OK")
    assert str(BASELINE) in result.stdout
    assert result.stderr == ""


def test_validate_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "missing.yaml"
    result = _invoke("validate", str(missing))
    _assert_rejected(result, missing, "no such file")


def test_replications_zero_is_a_usage_error(small_scenario: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = _invoke("run", str(small_scenario), "--replications", "0", "--out", str(out))
    assert result.exit_code == 2
    assert "--replications" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert not out.exists()


# ----------------------------------------------------------------------------- a real run


def test_run_small_scenario_writes_results(small_run: tuple[Result, Path]) -> None:
    result, out = small_run
    assert result.exit_code == 0, (result.stderr, result.exception)
    assert {p.name for p in out.iterdir()} >= RESULT_FILES
    assert "Results written to" in result.stdout


def test_summary_json_shape(small_run: tuple[Result, Path], small_scenario: Path) -> None:
    result, out = small_run
    assert result.exit_code == 0, result.stderr
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert set(summary) == {"scenario", "seed", "replications", "metrics", "labels"}
    assert summary["replications"] == 2
    data = yaml.safe_load(small_scenario.read_text(encoding="utf-8"))
    tiers = set(data["tiers"])
    groups = {f"group:{g}" for g in data["population"]}
    assert set(summary["metrics"]) == tiers | groups | {"all"}
    assert set(summary["labels"]) == tiers | groups | {"all"}
    assert summary["labels"]["group:over_250k"] == data["population"]["over_250k"]["label"]
    for tier, metrics in summary["metrics"].items():
        missing = set(METRICS) - set(metrics)
        assert not missing, f"{tier} lacks {sorted(missing)}"
        for metric, entry in metrics.items():
            assert set(entry) == INTERVAL_KEYS, (tier, metric, entry)


def test_replications_csv_header(small_run: tuple[Result, Path]) -> None:
    result, out = small_run
    assert result.exit_code == 0, result.stderr
    with (out / "replications.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["replication", "year", "tier", "metric", "value"]
    assert {row[0] for row in rows[1:]} == {"0", "1"}


def test_run_writes_resolved_scenario_and_manifest(small_run: tuple[Result, Path]) -> None:
    result, out = small_run
    assert result.exit_code == 0, result.stderr
    resolved = yaml.safe_load((out / "scenario.yaml").read_text(encoding="utf-8"))
    assert resolved["name"] == "small"
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["scenario"] == "small"
    assert manifest["replications"] == 2
    assert manifest["backend"] == "local"
    assert (manifest["computed_this_run"], manifest["reused_from_store"]) == (2, 0)


def test_run_writes_the_monthly_series(small_run: tuple[Result, Path]) -> None:
    result, out = small_run
    assert result.exit_code == 0, result.stderr
    with (out / "timeseries.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["replication", "month", "pool", *SERIES_FIELDS]
    assert {row[0] for row in rows[1:]} == {"0", "1"}
    assert {int(row[1]) for row in rows[1:]} == set(range(1, 13))  # one year, monthly


def test_a_repeated_run_reuses_the_store(small_run: tuple[Result, Path]) -> None:
    _, out = small_run
    before = {name: (out / name).read_bytes() for name in ("replications.csv", "timeseries.csv")}
    scenario = out / "scenario.yaml"
    again = _invoke("run", str(scenario), "-n", "2", "-w", "2", "-o", str(out))
    assert again.exit_code == 0, again.stderr
    assert "0 computed now, 2 found in the store" in again.stdout
    for name, content in before.items():
        assert (out / name).read_bytes() == content, name


# ----------------------------------------------------------------------------- a run stopped


def test_an_aborted_replication_is_one_line_exit_2_and_keeps_the_finished(
    small_scenario: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The guard stops replication 2: one `error:` line, exit 2, no result file written, the
    replications finished before it kept; a later run computes only the rest."""
    import simcs.simulation.backends as backends

    real = backends.replicate
    aborted = ReplicationAborted(2, 3000.0, "a runaway queue", "staff.support.headcount")

    def guarded(scenario, seed, replication):  # type: ignore[no-untyped-def]
        if replication == 2:
            raise aborted
        return real(scenario, seed, replication)

    monkeypatch.setattr(backends, "replicate", guarded)
    out = tmp_path / "out"
    result = _invoke("run", str(small_scenario), "-n", "4", "-w", "1", "-o", str(out))
    assert result.exit_code == 2, (result.stdout, result.stderr, result.exception)
    assert isinstance(result.exception, SystemExit)
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert errors == [f"error: {aborted}"]
    assert errors[0].startswith("error: replication 2 stopped at day ")
    assert "Traceback" not in result.stderr + result.stdout
    assert not (out / "replications.csv").exists() and not (out / "summary.json").exists()
    monkeypatch.setattr(backends, "replicate", real)
    again = _invoke("run", str(small_scenario), "-n", "4", "-w", "1", "-o", str(out))
    assert again.exit_code == 0, again.stderr
    assert "2 computed now, 2 found in the store" in again.stdout


def test_subprocess_runaway_scenario_stops_with_one_line(tmp_path: Path) -> None:
    """A book too large to simulate, on two worker processes: the guard's error crosses the
    process boundary and ends the command with one line and exit 2."""
    data = yaml.safe_load(BASELINE.read_text(encoding="utf-8"))
    data["population"]["15k_to_100k"]["initial_customers"] = 20000
    data["population"]["15k_to_100k"]["cases_per_year"] = 5000
    data["population"]["15k_to_100k"].pop("initial_arr_total", None)
    scenario = tmp_path / "runaway.yaml"
    scenario.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    out = tmp_path / "out"
    proc = _python_m_simcs("run", str(scenario), "-n", "4", "-w", "2", "-o", str(out))
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr + proc.stdout
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "event budget" in errors[0], proc.stderr
    assert "look at population.*.initial_customers" in errors[0]
    assert not (out / "replications.csv").exists()


def test_progress_bar_only_on_a_terminal(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TTY_COMPATIBLE", "0")
    with progress_bar() as update:
        update(1, 4)
        update(4, 4)
    assert capsys.readouterr().err == ""
    monkeypatch.setenv("TTY_COMPATIBLE", "1")
    with progress_bar() as update:
        update(1, 4)
        update(4, 4)
    shown = capsys.readouterr().err
    assert "4/4" in shown and "rep/s" in shown and "elapsed" in shown and "left" in shown


# ----------------------------------------------------------------------------- subprocess


def _python_m_simcs(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return subprocess.run(
        [sys.executable, "-m", "simcs", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("command", "name", "expected"),
    [
        ("validate", "bad_negative_headcount.yaml", "staff.support.headcount"),
        ("validate", "bad_unknown_nested_key.yaml", "tiers.smb.support.cases_per_yr"),
        ("run", "bad_coverage_premium.yaml", "tiers.smb.coverage"),
    ],
)
def test_subprocess_rejects_bad_file(
    command: str, name: str, expected: str, tmp_path: Path
) -> None:
    file = BAD_DIR / name
    extra = ["-n", "1", "-w", "1", "-o", str(tmp_path / "out")] if command == "run" else []
    proc = _python_m_simcs(command, str(file), *extra)
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert "is not valid" in proc.stderr
    assert f"  {file}: " in proc.stderr
    assert expected in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    assert not (tmp_path / "out").exists()


def test_subprocess_validate_baseline_ok() -> None:
    proc = _python_m_simcs("validate", "scenarios/baseline.yaml")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("OK")
    assert "Traceback" not in proc.stderr


def test_dask_backend_without_the_extra_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "distributed" else real(name, *a),
    )
    result = CliRunner().invoke(
        main, ["run", "-n", "2", "--backend", "dask", "-o", str(tmp_path / "x")]
    )
    assert result.exit_code == 2
    assert "pip install 'simcs[dask]'" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "x").exists()


# ----------------------------------------------------------------------------- robustness


def test_robustness_command_reports_verdicts_shares_and_drivers(
    small_scenario: Path, tmp_path: Path
) -> None:
    """`simcs robustness` on a tiny experiment: every variant and metric is a row with its
    verdict at the defaults, the share of samples where it holds and the main driver."""
    experiment = tmp_path / "coverage.yaml"
    experiment.write_text(
        yaml.safe_dump(
            {
                "name": "coverage",
                "base": str(small_scenario),
                "replications": 2,
                "seed": 7,
                "metrics": ["grr", "cost_per_customer"],
                "reference": "assigned",
                "variants": {"assigned": {}, "pooled": {"tiers.enterprise.coverage": "pooled"}},
            }
        ),
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = _invoke(
        "robustness",
        str(experiment),
        "--samples",
        "2",
        "--replications",
        "2",
        "-w",
        "1",
        "--out",
        str(out),
    )
    assert result.exit_code == 0, result.output
    rows = [line for line in result.stdout.splitlines() if line.startswith("pooled ")]
    # GRR and cost per customer, then the bottom line: economic value and delivery margin
    assert len(rows) == 4, result.stdout
    for row in rows:
        assert re.search(r"\s(0|50|100)%\s", row), row  # held in 0, 1 or 2 of 2 samples
        # the main driver and its rho ("-" where the difference did not vary)
        assert re.search(r"\s((\w+\.)+\w+|-)\s+-?\d\.\d{3}$", row), row
    assert "Verdicts at the defaults, the share of 2 sampled input points" in result.stdout
    assert (out / "robustness.csv").exists() and (out / "robustness_summary.csv").exists()
