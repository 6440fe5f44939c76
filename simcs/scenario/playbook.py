"""The playbook: how the support desk works, training, champion turnover, the levers
(self-service deflection, the content council, the Smooth Transition play, partner delivery),
non-staff costs and the layout of the t=0 book (drawn, or the real accounts: `book`).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, field_validator

from simcs.scenario.book import BookAccount
from simcs.scenario.fields import (
    NUMBER,
    SHARE,
    USD,
    USD_YEAR,
    Cv,
    Flag,
    Headcount,
    HourlyRate,
    Hours,
    HoursPerWeek,
    Money,
    PerYear,
    PositiveHours,
    PositiveWeeks,
    Probability,
    Strict,
    Weeks,
    about,
)


class HandleTime(Strict):
    """Agent handle time of one support case."""

    distribution: Literal["exponential", "fixed", "lognormal"] = Field(
        "exponential",
        **about(
            "law of the handle time",
            source="assumption (seed-facts 7: no handle-time distribution given)",
        ),
    )
    mean_hours: PositiveHours = Field(
        0.5,
        **about("mean handle time", unit="hours", source="seed 1A.8 ('30 minutes/case')"),
    )
    cv: Cv = Field(
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
    patience_hours: PositiveHours | None = Field(
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

    self_paced_weeks: Weeks = Field(
        2.0,
        **about(
            "weeks to complete self-paced training",
            unit="weeks",
            source="assumption (seed 1J.4: courses of 3-15 minutes, taken over time)",
        ),
    )
    self_paced_price: Money = Field(
        0.0, **about("price of self-paced training", unit=USD, source="seed 1F.8")
    )
    instructor_led_price: Money = Field(
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

    departure_rate_per_year: PerYear = Field(
        0.17,
        **about(
            "champion departures per champion-year (Poisson)",
            unit="per year",
            source="calibration 2.5 (B2B contact churn 17%/yr, 15-20%; BLS median tenure "
            "3.9 years)",
            plausible=(0.12, 0.25),
        ),
    )
    replacement_weeks: PositiveWeeks = Field(
        26.0,
        **about(
            "mean weeks until an unassisted account onboards a new champion",
            unit="weeks",
            source="assumption",
        ),
    )
    digital_signal_weeks: Weeks = Field(
        4.0,
        **about(
            "delay of the automated 'new user' signal in digital tiers",
            unit="weeks",
            source="assumption",
        ),
    )


class CostAssumptions(Strict):
    """Non-staff costs."""

    digital_program_per_year: Money = Field(
        0.0,
        **about(
            "tooling of the digital programme (operations)",
            unit=USD_YEAR,
            source="assumption (seed-facts 7: systems and tooling costs not given)",
        ),
    )
    other_per_customer_year: Money = Field(
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

    enabled: Flag = Field(False, **about("run the content council", source="design"))
    extra_deflection: Probability = Field(
        0.10,
        **about(
            "added share of cases deflected",
            unit=SHARE,
            source="seed M15, 1F.7 (top ten how-to cases into modules); size assumption",
        ),
    )
    cost_per_year: Money = Field(
        120000.0, **about("cost of running the council", unit=USD_YEAR, source="assumption")
    )


class SmoothTransition(Strict):
    """The Smooth Transition play for a new champion (seed [000], Marketo)."""

    enabled: Flag = Field(
        True, **about("run the play", source="seed M16 (Marketo's Smooth Transition play)")
    )
    csm_hours: Hours = Field(
        1.5, **about("CSM task for the new champion", unit="hours", source="assumption")
    )
    sequence_weeks: Weeks = Field(
        2.0,
        **about(
            "self-service onboarding sequence for the new champion",
            unit="weeks",
            source="assumption",
        ),
    )
    digital_only_weeks: Weeks = Field(
        8.0,
        **about(
            "weeks to a new champion when only the self-service sequence runs",
            unit="weeks",
            source="assumption",
        ),
    )


class PartnerDelivery(Strict):
    """Implementations handed to a delivery partner (cost per hour, finite capacity)."""

    enabled: Flag = Field(False, **about("hand implementations to a partner", source="design"))
    share: Probability = Field(
        0.0, **about("share of implementations the partner delivers", unit=SHARE, source="design")
    )
    consultants: Headcount = Field(
        0, **about("partner consultants available", unit="people", source="design")
    )
    cost_per_hour: HourlyRate = Field(
        0.0, **about("what the partner charges us", unit="USD/hour", source="assumption")
    )
    productive_hours_per_week: HoursPerWeek = Field(
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
    max_tenure_years: Annotated[int, Field(ge=0, le=50), NUMBER] = Field(
        10, **about("longest tenure in the t=0 book", unit="years", source="assumption")
    )
    staffing: Literal["full", "long_run"] = Field(
        "long_run",
        **about(
            "long_run (default): each seat of a pool with attrition starts in the state its "
            "attrition, hiring lag and ramp imply in the long run -- vacant with probability "
            "L/(T+L) for the rest of a hiring lag, else filled by someone hired Exp(T) ago, "
            "still ramping if that is under the ramp time (no start-up bias); full: every seat "
            "filled by a fully ramped person at t=0 (teaching, the seed's worked examples)",
            source="STRESS-DES checklist 4.1 (initialisation bias); renewal-reward theorem",
        ),
    )
    trained_share: Probability = Field(
        0.2,
        **about(
            "share of the t=0 book already trained",
            unit=SHARE,
            source="seed 1F.3 ('a small percentage of customers in the well-trained category')",
        ),
    )
    accounts: list[BookAccount] | None = Field(
        None,
        **about(
            "the real t=0 book, account by account (or a CSV file of them beside the scenario); "
            "null = drawn as above. Each group's initial_customers must match its accounts",
            source="the company's accounts export (simcs calibrate writes it)",
        ),
    )

    @field_validator("accounts", mode="before")
    @classmethod
    def _not_a_file_here(cls, value: Any) -> Any:
        if isinstance(value, str):
            raise ValueError(
                f"'{value}': a book file is read only when the scenario is loaded from its file "
                "(load_scenario); give the accounts as a list here"
            )
        return value
