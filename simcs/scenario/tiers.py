"""A service tier: what the customers a tier serves are given, whoever they are.

A tier holds the coverage model (assigned CSM books, a pooled queue, or digital programmes), when
CSM engagement starts, the planned touches and renewal review, the executive sponsor, health
alerts, the support SLA and queue priority, the time-to-value target and fee of the onboarding
package, and the training offer. Who the customers are is the population's business
(`population`); which tier serves which customer, the segmentation rule's (`segmentation`).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from simcs.scenario.fields import (
    MAX_PRIORITY,
    MAX_TOUCHES_PER_YEAR,
    NUMBER,
    SHARE,
    USD,
    Count,
    Hours,
    Label,
    Money,
    NonNegative,
    PositiveHours,
    PositiveWeeks,
    Probability,
    Strict,
    about,
)

Coverage = Literal["assigned", "pooled", "digital"]
COVERAGES: tuple[str, ...] = ("assigned", "pooled", "digital")


class Cadence(Strict):
    """Planned proactive CSM touches (check-ins, QBRs) for one customer."""

    touches_per_year: NonNegative = Field(
        le=MAX_TOUCHES_PER_YEAR,
        **about(
            "planned touches a year; for a digital tier, the programme's automated contacts",
            unit="touches/year",
            source="seed 1D (weekly/monthly Strategic, monthly/quarterly Enterprise; pooled "
            "SMB: 'no contact in 6 months' outreach, seed 1J.2)",
        ),
    )
    hours_per_touch: Hours = Field(
        1.5,
        **about(
            "CSM hours per touch including preparation",
            unit="hours",
            source="assumption",
        ),
    )


class RenewalReview(Strict):
    """A renewal review ahead of each anniversary (seed: SMB/MID 6 months prior)."""

    weeks_before: Annotated[float, Field(gt=0, le=52), NUMBER] = Field(
        26.0,
        **about(
            "weeks before the anniversary the review is due",
            unit="weeks",
            source="seed 1D ('Annual review 6 months prior to renewal', SMB/MID)",
        ),
    )
    hours: Hours = Field(2.0, **about("CSM hours of one review", unit="hours", source="assumption"))


class TierSupport(Strict):
    """The support promise of a tier (the case rate is the customer's: `population`)."""

    sla_hours: PositiveHours = Field(
        **about(
            "response SLA: a case must reach an agent within this many business hours",
            unit="business hours",
            source="calibration 2.3 (median first response 7 h; 1-2 h is top 15-20%)",
        )
    )
    priority: Count = Field(
        0,
        le=MAX_PRIORITY,
        **about(
            "queue priority, 0 is served first (priority discipline only)",
            unit="rank",
            source="design",
        ),
    )


class TierOnboarding(Strict):
    """The onboarding promise of a tier (the work it takes is the customer's: `population`)."""

    target_weeks: PositiveWeeks = Field(
        **about(
            "time-to-value target; a later go-live raises first-renewal risk",
            unit="weeks",
            source="calibration 2.6 (SMB 1-2, mid-market 2-4, enterprise 4-12 weeks)",
        )
    )
    fee: Money = Field(
        0.0,
        **about(
            "implementation fee charged (services revenue)",
            unit=USD,
            source="seed 1E.5 (onboarding 'often packaged with fixed prices')",
        ),
    )


class TierTraining(Strict):
    """Who takes training, and how."""

    propensity: Probability = Field(
        **about(
            "probability a customer takes training after go-live or a new champion",
            unit=SHARE,
            source="seed 1F.3 ('a small percentage of customers in the well-trained "
            "category'); calibration 2.4 (offered to 77%, used by 51%)",
        )
    )
    instructor_led_share: Probability = Field(
        0.5,
        **about(
            "share of trainees who take an instructor-led class (else self-paced)",
            unit=SHARE,
            source="assumption",
        ),
    )


class Tier(Strict):
    """A level of service: coverage, cadence, SLA, onboarding and training offer."""

    label: Label = Field(**about("display name", source="seed 1D (tier names)"))
    coverage: Coverage = Field(
        **about(
            "assigned books, a pooled queue, or digital programmes only",
            source="seed 1D (CSM model per tier)",
        )
    )
    csm_start: Literal["at_sale", "after_go_live"] = Field(
        "at_sale",
        **about(
            "when CSM engagement starts",
            source="seed 1D ('Starts engaging right after the sale' Strategic/Enterprise; "
            "'Introduced after implementation' SMB/MID)",
        ),
    )
    cadence: Cadence
    renewal_review: RenewalReview | None = Field(
        None, **about("a renewal review ahead of each anniversary; null = none", source="seed 1D")
    )
    exec_sponsor_share: Probability = Field(
        0.0,
        **about(
            "share of customers with an executive sponsor",
            unit=SHARE,
            source="seed 1D ('Exec Sponsor assigned', Strategic)",
        ),
    )
    health_alert_hours: Hours = Field(
        1.0,
        **about(
            "CSM hours of a health alert raised when a case breaches its SLA "
            "(assigned and pooled coverage; one open alert per customer; 0 = no alerts)",
            unit="hours",
            source="assumption",
        ),
    )
    health_alert_weeks: PositiveWeeks = Field(
        4.0,
        **about(
            "an alert not picked up within this many weeks is dropped",
            unit="weeks",
            source="assumption",
        ),
    )
    support: TierSupport
    onboarding: TierOnboarding
    training: TierTraining
