"""The workbench in a real browser: `simcs app` is started as a user starts it and driven in
Debian's headless Chromium by Playwright (its Python package drives the system browser; it
downloads none).

One walk through the app, as a strategy team would: load it, run the baseline, cut the support
desk on the Scenario page, run again and see the summary table change, download the edited
scenario and check it validates, compare it with the loaded scenario and read the headline,
upload a broken file and read the CLI's message; then the Plan and Learn pages. A screenshot of
every page is kept in the test's temp folder (screenshots/). Chromium is a system package
(`tests/system/chromium.py`): skipped without it, except in CI.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright import sync_api  # the test extra includes Playwright and the app extra

from simcs.scenario.files import load_scenario
from tests.system.chromium import CHROMIUM, FLAGS, needs_chromium

pytestmark = needs_chromium
#: seconds a simulation job may take on a loaded 2-core machine before the test gives up
JOB_SECONDS = 240


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """`simcs app` on a free loopback port, its results in a temp folder."""
    folder = tmp_path_factory.mktemp("app")
    port = _free_port()
    log = (folder / "app.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "simcs", "app", "--port", str(port), "--results", str(folder)],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                if answer.status == 200:
                    break
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError((folder / "app.log").read_text())
        time.sleep(0.3)
    yield url, folder
    os.killpg(process.pid, 15)
    process.wait(20)
    log.close()


def _table_row(page: sync_api.Page, first_cell: str) -> str:
    """The text of the first table row that starts with `first_cell`."""
    row = page.locator("tr", has=page.locator("td", has_text=first_cell)).first
    return row.inner_text()


def _wait_done(page: sync_api.Page, title: str) -> None:
    """Wait for the job just started to show its progress, then its results."""
    page.get_by_text("Running simcs").first.wait_for()
    page.get_by_text(f"{title}: done in").wait_for(timeout=JOB_SECONDS * 1000)


def _go(page: sync_api.Page, name: str, heading: str | None = None) -> None:
    page.get_by_role("link", name=name, exact=True).click()
    page.get_by_role("heading", name=heading or name, exact=True).first.wait_for()


def test_a_strategy_team_edits_runs_and_compares_in_the_browser(
    app_url: tuple[str, Path], tmp_path: Path
) -> None:
    url, results = app_url
    shots = tmp_path / "screenshots"
    shots.mkdir()
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
        page.set_default_timeout(60_000)
        page.goto(url)
        page.get_by_role("heading", name="Levers").wait_for()
        page.screenshot(path=shots / "scenario.png", full_page=True)

        # the loaded scenario, run as it is
        _go(page, "Run")
        page.get_by_role("spinbutton", name="Replications").fill("2")
        page.get_by_role("spinbutton", name="Replications").press("Enter")
        page.get_by_role("button", name="Run the scenario").click()
        _wait_done(page, "Run of baseline")
        before = _table_row(page, "All customers")

        # cut the support desk to two agents
        _go(page, "Scenario")
        agents = page.get_by_role("spinbutton", name="Support agents (people)")
        assert agents.input_value() == "6"
        agents.fill("2")
        page.get_by_role("button", name="Apply changes").click()
        page.get_by_text("change(s) from the loaded scenario").wait_for()
        page.get_by_text("staff.support.headcount: 6 → 2").wait_for()
        with page.expect_download() as download:
            page.get_by_role("button", name="Download the scenario as YAML").click()
        saved = tmp_path / "edited.yaml"
        download.value.save_as(saved)
        assert load_scenario(saved).staff.support.headcount == 2

        # the same run again: the desk's figures change
        _go(page, "Run")
        page.get_by_role("button", name="Run the scenario").click()
        _wait_done(page, "Run of baseline")
        after = _table_row(page, "All customers")
        assert after != before
        page.screenshot(path=shots / "run.png", full_page=True)
        assert len(list((results / "runs").iterdir())) == 2  # one folder per scenario

        # the edit against the loaded scenario, paired
        _go(page, "Compare")
        page.get_by_role("spinbutton", name="Replications per scenario").fill("2")
        page.get_by_role("spinbutton", name="Replications per scenario").press("Enter")
        page.get_by_role("button", name="Compare", exact=True).click()
        _wait_done(page, "Comparison of baseline_edited with baseline")
        page.get_by_text("baseline_edited vs baseline").first.wait_for()
        page.screenshot(path=shots / "compare.png", full_page=True)

        # a broken upload: the CLI's message, nothing run
        _go(page, "Scenario")
        broken = tmp_path / "broken.yaml"
        broken.write_text("name: x\ntiers: [\n", encoding="utf-8")
        page.locator("input[type=file]").set_input_files(broken)
        page.get_by_role("button", name="Load the uploaded file").click()
        page.get_by_text("error: broken.yaml is not valid").wait_for()
        page.get_by_text("not valid YAML").first.wait_for()

        _go(page, "Plan")
        page.get_by_text("Capacity: the analytic answer").wait_for()
        page.screenshot(path=shots / "plan.png", full_page=True)
        _go(page, "Learn", "Learn: the support desk")
        page.get_by_text("The utilisation trap").first.wait_for()
        page.locator("img").first.wait_for()
        page.screenshot(path=shots / "learn.png", full_page=True)
        browser.close()
    assert sorted(p.name for p in shots.iterdir()) == [
        "compare.png",
        "learn.png",
        "plan.png",
        "run.png",
        "scenario.png",
    ]
