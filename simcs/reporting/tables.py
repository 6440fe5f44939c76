"""Plain-text summary tables for the terminal."""

from __future__ import annotations

import math

from simcs.stats import Interval

#: (metric, column heading, format) of the run summary, in order.
SUMMARY_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("grr", "GRR", "{:.3f}"),
    ("nrr", "NRR", "{:.3f}"),
    ("logo_retention", "Logo ret.", "{:.3f}"),
    ("cost_per_customer", "Cost/cust $", "{:,.0f}"),
    ("support_wait_hours_mean", "Wait h", "{:.2f}"),
    ("support_sla_met", "SLA met", "{:.3f}"),
    ("support_utilization", "Support util", "{:.2f}"),
    ("csm_utilization", "CSM util", "{:.2f}"),
    ("ps_utilization", "PS util", "{:.2f}"),
)


def cell(iv: Interval, fmt: str) -> str:
    """'mean ±half-width' of the 95% interval, or 'n/a' where the metric is undefined."""
    if iv.n == 0 or math.isnan(iv.mean):
        return "n/a"
    if math.isnan(iv.low):
        return fmt.format(iv.mean)
    return f"{fmt.format(iv.mean)} ±{fmt.format(iv.half_width)}"


def render(header: list[str], body: list[list[str]]) -> str:
    """A plain-text table: first column left-aligned, the others right-aligned."""
    widths = [max(len(r[i]) for r in [header, *body]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        return "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    rule = "-" * len(line(header))
    return "\n".join([line(header), rule, *(line(r) for r in body)])


def summary_table(summary: dict[str, dict[str, Interval]], tiers: list[str]) -> str:
    """A tier-by-metric table of means with 95% intervals."""
    header = ["Tier", *(h for _, h, _ in SUMMARY_COLUMNS)]
    body = [
        [tier, *(cell(summary[tier][m], fmt) for m, _, fmt in SUMMARY_COLUMNS)] for tier in tiers
    ]
    return render(header, body)
