"""Sizing staff pools to service and retention targets by simulation.

Starting from the analytic estimate (`simcs.planning.capacity`), a coordinate search lowers each
pool's headcount while every target still holds and raises it while one fails, pool by pool, until a
pass changes nothing. Every staffing plan (a headcount for each sized pool) is simulated with the
same seeds (common random numbers), so neighbouring staffing plans differ by their headcount, not
by luck; a target holds when its one-sided confidence bound clears it (e.g. the 95% lower bound of
GRR is at least 0.92). The search is bounded: no pool goes above `search_cap` of its analytic
headcount, and at most `max_passes` passes are made. Results go to the resumable store, so a
re-run reuses every staffing plan already simulated.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

from scipy import stats

from simcs.catalogue import ALL, METRICS
from simcs.experiments.design import Experiment
from simcs.experiments.run import run_experiment
from simcs.planning.capacity import capacity_table, support_agents_for
from simcs.planning.pools import check_sizable, headcount_path, pool_config, staff_cost
from simcs.scenario import Scenario
from simcs.scenario.files import with_overrides
from simcs.stats import Interval

_TARGET = re.compile(
    r"^\s*([a-z_][a-z0-9_]*)\s*(?:\[\s*((?:group:)?[\w-]+)\s*\])?\s*(>=|<=)\s*([-+0-9.eE]+)\s*$"
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
    """'support_sla_met>=0.8', 'grr[enterprise]>=0.92' or 'grr[group:15k_to_100k]>=0.88';
    `tiers` lists the scopes a target may name (tiers and `group:NAME`)."""
    m = _TARGET.match(text)
    if m is None:
        raise ValueError(
            f"{text!r}: expected METRIC[SCOPE]>=VALUE or METRIC[SCOPE]<=VALUE (SCOPE: a tier, "
            "group:NAME or all)"
        )
    metric, tier, op = m.group(1), m.group(2) or ALL, m.group(3)
    try:
        value = float(m.group(4))
    except ValueError:
        raise ValueError(f"{text!r}: {m.group(4)!r} is not a number") from None
    if not math.isfinite(value):
        raise ValueError(f"{text!r}: the bound must be a finite number")
    if metric not in METRICS:
        raise ValueError(f"{text!r}: unknown metric {metric!r}")
    if tier != ALL and tier not in tiers:
        raise ValueError(f"{text!r}: unknown tier or group {tier!r} (known: {tiers})")
    return Target(metric, tier, op, value)


def search_cap(headcount: int) -> int:
    """The most people the search puts in a pool whose starting headcount is `headcount`."""
    return max(10, 3 * headcount + 5)


@dataclass
class StaffingPlan:
    """One simulated staffing plan: a headcount for each sized pool, and what it achieved."""

    headcounts: dict[str, int]
    staff_cost: float  # loaded annual cost of every staffed pool, managers included
    intervals: dict[str, Interval]  # by str(target)
    holds: bool


@dataclass
class SizingResult:
    """The chosen staffing plan, its neighbours, the analytic start and what was searched."""

    start: dict[str, int]
    best: StaffingPlan | None
    neighbours: list[StaffingPlan]
    evaluated: int
    replications: int
    confidence: float


class Sizer:
    """Simulates staffing plans of `pools` against `targets` with common random numbers."""

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
        self.scenario = scenario
        self.pools = check_sizable(scenario, pools)  # raises on an unknown or fixed pool
        self.targets = targets
        self.replications = replications
        self.seed = seed
        self.confidence = confidence
        self.store_path = store_path
        self.workers = workers
        self.backend = backend
        self.scheduler = scheduler
        self.cache: dict[tuple[int, ...], StaffingPlan] = {}

    def scenario_for(self, headcounts: dict[str, int]) -> Scenario:
        """The scenario with these headcounts."""
        return with_overrides(
            self.scenario, {headcount_path(p): h for p, h in headcounts.items()}, "sizing"
        )

    def evaluate(self, headcounts: dict[str, int]) -> StaffingPlan:
        """Simulate a staffing plan (or take it from the cache / the store)."""
        key = tuple(headcounts[p] for p in self.pools)
        if key in self.cache:
            return self.cache[key]
        scenario = self.scenario_for(headcounts)
        label = ",".join(f"{p}={h}" for p, h in headcounts.items())
        experiment = Experiment(
            name="sizing",
            scenarios={label: scenario},
            reference=label,
            replications=self.replications,
            seed=self.seed,
            metrics=sorted({t.metric for t in self.targets}),
            tiers=sorted({t.tier for t in self.targets}),
        )
        result = run_experiment(
            experiment, self.store_path, self.workers, self.backend, self.scheduler
        )
        summary = result.summaries[label]
        intervals = {str(t): summary[t.tier][t.metric] for t in self.targets}
        staffing = StaffingPlan(
            headcounts=dict(headcounts),
            staff_cost=staff_cost(scenario),
            intervals=intervals,
            holds=all(t.holds(intervals[str(t)], self.confidence) for t in self.targets),
        )
        self.cache[key] = staffing
        return staffing

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
        """Coordinate search for the cheapest staffing plan whose targets all hold (at most
        `max_passes` passes, no pool above `search_cap` of its start)."""
        staffing = self.analytic_start()
        start = dict(staffing)
        caps = {p: search_cap(h) for p, h in staffing.items()}
        for _ in range(max_passes):
            changed = False
            for pool in self.pools:
                while not self.evaluate(staffing).holds and staffing[pool] < caps[pool]:
                    staffing[pool] += 1
                    changed = True
                while (
                    staffing[pool] > 0
                    and self.evaluate({**staffing, pool: staffing[pool] - 1}).holds
                ):
                    staffing[pool] -= 1
                    changed = True
            if not changed:
                break
        best = self.evaluate(staffing)
        neighbours = []
        for pool in self.pools:
            for step in (-1, 1):
                h = staffing[pool] + step
                if h >= 0:
                    neighbours.append(self.evaluate({**staffing, pool: h}))
        return SizingResult(
            start=start,
            best=best if best.holds else None,
            neighbours=neighbours,
            evaluated=len(self.cache),
            replications=self.replications,
            confidence=self.confidence,
        )
