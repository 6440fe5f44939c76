"""The workbench's jobs (`simcs.app.jobs`): a `simcs` command in its own process, its progress
counted from the store, its failure in the CLI's own words, and Ctrl-C keeping what finished."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from simcs.app import jobs
from simcs.reporting.results import STORE
from simcs.scenario.files import default_scenario_path, load_scenario, scenario_yaml, with_overrides


def _wait(job: jobs.Job, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not job.finished:
        assert time.monotonic() < deadline, job.messages()
        time.sleep(0.1)


def test_a_failing_command_shows_the_clis_message(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\n", encoding="utf-8")
    job = jobs.start("Run of bad", ["run", str(bad), "-n", "1"], tmp_path / "out", seed=0)
    _wait(job)
    assert not job.succeeded and job.process.returncode == 2
    assert f"error: {bad} is not valid" in job.messages()
    assert "population: required field is missing" in job.messages()
    assert job.done() == 0
    assert job.command_line == f"simcs run {bad} -n 1"


def test_a_run_counts_its_stored_replications(tmp_path: Path) -> None:
    small = with_overrides(load_scenario(default_scenario_path()), {"horizon_years": 1}, "small")
    scenario = tmp_path / "small.yaml"
    scenario.write_text(scenario_yaml(small), encoding="utf-8")
    out = tmp_path / "out"
    arguments = ["run", str(scenario), "-n", "2", "--seed", "3", "-w", "1", "--out", str(out)]
    job = jobs.start("Run of small", arguments, out, seed=3, total=2)
    _wait(job)
    assert job.succeeded, job.messages()
    assert job.done() == 2
    assert jobs.stored_replications(out / STORE, seed=4) == 0
    assert "Results written to" in job.output()
    assert job.seconds > 0


def test_the_count_of_a_missing_or_broken_store_is_zero(tmp_path: Path) -> None:
    assert jobs.stored_replications(tmp_path / "none.sqlite", 0) == 0
    broken = tmp_path / "broken.sqlite"
    broken.write_bytes(b"not a database")
    assert jobs.stored_replications(broken, 0) == 0
    empty = tmp_path / "empty.sqlite"
    sqlite3.connect(empty).close()
    assert jobs.stored_replications(empty, 0) == 0


def test_stopping_a_job_ends_it_like_ctrl_c(tmp_path: Path) -> None:
    out = tmp_path / "out"
    arguments = ["run", "-n", "400", "-w", "1", "--out", str(out)]
    job = jobs.start("Run of baseline", arguments, out, seed=0, total=400)
    deadline = time.monotonic() + 120
    while job.done() == 0:  # stop it mid-run, once a replication is kept
        assert time.monotonic() < deadline and not job.finished, job.messages()
        time.sleep(0.1)
    job.stop()
    assert job.finished and job.process.returncode == 130
    assert "interrupted: finished replications are kept" in job.messages()
    assert 1 <= job.done() < 400
