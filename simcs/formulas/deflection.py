"""Self-service deflection: the share of support cases resolved before they reach an agent.

The scenario's self-service deflection, plus the content council's extra deflection when that
lever is on, capped at every case. The simulated desk (`simcs.model.support`) and the analytic
capacity model (`simcs.planning.capacity`) both take it from here.
"""

from __future__ import annotations


def effective_deflection(
    self_service_deflection: float, council_enabled: bool, council_extra_deflection: float
) -> float:
    """Probability that a case is deflected: self-service plus the content council's extra
    share (when the council runs), at most 1."""
    extra = council_extra_deflection if council_enabled else 0.0
    return min(1.0, self_service_deflection + extra)
