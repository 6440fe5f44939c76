"""Parameter sweeps: a grid over dotted-path parameters, one variant per grid point.

Every point shares the replications' random streams (common random numbers), so differences
between neighbouring points are the parameter's effect, not noise of different draws. The grid
is bounded (`MAX_POINTS`), every number in it finite, and a point's name is safe as a file name.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from typing import Any

from simcs.experiments.design import Experiment
from simcs.scenario import Scenario
from simcs.scenario.files import with_overrides
from simcs.scenario.safe_yaml import shown

#: most points of one sweep (all axes multiplied)
MAX_POINTS = 10_000
#: longest point name (it names the point's scenario file)
MAX_POINT_NAME = 200
#: what a text value may hold: it becomes part of a point's file name
_SAFE_TEXT = re.compile(r"^[A-Za-z0-9_.+-]+$")


def parse_range(spec: str) -> tuple[str, list[Any]]:
    """'PATH=START:STOP:STEP' -> (path, values from START to STOP inclusive).

    Integers stay integers when START, STOP and STEP all are; 'PATH=a,b,c' lists values.
    Every number must be finite, a value may not repeat, and an axis has at most `MAX_POINTS`
    values; anything else raises ValueError with one line.
    """
    if "=" not in spec:
        raise ValueError(f"{shown(spec)!r}: expected PATH=START:STOP:STEP or PATH=V1,V2,...")
    path, values = spec.split("=", 1)
    path = path.strip()
    if not path:
        raise ValueError(f"{shown(spec)!r}: PATH is empty")
    if "," in values or ":" not in values:
        listed = [_number(v.strip(), spec) for v in values.split(",") if v.strip()]
        return path, _checked(listed, spec)
    parts = values.split(":")
    if len(parts) != 3:
        raise ValueError(f"{shown(spec)!r}: expected START:STOP:STEP")
    start, stop, step = (_number(p.strip(), spec) for p in parts)
    if not all(isinstance(x, int | float) and not isinstance(x, bool) for x in (start, stop, step)):
        raise ValueError(f"{shown(spec)!r}: START, STOP and STEP must be numbers")
    if step <= 0 or stop < start:
        raise ValueError(f"{shown(spec)!r}: need STEP > 0 and STOP >= START")
    steps = (stop - start) / step
    if not math.isfinite(steps) or steps + 1 > MAX_POINTS:
        raise ValueError(f"{shown(spec)!r}: more than {MAX_POINTS:,} values")
    count = int(math.floor(steps + 1e-9)) + 1
    out = [start + k * step for k in range(count)]
    if all(isinstance(x, int) for x in (start, stop, step)):
        return path, _checked([int(x) for x in out], spec)
    return path, _checked([round(x, 12) for x in out], spec)


def _number(text: str, spec: str) -> Any:
    for kind in (int, float):
        try:
            value = kind(text)
        except ValueError:
            continue
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"{shown(spec)!r}: {shown(text)!r} is not a finite number")
        return value
    flag = {"true": True, "false": False}.get(text.lower())
    if flag is not None:
        return flag
    if not _SAFE_TEXT.match(text):
        raise ValueError(
            f"{shown(spec)!r}: the value {shown(text)!r} may hold only letters, digits and "
            "'_', '.', '+', '-' (it becomes part of a file name)"
        )
    return text


def _checked(values: list[Any], spec: str) -> list[Any]:
    if not values:
        raise ValueError(f"{shown(spec)!r}: no values given")
    if len(values) > MAX_POINTS:
        raise ValueError(f"{shown(spec)!r}: more than {MAX_POINTS:,} values")
    twice = sorted(n for n, k in Counter(str(v) for v in values).items() if k > 1)
    if twice:
        raise ValueError(f"{shown(spec)!r}: value(s) {twice[:5]} given more than once")
    return values


def point_name(assignment: dict[str, Any]) -> str:
    """A grid point's name: 'path=value,path=value'."""
    return ",".join(f"{k}={v}" for k, v in assignment.items())


def sweep_axes(params: list[str]) -> list[tuple[str, list[Any]]]:
    """The parsed axes of a sweep; ValueError if a path repeats or the grid is too large."""
    axes = [parse_range(p) for p in params]
    twice = sorted(p for p, k in Counter(path for path, _ in axes).items() if k > 1)
    if twice:
        raise ValueError(f"{shown(twice[0])}: given in more than one --param")
    points = math.prod(len(values) for _, values in axes)
    if points > MAX_POINTS:
        raise ValueError(f"the grid has {points:,} points, more than the {MAX_POINTS:,} allowed")
    longest = point_name({path: max(map(str, vs), key=len) for path, vs in axes})
    if len(longest) > MAX_POINT_NAME:
        raise ValueError(
            f"grid point names like '{shown(longest)}' are over {MAX_POINT_NAME} characters "
            "(they name files): sweep fewer parameters at once"
        )
    return axes


def sweep_experiment(
    scenario: Scenario,
    params: list[str],
    replications: int,
    seed: int,
    metrics: list[str] | None = None,
) -> tuple[Experiment, dict[str, dict[str, Any]]]:
    """The grid as an experiment (the first point is the reference) and each point's values."""
    axes = sweep_axes(params)
    points: dict[str, dict[str, Any]] = {}
    scenarios: dict[str, Scenario] = {}
    for combo in itertools.product(*(values for _, values in axes)):
        assignment = {path: value for (path, _), value in zip(axes, combo, strict=True)}
        name = point_name(assignment)
        scenarios[name] = with_overrides(scenario, assignment, f"--param {name}")
        points[name] = assignment
    tiers = [*scenario.tiers, "all"]
    experiment = Experiment(
        name=f"sweep_{scenario.name}",
        scenarios=scenarios,
        reference=next(iter(scenarios)),
        replications=replications,
        seed=seed,
        metrics=metrics or ["grr", "nrr", "cost_per_customer"],
        tiers=tiers,
    )
    return experiment, points
