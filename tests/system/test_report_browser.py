"""The report in a real browser: Debian's headless Chromium opens report.html offline, every
image loads, nothing is logged to the console as an error, and a screenshot is saved.

Chromium is a system package (`tests/system/chromium.py`): skipped without it, except in CI.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
from pathlib import Path

import simcs
from simcs.reporting.report import build_report
from simcs.reporting.run_files import write_run
from simcs.scenario import Scenario
from tests.conftest import shrink
from tests.system.chromium import CHROMIUM, FLAGS, needs_chromium

pytestmark = needs_chromium

#: the command line's own headless mode, logging to stderr, a time budget for the page
REPORT_FLAGS = [
    "--headless",
    *FLAGS,
    "--enable-logging=stderr",
    "--v=0",
    "--virtual-time-budget=5000",
]


def _chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    return subprocess.run(
        [CHROMIUM, *REPORT_FLAGS, f"--user-data-dir={tmp_path / 'profile'}", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_report_opens_in_chromium_with_every_image(baseline: Scenario, tmp_path: Path) -> None:
    scenario = shrink(baseline, 20, 2)
    run = simcs.run(scenario, replications=2, seed=1, workers=1)
    folder = tmp_path / "run"
    write_run(run, folder)
    report = build_report(folder)
    images = len(re.findall(r"<img ", report.read_text(encoding="utf-8")))
    assert images > 5
    page = _chromium(tmp_path, "--dump-dom", report.as_uri())
    assert page.returncode == 0, page.stderr[-2000:]
    assert f'data-images-loaded="{images}/{images}"' in page.stdout
    # the group sections render, groups by their labels
    assert "Results by customer group" in page.stdout
    assert "Customers served and re-tiered" in page.stdout
    assert all(
        f"<td>{html.escape(g.label)}</td>" in page.stdout for g in scenario.population.values()
    )
    console = [line for line in page.stderr.splitlines() if "CONSOLE" in line]
    assert not [line for line in console if "rror" in line or "Uncaught" in line], console
    shot = tmp_path / "report.png"
    _chromium(tmp_path, "--window-size=1200,2400", f"--screenshot={shot}", report.as_uri())
    assert shot.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    saved = Path(os.environ.get("SIMCS_SCREENSHOTS", tmp_path))
    saved.mkdir(parents=True, exist_ok=True)
    shutil.copy(shot, saved / "report_run.png")
