"""What the pages share: a scenario's problems as the CLI words them, a job started from a page
and its progress, and a finished job's report (headlines, figures, tables, the HTML file).

A job lives in the session (`st.session_state`) under its page's key, so leaving a page and
coming back finds it still running, or finished with its results. Its progress is a fragment
that redraws itself every `POLL_SECONDS` without running the page again; when the job ends it
reruns the page once, which then shows the results (or the command's error message).
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from simcs.app import jobs
from simcs.app.jobs import Job
from simcs.app.workspace import Workspace, workspace
from simcs.reporting.report import write_report
from simcs.reporting.results import REPORT
from simcs.scenario.files import ScenarioError

POLL_SECONDS = 0.5


def show_problems(exc: ScenarioError) -> None:
    """The problems of a scenario, in the command line's words."""
    st.error("\n\n".join(f"`{line.strip()}`" for line in exc.report_lines()))


def space() -> Workspace:
    """The app's results folder (created once per session)."""
    if "simcs_workspace" not in st.session_state:
        st.session_state["simcs_workspace"] = workspace()
    found: Workspace = st.session_state["simcs_workspace"]
    return found


def replications_and_seed(key: str, label: str, minimum: int) -> tuple[int, int]:
    """The replications (at least `minimum`, 10 to start with) and the root seed of a job."""
    left, right, _ = st.columns([1, 1, 2])
    replications = left.number_input(
        label, min_value=minimum, max_value=1000, value=10, step=1, key=f"{key}_replications"
    )
    seed = right.number_input(
        "Seed", min_value=0, max_value=2**31 - 1, value=0, step=1, key=f"{key}_seed"
    )
    return int(replications), int(seed)


def current_job(key: str) -> Job | None:
    """The job the page `key` started last in this session, if any."""
    job: Job | None = st.session_state.get(f"simcs_job_{key}")
    return job


def start_job(
    key: str, title: str, arguments: list[str], folder: Path, seed: int, total: int | None
) -> None:
    """Start `simcs ARGUMENTS` for page `key` (stopping the page's previous job)."""
    previous = current_job(key)
    if previous is not None:
        previous.stop()
    st.session_state[f"simcs_job_{key}"] = jobs.start(title, arguments, folder, seed, total)


def job_panel(key: str) -> Job | None:
    """The page's job: its progress while it runs, its error if it failed; returns the job
    once it has succeeded (None otherwise)."""
    job = current_job(key)
    if job is None:
        return None
    if not job.finished:
        _progress(key)
        return None
    if job.succeeded:
        return job
    if job.interrupted:
        st.warning(
            f"{job.title} stopped after {job.seconds:.0f} s; the replications that finished are "
            "kept, so running it again resumes."
        )
    else:
        st.error(f"{job.title} failed:\n\n```\n{job.messages().strip()}\n```")
    return None


@st.fragment(run_every=POLL_SECONDS)
def _progress(key: str) -> None:
    job = current_job(key)
    if job is None:
        return
    if job.finished:
        st.rerun()
    done = job.done()
    if job.total:
        share = min(1.0, done / job.total)
        text = (
            f"{job.title}: {min(done, job.total)} of {job.total} replications, {job.seconds:.0f} s"
        )
        st.progress(share, text=text)
    else:
        st.progress(0.0, text=f"{job.title}: {done} replications so far, {job.seconds:.0f} s")
    st.caption(f"Running {job.command_line}")
    if st.button("Stop", key=f"stop_{key}"):
        job.stop()
        st.rerun()


@st.cache_data(show_spinner="Writing the report ...", max_entries=32)
def _report(folder: str, stamp: float) -> tuple[list[str], list[str], list[tuple[str, str]]]:
    """(headlines, figure PNG paths, sections) of the report written into `folder`."""
    written = write_report(Path(folder))
    return written.page.headlines, [str(p) for p in written.images], written.page.sections


def show_report(job: Job, figures: int | None = None, open_sections: tuple[str, ...] = ()) -> None:
    """A finished job's report: headlines, the sections whose titles start with one of
    `open_sections`, figures (the first `figures`, the rest folded), the other sections
    folded, the HTML report to download and the command's printed output."""
    summary = max(p.stat().st_mtime for p in job.folder.iterdir() if p.suffix == ".json")
    headlines, images, sections = _report(str(job.folder), summary)
    st.success(f"{job.title}: done in {job.seconds:.0f} s. Results in `{job.folder}`")
    for line in headlines:
        st.markdown(f"- {line}")
    opened = [(t, b) for t, b in sections if t.startswith(open_sections)]
    folded = [(t, b) for t, b in sections if not t.startswith(open_sections)]
    for title, body in opened:
        st.markdown(f"**{title}**")
        st.html(body)
    shown = images if figures is None else images[:figures]
    columns = st.columns(2)
    for i, image in enumerate(shown):
        columns[i % 2].image(image)
    if len(shown) < len(images):
        with st.expander(f"{len(images) - len(shown)} more figures"):
            for image in images[len(shown) :]:
                st.image(image)
    for title, body in folded:
        with st.expander(title):
            st.html(body)
    report = job.folder / REPORT
    if report.exists():
        st.download_button(
            "Download the HTML report",
            report.read_bytes(),
            file_name=f"{job.folder.name}-report.html",
            mime="text/html",
            key=f"report_{job.folder.name}",
        )
    with st.expander("What the command printed"):
        st.caption(f"`{job.command_line}`")
        st.code(job.output() or "(nothing)", language=None)
