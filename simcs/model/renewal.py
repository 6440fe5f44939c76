"""The renewal decision: sBG base propensity shifted by the service the customer received.

Each customer carries a base churn probability theta ~ Beta(alpha, beta) (the shifted-beta-
geometric model, Fader & Hardie 2007). At a renewal the odds theta / (1 - theta) are multiplied
by one odds ratio per driver; with every driver neutral (all ratios 1) the churn probability
is exactly theta and a cohort's survival follows the sBG curve. `Renewals.decide` takes the
decision at a contract anniversary, books it in the ledger and writes it to the journal.
"""

from __future__ import annotations

import math

import simpy

from simcs.calendar import HOURS_PER_YEAR, weeks
from simcs.model.csm import CsmTeam
from simcs.model.customer import (
    INSTRUCTOR_LED,
    MOVED_AT_RENEWAL,
    MOVED_MID_TERM,
    SELF_PACED,
    Customer,
    Term,
)
from simcs.model.guard import check_arr
from simcs.model.journal import Journal
from simcs.model.ledger import Ledger
from simcs.scenario import Drivers, ExpansionDrivers, Scenario


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
    moved_down: int = 0,
) -> float:
    """The product of the driver odds ratios for one renewal (1.0 = all neutral).

    `relationship` is the relationship strength, 0 to 1 (1 for digital programmes);
    `training` is the training strength (0 untrained, 1 instructor-led); continuous drivers
    enter as OR ** share, so half the cases breached gives the square root of the full ratio.
    `moved_down` says whether the customer was moved to a lower-touch tier in the term (at a
    renewal, or mid-term).
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
    if moved_down == MOVED_AT_RENEWAL:
        m *= drivers.coverage_change
    elif moved_down == MOVED_MID_TERM:
        m *= drivers.coverage_change_mid_term
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


class Renewals:
    """The renewal decisions of one replication: odds from the term's service, the draw, the
    ledger's renewal and ARR-bridge counts, and the journal's account of each decision."""

    def __init__(
        self,
        env: simpy.Environment,
        scenario: Scenario,
        ledger: Ledger,
        teams: dict[str, CsmTeam],
        journal: Journal,
    ) -> None:
        self.env = env
        self.scenario = scenario
        self.ledger = ledger
        self.teams = teams
        self.journal = journal

    def decide(self, customer: Customer) -> None:
        """The renewal decision at a contract anniversary: churn, or renew at a new ARR."""
        scenario = self.scenario
        now = self.env.now
        name, cell = customer.group, customer.cell
        tier = scenario.tiers[customer.tier]
        team = self.teams[customer.tier]
        term = customer.term
        breach_share = term.sla_breaches / term.cases if term.cases else 0.0
        if team.coverage == "digital":
            relationship = 1.0
        else:
            term_years = max(now - term.start, 1.0) / HOURS_PER_YEAR
            relationship = relationship_strength(
                term.touches_delivered / term_years,
                scenario.drivers.relationship_touches_per_year,
            )
        champion_lost = not customer.champion_present
        ttv_late = customer.renewals == 0 and (
            customer.go_live_time is None
            or (
                customer.ttv_hours is not None
                and customer.ttv_hours > weeks(tier.onboarding.target_weeks)
            )
        )
        training = training_strength(customer.training, scenario.training.self_paced_effect)
        odds = renewal_odds(
            scenario.drivers,
            team.coverage,
            champion_lost=champion_lost,
            ttv_late=ttv_late,
            sla_breach_share=breach_share,
            relationship=relationship,
            csm_changes=term.csm_changes,
            training=training,
            exec_sponsor=customer.exec_sponsor,
            moved_down=term.moved_down,
        )
        p_churn = churn_probability(customer.theta, odds)
        u = customer.renewal_u[customer.renewals_seen]
        z = customer.renewal_z[customer.renewals_seen]
        customer.renewals_seen += 1
        # a renewal closes the year its term ends in (one at exactly a year's end belongs to it)
        book = self.ledger.bucket(max(1, math.ceil(now / HOURS_PER_YEAR)), cell)
        book["renewals_due"] += 1
        log_odds = math.log(odds)  # the service's effect, for calibration's anchoring
        book["renewal_log_odds"] += log_odds
        book["renewal_log_odds_sq"] += log_odds * log_odds
        if term.champion_lost:
            book["renewals_after_champion_loss"] += 1
        if self.journal.enabled:
            self.journal.record(
                now,
                name,
                customer.serial,
                "renewal decision",
                f"base churn {customer.theta:.1%} x odds {odds:.2f} -> p(churn) {p_churn:.1%}; "
                f"champion {'LOST' if champion_lost else 'present'}, SLA breaches "
                f"{term.sla_breaches}/{term.cases}, relationship {relationship:.2f}, "
                f"CSM changes {term.csm_changes}, training {training:.1f}"
                + (", late go-live" if ttv_late else "")
                + (", moved to lower touch" if term.moved_down else ""),
            )
        customer.book_subscription(self.ledger, now)  # at the ARR of the term just ended
        if u < p_churn:
            customer.churn_time = now
            customer.close_streams()
            if self.journal.enabled:
                self.journal.record(
                    now, name, customer.serial, "churned", f"ARR ${customer.arr:,.0f} lost"
                )
            team.release(customer)
            book["churned"] += 1
            book["arr_churned"] += customer.arr
            if term.champion_lost:
                book["churned_after_champion_loss"] += 1
        else:
            shift = expansion_shift(
                scenario.expansion_drivers,
                team.coverage,
                champion_lost=champion_lost,
                sla_breach_share=breach_share,
                relationship=relationship,
                training=training,
            )
            book["renewal_expansion_shift"] += shift
            before = customer.arr
            law = scenario.population[customer.group].expansion
            try:
                arr = new_arr(before, law.mean_log_change + shift, law.sd, z)
            except OverflowError:  # exp() beyond the largest float
                arr = math.inf
            check_arr(arr, customer.group, "at a renewal")
            customer.arr = arr
            if customer.arr >= before:
                book["arr_expansion"] += customer.arr - before
            else:
                book["arr_contraction"] += before - customer.arr
            customer.renewals += 1
            if self.journal.enabled:  # the detail is not formatted for nothing
                self.journal.record(
                    now,
                    name,
                    customer.serial,
                    "renewed",
                    f"ARR ${before:,.0f} -> ${customer.arr:,.0f}",
                )
            customer.next_anniversary += HOURS_PER_YEAR
        customer.term = Term(start=now)
