"""Parameter sweeps: a grid over dotted-path parameters, one variant per grid point.

Every point shares the replications' random streams (common random numbers), so differences
between neighbouring points are the parameter's effect, not noise of different draws.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

from simcs.experiments.design import Experiment
from simcs.scenario import Scenario
from simcs.scenario.files import with_overrides


def parse_range(spec: str) -> tuple[str, list[Any]]:
    """'PATH=START:STOP:STEP' -> (path, values from START to STOP inclusive).

    Integers stay integers when START, STOP and STEP all are; 'PATH=a,b,c' lists values.
    """
    if "=" not in spec:
        raise ValueError(f"{spec!r}: expected PATH=START:STOP:STEP or PATH=V1,V2,...")
    path, values = spec.split("=", 1)
    path = path.strip()
    if "," in values or ":" not in values:
        return path, [_number(v.strip()) for v in values.split(",") if v.strip()]
    parts = values.split(":")
    if len(parts) != 3:
        raise ValueError(f"{spec!r}: expected START:STOP:STEP")
    start, stop, step = (_number(p) for p in parts)
    if not all(isinstance(x, int | float) for x in (start, stop, step)):
        raise ValueError(f"{spec!r}: START, STOP and STEP must be numbers")
    if step <= 0 or stop < start:
        raise ValueError(f"{spec!r}: need STEP > 0 and STOP >= START")
    count = int(math.floor((stop - start) / step + 1e-9)) + 1
    out = [start + k * step for k in range(count)]
    if all(isinstance(x, int) for x in (start, stop, step)):
        return path, [int(x) for x in out]
    return path, [round(x, 12) for x in out]


def _number(text: str) -> Any:
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return {"true": True, "false": False}.get(text.lower(), text)


def point_name(assignment: dict[str, Any]) -> str:
    """A grid point's name: 'path=value,path=value'."""
    return ",".join(f"{k}={v}" for k, v in assignment.items())


def sweep_experiment(
    scenario: Scenario,
    params: list[str],
    replications: int,
    seed: int,
    metrics: list[str] | None = None,
) -> tuple[Experiment, dict[str, dict[str, Any]]]:
    """The grid as an experiment (the first point is the reference) and each point's values."""
    axes = [parse_range(p) for p in params]
    points: dict[str, dict[str, Any]] = {}
    scenarios: dict[str, Scenario] = {}
    for combo in itertools.product(*(values for _, values in axes)):
        assignment = {path: value for (path, _), value in zip(axes, combo, strict=True)}
        name = point_name(assignment)
        scenarios[name] = with_overrides(scenario, assignment, f"--param {name}")
        points[name] = assignment
    tiers = [*scenario.tiers, "all"]
    plan = Experiment(
        name=f"sweep_{scenario.name}",
        scenarios=scenarios,
        reference=next(iter(scenarios)),
        replications=replications,
        seed=seed,
        metrics=metrics or ["grr", "nrr", "cost_per_customer"],
        tiers=tiers,
    )
    return plan, points
