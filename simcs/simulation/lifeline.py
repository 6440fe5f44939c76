"""Worker processes die with their parent.

A worker blocked on a pipe or a lock never notices that the process that started it was killed
(`kill -9`, an out-of-memory kill, a closed terminal), and would live on, holding memory, for
ever. Every worker therefore binds its life to its parent's, twice over:

- on Linux, `prctl(PR_SET_PDEATHSIG, SIGKILL)`: the kernel kills the worker the moment its
  parent dies;
- everywhere, a daemon thread that ends the process when the parent is gone: on POSIX it checks
  `os.getppid()` a few times a second (an orphan is re-parented to init or a subreaper), on
  Windows it waits on the parent's process handle.

`bind_to_parent` is called in the local pool's initializer; a Dask worker of a LocalCluster
started by simcs runs this module as its preload (`dask_setup`).
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time
from typing import Any

#: prctl option: the signal a process receives when its parent dies (linux/prctl.h)
PR_SET_PDEATHSIG = 1
#: seconds between two checks of the watchdog thread
WATCH_SECONDS = 0.25
#: exit status of a worker that ended because its parent died
ORPHANED = 70

#: processes (by pid) already bound: a forked child inherits the list, not the binding
_bound: set[int] = set()


def _kernel_death_signal() -> None:
    """Ask Linux to SIGKILL this process when its parent dies (no-op elsewhere)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    except (OSError, AttributeError):  # no libc prctl: the watchdog still works
        pass


def _watch(parent_pid: int) -> None:
    if sys.platform == "win32":  # pragma: no cover - Windows keeps the dead parent's pid
        _wait_for_windows_process(parent_pid)
        os._exit(ORPHANED)
    while True:
        time.sleep(WATCH_SECONDS)
        if os.getppid() != parent_pid:
            os._exit(ORPHANED)


def _wait_for_windows_process(pid: int) -> None:  # pragma: no cover - Windows only
    """Return when process `pid` has ended (at once if it cannot be opened)."""
    synchronize, infinite = 0x00100000, 0xFFFFFFFF
    kernel32 = ctypes.WinDLL("kernel32")  # type: ignore[attr-defined]
    handle = kernel32.OpenProcess(synchronize, False, pid)
    if handle:
        kernel32.WaitForSingleObject(handle, infinite)
        kernel32.CloseHandle(handle)


def bind_to_parent(parent_pid: int | None = None) -> None:
    """End this process as soon as `parent_pid` (default: the current parent) is gone.

    Safe to call more than once; a parent already gone when it is called ends the process at
    once (the death signal would never come).
    """
    parent_pid = os.getppid() if parent_pid is None else parent_pid
    if os.getpid() in _bound:
        return
    _bound.add(os.getpid())
    _kernel_death_signal()
    if sys.platform != "win32" and os.getppid() != parent_pid:  # died before the signal was armed
        os._exit(ORPHANED)
    threading.Thread(target=_watch, args=(parent_pid,), name="simcs-lifeline", daemon=True).start()


def dask_setup(worker: Any) -> None:
    """Dask preload hook: bind the worker process to the process that started it (a
    LocalCluster's nanny lives in the simcs process itself)."""
    parent = os.environ.get("SIMCS_PARENT_PID")
    bind_to_parent(int(parent) if parent else None)
