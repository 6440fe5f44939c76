"""Runs, comparisons and sizings as `simcs` commands in a process of their own.

The workbench starts the very command a user would type (`simcs run SCENARIO -n 5 --out
FOLDER`) with this Python, so it goes through the one execution engine, keeps every finished
replication in FOLDER/results.sqlite as it arrives (the same command again resumes), and fails
with the command line's own message (the command's stderr, shown on the page). The page never
waits on it: it polls `Job.finished` and counts the replications stored so far (`Job.done`).
Stopping sends the command Ctrl-C (SIGINT): it ends its workers and keeps what finished.
"""

from __future__ import annotations

import os
import shlex
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from simcs.cli.options import INTERRUPTED_EXIT
from simcs.reporting.results import STORE

#: what a job's command prints, beside its results
OUTPUT = "app-output.txt"
MESSAGES = "app-messages.txt"
#: the most of a job's output the page shows (its last characters)
SHOWN_CHARACTERS = 20_000


@dataclass
class Job:
    """One `simcs` command running (or finished) in `folder`."""

    title: str
    folder: Path
    arguments: list[str]
    seed: int
    total: int | None
    process: subprocess.Popen[bytes]
    started: float = field(default_factory=time.monotonic)
    ended: float | None = None

    @property
    def finished(self) -> bool:
        """Whether the command has ended (successfully or not); the first call that sees it
        ended records when."""
        if self.process.poll() is None:
            return False
        if self.ended is None:
            self.ended = time.monotonic()
        return True

    @property
    def succeeded(self) -> bool:
        return self.finished and self.process.returncode == 0

    @property
    def interrupted(self) -> bool:
        """Stopped by Ctrl-C (`Job.stop`): the command kept its finished replications."""
        return self.finished and self.process.returncode == INTERRUPTED_EXIT

    @property
    def seconds(self) -> float:
        """Seconds since the command started (to its end once finished)."""
        return (self.ended if self.finished and self.ended else time.monotonic()) - self.started

    @property
    def command_line(self) -> str:
        """The command as a user would type it."""
        return shlex.join(["simcs", *self.arguments])

    def done(self) -> int:
        """Replications of this job's seed stored so far (0 before the store exists)."""
        return stored_replications(self.folder / STORE, self.seed)

    def output(self) -> str:
        """What the command printed on stdout (its tables), the last characters."""
        return _tail(self.folder / OUTPUT)

    def messages(self) -> str:
        """What the command printed on stderr: its start line, warnings, its error."""
        return _tail(self.folder / MESSAGES)

    def stop(self, grace_seconds: float = 10.0) -> None:
        """Ctrl-C the command (it keeps finished replications); kill it if it lingers."""
        if self.finished:
            return
        try:
            os.killpg(self.process.pid, signal.SIGINT)
            self.process.wait(grace_seconds)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def start(
    title: str, arguments: list[str], folder: Path, seed: int, total: int | None = None
) -> Job:
    """Start `simcs ARGUMENTS` in its own process group, its output kept in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    environment = {**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "160", "NO_COLOR": "1"}
    with (folder / OUTPUT).open("wb") as out, (folder / MESSAGES).open("wb") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "simcs", *arguments],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            cwd=folder,
            env=environment,
            start_new_session=True,
        )
    return Job(title, folder, arguments, seed, total, process)


def stored_replications(store: Path, seed: int) -> int:
    """How many replications of `seed` the store at `store` holds (read-only; 0 if none)."""
    if not store.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=1) as db:
            (count,) = db.execute(
                "SELECT COUNT(*) FROM replications WHERE seed = ?", (seed,)
            ).fetchone()
        return int(count)
    except sqlite3.Error:
        return 0


def _tail(path: Path) -> str:
    if not path.exists():
        return ""
    with path.open("rb") as stream:
        stream.seek(max(0, path.stat().st_size - SHOWN_CHARACTERS))
        return stream.read().decode("utf-8", errors="replace")
