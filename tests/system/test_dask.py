"""The Dask backend: same bytes as one local worker, and a killed worker loses nothing.

A LocalCluster of 2 worker processes on loopback runs a small experiment; its results (rows and
monthly series) must be byte-identical to the same experiment on 1 local worker. Then a worker is
killed (SIGKILL) while replications are running: Dask reruns its tasks elsewhere, and every
replication is stored exactly once. `simcs run --backend dask`, on that cluster (`--scheduler`)
or on a LocalCluster of its own, writes the same files as a local run.
"""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from dask.distributed import Client, LocalCluster

from simcs.cli import main
from simcs.experiments.design import Experiment
from simcs.experiments.run import run_experiment
from simcs.reporting.experiment_files import comparisons_csv, replications_csv, timeseries_csv
from simcs.scenario import Scenario
from simcs.scenario.files import with_overrides
from tests.conftest import scenario_path, shrink


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
    assert timeseries_csv(dask) == timeseries_csv(local)


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


def test_simcs_run_on_dask_writes_the_same_files_as_a_local_run(
    cluster: LocalCluster, tmp_path: Path
) -> None:
    data = yaml.safe_load(scenario_path("baseline").read_text(encoding="utf-8"))
    data["name"] = "dask_run"
    data["horizon_years"] = 1
    for group in data["population"].values():
        group["initial_customers"] = max(2, group["initial_customers"] // 10)
        group["initial_arr_total"] = None
    scenario = tmp_path / "small.yaml"
    scenario.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    outs = {
        "local": ["-w", "1"],
        "scheduler": ["-w", "2", "--backend", "dask", "--scheduler", cluster.scheduler_address],
        "own_cluster": ["-w", "2", "--backend", "dask"],
    }
    for name, options in outs.items():
        result = CliRunner().invoke(
            main, ["run", str(scenario), "-n", "4", "-s", "8", "-o", str(tmp_path / name), *options]
        )
        assert result.exit_code == 0, (name, result.stderr, result.exception)
    for name in ("replications.csv", "timeseries.csv", "summary.json"):
        local = (tmp_path / "local" / name).read_bytes()
        assert (tmp_path / "scheduler" / name).read_bytes() == local, name
        assert (tmp_path / "own_cluster" / name).read_bytes() == local, name
    manifest = json.loads((tmp_path / "own_cluster" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["backend"] == "dask" and manifest["computed_this_run"] == 4
