"""The OCR stage's thresholds, in one typed object.

Each value says what it is for; change one only with ``meishi eval --compare`` on the dev
set and the held-out set (see ``docs/architecture.md``).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class OcrTuning(BaseModel):
    model_config = ConfigDict(frozen=True)

    ppocr_min_score: float = Field(
        0.5, description="PP-OCR lines read with less confidence (0..1) are dropped"
    )
    ppocr_long_side: int = Field(
        1280, description="a card larger than this (longest side, px) is shrunk before PP-OCR"
    )
    det_long_side: int = Field(
        800,
        description="PP-OCR's detector sees the card at this longest side (the "
        "recogniser reads the crops at full size): 1280 costs twice the "
        "CPU and 30 % more memory and finds no more text on 20 dev cards",
    )
    det_box_thresh: float = Field(
        0.3,
        description="a detected text box is kept from this mean text score (rapidocr's "
        "default 0.5 drops the faint ends of tategaki columns: the FAX or mobile column "
        "with bars for dashes). 0.3: dev sets 3 fields better, held-out 2, seeds 778 / 779 "
        "3 and 2 better (1 worse)",
    )
    read_twice_overlap: float = Field(
        0.5,
        description="a glyph that begins a text box is a neighbour's glyph read again when "
        "this share of it lies inside a box before it on its line",
    )
    bar_width: float = Field(
        1.15,
        description="a 1 in a column is a dash drawn down it when its ink is at most this "
        "many strokes wide ... (dev tategaki: dashes 1.0, digit 1s 2.0-5.0, blurred or "
        "merged blobs between)",
    )
    bar_fill: float = Field(
        0.85, description="... and fills this share of its box (dashes 0.89+, 1s 0.55-)"
    )
    one_width: float = Field(
        2.0,
        description="a 1 in a column is the digit when its ink is at least this many strokes "
        "wide (its flag) ...; between the two, a number's 1s are left to the grammar",
    )
    one_fill: float = Field(0.6, description="... and fills at most this share of its box")
    variant_cell: float = Field(
        1.2,
        description="a glyph compared with the variant forms of its kanji is cut as a square "
        "this many line heights across, around the centre PP-OCR placed it at",
    )
    variant_blob_inside: float = Field(
        0.6, description="... keeping the ink blobs with this share of their box inside it"
    )
    variant_fit: float = Field(
        0.6,
        description="a glyph's ink shows a variant form only when it matches the form read "
        "this well at all (mean distance between the strokes, px in a 48 px cell; a cell "
        "cut wrong or a brush face is 0.8 and more)",
    )
    variant_closer: float = Field(
        0.4,
        description="... when it comes this much nearer (px, mean over the faces) to the "
        "strokes only the other form has than to those only the read one has ...",
    )
    variant_faces: float = Field(
        0.6, description="... and does so in at least this share of the faces"
    )
    candidates_per_glyph: int = Field(
        4,
        description="a second look at a line that may be a name keeps this many "
        "characters the recogniser weighed at each glyph ...",
    )
    candidate_min_prob: float = Field(0.05, description="... each with at least this probability")
    second_look_texts: int = Field(
        12, description="... and offers this many of the likeliest texts they spell"
    )
    rec_batch: int = Field(
        1,
        description="lines the recogniser reads at once: a batch pads every line to the "
        "widest, so 6 costs 20 % more CPU and 80 MiB more than 1",
    )
    line_conf_from_glyphs: bool = Field(
        True,
        description="a PP-OCR line's confidence is its least sure glyph's (else the "
        "mean PP-OCR reports)",
    )
    vertical_aspect: float = Field(
        1.5,
        description="a line this many times taller than wide is a column (tategaki, or "
        "a turned card); rapidocr turns such crops before reading them",
    )
    word_gap: float = Field(
        0.3,
        description="glyphs further apart than this share of the glyph size start a "
        "new word (family | given name, label | number)",
    )
    join_gap: float = Field(
        1.2,
        description="a box at most this many glyph sizes after another, on its row and "
        "of its size, continues its line (the detector cuts at wide gaps)",
    )
    join_overlap: float = Field(
        0.6, description="... sharing this share of the smaller glyph size across the row"
    )
    join_lone_glyph_to: int = Field(
        3,
        description="a lone glyph joins only a line of at most this many glyphs (a "
        "one-kanji family name and its given name; not a logo and a company)",
    )
    join_size_ratio: float = Field(
        1.35, description="... with glyph sizes at most this ratio apart"
    )
    join_digits_ratio: float = Field(
        1.8,
        description="... or this ratio in a column where one piece is digits and dashes "
        "only: upright digits are narrower than the column's kanji",
    )
    column_run_gap: float = Field(
        0.8,
        description="a column's ink continues past the detector's box while its gaps "
        "are at most this many glyph widths (upright digits and ｜ dashes, which the "
        "detector drops from a tategaki phone number's column)",
    )
    column_run_more: float = Field(
        0.5, description="... and is read again when it runs on this many glyph widths"
    )
    column_share: float = Field(
        0.3,
        description="a card whose lines of 3+ characters are this share columns (and "
        "two at least) is tategaki or turned a quarter",
    )
    blank_ink: float = Field(
        0.03,
        description="a bar glyph (ー) whose cell's middle has less ink than this share "
        "is a gap PP-OCR filled in",
    )
    turn_probe_lines: int = Field(
        4, description="how many of the longest lines vote on the card's turn"
    )
    upright_agreement: float = Field(
        0.65,
        description="columns whose glyph cells read as they stand with at least this "
        "share of the confidence they read turned back counter-clockwise "
        "are tategaki (measured: tategaki 0.8-0.9, turned cards 0.4)",
    )
    cls_sure: float = Field(
        0.8, description="the angle classifier's votes count from this confidence"
    )
    review_confident_chars: int = Field(
        4,
        description="a card needs this many characters read at conf >= 70 to count as "
        "text at all (a blank back, noise, a photo of a desk)",
    )


TUNING = OcrTuning()
