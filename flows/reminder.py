"""The reminder flow: a daily artifact listing the cards still faceless after N days."""

from __future__ import annotations

from datetime import UTC, datetime

from prefect import flow
from prefect.artifacts import create_markdown_artifact
from prefect.logging import get_run_logger

from flows.queue import waiting_reviews
from meishi.report import faceless_markdown
from meishi.settings import get_settings
from meishi.store import Store


@flow(name="reminder", persist_result=False)
def reminder(older_than_days: int | None = None) -> int:
    """Publish the faceless cards older than ``older_than_days``; return how many there are."""
    settings = get_settings()
    days = settings.remind_after_days if older_than_days is None else older_than_days
    store = Store(settings.db_url, settings.images_dir)
    try:
        faceless = store.faceless()
    finally:
        store.close()
    now = datetime.now(UTC)
    old = [c for c in faceless if (now - c.created_at).days >= days]
    try:
        links = {w.contact_id: w.url for w in waiting_reviews() if w.contact_id is not None}
    except Exception as exc:  # noqa: BLE001 - the list is still worth publishing without links
        get_run_logger().warning("could not read the waiting review runs: %s", exc)
        links = {}
    create_markdown_artifact(key="faceless-cards",
                             markdown=faceless_markdown(faceless, now, days, links),
                             description=f"Cards without a purpose note after {days} day(s)")
    get_run_logger().info("%d faceless card(s) older than %d day(s)", len(old), days)
    return len(old)
