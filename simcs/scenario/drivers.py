"""The drivers of the renewal decision: multiplicative churn-odds ratios (champion lost, late
time-to-value, SLA breaches, relationship strength per coverage model, CSM reassignment, a move
to a lower-touch tier, training, an executive sponsor) and additive shifts of the log ARR change
at renewal.
"""

from __future__ import annotations

from pydantic import Field

from simcs.scenario.fields import (
    MAX_TOUCHES_PER_YEAR,
    ODDS,
    OddsRatio,
    Positive,
    Shift,
    Strict,
    about,
)


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
        le=MAX_TOUCHES_PER_YEAR,
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
    coverage_change: OddsRatio = Field(
        1.1,
        **about(
            "at the first renewal after a move to a lower-touch tier made at a renewal "
            "(graduation, positioned as a reward for maturity)",
            unit=ODDS,
            source="assumption (seed M28: 'use the renewal to make a change'; no measured "
            "effect in any source)",
            plausible=(1.0, 1.5),
        ),
    )
    coverage_change_mid_term: OddsRatio = Field(
        1.5,
        **about(
            "at the first renewal after a move to a lower-touch tier made mid-term (the whole "
            "book moved at once)",
            unit=ODDS,
            source="assumption (seed M28: 'if resources are ripped away ... I'd churn'; no "
            "measured effect in any source)",
            plausible=(1.0, 3.0),
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
