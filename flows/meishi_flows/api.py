"""The one door from the command line (:mod:`meishi.cli`) into the flows.

The CLI imports nothing else of this package. Importing this module does not import Prefect:
Prefect reads its settings from the environment when it is first imported, so a command
first chooses the server it talks to (:func:`connect`, :func:`use_local_server`,
:func:`flow_server`) and only then calls what talks to it; those functions import the flow
modules when called.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from meishi.settings import Settings
from meishi_flows.server import PrefectServer, apply_env, command_api
from meishi_flows.stop import INGEST_STOP

if TYPE_CHECKING:
    from meishi.report import IngestReport
    from meishi.store import Store
    from meishi_flows.queue import Waiting

__all__ = [
    "INGEST_STOP",
    "PrefectServer",
    "connect",
    "flow_server",
    "local_server",
    "next_review_url",
    "queue_url",
    "run_ingest",
    "serve_forever",
    "start_review",
    "tidy_queue",
    "use_local_server",
    "waiting_reviews",
]


# ----------------------------------------------------------------------------- servers
def local_server(settings: Settings) -> PrefectServer:
    """The Prefect server `meishi serve` runs on this machine (started or not)."""
    home = settings.home
    return PrefectServer(home / "prefect", settings.server_port, home / "prefect-server.log")


def use_local_server(server: PrefectServer) -> None:
    """Point this process's Prefect client at ``server`` (before Prefect is imported)."""
    apply_env(server.env)


def connect(server: PrefectServer) -> bool:
    """Talk to the configured server (``PREFECT_API_URL``, e.g. a team's) or else to the
    local ``server`` when it answers; False when there is neither."""
    if os.environ.get("PREFECT_API_URL"):
        return True
    if not server.healthy():
        return False
    use_local_server(server)
    return True


@contextmanager
def flow_server(settings: Settings) -> Iterator[str | None]:
    """The Prefect API for one command's flow run: the configured one, or a temporary local
    server that lives as long as the block (yields its URL, None for a configured one)."""
    with command_api(settings.server_start_s, settings.home / "prefect-server.log") as url:
        yield url


# ----------------------------------------------------------------------------- flows
def run_ingest(inbox: str | None = None) -> IngestReport:
    """One run of the ingest flow over ``inbox`` (the settings' inbox when None), in this
    process; inside :func:`flow_server`."""
    from meishi_flows.ingest import ingest

    return ingest(inbox)


def serve_forever(settings: Settings) -> None:
    """The deployments (ingest, review, reminder) served from this process until Ctrl-C."""
    from meishi_flows import serve

    serve.serve_forever(settings)


# ----------------------------------------------------------------------------- review queue
def queue_url(ui: str | None = None) -> str:
    """The review queue in the Prefect UI (``ui``: the UI's address, else Prefect's setting)."""
    from meishi_flows import queue

    return queue.queue_url(ui)


def next_review_url() -> str:
    """The oldest review waiting for an answer, or the queue when none waits."""
    from meishi_flows import queue

    return queue.next_review_url()


def waiting_reviews() -> list[Waiting]:
    """The review runs waiting for an answer, oldest first."""
    from meishi_flows import queue

    return queue.waiting_reviews()


def start_review(contact_id: int) -> str:
    """Start a contact's review run now; returns the flow run id (raises when the server
    or its review deployment does not answer)."""
    from meishi_flows import queue

    return queue.start_review(contact_id)


def tidy_queue(store: Store) -> list[tuple[str, str]]:
    """Cancel the waiting reviews nobody needs to answer; returns (run id, why) of each."""
    from meishi_flows import queue

    return queue.tidy_queue(store)
