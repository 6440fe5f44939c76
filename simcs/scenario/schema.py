"""The scenario: every parameter of one simulated post-sales organisation, validated.

A scenario is plain data (YAML on disk) checked by pydantic with unknown keys forbidden. It
holds the book of business by tier (`tiers`), the staff pools (`staff`), the playbook's policies
and levers (`playbook`), the driver effect sizes of the renewal decision (`drivers`) and the
experiment horizon; this module adds the checks that span sections (every covered tier has a
CSM team, ARR bands do not overlap, the book fits in one replication). What each field means,
its unit, source and bounds are in `fields.about` metadata, shown by `simcs schema` and
docs/reference/scenario.md.
"""

from __future__ import annotations

import math
from typing import Annotated

from pydantic import AfterValidator, Field, model_validator

from simcs.scenario.drivers import Drivers, ExpansionDrivers
from simcs.scenario.fields import (
    MAX_CUSTOMERS_TOTAL,
    MAX_TIERS,
    NUMBER,
    Description,
    Name,
    Strict,
    about,
    tier_keys,
)
from simcs.scenario.playbook import (
    Champions,
    CostAssumptions,
    InitialBook,
    Levers,
    SupportPolicy,
    Training,
)
from simcs.scenario.staff import Staff
from simcs.scenario.tiers import Tier


class Scenario(Strict):
    """One post-sales organisation and the horizon it is simulated over."""

    name: Name = Field(**about("name used for output folders and reports", source="design"))
    description: Description = Field(
        "", **about("one line on what the scenario represents", source="design")
    )
    horizon_years: Annotated[int, Field(ge=1, le=30), NUMBER] = Field(
        3,
        **about(
            "years simulated",
            unit="years",
            source="calibration 3.1 (terminating simulation over a planning horizon)",
        ),
    )
    warmup_years: Annotated[int, Field(ge=0, le=29), NUMBER] = Field(
        0,
        **about(
            "first years left out of the reported metrics",
            unit="years",
            source="calibration 3.1 (warm-up; 0 with a steady-state t=0 book)",
        ),
    )
    tiers: Annotated[dict[str, Tier], Field(max_length=MAX_TIERS), AfterValidator(tier_keys)]
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
        customers = sum(
            tier.initial_customers
            + sum(self.new_logo_rate(name, y) for y in range(1, self.horizon_years + 1))
            for name, tier in self.tiers.items()
        )
        if customers > MAX_CUSTOMERS_TOTAL:
            raise ValueError(
                f"tiers: about {customers:,.0f} customers over the horizon (t=0 book and new "
                f"logos), more than the {MAX_CUSTOMERS_TOTAL:,} one replication can hold"
            )
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
