"""The finance section: how money later is weighed against money now.

A strategy's worth (`economic_value`) adds each measurement year's delivery margin and the
residual value of the book left at the horizon's end, both discounted to the start of the first
measurement year at `discount_rate_per_year`; customer lifetime value discounts each future
contract period the same way (Fader & Hardie 2010, see `simcs.formulas.value`).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from simcs.scenario.fields import NUMBER, Strict, about


class Finance(Strict):
    """The discount rate of every dollar figure that reaches beyond this year."""

    discount_rate_per_year: Annotated[float, Field(ge=0.01, le=1), NUMBER] = Field(
        0.10,
        **about(
            "annual rate future margins are discounted at (the company's cost of capital; at least "
            "1%, so a customer who never leaves is still worth a finite sum)",
            unit="share per year",
            source="assumption (a common cost of capital for valuing a software company's "
            "customer base, and the rate of Fader & Hardie's 2010 valuation examples; vary "
            "6%-15%)",
            plausible=(0.06, 0.15),
        ),
    )
