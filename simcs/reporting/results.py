"""The result folder, written down once: which files each kind of result holds, what kind a
folder is, and how its files are read back.

Every writer (`run_files`, `experiment_files`, `planning_files`, the study writers) takes its
file names from here, and the report reads folders through here, so the folder format is one
contract in one place.

| kind        | files (beside `manifest.json`)                                                   |
| ----------- | -------------------------------------------------------------------------------- |
| run         | summary.json, replications.csv, timeseries.csv, scenario.yaml, results.sqlite    |
| experiment  | summary.json (with comparisons), comparisons.csv, replications.csv,              |
|             | timeseries.csv, tradeoff.csv, scenarios/<variant>.yaml, results.sqlite           |
| sweep       | an experiment's files plus points.csv                                            |
| robustness  | robustness.csv, robustness_summary.csv, results.sqlite                           |
| sizing      | sizing.json, scenario.yaml, results.sqlite                                       |
| allocation  | allocation.json, scenario.yaml, results.sqlite                                   |

Results are keyed by scope: a service tier's name, `group:NAME` for a customer group, or `all`
(`Scenario.scopes`, `scope_labels`); the `tier` column of the CSV files holds that key.
"""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path
from typing import Any

from simcs.catalogue import ALL, ALL_LABEL
from simcs.records import group_scope
from simcs.stats import Interval

MANIFEST = "manifest.json"
SUMMARY = "summary.json"
CALIBRATION = "calibration.json"
REPLICATIONS = "replications.csv"
TIMESERIES = "timeseries.csv"
SCENARIO = "scenario.yaml"
SCENARIOS_DIR = "scenarios"
STORE = "results.sqlite"
COMPARISONS = "comparisons.csv"
TRADEOFF = "tradeoff.csv"
POINTS = "points.csv"
ROBUSTNESS = "robustness.csv"
ROBUSTNESS_SUMMARY = "robustness_summary.csv"
SIZING = "sizing.json"
ALLOCATION = "allocation.json"
REPORT = "report.html"
FIGURES_DIR = "figures"

KINDS = ("run", "experiment", "sweep", "robustness", "sizing", "allocation", "calibration")


def kind_of(folder: Path) -> str:
    """run, experiment, sweep, robustness, sizing, allocation or calibration, from the files
    it holds."""
    if (folder / CALIBRATION).exists():
        return "calibration"
    if (folder / ROBUSTNESS_SUMMARY).exists():
        return "robustness"
    if (folder / SIZING).exists():
        return "sizing"
    if (folder / ALLOCATION).exists():
        return "allocation"
    if (folder / POINTS).exists():
        return "sweep"
    summary = folder / SUMMARY
    if not summary.exists():
        raise FileNotFoundError(
            f"{folder}: not a simcs result folder (no {SUMMARY}, {ROBUSTNESS_SUMMARY}, "
            f"{SIZING}, {ALLOCATION} or {CALIBRATION} here)"
        )
    doc = read_json(summary)
    return "experiment" if "comparisons" in doc else "run"


def scenario_path(folder: Path, variant: str | None = None) -> Path | None:
    """The resolved scenario a result folder holds: scenario.yaml of a run, else
    scenarios/<variant>.yaml of an experiment (the first variant's in name order when `variant`
    is None or has no file); None when the folder holds no scenario."""
    own = folder / SCENARIO
    if own.exists():
        return own
    scenarios = folder / SCENARIOS_DIR
    if variant is not None and (scenarios / f"{variant}.yaml").exists():
        return scenarios / f"{variant}.yaml"
    files = sorted(scenarios.glob("*.yaml")) if scenarios.is_dir() else []
    return files[0] if files else None


def read_json(path: Path) -> Any:
    """A JSON result file."""
    return json.loads(path.read_text(encoding="utf-8"))


def read_csv(path: Path) -> list[dict[str, str]]:
    """A CSV result file as one dict per row (values as written)."""
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def num(x: Any) -> float:
    """A float from a JSON/CSV value of a result file; NaN for None, '', 'nan', non-numbers
    and infinities (undefined)."""
    if x is None or isinstance(x, bool):
        return math.nan
    if isinstance(x, str):
        x = x.strip()
        if not x:
            return math.nan
    try:
        v = float(x)
    except (TypeError, ValueError):
        return math.nan
    return v if math.isfinite(v) else math.nan


def json_number(x: float) -> float | None:
    """A number in a JSON result file: null where undefined (NaN; JSON has no NaN)."""
    return None if math.isnan(x) else x


def json_interval(iv: Interval) -> dict[str, float | int | None]:
    """A 95% interval in a JSON result file: mean, std, ci95_low, ci95_high, n."""
    return {
        "mean": json_number(iv.mean),
        "std": json_number(iv.std),
        "ci95_low": json_number(iv.low),
        "ci95_high": json_number(iv.high),
        "n": iv.n,
    }


def csv_text(header: list[str], rows: list[list[Any]]) -> str:
    """A CSV result file's text: a header line, then the rows (\n line ends)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def csv_value(x: float | None) -> str:
    """A number in a CSV result file: its exact repr, empty where undefined (None or NaN)."""
    return "" if x is None or (isinstance(x, float) and math.isnan(x)) else repr(x)


def write_json(path: Path, document: Any) -> None:
    """A JSON result file, indented, NaN refused (undefined values must be null)."""
    path.write_text(json.dumps(document, indent=2, allow_nan=False) + "\n", encoding="utf-8")


def scope_labels(scenario: Any) -> dict[str, str]:
    """Display names of the result keys, from a scenario or its mapping (as read back from a
    result folder, possibly partial): tier labels, `group:NAME` -> the group's label, and
    `all` -> 'All customers'. A key without a label is left out (it is shown as itself)."""
    data = scenario.model_dump(mode="json") if hasattr(scenario, "model_dump") else scenario
    labels = {ALL: ALL_LABEL}
    for section, key_of in (("tiers", str), ("population", group_scope)):
        for name, entry in ((data or {}).get(section) or {}).items():
            if isinstance(entry, dict) and entry.get("label"):
                labels[key_of(str(name))] = str(entry["label"])
    return labels
