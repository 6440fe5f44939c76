"""Many replications of a scenario, on one or several local worker processes.

Replication r always uses the streams of (seed, r), and results are gathered in replication
order, so the output is the same bytes whatever the number of workers.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field

from simcs.records import Row, SeriesRow
from simcs.scenario import Scenario
from simcs.simulation.replication import replication_outputs
from simcs.stats import Interval, summarise

_worker_scenario: Scenario | None = None


def _init_worker(scenario: Scenario) -> None:
    global _worker_scenario
    _worker_scenario = scenario


def _run_one(seed: int, replication: int) -> tuple[int, tuple[list[Row], list[SeriesRow]]]:
    assert _worker_scenario is not None
    return replication, replication_outputs(_worker_scenario, seed, replication)


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

    def summary(self, confidence: float = 0.95) -> dict[str, dict[str, Interval]]:
        """{tier or 'all': {metric: Interval}} over replications (years averaged first)."""
        return summarise(self.rows, confidence)

    def table(self) -> list[dict[str, object]]:
        """The tidy table: one dict per (replication, year, tier, metric)."""
        keys = ("replication", "year", "tier", "metric", "value")
        return [dict(zip(keys, row, strict=True)) for row in self.rows]


def start_method() -> str:
    """fork on Linux (plain scripts need no __main__ guard), spawn elsewhere.

    Results never depend on it: each replication is a pure function of (scenario, seed, r).
    """
    return "fork" if sys.platform.startswith("linux") else "spawn"


def default_workers() -> int:
    """One worker per core."""
    return os.cpu_count() or 1


def run(
    scenario: Scenario,
    replications: int = 20,
    seed: int = 0,
    workers: int | None = None,
    on_replication_done: Callable[[int, int], None] | None = None,
) -> RunResult:
    """Run replications 0..replications-1 of `scenario` with root seed `seed`.

    `on_replication_done(done, total)` is called as replications finish (for progress bars).
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
    by_replication: dict[int, tuple[list[Row], list[SeriesRow]]] = {}
    if workers == 1:
        for r in range(replications):
            by_replication[r] = replication_outputs(scenario, seed, r)
            if on_replication_done:
                on_replication_done(r + 1, replications)
    else:
        context = multiprocessing.get_context(start_method())
        with ProcessPoolExecutor(
            max_workers=workers,
            mp_context=context,
            initializer=_init_worker,
            initargs=(scenario,),
        ) as pool:
            futures = [pool.submit(_run_one, seed, r) for r in range(replications)]
            for done, future in enumerate(as_completed(futures), start=1):
                r, outputs = future.result()
                by_replication[r] = outputs
                if on_replication_done:
                    on_replication_done(done, replications)
    rows = [row for r in range(replications) for row in by_replication[r][0]]
    series = [point for r in range(replications) for point in by_replication[r][1]]
    return RunResult(
        scenario=scenario,
        seed=seed,
        replications=replications,
        workers=workers,
        rows=rows,
        wall_seconds=time.perf_counter() - started,
        series=series,
    )
