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
from prefect.input.actions import filter_flow_run_input
from prefect.logging import get_run_logger
from pydantic import ValidationError

from meishi.cardlink import card_image_url
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
from meishi_flows.queue import queue_url, tidy_queue

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
    """Wait for the person to confirm the card and write its purpose note.

    No answer is lost: when the contact was merged into another while the review waited,
    the answer is for the contact it joined (its purpose note, if it has one, is kept and
    the answer added to its notes).
    """
    logger = get_run_logger()
    settings = get_settings()
    store = Store(settings.db_url, settings.images_dir)
    try:
        live = store.merged_into(contact_id)
        contact = store.get(live) if live is not None else None
        if contact is None:
            logger.warning("contact #%s was deleted; nothing to review", contact_id)
            return "missing"
        retargeted = live != contact_id
        if retargeted:
            logger.info(
                "contact #%s joined #%s: the review answers for #%s", contact_id, live, live
            )
        if contact.status is ContactStatus.complete and not _answered(contact_id):
            return "complete"
        # what the form showed: the card's fields then (a merged card's, from the log)
        offered = (store.merged_fields(contact_id) if retargeted else None) or contact.fields
        offered_note = None if retargeted else contact.note
        problem: str | None = None
        typed: dict[str, Any] | None = None
        next_url = f"{settings.image_url}/next"
        for ask in range(MAX_ASKS):
            image = card_image_url(settings.image_url, settings.home, contact.id)
            form: Any = review_model(contact, base=RunInput, values=typed, image_url=image)
            answer = suspend_flow_run(
                wait_for_input=form.with_initial_data(
                    description=describe(contact, image, problem, next_url)
                ),
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
            done = store.complete(
                contact_id,
                fields,
                note,
                offered=offered,
                offered_note=offered_note,
                same_as=same_as,
            )
            _on_to_next(next_url)
            if done.id != contact.id or retargeted:
                logger.info("the review of #%s answered for #%s", contact_id, done.id)
                _tidy(store, logger)
                return "merged"
            logger.info("contact #%s is complete", contact_id)
            return "complete"
        return "gave up"
    finally:
        store.close()


def _answered(contact_id: int) -> bool:
    """This run was given an answer (it resumed): the answer is applied, whatever happened
    to the contact meanwhile."""
    inputs: Any = filter_flow_run_input(key_prefix=f"suspended-review-{contact_id}-", limit=100)
    return any(i.key.endswith("-response") for i in inputs)


def _tidy(store: Store, logger: Any) -> None:
    try:
        for run_id, why in tidy_queue(store):
            logger.info("review run %s cancelled: %s", run_id, why)
    except Exception as exc:  # noqa: BLE001 - the reminder tidies again
        logger.warning("could not tidy the review queue: %s", exc)


def _on_to_next(next_url: str) -> None:
    """The way on after an answer: the run's Artifacts tab holds a link to the oldest card
    still waiting (``/next`` of the image endpoint redirects to it, or to the empty queue)."""
    create_markdown_artifact(
        markdown=f"## ✓ 保存しました (saved)\n\n## [次の名刺へ → (the next card)]({next_url})\n\n"
        f"[キューを見る (the queue)]({queue_url()})",
        description="✓ 保存しました — 次の名刺へ (saved: on to the next card)",
    )
    get_run_logger().info("保存しました (saved). 次の名刺へ: %s", next_url)
