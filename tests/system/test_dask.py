"""The Dask backend: same bytes as one local worker, and a killed worker loses nothing.

A LocalCluster of 2 worker processes on loopback runs a small experiment; its results must be
byte-identical to the same experiment on 1 local worker. Then a worker is killed (SIGKILL)
while replications are running: Dask reruns its tasks elsewhere, and every replication is
stored exactly once.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest
from dask.distributed import Client, LocalCluster

from simcs.experiments.design import Experiment
from simcs.experiments.run import run_experiment
from simcs.reporting.experiment_files import comparisons_csv, replications_csv
from simcs.scenario import Scenario
from simcs.scenario.files import with_overrides
from tests.conftest import shrink


@pytest.fixture(scope="module")
def plan(baseline: Scenario) -> Experiment:
    small = shrink(baseline, 10, 1)
    return Experiment(
        name="dask_check",
        scenarios={
            "base": small,
            "fewer_agents": with_overrides(small, {"staff.support.headcount": 2}),
        },
        reference="base",
        replications=8,
        seed=77,
        metrics=["grr", "cost_per_customer"],
        tiers=[*small.tiers, "all"],
    )


@pytest.fixture(scope="module")
def cluster():
    with LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    ) as c:
        yield c


def test_local_cluster_gives_the_same_bytes_as_one_local_worker(
    plan: Experiment, cluster: LocalCluster, tmp_path: Path
) -> None:
    local = run_experiment(plan, tmp_path / "local.sqlite", workers=1)
    dask = run_experiment(
        plan,
        tmp_path / "dask.sqlite",
        workers=2,
        backend="dask",
        scheduler=cluster.scheduler_address,
    )
    assert dask.computed == local.computed == 2 * plan.replications
    assert replications_csv(dask) == replications_csv(local)
    assert comparisons_csv(dask) == comparisons_csv(local)


def test_a_worker_killed_mid_run_loses_and_duplicates_nothing(
    plan: Experiment, cluster: LocalCluster, tmp_path: Path
) -> None:
    with Client(cluster.scheduler_address) as client:
        pids = list(client.run(os.getpid).values())
    killed: list[int] = []

    def kill_one_worker(done: int, _total: int) -> None:
        if done == 2 and not killed:  # replications are still running on both workers
            os.kill(pids[0], signal.SIGKILL)
            killed.append(pids[0])

    reference = run_experiment(plan, tmp_path / "ref.sqlite", workers=1)
    result = run_experiment(
        plan,
        tmp_path / "killed.sqlite",
        workers=2,
        backend="dask",
        scheduler=cluster.scheduler_address,
        on_progress=kill_one_worker,
    )
    assert killed, "the worker was never killed"
    assert result.computed == 2 * plan.replications  # each replication stored exactly once
    assert replications_csv(result) == replications_csv(reference)
