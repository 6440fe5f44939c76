"""Writing an experiment's results (its terminal tables are in `simcs.reporting.tables`).

Files in the output folder (names from `simcs.reporting.results`): `results.sqlite` (the
resumable store), `summary.json`, `comparisons.csv`, `replications.csv`
(variant,replication,year,tier,metric,value), `timeseries.csv`
(variant,replication,month,pool,queue_length,utilization), `tradeoff.csv`,
`scenarios/<variant>.yaml` (each variant fully resolved) and `manifest.json`.

summary.json's `bottom_line` holds the measurement years, the discount rate and the whole
book's paired differences in cost of delivery and subscription revenue a year (descriptive, no
verdict) that the bottom-line headline reads with the economic-value comparison;
`return_on_staff` holds each variant's net economic value per dollar of added discounted cost
of delivery (`simcs.experiments.return_on_staff`).
"""

from __future__ import annotations

import json
import platform
from pathlib import Path
from typing import Any

from simcs import __version__
from simcs.catalogue import ALL, METRICS
from simcs.experiments.comparison import Comparison
from simcs.experiments.return_on_staff import ReturnOnStaff
from simcs.experiments.run import ExperimentResult
from simcs.reporting.results import (
    COMPARISONS,
    MANIFEST,
    REPLICATIONS,
    SCENARIOS_DIR,
    SUMMARY,
    TIMESERIES,
    csv_text,
    csv_value,
    json_interval,
    json_number,
)
from simcs.reporting.results import TRADEOFF as TRADEOFF_FILE
from simcs.reporting.run_files import SERIES_COLUMNS, series_cells
from simcs.scenario.files import scenario_sha256, scenario_yaml

TRADEOFF = ("cost_per_customer", "grr", "nrr")


def _comparison(c: Comparison) -> dict[str, Any]:
    return {
        "variant": c.variant,
        "reference": c.reference,
        "tier": c.tier,
        "metric": c.metric,
        "difference": json_number(c.difference.mean),
        "ci95_low": json_number(c.difference.low),
        "ci95_high": json_number(c.difference.high),
        "n": c.difference.n,
        "p_value": json_number(c.p_value),
        "p_holm": json_number(c.p_holm),
        "verdict": c.verdict,
    }


def _part(c: Comparison) -> dict[str, Any]:
    """A comparison without a test: its difference and interval (a headline's part)."""
    entry = _comparison(c)
    for key in ("p_value", "p_holm", "verdict"):
        del entry[key]
    return entry


def _return(r: ReturnOnStaff) -> dict[str, Any]:
    return {
        "variant": r.variant,
        "reference": r.reference,
        "tier": r.tier,
        "net_per_dollar": json_number(r.net),
        "ci95_low": json_number(r.low),
        "ci95_high": json_number(r.high),
        "gross_per_dollar": json_number(r.gross),
        "status": r.status,
        "value_difference": json_interval(r.value),
        "cost_difference_pv": json_interval(r.cost),
    }


def summary_document(result: ExperimentResult) -> dict[str, Any]:
    """The summary.json document."""
    experiment = result.experiment
    return {
        "experiment": experiment.name,
        "seed": experiment.seed,
        "replications": result.replications,
        "reference": experiment.reference,
        "key_metric": experiment.key_metric,
        "precision": experiment.precision,
        "precision_met": result.precision_met,
        "interval_method": "Student-t 95% on paired differences of per-replication year means; "
        "p-values Holm-adjusted across all comparisons",
        "variants": {
            v: {
                tier: {m: json_interval(s[tier][m]) for m in METRICS}
                for tier in experiment.tiers
                if tier in s
            }
            for v, s in result.summaries.items()
        },
        "comparisons": [_comparison(c) for c in result.comparisons],
        "tradeoff": {
            v: {m: json_interval(s[ALL][m]) for m in TRADEOFF} for v, s in result.summaries.items()
        },
        "bottom_line": {
            "years": result.years,
            "discount_rate": result.discount_rate,
            "parts": [_part(c) for c in result.parts],
        },
        "return_on_staff": [_return(r) for r in result.returns],
    }


def replications_csv(result: ExperimentResult) -> str:
    """variant,replication,year,tier,metric,value for every variant, in experiment order."""
    return csv_text(
        ["variant", "replication", "year", "tier", "metric", "value"],
        [
            [variant, r, y, t, m, csv_value(v)]
            for variant, rows in result.rows.items()
            for r, y, t, m, v in rows
        ],
    )


def timeseries_csv(result: ExperimentResult) -> str:
    """variant,replication,month,pool,queue_length,utilization for every variant, in experiment
    order: each pool's monthly means."""
    return csv_text(
        ["variant", *SERIES_COLUMNS],
        [
            [variant, *series_cells(point)]
            for variant, series in result.series.items()
            for point in series
        ],
    )


def comparisons_csv(result: ExperimentResult) -> str:
    """One row per comparison: difference, interval, p-values, verdict."""
    keys = list(_comparison(result.comparisons[0])) if result.comparisons else []
    return csv_text(
        keys,
        [
            [csv_value(x) if isinstance(x, float) else x for x in _comparison(c).values()]
            for c in result.comparisons
        ],
    )


def write_experiment(
    result: ExperimentResult, out: Path, notes: list[str] | None = None
) -> dict[str, Any]:
    """Write every result file (the store is already there); `notes` are the header comments
    of the experiment and scenario files, kept in the manifest. Returns summary.json's
    document."""
    out.mkdir(parents=True, exist_ok=True)
    doc = summary_document(result)
    (out / SUMMARY).write_text(json.dumps(doc, indent=2, allow_nan=False) + "\n", encoding="utf-8")
    (out / REPLICATIONS).write_text(replications_csv(result), encoding="utf-8")
    (out / TIMESERIES).write_text(timeseries_csv(result), encoding="utf-8")
    (out / COMPARISONS).write_text(comparisons_csv(result), encoding="utf-8")
    (out / TRADEOFF_FILE).write_text(
        csv_text(
            ["variant", *(f"{m}_{k}" for m in TRADEOFF for k in ("mean", "ci95_low", "ci95_high"))],
            [
                [
                    v,
                    *(
                        csv_value(x)
                        for m in TRADEOFF
                        for x in (
                            doc["tradeoff"][v][m]["mean"],
                            doc["tradeoff"][v][m]["ci95_low"],
                            doc["tradeoff"][v][m]["ci95_high"],
                        )
                    ),
                ]
                for v in result.rows
            ],
        ),
        encoding="utf-8",
    )
    folder = out / SCENARIOS_DIR
    folder.mkdir(exist_ok=True)
    for variant, scenario in result.experiment.scenarios.items():
        (folder / f"{variant}.yaml").write_text(scenario_yaml(scenario), encoding="utf-8")
    manifest = {
        "simcs_version": __version__,
        "experiment": result.experiment.name,
        "seed": result.experiment.seed,
        "replications": result.replications,
        "variants": {v: scenario_sha256(s) for v, s in result.experiment.scenarios.items()},
        "backend": result.backend,
        "computed_this_run": result.computed,
        "reused_from_store": result.reused,
        "wall_time_seconds": round(result.wall_seconds, 3),
        "python": platform.python_version(),
        "notes": notes or [],
    }
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return doc
