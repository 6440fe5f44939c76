"""Where replications run: in this process, on local worker processes, or on a Dask cluster.

Every backend runs the same pure function `replicate(scenario, seed, r)` and yields
`(variant, replication, rows, series)` as each replication finishes (in completion order); the
caller stores each one as it comes, so the results are the same bytes whatever runs them.

Workers never outlive the process that started them (`simcs.simulation.lifeline`): local pool
workers bind themselves to their parent in the pool initializer, and the workers of a Dask
LocalCluster started here run the same binding as their preload. A replication that fails --
`ReplicationAborted` from the model's guard, or a Ctrl-C -- stops the whole batch at once:
the workers still busy are terminated, and the exception reaches the caller.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait

from simcs.records import Row, SeriesRow
from simcs.scenario import Scenario
from simcs.simulation.lifeline import bind_to_parent
from simcs.simulation.replication import replicate

Task = tuple[str, int]  # (variant, replication)
Finished = tuple[str, int, list[Row], list[SeriesRow]]  # (variant, replication, rows, series)

BACKENDS = ("local", "dask")

_scenarios: dict[str, Scenario] = {}


def start_method() -> str:
    """fork on Linux (plain scripts need no __main__ guard), spawn elsewhere.

    Results never depend on it: each replication is a pure function of (scenario, seed, r).
    """
    return "fork" if sys.platform.startswith("linux") else "spawn"


def default_workers() -> int:
    """One worker per core."""
    return os.cpu_count() or 1


def _one(scenarios: dict[str, Scenario], variant: str, seed: int, r: int) -> Finished:
    rows, series = replicate(scenarios[variant], seed, r)
    return variant, r, rows, series


def _init(scenarios: dict[str, Scenario], parent_pid: int) -> None:
    global _scenarios
    bind_to_parent(parent_pid)
    # Ctrl-C on a terminal reaches the whole process group: the parent handles it (and ends
    # its workers); a worker interrupted mid-task would only print a traceback
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _scenarios = scenarios


def _pooled(variant: str, seed: int, r: int) -> Finished:
    return _one(_scenarios, variant, seed, r)


def run_here(scenarios: dict[str, Scenario], seed: int, tasks: list[Task]) -> Iterator[Finished]:
    """Run tasks one after the other in this process."""
    for variant, r in tasks:
        yield _one(scenarios, variant, seed, r)


def run_local(
    scenarios: dict[str, Scenario], seed: int, tasks: list[Task], workers: int
) -> Iterator[Finished]:
    """Run tasks here (workers=1) or on local worker processes; yield results as they finish.

    At most `workers` tasks are queued at a time beyond those running, so stopping early
    (an error, Ctrl-C) abandons little work.
    """
    if workers <= 1 or len(tasks) <= 1:
        yield from run_here(scenarios, seed, tasks)
        return
    pool = ProcessPoolExecutor(
        max_workers=min(workers, len(tasks)),
        mp_context=multiprocessing.get_context(start_method()),
        initializer=_init,
        initargs=(scenarios, os.getpid()),
    )
    finished = False
    try:
        queue = iter(tasks)
        running: set[Future[Finished]] = set()
        for variant, r in queue:
            running.add(pool.submit(_pooled, variant, seed, r))
            if len(running) >= 2 * workers:
                break
        while running:
            done, running = wait(running, return_when=FIRST_COMPLETED)
            failed = [f for f in done if f.exception() is not None]
            if failed:  # hand over what did finish, then stop
                for future in done - set(failed):
                    yield future.result()
                failed[0].result()
            for future in done:
                for variant, r in queue:
                    running.add(pool.submit(_pooled, variant, seed, r))
                    break
                yield future.result()
        finished = True
    finally:
        if not finished:  # an error, Ctrl-C or a caller that stopped early: stop the workers
            for process in list(getattr(pool, "_processes", {}).values()):
                process.terminate()
        pool.shutdown(wait=True, cancel_futures=True)


def run_dask(
    scenarios: dict[str, Scenario],
    seed: int,
    tasks: list[Task],
    workers: int,
    scheduler: str | None,
) -> Iterator[Finished]:
    """Run tasks on a Dask cluster: `scheduler` (tcp://HOST:PORT) or a new LocalCluster.

    A worker that dies mid-replication has its task rerun elsewhere by Dask; a task's result
    is the same whoever computes it.
    """
    try:
        from dask.distributed import Client, LocalCluster
        from dask.distributed import as_completed as dask_completed
    except ImportError as exc:  # pragma: no cover - depends on the optional extra
        raise RuntimeError(
            "the dask backend needs the optional extra: pip install 'simcs[dask]'"
        ) from exc
    cluster = None
    if scheduler is None:
        cluster = LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            # no dashboard; the scheduler's health endpoint on any free port, never 8787
            scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
            preload=["simcs.simulation.lifeline"],  # bind each worker to this process
            env={"SIMCS_PARENT_PID": str(os.getpid())},
            death_timeout=10,
        )
        client = Client(cluster)
    else:
        client = Client(scheduler)
    futures = []
    try:
        shared = client.scatter(scenarios, broadcast=True)
        futures = [client.submit(_one, shared, v, seed, r, pure=False) for v, r in tasks]
        for future in dask_completed(futures):
            yield future.result()
    finally:
        if futures:
            client.cancel(futures)
        client.close()
        if cluster is not None:
            cluster.close()


def execute(
    scenarios: dict[str, Scenario],
    seed: int,
    tasks: list[Task],
    workers: int = 1,
    backend: str = "local",
    scheduler: str | None = None,
) -> Iterator[Finished]:
    """Run `tasks` on `backend` ("local": this process or local workers; "dask")."""
    if backend == "local":
        return run_local(scenarios, seed, tasks, workers)
    if backend == "dask":
        return run_dask(scenarios, seed, tasks, workers, scheduler)
    raise ValueError(f"backend must be one of {', '.join(BACKENDS)}, not {backend!r}")
