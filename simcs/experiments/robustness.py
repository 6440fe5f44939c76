"""Robustness of an experiment's verdicts to the weakly known effect sizes.

The odds ratios of the renewal drivers, champion turnover, the training effect and self-service
deflection are scenario inputs, not facts. The scenario schema gives each its plausible range
(`plausible=` on the field; the reference docs show them), and this study varies exactly the
fields that have one. A robustness study draws K points over those ranges by Latin hypercube
(scipy.stats.qmc), reruns the whole experiment at each point (every variant, common random
numbers within the point), and reports for each comparison how often the verdict at the defaults
still holds, and which input drives the paired difference most (Spearman rank correlation across
the points).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import UnionType
from typing import Union, get_args, get_origin

from pydantic import BaseModel
from scipy import stats
from scipy.stats import qmc

from simcs.experiments.comparison import Comparison
from simcs.experiments.design import Experiment
from simcs.experiments.run import ExperimentResult, run_experiment
from simcs.scenario import Scenario
from simcs.scenario.files import with_overrides


def plausible_ranges(
    model: type[BaseModel] = Scenario, prefix: str = ""
) -> dict[str, tuple[float, float]]:
    """Every field of `model` (nested sections included, in field order) whose description
    gives a plausible range (`plausible=` in the scenario schema), by dotted path. Sections
    keyed by name (tiers, CSM teams) are not walked: their paths are not fixed."""
    out: dict[str, tuple[float, float]] = {}
    for name, field in model.model_fields.items():
        path = f"{prefix}{name}"
        extra = field.json_schema_extra
        if isinstance(extra, dict) and "plausible" in extra:
            low, high = extra["plausible"]
            out[path] = (float(low), float(high))
        for section in _sections(field.annotation):
            out.update(plausible_ranges(section, f"{path}."))
    return out


def _sections(annotation: object) -> list[type[BaseModel]]:
    """The scenario sections an annotation names directly (`Section` or `Section | None`)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    if get_origin(annotation) in (Union, UnionType):
        members = get_args(annotation)
        return [a for a in members if isinstance(a, type) and issubclass(a, BaseModel)]
    return []


#: The uncertain inputs and their plausible ranges, from the scenario schema's field metadata.
UNCERTAIN: dict[str, tuple[float, float]] = plausible_ranges()


@dataclass
class Robustness:
    """The defaults' result, every sample's inputs and comparisons, and the summary."""

    defaults: ExperimentResult
    samples: list[dict[str, float]]
    comparisons: list[list[Comparison]]  # per sample, same order as defaults.comparisons

    def verdict_shares(self) -> list[float]:
        """Per comparison: share of samples whose verdict equals the verdict at the defaults."""
        out = []
        for k, base in enumerate(self.defaults.comparisons):
            same = sum(1 for cs in self.comparisons if cs[k].verdict == base.verdict)
            out.append(same / len(self.comparisons))
        return out

    def drivers(self) -> list[tuple[str, float]]:
        """Per comparison: the input with the largest |Spearman rho| with the difference."""
        out: list[tuple[str, float]] = []
        for k in range(len(self.defaults.comparisons)):
            diffs = [cs[k].difference.mean for cs in self.comparisons]
            best, best_rho = "", 0.0
            for path in self.samples[0]:
                xs = [s[path] for s in self.samples]
                if len(set(diffs)) < 2 or len(set(xs)) < 2:
                    continue
                rho = float(stats.spearmanr(xs, diffs).statistic)
                if not math.isnan(rho) and abs(rho) > abs(best_rho):
                    best, best_rho = path, rho
            out.append((best, best_rho))
        return out


def latin_hypercube(k: int, seed: int) -> list[dict[str, float]]:
    """K points over UNCERTAIN by Latin hypercube (reproducible from `seed`)."""
    names = list(UNCERTAIN)
    unit = qmc.LatinHypercube(d=len(names), seed=seed).random(k)
    low = [UNCERTAIN[n][0] for n in names]
    high = [UNCERTAIN[n][1] for n in names]
    scaled = qmc.scale(unit, low, high)
    return [{n: round(float(v), 6) for n, v in zip(names, row, strict=True)} for row in scaled]


def sample_experiment(experiment: Experiment, sample: dict[str, float], index: int) -> Experiment:
    """The experiment at one sample point; a variant's own overrides win over the sample."""
    scenarios = {
        v: with_overrides(
            s,
            {p: x for p, x in sample.items() if p not in experiment.overrides.get(v, {})},
            f"robustness sample {index}",
        )
        for v, s in experiment.scenarios.items()
    }
    return Experiment(
        name=f"{experiment.name}_sample{index}",
        scenarios=scenarios,
        reference=experiment.reference,
        replications=experiment.replications,
        seed=experiment.seed,
        metrics=experiment.metrics,
        tiers=experiment.tiers,
        overrides=experiment.overrides,
    )


def run_robustness(
    experiment: Experiment,
    samples: int,
    store_path: str | Path,
    workers: int = 1,
    backend: str = "local",
    scheduler: str | None = None,
    on_sample: Callable[[int, int], None] | None = None,
) -> Robustness:
    """Run the experiment at its defaults and at `samples` Latin-hypercube points (resumable)."""
    defaults = run_experiment(experiment, store_path, workers, backend, scheduler)
    points = latin_hypercube(samples, experiment.seed)
    comparisons = []
    for k, point in enumerate(points):
        result = run_experiment(
            sample_experiment(experiment, point, k), store_path, workers, backend, scheduler
        )
        comparisons.append(result.comparisons)
        if on_sample:
            on_sample(k + 1, samples)
    return Robustness(defaults=defaults, samples=points, comparisons=comparisons)
