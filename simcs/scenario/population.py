"""The customer population: who the customers are, whatever tier serves them.

A customer group is a fixed classification of the book (e.g. an ARR band) with its own laws:
ARR of a new customer, the t=0 book and the new logos, support cases a year, the implementation
work it needs, its champions' turnover (if it differs from the playbook's), the sBG law of base
churn propensity and the ARR change at renewal. A customer
carries its group and the attributes drawn from it for life; how it is served is its service
tier's business (`tiers`), and which tier serves it is the segmentation rule's (`segmentation`).
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
    MAX_LOG_CHANGE,
    MAX_LOG_SD,
    MAX_NEW_LOGOS_PER_YEAR,
    MAX_SHAPE,
    NUMBER,
    USD_YEAR,
    Arr,
    Count,
    Cv,
    Hours,
    Label,
    NonNegative,
    Positive,
    Strict,
    Weeks,
    about,
)

NewLogoRate = Annotated[float, Field(ge=0, le=MAX_NEW_LOGOS_PER_YEAR), NUMBER]


class ArrDistribution(Strict):
    """ARR of a new customer: drawn from this law, truncated to the group's ARR band."""

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
            source="assumption (spread within a group is not in any source)",
        ),
    )


class RenewalLaw(Strict):
    """Base churn propensity: theta ~ Beta(alpha, beta), the sBG model (Fader & Hardie 2007).

    A customer's theta is drawn once; its mean alpha / (alpha + beta) is the group's first-year
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


class ExpansionLaw(Strict):
    """ARR change of a renewing customer: log(new/old) ~ Normal(mean + drivers, sd)."""

    mean_log_change: Annotated[float, Field(ge=-MAX_LOG_CHANGE, le=MAX_LOG_CHANGE), NUMBER] = Field(
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


class CustomerGroup(Strict):
    """A fixed class of customers: their ARR, their needs and their propensity to churn."""

    label: Label = Field(**about("display name", source="design"))
    arr_band: tuple[Arr, Arr | None] = Field(
        **about(
            "[low, high) ARR band the group's customers are drawn in; high null = no upper "
            "bound (bands of different groups may overlap; renewals may take a customer's ARR "
            "outside it, its group stays)",
            unit=USD_YEAR,
            source="seed 1D (>$250k, $100-250k, $15-50k, <$15k)",
        )
    )
    arr: ArrDistribution
    initial_customers: Count = Field(
        le=MAX_CUSTOMERS,
        **about(
            "live customers at t=0 (with the new logos of the horizon, at most "
            f"{MAX_CUSTOMERS_TOTAL:,} customers over all groups)",
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
    new_logo_growth_per_month: Annotated[float, Field(ge=-0.5, le=0.5), NUMBER] = Field(
        0.0,
        **about(
            "growth of the new-logo rate a month: month m (from 0) sells new_logos_per_year x "
            "(1 + growth)^m / 12 (new_logos_per_year then a single rate); 0 = a constant rate",
            unit="share a month",
            source="seed 1C ($50M template 'growing 2% a month')",
        ),
    )
    cases_per_year: NonNegative = Field(
        le=MAX_CASES_PER_YEAR,
        **about(
            "support cases filed per live customer-year before deflection",
            unit="cases/year",
            source="seed 1A.7 (SMB: 12 cases a year); other groups calibration 2.3 "
            "(0.2-1.5 tickets per customer-month; no rigorous survey)",
        ),
    )
    implementation_hours: Hours = Field(
        **about(
            "consultant hours a new customer's implementation needs",
            unit="hours",
            source="seed 1A.6 (SMB: $4k one time); other groups assumption",
        )
    )
    customer_lead_weeks: Weeks = Field(
        2.0,
        **about(
            "elapsed weeks of implementation on the customer's side, no consultant needed",
            unit="weeks",
            source="assumption",
        ),
    )
    champion_departures_per_year: Annotated[float, Field(ge=0, le=5), NUMBER] | None = Field(
        None,
        **about(
            "champion departures per champion-year for this group's customers; null = "
            "champions.departure_rate_per_year",
            unit="per year",
            source="calibration 2.5 (B2B contact churn 15-20%/yr; no figure by segment)",
        ),
    )
    renewal: RenewalLaw
    expansion: ExpansionLaw = ExpansionLaw()

    @model_validator(mode="after")
    def _band_is_an_interval(self) -> CustomerGroup:
        if self.new_logo_growth_per_month and isinstance(self.new_logos_per_year, list):
            raise ValueError(
                "new_logo_growth_per_month: give new_logos_per_year as one starting rate, not a "
                "rate per year, when the rate grows every month"
            )
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
