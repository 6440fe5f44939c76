"""Staffing over time in the reports: quarterly staffing against target and need, the hiring
decisions of a staffing policy, the terminal table, the staffing figure and the run report's
staffing section, on hand-made series with known answers and on a tiny run."""

from __future__ import annotations

import csv
import io
import math
import re
import shutil
from pathlib import Path

import pytest
from matplotlib.figure import Figure
from scipy import stats

import simcs
from simcs.records import SERIES_FIELDS, SeriesRow
from simcs.reporting import figures, results, staffing
from simcs.reporting.pages import experiment
from simcs.reporting.report import build_report
from simcs.reporting.run_files import SERIES_COLUMNS, series_cells, write_run
from simcs.scenario import Scenario
from simcs.scenario.files import with_overrides
from tests.conftest import shrink

NAN = float("nan")
T1 = float(stats.t.ppf(0.975, 1))  # the Student-t quantile of two replications


def point(
    rep: int,
    month: int,
    pool: str,
    util: float,
    headcount: int,
    fte: float,
    hires: int = 0,
    departures: int = 0,
    vacancies: int = 0,
    cost: float = 1000.0,
    target: int = 5,
    requisitions: int = 0,
    let_go: int = 0,
) -> SeriesRow:
    """A SeriesRow (queue length 0)."""
    return (
        rep,
        month,
        pool,
        0.0,
        util,
        headcount,
        fte,
        hires,
        departures,
        vacancies,
        cost,
        target,
        requisitions,
        let_go,
    )


def support() -> list[SeriesRow]:
    """No policy: replication 1 loses one person in month 3, who is replaced (ramping) in
    month 5."""
    rows = [point(0, m, "support", u, 5, 5.0) for m, u in enumerate([0.8, 0.8, 0.9] + [0.9] * 3, 1)]
    rows += [
        point(1, 1, "support", 0.8, 5, 5.0),
        point(1, 2, "support", 0.8, 5, 5.0),
        point(1, 3, "support", 0.9, 4, 4.0, departures=1, vacancies=1, cost=800.0),
        point(1, 4, "support", 0.8, 4, 4.0, vacancies=1, cost=800.0),
        point(1, 5, "support", 0.9, 5, 4.5, hires=1, cost=900.0),
        point(1, 6, "support", 1.0, 5, 5.0),
    ]
    return rows


def csm() -> list[SeriesRow]:
    """A policy: replication 0 raises the target from 4 to 6 in month 4 (two positions, hired
    in month 6, utilisation undefined in month 2); replication 1 lets one person go in month 2
    (target 3), loses one in month 5 and replaces them in month 6."""
    p = "csm.smb"
    return [
        point(0, 1, p, 0.5, 4, 4.0, cost=2000.0, target=4),
        point(0, 2, p, NAN, 4, 4.0, cost=2000.0, target=4),
        point(0, 3, p, 0.6, 4, 4.0, cost=2000.0, target=4),
        point(0, 4, p, 0.7, 4, 4.0, vacancies=2, cost=2000.0, target=6, requisitions=2),
        point(0, 5, p, 0.8, 4, 4.0, vacancies=2, cost=2000.0, target=6),
        point(0, 6, p, 0.6, 6, 5.0, hires=2, cost=3000.0, target=6),
        point(1, 1, p, 0.5, 4, 4.0, cost=2000.0, target=4),
        point(1, 2, p, 0.6, 3, 3.0, cost=1500.0, target=3, let_go=1),
        point(1, 3, p, 0.6, 3, 3.0, cost=1500.0, target=3),
        point(1, 4, p, 0.7, 3, 3.0, cost=1500.0, target=3),
        point(1, 5, p, 0.9, 2, 2.0, departures=1, vacancies=1, cost=1000.0, target=3),
        point(1, 6, p, 0.8, 3, 2.5, hires=1, cost=1500.0, target=3),
    ]


@pytest.fixture
def series() -> list[SeriesRow]:
    rows = support() + csm()
    return sorted(rows, key=lambda r: (-r[1], r[0]))  # any order: sorted by month inside


def by_key(rows: list[staffing.QuarterRow]) -> dict[tuple[str, int], staffing.QuarterRow]:
    return {(r.pool, r.quarter): r for r in rows}


# --- quarterly staffing -----------------------------------------------------------------------


def test_quarterly_means_intervals_and_flows(series: list[SeriesRow]) -> None:
    rows = staffing.quarterly_staffing(series)
    assert [(r.pool, r.label) for r in rows] == [
        ("support", "Y1 Q1"),
        ("support", "Y1 Q2"),
        ("csm.smb", "Y1 Q1"),
        ("csm.smb", "Y1 Q2"),
    ]
    q = by_key(rows)
    s1 = q[("support", 1)]
    # headcount at the quarter's end: 5 and 4 -> 4.5, std 0.707, t-interval of two
    assert s1.headcount.mean == 4.5 and s1.headcount.n == 2
    assert s1.headcount.half_width == pytest.approx(T1 / 2)
    assert (s1.target, s1.productive_fte) == (5.0, 4.5)
    assert s1.utilization.mean == pytest.approx(2.5 / 3) and s1.utilization.std == 0
    # need: busy FTE (utilisation x productive FTE) over the quarter / 85%
    assert s1.need == pytest.approx((2.5 * 5 / 3 + (4 + 4 + 3.6) / 3) / 2 / 0.85)
    assert (s1.hires, s1.departures, s1.requisitions, s1.let_go) == (0, 0.5, 0, 0)
    assert s1.loaded_cost == 2900.0
    assert (s1.over, s1.short) == (False, True)  # 4.5 people against a target of 5
    s2 = q[("support", 2)]
    assert (s2.headcount.mean, s2.headcount.low, s2.headcount.high) == (5.0, 5.0, 5.0)
    assert s2.utilization.mean == pytest.approx(0.9)
    assert s2.need == pytest.approx((4.5 + (3.2 + 4.05 + 5.0) / 3) / 2 / 0.85)
    assert (s2.hires, s2.departures, s2.loaded_cost) == (0.5, 0.0, 2850.0)
    assert (s2.over, s2.short) == (True, False)  # 90% against 85%
    c1 = q[("csm.smb", 1)]
    assert (c1.headcount.mean, c1.target) == (3.5, 3.5)
    # utilisation undefined in a month is left out of that replication's mean
    assert c1.utilization.mean == pytest.approx((0.55 + 1.7 / 3) / 2)
    assert c1.need == pytest.approx((2.2 + 5.6 / 3) / 2 / 0.85)
    assert (c1.let_go, c1.requisitions, c1.loaded_cost) == (0.5, 0.0, 5500.0)
    assert (c1.over, c1.short) == (False, False)
    c2 = q[("csm.smb", 2)]
    assert (c2.headcount.mean, c2.target, c2.productive_fte) == (4.5, 4.5, 3.75)
    assert c2.utilization.mean == pytest.approx(0.75)
    assert (c2.hires, c2.departures, c2.requisitions, c2.let_go) == (1.5, 0.5, 1.0, 0.0)


def test_the_utilisation_target_moves_the_need_and_the_flag(series: list[SeriesRow]) -> None:
    at_85 = by_key(staffing.quarterly_staffing(series))
    at_95 = by_key(staffing.quarterly_staffing(series, utilization_target=0.95))
    assert at_95[("support", 2)].need == pytest.approx(at_85[("support", 2)].need * 0.85 / 0.95)
    assert at_85[("support", 2)].over and not at_95[("support", 2)].over
    assert at_95[("support", 1)].utilization_target == 0.95


def test_a_pool_without_utilisation_is_never_over() -> None:
    rows = staffing.quarterly_staffing(
        [point(r, m, "operations", NAN, 4, 4.0) for r in (0, 1) for m in (1, 2, 3)]
    )
    assert math.isnan(rows[0].utilization.mean) and math.isnan(rows[0].need)
    assert not rows[0].over and rows[0].utilization.n == 0


def test_csv_rows_give_the_same_answers(series: list[SeriesRow]) -> None:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(["variant", *SERIES_COLUMNS])
    writer.writerows(["a", *series_cells(p)] for p in series)
    writer.writerows(["b", *series_cells(p)] for p in series[:3])
    rows = list(csv.DictReader(io.StringIO(text.getvalue())))
    assert staffing.has_staffing(rows[0]) and not staffing.has_staffing(SERIES_COLUMNS[:5])
    parsed = staffing.series_from_csv(rows, variant="a")
    assert len(parsed) == len(series)
    assert isinstance(parsed[0][5], int) and math.isnan(
        next(p for p in parsed if p[2] == "csm.smb" and p[:2] == (0, 2))[4]
    )
    assert str(staffing.quarterly_staffing(parsed)) == str(staffing.quarterly_staffing(series))


# --- hiring decisions -------------------------------------------------------------------------


def test_hiring_decisions(series: list[SeriesRow]) -> None:
    decisions = staffing.hiring_decisions(series)
    assert decisions == [
        staffing.Decision(
            pool="csm.smb",
            quarter=1,
            opened=0.0,
            let_go=0.5,
            target=3.5,
            share=0.5,
            hires=0.0,
            departures=0.0,
            backfills=0.0,
        ),
        staffing.Decision(
            pool="csm.smb",
            quarter=2,
            opened=1.0,
            let_go=0.0,
            target=4.5,
            share=0.5,
            hires=1.5,
            departures=0.5,
            backfills=0.5,  # the leaver of replication 1, not replication 0's two positions
        ),
    ]
    # support decided nothing: its replaced leaver is a backfill, not a decision
    assert staffing.hiring_decisions(support()) == []
    assert staffing.decisions_table_text([]) == staffing.NO_DECISIONS


def test_pools_shown_by_the_figure(series: list[SeriesRow]) -> None:
    assert staffing.changing_pools(series) == ["csm.smb"]
    assert staffing.figure_pools(series) == ["csm.smb"]
    steady = support() + [point(r, m, "csm.smb", 0.5, 4, 4.0) for r in (0, 1) for m in (1, 2)]
    assert staffing.changing_pools(steady) == []
    assert staffing.figure_pools(steady) == ["csm.smb", "support"]


# --- the terminal tables ----------------------------------------------------------------------


def test_staffing_table_text(series: list[SeriesRow]) -> None:
    text = staffing.staffing_table_text(staffing.quarterly_staffing(series))
    # plain text: printable ASCII but for the ± of the intervals
    assert set(text) - {"±"} <= {chr(c) for c in range(32, 127)} | {"\n"}
    lines = text.splitlines()
    assert lines[0].split() == [
        "Pool",
        "Quarter",
        "Headcount",
        "Target",
        "Need",
        "Productive",
        "FTE",
        "Utilisation",
        "Hires",
        "Departures",
        "Requisitions",
        "Let",
        "go",
        "Loaded",
        "cost",
        "$",
        "Flags",
    ]
    assert set(lines[1]) == {"-"}
    half = f"{T1 / 2:.1f}"
    assert (
        lines[2].split()
        == (
            f"support Y1 Q1 4.5 ±{half} 5.0 4.7 4.5 0.833 ±0.000 0.0 0.5 0.0 0.0 2,900 short"
        ).split()
    )
    assert (
        lines[3].split()
        == ("support Y1 Q2 5.0 ±0.0 5.0 5.0 5.0 0.900 ±0.000 0.5 0.0 0.0 0.0 2,850 over").split()
    )
    # the half-width of two values a, b is t x |a - b| / 2
    assert (
        lines[4].split()
        == (
            f"csm.smb Y1 Q1 3.5 ±{half} 3.5 2.4 3.5 0.558 ±{T1 * (1.7 / 3 - 0.55) / 2:.3f} "
            "0.0 0.0 0.0 0.5 5,500"
        ).split()
    )
    assert (
        lines[5].split()
        == (
            f"csm.smb Y1 Q2 4.5 ±{T1 * 1.5:.1f} 4.5 2.9 3.8 0.750 ±{T1 * 0.05:.3f} "
            "1.5 0.5 1.0 0.0 5,500"
        ).split()
    )
    assert len(lines) == 7
    assert lines[-1].startswith("Means over 2 replications (± 95% half-width)")
    assert "over: utilisation above 85%" in lines[-1]
    # number columns are right-aligned: the loaded costs end in the same column
    ends = {
        line.index(cost) + len(cost)
        for line, cost in zip(lines[2:6], ("2,900", "2,850", "5,500", "5,500"), strict=True)
    }
    assert len(ends) == 1
    assert staffing.staffing_table_text([]) == "No staff pool series."


def test_decisions_table_text(series: list[SeriesRow]) -> None:
    lines = staffing.decisions_table_text(staffing.hiring_decisions(series)).splitlines()
    body = [line.split() for line in lines if line.startswith("csm.smb")]
    assert body == [
        ["csm.smb", "Y1", "Q1", "50%", "0.0", "0.5", "3.5", "0.0", "0.0", "0.0"],
        ["csm.smb", "Y1", "Q2", "50%", "1.0", "0.0", "4.5", "1.5", "0.5", "0.5"],
    ]
    assert lines[-1] == staffing.DECISIONS_LEGEND


# --- the staffing figure ----------------------------------------------------------------------


def csv_rows(series: list[SeriesRow], variant: str | None = None) -> list[dict[str, str]]:
    """The series as timeseries.csv rows read back (an experiment's with `variant` first)."""
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow([*(["variant"] if variant else []), *SERIES_COLUMNS])
    writer.writerows([*([variant] if variant else []), *series_cells(p)] for p in series)
    return list(csv.DictReader(io.StringIO(text.getvalue())))


def all_texts(fig: Figure) -> list[str]:
    out = [t.get_text() for t in fig.texts]
    for ax in fig.axes:
        out += [t.get_text() for t in ax.texts]
    for legend in fig.legends:
        out += [t.get_text() for t in legend.get_texts()]
    return out


def test_staffing_figure(series: list[SeriesRow], tmp_path: Path) -> None:
    fig = figures.staffing(csv_rows(series))
    top, bottom = fig.axes  # the one pool that changes over time
    assert top.get_title() == "csm.smb: people on payroll" and top.get_ylabel()
    assert bottom.get_title() == "csm.smb: utilisation" and bottom.get_xlabel()
    # headcount, target and need; the need undefined where utilisation is
    mean, target, need = top.get_lines()
    assert list(mean.get_ydata()) == [4.0, 3.5, 3.5, 3.5, 3.0, 4.5]
    assert list(target.get_ydata()) == [4.0, 3.5, 3.5, 4.5, 4.5, 4.5]
    assert list(need.get_xdata()) == [1, 2, 3, 4, 5, 6]
    assert need.get_ydata()[1] == pytest.approx(1.8 / 0.85)  # replication 1's alone
    util, line = bottom.get_lines()
    assert list(line.get_ydata()) == [0.85, 0.85]
    assert util.get_ydata()[-1] == pytest.approx(0.7)
    assert list(bottom.get_xticks()) == [3, 6]
    texts = all_texts(fig)
    assert "Need: busy FTE / 85%" in texts and "Target (headcount, 85%)" in texts
    paths = figures.save(fig, tmp_path, "staffing")
    assert all(p.stat().st_size > 0 for p in paths)


def test_staffing_figure_of_steady_pools_and_old_rows(series: list[SeriesRow]) -> None:
    steady = support() + [point(r, m, "operations", NAN, 2, 2.0) for r in (0, 1) for m in (1, 2)]
    # nothing changes over time: the CSM teams and support (none here but support)
    fig = figures.staffing(csv_rows(steady))
    assert [ax.get_title() for ax in fig.axes] == [
        "support: people on payroll",
        "support: utilisation",
    ]
    # a pool without timed work says so
    fig = figures.staffing(csv_rows(steady), pools=["operations"])
    assert "no utilisation (no timed work)" in all_texts(fig)
    # an old timeseries.csv (queue length and utilisation only)
    old = [{k: r[k] for k in SERIES_COLUMNS[:5]} for r in csv_rows(series)]
    fig = figures.staffing(old)
    assert len(fig.axes) == 1 and "no staffing columns in this timeseries" in all_texts(fig)
    assert len(figures.staffing([]).axes) == 1


def test_experiment_staffing_figures(series: list[SeriesRow], tmp_path: Path) -> None:
    assert experiment.staffing_figures(tmp_path, ["a"]) == []  # no timeseries.csv
    rows = csv_rows(series, "a") + csv_rows(support(), "b")
    with (tmp_path / results.TIMESERIES).open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    built = experiment.staffing_figures(tmp_path, ["a", "b"])
    assert [name for name, _ in built] == ["staffing_a"]  # b's pools never change
    assert built[0][1].get_suptitle() == "Staffing over time: a"


# --- the run report ---------------------------------------------------------------------------


def _section(text: str, heading: str) -> str:
    return text.split(f"<h2>{heading}</h2>", 1)[1].split("<h2>", 1)[0]


def test_run_report_has_a_staffing_section(baseline: Scenario, tmp_path: Path) -> None:
    small = with_overrides(
        shrink(baseline, 20, 1),
        {
            "staff.csm.smb.policy": {"accounts_per_person": 20, "review": "quarterly"},
            "staff.support.policy": {"plan": [{"quarter": 3, "headcount": 3}], "reduce": "layoff"},
        },
    )
    new = tmp_path / "new"
    write_run(simcs.run(small, replications=2, seed=0, workers=1), new)
    text = build_report(new).read_text(encoding="utf-8")
    assert (new / "figures" / "staffing.png").exists()
    quarters = _section(text, "Staffing by quarter")
    first = re.findall(r"<tr><td>([^<]*)</td><td>([^<]*)</td>", quarters)
    pools = list(dict.fromkeys(p for p, _ in first))
    assert pools[0] == "support" and "csm.smb" in pools
    assert [q for p, q in first if p == "support"] == ["Y1 Q1", "Y1 Q2", "Y1 Q3", "Y1 Q4"]
    assert "<th>Headcount</th>" in quarters and "Means over 2 replications" in quarters
    decisions = _section(text, "Hiring decisions")
    decided = re.findall(r"<tr><td>([^<]*)</td><td>([^<]*)</td>", decisions)
    assert ("support", "Y1 Q3") in decided  # the plan's cut, made at the quarter's review
    assert any(p == "csm.smb" for p, _ in decided)
    # an old folder: timeseries.csv with queue length and utilisation only
    old = tmp_path / "old"
    shutil.copytree(new, old, ignore=shutil.ignore_patterns("figures", "report.html"))
    rows = results.read_csv(old / results.TIMESERIES)
    with (old / results.TIMESERIES).open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(SERIES_COLUMNS[:5]), extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    text = build_report(old).read_text(encoding="utf-8")
    assert "Staffing by quarter" not in text and "Hiring decisions" not in text
    assert not (old / "figures" / "staffing.png").exists()
    assert (old / "figures" / "pools_over_time.png").exists()
    assert SERIES_FIELDS[2] not in results.read_csv(old / results.TIMESERIES)[0]
