"""What every scenario field is made of: its documentation, its number type and its bounds.

Every field carries its description, its unit and its source (`about`), which `simcs schema`
prints and the reference docs show. A source names the evidence: `seed 1D` is a fact of the
founding documents' seed facts (section 1D), `calibration 2.5` a public calibration benchmark
(section 2.5); both are summarised in docs/background/evidence.md and their use in
docs/background/model.md. `assumption` is a value no source gives (plausible ranges are in the
description: vary them), `design` a modelling switch with no empirical value to cite.
Units are also in the names: `_hours` (business hours), `_weeks`, `_per_year`, money in USD.

Inputs are untrusted: every number must be finite, a boolean or a quoted string is never a
number, and every quantity has an upper bound generous for any real company but small enough
that a replication stays finite in time and memory (the `MAX_*` constants below; the reference
docs show each field's bounds).
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from pydantic import Strict as StrictType

USD = "USD"
USD_YEAR = "USD/year"
SHARE = "share 0-1"
ODDS = "odds ratio"

#: live customers at t=0 in one tier
MAX_CUSTOMERS = 1_000_000
#: customers a replication may hold over its horizon, all tiers (t=0 book + expected new logos)
MAX_CUSTOMERS_TOTAL = 2_000_000
#: new logos a year in one tier
MAX_NEW_LOGOS_PER_YEAR = 100_000
#: support cases a year per customer (40 a business day)
MAX_CASES_PER_YEAR = 10_000
#: planned touches a year per customer (4 a business day)
MAX_TOUCHES_PER_YEAR = 1_000
#: people in one pool (seats, managers, partner consultants)
MAX_HEADCOUNT = 100_000
#: tiers of one scenario
MAX_TIERS = 100
#: the ARR of one customer, and the ends of an ARR band
MAX_ARR = 1e9
#: the ARR of one tier's t=0 book
MAX_BOOK_ARR = 1e15
#: a salary, a price, a fee or a yearly cost
MAX_USD = 1e9
#: a cost or a rate per hour
MAX_USD_PER_HOUR = 1e6
#: the hours of one piece of work (a touch, a case, an implementation, a class): 5 person-years
MAX_JOB_HOURS = 10_000
#: a delay or a duration in weeks: 30 years
MAX_WEEKS = 1_560
#: a shape of the Beta law of churn propensity
MAX_SHAPE = 10_000
#: a coefficient of variation (a lognormal's sigma stays below 2.2)
MAX_CV = 10
#: the sd of a log change (exp() of any draw stays far from overflow)
MAX_LOG_SD = 2
#: the largest mean log ARR change at renewal, either way (e^2: ARR x7.4 or /7.4 a renewal)
MAX_LOG_CHANGE = 2
#: a queue priority rank
MAX_PRIORITY = 1_000
#: characters of a name, a label, a description
MAX_NAME = 100
MAX_LABEL = 200
MAX_DESCRIPTION = 2_000
#: a name used for folders and files: letters, digits, '.', '_', '-', starting with a letter or
#: digit (so never '..', a path separator or a control character)
NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
#: a tier's key: it appears in dotted field paths and result tables
TIER_KEY_PATTERN = r"^[A-Za-z0-9_][A-Za-z0-9_-]*$"


#: a decimal number written as text: YAML 1.1 reads `1e6` (no dot) as a string
_DECIMAL = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d{1,4})?$")


def only_numbers(value: Any) -> Any:
    """Refuse what YAML or a caller would otherwise coerce into a number: booleans (YAML
    `true`, `yes`, `on`) and text other than a plain decimal number (so `1e6`, which YAML reads
    as text, is a number, but "inf", "nan" or "0x10" are not)."""
    if isinstance(value, bool):
        raise ValueError("a number is needed, not true/false (YAML reads yes/no/on/off as these)")
    if isinstance(value, str) and len(value) <= 40 and _DECIMAL.match(value.strip()):
        text = value.strip()
        return float(text) if any(c in text for c in ".eE") else int(text)
    if isinstance(value, str | bytes):
        raise ValueError("a number is needed, not text")
    return value


#: number fields run this before their own validation (it sits after the bounds so that the
#: JSON Schema keeps them as minimum/maximum)
NUMBER = BeforeValidator(only_numbers)

NonNegative = Annotated[float, Field(ge=0), NUMBER]
Positive = Annotated[float, Field(gt=0), NUMBER]
Probability = Annotated[float, Field(ge=0, le=1), NUMBER]
OddsRatio = Annotated[float, Field(gt=0, le=100), NUMBER]
Shift = Annotated[float, Field(ge=-1, le=1), NUMBER]
Count = Annotated[int, Field(ge=0), NUMBER]
Hours = Annotated[float, Field(ge=0, le=MAX_JOB_HOURS), NUMBER]
PositiveHours = Annotated[float, Field(gt=0, le=MAX_JOB_HOURS), NUMBER]
Weeks = Annotated[float, Field(ge=0, le=MAX_WEEKS), NUMBER]
PositiveWeeks = Annotated[float, Field(gt=0, le=MAX_WEEKS), NUMBER]
Money = Annotated[float, Field(ge=0, le=MAX_USD), NUMBER]
HourlyRate = Annotated[float, Field(ge=0, le=MAX_USD_PER_HOUR), NUMBER]
Arr = Annotated[float, Field(ge=0, le=MAX_ARR), NUMBER]
Headcount = Annotated[int, Field(ge=0, le=MAX_HEADCOUNT), NUMBER]
PerYear = Annotated[float, Field(ge=0, le=5), NUMBER]
HoursPerWeek = Annotated[float, Field(gt=0, le=40), NUMBER]
Cv = Annotated[float, Field(ge=0, le=MAX_CV), NUMBER]
#: a true/false switch: only YAML true/false (yes/no/on/off), never 0/1 or text
Flag = Annotated[bool, StrictType()]
Name = Annotated[str, Field(min_length=1, max_length=MAX_NAME, pattern=NAME_PATTERN)]
Label = Annotated[str, Field(max_length=MAX_LABEL)]
Description = Annotated[str, Field(max_length=MAX_DESCRIPTION)]


def tier_keys(mapping: dict[str, Any]) -> dict[str, Any]:
    """Check the keys of a mapping by tier: each appears in dotted field paths and tables."""
    for key in mapping:
        if len(key) > 40 or not re.match(TIER_KEY_PATTERN, key):
            shown = key if len(key) <= 40 else key[:40] + "..."
            raise ValueError(
                f"{shown!r} is not a valid tier name (1-40 letters, digits, '_' or '-')"
            )
    return mapping


def about(
    description: str | None = None,
    *,
    source: str,
    unit: str | None = None,
    plausible: tuple[float, float] | None = None,
) -> dict[str, Any]:
    """Keyword arguments of a `Field`: what it is, its unit, its evidence, its plausible range.

    `plausible` is the range an uncertain input is varied over (robustness analysis); it is
    documentation, not a validation bound.
    """
    extra: dict[str, Any] = {"source": source}
    if unit is not None:
        extra["unit"] = unit
    if plausible is not None:
        extra["plausible"] = list(plausible)
    return {"description": description, "json_schema_extra": extra}


class Strict(BaseModel):
    """Base of every scenario section: unknown keys are errors, values are immutable, numbers
    are finite."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)
