"""Reading scenario files: YAML on disk to a validated `Scenario`, or a clear `ScenarioError`.

Every problem is reported as `FILE: FIELD.PATH: problem`, one line each, so a user can fix a
typo'd key or a negative headcount without reading a traceback. Files are untrusted: the YAML
reader (`safe_yaml`) limits their size, depth and alias expansion, and never builds objects.
"""

from __future__ import annotations

import hashlib
import json
import re
import warnings
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from simcs.scenario import legacy
from simcs.scenario.book import BookFileError, book_path, read_book
from simcs.scenario.safe_yaml import YamlInputError, read_data, shown
from simcs.scenario.schema import Scenario

DEFAULT_SCENARIO = "baseline.yaml"
#: Sections keyed by names the user chooses: an override may add a key there.
OPEN_SECTIONS = (
    "population",
    "tiers",
    "staff.csm",
    "segmentation.thresholds",
    "segmentation.groups",
    "segmentation.previous.thresholds",
    "segmentation.previous.groups",
)
#: problem lines reported at most (a file with thousands of mistakes says how many more)
MAX_PROBLEMS = 20


class ScenarioError(Exception):
    """A scenario that cannot be used; `problems` are lines of `FIELD.PATH: problem`."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        super().__init__("\n".join(f"{source}: {p}" for p in problems))

    def report_lines(self) -> list[str]:
        """The message every front end shows: 'error: SOURCE is not valid', then each problem
        as '  SOURCE: FIELD.PATH: problem'."""
        return [
            f"error: {self.source} is not valid",
            *(f"  {self.source}: {p}" for p in self.problems),
        ]


def default_scenario_path() -> Path:
    """The built-in default scenario: `scenarios/baseline.yaml`, shipped inside the package."""
    packaged = resources.files("simcs").joinpath("scenarios", DEFAULT_SCENARIO)
    if packaged.is_file():
        return Path(str(packaged))
    checkout = Path(__file__).resolve().parents[2] / "scenarios" / DEFAULT_SCENARIO
    if checkout.is_file():
        return checkout
    raise ScenarioError(DEFAULT_SCENARIO, ["the built-in default scenario is not installed"])


_LEADING_PATH = re.compile(r"^([A-Za-z_][\w]*(?:\.[\w-]+)*): (.+)$", re.DOTALL)
#: how pydantic names the branch of a union or a validator function in an error's location
_BRANCH = re.compile(r"^(function-\w+|constrained-\w+|list|tuple|dict|set|nullable)\[|^[a-z-]+\(")
_BRANCH_NAMES = frozenset({"float", "int", "str", "bool", "list", "dict", "constrained-float"})


def _location(loc: tuple[Any, ...]) -> list[str]:
    """The field path of an error's location, without pydantic's names of union branches."""
    parts = []
    for k, part in enumerate(loc):
        text = str(part)
        last = k == len(loc) - 1
        if isinstance(part, str) and (_BRANCH.match(text) or (text in _BRANCH_NAMES and not last)):
            continue
        parts.append(shown(text))
    return parts


def _describe(error: Mapping[str, Any]) -> str:
    parts = _location(error["loc"])
    message = " ".join(str(error["msg"]).split())
    if error["type"] == "value_error":
        message = message.removeprefix("Value error, ")
        # a model check names the field it is about first: "arr_band: high must be ..."
        match = _LEADING_PATH.match(message)
        if match:
            parts.append(match.group(1))
            message = match.group(2)
    path = ".".join(parts)
    if error["type"] == "extra_forbidden":
        message = "unknown field (not part of the schema; check the spelling)"
    elif error["type"] == "missing":
        message = "required field is missing"
    elif error["type"] == "int_parsing_size":
        message = "the number is far too large (over the field's maximum)"
    return f"{path}: {message}" if path else message


def describe_errors(exc: ValidationError) -> list[str]:
    """One line per problem of a validation error, each once, at most `MAX_PROBLEMS` lines."""
    return capped([_describe(e) for e in exc.errors()])


def capped(problems: list[str]) -> list[str]:
    """`problems` each once, at most `MAX_PROBLEMS` lines (the last says how many more)."""
    lines = list(dict.fromkeys(problems))
    if len(lines) > MAX_PROBLEMS:
        extra = len(lines) - MAX_PROBLEMS
        lines = [*lines[:MAX_PROBLEMS], f"... and {extra:,} more problem(s)"]
    return lines


def kind_of_data(data: Any) -> str:
    """What a YAML document holds, for an error message."""
    if data is None:
        return "nothing (the file is empty)"
    return {list: "a list", str: "a text", bool: "true/false"}.get(type(data), "a single value")


def scenario_from_dict(data: Any, source: str = "<scenario>") -> Scenario:
    """Validate a mapping as a scenario; raises `ScenarioError` naming every problem."""
    if not isinstance(data, Mapping):
        raise ScenarioError(
            source,
            [f"the file must hold a mapping of scenario fields, not {kind_of_data(data)}"],
        )
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", legacy.OldScenarioShape)
            scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(source, describe_errors(exc)) from None
    for warning in caught:  # name the file in the deprecation note
        if issubclass(warning.category, legacy.OldScenarioShape):
            warnings.warn(legacy.message(source), legacy.OldScenarioShape, stacklevel=2)
        else:
            warnings.warn(warning.message, warning.category, stacklevel=2)
    return scenario


def read_yaml(path: str | Path) -> Any:
    """Parse a YAML file within the reader's limits; a missing, malformed or hostile file
    raises `ScenarioError` with one line."""
    p = Path(path)
    if not p.exists():
        raise ScenarioError(str(p), ["no such file"])
    if not p.is_file():
        raise ScenarioError(str(p), ["not a file"])
    try:
        return read_data(p)
    except YamlInputError as exc:
        raise ScenarioError(str(p), [str(exc)]) from None


def load_scenario(path: str | Path | None = None) -> Scenario:
    """Load and validate a scenario file (None: the built-in default scenario)."""
    p = default_scenario_path() if path is None else Path(path)
    return scenario_from_dict(with_book_file(read_yaml(p), p), str(p))


def with_book_file(data: Any, path: Path) -> Any:
    """`data` with a book file named at `initial_book.accounts` read in (`simcs.scenario.book`);
    a `ScenarioError` names the file, line and column of any bad cell."""
    book = data.get("initial_book") if isinstance(data, dict) else None
    if not isinstance(book, dict) or not isinstance(book.get("accounts"), str):
        return data
    try:
        file = book_path(book["accounts"], path.parent, "initial_book.accounts")
        accounts = read_book(file)
    except BookFileError as exc:
        source = str(path) if exc.source == "initial_book.accounts" else exc.source
        prefix = "initial_book.accounts: " if source == str(path) else ""
        raise ScenarioError(source, capped([prefix + p for p in exc.problems])) from None
    return {**data, "initial_book": {**book, "accounts": accounts}}


def with_overrides(
    scenario: Scenario, overrides: Mapping[str, Any], source: str = "<overrides>"
) -> Scenario:
    """A copy of `scenario` with values replaced by dotted path (`staff.support.headcount`).

    The result is validated like a scenario file; a path that does not exist is an error.
    """
    data = scenario.model_dump(mode="json")
    problems = []
    for path, value in overrides.items():
        node: Any = data
        parts = path.split(".")
        for depth, part in enumerate(parts[:-1]):
            if not isinstance(node, dict) or part not in node or not isinstance(node[part], dict):
                problems.append(f"{shown('.'.join(parts[: depth + 1]))}: no such section")
                break
            node = node[part]
        else:
            parent = ".".join(parts[:-1])
            if parts[-1] not in node and parent not in OPEN_SECTIONS:
                problems.append(f"{shown(path)}: unknown field (not part of the schema)")
            else:
                node[parts[-1]] = value
    if problems:
        raise ScenarioError(source, problems)
    return scenario_from_dict(data, source)


def header_comment(path: str | Path) -> list[str]:
    """The comment lines a YAML file starts with (what it represents, where numbers come from)."""
    lines = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        lines.append(line[1:].removeprefix(" "))
    return lines


def scenario_yaml(scenario: Scenario) -> str:
    """The fully resolved scenario (defaults filled in) as YAML."""
    return yaml.safe_dump(
        scenario.model_dump(mode="json"), sort_keys=False, allow_unicode=True, width=100
    )


def scenario_sha256(scenario: Scenario) -> str:
    """SHA-256 of the resolved scenario: equal for equal parameters, whatever the file layout.

    It hashes the resolved fields as compact JSON in schema order (fast: a real book of
    thousands of accounts takes milliseconds, where YAML took over a second)."""
    text = json.dumps(
        scenario.model_dump(mode="json"),
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
    )
    return hashlib.sha256(text.encode()).hexdigest()
