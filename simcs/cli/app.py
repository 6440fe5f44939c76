"""`simcs app`: the browser workbench (Scenario, Run, Compare, Plan, Learn), served locally."""

from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys
from pathlib import Path

import click


@click.command("app")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on. Anything but loopback lets other machines use the app: "
    "only on a network you trust.",
)
@click.option(
    "--port", default=8501, show_default=True, type=click.IntRange(1, 65535), help="Port."
)
@click.option(
    "--results",
    default=None,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder the app writes its runs, comparisons and sizings to [default: results/app].",
)
def app_command(host: str, port: int, results: Path | None) -> None:
    """Start the workbench in the browser (pip install 'simcs[app]'): edit a scenario, run
    it, compare it with its reference, size a pool, and the support-desk playground."""
    if importlib.util.find_spec("streamlit") is None:
        click.echo(
            "error: the workbench needs the optional extra: pip install 'simcs[app]'", err=True
        )
        sys.exit(2)
    from simcs.app.launch import is_loopback, streamlit_command
    from simcs.app.workspace import DEFAULT_RESULTS, ENV_RESULTS

    folder = (results or DEFAULT_RESULTS).resolve()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        message = f"cannot create {folder}: {exc.strerror}"
        raise click.BadParameter(message, param_hint="--results") from None
    if not is_loopback(host):
        click.echo(
            f"Warning: listening on {host}: other machines that reach it can use the app and "
            "run simulations here.",
            err=True,
        )
    click.echo(f"simcs workbench on http://{host}:{port} (results in {folder}); Ctrl-C stops it")
    environment = {**os.environ, ENV_RESULTS: str(folder)}
    server = subprocess.Popen(streamlit_command(host, port), env=environment)
    # the server goes when this command goes: Ctrl-C reaches both, a SIGTERM is passed on
    signal.signal(signal.SIGTERM, lambda *_: server.terminate())
    try:
        code = server.wait()
    except KeyboardInterrupt:
        code = server.wait()
    sys.exit(0 if code in (-signal.SIGTERM, -signal.SIGINT) else code)


COMMANDS = [app_command]
