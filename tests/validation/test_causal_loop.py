"""The causal loop, capacity -> service -> health -> renewal, under common random numbers.

Each test compares the baseline with one change, replication by replication with the same
seeds (paired differences), and asks for the 95% interval of the mean difference to exclude 0
in the direction the loop predicts. If headcount could change only cost, these would fail.
"""

from __future__ import annotations

from collections.abc import Callable

import simcs
from simcs.scenario import Scenario
from simcs.scenario.files import scenario_sha256, with_overrides
from simcs.simulation.replication import ReplicationResult
from simcs.stats import Interval, t_interval

REPLICATIONS = 6
SEED = 2026
_RUNS: dict[tuple[str, int], ReplicationResult] = {}


def _simulate(scenario: Scenario, replication: int) -> ReplicationResult:
    """One replication, kept: every test compares with the same baseline replications."""
    key = (scenario_sha256(scenario), replication)
    if key not in _RUNS:
        _RUNS[key] = simcs.simulate(scenario, seed=SEED, replication=replication)
    return _RUNS[key]


def _mean_over_years(result: ReplicationResult, tier: str, metric: str) -> float:
    values = [result.metrics[y][tier][metric] for y in result.metrics]
    return sum(values) / len(values)


Measure = Callable[[ReplicationResult], float]


def paired(base: Scenario, variant: Scenario, **measures: Measure) -> dict[str, Interval]:
    """95% interval of the mean of (variant - base) over paired replications, per measure."""
    diffs: dict[str, list[float]] = {name: [] for name in measures}
    for r in range(REPLICATIONS):
        a = _simulate(base, r)
        b = simcs.simulate(variant, seed=SEED, replication=r)
        for name, measure in measures.items():
            diffs[name].append(measure(b) - measure(a))
    return {name: t_interval(d) for name, d in diffs.items()}


def _all(metric: str) -> Measure:
    return lambda r: _mean_over_years(r, "all", metric)


def _tier(tier: str, metric: str) -> Measure:
    return lambda r: _mean_over_years(r, tier, metric)


def test_halving_support_agents_raises_waits_and_lowers_grr(baseline: Scenario) -> None:
    half = baseline.staff.support.headcount // 2
    variant = with_overrides(baseline, {"staff.support.headcount": half})
    diff = paired(
        baseline,
        variant,
        wait=_all("support_wait_hours_mean"),
        sla=_all("support_sla_met"),
        grr=_all("grr"),
    )
    assert diff["wait"].low > 0
    assert diff["sla"].high < 0
    assert diff["grr"].high < 0


def test_removing_a_tiers_csms_lowers_its_grr(baseline: Scenario) -> None:
    variant = with_overrides(baseline, {"staff.csm.enterprise.headcount": 0})
    diff = paired(
        baseline,
        variant,
        grr=_tier("enterprise", "grr"),
        csm_cost=_tier("enterprise", "cost_per_customer_csm"),
    )
    assert diff["grr"].high < 0
    assert diff["csm_cost"].high < 0  # and it saves the team's cost


def _churn_after_champion_loss(result: ReplicationResult) -> float:
    years = set(result.scenario.measurement_years)
    sums = result.ledger.sums  # keyed by (year, ledger cell, quantity): summed over every cell

    def total(quantity: str) -> float:
        return sum(v for (y, _cell, q), v in sums.items() if y in years and q == quantity)

    return total("churned_after_champion_loss") / total("renewals_after_champion_loss")


def test_smooth_transition_off_raises_churn_after_champion_loss(baseline: Scenario) -> None:
    variant = with_overrides(baseline, {"levers.smooth_transition.enabled": False})
    diff = paired(
        baseline, variant, churn=_churn_after_champion_loss, plays=_all("smooth_transitions")
    )
    assert diff["churn"].low > 0
    assert diff["plays"].high < 0  # no plays run when it is off


def test_more_csms_never_lower_retention_beyond_noise(baseline: Scenario) -> None:
    team = baseline.staff.csm["enterprise"].headcount
    variant = with_overrides(baseline, {"staff.csm.enterprise.headcount": team + 4})
    diff = paired(baseline, variant, grr=_tier("enterprise", "grr"))
    assert diff["grr"].high >= 0  # not significantly lower
