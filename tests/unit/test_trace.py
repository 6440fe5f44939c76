"""`simcs trace` and `simcs schema`: journeys, the event log, and the scenario's JSON Schema."""

from __future__ import annotations

import csv
import io
import json

from click.testing import CliRunner

from simcs.cli import main
from simcs.model.organisation import Organisation
from simcs.records import split_cell
from simcs.reporting.trace import events_csv, pick_customers, timeline, traced_replication
from simcs.scenario import Scenario
from simcs.simulation.metrics import tidy_records
from tests.conftest import shrink


def test_tracing_changes_no_result(baseline: Scenario) -> None:
    small = shrink(baseline, 10, 2)
    plain = Organisation(small, 4, 1).run()
    traced = traced_replication(small, 4, 1)
    assert plain.ledger.sums and plain.ledger.sums == traced.ledger.sums
    assert tidy_records(plain.ledger, small, 1) == tidy_records(traced.ledger, small, 1)
    assert Organisation(small, 4, 1).journal.entries == []  # off by default


def test_timeline_tells_each_story(baseline: Scenario) -> None:
    small = shrink(baseline, 10, 2)
    organisation = traced_replication(small, 5, 0)
    picked = pick_customers(organisation, 5)
    moved = [e for e in organisation.journal.entries if e[3] == "re-tiered"]
    assert moved  # the baseline re-tiers customers whose ARR crosses a band at renewal
    first = picked[0]
    assert (first.group, first.serial) == moved[0][1:3]  # the first customer moved leads
    started = [split_cell(c.first_cell)[0] for c in picked[1:]]
    assert started == list(small.tiers)  # then one per tier it started in, in turn
    text = timeline(organisation, picked)
    assert text.count("customer #") == 5
    assert "re-tiered" in text and ", now " in text.splitlines()[0]
    assert "renewal decision" in text and "p(churn)" in text
    assert "case answered" in text and "SLA" in text
    events = list(csv.DictReader(io.StringIO(events_csv(organisation))))
    assert list(events[0]) == ["time_hours", "day", "group", "customer", "event", "detail"]
    times = [float(e["time_hours"]) for e in events]
    assert times == sorted(times)
    kinds = {e["event"] for e in events}
    assert {"sale", "go-live", "renewal decision", "champion left", "case answered"} <= kinds
    assert len([e for e in events if e["event"] in ("renewed", "churned")]) == len(
        [e for e in events if e["event"] == "renewal decision"]
    )


def test_cli_trace_and_schema(tmp_path) -> None:
    out = tmp_path / "events.csv"
    result = CliRunner().invoke(main, ["trace", "--customers", "2", "--events", str(out)])
    assert result.exit_code == 0, result.output
    assert "$250k+ customer #0 (Strategic)" in result.output
    assert "re-tiered" in result.output and out.read_text().startswith("time_hours")
    schema = CliRunner().invoke(main, ["schema"])
    assert schema.exit_code == 0
    doc = json.loads(schema.output)
    assert {"population", "tiers", "segmentation", "staff", "drivers"} <= set(doc["properties"])
    assert doc["additionalProperties"] is False  # unknown keys are errors


def test_timeline_keeps_the_order_events_happened_in(baseline: Scenario) -> None:
    """Same-instant events keep their causal order (a decision, then the churn it caused);
    days never go backwards."""
    organisation = traced_replication(shrink(baseline, 10, 2), 5, 0)
    churned = [c for c in organisation.customers if c.churn_time is not None][:20]
    assert churned
    for customer in churned:
        lines = timeline(organisation, [customer]).splitlines()[1:]
        days = [float(line.split()[1]) for line in lines]
        assert days == sorted(days)
        events = [line.split(maxsplit=2)[2] for line in lines]
        last = max(i for i, e in enumerate(events) if e.startswith("churned"))
        assert events[last - 1].startswith("renewal decision"), lines[last - 1 : last + 1]
