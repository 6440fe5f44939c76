"""Record types shared by the layers: what a replication produces, in plain tuples.

They live here, below the model, so that statistics, storage, comparisons and figures can read
results without loading SimPy or the model.
"""

from __future__ import annotations

from functools import cache

#: One tidy result: (replication, year, tier, metric, value).
Row = tuple[int, int, str, str, float]
#: The columns of a pool's monthly series after (replication, month, pool): queue and service
#: over the month, people at its end, hires and departures over it, cost of the month, the
#: staffing policy's target and its decisions (requisitions opened, people let go).
SERIES_FIELDS: tuple[str, ...] = (
    "queue_length",
    "utilization",
    "headcount",
    "productive_fte",
    "hires",
    "departures",
    "vacancies",
    "loaded_cost",
    "target_headcount",
    "requisitions",
    "let_go",
)
SERIES_VALUES = len(SERIES_FIELDS)
#: One point of a pool's monthly series: (replication, month, pool, *SERIES_FIELDS).
SeriesRow = tuple[int, int, str, float, float, int, float, int, int, int, float, int, int, int]

#: Points of the support wait-time distribution reported (business hours): answered within each.
WAIT_POINTS: tuple[tuple[str, float], ...] = (
    ("15m", 0.25),
    ("1h", 1.0),
    ("4h", 4.0),
    ("8h", 8.0),
    ("24h", 24.0),
)

#: Results of a customer group are reported under this prefix and the group's name (a tier's
#: under its name alone, the whole book under "all"), so the two can never be confused.
GROUP_PREFIX = "group:"


def group_scope(group: str) -> str:
    """The result key of a customer group, e.g. "group:smb"."""
    return GROUP_PREFIX + group


def is_group_scope(scope: str) -> bool:
    """True for the result key of a customer group."""
    return scope.startswith(GROUP_PREFIX)


@cache
def cell_key(tier: str, group: str) -> str:
    """The ledger key of the customers of `group` served by `tier` (one shared string per
    cell, however many customers hold it)."""
    return f"{tier}|{group}"


def split_cell(cell: str) -> tuple[str, str]:
    """(tier, group) of a ledger cell key ("" for both if it is a pool's own key)."""
    tier, _, group = cell.partition("|")
    return (tier, group) if group else ("", "")
