"""Random number streams: one `SeedSequence` per run, one independent stream per purpose.

A stream is identified by *what it is for*, never by the order in which it was asked for:
`(replication, purpose, tier, customer serial, ...)` is hashed into the `spawn_key` of the
run's `SeedSequence`. So replication r of any two scenarios draws the same new-logo arrival
times, and customer k of a tier has the same ARR, base churn propensity, case arrivals,
champion departures and renewal draws in both, wherever a scenario does not change them:
common random numbers, and a paired comparison as sharp as it can be.
"""

from __future__ import annotations

import zlib

import numpy as np

# Purposes (stable integers: changing one changes every result).
NEW_LOGOS = 1
CUSTOMER_ATTRIBUTES = 2
CUSTOMER_CASES = 3
CUSTOMER_CHAMPION = 4
CUSTOMER_TRAINING = 6
STAFF_ATTRITION = 7
STAFF_START = 8
#: a back-test's draws of the fitted parameters (outside any replication's model)
PARAMETER_DRAWS = 9


def name_key(name: str) -> int:
    """A stable integer for a name (tier or pool), for use in a spawn key."""
    return zlib.crc32(name.encode("utf-8"))


class Streams:
    """The random streams of one replication of one run."""

    def __init__(self, seed: int, replication: int) -> None:
        if seed < 0 or replication < 0:
            raise ValueError("seed and replication must be non-negative integers")
        self.seed = seed
        self.replication = replication

    def stream(self, purpose: int, *key: int) -> np.random.Generator:
        """An independent generator for `purpose` and the identifying integers `key`."""
        seq = np.random.SeedSequence(self.seed, spawn_key=(self.replication, purpose, *key))
        return np.random.Generator(np.random.PCG64(seq))
