"""The book as the analytic models see it: expected customers of each group in each tier.

The simulation places every customer by the segmentation rule; the capacity and growth models
need the expected numbers instead. Under rule `group` a group's customers all go to its tier;
under rule `arr` the share of a group in a tier is the probability its ARR law (truncated to
the group's band) puts a customer in the tier's band. Planning takes the rule in force: the
rule itself, or the previous rule for a t=0 book that is never re-tiered (`retier: never`).
"""

from __future__ import annotations

import math

from simcs.formulas.lognormal import lognormal_params, normal_cdf
from simcs.scenario import CustomerGroup, Placement, Scenario


def arr_cdf(group: CustomerGroup, x: float) -> float:
    """P(ARR < x) for a new customer of `group` (its law truncated to its band)."""
    low, high = group.arr_band
    top = math.inf if high is None else high
    if x <= low:
        return 0.0
    if x >= top:
        return 1.0
    law = group.arr
    if law.kind == "fixed":
        return 1.0 if x > law.mean else 0.0
    if law.kind == "uniform":
        return (x - low) / (top - low)
    if law.cv == 0:
        return 1.0 if x > law.mean else 0.0
    mu, sigma = lognormal_params(law.mean, law.cv)

    def f(v: float) -> float:
        if v <= 0:
            return 0.0
        if math.isinf(v):
            return 1.0
        return normal_cdf((math.log(v) - mu) / sigma)

    span = f(top) - f(low)
    return (f(x) - f(low)) / span if span > 0 else 0.0


def tier_shares(scenario: Scenario, group: str, placement: Placement) -> dict[str, float]:
    """Share of the customers of `group` each tier serves under `placement`."""
    if placement.rule == "group":
        return {placement.groups[group]: 1.0}
    g = scenario.population[group]
    bands = sorted((low, tier) for tier, low in placement.thresholds.items())
    out: dict[str, float] = {}
    for k, (low, tier) in enumerate(bands):
        high = bands[k + 1][0] if k + 1 < len(bands) else math.inf
        share = arr_cdf(g, high) - arr_cdf(g, low)
        if share > 0:
            out[tier] = share
    return out


def rule_in_force(scenario: Scenario) -> Placement:
    """The rule the analytic models place customers by (see the module docstring)."""
    rule = scenario.rule
    if rule.retier == "never" and rule.previous is not None:
        return rule.previous
    return rule


def by_tier(scenario: Scenario, per_group: dict[str, float]) -> dict[str, float]:
    """Spread a quantity per group (e.g. customers) over the tiers serving each group."""
    rule = rule_in_force(scenario)
    out = dict.fromkeys(scenario.tiers, 0.0)
    for group, value in per_group.items():
        for tier, share in tier_shares(scenario, group, rule).items():
            out[tier] += value * share
    return out


def tier_groups(scenario: Scenario, tier: str, per_group: dict[str, float]) -> dict[str, float]:
    """The part of a per-group quantity that falls in `tier`, by group."""
    rule = rule_in_force(scenario)
    return {
        group: value * tier_shares(scenario, group, rule).get(tier, 0.0)
        for group, value in per_group.items()
    }
