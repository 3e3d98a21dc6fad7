"""Person and place names with MeCab (fugashi + unidic-lite)."""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache
from typing import Any, NamedTuple

import jaconv

from meishi.charclass import NAME_VARIANTS
from meishi.errors import MissingDependencyError

_lock = threading.Lock()


@lru_cache(maxsize=1)
def tagger() -> Any:
    """The process's one MeCab tagger (UniDic-lite)."""
    try:
        import fugashi
        import unidic_lite

        return fugashi.Tagger(f"-d {unidic_lite.DICDIR}")
    except (ImportError, RuntimeError) as exc:
        raise MissingDependencyError(
            "MeCab dictionary not available: `pip install fugashi unidic-lite` "
            f"(the project's lock installs both) — {exc}"
        ) from exc


class Token(NamedTuple):
    surface: str
    pos1: str
    pos2: str
    pos3: str
    pos4: str


def tokens(text: str) -> list[Token]:
    # MeCab's tagger is not safe to share between threads without a lock
    with _lock:
        return [
            Token(
                w.surface,
                w.feature.pos1 or "",
                w.feature.pos2 or "",
                w.feature.pos3 or "",
                w.feature.pos4 or "",
            )
            for w in tagger()(text)
        ]


def unknown_share(text: str) -> float:
    """Share of ``text``'s characters outside words UniDic knows, a lone kana counting as
    unknown (チパソウタ is チ | パソ | ウタ, not words); 0 when all of it is words."""
    if not text:
        return 0.0
    with _lock:
        unknown = sum(len(w.surface) for w in tagger()(text) if w.is_unk or len(w.surface) < 2)
    return unknown / len(text)


class NameSplit(NamedTuple):
    family: str
    given: str
    #: how sure the split is: 1.0 when UniDic knows both parts as 姓 and 名
    certainty: float


def person_name_score(text: str) -> float:
    """Share of the characters UniDic tags as parts of a person's name (0..1)."""
    compact = text.replace(" ", "")
    if not compact:
        return 0.0
    toks = tokens(compact)
    named = sum(len(t.surface) for t in toks if t.pos3 == "人名")
    return named / len(compact)


def split_name(text: str) -> NameSplit | None:
    """Split a Japanese full name into family and given name."""
    parts = text.split()
    if len(parts) == 2 and all(1 <= len(p) <= 5 for p in parts):
        return NameSplit(parts[0], parts[1], 1.0)
    compact = "".join(parts)
    if not 2 <= len(compact) <= 8:
        return None
    toks = tokens(compact)
    # family name tokens first, then the rest
    family = ""
    for t in toks:
        if t.pos4 == "姓" and len(family) < 4:
            family += t.surface
        else:
            break
    if family and family != compact:
        given = compact[len(family) :]
        given_known = all(t.pos4 == "名" for t in tokens(given))
        return NameSplit(family, given, 1.0 if given_known else 0.8)
    # read as one run, the name hides its family name (久保田颯: 久保田 tagged a place): the
    # longest head UniDic knows, alone, as a family name
    heads = [
        cut
        for cut in range(min(4, len(compact) - 1), 0, -1)
        if [(t.surface, t.pos4) for t in tokens(compact[:cut])] == [(compact[:cut], "姓")]
    ]
    if heads and (cut := heads[0]) >= 2:
        return NameSplit(compact[:cut], compact[cut:], 0.6)
    # unknown family name: use the given-name token at the end if UniDic knows one
    if toks and toks[-1].pos4 == "名" and toks[-1].surface != compact:
        return NameSplit(compact[: -len(toks[-1].surface)], toks[-1].surface, 0.7)
    # the commonest shapes: 2+1, 1+1, 2+2, 3+2
    cut = {2: 1, 3: 2, 4: 2, 5: 3}.get(len(compact), len(compact) // 2)
    return NameSplit(compact[:cut], compact[cut:], 0.4)


def place_name_share(text: str) -> float:
    """Share of the characters UniDic tags as place names (地名)."""
    compact = text.replace(" ", "")
    if not compact:
        return 0.0
    return sum(len(t.surface) for t in tokens(compact) if t.pos3 == "地名") / len(compact)


@lru_cache(maxsize=4096)
def reading(text: str) -> str:
    """Katakana reading UniDic gives for ``text`` (empty if it knows none); cached, as a
    name's parts are read again by each check of the name."""
    with _lock:
        words = list(tagger()(text))
        parts = [getattr(w.feature, "kana", None) or "" for w in words]
    return "" if not all(parts) else "".join(parts)


def _loose(kana: str) -> str:
    """Kana with voicing marks and small kana folded (ガ → カ, ッ → ツ), spaces dropped: OCR
    and name readings (ヤマサキ, ヤマザキ) differ most there."""
    plain = unicodedata.normalize("NFD", kana.replace(" ", ""))
    plain = "".join(c for c in plain if c not in "\u3099\u309a")
    return plain.translate(_SMALL_TO_FULL)


def may_read(kana: str, family: str, given: str) -> bool:
    """Can ``kana`` be the reading of the name ``family given``? Not when UniDic reads both
    parts and the kana neither begins with the family name's reading nor ends with the given
    name's: then it is another word in katakana near the name (システム, センタ)."""
    fam, giv = name_reading(family), name_reading(given)
    if not fam or not giv:
        return True
    k = _loose(kana)
    return k.startswith(_loose(fam)) or k.endswith(_loose(giv))


def space_reading(kana: str, family: str, given: str = "") -> str:
    """Put the space of 'ヤマダ タロウ' where the family name's reading ends, when the card
    printed it too narrow to see or OCR saw a gap inside a name (オオ クボ ヒナ).

    UniDic's reading of the family name (or else of the given name) only places the space;
    the letters are the card's.
    """
    compact = kana.replace(" ", "")
    loose = _loose(compact)  # same length as compact: one kana each
    fam = _loose(name_reading(family))
    giv = _loose(name_reading(given)) if given else ""
    if fam and giv and loose == fam + giv:
        return f"{compact[: len(fam)]} {compact[len(fam) :]}"  # a gap OCR misplaced
    card_gap = kana.index(" ") if kana.count(" ") == 1 else None
    if (
        fam
        and loose.startswith(fam)
        and len(compact) > len(fam)
        and (card_gap is None or card_gap < len(fam))
    ):
        return f"{compact[: len(fam)]} {compact[len(fam) :]}"
    if card_gap is not None:  # the card's own gap, unless it fell inside the family name
        return kana
    if giv and loose.endswith(giv) and len(compact) > len(giv):
        return f"{compact[: -len(giv)]} {compact[-len(giv) :]}"
    return kana


def name_reading(part: str) -> str:
    """UniDic's reading of a name part, through the common form of a variant kanji UniDic
    does not know (德永 is read as 徳永: トクナガ)."""
    if not part:
        return ""
    return reading(part) or reading("".join(_COMMON_FORM.get(c, c) for c in part))


def _common_forms() -> dict[str, str]:
    """A variant kanji → its common form (﨑 → 崎, 德 → 徳, 邊 → 辺), from NAME_VARIANTS,
    where the form listed first is the common one."""
    out: dict[str, str] = {}
    for common, variants in NAME_VARIANTS.items():
        for variant in variants:
            if variant not in out and variant not in out.values():
                out[variant] = common
    return out


_COMMON_FORM = _common_forms()


_SMALL_TO_FULL = str.maketrans("ァィゥェォッャュョヮ", "アイウエオツヤユヨワ")
#: kana a small ャ, ュ or ョ may follow (キャ, シュ, ヂョ, and テュ, デュ, フュ of loanwords)
_TAKES_SMALL_Y = frozenset("キシチニヒミリギジビピヂテデフヴ")
#: kana a small ァ, ィ, ゥ, ェ or ォ may follow (ファ, ウィ, ティ, トゥ, シェ, ツァ, イェ …)
_TAKES_SMALL_VOWEL = frozenset("フウヴテデトドシジチツクグイキギスズ")


def mend_small_kana(reading: str) -> str:
    """A name's reading with the small kana no Japanese reading can have set full size: at a
    word's start (ッムギ), at its end (ッ), or after a kana that takes none (ケィ, カィ).
    PP-OCR reads a kana's size from its box, and a full-size kana set loose reads small."""
    words = []
    for word in reading.split(" "):
        out = []
        for k, ch in enumerate(word):
            before = word[k - 1] if k else ""
            if ch in "ァィゥェォッャュョヮ" and (
                not before
                or (ch == "ッ" and (k == len(word) - 1 or word[k + 1] in "アイウエオンーッ"))
                or (ch in "ャュョ" and before not in _TAKES_SMALL_Y)
                or (ch in "ァィゥェォ" and before not in _TAKES_SMALL_VOWEL)
                or (ch == "ヮ" and before not in "クグ")
            ):
                ch = ch.translate(_SMALL_TO_FULL)
            out.append(ch)
        words.append("".join(out))
    return " ".join(words)


def is_common_word(text: str) -> bool:
    """Katakana that is a loanword (マーケティング, マネージャー), not a name's reading:
    readings of Japanese names spell long vowels out (ユウコ) and are short."""
    compact = text.replace(" ", "").replace("・", "")
    return "ー" in compact or len(compact) > 14


# long vowels and their spellings folded, so that リョウ, Ryo and Ryou (大野: オオノ, Ono,
# Ohno; 難波: Namba, Nanba) compare equal
_LONG_VOWELS = (
    (re.compile(r"ou|oo|oh(?![aiueo])"), "o"),
    (re.compile(r"uu"), "u"),
    (re.compile(r"m(?=[bpm])"), "n"),
)


def romaji_key(text: str) -> str:
    """A name's reading, from kana or romaji, as lower-case romaji with long vowels folded:
    the form in which a name's printed readings (kana line, romaji line, e-mail) and
    UniDic's reading of its kanji can be compared."""
    out = jaconv.kana2alphabet(jaconv.kata2hira(text)).lower()
    out = re.sub(r"[^a-z]", "", out)
    for pattern, repl in _LONG_VOWELS:
        out = pattern.sub(repl, out)
    return out


def reads_as(
    family: str,
    given: str,
    printed: list[list[str]],
    *,
    initials: bool = True,
    voicing: bool = True,
) -> bool | None:
    """Whether a name written ``family given`` in kanji reads as the card prints it.

    ``printed`` holds the card's readings of the name, each as its parts in any order
    (["ニシムラ", "アオイ"], ["Aoi", "Nishimura"], the words of an e-mail's local part). The
    name reads as one when UniDic's readings of its family and given names are its two
    parts (one of them may be an initial: a.nakano) or, run together, all of it
    (nishimuraaoi). None when UniDic knows no reading or the card prints none. With
    ``initials=False`` an initial does not count: only a reading printed whole confirms
    UniDic's reading of that part. With ``voicing`` (the default) a reading that differs
    from UniDic's only in voicing marks counts too (オニヅカ for Onitsuka); without, only the
    exact reading, as when UniDic's is to replace the card's."""
    fam, giv = romaji_key(reading(family)), romaji_key(reading(given))
    if not fam or not giv or not printed:
        return None
    for parts in printed:
        for key in (romaji_key, voiceless_key) if voicing else (romaji_key,):
            f, g = key(reading(family)), key(reading(given))
            keys = [key(p) for p in parts]
            whole = [sorted([f, g])]
            joined = [f + g, g + f]
            if initials:
                whole += [sorted([f, g[0]]), sorted([f[0], g])]
                joined += [g[0] + f, f + g[0]]  # an e-mail's nmaeda, maedan
            if sorted(keys) in whole or "".join(keys) in joined:
                return True
    return False


@lru_cache(maxsize=4096)
def voiceless_key(text: str) -> str:
    """:func:`romaji_key` with voicing folded (オニヅカ and Onitsuka, ヤマサキ and Yamazaki:
    rendaku in a name varies between a dictionary and a person)."""
    if not re.search(r"[ぁ-ゖァ-ヺ]", text):  # romaji: to kana first
        text = jaconv.alphabet2kana(romaji_key(text))
    plain = unicodedata.normalize("NFD", jaconv.hira2kata(text))
    return romaji_key(unicodedata.normalize("NFC", re.sub("[\u3099\u309a]", "", plain)))
