"""Backends and worker lifetimes (`simcs.simulation.backends`, `simcs.simulation.lifeline`).

Every backend runs the same `replicate()`, so this process and a local pool yield the very same
outputs. A replication stopped by the guard reaches the caller as `ReplicationAborted` and the
pool's workers are gone afterwards, as they are when the caller stops reading early. A process
bound with `bind_to_parent` dies when its parent is killed -- through the kernel's death signal
and through the portable watchdog alone -- while an unbound one (the control) lives on.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from simcs.model.guard import ReplicationAborted
from simcs.scenario import Scenario
from simcs.scenario.files import with_overrides
from simcs.simulation.backends import execute, run_here, run_local
from simcs.simulation.replication import replicate, simulate
from tests.conftest import shrink

ROOT = Path(__file__).resolve().parents[2]
LINUX = sys.platform.startswith("linux")


@pytest.fixture(scope="module")
def scenarios(baseline: Scenario) -> dict[str, Scenario]:
    small = shrink(baseline, 20, 1)
    return {"base": small, "lean": with_overrides(small, {"staff.support.headcount": 2})}


@pytest.fixture(scope="module")
def runaway(baseline: Scenario) -> Scenario:
    """A book too large to simulate: the guard refuses it before the first event."""
    small = shrink(baseline, 20, 1)
    return with_overrides(
        small,
        {
            "population.15k_to_100k.initial_customers": 20000,
            "population.15k_to_100k.cases_per_year": 5000,
        },
    )


def _exact(finished: list[tuple]) -> list[str]:
    """Results as text (NaN-safe, exact floats), in task order."""
    return sorted(repr(item) for item in finished)


def test_this_process_and_a_pool_yield_the_same_outputs(scenarios: dict[str, Scenario]) -> None:
    tasks = [(v, r) for v in scenarios for r in range(3)]
    here = list(run_here(scenarios, 5, tasks))
    pooled = list(run_local(scenarios, 5, tasks, workers=2))
    assert [(v, r) for v, r, *_ in here] == tasks  # in order, here
    assert _exact(pooled) == _exact(here)
    assert _exact(list(execute(scenarios, 5, tasks, 2, "local"))) == _exact(here)
    # the one function behind every backend agrees with the notebook API
    variant, r, rows, series = here[4]
    one = simulate(scenarios[variant], 5, r)
    assert repr(rows) == repr(one.records) and repr(series) == repr(one.series)
    assert repr(tuple(replicate(scenarios[variant], 5, r))) == repr((rows, series))


def test_an_unknown_backend_is_refused(scenarios: dict[str, Scenario]) -> None:
    with pytest.raises(ValueError, match="backend must be one of local, dask"):
        execute(scenarios, 0, [("base", 0)], 1, "threads")


def _children(pid: int) -> set[int]:
    """Live (not zombie) processes whose parent is `pid`."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.add(int(stat.parent.name))
    return found


def _wait_gone(pids: set[int], seconds: float) -> set[int]:
    deadline = time.monotonic() + seconds
    while True:
        alive = {p for p in pids if _alive(p)}
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.05)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not LINUX, reason="reads /proc")
def test_an_aborted_replication_stops_the_pool(
    scenarios: dict[str, Scenario], runaway: Scenario
) -> None:
    before = _children(os.getpid())
    mixed = {"base": scenarios["base"], "runaway": runaway}
    tasks = [("base", 0), ("runaway", 0), ("base", 1), ("runaway", 1), ("base", 2)]
    with pytest.raises(ReplicationAborted, match="event budget") as caught:
        list(run_local(mixed, 0, tasks, workers=2))
    assert "look at population.*.initial_customers" in str(caught.value)
    assert "\n" not in str(caught.value)
    assert not _wait_gone(_children(os.getpid()) - before, 5.0), "workers left behind"


@pytest.mark.skipif(not LINUX, reason="reads /proc")
def test_a_caller_that_stops_early_leaves_no_workers(scenarios: dict[str, Scenario]) -> None:
    before = _children(os.getpid())
    tasks = [(v, r) for v in scenarios for r in range(6)]
    results = run_local(scenarios, 1, tasks, workers=2)
    next(results)
    workers = _children(os.getpid()) - before
    assert len(workers) == 2
    results.close()
    assert not _wait_gone(workers, 5.0)


# ----------------------------------------------------------------------------- lifeline

_FAMILY = textwrap.dedent(
    """
    import os, sys, time
    from simcs.simulation import lifeline
    how = sys.argv[1]
    parent = os.getpid()
    child = os.fork()
    if child == 0:
        if how == "watchdog":
            lifeline._kernel_death_signal = lambda: None  # the portable path alone
        if how != "unbound":
            lifeline.bind_to_parent(parent)
        time.sleep(60)
        os._exit(0)
    print(child, flush=True)
    time.sleep(60)
    """
)


def _orphan_after_parent_killed(how: str, seconds: float) -> tuple[int, bool]:
    """Start parent + child (bound as `how` says), SIGKILL the parent: (child pid, whether
    the child is still alive `seconds` later)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    parent = subprocess.Popen(
        [sys.executable, "-c", _FAMILY, how], stdout=subprocess.PIPE, text=True, env=env
    )
    try:
        assert parent.stdout is not None
        child = int(parent.stdout.readline())
        time.sleep(0.3)  # the child has bound itself
        assert _alive(child)
    finally:
        parent.kill()
        parent.wait()
    return child, bool(_wait_gone({child}, seconds))


@pytest.mark.skipif(not LINUX, reason="reads /proc; fork")
@pytest.mark.parametrize("how", ["bound", "watchdog"])
def test_a_bound_worker_dies_with_its_parent(how: str) -> None:
    _, alive = _orphan_after_parent_killed(how, 3.0)
    assert not alive


@pytest.mark.skipif(not LINUX, reason="reads /proc; fork")
def test_an_unbound_worker_outlives_its_parent() -> None:
    """The control: without the binding the orphan lives on (so the tests above can fail)."""
    child, alive = _orphan_after_parent_killed("unbound", 1.0)
    try:
        assert alive
    finally:
        os.kill(child, signal.SIGKILL)
