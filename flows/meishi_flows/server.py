"""The local Prefect server that `meishi serve` runs: 127.0.0.1 only, SQLite, no telemetry,
and answering only the Prefect UI it serves: CORS limited to the UI's origin, Prefect's CSRF
protection on, foreign ``Host`` and ``Origin`` headers refused (:mod:`meishi_flows.prefect_app`).

This module must be usable *before* Prefect is imported: Prefect reads its settings from the
environment when it is first imported, so :func:`prefect_env` is applied first.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from meishi.errors import MeishiError
from meishi.procs import die_with_parent_fn
from meishi.webguard import local_origins

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
        # the guidance above the form (meishi_flows.queue links to /v2 pages)
        "PREFECT_SERVER_UI_V2_ENABLED": "true",
        # the UI's static files are copied here instead of into site-packages
        "PREFECT_UI_STATIC_DIRECTORY": str(home / "ui"),
        # only the UI's own pages may read the API (it shows names, e-mails, phones) ...
        "PREFECT_SERVER_CORS_ALLOWED_ORIGINS": ",".join(sorted(local_origins(port))),
        # ... and a state-changing request needs a token only the UI and the client can get;
        # Prefect's client and the UI fetch it from /api/csrf-token on their own
        "PREFECT_SERVER_CSRF_PROTECTION_ENABLED": "true",
        "PREFECT_CLIENT_CSRF_SUPPORT_ENABLED": "true",
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
            raise RuntimeError(
                f"something already answers on {self.ui_url}; stop it or set MEISHI_SERVER_PORT"
            )
        self.home.mkdir(mode=0o700, parents=True, exist_ok=True)
        log = self.log_file.open("ab")
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "meishi_flows.prefect_app", str(self.port)],
            env={**os.environ, **self.env},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=die_with_parent_fn(signal.SIGTERM),
        )
        deadline = time.monotonic() + timeout_s
        while not self.healthy():
            if self._proc.poll() is not None:
                raise RuntimeError(
                    f"the Prefect server exited ({self._proc.returncode}); see {self.log_file}"
                )
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(
                    f"the Prefect server did not start in {timeout_s:.0f} s; see {self.log_file}"
                )
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


class ServerStartError(MeishiError):
    """The temporary Prefect server did not come up."""

    code = "server_failed"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


@contextmanager
def temporary_api(home: Path, timeout_s: float, log_file: Path) -> Iterator[str]:
    """A temporary Prefect API server for one command (what Prefect starts by itself when no
    server is configured), yielding its API URL, with three differences:

    * it dies with this process, even on ``kill -9`` (``PR_SET_PDEATHSIG``): no orphan left
      listening;
    * servers starting on the same Prefect home take turns (an flock): two ingests on a fresh
      home do not both create Prefect's tables;
    * it may take ``timeout_s`` to start (a loaded machine needs more than Prefect's 20 s),
      and a failure is one clear :class:`ServerStartError`, not a traceback.
    """
    home.mkdir(mode=0o700, parents=True, exist_ok=True)
    # "Still processing items: 1 items remaining..." when Prefect's client drains its queues
    # (after a failed run, at exit) is no news to the user of a one-off command
    for worker in ("APILogWorker", "EventsWorker"):
        logging.getLogger(worker).setLevel(logging.ERROR)
    env = {
        **os.environ,
        "PREFECT_UI_ENABLED": "0",
        "PREFECT__SERVER_EPHEMERAL": "1",
        "PREFECT__SERVER_FINAL": "1",
        "PREFECT_HOME": str(home),
    }
    env.pop("PREFECT_API_URL", None)
    proc: subprocess.Popen[bytes] | None = None
    lock_fd = os.open(
        home / ".meishi-server-start.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600
    )
    try:
        fcntl.flock(lock_fd, fcntl.LOCK_EX)  # one server starts (and migrates) at a time
        t0 = time.monotonic()
        with log_file.open("ab") as log:
            for _attempt in range(3):
                port = _free_port()
                proc = subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "uvicorn",
                        "--factory",
                        "prefect.server.api.server:create_app",
                        "--host",
                        HOST,
                        "--port",
                        str(port),
                        "--log-level",
                        "error",
                        "--lifespan",
                        "on",
                    ],
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                    # not in the terminal's process group: Ctrl-C stops the ingest, which
                    # then stops this server once the run is settled, not under its feet
                    start_new_session=True,
                    preexec_fn=die_with_parent_fn(),
                )
                url = f"http://{HOST}:{port}/api"
                while True:
                    if _healthy(url):
                        break
                    if proc.poll() is not None or time.monotonic() - t0 > timeout_s:
                        break
                    time.sleep(0.2)
                if proc.poll() is None and _healthy(url):
                    break
                code = proc.poll()
                if code == 3:  # the port was taken meanwhile: another one
                    continue
                _stop(proc)
                if code is None:
                    raise ServerStartError(
                        f"the temporary Prefect server did not start within {timeout_s:g} s "
                        f"(the machine may be busy: raise MEISHI_SERVER_START_S, or run "
                        f"`meishi serve` and point PREFECT_API_URL at it); see {log_file}"
                    )
                raise ServerStartError(
                    f"the temporary Prefect server exited with code {code}; see {log_file}"
                )
            else:
                raise ServerStartError(
                    f"no free port for the temporary Prefect server; see {log_file}"
                )
        fcntl.flock(lock_fd, fcntl.LOCK_UN)
        from prefect.settings import PREFECT_API_URL, temporary_settings

        with temporary_settings(updates={PREFECT_API_URL: url}):
            yield url
    finally:
        os.close(lock_fd)
        if proc is not None:
            if proc.poll() is None:
                _drain_clients()
            _stop(proc)


def _drain_clients(timeout_s: float = 5) -> None:
    """Send what Prefect's client still holds (run logs, events) while its server still
    answers: else it prints "--- Error logging to API ---" once the server is gone."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    for worker in (APILogWorker, EventsWorker):
        with contextlib.suppress(Exception):  # a log or event lost is not worth a failure
            worker.drain_all(timeout=timeout_s)


def _healthy(api_url: str) -> bool:
    try:
        return httpx.get(f"{api_url}/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def _stop(proc: subprocess.Popen[bytes], grace_s: float = 10) -> None:
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(grace_s)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


@contextmanager
def command_api(timeout_s: float, log_file: Path) -> Iterator[str | None]:
    """For one command's flow run: the configured Prefect API (``PREFECT_API_URL``, e.g.
    `meishi serve`'s), else a :func:`temporary_api` on Prefect's home, yielding its URL."""
    from prefect.settings import PREFECT_API_URL, PREFECT_HOME

    if PREFECT_API_URL.value():
        yield None
        return
    with temporary_api(Path(PREFECT_HOME.value()), timeout_s, log_file) as url:
        yield url
