"""The journal: what happened to each customer, when, by whom, at what cost (for `simcs trace`).

Off by default: every hook checks `enabled` first, so ordinary runs pay one attribute read.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: (time in hours, customer group, customer serial, event, detail): a customer is known by its
#: group and serial (its tier may change)
Entry = tuple[float, str, int, str, str]


@dataclass
class Journal:
    """The event log of one replication."""

    enabled: bool = False
    entries: list[Entry] = field(default_factory=list)

    def record(self, time: float, group: str, serial: int, event: str, detail: str = "") -> None:
        """Add an entry (only when enabled)."""
        if self.enabled:
            self.entries.append((time, group, serial, event, detail))
