"""The staffed pools: support agents, implementation consultants, educators, operations and one
CSM team per tier, each with its headcount, loaded cost, productive hours and turnover.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field, model_validator

from simcs.formulas.costs import pool_loaded_cost
from simcs.scenario.fields import (
    MAX_TIERS,
    NUMBER,
    USD_YEAR,
    Flag,
    Headcount,
    HourlyRate,
    HoursPerWeek,
    Money,
    PerYear,
    PositiveHours,
    Strict,
    Weeks,
    about,
    tier_keys,
)
from simcs.scenario.staffing_policy import StaffingPolicy


class StaffPool(Strict):
    """A staffed pool: people with loaded cost, productive hours and turnover."""

    headcount: Headcount = Field(
        **about(
            "people doing the pool's work (seats)",
            unit="people",
            source="seed 1D (5 / 12 / 5 CSMs, 1 digital marketer); other pools assumption "
            "sized with simcs capacity",
        )
    )
    ote: Money = Field(
        **about(
            "on-target earnings per person",
            unit=USD_YEAR,
            source="seed 1C (CSM $130k, PS $150k, education $120k, CSM Ops $90k)",
        )
    )
    overhead: Annotated[float, Field(ge=0, le=5), NUMBER] = Field(
        0.4,
        **about(
            "benefits, taxes and overhead on OTE",
            unit="share of OTE",
            source="seed 1C ('Benefits, Taxes and Other Overhead 40%')",
        ),
    )
    managers: Headcount = Field(
        0,
        **about(
            "managers or team leads: cost, no capacity",
            unit="people",
            source="seed 1D (CSM managers per team), seed 1C (13% ratio)",
        ),
    )
    manager_ote: Money = Field(
        0.0,
        **about(
            "on-target earnings per manager",
            unit=USD_YEAR,
            source="seed 1C (CSM manager $160k, PS manager $200k, education manager $180k)",
        ),
    )
    productive_hours_per_week: HoursPerWeek = Field(
        32.0,
        **about(
            "hours a person spends on the pool's work in a 40-hour week",
            unit="hours/week",
            source="assumption (seed-facts 7: hours per FTE not given; calibration 2.6: 1,435 "
            "billable hours a year)",
        ),
    )
    attrition_per_year: PerYear = Field(
        0.0,
        **about(
            "departures per person-year (Poisson); a vacated seat stays empty while hiring",
            unit="per year",
            source="calibration 2.6 (PS attrition 13.2%); others assumption",
        ),
    )
    hiring_lag_weeks: Weeks = Field(
        10.0, **about("weeks a vacated seat stays empty", unit="weeks", source="assumption")
    )
    ramp_weeks: Weeks = Field(
        0.0,
        **about("weeks a new hire works at half speed", unit="weeks", source="assumption"),
    )
    backfill: Flag = Field(
        True,
        **about(
            "refill a seat when its person leaves (after the hiring lag); false: the seat stays "
            "empty, so the pool shrinks by attrition (simulated; `simcs capacity` assumes "
            "backfill and no freeze)",
            source="design (issue 13: backfill on attrition on/off)",
        ),
    )
    hiring_freeze_after_weeks: Weeks | None = Field(
        None,
        **about(
            "a hiring freeze: no seat is refilled from this many weeks after t=0 on (a seat "
            "vacated before stays empty); null = no freeze",
            unit="weeks",
            source="design (issue 13: a hiring freeze from a date)",
        ),
    )
    cost_per_hour: HourlyRate | None = Field(
        None,
        **about(
            "activity-based cost per work hour; if set it replaces the loaded headcount cost",
            unit="USD/hour",
            source="seed 1A.9 (support $3/minute = $180/hour)",
        ),
    )
    policy: StaffingPolicy | None = Field(
        None,
        **about(
            "how the headcount changes over time: a headcount plan, or ratio and workload rules "
            "reviewed monthly or quarterly, within caps; null = `headcount` for the whole run",
            source="design (issue 13: staffing over time)",
        ),
    )

    @model_validator(mode="after")
    def _within_caps(self) -> StaffPool:
        policy = self.policy
        if policy is None:
            return self
        if policy.max_headcount is not None and self.headcount > policy.max_headcount:
            raise ValueError(
                f"policy.max_headcount: {policy.max_headcount} is below the headcount at t=0 "
                f"({self.headcount})"
            )
        if policy.max_cost_per_year is not None:
            cost = self.loaded_cost_per_year(self.headcount)
            if cost > policy.max_cost_per_year:
                raise ValueError(
                    f"policy.max_cost_per_year: ${policy.max_cost_per_year:,.0f} is below the "
                    f"loaded cost of the staff at t=0 (${cost:,.0f} a year)"
                )
        return self

    def managers_for(self, people: int) -> int:
        """Managers of a pool with `people` on payroll: the policy's share of them (rounded),
        else the fixed `managers`."""
        share = self.policy.managers_per_person if self.policy is not None else None
        return self.managers if share is None else round(share * people)

    def loaded_cost_per_year(self, people: int) -> float:
        """Loaded annual cost of `people` on payroll and their managers (OTE x (1 + overhead))."""
        return pool_loaded_cost(
            self.ote, self.overhead, people, self.managers_for(people), self.manager_ote
        )


class EducationPool(StaffPool):
    """Instructors running instructor-led classes of many seats."""

    seats_per_class: Annotated[int, Field(ge=1, le=10_000), NUMBER] = Field(
        20, **about("trainees per instructor-led class", unit="seats", source="assumption")
    )
    hours_per_class: PositiveHours = Field(
        8.0,
        **about(
            "instructor hours per class including preparation",
            unit="hours",
            source="assumption (seed 1J.4: a monthly onboarding webinar)",
        ),
    )


class ImplementationPool(StaffPool):
    """PS / implementation consultants."""

    realised_rate: HourlyRate = Field(
        150.0,
        **about(
            "realised billable rate",
            unit="USD/hour",
            source="seed 1C ('Actual Hourly Rate $150' against a $300 book rate)",
        ),
    )
    billable: Flag = Field(
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
    csm: Annotated[dict[str, StaffPool], Field(max_length=MAX_TIERS), AfterValidator(tier_keys)]
