"""The renewal law of a customer group, fitted by maximum likelihood from its history.

Shifted-beta-geometric model (Fader & Hardie 2007, "How to project customer retention", Journal
of Interactive Marketing 21(1)): each customer churns at a renewal with its own probability
theta ~ Beta(alpha, beta), so its lifetime T (the renewal at which it leaves) has

    P(T = t) = B(alpha + 1, beta + t - 1) / B(alpha, beta)     (churned at renewal t)
    S(n)     = B(alpha, beta + n) / B(alpha, beta)             (still a customer after n renewals)

An account that churned at its t-th renewal contributes P(T = t) to the likelihood; one still
under contract after n renewals contributes S(n): it is right-censored, and leaving it out (or
counting it as churned) biases the churn law upwards. A cohort table (customers alive at the
start of each period) gives the same information as counts: alive[t - 1] - alive[t] churned at
renewal t, alive[last] censored after the last period.

The log-likelihood is maximised over (log alpha, log beta) with its analytic gradient and
Hessian (digamma and trigamma); the 95% intervals are profile-likelihood intervals: the values
of a shape at which the likelihood, maximised over the other shape, is within chi2(1, 0.95) / 2
of its maximum (Venzon & Moolgavkar 1988). Unlike Wald intervals from the curvature at the
maximum they follow the likelihood's skew, which for groups of a few hundred accounts is
strong, and they hold their nominal coverage there. When the data cannot separate alpha from
beta (every account observed over one renewal only, the information matrix singular, a
likelihood so flat along the mean churn that log alpha's or log beta's standard error passes
`MAX_LOG_SE`, or a book so homogeneous that the maximum lies at alpha, beta -> infinity with
their ratio fixed) the fit says so (`identified` false), and its intervals are open on the side
the data cannot bound (an upper end of infinity); when no account churned, or every one did at
its first renewal, there is no finite maximum and the fit is refused with the reason.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import optimize
from scipy.special import betaln, digamma, polygamma

__all__ = [
    "FitError",
    "Lifetimes",
    "RenewalFit",
    "fit_renewal",
    "lifetimes_from_accounts",
    "lifetimes_from_cohort",
    "log_likelihood",
]

Z95 = 1.959963984540054  # the standard normal's 97.5% quantile
CHI2_95 = Z95 * Z95  # the chi-square (1 degree of freedom) 95% quantile
#: the widest log shape searched: e^12 is about 160,000
LOG_BOUND = 12.0
#: The largest standard error of log alpha or log beta of a fit that separates them: beyond it
#: the 95% interval spans a factor of more than e^(2 x 1.96 x 2.5), about 18,000.
MAX_LOG_SE = 2.5


class FitError(ValueError):
    """The data cannot be fitted: the message says why and what would be needed."""


@dataclass(frozen=True)
class Lifetimes:
    """A group's history as counts: `churned[t]` accounts churned at their t-th renewal (t >=
    1), `censored[n]` accounts still under contract after n renewals (n >= 0)."""

    churned: dict[int, int]
    censored: dict[int, int]

    @property
    def accounts(self) -> int:
        """Accounts behind the counts."""
        return sum(self.churned.values()) + sum(self.censored.values())

    def survival_observed(self, periods: int | None = None) -> list[float]:
        """The share still under contract after 1, 2, ... renewals (Kaplan-Meier: each period's
        survivors over those at risk of it, censored accounts leaving the risk set after their
        last observed renewal); `periods` defaults to the longest observed."""
        last = max([*self.churned, *self.censored, 0])
        periods = last if periods is None else periods
        at_risk = self.accounts
        out, alive = [], 1.0
        for t in range(1, periods + 1):
            at_risk -= self.censored.get(t - 1, 0)  # observed up to renewal t - 1 only
            if at_risk <= 0:
                break
            died = self.churned.get(t, 0)
            alive *= 1.0 - died / at_risk
            out.append(alive)
            at_risk -= died
        return out


def lifetimes_from_accounts(renewals: Iterable[int], churned: Iterable[bool]) -> Lifetimes:
    """Counts from account histories: each account's renewals survived and whether it churned
    (at its next renewal) or is still a customer (censored after them)."""
    churn_counts: Counter[int] = Counter()
    censored_counts: Counter[int] = Counter()
    for r, gone in zip(renewals, churned, strict=True):
        if isinstance(r, bool) or int(r) != r or r < 0:
            raise FitError(f"renewals survived must be a whole number >= 0, got {r!r}")
        if gone:
            churn_counts[int(r) + 1] += 1
        else:
            censored_counts[int(r)] += 1
    return Lifetimes(dict(churn_counts), dict(censored_counts))


def lifetimes_from_cohort(alive: Sequence[int]) -> Lifetimes:
    """Counts from a cohort table: `alive[0]` the cohort's size, `alive[t]` its customers still
    under contract at the start of period t (after t renewals); never rising."""
    if len(alive) < 2:
        raise FitError("a cohort table needs the cohort's size and at least one later period")
    for t, n in enumerate(alive):
        if isinstance(n, bool) or int(n) != n or n < 0:
            raise FitError(f"period {t}: alive must be a whole number >= 0, got {n!r}")
        if t and n > alive[t - 1]:
            raise FitError(
                f"period {t}: {n} alive, more than the {alive[t - 1]} of period {t - 1} (a "
                "cohort only shrinks)"
            )
    churned = {t: int(alive[t - 1] - alive[t]) for t in range(1, len(alive))}
    return Lifetimes({t: n for t, n in churned.items() if n}, {len(alive) - 1: int(alive[-1])})


def _arrays(data: Lifetimes) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    t = np.array(sorted(data.churned), dtype=float)
    c = np.array([data.churned[int(k)] for k in t], dtype=float)
    n = np.array(sorted(data.censored), dtype=float)
    s = np.array([data.censored[int(k)] for k in n], dtype=float)
    return t, c, n, s


def log_likelihood(alpha: float, beta: float, data: Lifetimes) -> float:
    """The sBG log-likelihood of the counts at (alpha, beta)."""
    t, c, n, s = _arrays(data)
    base = betaln(alpha, beta)
    return float(
        np.sum(c * (betaln(alpha + 1.0, beta + t - 1.0) - base))
        + np.sum(s * (betaln(alpha, beta + n) - base))
    )


def log_likelihoods(alpha: np.ndarray, beta: np.ndarray, data: Lifetimes) -> np.ndarray:
    """The sBG log-likelihood at many (alpha, beta) pairs at once (arrays of one shape)."""
    t, c, n, s = _arrays(data)
    a, b = np.asarray(alpha, dtype=float)[..., None], np.asarray(beta, dtype=float)[..., None]
    base = betaln(a, b)
    churned = np.sum(c * (betaln(a + 1.0, b + t - 1.0) - base), axis=-1)
    censored = np.sum(s * (betaln(a, b + n) - base), axis=-1)
    return np.asarray(churned + censored)


def _gradient_hessian(alpha: float, beta: float, data: Lifetimes) -> tuple[np.ndarray, np.ndarray]:
    """Gradient and Hessian of the log-likelihood in (alpha, beta)."""
    t, c, n, s = _arrays(data)
    total = c.sum() + s.sum()
    ab = alpha + beta
    g_a = np.sum(c * (digamma(alpha + 1.0) - digamma(ab + t))) + np.sum(
        s * (digamma(alpha) - digamma(ab + n))
    )
    g_b = np.sum(c * (digamma(beta + t - 1.0) - digamma(ab + t))) + np.sum(
        s * (digamma(beta + n) - digamma(ab + n))
    )
    g_a -= total * (digamma(alpha) - digamma(ab))
    g_b -= total * (digamma(beta) - digamma(ab))
    tri = lambda x: polygamma(1, x)  # noqa: E731
    h_ab = -np.sum(c * tri(ab + t)) - np.sum(s * tri(ab + n)) + total * tri(ab)
    h_aa = (
        np.sum(c * (tri(alpha + 1.0) - tri(ab + t)))
        + np.sum(s * (tri(alpha) - tri(ab + n)))
        - total * (tri(alpha) - tri(ab))
    )
    h_bb = (
        np.sum(c * (tri(beta + t - 1.0) - tri(ab + t)))
        + np.sum(s * (tri(beta + n) - tri(ab + n)))
        - total * (tri(beta) - tri(ab))
    )
    return np.array([g_a, g_b]), np.array([[h_aa, h_ab], [h_ab, h_bb]])


@dataclass(frozen=True)
class RenewalFit:
    """The fitted renewal law of one group."""

    alpha: float
    beta: float
    alpha_ci95: tuple[float, float]  # (nan, nan) where the data cannot separate the shapes
    beta_ci95: tuple[float, float]
    n_accounts: int
    log_likelihood: float
    identified: bool  # the information matrix is positive definite: alpha and beta separate

    @property
    def mean_churn(self) -> float:
        """The first renewal's churn probability, alpha / (alpha + beta)."""
        return self.alpha / (self.alpha + self.beta)


def _profile(data: Lifetimes, which: int, u: float) -> float:
    """The log-likelihood maximised over the other shape, `which` (0 alpha, 1 beta) at e^u."""

    def minus(v: float) -> float:
        pair = (u, v) if which == 0 else (v, u)
        return -log_likelihood(math.exp(pair[0]), math.exp(pair[1]), data)

    # the other shape may go further than the one profiled: the pair keeps its ratio as both
    # grow, and a bound on it would end the profile there for no reason in the data
    wide = LOG_BOUND + 10.0
    found = optimize.minimize_scalar(minus, bounds=(-wide, wide), method="bounded",
                                     options={"xatol": 1e-6})  # fmt: skip
    return -float(found.fun)


def profile_interval(
    data: Lifetimes, which: int, at: np.ndarray, best: float
) -> tuple[float, float]:
    """The 95% profile-likelihood interval of alpha (`which` 0) or beta (1): the values whose
    profile log-likelihood is within chi2(1, 0.95) / 2 of the maximum `best` at log shapes
    `at`. A side the likelihood never leaves within e^+-`LOG_BOUND` is open: 0 below,
    infinity above."""
    drop = best - CHI2_95 / 2.0
    centre = float(np.clip(at[which], -LOG_BOUND, LOG_BOUND))
    ends = []
    for direction in (-1.0, 1.0):
        inside, step = centre, 0.25
        while True:
            trial = inside + direction * step
            if abs(trial) >= LOG_BOUND:
                trial = direction * LOG_BOUND
            if _profile(data, which, trial) < drop:
                root = optimize.brentq(
                    lambda u: _profile(data, which, u) - drop,
                    min(inside, trial), max(inside, trial), xtol=1e-6,
                )  # fmt: skip
                ends.append(math.exp(root))
                break
            if abs(trial) >= LOG_BOUND:
                ends.append(0.0 if direction < 0 else math.inf)
                break
            inside, step = trial, step * 2.0
    return ends[0], ends[1]


def fit_renewal(data: Lifetimes) -> RenewalFit:
    """The maximum-likelihood sBG law of `data`, with 95% intervals (see the module)."""
    churned = sum(data.churned.values())
    if data.accounts == 0:
        raise FitError("no accounts to fit")
    if churned == 0:
        raise FitError(
            f"none of the {data.accounts} accounts churned: the churn law has no finite "
            "maximum-likelihood fit (churn could be any small number); more history is needed"
        )
    survivors_past_first = data.accounts - data.churned.get(1, 0) - data.censored.get(0, 0)
    if survivors_past_first == 0:
        raise FitError(
            f"every one of the {data.accounts} accounts observed at a renewal churned at its "
            "first: the churn law has no finite maximum-likelihood fit"
        )
    at_risk_first = data.accounts - data.censored.get(0, 0)
    p1 = min(max(data.churned.get(1, 0) / max(at_risk_first, 1), 0.02), 0.9)
    start = np.log([p1 * 3.0, (1.0 - p1) * 3.0])  # the first renewal's churn, concentration 3

    def objective(theta: np.ndarray) -> tuple[float, np.ndarray]:
        a, b = np.exp(np.clip(theta, -30.0, 30.0))
        g, _ = _gradient_hessian(a, b, data)
        return -log_likelihood(a, b, data), -np.array([g[0] * a, g[1] * b])

    found = optimize.minimize(
        objective, start, jac=True, method="L-BFGS-B", bounds=[(-12.0, 12.0), (-12.0, 12.0)]
    )
    a, b = (float(v) for v in np.exp(found.x))
    g, h = _gradient_hessian(a, b, data)
    # the observed information on the log scale (chain rule: d/du = alpha d/dalpha, u = log a)
    info = -np.array(
        [
            [a * a * h[0, 0] + a * g[0], a * b * h[0, 1]],
            [a * b * h[0, 1], b * b * h[1, 1] + b * g[1]],
        ]
    )
    at_bound = bool(np.any(np.abs(found.x) >= 12.0 - 1e-6))  # the maximum is at infinity
    identified = bool(
        not at_bound
        and bool(np.all(np.isfinite(info)))
        and info[0, 0] > 0
        and np.linalg.det(info) > 1e-9 * abs(info[0, 0] * info[1, 1])
    )
    if identified:
        cov = np.linalg.inv(info)
        se_a, se_b = math.sqrt(max(cov[0, 0], 0.0)), math.sqrt(max(cov[1, 1], 0.0))
        # a likelihood nearly flat along the mean: the shapes are not pinned at all
        identified = max(se_a, se_b) <= MAX_LOG_SE
    best = log_likelihood(a, b, data)
    alpha_ci = profile_interval(data, 0, found.x, best)
    beta_ci = profile_interval(data, 1, found.x, best)
    return RenewalFit(
        alpha=a,
        beta=b,
        alpha_ci95=alpha_ci,
        beta_ci95=beta_ci,
        n_accounts=data.accounts,
        log_likelihood=best,
        identified=identified,
    )
