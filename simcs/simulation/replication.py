"""One replication as a pure function of (scenario, seed, replication).

`replicate(scenario, seed, r)` is what every backend runs -- in this process, on a local
worker or on a Dask worker -- and returns the replication's tidy rows and its monthly pool
series. `simulate()` is the notebook view of the same run: the rows plus the per-year metrics,
the ledger and the end state.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from simcs.model.ledger import Ledger
from simcs.model.organisation import Organisation, RawReplication
from simcs.model.roster import Decision
from simcs.records import Row, SeriesRow
from simcs.scenario import Scenario
from simcs.simulation.metrics import horizon_metrics, tidy_records, year_metrics


class Outputs(NamedTuple):
    """What a replication hands back: its tidy rows (replication, year, tier, metric, value)
    and its monthly pool series (replication, month, pool, *`simcs.records.SERIES_FIELDS`)."""

    rows: list[Row]
    series: list[SeriesRow]


@dataclass
class ReplicationResult:
    """The outcome of one replication.

    `records` are tidy rows (replication, year, tier, metric, value) for the measurement years;
    `metrics` the same as {year: {tier: {metric: value}}}, `horizon` the per-replication
    metrics as {tier: {metric: value}} (`economic_value`); `ledger` the raw sums behind them;
    `decisions` the staffing policies' journal (when, which pool, what, how many, why).
    """

    scenario: Scenario
    seed: int
    replication: int
    records: list[Row]
    metrics: dict[int, dict[str, dict[str, float]]]
    ledger: Ledger
    end_state: dict[str, float]
    events: int | None
    series: list[SeriesRow]
    decisions: list[Decision] = field(default_factory=list)
    horizon: dict[str, dict[str, float]] = field(default_factory=dict)


def _run(
    scenario: Scenario,
    seed: int,
    replication: int,
    count_events: bool = False,
    event_budget: int | None = None,
) -> tuple[RawReplication, Outputs]:
    """The one place a replication is run: the model's raw result and its outputs."""
    raw = Organisation(scenario, seed, replication, count_events, event_budget=event_budget).run()
    outputs = Outputs(
        rows=tidy_records(raw.ledger, scenario, replication),
        series=[(replication, *point) for point in raw.series],
    )
    return raw, outputs


def replicate(
    scenario: Scenario, seed: int, replication: int, event_budget: int | None = None
) -> Outputs:
    """Run replication `replication` of `scenario` with root seed `seed`: its rows and series.

    Raises `simcs.model.guard.ReplicationAborted` if the replication runs away: more SimPy
    events than `event_budget` (default: a generous multiple of the scenario's expected count)
    or a non-finite number.
    """
    return _run(scenario, seed, replication, event_budget=event_budget)[1]


def simulate(
    scenario: Scenario,
    seed: int = 0,
    replication: int = 0,
    count_events: bool = False,
    event_budget: int | None = None,
) -> ReplicationResult:
    """Run replication `replication` of `scenario` with root seed `seed` (the same run as
    `replicate`), keeping the per-year metrics, the ledger and the end state.

    `count_events=True` also counts the SimPy events processed (`.events`), at a small cost;
    `event_budget` caps them (see `replicate`).
    """
    raw, outputs = _run(scenario, seed, replication, count_events, event_budget)
    yearly = {y: year_metrics(raw.ledger, scenario, y) for y in scenario.measurement_years}
    return ReplicationResult(
        scenario=scenario,
        seed=seed,
        replication=replication,
        records=outputs.rows,
        metrics=yearly,
        ledger=raw.ledger,
        end_state=raw.end_state,
        events=raw.events,
        series=outputs.series,
        decisions=raw.decisions,
        horizon=horizon_metrics(yearly, scenario),
    )
