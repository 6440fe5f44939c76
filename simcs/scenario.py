"""The scenario: every parameter of one simulated post-sales organisation, validated.

A scenario is plain data (YAML on disk) checked by pydantic with unknown keys forbidden. It
holds the book of business by tier, the staff pools, the levers of the playbook, the driver
effect sizes of the renewal decision and the experiment horizon. Defaults come from
`shared/reference/seed-facts.md` (the founding documents) and `calibration.md` (public
benchmarks); each field's description says which, and the weakly known effect sizes give a
plausible range. Units are in the names: `_hours`, `_weeks`, `_per_year`, money in USD.
"""

from __future__ import annotations

import math
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

NonNegative = Annotated[float, Field(ge=0)]
Positive = Annotated[float, Field(gt=0)]
Probability = Annotated[float, Field(ge=0, le=1)]
OddsRatio = Annotated[float, Field(gt=0, le=100)]
Count = Annotated[int, Field(ge=0)]

Coverage = Literal["assigned", "pooled", "digital"]
COVERAGES: tuple[str, ...] = ("assigned", "pooled", "digital")


class Strict(BaseModel):
    """Base of every scenario section: unknown keys are errors, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


# ----------------------------------------------------------------------------- tiers


class ArrDistribution(Strict):
    """ARR of a new customer: drawn from this law, truncated to the tier's ARR band."""

    kind: Literal["lognormal", "fixed", "uniform"] = Field(
        "lognormal", description="lognormal (mean, cv), fixed (mean) or uniform over the band"
    )
    mean: Positive = Field(description="mean ARR before truncation, USD/year")
    cv: NonNegative = Field(0.3, description="coefficient of variation (lognormal)")


class Cadence(Strict):
    """Planned proactive CSM touches (check-ins, QBRs) for one customer."""

    touches_per_year: NonNegative = Field(
        description="planned touches a year (seed: weekly/monthly Strategic, monthly/quarterly "
        "Enterprise, 'no contact in 6 months' pooled)"
    )
    hours_per_touch: NonNegative = Field(1.5, description="CSM hours per touch incl. prep")


class RenewalReview(Strict):
    """A renewal review ahead of each anniversary (seed: SMB/MID 6 months prior)."""

    weeks_before: Annotated[float, Field(gt=0, le=52)] = 26.0
    hours: NonNegative = 2.0


class TierSupport(Strict):
    """Support demand and service promise of a tier."""

    cases_per_year: NonNegative = Field(
        description="cases filed per live customer-year before deflection (seed SMB: 12)"
    )
    sla_hours: Positive = Field(
        description="response SLA: a case must reach an agent within this many business hours"
    )
    priority: Count = Field(
        0, description="queue priority, 0 is served first (priority discipline only)"
    )


class TierOnboarding(Strict):
    """The implementation package a new customer needs before go-live."""

    implementation_hours: NonNegative = Field(
        description="consultant hours of the implementation package (seed SMB: $4k one time)"
    )
    customer_lead_weeks: NonNegative = Field(
        2.0, description="elapsed weeks on the customer's side, no consultant needed"
    )
    target_weeks: Positive = Field(
        description="time-to-value target; a later go-live raises first-renewal risk "
        "(calibration: SMB 1-2, mid-market 2-4, enterprise 4-12 weeks)"
    )
    fee: NonNegative = Field(0.0, description="implementation fee charged, USD (revenue)")


class TierTraining(Strict):
    """Who takes training, and how."""

    propensity: Probability = Field(
        description="probability a customer takes training after go-live or a new champion "
        "(seed: only a small share is well trained)"
    )
    instructor_led_share: Probability = Field(
        0.5, description="share of trainees who take an instructor-led class (else self-paced)"
    )


class TierRenewal(Strict):
    """Base churn propensity: theta ~ Beta(alpha, beta), the sBG model (Fader & Hardie 2007)."""

    alpha: Positive
    beta: Positive


class TierExpansion(Strict):
    """ARR change of a renewing customer: log(new/old) ~ Normal(mean + drivers, sd)."""

    mean_log_change: Annotated[float, Field(ge=-2, le=2)] = Field(
        0.05, description="mean log ARR change at renewal before drivers"
    )
    sd: NonNegative = Field(0.10, description="sd of the log ARR change")


class Tier(Strict):
    """A segment of the book: its customers, their needs and how they are covered."""

    label: str = Field(description="display name")
    arr_band: tuple[NonNegative, NonNegative | None] = Field(
        description="[low, high) ARR band in USD; high null = no upper bound"
    )
    arr: ArrDistribution
    initial_customers: Count = Field(description="live customers at t=0")
    initial_arr_total: Positive | None = Field(
        None, description="if set, the t=0 book's ARR is scaled to this exact total"
    )
    new_logos_per_year: NonNegative | list[NonNegative] = Field(
        0.0, description="Poisson rate of new logos a year, or one rate per year; 0 = closed"
    )
    coverage: Coverage = Field(description="assigned books, pooled queue or digital only")
    csm_start: Literal["at_sale", "after_go_live"] = Field(
        "at_sale", description="when CSM engagement starts (seed: Strategic/Enterprise at sale)"
    )
    cadence: Cadence
    renewal_review: RenewalReview | None = None
    exec_sponsor_share: Probability = Field(0.0, description="share with an exec sponsor")
    health_alert_hours: NonNegative = Field(
        1.0,
        description="CSM hours of a health alert raised when a case breaches its SLA "
        "(assigned and pooled coverage; one open alert per customer; 0 = no alerts)",
    )
    health_alert_weeks: Positive = Field(
        4.0, description="an alert not picked up within this many weeks is dropped"
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

    headcount: Count
    ote: NonNegative = Field(description="on-target earnings per person, USD/year")
    overhead: Annotated[float, Field(ge=0, le=5)] = Field(
        0.4, description="benefits, taxes and overhead on OTE (seed: 40%)"
    )
    managers: Count = Field(0, description="managers or team leads: cost, no capacity")
    manager_ote: NonNegative = 0.0
    productive_hours_per_week: Annotated[float, Field(gt=0, le=40)] = Field(
        32.0, description="hours a person spends on the pool's work in a 40-hour week"
    )
    attrition_per_year: Annotated[float, Field(ge=0, le=5)] = Field(
        0.0, description="departures per person-year (Poisson); seats stay vacant while hiring"
    )
    hiring_lag_weeks: NonNegative = Field(10.0, description="weeks a vacated seat stays empty")
    ramp_weeks: NonNegative = Field(0.0, description="weeks a new hire works at half speed")
    cost_per_hour: NonNegative | None = Field(
        None,
        description="activity-based cost per work hour; if set it replaces the loaded "
        "headcount cost (seed: support $3/minute = $180/hour)",
    )


class EducationPool(StaffPool):
    """Instructors running instructor-led classes of many seats."""

    seats_per_class: Annotated[int, Field(ge=1)] = 20
    hours_per_class: Positive = Field(8.0, description="instructor hours per class incl. prep")


class ImplementationPool(StaffPool):
    """PS / implementation consultants."""

    realised_rate: NonNegative = Field(
        150.0, description="realised billable rate, USD/hour (seed: $150 vs $300 book)"
    )
    billable: bool = Field(True, description="implementation hours are billed (time & materials)")


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

    distribution: Literal["exponential", "fixed", "lognormal"] = "exponential"
    mean_hours: Positive = Field(0.5, description="mean handle time (seed: 30 minutes)")
    cv: NonNegative = Field(1.0, description="coefficient of variation (lognormal only)")


class SupportDesk(Strict):
    """How the support desk works."""

    arrivals: Literal["poisson", "regular"] = Field(
        "poisson", description="case arrivals per customer: Poisson or evenly spaced"
    )
    handle_time: HandleTime = HandleTime()
    discipline: Literal["priority", "fifo"] = "priority"
    patience_hours: Positive | None = Field(
        None, description="mean exponential patience; a case waiting longer abandons (Erlang A)"
    )
    new_contact_detection: Probability = Field(
        0.3, description="chance a case reveals that the champion has left"
    )


class Training(Strict):
    """Training channels, prices and effects."""

    self_paced_weeks: NonNegative = Field(2.0, description="weeks to complete self-paced")
    self_paced_price: NonNegative = 0.0
    instructor_led_price: NonNegative = Field(0.0, description="price per seat, USD")
    self_paced_effect: Probability = Field(
        0.5, description="self-paced training gives this share of the instructor-led effect"
    )
    case_reduction: Probability = Field(
        0.25, description="trained customers file this share fewer cases (how-to cases)"
    )


class Champions(Strict):
    """Champion (key user) turnover and recovery."""

    departure_rate_per_year: Annotated[float, Field(ge=0, le=5)] = Field(
        0.17, description="calibration: B2B contact churn 17%/yr (15-20%)"
    )
    replacement_weeks: Positive = Field(
        26.0, description="mean weeks until an unassisted account onboards a new champion"
    )
    digital_signal_weeks: NonNegative = Field(
        4.0, description="delay of the automated 'new user' signal in digital tiers"
    )


class CostAssumptions(Strict):
    """Non-staff costs."""

    digital_program_per_year: NonNegative = Field(
        0.0, description="tooling of the digital programme, USD/year (operations)"
    )
    other_per_customer_year: NonNegative = Field(
        0.0, description="other relevant costs per customer-year (operations)"
    )


# ----------------------------------------------------------------------------- levers


class ContentCouncil(Strict):
    """The content council: turns top how-to cases into self-help (seed [000], [002])."""

    enabled: bool = False
    extra_deflection: Probability = Field(0.10, description="added share of cases deflected")
    cost_per_year: NonNegative = 120000.0


class SmoothTransition(Strict):
    """The Smooth Transition play for a new champion (seed [000], Marketo)."""

    enabled: bool = True
    csm_hours: NonNegative = Field(1.5, description="CSM task for the new champion")
    sequence_weeks: NonNegative = Field(
        2.0, description="self-service onboarding sequence for the new champion"
    )
    digital_only_weeks: NonNegative = Field(
        8.0, description="weeks to a new champion when only the self-service sequence runs"
    )


class PartnerDelivery(Strict):
    """Implementations handed to a delivery partner (cost per hour, finite capacity)."""

    enabled: bool = False
    share: Probability = 0.0
    consultants: Count = 0
    cost_per_hour: NonNegative = 0.0
    productive_hours_per_week: Annotated[float, Field(gt=0, le=40)] = 32.0


class Levers(Strict):
    """The playbook's levers."""

    self_service_deflection: Probability = Field(
        0.10, description="share of cases resolved by self-service before reaching an agent"
    )
    content_council: ContentCouncil = ContentCouncil()
    smooth_transition: SmoothTransition = SmoothTransition()
    partner_delivery: PartnerDelivery = PartnerDelivery()


class RelationshipOdds(Strict):
    """Churn odds ratio at full planned coverage, per coverage model (weaker when digital)."""

    assigned: OddsRatio = 0.6
    pooled: OddsRatio = 0.8
    digital: OddsRatio = 0.9


class Drivers(Strict):
    """Multiplicative churn-odds drivers (1 = neutral). Evidence is weak: vary them."""

    champion_lost: OddsRatio = Field(
        2.5, description="champion gone and not replaced at renewal (range 1.5-4)"
    )
    ttv_late: OddsRatio = Field(1.5, description="first renewal after a late go-live (1-2.5)")
    sla_breach: OddsRatio = Field(
        2.0, description="odds ratio if every case of the term breached SLA; OR**share (1-3)"
    )
    relationship: RelationshipOdds = Field(
        RelationshipOdds(),
        description="odds ratio at full relationship strength, per coverage model (0.5-1); "
        "applied as OR**strength",
    )
    relationship_touches_per_year: Positive = Field(
        6.0,
        description="touches a year that build 63% of the full relationship: strength = "
        "1 - exp(-touches delivered per year / this); digital programmes count as full",
    )
    csm_reassignment: OddsRatio = Field(1.3, description="per CSM change in the term (1-1.6)")
    trained: OddsRatio = Field(
        0.75, description="instructor-led trained (calibration: 5-25% less churn; 0.6-0.95)"
    )
    exec_sponsor: OddsRatio = Field(0.8, description="exec sponsor assigned (0.6-1)")


Shift = Annotated[float, Field(ge=-1, le=1)]


class CoverageShift(Strict):
    """An additive expansion shift at full planned coverage, per coverage model."""

    assigned: Shift = 0.04
    pooled: Shift = 0.02
    digital: Shift = 0.0


class ExpansionDrivers(Strict):
    """Additive shifts of the mean log ARR change at renewal."""

    trained: Annotated[float, Field(ge=-1, le=1)] = Field(
        0.05, description="seed: trained customers 50-70% higher ACV (cumulative)"
    )
    coverage: CoverageShift = Field(
        CoverageShift(), description="added at full planned coverage, per coverage model"
    )
    champion_lost: Annotated[float, Field(ge=-1, le=1)] = -0.10
    sla_breach: Annotated[float, Field(ge=-1, le=1)] = Field(
        -0.05, description="at every case breached; scales with the breach share"
    )


class InitialBook(Strict):
    """How the t=0 book is laid out."""

    anniversaries: Literal["staggered", "aligned"] = Field(
        "staggered", description="staggered over the year, or all at the end of year 1"
    )
    tenure: Literal["steady_state", "new"] = Field(
        "steady_state",
        description="steady_state: tenure ~ sBG survival, theta from the survivors' posterior",
    )
    max_tenure_years: Annotated[int, Field(ge=0, le=50)] = 10
    trained_share: Probability = Field(0.2, description="share of the t=0 book already trained")


# ----------------------------------------------------------------------------- scenario


class Scenario(Strict):
    """One post-sales organisation and the horizon it is simulated over."""

    name: str
    description: str = ""
    horizon_years: Annotated[int, Field(ge=1, le=30)] = 3
    warmup_years: Annotated[int, Field(ge=0, le=29)] = 0
    tiers: dict[str, Tier]
    staff: Staff
    support: SupportDesk = SupportDesk()
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
