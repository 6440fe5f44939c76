"""`simcs trace`: a readable timeline of a few customers' journeys, and the full event log.

One replication runs with the journal on. The timeline shows, per customer, what happened and
when (calendar day), which staff did it and roughly what it cost, and how its health stood at
each renewal (base churn, the driver odds, the churn probability that followed).
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict

from simcs.calendar import hours_to_days
from simcs.model.customer import Customer
from simcs.model.journal import Entry, Journal
from simcs.model.organisation import Organisation
from simcs.scenario import Scenario


def traced_replication(scenario: Scenario, seed: int, replication: int) -> Organisation:
    """Run one replication with the journal on; the organisation keeps customers and journal."""
    organisation = Organisation(scenario, seed, replication, journal=Journal(enabled=True))
    organisation.run()
    return organisation


def pick_customers(organisation: Organisation, n: int) -> list[Customer]:
    """N customers taken in turn from each tier (t=0 book first, then new logos)."""
    by_tier: dict[str, list[Customer]] = defaultdict(list)
    for c in sorted(organisation.customers, key=lambda c: c.serial):
        by_tier[c.tier].append(c)
    picked: list[Customer] = []
    depth = 0
    while len(picked) < n and any(len(v) > depth for v in by_tier.values()):
        for tier in organisation.scenario.tiers:
            if depth < len(by_tier[tier]) and len(picked) < n:
                picked.append(by_tier[tier][depth])
        depth += 1
    return picked


def timeline(organisation: Organisation, customers: list[Customer]) -> str:
    """The journeys of `customers`, one block each."""
    entries: dict[tuple[str, int], list[Entry]] = defaultdict(list)
    for entry in organisation.journal.entries:
        entries[(entry[1], entry[2])].append(entry)
    blocks = []
    for c in customers:
        tier = organisation.scenario.tiers[c.tier]
        state = "churned" if c.churn_time is not None else "active"
        head = (
            f"{tier.label} customer #{c.serial}: ARR now ${c.arr:,.0f}, base churn "
            f"{c.theta:.1%}, {'exec sponsor, ' if c.exec_sponsor else ''}"
            f"coverage {tier.coverage}, {state} at the end"
        )
        lines = [head]
        # by time only: sorting is stable, so the events of one instant keep the order they
        # happened in (a renewal decision before the churn it caused)
        for time, _tier, _serial, event, detail in sorted(
            entries[(c.tier, c.serial)], key=lambda e: e[0]
        ):
            lines.append(f"  day {hours_to_days(time):7.1f}  {event:<17s} {detail}")
        if len(lines) == 1:
            lines.append("  (nothing happened within the horizon)")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def events_csv(organisation: Organisation) -> str:
    """The full event log: time_hours,day,tier,customer,event,detail (in time order)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["time_hours", "day", "tier", "customer", "event", "detail"])
    for time, tier, serial, event, detail in sorted(
        organisation.journal.entries, key=lambda e: (e[0], e[1], e[2])
    ):
        writer.writerow([repr(time), f"{hours_to_days(time):.2f}", tier, serial, event, detail])
    return buffer.getvalue()
