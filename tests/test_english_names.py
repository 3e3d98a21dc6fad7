"""English-only and romaji-only cards: the printed name is the contact's name everywhere
(vCard N and FN, CSV first/last, tables, the review), with a guessed reading to check."""

from __future__ import annotations

import csv
import io

import pytest

from meishi import export
from meishi.models import CHECK_BELOW
from meishi.store import Store
from test_contact_book import card

# printed name, (family, given), guessed reading (None: not romaji, no guess)
CASES = [
    ("Taro Yamada", ("Yamada", "Taro"), "ヤマダ タロ"),
    ("YAMADA Taro", ("YAMADA", "Taro"), "ヤマダ タロ"),
    ("Kyouko HATTORI", ("HATTORI", "Kyouko"), "ハットリ キョウコ"),
    ("Yamada, Ippei", ("Yamada", "Ippei"), "ヤマダ イッペイ"),
    ("John Smith", ("Smith", "John"), None),
]


@pytest.mark.parametrize(("printed", "parts", "kana"), CASES)
def test_an_english_only_card_is_known_by_its_printed_name(settings, printed, parts, kana):
    store = Store(settings.db_url, settings.images_dir)
    cid = store.add_card(
        card("e", name_roman=printed, company="HOKUTO INDUSTRY LTD.", email="t@hokuto.example.com"),
        source_name="e.jpg",
    ).contact_id
    c = store.get(cid)
    assert c is not None and c.fields["name"] == printed
    assert c.fields["name_kana"] == kana
    if kana:  # a guess: the review marks it to check
        assert (c.confidence["name_kana"] or 0) < CHECK_BELOW
    lines = export.to_vcard([c]).replace("\\,", ",").splitlines()
    assert f"FN:{printed}" in lines
    assert f"N:{parts[0]};{parts[1]};;;" in lines
    assert "X-ABSHOWAS:COMPANY" not in lines  # a person's card, not a company's
    row = next(csv.DictReader(io.StringIO(export.to_csv([c], "google"))))
    assert (row["Last Name"], row["First Name"]) == parts
    store.close()


def test_the_japanese_side_later_takes_the_name_and_its_printed_reading(settings):
    store = Store(settings.db_url, settings.images_dir)
    cid = store.add_card(
        card("e", name_roman="Taro Yamada", email="t.yamada@midori.jp"), source_name="e.jpg"
    ).contact_id
    store.add_card(
        card(
            "j",
            "2026-01-01",
            name="山田 太郎",
            name_kana="ヤマダ タロウ",
            name_roman="Taro Yamada",
            email="t.yamada@midori.jp",
        ),
        source_name="j.jpg",
    )
    c = store.get(cid)
    assert c is not None
    assert (c.fields["name"], c.fields["name_kana"]) == ("山田 太郎", "ヤマダ タロウ")
    store.close()
