"""The workbench's pages run by Streamlit's own test harness (no browser): the Scenario form
has one input per lever, applies an edit and lists it, refuses a bad edit with the CLI's
message and keeps nothing of it; Plan shows the capacity table and refuses a bad target;
Compare waits for an edit; Learn draws its first desk. The real browser walk is
tests/system/test_app_browser.py."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest  # the test extra includes the app extra

from simcs.app import levers
from simcs.scenario.files import (
    ScenarioError,
    default_scenario_path,
    load_scenario,
    with_overrides,
)


def _page(view: str) -> AppTest:
    script = f"from simcs.app.views.{view} import page\npage()"
    app = AppTest.from_string(script, default_timeout=120)
    app.run()
    assert not app.exception, app.exception
    return app


def _apply(app: AppTest) -> None:
    next(b for b in app.button if b.label == "Apply changes").click()
    app.run()


def _input(app: AppTest, path: str) -> object:
    """The form input of the lever at `path`."""
    inputs = [*app.number_input, *app.slider, *app.selectbox, *app.checkbox]
    return next(w for w in inputs if (w.key or "").endswith(f"_{path}"))


def test_the_form_has_every_lever_and_applies_an_edit() -> None:
    app = _page("scenario")
    baseline = load_scenario(default_scenario_path())
    for lever in levers.levers(baseline):
        _input(app, lever.path)  # each lever has its input
    _input(app, "staff.support.headcount").set_value(3)
    _apply(app)
    assert not app.error
    edited = app.session_state["simcs_scenario"]
    assert edited == with_overrides(baseline, {"staff.support.headcount": 3})
    assert any("`staff.support.headcount`: 6 → 3" in m.value for m in app.markdown)
    next(b for b in app.button if b.label == "Undo every change").click()
    app.run()
    assert app.session_state["simcs_scenario"] == baseline


def test_a_bad_edit_shows_the_clis_message_and_keeps_nothing() -> None:
    app = _page("scenario")
    baseline = load_scenario(default_scenario_path())
    _input(app, "segmentation.thresholds.enterprise").set_value(250000.0)
    _apply(app)
    with pytest.raises(ScenarioError) as cli:
        with_overrides(
            baseline, {"segmentation.thresholds.enterprise": 250000.0}, "edited scenario"
        )
    shown = app.error[0].value
    for line in cli.value.report_lines():
        assert line.strip() in shown
    assert app.session_state["simcs_scenario"] == baseline


def test_plan_shows_capacity_and_refuses_a_bad_target() -> None:
    app = _page("plan")
    assert "support" in app.table[0].value.index
    next(t for t in app.text_input if t.label.startswith("Target")).set_value("nonsense>=1")
    next(b for b in app.button if b.label == "Size the pool").click()
    app.run()
    assert "unknown metric 'nonsense'" in app.error[0].value


def test_compare_waits_for_an_edit() -> None:
    app = _page("compare")
    assert "equals the reference" in app.info[0].value
    assert not [b for b in app.button if b.label == "Compare"]


def test_learn_draws_its_first_desk() -> None:
    app = _page("learn")
    assert not app.error
    assert app.table or app.dataframe
