"""A tiny HTTP endpoint that serves the cropped card images to the review form.

The Prefect UI does not render ``data:`` URIs, so the form's description links to
``http://127.0.0.1:PORT/cards/ID.png``. It binds to 127.0.0.1 only and serves nothing but
the card images of the store it was given, and ``/next``: a redirect to the oldest card
waiting for review (the link after an answer, and a bookmark).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import uvicorn
from fastapi import FastAPI, HTTPException
from fastapi.responses import FileResponse, RedirectResponse

from meishi.store import Store

HOST = "127.0.0.1"


def create_app(store: Store, next_url: Callable[[], str] | None = None) -> FastAPI:
    """``next_url``: where ``/next`` sends the browser (the oldest card waiting for review),
    the link the review form offers after an answer."""
    app = FastAPI(title="meishi card images", docs_url=None, redoc_url=None, openapi_url=None)

    @app.get("/next")
    def next_card() -> RedirectResponse:
        if next_url is None:
            raise HTTPException(status_code=404, detail="no review queue here")
        return RedirectResponse(next_url(), status_code=303,
                                headers={"Cache-Control": "no-store"})

    @app.get("/cards/{contact_id}.png")
    def card_image(contact_id: int) -> FileResponse:
        contact = store.get(contact_id)
        if contact is None or contact.image_path is None or not contact.image_path.is_file():
            raise HTTPException(status_code=404, detail="no such card")
        return FileResponse(contact.image_path, media_type="image/png",
                            headers={"Cache-Control": "private, max-age=3600"})

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    return app


class ImageServer:
    """Runs the endpoint in a background thread; ``stop()`` shuts it down cleanly."""

    def __init__(self, store: Store, port: int,
                 next_url: Callable[[], str] | None = None) -> None:
        self.port = port
        config = uvicorn.Config(create_app(store, next_url), host=HOST, port=port, log_level="warning",
                                lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="meishi-images",
                                        daemon=True)

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
