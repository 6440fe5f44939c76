"""Hostile inputs: no scenario or experiment file can crash, hang or overflow a run.

Two kinds of test:
- the attacks and crashes users reported, each through the command line: exit code 2, one
  problem line naming the file, no traceback. Those that could take the process itself down
  (nesting, aliases, size, a huge number) and the `run` ones go through a real subprocess
  (`python -m simcs`, with a timeout); the rest through the same `main` in this process
  (click's CliRunner, as the mutations below), which saves a second of start-up each;
- property-based (hypothesis): hundreds of mutated copies of tests/data/hostile/tiny.yaml and
  tiny_experiment.yaml (keys deleted or renamed, leaves set to booleans, text, huge, negative,
  infinite or NaN numbers, lists, mappings or null, unknown keys, sections nested in themselves,
  huge lists). Each either validates and runs one replication to the end within `RUN_SECONDS`,
  or is rejected by `simcs validate` / `simcs experiment` with exit code 2 and one line per
  problem that names the file and a field path (or a line). Hypothesis is derandomized, so CI
  runs the same examples every time; the tests count them.
"""

from __future__ import annotations

import copy
import re
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import simcs
from simcs.cli import main
from simcs.experiments.design import load_experiment
from simcs.scenario.files import ScenarioError

HOSTILE = Path(__file__).resolve().parents[1] / "data" / "hostile"
TINY = HOSTILE / "tiny.yaml"
TINY_EXPERIMENT = HOSTILE / "tiny_experiment.yaml"
#: (the tiny file's groups, tiers and segmentation must agree, so fewer mutations stay valid
#: than when tiers held their customers: 500 examples keep 20 or more that run)
SCENARIO_EXAMPLES = 500
EXPERIMENT_EXAMPLES = 150
RUN_SECONDS = 5.0
ROOT = Path(__file__).resolve().parents[2]

# ----------------------------------------------------------------------------- the CLI's answer


def _assert_rejected(path: Path, exit_code: int, stdout: str, stderr: str) -> list[str]:
    """Exit code 2, no traceback, and every problem line `  FILE: where: problem`."""
    assert exit_code == 2, (exit_code, stdout, stderr)
    assert "Traceback" not in stdout + stderr
    lines = stderr.splitlines()
    assert lines[0] == f"error: {path} is not valid", stderr
    problems = lines[1:]
    assert problems, stderr
    prefix = f"  {path}: "
    for line in problems:
        assert line.startswith(prefix), line
        where = line[len(prefix) :]
        # a field path (no spaces) or a place in the file, then the problem
        assert re.match(r"^([^\s:]+|line \d+(, column \d+)?): \S", where) or where.startswith(
            ("the file ", "a binary file", "... and ")
        ), line
    return problems


# ----------------------------------------------------------------------------- reported attacks


def _tiny_with(old: str, new: str) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        text = TINY.read_text(encoding="utf-8")
        assert text.count(old) == 1, old
        path.write_text(text.replace(old, new), encoding="utf-8")

    return write


def _text(content: str) -> Callable[[Path], None]:
    return lambda path: path.write_text(content, encoding="utf-8")


def _bytes(content: bytes) -> Callable[[Path], None]:
    return lambda path: path.write_bytes(content)


def _laughs(path: Path) -> None:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _python_tag(path: Path) -> None:
    sentinel = path.parent / "PWNED"
    path.write_text(f"name: !!python/object/apply:os.system ['touch {sentinel}']\n")


CASES_KEY = "cases_per_year: 12\n"
EXPANSION_KEY = "expansion: {mean_log_change: 0.07, sd: 0.12}"
THRESHOLDS_KEY = "thresholds: {key: 100000, smb: 15000, digital: 0}"
#: (id, command, writes the file, phrase of the one problem line)
ATTACKS: list[tuple[str, str, Callable[[Path], None], str]] = [
    (
        "cases_per_year_inf_run",
        "run",
        _tiny_with(CASES_KEY, CASES_KEY.replace("12", ".inf")),
        "population.large.cases_per_year: Input should be a finite number",
    ),
    (
        "expansion_sd_1e300",
        "validate",
        _tiny_with(EXPANSION_KEY, EXPANSION_KEY.replace("0.12", "1e300")),
        "population.large.expansion.sd: Input should be less than or equal to 2",
    ),
    (
        "initial_customers_true",
        "validate",
        _tiny_with("initial_customers: 3\n", "initial_customers: true\n"),
        "population.large.initial_customers: a number is needed, not true/false",
    ),
    (
        "initial_customers_yes",
        "validate",
        _tiny_with("initial_customers: 3\n", "initial_customers: yes\n"),
        "population.large.initial_customers: a number is needed, not true/false",
    ),
    (
        "threshold_of_an_unknown_tier",
        "validate",
        _tiny_with(THRESHOLDS_KEY, THRESHOLDS_KEY.replace("key:", "kee:")),
        "segmentation.thresholds.kee: no tier of that name in tiers",
    ),
    (
        "thresholds_without_zero",
        "run",
        _tiny_with(THRESHOLDS_KEY, THRESHOLDS_KEY.replace("digital: 0", "digital: 1")),
        "segmentation.thresholds: one tier must start at 0",
    ),
    (
        "nested_5000_deep",
        "validate",
        _text("name: x\ntiers: " + "[" * 5000 + "]" * 5000 + "\n"),
        "not valid YAML (nested more than 64 levels deep)",  # line 2 (libyaml: its column)
    ),
    ("billion_laughs", "validate", _laughs, "holds more than 100,000 values"),
    ("recursive_alias", "validate", _text("tiers: &a [1, *a]\n"), "refers to a value that"),
    ("latin1_bytes", "validate", _bytes("name: caf\xe9\n".encode("latin-1")), "not a UTF-8"),
    ("binary_file", "validate", _bytes(bytes(range(256)) * 4), "a binary file"),
    ("over_2_mb", "validate", _text("#" * 2_000_001), "over the limit of 2,000,000 bytes"),
    ("python_tag", "validate", _python_tag, "tag !!python/object/apply:os.system is not allowed"),
    ("unknown_tag", "validate", _text("name: !include other.yaml\n"), "tag !include is not"),
    (
        "duplicate_key",
        "validate",
        lambda p: p.write_text(TINY.read_text(encoding="utf-8") + "horizon_years: 3\n"),
        "the key 'horizon_years' is given twice (first at line 6)",
    ),
    ("top_level_list", "validate", _text("- name: x\n"), "must hold a mapping"),
    ("empty_file", "validate", _text(""), "not nothing (the file is empty)"),
    ("control_character", "validate", _text("name: a\x07b\n"), "U+0007 is not allowed"),
    ("integer_5000_digits", "validate", _text("seed: " + "9" * 5000 + "\n"), "cannot read"),
]


#: attacks on the process itself (stack depth, memory, time): a crash or a hang there must not
#: take pytest down with it, so these run as a real subprocess, as does every `run` attack
IN_A_SUBPROCESS = frozenset(
    {"nested_5000_deep", "billion_laughs", "recursive_alias", "over_2_mb", "integer_5000_digits"}
)


@pytest.mark.parametrize(
    ("attack", "command", "write", "phrase"), ATTACKS, ids=[a[0] for a in ATTACKS]
)
def test_reported_attack_is_one_clear_line(
    attack: str, command: str, write: Callable[[Path], None], phrase: str, tmp_path: Path
) -> None:
    path = tmp_path / "hostile.yaml"
    write(path)
    args = [command, str(path)]
    if command == "run":
        args += ["-n", "1", "-w", "1", "-o", str(tmp_path / "out")]
    if attack in IN_A_SUBPROCESS or command == "run":
        done = subprocess.run(
            [sys.executable, "-m", "simcs", *args],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        code, stdout, stderr = done.returncode, done.stdout, done.stderr
    else:  # the same command in-process: an exception would show as exit code 1
        result = CliRunner().invoke(main, args)
        code, stdout, stderr = result.exit_code, result.stdout, result.stderr
    problems = _assert_rejected(path, code, stdout, stderr)
    assert len(problems) == 1, problems
    assert phrase in problems[0], problems[0]
    assert not (tmp_path / "PWNED").exists(), "a YAML tag was executed"
    assert not (tmp_path / "out").exists()


# ----------------------------------------------------------------------------- mutations

#: replacement values: wrong types, out of bounds, non-finite ...
HOSTILE_VALUES: list[Any] = [
    *(True, False, None, "", "text", "yes", "1e300", ".inf", "0x10", "nan"),
    *([], {}, [1, 2], {"a": 1}, [[[]]]),
    *(-1, -1e-9, -(10**9), 1e18, 10**30, 1e300, 2**63),
    *(float("inf"), float("-inf"), float("nan")),
]
#: ... and plain values, often valid (a large valid number is 100 at most: runs stay short)
PLAIN_VALUES: list[Any] = [0, 1, 2, 7, 0.5, 0.01, 100, "pooled", "fifo", "lognormal"]
VALUES = st.one_of(st.sampled_from(HOSTILE_VALUES), st.sampled_from(PLAIN_VALUES))
#: override paths an experiment's variant may set (some valid, some not)
OVERRIDE_PATHS = [
    "horizon_years",
    "population.large.initial_customers",
    "population.mid.new_logos_per_year",
    "population.large.expansion.sd",
    "population.small.arr_band",
    "tiers.digital.coverage",
    "segmentation.thresholds.key",
    "segmentation.thresholds.digital",
    "segmentation.rule",
    "segmentation.retier",
    "segmentation.hysteresis",
    "segmentation.previous",
    "segmentation.previous.groups.mid",
    "staff.csm.key.headcount",
    "levers.content_council.enabled",
    "drivers.relationship.assigned",
    "support.handle_time.distribution",
    "support.handle_time.mean_hours",
    "staff.support.headcount",
    "champions.departure_rate_per_year",
    "population.mid.cases_per_year",
    "tiers.smb.support.cases_per_year",
    "tiers.newtier",
    "population.newgroup",
    "staff.csm",
    "no.such.path",
    "tiers..key",
    "",
]
#: mutation kinds, setting a leaf weighted most
MUTATIONS = ("set", "set", "set", "set", "delete", "delete")
MUTATIONS += ("unknown_key", "rename_key", "nest", "huge_list")

Key = str | int


def _paths(node: Any, prefix: tuple[Key, ...] = ()) -> list[tuple[Key, ...]]:
    out: list[tuple[Key, ...]] = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            out += _paths(value, (*prefix, index))
    return out


def _parent(tree: Any, path: tuple[Key, ...]) -> Any:
    node = tree
    for key in path[:-1]:
        node = node[key]
    return node


def _mutate(data: st.DataObject, tree: dict[str, Any], kinds: Counter[str]) -> None:
    kind = data.draw(st.sampled_from(MUTATIONS))
    kinds[kind] += 1
    path = data.draw(st.sampled_from(_paths(tree)))
    parent, key = _parent(tree, path), path[-1]
    if kind == "delete":
        del parent[key]
    elif kind == "set":
        parent[key] = copy.deepcopy(data.draw(VALUES))
    elif kind == "unknown_key":
        target = parent[key] if isinstance(parent[key], dict) else parent
        if isinstance(target, dict):
            target[data.draw(st.sampled_from(["zz_unknown", "Name", "tiers", "1"]))] = 1
    elif kind == "rename_key" and isinstance(parent, dict):
        parent[f"{key}x"] = parent.pop(key)
    elif kind == "nest":
        parent[key] = {key: parent[key]} if isinstance(key, str) else [parent[key]]
    elif kind == "huge_list":
        parent[key] = [data.draw(st.sampled_from([0, 1, 0.5]))] * 1_000


def _write(folder: Path, stem: str, tree: dict[str, Any]) -> Path:
    path = folder / f"{stem}.yaml"
    path.write_text(yaml.safe_dump(tree, sort_keys=False), encoding="utf-8")
    return path


def _run_one(scenario: simcs.Scenario) -> None:
    started = time.perf_counter()
    simcs.simulate(scenario, 3, 0)
    seconds = time.perf_counter() - started
    assert seconds < RUN_SECONDS, f"{scenario.name}: one replication took {seconds:.1f} s"


HYPOTHESIS = {
    "derandomize": True,
    "deadline": None,
    "database": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
}


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("hostile")
    (path / "tiny.yaml").write_text(TINY.read_text(encoding="utf-8"), encoding="utf-8")
    return path


def test_mutated_scenario_files_run_or_are_rejected(folder: Path) -> None:
    base = yaml.safe_load(TINY.read_text(encoding="utf-8"))
    outcomes: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    runner = CliRunner()

    @settings(max_examples=SCENARIO_EXAMPLES, **HYPOTHESIS)
    @given(st.data())
    def check(data: st.DataObject) -> None:
        tree = copy.deepcopy(base)
        for _ in range(data.draw(st.integers(1, 3))):
            _mutate(data, tree, kinds)
        path = _write(folder, f"scenario_{sum(outcomes.values())}", tree)
        result = runner.invoke(main, ["validate", str(path)])
        if result.exit_code == 0:
            _run_one(simcs.load_scenario(path))
            outcomes["ran"] += 1
        else:
            _assert_rejected(path, result.exit_code, result.stdout, result.stderr)
            outcomes["rejected"] += 1

    check()
    print(f"\nscenario files: {dict(outcomes)}; mutations: {dict(kinds)}")
    assert sum(outcomes.values()) >= SCENARIO_EXAMPLES
    assert outcomes["ran"] >= 20 and outcomes["rejected"] >= 100, outcomes


def test_mutated_experiment_files_run_or_are_rejected(folder: Path) -> None:
    base = yaml.safe_load(TINY_EXPERIMENT.read_text(encoding="utf-8"))
    outcomes: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    runner = CliRunner()

    @settings(max_examples=EXPERIMENT_EXAMPLES, **HYPOTHESIS)
    @given(st.data())
    def check(data: st.DataObject) -> None:
        tree = copy.deepcopy(base)
        for _ in range(data.draw(st.integers(1, 2))):
            if data.draw(st.booleans()):
                _mutate(data, tree, kinds)
            elif isinstance(tree.get("variants"), dict) and tree["variants"]:
                variant = data.draw(st.sampled_from(sorted(map(str, tree["variants"]))))
                override = data.draw(st.sampled_from(OVERRIDE_PATHS))
                value = copy.deepcopy(data.draw(VALUES))
                if not isinstance(tree["variants"].get(variant), dict):
                    tree["variants"][variant] = {}
                tree["variants"][variant][override] = value
                kinds["override"] += 1
        path = _write(folder, f"experiment_{sum(outcomes.values())}", tree)
        try:
            plan = load_experiment(path)
        except ScenarioError:
            out = folder / "never_written"
            result = runner.invoke(main, ["experiment", str(path), "--out", str(out)])
            _assert_rejected(path, result.exit_code, result.stdout, result.stderr)
            assert not out.exists()
            outcomes["rejected"] += 1
            return
        for scenario in plan.scenarios.values():
            _run_one(scenario)
        outcomes["ran"] += 1

    check()
    print(f"\nexperiment files: {dict(outcomes)}; mutations: {dict(kinds)}")
    assert sum(outcomes.values()) >= EXPERIMENT_EXAMPLES
    assert outcomes["ran"] >= 10 and outcomes["rejected"] >= 50, outcomes
