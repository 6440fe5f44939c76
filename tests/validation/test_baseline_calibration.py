"""The default scenario is calibrated to public retention benchmarks by contract size.

Ranges from the issue (SaaS Capital / KBCM medians by ACV, shared/reference/calibration.md):
the 3-year mean GRR and NRR of each tier, averaged over replications, must land inside.
"""

from __future__ import annotations

import pytest

import simcs
from simcs.scenario import Scenario

RANGES = {  # tier: ((GRR low, high), (NRR low, high))
    "strategic": ((0.92, 0.96), (1.04, 1.15)),
    "enterprise": ((0.90, 0.94), (1.02, 1.10)),
    "smb": ((0.82, 0.90), (0.95, 1.03)),
    "digital": ((0.75, 0.86), (0.88, 1.00)),
}


@pytest.fixture(scope="module")
def summary(baseline: Scenario) -> dict:
    return simcs.run(baseline, replications=10, seed=424242, workers=2).summary()


@pytest.mark.parametrize("tier", list(RANGES))
def test_tier_retention_lands_in_benchmark_range(summary: dict, tier: str) -> None:
    (grr_low, grr_high), (nrr_low, nrr_high) = RANGES[tier]
    assert grr_low <= summary[tier]["grr"].mean <= grr_high
    assert nrr_low <= summary[tier]["nrr"].mean <= nrr_high


def test_cost_of_delivery_matches_value(summary: dict) -> None:
    """'Match cost of delivery to value': cost per customer falls with tier size."""
    costs = [summary[t]["cost_per_customer"].mean for t in RANGES]
    assert costs == sorted(costs, reverse=True)
