"""Champion turnover and the Smooth Transition play (`simcs.model.champions`), read from the
journal of traced replications: conservation between the journal and the ledger, and nothing
happening to an account after it has churned."""

from __future__ import annotations

from collections import defaultdict

import pytest

from simcs.model.journal import Entry
from simcs.model.organisation import Organisation
from simcs.records import cell_key, split_cell
from simcs.reporting.trace import traced_replication
from simcs.scenario import Scenario
from tests.conftest import shrink


@pytest.fixture(scope="module")
def company(baseline: Scenario) -> Organisation:
    return traced_replication(shrink(baseline, 4, 3), 11, 0)


def test_the_book_is_retiered(company: Organisation) -> None:
    """The baseline re-tiers at renewal: the checks below see customers change tier."""
    moves = [e for e in company.journal.entries if e[3] == "re-tiered"]
    assert moves and all(" -> " in e[4] for e in moves)


def journeys(company: Organisation) -> dict[tuple[str, int], list[Entry]]:
    """Each customer's entries, in the order they happened; a customer is (group, serial)."""
    by_customer: dict[tuple[str, int], list[Entry]] = defaultdict(list)
    for entry in company.journal.entries:
        by_customer[(entry[1], entry[2])].append(entry)
    return by_customer


def placed(company: Organisation) -> list[tuple[str, Entry]]:
    """Every journal entry with the tier serving its customer when it happened: the tier the
    customer was admitted in, changed at each "re-tiered" entry ("Label -> Label at ...")."""
    tiers = company.scenario.tiers
    by_label = {tier.label: name for name, tier in tiers.items()}
    first = {(c.group, c.serial): split_cell(c.first_cell)[0] for c in company.customers}
    out = []
    for key, entries in journeys(company).items():
        tier = first[key]
        for entry in entries:
            if entry[3] == "re-tiered":
                tier = by_label[entry[4].split(" -> ")[1].split(" at ARR ")[0]]
            out.append((tier, entry))
    return out


def test_nothing_happens_to_a_churned_account(company: Organisation) -> None:
    churned_with_play_running = 0
    for (group, serial), entries in journeys(company).items():
        churn = [time for time, _, _, event, _ in entries if event == "churned"]
        if not churn:
            continue
        after = [e for e in entries if e[0] > churn[0]]
        assert after == [], (group, serial, after)
        # an account whose champion was gone when it churned: its play (if any) was cut short
        events = [e[3] for e in entries]
        if "champion left" in events and events[-1] == "churned":
            churned_with_play_running += events.count("champion left") > events.count(
                "new champion"
            )
    assert churned_with_play_running > 0  # the case the check is about does occur


def total(company: Organisation, cell: str, quantity: str) -> float:
    return sum(v for (_, c, q), v in company.ledger.sums.items() if c == cell and q == quantity)


def test_ledger_counts_match_the_journal(company: Organisation) -> None:
    """Each (tier, group) cell of the ledger counts the entries of its customers while that
    tier served them."""
    by_cell: dict[str, list[Entry]] = defaultdict(list)
    for tier, entry in placed(company):
        by_cell[cell_key(tier, entry[1])].append(entry)
    cells = {c for (_, c, _) in company.ledger.sums if "|" in c} | set(by_cell)
    assert len({split_cell(c)[0] for c in cells}) > 1 and len({split_cell(c)[1] for c in cells}) > 1
    for cell in cells:
        mine = by_cell[cell]
        by_play = sum(e[3] == "new champion" and "Smooth Transition" in e[4] for e in mine)
        assert total(company, cell, "smooth_transitions") == by_play, cell
        assert total(company, cell, "champion_departures") == sum(
            e[3] == "champion left" for e in mine
        ), cell
        assert total(company, cell, "champion_detections") == sum(
            e[3] == "change detected" for e in mine
        ), cell
        assert total(company, cell, "retiered_up") + total(company, cell, "retiered_down") == (
            sum(e[3] == "re-tiered" for e in mine)
        ), cell


def test_the_plays_csm_task_is_journaled(company: Organisation) -> None:
    """Named and pooled tiers: each play replacement needed a CSM task done first; digital
    tiers have no CSM task."""
    entries = placed(company)
    for tier, config in company.scenario.tiers.items():
        plays = sum(e[3] == "CSM play" for t, e in entries if t == tier)
        replaced = sum(
            e[3] == "new champion" and "Smooth Transition" in e[4] for t, e in entries if t == tier
        )
        if config.coverage == "digital":
            assert plays == 0
        else:
            assert plays >= replaced > 0, (tier, plays, replaced)
    tasks = [(t, e) for t, e in entries if e[3] == "CSM play"]
    assert tasks
    for tier, task in tasks:  # done by the team of the tier serving the customer
        assert task[4].startswith(f"csm.{tier} #") and " h, ~$" in task[4], (tier, task)


def test_a_play_task_precedes_its_replacement(company: Organisation) -> None:
    digital = {
        (e[1], e[2])
        for tier, e in placed(company)
        if company.scenario.tiers[tier].coverage == "digital"
    }
    checked = 0
    for key, entries in journeys(company).items():
        if key in digital:  # served by a digital tier at some time: no CSM task needed then
            continue
        ordered = sorted(entries, key=lambda e: e[0])
        for k, (_, _, _, event, detail) in enumerate(ordered):
            if event == "new champion" and "Smooth Transition" in detail:
                detected = max(i for i in range(k) if ordered[i][3] == "change detected")
                assert any(e[3] == "CSM play" for e in ordered[detected:k]), ordered[detected:k]
                checked += 1
    assert checked > 0


def test_a_groups_own_champion_turnover_applies_to_its_customers_only(baseline: Scenario) -> None:
    """`population.G.champion_departures_per_year` overrides the playbook's rate for that
    group: 0 stops its champions leaving, and the other groups' champions (their own streams)
    leave exactly as before."""
    from simcs.scenario.files import with_overrides

    small = shrink(baseline, 4, 2)
    calm = with_overrides(small, {"population.15k_to_100k.champion_departures_per_year": 0.0})

    def departures(scenario: Scenario) -> dict[tuple[str, int], list[float]]:
        org = traced_replication(scenario, 3, 0)
        out: dict[tuple[str, int], list[float]] = defaultdict(list)
        for time, group, serial, event, _ in org.journal.entries:
            if event == "champion left":
                out[(group, serial)].append(time)
        return out

    before, after = departures(small), departures(calm)
    assert any(group == "15k_to_100k" for group, _ in before)
    assert not any(group == "15k_to_100k" for group, _ in after)
    others = {k: v for k, v in before.items() if k[0] in ("over_250k", "under_15k")}
    assert others and all(after[k] == v for k, v in others.items())
