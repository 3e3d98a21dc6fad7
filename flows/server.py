"""The local Prefect server that `meishi serve` runs: 127.0.0.1 only, SQLite, no telemetry.

This module must be usable *before* Prefect is imported: Prefect reads its settings from the
environment when it is first imported, so :func:`prefect_env` is applied first.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

HOST = "127.0.0.1"


def prefect_env(home: Path, port: int) -> dict[str, str]:
    """Environment for the server and for every client of it (this process included)."""
    return {
        "DO_NOT_TRACK": "1",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_HOME": str(home),
        "PREFECT_API_URL": f"http://{HOST}:{port}/api",
        "PREFECT_UI_URL": f"http://{HOST}:{port}",
        "PREFECT_SERVER_API_HOST": HOST,
        "PREFECT_SERVER_API_PORT": str(port),
        # the v2 UI, whatever a browser chose before: its resume dialog shows the card and
        # the guidance above the form (flows.queue links to /v2 pages)
        "PREFECT_SERVER_UI_V2_ENABLED": "true",
        # the UI's static files are copied here instead of into site-packages
        "PREFECT_UI_STATIC_DIRECTORY": str(home / "ui"),
    }


def apply_env(env: dict[str, str]) -> None:
    for key in [k for k in os.environ if k.startswith("PREFECT_") and k not in env]:
        if key not in ("PREFECT_LOGGING_LEVEL",):
            del os.environ[key]
    os.environ.update(env)


class PrefectServer:
    """`prefect server start` as a child process, stopped cleanly with the parent."""

    def __init__(self, home: Path, port: int, log_file: Path) -> None:
        self.home, self.port, self.log_file = home, port, log_file
        self.env = prefect_env(home, port)
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def api_url(self) -> str:
        return self.env["PREFECT_API_URL"]

    @property
    def ui_url(self) -> str:
        return self.env["PREFECT_UI_URL"]

    def healthy(self) -> bool:
        try:
            return httpx.get(f"{self.api_url}/health", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    def start(self, timeout_s: float = 120) -> None:
        if self.healthy():
            raise RuntimeError(f"something already answers on {self.ui_url}; "
                               "stop it or set MEISHI_SERVER_PORT")
        self.home.mkdir(mode=0o700, parents=True, exist_ok=True)
        log = self.log_file.open("ab")
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "prefect", "server", "start", "--host", HOST,
             "--port", str(self.port), "--analytics-off"],
            env={**os.environ, **self.env}, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout_s
        while not self.healthy():
            if self._proc.poll() is not None:
                raise RuntimeError(f"the Prefect server exited ({self._proc.returncode}); "
                                   f"see {self.log_file}")
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the Prefect server did not start in {timeout_s:.0f} s; "
                                   f"see {self.log_file}")
            time.sleep(0.25)

    def stop(self, grace_s: float = 15) -> None:
        if self._proc is None or self._proc.poll() is not None:
            return
        os.killpg(self._proc.pid, signal.SIGTERM)
        try:
            self._proc.wait(grace_s)
        except subprocess.TimeoutExpired:
            os.killpg(self._proc.pid, signal.SIGKILL)
            self._proc.wait(5)
