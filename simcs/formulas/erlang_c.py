"""Erlang B and C: sizing and validating a support queue with patient customers.

Models a pool of ``servers`` identical agents fed by Poisson arrivals (``arrival_rate`` per
hour) with exponential handling times (mean ``mean_service`` hours), served first come, first
served: Erlang B (M/M/c/c, blocked calls lost), Erlang C (M/M/c, infinite patience) with its
waiting times and service level, square-root staffing and the smallest staffing level meeting a
service-level target. The offered load is ``arrival_rate * mean_service`` (Erlangs). All
functions are pure and deterministic; the argument checks are shared with
:mod:`simcs.formulas.erlang_a`.
"""

from __future__ import annotations

import math
from numbers import Integral, Real

__all__ = [
    "erlang_b",
    "erlang_c",
    "min_servers_for_service_level",
    "mmc_mean_queue_length",
    "mmc_mean_wait",
    "mmc_service_level",
    "sqrt_staffing",
]

# --------------------------------------------------------------------------------------------
# Argument validation
# --------------------------------------------------------------------------------------------


def check_servers(servers: int) -> int:
    """A number of agents: an integer of at least 1."""
    if isinstance(servers, bool) or not isinstance(servers, Integral):
        raise ValueError(f"servers must be an integer, got {servers!r}")
    if servers < 1:
        raise ValueError(f"servers must be >= 1, got {servers}")
    return int(servers)


def check_real(name: str, value: float) -> float:
    """A real number, not NaN (infinity allowed)."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise ValueError(f"{name} must be a real number, got {value!r}")
    value = float(value)
    if math.isnan(value):
        raise ValueError(f"{name} must not be NaN")
    return value


def check_positive(name: str, value: float) -> float:
    """A positive, finite real number."""
    value = check_real(name, value)
    if not (0.0 < value < math.inf):
        raise ValueError(f"{name} must be positive and finite, got {value}")
    return value


def check_load(offered_load: float) -> float:
    """An offered load in Erlangs: non-negative and finite."""
    value = check_real("offered_load", offered_load)
    if not (0.0 <= value < math.inf):
        raise ValueError(f"offered_load must be non-negative and finite, got {value}")
    return value


def check_threshold(threshold: float) -> float:
    """A waiting-time threshold in hours: at least 0 (infinity allowed)."""
    value = check_real("threshold", threshold)
    if value < 0.0:
        raise ValueError(f"threshold must be >= 0 (hours), got {value}")
    return value


def check_patience(mean_patience: float) -> float:
    """A mean patience in hours: positive (math.inf for patient customers)."""
    value = check_real("mean_patience", mean_patience)
    if not value > 0.0:
        raise ValueError(f"mean_patience must be positive (math.inf allowed), got {value}")
    return value


# --------------------------------------------------------------------------------------------
# Erlang B / C and the M/M/c queue
# --------------------------------------------------------------------------------------------


def erlang_b(servers: int, offered_load: float) -> float:
    """Blocking probability of the M/M/c/c loss system (Erlang B formula).

    ``B(c, a) = (a^c / c!) / sum_{k=0..c} a^k / k!`` (Gross, Shortle, Thompson & Harris,
    *Fundamentals of Queueing Theory*, 4th ed., 2008, M/M/c/c model), evaluated with the
    numerically stable recursion ``B(0) = 1``, ``B(k) = a B(k-1) / (k + a B(k-1))``, which
    needs no factorials and works for thousands of servers.
    """
    c = check_servers(servers)
    a = check_load(offered_load)
    b = 1.0
    for k in range(1, c + 1):
        b = a * b / (k + a * b)
    return b


def _erlang_c_from_b(servers: int, offered_load: float, blocking: float) -> float:
    rho = offered_load / servers
    return blocking / (1.0 - rho * (1.0 - blocking))


def erlang_c(servers: int, offered_load: float) -> float:
    """Probability that an arrival has to wait in the M/M/c queue (Erlang C formula).

    Uses the identity ``C(c, a) = B / (1 - rho (1 - B))`` with ``B = erlang_b(c, a)`` and
    ``rho = a / c`` (Gross et al., *Fundamentals of Queueing Theory*, 4th ed., M/M/c model;
    Cooper, *Introduction to Queueing Theory*, 2nd ed., 1981). Returns 1.0 when the system
    is unstable (``offered_load >= servers``): every arrival eventually waits.
    """
    c = check_servers(servers)
    a = check_load(offered_load)
    if a >= c:
        return 1.0
    return _erlang_c_from_b(c, a, erlang_b(c, a))


def mmc_mean_wait(servers: int, arrival_rate: float, mean_service: float) -> float:
    """Mean time in queue (hours) of the M/M/c queue, over all arrivals.

    ``W_q = C(c, a) / (c mu - lambda)`` with ``mu = 1 / mean_service`` and
    ``a = lambda / mu`` (Gross et al., *Fundamentals of Queueing Theory*, 4th ed., M/M/c).
    Returns ``math.inf`` when ``a >= c``.
    """
    c = check_servers(servers)
    lam = check_positive("arrival_rate", arrival_rate)
    s = check_positive("mean_service", mean_service)
    a = lam * s
    if a >= c:
        return math.inf
    # c mu - lambda == (c - a) / s, written so that it is positive whenever a < c.
    return erlang_c(c, a) * s / (c - a)


def mgc_mean_wait(servers: int, arrival_rate: float, mean_service: float, cv: float) -> float:
    """Approximate mean time in queue (hours) of the M/G/c queue: the M/M/c wait scaled by
    ``(1 + cv^2) / 2``, cv the service time's coefficient of variation (Lee & Longton 1959;
    the Allen-Cunneen approximation with Poisson arrivals). Exact for cv = 1 (M/M/c) and for
    c = 1 (the Pollaczek-Khinchine formula). Returns ``math.inf`` when ``a >= c``.
    """
    variation = check_real("cv", cv)
    if variation < 0:
        raise ValueError(f"cv must be >= 0, got {cv!r}")
    return mmc_mean_wait(servers, arrival_rate, mean_service) * (1.0 + variation**2) / 2.0


def mmc_service_level(
    servers: int, arrival_rate: float, mean_service: float, threshold: float
) -> float:
    """Fraction of arrivals whose wait is at most ``threshold`` hours in the M/M/c queue.

    ``P(W_q <= t) = 1 - C(c, a) exp(-(c mu - lambda) t)`` (Gross et al., *Fundamentals of
    Queueing Theory*, 4th ed., M/M/c waiting-time distribution). Returns 0.0 when the system
    is unstable (``a >= c``).
    """
    c = check_servers(servers)
    lam = check_positive("arrival_rate", arrival_rate)
    s = check_positive("mean_service", mean_service)
    t = check_threshold(threshold)
    a = lam * s
    if a >= c:
        return 0.0
    return _mmc_service_level(c, a, s, t, erlang_c(c, a))


def _mmc_service_level(c: int, a: float, s: float, t: float, p_wait: float) -> float:
    return 1.0 - p_wait * math.exp(-(c - a) * t / s)


def mmc_mean_queue_length(servers: int, arrival_rate: float, mean_service: float) -> float:
    """Mean number waiting in the M/M/c queue, ``L_q = lambda W_q`` (Little's law).

    Gross et al., *Fundamentals of Queueing Theory*, 4th ed., M/M/c model. Returns
    ``math.inf`` when the system is unstable.
    """
    wait = mmc_mean_wait(servers, arrival_rate, mean_service)
    return math.inf if math.isinf(wait) else float(arrival_rate) * wait


# --------------------------------------------------------------------------------------------
# Staffing
# --------------------------------------------------------------------------------------------


def sqrt_staffing(offered_load: float, beta: float) -> int:
    """Square-root staffing rule ``c = ceil(a + beta sqrt(a))``.

    Halfin & Whitt (1981), "Heavy-traffic limits for queues with many exponential servers",
    Operations Research 29(3); Borst, Mandelbaum & Reiman (2004), "Dimensioning large call
    centers", Operations Research 52(1). A relative slack of 1e-9 is removed before rounding
    up so that floating-point noise (e.g. ``110.00000000000001``) does not add an agent; the
    result is at least 1.
    """
    a = check_positive("offered_load", offered_load)
    b = check_real("beta", beta)
    if math.isinf(b):
        raise ValueError("beta must be finite")
    raw = a + b * math.sqrt(a)
    return max(1, math.ceil(raw - 1e-9 * max(1.0, abs(raw))))


def min_servers_for_service_level(
    arrival_rate: float, mean_service: float, threshold: float, target: float
) -> int:
    """Smallest ``c`` with ``mmc_service_level(c, ...) >= target`` (Erlang C staffing).

    Scans ``c = floor(a) + 1, floor(a) + 2, ...`` (smaller ``c`` is unstable) carrying the
    Erlang B recursion forward, so the cost is linear in the answer. The service level is
    increasing in ``c`` (Gross et al., *Fundamentals of Queueing Theory*, 4th ed., M/M/c).
    ``target`` must lie strictly between 0 and 1.
    """
    lam = check_positive("arrival_rate", arrival_rate)
    s = check_positive("mean_service", mean_service)
    t = check_threshold(threshold)
    goal = check_real("target", target)
    if not 0.0 < goal < 1.0:
        raise ValueError(f"target must be strictly between 0 and 1, got {goal}")
    a = lam * s
    c = math.floor(a) + 1
    b = erlang_b(c, a)
    while True:
        if _mmc_service_level(c, a, s, t, _erlang_c_from_b(c, a, b)) >= goal:
            return c
        c += 1
        b = a * b / (c + a * b)
