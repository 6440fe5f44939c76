"""Erlang A (M/M/c+M): a support queue whose customers give up waiting.

Poisson arrivals (``arrival_rate`` per hour), ``servers`` agents with exponential handling
times (mean ``mean_service`` hours), first come, first served, and each waiting customer
abandoning after an exponential patience (mean ``mean_patience`` hours). The stationary law
of the birth-death chain is computed exactly (truncated where the tail is negligible, in log
space), and the share of arrivals answered within a threshold from the tagged customer's
phase-type absorption. With infinite patience everything reduces to Erlang C
(:mod:`simcs.formulas.erlang_c`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csc_array
from scipy.sparse.linalg import expm_multiply
from scipy.special import gammaincc, logsumexp

from simcs.formulas.erlang_c import (
    check_patience,
    check_positive,
    check_servers,
    check_threshold,
    erlang_c,
    mmc_mean_wait,
    mmc_service_level,
)

__all__ = ["ErlangAResult", "erlang_a", "erlang_a_service_level"]

# Relative size below which the neglected tail of the Erlang A chain is dropped.
_TAIL_RTOL = 1e-17
_LOG_TAIL_RTOL = math.log(_TAIL_RTOL)
# Hard cap on the number of queue states kept (guards against near-critical, near-infinite
# patience systems whose stationary tail decays too slowly to be truncated sensibly).
_MAX_QUEUE_STATES = 2_000_000
_FIRST_CHUNK = 256


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
    c = check_servers(servers)
    lam = check_positive("arrival_rate", arrival_rate)
    s = check_positive("mean_service", mean_service)
    patience = check_patience(mean_patience)
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
    c = check_servers(servers)
    lam = check_positive("arrival_rate", arrival_rate)
    s = check_positive("mean_service", mean_service)
    patience = check_patience(mean_patience)
    t = check_threshold(threshold)
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
