"""simcs: discrete-event simulation of a B2B software company's post-sales organisation.

Notebook API:
- `load_scenario(path)` reads and validates a scenario file (None: the built-in default);
- `simulate(scenario, seed=..., replication=...)` runs one replication and returns its tidy
  records and per-year metrics;
- `run(scenario, replications=..., seed=..., workers=...)` runs many replications on the same
  engine as the command line and returns an object with `.summary()` (95% intervals),
  `.table()` (the tidy table), `.rows` and `.series` (monthly pool series); `store_path=...`
  keeps finished replications in a resumable store.

The names are loaded on first use, so `import simcs` (and `simcs.__version__`) loads neither
SimPy nor the model.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

#: public name -> module that defines it
_API = {
    "ReplicationResult": "simcs.simulation.replication",
    "simulate": "simcs.simulation.replication",
    "RunResult": "simcs.simulation.runner",
    "run": "simcs.simulation.runner",
    "Scenario": "simcs.scenario",
    "ScenarioError": "simcs.scenario.files",
    "load_scenario": "simcs.scenario.files",
}

if TYPE_CHECKING:  # pragma: no cover
    from simcs.scenario import Scenario
    from simcs.scenario.files import ScenarioError, load_scenario
    from simcs.simulation.replication import ReplicationResult, simulate
    from simcs.simulation.runner import RunResult, run


def __getattr__(name: str) -> Any:
    if name in _API:
        return getattr(import_module(_API[name]), name)
    raise AttributeError(f"module 'simcs' has no attribute {name!r}")


__all__ = [
    "ReplicationResult",
    "RunResult",
    "Scenario",
    "ScenarioError",
    "__version__",
    "load_scenario",
    "run",
    "simulate",
]
