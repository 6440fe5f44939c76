"""Experiment files: a base scenario, named variants as dotted-path overrides, resolved into
an `Experiment`.

An experiment compares variants of one scenario (or several scenario files) replication by
replication with common random numbers: replication r of every variant uses the same streams,
so customers, their champions and their cases are the same wherever a variant does not change
them. Overrides are validated exactly like scenario files, with the same clear errors; an
experiment file is read by the same guarded YAML reader and every number in it is bounded.

Every comparison ends in dollars: whatever the metrics of interest, an experiment also compares
`BOTTOM_LINE` (economic value over the horizon and the yearly delivery margin), appended after
them, so the key metric stays the first one given.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, ValidationError, model_validator

from simcs.catalogue import ALL, METRICS
from simcs.scenario import Scenario, Strict
from simcs.scenario.fields import MAX_NAME, NAME_PATTERN, NUMBER, Description, Name
from simcs.scenario.files import (
    ScenarioError,
    capped,
    describe_errors,
    kind_of_data,
    load_scenario,
    read_yaml,
    with_overrides,
)
from simcs.scenario.safe_yaml import shown

#: most variants of one experiment file, and most replications of one variant
MAX_VARIANTS = 1_000
MAX_REPLICATIONS = 100_000
#: largest root seed (it is stored as a 64-bit signed integer)
MAX_SEED = 2**63 - 1
Replications = Annotated[int, Field(ge=2, le=MAX_REPLICATIONS), NUMBER]
#: Compared in every experiment, after its metrics of interest: what a strategy is worth.
BOTTOM_LINE: tuple[str, ...] = ("economic_value", "delivery_margin")


def with_bottom_line(metrics: list[str]) -> list[str]:
    """`metrics`, then each of `BOTTOM_LINE` they leave out (the first metric stays first)."""
    return [*metrics, *(m for m in BOTTOM_LINE if m not in metrics)]


def _variant_names(variants: dict[str, Any]) -> dict[str, Any]:
    for name in variants:
        if len(name) > MAX_NAME or not re.match(NAME_PATTERN, name):
            raise ValueError(
                f"'{shown(name)}' is not a valid variant name (it names the variant's files: "
                f"1-{MAX_NAME} letters, digits, '.', '_' or '-', starting with a letter or digit)"
            )
    return variants


class ExperimentSpec(Strict):
    """The contents of an experiment file."""

    name: Name = Field(description="name of the experiment (default output folder)")
    description: Description = Field("", description="the question the experiment answers")
    base: Annotated[str, Field(min_length=1, max_length=1_000)] = Field(
        description="the base scenario file, relative to the experiment file"
    )
    replications: Replications = Field(
        20, description="replications per variant (the same ones for every variant)"
    )
    seed: Annotated[int, Field(ge=0, le=MAX_SEED), NUMBER] = Field(
        0, description="root seed of the random streams"
    )
    metrics: list[str] = Field(
        ["grr", "nrr", "cost_per_customer"],
        min_length=1,
        max_length=len(METRICS),
        description="metrics of interest; the first is the key metric (for --precision); "
        "economic_value and delivery_margin are compared too, always",
    )
    tiers: Annotated[list[str], Field(max_length=1_000)] | None = Field(
        None,
        description="tiers and customer groups ('group:NAME') compared, and 'all' (default: "
        "see compare_by)",
    )
    compare_by: Literal["tier", "group", "both"] | None = Field(
        None,
        description="compare per service tier, per customer group or both, with 'all' (default: "
        "group when the variants differ in segmentation -- a tier then serves different "
        "customers in each -- else tier)",
    )
    reference: str = Field(description="the variant every other is compared with")
    variants: Annotated[dict[str, dict[str, Any] | None], AfterValidator(_variant_names)] = Field(
        min_length=2,
        max_length=MAX_VARIANTS,
        description="name -> overrides by dotted path ({} = the base as is); a name is "
        "letters, digits, '.', '_' and '-' (it names the variant's files)",
    )
    precision: Annotated[float, Field(gt=0), NUMBER] | None = Field(
        None, description="add replications until the key metric's paired half-width <= this"
    )
    max_replications: Replications = Field(
        400, description="with precision: stop adding replications here, and say so"
    )

    @model_validator(mode="after")
    def _consistent(self) -> ExperimentSpec:
        unknown = [shown(m) for m in self.metrics if m not in METRICS]
        if unknown:
            raise ValueError(f"metrics: unknown metric(s) {unknown}; known: {list(METRICS)}")
        if self.reference not in self.variants:
            raise ValueError(f"reference: '{shown(self.reference)}' is not one of the variants")
        if self.max_replications < self.replications:
            raise ValueError("max_replications: must be at least replications")
        return self


class Experiment:
    """A validated experiment: one resolved scenario per variant, reference first; `metrics`
    are the ones given followed by `BOTTOM_LINE`."""

    def __init__(
        self,
        name: str,
        scenarios: dict[str, Scenario],
        reference: str,
        replications: int,
        seed: int,
        metrics: list[str],
        tiers: list[str],
        precision: float | None = None,
        max_replications: int = 400,
        description: str = "",
        overrides: dict[str, dict[str, Any]] | None = None,
    ) -> None:
        self.name = name
        #: what each variant itself sets (robustness samples leave these alone)
        self.overrides = overrides or {v: {} for v in scenarios}
        self.description = description
        ordered = {reference: scenarios[reference]}
        ordered.update((k, v) for k, v in scenarios.items() if k != reference)
        self.scenarios = ordered
        self.reference = reference
        self.replications = replications
        self.seed = seed
        self.metrics = with_bottom_line(metrics)
        self.tiers = tiers
        self.precision = precision
        self.max_replications = max_replications

    @property
    def key_metric(self) -> str:
        """The metric --precision is about (the first of interest), for the whole book."""
        return self.metrics[0]


def _tiers_of(scenarios: dict[str, Scenario], by: str | None = None) -> list[str]:
    """The scopes compared: tiers and/or customer groups of every variant, then 'all'.

    By default customer groups when the variants segment differently (the customers in a tier
    then differ between variants, a group's do not), tiers otherwise.
    """
    rules = [s.rule for s in scenarios.values()]
    if by is None:
        by = "group" if any(rule != rules[0] for rule in rules) else "tier"
    parts = ["tier", "group"] if by == "both" else [by]
    scopes: list[str] = []
    for part in parts:
        for scenario in scenarios.values():
            scopes.extend(s for s in scenario.scopes(part)[:-1] if s not in scopes)
    return [*scopes, ALL]


def load_experiment(path: str | Path) -> Experiment:
    """Read and validate an experiment file and every variant it defines."""
    p = Path(path)
    data = read_yaml(p)
    if not isinstance(data, dict):
        raise ScenarioError(
            str(p), [f"the file must hold a mapping of experiment fields, not {kind_of_data(data)}"]
        )
    try:
        spec = ExperimentSpec.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(str(p), describe_errors(exc)) from None
    base_path = (p.parent / spec.base).resolve()
    try:
        base = load_scenario(base_path)
    except ScenarioError as exc:
        raise ScenarioError(
            str(p), [f"base: {exc.source}: {problem}" for problem in exc.problems]
        ) from None
    scenarios: dict[str, Scenario] = {}
    problems: list[str] = []
    for name, overrides in spec.variants.items():
        try:
            scenarios[name] = with_overrides(base, overrides or {}, f"variants.{name}")
        except ScenarioError as exc:
            problems.extend(f"variants.{name}.{line}" for line in exc.problems)
    if problems:
        raise ScenarioError(str(p), capped(problems))
    tiers = spec.tiers if spec.tiers is not None else _tiers_of(scenarios, spec.compare_by)
    known = _tiers_of(scenarios, "both")
    bad = [shown(t) for t in tiers if t not in known]
    if bad:
        raise ScenarioError(str(p), [f"tiers: unknown tier(s) or group(s) {bad}; known: {known}"])
    return Experiment(
        name=spec.name,
        scenarios=scenarios,
        reference=spec.reference,
        replications=spec.replications,
        seed=spec.seed,
        metrics=spec.metrics,
        tiers=tiers,
        precision=spec.precision,
        max_replications=spec.max_replications,
        description=spec.description,
        overrides={name: dict(o or {}) for name, o in spec.variants.items()},
    )


def experiment_from_scenarios(
    paths: list[str | Path],
    replications: int,
    seed: int,
    metrics: list[str] | None = None,
    precision: float | None = None,
    max_replications: int = 400,
    compare_by: str | None = None,
) -> Experiment:
    """`simcs compare A.yaml B.yaml ...`: each file is a variant, the first the reference."""
    scenarios: dict[str, Scenario] = {}
    for path in paths:
        scenario = load_scenario(path)
        name = scenario.name
        k = 2
        while name in scenarios:
            name = f"{scenario.name}_{k}"
            k += 1
        scenarios[name] = scenario
    if len(scenarios) < 2:
        raise ScenarioError(str(paths[0]), ["compare needs at least two scenario files"])
    reference = next(iter(scenarios))
    return Experiment(
        name="compare_" + "_vs_".join(scenarios),
        scenarios=scenarios,
        reference=reference,
        replications=replications,
        seed=seed,
        metrics=metrics or ["grr", "nrr", "cost_per_customer"],
        tiers=_tiers_of(scenarios, compare_by),
        precision=precision,
        max_replications=max(max_replications, replications),
    )
