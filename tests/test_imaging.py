"""Cleanup: decoding with limits, EXIF orientation, card finding, deskew."""

from __future__ import annotations

import io
import json

import cv2
import numpy as np
import pytest
from PIL import Image

from conftest import REPO
from meishi import imaging
from meishi.errors import ImageTooLargeError, UnreadableImageError
from meishi.settings import Settings


def _jpeg(img: Image.Image, **kw) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "JPEG", **kw)
    return buf.getvalue()


def _card_like(w: int = 910, h: int = 550) -> np.ndarray:
    """A white card with dark 'text' bars."""
    card = np.full((h, w, 3), 250, np.uint8)
    for i, y in enumerate(range(60, h - 40, 55)):
        cv2.rectangle(card, (50, y), (w - 100 if i % 2 else w // 2, y + 22), (30, 30, 30), -1)
    return card


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"hello, I am a text file\n" * 20, "not an image"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "not an image"),
    ],
)
def test_decode_rejects_non_images(data, message):
    with pytest.raises(UnreadableImageError, match=message):
        imaging.decode(data, "x.jpg", Settings())


def test_decode_rejects_truncated_jpeg():
    data = _jpeg(
        Image.fromarray(np.random.default_rng(0).integers(0, 255, (400, 600, 3), np.uint8))
    )
    with pytest.raises(UnreadableImageError, match="corrupt or truncated"):
        imaging.decode(data[: len(data) // 2], "half.jpg", Settings())


def test_decode_enforces_limits():
    data = _jpeg(Image.new("RGB", (400, 300), "white"))
    with pytest.raises(ImageTooLargeError, match="megapixels"):
        imaging.decode(data, "big.jpg", Settings(max_pixels=100_000))
    with pytest.raises(ImageTooLargeError, match="MB"):
        imaging.decode(data, "big.jpg", Settings(max_file_bytes=1000))


def test_decode_rejects_tiny_images():
    with pytest.raises(UnreadableImageError, match="only 40x30"):
        imaging.decode(_jpeg(Image.new("RGB", (40, 30))), "tiny.jpg", Settings())


def test_exif_orientation_is_applied_and_date_read():
    img = Image.new("RGB", (300, 100), "white")
    img.paste((0, 0, 0), (0, 0, 50, 100))  # black band on the left
    exif = Image.Exif()
    exif[0x0112] = 6  # display rotated 90° clockwise
    exif[0x0132] = "2026:11:20 19:30:00"
    bgr, taken = imaging.decode(_jpeg(img, exif=exif), "phone.jpg", Settings())
    assert bgr.shape[:2] == (300, 100)  # now portrait
    assert bgr[:40, :, :].mean() < 60  # the band is on top after the turn
    assert taken is not None and (taken.year, taken.month, taken.day) == (2026, 11, 20)


def test_find_card_in_a_photo():
    rng = np.random.default_rng(1)
    desk = rng.integers(60, 110, (900, 1200, 3), np.uint8)
    desk = cv2.GaussianBlur(desk, (9, 9), 0)
    card = _card_like()
    corners = np.float32([[260, 180], [930, 230], [900, 650], [220, 600]])
    src = np.float32(
        [[0, 0], [card.shape[1], 0], [card.shape[1], card.shape[0]], [0, card.shape[0]]]
    )
    M = cv2.getPerspectiveTransform(src, corners)
    warped = cv2.warpPerspective(card, M, (1200, 900))
    mask = cv2.warpPerspective(np.full(card.shape[:2], 255, np.uint8), M, (1200, 900))
    photo = np.where(mask[..., None] > 0, warped, desk)
    (quad,) = imaging.find_card_quads(photo)
    found = imaging._order_corners(quad)
    assert np.abs(found - corners).max() < 15


def test_whole_frame_scan_has_no_quad():
    card = _card_like(1100, 660)
    assert imaging.find_card_quads(card) == []


@pytest.mark.parametrize("angle", [-4.0, -1.5, 2.0, 5.0])
def test_skew_angle(angle):
    page = np.full((660, 1100), 255, np.uint8)
    for y in range(80, 600, 60):
        cv2.rectangle(page, (100, y), (900, y + 20), 0, -1)
    M = cv2.getRotationMatrix2D((550, 330), angle, 1.0)
    skewed = cv2.warpAffine(page, M, (1100, 660), borderValue=255)
    measured = imaging.skew_angle(skewed)
    assert measured == pytest.approx(angle, abs=0.5)
    # turning back by the measured angle leaves no skew
    assert imaging.skew_angle(imaging.rotate_small(skewed, -measured)) == pytest.approx(0, abs=0.5)


def _bed(cards: list[tuple[int, int]], lid_open: bool) -> np.ndarray:
    """Cards laid at the given top-left corners on a flatbed: under the white lid only a
    grey level or ten and a thin shadow line on two sides show where a card ends; with the
    lid open the bed is dark."""
    bed = np.full((1500, 2400, 3), 40 if lid_open else 240, np.float32)
    for x, y in cards:
        card = _card_like(1000, 600).astype(np.float32)
        bed[y + 600 : y + 603, x + 3 : x + 1003] *= 0.85  # shadow under the bottom edge
        bed[y + 3 : y + 603, x + 1000 : x + 1003] *= 0.85  # and the right edge
        bed[y : y + 600, x : x + 1000] = card
    return bed.clip(0, 255).astype(np.uint8)


@pytest.mark.parametrize("lid_open", [False, True])
def test_several_cards_on_a_flatbed_are_found_in_reading_order(lid_open):
    corners = [(1250, 80), (100, 90), (700, 800)]
    quads = imaging.find_card_quads(_bed(corners, lid_open))
    assert len(quads) == 3
    found = [tuple(int(v) for v in q.reshape(4, 2).min(axis=0)) for q in quads]
    for (x, y), expected in zip(found, [(100, 90), (1250, 80), (700, 800)], strict=True):
        assert abs(x - expected[0]) < 12 and abs(y - expected[1]) < 12


def test_a_card_printed_with_boxes_is_one_card():
    card = _card_like(1100, 660)
    cv2.rectangle(card, (40, 40), (520, 330), (30, 30, 30), 3)  # two card-shaped frames
    cv2.rectangle(card, (580, 40), (1060, 330), (30, 30, 30), 3)
    assert len(imaging.find_card_quads(card)) <= 1


def test_every_card_of_the_committed_flatbed_scans_is_found():
    for truth in sorted((REPO / "sample_cards" / "flatbed").glob("*.json")):
        labelled = json.loads(truth.read_text(encoding="utf-8"))["cards"]
        bgr = cv2.imread(str(truth.with_suffix(".jpg")))
        quads = imaging.find_card_quads(bgr)
        assert len(quads) == len(labelled), truth.name
        for quad, card in zip(quads, labelled, strict=True):  # reading order = label order
            x, y, w, h = card["box"]
            cx, cy = quad.reshape(4, 2).mean(axis=0)
            assert x < cx < x + w and y < cy < y + h, truth.name


def test_a_scan_of_several_cards_gives_each_its_own_identity():
    data = _jpeg(Image.fromarray(_bed([(100, 90), (1250, 80)], lid_open=True)))
    cards = imaging.clean(data, "bed.jpg", Settings())
    assert [c.source for c in cards] == ["bed.jpg#1", "bed.jpg#2"]
    assert [c.part for c in cards] == [1, 2]
    file_sha = imaging.sha256_bytes(data)
    assert [c.sha256 for c in cards] == [
        imaging.part_sha256(file_sha, 1),
        imaging.part_sha256(file_sha, 2),
    ]
    assert all(c.found_card and c.region is not None for c in cards)
    (one,) = imaging.clean(_jpeg(Image.fromarray(_card_like(1100, 660))), "one.jpg", Settings())
    assert one.source == "one.jpg" and one.part is None and one.region is None


def test_cards_are_found_inside_the_dark_edge_of_a_scanner_bed():
    bed = _bed([(100, 90), (1250, 80)], lid_open=False)
    cv2.rectangle(bed, (0, 0), (bed.shape[1] - 1, bed.shape[0] - 1), (60, 60, 60), 6)
    assert len(imaging.find_card_quads(bed)) == 2


def _desk_photo(
    desk: tuple[int, int, int],
    band: tuple[int, int, int] | None,
    shadow: float,
    pen_on_top: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """A phone photo of a card (with a band printed along its top edge, if ``band``) lying in
    perspective on a grained desk: a soft drop shadow, a pen lying across the card's edge,
    light falling off to one side and a vignette, blur, noise and JPEG. Returns the photo and
    the card's true corners."""
    h, w = 1200, 1600
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    grain = np.sin((yy + 25 * np.sin(xx / 170)) * 2 * np.pi / 23)
    photo = np.float32(desk) * (1 + 0.08 * grain)[..., None]
    card = _card_like()
    if band is not None:
        cv2.rectangle(card, (0, 0), (card.shape[1], 90), band, -1)
    corners = np.float32([[330, 260], [1250, 200], [1300, 830], [290, 900]])
    ch, cw = card.shape[:2]
    M = cv2.getPerspectiveTransform(np.float32([[0, 0], [cw, 0], [cw, ch], [0, ch]]), corners)
    mask = cv2.warpPerspective(np.ones((ch, cw), np.float32), M, (w, h))[..., None]
    cast = cv2.warpAffine(mask, np.float32([[1, 0, 14], [0, 1, 18]]), (w, h))
    photo *= 1 - shadow * cv2.GaussianBlur(cast, (0, 0), 14)[..., None]
    photo = photo * (1 - mask) + cv2.warpPerspective(card.astype(np.float32), M, (w, h)) * mask
    pen = np.zeros((h, w), np.float32)
    cv2.line(pen, (150, 1100), (700, 700), 1.0, 22, cv2.LINE_AA)
    pen = pen[..., None] * (1.0 if pen_on_top else 1 - mask)
    photo = photo * (1 - pen) + np.float32([40, 40, 160]) * pen
    light = 1 + 0.12 * (xx - w / 2) / w - 0.3 * ((xx - w / 2) ** 2 + (yy - h / 2) ** 2) / w**2
    photo = cv2.GaussianBlur(photo * light[..., None], (0, 0), 0.8)
    photo += np.random.default_rng(3).normal(0, 2.5, photo.shape)
    data = _jpeg(Image.fromarray(np.clip(photo, 0, 255).astype(np.uint8)), quality=85)
    return cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR), corners


@pytest.mark.parametrize(
    ("desk", "band", "shadow", "pen_on_top"),
    [
        # a grey band on a wooden desk of its lightness: only its colour tells them apart
        ((60, 110, 160), (118, 118, 118), 0.45, True),
        # a blue band, the pen under the card
        ((60, 110, 160), (150, 60, 20), 0.45, False),
        # a white card on a white desk, its deep drop shadow much stronger than its edge
        ((225, 228, 230), None, 0.7, True),
    ],
)
def test_the_card_outline_is_traced_along_its_edges_in_a_photo(desk, band, shadow, pen_on_top):
    photo, corners = _desk_photo(desk, band, shadow, pen_on_top)
    (quad,) = imaging.find_card_quads(photo)
    assert np.abs(imaging._order_corners(quad) - corners).max() < 4


def test_only_a_sharp_step_across_a_side_is_a_card_edge():
    def support(profile: list[int]) -> float:
        """The support of a segment along row 40 of an image whose rows have ``profile``'s
        grey levels, the inside (the card) below it."""
        column = np.uint8(profile)[:, None, None]
        gx, gy = imaging._colour_gradient(np.repeat(np.repeat(column, 200, axis=1), 3, axis=2))
        return float(imaging._edge_support(gx, gy, np.float32([20, 40]), np.float32([180, 40])))

    desk, card = [90] * 40, [235] * 40
    assert support(desk + card) == 1.0
    assert support(desk[:37] + [60] * 3 + card) == 1.0  # lined by its thin shadow
    ramp = list(np.linspace(90, 235, 40).astype(int))
    assert support(desk[:20] + ramp + card[:20]) == 0.0  # a soft shadow's edge
    assert support(card + [40, 40, 40, 235, 235, 235] * 7) == 0.0  # along a block of text


@pytest.mark.parametrize("band", [(120, 60, 40), (200, 200, 170)])
def test_a_band_printed_along_the_cards_edge_is_part_of_the_card(band):
    card = _card_like(1100, 660)
    cv2.rectangle(card, (960, 0), (1100, 660), band, -1)
    bed = np.full((1000, 1500, 3), 236, np.uint8)
    bed[170:830, 200:1300] = card
    # the thin shadow line a scanner draws under the card's bottom and right edges
    cv2.rectangle(bed, (200, 830), (1302, 832), (200, 200, 200), -1)
    cv2.rectangle(bed, (1300, 170), (1302, 832), (200, 200, 200), -1)
    (quad,) = imaging.find_card_quads(bed)
    corners = np.float32([[200, 170], [1300, 170], [1300, 830], [200, 830]])
    assert np.abs(imaging._order_corners(quad) - corners).max() < 4


@pytest.mark.parametrize("panel", [(140, 50, 90), (40, 120, 110), (150, 80, 20)])
def test_a_coloured_panel_on_a_small_render_is_not_taken_for_the_card(panel):
    """A card with a tall coloured panel down its left side (the logo on it), sent as a
    400 x 244 picture with a thin light margin: the panel's edges are the sharpest in the
    image, the card's own against the margin barely show. Cropping to the panel would throw
    the text away; the card's text has to stay in."""
    card = np.full((222, 372, 3), 246, np.uint8)  # paper a shade off the white margin
    for y, text in zip(
        (50, 70, 100, 160, 175, 190, 205),
        (
            "Senior Consultant",
            "Technology Center",
            "Kei TSUJI",
            "Astelle Kaikan 6F",
            "TEL +81 87 228 6304",
            "Cell +81 90 8271 9400",
            "k-tsuji@hokuto.co.jp",
        ),
        strict=True,
    ):
        scale = 0.7 if y == 100 else 0.4
        cv2.putText(card, text, (120, y), cv2.FONT_HERSHEY_SIMPLEX, scale, (60, 60, 60), 1)
    cv2.rectangle(card, (0, 0), (100, 221), panel, -1)
    cv2.circle(card, (50, 70), 18, (250, 250, 250), -1)
    img = np.full((244, 400, 3), 252, np.uint8)
    img[11:233, 14:386] = card
    img = cv2.GaussianBlur(img, (0, 0), 0.7)
    data = _jpeg(Image.fromarray(img[..., ::-1].copy()), quality=80)
    bgr = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    quads = imaging.find_card_quads(bgr)
    for quad in quads:  # the whole frame (no quad), or a quad around the card's text
        x, y, w, h = cv2.boundingRect(quad.astype(np.float32))
        assert x < 20 and x + w > 380, (x, w)
    # and the cleaned card keeps the text
    (cleaned,) = imaging.clean(data, "small.jpg", Settings())
    assert cleaned.image.shape[1] / cleaned.image.shape[0] > 1.4
