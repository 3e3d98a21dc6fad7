"""The ingest flow: claim new scans in the inbox, read them in parallel, store contact stubs."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
from pathlib import Path
from typing import Any

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.futures import as_completed
from prefect.logging import get_run_logger
from prefect.task_runners import ThreadPoolTaskRunner

from meishi import pipeline
from meishi.errors import MeishiError, MissingDependencyError
from meishi.inbox import Claim, Inbox
from meishi.models import CardRead, ContactStatus
from meishi.pairing import Batch, side_of
from meishi.report import IngestReport, IngestRow, markdown_table
from meishi.settings import get_settings
from meishi.store import Store
from meishi_flows.queue import start_review_or_log
from meishi_flows.stop import INGEST_STOP as STOP  # set by `meishi ingest` on Ctrl-C

_LIBC = ctypes.CDLL(ctypes.util.find_library("c")) if os.name == "posix" else None
if _LIBC is not None and not hasattr(_LIBC, "malloc_trim"):  # not glibc (musl, macOS)
    _LIBC = None


def _transient_only(task: Any, task_run: Any, state: Any) -> bool:
    """Retry only failures a retry can fix (an OCR crash), never a corrupt image."""
    try:
        state.result()
    except MeishiError as exc:
        return exc.transient
    except Exception:
        return False
    return False


@task(
    name="read-cards",
    task_run_name="read {source}",
    retries=2,
    retry_delay_seconds=1,
    retry_condition_fn=_transient_only,
    cache_policy=NO_CACHE,
    persist_result=False,
)
def read_cards(path: str, source: str) -> list[CardRead]:
    """Cleanup, OCR and field extraction of one scan: its card, or each card of a flatbed
    scan of several (runs in a worker thread)."""
    return pipeline.read_cards(Path(path), source=source, settings=get_settings())


@flow(
    name="ingest",
    persist_result=False,
    task_runner=ThreadPoolTaskRunner(max_workers=get_settings().workers),  # type: ignore[arg-type]
)
def ingest(inbox: str | None = None, start_reviews: bool = False) -> IngestReport:
    """Read every new scan in the inbox into a contact stub that waits for its purpose note.

    With ``start_reviews`` (as `meishi serve` deploys it) every new contact also gets a
    review run that waits in the Prefect UI.
    """
    logger = get_run_logger()
    settings = get_settings()
    settings.ensure_dirs()
    box = Inbox(Path(inbox) if inbox else settings.inbox_dir, settle_s=settings.settle_s)
    engine = pipeline.check_ready(settings)  # before any file is claimed
    logger.info("OCR: %s", engine)
    store = Store(settings.db_url, settings.images_dir)
    rows: list[IngestRow] = []
    to_read: list[Claim] = []
    pending: dict[Any, Claim] = {}
    try:
        claims = box.claim_all()  # this run's own claims: no other live run touches them
        logger.info("%d new card(s) in %s", len(claims), box.root)
        in_batch: dict[str, Claim] = {}  # a scan's content -> its first file in this batch
        twins: list[tuple[Claim, Claim]] = []  # (a later copy, the first), settled after it
        for claim in claims:
            try:
                sha = claim.sha256(limit=settings.max_file_bytes)
            except MeishiError as exc:  # a FIFO, a link, a device, a huge file: never a card
                dest = box.failed(claim, f"{exc.code}: {exc.message}")
                logger.warning("%s quarantined: %s", claim.rel, exc.message)
                rows.append(
                    IngestRow(
                        source=str(claim.rel),
                        status="failed",
                        error=exc.message,
                        moved_to=str(dest),
                    )
                )
                continue
            # the same scan of one card again; a scan of several is read again and each of its
            # cards is known by its own identity (a crash between two of them loses none)
            known = store.card_contact(sha)
            if known is not None:
                box.processed(claim)
                rows.append(IngestRow(source=str(claim.rel), status="duplicate", contact_id=known))
                continue
            if sha in in_batch:  # the same file twice in one drop: it shares its first's fate
                twins.append((claim, in_batch[sha]))
                continue
            in_batch[sha] = claim
            to_read.append(claim)

        def top_up() -> None:  # only as many scans in hand as workers: a stop leaves the rest
            while to_read and len(pending) < settings.workers and not STOP.is_set():
                claim = to_read.pop(0)
                pending[read_cards.submit(str(claim.path), str(claim.rel))] = claim

        batch = Batch()
        top_up()
        while pending:
            fut = next(as_completed(list(pending)))
            claim = pending.pop(fut)
            top_up()  # the worker it freed reads the next scan while this one is stored
            # each result (the card image, its OCR) is let go once stored: memory stays flat
            rows.extend(_settle(fut, claim, box, store, batch, logger))
            _forget(fut)
            _give_back()
        for claim in to_read:  # stopped (Ctrl-C): back to the inbox unread, for the next run
            box.release(claim)
        rows.extend(_settle_twins(twins, {c.rel for c in to_read}, rows, box, logger))
        if start_reviews:  # after the batch, so both sides of a card are in the review
            for row in rows:
                if row.status == "stored" and row.contact_id is not None:
                    start_review_or_log(row.contact_id, logger)
        waiting = store.count(ContactStatus.needs_purpose)
    finally:
        store.close()
        box.close()
    report = IngestReport(
        inbox=str(box.root),
        rows=sorted(rows, key=lambda r: r.source),
        waiting_for_purpose=waiting,
        left=sorted(str(claim.rel) for claim in to_read),
        stopped=STOP.is_set(),
    )
    if rows:  # a run that found nothing leaves no artifact
        create_markdown_artifact(
            key="ingest-summary",
            markdown=markdown_table(report),
            description="Cards read by this ingest run",
        )
    return report


def _settle_twins(
    twins: list[tuple[Claim, Claim]],
    unread: set[Path],
    rows: list[IngestRow],
    box: Inbox,
    logger: Any,
) -> list[IngestRow]:
    """A copy of a file read earlier in this batch goes where its first went: processed as
    known if the first was stored, quarantined with the first's reason if it could not be read,
    back to the inbox if the run stopped before reading it."""
    out = []
    for twin, first in twins:
        source = str(twin.rel)
        if first.rel in unread:
            box.release(twin)
            continue
        name = str(first.rel)
        of_first = [r for r in rows if r.source == name or r.source.startswith(name + "#")]
        stored = [r for r in of_first if r.status != "failed"]
        if stored:
            box.processed(twin)
            out.append(
                IngestRow(source=source, status="duplicate", contact_id=stored[0].contact_id)
            )
            continue
        why = of_first[0].error if of_first else "it was not read"
        reason = f"duplicate: the same file as {first.rel}, which could not be read: {why}"
        dest = box.failed(twin, reason)
        logger.warning("%s quarantined: %s", source, reason)
        out.append(IngestRow(source=source, status="failed", error=reason, moved_to=str(dest)))
    return out


def _give_back() -> None:
    """Hand the freed memory of a settled card back to the system (glibc keeps it in each
    worker thread's arena otherwise, and a long batch's RSS creeps up)."""
    if _LIBC is not None:
        _LIBC.malloc_trim(0)


def _forget(fut: Any) -> None:
    """Drop a settled future's hold on its result: Prefect keeps the final state, with the
    returned cards (image and OCR) in it, on the future and on the concurrent future it
    wraps, and ``as_completed`` keeps every future until the batch ends."""
    wrapped = getattr(fut, "wrapped_future", None)
    for state in (getattr(fut, "_final_state", None), getattr(wrapped, "_result", None)):
        if state is not None and hasattr(state, "data"):
            state.data = None


def _settle(
    fut: Any, claim: Claim, box: Inbox, store: Store, batch: Batch, logger: Any
) -> list[IngestRow]:
    """Store the cards read from one scan; only then does the scan leave the claim folder."""
    source = str(claim.rel)
    try:
        reads: list[CardRead] = fut.result()
    except MissingDependencyError:
        box.release(claim)  # not the card's fault: it waits in the inbox for the next run
        raise
    except MeishiError as exc:
        dest = box.failed(claim, f"{exc.code}: {exc.message}")
        logger.warning("%s quarantined: %s", source, exc.message)
        return [IngestRow(source=source, status="failed", error=exc.message, moved_to=str(dest))]
    except Exception as exc:  # a bug must not lose the card: quarantine it with the reason
        dest = box.failed(claim, f"internal_error: {type(exc).__name__}: {exc}")
        logger.exception("%s quarantined after an unexpected error", source)
        return [
            IngestRow(
                source=source,
                status="failed",
                error=f"{type(exc).__name__}: {exc}",
                moved_to=str(dest),
            )
        ]
    if len(reads) > 1:
        logger.info("%s: %d cards in one scan", source, len(reads))
    rows = [_store(read, claim, store, batch, logger) for read in reads]
    # only now, with every contact committed, does the file leave the claim folder
    box.processed(claim)
    return rows


def _store(read: CardRead, claim: Claim, store: Store, batch: Batch, logger: Any) -> IngestRow:
    source = read.source  # the scan's path, with #1, #2 … for the cards of a scan of several
    values = read.fields.values()
    # a scan of several cards names no side: each of its cards is paired by what it says
    named = side_of(str(claim.rel)) if read.part is None else None
    into = batch.other_side(named, values)
    stored = store.add_card(
        read, source_name=source, met_at=claim.met_at, into=into, side=named[1] if named else None
    )
    if stored.status != "duplicate":
        batch.add(named, stored.contact_id, values)
    if stored.status == "merged":
        logger.info("%s joined contact #%s (%s)", source, stored.contact_id, stored.reason)
    return IngestRow(
        source=source,
        status=stored.status,
        contact_id=stored.contact_id,
        fields=values,
        confidence=read.fields.confidences(),
        merged_because=stored.reason,
        candidates=list(stored.candidates),
    )
