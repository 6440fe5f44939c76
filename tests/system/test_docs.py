"""The documentation: reference pages current, site builds strictly, every example runs.

Examples are the fenced blocks of the hand-written pages, run in order, one fresh folder per
page holding copies of `scenarios/` and `experiments/`:
- `bash` blocks run in bash (`set -euo pipefail`), `simcs` and `dask` being the CLIs of the
  Python running the tests (this checkout's simcs);
- `python` blocks run in one namespace per page;
- `yaml` blocks must parse; one whose first line is `# file: NAME` is written to NAME;
- an `output` block right after a `bash` or `python` block: each of its lines (but `...`)
  must appear in what that block printed;
- a block whose first line is `# not run by the tests: REASON` is skipped (REASON required).
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from simcs.catalogue import METRICS
from simcs.cli import cli_docs
from simcs.cli import docs as docs_reference
from simcs.experiments.robustness import UNCERTAIN
from simcs.scenario import Scenario

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
GENERATED = {DOCS / "reference" / name for name in docs_reference.PAGES}
PAGES = sorted(p for p in DOCS.rglob("*.md") if p not in GENERATED)
SKIP = "# not run by the tests:"
FENCE = re.compile(r"^```(\w*)[^\n]*\n(.*?)^```\s*$", re.M | re.S)


@dataclass
class Block:
    language: str
    code: str
    line: int


def blocks(page: Path) -> list[Block]:
    text = page.read_text(encoding="utf-8")
    return [
        Block(m.group(1), m.group(2), text.count("\n", 0, m.start()) + 1)
        for m in FENCE.finditer(text)
    ]


def test_reference_pages_are_current(tmp_path: Path) -> None:
    for path in docs_reference.write(tmp_path):
        committed = DOCS / "reference" / path.name
        assert committed.read_text(encoding="utf-8") == path.read_text(encoding="utf-8"), (
            f"{committed} is stale: run python -m simcs.cli.docs docs/reference"
        )


def test_every_scenario_field_has_unit_and_source() -> None:
    fields = docs_reference.leaf_fields(Scenario)
    assert len(fields) > 100
    for f in fields:
        assert f.source, f"{f.path}: no source"
        assert f.description or f.path.endswith(("name", "alpha", "beta")), f.path
        if f.type.startswith(("number", "integer")):
            assert f.unit, f"{f.path}: numeric field without a unit"


def test_plausible_ranges_are_the_ones_robustness_varies() -> None:
    documented = {f.path: f.plausible for f in docs_reference.leaf_fields(Scenario) if f.plausible}
    varied = {path: f"{low:g} to {high:g}" for path, (low, high) in UNCERTAIN.items()}
    assert documented == varied


def test_every_cli_option_and_argument_is_explained() -> None:
    commands = cli_docs.command_docs()
    assert {name for name, *_ in commands} >= {"run", "experiment", "size", "trace", "schema"}
    for name, _usage, help_text, options in commands:
        assert help_text, name
        for option, meaning in options:
            assert meaning and not meaning.startswith("["), f"simcs {name} {option}"


def test_every_metric_is_documented() -> None:
    text = (DOCS / "reference" / "metrics.md").read_text(encoding="utf-8")
    missing = [m for m in METRICS if f"`{m}`" not in text and not _covered_by_pattern(m, text)]
    assert not missing, missing


def _covered_by_pattern(metric: str, text: str) -> bool:
    for prefix in (
        "cost_per_customer_",
        "support_wait_within_",
        "headcount_",
        "productive_fte_",
        "hires_",
    ):
        if metric.startswith(prefix) and f"`{prefix}" in text:
            return True
    return False


def test_site_builds_strictly(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "reference" / "scenario" / "index.html").exists()


def test_every_page_is_in_the_navigation() -> None:
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    for page in DOCS.rglob("*.md"):
        assert page.relative_to(DOCS).as_posix() in config, page


def test_there_are_examples() -> None:
    runnable = [b for p in PAGES for b in blocks(p) if b.language in ("bash", "python")]
    assert len(runnable) >= 20


def _workspace(tmp_path: Path) -> Path:
    for folder in ("scenarios", "experiments", "examples"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    _commands(tmp_path / ".bin")
    return tmp_path


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env["COLUMNS"] = "120"
    return env


def _commands(folder: Path) -> Path:
    """`simcs` and `dask` as executables of the Python running the tests (exec'd, so that a
    background job's `$!` is the process itself and `kill $!` stops it)."""
    folder.mkdir()
    for name in ("simcs", "dask"):
        path = folder / name
        path.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m {name} "$@"\n')
        path.chmod(0o755)
    return folder


def _run_bash(code: str, cwd: Path, where: str) -> str:
    env = _env()
    env["PATH"] = os.pathsep.join([str(cwd / ".bin"), env["PATH"]])
    done = subprocess.run(
        ["bash", "-c", "set -euo pipefail\n" + code],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, f"{where} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout + done.stderr


def _run_python(code: str, namespace: dict[str, object], cwd: Path, where: str) -> str:
    out = io.StringIO()
    old = Path.cwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(code, where, "exec"), namespace)
    finally:
        os.chdir(old)
    return out.getvalue()


def _check_output(expected: str, printed: str, where: str) -> None:
    for line in expected.splitlines():
        wanted = line.strip()
        if wanted and wanted != "...":
            assert wanted in printed, f"{where}: {wanted!r} not printed; got:\n{printed}"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(DOCS).as_posix())
def test_page_examples_run(page: Path, tmp_path: Path) -> None:
    cwd = _workspace(tmp_path)
    namespace: dict[str, object] = {"__name__": "__docs__"}
    printed: str | None = None
    for block in blocks(page):
        where = f"{page.relative_to(ROOT)}:{block.line}"
        first = block.code.splitlines()[0] if block.code.strip() else ""
        if first.startswith(SKIP):
            assert first[len(SKIP) :].strip(), f"{where}: say why it is not run"
            printed = None
            continue
        if block.language == "bash":
            printed = _run_bash(block.code, cwd, where)
        elif block.language == "python":
            printed = _run_python(block.code, namespace, cwd, where)
        elif block.language == "output":
            assert printed is not None, f"{where}: an output block follows no example"
            _check_output(block.code, printed, where)
            printed = None
        elif block.language == "yaml":
            yaml.safe_load(block.code)
            match = re.match(r"# file: (\S+)", first)
            if match:
                (cwd / match.group(1)).write_text(block.code, encoding="utf-8")
            printed = None
        else:
            printed = None


STRESS_DES_ITEMS = [
    *("1.1", "1.2", "1.3"),
    *("2.1", "2.2", "2.3", "2.4", "2.5.1", "2.5.2", "2.5.3", "2.5.4", "2.5.5"),
    *("3.1", "3.2", "3.3", "3.4"),
    *("4.1", "4.2", "4.3"),
    *("5.1", "5.2", "5.3", "5.4"),
    "6.1",
]


def test_the_reporting_page_answers_every_stress_des_item() -> None:
    """All 24 items of STRESS-DES (Monks et al. 2019), in order, each with some text."""
    text = (DOCS / "background" / "stress-des.md").read_text(encoding="utf-8")
    starts = list(re.finditer(r"^\*\*(\d(?:\.\d)+) [^*]+\*\*", text, re.MULTILINE))
    assert [m.group(1) for m in starts] == STRESS_DES_ITEMS
    ends = [m.start() for m in starts[1:]] + [text.index("## Collecting the facts of a run")]
    for match, end in zip(starts, ends, strict=True):
        answer = text[match.end() : end]
        assert len(answer.split()) >= 15, f"item {match.group(1)} is not answered: {answer!r}"
