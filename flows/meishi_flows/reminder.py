"""The reminder flow: a daily artifact listing the cards still faceless after N days."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from prefect import flow
from prefect.artifacts import create_markdown_artifact
from prefect.logging import get_run_logger

from meishi.report import due_markdown, faceless_markdown
from meishi.settings import get_settings
from meishi.store import Store
from meishi_flows.queue import (
    reviewed_or_waiting,
    start_review_or_log,
    tidy_queue,
    waiting_reviews,
)


@flow(name="reminder", persist_result=False)
def reminder(
    older_than_days: int | None = None,
    start_missing_reviews: bool = False,
    grace_minutes: int = 10,
    created_before: datetime | None = None,
) -> int:
    """Publish the faceless cards older than ``older_than_days``; return how many there are.

    With ``start_missing_reviews`` (as `meishi serve` deploys it) every faceless contact
    without a review run in progress gets one: stubs made without the server, or whose
    review timed out, are not forgotten. Contacts younger than ``grace_minutes`` are left to
    the ingest run that is starting their review; with ``created_before`` (the catch-up at
    `meishi serve`'s start) every contact made before then is due at once, however it was
    made: no ingest run of this server is starting its review.
    """
    settings = get_settings()
    days = settings.remind_after_days if older_than_days is None else older_than_days
    store = Store(settings.db_url, settings.images_dir)
    try:
        return _remind(store, days, start_missing_reviews, grace_minutes, created_before)
    finally:
        store.close()


def _remind(
    store: Store,
    days: int,
    start_missing_reviews: bool,
    grace_minutes: int,
    created_before: datetime | None,
) -> int:
    faceless = store.faceless()
    now = datetime.now(UTC)
    old = [c for c in faceless if (now - c.created_at).days >= days]
    try:
        links = {w.contact_id: w.url for w in waiting_reviews() if w.contact_id is not None}
    except Exception as exc:  # noqa: BLE001 - the list is still worth publishing without links
        get_run_logger().warning("could not read the waiting review runs: %s", exc)
        links = {}
    if start_missing_reviews:
        try:
            for run_id, why in tidy_queue(store):
                get_run_logger().info("review run %s cancelled: %s", run_id, why)
        except Exception as exc:  # noqa: BLE001 - the next reminder tidies again
            get_run_logger().warning("could not tidy the review queue: %s", exc)
        # a merged contact's review answers for the contact it joined
        active = {store.merged_into(c) for c in reviewed_or_waiting()}
        for c in faceless:
            made_before = created_before is not None and c.created_at <= created_before
            if c.id not in active and (
                made_before or now - c.created_at >= timedelta(minutes=grace_minutes)
            ):
                start_review_or_log(c.id, get_run_logger())
    due = store.due(now.date())
    create_markdown_artifact(
        key="faceless-cards",
        markdown=faceless_markdown(faceless, now, days, links) + "\n\n" + due_markdown(due),
        description=f"Cards without a purpose note after {days} day(s), and follow-ups due",
    )
    get_run_logger().info("%d faceless card(s) older than %d day(s)", len(old), days)
    return len(old)
