"""The Compare page: the session's edited scenario against a reference, paired with common
random numbers, with the headline in plain words and in dollars, the forest plots and the
cost-against-retention chart, and the HTML report to download.

The comparison is `simcs compare REFERENCE EDITED -n N --seed S --out FOLDER`: every
replication of both runs with the same customers and the same luck, so the paired difference
shows the effect of the edit, not of chance.
"""

from __future__ import annotations

import streamlit as st

from simcs.app import state
from simcs.app.views.common import (
    job_panel,
    replications_and_seed,
    show_problems,
    show_report,
    space,
    start_job,
)
from simcs.app.workspace import job_name, shipped_scenarios
from simcs.scenario import Scenario
from simcs.scenario.fields import MAX_NAME
from simcs.scenario.files import ScenarioError, load_scenario, with_overrides

KEY = "compare"
SUFFIX = "_edited"
LOADED = "The scenario as loaded"


def _edited_name(scenario: Scenario) -> str:
    """The edited scenario's name beside a reference of the same name (within the schema's
    length limit)."""
    return f"{scenario.name[: MAX_NAME - len(SUFFIX)]}{SUFFIX}"


def _reference() -> Scenario | None:
    shipped = shipped_scenarios()
    choice = st.selectbox(
        "Reference",
        [LOADED, *shipped],
        help="What the edited scenario is compared against.",
        key="ref",
    )
    if choice == LOADED:
        return state.reference_scenario()
    try:
        return load_scenario(shipped[choice])
    except ScenarioError as exc:
        show_problems(exc)
        return None


def page() -> None:
    st.title("Compare")
    edited = state.current_scenario()
    st.markdown(
        f"Compares **{edited.name}** (the scenario as edited on the Scenario page; named "
        f"{_edited_name(edited)} in the results if it has the reference's name) with a "
        "reference. Both run the same replications with common random numbers: each "
        "customer lives the same luck under both, so the differences are the edit's effect."
    )
    reference = _reference()
    replications, seed = replications_and_seed(KEY, "Replications per scenario", minimum=2)
    if reference is None:
        return
    if reference == edited:
        st.info("The edited scenario equals the reference: change a lever on the Scenario page.")
    elif st.button("Compare", type="primary"):
        if edited.name == reference.name:
            edited = with_overrides(edited, {"name": _edited_name(edited)}, "edited scenario")
        folder = space().folder("comparisons", job_name(reference, edited))
        files = [str(space().scenario_file(s)) for s in (reference, edited)]
        arguments = ["compare", *files, "-n", str(replications), "--seed", str(seed)]
        arguments += ["--out", str(folder)]
        title = f"Comparison of {edited.name} with {reference.name}"
        start_job(KEY, title, arguments, folder, seed, 2 * replications)
    job = job_panel(KEY)
    if job is not None:
        show_report(job)
