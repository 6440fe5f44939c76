"""Every table simcs prints on a terminal: the run summary, an experiment's three tables and its
return on staff, a robustness study, capacity, the hiring plan, sizing and allocation.

Tables are laid out by `rich` and rendered to plain text: no colours, no box-drawing
characters (a dashed rule under the headings), numbers right-aligned so that means and their
95% half-widths line up ("0.912 ±0.004"), a fixed layout whatever the terminal, so that logs and
the documentation's examples show the same thing. A column is as wide as its widest value; a
number column's heading wraps onto more lines where it is longer. Metric headings and number
formats come from the metric catalogue (`simcs.catalogue`).
"""

from __future__ import annotations

import io
import math
from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING, Any

from rich import box
from rich.console import Console
from rich.table import Column, Table
from rich.text import Text

from simcs.catalogue import ALL, NET_OF_COST, metric
from simcs.planning.pools import person_cost, pool_config
from simcs.records import is_group_scope
from simcs.reporting.pages.money_headline import RETURN_HEADINGS, return_rows, return_sentence
from simcs.scenario.staffing_file import ratio_text
from simcs.stats import Interval

if TYPE_CHECKING:
    from simcs.experiments.robustness import Robustness
    from simcs.experiments.run import ExperimentResult
    from simcs.planning.allocation import Allocation
    from simcs.planning.capacity import PoolCapacity
    from simcs.planning.hiring import Quarter
    from simcs.planning.sizing import Sizer, SizingResult, StaffingPlan

#: The metrics of the run summary, in order.
SUMMARY_METRICS: tuple[str, ...] = (
    "grr",
    "nrr",
    "logo_retention",
    "cost_per_customer",
    "support_wait_hours_mean",
    "support_sla_met",
    "support_utilization",
    "csm_utilization",
    "ps_utilization",
)
#: The trade-off an experiment prints for every variant.
TRADEOFF_METRICS: tuple[str, ...] = ("cost_per_customer", "grr", "nrr")
#: A heading longer than this wraps (at spaces) if its values are narrower.
HEADING_WIDTH = 14
#: A dashed rule under the headings, nothing else: plain ASCII.
RULE_UNDER_HEADINGS = box.Box("    \n    \n -- \n    \n    \n    \n    \n    \n", ascii=True)
_UNIT_MARKS = {"usd": " $", "hours": " h", "days": " days"}
NA = "n/a"


def dollars(name: str, x: float, signed: bool = False) -> str:
    """A dollar value in the metric's catalogue format: '$1,234,567', '-$12,345' ('+$...' with
    `signed`), 'n/a' where undefined."""
    if math.isnan(x):
        return NA
    sign = "-" if x < 0 else ("+" if signed else "")
    return f"{sign}${metric(name).format(abs(x))}"


def render(
    headings: Sequence[str], rows: Sequence[Sequence[str]], text_columns: Collection[int] = (0,)
) -> str:
    """A plain-text table: the `text_columns` left-aligned, the others right-aligned."""
    columns = []
    for i, title in enumerate(headings):
        # a text column's heading stays on one line; a number column's wraps beyond
        # HEADING_WIDTH where its values are narrower
        fits = len(title) if i in text_columns else min(len(title), HEADING_WIDTH)
        widest_word = max((len(word) for word in title.split()), default=0)
        width = max([len(r[i]) for r in rows] + [widest_word, fits])
        columns.append(
            Column(
                Text(title),
                justify="left" if i in text_columns else "right",
                vertical="bottom",
                width=width,
            )
        )
    table = Table(*columns, box=RULE_UNDER_HEADINGS, show_edge=False, pad_edge=False)
    for row in rows:
        table.add_row(*(Text(c) for c in row))
    width = sum(c.width or 0 for c in columns) + 3 * len(columns)
    buffer = io.StringIO()
    console = Console(
        file=buffer, width=width, color_system=None, force_terminal=False, emoji=False
    )
    console.print(table)
    return "\n".join(line.rstrip() for line in buffer.getvalue().splitlines())


def heading(name: str, *, compact: bool = False) -> str:
    """A metric's column heading: its catalogue label and, for money and time, its unit; with
    `compact`, its short heading where the catalogue has one (tables of many metrics)."""
    entry = metric(name)
    if compact and entry.short:
        return entry.short
    return entry.label + _UNIT_MARKS.get(entry.kind, "")


def cell(iv: Interval, fmt: str) -> str:
    """'mean ±half-width' of the 95% interval, or 'n/a' where the metric is undefined."""
    if iv.n == 0 or math.isnan(iv.mean):
        return NA
    if math.isnan(iv.low):
        return fmt.format(iv.mean)
    return f"{fmt.format(iv.mean)} ±{fmt.format(iv.half_width)}"


def metric_cell(name: str, iv: Interval) -> str:
    """`cell` in the metric's catalogue format."""
    return cell(iv, metric(name).fmt)


def summary_table(
    summary: dict[str, dict[str, Interval]],
    tiers: list[str],
    labels: dict[str, str] | None = None,
    title: str = "Tier",
) -> str:
    """A scope-by-metric table (tiers or customer groups, and all) of means with 95%
    intervals, rows named by `labels` where given."""
    names = labels or {}
    return render(
        [title, *(heading(m, compact=True) for m in SUMMARY_METRICS)],
        [
            [names.get(tier, tier), *(metric_cell(m, summary[tier][m]) for m in SUMMARY_METRICS)]
            for tier in tiers
        ],
    )


def experiment_tables(result: ExperimentResult) -> str:
    """The three tables a strategy team reads: variants, paired differences, trade-off."""
    experiment = result.experiment
    variants = render(
        ["Variant (whole book)", *(heading(m) for m in experiment.metrics)],
        [
            [v, *(metric_cell(m, s[ALL][m]) for m in experiment.metrics)]
            for v, s in result.summaries.items()
        ],
    )
    rows = []
    for c in result.comparisons:
        fmt = metric(c.metric).fmt
        d = c.difference
        ci = NA if math.isnan(d.low) else f"[{fmt.format(d.low)}, {fmt.format(d.high)}]"
        p = NA if math.isnan(c.p_holm) else f"{c.p_holm:.3g}"
        mean = NA if math.isnan(d.mean) else fmt.format(d.mean)
        rows.append([c.variant, c.tier, metric(c.metric).label, mean, ci, p, c.verdict])
    differences = render(
        [
            "Variant",
            "Tier / group" if any(is_group_scope(c.tier) for c in result.comparisons) else "Tier",
            "Metric",
            f"Difference vs {experiment.reference}",
            "95% CI",
            "p (Holm)",
            "Verdict",
        ],
        rows,
        text_columns=(0, 1, 2, 6),
    )
    tradeoff = render(
        ["Trade-off (whole book)", *(heading(m) for m in TRADEOFF_METRICS)],
        [
            [v, *(metric_cell(m, s[ALL][m]) for m in TRADEOFF_METRICS)]
            for v, s in result.summaries.items()
        ],
    )
    return "\n\n".join([variants, differences, tradeoff])


def return_on_staff_table(doc: dict[str, Any]) -> str:
    """Each variant's return on staff (from summary.json's document): the table, then one
    sentence a variant ('' when the document has none)."""
    entries = doc.get("return_on_staff") or []
    if not entries:
        return ""
    table = render(
        ["Return on staff", *RETURN_HEADINGS[1:]],
        return_rows(doc),
        text_columns=(0, 5),
    )
    return "\n".join([table, "", *(return_sentence(e) for e in entries)])


def robustness_table(study: Robustness) -> str:
    """Per whole-book comparison: the verdict at the defaults, the share of sampled input points
    where it still holds, and the input that drives the difference most."""
    rows = [
        [
            c.variant,
            metric(c.metric).label,
            c.verdict,
            f"{share:.0%}",
            driver or "-",
            f"{rho:.3f}",
        ]
        for c, share, (driver, rho) in zip(
            study.defaults.comparisons, study.verdict_shares(), study.drivers(), strict=True
        )
        if c.tier == ALL
    ]
    return render(
        ["Variant", "Metric (whole book)", "Verdict at defaults", "Holds in", "Main driver", "rho"],
        rows,
        text_columns=(0, 1, 2, 4),
    )


def pool_capacity_cells(rows: Sequence[PoolCapacity]) -> tuple[list[str], list[list[str]]]:
    """The headings and cells of the capacity table (the terminal's and the workbench's)."""
    headings = [
        "Pool",
        "Headcount",
        "Demand h/yr",
        "Available",
        "Capacity h/yr",
        "Utilisation",
        "Analytic",
        "Basis",
    ]
    cells = [
        [
            r.pool,
            str(r.headcount),
            f"{r.demand_hours:,.0f}",
            f"{r.availability:.2f}",
            f"{r.capacity_hours:,.0f}",
            f"{r.utilization:.2f}",
            str(r.recommended),
            r.basis,
        ]
        for r in rows
    ]
    return headings, cells


def pool_capacity_table(rows: Sequence[PoolCapacity]) -> str:
    """Demand, capacity, utilisation and analytic headcount of every pool."""
    return render(*pool_capacity_cells(rows), text_columns=(0, 7))


def _hiring_cell(quarter: Quarter, pool: str) -> str:
    """'18 (+1)' for hires, '9 (need 7)' for staff above the need, else the headcount."""
    on_hand = str(quarter.headcount[pool])
    if quarter.hires[pool]:
        return f"{on_hand} (+{quarter.hires[pool]})"
    if pool in quarter.surplus:
        return f"{on_hand} (need {quarter.needed[pool]})"
    return on_hand


def hiring_table(quarters: Sequence[Quarter]) -> str:
    """Customers, ARR, staff on hand per pool (hires, or the need where above it) and the
    loaded cost, quarter by quarter."""
    pools = list(quarters[0].headcount) if quarters else []
    return render(
        ["Quarter", "Customers", "ARR $M", *pools, "Loaded cost $/qtr"],
        [
            [
                f"Q{q.quarter}",
                f"{sum(q.customers.values()):,.0f}",
                f"{q.arr / 1e6:,.1f}",
                *(_hiring_cell(q, p) for p in pools),
                f"{q.loaded_cost:,.0f}",
            ]
            for q in quarters
        ],
    )


def staffing_row(sizer: Sizer, staffing: StaffingPlan) -> list[str]:
    """A staffing plan's headcounts, staff cost, each target's mean (with the one-sided bound
    that must clear it) and whether every target holds."""
    cells = [
        ", ".join(f"{p}={staffing.headcounts[p]}" for p in sizer.pools),
        f"{staffing.staff_cost:,.0f}",
    ]
    for target in sizer.targets:
        iv = staffing.intervals[str(target)]
        if math.isnan(iv.mean):
            cells.append(NA)
            continue
        entry = metric(target.metric)
        bound = entry.format(target.bound(iv, sizer.confidence))
        cells.append(f"{entry.format(iv.mean)} (bound {bound})")
    cells.append("yes" if staffing.holds else "no")
    return cells


def sizing_tables(sizer: Sizer, result: SizingResult) -> str:
    """The sized pools (today, the analytic start, the size found, a person's cost), then the
    staffing plan found and its neighbours."""
    scenario = sizer.scenario
    sized = result.best.headcounts if result.best else {}
    pools = render(
        ["Pool", "Now", "Analytic start", "Sized", "Loaded cost/person $"],
        [
            [
                p,
                str(pool_config(scenario, p).headcount),
                str(result.start[p]),
                str(sized.get(p, "-")),
                f"{person_cost(scenario, p):,.0f}",
            ]
            for p in sizer.pools
        ],
    )
    staffings = ([result.best] if result.best is not None else []) + result.neighbours
    staffing_table = render(
        ["Staffing plan", "Staff cost $/yr", *(str(t) for t in sizer.targets), "Targets hold"],
        [staffing_row(sizer, s) for s in staffings],
    )
    return f"{pools}\n\n{staffing_table}"


def allocation_table(allocation: Allocation) -> str:
    """Per allocated pool: today, the floor, the allocation, and what one more person costs,
    buys, buys per $1M (a dollar objective net of the cost of delivery: the net dollars one
    more person adds after their own cost, and per dollar of it), and whether they fit the
    limit. A pool allocated a ratio rule shows its level (the people its ratio staffs at t=0),
    the allocated ratio and mean headcount, and the simulated cost of one more level (marked
    ~)."""
    name = allocation.metric
    label = metric(name).label
    net = name in NET_OF_COST
    rules, final = allocation.ratio_rules, allocation.final
    rows = []
    for m in allocation.marginals:
        ratio = (
            [
                ratio_text(rules[m.pool], final.ratios[m.pool]) if m.pool in rules else "-",
                f"{final.mean_headcounts.get(m.pool, math.nan):.1f}",
            ]
            if rules
            else []
        )
        if net:
            per_dollar = m.gain_per_dollar
            gains = [
                dollars(name, m.gain, signed=True),
                NA if math.isnan(per_dollar) else f"{per_dollar:+.2f}",
            ]
        else:
            per_million = m.gain_per_million
            gains = [
                NA if math.isnan(m.gain) else f"{m.gain:+.2e}",
                NA if math.isnan(per_million) else f"{per_million:+.2e}",
            ]
        rows.append(
            [
                m.pool,
                str(allocation.now[m.pool]),
                str(allocation.start.headcounts[m.pool]),
                str(final.headcounts[m.pool]),
                *ratio,
                f"{'~' if m.ratio else ''}{m.cost:,.0f}",
                *gains,
                "yes" if m.fits else "no",
            ]
        )
    return render(
        [
            "Pool",
            "Now",
            "Floor",
            "Allocated",
            *(["Allocated ratio", "Mean headcount"] if rules else []),
            "Cost/person $" + ("/yr" if net else ""),
            *(
                [f"+1 person: net {label} $", "Net $ per $ of cost"]
                if net
                else [f"+1 person: {label} gain", "Gain per $1M"]
            ),
            "Fits",
        ],
        rows,
    )
