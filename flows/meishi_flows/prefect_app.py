"""`python -m meishi_flows.prefect_app PORT`: the Prefect server of `meishi serve`, guarded.

What `prefect server start` runs in the foreground (Prefect's app with its services, under
uvicorn, on 127.0.0.1), wrapped in :class:`meishi.webguard.LocalOnly`: Prefect itself has no
``Host`` check (DNS rebinding reads its API as same-origin) and accepts WebSockets from any
page. CORS (only the UI's own origin) and CSRF are Prefect's settings, which
:func:`meishi_flows.server.prefect_env` sets. Run with that environment.
"""

from __future__ import annotations

import sys

import uvicorn

from meishi.webguard import LocalOnly, local_hosts, local_origins

HOST = "127.0.0.1"


def main(argv: list[str]) -> None:
    port = int(argv[1])
    from prefect.server.api.server import create_app
    from prefect.settings import (
        PREFECT_SERVER_API_KEEPALIVE_TIMEOUT,
        PREFECT_SERVER_API_WEBSOCKET_PING_INTERVAL,
        PREFECT_SERVER_API_WEBSOCKET_PING_TIMEOUT,
        PREFECT_SERVER_LOGGING_LEVEL,
    )

    app = LocalOnly(create_app(final=True), hosts=local_hosts(port), origins=local_origins(port))
    uvicorn.run(
        app,
        host=HOST,
        port=port,
        timeout_keep_alive=PREFECT_SERVER_API_KEEPALIVE_TIMEOUT.value(),
        ws_ping_interval=PREFECT_SERVER_API_WEBSOCKET_PING_INTERVAL.value(),
        ws_ping_timeout=PREFECT_SERVER_API_WEBSOCKET_PING_TIMEOUT.value(),
        log_level=PREFECT_SERVER_LOGGING_LEVEL.value().lower(),
    )


if __name__ == "__main__":
    main(sys.argv)
