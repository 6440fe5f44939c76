"""The calendar of future events: exactly SimPy's order, with only an hour's events in the heap."""

from __future__ import annotations

import math
from collections.abc import Callable, Generator
from typing import Any

import numpy as np
import pytest
import simpy
from simpy.events import URGENT

from simcs.model.clock import BUCKET_HOURS, FAR_HOURS, Calendar
from simcs.model.guard import events_processed

Log = list[tuple[float, str]]


def _workload(env: simpy.Environment, log: Log, seed: int, alarms: bool) -> None:
    """Timeouts, processes and callbacks that schedule more of them, near and far, with many
    exact ties (times on a coarse grid) and both priorities; the same on any environment."""
    rng = np.random.default_rng(seed)

    def later(delay: float, label: str, then: Callable[[], None] | None = None) -> None:
        def fire(_: Any) -> None:
            log.append((env.now, label))
            if then is not None:
                then()

        if alarms and isinstance(env, Calendar):
            env.after(delay, fire, None)
        else:
            env.timeout(delay).callbacks.append(fire)

    def chain(name: str, gaps: list[float]) -> Callable[[], None]:
        def step() -> None:
            if gaps:
                later(gaps.pop(), name, step)

        return step

    def process(name: str, gaps: list[float]) -> Generator[simpy.Event, None, None]:
        for gap in gaps:
            yield env.timeout(gap)
            log.append((env.now, name))
            if gap > 30:
                urgent = simpy.Event(env)
                urgent._ok, urgent._value = True, None
                env.schedule(urgent, URGENT, 0.0)
                urgent.callbacks.append(lambda _e, n=name: log.append((env.now, n + "!")))

    for k in range(60):
        gaps = [float(g) for g in rng.integers(0, 40, 12) * 0.5]  # ties on a half-hour grid
        chain(f"chain{k}", gaps)()
        env.process(process(f"proc{k}", list(rng.exponential(20.0, 8))))
        later(float(rng.integers(0, 400)), f"far{k}")
    later(FAR_HOURS * 3, "beyond")
    later(math.inf, "never-ish")


def _order(env: simpy.Environment, seed: int, alarms: bool, until: float | None = None) -> Log:
    log: Log = []
    _workload(env, log, seed, alarms)
    if until is None:
        env.run()
    else:
        for month in range(1, 13):
            env.run(until=month * until / 12)
    return log


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_same_order_as_simpy_with_ties_priorities_and_far_events(seed: int) -> None:
    reference = _order(simpy.Environment(), seed, alarms=False)
    assert len(reference) > 1300
    assert len({t for t, _ in reference}) < len(reference)  # exact ties were exercised
    assert _order(Calendar(), seed, alarms=False) == reference
    # alarms take the place of timeout callbacks, in the very same order
    assert _order(Calendar(), seed, alarms=True) == reference


def test_run_until_stops_where_simpy_stops() -> None:
    reference = _order(simpy.Environment(), 7, alarms=False, until=300.0)
    calendar = Calendar()
    assert _order(calendar, 7, alarms=True, until=300.0) == reference
    assert calendar.now == 300.0
    simpy_env = simpy.Environment()
    _workload(simpy_env, [], 7, alarms=False)
    simpy_env.run(until=300.0)
    assert calendar.peek() == simpy_env.peek()  # the next event, though it waits in a bucket


def test_only_the_current_hour_is_in_the_heap() -> None:
    env = Calendar()
    fired: list[float] = []
    rng = np.random.default_rng(0)
    times = rng.uniform(0, 1000 * BUCKET_HOURS, 20_000)
    for t in times:
        env.after(float(t), fired.append, float(t))
    assert len(env._queue) < 60 and env.pending == 20_000
    assert events_processed(env) == 0
    biggest = 0

    def watch() -> Generator[simpy.Event, None, None]:
        nonlocal biggest
        while True:
            biggest = max(biggest, len(env._queue))
            yield env.timeout(BUCKET_HOURS / 2)

    env.process(watch())
    env.run(until=1000 * BUCKET_HOURS)
    assert fired == sorted(times.tolist())
    assert biggest < 100  # ~20 an hour, not 20,000
    # the alarms, the watcher's start and 1,999 steps (its 2,000th is due at `until`), `until`
    assert events_processed(env) == 20_000 + 1 + 1_999 + 1


def test_negative_delay_is_refused_and_an_empty_calendar_ends_the_run() -> None:
    env = Calendar()
    with pytest.raises(ValueError, match="Negative delay"):
        env.after(-1.0, print)
    env.after(5.0, lambda _: None)
    env.run()
    assert env.now == 5.0 and env.peek() == math.inf
    with pytest.raises(RuntimeError, match="No scheduled events left"):
        env.run(until=env.event())


def test_a_failed_event_crashes_the_run_as_in_simpy() -> None:
    env = Calendar()

    def boom() -> Generator[simpy.Event, None, None]:
        yield env.timeout(3 * BUCKET_HOURS)
        raise KeyError("broken")

    env.process(boom())
    with pytest.raises(KeyError, match="broken"):
        env.run()
