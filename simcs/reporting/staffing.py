"""Staffing over time, read from a run's monthly pool series (`simcs.records.SeriesRow`, or the
rows of timeseries.csv through `series_from_csv`): quarter by quarter, month by month, and the
decisions a staffing policy made.

- `quarterly_staffing`: per pool and quarter, the people on payroll at the quarter's end (mean
  with a Student-t 95% interval over replications) against the policy's target and against the
  need (busy FTE / the utilisation target), productive FTE, utilisation over the quarter (with
  its interval), hires, departures, requisitions, people let go and loaded cost of the quarter,
  flagged `over` where mean utilisation exceeds the target (where the plan breaks) and `short`
  where mean headcount is below target. `staffing_table_text` prints them.
- `hiring_decisions`: the quarters in which a pool's policy opened positions or let people go,
  with the share of replications that decided so, the target after, and the backfills opened
  against the departures.
- `changing_pools`, `figure_pools`: the pools the staffing figure shows.

Busy FTE is approximated as utilisation x productive FTE (utilisation is busy / present
seat-time over the month; productive FTE is counted at the month's end, a ramping hire as half).
Backfills are derived from the series: the positions opened in a month that the policy did not
open, i.e. the rise in open requisitions plus the hires less the requisitions (none in a month
where positions were withdrawn); open requisitions before the first month are taken as none.
Every mean is over replications: a replication's value is its sum over the quarter (flows), its
mean over the quarter's months (utilisation, busy FTE) or its value at the quarter's last month
(stocks); undefined values (NaN, an empty CSV cell) are left out.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from simcs.records import SERIES_FIELDS, SeriesRow
from simcs.reporting.tables import cell, render
from simcs.stats import Interval, t_interval

#: The utilisation a pool is planned to run at (the reference line of the utilisation figure).
UTILIZATION_TARGET = 0.85
#: Series fields that count people or positions (integers in a SeriesRow).
INTEGER_FIELDS = frozenset(
    {"headcount", "hires", "departures", "vacancies", "target_headcount", "requisitions", "let_go"}
)
_AT = {name: 3 + i for i, name in enumerate(SERIES_FIELDS)}
NAN = float("nan")


def has_staffing(columns: Iterable[str]) -> bool:
    """Whether a series' columns hold the staffing fields (an old timeseries.csv has only
    queue_length and utilization)."""
    return set(SERIES_FIELDS) <= set(columns)


def _number(x: Any, integer: bool) -> float | int:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return NAN
    if not math.isfinite(v):
        return NAN
    return int(v) if integer and v.is_integer() else v


def series_from_csv(
    rows: Iterable[Mapping[str, Any]], variant: str | None = None
) -> list[SeriesRow]:
    """timeseries.csv rows (dicts of strings) as SeriesRow tuples; with `variant`, only an
    experiment's rows of that variant. Rows must hold the staffing columns (`has_staffing`)."""
    out: list[SeriesRow] = []
    for row in rows:
        if variant is not None and row.get("variant") != variant:
            continue
        values = [_number(row.get(f), f in INTEGER_FIELDS) for f in SERIES_FIELDS]
        key = (int(float(row["replication"])), int(float(row["month"])), str(row["pool"]))
        out.append((*key, *values))  # type: ignore[arg-type]
    return out


def field_value(row: Sequence[Any], name: str) -> float:
    """A series field of a SeriesRow, as a float."""
    return float(row[_AT[name]])


def mean_of(xs: Iterable[float]) -> float:
    """The mean of the defined values (NaN if none)."""
    kept = [x for x in xs if not math.isnan(x)]
    return math.fsum(kept) / len(kept) if kept else NAN


def _sum(xs: Iterable[float]) -> float:
    kept = [x for x in xs if not math.isnan(x)]
    return math.fsum(kept) if kept else NAN


def quarter_of(month: int) -> int:
    """The quarter (1-based) month `month` (1-based) falls in."""
    return (month - 1) // 3 + 1


def quarter_label(quarter: int) -> str:
    """'Y2 Q1' for quarter 5."""
    return f"Y{(quarter - 1) // 4 + 1} Q{(quarter - 1) % 4 + 1}"


def _backfills(series: Sequence[SeriesRow]) -> dict[tuple[int, int, str], float]:
    """(replication, month, pool) -> backfill positions opened that month (module docstring)."""
    by_pool: defaultdict[tuple[int, str], list[SeriesRow]] = defaultdict(list)
    for row in series:
        by_pool[(row[0], row[2])].append(row)
    out = {}
    for (replication, pool), rows in by_pool.items():
        before = 0.0
        for row in sorted(rows, key=lambda r: r[1]):
            vacancies = field_value(row, "vacancies")
            opened = (
                vacancies - before + field_value(row, "hires") - field_value(row, "requisitions")
            )
            out[(replication, row[1], pool)] = max(0.0, opened) if not math.isnan(opened) else NAN
            before = vacancies if not math.isnan(vacancies) else before
    return out


#: (pool, quarter) -> replication -> that replication's rows of the quarter, in month order.
_Cells = dict[tuple[str, int], dict[int, list[SeriesRow]]]


def _cells(series: Sequence[SeriesRow]) -> _Cells:
    order = {pool: i for i, pool in enumerate(dict.fromkeys(row[2] for row in series))}
    cells: defaultdict[tuple[str, int], dict[int, list[SeriesRow]]] = defaultdict(dict)
    for row in sorted(series, key=lambda r: (r[0], r[1])):
        cells[(row[2], quarter_of(row[1]))].setdefault(row[0], []).append(row)
    return {k: cells[k] for k in sorted(cells, key=lambda k: (order[k[0]], k[1]))}


def busy_fte(rows: Sequence[SeriesRow]) -> float:
    """Mean busy FTE over the rows: utilisation x productive FTE (months with utilisation)."""
    return mean_of(field_value(r, "utilization") * field_value(r, "productive_fte") for r in rows)


@dataclass(frozen=True, slots=True)
class QuarterRow:
    """One pool's quarter, over replications (module docstring: how each value is taken)."""

    pool: str
    quarter: int
    headcount: Interval  # people on payroll at the quarter's end
    target: float  # the policy's target headcount at the quarter's end
    need: float  # busy FTE over the quarter / utilization_target
    productive_fte: float  # at the quarter's end
    utilization: Interval  # over the quarter
    hires: float
    departures: float
    requisitions: float
    let_go: float
    loaded_cost: float  # USD over the quarter
    utilization_target: float
    over: bool  # mean utilisation above utilization_target
    short: bool  # mean headcount below the target

    @property
    def label(self) -> str:
        """'Y2 Q1'."""
        return quarter_label(self.quarter)


def quarterly_staffing(
    series: Sequence[SeriesRow], utilization_target: float = UTILIZATION_TARGET
) -> list[QuarterRow]:
    """Per pool (in the series' order) and quarter: staffing against target and need."""
    cells = _cells(series)
    out = []
    for (pool, quarter), by_rep in cells.items():
        reps = list(by_rep.values())

        def flow(name: str, reps: list[list[SeriesRow]] = reps) -> float:
            return mean_of(_sum(field_value(r, name) for r in rows) for rows in reps)

        def end(name: str, reps: list[list[SeriesRow]] = reps) -> list[float]:
            return [field_value(rows[-1], name) for rows in reps]

        headcount = t_interval(end("headcount"))
        target = mean_of(end("target_headcount"))
        utilization = t_interval(
            [mean_of(field_value(r, "utilization") for r in rows) for rows in reps]
        )
        out.append(
            QuarterRow(
                pool=pool,
                quarter=quarter,
                headcount=headcount,
                target=target,
                need=mean_of(busy_fte(rows) for rows in reps) / utilization_target,
                productive_fte=mean_of(end("productive_fte")),
                utilization=utilization,
                hires=flow("hires"),
                departures=flow("departures"),
                requisitions=flow("requisitions"),
                let_go=flow("let_go"),
                loaded_cost=flow("loaded_cost"),
                utilization_target=utilization_target,
                over=utilization.mean > utilization_target,  # False where undefined (NaN)
                short=headcount.mean < target,
            )
        )
    return out


def _fmt(x: float, fmt: str = "{:.1f}") -> str:
    return "n/a" if math.isnan(x) else fmt.format(x)


def flags(row: QuarterRow) -> str:
    """'over', 'short', 'over, short' or ''."""
    return ", ".join(n for n, on in (("over", row.over), ("short", row.short)) if on)


#: The columns of the quarterly staffing table (terminal and report): heading, cell.
QUARTER_COLUMNS: tuple[tuple[str, Callable[[QuarterRow], str]], ...] = (
    ("Pool", lambda r: r.pool),
    ("Quarter", lambda r: r.label),
    ("Headcount", lambda r: cell(r.headcount, "{:.1f}")),
    ("Target", lambda r: _fmt(r.target)),
    ("Need", lambda r: _fmt(r.need)),
    ("Productive FTE", lambda r: _fmt(r.productive_fte)),
    ("Utilisation", lambda r: cell(r.utilization, "{:.3f}")),
    ("Hires", lambda r: _fmt(r.hires)),
    ("Departures", lambda r: _fmt(r.departures)),
    ("Requisitions", lambda r: _fmt(r.requisitions)),
    ("Let go", lambda r: _fmt(r.let_go)),
    ("Loaded cost $", lambda r: _fmt(r.loaded_cost, "{:,.0f}")),
    ("Flags", flags),
)
QUARTER_HEADINGS = tuple(heading for heading, _ in QUARTER_COLUMNS)


def quarter_cells(rows: Sequence[QuarterRow]) -> list[list[str]]:
    """The cells of the quarterly staffing table, one list per row (`QUARTER_HEADINGS`)."""
    return [[format_cell(r) for _, format_cell in QUARTER_COLUMNS] for r in rows]


def staffing_legend(rows: Sequence[QuarterRow]) -> str:
    """The one-line legend of the quarterly staffing table."""
    n = max((r.headcount.n for r in rows), default=0)
    target = f"{rows[0].utilization_target:.0%}" if rows else f"{UTILIZATION_TARGET:.0%}"
    return (
        f"Means over {n} replications (± 95% half-width); headcount, target and productive FTE "
        f"at the quarter's end, utilisation and need (busy FTE / {target}) over it, hires to "
        f"loaded cost summed over it; over: utilisation above {target}, short: headcount "
        "below target."
    )


def staffing_table_text(rows: Sequence[QuarterRow]) -> str:
    """The quarterly staffing table as plain text, with its legend."""
    if not rows:
        return "No staff pool series."
    table = render(QUARTER_HEADINGS, quarter_cells(rows), text_columns=(0, 1, 12))
    return f"{table}\n{staffing_legend(rows)}"


@dataclass(frozen=True, slots=True)
class Decision:
    """A quarter in which a pool's policy opened positions or let people go (replication
    means), the target after it, and the backfills opened against the departures."""

    pool: str
    quarter: int
    opened: float  # positions opened by the policy's decisions
    let_go: float
    target: float  # target headcount at the quarter's end
    share: float  # share of replications in which the policy decided something
    hires: float
    departures: float
    backfills: float  # positions opened to replace leavers

    @property
    def label(self) -> str:
        """'Y2 Q1'."""
        return quarter_label(self.quarter)


def hiring_decisions(series: Sequence[SeriesRow]) -> list[Decision]:
    """The hiring decisions table: the pools' quarters with positions opened or people let go
    (in the mean over replications), in the series' pool order."""
    backfills = _backfills(series)
    cells = _cells(series)
    out = []
    for (pool, quarter), by_rep in cells.items():
        reps = list(by_rep.values())

        def flow(name: str, reps: list[list[SeriesRow]] = reps) -> list[float]:
            return [_sum(field_value(r, name) for r in rows) for rows in reps]

        opened, let_go = mean_of(flow("requisitions")), mean_of(flow("let_go"))
        if not (opened > 0 or let_go > 0):
            continue
        pairs = zip(flow("requisitions"), flow("let_go"), strict=True)
        decided = [o > 0 or g > 0 for o, g in pairs if not (math.isnan(o) and math.isnan(g))]
        out.append(
            Decision(
                pool=pool,
                quarter=quarter,
                opened=opened,
                let_go=let_go,
                target=mean_of(field_value(rows[-1], "target_headcount") for rows in reps),
                share=sum(decided) / len(decided),
                hires=mean_of(flow("hires")),
                departures=mean_of(flow("departures")),
                backfills=mean_of(
                    _sum(backfills[(r[0], r[1], r[2])] for r in rows) for rows in reps
                ),
            )
        )
    return out


#: The columns of the hiring decisions table: heading, cell.
DECISION_COLUMNS: tuple[tuple[str, Callable[[Decision], str]], ...] = (
    ("Pool", lambda d: d.pool),
    ("Quarter", lambda d: d.label),
    ("Decided in", lambda d: f"{d.share:.0%}"),
    ("Positions opened", lambda d: _fmt(d.opened)),
    ("Let go", lambda d: _fmt(d.let_go)),
    ("Target after", lambda d: _fmt(d.target)),
    ("Hires", lambda d: _fmt(d.hires)),
    ("Backfills opened", lambda d: _fmt(d.backfills)),
    ("Departures", lambda d: _fmt(d.departures)),
)
DECISION_HEADINGS = tuple(heading for heading, _ in DECISION_COLUMNS)
NO_DECISIONS = "No staffing decisions: no pool's policy opened positions or let people go."
DECISIONS_LEGEND = (
    "Quarters in which a pool's staffing policy opened positions or let people go: means over "
    "replications, 'decided in' the share of replications that did; target at the quarter's "
    "end; backfills opened (to replace leavers) against departures."
)


def decision_cells(rows: Sequence[Decision]) -> list[list[str]]:
    """The cells of the hiring decisions table, one list per row (`DECISION_HEADINGS`)."""
    return [[format_cell(d) for _, format_cell in DECISION_COLUMNS] for d in rows]


def decisions_table_text(rows: Sequence[Decision]) -> str:
    """The hiring decisions table as plain text, with its legend."""
    if not rows:
        return NO_DECISIONS
    return f"{render(DECISION_HEADINGS, decision_cells(rows), (0, 1))}\n{DECISIONS_LEGEND}"


def changing_pools(series: Sequence[SeriesRow]) -> list[str]:
    """The pools whose staffing changes over time: a target that moves, or a policy that
    opened positions or let people go (in the series' order)."""
    targets: defaultdict[str, set[float]] = defaultdict(set)
    decided: set[str] = set()
    for row in series:
        targets[row[2]].add(field_value(row, "target_headcount"))
        if field_value(row, "requisitions") > 0 or field_value(row, "let_go") > 0:
            decided.add(row[2])
    return [
        p
        for p, ts in targets.items()
        if len([x for x in ts if not math.isnan(x)]) > 1 or p in decided
    ]


def figure_pools(series: Sequence[SeriesRow]) -> list[str]:
    """The pools the staffing figure shows: those that change over time, else the CSM teams
    and support."""
    changing = changing_pools(series)
    if changing:
        return changing
    pools = list(dict.fromkeys(row[2] for row in series))
    return [p for p in pools if p.startswith("csm.")] + [p for p in pools if p == "support"]
