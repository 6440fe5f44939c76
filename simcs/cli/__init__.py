"""The `simcs` command line, one module per command family.

- `run`: run, validate, schema, trace, report (one scenario, and result folders);
- `experiments`: experiment, compare, sweep, robustness (variants compared in pairs);
- `planning`: capacity, plan, size, allocate (how many people, where);
- `calibrate`: a company's exports fitted (churn, case rates, handle times);
- `app`: the browser workbench (`simcs.app`, the `app` extra);
- `options`: the options and error handling the commands share;
- `docs`: generates the reference pages from the schema and these commands.

Each command reads: load the inputs -> compute -> write the result files -> print.
"""

from __future__ import annotations

import warnings
from typing import Any

import click

from simcs import __version__
from simcs.cli import app, backtest, calibrate, experiments, planning, run


def _show_warning(message: Any, category: type[Warning], *_args: Any, **_kwargs: Any) -> None:
    """A warning is one line on stderr, never a source listing."""
    click.echo(f"Warning: {message}", err=True)


@click.group()
@click.version_option(__version__, prog_name="simcs")
def main() -> None:
    """simcs: simulate a B2B post-sales organisation -- staffing, service, retention, cost."""
    warnings.showwarning = _show_warning


for _module in (run, experiments, planning, calibrate, backtest, app):
    for _command in _module.COMMANDS:
        main.add_command(_command)

__all__ = ["main"]
