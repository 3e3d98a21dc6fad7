"""Prefect flows over the meishi library: orchestration only, no business logic.

Importing this package sets Prefect's defaults for a local-first tool before Prefect loads:
no telemetry, servers on 127.0.0.1, Prefect's own database inside meishi's private folder.
"""

from __future__ import annotations

import os

from meishi.settings import get_settings
from meishi.webguard import local_origins

os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_SERVER_API_HOST", "127.0.0.1")
# the temporary server a flow run starts (`meishi ingest`) lets no other web page read it
# (Prefect's default is `*`); `meishi serve` sets its own, with CSRF and a Host check too
os.environ.setdefault(
    "PREFECT_SERVER_CORS_ALLOWED_ORIGINS",
    ",".join(sorted(local_origins(get_settings().server_port))),
)
# where Prefect starts its own temporary server (a flow called in-process, not `meishi
# ingest`, which starts one tied to it), 20 s is too short on a busy machine
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
if "PREFECT_API_URL" not in os.environ and "PREFECT_HOME" not in os.environ:
    _home = get_settings().home
    _home.mkdir(mode=0o700, parents=True, exist_ok=True)
    (_home / "prefect").mkdir(mode=0o700, exist_ok=True)
    os.environ["PREFECT_HOME"] = str(_home / "prefect")
