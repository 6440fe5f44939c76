"""One simcs process at a time in a results folder.

Two commands writing the same folder at once would interleave their result files and compete
for the store. The folder's lock file (`.simcs.lock`) is held with an exclusive advisory lock
(`flock` on POSIX, `msvcrt.locking` on Windows) for as long as a command works there; the
operating system lets go of it when the process ends, however it ends, so a killed run never
leaves a stale lock behind. The file records the holder's pid, so a second process can say who
is in the way.

Within one process the lock is re-entrant: a command holds its folder and the store it opens
there takes the same lock again without blocking itself.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

#: the lock file in a results folder
LOCK_FILE = ".simcs.lock"


class FolderInUse(Exception):
    """Another process holds the folder's lock."""

    def __init__(self, folder: Path, pid: int | None) -> None:
        super().__init__(folder, pid)
        self.folder = folder
        self.pid = pid

    def __str__(self) -> str:
        who = f" (pid {self.pid})" if self.pid is not None else ""
        return (
            f"{self.folder} is in use by another simcs process{who}; wait for it to finish or "
            "choose another --out"
        )


def _try_lock(handle: IO[str]) -> bool:
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        import msvcrt

        try:
            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _holder(path: Path) -> int | None:
    try:
        text = path.read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


@dataclass
class _Held:
    handle: IO[str]  # the open lock file: closing it lets go of the lock
    pid: int  # the process that took it (a forked child inherits this table, not the lock)
    count: int  # times taken and not yet given back


#: the folders (resolved) whose lock this process holds
_held: dict[Path, _Held] = {}


@contextmanager
def hold_folder(folder: str | Path) -> Iterator[Path]:
    """Hold `folder`'s lock (the folder is created if needed) or raise `FolderInUse`."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    key = Path(os.path.realpath(folder))
    held = _held.get(key)
    if held is not None and held.pid == os.getpid():
        held.count += 1
    else:
        path = folder / LOCK_FILE
        handle = open(path, "a+", encoding="utf-8")  # noqa: SIM115 - held past this block
        if not _try_lock(handle):
            handle.close()
            raise FolderInUse(folder, _holder(path))
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        held = _held[key] = _Held(handle, os.getpid(), 1)
    try:
        yield folder
    finally:
        held.count -= 1
        if held.count == 0:
            del _held[key]
            held.handle.close()
