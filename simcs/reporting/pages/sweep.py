"""The page of a sweep folder: an experiment's page (every grid point a variant against the
reference) plus the frontier, each compared metric against the swept parameter with its 95%
band (points.csv).
"""

from __future__ import annotations

from pathlib import Path

from simcs.reporting import figures, results
from simcs.reporting.pages import experiment
from simcs.reporting.pages.common import Page, folder_scenario, tier_labels


def page(folder: Path) -> Page:
    """The page of a sweep folder (an experiment's files plus points.csv)."""
    built = experiment.page(folder, "sweep")
    rows = results.read_csv(folder / results.POINTS)
    doc = results.read_json(folder / results.SUMMARY)
    if rows:
        param = list(rows[0])[1]  # columns: point, the swept parameter(s), tier, metric, ...
        labels = tier_labels(folder_scenario(folder, doc.get("reference")))
        frontier = figures.frontier(
            rows, param, experiment.metrics_compared(doc), tier_labels=labels
        )
        built.figures.append(("frontier", frontier))
    return built
