"""Japanese on a recogniser trained mostly on Chinese: glyph mends where the context is sure.

PP-OCR writes simplified glyphs (島→岛, 帯→带, 話→话), the long-vowel mark ー as the kanji
一, katakana as the kanji they resemble (ハ→八, ト→卜, カ→力), and ゜ for ゛. Each mend is
a named rule in :data:`RULES` with an example;
``tests/test_glyphs.py`` is generated from those examples, and ``meishi eval --no-rule NAME``
measures what a rule is worth. A rule stays only if that ablation shows it pays on the
held-out set: an apostrophe-for-dash rule (10 dev fields, none held-out), 〒 look-alikes
(extraction's postal grammar already knows them), ケ→ヶ between kanji (no field either way)
and 1 read for a dash in a column by the grammar of a postal code (no field on any set once
the ink tells dash-strokes from 1s: ``ppocr.bars_read_as_one``) were measured and removed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from meishi.charclass import KANJI, KATAKANA
from meishi.models import OcrLine, OcrWord


def is_japanese_char(ch: str) -> bool:
    """Can Japanese text hold ``ch``? (JIS X 0213 or Windows' CP932: what Japanese fonts,
    forms and phones cover.)"""
    for codec in ("euc_jis_2004", "cp932"):
        try:
            ch.encode(codec)
            return True
        except UnicodeEncodeError:
            continue
    return False


@lru_cache(maxsize=1)
def _converters() -> tuple[Callable[[str], str], Callable[[str], str]]:
    import opencc

    s2t, t2jp = opencc.OpenCC("s2t"), opencc.OpenCC("t2jp")
    return s2t.convert, t2jp.convert


@lru_cache(maxsize=4096)
def japanese_form(ch: str) -> str:
    """The Japanese (shinjitai) form of a Chinese glyph Japanese text cannot hold (岛 → 島),
    through OpenCC's simplified → traditional → Japanese tables; ``ch`` itself when it is
    Japanese already or has no Japanese form."""
    if ch.isascii() or is_japanese_char(ch):
        return ch
    s2t, t2jp = _converters()
    out = t2jp(s2t(ch))
    return out if len(out) == 1 and is_japanese_char(out) else ch


def _simplified(text: str) -> str:
    return "".join(japanese_form(c) for c in text)


# katakana that PP-OCR reads as the kanji (or sign) it resembles
_KANA_LOOKALIKES = {
    "八": "ハ",
    "卜": "ト",
    "了": "ア",
    "力": "カ",
    "夕": "タ",
    "口": "ロ",
    "工": "エ",
    "二": "ニ",
    "才": "オ",
    "入": "ス",
}
#: look-alikes that are common words on their own (二 of 第二, 入 of 入口): only between
#: katakana; the others also where they begin a katakana word and MeCab finds them alone
#: (株式会社力ザネ → カザネ; 協力ソフト keeps its 力: MeCab reads 協力)
_ALONE_IS_A_WORD = frozenset("八二工入口")
_BETWEEN_KANA = re.compile(rf"(?<=[{KATAKANA}])[{''.join(_KANA_LOOKALIKES)}](?=[{KATAKANA}])")
_WORD_START = re.compile(
    rf"(?<![{KANJI}{KATAKANA}\u3040-\u309f])[{''.join(_ALONE_IS_A_WORD)}]"
    rf"(?=[\u30a1-\u30f5\u30fc]{{2}})"
)
_LOOK = "".join(_KANA_LOOKALIKES)
#: a look-alike beside katakana (ミナ卜総研, 株式会社力ザネ) ...
_BESIDE_KANA = re.compile(rf"(?<=[{KATAKANA}])[{_LOOK}]|[{_LOOK}](?=[{KATAKANA}])")
#: ... and a run of katakana and look-alikes (イ口八電機): the word look-alikes count there
_KANA_RUN = re.compile(rf"[{KATAKANA}{_LOOK}]{{3,}}")


def _kana_lookalikes(text: str) -> str:
    text = _BETWEEN_KANA.sub(lambda m: _KANA_LOOKALIKES[m.group()], text)
    text = _WORD_START.sub(lambda m: _KANA_LOOKALIKES[m.group()], text)
    if not _BESIDE_KANA.search(text):
        return text
    from meishi.extract.names import tokens

    alone, at = set(), 0  # where MeCab finds a glyph standing alone, not in a word (協力)
    for tok in tokens(text):
        start = text.find(tok.surface, at)
        if start < 0:
            break
        if len(tok.surface) == 1:
            alone.add(start)
        at = start + len(tok.surface)
    in_run = {
        i
        for m in _KANA_RUN.finditer(text)
        if re.search(f"[{KATAKANA}]", m.group())
        for i in range(m.start(), m.end())
    }

    def counted(i: int) -> bool:  # alone, and no ordinal or number before it (第二, 2八)
        return i in alone and not (i > 0 and (text[i - 1] == "第" or text[i - 1].isdigit()))

    out = list(text)
    for m in _BESIDE_KANA.finditer(text):
        i, ch = m.start(), m.group()
        if not counted(i):
            continue
        if ch not in _ALONE_IS_A_WORD or i in in_run:
            out[i] = _KANA_LOOKALIKES[ch]
    # a look-alike inside a run, between two others (イ口八: 口 beside イ, 八 beside 口)
    for m in _KANA_RUN.finditer("".join(out)):
        run = m.group()
        if re.search(f"[{KATAKANA}]", run):
            for k, ch in enumerate(run):
                if ch in _KANA_LOOKALIKES and counted(m.start() + k):
                    out[m.start() + k] = _KANA_LOOKALIKES[ch]
    return "".join(out)


_VOICING = str.maketrans("パピプペポバビブベボ", "バビブベボパピプペポ")
_KATAKANA_WORD = re.compile(r"[\u30a1-\u30fa\u30fc]{2,}")


def _voicing(text: str) -> str:
    """A katakana word UniDic does not know that becomes words it knows when one ゜ is read
    as ゛ or back (オリオンラポ → オリオンラボ, プランド → ブランド): at small sizes PP-OCR
    tells the two marks apart badly. A coined name UniDic does not know either way is left."""
    from meishi.extract.names import unknown_share

    def mend(m: re.Match[str]) -> str:
        word = m.group()
        if not any(c in "パピプペポバビブベボ" for c in word) or unknown_share(word) == 0:
            return word
        for k, ch in enumerate(word):
            swapped = ch.translate(_VOICING)
            if swapped != ch and unknown_share(word[:k] + swapped + word[k + 1 :]) == 0:
                return word[:k] + swapped + word[k + 1 :]
        return word

    return _KATAKANA_WORD.sub(mend, text)


# ー written as 一 (or a dash) after katakana, before katakana or at the word's end
_LONG_VOWEL = re.compile(rf"(?<=[{KATAKANA}])[一\-‐—―−](?=[{KATAKANA}\d]|$|\s|[^\w])")


def _long_vowel(text: str) -> str:
    return _LONG_VOWEL.sub("ー", text)


# A middle dot between Japanese words is the katakana one (広報・IR室, ジョン・スミス); a
# model trained on Chinese writes the Latin one (U+00B7) or a bullet
_MIDDLE_DOT = re.compile(rf"(?<=[{KATAKANA}{KANJI}A-Za-z])[·•∙](?=[{KATAKANA}{KANJI}A-Za-z])")


def _middle_dot(text: str) -> str:
    if not re.search(rf"[{KATAKANA}{KANJI}]", text):
        return text  # Latin-only text keeps its own dots
    return _MIDDLE_DOT.sub("・", text)


@dataclass(frozen=True)
class GlyphRule:
    name: str
    mend: Callable[[str], str]
    example: str
    expected: str
    why: str


#: every glyph mend, in the order applied; each example is a test
RULES: tuple[GlyphRule, ...] = (
    GlyphRule(
        "simplified",
        _simplified,
        "福岛县 带 话",
        "福島県 帯 話",
        "a glyph Japanese text cannot hold, in its Japanese form (OpenCC s2t + t2jp)",
    ),
    GlyphRule(
        "kana_lookalike",
        _kana_lookalikes,
        "株式会社力ザネ シ二アマネージャー 協力ソフト 八ルカ ミナ卜総研 イ口八電機",
        "株式会社カザネ シニアマネージャー 協力ソフト ハルカ ミナト総研 イロハ電機",
        "a kanji shaped like a katakana, inside a katakana word",
    ),
    GlyphRule(
        "long_vowel",
        _long_vowel,
        "センタ一ビル マネ一ジャ一 タワ一4F",
        "センタービル マネージャー タワー4F",
        "一 or a dash after katakana is the long-vowel mark",
    ),
    GlyphRule(
        "voicing",
        _voicing,
        "株式会社オリオンラポ プランド戦略課 ラビスビル パートナーズ ミツポシ チバソウタ",
        "株式会社オリオンラボ ブランド戦略課 ラピスビル パートナーズ ミツポシ チバソウタ",
        "゜ read for ゛ or back, where that makes an unknown katakana word known ones",
    ),
    GlyphRule(
        "middle_dot",
        _middle_dot,
        "広報·IR室 ジョン·スミス Tom·Lee",
        "広報・IR室 ジョン・スミス Tom・Lee",
        "a middle dot in Japanese text is the katakana one (・), not U+00B7",
    ),
)

#: rules switched off for an ablation (``meishi eval --no-rule``); empty in normal use
DISABLED: set[str] = set()


def mend_text(text: str) -> str:
    for rule in RULES:
        if rule.name not in DISABLED:
            text = rule.mend(text)
    return text


def mend_line(line: OcrLine) -> OcrLine:
    """The line with its glyphs mended in the context of the whole line. A mend replaces
    one glyph by one, so each word keeps its box and its share of the text."""
    text = mend_text(line.text)
    if len(text) != len(line.text):  # a rule broke the one-for-one promise: keep the reading
        return line
    words, at = [], 0
    for w in line.words:
        start = line.text.find(w.text, at)
        if start < 0:
            return line.model_copy(update={"text": text})
        words.append(OcrWord(text=text[start : start + len(w.text)], conf=w.conf, box=w.box))
        at = start + len(w.text)
    return line.model_copy(update={"text": text, "words": words})
