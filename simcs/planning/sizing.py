"""Sizing staff pools to service and retention targets by simulation.

Starting from the analytic estimate (`simcs.planning.capacity`), a coordinate search lowers each
pool's level while every target still holds and raises it while one fails, pool by pool, until a
pass changes nothing. A pool's level is its headcount; a pool may instead be sized by a ratio
rule of its staffing policy (`arr_per_person` or `accounts_per_person`, reviewed during the run
as the book changes). Its level h then stands for the ratio that staffs h people for the
expected t=0 book (book / h, to 3 significant figures), and the pool starts with those h people,
so each level down is one person fewer for the same book and the search finds the largest ratio
(fewest people) whose targets hold, whatever today's staff. The pool keeps its other rules,
review, caps and reductions (a plan gives way to the ratio); its people over the run, and so its
cost, are the simulation's mean headcount.

Every staffing plan (a level for each sized pool) is simulated with the same seeds (common random
numbers), so neighbouring staffing plans differ by their staff, not by luck; a target holds when
its one-sided confidence bound clears it (e.g. the 95% lower bound of GRR is at least 0.92). The
search is bounded: no pool goes above `search_cap` of its analytic level, and at most
`max_passes` passes are made. Results go to the resumable store, so a re-run reuses every
staffing plan already simulated.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from scipy import stats

from simcs.catalogue import ALL, METRICS
from simcs.catalogue import metric as catalogue_metric
from simcs.experiments.design import Experiment
from simcs.experiments.run import run_experiment
from simcs.formulas.costs import loaded_cost, people_within_budget
from simcs.planning.book import by_tier
from simcs.planning.capacity import capacity_table, support_agents_for
from simcs.planning.hiring import average_arr
from simcs.planning.pools import (
    CSM_PREFIX,
    all_pools,
    check_sizable,
    headcount_path,
    pool_config,
    pool_cost,
)
from simcs.scenario import Scenario
from simcs.scenario.fields import MAX_HEADCOUNT
from simcs.scenario.files import with_overrides
from simcs.scenario.staffing_file import RATIOS, ratio_overrides, ratio_text
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
        """'grr[enterprise]>=0.92', 'delivery_margin>=$5,000,000'; a measure (>= -inf, no
        constraint) is just 'economic_value[enterprise]'."""
        tier = "" if self.tier == ALL else f"[{self.tier}]"
        if self.value == -math.inf and self.op == ">=":
            return f"{self.metric}{tier}"
        if catalogue_metric(self.metric).kind == "usd" and self.value == round(self.value):
            sign = "-" if self.value < 0 else ""
            return f"{self.metric}{tier}{self.op}{sign}${abs(self.value):,.0f}"
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


def parse_ratios(texts: Iterable[str], pools: list[str]) -> dict[str, str]:
    """The ratio rule sized for each pool: 'RULE' for every pool in `pools`, 'POOL=RULE' for
    one of them (RULE: arr_per_person or accounts_per_person)."""
    out: dict[str, str] = {}
    for text in texts:
        pool, _, rule = text.strip().rpartition("=")
        named = [pool.strip()] if pool else pools
        if rule.strip() not in RATIOS:
            raise ValueError(f"{text!r}: unknown ratio rule (ratio rules: {', '.join(RATIOS)})")
        for name in named:
            if name not in pools:
                raise ValueError(f"{text!r}: pool '{name}' is not sized (name it with --pool)")
            if name in out:
                raise ValueError(f"{text!r}: pool '{name}' is given a ratio twice")
            out[name] = rule.strip()
    return out


def search_cap(headcount: int) -> int:
    """The most people the search puts in a pool whose starting headcount is `headcount`."""
    return max(10, 3 * headcount + 5)


def headcount_metric(pool: str) -> tuple[str, str]:
    """(scope, metric) of a pool's mean headcount in the year metrics: a CSM team's in its tier,
    a shared pool's in the whole book."""
    if pool.startswith(CSM_PREFIX):
        return pool.removeprefix(CSM_PREFIX), "headcount_csm"
    return ALL, f"headcount_{pool}"


def book_at_start(scenario: Scenario, pool: str, ratio: str) -> float:
    """What the pool's ratio rule counts in the expected t=0 book: ARR (at each group's average
    contract) or customers, of the CSM team's tier or of the whole book."""
    arr = ratio == "arr_per_person"
    per_group = {
        name: g.initial_customers * (average_arr(scenario, name) if arr else 1.0)
        for name, g in scenario.population.items()
    }
    if pool.startswith(CSM_PREFIX):
        return by_tier(scenario, per_group)[pool.removeprefix(CSM_PREFIX)]
    return sum(per_group.values())


@dataclass
class StaffingPlan:
    """One simulated staffing plan: a level for each sized pool (its headcount, or for a pool
    sized by a ratio the people the ratio staffs at t=0), and what it achieved."""

    headcounts: dict[str, int]
    staff_cost: float  # loaded annual cost of every staffed pool, managers included
    intervals: dict[str, Interval]  # by str(target)
    holds: bool
    ratios: dict[str, float] = field(default_factory=dict)  # pools sized by a ratio: its value
    mean_headcounts: dict[str, float] = field(default_factory=dict)  # sized pools, simulated

    def label(self, ratio_rules: Mapping[str, str] | None = None) -> str:
        """'support=7, csm.smb=1 per $2.94M ARR (mean 11.3 people)'."""
        rules = ratio_rules or {}
        parts = []
        for pool, level in self.headcounts.items():
            if pool in self.ratios and pool in rules:
                mean = self.mean_headcounts.get(pool, math.nan)
                parts.append(
                    f"{pool}={ratio_text(rules[pool], self.ratios[pool])} (mean {mean:.1f} people)"
                )
            else:
                parts.append(f"{pool}={level}")
        return ", ".join(parts)


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
        ratios: Mapping[str, str] | None = None,
    ) -> None:
        self.scenario = scenario
        self.pools = check_sizable(scenario, pools)  # raises on an unknown or fixed pool
        #: pools sized by a ratio rule of their policy, and which rule
        self.ratios = dict(ratios or {})
        self.books: dict[str, float] = {}  # a ratio pool's t=0 book (ARR or customers)
        for pool, rule in self.ratios.items():
            if pool not in self.pools:
                raise ValueError(f"ratio for pool '{pool}', which is not sized (--pool)")
            if rule not in RATIOS:
                raise ValueError(f"unknown ratio rule {rule!r} (ratio rules: {', '.join(RATIOS)})")
            self.books[pool] = book_at_start(scenario, pool, rule)
            if not self.books[pool] > 0:
                raise ValueError(
                    f"pool '{pool}': the t=0 book it counts is empty, so {rule} has no scale"
                )
        self.targets = targets
        self.replications = replications
        self.seed = seed
        self.confidence = confidence
        self.store_path = store_path
        self.workers = workers
        self.backend = backend
        self.scheduler = scheduler
        self.cache: dict[tuple[int, ...], StaffingPlan] = {}

    def ratio_at(self, pool: str, level: int) -> float:
        """The ratio of level `level` (at least 1): the pool's t=0 book / level, 3 significant
        figures."""
        return float(f"{self.books[pool] / max(level, 1):.3g}")

    def floor(self, pool: str) -> int:
        """The lowest level searched: no one (a headcount), one person at t=0 (a ratio)."""
        return 1 if pool in self.ratios else 0

    def most(self, pool: str) -> int | None:
        """The most people the pool's policy allows at t=0 (its headcount cap and budget), if
        it caps them (a pool starts with its level's people)."""
        config = pool_config(self.scenario, pool)
        policy = config.policy
        if policy is None or (policy.max_headcount is None and policy.max_cost_per_year is None):
            return None
        most = MAX_HEADCOUNT if policy.max_headcount is None else policy.max_headcount
        if policy.max_cost_per_year is not None:
            share = policy.managers_per_person
            person = loaded_cost(config.ote, config.overhead)
            manager = loaded_cost(config.manager_ote, config.overhead)

            def cost(people: int) -> float:
                managers = config.managers if share is None else round(share * people)
                return people * person + managers * manager

            most = people_within_budget(policy.max_cost_per_year, cost, most)
        return most

    def cap(self, pool: str, start: int) -> int:
        """The highest level searched: `search_cap` of the start, within the policy's cap."""
        most = self.most(pool)
        return search_cap(start) if most is None else min(search_cap(start), most)

    def scenario_for(self, headcounts: dict[str, int]) -> Scenario:
        """The scenario with these levels: the headcounts, and each ratio pool's ratio (with
        the people it staffs at t=0)."""
        ratios = {
            p: (rule, self.ratio_at(p, headcounts[p]))
            for p, rule in self.ratios.items()
            if p in headcounts
        }
        overrides = {headcount_path(p): h for p, h in headcounts.items()}
        return with_overrides(
            self.scenario, {**overrides, **ratio_overrides(self.scenario, ratios)}, "sizing"
        )

    def plan_label(self, headcounts: Mapping[str, int]) -> str:
        """The variant name of a staffing plan: 'support=7,csm.smb=5:arr_per_person=4.5e+06'."""
        return ",".join(
            f"{p}={h}:{self.ratios[p]}={self.ratio_at(p, h):g}" if p in self.ratios else f"{p}={h}"
            for p, h in headcounts.items()
        )

    def evaluate(self, headcounts: dict[str, int]) -> StaffingPlan:
        """Simulate a staffing plan (or take it from the cache / the store)."""
        key = tuple(headcounts[p] for p in self.pools)
        if key in self.cache:
            return self.cache[key]
        scenario = self.scenario_for(headcounts)
        label = self.plan_label(headcounts)
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
        means = {}
        for pool in self.pools:
            scope, metric = headcount_metric(pool)
            means[pool] = summary[scope][metric].mean
        # a ratio pool's people change over the run: cost it at its mean headcount
        people = {p: means[p] for p in self.ratios}
        staffing = StaffingPlan(
            headcounts=dict(headcounts),
            staff_cost=sum(
                pool_cost(pool_config(scenario, p), people.get(p)) for p in all_pools(scenario)
            ),
            intervals=intervals,
            holds=all(t.holds(intervals[str(t)], self.confidence) for t in self.targets),
            ratios={p: self.ratio_at(p, headcounts[p]) for p in self.ratios},
            mean_headcounts=means,
        )
        self.cache[key] = staffing
        return staffing

    def analytic_start(self) -> dict[str, int]:
        """The analytic headcount of every sized pool (support to its SLA target, if any); a
        ratio pool's level starts there too (at least 1)."""
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
            most = self.most(pool)
            start[pool] = max(
                self.floor(pool), start[pool] if most is None else min(start[pool], most)
            )
        return start

    def search(self, max_passes: int = 4) -> SizingResult:
        """Coordinate search for the cheapest staffing plan whose targets all hold (at most
        `max_passes` passes, no pool above `search_cap` of its start nor below its floor)."""
        staffing = self.analytic_start()
        start = dict(staffing)
        caps = {p: self.cap(p, h) for p, h in staffing.items()}
        for _ in range(max_passes):
            changed = False
            for pool in self.pools:
                while not self.evaluate(staffing).holds and staffing[pool] < caps[pool]:
                    staffing[pool] += 1
                    changed = True
                while (
                    staffing[pool] > self.floor(pool)
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
                most = self.most(pool)
                if h >= self.floor(pool) and (most is None or h <= most):
                    neighbours.append(self.evaluate({**staffing, pool: h}))
        return SizingResult(
            start=start,
            best=best if best.holds else None,
            neighbours=neighbours,
            evaluated=len(self.cache),
            replications=self.replications,
            confidence=self.confidence,
        )
