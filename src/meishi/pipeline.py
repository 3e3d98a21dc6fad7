"""The automatic part for one card, without Prefect: load → cleanup → OCR → extract."""

from __future__ import annotations

import logging
import time
from functools import lru_cache
from pathlib import Path

from meishi import files, imaging, procs
from meishi.errors import (
    MissingDependencyError,
    NoTextFoundError,
)
from meishi.extract import extract_fields
from meishi.models import CardImage, CardRead
from meishi.ocr import OcrEngine, TesseractEngine, read_text, rotate
from meishi.settings import Settings, get_settings

log = logging.getLogger(__name__)

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".tif", ".tiff", ".webp", ".bmp", ".heic",
                            ".heif", ".pdf"})


@lru_cache(maxsize=4)
def default_engine(cmd: str = "tesseract", timeout_s: float = 60.0) -> TesseractEngine:
    procs.tie_tesseract_to_us()  # a killed ingest leaves no Tesseract running
    return TesseractEngine(cmd=cmd, timeout_s=timeout_s)


def check_ready(settings: Settings | None = None) -> str:
    """Fail fast, before any card is touched, if Tesseract or its Japanese data is missing.

    Returns the Tesseract version.
    """
    settings = settings or get_settings()
    engine = TesseractEngine(cmd=settings.tesseract_cmd, timeout_s=settings.ocr_timeout_s)
    version = engine.version()
    missing = engine.missing_languages()
    if missing:
        raise MissingDependencyError(
            f"Tesseract language data missing: {', '.join(missing)} — run `sudo apt-get install "
            + " ".join(f"tesseract-ocr-{m.replace('_', '-')}" for m in missing) + "`"
        )
    return version


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
    engine: OcrEngine | None = None,
) -> list[CardRead]:
    """Read the cards in one image from its encoded bytes: one card, or each card of a
    flatbed scan of several, in reading order.

    In a scan of several, a card with no text (a blank back) is left out with a log line;
    the image fails only when no card in it has text.
    """
    settings = settings or get_settings()
    engine = engine or default_engine(settings.tesseract_cmd, settings.ocr_timeout_s)
    t0 = time.perf_counter()
    cards = imaging.clean(data, source, settings)
    cleanup_s = (time.perf_counter() - t0) / len(cards)
    reads: list[CardRead] = []
    for card in cards:
        try:
            reads.append(_read_clean(card, engine, cleanup_s))
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


def _read_clean(card: CardImage, engine: OcrEngine, cleanup_s: float) -> CardRead:
    t0 = time.perf_counter() - cleanup_s
    ocr = read_text(card.image, engine)
    confident = sum(len(w.text) for line in ocr.lines for w in line.words if w.conf >= 70)
    if confident < 4:
        raise NoTextFoundError(
            f"{card.source}: no text found on the image; is it a business card, and in focus?"
        )
    fields = extract_fields(ocr)
    upright = rotate(card.color, ocr.rotation)
    seconds = time.perf_counter() - t0
    log.info("%s: read in %.2f s (%s, turned %d°)", card.source, seconds, ocr.orientation,
             ocr.rotation)
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
    engine: OcrEngine | None = None,
) -> list[CardRead]:
    """Run the automatic part (cleanup, OCR, extraction) on one image file: its card, or
    each of its cards when it is a scan of several.

    ``source`` names the image in results and messages (default: the path); the cards of
    an image of several are named ``source#1``, ``source#2`` …
    """
    settings = settings or get_settings()
    path = Path(path)
    source = source or str(path)
    return read_bytes(read_file(path, settings, source), source, settings=settings,
                      engine=engine)


def iter_images(paths: list[Path]) -> list[Path]:
    """Image files among ``paths`` (folders are searched recursively), sorted, no repeats."""
    out: list[Path] = []
    seen: set[Path] = set()
    for p in paths:
        found = sorted(x for x in p.rglob("*") if x.is_file() and
                       x.suffix.lower() in IMAGE_SUFFIXES) if p.is_dir() else [p]
        for f in found:
            key = f.resolve()
            if key not in seen:
                seen.add(key)
                out.append(f)
    return out
