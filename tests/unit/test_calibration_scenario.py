"""The calibrated scenario's names and shapes: a group's name as a safe key, and fitted shapes
kept within the scenario's bounds without changing the mean churn."""

from __future__ import annotations

import pytest

from simcs.calibration.scenario_file import group_key, shapes
from simcs.scenario.fields import MAX_SHAPE


def test_group_keys_are_safe_for_field_paths() -> None:
    assert group_key("Mid-Market") == "mid-market"
    assert group_key("  Large Accounts (EMEA) ") == "large_accounts_emea"
    assert group_key("???") == "group"
    assert len(group_key("x" * 80)) == 40


def test_shapes_beyond_the_bound_keep_their_mean() -> None:
    assert shapes(1.2, 3.4) == (1.2, 3.4)
    alpha, beta = shapes(14_653.0, 130_706.0)
    assert max(alpha, beta) == pytest.approx(MAX_SHAPE)
    assert alpha / (alpha + beta) == pytest.approx(14_653 / (14_653 + 130_706))
