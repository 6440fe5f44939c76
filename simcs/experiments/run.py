"""Running an experiment: every variant's replications, stored as they finish, then compared.

Replications run through the one engine (`simcs.simulation.runner.gather`): finished ones go to a
crash-safe store (`simcs.simulation.store`) the moment they arrive, so a re-run of the same command
resumes: it computes only what is missing. With a precision target the experiment keeps adding
replications until the paired-difference interval of its key metric (for the whole book) is narrow
enough for every comparison, or the cap is reached.

Every result also carries its bottom line in dollars: the whole book's paired differences in
`BOTTOM_LINE_PARTS` (cost of delivery and subscription revenue a year: descriptive intervals,
not tested) and each variant's return on staff (`simcs.experiments.return_on_staff`).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from pathlib import Path

from simcs.catalogue import ALL
from simcs.experiments.comparison import Comparison, paired_differences, paired_intervals
from simcs.experiments.design import Experiment
from simcs.experiments.return_on_staff import ReturnOnStaff, returns_on_staff
from simcs.records import Row, SeriesRow
from simcs.simulation.runner import Progress, gather
from simcs.simulation.store import ResultStore
from simcs.stats import Interval, summarise

#: The whole book's yearly cost and revenue whose paired differences explain the bottom line
#: (subscription revenue, not ARR at year end: it is the money earned in the year, the flow that
#: enters delivery margin and economic value).
BOTTOM_LINE_PARTS: tuple[str, ...] = ("cost_total", "subscription_revenue")


@dataclass
class ExperimentResult:
    """Every variant's replications, their summaries and the paired comparisons."""

    experiment: Experiment
    replications: int
    rows: dict[str, list[Row]]
    summaries: dict[str, dict[str, dict[str, Interval]]]
    comparisons: list[Comparison]
    computed: int
    reused: int
    wall_seconds: float
    precision_met: bool | None
    series: dict[str, list[SeriesRow]] = field(default_factory=dict)  # monthly pool series
    backend: str = "local"
    parts: list[Comparison] = field(default_factory=list)  # BOTTOM_LINE_PARTS, whole book
    returns: list[ReturnOnStaff] = field(default_factory=list)  # per variant but the reference

    @property
    def years(self) -> int:
        """The reference's measurement years (economic value's horizon)."""
        return len(self.experiment.scenarios[self.experiment.reference].measurement_years)

    @property
    def discount_rate(self) -> float:
        """The reference scenario's discount rate a year."""
        return self.experiment.scenarios[self.experiment.reference].finance.discount_rate_per_year

    def key_half_width(self) -> float:
        """Largest paired half-width of the key metric for the whole book (NaN if none)."""
        widths = [
            c.difference.half_width
            for c in self.comparisons
            if c.metric == self.experiment.key_metric and c.tier == ALL
        ]
        return max(widths) if widths else float("nan")


def run_experiment(
    experiment: Experiment,
    store_path: str | Path,
    workers: int = 1,
    backend: str = "local",
    scheduler: str | None = None,
    on_progress: Progress | None = None,
) -> ExperimentResult:
    """Run (or resume) the experiment; results persist in the SQLite file `store_path`."""
    started = time.perf_counter()
    computed = 0
    reused: int | None = None  # found finished from an earlier run, counted on the first pass
    n = experiment.replications
    with ResultStore(store_path) as store:
        while True:
            gathered = gather(
                experiment.scenarios,
                experiment.seed,
                n,
                workers=workers,
                backend=backend,
                scheduler=scheduler,
                store=store,
                on_progress=on_progress,
            )
            computed += gathered.computed
            if reused is None:
                reused = gathered.reused
            rows = gathered.rows
            comparisons = paired_differences(
                rows, experiment.reference, experiment.metrics, experiment.tiers
            )
            result = ExperimentResult(
                experiment=experiment,
                replications=n,
                rows=rows,
                summaries={v: summarise(r) for v, r in rows.items()},
                comparisons=comparisons,
                computed=computed,
                reused=reused,
                wall_seconds=time.perf_counter() - started,
                precision_met=None,
                series=gathered.series,
                backend=backend,
                parts=paired_intervals(rows, experiment.reference, BOTTOM_LINE_PARTS, [ALL]),
            )
            result.returns = returns_on_staff(rows, experiment.reference, result.discount_rate)
            if experiment.precision is None:
                return result
            width = result.key_half_width()
            if (
                width <= experiment.precision
                or n >= experiment.max_replications
                or math.isnan(width)
            ):
                result.precision_met = width <= experiment.precision
                return result
            grow = math.ceil(n * (width / experiment.precision) ** 2 * 1.1)
            n = min(experiment.max_replications, max(n + 2, grow))
