"""The post-sales organisation as a SimPy model: one replication is `simulate(scenario, seed)`."""
