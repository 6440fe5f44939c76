"""Erlang queueing formulas for sizing and validating a support queue, in one namespace.

Erlang B and C (M/M/c/c and M/M/c: patient customers, waits, service level, staffing) live in
:mod:`simcs.formulas.erlang_c`; Erlang A (M/M/c+M: customers who abandon) in
:mod:`simcs.formulas.erlang_a`. Import either from here.
"""

from __future__ import annotations

from simcs.formulas.erlang_a import ErlangAResult, erlang_a, erlang_a_service_level
from simcs.formulas.erlang_c import (
    erlang_b,
    erlang_c,
    mgc_mean_wait,
    min_servers_for_service_level,
    mmc_mean_queue_length,
    mmc_mean_wait,
    mmc_service_level,
    sqrt_staffing,
)

__all__ = [
    "ErlangAResult",
    "erlang_a",
    "erlang_a_service_level",
    "erlang_b",
    "erlang_c",
    "mgc_mean_wait",
    "min_servers_for_service_level",
    "mmc_mean_queue_length",
    "mmc_mean_wait",
    "mmc_service_level",
    "sqrt_staffing",
]
