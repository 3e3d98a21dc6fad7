"""The automatic part for one card, without Prefect: load → cleanup → OCR → extract."""

from __future__ import annotations

import collections
import logging
import time
from collections.abc import Generator
from pathlib import Path

from meishi import files, imaging
from meishi.errors import (
    MeishiError,
    MissingDependencyError,
    NoTextFoundError,
)
from meishi.extract import extract_fields
from meishi.models import CardImage, CardRead
from meishi.ocr import CardReader, as_reader, get_reader, rotate
from meishi.ocr.tesseract import OcrEngine
from meishi.ocr.tuning import TUNING
from meishi.settings import Settings, get_settings

log = logging.getLogger(__name__)

IMAGE_SUFFIXES = frozenset(
    {".jpg", ".jpeg", ".png", ".tif", ".tiff", ".webp", ".bmp", ".heic", ".heif", ".pdf"}
)


def check_ready(settings: Settings | None = None) -> str:
    """Fail fast, before any card is touched, if the configured OCR engine cannot run here
    (Tesseract or its Japanese data missing; PP-OCR's models or onnxruntime missing).

    Returns the engine's version.
    """
    settings = settings or get_settings()
    reader = get_reader(settings)
    reader.check()
    return reader.version()


def read_file(path: Path, settings: Settings, source: str | None = None) -> bytes:
    """The file's bytes, refusing what is not a readable, reasonably sized regular file.

    A symbolic link, FIFO, socket or device is refused without being opened in a way that
    can block, and the read is bounded by ``MEISHI_MAX_FILE_BYTES`` (see :mod:`meishi.files`).
    """
    source = source or str(path)
    return files.read_bounded(path, settings.max_file_bytes, source)


def read_bytes(
    data: bytes,
    source: str,
    *,
    settings: Settings | None = None,
    engine: CardReader | OcrEngine | None = None,
) -> list[CardRead]:
    """Read the cards in one image from its encoded bytes: one card, or each card of a
    flatbed scan of several, in reading order.

    In a scan of several, a card with no text (a blank back) is left out with a log line;
    the image fails only when no card in it has text.
    """
    settings = settings or get_settings()
    reader = as_reader(engine) if engine is not None else get_reader(settings)
    t0 = time.perf_counter()
    cards = imaging.clean(data, source, settings)
    cleanup_s = (time.perf_counter() - t0) / len(cards)
    reads: list[CardRead] = []
    for card in cards:
        try:
            reads.append(_read_clean(card, reader, cleanup_s))
        except NoTextFoundError as exc:
            if len(cards) == 1:
                raise
            log.warning("%s (left out: a blank back?)", exc.message)
    if not reads:
        raise NoTextFoundError(
            f"{source}: no text found on any of the {len(cards)} cards in the image; "
            "are they business cards, and in focus?"
        )
    return reads


def _read_clean(card: CardImage, reader: CardReader, cleanup_s: float) -> CardRead:
    t0 = time.perf_counter() - cleanup_s
    ocr = reader.read_card(card)
    confident = sum(len(w.text) for line in ocr.lines for w in line.words if w.conf >= 70)
    if confident < TUNING.review_confident_chars:
        raise NoTextFoundError(
            f"{card.source}: no text found on the image; is it a business card, and in focus?"
        )
    fields = extract_fields(ocr)
    upright = rotate(card.color, ocr.rotation)
    seconds = time.perf_counter() - t0
    log.info(
        "%s: read in %.2f s by %s (%s, turned %d°)",
        card.source,
        seconds,
        ocr.engine,
        ocr.orientation,
        ocr.rotation,
    )
    return CardRead(
        source=card.source,
        sha256=card.sha256,
        fields=fields,
        ocr=ocr,
        card_image=imaging.encode_card(upright),
        region=card.region,
        part=card.part,
        taken_at=card.taken_at,
        seconds=seconds,
    )


def read_cards(
    path: Path | str,
    *,
    source: str | None = None,
    settings: Settings | None = None,
    engine: CardReader | OcrEngine | None = None,
) -> list[CardRead]:
    """Run the automatic part (cleanup, OCR, extraction) on one image file: its card, or
    each of its cards when it is a scan of several.

    ``source`` names the image in results and messages (default: the path); the cards of
    an image of several are named ``source#1``, ``source#2`` …
    """
    settings = settings or get_settings()
    path = Path(path)
    source = source or str(path)
    return read_bytes(read_file(path, settings, source), source, settings=settings, engine=engine)


def iter_images(paths: list[Path]) -> list[Path]:
    """Image files among ``paths`` (folders are searched recursively), sorted, no repeats."""
    out: list[Path] = []
    seen: set[Path] = set()
    for p in paths:
        found = (
            sorted(x for x in p.rglob("*") if x.is_file() and x.suffix.lower() in IMAGE_SUFFIXES)
            if p.is_dir()
            else [p]
        )
        for f in found:
            key = f.resolve()
            if key not in seen:
                seen.add(key)
                out.append(f)
    return out


def _scan_one(path: Path) -> tuple[list[CardRead], MeishiError | None]:
    try:
        return read_cards(path), None
    except MissingDependencyError:
        raise
    except MeishiError as exc:
        return [], exc


def scan_files(
    files: list[Path], workers: int = 1
) -> Generator[tuple[Path, list[CardRead], MeishiError | None], None, None]:
    """Read each file's cards, in order, on ``workers`` processes (each loads its own OCR
    model once); a file that cannot be read yields its error and the rest go on."""
    if workers <= 1 or len(files) <= 1:
        for f in files:
            yield (f, *_scan_one(f))
        return
    from concurrent.futures import ProcessPoolExecutor

    pool = ProcessPoolExecutor(max_workers=min(workers, len(files)), initializer=_ignore_sigint)
    todo = collections.deque((f, pool.submit(_scan_one, f)) for f in files)
    try:
        while todo:
            f, future = todo.popleft()  # a result is let go once yielded
            yield (f, *future.result())
    except BaseException:  # Ctrl-C, or the caller stopped early: no read left is wanted
        # a scan stores nothing: its workers end now, not after the cards in their hands
        # (ProcessPoolExecutor.terminate_workers() comes only with Python 3.14); the pool
        # then fails what was queued. Nothing is cancelled (nor pool.map used, which cancels
        # when left): the pool's own thread would print a traceback setting an error on a
        # cancelled future
        for proc in list((getattr(pool, "_processes", None) or {}).values()):
            proc.terminate()
        pool.shutdown(wait=True)
        raise
    pool.shutdown(wait=True)


def _ignore_sigint() -> None:
    """A worker leaves Ctrl-C to its parent, which stops the pool (no traceback per worker)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
