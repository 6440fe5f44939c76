"""The package layout keeps its promises: layers import only downwards, the result readers load
without SimPy, and every module is small and says what it is.

Layers, lowest first: shared records (calendar, streams, records, stats, catalogue) -> scenario
and formulas -> model -> simulation -> experiments -> planning -> reporting -> cli.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "simcs"

#: top-level unit -> layer (a module may import its own layer or lower ones)
LAYER = {
    "simcs": 0,  # the package root: __version__ and the lazy notebook API only
    "calendar": 0,
    "streams": 0,
    "records": 0,
    "stats": 0,
    "catalogue": 0,
    "scenario": 1,
    "formulas": 1,
    "model": 2,
    "simulation": 3,
    "experiments": 4,
    "planning": 5,
    "calibration": 5,
    "reporting": 6,
    "cli": 7,
    "app": 7,  # the browser workbench sits beside the command line
}
MAX_LINES = 400


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def _unit(dotted: str) -> str:
    """'simcs.model.support' -> 'model'; 'simcs' -> 'simcs'."""
    parts = dotted.split(".")
    return parts[1] if len(parts) > 1 else "simcs"


def _dotted(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every simcs import in the file, at any depth (lazy ones included)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "simcs":  # from simcs import x: x may be a submodule
                found += [(node.lineno, f"simcs.{a.name}") for a in node.names]
            elif node.module.startswith("simcs."):
                found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("simcs")]
    return found


def upward_imports() -> list[str]:
    """Every import of a higher layer, as 'file:line: a -> b'."""
    bad = []
    for path in _modules():
        me = _dotted(path)
        if me in ("simcs", "simcs.__main__"):
            continue  # the root's lazy API and `python -m simcs` sit above every layer
        for line, target in _imports(path):
            unit = _unit(target)
            if unit not in LAYER:  # `from simcs import __version__`
                unit = "simcs"
            if LAYER[unit] > LAYER[_unit(me)]:
                bad.append(f"{path.relative_to(PACKAGE.parent)}:{line}: {me} -> {target}")
    return bad


def test_every_unit_has_a_layer() -> None:
    units = {_unit(_dotted(p)) for p in _modules()} - {"__main__"}
    assert units <= set(LAYER), units - set(LAYER)


def test_nothing_imports_a_higher_layer() -> None:
    assert upward_imports() == []


def test_the_check_sees_an_upward_import(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "simcs"
    (fake / "model").mkdir(parents=True)
    (fake / "model" / "x.py").write_text("def f():\n    from simcs.cli import main\n")
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", fake)
    assert upward_imports() == ["simcs/model/x.py:2: simcs.model.x -> simcs.cli"]


@pytest.mark.parametrize(
    "module",
    [
        "simcs",
        "simcs.catalogue",
        "simcs.stats",
        "simcs.experiments.comparison",
        "simcs.simulation.store",
        "simcs.reporting.figures",
        "simcs.reporting.results",
    ],
)
def test_result_readers_load_without_simpy_or_the_model(module: str) -> None:
    code = (
        f"import sys, {module}\n"
        "loaded = [m for m in sys.modules if m == 'simpy' or m.startswith('simcs.model')]\n"
        "print(','.join(loaded))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "", f"importing {module} loads {out}"


def test_modules_are_small_and_say_what_they_are() -> None:
    problems = []
    for path in _modules():
        text = path.read_text(encoding="utf-8")
        lines = text.count("\n")
        name = path.relative_to(PACKAGE.parent)
        if lines > MAX_LINES:
            problems.append(f"{name}: {lines} lines (at most {MAX_LINES})")
        if not ast.get_docstring(ast.parse(text)):
            problems.append(f"{name}: no module docstring")
    assert problems == []


def test_every_command_is_where_the_command_line_looks_for_it() -> None:
    """`simcs.cli.COMMAND_MODULES` names each command's module: every command a module offers
    is listed under it, and nothing else."""
    import importlib

    from simcs.cli import COMMAND_MODULES

    offered = {}
    for module in set(COMMAND_MODULES.values()):
        for command in importlib.import_module(f"simcs.cli.{module}").COMMANDS:
            offered[command.name] = module
    assert offered == COMMAND_MODULES
