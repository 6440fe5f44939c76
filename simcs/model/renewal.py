"""The renewal decision: sBG base propensity shifted by the service the customer received.

Each customer carries a base churn probability theta ~ Beta(alpha, beta) (the shifted-beta-
geometric model, Fader & Hardie 2007). At a renewal the odds theta / (1 - theta) are multiplied
by one odds ratio per driver; with every driver neutral (all ratios 1) the churn probability
is exactly theta and a cohort's survival follows the sBG curve.
"""

from __future__ import annotations

import math

from simcs.model.customer import INSTRUCTOR_LED, SELF_PACED
from simcs.scenario import Drivers, ExpansionDrivers


def churn_probability(theta: float, odds_multiplier: float) -> float:
    """Churn probability after multiplying the base odds theta/(1-theta) by `odds_multiplier`."""
    if theta >= 1.0:
        return 1.0
    odds = theta / (1.0 - theta) * odds_multiplier
    return odds / (1.0 + odds)


def training_strength(level: int, self_paced_effect: float) -> float:
    """How much of the full (instructor-led) training effect a customer carries: 0 to 1."""
    if level == INSTRUCTOR_LED:
        return 1.0
    if level == SELF_PACED:
        return self_paced_effect
    return 0.0


def relationship_strength(touches_per_year: float, saturation: float) -> float:
    """Relationship strength from 0 to 1 built by delivered CSM touches: 1 - exp(-rate / sat).

    Diminishing returns: `saturation` touches a year give 63% of the full effect, three times
    as many 95%. A touch that is missed (the CSM was overloaded) builds nothing.
    """
    return 1.0 - math.exp(-touches_per_year / saturation)


def renewal_odds(
    drivers: Drivers,
    coverage: str,
    *,
    champion_lost: bool,
    ttv_late: bool,
    sla_breach_share: float,
    relationship: float,
    csm_changes: int,
    training: float,
    exec_sponsor: bool,
) -> float:
    """The product of the driver odds ratios for one renewal (1.0 = all neutral).

    `relationship` is the relationship strength, 0 to 1 (1 for digital programmes);
    `training` is the training strength (0 untrained, 1 instructor-led); continuous drivers
    enter as OR ** share, so half the cases breached gives the square root of the full ratio.
    """
    m = 1.0
    if champion_lost:
        m *= drivers.champion_lost
    if ttv_late:
        m *= drivers.ttv_late
    if sla_breach_share > 0:
        m *= drivers.sla_breach**sla_breach_share
    if relationship > 0:
        m *= getattr(drivers.relationship, coverage) ** min(relationship, 1.0)
    if csm_changes:
        m *= drivers.csm_reassignment**csm_changes
    if training > 0:
        m *= drivers.trained**training
    if exec_sponsor:
        m *= drivers.exec_sponsor
    return m


def expansion_shift(
    drivers: ExpansionDrivers,
    coverage: str,
    *,
    champion_lost: bool,
    sla_breach_share: float,
    relationship: float,
    training: float,
) -> float:
    """Additive shift of the mean log ARR change of a renewing customer."""
    shift = drivers.trained * training
    shift += getattr(drivers.coverage, coverage) * min(relationship, 1.0)
    shift += drivers.sla_breach * sla_breach_share
    if champion_lost:
        shift += drivers.champion_lost
    return shift


def new_arr(arr: float, mean_log_change: float, sd: float, z: float) -> float:
    """ARR after a renewal: arr * exp(mean + sd * z), z a standard normal draw."""
    return arr * math.exp(mean_log_change + sd * z)
