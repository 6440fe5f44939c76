"""How a staff pool's headcount changes over time: a headcount plan, or rules reviewed during the
run (ratios to the book, workload), within caps (headcount, loaded cost a year).

A pool without a policy keeps its `headcount` seats for the whole horizon (refilled after each
departure unless `backfill` is off or a hiring freeze has begun). With a policy, the pool has a
*target* headcount at every review; the simulation opens a requisition for each person missing
(hired after the pool's hiring lag, then ramping), and when the pool is above target it lets
attrition bring it down (`reduce: attrition`: a leaver is not replaced) or lets people go at the
review (`reduce: layoff`). The people at t=0 are the pool's `headcount`.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from simcs.scenario.fields import (
    MAX_HEADCOUNT,
    NUMBER,
    SHARE,
    USD,
    Headcount,
    Strict,
    about,
)

#: Months a plan or policy may reach (a scenario's horizon is at most 30 years).
MAX_MONTH = 12 * 30
Month = Annotated[int, Field(ge=0, le=MAX_MONTH), NUMBER]
PositiveMoney = Annotated[float, Field(gt=0, le=1e15), NUMBER]
PositiveCount = Annotated[float, Field(gt=0, le=1e7), NUMBER]
MONTHS_PER_REVIEW = {"monthly": 1, "quarterly": 3}


class PlanStep(Strict):
    """From a month (or a quarter) on, the pool's target headcount."""

    month: Month | None = Field(
        None, **about("months after t=0 the target applies from", unit="months", source="design")
    )
    quarter: Annotated[int, Field(ge=1, le=4 * 30), NUMBER] | None = Field(
        None,
        **about(
            "the quarter the target applies from (quarter q starts at month 3(q-1))",
            unit="quarter",
            source="design",
        ),
    )
    headcount: Headcount = Field(
        **about("target headcount from then on", unit="people", source="the user's plan")
    )

    @model_validator(mode="after")
    def _one_date(self) -> PlanStep:
        if (self.month is None) == (self.quarter is None):
            raise ValueError("give either month or quarter")
        return self

    @property
    def start_month(self) -> int:
        """The month (0 = t=0) this step applies from."""
        return self.month if self.month is not None else 3 * (self.quarter - 1)  # type: ignore[operator]


class WorkloadRule(Strict):
    """Hire when the pool has been overloaded at several reviews in a row."""

    utilization_above: Annotated[float, Field(gt=0, le=1), NUMBER] | None = Field(
        None,
        **about(
            "hire when utilisation (busy / present seat-time) over a review period exceeds this",
            unit=SHARE,
            source="design (issue 13: workload rules); calibration 2.5 (70-85% planning range)",
        ),
    )
    backlog_per_person_above: Annotated[float, Field(gt=0, le=1e6), NUMBER] | None = Field(
        None,
        **about(
            "hire when the mean number of jobs waiting per person present over a review period "
            "exceeds this",
            unit="jobs per person",
            source="design (issue 13: workload rules)",
        ),
    )
    reviews: Annotated[int, Field(ge=1, le=24), NUMBER] = Field(
        1,
        **about(
            "consecutive overloaded reviews before a hire is decided",
            unit="reviews",
            source="design",
        ),
    )
    step: Annotated[int, Field(ge=1, le=1000), NUMBER] = Field(
        1, **about("people hired per decision", unit="people", source="design")
    )

    @model_validator(mode="after")
    def _has_trigger(self) -> WorkloadRule:
        if self.utilization_above is None and self.backlog_per_person_above is None:
            raise ValueError("give utilization_above or backlog_per_person_above (or both)")
        return self


class StaffingPolicy(Strict):
    """A pool's target headcount over time and the limits on hiring, reviewed at a cadence."""

    review: Literal["monthly", "quarterly"] = Field(
        "quarterly",
        **about(
            "how often the rules are evaluated (a plan's steps apply at their own month)",
            source="design (issue 13: reviewed monthly or quarterly)",
        ),
    )
    plan: list[PlanStep] | None = Field(
        None,
        max_length=MAX_MONTH + 1,
        **about(
            "a headcount plan: target headcount by month or quarter (e.g. from `simcs plan`); "
            "the target before the first step is the pool's headcount",
            source="design (issue 13: a headcount plan)",
        ),
    )
    arr_per_person: PositiveMoney | None = Field(
        None,
        **about(
            "ratio rule: one person per this much ARR under contract (a CSM team: its tier's "
            "ARR; any other pool: the whole book's)",
            unit=USD,
            source="seed 1C ($50M template: 1 CSM per $3M, 1 CSM Ops per $12M)",
        ),
    )
    accounts_per_person: PositiveCount | None = Field(
        None,
        **about(
            "ratio rule: one person per this many customers under contract (a CSM team: its "
            "tier's; any other pool: the whole book's)",
            unit="customers",
            source="seed 1D (accounts per CSM by tier)",
        ),
    )
    workload: WorkloadRule | None = Field(
        None, **about("workload rule: hire when overloaded", source="design (issue 13)")
    )
    managers_per_person: Annotated[float, Field(ge=0, le=1), NUMBER] | None = Field(
        None,
        **about(
            "managers as a share of the people on payroll (rounded at each review); replaces "
            "the pool's fixed `managers`",
            unit=SHARE,
            source="seed 1C (13% managers in the $50M template)",
        ),
    )
    max_headcount: Headcount | None = Field(
        None, **about("never more people on payroll than this", unit="people", source="design")
    )
    max_cost_per_year: PositiveMoney | None = Field(
        None,
        **about(
            "budget: the pool's loaded cost at an annual rate (people and managers at OTE plus "
            "overhead) never exceeds this; hires that would exceed it are not made",
            unit="USD/year",
            source="design (issue 13: a cap on loaded cost per year)",
        ),
    )
    reduce: Literal["attrition", "layoff"] = Field(
        "attrition",
        **about(
            "above target: leavers are not replaced (attrition), or the surplus is let go at "
            "the review (layoff)",
            source="design (issue 13: reductions by attrition or at a date)",
        ),
    )

    @model_validator(mode="after")
    def _one_source(self) -> StaffingPolicy:
        rules = [
            name
            for name in ("arr_per_person", "accounts_per_person", "workload")
            if getattr(self, name) is not None
        ]
        if self.plan is not None and rules:
            raise ValueError(f"a pool follows a plan or rules, not both (plan and {rules[0]})")
        if self.plan is not None:
            months = [step.start_month for step in self.plan]
            if len(set(months)) != len(months):
                raise ValueError("plan: two steps start in the same month")
        return self

    @property
    def months_per_review(self) -> int:
        """Months between two reviews of the rules."""
        return MONTHS_PER_REVIEW[self.review]

    def planned_headcount(self, month: int, start: int) -> int:
        """The plan's target at `month` (the last step at or before it; `start` before any)."""
        target = start
        best = -1
        for step in self.plan or ():
            if best < step.start_month <= month:
                best, target = step.start_month, step.headcount
        return target


def headcount_cap(policy: StaffingPolicy | None) -> int:
    """The most people the policy lets the pool have on payroll (MAX_HEADCOUNT if no cap)."""
    if policy is None or policy.max_headcount is None:
        return MAX_HEADCOUNT
    return policy.max_headcount
