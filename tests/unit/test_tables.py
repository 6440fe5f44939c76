"""Terminal tables: plain ASCII (but ±), aligned, the same whatever the terminal, catalogue
headings and formats."""

from __future__ import annotations

import math
from types import SimpleNamespace

import pytest
from click.testing import CliRunner

from simcs.catalogue import metric
from simcs.cli import main
from simcs.experiments.comparison import Comparison
from simcs.planning.capacity import capacity_table
from simcs.planning.hiring import hiring_plan
from simcs.reporting.tables import (
    cell,
    experiment_tables,
    heading,
    hiring_table,
    pool_capacity_table,
    render,
    summary_table,
)
from simcs.scenario import Scenario
from simcs.stats import Interval
from tests.conftest import scenario_path

NAN = math.nan
METRICS3 = ("grr", "nrr", "cost_per_customer")


def _iv(mean: float, half: float, n: int = 10) -> Interval:
    return Interval(mean, 0.01, mean - half, mean + half, n)


def _plain(text: str) -> None:
    """Printable ASCII (and ±) only: no colour codes, no box-drawing characters."""
    assert all(32 <= ord(ch) < 127 or ch in "\n±" for ch in text), repr(text)
    assert all(line == line.rstrip() for line in text.splitlines())


def test_render_aligns_numbers_right_and_text_left() -> None:
    text = render(
        ["Pool", "People", "Basis"], [["a", "1", "x"], ["long name", "1,234", "yz"]], (0, 2)
    )
    _plain(text)
    lines = text.splitlines()
    assert lines[0].split() == ["Pool", "People", "Basis"]
    assert set(lines[1]) == {"-"}
    a, b = lines[2], lines[3]
    assert a.startswith("a ") and b.startswith("long name")
    assert a.index("1") + 1 == b.index("1,234") + len("1,234")  # right edges line up
    assert a.index("x") == b.index("yz")  # left edges line up


def test_a_long_heading_wraps_over_its_values_never_a_value() -> None:
    text = render(["Tier", "A heading far longer than its values"], [["all", "0.912 ±0.004"]])
    lines = text.splitlines()
    assert len(lines) > 3  # the heading took more than one line
    assert lines[-1].split() == ["all", "0.912", "±0.004"]
    assert max(len(line) for line in lines) < len("A heading far longer than its values") + 10


def test_intervals_and_undefined_cells() -> None:
    assert cell(_iv(0.912, 0.004), "{:.3f}") == "0.912 ±0.004"
    assert cell(Interval(0.5, NAN, NAN, NAN, 1), "{:.3f}") == "0.500"
    assert cell(Interval(NAN, NAN, NAN, NAN, 0), "{:.3f}") == "n/a"
    assert cell(_iv(5360.0, 89.0), metric("cost_per_customer").fmt) == "5,360 ±89"


def test_headings_are_catalogue_labels_with_units() -> None:
    assert heading("grr") == "GRR"
    assert heading("cost_per_customer") == "Cost of delivery per customer $"
    assert heading("support_wait_hours_mean") == "Mean support wait h"
    # a table of many metrics uses the catalogue's compact headings where it has one
    assert heading("cost_per_customer", compact=True) == "Cost/cust $"
    assert heading("grr", compact=True) == "GRR"


def test_the_summary_uses_catalogue_formats() -> None:
    summary = {
        "all": {
            name: _iv(0.5, 0.01) if metric(name).kind == "share" else _iv(1234.5, 10.0)
            for name in (
                "grr",
                "nrr",
                "logo_retention",
                "cost_per_customer",
                "support_wait_hours_mean",
                "support_sla_met",
                "support_utilization",
                "csm_utilization",
                "ps_utilization",
            )
        }
    }
    summary["all"]["csm_utilization"] = Interval(NAN, NAN, NAN, NAN, 0)
    text = summary_table(summary, ["all"])
    _plain(text)
    row = text.splitlines()[-1]
    assert row.split()[:5] == ["all", "0.500", "±0.010", "0.500", "±0.010"]
    assert "1,234 ±10" in row  # cost: whole dollars
    assert "1234.50 ±10.00" in row  # hours: two decimals
    assert "n/a" in row
    headings = text.splitlines()[0].split()
    assert headings[:4] == ["Tier", "GRR", "NRR", "Logo"] and "Cost/cust" in headings
    assert max(len(line) for line in text.splitlines()) <= 150  # one line per tier


def test_experiment_tables_show_labels_differences_and_verdicts() -> None:
    experiment = SimpleNamespace(metrics=["grr", "cost_per_customer"], reference="base")
    summaries = {
        v: {"all": {m: _iv(x, 0.01) for m, x in zip(METRICS3, xs, strict=True)}}
        for v, xs in (("base", (0.9, 1.0, 5000.0)), ("cheap", (0.88, 0.97, 3000.0)))
    }
    comparisons = [
        Comparison("cheap", "base", "all", "grr", _iv(-0.02, 0.005), 0.001, 0.002, "worse"),
        Comparison("cheap", "base", "all", "cost_per_customer", _iv(-2000, 50), 0.0, 0.0, "better"),
    ]
    result = SimpleNamespace(experiment=experiment, summaries=summaries, comparisons=comparisons)
    text = experiment_tables(result)  # type: ignore[arg-type]
    _plain(text)
    assert "[-0.025, -0.015]" in text and "[-2,050, -1,950]" in text
    worse = next(line for line in text.splitlines() if line.rstrip().endswith("worse"))
    assert worse.split()[:3] == ["cheap", "all", "GRR"]
    assert "Cost of delivery per customer" in text


def test_planning_tables_have_every_pool_and_quarter(baseline: Scenario) -> None:
    text = pool_capacity_table(capacity_table(baseline))
    _plain(text)
    assert [line.split()[0] for line in text.splitlines()[-6:]] == [
        "support",
        "csm.strategic",
        "csm.enterprise",
        "csm.smb",
        "implementation",
        "education",
    ]
    quarters = hiring_table(hiring_plan(baseline, 3))
    _plain(quarters)
    assert [line.split()[0] for line in quarters.splitlines()[-3:]] == ["Q1", "Q2", "Q3"]


@pytest.mark.parametrize("columns", ["40", "250"])
def test_the_layout_does_not_follow_the_terminal(columns: str) -> None:
    args = ["capacity", str(scenario_path("baseline"))]
    narrow = CliRunner(env={"COLUMNS": columns}).invoke(main, args)
    plain = CliRunner().invoke(main, args)
    assert narrow.exit_code == plain.exit_code == 0
    assert narrow.stdout == plain.stdout
    _plain(plain.stdout)
