"""The Plan page: how many people, one pool at a time.

First the analytic capacity of every pool of the session's scenario (demand against capacity,
Erlang C for the support desk, target utilisation for the others: `simcs capacity`, instant),
then the sizing of one pool by simulation against targets (`simcs size`): the cheapest
headcount whose every target holds at the stated confidence, and the staffing frontier of
every headcount simulated, with the same seeds for each.
"""

from __future__ import annotations

import pandas
import streamlit as st

from simcs.app import state
from simcs.app.views.common import job_panel, show_report, space, start_job
from simcs.app.workspace import job_name
from simcs.planning.capacity import capacity_table
from simcs.planning.pools import sizable_pools
from simcs.planning.sizing import parse_target
from simcs.reporting.tables import pool_capacity_cells

KEY = "size"
#: a sensible first target for each kind of pool (any metric of the catalogue may be used)
FIRST_TARGET = {
    "support": "support_sla_met>=0.8",
    "implementation": "ps_utilization<=0.85",
    "education": "trained_share>=0.25",
    "csm": "csm_utilization<=0.85",
}


def _capacity() -> None:
    scenario = state.current_scenario()
    st.subheader("Capacity: the analytic answer, before any simulation")
    left, right, _ = st.columns([1, 1, 2])
    sla = left.slider(
        "Share of cases within their tier's SLA", 0.5, 0.99, 0.80, 0.01, key="plan_sla"
    )
    utilisation = right.slider(
        "Target utilisation of CSM, implementation and education pools",
        0.5,
        1.0,
        0.85,
        0.01,
        key="plan_utilisation",
    )
    headings, cells = pool_capacity_cells(capacity_table(scenario, sla, utilisation))
    st.table(pandas.DataFrame(cells, columns=headings).set_index(headings[0]))
    st.caption(
        "Demand from the mid-year book; capacity = headcount x productive hours a week x 52 x "
        "the share of seat hours available with turnover; Erlang C for the support desk. "
        "Priorities, handle-time spread and backlogs are left to the simulation below."
    )


def _sizing() -> None:
    scenario = state.current_scenario()
    st.subheader("Size one pool by simulation")
    pools = sizable_pools(scenario)
    pool = st.selectbox("Pool to size", pools, key="plan_pool")
    first = FIRST_TARGET[pool.split(".")[0]]
    target = st.text_input(
        "Target (METRIC[SCOPE]>=VALUE or <=VALUE)",
        value=first,
        key=f"plan_target_{pool}",
        help="Any metric of the metrics reference; the scope is a tier (enterprise), a "
        "customer group (group:15k_to_100k) or nothing for the whole book. Examples: "
        "support_sla_met>=0.8, grr[group:100k_to_250k]>=0.92, csm_utilization<=0.85.",
    )
    columns = st.columns(3)
    replications = columns[0].number_input(
        "Replications per headcount", min_value=2, max_value=200, value=5, key="plan_n"
    )
    confidence = columns[1].slider("Confidence", 0.5, 0.99, 0.95, 0.01, key="plan_confidence")
    seed = columns[2].number_input("Seed", min_value=0, max_value=2**31 - 1, value=0, key="ps")
    if st.button("Size the pool", type="primary"):
        try:
            parse_target(target, scenario.scopes()[:-1])
        except ValueError as exc:
            st.error(f"Target: {exc}")
            return
        settings = f"{pool}|{target}|{confidence}"
        folder = space().folder("sizing", job_name(scenario, extra=settings))
        arguments = ["size", str(space().scenario_file(scenario)), "--pool", pool]
        arguments += ["--target", target, "--confidence", str(confidence)]
        arguments += ["-n", str(replications), "--seed", str(seed), "--out", str(folder)]
        start_job(KEY, f"Sizing of {pool}", arguments, folder, int(seed), None)
    job = job_panel(KEY)
    if job is not None:
        show_report(job, figures=1, open_sections=("Every plan simulated",))


def page() -> None:
    st.title("Plan")
    st.markdown(
        f"How many people **{state.current_scenario().name}** needs, one pool at a time: the "
        "analytic capacity of every pool, then a simulation search for the cheapest headcount "
        "of one pool that meets your targets."
    )
    _capacity()
    st.divider()
    _sizing()
