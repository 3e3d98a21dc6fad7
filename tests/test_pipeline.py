"""Bad input through the whole automatic part: a clear error, never a made-up card."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from conftest import DEMO, truth
from meishi.errors import ImageTooLargeError, NoTextFoundError, UnreadableImageError
from meishi.pipeline import iter_images, read_cards
from meishi.settings import Settings


@pytest.mark.e2e
def test_a_blank_photo_is_not_a_card(tmp_path):
    rng = np.random.default_rng(3)
    desk = (np.full((900, 1200, 3), 120) + rng.normal(0, 6, (900, 1200, 3))).clip(0, 255)
    path = tmp_path / "desk.jpg"
    Image.fromarray(desk.astype(np.uint8)).save(path)
    with pytest.raises(NoTextFoundError, match="no text found"):
        read_cards(path)


def test_a_huge_file_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "huge.jpg"
    with path.open("wb") as fh:
        fh.truncate(2_000_000)  # sparse: costs no disk
    with pytest.raises(ImageTooLargeError, match="above the limit"):
        read_cards(path, settings=Settings(max_file_bytes=1_000_000))


def test_a_folder_or_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(UnreadableImageError, match="is a folder"):
        read_cards(tmp_path)
    with pytest.raises(UnreadableImageError, match="cannot be read"):
        read_cards(tmp_path / "gone.jpg")


def test_iter_images_walks_folders_once(tmp_path):
    (tmp_path / "a").mkdir()
    for name in ("a/1.jpg", "a/2.PNG", "a/notes.txt", "3.webp"):
        (tmp_path / name).write_bytes(b"x")
    found = iter_images([tmp_path, tmp_path / "a" / "1.jpg"])
    assert [p.relative_to(tmp_path).as_posix() for p in found] == ["3.webp", "a/1.jpg", "a/2.PNG"]


def _on_a_dark_bed(*cards: np.ndarray) -> Image.Image:
    bed = np.full((1000, 1300 * len(cards), 3), 45, np.uint8)
    for i, card in enumerate(cards):
        h, w = card.shape[:2]
        bed[120 : 120 + h, 100 + 1300 * i : 100 + 1300 * i + w] = card
    return Image.fromarray(bed)


@pytest.mark.e2e
def test_a_blank_card_in_a_scan_of_several_is_left_out_and_the_others_read(tmp_path):
    card = np.asarray(Image.open(DEMO / "demo_006.jpg").convert("RGB"))
    card = card[40:-40, 40:-40]  # the card without the scanner's margin
    blank = np.full_like(card, 250)
    path = tmp_path / "bed.jpg"
    _on_a_dark_bed(blank, card).save(path, quality=92)
    (read,) = read_cards(path)
    assert read.source == f"{path}#2" and read.part == 2
    assert read.fields.values()["name"] == truth(DEMO / "demo_006.jpg")["name"]
    _on_a_dark_bed(blank, blank).save(path, quality=92)
    with pytest.raises(NoTextFoundError, match="any of the 2 cards"):
        read_cards(path)
