"""Running an experiment: every variant's replications, stored as they finish, then compared.

Finished replications go to a crash-safe store (`simcs.simulation.store`) the moment they arrive, so
a re-run of the same command resumes: it computes only what is missing. With a precision target the
experiment keeps adding replications until the paired-difference interval of its key metric (for the
whole book) is narrow enough for every comparison, or the cap is reached.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from simcs.experiments.comparison import Comparison, paired_differences
from simcs.experiments.design import Experiment
from simcs.records import Row
from simcs.scenario.files import scenario_sha256
from simcs.simulation.backends import Task, run_dask, run_local
from simcs.simulation.metrics import ALL
from simcs.simulation.store import ResultStore
from simcs.stats import Interval, summarise

Progress = Callable[[int, int], None]


@dataclass
class ExperimentResult:
    """Every variant's replications, their summaries and the paired comparisons."""

    plan: Experiment
    replications: int
    rows: dict[str, list[Row]]
    summaries: dict[str, dict[str, dict[str, Interval]]]
    comparisons: list[Comparison]
    computed: int
    reused: int
    wall_seconds: float
    precision_met: bool | None

    def key_half_width(self) -> float:
        """Largest paired half-width of the key metric for the whole book (NaN if none)."""
        widths = [
            c.difference.half_width
            for c in self.comparisons
            if c.metric == self.plan.key_metric and c.tier == ALL
        ]
        return max(widths) if widths else float("nan")


def run_experiment(
    plan: Experiment,
    store_path: str | Path,
    workers: int = 1,
    backend: str = "local",
    scheduler: str | None = None,
    on_progress: Progress | None = None,
) -> ExperimentResult:
    """Run (or resume) the experiment; results persist in the SQLite file `store_path`."""
    started = time.perf_counter()
    hashes = {v: scenario_sha256(s) for v, s in plan.scenarios.items()}
    computed = 0
    reused = 0
    n = plan.replications
    first_pass = True
    with ResultStore(store_path) as store:
        while True:
            missing: list[Task] = []
            for variant in plan.scenarios:
                done = store.done(hashes[variant], variant, plan.seed)
                if first_pass:  # found finished from an earlier run
                    reused += sum(1 for r in range(n) if r in done)
                missing.extend((variant, r) for r in range(n) if r not in done)
            first_pass = False
            if missing:
                if backend == "dask":
                    results = run_dask(plan.scenarios, plan.seed, missing, workers, scheduler)
                else:
                    results = run_local(plan.scenarios, plan.seed, missing, workers)
                for k, (variant, r, rows) in enumerate(results, start=1):
                    store.put(hashes[variant], variant, plan.seed, r, rows)
                    computed += 1
                    if on_progress:
                        on_progress(k, len(missing))
            rows = {v: store.rows(hashes[v], v, plan.seed, range(n)) for v in plan.scenarios}
            comparisons = paired_differences(rows, plan.reference, plan.metrics, plan.tiers)
            result = ExperimentResult(
                plan=plan,
                replications=n,
                rows=rows,
                summaries={v: summarise(r) for v, r in rows.items()},
                comparisons=comparisons,
                computed=computed,
                reused=reused,
                wall_seconds=time.perf_counter() - started,
                precision_met=None,
            )
            if plan.precision is None:
                return result
            width = result.key_half_width()
            if width <= plan.precision or n >= plan.max_replications or math.isnan(width):
                result.precision_met = width <= plan.precision
                return result
            grow = math.ceil(n * (width / plan.precision) ** 2 * 1.1)
            n = min(plan.max_replications, max(n + 2, grow))
