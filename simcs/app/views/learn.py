"""The Learn page: a support desk to play with in class. Students set agents, load and handle
times, simulate the desk with the real model, and see it next to Erlang C; the utilisation trap
shows waits exploding as utilisation nears 1; one customer's journey shows what the model does
to a single account of the session's scenario.

The simulation runs in this process (`simcs.app.playground`, seconds at most) and is cached by
its inputs, so coming back to the page, or to inputs already tried, is instant.
"""

from __future__ import annotations

import math

import streamlit as st

from simcs.app import playground as pg
from simcs.app import state
from simcs.scenario import Scenario
from simcs.scenario.files import scenario_sha256
from simcs.stats import Interval

#: the desk simulated on first load: 2 agents, 30-minute cases, 80% busy (about 2 s in all)
DEFAULT = pg.Desk(agents=2, arrival_rate_per_hour=3.2, handle_hours_mean=0.5)
DEFAULT_REPLICATIONS = 5
DEFAULT_SEED = 1
LAWS: tuple[pg.HandleTimeLaw, ...] = ("exponential", "lognormal")
_ASKED = "learn_asked"  # session key: (desk, replications, seed) last asked for
_JOURNEY = "learn_journey"  # session key: (scenario hash, seed, timeline text)

INTRO = """
A support desk is a queue: customers' cases arrive at random, agents take them one at a time,
and a case that finds every agent busy waits. Three numbers decide how long: how many
**agents** (c), how many **cases an hour** arrive (λ) and how long an agent spends on a case
(the **handle time**, s, on average). Their mix is the **utilisation**, ρ = λ·s / c: the share
of the agents' time the work needs. Handle times vary from case to case: exponential (what
Erlang C assumes) or lognormal with a chosen **cv** (standard deviation over mean; 1 for the
exponential).

Queueing theory has a formula for this desk (**Erlang C**, the M/M/c queue); the simulation
plays the same desk case by case over simulated years of 2,080 business hours. Change the
numbers, press **Simulate the desk**, and check that the two agree, and what happens as ρ
gets close to 1.
"""


@st.cache_data(show_spinner=False, max_entries=64)
def _simulated(desk: pg.Desk, replications: int, seed: int) -> pg.DeskResult:
    return pg.simulate_desk(desk, replications, seed)


@st.cache_data(show_spinner=False, max_entries=64)
def _swept(desk: pg.Desk, replications: int, seed: int, simulate: bool) -> pg.Sweep:
    points = pg.TRAP_POINTS if simulate else ()
    return pg.trap_sweep(desk, points, replications, seed)


@st.cache_data(show_spinner=False, max_entries=16)
def _journey(scenario_key: str, _scenario: Scenario, seed: int) -> str:
    return pg.customer_journey(_scenario, seed)


def _inputs() -> tuple[pg.Desk, int, int] | None:
    """The form; the inputs when "Simulate the desk" was pressed, else None."""
    with st.form("learn_desk"):
        left, middle, right = st.columns(3)
        agents = left.number_input(
            "Support agents", min_value=1, max_value=pg.MAX_AGENTS, value=DEFAULT.agents, step=1
        )
        rate = middle.number_input(
            "Cases per business hour",
            min_value=0.1,
            max_value=pg.MAX_ARRIVAL_RATE,
            value=DEFAULT.arrival_rate_per_hour,
            step=0.1,
            format="%.2f",
        )
        handle = right.number_input(
            "Mean handle time (hours)",
            min_value=0.05,
            max_value=pg.MAX_HANDLE_HOURS,
            value=DEFAULT.handle_hours_mean,
            step=0.05,
            format="%.2f",
        )
        left, middle, right, far = st.columns(4)
        law = left.radio("Handle-time distribution", LAWS, horizontal=True)
        cv = middle.number_input(
            "Handle-time cv (lognormal only)",
            min_value=pg.MIN_CV,
            max_value=pg.MAX_CV,
            value=1.0,
            step=0.1,
        )
        replications = right.number_input(
            "Replications (simulated years)",
            min_value=pg.MIN_REPLICATIONS,
            max_value=pg.MAX_REPLICATIONS,
            value=DEFAULT_REPLICATIONS,
            step=1,
        )
        seed = far.number_input("Seed", min_value=0, max_value=2**31 - 1, value=DEFAULT_SEED)
        if not st.form_submit_button("Simulate the desk", type="primary"):
            return None
    desk = pg.Desk(int(agents), float(rate), float(handle), law or "exponential", float(cv))
    return desk, int(replications), int(seed)


def _minutes(hours: float) -> str:
    """A wait in minutes for the table: two decimals below 10 minutes, one above."""
    if math.isinf(hours):
        return "infinite (no steady state)"
    minutes = hours * 60.0
    return f"{minutes:,.2f}" if minutes < 10 else f"{minutes:,.1f}"


def _wait_words(hours: float) -> str:
    """A wait in words: seconds below a minute, minutes above."""
    minutes = hours * 60.0
    return f"{minutes * 60:.1f} seconds" if minutes < 1 else f"{minutes:,.1f} minutes"


def _interval(iv: Interval, scale: float, digits: int) -> str:
    if math.isnan(iv.low):
        return "n/a"
    return f"{iv.low * scale:,.{digits}f} to {iv.high * scale:,.{digits}f}"


def _table(result: pg.DeskResult) -> None:
    """Simulated against Erlang C: mean wait (minutes), P(wait), utilisation."""
    theory, desk = result.theory, result.desk
    rows = [
        {
            "": "Mean wait (minutes)",
            "Simulated": _minutes(result.wait_hours.mean),
            "95% interval": _interval(result.wait_hours, 60.0, 1),
            "Erlang C": _minutes(theory.wait_hours_mean),
        },
        {
            "": "P(wait > 0)",
            "Simulated": f"{result.p_wait.mean:.3f}",
            "95% interval": _interval(result.p_wait, 1.0, 3),
            "Erlang C": f"{theory.p_wait:.3f}",
        },
        {
            "": "Utilisation",
            "Simulated": f"{result.utilisation.mean:.3f}",
            "95% interval": _interval(result.utilisation, 1.0, 3),
            "Erlang C": f"{min(desk.utilisation, 1.0):.3f}",
        },
    ]
    if not theory.exact:
        rows[0]["M/G/c approx."] = _minutes(theory.wait_hours_mean_mgc)
    st.table(rows)
    st.caption(
        f"{result.replications} simulated years of {desk.cases_per_year:,.0f} cases each "
        f"(seed {result.seed}), in {result.wall_seconds:.1f} s."
        + (
            ""
            if theory.exact
            else " Erlang C assumes exponential handle times; with lognormal ones it is only "
            "a reference, and the M/G/c approximation W x (1 + cv\u00b2) / 2 is closer."
        )
    )


def _trap_words(sweep: pg.Sweep) -> str:
    """What the figure shows, with its own numbers."""
    desk = pg.Desk(sweep.agents, 1.0, sweep.handle_hours_mean)
    at = {
        rho: pg.erlang_c_desk(pg.at_utilisation(desk, rho)).wait_hours_mean
        for rho in (0.5, 0.8, 0.95)
    }
    return (
        f"With {sweep.agents} agents and {sweep.handle_hours_mean * 60:g}-minute cases, Erlang C's "
        f"mean wait is {_wait_words(at[0.5])} at 50% utilisation, {_wait_words(at[0.8])} at 80% "
        f"and {_wait_words(at[0.95])} at 95%: {at[0.95] / at[0.8]:.1f} times the wait for 19% "
        "more work. The curve is flat for a long time and then a wall: as utilisation "
        "approaches 1 there is no slack left to absorb the random bunching of cases, and waits "
        "explode. At 1 and beyond the queue never settles down."
    )


def _results(desk: pg.Desk, replications: int, seed: int) -> None:
    try:
        with st.spinner("Simulating the desk ..."):
            result = _simulated(desk, replications, seed)
    except ValueError as exc:
        st.error(str(exc))
        return
    note = pg.stability_note(desk)
    (st.info if desk.stable else st.warning)(note)
    _table(result)
    st.subheader("The utilisation trap")
    try:
        with st.spinner("Simulating the sweep ..."):
            sweep = _swept(desk, replications, seed, True)
    except ValueError as exc:
        st.warning(f"{exc}")
        sweep = _swept(desk, replications, seed, False)
    st.pyplot(pg.trap_figure(sweep, result))
    st.markdown(_trap_words(sweep))


def _journey_panel() -> None:
    with st.expander("One customer's journey"):
        scenario = state.current_scenario()
        st.markdown(
            f"One replication of the session's scenario (**{scenario.name}**) with the event "
            "log on, and everything that happened to one customer: cases, CSM touches, "
            "renewals and their churn odds. Another seed is another possible history."
        )
        seed = st.number_input(
            "Journey seed", min_value=0, max_value=2**31 - 1, value=DEFAULT_SEED, key="learn_js"
        )
        key = scenario_sha256(scenario)
        if st.button("Follow a customer"):
            try:
                with st.spinner("Simulating one replication ..."):
                    text = _journey(key, scenario, int(seed))
            except ValueError as exc:
                st.error(str(exc))
                return
            st.session_state[_JOURNEY] = (key, int(seed), text)
        shown = st.session_state.get(_JOURNEY)
        if shown is not None and shown[0] == key and shown[1] == int(seed):
            st.code(shown[2], language=None, height=480)


def page() -> None:
    """The Learn page: the desk's form, its results against Erlang C, the trap, a journey."""
    st.title("Learn: the support desk")
    st.markdown(INTRO)
    asked = _inputs()
    if asked is not None:
        st.session_state[_ASKED] = asked
    desk, replications, seed = st.session_state.get(
        _ASKED, (DEFAULT, DEFAULT_REPLICATIONS, DEFAULT_SEED)
    )
    _results(desk, replications, seed)
    _journey_panel()
