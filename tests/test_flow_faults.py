"""Engine faults inside the real Prefect flow: transient ones are retried, none loses a card."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from meishi import pipeline
from meishi.errors import OcrError
from meishi.ocr import as_reader
from meishi.ocr.tesseract import TesseractEngine

pytestmark = pytest.mark.e2e

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"


def _card(path, name):
    img = Image.new("RGB", (1092, 660), "white")
    d = ImageDraw.Draw(img)
    for (text, px), y in zip(
        [("株式会社ミドリ精機", 40), (name, 72), ("TEL 03-5210-7788", 28)],
        (60, 160, 320),
        strict=True,
    ):
        d.text((60, y), text, font=ImageFont.truetype(FONT, px, index=0), fill="black")
    img.save(path)


class FlakyEngine:
    """The real engine, but the first ``fail`` reads raise the given error."""

    def __init__(self, fail: int, error: Exception) -> None:
        self.inner = TesseractEngine()
        self.fail = fail
        self.error = error
        self.calls = 0
        self._lock = threading.Lock()

    def version(self) -> str:
        return self.inner.version()

    def read(self, gray: np.ndarray, *, lang: str, psm: int):
        with self._lock:
            self.calls += 1
            if self.calls <= self.fail:
                raise self.error
        return self.inner.read(gray, lang=lang, psm=psm)


def _run(settings, monkeypatch, engine):
    from meishi_flows.ingest import ingest

    settings.ensure_dirs()
    _card(settings.inbox_dir / "card.png", "山田 太郎")
    monkeypatch.setattr(pipeline, "get_reader", lambda *a, **k: as_reader(engine))
    return ingest()


def test_a_crashed_ocr_is_retried_and_the_card_stored(settings, monkeypatch):
    engine = FlakyEngine(fail=1, error=OcrError("tesseract crashed (signal 11)"))
    report = _run(settings, monkeypatch, engine)
    assert [r.status for r in report.rows] == ["stored"]
    assert report.rows[0].fields["name"] == "山田 太郎"
    assert (settings.inbox_dir / "processed" / "card.png").exists()


def test_an_ocr_that_keeps_failing_quarantines_the_card_with_its_reason(settings, monkeypatch):
    engine = FlakyEngine(fail=99, error=OcrError("Tesseract timed out after 60 s"))
    report = _run(settings, monkeypatch, engine)
    assert [r.status for r in report.rows] == ["failed"]
    assert engine.calls == 3  # the first try and two retries
    reason = (settings.inbox_dir / "failed" / "card.png.reason.txt").read_text()
    assert reason.startswith("ocr_failed: Tesseract timed out")


def test_a_bug_is_not_retried_but_the_card_is_kept(settings, monkeypatch):
    engine = FlakyEngine(fail=99, error=ValueError("unexpected"))
    report = _run(settings, monkeypatch, engine)
    assert [r.status for r in report.rows] == ["failed"]
    assert engine.calls == 1
    assert (settings.inbox_dir / "failed" / "card.png").exists()
    assert (
        "internal_error: ValueError"
        in (settings.inbox_dir / "failed" / "card.png.reason.txt").read_text()
    )


def test_missing_tesseract_stops_the_run_before_any_card_is_touched(settings, monkeypatch):
    from meishi.errors import MissingDependencyError
    from meishi.settings import get_settings
    from meishi_flows.ingest import ingest

    settings.ensure_dirs()
    _card(settings.inbox_dir / "card.png", "山田 太郎")
    monkeypatch.setenv("MEISHI_OCR_ENGINE", "tesseract")
    monkeypatch.setenv("MEISHI_TESSERACT_CMD", "tesseract-that-is-not-installed")
    get_settings.cache_clear()
    with pytest.raises(MissingDependencyError, match="apt-get install"):
        ingest()
    assert (settings.inbox_dir / "card.png").exists()
    assert not (settings.inbox_dir / "failed").exists()


def test_reminder_flow_publishes_the_faceless_list(settings):
    from meishi.store import Store
    from meishi_flows.reminder import reminder
    from test_store import _read

    settings.ensure_dirs()
    store = Store(settings.db_url, settings.images_dir)
    store.add_card(_read("9" * 64), source_name="a.jpg")
    assert reminder(older_than_days=0) == 1
    assert reminder(older_than_days=3) == 0


def test_the_same_file_twice_in_one_drop_shares_the_first_ones_contact(settings, monkeypatch):
    from meishi_flows.ingest import ingest

    settings.ensure_dirs()
    _card(settings.inbox_dir / "a.png", "山田 太郎")
    (settings.inbox_dir / "b.png").write_bytes((settings.inbox_dir / "a.png").read_bytes())
    monkeypatch.setattr(pipeline, "get_reader", lambda *a, **k: as_reader(TesseractEngine()))
    report = ingest()
    by = {r.source: r for r in report.rows}
    assert by["a.png"].status == "stored"
    assert by["b.png"].status == "duplicate"
    assert by["b.png"].contact_id == by["a.png"].contact_id is not None
    assert (settings.inbox_dir / "processed" / "b.png").exists()


def test_a_bad_file_dropped_twice_is_quarantined_twice(settings):
    """The copy of an unreadable file is not 'already stored': both go to failed/."""
    from meishi_flows.ingest import ingest

    settings.ensure_dirs()
    for name in ("x.png", "y.png"):
        (settings.inbox_dir / name).write_bytes(b"\x89PNG\r\n\x1a\n not really a png")
    report = ingest()
    assert sorted((r.source, r.status) for r in report.rows) == [
        ("x.png", "failed"),
        ("y.png", "failed"),
    ]
    failed = settings.inbox_dir / "failed"
    assert (failed / "x.png").exists() and (failed / "y.png").exists()
    assert "the same file as x.png" in (failed / "y.png.reason.txt").read_text()
    assert not (settings.inbox_dir / "processed").exists() or not any(
        (settings.inbox_dir / "processed").iterdir()
    )
