"""Re-tiering: moving a customer to the service tier the segmentation rule now gives it.

A move takes the customer off its old CSM's book and starts the new tier's engagement; support
priority and SLA, cadence, renewal review, training offer and executive sponsor follow the new
tier at once. The customer pays a transition at its next renewal: the CSM-reassignment odds
ratio if it had a named CSM (the relationship built so far is lost), and, for a move to a
lower-touch tier (a tier listed later in `tiers`), the coverage-change odds ratio -- a milder
one at a renewal (graduation) than mid-term (the book moved at once). Moves are counted by year
in the ledger (`retiered_up`, `retiered_down`, and the ARR they take from one tier to another,
`arr_moved_out` and `arr_moved_in`) and written to the journal.
"""

from __future__ import annotations

import math

import simpy

from simcs.calendar import HOURS_PER_YEAR
from simcs.model.csm import CsmTeam
from simcs.model.customer import MOVED_AT_RENEWAL, MOVED_MID_TERM, Customer
from simcs.model.journal import Journal
from simcs.model.ledger import Ledger
from simcs.scenario import Scenario


class Segmenter:
    """Applies the segmentation rule after t=0 placement: at once, and at renewals."""

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
        self.rule = scenario.rule
        self.ledger = ledger
        self.teams = teams
        self.journal = journal
        self.rank = {name: k for k, name in enumerate(scenario.tiers)}  # 0 = highest touch

    def at_start(self, customer: Customer) -> None:
        """A t=0 customer placed by the previous rule moves at once if the policy says so."""
        rule = self.rule
        if rule.retier == "at_once" and rule.previous is not None:
            target = rule.tier_to_move_to(customer.arr, customer.group, customer.tier)
            if target != customer.tier:
                self.move(customer, target, mid_term=True)

    def at_renewal(self, customer: Customer) -> None:
        """After a renewal: re-tier if the rule (with its hysteresis) now gives another tier."""
        target = self.rule.tier_at_renewal(customer.arr, customer.group, customer.tier)
        if target != customer.tier:
            self.move(customer, target, mid_term=False)

    def move(self, customer: Customer, tier: str, *, mid_term: bool) -> None:
        """Serve `customer` by `tier` from now on, and charge the transition to its term."""
        old, now = customer.tier, self.env.now
        old_team, new_team = self.teams[old], self.teams[tier]
        # like a renewal, a move at a year's last instant belongs to that year
        year = max(1, math.ceil(now / HOURS_PER_YEAR))
        self.ledger.put(year, customer.cell, "arr_moved_out", customer.arr)
        old_team.release(customer)
        customer.book_subscription(self.ledger, now)  # earned in the old cell until now
        customer.serve_by(tier, self.scenario.tiers[tier].exec_sponsor_share)
        customer.alert_open = False
        term = customer.term
        if old_team.coverage == "assigned":  # the named CSM's relationship is lost
            term.csm_changes += 1
        down = self.rank[tier] > self.rank[old]
        if down:
            term.moved_down = MOVED_MID_TERM if mid_term else MOVED_AT_RENEWAL
        self.ledger.put(year, customer.cell, "retiered_down" if down else "retiered_up", 1.0)
        self.ledger.put(year, customer.cell, "arr_moved_in", customer.arr)
        if self.journal.enabled:
            tiers = self.scenario.tiers
            self.journal.record(
                now,
                customer.group,
                customer.serial,
                "re-tiered",
                f"{tiers[old].label} -> {tiers[tier].label} at ARR ${customer.arr:,.0f}"
                + (" (mid-term)" if mid_term else " (at renewal)"),
            )
        # the new tier engages now if the customer's lifecycle has already passed the point
        # where the old one did (otherwise the lifecycle engages it with its current tier)
        if customer.live:
            if customer.engagements:
                new_team.engage(customer)
        elif self.scenario.tiers[tier].csm_start == "at_sale":
            new_team.engage(customer)
