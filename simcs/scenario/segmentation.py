"""The segmentation rule: which service tier serves which customer, and when it changes.

A rule places a customer by its ARR (the lowest ARR each tier serves: the seed template's bands)
or by its customer group (an explicit attribute). It is applied at t=0, at each sale and, unless
`retier` is `never`, at each renewal: a customer whose ARR has crossed a band moves to the tier
the rule now gives, past a `hysteresis` margin so that it does not flip back and forth. A new
rule can replace the one that placed the t=0 book (`previous`): `at_once` moves the book at t=0,
`at_renewal` each customer at its next renewal (graduation), `never` keeps it where it was.
"""

from __future__ import annotations

import bisect
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, PrivateAttr, model_validator

from simcs.scenario.fields import NUMBER, Arr, Strict, about, tier_keys

Hysteresis = Annotated[float, Field(ge=0, le=0.9), NUMBER]


class Placement(Strict):
    """A rule that names the service tier of a customer from its ARR or its group."""

    rule: Literal["arr", "group"] = Field(
        "arr",
        **about(
            "arr: by the customer's ARR against `thresholds`; group: by its customer group "
            "through `groups`",
            source="seed 1D (tiers by ARR band); seed L8 (segment by attribute)",
        ),
    )
    thresholds: Annotated[dict[str, Arr], Field(max_length=100), AfterValidator(tier_keys)] = Field(
        default_factory=dict,
        **about(
            "rule arr: the lowest ARR each tier serves (one tier must start at 0, so every "
            "customer is served); a customer goes to the tier with the highest threshold "
            "its ARR reaches",
            unit="USD/year",
            source="seed 1D (>$250k Strategic, $100k Enterprise, $15k SMB/MID, below Digital Only)",
        ),
    )
    groups: Annotated[dict[str, str], Field(max_length=100), AfterValidator(tier_keys)] = Field(
        default_factory=dict,
        **about("rule group: the tier that serves each customer group", source="design"),
    )
    _bands: list[tuple[float, str]] = PrivateAttr(default_factory=list)

    @model_validator(mode="after")
    def _complete(self) -> Placement:
        if self.rule == "arr":
            if not self.thresholds:
                raise ValueError("thresholds: rule 'arr' needs the lowest ARR of each tier")
            if self.groups:
                raise ValueError("groups: only for rule 'group' (this rule is 'arr')")
            if min(self.thresholds.values()) != 0:
                raise ValueError(
                    "thresholds: one tier must start at 0, or customers below the lowest "
                    "threshold have no tier"
                )
            lows = sorted(self.thresholds.values())
            if len(set(lows)) != len(lows):
                raise ValueError("thresholds: two tiers start at the same ARR")
        else:
            if not self.groups:
                raise ValueError("groups: rule 'group' needs the tier of each customer group")
            if self.thresholds:
                raise ValueError("thresholds: only for rule 'arr' (this rule is 'group')")
        self._bands = sorted((low, tier) for tier, low in self.thresholds.items())
        return self

    @property
    def tiers(self) -> set[str]:
        """The tiers this rule can place a customer in."""
        return set(self.thresholds) | set(self.groups.values())

    def tiers_for(self, group: str) -> set[str]:
        """The tiers this rule can place a customer of `group` in."""
        return {self.groups[group]} if self.rule == "group" else set(self.thresholds)

    def tier_of(self, arr: float, group: str) -> str:
        """The tier this rule gives a customer of `group` with this ARR."""
        if self.rule == "group":
            return self.groups[group]
        bands = self._bands
        k = bisect.bisect_right([low for low, _ in bands], arr) - 1
        return bands[max(k, 0)][1]

    def band(self, tier: str) -> tuple[float, float] | None:
        """[low, high) ARR served by `tier` under rule arr (None if the rule does not use it)."""
        for k, (low, name) in enumerate(self._bands):
            if name == tier:
                high = self._bands[k + 1][0] if k + 1 < len(self._bands) else float("inf")
                return low, high
        return None


class Segmentation(Placement):
    """The segmentation policy: the rule, when it re-tiers, and the rule it replaces."""

    retier: Literal["never", "at_renewal", "at_once"] = Field(
        "at_renewal",
        **about(
            "never: a customer keeps the tier it started in; at_renewal: at each renewal it "
            "moves to the tier the rule gives (ARR crossed a band, or a new rule: graduation); "
            "at_once: as at_renewal, and the t=0 book moves to this rule at t=0",
            source="seed M28 / L17 ('we use the renewal to make a change'; grandfathering)",
        ),
    )
    hysteresis: Hysteresis = Field(
        0.0,
        **about(
            "rule arr: a customer leaves its tier (at a renewal, or at once) only once its ARR "
            "is this share beyond the tier's band (0.1: 10% below its floor or above its "
            "ceiling)",
            unit="share of the threshold",
            source="design",
        ),
    )
    previous: Placement | None = Field(
        None,
        **about(
            "the rule that placed the t=0 book before this policy; null = this rule",
            source="design",
        ),
    )

    def tier_to_move_to(self, arr: float, group: str, current: str) -> str:
        """The tier the rule moves a customer now in `current` to, at this ARR: the rule's
        tier, unless the customer's ARR is still within the hysteresis margin of its band."""
        target = self.tier_of(arr, group)
        if target == current or self.hysteresis == 0 or self.rule != "arr":
            return target
        band = self.band(current)
        if band is not None:
            low, high = band
            if low * (1.0 - self.hysteresis) <= arr < high * (1.0 + self.hysteresis):
                return current
        return target

    def tier_at_renewal(self, arr: float, group: str, current: str) -> str:
        """The tier a customer now in `current` is served by after a renewal at this ARR."""
        if self.retier == "never":
            return current
        return self.tier_to_move_to(arr, group, current)
