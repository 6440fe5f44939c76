"""Writing an experiment's results and printing its tables.

Files in the output folder: `results.sqlite` (the resumable store), `summary.json`,
`comparisons.csv`, `replications.csv` (variant,replication,year,tier,metric,value),
`tradeoff.csv`, `scenarios/<variant>.yaml` (each variant fully resolved) and `manifest.json`.
"""

from __future__ import annotations

import csv
import io
import json
import math
import platform
from pathlib import Path
from typing import Any

from simcs import __version__
from simcs.experiments.comparison import Comparison
from simcs.experiments.robustness import Robustness
from simcs.experiments.run import ExperimentResult
from simcs.reporting.tables import cell, render
from simcs.scenario.files import scenario_sha256, scenario_yaml
from simcs.simulation.metrics import ALL, METRICS
from simcs.stats import Interval

TRADEOFF = ("cost_per_customer", "grr", "nrr")


def _num(x: float) -> float | None:
    return None if math.isnan(x) else x


def _interval(iv: Interval) -> dict[str, float | int | None]:
    return {
        "mean": _num(iv.mean),
        "std": _num(iv.std),
        "ci95_low": _num(iv.low),
        "ci95_high": _num(iv.high),
        "n": iv.n,
    }


def _comparison(c: Comparison) -> dict[str, Any]:
    return {
        "variant": c.variant,
        "reference": c.reference,
        "tier": c.tier,
        "metric": c.metric,
        "difference": _num(c.difference.mean),
        "ci95_low": _num(c.difference.low),
        "ci95_high": _num(c.difference.high),
        "n": c.difference.n,
        "p_value": _num(c.p_value),
        "p_holm": _num(c.p_holm),
        "verdict": c.verdict,
    }


def summary_document(result: ExperimentResult) -> dict[str, Any]:
    """The summary.json document."""
    plan = result.plan
    return {
        "experiment": plan.name,
        "seed": plan.seed,
        "replications": result.replications,
        "reference": plan.reference,
        "key_metric": plan.key_metric,
        "precision": plan.precision,
        "precision_met": result.precision_met,
        "interval_method": "Student-t 95% on paired differences of per-replication year means; "
        "p-values Holm-adjusted across all comparisons",
        "variants": {
            v: {
                tier: {m: _interval(s[tier][m]) for m in METRICS}
                for tier in plan.tiers
                if tier in s
            }
            for v, s in result.summaries.items()
        },
        "comparisons": [_comparison(c) for c in result.comparisons],
        "tradeoff": {
            v: {m: _interval(s[ALL][m]) for m in TRADEOFF} for v, s in result.summaries.items()
        },
    }


def _csv(header: list[str], rows: list[list[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def _value(x: float | None) -> str:
    return "" if x is None or (isinstance(x, float) and math.isnan(x)) else repr(x)


def replications_csv(result: ExperimentResult) -> str:
    """variant,replication,year,tier,metric,value for every variant, in plan order."""
    return _csv(
        ["variant", "replication", "year", "tier", "metric", "value"],
        [
            [variant, r, y, t, m, _value(v)]
            for variant, rows in result.rows.items()
            for r, y, t, m, v in rows
        ],
    )


def comparisons_csv(result: ExperimentResult) -> str:
    """One row per comparison: difference, interval, p-values, verdict."""
    keys = list(_comparison(result.comparisons[0])) if result.comparisons else []
    return _csv(
        keys,
        [
            [_value(x) if isinstance(x, float) else x for x in _comparison(c).values()]
            for c in result.comparisons
        ],
    )


def write_experiment(result: ExperimentResult, out: Path, notes: list[str] | None = None) -> None:
    """Write every result file (the store is already there); `notes` are the header comments
    of the experiment and scenario files, kept in the manifest."""
    out.mkdir(parents=True, exist_ok=True)
    doc = summary_document(result)
    (out / "summary.json").write_text(
        json.dumps(doc, indent=2, allow_nan=False) + "\n", encoding="utf-8"
    )
    (out / "replications.csv").write_text(replications_csv(result), encoding="utf-8")
    (out / "comparisons.csv").write_text(comparisons_csv(result), encoding="utf-8")
    (out / "tradeoff.csv").write_text(
        _csv(
            ["variant", *(f"{m}_{k}" for m in TRADEOFF for k in ("mean", "ci95_low", "ci95_high"))],
            [
                [
                    v,
                    *(
                        _value(x)
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
    folder = out / "scenarios"
    folder.mkdir(exist_ok=True)
    for variant, scenario in result.plan.scenarios.items():
        (folder / f"{variant}.yaml").write_text(scenario_yaml(scenario), encoding="utf-8")
    manifest = {
        "simcs_version": __version__,
        "experiment": result.plan.name,
        "seed": result.plan.seed,
        "replications": result.replications,
        "variants": {v: scenario_sha256(s) for v, s in result.plan.scenarios.items()},
        "computed_this_run": result.computed,
        "reused_from_store": result.reused,
        "wall_time_seconds": round(result.wall_seconds, 3),
        "python": platform.python_version(),
        "notes": notes or [],
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")


FORMATS = {"cost": "{:,.0f}", "hours": "{:.2f}", "default": "{:.3f}"}


def _fmt(metric: str) -> str:
    if metric.startswith("cost") or metric.endswith("_cost_per_new_customer"):
        return FORMATS["cost"]
    if metric.endswith("_hours_mean") or metric.endswith("_days_mean"):
        return FORMATS["hours"]
    return FORMATS["default"]


def tables(result: ExperimentResult) -> str:
    """The three tables a strategy team reads: variants, paired differences, trade-off."""
    plan = result.plan
    parts = []
    header = ["Variant (all tiers)", *plan.metrics]
    body = [
        [v, *(cell(s[ALL][m], _fmt(m)) for m in plan.metrics)] for v, s in result.summaries.items()
    ]
    parts.append(render(header, body))
    header = [
        "Variant",
        "Tier",
        "Metric",
        "Difference vs " + plan.reference,
        "95% CI",
        "p (Holm)",
        "Verdict",
    ]
    body = []
    for c in result.comparisons:
        fmt = _fmt(c.metric)
        d = c.difference
        ci = "n/a" if math.isnan(d.low) else f"[{fmt.format(d.low)}, {fmt.format(d.high)}]"
        p = "n/a" if math.isnan(c.p_holm) else f"{c.p_holm:.3g}"
        body.append([c.variant, c.tier, c.metric, f"{fmt.format(d.mean):>}", ci, p, c.verdict])
    parts.append(render(header, body))
    header = ["Trade-off (all tiers)", "Cost/cust $", "GRR", "NRR"]
    body = [
        [
            v,
            cell(s[ALL]["cost_per_customer"], "{:,.0f}"),
            cell(s[ALL]["grr"], "{:.3f}"),
            cell(s[ALL]["nrr"], "{:.3f}"),
        ]
        for v, s in result.summaries.items()
    ]
    parts.append(render(header, body))
    return "\n\n".join(parts)


def sweep_csv(result: ExperimentResult, points: dict[str, dict[str, Any]]) -> str:
    """Tidy per grid point: the point's parameter values, tier, metric, mean and interval."""
    params = list(next(iter(points.values())))
    rows = []
    for name, assignment in points.items():
        summary = result.summaries[name]
        for tier in result.plan.tiers:
            for metric in METRICS:
                iv = summary[tier][metric]
                rows.append(
                    [
                        name,
                        *(assignment[p] for p in params),
                        tier,
                        metric,
                        _value(iv.mean),
                        _value(iv.low),
                        _value(iv.high),
                        iv.n,
                    ]
                )
    return _csv(["point", *params, "tier", "metric", "mean", "ci95_low", "ci95_high", "n"], rows)


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
                    _value(c.difference.mean),
                    _value(c.difference.low),
                    _value(c.difference.high),
                    _value(c.p_holm),
                    c.verdict,
                    *(point[i] for i in inputs),
                ]
            )
    return _csv(
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


def robustness_summary(study: Robustness) -> tuple[str, str]:
    """(CSV of every comparison, table of the whole-book comparisons) of the robustness study."""
    shares = study.verdict_shares()
    drivers = study.drivers()
    header = [
        "variant",
        "tier",
        "metric",
        "verdict_at_defaults",
        "verdict_holds_share",
        "main_driver",
        "spearman_rho",
    ]
    rows = [
        [c.variant, c.tier, c.metric, c.verdict, f"{share:.3f}", driver, f"{rho:.3f}"]
        for c, share, (driver, rho) in zip(study.defaults.comparisons, shares, drivers, strict=True)
    ]
    table = render(
        ["Variant", "Metric (all tiers)", "Verdict at defaults", "Holds in", "Main driver", "rho"],
        [[r[0], r[2], r[3], f"{float(r[4]):.0%}", r[5] or "-", r[6]] for r in rows if r[1] == ALL],
    )
    return _csv(header, rows), table
