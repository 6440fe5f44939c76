"""The workbench's entry script: `simcs app` serves it with Streamlit.

Five pages (`simcs.app.views`): Scenario, Run, Compare, Plan, Learn. The sidebar says which
scenario the session is working on and whether it has been edited.
"""

from __future__ import annotations

import streamlit as st

from simcs import __version__
from simcs.app import state
from simcs.app.views import compare, learn, plan, run, scenario

st.set_page_config(page_title="simcs workbench", page_icon=":bar_chart:", layout="wide")

PAGES = [
    st.Page(scenario.page, title="Scenario", url_path="scenario", default=True),
    st.Page(run.page, title="Run", url_path="run"),
    st.Page(compare.page, title="Compare", url_path="compare"),
    st.Page(plan.page, title="Plan", url_path="plan"),
    st.Page(learn.page, title="Learn", url_path="learn"),
]
navigation = st.navigation(PAGES)
with st.sidebar:
    current = state.current_scenario()
    edited = current != state.reference_scenario()
    st.markdown(f"**Scenario:** {current.name}{' (edited)' if edited else ''}")
    st.caption(f"from {state.scenario_source()} · simcs {__version__}")
navigation.run()
