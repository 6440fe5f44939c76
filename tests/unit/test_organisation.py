"""The organisation's parts fit together: a pure run, every customer admitted once, every
renewal decided and booked, the observer's years chained, and no import cycle in the model."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from simcs.model.book import NEW_LOGO_SERIAL
from simcs.model.journal import Journal
from simcs.model.organisation import Organisation, RawReplication
from simcs.records import split_cell
from simcs.scenario import Scenario
from tests.conftest import shrink

MODEL = Path(__file__).resolve().parents[2] / "simcs" / "model"


@pytest.fixture(scope="module")
def small(baseline: Scenario) -> Scenario:
    return shrink(baseline, 10, 3)


@pytest.fixture(scope="module")
def traced(small: Scenario) -> Organisation:
    organisation = Organisation(small, 7, 1, journal=Journal(enabled=True))
    organisation.run()
    return organisation


def test_a_run_is_a_pure_function_of_scenario_seed_and_replication(small: Scenario) -> None:
    first = Organisation(small, 7, 1).run()
    again = Organisation(small, 7, 1).run()
    other = Organisation(small, 7, 2).run()
    assert isinstance(first, RawReplication)
    assert first.ledger.sums == again.ledger.sums and repr(first.series) == repr(again.series)
    assert first.ledger.sums != other.ledger.sums


def test_the_journal_changes_nothing(small: Scenario, traced: Organisation) -> None:
    plain = Organisation(small, 7, 1)
    plain.run()
    assert plain.ledger.sums == traced.ledger.sums


def test_every_customer_is_admitted_once(small: Scenario, traced: Organisation) -> None:
    customers = traced.customers
    assert traced.journeys.customers is customers and traced.observer.customers is customers
    keys = [(c.group, c.serial) for c in customers]  # a customer is known by group and serial
    assert len(keys) == len(set(keys))
    led = traced.ledger
    years = range(1, small.horizon_years + 1)

    def new_customers(part: int, name: str) -> float:
        cells = {c for (_, c) in led.buckets if "|" in c and split_cell(c)[part] == name}
        return sum(led.get(y, c, "new_customers") for y in years for c in cells)

    for name, group in small.population.items():
        mine = [c for c in customers if c.group == name]
        initial = [c for c in mine if c.serial < NEW_LOGO_SERIAL]
        assert len(initial) == group.initial_customers
        assert len(mine) - len(initial) == new_customers(1, name)
    for name in small.tiers:  # each new logo booked in the tier that took it on
        sold = [c for c in customers if c.serial >= NEW_LOGO_SERIAL]
        mine = [c for c in sold if split_cell(c.first_cell)[0] == name]
        assert len(mine) == new_customers(0, name)
    sales = [e for e in traced.journal.entries if e[3] == "sale"]
    assert len(sales) == sum(c.serial >= NEW_LOGO_SERIAL for c in customers)


def test_every_renewal_is_decided_booked_and_journaled(traced: Organisation) -> None:
    led = traced.ledger
    years = range(1, traced.scenario.horizon_years + 1)
    cells = {c for (_, c) in led.buckets if "|" in c}

    def total(quantity: str) -> float:
        return sum(led.get(y, c, quantity) for y in years for c in cells)

    entries = traced.journal.entries
    decisions = sum(e[3] == "renewal decision" for e in entries)
    churned = sum(e[3] == "churned" for e in entries)
    renewed = sum(e[3] == "renewed" for e in entries)
    assert decisions == total("renewals_due") == churned + renewed > 100
    assert churned == total("churned") == sum(c.churn_time is not None for c in traced.customers)
    assert renewed == sum(c.renewals_seen for c in traced.customers) - churned


def test_the_observer_chains_the_years(traced: Organisation) -> None:
    led = traced.ledger
    cells = {c for (_, c) in led.buckets if "|" in c}
    assert len(cells) > len(traced.scenario.tiers)  # groups served by more than one tier
    for cell in cells:
        for year in (1, 2, 3):
            start = led.get(year, cell, "customers_start")
            assert led.get(year, cell, "cohort_customers") == start
            if year > 1:  # the book at a year's end is the next year's starting book
                assert start == led.get(year - 1, cell, "customers_end")
                assert led.get(year, cell, "arr_start") == pytest.approx(
                    led.get(year - 1, cell, "arr_end"), rel=1e-12
                )
    live = [c for c in traced.customers if c.active]
    for cell in cells:  # at the horizon's end, each cell holds the customers it serves
        assert led.get(3, cell, "customers_end") == sum(c.cell == cell for c in live)
    months = {point[0] for point in traced.observer.series}
    assert months == set(range(1, 37))
    assert set(traced.pools()) >= {"support", "implementation", "csm.enterprise"}


def _model_imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("simcs.model."):
            found.add(node.module.removeprefix("simcs.model."))  # type: ignore[union-attr]
    return found


def test_the_model_modules_import_without_cycles() -> None:
    graph = {p.stem: _model_imports(p) for p in MODEL.glob("*.py") if p.stem != "__init__"}
    done: set[str] = set()

    def visit(module: str, path: tuple[str, ...]) -> None:
        assert module not in path, " -> ".join((*path, module))
        if module in done:
            return
        for target in graph.get(module, set()):
            visit(target, (*path, module))
        done.add(module)

    for module in graph:
        visit(module, ())
    assert {"organisation", "journey", "renewal", "observe", "guard"} <= done
