"""Champion turnover and the Smooth Transition play (`simcs.model.champions`), read from the
journal of traced replications: conservation between the journal and the ledger, and nothing
happening to an account after it has churned."""

from __future__ import annotations

from collections import defaultdict

import pytest

from simcs.model.journal import Entry
from simcs.model.organisation import Organisation
from simcs.reporting.trace import traced_replication
from simcs.scenario import Scenario
from tests.conftest import shrink


@pytest.fixture(scope="module")
def company(baseline: Scenario) -> Organisation:
    return traced_replication(shrink(baseline, 4, 3), 11, 0)


def journeys(company: Organisation) -> dict[tuple[str, int], list[Entry]]:
    by_customer: dict[tuple[str, int], list[Entry]] = defaultdict(list)
    for entry in company.journal.entries:
        by_customer[(entry[1], entry[2])].append(entry)
    return by_customer


def test_nothing_happens_to_a_churned_account(company: Organisation) -> None:
    churned_with_play_running = 0
    for (tier, serial), entries in journeys(company).items():
        churn = [time for time, _, _, event, _ in entries if event == "churned"]
        if not churn:
            continue
        after = [e for e in entries if e[0] > churn[0]]
        assert after == [], (tier, serial, after)
        # an account whose champion was gone when it churned: its play (if any) was cut short
        events = [e[3] for e in entries]
        if "champion left" in events and events[-1] == "churned":
            churned_with_play_running += events.count("champion left") > events.count(
                "new champion"
            )
    assert churned_with_play_running > 0  # the case the check is about does occur


def total(company: Organisation, tier: str, quantity: str) -> float:
    return sum(v for (_, t, q), v in company.ledger.sums.items() if t == tier and q == quantity)


def test_ledger_counts_match_the_journal(company: Organisation) -> None:
    entries = company.journal.entries
    for tier in company.scenario.tiers:
        mine = [e for e in entries if e[1] == tier]
        by_play = sum(e[3] == "new champion" and "Smooth Transition" in e[4] for e in mine)
        assert total(company, tier, "smooth_transitions") == by_play
        assert total(company, tier, "champion_departures") == sum(
            e[3] == "champion left" for e in mine
        )
        assert total(company, tier, "champion_detections") == sum(
            e[3] == "change detected" for e in mine
        )


def test_the_plays_csm_task_is_journaled(company: Organisation) -> None:
    """Named and pooled tiers: each play replacement needed a CSM task done first; digital
    tiers have no CSM task."""
    journal = journeys(company)
    for tier, config in company.scenario.tiers.items():
        plays = sum(
            e[3] == "CSM play" for (t, _), entries in journal.items() if t == tier for e in entries
        )
        replaced = sum(
            e[3] == "new champion" and "Smooth Transition" in e[4]
            for (t, _), entries in journal.items()
            if t == tier
            for e in entries
        )
        if config.coverage == "digital":
            assert plays == 0
        else:
            assert plays >= replaced > 0, (tier, plays, replaced)
    task = next(e for e in company.journal.entries if e[3] == "CSM play")
    assert task[4].startswith(f"csm.{task[1]} #") and " h, ~$" in task[4]


def test_a_play_task_precedes_its_replacement(company: Organisation) -> None:
    for (tier, _), entries in journeys(company).items():
        if company.scenario.tiers[tier].coverage == "digital":
            continue
        ordered = sorted(entries, key=lambda e: e[0])
        for k, (_, _, _, event, detail) in enumerate(ordered):
            if event == "new champion" and "Smooth Transition" in detail:
                detected = max(i for i in range(k) if ordered[i][3] == "change detected")
                assert any(e[3] == "CSM play" for e in ordered[detected:k]), ordered[detected:k]
