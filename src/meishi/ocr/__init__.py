"""OCR: a cleaned card → lines of text with boxes and confidences, in the upright card's frame.

Two engines sit behind one interface, :class:`CardReader`:

- ``ppocr`` (default): PP-OCRv6 through ``rapidocr`` on ``onnxruntime``
  (:mod:`meishi.ocr.ppocr`), its models inside the wheel; Japanese glyph mends in
  :mod:`meishi.ocr.glyphs`.
- ``tesseract``: Tesseract ``jpn`` / ``jpn_vert`` through ``pytesseract``, with the reading
  strategy and rescue passes of :mod:`meishi.ocr.tesseract`.

``MEISHI_OCR_ENGINE`` chooses; ``meishi doctor`` reports both. Tests replay recorded output
through the low-level :class:`~meishi.ocr.tesseract.OcrEngine` (Tesseract) or inject an
engine of their own with a ``read_card`` method.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Literal, Protocol, runtime_checkable

import cv2
import numpy as np

from meishi.models import OcrResult
from meishi.ocr.tuning import TUNING
from meishi.ocr.turn import rotate

if TYPE_CHECKING:
    from meishi.models import CardImage
    from meishi.ocr.tesseract import OcrEngine
    from meishi.settings import Settings

EngineName = Literal["ppocr", "tesseract"]
ENGINES: tuple[EngineName, ...] = ("ppocr", "tesseract")

__all__ = [
    "ENGINES",
    "CardReader",
    "EngineName",
    "PpOcrReader",
    "TesseractReader",
    "as_reader",
    "get_reader",
    "rotate",
]


@runtime_checkable
class CardReader(Protocol):
    """What meishi needs from an OCR engine: a whole card read, upright."""

    name: str

    def version(self) -> str: ...

    def check(self) -> None:
        """Raise :class:`~meishi.errors.MissingDependencyError` when it cannot run here."""
        ...

    def read_card(self, card: CardImage) -> OcrResult: ...


class TesseractReader:
    """Tesseract behind :class:`CardReader`: the cleaned grey card, read by
    :func:`meishi.ocr.tesseract.read_text` (orientation probes and re-reads)."""

    name = "tesseract"

    def __init__(self, engine: OcrEngine) -> None:
        self.engine = engine

    def version(self) -> str:
        return f"tesseract {self.engine.version()}"

    def check(self) -> None:
        from meishi.errors import MissingDependencyError
        from meishi.ocr.tesseract import TesseractEngine

        self.engine.version()
        if isinstance(self.engine, TesseractEngine):
            missing = self.engine.missing_languages()
            if missing:
                raise MissingDependencyError(
                    f"Tesseract language data missing: {', '.join(missing)} — run `sudo "
                    "apt-get install "
                    + " ".join(f"tesseract-ocr-{m.replace('_', '-')}" for m in missing)
                    + "`"
                )

    def read_card(self, card: CardImage) -> OcrResult:
        from meishi.ocr.tesseract import read_text

        return read_text(card.image, self.engine)


class PpOcrReader:
    """PP-OCR behind :class:`CardReader`: the cropped colour card, as it was photographed
    (PP-OCR was trained on such images; the binarised grey one reads worse)."""

    name = "ppocr"

    def __init__(self) -> None:
        from meishi.ocr.ppocr import PpOcrEngine

        self.engine = PpOcrEngine()

    def version(self) -> str:
        return self.engine.version()

    def check(self) -> None:
        self.engine.check()

    def read_card(self, card: CardImage) -> OcrResult:
        return self.engine.read_card(_for_ppocr(card))


def _for_ppocr(card: CardImage) -> np.ndarray:
    img = card.color
    long_side = max(img.shape[:2])
    if long_side > TUNING.ppocr_long_side:
        k = TUNING.ppocr_long_side / long_side
        img = cv2.resize(img, None, fx=k, fy=k, interpolation=cv2.INTER_AREA)
    return img


@lru_cache(maxsize=4)
def _reader(name: EngineName, tesseract_cmd: str, timeout_s: float) -> CardReader:
    if name == "ppocr":
        return PpOcrReader()
    from meishi.ocr.tesseract import TesseractEngine

    return TesseractReader(TesseractEngine(cmd=tesseract_cmd, timeout_s=timeout_s))


def get_reader(settings: Settings, name: EngineName | None = None) -> CardReader:
    """The process's reader for ``name`` (default: the configured ``MEISHI_OCR_ENGINE``)."""
    return _reader(name or settings.ocr_engine, settings.tesseract_cmd, settings.ocr_timeout_s)


def as_reader(engine: CardReader | OcrEngine) -> CardReader:
    """A :class:`CardReader` for ``engine``: itself, or a low-level Tesseract-style engine
    (real, recorded or faulty) behind :class:`TesseractReader`."""
    if isinstance(engine, CardReader):
        return engine
    return TesseractReader(engine)
