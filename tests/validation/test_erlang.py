"""Tests for simcs.formulas.erlang, pinned to values computed independently of the module."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from scipy.special import betainc
from scipy.stats import poisson

from simcs.formulas.erlang import (
    ErlangAResult,
    erlang_a,
    erlang_a_service_level,
    erlang_b,
    erlang_c,
    mgc_mean_wait,
    min_servers_for_service_level,
    mmc_mean_queue_length,
    mmc_mean_wait,
    mmc_service_level,
    sqrt_staffing,
)

# ---------------------------------------------------------------------------------------------
# Independent reference implementations (exact rational arithmetic / brute-force linear algebra)
# ---------------------------------------------------------------------------------------------


def _erlang_b_factorial(c: int, a: Fraction) -> Fraction:
    terms = [a**k / math.factorial(k) for k in range(c + 1)]
    return terms[-1] / sum(terms)


def _erlang_c_factorial(c: int, a: Fraction) -> Fraction:
    top = a**c / math.factorial(c) * c / (c - a)
    return top / (sum(a**k / math.factorial(k) for k in range(c)) + top)


def _erlang_a_linear_algebra(
    c: int, lam: float, mu: float, theta: float, size: int = 300
) -> np.ndarray:
    """Stationary law of the truncated Erlang A chain via pi Q = 0, sum(pi) = 1."""
    q = np.zeros((size, size))
    for n in range(size - 1):
        q[n, n + 1] = lam
        q[n + 1, n] = min(n + 1, c) * mu + max(n + 1 - c, 0) * theta
    np.fill_diagonal(q, -q.sum(axis=1))
    system = q.T.copy()
    system[-1, :] = 1.0  # replace one (redundant) balance equation by sum(pi) = 1
    rhs = np.zeros(size)
    rhs[-1] = 1.0
    return np.linalg.solve(system, rhs)


# ---------------------------------------------------------------------------------------------
# Erlang B / C
# ---------------------------------------------------------------------------------------------


def test_erlang_b_table_value() -> None:
    assert erlang_b(10, 5.0) == pytest.approx(0.018385, abs=5e-7)
    assert erlang_b(1, 1.0) == pytest.approx(0.5, rel=1e-15)
    assert erlang_b(3, 0.0) == 0.0


@pytest.mark.parametrize("c", [1, 2, 3, 7, 15, 30])
@pytest.mark.parametrize("a", [Fraction(1, 3), Fraction(5, 2), Fraction(9), Fraction(47, 2)])
def test_erlang_b_and_c_match_factorial_form(c: int, a: Fraction) -> None:
    assert erlang_b(c, float(a)) == pytest.approx(float(_erlang_b_factorial(c, a)), rel=1e-12)
    if a < c:
        expected = float(_erlang_c_factorial(c, a))
        assert erlang_c(c, float(a)) == pytest.approx(expected, rel=1e-12)
    else:
        assert erlang_c(c, float(a)) == 1.0


def test_erlang_c_two_servers_unit_load_is_one_third() -> None:
    assert erlang_c(2, 1.0) == pytest.approx(1.0 / 3.0, rel=1e-14)


def test_single_server_reduces_to_mm1() -> None:
    lam, s = 0.6, 1.0  # mu = 1, rho = 0.6
    rho, mu = lam * s, 1.0 / s
    assert erlang_c(1, rho) == pytest.approx(rho, rel=1e-14)
    assert mmc_mean_wait(1, lam, s) == pytest.approx(rho / (mu - lam), rel=1e-14)
    assert mmc_mean_queue_length(1, lam, s) == pytest.approx(rho**2 / (1 - rho), rel=1e-14)
    t = 0.7
    assert mmc_service_level(1, lam, s, t) == pytest.approx(
        1 - rho * math.exp(-(mu - lam) * t), rel=1e-14
    )


def test_mgc_approximation_is_exact_where_theory_is() -> None:
    """The M/G/c approximation equals M/M/c for exponential service (cv = 1) and the
    Pollaczek-Khinchine M/G/1 mean wait lambda E[S^2] / (2 (1 - rho)) for one server."""
    lam, s = 0.6, 1.0
    for c in (1, 2, 5):
        assert mgc_mean_wait(c, 0.6 * c, s, 1.0) == mmc_mean_wait(c, 0.6 * c, s)
    for cv in (0.0, 0.5, 2.0):
        second_moment = s**2 * (1 + cv**2)
        pk = lam * second_moment / (2 * (1 - lam * s))
        assert mgc_mean_wait(1, lam, s, cv) == pytest.approx(pk, rel=1e-14)
    assert mgc_mean_wait(2, 2.0, 1.0, 0.5) == math.inf
    with pytest.raises(ValueError):
        mgc_mean_wait(2, 1.0, 1.0, -0.1)


def test_classic_call_centre_example() -> None:
    # 100 calls per half hour, 3 minute handling time: a = 10 Erlangs, target 80% in 20 s.
    lam, s, t = 200.0, 0.05, 20 / 3600
    a = Fraction(10)
    for c in (11, 12, 13, 14):
        p_wait = float(_erlang_c_factorial(c, a))
        assert erlang_c(c, lam * s) == pytest.approx(p_wait, rel=1e-12)
        assert mmc_mean_wait(c, lam, s) == pytest.approx(p_wait * s / (c - 10), rel=1e-12)
        assert mmc_service_level(c, lam, s, t) == pytest.approx(
            1 - p_wait * math.exp(-(c - 10) * t / s), rel=1e-12
        )
    assert erlang_c(11, 10.0) == pytest.approx(0.6821, abs=1e-4)
    assert mmc_mean_wait(11, lam, s) * 3600 == pytest.approx(122.8, abs=0.05)  # ASA seconds
    assert mmc_service_level(13, lam, s, t) == pytest.approx(0.7956, abs=1e-4)
    assert mmc_service_level(14, lam, s, t) == pytest.approx(0.8884, abs=1e-4)
    assert min_servers_for_service_level(lam, s, t, 0.8) == 14


def test_large_pool_is_finite() -> None:
    b = erlang_b(800, 780.0)
    c = erlang_c(800, 780.0)
    assert 0.0 < b < c < 1.0
    assert math.isfinite(mmc_mean_wait(800, 780.0, 1.0))


def test_unstable_mmc() -> None:
    assert erlang_c(5, 5.0) == 1.0
    assert mmc_mean_wait(5, 6.0, 1.0) == math.inf
    assert mmc_mean_queue_length(5, 6.0, 1.0) == math.inf
    assert mmc_service_level(5, 6.0, 1.0, 1.0) == 0.0


def test_min_servers_is_smallest() -> None:
    for lam, s, t, target in [(30.0, 1 / 12, 0.0, 0.9), (500.0, 0.1, 1 / 60, 0.95)]:
        c = min_servers_for_service_level(lam, s, t, target)
        assert mmc_service_level(c, lam, s, t) >= target
        assert c == 1 or mmc_service_level(c - 1, lam, s, t) < target


def test_sqrt_staffing() -> None:
    assert sqrt_staffing(100.0, 1.0) == 110
    assert sqrt_staffing(100.0, 0.5) == 105
    assert sqrt_staffing(10.0, 0.0) == 10
    assert sqrt_staffing(0.3 * 1000, 0.0) == 300  # floating noise does not add an agent
    assert sqrt_staffing(2.0, 1.0) == math.ceil(2 + math.sqrt(2))
    assert sqrt_staffing(0.5, -5.0) == 1


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: erlang_b(0, 1.0), "servers"),
        (lambda: erlang_b(2.0, 1.0), "servers"),
        (lambda: erlang_c(2, -1.0), "offered_load"),
        (lambda: mmc_mean_wait(2, 0.0, 1.0), "arrival_rate"),
        (lambda: mmc_service_level(2, 1.0, 1.0, -1.0), "threshold"),
        (lambda: erlang_a(2, 1.0, -1.0, 1.0), "mean_service"),
        (lambda: erlang_a(2, 1.0, 1.0, 0.0), "mean_patience"),
        (lambda: erlang_a(2, 3.0, 1.0, math.inf), "unstable"),
        (lambda: min_servers_for_service_level(1.0, 1.0, 0.1, 1.0), "target"),
        (lambda: sqrt_staffing(0.0, 1.0), "offered_load"),
    ],
)
def test_argument_validation(call, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()


# ---------------------------------------------------------------------------------------------
# Erlang A
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("c", "lam", "s", "patience"),
    [(1, 0.8, 1.0, 3.0), (3, 4.0, 1.0, 2.0), (5, 4.5, 0.5, 0.25), (8, 12.0, 1.0, 10.0)],
)
def test_erlang_a_matches_linear_algebra(c: int, lam: float, s: float, patience: float) -> None:
    mu, theta = 1 / s, 1 / patience
    pi = _erlang_a_linear_algebra(c, lam, mu, theta)
    n = np.arange(pi.size)
    queue_length = float(np.dot(np.maximum(n - c, 0), pi))
    result = erlang_a(c, lam, s, patience)
    assert isinstance(result, ErlangAResult)
    assert result.p_wait == pytest.approx(pi[c:].sum(), rel=1e-9)
    assert result.mean_queue_length == pytest.approx(queue_length, rel=1e-9)
    assert result.p_abandon == pytest.approx(theta * queue_length / lam, rel=1e-9)
    # throughput also equals mu * E[busy servers], a different identity
    assert result.throughput == pytest.approx(mu * float(np.dot(np.minimum(n, c), pi)), rel=1e-9)


def test_erlang_a_little_and_abandon_identities() -> None:
    lam, s, patience = 110.0, 0.1, 0.2
    r = erlang_a(10, lam, s, patience)
    assert r.mean_wait == pytest.approx(r.mean_queue_length / lam, rel=1e-14)
    assert r.p_abandon == pytest.approx(r.mean_wait / patience, rel=1e-14)
    assert r.throughput == pytest.approx(lam * (1 - r.p_abandon), rel=1e-14)
    assert 0.0 < r.p_abandon < r.p_wait < 1.0


@pytest.mark.parametrize("c", [1, 4, 25])
def test_erlang_a_patience_equal_to_service_is_poisson(c: int) -> None:
    # With theta == mu the death rate is n mu in every state: N ~ Poisson(a) (M/M/inf).
    lam, s = 0.9 * c + 0.5, 1.0
    a = lam * s
    r = erlang_a(c, lam, s, s)
    k = np.arange(c, c + 400)
    assert r.p_wait == pytest.approx(poisson.sf(c - 1, a), rel=1e-10)
    assert r.mean_queue_length == pytest.approx(float(np.dot(k - c, poisson.pmf(k, a))), rel=1e-10)


def test_erlang_a_converges_to_erlang_c() -> None:
    c, lam, s = 10, 8.0, 1.0
    r = erlang_a(c, lam, s, 1e7)
    assert r.p_wait == pytest.approx(erlang_c(c, lam * s), rel=1e-5)
    assert r.mean_wait == pytest.approx(mmc_mean_wait(c, lam, s), rel=1e-5)
    assert r.mean_queue_length == pytest.approx(mmc_mean_queue_length(c, lam, s), rel=1e-5)
    inf = erlang_a(c, lam, s, math.inf)
    assert inf.p_wait == erlang_c(c, lam * s)
    assert inf.p_abandon == 0.0
    assert inf.throughput == lam


def test_erlang_a_large_pool_and_overload() -> None:
    r = erlang_a(1000, 6300.0, 1 / 6, 1 / 12)  # 5% overloaded, still stable thanks to abandons
    assert all(math.isfinite(v) for v in (r.p_wait, r.mean_wait, r.mean_queue_length))
    assert 0.0 < r.p_abandon < 1.0
    # at least the overload must abandon: throughput <= c mu
    assert r.throughput <= 1000 * 6 * (1 + 1e-12)
    assert r.p_abandon >= 1 - 6000 / 6300 - 1e-12


def test_erlang_a_service_level_at_zero_and_infinity() -> None:
    c, lam, s, patience = 6, 7.0, 1.0, 0.5
    r = erlang_a(c, lam, s, patience)
    assert erlang_a_service_level(c, lam, s, patience, 0.0) == pytest.approx(1 - r.p_wait)
    assert erlang_a_service_level(c, lam, s, patience, math.inf) == pytest.approx(
        1 - r.p_abandon, rel=1e-12
    )
    assert erlang_a_service_level(c, lam, s, patience, 1e3) == pytest.approx(
        1 - r.p_abandon, rel=1e-12
    )


@pytest.mark.parametrize(("c", "t"), [(1, 0.3), (3, 0.05), (3, 1.0), (20, 0.02), (20, 0.2)])
def test_erlang_a_service_level_closed_form_when_patience_equals_service(c: int, t: float) -> None:
    # theta == mu: N ~ Poisson(a); with j ahead the tagged customer's virtual wait is the
    # (j+1)-th order statistic of c+j iid Exp(mu) and its own patience is one more Exp(mu),
    # which gives P(served by t | j) = c/(c+j+1) * I_{1-exp(-mu t)}(j+1, c+1).
    lam, s = 1.1 * c, 1.0
    a, mu = lam * s, 1 / s
    j = np.arange(0, 400)
    u = 1 - math.exp(-mu * t)
    expected = poisson.cdf(c - 1, a) + float(
        np.dot(poisson.pmf(c + j, a), c / (c + j + 1) * betainc(j + 1, c + 1, u))
    )
    assert erlang_a_service_level(c, lam, s, s, t) == pytest.approx(expected, rel=1e-9)


def test_erlang_a_service_level_matches_mmc_for_huge_patience() -> None:
    c, lam, s = 12, 10.0, 1.0
    for t in (0.0, 0.1, 0.5):
        assert erlang_a_service_level(c, lam, s, 1e7, t) == pytest.approx(
            mmc_service_level(c, lam, s, t), rel=1e-5
        )
    assert erlang_a_service_level(c, lam, s, math.inf, 0.1) == mmc_service_level(c, lam, s, 0.1)


def test_erlang_a_service_level_is_monotone_in_threshold() -> None:
    levels = [erlang_a_service_level(50, 52.0, 1.0, 0.5, t) for t in (0, 0.01, 0.05, 0.2, 1.0)]
    assert all(x < y for x, y in zip(levels, levels[1:], strict=False))
    assert 0.0 < levels[0] and levels[-1] < 1.0
