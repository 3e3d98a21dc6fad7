"""Pairing the two sides of one card read in the same ingest run: by file name, or by the
same person read on both sides."""

from __future__ import annotations

import pytest

from meishi import pairing


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("card12_front.jpg", ("card12", "front")),
        ("交流会/佐藤-back.PNG", ("交流会/佐藤", "back")),
        ("scan_表.png", ("scan", "front")),
        ("scan_裏.png", ("scan", "back")),
        ("frontier.jpg", None),
        ("card12.jpg", None),
    ],
)
def test_sides_from_file_names(name, expected):
    assert pairing.side_of(name) == expected


def test_front_and_back_are_one_card_by_mobile_or_roman_name_and_phone():
    front = {"name": "山田 太郎", "name_roman": "Taro Yamada", "tel": "03-5210-7788"}
    back = {"name_roman": "Taro YAMADA", "tel": "+81-3-5210-7788", "company": "Midori Seiki"}
    assert pairing.same_card(front, back)
    assert pairing.same_card({"mobile": "090-1234-5678"}, {"mobile": "+81 90 1234 5678"})
    # colleagues share the company number and web site, not their names
    assert not pairing.same_card({"name_roman": "Hanako Sato", "tel": "03-5210-7788"}, back)


FRONT = {"name": "山田 太郎", "name_roman": "Taro Yamada", "tel": "03-5210-7788"}
BACK = {"name_roman": "Taro YAMADA", "tel": "+81-3-5210-7788", "company": "Midori Seiki"}
SATO = {"name": "佐藤 花子", "tel": "03-5210-7788", "email": "info@midori-seiki.co.jp"}


@pytest.mark.parametrize(
    ("stored", "card", "expected"),
    [
        # (cards stored earlier in the run: file name, contact, fields), this card → contact
        ([("yamada_front.png", 1, FRONT)], ("yamada_back.png", BACK), 1),
        # the names pair two sides that share nothing readable
        ([("x/card7_表.jpg", 3, {"company": "ミドリ精機"})], ("x/card7_裏.jpg", {}), 3),
        # the same stem in another folder is another card
        ([("a/card7_front.jpg", 3, {"company": "ミドリ精機"})], ("b/card7_back.jpg", {}), None),
        # no side in the names: the same person read on both
        ([("IMG_1.jpg", 2, FRONT)], ("IMG_2.jpg", BACK), 2),
        ([("IMG_1.jpg", 2, FRONT), ("IMG_2.jpg", 5, SATO)], ("IMG_3.jpg", BACK), 2),
        # a colleague's card shares the company number only
        ([("IMG_1.jpg", 5, SATO)], ("IMG_3.jpg", BACK), None),
        # a card of a flatbed scan of several names no side (None): paired by what it says
        ([("scan_front.png", 4, FRONT)], (None, BACK), 4),
        ([("scan_front.png", 4, SATO)], (None, BACK), None),
    ],
)
def test_the_batch_finds_the_other_side(stored, card, expected):
    batch = pairing.Batch()
    for name, contact_id, values in stored:
        batch.add(pairing.side_of(name), contact_id, values)
    name, values = card
    named = pairing.side_of(name) if name else None
    assert batch.other_side(named, values) == expected


def test_the_first_contact_of_a_stem_keeps_it():
    batch = pairing.Batch()
    batch.add(("card7", "front"), 1, {})
    batch.add(("card7", "back"), 2, {})
    assert batch.other_side(("card7", "back"), {}) == 1
