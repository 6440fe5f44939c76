"""`simcs report DIR`: one self-contained HTML report of a run, experiment, sweep, robustness
study, sizing, allocation or calibration (calibration.html), with its figures embedded (and
written beside it as PNG and SVG for slides).

The report says the headline in plain words ("low_touch vs baseline: cost of delivery per
customer -$1,249 per customer-year [-1,271, -1,227], GRR -1.4 points [-1.7, -1.1]"), then the
figures, the tables, the assumptions and their sources, and how many replications and which
interval method stand behind every number. It uses no network resource: it opens offline.
The folder's kind (`results.kind_of`) picks the page builder in `simcs.reporting.pages`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from simcs import __version__
from simcs.reporting import figures, html, results
from simcs.reporting.pages import (
    allocation,
    calibration,
    experiment,
    robustness,
    run,
    sizing,
    sweep,
)
from simcs.reporting.pages.common import Page

#: The page builder of each kind of result folder.
PAGES: dict[str, Callable[[Path], Page]] = {
    "run": run.page,
    "experiment": experiment.page,
    "sweep": sweep.page,
    "robustness": robustness.page,
    "sizing": sizing.page,
    "allocation": allocation.page,
    "calibration": calibration.page,
}
#: The report's file name, where a kind has its own (else `results.REPORT`).
REPORT_NAMES = {"calibration": "calibration.html"}


@dataclass(frozen=True)
class Report:
    """A written report: its file, the page it shows and its figures as PNG, in page order."""

    path: Path
    page: Page
    images: list[Path]


def write_report(folder: str | Path) -> Report:
    """Write folder/report.html and folder/figures/*.png|svg; return what was written (the
    workbench shows the same headlines, sections and figures)."""
    folder = Path(folder)
    kind = results.kind_of(folder)
    page = PAGES[kind](folder)
    out = folder / results.FIGURES_DIR
    saved = [figures.save(fig, out, name) for name, fig in page.figures]
    images = [html.embedded_image(paths) for paths in saved]
    method = f"{page.method} {page.counted}: {page.count}. simcs {__version__}."
    report = folder / REPORT_NAMES.get(kind, results.REPORT)
    text = html.page(page.title, page.headlines, images, page.sections, method)
    report.write_text(text, encoding="utf-8")
    pngs = [next(p for p in paths if p.suffix == ".png") for paths in saved]
    return Report(report, page, pngs)


def build_report(folder: str | Path) -> Path:
    """Write folder/report.html and folder/figures/*.png|svg; return the report's path."""
    return write_report(folder).path
