"""The character classes OCR and extraction share (meishi.charclass), and that the kanji
class is written nowhere else."""

from __future__ import annotations

import re

import pytest

from conftest import REPO
from meishi.charclass import (
    CJK,
    HIRAGANA,
    KANA,
    KANJI,
    KATAKANA,
    POSTAL_MARKS,
    POSTAL_MARKS_IN_COLUMNS,
)


@pytest.mark.parametrize(
    ("char", "classes"),
    [
        ("山", {"KANJI", "CJK"}),
        ("髙", {"KANJI", "CJK"}),  # a variant in the unified block
        ("﨑", {"KANJI", "CJK"}),  # U+FA11, a compatibility ideograph NFKC keeps
        ("㐂", {"KANJI", "CJK"}),  # extension A
        ("々", {"KANJI", "CJK"}),
        ("〆", {"KANJI", "CJK"}),
        ("あ", {"HIRAGANA", "KANA", "CJK"}),
        ("ゖ", {"HIRAGANA", "KANA", "CJK"}),
        ("ア", {"KATAKANA", "KANA", "CJK"}),
        ("ー", {"KATAKANA", "KANA", "CJK"}),
        ("・", {"KANA", "CJK"}),  # a separator, not a katakana letter
        ("〒", {"POSTAL_MARKS", "IN_COLUMNS"}),
        ("T", {"POSTAL_MARKS", "IN_COLUMNS"}),  # what OCR reads 〒 as
        ("干", {"KANJI", "CJK", "POSTAL_MARKS", "IN_COLUMNS"}),
        ("F", {"IN_COLUMNS"}),  # ... and, in a column, also as these
        ("=", {"IN_COLUMNS"}),
        ("平", {"KANJI", "CJK", "IN_COLUMNS"}),
        ("A", set()),
        ("1", set()),
        ("　", set()),
    ],
)
def test_character_classes(char, classes):
    table = {
        "KANJI": KANJI,
        "HIRAGANA": HIRAGANA,
        "KATAKANA": KATAKANA,
        "KANA": KANA,
        "CJK": CJK,
        "POSTAL_MARKS": POSTAL_MARKS,
        "IN_COLUMNS": POSTAL_MARKS_IN_COLUMNS,
    }
    assert {name for name, body in table.items() if re.fullmatch(f"[{body}]", char)} == classes


def test_the_kanji_class_is_written_once():
    written = re.compile(r"\\u4e00|\\u3400|\\u9fff|一-龥|\\uf900")
    where = sorted(
        str(p.relative_to(REPO))
        for root in ("src", "flows")
        for p in (REPO / root).rglob("*.py")
        if written.search(p.read_text(encoding="utf-8"))
    )
    assert where == ["src/meishi/charclass.py"]
