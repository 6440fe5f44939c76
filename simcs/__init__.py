"""simcs: discrete-event simulation of a B2B software company's post-sales organisation.

Notebook API:
- `load_scenario(path)` reads and validates a scenario file (None: the built-in default);
- `simulate(scenario, seed=..., replication=...)` runs one replication and returns its tidy
  records and per-year metrics;
- `run(scenario, replications=..., seed=..., workers=...)` runs many replications and returns
  an object with `.summary()` (95% intervals) and `.table()` (the tidy table).
"""

__version__ = "0.1.0"

from simcs.loading import ScenarioError, load_scenario  # noqa: E402
from simcs.replication import ReplicationResult, simulate  # noqa: E402
from simcs.runner import RunResult, run  # noqa: E402
from simcs.scenario import Scenario  # noqa: E402

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
