"""The sBG renewal fit: it recovers known parameters inside its intervals, the intervals have
about their nominal coverage, censored accounts are used (leaving them out is biased), and a
cohort table and account histories of the same customers give the same fit."""

from __future__ import annotations

import math

import numpy as np
import pytest

from simcs.calibration.renewal import (
    FitError,
    Lifetimes,
    fit_renewal,
    lifetimes_from_accounts,
    lifetimes_from_cohort,
    log_likelihood,
)
from simcs.formulas.sbg import sbg_churn_probability, sbg_survival

ALPHA, BETA = 0.8, 3.5  # first-renewal churn 18.6%, survivors growing more loyal


def synthetic(
    rng: np.random.Generator, accounts: int, max_renewals: int = 6
) -> tuple[list[int], list[bool]]:
    """Accounts of a book with the true law: each its own theta, observed over a window of 1 to
    `max_renewals` renewals (customers signed at different times before the cut-off)."""
    theta = rng.beta(ALPHA, BETA, accounts)
    lifetime = rng.geometric(theta)  # the renewal at which each would churn
    window = rng.integers(1, max_renewals + 1, accounts)
    churned = lifetime <= window
    renewals = np.where(churned, lifetime - 1, window)
    return [int(r) for r in renewals], [bool(c) for c in churned]


def test_the_likelihood_is_the_sum_of_each_accounts_probability() -> None:
    data = Lifetimes({1: 3, 2: 1}, {2: 4, 0: 2})
    expected = (
        3 * math.log(sbg_churn_probability(0.7, 2.0, 1))
        + math.log(sbg_churn_probability(0.7, 2.0, 2))
        + 4 * math.log(sbg_survival(0.7, 2.0, 2))
        + 2 * math.log(sbg_survival(0.7, 2.0, 0))
    )
    assert log_likelihood(0.7, 2.0, data) == pytest.approx(expected)


def test_a_large_book_recovers_the_true_law_inside_its_intervals() -> None:
    renewals, churned = synthetic(np.random.default_rng(7), 4000)
    fit = fit_renewal(lifetimes_from_accounts(renewals, churned))
    assert fit.identified and fit.n_accounts == 4000
    assert fit.alpha_ci95[0] < ALPHA < fit.alpha_ci95[1]
    assert fit.beta_ci95[0] < BETA < fit.beta_ci95[1]
    assert fit.mean_churn == pytest.approx(ALPHA / (ALPHA + BETA), abs=0.02)
    # the maximum: the gradient is zero there, so nearby points are no more likely
    for da, db in ((1.02, 1), (0.98, 1), (1, 1.02), (1, 0.98)):
        assert log_likelihood(fit.alpha * da, fit.beta * db, fit_data(renewals, churned)) <= (
            fit.log_likelihood + 1e-9
        )


def fit_data(renewals: list[int], churned: list[bool]) -> Lifetimes:
    return lifetimes_from_accounts(renewals, churned)


def test_the_intervals_have_about_their_nominal_coverage() -> None:
    rng = np.random.default_rng(2026)
    fits = [fit_renewal(fit_data(*synthetic(rng, 600))) for _ in range(200)]
    alpha = sum(f.alpha_ci95[0] < ALPHA < f.alpha_ci95[1] for f in fits) / len(fits)
    beta = sum(f.beta_ci95[0] < BETA < f.beta_ci95[1] for f in fits) / len(fits)
    # nominal 95%; 200 datasets put a binomial sd of 1.5 points on each share
    assert 0.90 <= alpha <= 0.99, alpha
    assert 0.90 <= beta <= 0.99, beta


def test_censored_accounts_count_and_leaving_them_out_is_biased() -> None:
    renewals, churned = synthetic(np.random.default_rng(11), 4000)
    full = fit_renewal(fit_data(renewals, churned))
    gone = [(r, c) for r, c in zip(renewals, churned, strict=True) if c]
    only_churned = fit_renewal(fit_data([r for r, _ in gone], [True] * len(gone)))
    truth = ALPHA / (ALPHA + BETA)
    assert abs(full.mean_churn - truth) < 0.02
    # without the customers still there, churn looks far higher than it is
    assert only_churned.mean_churn > truth + 0.2


def test_a_cohort_table_and_the_same_accounts_give_the_same_fit() -> None:
    rng = np.random.default_rng(3)
    theta = rng.beta(ALPHA, BETA, 3000)
    lifetime = rng.geometric(theta)
    periods = 6
    alive = [int(np.sum(lifetime > t)) for t in range(periods + 1)]  # alive after t renewals
    renewals = [int(min(x - 1, periods)) for x in lifetime]
    churned = [bool(x <= periods) for x in lifetime]
    by_cohort = fit_renewal(lifetimes_from_cohort(alive))
    by_account = fit_renewal(lifetimes_from_accounts(renewals, churned))
    assert by_cohort.alpha == pytest.approx(by_account.alpha, rel=1e-6)
    assert by_cohort.beta == pytest.approx(by_account.beta, rel=1e-6)
    assert by_cohort.alpha_ci95 == pytest.approx(by_account.alpha_ci95, rel=1e-6)
    # and the observed survival is the cohort's own shares
    observed = lifetimes_from_cohort(alive).survival_observed()
    assert observed == pytest.approx([a / alive[0] for a in alive[1:]])


def test_kaplan_meier_survival_with_censoring() -> None:
    # 10 accounts: 2 churn at renewal 1, 3 observed only to renewal 1, 1 churns at 2, 4 stay
    data = Lifetimes({1: 2, 2: 1}, {1: 3, 2: 4})
    assert data.survival_observed() == pytest.approx([0.8, 0.8 * (1 - 1 / 5)])


def test_data_that_cannot_be_fitted_say_why() -> None:
    with pytest.raises(FitError, match="none of the 5 accounts churned"):
        fit_renewal(Lifetimes({}, {3: 5}))
    with pytest.raises(FitError, match="churned at its first"):
        fit_renewal(Lifetimes({1: 4}, {}))
    with pytest.raises(FitError, match="only shrinks"):
        lifetimes_from_cohort([100, 80, 90])
    with pytest.raises(FitError, match="whole number"):
        lifetimes_from_accounts([1.5], [False])
    # one renewal of history cannot separate alpha from beta: the intervals stay open above
    thin = fit_renewal(Lifetimes({1: 20}, {1: 80}))
    assert not thin.identified and math.isinf(thin.alpha_ci95[1])
    assert math.isinf(thin.beta_ci95[1])
    assert thin.mean_churn == pytest.approx(0.2, abs=1e-3)


def test_a_homogeneous_book_fits_a_concentrated_law() -> None:
    # every customer churns with the same 20%: the law's maximum drifts towards alpha, beta ->
    # infinity (with 3,000 accounts it stops at a large, loosely known concentration)
    rng = np.random.default_rng(5)
    lifetime = rng.geometric(0.2, 3000)
    window = rng.integers(1, 7, 3000)
    churned = lifetime <= window
    renewals = np.where(churned, lifetime - 1, window)
    fit = fit_renewal(lifetimes_from_accounts(renewals.tolist(), churned.tolist()))
    assert fit.mean_churn == pytest.approx(0.2, abs=0.02)
    assert fit.alpha + fit.beta > 10  # far more concentrated than a heterogeneous book's 4.3
    if fit.identified:
        assert fit.alpha_ci95[1] / fit.alpha_ci95[0] > 5  # and loosely known
    assert isinstance(fit.identified, bool)


def test_a_flat_likelihood_is_not_passed_off_as_a_fit() -> None:
    # 235 accounts whose churn barely depends on tenure: the maximum drifts far along the mean
    data = Lifetimes({1: 23, 2: 8, 3: 10, 4: 3, 5: 6}, {0: 35, 1: 44, 2: 31, 3: 39, 4: 18, 5: 18})
    fit = fit_renewal(data)
    assert not fit.identified and math.isinf(fit.alpha_ci95[1])
    assert 0 < fit.alpha_ci95[0] < 5  # but a heterogeneous law is still possible
    assert fit.mean_churn == pytest.approx(0.1, abs=0.02)
