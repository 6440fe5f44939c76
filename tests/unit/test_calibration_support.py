"""Support load from tickets: case rates over customer-years with exact Poisson intervals, and
the handle-time law, recovered from a synthetic help desk with known values."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from simcs.calibration.support import (
    case_rates,
    fit_handle_time,
    poisson_rate_interval,
)


def test_exposure_and_rate_by_hand() -> None:
    accounts = pd.DataFrame(
        {
            "account_id": ["a", "b"],
            "group": ["smb", "smb"],
            "start_date": pd.to_datetime(["2020-01-01", "2021-01-01"]),
            "end_date": pd.to_datetime([None, "2021-07-02"]),
        }
    )
    tickets = pd.DataFrame(
        {
            "account_id": ["a", "a", "b"],
            "created_at": pd.to_datetime(["2021-01-01", "2021-06-01", "2021-03-01"]),
        }
    )
    rates = case_rates(accounts, tickets, pd.Timestamp("2022-01-01"))
    # window 2021-01-01..2022-01-01: a is there all year, b for half of it
    smb = rates["smb"]
    assert smb.cases == 3
    assert smb.customer_years == pytest.approx(1.0 + 182 / 365.25, rel=1e-3)
    assert smb.cases_per_year == pytest.approx(3 / smb.customer_years)
    assert smb.ci95[0] < smb.cases_per_year < smb.ci95[1]


def test_poisson_interval_matches_the_textbook_values() -> None:
    # Garwood's exact 95% limits for 3 events: 0.619 and 8.767
    low, high = poisson_rate_interval(3, 1.0)
    assert low == pytest.approx(0.6187, abs=1e-3) and high == pytest.approx(8.7673, abs=1e-3)
    assert poisson_rate_interval(0, 2.0)[0] == 0.0
    assert all(math.isnan(x) for x in poisson_rate_interval(1, 0.0))


def test_a_synthetic_help_desk_is_recovered() -> None:
    rng = np.random.default_rng(9)
    customers, rate, years = 400, 4.0, 2.0
    start = pd.Timestamp("2023-01-01")
    accounts = pd.DataFrame(
        {
            "account_id": [f"c{k}" for k in range(customers)],
            "start_date": [start] * customers,
            "end_date": [pd.NaT] * customers,
        }
    )
    counts = rng.poisson(rate * years, customers)
    rows = []
    for k, n in enumerate(counts):
        for offset in rng.uniform(0, years * 365.25, n):
            rows.append((f"c{k}", start + pd.Timedelta(days=float(offset))))
    tickets = pd.DataFrame(rows, columns=["account_id", "created_at"])
    tickets.loc[0, "created_at"] = start  # the window opens with the book
    fit = case_rates(accounts, tickets, start + pd.Timedelta(days=years * 365.25))["book"]
    assert fit.ci95[0] < rate < fit.ci95[1]
    # handle times: lognormal, mean 30 minutes, cv 1.2, and some with no time recorded
    sigma = math.sqrt(math.log(1 + 1.2**2))
    minutes = rng.lognormal(math.log(30) - sigma**2 / 2, sigma, 3000)
    law = fit_handle_time(np.concatenate([minutes, np.zeros(25)]))
    assert law.mean_hours == pytest.approx(0.5, rel=0.08)
    assert law.cv == pytest.approx(1.2, rel=0.1)
    assert law.tickets == 3000 and law.zero == 25 and law.ks_distance < 0.03
    # the wrong law shows: exponential handle times fit a lognormal visibly worse
    worse = fit_handle_time(rng.exponential(30, 3000))
    assert worse.ks_distance > law.ks_distance


def test_too_few_handle_times() -> None:
    with pytest.raises(ValueError, match="at least 2"):
        fit_handle_time(np.array([0.0, 12.0]))
    same = fit_handle_time(np.array([10.0, 10.0, 10.0]))
    assert same.cv == 0.0 and same.mean_hours == pytest.approx(10 / 60)
