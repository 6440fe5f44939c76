"""Effective self-service deflection: one rule for the simulated desk and the capacity model."""

from __future__ import annotations

import pytest

from simcs.formulas.deflection import effective_deflection
from simcs.planning.capacity import case_rates
from simcs.scenario import Scenario
from simcs.scenario.files import with_overrides


def test_the_council_adds_its_share_only_when_it_runs_and_never_beyond_every_case() -> None:
    assert effective_deflection(0.10, False, 0.15) == 0.10
    assert effective_deflection(0.10, True, 0.15) == pytest.approx(0.25)
    assert effective_deflection(0.9, True, 0.3) == 1.0
    assert effective_deflection(0.0, True, 0.0) == 0.0


def test_capacity_thins_the_cases_by_the_effective_deflection(baseline: Scenario) -> None:
    off = with_overrides(
        baseline, {"levers.self_service_deflection": 0.2, "levers.content_council.enabled": False}
    )
    on = with_overrides(
        off,
        {"levers.content_council.enabled": True, "levers.content_council.extra_deflection": 0.9},
    )
    kept_off = 1.0 - effective_deflection(0.2, False, 0.9)
    kept_on = 1.0 - effective_deflection(0.2, True, 0.9)
    assert kept_on == 0.0  # capped: every case deflected
    for tier, rate in case_rates(off).items():
        assert rate > 0
        assert case_rates(on)[tier] == pytest.approx(rate * kept_on / kept_off, abs=1e-15)
