"""Names printed only in the Latin alphabet (English-only and romaji-only cards): which word
is the family name, and a guessed reading (フリガナ) in katakana.

A guess is only made for words that parse as Hepburn romaji (``Yamada``, ``Kyouko``,
``Hattori``); ``Smith`` or ``Michael`` get none. Long vowels are often not written in romaji
(``Taro`` for タロウ), so the guess is marked for checking in the review.
"""

from __future__ import annotations

import re

import jaconv

#: a word of Hepburn romaji: syllables, a syllabic n, a doubled consonant (っ)
_ROMAJI = re.compile(
    r"^(?:(?:sh|ch|ts|[kgszjtdnhbpmr]y|[kgszjtdnhbpmrywfv])?[aiueo]"
    r"|n'?(?![aiueoy])|([kstpgdbzhfjcm])(?=\1)|t(?=ch))+$"
)
_WORDS = re.compile(r"[A-Za-z'\-]+")

#: how sure a guessed reading is: below meishi.models.CHECK_BELOW, so the review marks it
GUESS_CONFIDENCE = 0.3


def split_roman(name: str) -> tuple[str, str]:
    """(family, given) of a name in Latin letters.

    ``YAMADA Taro`` and ``Taro YAMADA``: the word in capitals is the family name (the
    Japanese way of printing it); ``Yamada, Taro``: the family name before the comma;
    otherwise the Western order, the family name last (``Taro Yamada``).
    """
    text = name.strip()
    if "," in text:
        family, _, given = text.partition(",")
        return family.strip(), given.strip()
    words = text.split()
    if len(words) < 2:
        return text, ""
    caps = [w for w in words if w.isupper() and len(w) > 1]
    if len(caps) == 1 and len(words) == 2:
        family = caps[0]
        return family, next(w for w in words if w is not family)
    return words[-1], " ".join(words[:-1])


def reading(name: str | None) -> str | None:
    """A guessed katakana reading, family name first (``Taro Yamada`` → ``ヤマダ タロ``), or
    None when a word is not romaji."""
    if not name or not name.strip():
        return None
    family, given = split_roman(name)
    out = []
    for part in (family, given):
        for word in _WORDS.findall(part):
            lower = word.lower().replace("-", "")
            if not _ROMAJI.match(lower):
                return None
            out.append(jaconv.alphabet2kata(lower.replace("'", "")))
    return " ".join(out) or None
