"""A real t=0 book (`initial_book.accounts`) in the model: each account keeps its ARR, tenure and
renewal date, and with every driver neutral its survival is the sBG law conditioned on the
renewals it has made: S(r + t) / S(r) after t more renewals (Fader & Hardie 2007)."""

from __future__ import annotations

import math

import numpy as np
import pytest

import simcs
from simcs.calendar import HOURS_PER_YEAR
from simcs.formulas.sbg import sbg_survival
from simcs.model.book import CustomerFactory
from simcs.scenario.files import scenario_from_dict
from simcs.stats import t_interval
from simcs.streams import Streams
from tests.conftest import scenario_path

N_ACCOUNTS = 2_000


def _book_scenario(horizon_years: int) -> simcs.Scenario:
    rng = np.random.default_rng(7)  # the book's layout, not the simulation's luck
    accounts = [
        {
            "account_id": f"A{k}",
            "group": "cohort",
            "arr": float(rng.integers(5_000, 50_000)),
            "renewals": int(rng.integers(0, 8)),
            "renewal_in_days": float(rng.uniform(1, 365)),
            "trained": bool(k % 3 == 0),
        }
        for k in range(N_ACCOUNTS)
    ]
    data = simcs.load_scenario(scenario_path("sbg_validation")).model_dump(mode="json")
    data["population"]["cohort"]["initial_customers"] = N_ACCOUNTS
    data["initial_book"]["accounts"] = accounts
    data["horizon_years"] = horizon_years
    return scenario_from_dict(data)


def test_each_account_keeps_its_arr_tenure_renewal_date_and_training() -> None:
    scenario = _book_scenario(1)
    factory = CustomerFactory(scenario, Streams(3, 0))
    customers = factory.initial_book("cohort")
    accounts = scenario.initial_book.accounts or []
    assert len(customers) == len(accounts)
    for customer, account in zip(customers, accounts, strict=True):
        assert customer.arr == account.arr
        assert customer.renewals == account.renewals
        assert customer.next_anniversary == pytest.approx(
            account.renewal_in_days / 365.25 * HOURS_PER_YEAR
        )
        assert (customer.training > 0) == account.trained
        assert customer.sale_time <= 0.0
    # theta from the survivors' posterior: E[theta | r renewals] = alpha / (alpha + beta + r)
    law = scenario.population["cohort"].renewal
    thetas = np.array([c.theta for c in customers])
    expected = np.mean([law.alpha / (law.alpha + law.beta + a.renewals) for a in accounts])
    se = thetas.std(ddof=1) / math.sqrt(len(thetas))
    assert abs(thetas.mean() - expected) < 4 * se


def test_a_real_book_survives_as_the_sbg_law_conditioned_on_tenure() -> None:
    scenario = _book_scenario(2)
    law = scenario.population["cohort"].renewal
    accounts = scenario.initial_book.accounts or []
    survival: dict[int, list[float]] = {1: [], 2: []}
    for r in range(8):
        result = simcs.simulate(scenario, seed=11, replication=r)
        book = result.metrics[1]["all"]
        assert book["customers_start"] == N_ACCOUNTS
        assert book["arr_start"] == pytest.approx(sum(a.arr for a in accounts))
        for year in (1, 2):
            survival[year].append(result.metrics[year]["all"]["initial_cohort_survival"])
    for year in (1, 2):
        theory = np.mean(
            [
                sbg_survival(law.alpha, law.beta, a.renewals + year)
                / sbg_survival(law.alpha, law.beta, a.renewals)
                for a in accounts
            ]
        )
        iv = t_interval(survival[year], 0.99)
        assert iv.low <= theory <= iv.high, (year, theory, iv)
        assert iv.half_width < 0.02
