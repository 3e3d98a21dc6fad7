"""`meishi serve`: the deployments (ingest on a schedule, review, reminder) served from this
process against the local Prefect server. Import only after
:func:`meishi_flows.server.apply_env`."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from prefect import serve as prefect_serve
from prefect.deployments import run_deployment
from prefect.logging import get_logger

from meishi.inbox import CLAIMED, FAILED, PROCESSED, Inbox
from meishi.settings import Settings
from meishi_flows.ingest import ingest
from meishi_flows.queue import REVIEW_DEPLOYMENT, REVIEW_TAG
from meishi_flows.reminder import reminder
from meishi_flows.review import review


def deployments(settings: Settings) -> list[Any]:
    return [
        ingest.to_deployment(
            name="ingest",
            cron=settings.ingest_cron,
            parameters={"start_reviews": True},
            description="Read new scans in the inbox into contact stubs",
        ),
        review.to_deployment(
            name="review",
            tags=[REVIEW_TAG],
            description="Wait for a card's corrections and purpose note",
        ),
        reminder.to_deployment(
            name="reminder",
            cron=settings.reminder_cron,
            parameters={"start_missing_reviews": True},
            description="List the cards still faceless after N days",
        ),
    ]


def catch_up(started: datetime) -> None:
    """Once at start: give every faceless contact made before ``started`` (by `meishi ingest`,
    the demo, an earlier server) and without a review run in progress its review, now."""
    run_deployment(
        "reminder/reminder",
        timeout=0,
        as_subflow=False,
        parameters={"start_missing_reviews": True, "created_before": started},
    )


def ingest_now() -> None:
    """The ingest flow, run in this process: a flow run the UI shows like any other, without
    the seconds a deployment run spends starting a Python process (a dropped card is in the
    review queue that much sooner). Its review runs are deployment runs, as always."""
    ingest(start_reviews=True)


def review_deployment_ready() -> bool:
    """Whether the review deployment is registered (an ingest can start review runs)."""
    from prefect import get_client
    from prefect.exceptions import ObjectNotFound

    with get_client(sync_client=True) as client:
        try:
            client.read_deployment_by_name(REVIEW_DEPLOYMENT)
        except ObjectNotFound:
            return False
    return True


def _dropped(root: Path) -> Callable[[Any, str], bool]:
    """A file the user dropped into ``root``: not in the inbox's own folders, not hidden."""
    real = root.resolve()

    def check(change: Any, path: str) -> bool:
        try:
            parts = Path(path).resolve().relative_to(real).parts
        except ValueError:
            return False
        return not any(p in (CLAIMED, PROCESSED, FAILED) or p.startswith(".") for p in parts)

    return check


class InboxWatcher(threading.Thread):
    """Runs the ingest as soon as a dropped file has settled (``watchfiles``): a card is in
    the review queue seconds after it arrives. The ingest schedule stays as a safety net (a
    file dropped while meishi was stopped, a missed event). Files dropped while an ingest
    runs are taken by the next one, which starts when it ends."""

    def __init__(
        self,
        inbox: Path,
        settle_s: float,
        start: Callable[[], None] = ingest_now,
        ready: Callable[[], bool] | None = None,
        ready_within_s: float = 120.0,
    ) -> None:
        super().__init__(name="meishi-inbox-watcher", daemon=True)
        self.inbox, self.settle_s, self.start_ingest = inbox, settle_s, start
        self.ready, self.ready_within_s = ready, ready_within_s
        self.stop_event = threading.Event()

    def _wait_until_ready(self) -> None:
        """An ingest starts each new card's review run from the review deployment: reading
        before `serve` has registered it would leave the cards without a review until the
        next reminder. Bounded: after ``ready_within_s`` the ingest goes on regardless."""
        if self.ready is None:
            return
        deadline = time.monotonic() + self.ready_within_s
        while not self.stop_event.is_set() and time.monotonic() < deadline:
            try:
                if self.ready():
                    return
            except Exception:  # noqa: BLE001 - the server is still starting
                pass
            self.stop_event.wait(0.5)
        if not self.stop_event.is_set():
            get_logger("meishi.serve").warning(
                "the review deployment is not registered after %.0f s; reading the inbox anyway",
                self.ready_within_s,
            )

    def run(self) -> None:
        from watchfiles import watch

        log = get_logger("meishi.serve")
        box = Inbox(self.inbox, settle_s=self.settle_s)
        try:
            self._wait_until_ready()
            if box.pending():  # dropped while meishi was stopped: read now, not at the cron
                self.start_ingest()
            for _ in watch(
                self.inbox,
                watch_filter=_dropped(self.inbox),
                stop_event=self.stop_event,
                debounce=200,
                step=50,
                recursive=True,
            ):
                # wait for the file to settle (a copy still being written is left alone)
                deadline = time.monotonic() + self.settle_s + 5
                while (
                    not box.pending()
                    and time.monotonic() < deadline
                    and not self.stop_event.is_set()
                ):
                    time.sleep(0.1)
                if box.pending():
                    try:
                        self.start_ingest()
                    except Exception as exc:  # noqa: BLE001 - the schedule reads it later
                        log.warning("could not start the ingest of a new card: %s", exc)
        except Exception as exc:  # noqa: BLE001 - the schedule remains
            log.warning(
                "watching %s stopped: %s (the ingest schedule still reads it)", self.inbox, exc
            )


def serve_forever(settings: Settings) -> None:
    """Blocks until Ctrl-C; runs scheduled and requested flow runs in this process."""
    settings.inbox_dir.mkdir(parents=True, exist_ok=True)
    InboxWatcher(
        settings.inbox_dir,
        settings.settle_s,
        ready=review_deployment_ready,
        ready_within_s=settings.server_start_s,
    ).start()
    # a daemon: Ctrl-C must not wait for its retries (up to a minute while the server is down)
    catching_up = threading.Timer(2.0, _catch_up_quietly, args=(datetime.now(UTC),))
    catching_up.daemon = True
    catching_up.start()
    # schedules stay active when meishi stops: the server stops with it, and a restart
    # must not find ingest paused
    # query_seconds: how soon an answered review, a dropped card's ingest or a run started
    # from the UI is picked up
    prefect_serve(
        *deployments(settings), limit=settings.workers + 2, pause_on_shutdown=False, query_seconds=1
    )


def _catch_up_quietly(started: datetime, tries: int = 20) -> None:
    for _ in range(tries):  # the deployments take a moment to register
        try:
            catch_up(started)
            return
        except Exception as exc:  # noqa: BLE001 - retried, and the daily reminder remains
            last = exc
            time.sleep(2)
    get_logger("meishi.serve").warning("could not start the catch-up reminder: %s", last)
