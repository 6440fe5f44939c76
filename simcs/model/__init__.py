"""The post-sales organisation as a SimPy model: `Organisation(scenario, seed, replication).run()`
simulates one replication (`organisation.py`); `simcs/simulation/replication.py` wraps it as
`simulate(scenario, seed, replication)`. The conceptual model is `docs/background/model.md`."""
