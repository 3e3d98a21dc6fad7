"""Job titles that no fixed list holds: the ones a card builds from parts.

A title on a real card is often a compound the vocabulary (:data:`vocab.TITLES_JA`) cannot
list: a function before an office (営業部長, 開発課長), a katakana role with a modifier
(チーフデザイナー, プロジェクトリーダー), or several titles run together, a Latin C-level
after a Japanese one (代表取締役社長 CEO, OCR often loses the space). :func:`compound_title`
reads such a part as a sequence of title units; a part that is anything else stays "not a
title", so a department, a name or a slogan is never taken for one.
"""

from __future__ import annotations

import re
from functools import lru_cache

from meishi.charclass import HIRAGANA, KANJI, KATAKANA
from meishi.extract import names, vocab

#: offices a function word goes before (営業 + 部長); the head is a few kanji
_OFFICES = (
    "本部長",
    "事業部長",
    "部長",
    "副部長",
    "部長代理",
    "次長",
    "課長",
    "課長代理",
    "課長補佐",
    "室長",
    "所長",
    "局長",
    "支店長",
    "支社長",
    "工場長",
    "店長",
    "センター長",
    "グループ長",
    "係長",
    "主任",
    "担当",
    "次長",
    "事務局長",
    "事務局次長",
)
#: the function or place an office is of: 営業, システム開発, 名古屋, つくば
_HEAD = f"[{HIRAGANA}{KATAKANA}{KANJI}]"
_OFFICE_COMPOUND = re.compile(
    rf"({_HEAD}{{1,8}}?)(?:{'|'.join(sorted(map(re.escape, _OFFICES), key=len, reverse=True))})"
)

#: katakana roles a modifier goes before (チーフ + デザイナー, プロジェクト + リーダー)
_ROLES = (
    "リーダー",
    "マネージャー",
    "マネジャー",
    "エンジニア",
    "デザイナー",
    "コンサルタント",
    "ディレクター",
    "プロデューサー",
    "アナリスト",
    "スペシャリスト",
    "アーキテクト",
    "プランナー",
    "アドバイザー",
    "コーディネーター",
    "オフィサー",
    "エキスパート",
    "サイエンティスト",
    "リサーチャー",
    "ディベロッパー",
    "デベロッパー",
    "プログラマー",
    "エディター",
    "ライター",
    "パートナー",
    "アソシエイト",
    "フェロー",
    "エグゼクティブ",
    "アシスタント",
    "スタッフ",
)
#: the modifier: katakana (シニア, テクニカル, カスタマーサクセス) or a short Latin word
#: or acronym (UX, Web, IT)
_MODIFIER = r"(?:[\u30a1-\u30fa\u30fc・]{2,12}|[A-Za-z]{1,4})"
_ROLE_COMPOUND = re.compile(
    rf"{_MODIFIER}(?:{'|'.join(sorted(map(re.escape, _ROLES), key=len, reverse=True))})"
)
#: C-level and the like, in capitals (OCR reads O as 0 in them: C00, CT0)
_C_LEVEL = re.compile(r"C[A-Z0]{1,2}[O0]|VP|EVP|SVP")


def _function_word(head: str) -> bool:
    """Whether ``head`` ends in a word of two kanji or more (営業, 海外営業, 第一営業): what
    a misread vocabulary title leaves (宮業担当: 宮 | 業) does not."""
    toks = names.tokens(head)
    return bool(toks) and toks[-1].pos1 == "名詞" and len(toks[-1].surface) >= 2


def _office_compound(piece: str) -> bool:
    m = _OFFICE_COMPOUND.fullmatch(piece)
    if m is None:
        return False
    head = m.group(1)
    # the head of a department (事務局, 名古屋支店) or a word of two or more characters
    return head.endswith(vocab.DEPARTMENT_SUFFIXES) or _function_word(head)


def _unit(piece: str) -> bool:
    return (
        piece in vocab.TITLES_JA
        or _office_compound(piece)
        or _ROLE_COMPOUND.fullmatch(piece) is not None
        or _C_LEVEL.fullmatch(piece) is not None
    )


#: 兼 ("and also"): 代表取締役兼CEO, 取締役兼営業本部長
_ALSO = "兼"


@lru_cache(maxsize=4096)
def _units(text: str) -> tuple[str, ...] | None:
    """``text`` cut into title units, longest first; None when it cannot be."""
    if not text:
        return ()
    for end in range(len(text), 0, -1):
        head = text[:end]
        if _unit(head):
            rest_text = text[end:]
            also = rest_text.startswith(_ALSO) and len(rest_text) > 1
            rest = _units(rest_text[1:] if also else rest_text)
            if rest:
                return (head + _ALSO, *rest) if also else (head, *rest)
            if rest is not None and not also:
                return (head,)
    return None


#: katakana as a column's reading loses it: ー dropped or read as a gap, small kana read
#: large (アカウントマネ ジヤ for アカウントマネージャー, シニアア キテクト)
_SMALL_KANA = str.maketrans("ァィゥェォャュョッヮ", "アイウエオヤユヨツワ")


def _loose(text: str) -> str:
    return text.replace("ー", "").replace(" ", "").translate(_SMALL_KANA)


#: a role by its loose spelling; of two that read alike, the one with its ー (マネージャー)
_LOOSE_ROLES = {_loose(r): r for r in sorted(_ROLES, key=lambda r: r.count("ー"))}
_KATAKANA_RUN = re.compile(r"[\u30a1-\u30fa\u30fc ]+")


def loose_katakana_title(part: str) -> str | None:
    """A katakana title read loosely in a column (ー lost, small kana read large): the
    modifier as read and the role as it is spelt (アカウントマネ ジヤ → アカウントマネー
    ジャー); None unless the part ends in exactly one known role."""
    text = part.strip()
    if not _KATAKANA_RUN.fullmatch(text) or len(_loose(text)) < 4:
        return None
    if text in vocab.TITLES_JA or _ROLE_COMPOUND.fullmatch(text):
        return None  # read as spelt: not loose
    loose = _loose(text)
    for n in sorted({len(k) for k in _LOOSE_ROLES}, reverse=True):
        role = _LOOSE_ROLES.get(loose[-n:])
        if role is None:
            continue
        head = loose[:-n]
        if head and len(head) < 2:
            return None
        title = _original_head(text, len(head)) + role
        return title if title != text else None
    return None


def _original_head(text: str, n: int) -> str:
    """The first ``n`` loose characters of ``text`` as they were read (with their ー)."""
    out, count = "", 0
    for ch in text:
        if count == n:
            break
        out += ch if ch != " " else ""
        if ch not in "ー ":
            count += 1
    return out


def compound_title(part: str) -> str | None:
    """The title ``part`` is, when it is one built of title units (営業部長, チーフデザイナー,
    代表取締役社長CEO → 代表取締役社長 CEO); None otherwise. A Latin unit after a Japanese
    one is set apart by a space, as cards print it."""
    text = part.strip()
    if len(text) < 2 or len(text) > 24 or not re.search(r"[^\x00-\x7f]", text):
        return None
    units = _units(text.replace(" ", ""))
    if not units:
        return None
    units = tuple(u.replace("0", "O") if _C_LEVEL.fullmatch(u) else u for u in units)
    out = units[0]
    for u in units[1:]:
        out += (" " if u.isascii() != out[-1].isascii() else "") + u
    return out
