"""The one execution engine: replications of one or more scenarios, run on a backend and kept in
the crash-safe store as they finish.

`gather()` is what every command goes through -- `simcs run` (one variant), experiments,
comparisons, sweeps, robustness studies, sizing and allocation: it looks up which replications
the store already holds, runs only the missing ones (`simcs.simulation.backends`), commits
each the moment it arrives, and returns every variant's rows and monthly series in replication
order. `run()` is the notebook API on top of it: replications 0..n-1 of one scenario, in memory
or through a store.

Replication r always uses the streams of (seed, r), and results are gathered in replication
order, so the output is the same bytes whatever the backend or the number of workers, and
whether a replication was computed now or read back from the store.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from simcs.catalogue import METRICS
from simcs.records import SERIES_FIELDS, Row, SeriesRow
from simcs.scenario import Scenario
from simcs.scenario.files import scenario_sha256
from simcs.simulation.backends import Task, default_workers, execute, start_method
from simcs.simulation.store import ResultStore
from simcs.stats import Interval, summarise

__all__ = ["Gathered", "RunResult", "default_workers", "gather", "run", "start_method"]

#: on_progress(done, total): replications finished so far out of those being computed
Progress = Callable[[int, int], None]


def stored_key(scenario: Scenario) -> str:
    """The key of a scenario's results in a store: its SHA-256 with the shape of the results
    (metrics and series fields), so results of an older simcs are recomputed, never mixed in."""
    shape = ",".join([*METRICS, *SERIES_FIELDS])
    return hashlib.sha256(f"{scenario_sha256(scenario)}\n{shape}".encode()).hexdigest()


@dataclass
class Gathered:
    """Every variant's rows and series (replication order), and where they came from."""

    rows: dict[str, list[Row]]
    series: dict[str, list[SeriesRow]]
    computed: int  # replications run now
    reused: int  # replications found in the store


def gather(
    scenarios: dict[str, Scenario],
    seed: int,
    replications: int,
    *,
    workers: int = 1,
    backend: str = "local",
    scheduler: str | None = None,
    store: ResultStore | None = None,
    on_progress: Progress | None = None,
    first: dict[str, int] | None = None,
) -> Gathered:
    """Replications 0..replications-1 of every variant of `scenarios` with root seed `seed`
    (from `first[variant]` on instead of 0 where given: variants that are draws of one
    scenario's uncertain parameters each take their own replication's streams).

    With a `store`, replications already in it are reused and every new one is committed as
    it finishes, so an interrupted call loses at most the replications in flight; the results
    are then read back from the store. Without, they are kept in memory.
    """
    hashes = {v: stored_key(s) for v, s in scenarios.items()} if store else {}
    span = {
        v: range((first or {}).get(v, 0), (first or {}).get(v, 0) + replications) for v in scenarios
    }
    missing: list[Task] = []
    for variant in scenarios:
        done = store.done(hashes[variant], variant, seed) if store else set()
        missing.extend((variant, r) for r in span[variant] if r not in done)
    kept: dict[Task, tuple[list[Row], list[SeriesRow]]] = {}
    computed = 0
    if missing:
        finished = execute(scenarios, seed, missing, workers, backend, scheduler)
        for variant, r, rows, series in finished:
            if store is not None:
                store.put(hashes[variant], variant, seed, r, rows, series)
            else:
                kept[(variant, r)] = (rows, series)
            computed += 1
            if on_progress:
                on_progress(computed, len(missing))
    gathered = Gathered(
        rows={}, series={}, computed=computed, reused=len(scenarios) * replications - computed
    )
    for variant in scenarios:
        if store is not None:
            rows, series = store.outputs(hashes[variant], variant, seed, span[variant])
        else:
            rows = [row for r in span[variant] for row in kept[(variant, r)][0]]
            series = [point for r in span[variant] for point in kept[(variant, r)][1]]
        gathered.rows[variant] = rows
        gathered.series[variant] = series
    return gathered


@dataclass
class RunResult:
    """Replications of one scenario: tidy rows, and their summary with 95% intervals."""

    scenario: Scenario
    seed: int
    replications: int
    workers: int
    rows: list[Row]
    wall_seconds: float
    series: list[SeriesRow] = field(default_factory=list)
    backend: str = "local"
    computed: int = 0  # replications run by this call
    reused: int = 0  # replications found in the store

    def summary(self, confidence: float = 0.95) -> dict[str, dict[str, Interval]]:
        """{tier or 'all': {metric: Interval}} over replications (years averaged first)."""
        return summarise(self.rows, confidence)

    def table(self) -> list[dict[str, object]]:
        """The tidy table: one dict per (replication, year, tier, metric)."""
        keys = ("replication", "year", "tier", "metric", "value")
        return [dict(zip(keys, row, strict=True)) for row in self.rows]


def run(
    scenario: Scenario,
    replications: int = 20,
    seed: int = 0,
    workers: int | None = None,
    on_replication_done: Progress | None = None,
    *,
    backend: str = "local",
    scheduler: str | None = None,
    store_path: str | Path | None = None,
) -> RunResult:
    """Run replications 0..replications-1 of `scenario` with root seed `seed`.

    `on_replication_done(done, total)` is called as replications finish (for progress bars).
    With `store_path` (an SQLite file) the run is resumable: finished replications are kept
    there and a repeated call computes only the missing ones.
    """
    if replications < 1:
        raise ValueError("replications must be at least 1")
    if seed < 0:
        raise ValueError("seed must be a non-negative integer")
    workers = default_workers() if workers is None else workers
    if workers < 1:
        raise ValueError("workers must be at least 1")
    workers = min(workers, replications)
    started = time.perf_counter()
    store = ResultStore(store_path) if store_path is not None else None
    try:
        gathered = gather(
            {scenario.name: scenario},
            seed,
            replications,
            workers=workers,
            backend=backend,
            scheduler=scheduler,
            store=store,
            on_progress=on_replication_done,
        )
    finally:
        if store is not None:
            store.close()
    return RunResult(
        scenario=scenario,
        seed=seed,
        replications=replications,
        workers=workers,
        rows=gathered.rows[scenario.name],
        wall_seconds=time.perf_counter() - started,
        series=gathered.series[scenario.name],
        backend=backend,
        computed=gathered.computed,
        reused=gathered.reused,
    )
