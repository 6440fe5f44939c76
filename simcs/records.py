"""Record types shared by the layers: what a replication produces, in plain tuples.

They live here, below the model, so that statistics, storage, comparisons and figures can read
results without loading SimPy or the model.
"""

from __future__ import annotations

#: One tidy result: (replication, year, tier, metric, value).
Row = tuple[int, int, str, str, float]
#: One point of a pool's monthly series: (replication, month, pool, mean queue length,
#: utilisation).
SeriesRow = tuple[int, int, str, float, float]

#: Points of the support wait-time distribution reported (business hours): answered within each.
WAIT_POINTS: tuple[tuple[str, float], ...] = (
    ("15m", 0.25),
    ("1h", 1.0),
    ("4h", 4.0),
    ("8h", 8.0),
    ("24h", 24.0),
)
