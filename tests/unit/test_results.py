"""The result-folder format: what kind a folder is, where its scenario is, and its readers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from simcs.reporting import results


def _folder(tmp_path: Path, name: str, files: dict[str, str]) -> Path:
    folder = tmp_path / name
    for relative, text in files.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    folder.mkdir(exist_ok=True)
    return folder


def test_kind_of_every_kind(tmp_path: Path) -> None:
    run = {results.SUMMARY: json.dumps({"metrics": {}})}
    experiment = {results.SUMMARY: json.dumps({"comparisons": []})}
    folders = {
        "run": run,
        "experiment": experiment,
        "sweep": {**experiment, results.POINTS: "point\n"},
        "robustness": {results.ROBUSTNESS_SUMMARY: "variant\n"},
        "sizing": {results.SIZING: "{}"},
        "allocation": {results.ALLOCATION: "{}"},
        "calibration": {results.CALIBRATION: "{}"},
    }
    assert set(folders) == set(results.KINDS)
    for kind, files in folders.items():
        assert results.kind_of(_folder(tmp_path, kind, files)) == kind


def test_kind_of_a_folder_that_is_no_result(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="not a simcs result folder.*no summary.json"):
        results.kind_of(_folder(tmp_path, "empty", {}))


def test_scenario_path(tmp_path: Path) -> None:
    run = _folder(tmp_path, "run", {results.SCENARIO: "name: r\n"})
    assert results.scenario_path(run) == run / results.SCENARIO
    variants = {f"{results.SCENARIOS_DIR}/{v}.yaml": f"name: {v}\n" for v in ("b", "a")}
    experiment = _folder(tmp_path, "experiment", variants)
    assert results.scenario_path(experiment, "b") == experiment / results.SCENARIOS_DIR / "b.yaml"
    first = experiment / results.SCENARIOS_DIR / "a.yaml"
    assert results.scenario_path(experiment) == first
    assert results.scenario_path(experiment, "missing") == first
    assert results.scenario_path(_folder(tmp_path, "none", {})) is None


def test_readers_and_writer_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "doc.json"
    results.write_json(path, {"mean": None, "values": [1.5, 2]})
    assert results.read_json(path) == {"mean": None, "values": [1.5, 2]}
    with pytest.raises(ValueError):
        results.write_json(path, {"mean": float("nan")})  # undefined must be null
    csv = _folder(tmp_path, "csv", {"rows.csv": "tier,value\nsmb,0.9\nall,\n"})
    assert results.read_csv(csv / "rows.csv") == [
        {"tier": "smb", "value": "0.9"},
        {"tier": "all", "value": ""},
    ]
