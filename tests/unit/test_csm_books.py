"""A CSM team's books as its positions change (`simcs.model.csm`, driven by the roster): new
customers go to a CSM who is there, a closed position's customers and waiting work move to the
other CSMs, and a new position is a new, empty book."""

from __future__ import annotations

import numpy as np
import pytest

from simcs.model.organisation import Organisation
from simcs.scenario import Scenario
from simcs.scenario.files import with_overrides
from tests.conftest import shrink


@pytest.fixture
def team_org(baseline: Scenario) -> Organisation:
    small = with_overrides(
        shrink(baseline, 10, 1),
        {"staff.csm.enterprise.headcount": 4, "initial_book.staffing": "full"},
    )
    organisation = Organisation(small, 3, 0)
    organisation.journeys.open_book()
    organisation.env.run(until=100.0)
    return organisation


def test_new_customers_go_to_a_csm_who_is_there(team_org: Organisation) -> None:
    team = team_org.teams["enterprise"]
    customers = [c for c in team_org.customers if c.tier == "enterprise" and c.active]
    assert customers and all(c.csm_seat is not None for c in customers)
    team.vacate_seat(0)  # book 0's CSM left: the book waits for the hire
    team.members[0].clear()  # and it is the emptiest book
    newcomer = customers[0]
    team.release(newcomer)
    for _ in range(5):
        team.engage(newcomer)
        assert newcomer.csm_seat != 0
        team.release(newcomer)


def test_a_closed_position_moves_its_customers_and_work(team_org: Organisation) -> None:
    team = team_org.teams["enterprise"]
    env = team_org.env
    moved = set(team.members[1])
    assert moved
    changes = {c: c.term.csm_changes for c in moved}
    waiting_before = sum(q.waiting for q in team.books)
    team.vacate_seat(1)
    team.close_seat(1)
    assert team.members[1] == set() and 1 in team.closed
    for c in moved:
        assert c.csm_seat in (0, 2, 3)
        assert c in team.members[c.csm_seat]
        assert c.term.csm_changes == changes[c] + 1
    assert team.books[1].waiting == 0
    assert sum(q.waiting for q in team.books) == waiting_before  # the work moved, not lost
    env.run(until=env.now + 10.0)
    # a new position is a new, empty, vacant book, filled by the hire
    team.add_seat()
    assert len(team.books) == 5 and team.members[4] == set() and team.books[4].present == 0
    team.fill_seat(4, 0.0)
    assert team.books[4].present == 1


def test_a_new_customer_goes_to_the_first_lightest_book_whatever_happened(
    baseline: Scenario,
) -> None:
    """The team's running order of books (kept as the book changes, not rescanned) picks
    what a scan of every book picks, through churn, departures, hires and closed positions."""
    small = with_overrides(
        shrink(baseline, 10, 1),
        {"staff.csm.enterprise.headcount": 12, "initial_book.staffing": "full"},
    )
    organisation = Organisation(small, 5, 0)
    team = organisation.teams["enterprise"]
    group = next(iter(small.population))
    rng = np.random.default_rng(11)
    customers = []

    def scan() -> int | None:
        open_books = [s for s in range(len(team.books)) if s not in team.closed]
        staffed = [s for s in open_books if team.books[s].present] or open_books
        return min(staffed, key=lambda s: len(team.members[s])) if staffed else None

    for serial in range(3000):
        op = rng.random()
        if op < 0.6 or not customers:
            customer = organisation.factory.create(group, 10_000 + serial, 0.0, True)
            expected = scan()
            team.engage(customer)
            assert customer.csm_seat == expected
            customers.append(customer)
        elif op < 0.85:
            team.release(customers.pop(int(rng.integers(len(customers)))))
        elif op < 0.93:
            team.vacate_seat(int(rng.integers(len(team.books))))
        elif op < 0.99:
            vacant = [s for s in range(len(team.books)) if not team.books[s].present]
            if vacant:
                team.fill_seat(vacant[int(rng.integers(len(vacant)))], 0.0)
        elif len(team.closed) < len(team.books) - 2:
            team.close_seat(int(rng.integers(len(team.books))))
    assert len(team._lightest) <= 4 * len(team.books) + 64  # stale entries do not pile up
