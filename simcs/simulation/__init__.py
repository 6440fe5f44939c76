"""The simulation layer: one replication as a pure function, its metrics, where replications
run (backends) and the crash-safe store of finished ones."""
