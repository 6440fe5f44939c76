"""Two simcs processes on one results folder: the second is turned away, nothing is corrupted.

While a `simcs run` works in a folder it holds the folder's lock (`simcs.simulation.lock`): a
second command on the same folder exits 2 at once with one line naming the folder and the pid
in the way, and writes nothing; the first finishes with every replication stored exactly once.
The lock goes with its process, so a third command afterwards finds everything done. The store
itself refuses a folder held by another process, and the lock of a killed process is free.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import yaml

from simcs.reporting.results import STORE
from simcs.simulation.lock import LOCK_FILE, FolderInUse, hold_folder
from simcs.simulation.store import ResultStore

ROOT = Path(__file__).resolve().parents[2]
BASELINE = ROOT / "scenarios" / "baseline.yaml"
REPLICATIONS = 20
TIMEOUT = 120.0


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    return env


def _tiny(folder: Path) -> Path:
    """~10% of the baseline's customers over two years: ~0.2 s a replication."""
    data = yaml.safe_load(BASELINE.read_text(encoding="utf-8"))
    data["name"] = "tiny_concurrent"
    data["horizon_years"] = 2
    data["warmup_years"] = 0
    for group in data["population"].values():
        group["initial_customers"] = max(2, round(group["initial_customers"] * 0.1))
        group["initial_arr_total"] = None
    path = folder / "tiny.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def _stored(db: Path) -> int:
    try:
        con = sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True, timeout=0.2)
        try:
            return int(con.execute("SELECT COUNT(*) FROM replications").fetchone()[0])
        finally:
            con.close()
    except sqlite3.DatabaseError:
        return 0


def _holder_pid(folder: Path) -> int | None:
    try:
        text = (folder / LOCK_FILE).read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


def test_a_second_run_on_a_busy_folder_is_turned_away(tmp_path: Path) -> None:
    scenario = _tiny(tmp_path)
    out = tmp_path / "out"
    args = [sys.executable, "-m", "simcs", "run", str(scenario), "-n", str(REPLICATIONS)]
    args += ["-w", "1", "-o", str(out)]
    first = subprocess.Popen(
        args, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + TIMEOUT
        while _holder_pid(out) != first.pid:  # the first holds the folder
            assert first.poll() is None, first.communicate()
            assert time.monotonic() < deadline
            time.sleep(0.05)
        second = subprocess.run(
            args, env=_env(), capture_output=True, text=True, timeout=TIMEOUT, check=False
        )
        assert first.poll() is None, "the first run ended before the second was tried"
        assert second.returncode == 2, (second.stdout, second.stderr)
        assert "Traceback" not in second.stderr
        errors = [line for line in second.stderr.splitlines() if line.startswith("error:")]
        assert errors == [
            f"error: {out} is in use by another simcs process (pid {first.pid}); wait for it "
            "to finish or choose another --out"
        ]
        stdout, stderr = first.communicate(timeout=TIMEOUT)
        assert first.returncode == 0, stderr
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
    assert f"{REPLICATIONS} computed now, 0 found in the store" in stdout
    # every replication stored once, written once
    assert _stored(out / STORE) == REPLICATIONS
    with (out / "replications.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    keys = [(r["replication"], r["year"], r["tier"], r["metric"]) for r in rows]
    assert len(keys) == len(set(keys))
    assert {int(r["replication"]) for r in rows} == set(range(REPLICATIONS))
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert (manifest["computed_this_run"], manifest["reused_from_store"]) == (REPLICATIONS, 0)
    # the lock went with the first process: the same command now finds everything done
    before = (out / "replications.csv").read_bytes()
    again = subprocess.run(
        args, env=_env(), capture_output=True, text=True, timeout=TIMEOUT, check=False
    )
    assert again.returncode == 0, again.stderr
    assert f"0 computed now, {REPLICATIONS} found in the store" in again.stdout
    assert (out / "replications.csv").read_bytes() == before


_HOLDER = textwrap.dedent(
    """
    import sys, time
    from simcs.simulation.lock import hold_folder
    with hold_folder(sys.argv[1]):
        print("held", flush=True)
        time.sleep(60)
    """
)


def _holder(folder: Path) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(folder)],
        env=_env(),
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    return proc


def test_the_store_refuses_a_folder_held_elsewhere_and_a_dead_holder_frees_it(
    tmp_path: Path,
) -> None:
    holder = _holder(tmp_path)
    try:
        with pytest.raises(FolderInUse) as caught:
            ResultStore(tmp_path / STORE)
        assert caught.value.pid == holder.pid
        assert f"(pid {holder.pid})" in str(caught.value)
        assert not (tmp_path / STORE).exists()
    finally:
        holder.send_signal(signal.SIGKILL)  # no clean-up runs: the OS lets go of the lock
        holder.wait()
    with ResultStore(tmp_path / STORE) as store:
        assert store.done("a" * 64, "base", 0) == set()
    assert (tmp_path / LOCK_FILE).exists()


def test_the_lock_is_re_entrant_within_a_process(tmp_path: Path) -> None:
    with hold_folder(tmp_path):
        with hold_folder(tmp_path), ResultStore(tmp_path / STORE) as store:
            store.put("a" * 64, "base", 0, 0, [(0, 1, "all", "grr", 0.5)])
        # still held after the inner holds are given back
        child = subprocess.run(
            [sys.executable, "-c", _HOLDER.replace("time.sleep(60)", "pass"), str(tmp_path)],
            env=_env(),
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )
        assert child.returncode != 0 and "FolderInUse" in child.stderr
    done = subprocess.run(
        [sys.executable, "-c", _HOLDER.replace("time.sleep(60)", "pass"), str(tmp_path)],
        env=_env(),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
