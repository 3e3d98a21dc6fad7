"""PP-OCR (rapidocr on onnxruntime): line assembly on recorded shapes, then the real engine
on committed sample cards: upright, photographed, turned and tategaki."""

from __future__ import annotations

import re

import cv2
import numpy as np
import pytest

from conftest import DEMO, truth
from meishi.evaluate import normalise
from meishi.models import Box
from meishi.ocr.ppocr import (
    _Fragment,
    _glyph_words,
    bars_in_column_gaps,
    bars_read_as_one,
    drop_blank_bars,
    drop_read_twice,
    extend_columns,
    join_fragments,
)


def _glyphs(
    text: str, x: int, y: int, size: int, step: int | None = None, vertical: bool = False
) -> list:
    step = step or size
    out = []
    for i, ch in enumerate(text):
        box = (
            Box(x=x, y=y + i * step, w=size, h=size)
            if vertical
            else Box(x=x + i * step, y=y, w=size, h=size)
        )
        out.append((ch, 0.99, box))
    return out


def _frag(text: str, x: int, y: int, size: int, vertical: bool = False) -> _Fragment:
    glyphs = _glyphs(text, x, y, size, vertical=vertical)
    return _Fragment(text, 0.99, Box.union([g[2] for g in glyphs]), vertical, glyphs)


def _frag_of(glyphs: list, vertical: bool = False, box: Box | None = None) -> _Fragment:
    """A detected box (the glyphs' bounds unless given: the detector's box runs wider)."""
    text = "".join(g[0] for g in glyphs)
    return _Fragment(text, 0.99, box or Box.union([g[2] for g in glyphs]), vertical, glyphs)


@pytest.mark.parametrize(
    ("frags", "expected"),
    [
        # the detector cut the name at the gap between family and given name
        ([_frag("石井", 80, 250, 90), _frag("陽介", 300, 252, 88)], ["石井 陽介"]),
        # ... with boxes that overlap: the glyph read twice is kept once
        ([_frag("藤原", 60, 370, 90), _frag("原慎太郎", 150, 372, 90)], ["藤原 慎太郎"]),
        # tategaki: one column cut in two
        (
            [
                _frag("坂本", 360, 170, 95, vertical=True),
                _frag("健一", 362, 420, 93, vertical=True),
            ],
            ["坂本 健一"],
        ),
        # tategaki: the digits of a phone number, upright, run narrower than its label
        (
            [
                _frag_of(_glyphs("電話", 240, 214, 44, vertical=True), vertical=True),
                _frag_of(_glyphs("801-2430", 246, 310, 32, vertical=True), vertical=True),
            ],
            ["電話 801-2430"],
        ),
        # ... but a column of kanji as narrow is another column's
        (
            [
                _frag_of(_glyphs("電話", 240, 214, 44, vertical=True), vertical=True),
                _frag_of(_glyphs("営業部", 246, 310, 30, vertical=True), vertical=True),
            ],
            ["電話", "営業部"],
        ),
        # not joined: another size (the kana reading under the name), another row, too far
        ([_frag("石井", 80, 250, 90), _frag("イシイ", 260, 260, 40)], ["石井", "イシイ"]),
        ([_frag("石井", 80, 250, 90), _frag("陽介", 300, 400, 90)], ["石井", "陽介"]),
        ([_frag("TEL", 80, 250, 40), _frag("090", 400, 250, 40)], ["TEL", "090"]),
    ],
)
def test_lines_cut_by_the_detector_are_joined(frags, expected):
    got = [f.text for f in join_fragments(frags)]
    assert sorted(got) == sorted(expected)


@pytest.mark.parametrize(
    ("frags", "expected"),
    [
        # recorded (eval_139): 原田 | 日颯太, the second box starting on 田's right half
        (
            [
                _frag_of(_glyphs("原田", 91, 265, 81), box=Box(x=75, y=265, w=199, h=97)),
                _frag_of(
                    [("日", 0.99, Box(x=219, y=259, w=70, h=106))] + _glyphs("颯太", 342, 259, 89)
                ),
            ],
            ["原田", "颯太"],
        ),
        # a box of that one glyph goes whole (eval_120: 上田 | 日 | 真由美)
        (
            [
                _frag_of(_glyphs("上田", 683, 275, 83), box=Box(x=667, y=275, w=202, h=99)),
                _frag_of([("日", 0.99, Box(x=824, y=283, w=82, h=81))]),
                _frag_of(_glyphs("真由美", 934, 268, 90)),
            ],
            ["上田", "真由美"],
        ),
        # tategaki: the same down a column
        (
            [
                _frag_of(
                    _glyphs("坂本", 360, 170, 95, vertical=True),
                    vertical=True,
                    box=Box(x=355, y=160, w=105, h=215),
                ),
                _frag_of(
                    [("日", 0.99, Box(x=360, y=330, w=95, h=70))]
                    + _glyphs("健一", 360, 420, 95, vertical=True),
                    vertical=True,
                ),
            ],
            ["坂本", "健一"],
        ),
        # kept: boxes that only touch, a box on the next row, a Latin word
        (
            [_frag_of(_glyphs("石井", 80, 250, 90)), _frag_of(_glyphs("陽介", 255, 250, 90))],
            ["石井", "陽介"],
        ),
        (
            [_frag_of(_glyphs("石井", 80, 250, 90)), _frag_of(_glyphs("イシイ", 100, 345, 40))],
            ["石井", "イシイ"],
        ),
        (
            [
                _frag_of(_glyphs("TEL", 80, 250, 40)),
                _frag_of([("Fax", 0.99, Box(x=150, y=250, w=60, h=40))]),
            ],
            ["TEL", "Fax"],
        ),
    ],
)
def test_a_glyph_read_twice_where_boxes_overlap_is_dropped(frags, expected):
    assert [f.text for f in drop_read_twice(frags)] == expected


@pytest.mark.parametrize(
    ("text", "inked", "expected"),
    [
        # a gap read as ー: between katakana, and after a long-vowel mark (センター | シニア)
        ("モリーシン", "11011", "モリシン"),
        ("ターーシニ", "11011", "ターシニ"),
        # a bar with ink is a bar
        ("ターーシニ", "11111", "ターーシニ"),
        ("モリーシン", "11111", "モリーシン"),
    ],
)
def test_a_bar_read_in_a_blank_gap_is_dropped(text, inked, expected):
    img = np.full((60, 40 * len(text) + 20), 255, np.uint8)
    glyphs = []
    for k, (ch, ink) in enumerate(zip(text, inked, strict=True)):
        box = Box(x=10 + 40 * k, y=10, w=40, h=40)
        if ink == "1":
            cv2.rectangle(img, (box.x + 8, box.y + 18), (box.x + 32, box.y + 22), 0, -1)
            cv2.rectangle(img, (box.x + 18, box.y + 8), (box.x + 22, box.y + 32), 0, -1)
        glyphs.append((ch, 0.99, box))
    frag = _Fragment(text, 0.99, Box.union([g[2] for g in glyphs]), False, glyphs)
    assert [f.text for f in drop_blank_bars(img, [frag])] == [expected]


@pytest.mark.parametrize(
    ("gap", "expected"),
    [
        # センタ | ビル with a long thin stroke in the gap: the ー PP-OCR read as nothing
        ("stroke", "センタービル"),
        # an empty gap, or a wide mark in it, is not a long-vowel mark
        ("empty", "センタビル"),
        ("cross", "センタビル"),
    ],
)
def test_a_stroke_in_a_column_gap_after_katakana_is_the_long_vowel_mark(gap, expected):
    img = np.full((300, 60), 255, np.uint8)
    glyphs, y = [], 10
    for ch in "センタ_ビル":
        if ch == "_":
            if gap == "stroke":
                cv2.rectangle(img, (28, y + 6), (30, y + 34), 0, -1)
            elif gap == "cross":
                cv2.rectangle(img, (16, y + 18), (44, y + 21), 0, -1)
                cv2.rectangle(img, (28, y + 6), (31, y + 34), 0, -1)
        else:
            cv2.rectangle(img, (16, y + 18), (44, y + 21), 0, -1)
            cv2.rectangle(img, (28, y + 6), (31, y + 34), 0, -1)
            glyphs.append((ch, 0.99, Box(x=12, y=y, w=36, h=40)))
        y += 40
    frag = _Fragment("センタビル", 0.99, Box.union([g[2] for g in glyphs]), True, glyphs)
    assert [f.text for f in bars_in_column_gaps(img, [frag])] == [expected]


def _column(marks: str) -> tuple[np.ndarray, list]:
    """A white column with one mark per 40 px cell, drawn in ink: 'o' a ring (a digit),
    '|' a plain dash down the column, '1' a digit one (a stem with a flag), '?' a stem
    blurred wide (neither clearly); and its glyph entry as PP-OCR gives digits: one word."""
    img = np.full((40 * len(marks) + 20, 60), 255, np.uint8)
    for k, m in enumerate(marks):
        top = 10 + 40 * k
        if m == "o":
            cv2.ellipse(img, (30, top + 16), (9, 14), 0, 0, 360, 0, 3)
        elif m == "|":
            cv2.rectangle(img, (28, top + 2), (31, top + 30), 0, -1)
        elif m == "1":
            cv2.rectangle(img, (28, top + 2), (31, top + 30), 0, -1)
            cv2.line(img, (28, top + 3), (20, top + 11), 0, 3)
        elif m == "?":
            cv2.rectangle(img, (28, top + 2), (31, top + 30), 0, -1)
            cv2.rectangle(img, (24, top + 2), (27, top + 15), 0, -1)
    text = "".join("0" if m == "o" else "1" for m in marks)
    box = Box(x=15, y=8, w=30, h=40 * len(marks))
    return img, [(text, 0.99, box)]


@pytest.mark.parametrize(
    ("marks", "expected"),
    [
        # 086|801|2430 read as 0861801…: the plain strokes are dashes, the flagged 1 a digit
        ("oo|oo1|oo", "00-001-00"),
        # a 1 whose ink says neither: the whole number is left to the grammar, as read
        ("oo|o?o", "001010"),
        ("oo1oo", "00100"),
    ],
)
def test_a_dash_drawn_down_a_column_is_not_the_digit_one(marks, expected):
    img, glyphs = _column(marks)
    frag = _Fragment(glyphs[0][0], 0.99, glyphs[0][2], True, glyphs)
    assert [f.text for f in bars_read_as_one(img, [frag])] == [expected]


_FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"


def _tategaki_column(marks: str, size: int = 36, gap: int = 6) -> np.ndarray:
    """A column of upright glyphs as a tategaki card prints a phone number: digits upright,
    each dash a plain stroke down the column ('|')."""
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("L", (size + 60, (size + gap) * len(marks) + 60), 255)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(_FONT, size, index=0)
    for k, m in enumerate(marks):
        y = 30 + k * (size + gap)
        if m == "|":
            draw.rectangle((29 + size // 2, y + 4, 31 + size // 2, y + size - 4), fill=0)
        else:
            draw.text((30 + (size - draw.textlength(m, font=font)) / 2, y), m, font=font, fill=0)
    return cv2.cvtColor(np.array(img), cv2.COLOR_GRAY2BGR)


def _cut_short(marks: str, n: int, size: int = 36, gap: int = 6) -> _Fragment:
    """The detector's box over the first ``n`` glyphs of such a column, and no further."""
    return _frag_of(_glyphs(marks[:n], 30, 30, size, step=size + gap, vertical=True), True)


@pytest.mark.e2e
def test_a_column_the_detector_cut_short_is_read_on_to_where_its_ink_ends():
    img = _tategaki_column("電話03|8612|3866")
    (frag,) = extend_columns(
        img, cv2.cvtColor(img, cv2.COLOR_BGR2GRAY), [_cut_short("電話03|8612|3866", 4)]
    )
    assert frag.text.startswith("電話03")
    # the dashes as the recogniser reads a stroke down a column (1), for the bar rules after
    assert re.sub(r"[\-ー一]", "1", frag.text[4:]) == "1861213866"
    assert frag.box.bottom >= 30 + 13 * 42 + 30  # into the last glyph's cell
    # the glyphs spell the text, and the ones read first keep their boxes
    assert "".join(g[0] for g in frag.glyphs) == frag.text
    assert [g[2] for g in frag.glyphs[:4]] == [g[2] for g in _cut_short("電話03", 4).glyphs]


@pytest.mark.e2e
def test_a_tategaki_postal_code_cut_short_by_the_detector_is_read_whole(reader):
    from meishi import imaging
    from meishi.extract import extract_fields
    from meishi.settings import Settings

    path = DEMO.parent / "eval" / "eval_216.jpg"
    card = imaging.clean(path.read_bytes(), path.name, Settings())[0]
    assert extract_fields(reader.read_card(card)).values()["postal_code"] == "141-6147"


def test_a_column_stops_at_the_next_box_down_it(monkeypatch):
    import meishi.ocr.ppocr as ppocr

    calls = []
    monkeypatch.setattr(ppocr, "_call", lambda *a, **k: calls.append(a) or None)
    img = _tategaki_column("電話03|8612|3866")
    first, rest = (
        _cut_short("電話03|8612|3866", 4),
        _frag_of(_glyphs("|8612|3866", 30, 30 + 4 * 42, 36, step=42, vertical=True), True),
    )
    # the rest has a box of its own: nothing to read again (the lines are joined later)
    assert (
        extend_columns(img, cv2.cvtColor(img, cv2.COLOR_BGR2GRAY), [first, rest]) == [first, rest]
        and not calls
    )


def test_a_column_whose_ink_ends_with_its_box_is_left_as_read(monkeypatch):
    import meishi.ocr.ppocr as ppocr

    calls = []
    monkeypatch.setattr(ppocr, "_call", lambda *a, **k: calls.append(a) or None)
    img = _tategaki_column("電話03")
    frag = _cut_short("電話03", 4)
    assert (
        extend_columns(img, cv2.cvtColor(img, cv2.COLOR_BGR2GRAY), [frag]) == [frag] and not calls
    )


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("name", "address"),
    [
        ("eval_285.png", "岡山県岡山市北区駅前町2-13-9"),
        ("eval_267.jpg", "北海道札幌市中央区大通西2-27"),
    ],
)
def test_a_tategaki_block_number_keeps_its_dashes(reader, name, address):
    from meishi import imaging
    from meishi.extract import extract_fields
    from meishi.settings import Settings

    path = DEMO.parent / "eval" / name
    card = imaging.clean(path.read_bytes(), name, Settings())[0]
    assert extract_fields(reader.read_card(card)).values()["address"] == address


@pytest.mark.parametrize(
    ("glyphs", "words"),
    [
        # cells that abut: one word; a gap of most of a glyph: two
        (_glyphs("高橋", 0, 0, 80) + _glyphs("直美", 220, 0, 80), ["高橋", "直美"]),
        (_glyphs("湘南デザイン", 0, 0, 50, step=55), ["湘南デザイン"]),
        # a narrow ー cell inside a word starts no word: its centre is where a glyph's would be
        (
            [
                ("チ", 0.99, Box(x=0, y=0, w=50, h=50)),
                ("ー", 0.99, Box(x=60, y=0, w=30, h=50)),
                ("フ", 0.99, Box(x=100, y=0, w=50, h=50)),
            ],
            ["チーフ"],
        ),
        # Latin words come whole: each is a word
        (
            [
                ("TEL", 0.99, Box(x=0, y=0, w=60, h=30)),
                ("03-1234-5678", 0.99, Box(x=70, y=0, w=200, h=30)),
            ],
            ["TEL", "03-1234-5678"],
        ),
    ],
)
def test_words_start_at_wide_gaps(glyphs, words):
    frag = _Fragment(
        "".join(g[0] for g in glyphs), 0.99, Box.union([g[2] for g in glyphs]), False, glyphs
    )
    assert [w.text for w in _glyph_words(frag)] == words


# --------------------------------------------------------------------- the real engine
CORE = ("name", "company", "tel", "email")


@pytest.fixture(scope="module")
def reader():
    from meishi.ocr import PpOcrReader

    r = PpOcrReader()
    r.check()
    return r


def _card(name: str):
    from meishi import imaging
    from meishi.settings import Settings

    path = DEMO / name
    return imaging.clean(path.read_bytes(), name, Settings())[0]


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("name", "orientation", "turn"),
    [
        ("demo_006.jpg", "horizontal", 0),  # a flat scan
        ("demo_005.jpg", "horizontal", 0),  # a phone photo
        ("demo_004.png", "horizontal", 180),  # a scan upside down
        ("demo_003.png", "vertical", 0),  # tategaki
    ],
)
def test_real_cards_read_upright(reader, name, orientation, turn):
    from meishi.extract import extract_fields

    ocr = reader.read_card(_card(name))
    assert (ocr.orientation, ocr.rotation, ocr.engine) == (orientation, turn, "ppocr")
    fields = extract_fields(ocr).values()
    want = truth(DEMO / name)
    for key in CORE:
        assert normalise(key, fields[key]) == normalise(key, want[key]), (name, key)


@pytest.mark.e2e
@pytest.mark.parametrize("turned", [90, 270])
def test_a_card_turned_a_quarter_is_read_upright(reader, turned):
    """The scan turned by the test itself: the engine must find the turn back."""
    from meishi.extract import extract_fields

    card = _card("demo_007.jpg")
    code = cv2.ROTATE_90_CLOCKWISE if turned == 90 else cv2.ROTATE_90_COUNTERCLOCKWISE
    card = card.model_copy(
        update={"color": cv2.rotate(card.color, code), "image": cv2.rotate(card.image, code)}
    )
    ocr = reader.read_card(card)
    assert ocr.orientation == "horizontal"
    assert (turned + ocr.rotation) % 360 == 0
    fields = extract_fields(ocr).values()
    want = truth(DEMO / "demo_007.jpg")
    assert normalise("name", fields["name"]) == normalise("name", want["name"])


def _tategaki_card_with_latin_columns() -> np.ndarray:
    """Two Japanese columns, then three longer Latin lines set sideways down the card (mail,
    web, phone), as tategaki cards print them."""
    from PIL import Image, ImageDraw, ImageFont

    card = Image.new("L", (700, 1100), 255)
    draw = ImageDraw.Draw(card)
    font = ImageFont.truetype(_FONT, 40, index=0)
    x = 590
    for column in ["株式会社青葉産業", "東京都千代田区九段北"]:
        for k, ch in enumerate(column):
            draw.text((x, 80 + k * 46), ch, font=font, fill=0)
        x -= 80
    small = ImageFont.truetype(_FONT, 34, index=0)
    for line in [
        "E-mail y.murakami@aobasangyo.co.jp",
        "https://www.aobasangyo.co.jp/",
        "TEL 03-4696-3635 FAX 03-4696-3636",
    ]:
        strip = Image.new("L", (int(draw.textlength(line, font=small)) + 20, 50), 255)
        ImageDraw.Draw(strip).text((10, 2), line, font=small, fill=0)
        card.paste(strip.rotate(-90, expand=True), (x, 80))
        x -= 75
    return cv2.cvtColor(np.array(card), cv2.COLOR_GRAY2BGR)


@pytest.mark.e2e
def test_tategaki_with_its_latin_lines_sideways_is_not_taken_for_a_turned_card():
    from meishi.ocr.ppocr import _call, _fragments, column_turn

    img = _tategaki_card_with_latin_columns()
    frags = _fragments(_call(img, cls=False))
    longest = sorted((f for f in frags if f.vertical), key=lambda f: -f.box.h)
    # the Latin columns are the longest: they alone would vote for a card turned a quarter
    assert all(re.fullmatch(r"[\x20-\x7e]+", f.text) for f in longest[:3])
    assert column_turn(img, frags) == 0


@pytest.mark.e2e
def test_a_wrong_upside_down_vote_is_overruled_by_the_reading(reader, monkeypatch):
    """The angle classifier votes on line crops, which a tilted card spoils: a half turn is
    taken only if the card reads better turned than as it lay."""
    from meishi.extract import extract_fields
    from meishi.ocr import ppocr

    monkeypatch.setattr(ppocr, "_cls_votes", lambda img, lines: 1.0)  # "upside down"
    ocr = reader.read_card(_card("demo_006.jpg"))
    assert ocr.rotation == 0
    want = truth(DEMO / "demo_006.jpg")
    assert normalise("name", extract_fields(ocr).values()["name"]) == normalise(
        "name", want["name"]
    )


@pytest.mark.e2e
def test_a_blank_card_reads_no_text(reader):
    from meishi.models import CardImage

    blank = np.full((660, 1092, 3), 245, np.uint8)
    card = CardImage(
        source="blank", sha256="0" * 64, image=blank[:, :, 0], color=blank, found_card=True
    )
    assert reader.read_card(card).lines == []


# --------------------------------------------------------------------- replay and faults
@pytest.mark.e2e
def test_a_recorded_reading_replays_without_the_model(tmp_path, monkeypatch, reader):
    """MEISHI_OCR_CACHE records PP-OCR's raw answers; a second read replays them (the model
    is not even loaded) and gives the same lines."""
    from meishi.ocr import ppocr

    monkeypatch.setenv("MEISHI_OCR_CACHE", str(tmp_path))
    card = _card("demo_003.png")
    first = reader.read_card(card)
    assert list(tmp_path.glob("*.json"))

    def no_model():
        raise AssertionError("the model was asked, not the recording")

    monkeypatch.setattr(ppocr, "_rapid", no_model)
    again = reader.read_card(card)
    assert again.model_dump() == first.model_dump()


def test_an_engine_crash_is_an_ocr_error(monkeypatch):
    from meishi.errors import OcrError
    from meishi.ocr import ppocr

    def crashing(*a, **k):
        raise RuntimeError("onnxruntime: [ONNXRuntimeError] bad allocation")

    monkeypatch.delenv("MEISHI_OCR_CACHE", raising=False)
    monkeypatch.setattr(ppocr, "_rapid", lambda: crashing)
    with pytest.raises(OcrError, match="PP-OCR failed: onnxruntime"):
        ppocr.PpOcrEngine().read_lines(np.full((100, 200, 3), 255, np.uint8))


def test_missing_models_say_how_to_get_them(monkeypatch, tmp_path):
    from meishi.errors import MissingDependencyError
    from meishi.ocr import ppocr

    monkeypatch.setattr(
        ppocr, "MODELS", {"Det": "PP-OCRv6_det_small.onnx", "Rec": "no-such-model.onnx"}
    )
    with pytest.raises(MissingDependencyError, match="never downloads models"):
        ppocr.model_paths()


# --------------------------------------------------------------------- a second look at names
def _line(text: str, vertical: bool = False):
    from meishi.models import OcrLine

    box = Box(x=20, y=20, w=40, h=200) if vertical else Box(x=20, y=20, w=300, h=80)
    return OcrLine(text=text, conf=50.0, box=box, vertical=vertical)


def test_a_second_look_offers_what_the_recogniser_hesitated_between(monkeypatch):
    from meishi.ocr import ppocr

    weighed = [[("鬼", 1.0)], [("塚", 0.99)], [("栞", 0.58), ("乗", 0.37)]]
    monkeypatch.setattr(ppocr, "glyph_candidates", lambda crop: weighed)
    img = np.full((200, 400, 3), 255, np.uint8)
    # the first choices spell another text than the first reading: that text comes first
    assert ppocr.second_look(img, _line("鬼塚乗")) == ["鬼塚栞"]
    # ... and what was read stays out; only texts a name could be are offered
    weighed[2] = [("乗", 0.58), ("栞", 0.37), ("1", 0.05)]
    assert ppocr.second_look(img, _line("鬼塚乗")) == ["鬼塚栞"]


def test_a_company_line_gets_a_second_look_too(monkeypatch):
    from meishi.ocr import ppocr

    weighed = [[(c, 1.0)] for c in "株式会社朝"] + [
        [("瓜", 0.6), ("凪", 0.3)],
        [("電", 1.0)],
        [("機", 1.0)],
    ]
    monkeypatch.setattr(ppocr, "glyph_candidates", lambda crop: weighed)
    img = np.full((200, 900, 3), 255, np.uint8)
    assert ppocr.second_look(img, _line("株式会社朝瓜電機")) == ["株式会社朝凪電機"]


@pytest.mark.parametrize("text", ["TEL 03-5210-7788", "東京都千代田区丸の内1-1-1", "Sales"])
def test_no_second_look_at_lines_that_cannot_be_names(monkeypatch, text):
    from meishi.ocr import ppocr

    def asked(crop):
        raise AssertionError("the recogniser was asked")

    monkeypatch.setattr(ppocr, "glyph_candidates", asked)
    assert ppocr.second_look(np.full((200, 400, 3), 255, np.uint8), _line(text)) == []


@pytest.mark.e2e
def test_the_recognisers_first_choices_spell_what_it_reads(reader):
    """glyph_candidates steps through the recogniser's output as rapidocr's decoder does:
    on a clean line its first choices are the line's text."""
    from PIL import Image, ImageDraw, ImageFont

    from meishi.ocr import ppocr

    im = Image.new("RGB", (520, 110), "white")
    font = ImageFont.truetype("/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf", 72)
    ImageDraw.Draw(im).text((20, 15), "小笠原澪", font=font, fill="black")
    crop = cv2.cvtColor(np.asarray(im), cv2.COLOR_RGB2BGR)
    glyphs = ppocr.glyph_candidates(crop)
    assert "".join(g[0][0] for g in glyphs) == "小笠原澪"
    assert all(0.05 <= p <= 1.0 for g in glyphs for _, p in g)
