"""The Run page: replications of the session's scenario with a progress bar, then the run's
report (its headline, figures and the summary tables with 95% intervals).

The run is `simcs run SCENARIO -n N --seed S --out FOLDER`, the folder named by the scenario,
so running the same scenario again reuses the replications already stored (more replications
compute only the new ones; a stopped run resumes).
"""

from __future__ import annotations

import streamlit as st

from simcs.app import state
from simcs.app.views.common import (
    job_panel,
    replications_and_seed,
    show_report,
    space,
    start_job,
)
from simcs.app.workspace import job_name

KEY = "run"


def page() -> None:
    st.title("Run")
    scenario = state.current_scenario()
    st.markdown(
        f"Simulates **{scenario.name}** ({scenario.horizon_years} years, measured "
        f"{scenario.measurement_years[0]}-{scenario.measurement_years[-1]}) as many times as "
        "asked, each replication with its own luck, and reports every figure as a mean with "
        "its 95% interval. More replications give narrower intervals."
    )
    replications, seed = replications_and_seed(KEY, "Replications", minimum=1)
    if st.button("Run the scenario", type="primary"):
        folder = space().folder("runs", job_name(scenario))
        scenario_file = space().scenario_file(scenario)
        arguments = ["run", str(scenario_file), "-n", str(replications), "--seed", str(seed)]
        arguments += ["--by", "both", "--out", str(folder)]
        start_job(KEY, f"Run of {scenario.name}", arguments, folder, seed, replications)
    job = job_panel(KEY)
    if job is not None:
        show_report(job, figures=6, open_sections=("Results by", "Revenue and margin"))
