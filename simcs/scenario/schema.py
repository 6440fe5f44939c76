"""The scenario: every parameter of one simulated post-sales organisation, validated.

A scenario is plain data (YAML on disk) checked by pydantic with unknown keys forbidden. It
holds who the customers are (`population`: customer groups), the service tiers (`tiers`), which
tier serves which customer (`segmentation`), the staff pools (`staff`), the playbook's policies
and levers (`playbook`), the driver effect sizes of the renewal decision (`drivers`), the
discount rate of dollar figures beyond the year (`finance`) and the experiment horizon; this
module adds the checks that span sections (every covered tier has a CSM team, the rule names
known tiers and groups, the book fits in one replication). A file of the old shape, where tiers
held their customers, is translated with a warning (`legacy`). What each field means, its unit,
source and bounds are in `fields.about` metadata, shown by `simcs schema` and
docs/reference/scenario.md.
"""

from __future__ import annotations

import warnings
from typing import Annotated, Any

from pydantic import AfterValidator, Field, model_validator

from simcs.catalogue import ALL
from simcs.records import group_scope
from simcs.scenario import legacy
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
from simcs.scenario.finance import Finance
from simcs.scenario.playbook import (
    Champions,
    CostAssumptions,
    InitialBook,
    Levers,
    SupportPolicy,
    Training,
)
from simcs.scenario.population import CustomerGroup
from simcs.scenario.segmentation import Segmentation
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
    population: Annotated[
        dict[str, CustomerGroup], Field(max_length=MAX_TIERS), AfterValidator(tier_keys)
    ] = Field(
        **about(
            "the customer groups: who the customers are, whatever tier serves them",
            source="design (seed 1D gives the template's four bands)",
        )
    )
    tiers: Annotated[dict[str, Tier], Field(max_length=MAX_TIERS), AfterValidator(tier_keys)] = (
        Field(
            **about(
                "the service tiers, listed from the highest touch to the lowest",
                source="seed 1D (Strategic, Enterprise, SMB/MID, Digital Only)",
            )
        )
    )
    segmentation: Segmentation | None = Field(
        None,
        **about(
            "which tier serves which customer; may be left out with one tier, or when every "
            "group has a tier of its name (each group served by that tier for life)",
            source="design",
        ),
    )
    staff: Staff
    support: SupportPolicy = SupportPolicy()
    training: Training = Training()
    champions: Champions = Champions()
    levers: Levers = Levers()
    drivers: Drivers = Drivers()
    expansion_drivers: ExpansionDrivers = ExpansionDrivers()
    initial_book: InitialBook = InitialBook()
    costs: CostAssumptions = CostAssumptions()
    finance: Finance = Finance()

    @model_validator(mode="before")
    @classmethod
    def _shape(cls, data: Any) -> Any:
        """Translate the old shape (with a warning) and fill in an obvious segmentation."""
        if legacy.is_old_shape(data):
            warnings.warn(legacy.message(), legacy.OldScenarioShape, stacklevel=2)
            data = legacy.upgrade(data)
        if isinstance(data, dict) and data.get("segmentation") is None:
            groups, tiers = data.get("population"), data.get("tiers")
            if isinstance(groups, dict) and isinstance(tiers, dict) and tiers:
                if len(tiers) == 1:
                    only = next(iter(tiers))
                    mapping = dict.fromkeys(groups, only)
                elif set(groups) <= set(tiers):
                    mapping = {g: g for g in groups}
                else:
                    return data
                data = {**data, "segmentation": {"rule": "group", "groups": mapping}}
                data["segmentation"]["retier"] = "never"
        return data

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        if not self.tiers:
            raise ValueError("tiers: at least one tier is needed")
        if not self.population:
            raise ValueError("population: at least one customer group is needed")
        for section in ("tiers", "population"):
            if "all" in getattr(self, section):
                raise ValueError(f"{section}: 'all' is reserved for the whole book")
        if self.warmup_years >= self.horizon_years:
            raise ValueError("warmup_years: must be below horizon_years")
        self._check_segmentation()
        for name, group in self.population.items():
            rates = group.new_logos_per_year
            if isinstance(rates, list) and len(rates) != self.horizon_years:
                raise ValueError(
                    f"population.{name}.new_logos_per_year: {len(rates)} rates given, "
                    f"horizon_years is {self.horizon_years}"
                )
        for name, tier in self.tiers.items():
            if tier.coverage != "digital" and name not in self.staff.csm:
                raise ValueError(
                    f"staff.csm.{name}: missing, but tiers.{name}.coverage is '{tier.coverage}'"
                )
        for name in self.staff.csm:
            if name not in self.tiers:
                raise ValueError(f"staff.csm.{name}: no tier of that name in tiers")
        self._check_book()
        customers = sum(
            group.initial_customers
            + sum(self.new_logo_rate(name, y) for y in range(1, self.horizon_years + 1))
            for name, group in self.population.items()
        )
        if customers > MAX_CUSTOMERS_TOTAL:
            raise ValueError(
                f"population: about {customers:,.0f} customers over the horizon (t=0 book and "
                f"new logos), more than the {MAX_CUSTOMERS_TOTAL:,} one replication can hold"
            )
        return self

    def _check_book(self) -> None:
        accounts = self.initial_book.accounts
        if accounts is None:
            return
        counts: dict[str, int] = {}
        for k, account in enumerate(accounts):
            if account.group not in self.population:
                raise ValueError(
                    f"initial_book.accounts.{k}.group: no customer group '{account.group}' in "
                    "population"
                )
            counts[account.group] = counts.get(account.group, 0) + 1
        for name, group in self.population.items():
            if group.initial_customers != counts.get(name, 0):
                raise ValueError(
                    f"population.{name}.initial_customers: {group.initial_customers:,}, but "
                    f"initial_book.accounts lists {counts.get(name, 0):,} accounts of the group"
                )
            if group.initial_arr_total is not None:
                raise ValueError(
                    f"population.{name}.initial_arr_total: leave it out when initial_book."
                    "accounts gives each account's ARR"
                )

    def _check_segmentation(self) -> None:
        rule = self.segmentation
        if rule is None:
            raise ValueError(
                "segmentation: needed to say which tier serves which customer (rule 'arr' with "
                "thresholds, or rule 'group' with the tier of each group)"
            )
        for where, placement in (("segmentation", rule), ("segmentation.previous", rule.previous)):
            if placement is None:
                continue
            for tier in placement.thresholds:
                if tier not in self.tiers:
                    raise ValueError(f"{where}.thresholds.{tier}: no tier of that name in tiers")
            for group, tier in placement.groups.items():
                if group not in self.population:
                    raise ValueError(f"{where}.groups.{group}: no customer group of that name")
                if tier not in self.tiers:
                    raise ValueError(f"{where}.groups.{group}: no tier '{tier}' in tiers")
            if placement.rule == "group":
                for group in self.population:
                    if group not in placement.groups:
                        raise ValueError(f"{where}.groups: no tier for customer group '{group}'")

    def scopes(self, by: str = "both") -> list[str]:
        """The keys results are reported under: the tiers (by 'tier'), the customer groups as
        'group:NAME' (by 'group') or both, then 'all'."""
        out: list[str] = []
        if by in ("tier", "both"):
            out.extend(self.tiers)
        if by in ("group", "both"):
            out.extend(group_scope(g) for g in self.population)
        return [*out, ALL]

    @property
    def measurement_years(self) -> list[int]:
        """The 1-based years whose metrics are reported (after the warm-up)."""
        return list(range(self.warmup_years + 1, self.horizon_years + 1))

    @property
    def rule(self) -> Segmentation:
        """The segmentation rule (always set once the scenario is validated)."""
        assert self.segmentation is not None
        return self.segmentation

    def new_logo_rate(self, group: str, year: int) -> float:
        """New logos a year for customer `group` in 1-based `year` (the year's mean rate)."""
        g = self.population[group]
        if g.new_logo_growth_per_month:
            months = self.new_logo_monthly_rates(group)[12 * (year - 1) : 12 * year]
            return sum(months) / 12.0
        rates = g.new_logos_per_year
        return rates[year - 1] if isinstance(rates, list) else rates

    def new_logo_monthly_rates(self, group: str) -> list[float]:
        """New logos a year (as a yearly rate) in each month of the horizon, for `group`."""
        g = self.population[group]
        if not g.new_logo_growth_per_month:
            return [self.new_logo_rate(group, m // 12 + 1) for m in range(12 * self.horizon_years)]
        assert not isinstance(g.new_logos_per_year, list)
        growth = 1.0 + g.new_logo_growth_per_month
        return [g.new_logos_per_year * growth**m for m in range(12 * self.horizon_years)]
