"""Tests for simcs.calibration.backtest and .uncertainty: the actual figures of a hand-built
history, the window's whole years, the prediction interval's coverage, the posterior of the
sBG law the parameter draws come from."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pandas as pd
import pytest

from simcs.calibration.backtest import (
    BacktestError,
    actual_figures,
    predicted_figure,
    prediction_interval,
    window_years,
)
from simcs.calibration.renewal import Lifetimes
from simcs.calibration.uncertainty import draw_law, law_posterior
from simcs.scenario.fields import MAX_SHAPE

AS_OF = pd.Timestamp("2024-01-01")


def _accounts() -> pd.DataFrame:
    rows = [  # id, arr, start, end, group
        ("a", 100.0, "2022-03-01", None, "g"),  # stays
        ("b", 200.0, "2021-05-01", "2024-05-01", "g"),  # churns in year 1
        ("c", 300.0, "2023-02-01", "2024-02-01", "h"),  # churns in year 1
        ("d", 400.0, "2020-01-01", "2023-06-01", "h"),  # gone before the window
        ("e", 500.0, "2024-03-01", None, "h"),  # a new logo of year 1
        ("f", 600.0, "2023-01-01", "2025-01-01", "g"),  # churns on year 1's last day
    ]
    frame = pd.DataFrame(rows, columns=["account_id", "arr", "start_date", "end_date", "group"])
    for column in ("start_date", "end_date"):
        frame[column] = pd.to_datetime(frame[column])
    return frame


def test_actual_figures_of_a_hand_built_history() -> None:
    accounts = _accounts()
    history = pd.DataFrame(
        {
            "account_id": ["a", "a", "f", "f"],
            "date": pd.to_datetime(["2022-03-01", "2024-03-01", "2023-01-01", "2024-01-01"]),
            "arr": [100.0, 150.0, 600.0, 300.0],  # a expands by 50; f contracts by 300 on 1 Jan
        }
    )
    tickets = pd.DataFrame(
        {
            "account_id": ["a", "a", "c", "e", "a"],
            "created_at": pd.to_datetime(
                ["2023-12-31", "2024-01-02", "2024-01-15", "2024-06-01", "2024-12-01"]
            ),
        }
    )
    keys = {"g": "g", "h": "h"}
    got = actual_figures(accounts, tickets, history, AS_OF, 2, keys)
    # year 1: cohort a, b, f (g) and c (h); b, f (on the year's last day) and c churn; e is new
    assert got[(1, "group:g", "churned_accounts")] == 2
    assert got[(1, "group:g", "logo_retention")] == pytest.approx(1 / 3)
    assert got[(1, "group:h", "churned_accounts")] == 1
    assert got[(1, "all", "customers_end")] == 2  # a, e
    # ARR at 2024-01-01: a 100, b 200 (no history: the export's), f 300 (changed that day);
    # a, the one survivor, has 150 at the year's end
    assert got[(1, "group:g", "grr")] == pytest.approx(100 / (100 + 200 + 300))
    assert got[(1, "group:g", "nrr")] == pytest.approx(150 / (100 + 200 + 300))
    assert got[(1, "all", "support_tickets")] == 4  # 2023-12-31 is before the window
    assert got[(1, "group:h", "support_tickets")] == 2
    # year 2: cohort a (g) and e (h), both stay
    assert got[(2, "group:g", "churned_accounts")] == 0
    assert got[(2, "group:h", "logo_retention")] == 1.0
    assert got[(2, "all", "customers_end")] == 2
    assert got[(2, "all", "support_tickets")] == 0
    # without an ARR history or tickets there is nothing to say of GRR, NRR or tickets
    bare = actual_figures(accounts, None, None, AS_OF, 1, keys)
    assert not any(k[2] in ("grr", "nrr", "support_tickets") for k in bare)


@pytest.mark.parametrize(
    ("until", "years"), [("2025-01-01", 1), ("2027-01-01", 3), ("2024-12-31", None),
                         ("2025-02-01", None), ("2023-01-01", None)]
)  # fmt: skip
def test_a_window_is_whole_years_to_the_day(until: str, years: int | None) -> None:
    if years is None:
        with pytest.raises(BacktestError, match="whole number of years"):
            window_years(AS_OF, pd.Timestamp(until))
    else:
        assert window_years(AS_OF, pd.Timestamp(until)) == years


def test_the_prediction_interval_covers_one_more_draw_95_percent_of_the_time() -> None:
    rng = np.random.default_rng(9)
    trials, hits = 2_000, 0
    for _ in range(trials):
        values = rng.normal(10.0, 2.0, 12)
        _, low, high = prediction_interval(list(values), "other")
        hits += low <= rng.normal(10.0, 2.0) <= high
    assert 0.93 <= hits / trials <= 0.97


def _lifetimes(
    alpha: float, beta: float, accounts: int, years: int, rng: np.random.Generator
) -> Lifetimes:
    """Accounts started evenly over `years`, observed to today (right-censored)."""
    theta = rng.beta(alpha, beta, accounts)
    lifetime = rng.geometric(theta)  # the renewal it does not make
    seen = rng.integers(0, years + 1, accounts)  # renewals it could have made by now
    churned = Counter(int(t) for t, s in zip(lifetime, seen, strict=True) if t <= s)
    censored = Counter(int(s) for t, s in zip(lifetime, seen, strict=True) if t > s)
    return Lifetimes(dict(churned), dict(censored))


def _mean_churn_interval(data: Lifetimes, fitted_mean: float) -> tuple[float, float]:
    logits, _, probabilities = law_posterior(data, fitted_mean)
    marginal = np.cumsum(probabilities.sum(axis=1))
    means = 1.0 / (1.0 + np.exp(-logits))
    return float(np.interp(0.025, marginal, means)), float(np.interp(0.975, marginal, means))


def test_the_law_posterior_covers_the_true_mean_churn_about_95_percent_of_the_time() -> None:
    rng = np.random.default_rng(3)
    alpha, beta, hits, trials = 1.2, 4.0, 0, 120
    for _ in range(trials):
        data = _lifetimes(alpha, beta, 600, 5, rng)
        observed = data.churned.get(1, 0) / max(1, data.accounts - data.censored.get(0, 0))
        low, high = _mean_churn_interval(data, min(max(observed, 0.02), 0.9))
        hits += low <= alpha / (alpha + beta) <= high
    assert 0.88 <= hits / trials <= 0.995, hits


def test_draws_cover_heterogeneous_laws_where_the_data_cannot_separate_them() -> None:
    # a young group: two renewals observed at most, a few hundred accounts
    data = _lifetimes(0.7, 7.3, 300, 2, np.random.default_rng(8))
    grid = law_posterior(data, 0.08)
    rng = np.random.default_rng(1)
    concentrations = [sum(draw_law(grid, rng)) for _ in range(400)]
    assert min(concentrations) < 20 < 1_000 < max(concentrations)
    # each draw is a valid scenario law: shapes within the scenario's bounds
    assert all(
        a <= MAX_SHAPE and b <= MAX_SHAPE for a, b in (draw_law(grid, rng) for _ in range(50))
    )


def test_a_draw_is_the_same_whatever_the_number_of_draws() -> None:
    data = _lifetimes(1.0, 3.0, 500, 4, np.random.default_rng(2))
    grid = law_posterior(data, 0.25)
    first = [draw_law(grid, np.random.default_rng(s)) for s in range(3)]
    again = [draw_law(grid, np.random.default_rng(s)) for s in range(3)]
    assert first == again


def test_a_figure_stays_in_its_range() -> None:
    mean, low, high = prediction_interval([0.97, 0.99, 1.0, 0.98], "share", at_most_one=True)
    assert 0.0 <= low <= mean <= high == 1.0
    _, low, _ = prediction_interval([1.0, 0.0, 2.0], "count")
    assert low == 0.0
    # a group with no cohort in a year churned no one (its logo retention has no value)
    empty = {"customers_start": 0.0, "logo_retention": math.nan}
    assert predicted_figure(empty, "churned_accounts") == 0.0
