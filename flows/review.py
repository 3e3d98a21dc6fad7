"""The review flow: one run per new contact, waiting in the Prefect UI for its purpose note.

The run *suspends* while it waits: it leaves no process behind, and the answer given in the
UI (or through the API) resumes it. A resumed run starts again from the top, so everything
before the wait only reads; each wait has its own key, so on resume an answer already given
is returned at once instead of asking again.
"""

from __future__ import annotations

from typing import Any

from prefect import flow, runtime
from prefect.artifacts import create_markdown_artifact
from prefect.flow_runs import suspend_flow_run
from prefect.input import RunInput
from prefect.logging import get_run_logger
from pydantic import ValidationError

from flows.queue import queue_url
from meishi.models import ContactStatus
from meishi.review import (
    chosen_candidate,
    describe,
    refusal,
    review_model,
    run_name,
    split_answer,
)
from meishi.settings import get_settings
from meishi.store import Store

#: an invalid answer is asked again, up to this many times
MAX_ASKS = 10


def _name_run() -> str:
    contact_id = runtime.flow_run.parameters.get("contact_id")
    settings = get_settings()
    store = Store(settings.db_url, settings.images_dir)
    try:
        contact = store.get(int(contact_id)) if contact_id is not None else None
    finally:
        store.close()
    return run_name(contact) if contact else f"{int(contact_id or 0):04d} 名刺"


@flow(name="review", flow_run_name=_name_run, persist_result=False)
def review(contact_id: int) -> str:
    """Wait for the person to confirm the card and write its purpose note."""
    logger = get_run_logger()
    settings = get_settings()
    store = Store(settings.db_url, settings.images_dir)
    try:
        contact = store.get(contact_id)
        if contact is None:
            logger.warning("contact #%s no longer exists", contact_id)
            return "missing"
        if contact.status is ContactStatus.complete:
            return "complete"
        problem: str | None = None
        typed: dict[str, Any] | None = None
        next_url = f"{settings.image_url}/next"
        for ask in range(MAX_ASKS):
            image = f"{settings.image_url}/cards/{contact.id}.png"
            form: Any = review_model(contact, base=RunInput, values=typed, image_url=image)
            answer = suspend_flow_run(
                wait_for_input=form.with_initial_data(
                    description=describe(contact, image, problem, next_url)),
                timeout=int(settings.review_timeout_days * 86400),
                key=f"review-{contact_id}-{ask}",
            )
            try:
                fields, note = split_answer(answer)
            except ValidationError as exc:
                typed = answer.model_dump()
                problem = refusal(exc)
                logger.info("review of #%s needs another answer: %s", contact_id, problem)
                continue
            same_as = chosen_candidate(answer)
            done = store.complete(contact_id, fields, note, offered=contact.fields,
                                  same_as=same_as)
            _on_to_next(next_url)
            if same_as is not None:
                logger.info("contact #%s joined #%s and is complete", contact_id, done.id)
                return "merged"
            logger.info("contact #%s is complete", contact_id)
            return "complete"
        return "gave up"
    finally:
        store.close()


def _on_to_next(next_url: str) -> None:
    """The way on after an answer: the run's Artifacts tab holds a link to the oldest card
    still waiting (``/next`` of the image endpoint redirects to it, or to the empty queue)."""
    create_markdown_artifact(
        markdown=f"## ✓ 保存しました (saved)\n\n## [次の名刺へ → (the next card)]({next_url})\n\n"
                 f"[キューを見る (the queue)]({queue_url()})",
        description="✓ 保存しました — 次の名刺へ (saved: on to the next card)")
    get_run_logger().info("保存しました (saved). 次の名刺へ: %s", next_url)


def _on_to_next(next_url: str) -> None:
    """The way on after an answer: the run's Artifacts tab holds a link to the oldest card
    still waiting (``/next`` of the image endpoint redirects to it, or to the empty queue)."""
    create_markdown_artifact(
        markdown=f"## ✓ 保存しました (saved)\n\n## [次の名刺へ → (the next card)]({next_url})\n\n"
                 f"[キューを見る (the queue)]({queue_url()})",
        description="✓ 保存しました — 次の名刺へ (saved: on to the next card)")
    get_run_logger().info("保存しました (saved). 次の名刺へ: %s", next_url)
