"""Sizing staff pools to service and retention targets by simulation.

Starting from the analytic estimate (`simcs.planning.capacity`), a coordinate search lowers each
pool's headcount while every target still holds and raises it while one fails, pool by pool, until a
pass changes nothing. Every plan is simulated with the same seeds (common random numbers), so
neighbouring plans differ by their headcount, not by luck; a target holds when its one-sided
confidence bound clears it (e.g. the 95% lower bound of GRR is at least 0.92). Results go to the
resumable store, so a re-run reuses every plan already simulated.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

from scipy import stats

from simcs.experiments.design import Experiment
from simcs.experiments.run import run_experiment
from simcs.formulas.costs import loaded_cost
from simcs.planning.capacity import (
    capacity_table,
    headcount_path,
    pool_config,
    support_agents_for,
)
from simcs.scenario import Scenario
from simcs.scenario.files import with_overrides
from simcs.simulation.metrics import ALL, METRICS
from simcs.stats import Interval

_TARGET = re.compile(
    r"^\s*([a-z_][a-z0-9_]*)\s*(?:\[\s*([\w-]+)\s*\])?\s*(>=|<=)\s*([-+0-9.eE]+)\s*$"
)


@dataclass(frozen=True, slots=True)
class Target:
    """METRIC[TIER] >= VALUE (or <=); the tier defaults to the whole book."""

    metric: str
    tier: str
    op: str
    value: float

    def __str__(self) -> str:
        tier = "" if self.tier == ALL else f"[{self.tier}]"
        return f"{self.metric}{tier}{self.op}{self.value:g}"

    def bound(self, iv: Interval, confidence: float) -> float:
        """The one-sided confidence bound that must clear the target."""
        if iv.n < 2 or math.isnan(iv.std):
            return iv.mean
        half = float(stats.t.ppf(confidence, iv.n - 1)) * iv.std / math.sqrt(iv.n)
        return iv.mean - half if self.op == ">=" else iv.mean + half

    def holds(self, iv: Interval, confidence: float) -> bool:
        """True if the target holds with the stated confidence."""
        b = self.bound(iv, confidence)
        if math.isnan(b):
            return False
        return b >= self.value if self.op == ">=" else b <= self.value


def parse_target(text: str, tiers: list[str]) -> Target:
    """'support_sla_met>=0.8' or 'grr[enterprise]>=0.92'."""
    m = _TARGET.match(text)
    if m is None:
        raise ValueError(f"{text!r}: expected METRIC[TIER]>=VALUE or METRIC[TIER]<=VALUE")
    metric, tier, op, value = m.group(1), m.group(2) or ALL, m.group(3), float(m.group(4))
    if metric not in METRICS:
        raise ValueError(f"{text!r}: unknown metric {metric!r}")
    if tier != ALL and tier not in tiers:
        raise ValueError(f"{text!r}: unknown tier {tier!r} (tiers: {tiers})")
    return Target(metric, tier, op, value)


@dataclass
class Evaluation:
    """One simulated staffing plan."""

    headcounts: dict[str, int]
    staff_cost: float  # loaded annual cost of every staffed pool, managers included
    intervals: dict[str, Interval]  # by str(target)
    holds: bool


@dataclass
class SizingResult:
    """The chosen plan, its neighbours, the analytic start and what was searched."""

    start: dict[str, int]
    best: Evaluation | None
    neighbours: list[Evaluation]
    evaluated: int
    replications: int
    confidence: float


def staff_cost(scenario: Scenario) -> float:
    """Loaded annual cost of every staffed pool at full headcount, managers included."""
    staff = scenario.staff
    pools = [staff.support, staff.implementation, staff.education, staff.operations]
    pools += list(staff.csm.values())
    return sum(
        p.headcount * loaded_cost(p.ote, p.overhead)
        + p.managers * loaded_cost(p.manager_ote, p.overhead)
        for p in pools
    )


class Sizer:
    """Evaluates staffing plans of `pools` against `targets` with common random numbers."""

    def __init__(
        self,
        scenario: Scenario,
        pools: list[str],
        targets: list[Target],
        replications: int,
        seed: int,
        confidence: float,
        store_path: str | Path,
        workers: int = 1,
        backend: str = "local",
        scheduler: str | None = None,
    ) -> None:
        for pool in pools:
            pool_config(scenario, pool)  # raises on an unknown pool
        self.scenario = scenario
        self.pools = pools
        self.targets = targets
        self.replications = replications
        self.seed = seed
        self.confidence = confidence
        self.store_path = store_path
        self.workers = workers
        self.backend = backend
        self.scheduler = scheduler
        self.cache: dict[tuple[int, ...], Evaluation] = {}

    def scenario_for(self, headcounts: dict[str, int]) -> Scenario:
        """The scenario with these headcounts."""
        return with_overrides(
            self.scenario, {headcount_path(p): h for p, h in headcounts.items()}, "sizing"
        )

    def evaluate(self, headcounts: dict[str, int]) -> Evaluation:
        """Simulate a plan (or take it from the cache / the store)."""
        key = tuple(headcounts[p] for p in self.pools)
        if key in self.cache:
            return self.cache[key]
        scenario = self.scenario_for(headcounts)
        label = ",".join(f"{p}={h}" for p, h in headcounts.items())
        plan = Experiment(
            name="sizing",
            scenarios={label: scenario},
            reference=label,
            replications=self.replications,
            seed=self.seed,
            metrics=sorted({t.metric for t in self.targets}),
            tiers=sorted({t.tier for t in self.targets}),
        )
        result = run_experiment(plan, self.store_path, self.workers, self.backend, self.scheduler)
        summary = result.summaries[label]
        intervals = {str(t): summary[t.tier][t.metric] for t in self.targets}
        evaluation = Evaluation(
            headcounts=dict(headcounts),
            staff_cost=staff_cost(scenario),
            intervals=intervals,
            holds=all(t.holds(intervals[str(t)], self.confidence) for t in self.targets),
        )
        self.cache[key] = evaluation
        return evaluation

    def analytic_start(self) -> dict[str, int]:
        """The analytic headcount of every sized pool (support to its SLA target, if any)."""
        table = {row.pool: row.recommended for row in capacity_table(self.scenario)}
        start = {}
        for pool in self.pools:
            if pool == "support":
                sla = [t.value for t in self.targets if t.metric == "support_sla_met"]
                start[pool] = (
                    support_agents_for(self.scenario, min(max(sla), 0.999))
                    if sla
                    else table["support"]
                )
            else:
                start[pool] = table.get(pool, pool_config(self.scenario, pool).headcount)
        return start

    def search(self, max_passes: int = 4) -> SizingResult:
        """Coordinate search for the cheapest plan whose targets all hold."""
        plan = self.analytic_start()
        start = dict(plan)
        caps = {p: max(10, 3 * h + 5) for p, h in plan.items()}
        for _ in range(max_passes):
            changed = False
            for pool in self.pools:
                while not self.evaluate(plan).holds and plan[pool] < caps[pool]:
                    plan[pool] += 1
                    changed = True
                while plan[pool] > 0 and self.evaluate({**plan, pool: plan[pool] - 1}).holds:
                    plan[pool] -= 1
                    changed = True
            if not changed:
                break
        best = self.evaluate(plan)
        neighbours = []
        for pool in self.pools:
            for step in (-1, 1):
                h = plan[pool] + step
                if h >= 0:
                    neighbours.append(self.evaluate({**plan, pool: h}))
        return SizingResult(
            start=start,
            best=best if best.holds else None,
            neighbours=neighbours,
            evaluated=len(self.cache),
            replications=self.replications,
            confidence=self.confidence,
        )


def sizing_document(sizer: Sizer, result: SizingResult, scenario_name: str) -> dict[str, object]:
    """sizing.json: the targets, the search, and every plan simulated (for reports)."""

    def number(x: float) -> float | None:
        return None if math.isnan(x) else x

    plans = []
    for evaluation in sizer.cache.values():
        values = {}
        for target in sizer.targets:
            iv = evaluation.intervals[str(target)]
            values[str(target)] = {
                "mean": number(iv.mean),
                "bound": number(target.bound(iv, sizer.confidence)),
                "ci95_low": number(iv.low),
                "ci95_high": number(iv.high),
                "n": iv.n,
            }
        plans.append(
            {
                "headcounts": evaluation.headcounts,
                "staff_cost": evaluation.staff_cost,
                "values": values,
                "holds": evaluation.holds,
            }
        )
    return {
        "scenario": scenario_name,
        "targets": [
            {"label": str(t), "metric": t.metric, "tier": t.tier, "op": t.op, "value": t.value}
            for t in sizer.targets
        ],
        "pools": sizer.pools,
        "confidence": sizer.confidence,
        "replications": sizer.replications,
        "seed": sizer.seed,
        "start": result.start,
        "recommended": None if result.best is None else result.best.headcounts,
        "recommended_staff_cost": None if result.best is None else result.best.staff_cost,
        "plans": plans,
    }
