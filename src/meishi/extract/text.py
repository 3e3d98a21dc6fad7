"""Text normalisation shared by the extraction rules."""

from __future__ import annotations

import re
import unicodedata

from meishi.charclass import CJK

_CJK_SPACE = re.compile(rf"(?<=[{CJK}])[ \t]+(?=[{CJK}])")
_DASHES = re.compile(r"[\u2010-\u2015\u2212\u30fc\uff70\u2500\u2501~〜]")
_DIGIT_DASH = re.compile(r"(?<=\d)\s*[\u2010-\u2015\u2212\u30fc\uff70\u2500\u2501]\s*(?=\d)")
# an ordinal's numeral read as the katakana or the long mark it looks like (中央第ニビル, 第ー営業部)
_ORDINAL_KANA = re.compile(r"(?<=第)[ニー]")
#: a reading written all in katakana, or all in hiragana (spaces and ・ between its words)
KATAKANA_ONLY = re.compile(r"^[\u30a0-\u30ff\u31f0-\u31ff ・]+$")
HIRAGANA_ONLY = re.compile(r"^[\u3040-\u309f\u30fc ・]+$")


def nfkc(text: str) -> str:
    """NFKC, unified dashes between digits, an ordinal's numeral for its kana lookalike,
    single spaces."""
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("\u3000", " ")
    text = _DIGIT_DASH.sub("-", text)
    text = _ORDINAL_KANA.sub(lambda m: "二" if m.group() == "ニ" else "一", text)
    return re.sub(r"[ \t]+", " ", text).strip()


def squeeze_cjk(text: str) -> str:
    """Remove spaces between CJK characters (keep those between Latin words)."""
    return _CJK_SPACE.sub("", text)


def has_cjk(text: str) -> bool:
    return re.search(f"[{CJK}]", text) is not None


def to_katakana(text: str) -> str:
    return "".join(chr(ord(c) + 0x60) if "\u3041" <= c <= "\u3096" else c for c in text)


def is_kana_reading(text: str) -> bool:
    t = text.replace(" ", "")
    return len(t) >= 3 and (
        KATAKANA_ONLY.match(text) is not None or HIRAGANA_ONLY.match(text) is not None
    )


def dash_to_hyphen(text: str) -> str:
    return _DASHES.sub("-", text)
