"""Which form of a name kanji the card prints (山﨑 / 山崎), told by the ink.

The shapes come from Noto CJK (shipped as ``variant_glyphs.npz``); the lines here are drawn
in the IPA fonts, which are not among them, so the comparison is across typefaces as it is
on a real card.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from meishi.extract import extract_fields
from meishi.extract.fields import lines_for_test
from meishi.models import CHECK_BELOW, Box
from meishi.ocr import variants

IPA = {
    "gothic": Path("/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf"),
    "mincho": Path("/usr/share/fonts/opentype/ipafont-mincho/ipam.ttf"),
}


def _line(text: str, font: Path, size: int = 64, blur: float = 0.0):
    """``text`` drawn black on white: the grey image, the line's box, each glyph's box."""
    from PIL import Image, ImageDraw, ImageFont

    face = ImageFont.truetype(str(font), size)
    im = Image.new("L", (size * (len(text) + 2), size * 2), 255)
    draw = ImageDraw.Draw(im)
    x = x0 = y0 = size // 2
    boxes = []
    for ch in text:
        draw.text((x, y0), ch, font=face, fill=0)
        step = face.getlength(ch)
        boxes.append(Box(x=int(x), y=y0, w=int(step), h=size))
        x += step
    grey = np.asarray(im)
    if blur:
        grey = cv2.GaussianBlur(grey, (0, 0), blur)
    return grey, Box(x=x0 - 4, y=y0 - 4, w=int(x - x0) + 8, h=size + 12), boxes


@pytest.mark.parametrize("blur", [0.0, 1.5], ids=["sharp", "blurred"])
@pytest.mark.parametrize("font", sorted(IPA))
@pytest.mark.parametrize(
    ("printed", "read", "shown"),
    [
        # PP-OCR has none of 﨑 濵 桒 and reads the common form: the ink tells
        ("﨑", "崎", "﨑"),
        ("濵", "濱", "濵"),
        ("凜", "凛", "凜"),
        ("邉", "邊", "邉"),
        # ... or as another glyph altogether (桒 as 来, 親, 乗: NAME_VARIANT_MISREADS)
        ("桒", "来", "桒"),
        ("桒", "親", "桒"),
        ("桒", "乗", "桒"),
        ("来", "来", None),
        ("親", "親", None),
        ("乗", "乗", None),
        # the common form printed stays as read (the world prints it far more often)
        ("崎", "崎", None),
        ("濱", "濱", None),
        ("浜", "浜", None),
        ("辺", "辺", None),
        ("桑", "桑", None),
        ("凛", "凛", None),
        ("徳", "徳", None),
        ("高", "高", None),
        # 髙 and 高 differ where the cell is too coarse to tell: no verdict, the name stays
        # flagged with both forms named
        ("髙", "高", None),
    ],
)
def test_the_ink_shows_which_form_is_printed(font, blur, printed, read, shown):
    grey, line, glyphs = _line("山" + printed, IPA[font], blur=blur)
    cell = variants.glyph_cell(grey, glyphs[1], line, vertical=False)
    assert variants.form_by_ink(cell, read) == shown


def test_a_glyph_read_far_from_its_print_is_mended_when_sharp():
    # 渡邉 read as 渡辺 (a simplified 边 mended): a clean print shows 邉, and neither 邊
    grey, line, glyphs = _line("渡邉", IPA["gothic"])
    assert variants.form_by_ink(variants.glyph_cell(grey, glyphs[1], line, False), "辺") == "邉"


def test_a_cell_with_no_ink_has_no_verdict():
    grey = np.full((100, 300), 255, np.uint8)
    cell = variants.glyph_cell(
        grey, Box(x=110, y=20, w=60, h=60), Box(x=10, y=10, w=280, h=80), False
    )
    assert cell is None and variants.form_by_ink(cell, "崎") is None


def test_the_groups_come_from_the_name_variant_table():
    assert variants.group_of("崎") == {"崎", "﨑"}
    assert variants.group_of("辺") == {"辺", "邉", "邊"}
    # the forms PP-OCR itself writes for the common one are NAME_NEW_FORMS' (惠 → 恵)
    assert variants.group_of("恵") == frozenset()
    assert variants.others("来") == {"桒"} and variants.others("桑") == {"桒"}


def test_the_shipped_shapes_hold_every_form_and_match_the_fonts():
    data = np.load(variants.TEMPLATES)
    assert set(data["chars"].tolist()) == variants.FORMS
    assert data["has"].all(), "Noto CJK draws every form"
    try:
        faces = variants.find_faces()
    except SystemExit:
        pytest.skip("fonts-noto-cjk is not installed")
    fresh = variants.render(faces)
    same = np.unpackbits(fresh["ink"]) == np.unpackbits(data["ink"])
    assert same.mean() > 0.99, "run `python -m meishi.ocr.variants` after changing the groups"


def test_missing_shapes_say_how_to_get_them(monkeypatch, tmp_path):
    from meishi.errors import MissingDependencyError

    monkeypatch.setattr(variants, "TEMPLATES", tmp_path / "variant_glyphs.npz")
    variants._templates.cache_clear()
    try:
        with pytest.raises(MissingDependencyError, match="reinstall meishi"):
            variants.check()
    finally:
        variants._templates.cache_clear()


# ------------------------------------------------------------------ extraction


def _with_forms(rows, forms_at: dict[int, dict[str, str]]):
    ocr = lines_for_test(rows)
    for i, forms in forms_at.items():
        ocr.lines[i].ink_forms = forms
    return ocr


def test_the_name_takes_the_form_its_ink_shows_and_stays_flagged():
    ocr = _with_forms(
        [
            ("株式会社ミドリ精機", 40),
            ("山崎 美咲", 70),
            ("ヤマザキ ミサキ", 25),
            ("〒210-0005 神奈川県川崎市川崎区東田町8-1", 25),
        ],
        {1: {"崎": "﨑"}, 3: {"崎": "﨑"}},
    )
    fields = extract_fields(ocr)
    assert fields.name.value == "山﨑 美咲"
    assert fields.name.confidence < CHECK_BELOW
    # a variant form is a name's: the city keeps the form read
    assert "川崎市川崎区" in fields.values()["address"]


def test_a_verdict_on_another_line_does_not_change_the_name():
    ocr = _with_forms(
        [("株式会社ミドリ精機", 40), ("山崎 美咲", 70), ("神奈川県川崎市川崎区東田町8-1", 25)],
        {2: {"崎": "﨑"}},
    )
    assert extract_fields(ocr).name.value == "山崎 美咲"


# ------------------------------------------------------------------ the real engine


@pytest.mark.e2e
def test_a_card_printing_a_variant_name_is_read_with_it():
    """A card drawn in IPA Mincho (not among the shipped shapes), read by PP-OCR: the name
    keeps the printed 﨑, the address its 崎."""
    from PIL import Image, ImageDraw, ImageFont

    from meishi.ocr import PpOcrReader
    from meishi.pipeline import read_bytes

    im = Image.new("RGB", (1100, 640), "white")
    draw = ImageDraw.Draw(im)
    font = str(IPA["mincho"])
    draw.text((80, 60), "株式会社ミドリ精機", font=ImageFont.truetype(font, 40), fill="black")
    draw.text((80, 200), "山﨑 美咲", font=ImageFont.truetype(font, 90), fill="black")
    small = ImageFont.truetype(font, 30)
    draw.text((80, 420), "〒210-0005 神奈川県川崎市川崎区東田町8-1", font=small, fill="black")
    draw.text((80, 480), "TEL 044-211-0000", font=small, fill="black")
    draw.text((80, 540), "misaki.yamazaki@midori-seiki.jp", font=small, fill="black")
    ok, png = cv2.imencode(".png", cv2.cvtColor(np.asarray(im), cv2.COLOR_RGB2BGR))
    assert ok
    fields = read_bytes(png.tobytes(), "variant.png", engine=PpOcrReader())[0].fields
    assert fields.name is not None and fields.name.value == "山﨑 美咲"
    assert fields.name.confidence < CHECK_BELOW
    assert "川崎市川崎区" in (fields.values()["address"] or "")
