"""Regenerate docs/img/workbench.png, the README's picture of the workbench: `simcs app` on a
free port, Enterprise cut from 12 CSMs to 8 on the Scenario page, compared with the baseline
(6 replications each). Needs the app and test extras and Debian's chromium:

    python docs/img/make_screenshot.py
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

OUT = Path(__file__).with_name("workbench.png")
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


def main() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    results = tempfile.mkdtemp()
    server = subprocess.Popen(
        [sys.executable, "-m", "simcs", "app", "--port", str(port), "--results", results],
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"{url}/_stcore/health", timeout=2)
                break
            except OSError:
                time.sleep(0.3)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
            page = browser.new_page(viewport={"width": 1280, "height": 1500})
            page.set_default_timeout(300_000)
            page.goto(url)
            csms = page.get_by_role("spinbutton", name="CSMs: Enterprise (people)")
            csms.fill("8")
            page.get_by_role("button", name="Apply changes").click()
            page.get_by_text("change(s) from the loaded scenario").wait_for()
            page.get_by_role("link", name="Compare", exact=True).click()
            field = page.get_by_role("spinbutton", name="Replications per scenario")
            field.fill("6")
            field.press("Enter")
            page.get_by_role("button", name="Compare", exact=True).click()
            page.get_by_text("Running simcs").first.wait_for()
            page.get_by_text("done in").wait_for()
            page.locator("img").first.wait_for()
            page.wait_for_timeout(1500)
            page.screenshot(path=OUT)
            browser.close()
    finally:
        os.killpg(server.pid, 15)
        server.wait()
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
