"""One replication as a pure function: `simulate(scenario, seed, replication)` -> tidy records."""

from __future__ import annotations

from dataclasses import dataclass

from simcs.model.ledger import Ledger
from simcs.model.organisation import Organisation
from simcs.records import Row, SeriesRow
from simcs.scenario import Scenario
from simcs.simulation.metrics import tidy_records, year_metrics


@dataclass
class ReplicationResult:
    """The outcome of one replication.

    `records` are tidy rows (replication, year, tier, metric, value) for the measurement years;
    `metrics` the same as {year: {tier: {metric: value}}}; `ledger` the raw sums behind them.
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


def simulate(
    scenario: Scenario, seed: int = 0, replication: int = 0, count_events: bool = False
) -> ReplicationResult:
    """Run replication `replication` of `scenario` with root seed `seed`.

    `count_events=True` also counts the SimPy events processed (`.events`), at a small cost.
    """
    raw = Organisation(scenario, seed, replication, count_events).run()
    return ReplicationResult(
        scenario=scenario,
        seed=seed,
        replication=replication,
        records=tidy_records(raw.ledger, scenario, replication),
        metrics={y: year_metrics(raw.ledger, scenario, y) for y in scenario.measurement_years},
        ledger=raw.ledger,
        end_state=raw.end_state,
        events=raw.events,
        series=[(replication, *point) for point in raw.series],
    )


def replication_rows(scenario: Scenario, seed: int, replication: int) -> list[Row]:
    """Only the tidy rows of one replication (what worker processes send back)."""
    raw = Organisation(scenario, seed, replication).run()
    return tidy_records(raw.ledger, scenario, replication)


def replication_outputs(
    scenario: Scenario, seed: int, replication: int
) -> tuple[list[Row], list[SeriesRow]]:
    """The tidy rows and the monthly pool series of one replication."""
    raw = Organisation(scenario, seed, replication).run()
    series = [(replication, *point) for point in raw.series]
    return tidy_records(raw.ledger, scenario, replication), series
