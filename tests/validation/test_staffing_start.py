"""Staffed seats over time: the long-run start (`initial_book.staffing: long_run`) against the
renewal-reward theorem and the start-up bias of the full start it removes; a pool that does not
backfill, and a hiring freeze.

A seat alternates tenures T ~ Exp(mean, 1/attrition years) and hiring lags L: in the long run it
is vacant a share L / (E[T] + L) of the time, and a filled seat's person was hired a time ago
that is Exp(E[T]), so still ramping with probability 1 - exp(-R / E[T]).
"""

from __future__ import annotations

import math

import pytest
import simpy

from simcs.calendar import HOURS_PER_YEAR, weeks
from simcs.model.clock import Calendar
from simcs.model.ledger import Ledger
from simcs.model.roster import Roster
from simcs.model.seats import QueueSeats
from simcs.model.workqueue import WorkQueue
from simcs.scenario import Scenario, StaffPool
from simcs.scenario.files import with_overrides
from simcs.simulation.replication import simulate
from simcs.streams import Streams
from tests.conftest import shrink


class _RecordingSeats(QueueSeats):
    """A queue's seats that note each hire's time."""

    def __init__(self, queue: WorkQueue, hired: list[float] | None) -> None:
        super().__init__(queue)
        self.hired = hired

    def fill_seat(self, index: int, ramp_hours: float) -> None:
        if self.hired is not None:
            self.hired.append(self.queue.env.now)
        super().fill_seat(index, ramp_hours)


def _desk(
    pool: StaffPool,
    seats: int,
    start: str = "full",
    seed: int = 1,
    hired: list[float] | None = None,
) -> tuple[simpy.Environment, WorkQueue]:
    """A bare desk of `seats` support seats turning over from `start` (no work: a leaver goes
    at once); each hire's time is appended to `hired` if given."""
    env = Calendar()
    queue = WorkQueue(env, "support", seats)
    pool = pool.model_copy(update={"headcount": seats})
    seats_of = _RecordingSeats(queue, hired)
    Roster(env, pool, "support", "support", "", Ledger(), Streams(seed, 0), seats_of, start)
    return env, queue


def _shares(baseline: Scenario) -> tuple[float, float]:
    pool = baseline.staff.support
    tenure = HOURS_PER_YEAR / pool.attrition_per_year
    lag, ramp = weeks(pool.hiring_lag_weeks), weeks(pool.ramp_weeks)
    vacant = lag / (tenure + lag)
    return vacant, (1.0 - vacant) * (1.0 - math.exp(-ramp / tenure))


def test_long_run_start_has_the_renewal_reward_mix_of_seats(baseline: Scenario) -> None:
    n = 4000
    env, queue = _desk(baseline.staff.support, n, "long_run")
    env.run(until=1e-6)
    vacant_p, ramping_p = _shares(baseline)
    vacant = sum(not s.present for s in queue.seats)
    ramping = sum(s.present and s.ramp_until > env.now for s in queue.seats)
    for observed, p in ((vacant, vacant_p), (ramping, ramping_p)):
        sd = math.sqrt(n * p * (1 - p))
        assert abs(observed - n * p) < 4 * sd, (observed, n * p, sd)
    # the full start: every seat filled and ramped
    env, queue = _desk(baseline.staff.support, n, "full")
    env.run(until=1e-6)
    assert all(s.present and s.ramp_until <= env.now for s in queue.seats)


def _filled_share_by_year(baseline: Scenario, start: str, years: int) -> list[float]:
    n = 4000
    env, queue = _desk(baseline.staff.support, n, start, seed=2)
    out = []
    for year in range(1, years + 1):
        env.run(until=year * HOURS_PER_YEAR)
        out.append(queue.reset_period().area_present / (n * HOURS_PER_YEAR))
    return out


def test_long_run_start_has_no_start_up_bias_and_the_full_start_has(baseline: Scenario) -> None:
    vacant_p, _ = _shares(baseline)
    filled = 1.0 - vacant_p
    long_run = _filled_share_by_year(baseline, "long_run", 5)
    full = _filled_share_by_year(baseline, "full", 5)
    # a year's filled share over 4,000 seats has sd ~0.0015: 0.005 is over 3 sd
    assert abs(long_run[0] - filled) < 0.005 and abs(long_run[4] - filled) < 0.005, long_run
    assert abs(long_run[0] - long_run[4]) < 0.006, long_run
    # the full start is biased upwards in year 1 (about +0.006 here), not in year 5
    assert full[0] - filled > 0.003 and full[0] > long_run[0], (full, filled)
    assert abs(full[4] - filled) < 0.005, full


def test_long_run_start_is_the_default_and_changes_only_the_staff(baseline: Scenario) -> None:
    long_run = with_overrides(shrink(baseline, 10, 1), {"staff.support.headcount": 100})
    assert long_run.initial_book.staffing == "long_run"
    small = with_overrides(long_run, {"initial_book.staffing": "full"})
    a = simulate(small, seed=5, replication=0)
    b = simulate(long_run, seed=5, replication=0)
    ya, yb = a.metrics[1]["all"], b.metrics[1]["all"]
    assert ya["customers_start"] == yb["customers_start"] and ya["arr_start"] == yb["arr_start"]
    # fewer seat-hours present in year 1 with vacancies and ramping hires at t=0
    assert b.ledger.get(1, "", "support_present_hours") < a.ledger.get(
        1, "", "support_present_hours"
    )


@pytest.mark.parametrize("start", ["full", "long_run"])
def test_start_is_validated(baseline: Scenario, start: str) -> None:
    assert with_overrides(baseline, {"initial_book.staffing": start}).initial_book.staffing == start


def _hires(pool: StaffPool, seats: int, until: float) -> tuple[list[float], WorkQueue]:
    """Hire times of a bare desk of `seats` run to `until`."""
    hired: list[float] = []
    env, queue = _desk(pool, seats, seed=7, hired=hired)
    env.run(until=until)
    return hired, queue


def test_without_backfill_the_pool_shrinks_by_attrition(baseline: Scenario) -> None:
    pool = baseline.staff.support.model_copy(update={"backfill": False})
    n = 4000
    hired, queue = _hires(pool, n, HOURS_PER_YEAR)
    assert hired == []
    p = math.exp(-pool.attrition_per_year)  # a person stays a year with probability e^-a
    present = sum(s.present for s in queue.seats)
    assert abs(present - n * p) < 4 * math.sqrt(n * p * (1 - p)), (present, n * p)


def test_a_hiring_freeze_stops_hires_from_its_date(baseline: Scenario) -> None:
    freeze_weeks = 26.0
    pool = baseline.staff.support.model_copy(update={"hiring_freeze_after_weeks": freeze_weeks})
    hired, queue = _hires(pool, 2000, 2 * HOURS_PER_YEAR)
    assert hired and max(hired) < weeks(freeze_weeks)  # hires before the freeze, none after
    free, _ = _hires(baseline.staff.support, 2000, 2 * HOURS_PER_YEAR)
    assert hired == [t for t in free if t < weeks(freeze_weeks)]  # the same seats' same luck
    assert sum(s.present for s in queue.seats) < 2000 * 0.7  # 30% a year leave, 2 years


def test_a_freeze_in_a_scenario_lowers_staff_time_and_cost(baseline: Scenario) -> None:
    small = with_overrides(shrink(baseline, 10, 2), {"staff.support.headcount": 40})
    frozen = with_overrides(small, {"staff.support.hiring_freeze_after_weeks": 0.0})
    a = simulate(small, seed=5, replication=0)
    b = simulate(frozen, seed=5, replication=0)
    hours = [r.ledger.get(2, "", "support_present_hours") for r in (a, b)]
    assert hours[1] < hours[0]
    assert (
        b.metrics[2]["all"]["cost_per_customer_support"]
        < a.metrics[2]["all"]["cost_per_customer_support"]
    )
