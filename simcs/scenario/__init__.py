"""The scenario layer: the validated parameters of one simulated organisation, and their files.

`schema` holds the models; `files` reads and writes scenario files with clear errors.
"""

from simcs.scenario.schema import (
    Drivers,
    ExpansionDrivers,
    RelationshipOdds,
    Scenario,
    StaffPool,
    Strict,
    Tier,
)

__all__ = [
    "Drivers",
    "ExpansionDrivers",
    "RelationshipOdds",
    "Scenario",
    "StaffPool",
    "Strict",
    "Tier",
]
