"""`meishi serve`: the deployments (ingest on a schedule, review, reminder) served from this
process against the local Prefect server. Import only after :func:`flows.server.apply_env`."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from typing import Any

from prefect import serve as prefect_serve
from prefect.deployments import run_deployment
from prefect.logging import get_logger

from flows.ingest import ingest
from flows.queue import REVIEW_TAG
from flows.reminder import reminder
from flows.review import review
from meishi.settings import Settings


def deployments(settings: Settings) -> list[Any]:
    return [
        ingest.to_deployment(name="ingest", cron=settings.ingest_cron,
                             parameters={"start_reviews": True},
                             description="Read new scans in the inbox into contact stubs"),
        review.to_deployment(name="review", tags=[REVIEW_TAG],
                             description="Wait for a card's corrections and purpose note"),
        reminder.to_deployment(name="reminder", cron=settings.reminder_cron,
                               parameters={"start_missing_reviews": True},
                               description="List the cards still faceless after N days"),
    ]


def catch_up(started: datetime) -> None:
    """Once at start: give every faceless contact made before ``started`` (by `meishi ingest`,
    the demo, an earlier server) and without a review run in progress its review, now."""
    run_deployment("reminder/reminder", timeout=0, as_subflow=False,
                   parameters={"start_missing_reviews": True, "created_before": started})


def serve_forever(settings: Settings) -> None:
    """Blocks until Ctrl-C; runs scheduled and requested flow runs in this process."""
    # a daemon: Ctrl-C must not wait for its retries (up to a minute while the server is down)
    catching_up = threading.Timer(2.0, _catch_up_quietly, args=(datetime.now(UTC),))
    catching_up.daemon = True
    catching_up.start()
    # schedules stay active when meishi stops: the server stops with it, and a restart
    # must not find ingest paused
    # query_seconds: how soon an answered review (or a run started from the UI) is picked up
    prefect_serve(*deployments(settings), limit=settings.workers + 2, pause_on_shutdown=False,
                  query_seconds=3)


def _catch_up_quietly(started: datetime, tries: int = 20) -> None:
    for _ in range(tries):  # the deployments take a moment to register
        try:
            catch_up(started)
            return
        except Exception as exc:  # noqa: BLE001 - retried, and the daily reminder remains
            last = exc
            time.sleep(2)
    get_logger("meishi.serve").warning("could not start the catch-up reminder: %s", last)
