"""The scenario: every parameter of one simulated post-sales organisation, validated.

A scenario is plain data (YAML on disk) checked by pydantic with unknown keys forbidden. It
holds the book of business by tier, the staff pools, the levers of the playbook, the driver
effect sizes of the renewal decision and the experiment horizon.

Every field carries its description, its unit and its source (`about`), which `simcs schema`
prints and the reference docs show. A source names the evidence: `seed 1D` is a fact of the
founding documents (seed-facts.md section 1D), `calibration 2.5` a public benchmark
(calibration.md section 2.5), `assumption` a value no source gives (plausible ranges are in the
description: vary them), `design` a modelling switch with no empirical value to cite.
Units are also in the names: `_hours` (business hours), `_weeks`, `_per_year`, money in USD.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

NonNegative = Annotated[float, Field(ge=0)]
Positive = Annotated[float, Field(gt=0)]
Probability = Annotated[float, Field(ge=0, le=1)]
OddsRatio = Annotated[float, Field(gt=0, le=100)]
Count = Annotated[int, Field(ge=0)]

Coverage = Literal["assigned", "pooled", "digital"]
COVERAGES: tuple[str, ...] = ("assigned", "pooled", "digital")

USD = "USD"
USD_YEAR = "USD/year"
SHARE = "share 0-1"
ODDS = "odds ratio"


def about(
    description: str | None = None,
    *,
    source: str,
    unit: str | None = None,
    plausible: tuple[float, float] | None = None,
) -> dict[str, Any]:
    """Keyword arguments of a `Field`: what it is, its unit, its evidence, its plausible range.

    `plausible` is the range an uncertain input is varied over (robustness analysis); it is
    documentation, not a validation bound.
    """
    extra: dict[str, Any] = {"source": source}
    if unit is not None:
        extra["unit"] = unit
    if plausible is not None:
        extra["plausible"] = list(plausible)
    return {"description": description, "json_schema_extra": extra}


class Strict(BaseModel):
    """Base of every scenario section: unknown keys are errors, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


# ----------------------------------------------------------------------------- tiers


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
        **about(
            "mean ARR of a new customer before truncation",
            unit=USD_YEAR,
            source="seed 1D (average ARR per client: $300k / $150k / $20k / $7k)",
        )
    )
    cv: NonNegative = Field(
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
        **about(
            "planned touches a year; for a digital tier, the programme's automated contacts",
            unit="touches/year",
            source="seed 1D (weekly/monthly Strategic, monthly/quarterly Enterprise; pooled "
            "SMB: 'no contact in 6 months' outreach, seed 1J.2)",
        )
    )
    hours_per_touch: NonNegative = Field(
        1.5,
        **about(
            "CSM hours per touch including preparation",
            unit="hours",
            source="assumption",
        ),
    )


class RenewalReview(Strict):
    """A renewal review ahead of each anniversary (seed: SMB/MID 6 months prior)."""

    weeks_before: Annotated[float, Field(gt=0, le=52)] = Field(
        26.0,
        **about(
            "weeks before the anniversary the review is due",
            unit="weeks",
            source="seed 1D ('Annual review 6 months prior to renewal', SMB/MID)",
        ),
    )
    hours: NonNegative = Field(
        2.0, **about("CSM hours of one review", unit="hours", source="assumption")
    )


class TierSupport(Strict):
    """Support demand and service promise of a tier."""

    cases_per_year: NonNegative = Field(
        **about(
            "cases filed per live customer-year before deflection",
            unit="cases/year",
            source="seed 1A.7 (SMB: 12 cases a year); other tiers calibration 2.3 "
            "(0.2-1.5 tickets per customer-month; no rigorous survey)",
        )
    )
    sla_hours: Positive = Field(
        **about(
            "response SLA: a case must reach an agent within this many business hours",
            unit="business hours",
            source="calibration 2.3 (median first response 7 h; 1-2 h is top 15-20%)",
        )
    )
    priority: Count = Field(
        0,
        **about(
            "queue priority, 0 is served first (priority discipline only)",
            unit="rank",
            source="design",
        ),
    )


class TierOnboarding(Strict):
    """The implementation package a new customer needs before go-live."""

    implementation_hours: NonNegative = Field(
        **about(
            "consultant hours of the implementation package",
            unit="hours",
            source="seed 1A.6 (SMB: $4k one time); other tiers assumption",
        )
    )
    customer_lead_weeks: NonNegative = Field(
        2.0,
        **about(
            "elapsed weeks on the customer's side, no consultant needed",
            unit="weeks",
            source="assumption",
        ),
    )
    target_weeks: Positive = Field(
        **about(
            "time-to-value target; a later go-live raises first-renewal risk",
            unit="weeks",
            source="calibration 2.6 (SMB 1-2, mid-market 2-4, enterprise 4-12 weeks)",
        )
    )
    fee: NonNegative = Field(
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
        **about(
            "first shape of the Beta law of theta",
            unit="shape",
            source="calibration 2.1 (fitted so GRR lands in the ranges by contract size)",
        )
    )
    beta: Positive = Field(
        **about(
            "second shape of the Beta law of theta",
            unit="shape",
            source="calibration 2.1 (fitted so GRR lands in the ranges by contract size)",
        )
    )


class TierExpansion(Strict):
    """ARR change of a renewing customer: log(new/old) ~ Normal(mean + drivers, sd)."""

    mean_log_change: Annotated[float, Field(ge=-2, le=2)] = Field(
        0.05,
        **about(
            "mean log ARR change at renewal before drivers",
            unit="log ARR change",
            source="calibration 2.1 (fitted so NRR lands in the ranges by contract size)",
        ),
    )
    sd: NonNegative = Field(
        0.10,
        **about("sd of the log ARR change", unit="log ARR change", source="assumption"),
    )


class Tier(Strict):
    """A segment of the book: its customers, their needs and how they are covered."""

    label: str = Field(**about("display name", source="seed 1D (tier names)"))
    arr_band: tuple[NonNegative, NonNegative | None] = Field(
        **about(
            "[low, high) ARR band of the tier; high null = no upper bound",
            unit=USD_YEAR,
            source="seed 1D (>$250k, $100-250k, $15-50k, <$15k)",
        )
    )
    arr: ArrDistribution
    initial_customers: Count = Field(
        **about(
            "live customers at t=0",
            unit="customers",
            source="seed 1D (50 / 300 / 500 / 750 clients)",
        )
    )
    initial_arr_total: Positive | None = Field(
        None,
        **about(
            "if set, the t=0 book's ARR is scaled to this exact total",
            unit=USD_YEAR,
            source="seed 1D ($15M / $45M / $10M / $5M per segment)",
        ),
    )
    new_logos_per_year: NonNegative | list[NonNegative] = Field(
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
    health_alert_hours: NonNegative = Field(
        1.0,
        **about(
            "CSM hours of a health alert raised when a case breaches its SLA "
            "(assigned and pooled coverage; one open alert per customer; 0 = no alerts)",
            unit="hours",
            source="assumption",
        ),
    )
    health_alert_weeks: Positive = Field(
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


# ----------------------------------------------------------------------------- staff


class StaffPool(Strict):
    """A staffed pool: people with loaded cost, productive hours and turnover."""

    headcount: Count = Field(
        **about(
            "people doing the pool's work (seats)",
            unit="people",
            source="seed 1D (5 / 12 / 5 CSMs, 1 digital marketer); other pools assumption "
            "sized with simcs capacity",
        )
    )
    ote: NonNegative = Field(
        **about(
            "on-target earnings per person",
            unit=USD_YEAR,
            source="seed 1C (CSM $130k, PS $150k, education $120k, CSM Ops $90k)",
        )
    )
    overhead: Annotated[float, Field(ge=0, le=5)] = Field(
        0.4,
        **about(
            "benefits, taxes and overhead on OTE",
            unit="share of OTE",
            source="seed 1C ('Benefits, Taxes and Other Overhead 40%')",
        ),
    )
    managers: Count = Field(
        0,
        **about(
            "managers or team leads: cost, no capacity",
            unit="people",
            source="seed 1D (CSM managers per team), seed 1C (13% ratio)",
        ),
    )
    manager_ote: NonNegative = Field(
        0.0,
        **about(
            "on-target earnings per manager",
            unit=USD_YEAR,
            source="seed 1C (CSM manager $160k, PS manager $200k, education manager $180k)",
        ),
    )
    productive_hours_per_week: Annotated[float, Field(gt=0, le=40)] = Field(
        32.0,
        **about(
            "hours a person spends on the pool's work in a 40-hour week",
            unit="hours/week",
            source="assumption (seed-facts 7: hours per FTE not given; calibration 2.6: 1,435 "
            "billable hours a year)",
        ),
    )
    attrition_per_year: Annotated[float, Field(ge=0, le=5)] = Field(
        0.0,
        **about(
            "departures per person-year (Poisson); a vacated seat stays empty while hiring",
            unit="per year",
            source="calibration 2.6 (PS attrition 13.2%); others assumption",
        ),
    )
    hiring_lag_weeks: NonNegative = Field(
        10.0, **about("weeks a vacated seat stays empty", unit="weeks", source="assumption")
    )
    ramp_weeks: NonNegative = Field(
        0.0,
        **about("weeks a new hire works at half speed", unit="weeks", source="assumption"),
    )
    cost_per_hour: NonNegative | None = Field(
        None,
        **about(
            "activity-based cost per work hour; if set it replaces the loaded headcount cost",
            unit="USD/hour",
            source="seed 1A.9 (support $3/minute = $180/hour)",
        ),
    )


class EducationPool(StaffPool):
    """Instructors running instructor-led classes of many seats."""

    seats_per_class: Annotated[int, Field(ge=1)] = Field(
        20, **about("trainees per instructor-led class", unit="seats", source="assumption")
    )
    hours_per_class: Positive = Field(
        8.0,
        **about(
            "instructor hours per class including preparation",
            unit="hours",
            source="assumption (seed 1J.4: a monthly onboarding webinar)",
        ),
    )


class ImplementationPool(StaffPool):
    """PS / implementation consultants."""

    realised_rate: NonNegative = Field(
        150.0,
        **about(
            "realised billable rate",
            unit="USD/hour",
            source="seed 1C ('Actual Hourly Rate $150' against a $300 book rate)",
        ),
    )
    billable: bool = Field(
        True,
        **about(
            "implementation hours are billed (time and materials)",
            source="seed 1E.5 (PS 'done on an hourly basis')",
        ),
    )


class Staff(Strict):
    """All staffed pools. `csm` has one team per tier (a digital tier's team is its marketers)."""

    support: StaffPool
    implementation: ImplementationPool
    education: EducationPool
    operations: StaffPool
    csm: dict[str, StaffPool]


# ----------------------------------------------------------------------------- service


class HandleTime(Strict):
    """Agent handle time of one support case."""

    distribution: Literal["exponential", "fixed", "lognormal"] = Field(
        "exponential",
        **about(
            "law of the handle time",
            source="assumption (seed-facts 7: no handle-time distribution given)",
        ),
    )
    mean_hours: Positive = Field(
        0.5,
        **about("mean handle time", unit="hours", source="seed 1A.8 ('30 minutes/case')"),
    )
    cv: NonNegative = Field(
        1.0,
        **about("coefficient of variation (lognormal only)", unit="ratio", source="assumption"),
    )


class SupportPolicy(Strict):
    """How the support desk works."""

    arrivals: Literal["poisson", "regular"] = Field(
        "poisson",
        **about(
            "case arrivals per customer: Poisson or evenly spaced",
            source="assumption (seed-facts 7: no arrival distribution given)",
        ),
    )
    handle_time: HandleTime = HandleTime()
    discipline: Literal["priority", "fifo"] = Field(
        "priority",
        **about("serve by tier priority, or first come first served", source="design"),
    )
    patience_hours: Positive | None = Field(
        None,
        **about(
            "mean exponential patience; a case waiting longer abandons (Erlang A); "
            "null = customers wait as long as it takes",
            unit="business hours",
            source="assumption",
        ),
    )
    new_contact_detection: Probability = Field(
        0.3,
        **about(
            "chance a case reveals that the champion has left",
            unit=SHARE,
            source="assumption",
        ),
    )


class Training(Strict):
    """Training channels, prices and effects."""

    self_paced_weeks: NonNegative = Field(
        2.0,
        **about(
            "weeks to complete self-paced training",
            unit="weeks",
            source="assumption (seed 1J.4: courses of 3-15 minutes, taken over time)",
        ),
    )
    self_paced_price: NonNegative = Field(
        0.0, **about("price of self-paced training", unit=USD, source="seed 1F.8")
    )
    instructor_led_price: NonNegative = Field(
        0.0,
        **about(
            "price per instructor-led seat",
            unit=USD,
            source="assumption (seed-facts 7: no training prices)",
        ),
    )
    self_paced_effect: Probability = Field(
        0.5,
        **about(
            "self-paced training gives this share of the instructor-led effect",
            unit=SHARE,
            source="assumption",
        ),
    )
    case_reduction: Probability = Field(
        0.25,
        **about(
            "trained customers file this share fewer cases (how-to cases)",
            unit=SHARE,
            source="seed M5, 1F.7 (modules from the top how-to cases); size assumption",
        ),
    )


class Champions(Strict):
    """Champion (key user) turnover and recovery."""

    departure_rate_per_year: Annotated[float, Field(ge=0, le=5)] = Field(
        0.17,
        **about(
            "champion departures per champion-year (Poisson)",
            unit="per year",
            source="calibration 2.5 (B2B contact churn 17%/yr, 15-20%; BLS median tenure "
            "3.9 years)",
            plausible=(0.12, 0.25),
        ),
    )
    replacement_weeks: Positive = Field(
        26.0,
        **about(
            "mean weeks until an unassisted account onboards a new champion",
            unit="weeks",
            source="assumption",
        ),
    )
    digital_signal_weeks: NonNegative = Field(
        4.0,
        **about(
            "delay of the automated 'new user' signal in digital tiers",
            unit="weeks",
            source="assumption",
        ),
    )


class CostAssumptions(Strict):
    """Non-staff costs."""

    digital_program_per_year: NonNegative = Field(
        0.0,
        **about(
            "tooling of the digital programme (operations)",
            unit=USD_YEAR,
            source="assumption (seed-facts 7: systems and tooling costs not given)",
        ),
    )
    other_per_customer_year: NonNegative = Field(
        0.0,
        **about(
            "other relevant costs per customer-year (operations)",
            unit="USD/customer-year",
            source="seed 1A.12 (left blank in the example)",
        ),
    )


# ----------------------------------------------------------------------------- levers


class ContentCouncil(Strict):
    """The content council: turns top how-to cases into self-help (seed [000], [002])."""

    enabled: bool = Field(False, **about("run the content council", source="design"))
    extra_deflection: Probability = Field(
        0.10,
        **about(
            "added share of cases deflected",
            unit=SHARE,
            source="seed M15, 1F.7 (top ten how-to cases into modules); size assumption",
        ),
    )
    cost_per_year: NonNegative = Field(
        120000.0, **about("cost of running the council", unit=USD_YEAR, source="assumption")
    )


class SmoothTransition(Strict):
    """The Smooth Transition play for a new champion (seed [000], Marketo)."""

    enabled: bool = Field(
        True, **about("run the play", source="seed M16 (Marketo's Smooth Transition play)")
    )
    csm_hours: NonNegative = Field(
        1.5, **about("CSM task for the new champion", unit="hours", source="assumption")
    )
    sequence_weeks: NonNegative = Field(
        2.0,
        **about(
            "self-service onboarding sequence for the new champion",
            unit="weeks",
            source="assumption",
        ),
    )
    digital_only_weeks: NonNegative = Field(
        8.0,
        **about(
            "weeks to a new champion when only the self-service sequence runs",
            unit="weeks",
            source="assumption",
        ),
    )


class PartnerDelivery(Strict):
    """Implementations handed to a delivery partner (cost per hour, finite capacity)."""

    enabled: bool = Field(False, **about("hand implementations to a partner", source="design"))
    share: Probability = Field(
        0.0, **about("share of implementations the partner delivers", unit=SHARE, source="design")
    )
    consultants: Count = Field(
        0, **about("partner consultants available", unit="people", source="design")
    )
    cost_per_hour: NonNegative = Field(
        0.0, **about("what the partner charges us", unit="USD/hour", source="assumption")
    )
    productive_hours_per_week: Annotated[float, Field(gt=0, le=40)] = Field(
        32.0,
        **about(
            "hours a partner consultant works on our implementations in a 40-hour week",
            unit="hours/week",
            source="assumption",
        ),
    )


class Levers(Strict):
    """The playbook's levers."""

    self_service_deflection: Probability = Field(
        0.10,
        **about(
            "share of cases resolved by self-service before reaching an agent",
            unit=SHARE,
            source="assumption (seed 1B.4 names the lever, no rate; seed-facts 7)",
            plausible=(0.05, 0.25),
        ),
    )
    content_council: ContentCouncil = ContentCouncil()
    smooth_transition: SmoothTransition = SmoothTransition()
    partner_delivery: PartnerDelivery = PartnerDelivery()


class RelationshipOdds(Strict):
    """Churn odds ratio at full planned coverage, per coverage model (weaker when digital)."""

    assigned: OddsRatio = Field(
        0.6,
        **about(
            "assigned CSM at full planned cadence",
            unit=ODDS,
            source="assumption (seed M18 relationship strength; calibration 2.5: "
            "disruption costs up to 17.6% of revenue)",
            plausible=(0.5, 0.9),
        ),
    )
    pooled: OddsRatio = Field(
        0.8,
        **about(
            "pooled CSMs at full planned cadence",
            unit=ODDS,
            source="assumption",
            plausible=(0.6, 0.95),
        ),
    )
    digital: OddsRatio = Field(
        0.9,
        **about("digital programme running", unit=ODDS, source="assumption", plausible=(0.8, 1.0)),
    )


class Drivers(Strict):
    """Multiplicative churn-odds drivers (1 = neutral). Evidence is weak: vary them."""

    champion_lost: OddsRatio = Field(
        2.5,
        **about(
            "champion gone and not replaced at renewal",
            unit=ODDS,
            source="calibration 2.5 (prior 1.5x-4x; the '85% to 50%' claim is unverified)",
            plausible=(1.5, 4.0),
        ),
    )
    ttv_late: OddsRatio = Field(
        1.5,
        **about(
            "first renewal after a go-live later than the target",
            unit=ODDS,
            source="assumption (seed M1: time-to-value drives retention)",
            plausible=(1.0, 2.5),
        ),
    )
    sla_breach: OddsRatio = Field(
        2.0,
        **about(
            "odds ratio if every case of the term breached its SLA; applied as OR**share",
            unit=ODDS,
            source="assumption (seed M2: failed CX means more churn)",
            plausible=(1.0, 3.0),
        ),
    )
    relationship: RelationshipOdds = Field(
        RelationshipOdds(),
        **about(
            "odds ratio at full relationship strength, per coverage model; applied as OR**strength",
            unit=ODDS,
            source="assumption",
        ),
    )
    relationship_touches_per_year: Positive = Field(
        6.0,
        **about(
            "touches a year that build 63% of the full relationship: strength = "
            "1 - exp(-touches delivered per year / this); digital programmes count as full",
            unit="touches/year",
            source="assumption",
        ),
    )
    csm_reassignment: OddsRatio = Field(
        1.3,
        **about(
            "per CSM change in the term",
            unit=ODDS,
            source="seed M17; calibration 2.5 (relationship disruption, Schmitz et al. 2019)",
            plausible=(1.0, 1.6),
        ),
    )
    trained: OddsRatio = Field(
        0.75,
        **about(
            "instructor-led trained champion",
            unit=ODDS,
            source="calibration 2.4 (5-25% less churn, correlational); seed 1F.1-1F.2",
            plausible=(0.6, 0.95),
        ),
    )
    exec_sponsor: OddsRatio = Field(
        0.8,
        **about(
            "executive sponsor assigned",
            unit=ODDS,
            source="assumption (seed M26; seed 1D: Strategic has one)",
            plausible=(0.6, 1.0),
        ),
    )


Shift = Annotated[float, Field(ge=-1, le=1)]


class CoverageShift(Strict):
    """An additive expansion shift at full planned coverage, per coverage model."""

    assigned: Shift = Field(
        0.04,
        **about("assigned CSM", unit="log ARR change", source="calibration 2.1 (NRR by size)"),
    )
    pooled: Shift = Field(
        0.02,
        **about("pooled CSMs", unit="log ARR change", source="calibration 2.1 (NRR by size)"),
    )
    digital: Shift = Field(
        0.0, **about("digital programme", unit="log ARR change", source="assumption")
    )


class ExpansionDrivers(Strict):
    """Additive shifts of the mean log ARR change at renewal."""

    trained: Shift = Field(
        0.05,
        **about(
            "trained champion",
            unit="log ARR change",
            source="seed 1F.2 (trained customers 50-70% higher ACV, cumulative)",
        ),
    )
    coverage: CoverageShift = Field(
        CoverageShift(),
        **about(
            "added at full planned coverage, per coverage model",
            unit="log ARR change",
            source="calibration 2.1",
        ),
    )
    champion_lost: Shift = Field(
        -0.10,
        **about("champion gone and not replaced", unit="log ARR change", source="assumption"),
    )
    sla_breach: Shift = Field(
        -0.05,
        **about(
            "at every case breached; scales with the breach share",
            unit="log ARR change",
            source="assumption",
        ),
    )


class InitialBook(Strict):
    """How the t=0 book is laid out."""

    anniversaries: Literal["staggered", "aligned"] = Field(
        "staggered",
        **about(
            "renewal dates staggered over the year, or all at the end of year 1",
            source="design",
        ),
    )
    tenure: Literal["steady_state", "new"] = Field(
        "steady_state",
        **about(
            "steady_state: tenure ~ sBG survival, theta from the survivors' posterior; "
            "new: everyone in their first year",
            source="design",
        ),
    )
    max_tenure_years: Annotated[int, Field(ge=0, le=50)] = Field(
        10, **about("longest tenure in the t=0 book", unit="years", source="assumption")
    )
    trained_share: Probability = Field(
        0.2,
        **about(
            "share of the t=0 book already trained",
            unit=SHARE,
            source="seed 1F.3 ('a small percentage of customers in the well-trained category')",
        ),
    )


# ----------------------------------------------------------------------------- scenario


class Scenario(Strict):
    """One post-sales organisation and the horizon it is simulated over."""

    name: str = Field(**about("name used for output folders and reports", source="design"))
    description: str = Field(
        "", **about("one line on what the scenario represents", source="design")
    )
    horizon_years: Annotated[int, Field(ge=1, le=30)] = Field(
        3,
        **about(
            "years simulated",
            unit="years",
            source="calibration 3.1 (terminating simulation over a planning horizon)",
        ),
    )
    warmup_years: Annotated[int, Field(ge=0, le=29)] = Field(
        0,
        **about(
            "first years left out of the reported metrics",
            unit="years",
            source="calibration 3.1 (warm-up; 0 with a steady-state t=0 book)",
        ),
    )
    tiers: dict[str, Tier]
    staff: Staff
    support: SupportPolicy = SupportPolicy()
    training: Training = Training()
    champions: Champions = Champions()
    levers: Levers = Levers()
    drivers: Drivers = Drivers()
    expansion_drivers: ExpansionDrivers = ExpansionDrivers()
    initial_book: InitialBook = InitialBook()
    costs: CostAssumptions = CostAssumptions()

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        if not self.tiers:
            raise ValueError("tiers: at least one tier is needed")
        if "all" in self.tiers:
            raise ValueError("tiers: 'all' is reserved for the whole book")
        if self.warmup_years >= self.horizon_years:
            raise ValueError("warmup_years: must be below horizon_years")
        for name, tier in self.tiers.items():
            rates = tier.new_logos_per_year
            if isinstance(rates, list) and len(rates) != self.horizon_years:
                raise ValueError(
                    f"tiers.{name}.new_logos_per_year: {len(rates)} rates given, "
                    f"horizon_years is {self.horizon_years}"
                )
            if tier.coverage != "digital" and name not in self.staff.csm:
                raise ValueError(
                    f"staff.csm.{name}: missing, but tiers.{name}.coverage is '{tier.coverage}'"
                )
        for name in self.staff.csm:
            if name not in self.tiers:
                raise ValueError(f"staff.csm.{name}: no tier of that name in tiers")
        bands = sorted(
            (t.arr_band[0], math.inf if t.arr_band[1] is None else t.arr_band[1], n)
            for n, t in self.tiers.items()
        )
        for (_lo1, hi1, n1), (lo2, _hi2, n2) in zip(bands, bands[1:], strict=False):
            if hi1 > lo2:
                raise ValueError(f"tiers.{n2}.arr_band: overlaps tiers.{n1}.arr_band")
        return self

    @property
    def measurement_years(self) -> list[int]:
        """The 1-based years whose metrics are reported (after the warm-up)."""
        return list(range(self.warmup_years + 1, self.horizon_years + 1))

    def new_logo_rate(self, tier: str, year: int) -> float:
        """New logos a year for `tier` in 1-based `year`."""
        rates = self.tiers[tier].new_logos_per_year
        return rates[year - 1] if isinstance(rates, list) else rates
