"""Tests for simcs.model.renewal: odds arithmetic checked against hand-computed values."""

from __future__ import annotations

import math
from typing import Any

import pytest

from simcs.model.customer import INSTRUCTOR_LED, NOT_TRAINED, SELF_PACED
from simcs.model.renewal import (
    churn_probability,
    expansion_shift,
    new_arr,
    relationship_strength,
    renewal_odds,
    training_strength,
)
from simcs.scenario import Drivers, ExpansionDrivers, RelationshipOdds

NEUTRAL: dict[str, Any] = {
    "champion_lost": False,
    "ttv_late": False,
    "sla_breach_share": 0.0,
    "relationship": 0.0,
    "csm_changes": 0,
    "training": 0.0,
    "exec_sponsor": False,
}

# distinct primes-ish values, so one driver cannot pass for another
CUSTOM = Drivers(
    champion_lost=3.1,
    ttv_late=1.7,
    sla_breach=2.3,
    relationship=RelationshipOdds(assigned=0.55, pooled=0.65, digital=0.95),
    csm_reassignment=1.45,
    trained=0.71,
    exec_sponsor=0.83,
)


# ----------------------------------------------------------------------------- churn probability


@pytest.mark.parametrize("theta", [0.0, 0.01, 0.2, 0.5, 0.93])
def test_neutral_multiplier_gives_theta(theta: float) -> None:
    assert churn_probability(theta, 1.0) == pytest.approx(theta, abs=1e-15)


def test_odds_arithmetic() -> None:
    # odds 0.2 / 0.8 = 0.25, doubled 0.5, probability 0.5 / 1.5 = 1/3
    assert churn_probability(0.2, 2.0) == pytest.approx(1.0 / 3.0, rel=1e-14)
    # odds 0.5 / 0.5 = 1, times 0.25: 0.25 / 1.25 = 0.2
    assert churn_probability(0.5, 0.25) == pytest.approx(0.2, rel=1e-14)
    # odds 0.1 / 0.9 = 1/9, times 3: (1/3) / (4/3) = 0.25
    assert churn_probability(0.1, 3.0) == pytest.approx(0.25, rel=1e-14)


@pytest.mark.parametrize("theta", [0.05, 0.3, 0.8])
def test_odds_ratio_is_recovered(theta: float) -> None:
    for m in (0.3, 1.0, 2.5, 7.0):
        p = churn_probability(theta, m)
        assert (p / (1 - p)) / (theta / (1 - theta)) == pytest.approx(m, rel=1e-12)


def test_monotone_in_the_multiplier() -> None:
    multipliers = [0.1, 0.5, 0.9, 1.0, 1.1, 2.0, 10.0, 100.0]
    for theta in (0.02, 0.25, 0.7):
        ps = [churn_probability(theta, m) for m in multipliers]
        assert all(a < b for a, b in zip(ps, ps[1:], strict=False))
        assert all(0.0 < p < 1.0 for p in ps)


def test_theta_one_always_churns_and_zero_never() -> None:
    for m in (0.01, 1.0, 50.0):
        assert churn_probability(1.0, m) == 1.0
        assert churn_probability(0.0, m) == 0.0


# ----------------------------------------------------------------------------- renewal odds


@pytest.mark.parametrize("drivers", [Drivers(), CUSTOM])
@pytest.mark.parametrize("coverage", ["assigned", "pooled", "digital"])
def test_all_neutral_is_one(drivers: Drivers, coverage: str) -> None:
    assert renewal_odds(drivers, coverage, **NEUTRAL) == 1.0


def test_default_driver_values() -> None:
    d = Drivers()
    assert (d.champion_lost, d.ttv_late, d.sla_breach) == (2.5, 1.5, 2.0)
    assert (d.relationship.assigned, d.relationship.pooled, d.relationship.digital) == (
        0.6,
        0.8,
        0.9,
    )
    assert (d.csm_reassignment, d.trained, d.exec_sponsor) == (1.3, 0.75, 0.8)


@pytest.mark.parametrize("drivers", [Drivers(), CUSTOM])
def test_each_driver_alone_gives_its_odds_ratio(drivers: Drivers) -> None:
    def alone(**change: Any) -> float:
        return renewal_odds(drivers, "assigned", **{**NEUTRAL, **change})

    assert alone(champion_lost=True) == pytest.approx(drivers.champion_lost, rel=1e-15)
    assert alone(ttv_late=True) == pytest.approx(drivers.ttv_late, rel=1e-15)
    assert alone(sla_breach_share=1.0) == pytest.approx(drivers.sla_breach, rel=1e-15)
    assert alone(relationship=1.0) == pytest.approx(drivers.relationship.assigned, rel=1e-15)
    assert alone(csm_changes=1) == pytest.approx(drivers.csm_reassignment, rel=1e-15)
    assert alone(training=1.0) == pytest.approx(drivers.trained, rel=1e-15)
    assert alone(exec_sponsor=True) == pytest.approx(drivers.exec_sponsor, rel=1e-15)


def test_defaults_alone_by_number() -> None:
    d = Drivers()
    assert renewal_odds(d, "pooled", **{**NEUTRAL, "relationship": 1.0}) == pytest.approx(0.8)
    assert renewal_odds(d, "digital", **{**NEUTRAL, "relationship": 1.0}) == pytest.approx(0.9)
    assert renewal_odds(d, "assigned", **{**NEUTRAL, "champion_lost": True}) == pytest.approx(2.5)


def test_continuous_drivers_enter_as_power_of_share() -> None:
    d = Drivers()
    half_breach = renewal_odds(d, "assigned", **{**NEUTRAL, "sla_breach_share": 0.5})
    assert half_breach == pytest.approx(math.sqrt(2.0), rel=1e-14)
    quarter = renewal_odds(CUSTOM, "pooled", **{**NEUTRAL, "relationship": 0.25})
    assert quarter == pytest.approx(0.65**0.25, rel=1e-14)
    self_paced = renewal_odds(d, "assigned", **{**NEUTRAL, "training": 0.5})
    assert self_paced == pytest.approx(math.sqrt(0.75), rel=1e-14)


def test_relationship_strength_caps_at_one() -> None:
    for coverage in ("assigned", "pooled", "digital"):
        full = renewal_odds(CUSTOM, coverage, **{**NEUTRAL, "relationship": 1.0})
        over = renewal_odds(CUSTOM, coverage, **{**NEUTRAL, "relationship": 1.8})
        assert over == full == pytest.approx(getattr(CUSTOM.relationship, coverage))


def test_csm_changes_compound() -> None:
    two = renewal_odds(Drivers(), "assigned", **{**NEUTRAL, "csm_changes": 2})
    assert two == pytest.approx(1.3**2, rel=1e-14)
    three = renewal_odds(CUSTOM, "assigned", **{**NEUTRAL, "csm_changes": 3})
    assert three == pytest.approx(1.45**3, rel=1e-14)


def test_drivers_multiply() -> None:
    everything = {
        "champion_lost": True,
        "ttv_late": True,
        "sla_breach_share": 0.4,
        "relationship": 0.6,
        "csm_changes": 2,
        "training": 1.0,
        "exec_sponsor": True,
    }
    expected = 3.1 * 1.7 * 2.3**0.4 * 0.65**0.6 * 1.45**2 * 0.71 * 0.83
    assert renewal_odds(CUSTOM, "pooled", **everything) == pytest.approx(expected, rel=1e-13)


# ----------------------------------------------------------------------------- relationship


def test_relationship_strength_by_hand() -> None:
    assert relationship_strength(0.0, 6.0) == 0.0
    assert relationship_strength(6.0, 6.0) == pytest.approx(1.0 - math.exp(-1.0), rel=1e-15)
    assert relationship_strength(6.0, 6.0) == pytest.approx(0.632, abs=1e-3)
    assert relationship_strength(18.0, 6.0) == pytest.approx(0.950, abs=1e-3)  # three times
    assert relationship_strength(3.0, 12.0) == pytest.approx(1.0 - math.exp(-0.25), rel=1e-15)


def test_relationship_strength_is_increasing_and_below_one() -> None:
    rates = [0.0, 0.5, 1.0, 2.0, 6.0, 12.0, 36.0]
    values = [relationship_strength(r, 6.0) for r in rates]
    assert all(a < b for a, b in zip(values, values[1:], strict=False))
    assert all(0.0 <= v < 1.0 for v in values)


def test_relationship_strength_feeds_the_odds() -> None:
    saturation = Drivers().relationship_touches_per_year
    strength = relationship_strength(4.0, saturation)
    odds = renewal_odds(Drivers(), "assigned", **{**NEUTRAL, "relationship": strength})
    assert odds == pytest.approx(0.6 ** (1.0 - math.exp(-4.0 / saturation)), rel=1e-14)
    assert 0.6 < odds < 1.0


# ----------------------------------------------------------------------------- training, expansion


def test_training_strength_levels() -> None:
    assert training_strength(INSTRUCTOR_LED, 0.5) == 1.0
    assert training_strength(SELF_PACED, 0.5) == 0.5
    assert training_strength(SELF_PACED, 0.3) == 0.3
    assert training_strength(NOT_TRAINED, 0.5) == 0.0


def test_expansion_shift_arithmetic() -> None:
    d = ExpansionDrivers()  # trained 0.05, assigned 0.04, pooled 0.02, champion -0.10, sla -0.05
    neutral = expansion_shift(
        d, "assigned", champion_lost=False, sla_breach_share=0.0, relationship=0.0, training=0.0
    )
    assert neutral == 0.0
    shift = expansion_shift(
        d, "assigned", champion_lost=True, sla_breach_share=0.4, relationship=0.5, training=1.0
    )
    assert shift == pytest.approx(0.05 + 0.02 - 0.02 - 0.10, abs=1e-15)
    capped = expansion_shift(
        d, "pooled", champion_lost=False, sla_breach_share=0.0, relationship=3.0, training=0.5
    )
    assert capped == pytest.approx(0.02 + 0.025, abs=1e-15)
    digital = expansion_shift(
        d, "digital", champion_lost=False, sla_breach_share=1.0, relationship=1.0, training=0.0
    )
    assert digital == pytest.approx(-0.05, abs=1e-15)


def test_new_arr() -> None:
    assert new_arr(12345.0, 0.0, 0.3, 0.0) == 12345.0
    assert new_arr(1000.0, 0.1, 0.2, 1.5) == pytest.approx(1000.0 * math.exp(0.4), rel=1e-14)
    assert new_arr(1000.0, -0.05, 0.0, 2.0) == pytest.approx(1000.0 * math.exp(-0.05), rel=1e-14)
