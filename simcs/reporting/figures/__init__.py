"""Publication figures from simcs results: plain data in, `matplotlib.figure.Figure` out.

Every function takes the parsed result files (the dicts of summary.json, rows of a CSV read with
`csv.DictReader`), never simcs objects, and returns a Figure built without pyplot (no global
figure state, no backend selection), so it is safe in libraries, threads and worker processes.
`save(fig, folder, name)` writes NAME.png (150 dpi) and NAME.svg.

One style for all figures (`STYLE`, applied with `matplotlib.rc_context` while a figure is
built and saved), the colour-blind-safe Okabe-Ito palette, units on every axis (from the metric
catalogue, `simcs.catalogue`), error bars and bands that are the 95% intervals of the results.
Undefined values (null in JSON, empty in CSV, NaN) are skipped and marked "n/a"; a tier or
metric without data never raises. Intervals are drawn cut to a metric's possible range (a
t-interval of few replications can reach a negative wait or a GRR above 100%); the result files
keep the raw intervals. Results are keyed by scope: a service tier, `group:NAME` for a
customer group, or `all`; scopes are named by the `tier_labels` argument (the scenario's
`tiers.<key>.label` and `population.<name>.label` under `group:NAME`); without it a tier shows
its key, a group "group NAME", and `all` reads "All customers".

Modules, one concept each: `style` (palette, rcParams, saving), `labels` (metric and scope
labels), `axes` (values, formatters, drawing helpers); then by result kind: `run` (arr_bridge,
cost_vs_value, utilisation), `money` (revenue_and_margin: revenue, cost and margin, and cost to
revenue against the 5%-20% band; customer_value: lifetime value against the cost to serve),
`service` (support_service, wait_distribution, pools_over_time), `retention`
(retention_by_year), `compare` (forest, tradeoff), `planning` (staffing_frontier, frontier of a
sweep, allocation_path), `study` (robustness), `staffing` (staffing: people on payroll against
the target and the need, and utilisation, month by month per pool), `calibration`
(survival_fit, handle_time_fit, case_rates: a calibration's fits against its data).
"""

from __future__ import annotations

from simcs.reporting.figures.calibration import case_rates, handle_time_fit, survival_fit
from simcs.reporting.figures.compare import forest, tradeoff
from simcs.reporting.figures.labels import (
    TierLabels,
    metric_label,
    param_label,
    scope_noun,
    tier_label,
)
from simcs.reporting.figures.money import customer_value, revenue_and_margin
from simcs.reporting.figures.planning import allocation_path, frontier, staffing_frontier
from simcs.reporting.figures.retention import retention_by_year
from simcs.reporting.figures.run import arr_bridge, cost_vs_value, utilisation
from simcs.reporting.figures.service import pools_over_time, support_service, wait_distribution
from simcs.reporting.figures.staffing import staffing
from simcs.reporting.figures.study import robustness
from simcs.reporting.figures.style import (
    BLACK,
    BLUE,
    FUNCTION_COLOURS,
    GREEN,
    GREY,
    ORANGE,
    PALETTE,
    PURPLE,
    SKY,
    STYLE,
    VERDICT_COLOURS,
    VERMILLION,
    YELLOW,
    save,
)

__all__ = [
    "BLACK",
    "BLUE",
    "FUNCTION_COLOURS",
    "GREEN",
    "GREY",
    "ORANGE",
    "PALETTE",
    "PURPLE",
    "SKY",
    "STYLE",
    "VERDICT_COLOURS",
    "VERMILLION",
    "YELLOW",
    "TierLabels",
    "allocation_path",
    "arr_bridge",
    "case_rates",
    "cost_vs_value",
    "customer_value",
    "forest",
    "handle_time_fit",
    "frontier",
    "metric_label",
    "param_label",
    "pools_over_time",
    "retention_by_year",
    "revenue_and_margin",
    "robustness",
    "save",
    "survival_fit",
    "scope_noun",
    "staffing",
    "staffing_frontier",
    "support_service",
    "tier_label",
    "tradeoff",
    "utilisation",
    "wait_distribution",
]
