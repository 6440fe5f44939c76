"""Robustness studies: Latin hypercube over the uncertain inputs, verdict shares, drivers."""

from __future__ import annotations

from pathlib import Path

import pytest

from simcs.experiments.design import Experiment
from simcs.experiments.robustness import (
    UNCERTAIN,
    latin_hypercube,
    run_robustness,
    sample_experiment,
)
from simcs.scenario import Scenario
from simcs.scenario.files import with_overrides
from tests.conftest import shrink


def test_latin_hypercube_is_stratified_in_range_and_reproducible() -> None:
    k = 8
    points = latin_hypercube(k, seed=3)
    assert points == latin_hypercube(k, seed=3)
    assert points != latin_hypercube(k, seed=4)
    for name, (low, high) in UNCERTAIN.items():
        values = [p[name] for p in points]
        assert all(low <= v <= high for v in values)
        strata = sorted(int((v - low) / (high - low) * k - 1e-9) for v in values)
        assert strata == list(range(k))  # one point in each of the k equal slices


def _plan(baseline: Scenario, off: dict[str, object]) -> Experiment:
    """Smooth Transition on (reference) and off, on a fifth of the baseline book."""
    small = shrink(baseline, 5, 2)
    return Experiment(
        name="robust",
        scenarios={"play_on": small, "play_off": with_overrides(small, off)},
        reference="play_on",
        replications=4,
        seed=5,
        metrics=["grr"],
        tiers=["all"],
        overrides={"play_on": {}, "play_off": off},
    )


@pytest.fixture(scope="module")
def plan(baseline: Scenario) -> Experiment:
    return _plan(baseline, {"levers.smooth_transition.enabled": False})


def test_a_variants_own_values_win_over_the_sample(baseline: Scenario) -> None:
    plan = _plan(baseline, {"levers.smooth_transition.enabled": False, "drivers.trained": 0.9})
    point = latin_hypercube(2, seed=1)[0]
    sampled = sample_experiment(plan, point, 0)
    assert sampled.scenarios["play_on"].drivers.trained == point["drivers.trained"]
    assert sampled.scenarios["play_off"].drivers.trained == 0.9  # the variant's own value
    assert sampled.scenarios["play_off"].drivers.champion_lost == point["drivers.champion_lost"]


def test_robustness_reports_shares_and_the_input_that_drives_the_difference(
    plan: Experiment, tmp_path: Path
) -> None:
    study = run_robustness(plan, 6, tmp_path / "store.sqlite", workers=2)
    assert len(study.samples) == len(study.comparisons) == 6
    # GRR, then the bottom line every experiment compares (economic value, delivery margin)
    assert [c.metric for c in study.defaults.comparisons] == [
        "grr",
        "economic_value",
        "delivery_margin",
    ]
    shares = study.verdict_shares()
    assert len(shares) == 3 and all(0.0 <= share <= 1.0 for share in shares)
    # turning the play off hurts GRR more the more champions matter: the more a lost champion
    # weighs on renewal, or the more often champions leave (six points over eleven inputs
    # cannot always tell the two apart)
    (driver, rho), *_bottom_line = study.drivers()
    assert driver in ("drivers.champion_lost", "champions.departure_rate_per_year")
    assert rho < -0.5
    again = run_robustness(plan, 6, tmp_path / "store.sqlite", workers=1)  # all from the store
    assert [c[0].difference.mean for c in again.comparisons] == [
        c[0].difference.mean for c in study.comparisons
    ]


def _plausible_in_schema(node: object, defs: dict, path: str = "") -> dict[str, list[float]]:
    """Every `plausible` entry of the scenario's JSON schema, by dotted path ($refs followed)."""
    found: dict[str, list[float]] = {}
    if isinstance(node, dict):
        if "$ref" in node:
            return _plausible_in_schema(defs[node["$ref"].rsplit("/", 1)[-1]], defs, path)
        if "plausible" in node:
            found[path] = node["plausible"]
        for key in ("anyOf", "allOf"):
            for member in node.get(key, []):
                found.update(_plausible_in_schema(member, defs, path))
        for name, prop in node.get("properties", {}).items():
            found.update(_plausible_in_schema(prop, defs, f"{path}.{name}" if path else name))
    return found


def test_the_uncertain_inputs_are_the_fields_with_a_plausible_range() -> None:
    json_schema = Scenario.model_json_schema()
    schema = _plausible_in_schema(json_schema, json_schema["$defs"])
    assert len(UNCERTAIN) >= 10
    assert {p: list(r) for p, r in UNCERTAIN.items()} == schema
    for low, high in UNCERTAIN.values():
        assert low < high
