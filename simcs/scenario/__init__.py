"""The scenario layer: the validated parameters of one simulated organisation, and their files.

`fields` holds what every field is made of (documentation, number types, bounds); `tiers`,
`staff`, `playbook` and `drivers` the sections; `schema` the `Scenario` and its cross-field
checks; `files` reads and writes scenario files with clear errors.
"""

from simcs.scenario.drivers import CoverageShift, Drivers, ExpansionDrivers, RelationshipOdds
from simcs.scenario.fields import Strict, about
from simcs.scenario.playbook import SupportPolicy
from simcs.scenario.schema import Scenario
from simcs.scenario.staff import Staff, StaffPool
from simcs.scenario.tiers import Tier

__all__ = [
    "CoverageShift",
    "Drivers",
    "ExpansionDrivers",
    "RelationshipOdds",
    "Scenario",
    "Staff",
    "StaffPool",
    "Strict",
    "SupportPolicy",
    "Tier",
    "about",
]
