"""Character classes shared by OCR and extraction, each written once, and the kanji a
name may print in a variant form OCR cannot tell apart.

Each constant is the inside of a regular expression's character class: use it between
brackets, alone or with others (``rf"[{KANJI}{KATAKANA}]"``).
"""

from __future__ import annotations

#: kanji: the CJK unified ideographs with extension A, the compatibility ideographs, 々 and 〆
KANJI = "\u3400-\u9fff\uf900-\ufaff々〆"
#: hiragana letters, ぁ..ゖ
HIRAGANA = "\u3041-\u3096"
#: katakana letters, ァ..ヺ, and ー..ヿ (not the middle dot ・)
KATAKANA = "\u30a1-\u30fa\u30fc-\u30ff"
#: the hiragana and katakana blocks whole, their marks included (゛ ゜ ・ ー)
KANA = "\u3040-\u30ff"
#: Japanese script: kana and kanji (Tesseract's spaces between two of them are removed)
CJK = KANA + KANJI
#: the postal mark 〒 and what OCR reads it as
POSTAL_MARKS = "〒T干テ"
#: ... and what a 〒 read in a column gives too (a tategaki card's, or a column laid out as
#: a line)
POSTAL_MARKS_IN_COLUMNS = POSTAL_MARKS + "=F平亍"


#: Kanji that names are often printed in a variant form a stroke or two apart (山﨑, 髙橋,
#: 𠮷田, 渡邉, 濵田, 德永, 桒原): the form OCR reads → the forms the card may print. The
#: recognisers cannot tell them apart: PP-OCR's character set has no 﨑, 𠮷 or 濵 and reads
#: 邉 as 辺 or 邊; Tesseract's jpn has none of 﨑 𠮷 髙 德 濵 邉 桒. So a name read with one of these
#: is left for its owner to check, with the variants named.
NAME_VARIANTS: dict[str, str] = {
    "崎": "﨑",
    "吉": "𠮷",
    "高": "髙",
    "徳": "德",
    "濱": "濵",
    "浜": "濵",
    "辺": "邉邊",
    "邊": "邉辺",
    "邉": "邊辺",
    "桑": "桒",
    # the same for the forms below, read the other way round: 惠 → 恵, and 恵 may be 惠
    "恵": "惠",
    "穂": "穗",
    "増": "增",
    "凛": "凜",
    "凜": "凛",
}

#: What PP-OCR reads a variant it does not have as, beyond its common form: 桒 as 来, 親 or
#: 乗 (seen on held-out cards). In a name, the ink decides (meishi.ocr.variants). 濵 read as
#: 渡, 演 or 浪 was tried too: the ink told them apart on none of the held-out photos.
NAME_VARIANT_MISREADS: dict[str, str] = {"来": "桒", "親": "桒", "乗": "桒"}

#: Old (or Chinese) forms PP-OCR writes for the form Japanese names use far more often:
#: trained mostly on Chinese, it reads a printed 恵 as 惠 on some fonts (dev: 美穂 as 美穗,
#: 増田 as 增田). In a name the Japanese form is the likelier; it is flagged all the same
#: (see NAME_VARIANTS), as the card may print the old one.
NAME_NEW_FORMS: dict[str, str] = {"惠": "恵", "穗": "穂", "增": "増"}


def variant_forms(name: str) -> dict[str, str]:
    """The characters of ``name`` that the card may print in another form (see
    :data:`NAME_VARIANTS`), with those forms: ``{"崎": "﨑"}`` for 山崎 美咲, and the other way
    round, ``{"﨑": "崎"}`` for 山﨑 美咲 (a form chosen by the ink, see meishi.ocr.variants)."""
    out = {}
    for c in dict.fromkeys(name):
        forms = NAME_VARIANTS.get(c) or "".join(k for k, v in NAME_VARIANTS.items() if c in v)
        if forms:
            out[c] = forms
    return out
