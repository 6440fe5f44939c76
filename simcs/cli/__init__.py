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

import importlib
import warnings
from typing import Any

import click

from simcs import __version__

#: every command -> the module of `simcs.cli` that defines it (in its COMMANDS). A command's
#: module is imported only when the command is run or listed, so `simcs run` does not pay for
#: the calibration's SciPy and matplotlib (1.3 s of start-up when every module was imported).
COMMAND_MODULES = {
    "run": "run",
    "validate": "run",
    "schema": "run",
    "trace": "run",
    "report": "run",
    "experiment": "experiments",
    "compare": "experiments",
    "sweep": "experiments",
    "robustness": "experiments",
    "capacity": "planning",
    "plan": "planning",
    "size": "planning",
    "allocate": "planning",
    "calibrate": "calibrate",
    "backtest": "backtest",
    "app": "app",
}


def _show_warning(message: Any, category: type[Warning], *_args: Any, **_kwargs: Any) -> None:
    """A warning is one line on stderr, never a source listing."""
    click.echo(f"Warning: {message}", err=True)


class _Commands(click.Group):
    """The commands of COMMAND_MODULES, each imported when it is first asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMAND_MODULES)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = COMMAND_MODULES.get(cmd_name)
        if module is None:
            return None
        commands = importlib.import_module(f"simcs.cli.{module}").COMMANDS
        return next(c for c in commands if c.name == cmd_name)


@click.group(cls=_Commands)
@click.version_option(__version__, prog_name="simcs")
def main() -> None:
    """simcs: simulate a B2B post-sales organisation -- staffing, service, retention, cost."""
    warnings.showwarning = _show_warning


__all__ = ["main"]
