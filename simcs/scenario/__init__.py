"""The scenario layer: the validated parameters of one simulated organisation, and their files.

`fields` holds what every field is made of (documentation, number types, bounds); `population`
(who the customers are), `tiers` (the service), `segmentation` (which tier serves whom),
`staff`, `playbook` and `drivers` the sections; `legacy` reads the old shape; `schema` the
`Scenario` and its cross-field checks; `files` reads and writes scenario files with clear
errors.
"""

from simcs.scenario.drivers import CoverageShift, Drivers, ExpansionDrivers, RelationshipOdds
from simcs.scenario.fields import Strict, about
from simcs.scenario.playbook import SupportPolicy
from simcs.scenario.population import CustomerGroup
from simcs.scenario.schema import Scenario
from simcs.scenario.segmentation import Placement, Segmentation
from simcs.scenario.staff import Staff, StaffPool
from simcs.scenario.staffing_policy import PlanStep, StaffingPolicy, WorkloadRule
from simcs.scenario.tiers import Tier

__all__ = [
    "CoverageShift",
    "CustomerGroup",
    "Drivers",
    "ExpansionDrivers",
    "RelationshipOdds",
    "Placement",
    "Scenario",
    "Segmentation",
    "Staff",
    "StaffPool",
    "StaffingPolicy",
    "PlanStep",
    "WorkloadRule",
    "Strict",
    "SupportPolicy",
    "Tier",
    "about",
]
