"""Writing a run's results: summary.json, replications.csv, timeseries.csv, scenario.yaml and
manifest.json."""

from __future__ import annotations

import csv
import io
import json
import math
import platform
from pathlib import Path
from typing import Any

from simcs import __version__
from simcs.catalogue import METRICS
from simcs.records import SERIES_FIELDS, SeriesRow
from simcs.reporting.results import (
    MANIFEST,
    REPLICATIONS,
    SCENARIO,
    SUMMARY,
    TIMESERIES,
    json_interval,
    scope_labels,
)
from simcs.scenario.files import scenario_sha256, scenario_yaml
from simcs.simulation.runner import RunResult


def summary_document(result: RunResult) -> dict[str, Any]:
    """The summary.json document (NaN, i.e. undefined, becomes null)."""
    summary = result.summary()
    labels = scope_labels(result.scenario)
    metrics: dict[str, dict[str, dict[str, float | int | None]]] = {}
    for scope in result.scenario.scopes():
        metrics[scope] = {}
        for metric in METRICS:
            metrics[scope][metric] = json_interval(summary[scope][metric])
    return {
        "scenario": result.scenario.name,
        "seed": result.seed,
        "replications": result.replications,
        "metrics": metrics,
        "labels": {scope: labels.get(scope, scope) for scope in result.scenario.scopes()},
    }


def replications_csv(result: RunResult) -> str:
    """Tidy long CSV: replication,year,tier,metric,value (undefined values left empty); `tier`
    holds the scope: a tier, `group:NAME` or `all`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["replication", "year", "tier", "metric", "value"])
    for replication, year, tier, metric, value in result.rows:
        writer.writerow([replication, year, tier, metric, "" if math.isnan(value) else repr(value)])
    return buffer.getvalue()


#: the columns of a run's timeseries.csv (an experiment's has `variant` first)
SERIES_COLUMNS = ("replication", "month", "pool", *SERIES_FIELDS)


def series_cells(point: SeriesRow) -> list[object]:
    """One point of a pool's monthly series as CSV cells (an undefined value left empty)."""
    replication, month, pool, *values = point
    return [
        replication,
        month,
        pool,
        *("" if isinstance(v, float) and math.isnan(v) else repr(v) for v in values),
    ]


def timeseries_csv(result: RunResult) -> str:
    """replication,month,pool and the series fields (`simcs.records.SERIES_FIELDS`): each
    pool's month by month."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(SERIES_COLUMNS)
    writer.writerows(series_cells(point) for point in result.series)
    return buffer.getvalue()


def write_run(result: RunResult, out: Path, notes: list[str] | None = None) -> None:
    """Write the result files of a run into `out` (created if needed); `notes` are the scenario
    file's header comment (its assumptions and sources), kept in the manifest."""
    out.mkdir(parents=True, exist_ok=True)
    (out / SUMMARY).write_text(
        json.dumps(summary_document(result), indent=2, allow_nan=False) + "\n", encoding="utf-8"
    )
    (out / REPLICATIONS).write_text(replications_csv(result), encoding="utf-8")
    (out / TIMESERIES).write_text(timeseries_csv(result), encoding="utf-8")
    (out / SCENARIO).write_text(scenario_yaml(result.scenario), encoding="utf-8")
    manifest = {
        "simcs_version": __version__,
        "scenario": result.scenario.name,
        "scenario_sha256": scenario_sha256(result.scenario),
        "seed": result.seed,
        "replications": result.replications,
        "workers": result.workers,
        "backend": result.backend,
        "computed_this_run": result.computed,
        "reused_from_store": result.reused,
        "wall_time_seconds": round(result.wall_seconds, 3),
        "python": platform.python_version(),
        "interval_method": "Student-t 95% over replications of per-replication year means",
        "measurement_years": result.scenario.measurement_years,
        "scenario_notes": notes or [],
    }
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
