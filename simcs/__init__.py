"""simcs: discrete-event simulation of a B2B software company's post-sales organisation.

Notebook API:
- `load_scenario(path)` reads and validates a scenario file (None: the built-in default);
- `simulate(scenario, seed=..., replication=...)` runs one replication;
- `run(scenario, replications=..., seed=..., workers=...)` runs many and summarises them.
"""

from simcs.loading import ScenarioError, load_scenario

__version__ = "0.1.0"

__all__ = ["ScenarioError", "__version__", "load_scenario"]
