"""The bottom line in plain words: money in one format, the headline's parts and their edge
cases, the return-on-staff sentences and table, from summary.json-shaped documents."""

from __future__ import annotations

import math
from typing import Any

import pytest

from simcs.reporting.money import usd, usd_interval
from simcs.reporting.pages.money_headline import (
    money_headline,
    money_headlines,
    return_rows,
    return_sentence,
)
from simcs.reporting.tables import return_on_staff_table


def _d(x: float, low: float | None, high: float | None, verdict: str = "") -> dict[str, Any]:
    return {"difference": x, "ci95_low": low, "ci95_high": high, "verdict": verdict}


@pytest.mark.parametrize(
    ("x", "kwargs", "text"),
    [
        (4.0e6, {}, "$4.00M"),
        (350_000.0, {}, "$350k"),
        (-6.1e6, {}, "-$6.10M"),
        (1.234e9, {}, "$1.23B"),
        (850.0, {}, "$850"),
        (999_960.0, {}, "$1.00M"),  # rounds up into the next unit
        (999.7, {}, "$1.00k"),
        (-0.3, {}, "$0"),  # no '-$0'
        (2.0e6, {"sign": True}, "+$2.00M"),
        (-2.0e6, {"minus": "\u2212"}, "\u2212$2.00M"),
        (1.5e6, {"trim": True}, "$1.5M"),
        (1.0e3, {"trim": True}, "$1k"),
        (120.0e6, {"trim": True}, "$120M"),
        (math.nan, {}, "n/a"),
        (None, {}, "n/a"),
    ],
)
def test_one_money_format(x: float | None, kwargs: dict[str, Any], text: str) -> None:
    assert usd(x, **kwargs) == text


def test_money_intervals() -> None:
    assert usd_interval(-7.04e6, -5.2e6) == " [-$7.04M, -$5.20M]"
    assert usd_interval(None, 1.0) == usd_interval(math.nan, 1.0) == ""


def test_the_headline_says_cost_revenue_and_worth_with_interval_and_verdict() -> None:
    line = money_headline(
        "low_touch",
        "high_touch",
        _d(-4.0e6, -4.1e6, -3.9e6),
        _d(-1.4e6, -1.6e6, -1.2e6),
        _d(-6.1e6, -7.0e6, -5.2e6, "worse"),
        3,
    )
    assert line == (
        "low_touch saves $4.00M a year in cost of delivery and loses $1.40M of subscription "
        "revenue a year; over 3 years plus the book it leaves behind it is worth -$6.10M "
        "[-$7.00M, -$5.20M] against high_touch (worse)."
    )


def test_a_variant_that_costs_more_and_earns_more() -> None:
    line = money_headline(
        "more_csms",
        "base",
        _d(350_000.0, 300_000.0, 400_000.0),
        _d(1.2e6, 0.9e6, 1.5e6),
        _d(2.5e6, 1.0e6, 4.0e6, "better"),
        1,
    )
    assert line == (
        "more_csms adds $350k a year to the cost of delivery and gains $1.20M of subscription "
        "revenue a year; over 1 year plus the book it leaves behind it is worth +$2.50M "
        "[$1.00M, $4.00M] against base (better)."
    )


def test_no_detectable_difference_nan_and_a_single_replication() -> None:
    same = money_headline(
        "twin",
        "base",
        _d(10_000.0, -50_000.0, 70_000.0),
        _d(0.0, 0.0, 0.0),
        _d(200_000.0, -500_000.0, 900_000.0, "no detectable difference"),
        2,
    )
    assert same == (
        "twin makes no detectable difference to the cost of delivery or to subscription "
        "revenue; over 2 years plus the book it leaves behind it is worth +$200k [-$500k, $900k] "
        "against base (no detectable difference)."
    )
    # one part detectable, the other not
    mixed = money_headline("v", "b", _d(-1e6, -2e6, -0.5e6), _d(-1e5, -3e5, 1e5), None, 2)
    assert mixed.startswith(
        "v saves $1.00M a year in cost of delivery and makes no detectable difference to "
        "subscription revenue; its worth over 2 years plus the book it leaves behind against b "
        "is n/a"
    )
    undefined = money_headline(
        "v", "b", None, _d(math.nan, None, None), _d(math.nan, None, None), 3
    )
    assert undefined == (
        "v has no cost of delivery figure and has no subscription revenue figure; its worth over "
        "3 years plus the book it leaves behind against b is n/a."
    )
    one = money_headline(
        "v", "b", _d(-2e6, None, None), _d(5e5, None, None), _d(-1e6, None, None, "x"), 3
    )
    assert one == (
        "v saves $2.00M a year in cost of delivery and gains $500k of subscription revenue a "
        "year; over 3 years plus the book it leaves behind it is worth -$1.00M against b "
        "(one replication: no interval)."
    )


def _doc() -> dict[str, Any]:
    part = {"reference": "base", "tier": "all", "n": 3}
    return {
        "reference": "base",
        "comparisons": [
            {"variant": "cheap", "reference": "base", "tier": "smb", "metric": "economic_value",
             **_d(1.0, 0.0, 2.0, "better")},
            {"variant": "cheap", "reference": "base", "tier": "all", "metric": "grr",
             **_d(-0.01, -0.02, 0.0, "worse")},
            {"variant": "cheap", "reference": "base", "tier": "all", "metric": "economic_value",
             **_d(-6.1e6, -7.0e6, -5.2e6, "worse")},
        ],
        "bottom_line": {
            "years": 3,
            "discount_rate": 0.1,
            "parts": [
                {"variant": "cheap", "metric": "cost_total", **part, **_d(-4e6, -4.2e6, -3.8e6)},
                {"variant": "cheap", "metric": "subscription_revenue", **part,
                 **_d(-1.4e6, -1.5e6, -1.3e6)},
            ],
        },
        "return_on_staff": [
            {
                "variant": "cheap",
                "reference": "base",
                "tier": "all",
                "net_per_dollar": 0.55,
                "ci95_low": 0.47,
                "ci95_high": 0.63,
                "gross_per_dollar": 1.55,
                "status": "estimated",
                "value_difference": {"mean": -6.1e6, "ci95_low": -7.0e6, "ci95_high": -5.2e6},
                "cost_difference_pv": {"mean": -11.1e6, "ci95_low": -11.5e6, "ci95_high": -10.7e6},
            }
        ],
    }  # fmt: skip


def test_headlines_from_a_summary_document() -> None:
    (line,) = money_headlines(_doc())
    assert line.startswith("cheap saves $4.00M a year in cost of delivery and loses $1.40M")
    assert line.endswith("it is worth -$6.10M [-$7.00M, -$5.20M] against base (worse).")
    assert money_headlines({"comparisons": []}) == []  # a summary written before the bottom line


def test_return_on_staff_in_words_and_as_a_table() -> None:
    doc = _doc()
    (saved,) = doc["return_on_staff"]
    assert return_sentence(saved) == (
        "cheap vs base: each dollar of cost of delivery saved gives up $0.55 of net value "
        "[0.47, 0.63]."
    )
    added = {**saved, "cost_difference_pv": {"mean": 2e6}, "net_per_dollar": -0.2,
             "ci95_low": -0.5, "ci95_high": 0.1}  # fmt: skip
    assert return_sentence(added) == (
        "cheap vs base: each added dollar of cost of delivery loses $0.20 of net value "
        "[-0.10, 0.50]."
    )
    pays = {**added, "net_per_dollar": 1.5, "ci95_low": None, "ci95_high": None}
    assert return_sentence(pays) == (
        "cheap vs base: each added dollar of cost of delivery returns $1.50 of net value "
        "(one replication: no interval)."
    )
    undefined = {**saved, "net_per_dollar": None, "status": "no detectable change in cost"}
    assert return_sentence(undefined) == (
        "cheap vs base: return on staff undefined (no detectable change in cost)."
    )
    (row,) = return_rows(doc)
    assert row == [
        "cheap",
        "-$11.1M [-$11.5M, -$10.7M]",
        "-$6.10M [-$7.00M, -$5.20M]",
        "$0.55 [0.47, 0.63]",
        "$1.55 [1.47, 1.63]",
        "estimated",
    ]
    text = return_on_staff_table(doc)
    assert text.splitlines()[-1] == return_sentence(saved)
    assert "Return on staff" in text.splitlines()[1] and text.isascii()
    assert return_on_staff_table({}) == ""
