"""Resuming experiments: a real `python -m simcs experiment` killed mid-run (SIGKILL, or Ctrl-C
as SIGINT) keeps every replication it committed, and running the same command again computes
only the rest -- to the very same bytes as an uninterrupted run, whatever the number of workers.
A changed scenario never reuses old results; a finished experiment re-runs for free. A
`simcs run` is a one-variant experiment on the same engine and store: killed with SIGKILL (the
main process alone), it resumes to the same bytes too.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
BASELINE = ROOT / "scenarios" / "baseline.yaml"

REPLICATIONS = 8
VARIANTS = {"base": {}, "lean_support": {"staff.support.headcount": 3}}
TOTAL = REPLICATIONS * len(VARIANTS)
KILL_AFTER = 5  # committed replications before the kill
POLL_TIMEOUT = 60.0
RUN_TIMEOUT = 300.0
COMPARED = ("replications.csv", "comparisons.csv", "summary.json", "tradeoff.csv")
NOTE = re.compile(r"\((\d+) computed now, (\d+) found in the store\)")


def _write_experiment(folder: Path) -> Path:
    """A tiny scenario (~10% of the baseline's customers, two years) and an experiment on it."""
    folder.mkdir(parents=True, exist_ok=True)
    data = yaml.safe_load(BASELINE.read_text(encoding="utf-8"))
    data["name"] = "tiny_resume"
    data["horizon_years"] = 2
    data["warmup_years"] = 0
    for group in data["population"].values():
        group["initial_customers"] = max(2, round(group["initial_customers"] * 0.1))
        group["initial_arr_total"] = None
    (folder / "tiny.yaml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    experiment = {
        "name": "resume_test",
        "base": "tiny.yaml",
        "replications": REPLICATIONS,
        "seed": 4242,
        "reference": "base",
        "variants": VARIANTS,
    }
    path = folder / "experiment.yaml"
    path.write_text(yaml.safe_dump(experiment, sort_keys=False), encoding="utf-8")
    return path


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    return env


def _command(experiment: Path, out: Path, workers: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "simcs",
        "experiment",
        str(experiment),
        "--out",
        str(out),
        "--workers",
        str(workers),
    ]


def _run(experiment: Path, out: Path, workers: int = 1) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        _command(experiment, out, workers),
        cwd=out.parent,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, (done.returncode, done.stdout[-2000:], done.stderr[-2000:])
    return done


def _counts(done: subprocess.CompletedProcess[str]) -> tuple[int, int]:
    """(computed now, found in the store) as the command reports them."""
    found = NOTE.search(done.stdout + done.stderr)
    assert found, done.stdout[-2000:]
    return int(found.group(1)), int(found.group(2))


def _manifest(out: Path) -> dict[str, object]:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def _stored(db: Path) -> int | None:
    """Rows committed in the store, read-only, or None if it cannot be read yet."""
    if not db.exists():
        return None
    try:
        con = sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True, timeout=0.2)
        try:
            (count,) = con.execute("SELECT COUNT(*) FROM replications").fetchone()
        finally:
            con.close()
    except sqlite3.DatabaseError:  # database is locked, no such table yet, half-made file...
        return None
    return int(count)


def _stored_after_exit(db: Path) -> int:
    """Rows in the store left by a process that has ended (read-only: the crash state is left
    for the resumed run to recover)."""
    deadline = time.monotonic() + 10.0
    while (count := _stored(db)) is None:
        assert time.monotonic() < deadline, f"cannot read {db}"
        time.sleep(0.05)
    return count


def _interrupt(experiment: Path, out: Path, workers: int, sig: signal.Signals) -> tuple[int, str]:
    """Start the experiment, wait until KILL_AFTER replications are committed, send `sig`.

    Returns the exit code and stderr. The child runs in its own session (process group), so
    with several workers the whole run -- main process and workers -- can be killed at once.
    """
    db = out / "results.sqlite"
    proc = subprocess.Popen(
        _command(experiment, out, workers),
        cwd=out.parent,
        env=_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + POLL_TIMEOUT
        while True:
            count = _stored(db)
            if count is not None and count >= KILL_AFTER:
                break
            if proc.poll() is not None:
                pytest.fail(
                    f"the experiment ended (exit {proc.returncode}) before {KILL_AFTER} "
                    f"replications were stored: {proc.stderr.read() if proc.stderr else ''}"
                )
            if time.monotonic() > deadline:
                pytest.fail(
                    f"fewer than {KILL_AFTER} replications stored in {db} after "
                    f"{POLL_TIMEOUT:.0f} s (last count: {count})"
                )
            time.sleep(0.02)
        if sig == signal.SIGKILL and workers > 1:
            os.killpg(proc.pid, signal.SIGKILL)  # the main process and its workers
        else:
            os.kill(proc.pid, sig)
        _, stderr = proc.communicate(timeout=RUN_TIMEOUT)
        return proc.returncode, stderr
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@pytest.fixture(scope="module")
def experiment(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _write_experiment(tmp_path_factory.mktemp("experiment"))


@pytest.fixture(scope="module")
def reference(experiment: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The output folder of an uninterrupted run with one worker."""
    out = tmp_path_factory.mktemp("reference") / "out"
    done = _run(experiment, out)
    assert _counts(done) == (TOTAL, 0)
    manifest = _manifest(out)
    assert manifest["computed_this_run"] == TOTAL
    assert manifest["reused_from_store"] == 0
    assert _stored(out / "results.sqlite") == TOTAL
    return out


def _assert_same_results(out: Path, reference: Path) -> None:
    for name in COMPARED:
        assert (out / name).read_bytes() == (reference / name).read_bytes(), name


def _resume_and_check(
    experiment: Path, out: Path, reference: Path, workers: int, stored: int
) -> None:
    done = _run(experiment, out, workers)
    computed, found = _counts(done)
    assert found == stored, "every replication committed before the interruption is reused"
    assert computed == TOTAL - stored
    manifest = _manifest(out)
    assert manifest["computed_this_run"] == computed
    assert manifest["reused_from_store"] == found
    assert _stored(out / "results.sqlite") == TOTAL
    _assert_same_results(out, reference)


def test_sigkill_then_resume_gives_the_same_bytes(
    experiment: Path, reference: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    code, _ = _interrupt(experiment, out, 1, signal.SIGKILL)
    assert code == -signal.SIGKILL
    stored = _stored_after_exit(out / "results.sqlite")
    assert KILL_AFTER <= stored < TOTAL
    assert not (out / "replications.csv").exists()  # killed before writing results
    _resume_and_check(experiment, out, reference, 1, stored)


def test_ctrl_c_keeps_finished_replications_and_resumes(
    experiment: Path, reference: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    code, stderr = _interrupt(experiment, out, 1, signal.SIGINT)
    assert code == 130, stderr[-2000:]
    assert "interrupted: finished replications are kept" in stderr
    assert "Traceback" not in stderr
    stored = _stored_after_exit(out / "results.sqlite")
    assert KILL_AFTER <= stored < TOTAL
    _resume_and_check(experiment, out, reference, 1, stored)


def test_sigkill_with_two_workers_then_resume_matches_one_worker(
    experiment: Path, reference: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    code, _ = _interrupt(experiment, out, 2, signal.SIGKILL)
    assert code == -signal.SIGKILL
    stored = _stored_after_exit(out / "results.sqlite")
    assert KILL_AFTER <= stored < TOTAL
    _resume_and_check(experiment, out, reference, 2, stored)


def test_rerunning_a_finished_experiment_computes_nothing(
    experiment: Path, reference: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    shutil.copytree(reference, out)
    done = _run(experiment, out)
    assert _counts(done) == (0, TOTAL)
    manifest = _manifest(out)
    assert manifest["computed_this_run"] == 0
    assert manifest["reused_from_store"] == TOTAL
    assert manifest["variants"] == _manifest(reference)["variants"]
    _assert_same_results(out, reference)


def test_changed_scenario_never_mixes_with_old_results(reference: Path, tmp_path: Path) -> None:
    experiment = _write_experiment(tmp_path / "experiment")
    out = tmp_path / "out"
    shutil.copytree(reference, out)
    base = experiment.parent / "tiny.yaml"
    data = yaml.safe_load(base.read_text(encoding="utf-8"))
    data["population"]["15k_to_100k"]["cases_per_year"] = 18
    base.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    done = _run(experiment, out)
    assert _counts(done) == (TOTAL, 0)
    manifest = _manifest(out)
    assert manifest["computed_this_run"] == TOTAL
    assert manifest["reused_from_store"] == 0
    old_hashes = _manifest(reference)["variants"]
    assert isinstance(old_hashes, dict) and isinstance(manifest["variants"], dict)
    for variant, sha in manifest["variants"].items():
        assert sha != old_hashes[variant]
    assert (out / "replications.csv").read_bytes() != (reference / "replications.csv").read_bytes()
    assert (out / "comparisons.csv").read_bytes() != (reference / "comparisons.csv").read_bytes()
    # the old results are still there, under the old scenario, next to the new ones
    assert _stored(out / "results.sqlite") == 2 * TOTAL
    # and changing the file back finds them again
    data["population"]["15k_to_100k"]["cases_per_year"] = 12
    base.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    back = _run(experiment, out)
    assert _counts(back) == (0, TOTAL)
    _assert_same_results(out, reference)


# ----------------------------------------------------------------------------- simcs run

RUN_REPLICATIONS = 8
RUN_KILL_AFTER = 3
RUN_COMPARED = ("replications.csv", "timeseries.csv", "summary.json", "scenario.yaml")


def _run_command(scenario: Path, out: Path, workers: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "simcs",
        "run",
        str(scenario),
        "-n",
        str(RUN_REPLICATIONS),
        "-s",
        "31",
        "-w",
        str(workers),
        "-o",
        str(out),
    ]


def _simcs_run(scenario: Path, out: Path, workers: int) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        _run_command(scenario, out, workers),
        env=_env(),
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, (done.returncode, done.stdout[-2000:], done.stderr[-2000:])
    return done


@pytest.fixture(scope="module")
def run_reference(experiment: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder of an uninterrupted `simcs run` with one worker."""
    out = tmp_path_factory.mktemp("run_reference") / "out"
    done = _simcs_run(experiment.parent / "tiny.yaml", out, 1)
    assert f"{RUN_REPLICATIONS} computed now, 0 found in the store" in done.stdout
    return out


def test_a_killed_simcs_run_resumes_to_the_same_bytes(
    experiment: Path, run_reference: Path, tmp_path: Path
) -> None:
    """kill -9 of a 2-worker `simcs run` process alone (its workers die with it), then the same
    command again: only the missing replications are computed, and every file is the same
    bytes as an uninterrupted 1-worker run's."""
    workers = 2
    scenario = experiment.parent / "tiny.yaml"
    out = tmp_path / "out"
    db = out / "results.sqlite"
    proc = subprocess.Popen(
        _run_command(scenario, out, workers),
        env=_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + POLL_TIMEOUT
        while (_stored(db) or 0) < RUN_KILL_AFTER:
            assert proc.poll() is None, "the run ended before it could be killed"
            assert time.monotonic() < deadline, "too few replications stored"
            time.sleep(0.02)
        os.kill(proc.pid, signal.SIGKILL)
        assert proc.wait(timeout=RUN_TIMEOUT) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    stored = _stored_after_exit(db)
    assert RUN_KILL_AFTER <= stored < RUN_REPLICATIONS
    assert not (out / "replications.csv").exists()  # result files only at the end
    done = _simcs_run(scenario, out, workers)
    assert f"{RUN_REPLICATIONS - stored} computed now, {stored} found in the store" in done.stdout
    manifest = _manifest(out)
    assert (manifest["computed_this_run"], manifest["reused_from_store"]) == (
        RUN_REPLICATIONS - stored,
        stored,
    )
    for name in RUN_COMPARED:
        assert (out / name).read_bytes() == (run_reference / name).read_bytes(), name
