"""Experiments: variants of a scenario run with common random numbers and compared in pairs;
sweeps over parameters and robustness over the plausible range of uncertain inputs."""
