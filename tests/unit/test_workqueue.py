"""Tests for simcs.model.workqueue: a real SimPy clock driven by hand, hand-computed timelines."""

from __future__ import annotations

from collections.abc import Generator

import numpy as np
import pytest
import simpy

from simcs.model.clock import Calendar
from simcs.model.guard import events_processed
from simcs.model.ledger import Ledger
from simcs.model.workqueue import DONE, DROPPED, SERVING, WAITING, Job, WorkQueue


class Recorder:
    """Collects the clock times at which jobs start, finish or are dropped."""

    def __init__(self, env: simpy.Environment) -> None:
        self.env = env
        self.starts: dict[str, float] = {}
        self.dones: dict[str, float] = {}
        self.drops: dict[str, float] = {}

    def job(
        self, name: str, work_hours: float, priority: int = 0, deadline: float | None = None
    ) -> Job:
        return Job(
            work_hours=work_hours,
            priority=priority,
            tier=name,
            deadline=deadline,
            on_start=lambda j: self.starts.__setitem__(name, self.env.now),
            on_done=lambda j: self.dones.__setitem__(name, self.env.now),
            on_drop=lambda j: self.drops.__setitem__(name, self.env.now),
            payload=name,
        )


def _setup(seats: int, share: float = 1.0) -> tuple[simpy.Environment, WorkQueue, Recorder]:
    env = Calendar()
    return env, WorkQueue(env, "q", seats, share), Recorder(env)


# ----------------------------------------------------------------------------- construction


def test_rejects_bad_arguments() -> None:
    env = Calendar()
    with pytest.raises(ValueError):
        WorkQueue(env, "q", -1)
    with pytest.raises(ValueError):
        WorkQueue(env, "q", 1, productive_share=0.0)
    with pytest.raises(ValueError):
        WorkQueue(env, "q", 1, productive_share=1.5)


# ----------------------------------------------------------------------------- service order


def test_job_starts_at_once_on_a_free_seat() -> None:
    env, q, rec = _setup(seats=2)
    env.run(until=3.25)
    job = q.submit(rec.job("a", 1.0))
    assert job.state == SERVING
    assert job.arrival == 3.25 and job.start == 3.25
    assert rec.starts == {"a": 3.25}
    assert q.busy == 1 and q.waiting == 0
    env.run(until=10.0)
    assert rec.dones == {"a": 4.25}
    assert job.state == DONE
    assert q.busy == 0


def test_one_seat_serves_by_priority_then_arrival() -> None:
    # t=0 A (p1, 2h) starts at once; B (p1, 1h) at 0.5, C (p0, 1h) at 1, D (p0, 0.5h) at 1.5,
    # E (p1, 0.25h) at 1.75. When A ends at 2: C (p0, earlier) 2-3, D 3-3.5, B 3.5-4.5,
    # E 4.5-4.75.
    env, q, rec = _setup(seats=1)
    arrivals = [("A", 0.0, 1, 2.0), ("B", 0.5, 1, 1.0), ("C", 1.0, 0, 1.0)]
    arrivals += [("D", 1.5, 0, 0.5), ("E", 1.75, 1, 0.25)]
    for name, t, prio, hours in arrivals:
        if t > env.now:
            env.run(until=t)
        q.submit(rec.job(name, hours, priority=prio))
    assert q.waiting == 4
    env.run(until=100.0)
    assert rec.starts == {"A": 0.0, "C": 2.0, "D": 3.0, "B": 3.5, "E": 4.5}
    assert rec.dones == {"A": 2.0, "C": 3.0, "D": 3.5, "B": 4.5, "E": 4.75}
    assert q.waiting == 0


def test_equal_priority_is_first_come_first_served() -> None:
    env, q, rec = _setup(seats=1)
    q.submit(rec.job("first", 1.0))
    names = [f"j{k}" for k in range(6)]
    for k, name in enumerate(names):
        env.run(until=0.1 * (k + 1))
        q.submit(rec.job(name, 0.5, priority=3))
    env.run(until=100.0)
    assert [rec.starts[n] for n in names] == pytest.approx([1.0 + 0.5 * k for k in range(6)])


@pytest.mark.parametrize(("share", "expected"), [(1.0, 3.0), (0.5, 6.0), (0.8, 3.75)])
def test_duration_is_work_over_productive_share(share: float, expected: float) -> None:
    env, q, rec = _setup(seats=1, share=share)
    env.run(until=1.0)
    q.submit(rec.job("a", 3.0))
    env.run(until=50.0)
    assert rec.dones["a"] - rec.starts["a"] == pytest.approx(expected, rel=1e-12)


def test_busy_time_is_booked_per_tier_and_split_at_year_ends() -> None:
    env = Calendar()
    ledger = Ledger()
    q = WorkQueue(env, "q", 1, 0.8, busy_ledger=ledger, busy_quantity="busy")
    q.submit(Job(work_hours=2.0, tier="smb"))  # 0 -> 2.5
    env.run(until=1.0)
    q.submit(Job(work_hours=4.0, tier="ent"))  # waits until 2.5, then 2.5 -> 7.5
    env.run(until=2070.0)
    q.submit(Job(work_hours=16.0, tier="smb"))  # 2070 -> 2090: 10 h in year 1, 10 in year 2
    env.run(until=3000.0)
    assert ledger.get(1, "smb", "busy") == pytest.approx(2.5 + 10.0)
    assert ledger.get(1, "ent", "busy") == pytest.approx(5.0)
    assert ledger.get(2, "smb", "busy") == pytest.approx(10.0)
    assert ledger.get(2, "ent", "busy") == 0.0


# ----------------------------------------------------------------------------- deadlines


def test_job_waiting_at_its_deadline_is_dropped_at_the_deadline() -> None:
    env, q, rec = _setup(seats=1)
    q.submit(rec.job("long", 5.0))
    env.run(until=1.0)
    x = q.submit(rec.job("x", 1.0, deadline=3.0))
    env.run(until=2.0)
    q.submit(rec.job("y", 1.0))
    env.run(until=2.999)
    assert x.state == WAITING and q.waiting == 2
    env.run(until=50.0)
    assert rec.drops == {"x": 3.0}
    assert "x" not in rec.starts and "x" not in rec.dones
    assert x.state == DROPPED
    assert rec.starts["y"] == 5.0  # the seat went to y, x was not served later
    stats = q.reset_period()
    assert (stats.arrivals, stats.started, stats.completed, stats.dropped) == (3, 2, 2, 1)
    # x waited 1 -> 3 (2h, dropped), y waited 2 -> 5 (3h), long 0h
    assert stats.wait_sum == pytest.approx(5.0)
    assert stats.area_waiting == pytest.approx(5.0)


def test_job_started_before_its_deadline_is_not_dropped() -> None:
    env, q, rec = _setup(seats=1)
    q.submit(rec.job("long", 5.0))
    env.run(until=1.0)
    x = q.submit(rec.job("x", 2.0, deadline=10.0))
    env.run(until=50.0)
    assert rec.drops == {}
    assert rec.starts["x"] == 5.0 and rec.dones["x"] == 7.0
    assert x.state == DONE
    assert q.reset_period().dropped == 0


def test_job_on_free_seat_ignores_deadline() -> None:
    env, q, rec = _setup(seats=1)
    env.run(until=4.0)
    x = q.submit(rec.job("x", 10.0, deadline=5.0))
    env.run(until=50.0)
    assert rec.drops == {} and x.state == DONE and rec.dones["x"] == 14.0


def test_waiting_job_with_past_deadline_is_dropped_on_submit() -> None:
    env, q, rec = _setup(seats=1)
    q.submit(rec.job("long", 5.0))
    env.run(until=2.0)
    x = q.submit(rec.job("x", 1.0, deadline=2.0))
    assert x.state == DROPPED and rec.drops == {"x": 2.0} and q.waiting == 0
    env.run(until=50.0)
    assert "x" not in rec.starts


# ----------------------------------------------------------------------------- integrals


def test_reset_period_integrals_on_a_hand_timeline() -> None:
    # 1 seat: A at 0 (2h) serves 0-2; B at 1 (1h) waits 1-2, serves 2-3. Close the period at 4.
    env, q, rec = _setup(seats=1)
    q.submit(rec.job("A", 2.0))
    env.run(until=1.0)
    q.submit(rec.job("B", 1.0))
    env.run(until=4.0)
    s = q.reset_period()
    assert s.since == 0.0
    assert s.area_waiting == pytest.approx(1.0, abs=1e-12)
    assert s.area_busy == pytest.approx(3.0, abs=1e-12)
    assert s.area_present == pytest.approx(4.0, abs=1e-12)
    assert (s.arrivals, s.started, s.completed, s.dropped) == (2, 2, 2, 0)
    assert s.wait_sum == pytest.approx(1.0, abs=1e-12)
    assert s.area_waiting == pytest.approx(s.wait_sum, abs=1e-12)  # Little: queue emptied
    # an idle period afterwards only accrues presence
    env.run(until=6.5)
    s2 = q.reset_period()
    assert s2.since == 4.0
    assert (s2.area_waiting, s2.area_busy) == (0.0, 0.0)
    assert s2.area_present == pytest.approx(2.5)
    assert (s2.arrivals, s2.started, s2.completed, s2.dropped) == (0, 0, 0, 0)


def test_reset_period_splits_integrals_exactly_at_the_boundary() -> None:
    # Same timeline as above, closed at t=1.5 and again at t=4.
    env, q, rec = _setup(seats=1)
    q.submit(rec.job("A", 2.0))
    env.run(until=1.0)
    q.submit(rec.job("B", 1.0))
    env.run(until=1.5)
    s1 = q.reset_period()
    env.run(until=4.0)
    s2 = q.reset_period()
    assert (s1.area_waiting, s1.area_busy, s1.area_present) == pytest.approx((0.5, 1.5, 1.5))
    assert (s1.arrivals, s1.started, s1.completed, s1.wait_sum) == (2, 1, 0, 0.0)
    assert (s2.area_waiting, s2.area_busy, s2.area_present) == pytest.approx((0.5, 1.5, 2.5))
    assert (s2.arrivals, s2.started, s2.completed) == (0, 1, 2)
    assert s2.wait_sum == pytest.approx(1.0)  # B's whole wait is booked when it starts


def _random_load(
    env: simpy.Environment,
    q: WorkQueue,
    rng: np.random.Generator,
    n: int,
    log: list[Job],
) -> Generator[simpy.Event, None, None]:
    for _ in range(n):
        yield env.timeout(float(rng.exponential(0.4)))
        deadline = env.now + float(rng.exponential(1.0)) if rng.random() < 0.5 else None
        job = Job(
            work_hours=float(rng.exponential(1.0)),
            priority=int(rng.integers(0, 3)),
            deadline=deadline,
        )
        log.append(q.submit(job))


def test_little_identity_and_busy_conservation_under_random_load() -> None:
    rng = np.random.default_rng(20240611)
    env = Calendar()
    ledger = Ledger()
    q = WorkQueue(env, "q", 3, 0.8, busy_ledger=ledger, busy_quantity="busy")
    log: list[Job] = []
    env.process(_random_load(env, q, rng, 600, log))
    env.run()  # until every job has finished or been dropped
    s = q.reset_period()
    assert s.arrivals == 600
    assert s.started + s.dropped == 600
    assert s.completed == s.started
    assert s.dropped == sum(j.state == DROPPED for j in log) > 0
    assert q.waiting == 0 and q.busy == 0
    # Little's law as an identity: time-integral of the queue = sum of the waits
    assert s.area_waiting == pytest.approx(s.wait_sum, rel=1e-9)
    assert s.wait_sum == pytest.approx(
        sum((j.start if j.state == DONE else j.deadline) - j.arrival for j in log), rel=1e-9
    )
    # busy area = the sum of all service durations
    served = [j for j in log if j.state == DONE]
    assert s.area_busy == pytest.approx(sum(j.work_hours / 0.8 for j in served), rel=1e-9)
    assert s.area_busy == pytest.approx(sum(ledger.sums.values()), rel=1e-9)
    assert s.area_present == pytest.approx(3 * env.now, rel=1e-12)
    # no job was dropped after its deadline, nor started after it
    for j in log:
        if j.deadline is not None and j.state == DONE:
            assert j.start <= j.deadline


def test_deadlines_are_kept_exactly_with_alarms_only_for_the_earliest() -> None:
    """Every job still waiting at its deadline is dropped at that very time, and a job that
    started first costs no event: alarms are set only for the earliest deadlines."""
    rng = np.random.default_rng(7)
    env = Calendar()
    q = WorkQueue(env, "q", 1)
    dropped_at: dict[int, float] = {}
    jobs: list[Job] = []

    def arrivals() -> Generator[simpy.Event, None, None]:
        for k in range(400):
            yield env.timeout(float(rng.exponential(1.0)))
            patience = 50.0 if k % 10 else float(rng.exponential(0.5))  # a few drop
            job = Job(float(rng.exponential(0.9)), deadline=env.now + patience, payload=k)
            job.on_drop = lambda j: dropped_at.__setitem__(j.payload, env.now)
            jobs.append(q.submit(job))

    env.process(arrivals())
    env.run()
    dropped = [j for j in jobs if j.state == DROPPED]
    assert 5 < len(dropped) < 40
    assert all(dropped_at[j.payload] == j.deadline for j in dropped)
    assert all(j.start <= j.deadline for j in jobs if j.state == DONE)  # type: ignore[operator]
    queued = sum(j.start > j.arrival or j.state == DROPPED for j in jobs)
    events = events_processed(env)
    # 1 start + 400 arrivals + 400-ish finishes; a timer per queued job would add `queued`
    assert queued > 200 and events < 1 + 400 + 400 + queued / 2


# ----------------------------------------------------------------------------- staffing


def test_vacating_a_free_seat_removes_capacity() -> None:
    env, q, rec = _setup(seats=2)
    q.vacate(q.seats[0])
    assert q.present == 1
    q.submit(rec.job("a", 1.0))
    b = q.submit(rec.job("b", 1.0))
    assert b.state == WAITING and q.waiting == 1
    env.run(until=5.0)
    assert rec.starts == {"a": 0.0, "b": 1.0}
    s = q.reset_period()
    assert s.area_present == pytest.approx(5.0)
    assert s.area_busy == pytest.approx(2.0)
    q.vacate(q.seats[0])  # already vacant: no change
    assert q.present == 1


def test_vacating_a_busy_seat_finishes_the_job_then_leaves() -> None:
    env, q, rec = _setup(seats=1)
    q.submit(rec.job("a", 4.0))
    env.run(until=1.0)
    q.vacate(q.seats[0])
    assert q.present == 1  # still there until the job is done
    env.run(until=2.0)
    q.submit(rec.job("b", 1.0))
    env.run(until=3.999)
    assert q.present == 1
    env.run(until=6.0)
    assert rec.dones == {"a": 4.0}
    assert q.present == 0
    assert "b" not in rec.starts and q.waiting == 1  # nobody left to serve b
    s = q.reset_period()
    assert s.area_present == pytest.approx(4.0)
    assert s.area_busy == pytest.approx(4.0)
    assert s.area_waiting == pytest.approx(4.0)  # b waits 2 -> 6
    # a hire without ramp takes the waiting job at full speed
    q.fill(q.seats[0])
    assert q.present == 1
    env.run(until=20.0)
    assert rec.starts["b"] == 6.0 and rec.dones["b"] == 7.0


def test_fill_with_ramp_works_at_half_speed_until_the_ramp_ends() -> None:
    env, q, rec = _setup(seats=1, share=0.8)
    q.vacate(q.seats[0])
    q.fill(q.seats[0], ramp_hours=10.0)
    q.submit(rec.job("a", 2.0))  # half speed: 2 / (0.8 * 0.5) = 5
    env.run(until=6.0)
    q.submit(rec.job("b", 1.0))  # still ramping: 2.5
    env.run(until=10.0)
    q.submit(rec.job("c", 2.0))  # ramp over at 10: 2 / 0.8 = 2.5
    env.run(until=50.0)
    assert rec.dones["a"] == pytest.approx(5.0)
    assert rec.dones["b"] == pytest.approx(8.5)
    assert rec.starts["c"] == 10.0
    assert rec.dones["c"] == pytest.approx(12.5)


def test_fill_hands_a_waiting_job_to_the_new_hire() -> None:
    env, q, rec = _setup(seats=1)
    q.vacate(q.seats[0])
    q.submit(rec.job("a", 1.0))
    env.run(until=3.0)
    q.fill(q.seats[0], ramp_hours=4.0)
    env.run(until=20.0)
    assert rec.starts == {"a": 3.0}
    assert rec.dones["a"] == pytest.approx(5.0)  # half speed
    s = q.reset_period()
    assert s.area_present == pytest.approx(17.0)
    assert s.area_waiting == pytest.approx(3.0) == s.wait_sum
    q.fill(q.seats[0])  # already filled: no change
    assert q.present == 1


def test_a_new_hire_who_leaves_before_starting_is_counted_once() -> None:
    """vacate -> fill -> vacate while the first leaver still finishes its job."""
    env, q, rec = _setup(seats=1)
    q.submit(rec.job("a", 10.0))
    env.run(until=1.0)
    q.vacate(q.seats[0])  # the worker will leave after job a
    env.run(until=2.0)
    q.fill(q.seats[0])  # a hire arrives: two people are paid for a while
    assert q.present == 2
    env.run(until=3.0)
    q.vacate(q.seats[0])  # the hire leaves before ever starting
    assert q.present == 1
    env.run(until=20.0)
    assert q.present == 0  # and after job a nobody is left
    s = q.reset_period()
    assert s.area_present == pytest.approx(1.0 + 1.0 + 2.0 + 7.0)  # 1, 1 (x2), then 1 to t=10
