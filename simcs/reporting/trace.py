"""`simcs trace`: a readable timeline of a few customers' journeys, and the full event log.

One replication runs with the journal on. The timeline shows, per customer, what happened and
when (calendar day), which staff did it and roughly what it cost, how its health stood at
each renewal (base churn, the driver odds, the churn probability that followed) and, when the
segmentation rule moved it, the re-tiering. A customer is known by its group and serial.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict

from simcs.calendar import hours_to_days
from simcs.model.customer import Customer
from simcs.model.journal import Entry, Journal
from simcs.model.organisation import Organisation
from simcs.records import split_cell
from simcs.scenario import Scenario


def traced_replication(scenario: Scenario, seed: int, replication: int) -> Organisation:
    """Run one replication with the journal on; the organisation keeps customers and journal."""
    organisation = Organisation(scenario, seed, replication, journal=Journal(enabled=True))
    organisation.run()
    return organisation


def pick_customers(organisation: Organisation, n: int) -> list[Customer]:
    """N customers taken in turn from each tier they started in (t=0 book first, then new
    logos); with two or more, the first customer the segmentation rule moved is one of them."""
    by_tier: dict[str, list[Customer]] = defaultdict(list)
    for c in sorted(organisation.customers, key=lambda c: c.serial):
        by_tier[split_cell(c.first_cell)[0]].append(c)
    moved = _first_moved(organisation)
    picked: list[Customer] = []
    if moved is not None and n >= 2:
        picked.append(moved)
    depth = 0
    while len(picked) < n and any(len(v) > depth for v in by_tier.values()):
        for tier in organisation.scenario.tiers:
            if depth < len(by_tier[tier]) and len(picked) < n:
                candidate = by_tier[tier][depth]
                if candidate is not moved:
                    picked.append(candidate)
        depth += 1
    return picked


def _first_moved(organisation: Organisation) -> Customer | None:
    """The first customer re-tiered in the replication, if any."""
    for _time, group, serial, event, _detail in organisation.journal.entries:
        if event == "re-tiered":
            for c in organisation.customers:
                if c.group == group and c.serial == serial:
                    return c
    return None


def timeline(organisation: Organisation, customers: list[Customer]) -> str:
    """The journeys of `customers`, one block each."""
    entries: dict[tuple[str, int], list[Entry]] = defaultdict(list)
    for entry in organisation.journal.entries:
        entries[(entry[1], entry[2])].append(entry)
    blocks = []
    scenario = organisation.scenario
    for c in customers:
        tier = scenario.tiers[c.tier]
        first = scenario.tiers[split_cell(c.first_cell)[0]]
        state = "churned" if c.churn_time is not None else "active"
        served = tier.label if first is tier else f"{first.label}, now {tier.label}"
        head = (
            f"{scenario.population[c.group].label} customer #{c.serial} ({served}): ARR now "
            f"${c.arr:,.0f}, base churn {c.theta:.1%}, "
            f"{'exec sponsor, ' if c.exec_sponsor else ''}coverage {tier.coverage}, {state} "
            "at the end"
        )
        lines = [head]
        # by time only: sorting is stable, so the events of one instant keep the order they
        # happened in (a renewal decision before the churn it caused)
        for time, _group, _serial, event, detail in sorted(
            entries[(c.group, c.serial)], key=lambda e: e[0]
        ):
            lines.append(f"  day {hours_to_days(time):7.1f}  {event:<17s} {detail}")
        if len(lines) == 1:
            lines.append("  (nothing happened within the horizon)")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def events_csv(organisation: Organisation) -> str:
    """The full event log: time_hours,day,group,customer,event,detail (in time order; a
    customer is known by its group and serial)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["time_hours", "day", "group", "customer", "event", "detail"])
    for time, group, serial, event, detail in sorted(
        organisation.journal.entries, key=lambda e: (e[0], e[1], e[2])
    ):
        writer.writerow([repr(time), f"{hours_to_days(time):.2f}", group, serial, event, detail])
    return buffer.getvalue()
