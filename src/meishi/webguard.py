"""Keep the local web services (the Prefect server of `meishi serve`, the card images) to the
browser tabs that are theirs.

Both listen on 127.0.0.1, but a web page in the user's browser can still reach 127.0.0.1:

* **DNS rebinding**: a page on ``evil.example`` points its own name at 127.0.0.1 and then reads
  ``http://evil.example:4200/api/...`` as *same-origin*. The request carries
  ``Host: evil.example:4200``, so a server that answers only its own ``Host`` values is safe.
* **Cross-origin requests and WebSockets**: CORS keeps a foreign page from *reading* a
  response, but not from sending a "simple" request, and WebSockets ignore CORS entirely
  (Prefect's ``/api/events/out`` streams every event, flow-run names included). Browsers
  send ``Origin`` with every cross-origin request and every WebSocket handshake, so a request
  whose ``Origin`` is not one of ours is refused before it reaches the application.

Clients that are not browsers (Prefect's own client, httpx, curl) send no ``Origin`` and the
right ``Host``, and are not affected.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger(__name__)

#: the names a browser on this machine may use for a service on 127.0.0.1
LOCAL_NAMES = ("127.0.0.1", "localhost")


def local_hosts(port: int) -> frozenset[str]:
    """``Host`` header values of a service on 127.0.0.1:``port``."""
    return frozenset(f"{name}:{port}" for name in LOCAL_NAMES)


def local_origins(port: int) -> frozenset[str]:
    """Web origins of a service on 127.0.0.1:``port`` (``http://127.0.0.1:4200`` ...)."""
    return frozenset(f"http://{host}" for host in local_hosts(port))


class LocalOnly:
    """ASGI middleware: 400 for a foreign ``Host``, 403 for a foreign ``Origin``.

    ``hosts`` are exact ``host:port`` values; ``origins`` exact origins (``Origin: null``, sent
    by sandboxed frames and ``file:`` pages, is foreign). A refused WebSocket handshake is
    closed before it is accepted (the client sees HTTP 403).
    """

    def __init__(self, app: ASGIApp, hosts: Iterable[str], origins: Iterable[str] = ()) -> None:
        self.app = app
        self.hosts = frozenset(h.lower() for h in hosts)
        self.origins = frozenset(o.lower() for o in origins)

    def refusal(self, scope: Scope) -> tuple[int, str] | None:
        headers = {k.lower(): v for k, v in scope.get("headers") or []}
        host = headers.get(b"host", b"").decode("latin-1").lower()
        if host not in self.hosts:
            return 400, "this server answers only to " + ", ".join(sorted(self.hosts))
        origin = headers.get(b"origin")
        if origin is not None and origin.decode("latin-1").lower() not in self.origins:
            return 403, "cross-origin requests are not allowed"
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        refused = self.refusal(scope)
        if refused is None:
            await self.app(scope, receive, _no_wildcard(send))
            return
        status, reason = refused
        log.warning("refused %s %s: %s", scope["type"], scope.get("path"), reason)
        if scope["type"] == "websocket":
            await receive()  # websocket.connect
            await send({"type": "websocket.close", "code": 1008, "reason": reason})
            return
        body = (reason + "\n").encode()
        start: Message = {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
        await send(start)
        await send({"type": "http.response.body", "body": body})


def _no_wildcard(send: Send) -> Send:
    """Drop ``Access-Control-Allow-Origin: *`` (Prefect's CSRF refusal adds it whatever the
    CORS settings say): no response tells a browser that any page may read it."""

    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            message["headers"] = [
                (k, v)
                for k, v in message.get("headers", [])
                if not (k.lower() == b"access-control-allow-origin" and v.strip() == b"*")
            ]
        await send(message)

    return sending
