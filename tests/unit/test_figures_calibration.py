"""Calibration figures from hand-made calibration.json documents: one line and its dots per
group, the projection dashed, a histogram with its fitted density, whiskers on case rates, and
no error where something was not fitted."""

from __future__ import annotations

import math
from typing import Any

from simcs.reporting import figures


def _doc() -> dict[str, Any]:
    return {
        "groups": {
            "smb": {
                "renewal": {
                    "alpha": 1.2,
                    "beta": 3.0,
                    "n_accounts": 2500,
                    "survival_observed": [0.72, 0.58, 0.5],
                    "survival_fitted": [0.714, 0.58, 0.49],
                    "survival_projected": [0.43, 0.38],
                },
                "support": {"cases_per_year": 3.0, "cases_per_year_ci95": [2.8, 3.2]},
            },
            "ent": {"renewal": None, "support": None},
        },
        "handle_time": {
            "mean_hours": 0.6667,
            "cv": 0.95,
            "ks_distance": 0.012,
            "log_minutes_mean": math.log(40) - 0.32,
            "log_minutes_sd": 0.8,
            "histogram_minutes": {"edges": [1, 10, 100, 1000], "counts": [50, 800, 150]},
        },
    }


def test_survival_fit_draws_each_fitted_group() -> None:
    ax = figures.survival_fit(_doc()).axes[0]
    styles = [line.get_linestyle() for line in ax.get_lines() if len(line.get_xdata())]
    assert styles.count("--") == 1 and "None" in styles  # projected, and observed dots
    dots = next(ln for ln in ax.get_lines() if ln.get_linestyle() == "None")
    assert list(dots.get_ydata()) == [0.72, 0.58, 0.5]


def test_handle_time_and_case_rates() -> None:
    ax = figures.handle_time_fit(_doc()).axes[0]
    assert len(ax.patches) == 3 and len(ax.get_lines()) == 1
    heights = [p.get_height() * p.get_width() for p in ax.patches]
    assert math.isclose(sum(heights), 1.0)  # a density
    rates = figures.case_rates(_doc()).axes[0]
    assert len(rates.patches) == 1 and rates.patches[0].get_height() == 3.0


def test_nothing_fitted_never_raises() -> None:
    empty: dict[str, Any] = {"groups": {"x": {"renewal": None, "support": None}}}
    for build in (figures.survival_fit, figures.handle_time_fit, figures.case_rates):
        texts = [t.get_text() for t in build(empty).axes[0].texts]
        assert any(t.startswith("no ") for t in texts), texts
