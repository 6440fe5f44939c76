"""Debian's headless Chromium for the browser tests (the report, the workbench): where it is,
the flags it needs on this machine (no sandbox as root, no background network: the machine's
network is closed), and the marker that skips a test without it.

Chromium is a system package, not a Python one: `.ci/run` installs it, and CI must run these
tests (CI set and no chromium is an error); on a machine with only Python and pip they are
skipped, saying why.
"""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

if CHROMIUM is None and os.environ.get("CI"):
    raise RuntimeError("CI must run the browser tests: install Debian's chromium (.ci/run does)")

needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="needs Debian's chromium (headless); .ci/run installs it"
)

#: flags for any headless start on this machine
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
