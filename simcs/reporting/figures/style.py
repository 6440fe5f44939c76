"""The look of every simcs figure: the Okabe-Ito palette, the colours of cost functions and
verdicts, the rcParams `STYLE` applied while a figure is built and saved, and `save`.

Figures are built without pyplot (no global figure state, no backend selection), so they are
safe in libraries, threads and worker processes; `STYLE` is applied with
`matplotlib.rc_context`, never set globally.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import matplotlib
from cycler import cycler
from matplotlib.figure import Figure

ORANGE = "#E69F00"
SKY = "#56B4E9"
GREEN = "#009E73"
YELLOW = "#F0E442"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
PURPLE = "#CC79A7"
BLACK = "#000000"
GREY = "#999999"  # the neutral grey of the Okabe-Ito set (R's palette.colors("Okabe-Ito"))

#: Okabe & Ito (2008) colour-blind-safe palette, in cycle order (yellow last: weak on white).
PALETTE: tuple[str, ...] = (BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY, BLACK, YELLOW)

#: Colour of each cost-of-delivery function (and of the matching staff pool).
FUNCTION_COLOURS: dict[str, str] = {
    "implementation": BLUE,
    "support": ORANGE,
    "csm": GREEN,
    "education": PURPLE,
    "operations": SKY,
}

#: Colour of each comparison verdict; anything else (no detectable difference) is grey.
VERDICT_COLOURS: dict[str, str] = {"better": GREEN, "worse": VERMILLION}

#: rcParams of every simcs figure.
STYLE: dict[str, Any] = {
    "font.family": "sans-serif",
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.labelsize": 10,
    "axes.labelcolor": "#222222",
    "axes.edgecolor": "#444444",
    "axes.linewidth": 0.8,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.grid.axis": "y",
    "axes.axisbelow": True,
    "axes.prop_cycle": cycler(color=list(PALETTE)),
    "grid.color": "#DDDDDD",
    "grid.linewidth": 0.6,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "xtick.color": "#444444",
    "ytick.color": "#444444",
    "legend.fontsize": 9,
    "legend.frameon": False,
    "figure.titlesize": 13,
    "figure.titleweight": "bold",
    "figure.facecolor": "white",
    "lines.linewidth": 1.8,
    "lines.markersize": 6,
    "errorbar.capsize": 3,
    "patch.linewidth": 0.0,
    "savefig.dpi": 150,
    "savefig.facecolor": "white",
    "svg.fonttype": "none",  # text stays text in the SVG (editable, searchable)
}
P = ParamSpec("P")
R = TypeVar("R")


def styled(build: Callable[P, R]) -> Callable[P, R]:
    """Run a figure builder inside the simcs style (rcParams are read as artists are made)."""

    @functools.wraps(build)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with matplotlib.rc_context(STYLE):
            return build(*args, **kwargs)

    return wrapper


def new_figure(width_inches: float, height_inches: float) -> Figure:
    """An empty figure with constrained layout (not registered with pyplot)."""
    return Figure(figsize=(width_inches, height_inches), layout="constrained")


def save(fig: Figure, folder: str | Path, name: str) -> list[Path]:
    """Write `fig` as folder/NAME.png (150 dpi) and folder/NAME.svg; return both paths."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / f"{name}.png", out / f"{name}.svg"]
    with matplotlib.rc_context(STYLE):
        fig.savefig(paths[0], dpi=150, format="png", facecolor="white")
        fig.savefig(paths[1], format="svg", facecolor="white")
    return paths
