"""The Scenario page: pick a shipped scenario or upload one, edit the levers a strategy team
moves (forms built from the scenario schema by `simcs.app.levers`), see what changed and
download the edited scenario as YAML.

Edits are applied together when the form is submitted and validated as the CLI validates a
file: a change the schema refuses is shown with the CLI's message and nothing is kept.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from simcs.app import levers, state
from simcs.app.levers import Lever
from simcs.app.views.common import show_problems
from simcs.app.workspace import MAX_UPLOAD_BYTES, read_upload, shipped_scenarios
from simcs.scenario import Scenario
from simcs.scenario.files import ScenarioError, load_scenario, scenario_yaml

#: the segmentation rules in words
RULE_WORDS = {"arr": "ARR thresholds", "group": "customer group"}
#: changed fields listed at most
SHOWN_CHANGES = 40


def _generation() -> int:
    """Bumped on every load or reset, so the form's widgets start from the new values."""
    return int(st.session_state.get("simcs_form_generation", 0))


def _renew_form() -> None:
    st.session_state["simcs_form_generation"] = _generation() + 1


def _load_section() -> None:
    st.subheader("Start from")
    shipped = shipped_scenarios()
    left, right = st.columns(2)
    with left:
        name = st.selectbox("A shipped scenario", list(shipped), key="shipped_choice")
        if st.button("Load this scenario"):
            try:
                state.load(load_scenario(shipped[name]), f"{name} (shipped)")
                _renew_form()
                st.rerun()
            except ScenarioError as exc:
                show_problems(exc)
    with right:
        upload = st.file_uploader(
            f"Or upload a scenario file (YAML, at most {MAX_UPLOAD_BYTES // 1_000_000} MB)",
            type=["yaml", "yml"],
            key=f"upload_{_generation()}",
        )
        if upload is not None and st.button("Load the uploaded file"):
            try:
                loaded = read_upload(upload.name, upload.getvalue())
            except ScenarioError as exc:
                show_problems(exc)
            else:
                state.load(loaded, f"{upload.name} (uploaded)")
                _renew_form()
                st.rerun()


def _widget(lever: Lever, key: str) -> Any:
    """The input of one lever: bounds, step, unit and help from the schema."""
    helped = lever.help.replace("$", "\\$")  # Streamlit's help is Markdown: $ opens maths
    label = f"{lever.label} ({lever.unit})" if lever.unit and lever.kind != "bool" else lever.label
    if lever.kind == "bool":
        return st.checkbox(label, value=bool(lever.value), help=helped, key=key)
    if lever.kind == "choice":
        choices = list(lever.choices or ())
        index = choices.index(lever.value) if lever.value in choices else 0
        return st.selectbox(label, choices, index=index, help=helped, key=key)
    if lever.kind == "int":
        return st.number_input(
            label,
            min_value=None if lever.minimum is None else int(lever.minimum),
            max_value=None if lever.maximum is None else int(lever.maximum),
            value=int(lever.value),
            step=1,
            help=helped,
            key=key,
        )
    if lever.plausible is not None:
        low = min(lever.plausible[0], float(lever.value))
        high = max(lever.plausible[1], float(lever.value))
        return st.slider(
            label, low, high, float(lever.value), step=lever.step or 0.01, help=helped, key=key
        )
    return st.number_input(
        label,
        min_value=lever.minimum,
        max_value=lever.maximum,
        value=float(lever.value),
        step=lever.step,
        format="%g",
        help=helped,
        key=key,
    )


def _levers_form(scenario: Scenario) -> None:
    st.subheader("Levers")
    st.caption(
        "Every input carries its unit and bounds from the scenario schema (hover the ? for "
        "what it means and where its value comes from). Apply checks the whole scenario as "
        "`simcs validate` does."
    )
    generation = _generation()
    sections = levers.by_section(levers.levers(scenario))
    values: dict[str, Any] = {}
    with st.form(f"levers_{generation}"):
        name = st.text_input(
            "Scenario name (names its result folders; a comparison needs two names)",
            value=scenario.name,
            key=f"name_{generation}",
        )
        for section, found in sections.items():
            with st.expander(section, expanded=section == levers.HEADCOUNT):
                columns = st.columns(3)
                for i, lever in enumerate(found):
                    with columns[i % 3]:
                        values[lever.path] = _widget(lever, f"lever_{generation}_{lever.path}")
        applied = st.form_submit_button("Apply changes", type="primary")
    if applied:
        try:
            changed = levers.edited(scenario, {"name": name, **values})
        except ScenarioError as exc:
            show_problems(exc)
        else:
            state.edit(changed)
            st.rerun()


def _flat(data: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(data, dict):
        out: dict[str, Any] = {}
        for key, value in data.items():
            out.update(_flat(value, f"{prefix}{key}."))
        return out
    return {prefix[:-1]: data}


def _changes(scenario: Scenario, reference: Scenario) -> None:
    now, before = _flat(scenario.model_dump(mode="json")), _flat(reference.model_dump(mode="json"))
    changed = [k for k in now.keys() | before.keys() if now.get(k) != before.get(k)]
    if not changed:
        st.caption("No changes from the loaded scenario.")
        return
    lines = [
        f"- `{k}`: {before.get(k, '(none)')} → {now.get(k, '(none)')}"
        for k in sorted(changed)[:SHOWN_CHANGES]
    ]
    more = len(changed) - SHOWN_CHANGES
    st.markdown(f"**{len(changed)} change(s) from the loaded scenario**")
    st.markdown("\n".join(lines) + (f"\n- ... and {more} more" if more > 0 else ""))
    if st.button("Undo every change"):
        state.edit(reference)
        _renew_form()
        st.rerun()


def page() -> None:
    st.title("Scenario")
    _load_section()
    scenario = state.current_scenario()
    st.divider()
    st.markdown(
        f"**{scenario.name}**: {scenario.description or '(no description)'}  \n"
        f"{len(scenario.population)} customer groups, {len(scenario.tiers)} tiers, "
        f"segmentation by {RULE_WORDS.get(scenario.rule.rule, scenario.rule.rule)}, "
        f"{scenario.horizon_years} years simulated. "
        f"Loaded from {state.scenario_source()}."
    )
    _levers_form(scenario)
    _changes(scenario, state.reference_scenario())
    st.download_button(
        "Download the scenario as YAML",
        scenario_yaml(scenario),
        file_name=f"{scenario.name}.yaml",
        mime="application/x-yaml",
    )
