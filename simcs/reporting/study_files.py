"""Writing the files of studies over many scenarios: a sweep's `points.csv` and a robustness
study's `robustness.csv` and `robustness_summary.csv`.

points.csv: one row per grid point, tier and metric, with the point's parameter values, the
mean and its 95% interval. robustness.csv: one row per sampled input point and comparison, with
the point's input values. robustness_summary.csv: one row per comparison, with its verdict at
the defaults, the share of sampled points where that verdict holds and the input whose Spearman
rank correlation with the paired difference is largest. File names come from
`simcs.reporting.results`; an undefined number is an empty field.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from simcs.catalogue import METRICS
from simcs.experiments.robustness import Robustness
from simcs.experiments.run import ExperimentResult
from simcs.reporting import results
from simcs.reporting.results import csv_text, csv_value


def points_csv(result: ExperimentResult, points: dict[str, dict[str, Any]]) -> str:
    """Tidy per grid point: the point's parameter values, tier, metric, mean and interval."""
    params = list(next(iter(points.values())))
    rows = []
    for name, assignment in points.items():
        summary = result.summaries[name]
        for tier in result.experiment.tiers:
            for metric in METRICS:
                iv = summary[tier][metric]
                rows.append(
                    [
                        name,
                        *(assignment[p] for p in params),
                        tier,
                        metric,
                        csv_value(iv.mean),
                        csv_value(iv.low),
                        csv_value(iv.high),
                        iv.n,
                    ]
                )
    return csv_text(
        ["point", *params, "tier", "metric", "mean", "ci95_low", "ci95_high", "n"], rows
    )


def write_points(out: Path, result: ExperimentResult, points: dict[str, dict[str, Any]]) -> Path:
    """points.csv of a sweep (beside the experiment's files); returns its path."""
    path = out / results.POINTS
    path.write_text(points_csv(result, points), encoding="utf-8")
    return path


def robustness_csv(study: Robustness) -> str:
    """One row per (sample, comparison), with the sample's input values."""
    inputs = list(study.samples[0])
    rows = []
    for k, (point, comparisons) in enumerate(zip(study.samples, study.comparisons, strict=True)):
        for c in comparisons:
            rows.append(
                [
                    k,
                    c.variant,
                    c.tier,
                    c.metric,
                    csv_value(c.difference.mean),
                    csv_value(c.difference.low),
                    csv_value(c.difference.high),
                    csv_value(c.p_holm),
                    c.verdict,
                    *(point[i] for i in inputs),
                ]
            )
    return csv_text(
        [
            "sample",
            "variant",
            "tier",
            "metric",
            "difference",
            "ci95_low",
            "ci95_high",
            "p_holm",
            "verdict",
            *inputs,
        ],
        rows,
    )


def robustness_summary_csv(study: Robustness) -> str:
    """One row per comparison: verdict at the defaults, share of samples where it holds, main
    driver and its Spearman rho."""
    rows = [
        [c.variant, c.tier, c.metric, c.verdict, f"{share:.3f}", driver, f"{rho:.3f}"]
        for c, share, (driver, rho) in zip(
            study.defaults.comparisons, study.verdict_shares(), study.drivers(), strict=True
        )
    ]
    return csv_text(
        [
            "variant",
            "tier",
            "metric",
            "verdict_at_defaults",
            "verdict_holds_share",
            "main_driver",
            "spearman_rho",
        ],
        rows,
    )


def write_robustness(out: Path, study: Robustness) -> None:
    """robustness.csv and robustness_summary.csv of a robustness study (beside its store)."""
    out.mkdir(parents=True, exist_ok=True)
    (out / results.ROBUSTNESS).write_text(robustness_csv(study), encoding="utf-8")
    (out / results.ROBUSTNESS_SUMMARY).write_text(robustness_summary_csv(study), encoding="utf-8")
