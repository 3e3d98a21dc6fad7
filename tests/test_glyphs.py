"""The glyph mends PP-OCR's Japanese needs: one test per row of the table, from its example,
and the cases each rule must leave alone."""

from __future__ import annotations

import pytest

from meishi.models import Box, OcrLine, OcrWord
from meishi.ocr.glyphs import RULES, is_japanese_char, japanese_form, mend_line, mend_text


@pytest.mark.parametrize("rule", RULES, ids=[r.name for r in RULES])
def test_each_rule_mends_its_example(rule):
    assert rule.mend(rule.example) == rule.expected
    assert rule.mend(rule.expected) == rule.expected  # a mend is idempotent


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("第二センタービル", "二 of 第二 is the numeral"),
        ("協力ソフト株式会社", "力 of 協力 belongs to the word"),
        ("八王子市", "a place name"),
        ("八ヶ岳", "ヶ is no katakana word"),
        ("入口", "a word"),
        ("一丁目", "一 after no katakana"),
        ("03-1234-5678", "a phone number's dashes"),
        ("山田 太郎", "nothing to mend"),
        ("颯太 凛 翔", "rare but Japanese: never converted"),
    ],
)
def test_what_the_rules_leave_alone(text, why):
    assert mend_text(text) == text, why


@pytest.mark.parametrize(
    ("ch", "japanese"),
    [("岛", "島"), ("话", "話"), ("带", "帯"), ("颯", "颯"), ("髙", "髙"), ("A", "A")],
)
def test_japanese_form(ch, japanese):
    assert japanese_form(ch) == japanese
    assert is_japanese_char(japanese)


def test_a_line_keeps_its_word_boxes_when_mended():
    b1, b2 = Box(x=0, y=0, w=40, h=20), Box(x=60, y=0, w=80, h=20)
    line = OcrLine(
        text="センタ一 福岛",
        conf=90,
        box=Box.union([b1, b2]),
        words=[OcrWord(text="センタ一", conf=90, box=b1), OcrWord(text="福岛", conf=90, box=b2)],
    )
    got = mend_line(line)
    assert got.text == "センター 福島"
    assert [(w.text, w.box) for w in got.words] == [("センター", b1), ("福島", b2)]
