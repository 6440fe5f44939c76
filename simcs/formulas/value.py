"""Money over time: discounting, a customer's residual value, and a strategy's economic value.

A customer's residual value is its yearly margin times the years of margin it is expected to
pay for from now on, discounted: what is left of its current contract term, then the
discounted expected residual lifetime (DERL) of the shifted-beta-geometric model from its next
renewal on (Fader & Hardie 2010, `simcs.formulas.sbg.sbg_discounted_residual_lifetime`).
A strategy's economic value over a horizon is the discounted sum of its yearly delivery margins
plus the discounted residual value of the book it leaves.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

__all__ = [
    "discount_factor",
    "economic_value",
    "margin_years_left",
    "present_value",
]


def _check_rate(discount: float) -> float:
    d = float(discount)
    if not (0.0 <= d < math.inf):
        raise ValueError(f"discount must be >= 0 and finite, got {discount}")
    return d


def discount_factor(years: float, discount: float) -> float:
    """Present value of $1 paid `years` from now at `discount` a year: ``(1 + d) ** -years``."""
    return (1.0 + _check_rate(discount)) ** -float(years)


def margin_years_left(term_left_years: float, derl: float, discount: float) -> float:
    """Discounted years of margin a customer mid-term is worth, in units of its yearly margin.

    ``f + (1 + d) ** -f * DERL``: the `term_left_years` f (0 to 1) of the current contract term
    are under contract, so certain, and earned as they pass (left undiscounted within the term);
    at the next renewal, f from now, the customer is worth DERL periods of margin (Fader &
    Hardie 2010: the first of them undiscounted, each later one discounted a period). With no
    churn DERL is ``(1 + d) / d`` and the value ``f + (1 + d) ** (1 - f) / d``.
    """
    f = min(max(float(term_left_years), 0.0), 1.0)
    if not (derl >= 0.0 and math.isfinite(derl)):
        raise ValueError(f"derl must be >= 0 and finite, got {derl}")
    return f + (1.0 + _check_rate(discount)) ** -f * derl


def present_value(yearly: Sequence[float], discount: float) -> float:
    """The value at a horizon's start of amounts earned through its years k = 1..n, each
    counted at its year's middle: ``sum_k x_k (1 + d) ** -(k - 1/2)``. NaN if any is."""
    return math.fsum(x * discount_factor(k - 0.5, discount) for k, x in enumerate(yearly, start=1))


def economic_value(
    yearly_margins: Sequence[float], book_value_end: float, discount: float
) -> float:
    """The net present value of a horizon, at its start: the yearly margins' `present_value`
    plus ``B (1 + d) ** -n``, the residual value B of the book at the horizon's end (n years).
    Undefined (NaN) if any term is."""
    end = book_value_end * discount_factor(len(yearly_margins), discount)
    return present_value(yearly_margins, discount) + end
