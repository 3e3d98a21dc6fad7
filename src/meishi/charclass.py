"""Character classes shared by OCR and extraction, each written once.

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
