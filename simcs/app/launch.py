"""Starting the workbench: the Streamlit command line, bound to loopback unless asked.

Streamlit serves `simcs/app/main.py` with: the host and port given (127.0.0.1:8501 by
default), its upload limit at the CLI's limit on a scenario file (rounded up to whole MB:
`workspace.read_upload` checks the exact bytes), no usage statistics sent, no file watcher,
no browser opened from the server, and the developer toolbar hidden. The results folder
reaches the app in `workspace.ENV_RESULTS`.
"""

from __future__ import annotations

import ipaddress
import math
import socket
import sys
from pathlib import Path

from simcs.app.workspace import MAX_UPLOAD_BYTES

MAIN = Path(__file__).with_name("main.py")
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8501


def is_loopback(host: str) -> bool:
    """Whether `host` only listens on this machine (127.0.0.0/8, ::1, 'localhost')."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        try:
            return all(
                ipaddress.ip_address(info[4][0]).is_loopback
                for info in socket.getaddrinfo(host, None)
            )
        except (OSError, ValueError):
            return False


def streamlit_command(host: str, port: int) -> list[str]:
    """The command that serves the workbench on host:port."""
    upload_mb = max(1, math.ceil(MAX_UPLOAD_BYTES / 1_000_000))
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(MAIN),
        "--server.address",
        host,
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--server.maxUploadSize",
        str(upload_mb),
        "--server.fileWatcherType",
        "none",
        "--server.runOnSave",
        "false",
        "--browser.gatherUsageStats",
        "false",
        "--client.toolbarMode",
        "minimal",
        "--global.developmentMode",
        "false",
        "--theme.base",
        "light",
    ]
