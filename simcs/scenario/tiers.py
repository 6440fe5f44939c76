"""A tier: one segment of the book of business, its customers, their needs and their coverage.

A tier holds its customers' ARR law and band, the t=0 book and the new logos, the coverage model
(assigned CSM books, a pooled queue, or digital programmes), the planned touches, support demand
and SLA, the implementation package, training take-up, the sBG renewal law of churn propensity
and the ARR change at renewal.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from simcs.scenario.fields import (
    MAX_ARR,
    MAX_BOOK_ARR,
    MAX_CASES_PER_YEAR,
    MAX_CUSTOMERS,
    MAX_CUSTOMERS_TOTAL,
    MAX_LOG_SD,
    MAX_NEW_LOGOS_PER_YEAR,
    MAX_PRIORITY,
    MAX_SHAPE,
    MAX_TOUCHES_PER_YEAR,
    NUMBER,
    SHARE,
    USD,
    USD_YEAR,
    Arr,
    Count,
    Cv,
    Hours,
    Label,
    Money,
    NonNegative,
    Positive,
    PositiveHours,
    PositiveWeeks,
    Probability,
    Strict,
    Weeks,
    about,
)

Coverage = Literal["assigned", "pooled", "digital"]
COVERAGES: tuple[str, ...] = ("assigned", "pooled", "digital")
NewLogoRate = Annotated[float, Field(ge=0, le=MAX_NEW_LOGOS_PER_YEAR), NUMBER]


class ArrDistribution(Strict):
    """ARR of a new customer: drawn from this law, truncated to the tier's ARR band."""

    kind: Literal["lognormal", "fixed", "uniform"] = Field(
        "lognormal",
        **about(
            "lognormal (mean, cv), fixed (mean) or uniform over the band",
            source="assumption (seeds give only averages per tier, seed 1D)",
        ),
    )
    mean: Positive = Field(
        le=MAX_ARR,
        **about(
            "mean ARR of a new customer before truncation",
            unit=USD_YEAR,
            source="seed 1D (average ARR per client: $300k / $150k / $20k / $7k)",
        ),
    )
    cv: Cv = Field(
        0.3,
        **about(
            "coefficient of variation of ARR (lognormal)",
            unit="ratio",
            source="assumption (spread within a tier is not in any source)",
        ),
    )


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
    """Support demand and service promise of a tier."""

    cases_per_year: NonNegative = Field(
        le=MAX_CASES_PER_YEAR,
        **about(
            "cases filed per live customer-year before deflection",
            unit="cases/year",
            source="seed 1A.7 (SMB: 12 cases a year); other tiers calibration 2.3 "
            "(0.2-1.5 tickets per customer-month; no rigorous survey)",
        ),
    )
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
    """The implementation package a new customer needs before go-live."""

    implementation_hours: Hours = Field(
        **about(
            "consultant hours of the implementation package",
            unit="hours",
            source="seed 1A.6 (SMB: $4k one time); other tiers assumption",
        )
    )
    customer_lead_weeks: Weeks = Field(
        2.0,
        **about(
            "elapsed weeks on the customer's side, no consultant needed",
            unit="weeks",
            source="assumption",
        ),
    )
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


class TierRenewal(Strict):
    """Base churn propensity: theta ~ Beta(alpha, beta), the sBG model (Fader & Hardie 2007).

    A customer's theta is drawn once; its mean alpha / (alpha + beta) is the tier's first-year
    churn before drivers, and the spread makes survivors progressively more loyal.
    """

    alpha: Positive = Field(
        le=MAX_SHAPE,
        **about(
            "first shape of the Beta law of theta",
            unit="shape",
            source="calibration 2.1 (fitted so GRR lands in the ranges by contract size)",
        ),
    )
    beta: Positive = Field(
        le=MAX_SHAPE,
        **about(
            "second shape of the Beta law of theta",
            unit="shape",
            source="calibration 2.1 (fitted so GRR lands in the ranges by contract size)",
        ),
    )


class TierExpansion(Strict):
    """ARR change of a renewing customer: log(new/old) ~ Normal(mean + drivers, sd)."""

    mean_log_change: Annotated[float, Field(ge=-2, le=2), NUMBER] = Field(
        0.05,
        **about(
            "mean log ARR change at renewal before drivers",
            unit="log ARR change",
            source="calibration 2.1 (fitted so NRR lands in the ranges by contract size)",
        ),
    )
    sd: NonNegative = Field(
        0.10,
        le=MAX_LOG_SD,
        **about("sd of the log ARR change", unit="log ARR change", source="assumption"),
    )


class Tier(Strict):
    """A segment of the book: its customers, their needs and how they are covered."""

    label: Label = Field(**about("display name", source="seed 1D (tier names)"))
    arr_band: tuple[Arr, Arr | None] = Field(
        **about(
            "[low, high) ARR band of the tier; high null = no upper bound",
            unit=USD_YEAR,
            source="seed 1D (>$250k, $100-250k, $15-50k, <$15k)",
        )
    )
    arr: ArrDistribution
    initial_customers: Count = Field(
        le=MAX_CUSTOMERS,
        **about(
            "live customers at t=0 (with the new logos of the horizon, at most "
            f"{MAX_CUSTOMERS_TOTAL:,} customers over all tiers)",
            unit="customers",
            source="seed 1D (50 / 300 / 500 / 750 clients)",
        ),
    )
    initial_arr_total: Annotated[float, Field(gt=0, le=MAX_BOOK_ARR), NUMBER] | None = Field(
        None,
        **about(
            "if set, the t=0 book's ARR is scaled to this exact total",
            unit=USD_YEAR,
            source="seed 1D ($15M / $45M / $10M / $5M per segment)",
        ),
    )
    new_logos_per_year: NewLogoRate | Annotated[list[NewLogoRate], Field(max_length=30)] = Field(
        0.0,
        **about(
            "Poisson rate of new logos a year, or one rate per year; 0 = closed to new logos",
            unit="customers/year",
            source="seed 1D ('No new Tier 5 customers'); other rates assumption",
        ),
    )
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
    renewal: TierRenewal
    expansion: TierExpansion = TierExpansion()

    @model_validator(mode="after")
    def _band_is_an_interval(self) -> Tier:
        low, high = self.arr_band
        if high is not None and high <= low:
            raise ValueError(f"arr_band: high ({high:g}) must be above low ({low:g})")
        if not (low <= self.arr.mean and (high is None or self.arr.mean < high)):
            raise ValueError(f"arr.mean: {self.arr.mean:g} lies outside arr_band")
        if self.arr.kind == "uniform" and high is None:
            raise ValueError("arr.kind: uniform needs an arr_band with an upper bound")
        if self.initial_arr_total is not None:
            n = self.initial_customers
            if n == 0:
                raise ValueError("initial_arr_total: set, but initial_customers is 0")
            if self.initial_arr_total < n * low or (
                high is not None and self.initial_arr_total >= n * high
            ):
                raise ValueError(
                    f"initial_arr_total: {self.initial_arr_total:g} cannot be split over {n} "
                    "customers inside arr_band"
                )
        return self
