"""The Learn page's playground against independent results: the desk it builds has exactly the
asked arrival rate and load, its simulation agrees with the textbook Erlang C formula, the
trap's curve is that formula, too-large inputs are refused, and the figure shows what it says."""

from __future__ import annotations

import math

import pytest
from matplotlib.container import ErrorbarContainer
from scipy import stats

from simcs.app import playground as pg
from simcs.calendar import HOURS_PER_YEAR
from simcs.stats import Interval


def textbook_erlang_c(agents: int, rate: float, handle_hours: float) -> tuple[float, float]:
    """(P(wait), mean wait in hours) of M/M/c from the factorial sums (Gross et al.,
    *Fundamentals of Queueing Theory*): C = (a^c / c!) (c / (c - a)) / (sum_{k<c} a^k / k! +
    (a^c / c!) (c / (c - a))), W_q = C / (c mu - lambda); the terms in logs, so that
    hundreds of agents do not overflow."""
    a = rate * handle_hours
    logs = [k * math.log(a) - math.lgamma(k + 1) for k in range(agents)]
    top = agents * math.log(a) - math.lgamma(agents + 1) + math.log(agents / (agents - a))
    largest = max(*logs, top)
    terms = math.fsum(math.exp(t - largest) for t in logs)
    p_wait = math.exp(top - largest) / (terms + math.exp(top - largest))
    return p_wait, p_wait / (agents / handle_hours - rate)


def inside_99(theory: float, iv: Interval) -> tuple[bool, float]:
    """Whether `theory` is inside the 99% Student-t interval of the replications behind `iv`
    (its mean, standard deviation and count), and that interval's half-width."""
    half = float(stats.t.ppf(0.995, iv.n - 1)) * iv.std / math.sqrt(iv.n)
    return abs(iv.mean - theory) <= half, half


#: 2 agents, 2.4 cases an hour of 30 minutes: a = 1.2 Erlangs, rho = 0.6, 50k simulated cases
STABLE = pg.Desk(agents=2, arrival_rate_per_hour=2.4, handle_hours_mean=0.5)


@pytest.fixture(scope="module")
def stable() -> pg.DeskResult:
    return pg.simulate_desk(STABLE, replications=10, seed=11)


@pytest.mark.parametrize("rate", [0.1, 7 / 3, 3.2, pg.MAX_ARRIVAL_RATE])
@pytest.mark.parametrize("law", ["exponential", "lognormal"])
def test_the_desk_scenario_has_the_asked_rate_load_and_agents(rate: float, law: str) -> None:
    desk = pg.Desk(agents=7, arrival_rate_per_hour=rate, handle_hours_mean=0.4, handle_time_law=law)
    scenario = pg.desk_scenario(desk)
    (group,) = scenario.population.values()
    arrival_rate = group.initial_customers * group.cases_per_year / HOURS_PER_YEAR
    assert arrival_rate == pytest.approx(rate, rel=1e-12, abs=0)
    handle = scenario.support.handle_time
    assert arrival_rate * handle.mean_hours == pytest.approx(rate * 0.4, rel=1e-12, abs=0)
    assert desk.offered_load_erlangs == pytest.approx(rate * 0.4, rel=1e-15)
    assert desk.utilisation == pytest.approx(rate * 0.4 / 7, rel=1e-15)
    assert handle.distribution == law
    assert scenario.staff.support.headcount == 7
    assert scenario.staff.support.productive_hours_per_week == 40  # agents staff every hour
    assert scenario.staff.support.attrition_per_year == 0
    assert scenario.levers.self_service_deflection == 0
    assert scenario.support.patience_hours is None
    assert scenario.horizon_years == 1


def test_the_simulated_desk_agrees_with_textbook_erlang_c(stable: pg.DeskResult) -> None:
    p_wait, wait_hours = textbook_erlang_c(2, 2.4, 0.5)  # 0.45 and 0.28125 h
    assert stable.theory.p_wait == pytest.approx(p_wait, rel=1e-12)
    assert stable.theory.wait_hours_mean == pytest.approx(wait_hours, rel=1e-12)
    assert stable.theory.exact
    for theory, iv, widest in (
        (wait_hours, stable.wait_hours, 0.25 * wait_hours),
        (p_wait, stable.p_wait, 0.05),
        (0.6, stable.utilisation, 0.03),
    ):
        ok, half = inside_99(theory, iv)
        assert iv.n == 10
        assert ok, f"Erlang C {theory:.4f} outside {iv.mean:.4f} +/- {half:.4f}"
        assert half < widest, "the interval is too wide to catch a wrong desk"
        assert iv.low < iv.mean < iv.high  # the 95% interval the page shows


def test_an_unstable_desk_still_runs_and_says_there_is_no_steady_state() -> None:
    desk = pg.Desk(agents=1, arrival_rate_per_hour=1.2, handle_hours_mean=1.0)  # rho = 1.2
    assert not desk.stable
    result = pg.simulate_desk(desk, replications=2, seed=3)
    assert result.theory.p_wait == 1.0
    assert math.isinf(result.theory.wait_hours_mean)
    assert result.wait_hours.mean > 50.0  # the queue grew all year (at rho = 0.9: 9 h)
    assert result.utilisation.mean > 0.98
    note = pg.stability_note(desk)
    assert "Unstable" in note and "no steady state" in note and "120%" in note
    assert "Stable" in pg.stability_note(STABLE)


def test_lognormal_handle_times_keep_the_mean_and_use_the_mgc_approximation() -> None:
    desk = pg.Desk(1, 0.5, 1.0, handle_time_law="lognormal", handle_time_cv=2.0)
    result = pg.simulate_desk(desk, replications=3, seed=5)
    assert inside_99(0.5, result.utilisation)[0]
    theory = result.theory
    assert not theory.exact
    assert theory.wait_hours_mean_mgc == pytest.approx(theory.wait_hours_mean * 2.5)
    assert theory.wait_hours_mean == pytest.approx(textbook_erlang_c(1, 0.5, 1.0)[1])


def test_the_trap_curve_is_the_erlang_c_formula() -> None:
    desk = pg.Desk(agents=6, arrival_rate_per_hour=9.6, handle_hours_mean=0.5)
    sweep = pg.trap_sweep(desk, simulated_utilisations=())
    assert sweep.points == []
    assert len(sweep.utilisations) >= 50
    assert sweep.utilisations[0] == pytest.approx(0.5)
    assert sweep.utilisations[-1] == pytest.approx(0.95)
    for rho, wait in zip(sweep.utilisations, sweep.wait_hours, strict=True):
        assert wait == pytest.approx(textbook_erlang_c(6, rho * 6 / 0.5, 0.5)[1], rel=1e-9)
    assert sweep.wait_hours == sorted(sweep.wait_hours)  # waits only grow with utilisation
    # the notebook's numbers: 13 minutes at 80%, 87 at 95% (12.94 and 86.56)
    assert pg.erlang_c_desk(pg.at_utilisation(desk, 0.8)).wait_hours_mean * 60 == pytest.approx(
        12.94, abs=0.01
    )
    assert sweep.wait_hours[-1] * 60 == pytest.approx(86.56, abs=0.01)


@pytest.mark.parametrize(
    "desk",
    [
        pg.Desk(0, 1.0, 0.5),
        pg.Desk(pg.MAX_AGENTS + 1, 1.0, 0.5),
        pg.Desk(2, 0.0, 0.5),
        pg.Desk(2, pg.MAX_ARRIVAL_RATE * 1.01, 0.5),
        pg.Desk(2, math.nan, 0.5),
        pg.Desk(2, 1.0, 0.0),
        pg.Desk(2, 1.0, math.inf),
        pg.Desk(2, 1.0, pg.MAX_HANDLE_HOURS + 1),
        pg.Desk(2, 1.0, 0.5, "lognormal", 50.0),
        pg.Desk(2, 1.0, 0.5, "uniform"),  # type: ignore[arg-type]
    ],
)
def test_desks_out_of_bounds_are_refused_in_words(desk: pg.Desk) -> None:
    with pytest.raises(ValueError, match=r"^[A-Z].*\.$"):
        pg.simulate_desk(desk, replications=2)


def test_too_much_work_is_refused_before_anything_runs() -> None:
    busy = pg.Desk(2, pg.MAX_ARRIVAL_RATE, 0.05)
    with pytest.raises(ValueError, match="fewer replications"):
        pg.simulate_desk(busy, replications=pg.MAX_REPLICATIONS)  # ~1.9 million cases
    with pytest.raises(ValueError, match="Replications"):
        pg.simulate_desk(STABLE, replications=1)  # no interval from one year
    big = pg.Desk(200, 1.0, 0.05)
    with pytest.raises(ValueError, match="only the Erlang C curve"):
        pg.trap_sweep(big)  # 2,000 cases an hour at 50%
    curve = pg.trap_sweep(big, simulated_utilisations=())  # what the page draws instead
    assert curve.wait_hours[-1] == pytest.approx(textbook_erlang_c(200, 0.95 * 4000, 0.05)[1])
    with pytest.raises(ValueError, match="between 0 and 1"):
        pg.trap_sweep(STABLE, simulated_utilisations=(1.1,))


def test_the_trap_figure_draws_curve_points_and_the_chosen_desk(stable: pg.DeskResult) -> None:
    sweep = pg.trap_sweep(STABLE, simulated_utilisations=(0.3, 0.5), replications=2, seed=2)
    fig = pg.trap_figure(sweep, stable)
    (ax,) = fig.axes
    curve = ax.lines[0]
    assert list(curve.get_xdata()) == sweep.utilisations
    assert list(curve.get_ydata()) == pytest.approx([w * 60 for w in sweep.wait_hours])
    bars = [c for c in ax.containers if isinstance(c, ErrorbarContainer)]
    assert len(bars) == 3  # two simulated utilisations and the chosen desk
    marker = bars[-1].lines[0]
    assert list(marker.get_xdata()) == pytest.approx([0.6])
    assert list(marker.get_ydata()) == pytest.approx([stable.wait_hours.mean * 60])
    assert "Utilisation" in ax.get_xlabel() and "minutes" in ax.get_ylabel()
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "Erlang C (M/M/c)",
        "Simulated (95% interval)",
        "Your desk",
    ]
    assert ax.get_ylim()[1] >= max(w * 60 for w in sweep.wait_hours)


def test_the_trap_figure_marks_an_unstable_desk_in_words(stable: pg.DeskResult) -> None:
    desk = pg.Desk(2, 6.0, 0.5)  # rho = 1.5
    unstable = pg.DeskResult(desk, stable.wait_hours, stable.p_wait, stable.utilisation,
                             pg.erlang_c_desk(desk), 10, 11, 0.0)  # fmt: skip
    fig = pg.trap_figure(pg.trap_sweep(desk, ()), unstable)
    (ax,) = fig.axes
    assert not [c for c in ax.containers if isinstance(c, ErrorbarContainer)]
    assert any(list(line.get_xdata()) == [1.5, 1.5] for line in ax.lines)
    assert any("no steady state" in t.get_text() for t in ax.texts)


def test_one_customers_journey_is_a_timeline_of_its_cases() -> None:
    scenario = pg.desk_scenario(pg.Desk(1, 0.5, 0.5))
    text = pg.customer_journey(scenario, seed=4)
    assert text.startswith("Book customer #0 (Book)")
    assert "case answered" in text and "day " in text
    assert text == pg.customer_journey(scenario, seed=4)  # the seed fixes the history
    assert text != pg.customer_journey(scenario, seed=5)
    two = pg.customer_journey(scenario, seed=4, customers=2)
    assert two.count("Book customer #") == 2
    with pytest.raises(ValueError):
        pg.customer_journey(scenario, seed=-1)
