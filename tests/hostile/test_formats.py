"""Every file a user really drops: PDF, HEIC, 16-bit greyscale, transparent PNG; and the ones
that must be refused with the right reason: a decompression bomb, random noise."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pytest
from hostile_corpus import (
    bomb_png,
    card,
    encoded,
    grey16,
    heic,
    noise,
    on_desk,
    pdf,
    transparent,
)
from pydantic import ValidationError

from meishi import imaging, pipeline
from meishi.errors import ImageTooLargeError, NoTextFoundError, UnreadableImageError
from meishi.settings import Settings

#: share of ink (pixels darker than mid-grey) on the plain card: 1.4 %
INK = float((np.asarray(card().convert("L")) < 128).mean())


def _ink_and_paper(bgr: np.ndarray) -> tuple[float, float]:
    """The share of ink (dark pixels) and the median (the paper) of a decoded image."""
    grey = bgr.mean(axis=2)
    return float((grey < 128).mean()), float(np.median(grey))


@pytest.mark.parametrize("fmt", ["PNG", "TIFF"])
def test_16_bit_greyscale_reads_as_the_card_not_blank(settings, fmt):
    data = encoded(grey16(card()), fmt)
    bgr, _ = imaging.decode(data, f"card16.{fmt.lower()}", settings)
    ink, paper = _ink_and_paper(bgr)
    assert ink == pytest.approx(INK, rel=0.05) and paper > 240, (ink, paper)  # before: no ink


def test_transparent_background_becomes_paper_not_black(settings):
    bgr, _ = imaging.decode(encoded(transparent(card()), "PNG"), "cut-out.png", settings)
    ink, paper = _ink_and_paper(bgr)
    assert ink == pytest.approx(INK, rel=0.05) and paper > 240, (ink, paper)  # before: all black


def test_heic_reads_with_its_exif_orientation_and_date(settings):
    img = card()  # 1092 x 660, landscape
    # stored turned, with "rotate 90° clockwise to view" (EXIF orientation 6), as a phone does
    data = heic(img.rotate(90, expand=True), orientation=6, taken="2026:11:20 18:30:00")
    bgr, taken = imaging.decode(data, "IMG_0412.HEIC", settings)
    assert bgr.shape[1] > bgr.shape[0]  # upright: landscape again
    assert taken == datetime(2026, 11, 20, 18, 30)
    ink, paper = _ink_and_paper(bgr)
    assert ink == pytest.approx(INK, rel=0.15) and paper > 230, (ink, paper)


def test_pdf_every_page_and_every_card_on_a_page(settings):
    two_up = on_desk(card("鈴木 花子"), pad=150)
    sheet = np.asarray(two_up).copy()
    page2 = np.full((sheet.shape[0] * 2 + 100, sheet.shape[1], 3), (90, 70, 50), np.uint8)
    page2[: sheet.shape[0]] = sheet
    page2[sheet.shape[0] + 100 :] = np.asarray(on_desk(card("高橋 健一"), pad=150))
    from PIL import Image

    data = pdf([on_desk(card("山田 太郎")), Image.fromarray(page2)])
    pages = imaging.decode_pages(data, "scan.pdf", settings)
    assert len(pages) == 2
    cards = imaging.clean(data, "scan.pdf", settings)
    assert [c.source for c in cards] == ["scan.pdf#1", "scan.pdf#2", "scan.pdf#3"]
    assert len({c.sha256 for c in cards}) == 3
    assert all(c.found_card for c in cards)


def test_a_decompression_bomb_is_too_large_not_unknown(settings):
    with pytest.raises(ImageTooLargeError, match="too large|megapixels"):
        imaging.decode(bomb_png(), "bomb.png", settings)


def test_max_pixels_above_pillows_own_limit_takes_effect(settings):
    # 20000 x 20000 = 400 MP: Pillow's own guard refuses above 179 MP whatever MEISHI_MAX_PIXELS
    # says; with the limit raised the header passes and decoding goes on (here to the
    # truncated data: a 1-bit PNG without its rows)
    data = bomb_png()
    header_only = data[: data.index(b"IDAT") - 4] + data[-12:]
    roomy = settings.model_copy(update={"max_pixels": 500_000_000})
    with pytest.raises(UnreadableImageError) as exc:
        imaging.decode(header_only, "huge.png", roomy)
    assert not isinstance(exc.value, ImageTooLargeError), exc.value.message
    with pytest.raises(ImageTooLargeError):
        imaging.decode(header_only, "huge.png", settings)


def test_random_noise_is_not_a_card(settings):
    with pytest.raises(NoTextFoundError, match="noise"):
        imaging.decode(encoded(noise(), "PNG"), "noise.png", settings)
    with pytest.raises(NoTextFoundError, match="noise"):
        imaging.decode(encoded(noise(3000, 2000, seed=1), "PNG"), "big-noise.png", settings)


def test_cards_photos_and_blank_pages_are_not_noise(settings):
    from conftest import DEMO

    for f in sorted(DEMO.glob("*.jpg"))[:4] + sorted(DEMO.glob("*.png"))[:4]:
        imaging.decode(f.read_bytes(), f.name, settings)  # raises if taken for noise
    from PIL import Image

    blank = Image.new("RGB", (800, 500), "white")
    imaging.decode(encoded(blank, "PNG"), "blank.png", settings)


@pytest.mark.parametrize(
    "name, value",
    [("MEISHI_MAX_FILE_BYTES", "-1"), ("MEISHI_MAX_FILE_BYTES", "0"), ("MEISHI_MAX_PIXELS", "-5")],
)
def test_limits_must_be_positive(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError, match=name.removeprefix("MEISHI_").lower()):
        Settings()


def test_new_formats_are_found_in_folders(tmp_path):
    for name in ("a.pdf", "b.HEIC", "c.heif", "d.txt"):
        (tmp_path / name).write_bytes(b"x")
    assert [p.name for p in pipeline.iter_images([tmp_path])] == ["a.pdf", "b.HEIC", "c.heif"]


def test_stored_card_image_is_compact_webp(settings):
    bgr, _ = imaging.decode(encoded(card(), "PNG"), "c.png", settings)
    data = imaging.encode_card(imaging.resize_long_side(bgr))
    assert data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    assert len(data) < 150_000
    back = imaging.decode(data, "c.webp", settings)[0]
    assert back.shape[1] == 1280


def test_a_webp_card_image_goes_into_a_vcard_as_jpeg(settings, tmp_path):
    from types import SimpleNamespace

    from meishi import export

    bgr, _ = imaging.decode(encoded(card(), "PNG"), "c.png", settings)
    path = tmp_path / "card.webp"
    path.write_bytes(imaging.encode_card(bgr))
    data, kind = export._image(SimpleNamespace(image_path=path))  # type: ignore[arg-type]
    assert kind == "JPEG" and data[:3] == b"\xff\xd8\xff"
    assert imaging.decode(data, "c.jpg", settings)[0].shape == bgr.shape


@pytest.mark.e2e
def test_a_scanned_pdf_is_read_page_by_page_by_the_real_pipeline(tmp_path, settings):
    path = tmp_path / "ScanSnap_0001.pdf"
    path.write_bytes(
        pdf([on_desk(card("山田 太郎")), on_desk(card("鈴木 花子", tel="TEL 06-4831-4415"))])
    )
    reads = pipeline.read_cards(path, source=path.name, settings=settings)
    assert [r.source for r in reads] == ["ScanSnap_0001.pdf#1", "ScanSnap_0001.pdf#2"]
    assert [r.fields.values()["name"] for r in reads] == ["山田 太郎", "鈴木 花子"]
    assert [r.fields.values()["tel"] for r in reads] == ["03-5210-7788", "06-4831-4415"]


def test_a_pdf_s_pages_are_read_one_at_a_time(settings, monkeypatch):
    """A PDF of many big pages (a few KB: 50 blank pages of 5 m x 5 m) is no memory bomb:
    each page is rendered, cut into its cards and let go before the next one (all 50 at
    60 MP each held at once took ~9 GB)."""
    import gc
    import weakref

    from PIL import Image

    small = settings.model_copy(update={"max_pixels": 2_000_000})
    data = pdf([Image.new("RGB", (1000, 1000), "white")] * 8, dpi=72)
    alive: list[weakref.ref] = []
    held: list[int] = []
    find = imaging.find_card_quads

    def counting(bgr: np.ndarray) -> list:
        alive.append(weakref.ref(bgr))
        gc.collect()
        held.append(sum(r() is not None for r in alive))
        return find(bgr)

    monkeypatch.setattr(imaging, "find_card_quads", counting)
    cards = imaging.clean(data, "big.pdf", small)
    assert [c.source for c in cards] == [f"big.pdf#{i}" for i in range(1, 9)]
    assert max(held) <= 2, held  # before: all 8 pages decoded first
