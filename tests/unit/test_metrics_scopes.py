"""Metrics by scope: tiers and customer groups each partition the book (accounting identities).

Every customer is in exactly one tier and one group at any time, so additive metrics summed over
the tiers, and summed over the groups, equal the whole book's, year by year; costs included
(every pooled cost is charged to some cell of the ledger, or stays with a tier's idle team).
"""

from __future__ import annotations

import math
from collections import defaultdict

import pytest

from simcs.records import group_scope, is_group_scope
from simcs.scenario import Scenario
from simcs.scenario.files import with_overrides
from simcs.simulation.replication import simulate
from tests.conftest import shrink

ADDITIVE = (
    "customers_start",
    "customers_end",
    "arr_start",
    "arr_end",
    "arr_new",
    "arr_churned",
    "new_customers",
    "support_cases",
    "retiered_up",
    "retiered_down",
    "arr_moved_in",
    "arr_moved_out",
    "services_revenue",
    "subscription_revenue",
    "revenue",
    "book_value_end",
)


@pytest.fixture(scope="module")
def rows(baseline: Scenario) -> list[tuple[int, int, str, str, float]]:
    # a book that re-tiers a lot: thresholds moved and no hysteresis
    scenario = with_overrides(
        shrink(baseline, 4, 2),
        {"segmentation.thresholds.enterprise": 150000, "segmentation.hysteresis": 0.0},
    )
    return [row for r in range(2) for row in simulate(scenario, seed=11, replication=r).records]


def _sums(rows: list[tuple[int, int, str, str, float]], metric: str) -> dict[tuple, float]:
    out: dict[tuple, float] = defaultdict(float)
    for rep, year, scope, m, value in rows:
        if m != metric:
            continue
        kind = "all" if scope == "all" else "group" if is_group_scope(scope) else "tier"
        out[(rep, year, kind)] += value
    return out


@pytest.mark.parametrize("metric", [*ADDITIVE, "cost_total", "delivery_margin", "economic_value"])
def test_tiers_and_groups_each_add_up_to_the_book(rows, metric: str) -> None:
    sums = _sums(rows, metric)
    keys = {(rep, year) for rep, year, _ in sums}
    assert keys
    for rep, year in keys:
        book = sums[(rep, year, "all")]
        for kind in ("tier", "group"):
            assert math.isclose(sums[(rep, year, kind)], book, rel_tol=1e-9, abs_tol=1e-6), (
                metric,
                kind,
                rep,
                year,
            )


def test_group_scopes_are_reported_for_every_group(rows, baseline: Scenario) -> None:
    scopes = {scope for _, _, scope, _, _ in rows}
    assert {group_scope(g) for g in baseline.population} <= scopes
    assert set(baseline.tiers) <= scopes


def test_the_book_moves_between_tiers_but_not_between_groups(rows) -> None:
    moved = sum(v for _, _, scope, m, v in rows if m == "retiered_down" and scope == "all")
    assert moved > 0  # the moved threshold makes customers change tier
