"""The two sides of one card read in the same ingest run (Japanese front, English back).

The sides share no name spelling, so they are paired by their file names (``x_front`` /
``x_back``, ``omote`` / ``ura``, 表 / 裏), or else by the same person read on both: a 名寄せ
merge (:func:`meishi.merge.match`), a shared personal e-mail or mobile number, or the same
romanised name with the same phone or web site (:func:`same_card`). A scan of several cards
(a flatbed) names no side: each of its cards is paired by what it says.
"""

from __future__ import annotations

import re
from typing import Literal

from meishi.merge import Fields, match, personal_email, phone_key, roman_key, url_key

Side = Literal["front", "back"]

_SIDE = re.compile(r"^(?P<stem>.+?)[_\-. ](?P<side>front|back|omote|ura|表|裏)$", re.IGNORECASE)


def side_of(filename: str) -> tuple[str, Side] | None:
    """``card12_front.jpg`` → ("card12", "front"); None when the name says no side."""
    stem = filename.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    m = _SIDE.match(stem)
    if not m:
        return None
    side = m.group("side").lower()
    prefix = filename.rsplit("/", 1)[0] + "/" if "/" in filename else ""
    return prefix + m.group("stem"), "front" if side in ("front", "omote", "表") else "back"


def same_card(a: Fields, b: Fields) -> bool:
    """Two sides of one card read in the same batch (names written in different scripts)."""
    found = match(a, b)
    if found is not None and found.kind == "merge":
        return True
    mail_a, mail_b = personal_email(a.get("email")), personal_email(b.get("email"))
    if mail_a and mail_a == mail_b:
        return True
    mob_a, mob_b = phone_key(a.get("mobile")), phone_key(b.get("mobile"))
    if mob_a and mob_a == mob_b:
        return True
    ra, rb = roman_key(a.get("name_roman")), roman_key(b.get("name_roman"))
    if ra and ra == rb:
        tel_a, tel_b = phone_key(a.get("tel")), phone_key(b.get("tel"))
        url_a, url_b = url_key(a.get("url")), url_key(b.get("url"))
        return bool(tel_a and tel_a == tel_b) or bool(url_a and url_a == url_b)
    return False


class Batch:
    """The contacts one ingest run created, to recognise the other side of the same card: by
    its file name (``x_front``/``x_back``), or by the same person read in both
    (:func:`same_card`)."""

    def __init__(self) -> None:
        self.by_stem: dict[str, int] = {}
        self.read: list[tuple[int, Fields]] = []

    def other_side(self, named: tuple[str, Side] | None, values: Fields) -> int | None:
        """The contact that holds this card's other side, if this run stored it already."""
        if named and named[0] in self.by_stem:
            return self.by_stem[named[0]]
        for contact_id, other in self.read:
            if same_card(values, other):
                return contact_id
        return None

    def add(self, named: tuple[str, Side] | None, contact_id: int, values: Fields) -> None:
        """A card this run stored (as a new contact or joined to one)."""
        if named:
            self.by_stem.setdefault(named[0], contact_id)
        self.read.append((contact_id, values))
