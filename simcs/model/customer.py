"""The customer (account): who it is, what it bought, how it is served, how it feels about it.

Its group and the attributes drawn from it are its own for life; its tier (the service it gets)
can change when the segmentation rule re-tiers it. `cell` is the (tier, group) key under which
the ledger books what happens to it, so results can be read by tier and by group.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field

import numpy as np

from simcs.calendar import HOURS_PER_YEAR
from simcs.model.ledger import Ledger
from simcs.records import cell_key
from simcs.streams import CUSTOMER_CASES, CUSTOMER_CHAMPION, CUSTOMER_TRAINING, Streams

NOT_TRAINED, SELF_PACED, INSTRUCTOR_LED = 0, 1, 2
NOT_MOVED, MOVED_AT_RENEWAL, MOVED_MID_TERM = 0, 1, 2


@dataclass(slots=True, eq=False)
class Term:
    """Service received in the current contract term (reset at each renewal)."""

    start: float = 0.0  # when the term (or its observation, for the t=0 book) began
    cases: int = 0
    sla_breaches: int = 0
    touches_planned: int = 0
    touches_delivered: int = 0
    csm_changes: int = 0
    champion_lost: bool = False  # a champion left during the term
    moved_down: int = 0  # moved to a lower-touch tier: 0 no, MOVED_AT_RENEWAL, MOVED_MID_TERM


@dataclass(slots=True, eq=False)
class Customer:
    """One account: its attributes are drawn at creation, its state moves as it is served."""

    serial: int
    group: str  # its customer group: who it is, for life
    tier: str  # the service tier serving it now
    arr: float
    theta: float  # base churn probability at a renewal, Beta(alpha, beta) (sBG)
    sale_time: float
    next_anniversary: float
    sponsor_u: float  # uniform: an executive sponsor if below the tier's sponsor share
    exec_sponsor: bool
    streams: Streams
    stream_key: tuple[int, int]  # (group key, serial): identifies the customer's streams
    renewal_u: array[float]  # uniform per renewal: churn if below the churn probability
    renewal_z: array[float]  # standard normal per renewal: the ARR change
    delivery_u: float = 1.0  # uniform: partner delivery if below the partner share
    phase_u: float = 0.0  # uniform: phase of the CSM cadence
    go_live_time: float | None = None
    ttv_hours: float | None = None
    churn_time: float | None = None
    renewals: int = 0  # renewals survived (tenure in years)
    renewals_seen: int = 0  # renewal decisions taken in this simulation
    training: int = NOT_TRAINED
    champion_present: bool = True
    champion_lost_at: float | None = None
    champion_detected: bool = False
    champion_episode: int = 0
    csm_seat: int | None = None
    alert_open: bool = False
    engagements: int = 0  # CSM engagements started (a re-tiering starts a new one)
    term: Term = field(default_factory=Term)
    arr_at_year_start: float | None = None
    cell: str = ""  # ledger key of (tier, group), kept in step with the tier
    first_cell: str = ""  # the cell it was admitted in
    cohort_cell: str = ""  # the cell it was in at the year's start
    earned_until: float = 0.0  # subscription revenue is booked up to this time
    _rngs: dict[int, np.random.Generator] | None = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.cell = self.first_cell = cell_key(self.tier, self.group)

    def serve_by(self, tier: str, exec_sponsor_share: float) -> None:
        """Be served by `tier` from now on: its ledger cell and its executive sponsor follow."""
        self.tier = tier
        self.cell = cell_key(tier, self.group)
        self.exec_sponsor = self.sponsor_u < exec_sponsor_share

    def book_subscription(self, ledger: Ledger, now: float) -> None:
        """Book the subscription revenue earned since it was last booked (its ARR over the time
        under contract, split exactly at year ends) in its cell; call it before its ARR or its
        cell changes, when it churns, and at every year's end."""
        if now > self.earned_until:
            ledger.add_span(
                self.earned_until, now, self.cell, "subscription_revenue", self.arr / HOURS_PER_YEAR
            )
            self.earned_until = now

    def close_streams(self) -> None:
        """Let go of its random streams (it has churned: nothing draws for it again). A stream
        asked for afterwards is an error, never a silent fresh start of its sequence."""
        self._rngs = None

    def _rng(self, purpose: int) -> np.random.Generator:
        if self._rngs is None:
            raise RuntimeError(f"customer {self.group}/{self.serial} has churned: no draws")
        rng = self._rngs.get(purpose)
        if rng is None:  # made on first use: a stream is known by its key, not by its order
            rng = self._rngs[purpose] = self.streams.stream(purpose, *self.stream_key)
        return rng

    @property
    def cases_rng(self) -> np.random.Generator:
        """The customer's support cases: arrivals, deflection, handle times."""
        return self._rng(CUSTOMER_CASES)

    @property
    def champion_rng(self) -> np.random.Generator:
        """The customer's champions: departures and unassisted replacements."""
        return self._rng(CUSTOMER_CHAMPION)

    @property
    def training_rng(self) -> np.random.Generator:
        """The customer's training decisions."""
        return self._rng(CUSTOMER_TRAINING)

    @property
    def active(self) -> bool:
        """Under contract (onboarding or live), not churned."""
        return self.churn_time is None

    @property
    def live(self) -> bool:
        """Gone live and not churned."""
        return self.churn_time is None and self.go_live_time is not None
