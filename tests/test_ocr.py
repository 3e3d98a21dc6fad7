"""OCR: line assembly, orientation on real Tesseract, and engine faults in the flow."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from meishi.errors import OcrError
from meishi.ocr.tesseract import (
    TesseractEngine,
    better_reading,
    lines_from_data,
    read_text,
    rotate,
    trim,
)


def _data(words):
    """A Tesseract word table: (text, conf, left, top, width, height, line_num)."""
    cols = {
        k: []
        for k in (
            "text",
            "conf",
            "left",
            "top",
            "width",
            "height",
            "block_num",
            "par_num",
            "line_num",
        )
    }
    for text, conf, x, y, w, h, line in words:
        for k, v in zip(
            ("text", "conf", "left", "top", "width", "height", "block_num", "par_num", "line_num"),
            (text, conf, x, y, w, h, 1, 1, line),
            strict=True,
        ):
            cols[k].append(v)
    return cols


def test_lines_drop_cjk_spaces_but_keep_the_name_gap_and_latin_spaces():
    lines = lines_from_data(
        _data(
            [
                # 山田  太郎 : narrow gaps inside, a wide gap between family and given name
                ("山", 95, 100, 10, 60, 60, 1),
                ("田", 95, 165, 10, 60, 60, 1),
                ("太", 93, 290, 10, 60, 60, 1),
                ("郎", 91, 355, 10, 60, 60, 1),
                # 株式会社 read as separate words with small gaps
                ("株式", 90, 100, 100, 60, 30, 2),
                ("会社", 90, 166, 100, 60, 30, 2),
                ("Taro", 88, 100, 150, 60, 24, 3),
                ("Yamada", 90, 172, 150, 90, 24, 3),
                ("", -1, 0, 0, 0, 0, 3),
            ]
        )
    )
    assert [x.text for x in lines] == ["山田 太郎", "株式会社", "Taro Yamada"]
    assert lines[0].conf == pytest.approx(93.5)
    assert lines[0].size == 60


def test_trim_keeps_an_unsure_given_name_but_drops_marks_and_odd_sized_scraps():
    lines = lines_from_data(
        _data(
            [
                # a logo read as a big unsure kanji, a card edge read as "|", then the name: Tesseract
                # is unsure of the large given name although it read it right
                ("回", 30, 20, 0, 150, 150, 1),
                ("|", 88, 180, 10, 8, 90, 1),
                ("吉田", 86, 205, 20, 185, 95, 1),
                ("美咲", 36, 466, 22, 188, 97, 1),
                ("⑩", 39, 700, 20, 60, 80, 1),
                # a Latin scrap at the end of a line
                ("株式会社", 93, 10, 200, 200, 50, 2),
                ("ミドリ", 92, 215, 200, 150, 50, 2),
                ("ll", 20, 380, 205, 20, 40, 2),
            ]
        )
    )
    assert [x.text for x in trim(lines)] == ["吉田 美咲", "株式会社ミドリ"]


def _line(text, conf):
    return lines_from_data(_data([(text, conf, 0, 0, 40 * len(text), 40, 1)]))[0]


def test_a_reread_wins_when_more_sure_without_losing_characters_or_longer_and_as_sure():
    assert better_reading(_line("原田翔太", 92), _line("原田翔太", 77))
    assert not better_reading(_line("原田", 87), _line("原田翔太", 77))  # lost the given name
    # ... but far surer and shorter wins: the old reading had made scraps of a big glyph
    assert better_reading(_line("木村恵", 91), _line("木村ノバハ", 39))
    assert better_reading(_line("原田翔太", 80), _line("原田", 85))
    # the same text and more wins even when Tesseract is unsure of what was added (亮: 0 %)
    assert better_reading(_line("中村亮", 62), _line("中村", 92))
    # other text, longer but much less sure, does not
    assert not better_reading(_line("原田翔犬蘭", 60), _line("原田翔太", 85))


def _render(text_lines, size=(1092, 660)):
    font = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
    img = Image.new("L", size, 255)
    d = ImageDraw.Draw(img)
    y = 50
    for text, px in text_lines:
        d.text((60, y), text, font=ImageFont.truetype(font, px, index=0), fill=0)
        y += int(px * 1.6)
    return np.asarray(img)


@pytest.fixture(scope="module")
def engine():
    return TesseractEngine()


@pytest.mark.e2e
@pytest.mark.parametrize("turned", [0, 90, 180, 270])
def test_orientation_is_found_for_turned_cards(engine, turned):
    card = _render(
        [
            ("株式会社ミドリ精機", 40),
            ("山田 太郎", 72),
            ("東京都千代田区丸の内2-4-1", 28),
            ("TEL 03-5210-7788", 28),
            ("t.yamada@midori-seiki.co.jp", 28),
        ]
    )
    # the photo shows the card turned clockwise by `turned`; reading must turn it back
    photo = rotate(card, turned)
    result = read_text(photo, engine)
    assert result.orientation == "horizontal"
    assert (result.rotation + turned) % 360 == 0
    assert "ミドリ精機" in result.text.replace(" ", "")


@pytest.mark.e2e
def test_vertical_card_is_read_with_jpn_vert(engine):
    font = ImageFont.truetype("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 64, index=0)
    img = Image.new("L", (660, 1092), 255)
    d = ImageDraw.Draw(img)
    for i, ch in enumerate("山田太郎"):
        d.text((400, 120 + i * 90), ch, font=font, fill=0)
    small = ImageFont.truetype(
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 40, index=0
    )
    for i, ch in enumerate("株式会社ミドリ精機"):
        d.text((560, 60 + i * 52), ch, font=small, fill=0)
    result = read_text(np.asarray(img), engine)
    assert result.orientation == "vertical" and result.rotation == 0
    assert "株式会社ミドリ精機" in result.text.replace(" ", "")
    assert any(x.vertical for x in result.lines)


def test_missing_language_data_is_a_clear_error():
    from meishi.errors import MissingDependencyError

    eng = TesseractEngine()
    with pytest.raises(MissingDependencyError, match="language data 'klingon' is missing"):
        eng.read(np.full((100, 100), 255, np.uint8), lang="klingon", psm=6)


def test_ocr_timeout_is_transient():
    eng = TesseractEngine(timeout_s=0.001)
    with pytest.raises(OcrError) as info:
        eng.read(_render([("株式会社ミドリ精機", 40)] * 8), lang="jpn", psm=3)
    assert info.value.transient


class _SizeDependentEngine:
    """Reads a name the way Tesseract does: right at most sizes, a different misread at
    one, and no confidence worth trusting."""

    def __init__(self, readings):
        self.readings = readings  # crop height → text

    def version(self):
        return "fake"

    def read(self, gray, *, lang, psm):
        from meishi.models import Box, OcrWord
        from meishi.ocr.tesseract import make_line

        text = self.readings.get(gray.shape[0], "")
        box = Box(x=0, y=0, w=gray.shape[1], h=gray.shape[0])
        return [make_line([OcrWord(text=text, conf=40.0, box=box)])] if text else []


def test_the_name_is_the_reading_that_recurs_across_sizes():
    from meishi.models import Box, OcrWord
    from meishi.ocr.tesseract import _vote_read, make_line

    crop = np.full((100, 400), 255, np.uint8)
    old = make_line([OcrWord(text="膝田正人", conf=90.0, box=Box(x=0, y=0, w=400, h=100))])
    # the crop is scaled so the glyphs are 40, 56 and 72 px high: heights 40, 56 and 72
    engine = _SizeDependentEngine({40: "藤田正人", 56: "藤田正人", 72: "藤由正人"})
    best, sure = _vote_read(crop, engine, 100, 0, 0, old)
    assert best.text == "藤田正人" and sure  # 2 sizes x 2 page modes agree; 膝田 once
    # the readings that lost stay with it (most votes first, then in the order read: the
    # page layout's first): the card's printed reading of the name may still choose one
    assert best.alternatives == ["膝田正人", "藤由正人"]


@pytest.mark.parametrize("glyphs, expected", [(3, "和田亮"), (2, "和田")])
def test_a_glyph_most_readings_drop_is_kept_when_the_ink_shows_it(glyphs, expected):
    from meishi.models import Box, OcrWord
    from meishi.ocr.tesseract import _glyph_count, _vote_read, make_line

    crop = np.full((100, 420), 255, np.uint8)
    for i in range(glyphs):  # square glyphs 80 px high, 10 px apart
        crop[10:90, 20 + 90 * i : 100 + 90 * i] = 0
    assert _glyph_count(crop, 100) == glyphs
    old = make_line([OcrWord(text="和田", conf=90.0, box=Box(x=20, y=10, w=260, h=80))])
    # the one-kanji given name is read at one size only; the others drop it
    engine = _SizeDependentEngine({40: "和田亮", 56: "和田", 72: "和田"})
    best, sure = _vote_read(crop, engine, 100, 0, 0, old)
    assert best.text == expected and sure


def _glyph_row(gaps: list[int], size: int = 30, height: int = 60) -> np.ndarray:
    """A crop of square 'glyphs' ``size`` px high with the given gaps between them."""
    width = 20 + size * (len(gaps) + 1) + sum(gaps) + 20
    crop = np.full((height, width), 255, np.uint8)
    x = 20
    for gap in [*gaps, 0]:
        crop[15 : 15 + size, x : x + size] = 0
        x += size + gap
    return crop


def test_spaced_out_glyphs_are_pushed_together_and_mapped_back():
    from meishi.ocr.tesseract import _squeezed

    # ナ カ ム ラ   リ ョ ウ: glyphs half their size apart, a wider gap between the names
    crop = _glyph_row([15, 15, 15, 40, 15, 15])
    squeezed, back = _squeezed(crop)
    assert squeezed.shape[1] < crop.shape[1] - 50
    ink = np.flatnonzero((squeezed < 128).any(axis=0))
    gaps = [b - a - 1 for a, b in zip(ink, ink[1:], strict=False) if b - a > 1]
    assert len(gaps) == 6 and sorted(gaps)[-1] > 3 * sorted(gaps)[0]  # the names' gap stays
    # each glyph's left edge maps back to where it is in the crop
    starts = [b for a, b in zip([-9, *ink], ink, strict=False) if b - a > 1]
    assert [back(int(x)) for x in starts] == [20, 65, 110, 155, 225, 270, 315]


@pytest.mark.parametrize("gaps", [[3, 3, 3, 3], [5, 30, 4]])
def test_glyphs_at_the_usual_distance_are_left_as_they_are(gaps):
    from meishi.ocr.tesseract import _squeezed

    assert _squeezed(_glyph_row(gaps)) is None


def test_a_word_box_is_fitted_to_its_own_ink_not_the_line_above():
    from meishi.models import Box, OcrWord
    from meishi.ocr.tesseract import _inked

    crop = np.full((200, 120), 255, np.uint8)
    crop[10:30, 10:110] = 0  # the bottom of the line above, in the crop's band
    crop[60:150, 20:100] = 0  # the glyph, taller than Tesseract's box for it
    (word,) = _inked([OcrWord(text="翼", conf=0.0, box=Box(x=15, y=20, w=90, h=180))], crop)
    assert (word.box.y, word.box.bottom) == (60, 150)
    (word,) = _inked([OcrWord(text="翼", conf=0.0, box=Box(x=15, y=70, w=90, h=40))], crop)
    assert (word.box.y, word.box.bottom) == (60, 150)


class _OneColumnEngine:
    """Reads any crop as one column of text."""

    def __init__(self, text, conf=75.0):
        self.text = text
        self.conf = conf
        self.calls = 0

    def version(self):
        return "fake"

    def read(self, gray, *, lang, psm):
        from meishi.models import Box, OcrWord
        from meishi.ocr.tesseract import make_line

        self.calls += 1
        h, w = gray.shape
        return [
            make_line(
                [
                    OcrWord(
                        text=self.text, conf=self.conf, box=Box(x=w // 4, y=10, w=w // 2, h=h - 20)
                    )
                ]
            )
        ]


def test_pieces_of_one_column_are_read_again_as_one_but_a_reading_beside_a_name_is_not_joined():
    from meishi.models import Box, OcrWord
    from meishi.ocr.tesseract import make_line, reread_columns

    def col(text, x, y, w, h, conf=80.0):
        line = make_line([OcrWord(text=text, conf=conf, box=Box(x=x, y=y, w=w, h=h))])
        line.vertical = True
        return line

    gray = np.full((1280, 780), 255, np.uint8)
    pieces = [col("⑨株式会社", 630, 65, 84, 313, 60.0), col("会 カザネ酒", 657, 294, 52, 315, 60.0)]
    name = [
        col("上田浩二", 350, 185, 110, 400, conf=90.0),
        col("ウエダコウジ", 474, 228, 33, 222, conf=90.0),
    ]
    engine = _OneColumnEngine("株式会社カザネ酒造")
    out = reread_columns(gray, pieces + name, engine)
    texts = sorted(o.text for o in out)
    assert "株式会社カザネ酒造" in texts and "⑨株式会社" not in texts
    # the name and its narrower reading beside it are two columns, each read on its own
    # (and kept: the re-read is not surer than they were)
    assert engine.calls == 3
    assert "上田浩二" in texts and "ウエダコウジ" in texts


@pytest.mark.parametrize(("text", "kept"), [("T330~-0628", True), ("東京都港区", False)])
def test_an_unsure_column_the_layout_missed_is_kept_only_when_it_is_a_postal_code(text, kept):
    from meishi.models import Box, OcrWord
    from meishi.ocr.tesseract import make_line, reread_columns

    gray = np.full((1000, 600), 255, np.uint8)
    gray[100:600, 200:240] = 0  # a column of ink no block of the layout holds
    body = make_line(
        [OcrWord(text="株式会社ミドリ精機", conf=90.0, box=Box(x=400, y=80, w=50, h=600))]
    )
    body.vertical = True
    out = reread_columns(gray, [body], _OneColumnEngine(text, conf=32.0))
    assert (text in [o.text for o in out]) is kept


class _FakeEngine:
    """An OCR engine that answers each read with :meth:`answer`, and notes (lang, psm)."""

    def __init__(self):
        self.calls = []

    def version(self):
        return "fake"

    def read(self, gray, *, lang, psm):
        self.calls.append((lang, psm))
        return self.answer(gray, lang, psm)

    @staticmethod
    def line(text, conf, x, y, w, h):
        from meishi.models import Box, OcrWord
        from meishi.ocr.tesseract import make_line

        return make_line([OcrWord(text=text, conf=conf, box=Box(x=x, y=y, w=w, h=h))])


class _DigitsEngine(_FakeEngine):
    """A 〒 column: jpn_vert reads it badly, jpn (laid out as a line) reads a slashed 0 as 9,
    eng reads it right."""

    def answer(self, gray, lang, psm):
        text, conf = {
            "jpn_vert": ("〒160,」7616", 40.0),
            "jpn": ("T169-/7616", 45.0),
            "eng": ("T160-7616", 86.0),
        }[lang]
        return [self.line(text, conf, 0, 0, 20, 200)]


def test_a_column_of_digits_is_read_again_in_english():
    from meishi.models import Box, OcrWord
    from meishi.ocr.tesseract import make_line, reread_columns

    gray = np.full((1000, 600), 255, np.uint8)
    column = _tategaki_column("〒160-7616")
    gray[100 : 100 + column.shape[0], 200 : 200 + column.shape[1]] = column
    body = make_line(
        [OcrWord(text="株式会社ミドリ精機", conf=90.0, box=Box(x=400, y=80, w=50, h=600))]
    )
    body.vertical = True
    engine = _DigitsEngine()
    out = reread_columns(gray, [body], engine)
    assert "T160-7616" in [o.text for o in out] and ("eng", 7) in engine.calls


def _tategaki_column(text, px=40):
    """A column of upright characters, one under the other, as a tategaki card prints them
    (a dash turned to run down the column)."""
    font = ImageFont.truetype("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", px, index=0)
    img = Image.new("L", (px * 2, int(px * 1.1 * len(text)) + px), 255)
    d = ImageDraw.Draw(img)
    for i, ch in enumerate(text):
        y = px // 2 + int(i * px * 1.1)
        if ch == "-":
            d.line([(px, y + px * 0.3), (px, y + px * 0.7)], fill=0, width=max(2, px // 12))
        else:
            d.text((px // 2, y), ch, font=font, fill=0)
    return np.asarray(img)


@pytest.mark.e2e
def test_a_column_of_stacked_digits_laid_out_as_a_line_reads_with_jpn(engine):
    from meishi.ocr.tesseract import column_as_line

    strip = column_as_line(_tategaki_column("〒192-2157"))
    assert strip.shape[1] > 4 * strip.shape[0]  # one line, left to right
    text = "".join(line.text for line in engine.read(strip, lang="jpn", psm=7)).replace(" ", "")
    assert "192-2157" in text


def test_a_scrap_of_a_neighbour_at_the_crops_edge_does_not_widen_the_column():
    from meishi.ocr.tesseract import column_as_line

    clean = _tategaki_column("〒211-5610")
    scrap = np.pad(clean, ((0, 0), (40, 0)), constant_values=255)
    scrap[-60:-10, 2:8] = 0  # the end of the next column, beside this one's last digits
    # the same characters, cut the same way: two digits do not pass for one square glyph
    # (which would make the line about half as long)
    got, want = column_as_line(scrap).shape[1], column_as_line(clean).shape[1]
    assert abs(got - want) <= 0.05 * want


def test_a_dash_between_digits_lies_down_again_though_longer_than_a_narrow_columns_square():
    import cv2

    from meishi.ocr.tesseract import column_as_line

    strip = column_as_line(_tategaki_column("21-27"))  # no 〒: the column is one digit wide
    n, _, stats, _ = cv2.connectedComponentsWithStats((strip < 128).astype(np.uint8))
    flat = [s for s in stats[1:] if s[cv2.CC_STAT_WIDTH] > 2 * s[cv2.CC_STAT_HEIGHT]]
    assert len(flat) == 1  # the dash, lying flat between 21 and 27
    # at mid-height, where a dash sits in a line of digits
    top, h = flat[0][cv2.CC_STAT_TOP], flat[0][cv2.CC_STAT_HEIGHT]
    assert abs((top + h / 2) - strip.shape[0] / 2) < 0.15 * strip.shape[0]


def test_a_block_number_the_column_lost_is_taken_from_its_line_reading():
    from meishi.models import Box, OcrWord
    from meishi.ocr.tesseract import _with_number_tail, make_line

    column = make_line(
        [OcrWord(text="東京都八王子市旭町", conf=89.0, box=Box(x=290, y=128, w=35, h=371))]
    )
    strip = make_line(
        [OcrWord(text="東京都人王子市旭町4-26 2", conf=66.0, box=Box(x=0, y=0, w=600, h=48))]
    )
    assert _with_number_tail(column, strip).text.replace(" ", "") == "東京都八王子市旭町4-26-2"
    # a column that kept its number is left as it is
    kept = make_line([OcrWord(text="旭町4-26-2", conf=89.0, box=Box(x=290, y=128, w=35, h=371))])
    assert _with_number_tail(kept, strip) is kept


class _EnglishEngine(_FakeEngine):
    """Reads any crop as one e-mail line, the way the eng model does."""

    def answer(self, gray, lang, psm):
        return [self.line("nakamura_ryo@example.co.jp", 90.0, 0, 0, gray.shape[1], gray.shape[0])]


def test_mail_lines_are_read_again_in_english():
    from meishi.models import Box, OcrWord
    from meishi.ocr.tesseract import make_line, reread_mail

    def line(text, y, vertical=False):
        box = Box(x=10, y=y, w=20 if vertical else 400, h=400 if vertical else 20)
        ln = make_line([OcrWord(text=text, conf=90.0, box=box)])
        return ln.model_copy(update={"vertical": vertical})

    gray = np.full((600, 600), 255, np.uint8)
    engine = _EnglishEngine()
    got = reread_mail(
        gray,
        [
            line("株式会社ミドリ精機", 10),
            line("Mail nakamuraryo@example.co.jp", 60),
            line("メール", 100, vertical=True),
        ],
        engine,
    )
    assert [g.alternatives for g in got] == [[], ["nakamura_ryo@example.co.jp"], []]
    assert engine.calls == [("eng", 7)]


class _TategakiEngine(_FakeEngine):
    """A tategaki card: ``jpn`` (sparse) finds two horizontal lines at the bottom, one of them
    unsure, ``jpn_vert`` one column; every crop read as a single line reads as the phone
    line's right reading."""

    def answer(self, gray, lang, psm):
        line = self.line
        if lang == "jpn" and psm == 11:
            if gray.shape[0] < gray.shape[1]:
                return []  # the card turned on its side reads as nothing
            k = gray.shape[0] / 1200  # orientation is probed on a smaller copy
            return [
                line(
                    "Tel 03-5210-7788", 90.0, int(60 * k), int(1000 * k), int(330 * k), int(30 * k)
                ),
                line(
                    "M 979-8207-9793", 41.0, int(60 * k), int(1050 * k), int(320 * k), int(30 * k)
                ),
            ]
        if lang == "jpn_vert":
            return [line("株式会社ミドリ精機", 90.0, 500, 60, 60, 520)]
        return [line("M 070-8207-9793", 88.0, 0, 0, gray.shape[1], gray.shape[0])]


def test_a_tategaki_cards_unsure_latin_line_is_kept_and_read_again():
    engine = _TategakiEngine()
    result = read_text(np.full((1200, 720), 255, np.uint8), engine)
    assert result.orientation == "vertical" and result.rotation == 0
    # the unsure phone line is a line of the card (not left to jpn_vert as scraps of
    # columns), and it is read again as a horizontal card's line would be
    assert [ln.text for ln in result.lines if not ln.vertical] == [
        "Tel 03-5210-7788",
        "M 070-8207-9793",
    ]
    assert ("jpn", 7) in engine.calls


def test_a_columns_crop_reaches_down_as_far_as_its_ink_goes_but_not_past_a_rule():
    from meishi.models import Box
    from meishi.ocr.tesseract import _ink_end

    ink = np.zeros((1000, 400), bool)
    column = Box(x=100, y=100, w=40, h=400)  # what the layout saw of the column
    for top in range(100, 640, 45):  # glyphs every 45 px, down to y=640 (a block number)
        ink[top : top + 38, 105:135] = True
    ink[760:800, 105:135] = True  # something else, well below
    assert _ink_end(ink, column, 500) == 633
    ink[590:593, 20:380] = True  # a rule across the card
    assert _ink_end(ink, column, 500) == 588  # the glyph above the rule


@pytest.mark.parametrize(
    ("column", "other", "expected"),
    [
        # jpn_vert read the turned dashes as 1s; the column laid out as a line kept them
        ("東京都文京区本郷4127", "東京都文京区本卿4- 2 7", "東京都文京区本郷4-27"),
        # the line lost a dash that jpn_vert read as a comma
        (
            "宮城県仙台市青葉区一番町3 2 1 - 1 9",
            "宮城県仙台市青葉区一番町3,21,19",
            "宮城県仙台市青葉区一番町3-21-19",
        ),
        # other digits: not the same number
        ("東京都新宿区西新宿2-29-9", "東京都新宿区西新宿212019", "東京都新宿区西新宿2-29-9"),
        # not an address
        ("TEL 0312345678", "TEL 03-1234-5678", "TEL 0312345678"),
    ],
)
def test_a_columns_block_number_is_taken_from_the_reading_that_shows_its_groups(
    column, other, expected
):
    from meishi.models import Box, OcrWord
    from meishi.ocr.tesseract import _with_block_number, make_line

    def line(text):
        return make_line([OcrWord(text=text, conf=80.0, box=Box(x=0, y=0, w=40, h=400))])

    assert _with_block_number(line(column), [line(column), line(other)]).text == expected


class _SizeLimitEngine(_FakeEngine):
    """Refuses images wider or taller than Tesseract takes (32767 px), as Tesseract does."""

    def answer(self, gray, lang, psm):
        from meishi.errors import OcrError

        if max(gray.shape) > 32767:
            raise OcrError(f"Tesseract failed: Image too large: {gray.shape[::-1]}")
        return []


def test_a_rule_read_as_a_line_is_not_enlarged_past_what_tesseract_takes():
    from meishi.models import Box, OcrWord
    from meishi.ocr.tesseract import make_line, reread_lines

    # the card's edge left in a photo's cut: a "line" 2 px high across the whole card
    rule = make_line([OcrWord(text="ーーニーー", conf=20.0, box=Box(x=0, y=700, w=1270, h=2))])
    text = make_line(
        [OcrWord(text="株式会社ミナト企画", conf=95.0, box=Box(x=100, y=100, w=500, h=40))]
    )
    gray = np.full((720, 1280), 255, np.uint8)
    engine = _SizeLimitEngine()
    got = reread_lines(gray, [text, rule], engine)
    assert [g.text for g in got] == ["株式会社ミナト企画", "ーーニーー"]
    assert ("jpn", 7) in engine.calls  # the rule was read again, at a size Tesseract takes


class _WholeRowEngine(_FakeEngine):
    """Reads any crop as one line whose glyphs are its blocks of ink (one 字 each, sure)."""

    def answer(self, gray, lang, psm):
        from meishi.ocr.tesseract import _ink, _runs

        ink = _ink(gray)
        runs = _runs(np.flatnonzero(ink.any(axis=0)), 2)
        if not runs:
            return []
        rows = np.flatnonzero(ink.any(axis=1))
        return [
            self.line(
                "字" * len(runs),
                95.0,
                runs[0][0],
                int(rows[0]),
                runs[-1][1] - runs[0][0],
                int(rows[-1] - rows[0] + 1),
            )
        ]


@pytest.mark.parametrize(
    "glyphs, band, expected",
    [
        # two glyphs the layout left out before the line, one after: read with it
        ([100, 140, 180, 220, 260, 300], False, "字字字字字字"),
        # a glyph a wide gap away is another line's, a band along the card's edge no glyph
        ([60, 180, 220], True, "字字"),
    ],
)
def test_ink_the_layout_left_beside_a_line_is_read_with_it(glyphs, band, expected):
    from meishi.models import Box, OcrWord
    from meishi.ocr.tesseract import make_line, reread_lines

    gray = np.full((200, 800), 255, np.uint8)
    for x in glyphs:  # a glyph: 田 of strokes 3 px wide
        gray[85:115, x : x + 30] = 0
        gray[88:112, x + 3 : x + 27] = 255
        gray[85:115, x + 14 : x + 17] = gray[99:102, x : x + 30] = 0
    if band:
        gray[80:120, 260:] = 0
    # the page layout read the glyphs at 180 and 220 only, surely
    words = [OcrWord(text="字", conf=95.0, box=Box(x=x, y=85, w=30, h=30)) for x in (180, 220)]
    engine = _WholeRowEngine()
    got = reread_lines(gray, [make_line(words)], engine)
    assert [g.text for g in got] == [expected]
    if expected != "字字":
        assert got[0].box.x == glyphs[0] and got[0].box.right == glyphs[-1] + 30


def _glyph(gray, x, y, px=30):
    """Draw 田, ``px`` high, with strokes 3 px wide."""
    gray[y : y + px, x : x + px] = 0
    gray[y + 3 : y + px - 3, x + 3 : x + px - 3] = 255
    gray[y : y + px, x + px // 2 - 1 : x + px // 2 + 2] = gray[
        y + px // 2 - 1 : y + px // 2 + 2, x : x + px
    ] = 0


class _UnsureRowEngine(_WholeRowEngine):
    def answer(self, gray, lang, psm):
        return [
            self.line(ln.text, 50.0, ln.box.x, ln.box.y, ln.box.w, ln.box.h)
            for ln in super().answer(gray, lang, psm)
        ]


@pytest.mark.parametrize(
    "extra, engine, found",
    [
        # a short title under the department, under the department's last glyph's box
        ("title", _WholeRowEngine, True),
        # ... but not if it reads unsure (noise, a picture)
        ("title", _UnsureRowEngine, False),
        # a logo twice the text's height, specks, glyphs beside a line: none is read as a line
        ("logo", _WholeRowEngine, False),
        ("speck", _WholeRowEngine, False),
        ("beside", _WholeRowEngine, False),
    ],
)
def test_a_row_of_ink_the_layout_left_unread_is_read(extra, engine, found):
    import cv2

    from meishi.models import Box, OcrWord
    from meishi.ocr.tesseract import make_line, read_unread

    gray = np.full((400, 800), 255, np.uint8)
    for x in (100, 140, 180):
        _glyph(gray, x, 60)  # the department
    for x in (100, 140, 180, 220):
        _glyph(gray, x, 200)  # the next line
    if extra == "title":
        for x in (100, 140):
            _glyph(gray, x, 110)
    elif extra == "logo":  # (each is two blocks of ink apart, which would read as 字字)
        cv2.circle(gray, (560, 130), 30, 0, -1)
        cv2.circle(gray, (640, 130), 30, 0, -1)
    elif extra == "speck":
        gray[130:134, 600:604] = gray[130:134, 610:614] = 0
    elif extra == "beside":
        _glyph(gray, 220, 60)  # just beside (the ink reach's to take in)
        _glyph(gray, 260, 60)
    dept = make_line(
        [
            OcrWord(text="字字", conf=95.0, box=Box(x=100, y=60, w=70, h=30)),
            # 部's box reaching down over the title
            OcrWord(text="字", conf=95.0, box=Box(x=180, y=60, w=30, h=70)),
        ]
    )
    below = make_line([OcrWord(text="字字字字", conf=95.0, box=Box(x=100, y=200, w=150, h=30))])
    got = read_unread(gray, [dept, below], engine())
    if found:
        assert [g.text for g in got] == ["字字字", "字字", "字字字字"]
        assert (got[1].box.x, got[1].box.y, got[1].box.right) == (100, 110, 170)
    else:
        assert [g.text for g in got] == ["字字字", "字字字字"]


def test_a_scrap_of_a_row_read_as_a_line_of_its_own_is_read_with_the_rest():
    from meishi.models import Box, OcrWord
    from meishi.ocr.tesseract import make_line, read_unread

    gray = np.full((400, 800), 255, np.uint8)
    for x in (100, 140, 180):
        _glyph(gray, x, 60)  # the department
    for x in (100, 150, 190, 230):
        _glyph(gray, x, 120)  # the title, its first glyph set apart a little
    for x in (100, 140, 180, 220):
        _glyph(gray, x, 200)
    dept = make_line([OcrWord(text="字字字", conf=95.0, box=Box(x=100, y=60, w=110, h=30))])
    scrap = make_line([OcrWord(text="ョ", conf=77.0, box=Box(x=100, y=120, w=30, h=30))])
    below = make_line([OcrWord(text="字字字字", conf=95.0, box=Box(x=100, y=200, w=150, h=30))])
    got = read_unread(gray, [dept, scrap, below], _WholeRowEngine())
    assert [g.text for g in got] == ["字字字", "字字字字", "字字字字"]
    assert (got[1].box.x, got[1].box.right) == (100, 260)


@pytest.mark.parametrize(
    "gap, read",
    [
        (35, True),  # over a glyph height apart (ミウラ | ユキコ): read on its own
        (10, False),  # a third of one: the line's own glyphs, for the ink reach to take in
    ],
)
def test_ink_a_wide_gap_beside_a_line_is_read_on_its_own(gap, read):
    from meishi.models import Box, OcrWord
    from meishi.ocr.tesseract import make_line, read_unread

    gray = np.full((400, 800), 255, np.uint8)
    for x in (100, 140, 180):
        _glyph(gray, x, 60)
    right = 100 + 3 * 40 - 10 + gap  # where the line read beside the unread glyphs starts
    for x in (100, 140, 180):
        _glyph(gray, right + x - 100, 120)
    for x in (100, 140, 180):
        _glyph(gray, x, 120)  # unread
    for x in (100, 140, 180, 220):
        _glyph(gray, x, 200)
    lines = [
        make_line([OcrWord(text="字字字", conf=95.0, box=Box(x=100, y=60, w=110, h=30))]),
        make_line([OcrWord(text="字字字", conf=92.0, box=Box(x=right, y=120, w=110, h=30))]),
        make_line([OcrWord(text="字字字字", conf=95.0, box=Box(x=100, y=200, w=150, h=30))]),
    ]
    got = read_unread(gray, lines, _WholeRowEngine())
    assert len(got) == (4 if read else 3)
    if read:
        assert ("字字字", 100, 210) in [(g.text, g.box.x, g.box.right) for g in got]


class _ThinPrintEngine(_FakeEngine):
    """Reads a grey crop as ``grey`` (unsure) and a binarised one (black and white only) as
    ``binary``, surely."""

    def __init__(self, grey, binary):
        super().__init__()
        self.grey, self.binary = grey, binary

    def answer(self, gray, lang, psm):
        binarised = set(np.unique(gray)) <= {0, 255}
        text, conf = (self.binary, 95.0) if binarised else self.grey
        return [self.line(text, conf, 0, 0, gray.shape[1], gray.shape[0])]


@pytest.mark.parametrize(
    "grey, binary, expected",
    [
        # thin kana read as scraps with two digits in them, at next to no confidence: binarised
        (("ルン 07", 26.0), "ナカジマ アイ", "ナカジマ アイ"),
        # a number read unsurely is not binarised (its 0s come out as 9s, surely)
        (("携帯 090-1094-3156", 40.0), "携帯 090-1994-3156", "携帯 090-1094-3156"),
    ],
)
def test_thin_print_read_as_scraps_is_read_binarised(grey, binary, expected):
    from meishi.ocr.tesseract import _read_one_line

    crop = np.full((60, 400), 255, np.uint8)
    crop[20:40, 20:380] = 120  # grey print
    line = _read_one_line(crop, _ThinPrintEngine(grey, binary), 1.0, 0, 0)
    assert line is not None and line.text == expected


class _ReadsAs(_FakeEngine):
    """Reads any crop as one line of ``text`` at ``conf``, spanning the crop."""

    def __init__(self, text, conf):
        super().__init__()
        self.text, self.conf = text, conf

    def answer(self, gray, lang, psm):
        return [self.line(self.text, self.conf, 0, 0, gray.shape[1], gray.shape[0])]


@pytest.mark.parametrize(
    "old, probe, reread, kept",
    [
        # the half-size probe and a full-size re-read agree, as surely: they outvote the layout
        (
            ("若葉システムズメ株式会社", 89),
            ("若葉システムズ株式会社", 92),
            ("若葉システムズ株式会社", 93),
            "若葉システムズ株式会社",
        ),
        # ... and may be a little less sure when they only add a glyph the layout dropped
        (("中央第 会館3F", 92), ("中央第二会館3F", 85), ("中央第二会館3F", 90), "中央第二会館3F"),
        # two low-resolution misreads of a digit agree, but unsurely: the layout's reading stays
        (
            ("TEL: 03-3580-5368", 88),
            ("TEL: 03-3589-5368", 80),
            ("TEL: 03-3589-5368", 86),
            "TEL: 03-3580-5368",
        ),
        # the re-read sides with neither
        (
            ("若葉システムズメ株式会社", 89),
            ("若葉システムズ株式会社", 92),
            ("若葉シスタムズ株式会社", 93),
            "若葉システムズメ株式会社",
        ),
    ],
)
def test_a_sure_line_the_probe_read_otherwise_is_put_to_a_vote(old, probe, reread, kept):
    from meishi.ocr.tesseract import reread_lines

    gray = np.full((300, 900), 255, np.uint8)
    gray[100:130, 100:700] = 0
    line = _FakeEngine.line(old[0], old[1], 100, 100, 600, 30)
    probed = _FakeEngine.line(probe[0], probe[1], 102, 99, 596, 31)
    engine = _ReadsAs(*reread)
    got = reread_lines(gray, [line], engine, probed=[probed])
    assert [g.text for g in got] == [kept]
    assert engine.calls  # the line was read again
    assert [g.text for g in reread_lines(gray, [line], _ReadsAs(*reread))] == [old[0]]


@pytest.mark.parametrize(
    "reread, probe, kept",
    [
        # the layout read a short title unsurely, the probe surely: the re-read's swapped kanji
        # is outvoted
        (("至長", 80), ("室長", 95), "室長"),
        # ... but not by a probe less sure than the re-read
        (("至長", 80), ("室長", 70), "至長"),
        # nor when the low-resolution readings share a misread other than a kanji's (0 for O)
        (("Ryo OGAWA", 87), ("Ryo 0GAWA", 90), "Ryo OGAWA"),
    ],
)
def test_an_unsure_lines_reread_is_outvoted_by_the_layout_and_the_probe(reread, probe, kept):
    from meishi.ocr.tesseract import reread_lines

    old = probe[0]
    gray = np.full((300, 900), 255, np.uint8)
    gray[100:130, 100:300] = 0
    line = _FakeEngine.line(old, 37.0, 100, 100, 200, 30)
    probed = _FakeEngine.line(probe[0], probe[1], 101, 99, 198, 31)
    (got,) = reread_lines(gray, [line], _ReadsAs(*reread), probed=[probed])
    assert got.text == kept


class _WholeGlyphsEngine(_FakeEngine):
    """Reads the row right only when its first glyph is whole in the crop (as tall as the
    tallest ink), else as scraps."""

    def answer(self, gray, lang, psm):
        from meishi.ocr.tesseract import _ink

        ink = _ink(gray)
        cols = np.flatnonzero(ink.any(axis=0))
        if not len(cols):
            return []

        def extent(x):
            rows = np.flatnonzero(ink[:, x])
            return rows[-1] - rows[0] + 1 if len(rows) else 0

        whole = extent(cols[0] + 2) >= 0.8 * max(extent(x) for x in cols)
        text, conf = ("製造部生産管理課", 95.0) if whole else ("sssub生産管理課", 65.0)
        return [self.line(text, conf, int(cols[0]), 0, int(cols[-1] - cols[0] + 1), gray.shape[0])]


def test_two_stacked_scraps_of_one_rows_glyphs_are_read_again_as_that_row():
    from meishi.ocr.tesseract import reread_lines

    gray = np.full((300, 900), 255, np.uint8)
    for x in range(100, 400, 50):
        gray[100:140, x : x + 40] = 0
    # the layout cut the first glyphs across: two boxes of scraps, one over the other
    top = _FakeEngine.line("第昌い", 40.0, 100, 95, 140, 25)
    bottom = _FakeEngine.line("<ぶ電量", 0.0, 100, 110, 140, 35)
    rest = _FakeEngine.line("生産管理課", 93.0, 250, 95, 150, 50)
    got = reread_lines(gray, [top, bottom, rest], _WholeGlyphsEngine())
    assert [g.text for g in got] == ["製造部生産管理課"]


@pytest.mark.parametrize(
    "old, probe, alternative",
    [
        # outvoted by nobody, the probe's reading stays with the line for the name's reading
        ("条 慎太郎", "森 慎太郎", True),
        # not a mail address's (its alternatives are English readings, for its separators)
        ("Mail mori@shizuku.jp", "Mail mori@shizuku.jp 森", False),
    ],
)
def test_the_probes_other_reading_stays_with_the_line(old, probe, alternative):
    from meishi.ocr.tesseract import reread_lines

    gray = np.full((300, 900), 255, np.uint8)
    gray[100:130, 100:700] = 0
    line = _FakeEngine.line(old, 90.0, 100, 100, 600, 30)
    probed = _FakeEngine.line(probe, 92.0, 102, 99, 596, 31)
    (got,) = reread_lines(gray, [line], _ReadsAs(old, 90.0), probed=[probed])
    assert got.text == old
    assert (probe in got.alternatives) is alternative


class _TallBoxEngine(_FakeEngine):
    """Reads 佐藤 surely and the given name's kanji unsurely, with a box far taller than its
    glyph (as Tesseract boxes an unsure large kanji)."""

    def answer(self, gray, lang, psm):
        from meishi.models import Box, OcrWord
        from meishi.ocr.tesseract import make_line

        return [
            make_line(
                [
                    OcrWord(text="佐藤", conf=93.0, box=Box(x=10, y=10, w=84, h=40)),
                    OcrWord(text="翼", conf=0.0, box=Box(x=100, y=0, w=40, h=56)),
                ]
            )
        ]


def test_an_unsure_glyph_is_judged_by_its_ink_not_its_box():
    from meishi.ocr.tesseract import _read_words

    crop = np.full((60, 160), 255, np.uint8)
    for x in (10, 54, 100):
        _glyph(crop, x, 10, px=40)
    line = _read_words(crop, _TallBoxEngine(), 1.0, 0, 0, 7)
    assert line is not None and line.text == "佐藤翼"


@pytest.mark.parametrize(
    "jpn, eng, expected",
    [
        (
            "YuzurihaPlanningCorporation",
            "Yuzuriha Planning Corporation",
            "Yuzuriha Planning Corporation",
        ),
        ("①MidoriSystems Co., Ltd.", "@ Midori Systems Co., Ltd.", "①Midori Systems Co., Ltd."),
        # only spaces are taken, never letters, and not beside a letter the readings disagree on
        ("Naokilshii", "Naoki Ishii", "Naokilshii"),
        ("HOKUTOINDUSTRYLTD.", "HOKUT0 INDUSTRY LTD.", "HOKUTOINDUSTRY LTD."),
        ("SoftBank Corp.", "SoftBank Corp.", "SoftBank Corp."),
    ],
)
def test_spaces_between_latin_words_come_from_an_english_reading(jpn, eng, expected):
    from meishi.ocr.tesseract import _spaces_from

    assert _spaces_from(jpn, eng) == expected


@pytest.mark.parametrize(
    "text, english, expected",
    [
        ("MarketingGroup Supervisor", "Marketing Group Supervisor", "Marketing Group Supervisor"),
        # a mail address is not a line of words
        (
            "sasaki.kenta@minatonetworks.co.jp",
            "sasaki. kenta@minatonetworks. co. jp",
            "sasaki.kenta@minatonetworks.co.jp",
        ),
        # nor a Japanese line with a Latin word in it
        ("株式会社ミドリ精機HOKUTOSEIKI", "HOKUTO SEIKI", "株式会社ミドリ精機HOKUTOSEIKI"),
    ],
)
def test_a_latin_line_whose_spaces_jpn_lost_gets_them_back(text, english, expected):
    from meishi.ocr.tesseract import space_latin

    gray = np.full((200, 900), 255, np.uint8)
    line = _FakeEngine.line(text, 90.0, 50, 80, 700, 30)
    got = space_latin(gray, [line], _ReadsAs(english, 90.0))
    assert [g.text for g in got] == [expected]


def _column_under_a_logo(text="ミドリ精機株式会社", px=40):
    """A tategaki column with a logo above it: a filled disc wider than the glyphs, set off
    from the text by a gap."""
    import cv2

    column = _tategaki_column(text, px)
    logo = np.full((px * 2, column.shape[1]), 255, np.uint8)
    cv2.circle(logo, (px, px), int(px * 0.7), 0, -1)
    return np.vstack([logo, column])


def _column_under_four_discs(text="カザネ技研合同会社", px=40):
    """A tategaki column under a logo of four discs in two rows, a few pixels apart."""
    import cv2

    column = _tategaki_column(text, px)
    logo = np.full((px * 2, column.shape[1]), 255, np.uint8)
    mid = column.shape[1] // 2
    for cx in (mid - 14, mid + 14):
        for cy in (px // 2 + 4, px + 22):
            cv2.circle(logo, (cx, cy), 13, 0, -1)
    return np.vstack([logo, column])


@pytest.mark.parametrize(
    ("column", "logo"),
    [
        (_column_under_a_logo(), True),
        (_column_under_four_discs(), True),
        (_tategaki_column("森田  由紀子"), False),  # two glyphs set off by a wider gap: no logo
        (_tategaki_column("ミドリ精機株式会社"), False),
        (_tategaki_column("〒160-7616"), False),  # the 〒 is wider than the digits: no logo
        (_tategaki_column("営業部 部長"), False),  # a wider gap inside the column
    ],
)
def test_a_logo_above_a_column_is_found_by_its_gap_and_shape(column, logo):
    from meishi.ocr.tesseract import _logo_end

    end = _logo_end(column, 0, column.shape[1])
    if logo:
        assert 40 + 28 <= end <= 80 + 20  # between the disc's bottom and the first glyph's top
    else:
        assert end == 0


class _LogoEngine(_FakeEngine):
    """jpn_vert reads the logo into the column and drops the glyphs under it, as it does on
    real cards (アオバ通信 read as 人 バ通信), unless the crop leaves the logo out."""

    def answer(self, gray, lang, psm):
        from meishi.models import Box, OcrWord
        from meishi.ocr.tesseract import make_line

        if lang != "jpn_vert":
            return []
        h, w = gray.shape
        if (gray[: h // 8] < 128).mean() > 0.1:
            return [
                make_line(
                    [
                        OcrWord(text="人", conf=78.0, box=Box(x=0, y=0, w=w, h=h // 8)),
                        OcrWord(
                            text="精機株式会社",
                            conf=92.0,
                            box=Box(x=0, y=h // 3, w=w, h=2 * h // 3),
                        ),
                    ]
                )
            ]
        return [self.line("ミドリ精機株式会社", 92.0, 0, 0, w, h)]


def test_a_column_is_read_again_without_the_logo_above_it():
    from meishi.models import Box, OcrWord
    from meishi.ocr.tesseract import make_line, reread_columns

    gray = np.full((1000, 600), 255, np.uint8)
    column = _column_under_a_logo()
    gray[40 : 40 + column.shape[0], 400 : 400 + column.shape[1]] = column
    # the layout's reading: the logo as 人, ミドリ dropped
    first = make_line(
        [
            OcrWord(text="人", conf=78.0, box=Box(x=412, y=52, w=56, h=56)),
            OcrWord(text="精機株式会社", conf=92.0, box=Box(x=420, y=255, w=40, h=265)),
        ]
    )
    first.vertical = True
    out = reread_columns(gray, [first], _LogoEngine())
    assert [o.text for o in out] == ["ミドリ精機株式会社"]


def test_a_floor_at_a_columns_end_is_kept_though_short_and_latin():
    from meishi.models import Box, OcrWord
    from meishi.ocr.tesseract import _column_words

    def word(text, y):
        return OcrWord(text=text, conf=92.0, box=Box(x=100, y=y, w=30, h=40))

    # jpn_vert reads ビル6F as ビル | 6F; a stray mark beside the column as a Latin scrap
    got = _column_words([word("サンプル", 0), word("ビル", 160), word("6F", 240), word("ie", 300)])
    assert [w.text for w in got] == ["サンプル", "ビル", "6F"]


@pytest.mark.parametrize(
    ("jpn", "eng", "expected"),
    [
        # jpn reads a slashed 0 as 9, and more surely than eng reads it right
        (("T699-9558", 87.0), ("T600-9558", 77.0), "〒600-9558"),
        # each reads one 1 as a letter or mark, the other as a 1
        (("T180-7]11", 51.0), ("TI80-7111", 57.0), "〒180-7111"),
        # jpn's 〒 read as 〒エ: the digits after the mark are compared
        (("〒エ069-8857", 56.0), ("T069-8857", 50.0), "〒069-8857"),
        # not as many glyphs: the surer reading
        (("T169-/7616", 45.0), ("T160-7616", 86.0), "T160-7616"),
    ],
)
def test_a_column_of_digits_is_voted_glyph_by_glyph_from_its_jpn_and_eng_readings(
    jpn, eng, expected
):
    from meishi.models import Box, OcrWord
    from meishi.ocr.tesseract import _digits_by_vote, make_line

    def line(text, conf):
        return make_line([OcrWord(text=text, conf=conf, box=Box(x=300, y=100, w=20, h=250))])

    assert _digits_by_vote(line(*jpn), line(*eng)).text == expected


class _UnsureDigitsEngine(_FakeEngine):
    """A 〒 column: jpn_vert reads its second group of digits right but with next to no
    confidence, jpn reads nothing of it laid out as a line."""

    def answer(self, gray, lang, psm):
        from meishi.models import Box, OcrWord
        from meishi.ocr.tesseract import make_line

        if lang != "jpn_vert":
            return []
        h, w = gray.shape
        return [
            make_line(
                [
                    OcrWord(text="T532", conf=52.0, box=Box(x=0, y=0, w=w, h=h // 2)),
                    OcrWord(text="3207", conf=27.0, box=Box(x=0, y=h // 2, w=w, h=h // 2)),
                ]
            )
        ]


def test_a_postal_columns_unsure_group_of_digits_is_kept():
    from meishi.models import Box, OcrWord
    from meishi.ocr.tesseract import make_line, reread_columns

    gray = np.full((1000, 600), 255, np.uint8)
    gray[100:600, 200:240] = 0  # a column of ink no block of the layout holds
    body = make_line(
        [OcrWord(text="株式会社ミドリ精機", conf=90.0, box=Box(x=400, y=80, w=50, h=600))]
    )
    body.vertical = True
    out = reread_columns(gray, [body], _UnsureDigitsEngine())
    assert "T5323207" in [o.text.replace(" ", "") for o in out]


class _AcrossColumnsEngine(_FakeEngine):
    """A tategaki card: jpn reads a row of glyphs across its three columns as a line (県0林木),
    and the phone line below them; jpn_vert's input is kept to look at."""

    def answer(self, gray, lang, psm):
        from meishi.models import Box, OcrWord
        from meishi.ocr.tesseract import make_line

        if lang == "jpn_vert":
            self.masked = gray.copy()
            return []
        across = make_line(
            [
                OcrWord(text=t, conf=92.0, box=Box(x=x, y=y, w=w, h=h))
                for t, x, y, w, h in (
                    ("県", 200, 250, 40, 40),
                    ("0", 300, 250, 20, 40),
                    ("林木", 400, 245, 60, 50),
                )
            ]
        )
        return [across, self.line("TEL 03-1234-5678", 91.0, 100, 900, 320, 30)]


def test_a_row_of_glyphs_read_across_the_columns_is_not_masked_out_as_a_line():
    from meishi.ocr.tesseract import read_vertical

    gray = np.full((1000, 600), 255, np.uint8)
    for x, size in ((200, 40), (300, 20), (400, 60)):  # three columns of glyphs, 5 px apart
        for top in range(60, 700, size + 5):
            gray[top : top + size, x : x + size] = 0
    gray[900:930, 100:420] = 0  # the phone line, blank above and below
    engine = _AcrossColumnsEngine()
    lines = read_vertical(gray, engine, reread=False)
    assert [ln.text for ln in lines] == ["TEL 03-1234-5678"]
    assert (engine.masked[240:300, 200:460] == 0).any()  # the columns are whole
    assert (engine.masked[890:940, 90:430] == 255).all()  # the phone line is masked


class _PostalThenScrapEngine(_FakeEngine):
    """A 〒 column: jpn_vert reads it with next to no confidence but in the postal code's
    grammar, jpn reads it laid out as a line more surely but with a 5 as S."""

    def answer(self, gray, lang, psm):
        h, w = gray.shape
        if lang == "jpn_vert":
            if w > 45:  # the company's column
                return [self.line("株式会社ミドリ精機", 90.0, 0, 0, w, h)]
            return [self.line("〒542,'3356", 20.0, 0, 0, w, h)]
        return [self.line("5S42-3356", 44.0, 0, 0, w, h)] if lang == "jpn" else []


def test_a_postal_columns_reading_is_not_given_up_for_a_surer_one_without_its_grammar():
    from meishi.ocr.tesseract import make_line, reread_columns

    gray = np.full((1000, 600), 255, np.uint8)
    for top in range(100, 580, 48):  # a column of stacked digits no block of the layout holds
        gray[top : top + 40, 200:224] = 0
    body = make_line([_FakeEngine.line("株式会社ミドリ精機", 90.0, 400, 80, 50, 600).words[0]])
    body.vertical = True
    out = reread_columns(gray, [body], _PostalThenScrapEngine())
    assert [o.text for o in out] == ["株式会社ミドリ精機", "〒542,'3356"]


class _LabelledPhoneEngine(_FakeEngine):
    """A tategaki card's phone line with a Japanese label: jpn is sure of 携帯 and unsure of
    the number."""

    def answer(self, gray, lang, psm):
        from meishi.models import Box, OcrWord
        from meishi.ocr.tesseract import make_line

        if lang != "jpn":
            return []
        return [
            make_line(
                [
                    OcrWord(text="携帯", conf=96.0, box=Box(x=70, y=900, w=80, h=38)),
                    OcrWord(text="990-7414-5766", conf=51.0, box=Box(x=170, y=902, w=265, h=31)),
                ]
            )
        ]


def test_a_phone_line_with_a_japanese_label_is_judged_as_a_latin_line():
    from meishi.ocr.tesseract import read_vertical

    gray = np.full((1000, 600), 255, np.uint8)
    gray[902:933, 70:435] = 0
    lines = read_vertical(gray, _LabelledPhoneEngine(), reread=False)
    assert [ln.text.replace(" ", "") for ln in lines] == ["携帯990-7414-5766"]
    assert not lines[0].vertical


class _UnsureMailEngine(_FakeEngine):
    """A tategaki card's mail line in a light typeface: jpn reads it right but unsurely."""

    def answer(self, gray, lang, psm):
        if lang != "jpn":
            return []
        return [self.line("Mail kondo@aobatsushin.jp", 29.0, 76, 900, 556, 45)]


def test_a_tategaki_cards_mail_line_is_a_line_however_unsure():
    from meishi.ocr.tesseract import read_vertical

    gray = np.full((1000, 700), 255, np.uint8)
    gray[905:940, 76:632] = 0
    lines = read_vertical(gray, _UnsureMailEngine(), reread=False)
    assert [ln.text for ln in lines] == ["Mail kondo@aobatsushin.jp"]
