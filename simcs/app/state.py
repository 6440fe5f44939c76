"""What one browser session holds: the scenario being edited and the one it started from.

Streamlit runs the page scripts again on every interaction; `st.session_state` keeps, per
browser tab, the scenario as edited so far (`current_scenario`), the scenario it was loaded
as (`reference_scenario`, the default reference of a comparison) and where it came from
(`scenario_source`). A new session starts from the built-in baseline.
"""

from __future__ import annotations

import streamlit as st

from simcs.scenario import Scenario
from simcs.scenario.files import default_scenario_path, load_scenario

_CURRENT = "simcs_scenario"
_REFERENCE = "simcs_reference"
_SOURCE = "simcs_source"


@st.cache_resource(show_spinner=False)
def _baseline() -> Scenario:
    return load_scenario(default_scenario_path())


def _ensure() -> None:
    if _CURRENT not in st.session_state:
        baseline = _baseline()
        st.session_state[_CURRENT] = baseline
        st.session_state[_REFERENCE] = baseline
        st.session_state[_SOURCE] = "baseline.yaml (built in)"


def current_scenario() -> Scenario:
    """The scenario as edited so far in this session (validated)."""
    _ensure()
    scenario: Scenario = st.session_state[_CURRENT]
    return scenario


def reference_scenario() -> Scenario:
    """The scenario as it was loaded, before any edit in this session."""
    _ensure()
    scenario: Scenario = st.session_state[_REFERENCE]
    return scenario


def scenario_source() -> str:
    """Where the session's scenario came from: a shipped file's name or an upload's."""
    _ensure()
    return str(st.session_state[_SOURCE])


def load(scenario: Scenario, source: str) -> None:
    """Start editing `scenario` (loaded from `source`): it is also the new reference."""
    st.session_state[_CURRENT] = scenario
    st.session_state[_REFERENCE] = scenario
    st.session_state[_SOURCE] = source


def edit(scenario: Scenario) -> None:
    """Keep `scenario` (already validated) as the session's edited scenario."""
    st.session_state[_CURRENT] = scenario
