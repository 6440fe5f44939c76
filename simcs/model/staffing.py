"""Staff turnover: a person leaves (Poisson), the seat stays empty for the hiring lag, the new
hire ramps up. Each seat has its own random stream, so turnover is common to every scenario
that keeps the seat.

A seat starts filled by a fully ramped person (`full`), or in its long-run state (`long_run`):
a renewal process of tenures T ~ Exp(mean) and lags L, observed at a random time, is in a lag
with probability L / (T + L) (then the lag left is uniform on [0, L]); otherwise the person in
the seat was hired a time ago that is, like the tenure left, Exp(mean) (memoryless), and is
still ramping if that is under the ramp time. The start draws come from a stream of their own,
so the turnover that follows is the same under either start.

A seat is not refilled when the pool does not backfill, or when the hire would fall in a hiring
freeze: it then stays empty for good.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Generator

import simpy

from simcs.calendar import HOURS_PER_YEAR, weeks
from simcs.scenario import StaffPool
from simcs.streams import STAFF_ATTRITION, STAFF_START, Streams, name_key


def seat_turnover(
    env: simpy.Environment,
    pool: StaffPool,
    pool_name: str,
    seat: int,
    streams: Streams,
    leave: Callable[[], None],
    hire: Callable[[float], None],
    start: str = "full",
) -> Generator[simpy.Event, None, None]:
    """Process: the people who hold one seat over time; `hire` gets the ramp in hours."""
    if pool.attrition_per_year <= 0:
        return
    rng = streams.stream(STAFF_ATTRITION, name_key(pool_name), seat)
    mean_tenure = HOURS_PER_YEAR / pool.attrition_per_year
    freeze = pool.hiring_freeze_after_weeks
    freeze_at = math.inf if freeze is None else weeks(freeze)

    def may_hire() -> bool:
        return pool.backfill and env.now < freeze_at

    if start == "long_run":
        lag, ramp = weeks(pool.hiring_lag_weeks), weeks(pool.ramp_weeks)
        u, v = streams.stream(STAFF_START, name_key(pool_name), seat).random(2).tolist()
        if u < lag / (mean_tenure + lag):  # vacant: the rest of a hiring lag
            leave()
            yield env.timeout(v * lag)
            if not may_hire():
                return
            hire(ramp)
        else:
            hired_ago = -mean_tenure * math.log1p(-v)
            if hired_ago < ramp:  # a recent hire, still ramping
                leave()
                hire(ramp - hired_ago)
    while True:
        yield env.timeout(rng.exponential(mean_tenure))
        leave()
        if not pool.backfill:
            return
        yield env.timeout(weeks(pool.hiring_lag_weeks))
        if not may_hire():
            return
        hire(weeks(pool.ramp_weeks))
