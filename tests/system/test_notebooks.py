"""Every notebook runs top to bottom in under two minutes, stored without outputs, and its own
assertions ran: every code cell executed in order, the cells holding `assert` among them, and a
check appended after the last cell saw them all. A notebook whose assertion fails fails here (a
synthetic notebook shows that it does)."""

from __future__ import annotations

import ast
import os
import time
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("*.ipynb"))
SENTINEL = "simcs-notebook-finished"


def _asserts(source: str) -> int:
    """Number of `assert` statements in a cell (IPython magics skipped)."""
    lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
    try:
        tree = ast.parse("\n".join(lines))
    except SyntaxError:
        return 0
    return sum(isinstance(node, ast.Assert) for node in ast.walk(tree))


def execute(notebook: nbformat.NotebookNode, folder: Path) -> int:
    """Run `notebook` in a fresh kernel and return the number of its assertions that ran.

    A final cell is appended that prints a sentinel; raises if any cell fails (an assertion
    included), if a cell did not run, or if the sentinel is missing.
    """
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    notebook.cells.append(nbformat.v4.new_code_cell(f"print({SENTINEL!r})"))
    NotebookClient(
        notebook,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(folder)}},
    ).execute()
    counts = [cell.get("execution_count") for cell in code]
    assert counts == list(range(1, len(code) + 1)), f"cells did not all run in order: {counts}"
    last = notebook.cells[-1]
    printed = "".join(o.get("text", "") for o in last.get("outputs", []))
    assert SENTINEL in printed, "the notebook stopped before its end"
    return sum(_asserts(cell.source) for cell in code)


@pytest.fixture
def kernel_env(monkeypatch: pytest.MonkeyPatch) -> None:
    # the kernel imports this checkout's simcs, as the tests themselves do
    root = str(NOTEBOOKS[0].parent.parent) if NOTEBOOKS else "."
    monkeypatch.setenv(
        "PYTHONPATH", os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))
    )


def test_there_are_notebooks() -> None:
    assert NOTEBOOKS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_its_assertions_and_is_stored_without_outputs(
    path: Path, kernel_env: None
) -> None:
    notebook = nbformat.read(path, as_version=4)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert all(not cell.get("outputs") for cell in code), "store notebooks without outputs"
    assert all(cell.get("execution_count") is None for cell in code), "store without counts"
    assert "Exercises" in notebook.cells[-1].source
    started = time.perf_counter()
    ran = execute(notebook, path.parent)
    assert ran >= 3, f"{path.name} checks its claims with at least 3 assertions (found {ran})"
    assert time.perf_counter() - started < 120, "a notebook must run in under two minutes"


def test_a_failing_assertion_in_a_notebook_fails_the_check(
    tmp_path: Path, kernel_env: None
) -> None:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell("x = 1 + 1"),
        nbformat.v4.new_code_cell("assert x == 3, 'the claim is false'"),
        nbformat.v4.new_code_cell("y = 2"),
    ]
    with pytest.raises(CellExecutionError, match="the claim is false"):
        execute(notebook, tmp_path)
    assert notebook.cells[2].get("execution_count") is None  # nothing ran after the failure
