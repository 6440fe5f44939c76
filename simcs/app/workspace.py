"""The app's own results folder, and uploads checked before anything runs.

Everything the workbench writes lives under one folder chosen when the app starts (`simcs app
--results DIR`, passed to the app in `ENV_RESULTS`): the scenarios it runs (`inputs/`, named by
their content) and one folder per run, comparison or sizing (`runs/`, `comparisons/`,
`sizing/`), named from the scenario's validated name and its SHA-256, so the same scenario run
again resumes in the same folder, as `simcs run --out` does. No path typed or uploaded in the
browser is ever opened: an upload is bytes, never written anywhere, checked for size, read by
the same YAML reader as the CLI (its limits and messages) and validated as a scenario; a
scenario that names a book file beside it is refused (there is no folder beside an upload).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from simcs.scenario import Scenario
from simcs.scenario.files import (
    ScenarioError,
    default_scenario_path,
    scenario_from_dict,
    scenario_sha256,
    scenario_yaml,
)
from simcs.scenario.safe_yaml import MAX_FILE_BYTES, YamlInputError, data_from_bytes, shown

#: the environment variable `simcs app` passes the results folder in
ENV_RESULTS = "SIMCS_APP_RESULTS"
#: the default results folder, under the folder `simcs app` starts in
DEFAULT_RESULTS = Path("results") / "app"
#: the largest scenario upload: the CLI's own limit on a YAML file (the reader checks it)
MAX_UPLOAD_BYTES = MAX_FILE_BYTES


@dataclass(frozen=True)
class Workspace:
    """The app's results folder and the places inside it."""

    root: Path

    def inside(self, path: Path) -> Path:
        """`path` resolved, if it lies inside the results folder; else a ValueError."""
        resolved = path.resolve()
        if not resolved.is_relative_to(self.root.resolve()):
            raise ValueError(f"{path} is outside the app's results folder {self.root}")
        return resolved

    def folder(self, kind: str, name: str) -> Path:
        """The folder of one job of `kind` (runs, comparisons, sizing), created."""
        if kind not in ("runs", "comparisons", "sizing"):
            raise ValueError(f"unknown kind of job folder {kind!r}")
        target = self.inside(self.root / kind / name)
        target.mkdir(parents=True, exist_ok=True)
        return target

    def scenario_file(self, scenario: Scenario) -> Path:
        """The scenario as a YAML file in inputs/, named by its name and content."""
        path = self.inside(self.root / "inputs" / f"{job_name(scenario)}.yaml")
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(".partial")
            partial.write_text(scenario_yaml(scenario), encoding="utf-8")
            partial.replace(path)
        return path


def workspace() -> Workspace:
    """The workspace `simcs app` chose (ENV_RESULTS), else ./results/app."""
    root = Path(os.environ.get(ENV_RESULTS) or DEFAULT_RESULTS)
    root.mkdir(parents=True, exist_ok=True)
    return Workspace(root.resolve())


def job_name(*scenarios: Scenario, extra: str = "") -> str:
    """'baseline-3f2a9c1b7d04': the (first) scenario's name and a digest of every scenario
    and of `extra` (a job's other settings), so equal inputs share a folder."""
    digest = hashlib.sha256()
    for scenario in scenarios:
        digest.update(scenario_sha256(scenario).encode())
    digest.update(extra.encode())
    names = "-vs-".join(s.name for s in scenarios)
    return f"{names[:80]}-{digest.hexdigest()[:12]}"


def shipped_scenarios() -> dict[str, Path]:
    """The scenarios that come with simcs, by file name, the built-in default first."""
    default = default_scenario_path()
    files = sorted(default.parent.glob("*.yaml"))
    return {p.name: p for p in sorted(files, key=lambda p: (p != default, p.name))}


def read_upload(name: str, data: bytes) -> Scenario:
    """The uploaded scenario file `name` (its bytes `data`, never written anywhere), read by
    the CLI's YAML reader and validated as the CLI validates a file; a `ScenarioError` naming
    the upload lists every problem."""
    source = shown(Path(name).name or "upload", 80)
    try:  # the reader's limits include MAX_UPLOAD_BYTES, checked before anything is parsed
        content: Any = data_from_bytes(data)
    except YamlInputError as exc:
        raise ScenarioError(source, [str(exc)]) from None
    book = content.get("initial_book") if isinstance(content, dict) else None
    if isinstance(book, dict) and isinstance(book.get("accounts"), str):
        raise ScenarioError(
            source,
            [
                f"initial_book.accounts: names the file {shown(book['accounts'])}, which cannot "
                "be uploaded beside it; upload a scenario with the accounts listed inline "
                "(the scenario.yaml of a run folder holds them)"
            ],
        )
    return scenario_from_dict(content, source)
