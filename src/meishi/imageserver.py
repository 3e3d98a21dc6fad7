"""A tiny HTTP endpoint that serves the cropped card images to the review form.

The Prefect UI does not render ``data:`` URIs, so the form's description links to
``http://127.0.0.1:PORT/cards/<ref>`` (:mod:`meishi.cardlink`: the contact id and a tag that
cannot be guessed). It binds to 127.0.0.1 only, answers only to its own ``Host`` (and refuses
foreign ``Origin`` values, :mod:`meishi.webguard`), and serves nothing but files inside the
store's images folder: a path in the database that points elsewhere is not served. ``/next``
redirects to the oldest card waiting for review (the link after an answer, and a bookmark).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

import uvicorn
from fastapi import FastAPI, HTTPException
from fastapi.responses import FileResponse, RedirectResponse

from meishi.cardlink import link_key, parse_card_ref
from meishi.store import Store
from meishi.webguard import LocalOnly, local_hosts, local_origins

log = logging.getLogger(__name__)

HOST = "127.0.0.1"

#: what a stored card image may be, by its first bytes
_TYPES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"RIFF", "image/webp"),
)


def _confined(path: Path | None, folder: Path) -> Path | None:
    """``path`` with links resolved when it is a regular file inside ``folder``, else None."""
    if path is None:
        return None
    try:
        real = path.resolve(strict=True)
        root = folder.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if not real.is_relative_to(root) or not real.is_file():
        return None
    return real


def _media_type(path: Path) -> str | None:
    with path.open("rb") as fh:
        head = fh.read(12)
    for magic, media_type in _TYPES:
        if head.startswith(magic) and (media_type != "image/webp" or head[8:12] == b"WEBP"):
            return media_type
    return None


def create_app(store: Store, key: bytes, next_url: Callable[[], str] | None = None) -> FastAPI:
    """``next_url``: where ``/next`` sends the browser (the oldest card waiting for review),
    the link the review form offers after an answer."""
    app = FastAPI(title="meishi card images", docs_url=None, redoc_url=None, openapi_url=None)
    not_found = HTTPException(status_code=404, detail="no such card")

    @app.get("/next")
    def next_card() -> RedirectResponse:
        if next_url is None:
            raise HTTPException(status_code=404, detail="no review queue here")
        return RedirectResponse(next_url(), status_code=303, headers={"Cache-Control": "no-store"})

    @app.get("/cards/{ref}")
    def card_image(ref: str) -> FileResponse:
        contact_id = parse_card_ref(key, ref)
        if contact_id is None:
            raise not_found
        contact = store.get(contact_id)
        path = _confined(contact.image_path if contact else None, store.images_dir)
        if path is None:
            if contact is not None and contact.image_path is not None:
                log.warning(
                    "contact #%s: its image %s is not a file in %s; not served",
                    contact_id,
                    contact.image_path,
                    store.images_dir,
                )
            raise not_found
        media_type = _media_type(path)
        if media_type is None:
            log.warning(
                "contact #%s: %s is not a PNG, JPEG or WebP image; not served", contact_id, path
            )
            raise not_found
        return FileResponse(
            path,
            media_type=media_type,
            headers={"Cache-Control": "private, max-age=3600", "X-Content-Type-Options": "nosniff"},
        )

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    return app


def guarded_app(
    store: Store,
    key: bytes,
    port: int,
    ui_origins: frozenset[str],
    next_url: Callable[[], str] | None = None,
) -> LocalOnly:
    """The endpoint behind its Host and Origin check (the review form's page may send its own
    origin, ``ui_origins``)."""
    return LocalOnly(
        create_app(store, key, next_url),
        hosts=local_hosts(port),
        origins=local_origins(port) | ui_origins,
    )


class ImageServer:
    """Runs the endpoint in a background thread; ``stop()`` shuts it down cleanly."""

    def __init__(
        self,
        store: Store,
        port: int,
        home: Path,
        ui_origins: frozenset[str] = frozenset(),
        next_url: Callable[[], str] | None = None,
    ) -> None:
        self.port = port
        app = guarded_app(store, link_key(home), port, ui_origins, next_url)
        config = uvicorn.Config(app, host=HOST, port=port, log_level="warning", lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="meishi-images", daemon=True)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self, timeout_s: float = 10.0) -> None:
        self._thread.start()
        deadline = time.monotonic() + timeout_s
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError(f"the image endpoint could not start on {self.url}")
            time.sleep(0.05)

    def stop(self) -> None:
        if self._thread.is_alive():
            self._server.should_exit = True
            self._thread.join(timeout=10)
