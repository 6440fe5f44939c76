"""A killed `simcs` leaves no worker processes behind.

A real `python -m simcs compare ... -w 2` is started; once its workers exist (found through
/proc: the processes whose parent is the command, recorded before the kill) and are busy, the
command alone is killed with SIGKILL -- not its process group, as an out-of-memory kill or a
`kill -9 PID` would. Every worker must be gone a few seconds later, with the local pool and with
a Dask LocalCluster. (Without the binding of `simcs.simulation.lifeline` the local workers stay
blocked on their pipe for ever; `tests/unit/test_backends.py` shows an unbound orphan lives on.)
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BASELINE = ROOT / "scenarios" / "baseline.yaml"
pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")

WORKERS = 2
START_TIMEOUT = 60.0
GONE_WITHIN = 10.0  # "a few seconds": generous for a loaded CI machine


def _stat(pid: int) -> list[str] | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def _alive(pid: int) -> bool:
    fields = _stat(pid)
    return fields is not None and fields[0] != "Z"


def _descendants(root: int) -> set[int]:
    """Live processes below `root` (children, their children, ...)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat(int(entry.name))) and fields[0] != "Z":
            parents[int(entry.name)] = int(fields[1])
    found: set[int] = set()
    frontier = {root}
    while frontier:
        frontier = {pid for pid, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _workers(pids: set[int]) -> set[int]:
    """The simulation workers among `pids` (not multiprocessing's resource tracker)."""
    out = set()
    for pid in pids:
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        if b"resource_tracker" not in command:
            out.add(pid)
    return out


def _kill_parent_and_check(backend: str, tmp_path: Path) -> None:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    command = [
        sys.executable,
        "-m",
        "simcs",
        "compare",
        str(BASELINE),
        str(BASELINE),
        "-n",
        "20",
        "-w",
        str(WORKERS),
        "--backend",
        backend,
        "-o",
        str(tmp_path / "out"),
    ]
    parent = subprocess.Popen(
        command,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # so the test can clean up whatever is left
    )
    family: set[int] = set()
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while len(_workers(_descendants(parent.pid))) < WORKERS:
            if parent.poll() is not None:
                pytest.fail(f"simcs ended early: {parent.stderr.read() if parent.stderr else ''}")
            assert time.monotonic() < deadline, "the workers never started"
            time.sleep(0.1)
        time.sleep(1.5)  # they are now busy with replications (or blocked waiting for work)
        family = _descendants(parent.pid)
        assert len(_workers(family)) >= WORKERS
        parent.send_signal(signal.SIGKILL)  # the command alone, not its process group
        parent.wait(timeout=10)
        deadline = time.monotonic() + GONE_WITHIN
        while (alive := {p for p in family if _alive(p)}) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not alive, f"processes left behind by a killed simcs ({backend}): {alive}"
    finally:
        for pid in family | {parent.pid}:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
        if parent.poll() is None:
            parent.kill()
            parent.wait()


def test_a_killed_compare_leaves_no_local_workers(tmp_path: Path) -> None:
    _kill_parent_and_check("local", tmp_path)


def test_a_killed_compare_leaves_no_dask_workers(tmp_path: Path) -> None:
    _kill_parent_and_check("dask", tmp_path)  # dask is in the test extra: no skip
