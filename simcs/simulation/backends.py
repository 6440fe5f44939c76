"""Where replications run: in this process, on local worker processes, or on a Dask cluster.

Every backend runs the same pure function `replication_rows(scenario, seed, r)`, so the results
are the same bytes whatever runs them; they arrive in completion order and the caller stores
each one as it comes.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed

from simcs.records import Row
from simcs.scenario import Scenario
from simcs.simulation.replication import replication_rows
from simcs.simulation.runner import start_method

Task = tuple[str, int]  # (variant, replication)

_scenarios: dict[str, Scenario] = {}


def _init(scenarios: dict[str, Scenario]) -> None:
    global _scenarios
    _scenarios = scenarios


def _one(variant: str, seed: int, replication: int) -> tuple[str, int, list[Row]]:
    return variant, replication, replication_rows(_scenarios[variant], seed, replication)


def run_local(
    scenarios: dict[str, Scenario], seed: int, tasks: list[Task], workers: int
) -> Iterator[tuple[str, int, list[Row]]]:
    """Run tasks here (workers=1) or on local worker processes; yield results as they finish."""
    if workers <= 1 or len(tasks) <= 1:
        for variant, r in tasks:
            yield variant, r, replication_rows(scenarios[variant], seed, r)
        return
    context = multiprocessing.get_context(start_method())
    with ProcessPoolExecutor(
        max_workers=min(workers, len(tasks)),
        mp_context=context,
        initializer=_init,
        initargs=(scenarios,),
    ) as pool:
        futures = [pool.submit(_one, v, seed, r) for v, r in tasks]
        try:
            for future in as_completed(futures):
                yield future.result()
        except BaseException:
            for future in futures:
                future.cancel()
            raise


def run_dask(
    scenarios: dict[str, Scenario],
    seed: int,
    tasks: list[Task],
    workers: int,
    scheduler: str | None,
) -> Iterator[tuple[str, int, list[Row]]]:
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
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        )
        client = Client(cluster)
    else:
        client = Client(scheduler)
    try:
        shared = client.scatter(scenarios, broadcast=True)
        futures = [
            client.submit(_dask_one, shared, v, seed, r, pure=False, retries=3) for v, r in tasks
        ]
        for future in dask_completed(futures):
            yield future.result()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _dask_one(
    scenarios: dict[str, Scenario], variant: str, seed: int, replication: int
) -> tuple[str, int, list[Row]]:
    return variant, replication, replication_rows(scenarios[variant], seed, replication)
