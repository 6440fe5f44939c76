"""Erlang queueing formulas for sizing and validating a support queue.

Models a pool of ``servers`` identical agents fed by Poisson arrivals (``arrival_rate`` per
hour) with exponential handling times (mean ``mean_service`` hours), served first come, first
served:

* Erlang B (M/M/c/c, blocked calls lost) and Erlang C (M/M/c, infinite patience);
* Erlang A (M/M/c+M, customers abandon after an exponential patience with mean
  ``mean_patience`` hours), computed exactly from its birth-death chain;
* square-root staffing and the smallest staffing level meeting a service-level target.

The offered load is ``arrival_rate * mean_service`` (Erlangs). All functions are pure and
deterministic.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np
from scipy.sparse import csc_array
from scipy.sparse.linalg import expm_multiply
from scipy.special import gammaincc, logsumexp

__all__ = [
    "ErlangAResult",
    "erlang_a",
    "erlang_a_service_level",
    "erlang_b",
    "erlang_c",
    "min_servers_for_service_level",
    "mmc_mean_queue_length",
    "mmc_mean_wait",
    "mmc_service_level",
    "sqrt_staffing",
]

# Relative size below which the neglected tail of the Erlang A chain is dropped.
_TAIL_RTOL = 1e-17
_LOG_TAIL_RTOL = math.log(_TAIL_RTOL)
# Hard cap on the number of queue states kept (guards against near-critical, near-infinite
# patience systems whose stationary tail decays too slowly to be truncated sensibly).
_MAX_QUEUE_STATES = 2_000_000
_FIRST_CHUNK = 256


# --------------------------------------------------------------------------------------------
# Argument validation
# --------------------------------------------------------------------------------------------


def _check_servers(servers: int) -> int:
    if isinstance(servers, bool) or not isinstance(servers, Integral):
        raise ValueError(f"servers must be an integer, got {servers!r}")
    if servers < 1:
        raise ValueError(f"servers must be >= 1, got {servers}")
    return int(servers)


def _check_real(name: str, value: float) -> float:
    if isinstance(value, bool) or not isinstance(value, Real):
        raise ValueError(f"{name} must be a real number, got {value!r}")
    value = float(value)
    if math.isnan(value):
        raise ValueError(f"{name} must not be NaN")
    return value


def _check_positive(name: str, value: float) -> float:
    value = _check_real(name, value)
    if not (0.0 < value < math.inf):
        raise ValueError(f"{name} must be positive and finite, got {value}")
    return value


def _check_load(offered_load: float) -> float:
    value = _check_real("offered_load", offered_load)
    if not (0.0 <= value < math.inf):
        raise ValueError(f"offered_load must be non-negative and finite, got {value}")
    return value


def _check_threshold(threshold: float) -> float:
    value = _check_real("threshold", threshold)
    if value < 0.0:
        raise ValueError(f"threshold must be >= 0 (hours), got {value}")
    return value


def _check_patience(mean_patience: float) -> float:
    value = _check_real("mean_patience", mean_patience)
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
    c = _check_servers(servers)
    a = _check_load(offered_load)
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
    c = _check_servers(servers)
    a = _check_load(offered_load)
    if a >= c:
        return 1.0
    return _erlang_c_from_b(c, a, erlang_b(c, a))


def mmc_mean_wait(servers: int, arrival_rate: float, mean_service: float) -> float:
    """Mean time in queue (hours) of the M/M/c queue, over all arrivals.

    ``W_q = C(c, a) / (c mu - lambda)`` with ``mu = 1 / mean_service`` and
    ``a = lambda / mu`` (Gross et al., *Fundamentals of Queueing Theory*, 4th ed., M/M/c).
    Returns ``math.inf`` when ``a >= c``.
    """
    c = _check_servers(servers)
    lam = _check_positive("arrival_rate", arrival_rate)
    s = _check_positive("mean_service", mean_service)
    a = lam * s
    if a >= c:
        return math.inf
    # c mu - lambda == (c - a) / s, written so that it is positive whenever a < c.
    return erlang_c(c, a) * s / (c - a)


def mmc_service_level(
    servers: int, arrival_rate: float, mean_service: float, threshold: float
) -> float:
    """Fraction of arrivals whose wait is at most ``threshold`` hours in the M/M/c queue.

    ``P(W_q <= t) = 1 - C(c, a) exp(-(c mu - lambda) t)`` (Gross et al., *Fundamentals of
    Queueing Theory*, 4th ed., M/M/c waiting-time distribution). Returns 0.0 when the system
    is unstable (``a >= c``).
    """
    c = _check_servers(servers)
    lam = _check_positive("arrival_rate", arrival_rate)
    s = _check_positive("mean_service", mean_service)
    t = _check_threshold(threshold)
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
# Erlang A (M/M/c+M)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ErlangAResult:
    """Steady-state performance of the M/M/c+M (Erlang A) queue.

    Attributes:
        p_wait: probability an arrival finds all servers busy and has to queue (PASTA).
        p_abandon: probability an arrival abandons before being served.
        mean_wait: mean time in queue (hours) over ALL arrivals, served or abandoned.
        mean_queue_length: mean number of customers waiting.
        throughput: customers served per hour.
    """

    p_wait: float
    p_abandon: float
    mean_wait: float
    mean_queue_length: float
    throughput: float


@dataclass(frozen=True, slots=True)
class _ErlangAChain:
    """Truncated stationary law of the Erlang A chain, split at ``servers``."""

    p_idle: float  # P(N < c): an arrival starts service at once
    p_queue: np.ndarray  # p_queue[j] = P(N = c + j), j = 0..J


def _erlang_a_chain(c: int, lam: float, mu: float, theta: float) -> _ErlangAChain:
    """Stationary distribution of the Erlang A birth-death chain, in log space.

    Birth rate ``lambda``, death rate ``min(n, c) mu + max(n - c, 0) theta``. Unnormalised
    log-weights follow ``log w_n = log w_{n-1} + log lambda - log death_n``. The tail above
    ``c`` is generated in growing chunks and cut at the first ``J`` where the successive
    ratio ``r = lambda / (c mu + (J+1) theta)`` is below 1 (so terms decrease geometrically
    from there on) and the bound ``sum_{m>J} (1+m) w_{c+m} <= w_{c+J} (J+2) r / (1-r)^2`` is
    below ``_TAIL_RTOL`` times both the queue mass and ``sum_{m<=J} m w_{c+m}`` kept so far.
    Hence P(wait) and L_q carry a relative truncation error below ``_TAIL_RTOL``.
    """
    log_lam = math.log(lam)
    head = np.concatenate(([0.0], np.cumsum(log_lam - np.log(mu * np.arange(1, c + 1)))))
    pieces = [head[c:]]  # tail starts at state c (j = 0)
    log_mass = float(head[c])  # log sum_{j<=J} w_{c+j}
    log_lq = -math.inf  # log sum_{1<=j<=J} j w_{c+j}
    last = float(head[c])
    start, size = 1, _FIRST_CHUNK
    while True:
        j = np.arange(start, start + size, dtype=float)
        logs = last + np.cumsum(log_lam - np.log(c * mu + j * theta))
        run_mass = np.logaddexp.accumulate(np.concatenate(([log_mass], logs)))[1:]
        run_lq = np.logaddexp.accumulate(np.concatenate(([log_lq], logs + np.log(j))))[1:]
        r_next = lam / (c * mu + (j + 1.0) * theta)
        with np.errstate(divide="ignore", invalid="ignore"):
            log_bound = logs + np.log(j + 2.0) + np.log(r_next) - 2.0 * np.log1p(-r_next)
        done = (r_next < 1.0) & (log_bound < np.minimum(run_mass, run_lq) + _LOG_TAIL_RTOL)
        hits = np.flatnonzero(done)
        if hits.size:
            pieces.append(logs[: hits[0] + 1])
            break
        pieces.append(logs)
        log_mass, log_lq, last = float(run_mass[-1]), float(run_lq[-1]), float(logs[-1])
        start += size
        size *= 2
        if start > _MAX_QUEUE_STATES:
            raise ValueError(
                "Erlang A chain cannot be truncated: the queue tail decays too slowly "
                "(load at or above capacity with very long patience)"
            )
    tail = np.concatenate(pieces)
    log_norm = float(np.logaddexp(logsumexp(head[:c]), logsumexp(tail)))
    return _ErlangAChain(
        p_idle=float(np.exp(logsumexp(head[:c]) - log_norm)),
        p_queue=np.exp(tail - log_norm),
    )


def erlang_a(
    servers: int, arrival_rate: float, mean_service: float, mean_patience: float
) -> ErlangAResult:
    """Steady state of the M/M/c+M queue (Erlang A; Palm 1943).

    Exact solution of the birth-death chain with birth rate ``lambda`` and death rate
    ``min(n, c) mu + max(n - c, 0) theta``, ``theta = 1 / mean_patience`` (Garnett,
    Mandelbaum & Reiman 2002, "Designing a call center with impatient customers", M&SOM
    4(3)), truncated where the tail falls below 1e-17 relative and computed in log space so
    nothing overflows for thousands of servers. Then ``p_wait = P(N >= c)`` (PASTA),
    ``L_q = E[(N - c)^+]``, ``p_abandon = theta L_q / lambda``, ``mean_wait = L_q / lambda``
    (Little's law) and ``throughput = lambda (1 - p_abandon)``.

    ``mean_patience = math.inf`` gives the Erlang C (M/M/c) values, which require
    ``arrival_rate * mean_service < servers``.
    """
    c = _check_servers(servers)
    lam = _check_positive("arrival_rate", arrival_rate)
    s = _check_positive("mean_service", mean_service)
    patience = _check_patience(mean_patience)
    if math.isinf(patience):
        if lam * s >= c:
            raise ValueError(
                "with infinite patience the queue is unstable unless "
                "arrival_rate * mean_service < servers"
            )
        wait = mmc_mean_wait(c, lam, s)
        return ErlangAResult(
            p_wait=erlang_c(c, lam * s),
            p_abandon=0.0,
            mean_wait=wait,
            mean_queue_length=lam * wait,
            throughput=lam,
        )
    theta = 1.0 / patience
    chain = _erlang_a_chain(c, lam, 1.0 / s, theta)
    q = chain.p_queue
    queue_length = float(np.dot(np.arange(q.size, dtype=float), q))
    p_abandon = theta * queue_length / lam
    return ErlangAResult(
        p_wait=float(q.sum()),
        p_abandon=p_abandon,
        mean_wait=queue_length / lam,
        mean_queue_length=queue_length,
        throughput=lam * (1.0 - p_abandon),
    )


def erlang_a_service_level(
    servers: int,
    arrival_rate: float,
    mean_service: float,
    mean_patience: float,
    threshold: float,
) -> float:
    """Fraction of ALL arrivals that start service within ``threshold`` hours (M/M/c+M).

    An arrival that is abandoned, or still waiting at ``threshold``, counts as a miss; an
    arrival that finds a free agent counts as a hit. Derivation (FCFS, memoryless patience):
    an arrival that finds ``N = c + j`` customers present (probability ``P(N = c + j)`` by
    PASTA) has ``j`` customers ahead of it. While ``k`` are ahead, the tagged customer
    moves one place forward at rate ``c mu + k theta`` (a service completion pulls the
    head of the line in, or one of the ``k`` ahead abandons) and abandons itself at rate
    ``theta``; customers behind it are irrelevant. From ``k = 0`` the next service
    completion (rate ``c mu``) starts its service. So

        SL(t) = P(N < c) + sum_j P(N = c + j) P_j(absorbed in "served" by time t),

    a phase-type absorption probability obtained from the Kolmogorov forward equations
    ``x(t) = expm(A t) x(0)`` of this pure-death chain with ``x(0)_j = P(N = c + j)``, using
    ``scipy.sparse.linalg.expm_multiply`` (Al-Mohy & Higham 2011) on the sparse generator.
    For ``threshold = inf`` (or any threshold beyond which less than 1e-17 of the mass is
    still waiting) the product telescopes to ``P_j(served) = c mu / (c mu + (j + 1) theta)``.
    With ``mean_patience = math.inf`` this reduces to :func:`mmc_service_level`. The model
    is that of Garnett, Mandelbaum & Reiman (2002); the stationary law is computed as in
    :func:`erlang_a`.
    """
    c = _check_servers(servers)
    lam = _check_positive("arrival_rate", arrival_rate)
    s = _check_positive("mean_service", mean_service)
    patience = _check_patience(mean_patience)
    t = _check_threshold(threshold)
    if math.isinf(patience):
        if lam * s >= c:
            raise ValueError(
                "with infinite patience the queue is unstable unless "
                "arrival_rate * mean_service < servers"
            )
        return mmc_service_level(c, lam, s, t)
    mu, theta = 1.0 / s, 1.0 / patience
    chain = _erlang_a_chain(c, lam, mu, theta)
    q = chain.p_queue
    if t == 0.0:
        return chain.p_idle
    ahead = np.arange(q.size, dtype=float)
    eventually = chain.p_idle + float(np.dot(q, c * mu / (c * mu + (ahead + 1.0) * theta)))
    # Every move of the tagged customer happens at rate >= c mu, so the time it needs is
    # stochastically below Gamma(j + 1, c mu); once that tail mass is negligible at t the
    # answer is the t = inf limit (also keeps expm_multiply's cost, ~ ||A|| t, bounded).
    if math.isinf(t) or float(np.dot(q, gammaincc(ahead + 1.0, c * mu * t))) < _TAIL_RTOL:
        return min(1.0, eventually)
    served = _served_within(q, c * mu, theta, t)
    return min(1.0, chain.p_idle + served)


def _served_within(p_ahead: np.ndarray, service_rate: float, theta: float, t: float) -> float:
    """Probability mass absorbed in "served" by time ``t`` for the tagged-customer chain.

    States ``k = 0..J`` (customers ahead) plus an absorbing "served" state with index
    ``J + 1``; abandonment is an unrepresented absorbing state (mass simply leaks out).
    """
    n = p_ahead.size
    k = np.arange(n, dtype=float)
    forward = service_rate + k * theta  # rate k -> k-1 (k = 0: -> served)
    rows = np.concatenate((np.arange(n), np.arange(n - 1), [n]))
    cols = np.concatenate((np.arange(n), np.arange(1, n), [0]))
    data = np.concatenate((-(forward + theta), forward[1:], [service_rate])) * t
    generator_t = csc_array((data, (rows, cols)), shape=(n + 1, n + 1))
    x0 = np.concatenate((p_ahead, [0.0]))
    x_t = expm_multiply(generator_t, x0)
    return float(x_t[-1])


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
    a = _check_positive("offered_load", offered_load)
    b = _check_real("beta", beta)
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
    lam = _check_positive("arrival_rate", arrival_rate)
    s = _check_positive("mean_service", mean_service)
    t = _check_threshold(threshold)
    goal = _check_real("target", target)
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
