"""`simcs report DIR`: one self-contained HTML report of a run, experiment, sweep or robustness
study, with its figures embedded (and written beside it as PNG and SVG for slides).

The report says the headline in plain words ("low_touch vs baseline: cost per customer -$1,249
per customer-year [-1,271, -1,227], GRR -1.4 points [-1.7, -1.1]"), then the figures, the
tables, the assumptions and their sources, and how many replications and which interval method
stand behind every number. It uses no network resource: it opens offline.
"""

from __future__ import annotations

import base64
import csv
import html
import json
import math
from pathlib import Path
from typing import Any

import yaml

from simcs import __version__
from simcs.reporting import figures

POINTS = {"grr", "nrr", "logo_retention", "support_sla_met", "trained_share"}  # shown in points


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def kind_of(folder: Path) -> str:
    """run, experiment, sweep or robustness, from the files the folder holds."""
    if (folder / "robustness_summary.csv").exists():
        return "robustness"
    if (folder / "sizing.json").exists():
        return "sizing"
    if (folder / "points.csv").exists():
        return "sweep"
    summary = folder / "summary.json"
    if not summary.exists():
        raise FileNotFoundError(f"{folder}: no summary.json or robustness_summary.csv here")
    doc = json.loads(summary.read_text(encoding="utf-8"))
    return "experiment" if "comparisons" in doc else "run"


def _fmt(metric: str, value: float | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    if metric.startswith("cost") or metric.startswith("arr") or "revenue" in metric:
        return f"${value:,.0f}"
    if metric.endswith("_hours_mean") or metric.endswith("_days_mean"):
        return f"{value:,.2f}"
    return f"{value:.3f}"


def _diff(metric: str, d: float | None, lo: float | None, hi: float | None) -> str:
    """A paired difference in the metric's natural unit (points for shares)."""
    if d is None or lo is None or hi is None:
        return "n/a"
    if metric in POINTS:
        return f"{d * 100:+.1f} points [{lo * 100:+.1f}, {hi * 100:+.1f}]"
    if metric.startswith("cost") or metric.startswith("arr"):
        suffix = " per customer per year" if "per_customer" in metric else ""
        return f"{'-' if d < 0 else '+'}${abs(d):,.0f}{suffix} [{lo:,.0f}, {hi:,.0f}]"
    return f"{d:+.3g} [{lo:+.3g}, {hi:+.3g}]"


def headlines(kind: str, doc: dict[str, Any]) -> list[str]:
    """The report's first lines, in plain words."""
    if kind == "run":
        m = doc["metrics"]["all"]
        parts = []
        for metric in ("grr", "nrr", "cost_per_customer"):
            iv = m[metric]
            parts.append(
                f"{metric.upper() if metric != 'cost_per_customer' else 'cost per customer'} "
                f"{_fmt(metric, iv['mean'])} [{_fmt(metric, iv['ci95_low'])}, "
                f"{_fmt(metric, iv['ci95_high'])}]"
            )
        return [f"{doc['scenario']}, whole book: " + ", ".join(parts) + "."]
    lines = []
    by_variant: dict[str, list[dict[str, Any]]] = {}
    for c in doc["comparisons"]:
        if c["tier"] == "all":
            by_variant.setdefault(c["variant"], []).append(c)
    for variant, comps in by_variant.items():
        parts = []
        for c in comps:
            change = _diff(c["metric"], c["difference"], c["ci95_low"], c["ci95_high"])
            parts.append(f"{c['metric'].replace('_', ' ')} {change} ({c['verdict']})")
        lines.append(f"{variant} vs {comps[0]['reference']}: " + "; ".join(parts) + ".")
    return lines


def _table(header: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _scenario_assumptions(scenario: dict[str, Any]) -> str:
    staff = scenario["staff"]
    rows = []
    for name, t in scenario["tiers"].items():
        team = staff["csm"].get(name)
        rows.append(
            [
                t["label"],
                str(t["initial_customers"]),
                f"{t['arr_band']}",
                t["coverage"],
                "-" if team is None else f"{team['headcount']} (+{team['managers']} mgr)",
                f"{t['cadence']['touches_per_year']:g}/yr",
                f"{t['support']['cases_per_year']:g}/yr",
                f"{t['support']['sla_hours']:g} h",
                f"Beta({t['renewal']['alpha']:g}, {t['renewal']['beta']:g})",
            ]
        )
    tiers = _table(
        [
            "Tier",
            "Customers t=0",
            "ARR band $",
            "Coverage",
            "CSMs",
            "Touches",
            "Cases",
            "SLA",
            "Base churn",
        ],
        rows,
    )
    pools = _table(
        ["Pool", "Headcount", "OTE $", "Overhead", "Productive h/week"],
        [
            [
                p,
                str(staff[p]["headcount"]),
                f"{staff[p]['ote']:,.0f}",
                f"{staff[p]['overhead']:.0%}",
                f"{staff[p]['productive_hours_per_week']:g}",
            ]
            for p in ("support", "implementation", "education", "operations")
        ],
    )
    drivers = scenario["drivers"]
    flat = {
        k: v
        for k, v in drivers.items()
        if not isinstance(v, dict) and k != "relationship_touches_per_year"
    }
    flat.update({f"relationship.{k}": v for k, v in drivers["relationship"].items()})
    odds = _table(["Churn-odds driver", "Odds ratio"], [[k, f"{v:g}"] for k, v in flat.items()]) + (
        f"<p class='note'>Relationship strength reaches 63% at "
        f"{drivers['relationship_touches_per_year']:g} delivered touches a year.</p>"
    )
    return (
        f"<p>{html.escape(scenario.get('description', ''))}</p>{tiers}{pools}{odds}"
        "<p class='note'>Sources: the seed documents (segmentation template, cost-of-delivery "
        "formula and worked examples, $50M cost template) and public benchmarks "
        "(calibration.md); each scenario file's header says which number comes from where. "
        "Driver odds ratios are weakly evidenced: vary them (simcs robustness).</p>"
    )


def _notes(folder: Path) -> str:
    """The scenario or experiment files' own header comments: what they represent and where
    their numbers come from."""
    manifest = folder / "manifest.json"
    if not manifest.exists():
        return ""
    doc = json.loads(manifest.read_text(encoding="utf-8"))
    lines = doc.get("scenario_notes") or doc.get("notes") or []
    if not lines:
        return ""
    return (
        "<h3>What the input files say about themselves</h3><pre class='notes'>"
        + html.escape("\n".join(lines))
        + "</pre>"
    )


def _embed(paths: list[Path]) -> str:
    png = next(p for p in paths if p.suffix == ".png")
    data = base64.b64encode(png.read_bytes()).decode("ascii")
    return (
        f"<figure><img src='data:image/png;base64,{data}' alt='{html.escape(png.stem)}'></figure>"
    )


#: Marks the page with how many of its images loaded (read by the browser test).
IMAGE_CHECK = (
    "window.addEventListener('load',function(){var i=document.images,ok=0;"
    "for(var k=0;k<i.length;k++){if(i[k].complete&&i[k].naturalWidth>0){ok++;}}"
    "document.body.setAttribute('data-images-loaded',ok+'/'+i.length);});"
)

CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;margin:2rem auto;
max-width:1100px;color:#222;line-height:1.45}
h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2rem;border-bottom:1px solid #ddd}
.headline{background:#f3f7fb;border-left:4px solid #0072B2;padding:.6rem 1rem;margin:.4rem 0}
table{border-collapse:collapse;margin:.8rem 0;font-size:.88rem}
th,td{border:1px solid #ddd;padding:.25rem .5rem;text-align:right}
th:first-child,td:first-child{text-align:left}img{max-width:100%}.note{color:#555;font-size:.9rem}
pre.notes{background:#fafafa;border:1px solid #eee;padding:.6rem;white-space:pre-wrap;
font-size:.85rem}
"""


def build_report(folder: str | Path) -> Path:
    """Write folder/report.html and folder/figures/*.png|svg; return the report's path."""
    folder = Path(folder)
    kind = kind_of(folder)
    out = folder / "figures"
    out.mkdir(exist_ok=True)
    sections: list[tuple[str, str]] = []
    lines: list[str] = []
    method = (
        "Means over independent replications with Student-t 95% intervals; each "
        "replication's value is its mean over the measurement years."
    )
    if kind in ("run", "experiment", "sweep"):
        doc = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    if kind == "run":
        lines = headlines(kind, doc)
        scenario = yaml.safe_load((folder / "scenario.yaml").read_text(encoding="utf-8"))
        tiers = [*scenario["tiers"], "all"]
        metrics = doc["metrics"]
        rows = _read_csv(folder / "replications.csv")
        sbg = (
            {t: (v["renewal"]["alpha"], v["renewal"]["beta"]) for t, v in scenario["tiers"].items()}
            if _drivers_neutral(scenario)
            else None
        )
        figs = [("arr_bridge_all", figures.arr_bridge(metrics, "all"))]
        figs += [(f"arr_bridge_{t}", figures.arr_bridge(metrics, t)) for t in scenario["tiers"]]
        figs += [
            ("cost_vs_value", figures.cost_vs_value(metrics, list(scenario["tiers"]))),
            ("retention_by_year", figures.retention_by_year(rows, list(scenario["tiers"]), sbg)),
            ("support_service", figures.support_service(metrics, list(scenario["tiers"]))),
            ("wait_distribution", figures.wait_distribution(metrics, tiers)),
            *(
                [("pools_over_time", figures.pools_over_time(_read_csv(folder / "timeseries.csv")))]
                if (folder / "timeseries.csv").exists()
                else []
            ),
            ("utilisation", figures.utilisation(metrics, list(scenario["tiers"]))),
        ]
        table = _table(
            ["Tier", "GRR", "NRR", "Logo retention", "Cost/customer", "SLA met", "Wait h"],
            [
                [
                    t,
                    *(
                        f"{_fmt(m, metrics[t][m]['mean'])} [{_fmt(m, metrics[t][m]['ci95_low'])}, "
                        f"{_fmt(m, metrics[t][m]['ci95_high'])}]"
                        for m in (
                            "grr",
                            "nrr",
                            "logo_retention",
                            "cost_per_customer",
                            "support_sla_met",
                            "support_wait_hours_mean",
                        )
                    ),
                ]
                for t in tiers
            ],
        )
        sections.append(("Results by tier", table))
        sections.append(("Assumptions", _scenario_assumptions(scenario) + _notes(folder)))
        n = doc["replications"]
        title = f"simcs run: {doc['scenario']}"
    elif kind in ("experiment", "sweep"):
        lines = headlines("experiment", doc)
        comps = doc["comparisons"]
        metrics_of_interest = list(dict.fromkeys(c["metric"] for c in comps))
        figs = [(f"forest_{m}", figures.forest(comps, m, "all")) for m in metrics_of_interest]
        figs.append(("tradeoff", figures.tradeoff(doc["tradeoff"])))
        if kind == "sweep":
            points = [r for r in _read_csv(folder / "points.csv") if r["tier"] == "all"]
            param = list(_read_csv(folder / "points.csv")[0])[1]
            figs.append(("frontier", figures.frontier(points, param, metrics_of_interest)))
        table = _table(
            ["Variant", "Tier", "Metric", "Difference", "p (Holm)", "Verdict"],
            [
                [
                    c["variant"],
                    c["tier"],
                    c["metric"],
                    _diff(c["metric"], c["difference"], c["ci95_low"], c["ci95_high"]),
                    "n/a" if c["p_holm"] is None else f"{c['p_holm']:.3g}",
                    c["verdict"],
                ]
                for c in comps
            ],
        )
        sections.append(("Paired differences against the reference", table))
        trade = _table(
            ["Variant", "Cost per customer", "GRR", "NRR"],
            [
                [
                    v,
                    *(
                        f"{_fmt(m, d[m]['mean'])} [{_fmt(m, d[m]['ci95_low'])}, "
                        f"{_fmt(m, d[m]['ci95_high'])}]"
                        for m in ("cost_per_customer", "grr", "nrr")
                    ),
                ]
                for v, d in doc["tradeoff"].items()
            ],
        )
        sections.append(("Cost against retention", trade))
        scen_dir = folder / "scenarios"
        if scen_dir.exists():
            ref = yaml.safe_load((scen_dir / f"{doc['reference']}.yaml").read_text("utf-8"))
            sections.append(
                (
                    f"Assumptions (reference: {doc['reference']})",
                    _scenario_assumptions(ref) + _notes(folder),
                )
            )
        n = doc["replications"]
        method += (
            " Variants share their random streams replication by replication (common "
            "random numbers); differences are paired, their p-values Holm-adjusted "
            "across all comparisons."
        )
        title = f"simcs {kind}: {doc['experiment']}"
    elif kind == "sizing":
        doc = json.loads((folder / "sizing.json").read_text(encoding="utf-8"))
        figs = [("staffing_frontier", figures.staffing_frontier(doc))]
        best = doc["recommended"]
        if best is None:
            lines = ["No plan within the search bounds met every target; see the frontier."]
        else:
            plan = ", ".join(f"{p}={h}" for p, h in best.items())
            lines = [
                f"Recommended: {plan}, loaded staff cost ${doc['recommended_staff_cost']:,.0f}"
                f" a year; every target holds at {doc['confidence']:.0%} confidence."
            ]
        labels = [t["label"] for t in doc["targets"]]
        rows_html = _table(
            ["Plan", "Staff cost $/yr", *labels, "Targets hold"],
            [
                [
                    ", ".join(f"{p}={h}" for p, h in plan["headcounts"].items()),
                    f"{plan['staff_cost']:,.0f}",
                    *(_value_and_bound(plan["values"][t]) for t in labels),
                    "yes" if plan["holds"] else "no",
                ]
                for plan in sorted(doc["plans"], key=lambda p: p["staff_cost"])
            ],
        )
        sections.append(("Every plan simulated", rows_html))
        n = doc["replications"]
        method = (
            f"Each plan simulated with the same seeds (common random numbers); a target "
            f"holds when the one-sided {doc['confidence']:.0%} bound of its replication "
            "mean clears it; Student-t 95% intervals in the figure."
        )
        title = f"simcs size: {doc['scenario']}"
    else:
        rows = _read_csv(folder / "robustness_summary.csv")
        figs = [("robustness", figures.robustness(rows))]
        lines = [
            f"{r['variant']} ({r['metric']}, whole book): '{r['verdict_at_defaults']}' holds in "
            f"{float(r['verdict_holds_share']):.0%} of sampled inputs; main driver "
            f"{r['main_driver'] or '-'} (rho {float(r['spearman_rho']):+.2f})."
            for r in rows
            if r["tier"] == "all"
        ]
        sections.append(
            ("Every comparison", _table(list(rows[0]), [list(r.values()) for r in rows]))
        )
        samples = len({r["sample"] for r in _read_csv(folder / "robustness.csv")})
        method = (
            f"{samples} Latin-hypercube samples of the uncertain effect sizes over their "
            "documented ranges; at each, the experiment's paired comparison (Student-t 95% "
            "intervals, Holm-adjusted verdicts), with the replications per variant of the "
            "experiment file."
        )
        n = samples
        title = "simcs robustness study"
    images = []
    for name, fig in figs:
        images.append(_embed(figures.save(fig, out, name)))
    page = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>{html.escape(title)}</title><style>{CSS}</style>",
        f"<script>{IMAGE_CHECK}</script></head><body>",
        f"<h1>{html.escape(title)}</h1>",
        *(f"<p class='headline'>{html.escape(line)}</p>" for line in lines),
        "<h2>Figures</h2>",
        *images,
        *(f"<h2>{html.escape(h)}</h2>{body}" for h, body in sections),
        "<h2>Method</h2>",
        f"<p>{html.escape(method)} {'Samples' if kind == 'robustness' else 'Replications'}: "
        f"{n}. simcs {__version__}.</p>",
        "</body></html>",
    ]
    report = folder / "report.html"
    report.write_text("\n".join(page), encoding="utf-8")
    return report


def _value_and_bound(value: dict[str, Any]) -> str:
    """'0.972 (bound 0.951)', or 'n/a' where the plan leaves the metric undefined."""
    mean, bound = value.get("mean"), value.get("bound")
    if mean is None:
        return "n/a"
    return f"{mean:.3f}" + ("" if bound is None else f" (bound {bound:.3f})")


def _drivers_neutral(scenario: dict[str, Any]) -> bool:
    d = scenario["drivers"]
    values = [
        v for k, v in d.items() if not isinstance(v, dict) and k != "relationship_touches_per_year"
    ]
    values += list(d["relationship"].values())
    return all(v == 1 for v in values if isinstance(v, int | float))
