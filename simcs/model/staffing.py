"""Staff turnover: a person leaves (Poisson), the seat stays empty for the hiring lag, the new
hire ramps up. Each seat has its own random stream, so turnover is common to every scenario
that keeps the seat."""

from __future__ import annotations

from collections.abc import Callable, Generator

import simpy

from simcs.calendar import HOURS_PER_YEAR, weeks
from simcs.scenario import StaffPool
from simcs.streams import STAFF_ATTRITION, Streams, name_key


def seat_turnover(
    env: simpy.Environment,
    pool: StaffPool,
    pool_name: str,
    seat: int,
    streams: Streams,
    leave: Callable[[], None],
    hire: Callable[[float], None],
) -> Generator[simpy.Event, None, None]:
    """Process: the people who hold one seat over time; `hire` gets the ramp in hours."""
    if pool.attrition_per_year <= 0:
        return
    rng = streams.stream(STAFF_ATTRITION, name_key(pool_name), seat)
    mean_tenure = HOURS_PER_YEAR / pool.attrition_per_year
    while True:
        yield env.timeout(rng.exponential(mean_tenure))
        leave()
        yield env.timeout(weeks(pool.hiring_lag_weeks))
        hire(weeks(pool.ramp_weeks))
