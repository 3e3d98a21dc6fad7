"""Export contacts as vCard (3.0 / 4.0), CSV (Google Contacts, Excel) or JSON, and read them back.

vCards are built and serialised with :mod:`vobject`; nothing here writes vCard syntax by hand.
Where a card's content has no standard vCard property it goes to two places: readable,
labelled lines in ``NOTE`` (what any address book shows) and ``X-MEISHI-*`` properties (what
:func:`read_vcards` reads back exactly):

* the romanised name: ``X-MEISHI-NAME-ROMAN``;
* the English side of the card: ``X-MEISHI-COMPANY-EN``, ``X-MEISHI-DEPARTMENT-EN``,
  ``X-MEISHI-TITLE-EN``, ``X-MEISHI-ADDRESS-EN``.

``NOTE`` holds, in this order, the purpose note (``目的 Purpose: ...`` and the other labelled
lines), the free notes (``メモ Notes: ...``), the career history
(``役職 Title history: 2025-04-01 課長 → 2026-01-10 部長``) and the English side.  A value that
spans lines continues on lines indented by two spaces, so the note reads back losslessly.

vobject quirks handled here (vobject 0.9.x knows only vCard 3.0):

* ``VERSION:4.0`` cards are built and read with its 3.0 behaviour; only the version line differs.
* Its text behaviour backslash-escapes ``,`` and ``;`` on output, which is wrong for URI values
  (``URL``, a 4.0 ``PHOTO`` data URI, a 4.0 ``TEL`` ``tel:`` URI): those lines are marked
  already-encoded so they are written verbatim.
* On input it decodes a text value as the *first* item of a comma-separated list, which cuts a
  ``data:image/png;base64,...`` URI (or an unescaped comma) short: :func:`read_vcards` reads
  text, URI and ``CATEGORIES`` values from vobject's raw content lines instead.
* It folds lines by bytes (never splitting a UTF-8 sequence) only once a line has 75 characters;
  shorter lines of multi-byte text stay unfolded (75 octets is a SHOULD in RFC 2426/6350), and
  ``PHOTO`` is never folded (its Apple Address Book workaround).
"""

from __future__ import annotations

import base64
import contextlib
import csv
import io
import json
import os
import re
import stat
import tempfile
import uuid
from collections.abc import Iterable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal

import vobject
from vobject.base import (
    Component,
    ContentLine,
    VObjectError,
    getLogicalLines,
    textLineToContentLine,
)
from vobject.icalendar import stringToTextValues
from vobject.vcard import Address, Name

from meishi import romaji
from meishi.extract.text import has_cjk
from meishi.extract.vocab import PREFECTURES
from meishi.models import (
    FIELD_NAMES,
    FIELD_TITLES,
    HISTORY_FIELDS,
    Contact,
    ContactStatus,
    PurposeNote,
)

VCardVersion = Literal["3.0", "4.0"]
CsvDialect = Literal["google", "excel"]
TextEncoding = Literal["utf-8", "utf-8-sig", "cp932"]
ExportFormat = Literal["vcard", "csv", "json"]

#: namespace of the stable vCard UIDs (uuid5 of contact id and first card hash)
UID_NAMESPACE = uuid.UUID("657216ab-3b54-4d2e-a545-729966c78676")
PRODID = "-//meishi//meishi contacts export//JA"
CATEGORY = "meishi"
JSON_FORMAT = "meishi-contacts"
JSON_VERSION = 1
GETA = "〓"

#: the purpose note's lines in NOTE (labels of :class:`meishi.models.PurposeNote`)
NOTE_LABELS: dict[str, str] = {
    key: info.title or key for key, info in PurposeNote.model_fields.items()
}
NOTES_LABEL = "メモ Notes"
HISTORY_LABELS: dict[str, str] = {key: f"{FIELD_TITLES[key]} history" for key in HISTORY_FIELDS}
#: the romanised name and the English side of the card, as NOTE lines and X- properties
ENGLISH_LABELS: dict[str, str] = {
    "name_roman": "ローマ字氏名 Name (English)",
    "company": "英文社名 Company (English)",
    "department": "英文部署 Department (English)",
    "title": "英文役職 Title (English)",
    "address": "英文住所 Address (English)",
}
ENGLISH_X: dict[str, str] = {
    "name_roman": "X-MEISHI-NAME-ROMAN",
    "company": "X-MEISHI-COMPANY-EN",
    "department": "X-MEISHI-DEPARTMENT-EN",
    "title": "X-MEISHI-TITLE-EN",
    "address": "X-MEISHI-ADDRESS-EN",
}
_HISTORY_ARROW = " → "
_HISTORY_EMPTY = "(なし)"
_INDENT = "  "

#: (field, vCard 3.0 TYPE, vCard 4.0 TYPE, Google Contacts label)
PHONES: tuple[tuple[str, tuple[str, ...], tuple[str, ...], str], ...] = (
    ("tel", ("WORK", "VOICE"), ("work", "voice"), "Work"),
    ("fax", ("WORK", "FAX"), ("work", "fax"), "Work Fax"),
    ("mobile", ("CELL", "VOICE"), ("cell", "voice"), "Mobile"),
)

GOOGLE_HEADER: tuple[str, ...] = (
    "First Name",
    "Middle Name",
    "Last Name",
    "Phonetic First Name",
    "Phonetic Middle Name",
    "Phonetic Last Name",
    "Name Prefix",
    "Name Suffix",
    "Nickname",
    "File As",
    "Organization Name",
    "Organization Title",
    "Organization Department",
    "Birthday",
    "Notes",
    "Photo",
    "Labels",
    "E-mail 1 - Label",
    "E-mail 1 - Value",
    *(f"Phone {i} - {part}" for i in range(1, len(PHONES) + 1) for part in ("Label", "Value")),
    "Address 1 - Label",
    "Address 1 - Formatted",
    "Address 1 - Street",
    "Address 1 - City",
    "Address 1 - PO Box",
    "Address 1 - Region",
    "Address 1 - Postal Code",
    "Address 1 - Country",
    "Address 1 - Extended Address",
    "Website 1 - Label",
    "Website 1 - Value",
)
GOOGLE_LABELS = "* myContacts ::: meishi"

EXCEL_HEADER: tuple[str, ...] = (
    "氏名",
    "氏名(フリガナ)",
    "氏名(ローマ字)",
    "会社名",
    "部署",
    "役職",
    "郵便番号",
    "住所",
    "電話",
    "FAX",
    "携帯",
    "メール",
    "URL",
    "目的",
    "出会った場所",
    "出会った日",
    "与えられること",
    "相手から得られること",
    "次のアクション",
    "フォローアップ日",
    "メモ",
    "経歴",
    "状態",
    "登録日",
    "ID",
)
STATUS_LABELS: dict[str, str] = {
    ContactStatus.complete.value: "完了",
    ContactStatus.needs_purpose.value: "目的未入力",
}

_PREFECTURE = re.compile("|".join(sorted(PREFECTURES, key=len, reverse=True)))
#: 郡+町村, (市+)区, 市 (四日市市), 町村: stops at the first digit or space
_CITY = re.compile(r"[^\d\s]+?郡[^\d\s]+?[町村]|[^\d\s]+?区|[^\d\s]+?市(?:市)?|[^\d\s]+?[町村]")
_NAME_SEP = re.compile(r"[ \u3000]+")
_NATIONAL_PHONE = re.compile(r"0\d+(?:-\d+)*")
_INTERNATIONAL_PHONE = re.compile(r"\+\d+(?:-\d+)*")

#: characters CP932 lacks that have a look-alike it holds (not counted as lost)
_CP932_LOOKALIKES = str.maketrans(
    {"\u2014": "\u2015", "\u2013": "-", "\u00a0": " ", "\u00b7": "\u30fb"}
)


# ------------------------------------------------------------------------------- helpers


def _value(contact: Contact, key: str) -> str | None:
    """A field's value, stripped; None when missing or blank."""
    raw = contact.fields.get(key)
    return raw.strip() if raw and raw.strip() else None


def split_name(name: str | None) -> tuple[str, str]:
    """``"山田 太郎"`` -> ``("山田", "太郎")``: family, given (all in family without a space);
    a name in Latin letters by ``romaji.split_roman`` (``Taro YAMADA`` -> YAMADA, Taro)."""
    if not name or not name.strip():
        return "", ""
    if not has_cjk(name):
        return romaji.split_roman(name)
    parts = _NAME_SEP.split(name.strip(), maxsplit=1)
    return (parts[0], parts[1]) if len(parts) == 2 else (parts[0], "")


def split_address(address: str | None) -> tuple[str, str, str]:
    """A Japanese address -> (prefecture, city/ward, the rest); joining them gives it back.

    A heuristic: the prefecture when the address starts with one of the 47, then the
    municipality (``横浜市西区``, ``千代田区``, ``四日市市``, ``北足立郡伊奈町``).
    """
    if not address:
        return "", "", ""
    m = _PREFECTURE.match(address)
    region = m.group(0) if m else ""
    rest = address[len(region) :]
    c = _CITY.match(rest)
    city = c.group(0) if c else ""
    return region, city, rest[len(city) :]


def _lines(label: str, value: str) -> list[str]:
    """One labelled NOTE entry; further lines of the value are indented."""
    first, *more = value.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return [f"{label}: {first}", *(_INDENT + line for line in more)]


def history_lines(contact: Contact) -> list[str]:
    """``役職 Title history: 2025-04-01 課長 → 2026-01-10 部長``, one line per field."""
    fields = [*HISTORY_FIELDS, *sorted({h.field for h in contact.history} - set(HISTORY_FIELDS))]
    out = []
    for field in fields:
        entries = sorted(contact.history_of(field), key=lambda h: h.since)
        if entries:
            steps = [
                f"{h.since.isoformat()} {h.value if h.value is not None else _HISTORY_EMPTY}"
                for h in entries
            ]
            out.append(
                f"{HISTORY_LABELS.get(field, f'{field} history')}: " + _HISTORY_ARROW.join(steps)
            )
    return out


def _english(contact: Contact) -> dict[str, str]:
    """The romanised name and the English side, in ENGLISH_LABELS order, blanks dropped."""
    values = {"name_roman": _value(contact, "name_roman"), **contact.english}
    return {k: v.strip() for k in ENGLISH_LABELS if (v := values.get(k)) and v.strip()}


def note_text(contact: Contact) -> str:
    """The readable NOTE: purpose note, free notes, career history, English side."""
    lines: list[str] = []
    if contact.note:
        for key, label in NOTE_LABELS.items():
            v = getattr(contact.note, key)
            if v is not None and v != "":
                lines += _lines(label, v.isoformat() if isinstance(v, date) else str(v))
    if contact.notes and contact.notes.strip():
        lines += _lines(NOTES_LABEL, contact.notes.strip("\r\n"))
    lines += history_lines(contact)
    for key, v in _english(contact).items():
        lines += _lines(ENGLISH_LABELS[key], v)
    return "\n".join(lines)


def parse_note(text: str) -> dict[str, Any]:
    """Split a NOTE written by :func:`note_text` back into its parts.

    Returns ``note`` (the purpose note's fields as strings, or None), ``notes`` (labelled free
    notes plus any line not ours), ``history`` (dicts of field, value, since) and ``english``.
    """
    by_label = {
        **{v: ("note", k) for k, v in NOTE_LABELS.items()},
        NOTES_LABEL: ("notes", "notes"),
        **{v: ("history", k) for k, v in HISTORY_LABELS.items()},
        **{v: ("english", k) for k, v in ENGLISH_LABELS.items()},
    }
    entries: list[tuple[tuple[str, str], list[str]]] = []
    other: list[str] = []
    current: list[str] | None = None
    for line in text.replace("\r\n", "\n").split("\n"):
        if current is not None and line.startswith(_INDENT):
            current.append(line[len(_INDENT) :])
            continue
        label, sep, value = line.partition(": ")
        if sep and label in by_label:
            current = [value]
            entries.append((by_label[label], current))
        else:
            current = None
            other.append(line)
    note: dict[str, str] = {}
    notes: list[str] = []
    history: list[dict[str, Any]] = []
    english: dict[str, str] = {}
    for (kind, key), parts in entries:
        value = "\n".join(parts)
        if kind == "note":
            note[key] = value
        elif kind == "notes":
            notes.append(value)
        elif kind == "english":
            english[key] = value
        else:
            for step in value.split(_HISTORY_ARROW):
                since, _, held = step.partition(" ")
                history.append(
                    {
                        "field": key,
                        "since": since,
                        "value": None if held == _HISTORY_EMPTY else held,
                    }
                )
    extra = "\n".join(other).strip("\n")
    if extra.strip():
        notes.append(extra)
    return {
        "note": note or None,
        "notes": "\n".join(notes) or None,
        "history": history,
        "english": english,
    }


def vcard_uid(contact: Contact) -> str:
    """A UID that stays the same across exports: uuid5 of contact id and first card hash."""
    return "urn:uuid:" + str(uuid.uuid5(UID_NAMESPACE, f"{contact.id}:{contact.sha256}"))


def _stamp(moment: datetime) -> str:
    """A vCard timestamp in UTC (naive datetimes are taken as UTC)."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _tel_uri(number: str) -> str | None:
    """``03-1234-5678`` -> ``tel:+81-3-1234-5678`` (None when not a plain number)."""
    if _NATIONAL_PHONE.fullmatch(number):
        return "tel:+81-" + number[1:]
    if _INTERNATIONAL_PHONE.fullmatch(number):
        return "tel:" + number
    return None


def _from_tel_uri(uri: str) -> str:
    """The inverse of :func:`_tel_uri`: Japanese numbers back to national format."""
    number = uri[4:] if uri.lower().startswith("tel:") else uri
    number = number.split(";", 1)[0]
    return "0" + number[4:] if number.startswith("+81-") else number


def _image(contact: Contact) -> tuple[bytes, str] | None:
    """The first card's image bytes and type (PNG / JPEG), when the file exists."""
    path = contact.image_path
    if path is None or not path.is_file():
        return None
    data = path.read_bytes()
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":  # stored as WebP: address books want JPEG
        import cv2
        import numpy as np

        img = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
        ok, buf = (
            cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, 85])
            if img is not None
            else (False, None)
        )
        if not ok or buf is None:
            return None
        return buf.tobytes(), "JPEG"
    return data, "JPEG" if data[:3] == b"\xff\xd8\xff" else "PNG"


# ------------------------------------------------------------------------------- vCard


def _add(
    card: Component,
    name: str,
    value: Any,
    params: dict[str, str | list[str]] | None = None,
    *,
    verbatim: bool = False,
) -> ContentLine:
    """Add a property; ``verbatim`` skips vobject's text escaping (for URI values)."""
    line: ContentLine = card.add(name)
    line.value = value
    for key, param in (params or {}).items():
        line.params[key] = param if isinstance(param, list) else [param]
    if verbatim:
        line.encoded = True
    return line


def _vcard(contact: Contact, version: VCardVersion, photo: bool) -> Component:
    """One contact as a vobject vCard component."""
    v4 = version == "4.0"
    card = vobject.vCard()
    _add(card, "version", version)
    _add(card, "prodid", PRODID)
    _add(card, "uid", vcard_uid(contact))
    name, company = _value(contact, "name"), _value(contact, "company")
    fallback = company or _value(contact, "email") or _value(contact, "tel") or f"#{contact.id}"
    _add(card, "fn", name or fallback)
    family, given = split_name(name)
    n = _add(card, "n", Name(family=family, given=given))
    kana_family, kana_given = split_name(_value(contact, "name_kana"))
    if kana_family:
        _add(card, "x-phonetic-last-name", kana_family)
        if v4:
            n.params["SORT-AS"] = [",".join(p for p in (kana_family, kana_given) if p)]
    if kana_given:
        _add(card, "x-phonetic-first-name", kana_given)
    if not name and company:  # a company's card: show it as one
        if v4:
            _add(card, "kind", "org")
        else:
            _add(card, "x-abshowas", "COMPANY")
    department = _value(contact, "department")
    if company or department:
        _add(card, "org", [company or ""] + ([department] if department else []))
    if title := _value(contact, "title"):
        _add(card, "title", title)
    postal, address = _value(contact, "postal_code"), _value(contact, "address")
    if postal or address:
        region, city, street = split_address(address)
        _add(
            card,
            "adr",
            Address(street=street, city=city, region=region, code=postal or ""),
            {"TYPE": "work" if v4 else "WORK"},
        )
    for field, types3, types4, _label in PHONES:
        if number := _value(contact, field):
            uri = _tel_uri(number) if v4 else None
            if uri:
                _add(card, "tel", uri, {"TYPE": list(types4), "VALUE": "uri"}, verbatim=True)
            else:
                _add(card, "tel", number, {"TYPE": list(types4 if v4 else types3)})
    if email := _value(contact, "email"):
        _add(card, "email", email, {"TYPE": "work" if v4 else ["INTERNET", "WORK"]})
    if url := _value(contact, "url"):
        url = "".join(url.split())
        _add(card, "url", url, {"TYPE": "work"} if v4 else None, verbatim=True)
    if text := note_text(contact):
        _add(card, "note", text)
    for key, value in _english(contact).items():
        _add(card, ENGLISH_X[key], value)
    _add(card, "categories", [CATEGORY])
    moments = [m for m in (contact.updated_at, contact.reviewed_at, contact.created_at) if m]
    _add(card, "rev", max(_stamp(m) for m in moments))
    if photo and (image := _image(contact)):
        data, kind = image
        if v4:
            uri = f"data:image/{kind.lower()};base64,{base64.b64encode(data).decode('ascii')}"
            _add(card, "photo", uri, verbatim=True)
        else:
            _add(card, "photo", data, {"ENCODING": "b", "TYPE": kind})
    return card


def to_vcard(
    contacts: Iterable[Contact], version: VCardVersion = "3.0", photo: bool = False
) -> str:
    """Contacts as vCards (one ``VCARD`` each, CRLF lines, folded by vobject).

    ``photo`` embeds the first card's image (3.0: ``ENCODING=b;TYPE=PNG`` base64, 4.0: a
    ``data:image/png;base64,`` URI) when its file exists.
    """
    if version not in ("3.0", "4.0"):
        raise ValueError(f"vCard version must be 3.0 or 4.0, not {version!r}")
    return "".join(_vcard(c, version, photo).serialize() for c in contacts)


def _unescape(raw: str) -> str:
    """A raw text value without vCard escapes (unescaped commas kept as commas)."""
    return ",".join(stringToTextValues(raw))


def _flat(value: Any) -> str:
    """A structured value's part (a string, or a list when it held commas) as a string."""
    return ",".join(value) if isinstance(value, list) else (value or "")


def _types(line: ContentLine) -> set[str]:
    """A property's TYPE values, lower case (``TYPE=a,b``, ``TYPE=a;TYPE=b``, ``TYPE="a,b"``)."""
    return {t.strip().lower() for p in line.params.get("TYPE", []) for t in p.split(",")}


def _photo(line: ContentLine, raw: str | None) -> bytes | None:
    """PHOTO bytes from a 3.0 base64 line or a (4.0) data URI; None for links."""
    if isinstance(line.value, bytes):
        return line.value
    if raw and raw.startswith("data:"):
        header, _, payload = raw.partition(",")
        if header.endswith(";base64"):
            return base64.b64decode(payload)
    return None


def read_vcards(text: str) -> list[dict[str, Any]]:
    """Parse vCards (3.0 or 4.0) into plain dicts keyed by our field names.

    Besides :data:`meishi.models.FIELD_NAMES` each dict has ``version``, ``uid``, ``rev``,
    ``categories``, ``english``, ``note`` (the purpose note's fields as strings, or None),
    ``notes``, ``history`` (dicts of field, value, since), ``note_text`` (the whole NOTE)
    and ``photo`` (bytes or None).
    """
    # vobject's raw content lines by line number: values before its lossy text decoding
    raw: dict[int, str] = {}
    for line, number in getLogicalLines(io.StringIO(text), False):
        try:
            raw[number] = textLineToContentLine(line, number).value
        except VObjectError:
            continue
    return [_read_card(card, raw) for card in vobject.readComponents(text) if card.name == "VCARD"]


class _Card:
    """One parsed vCard with access to its raw values."""

    def __init__(self, card: Component, raw: dict[int, str]) -> None:
        self.card, self.raw = card, raw

    def lines(self, name: str) -> list[ContentLine]:
        return list(self.card.contents.get(name.lower(), []))

    def raw_value(self, line: ContentLine) -> str | None:
        return self.raw.get(line.lineNumber) if line.lineNumber is not None else None

    def text(self, line: ContentLine) -> str:
        r = self.raw_value(line)
        return _unescape(r) if r is not None else _flat(line.value)

    def first(self, name: str) -> str | None:
        lines = self.lines(name)
        return (self.text(lines[0]) or None) if lines else None


def _read_card(component: Component, raw: dict[int, str]) -> dict[str, Any]:
    """One vCard as a plain dict (see :func:`read_vcards`)."""
    card = _Card(component, raw)
    item: dict[str, Any] = dict.fromkeys(FIELD_NAMES)
    item.update(version=card.first("version"), uid=card.first("uid"), rev=card.first("rev"))
    n = card.lines("n")
    has_name = bool(n) and any(
        _flat(getattr(n[0].value, part))
        for part in ("family", "given", "additional", "prefix", "suffix")
    )
    item["name"] = card.first("fn") if has_name else None
    kana = (card.first("x-phonetic-last-name"), card.first("x-phonetic-first-name"))
    item["name_kana"] = " ".join(k for k in kana if k) or None
    if org := card.lines("org"):
        parts = [_flat(p) for p in org[0].value]
        item["company"] = (parts[0] or None) if parts else None
        item["department"] = " ".join(p for p in parts[1:] if p) or None
    item["title"] = card.first("title")
    if adrs := card.lines("adr"):
        work = [a for a in adrs if "work" in _types(a)]
        adr: Address = (work or adrs)[0].value
        street = " ".join(p for p in (_flat(adr.street), _flat(adr.extended)) if p)
        item["address"] = _flat(adr.region) + _flat(adr.city) + street or None
        item["postal_code"] = _flat(adr.code) or None
    for line in card.lines("tel"):
        types = _types(line)
        field = "fax" if "fax" in types else "mobile" if "cell" in types else "tel"
        value = card.text(line)
        if item[field] is None and value:
            item[field] = _from_tel_uri(value) if value.lower().startswith("tel:") else value
    item["email"] = card.first("email")
    if urls := card.lines("url"):
        item["url"] = card.raw_value(urls[0]) or _flat(urls[0].value) or None
    item["note_text"] = "\n".join(card.text(line) for line in card.lines("note")) or None
    parsed = parse_note(item["note_text"] or "")
    item.update(note=parsed["note"], notes=parsed["notes"], history=parsed["history"])
    english = dict(parsed["english"])
    for key, prop in ENGLISH_X.items():
        if translated := card.first(prop):
            english[key] = translated
    item["name_roman"] = english.pop("name_roman", None)
    item["english"] = english
    item["categories"] = [
        c
        for line in card.lines("categories")
        for c in stringToTextValues(card.raw_value(line) or _flat(line.value))
        if c
    ]
    photos = card.lines("photo")
    item["photo"] = _photo(photos[0], card.raw_value(photos[0])) if photos else None
    return item


# ------------------------------------------------------------------------------- CSV


def _google_row(contact: Contact) -> dict[str, str]:
    """One contact as a row of Google Contacts' CSV."""
    family, given = split_name(_value(contact, "name"))
    kana_family, kana_given = split_name(_value(contact, "name_kana"))
    postal, address = _value(contact, "postal_code"), _value(contact, "address")
    region, city, street = split_address(address)
    row = dict.fromkeys(GOOGLE_HEADER, "")
    row.update(
        {
            "First Name": given,
            "Last Name": family,
            "Phonetic First Name": kana_given,
            "Phonetic Last Name": kana_family,
            "Organization Name": _value(contact, "company") or "",
            "Organization Title": _value(contact, "title") or "",
            "Organization Department": _value(contact, "department") or "",
            "Notes": note_text(contact),
            "Labels": GOOGLE_LABELS,
        }
    )
    if email := _value(contact, "email"):
        row.update({"E-mail 1 - Label": "Work", "E-mail 1 - Value": email})
    phones = [
        (label, number) for field, _t3, _t4, label in PHONES if (number := _value(contact, field))
    ]
    for i, (label, number) in enumerate(phones, start=1):  # filled in order, as Google does
        row.update({f"Phone {i} - Label": label, f"Phone {i} - Value": number})
    if postal or address:
        formatted = " ".join(p for p in (f"〒{postal}" if postal else "", address or "") if p)
        row.update(
            {
                "Address 1 - Label": "Work",
                "Address 1 - Formatted": formatted,
                "Address 1 - Street": street,
                "Address 1 - City": city,
                "Address 1 - Region": region,
                "Address 1 - Postal Code": postal or "",
            }
        )
    if url := _value(contact, "url"):
        row.update({"Website 1 - Label": "Work", "Website 1 - Value": url})
    return row


def _excel_row(contact: Contact) -> dict[str, str]:
    """One contact as a row of the Japanese spreadsheet."""
    note = contact.note
    values = [_value(contact, key) or "" for key in FIELD_NAMES]

    def part(key: str) -> str:
        v = getattr(note, key) if note else None
        return "" if v is None else v.isoformat() if isinstance(v, date) else str(v)

    values += [part(key) for key in NOTE_LABELS]
    values += [
        (contact.notes or "").strip("\r\n"),
        "\n".join(history_lines(contact)),
        STATUS_LABELS.get(contact.status.value, contact.status.value),
        contact.created_at.date().isoformat(),
        str(contact.id),
    ]
    return dict(zip(EXCEL_HEADER, values, strict=True))


#: a cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets
#: (OWASP's list: = + - @ tab CR; the full-width forms too, as Japanese input may convert
#: them — a precaution, and the cost is one visible quote in a rare cell)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
#: a phone number in international form: digits and separators only, so it can call no
#: function and name no cell, file or program
_PHONE_CELL = re.compile(r"\+[0-9][0-9 ().\-]*")
#: the Google CSV's phone columns
GOOGLE_PHONE_COLUMNS = frozenset(f"Phone {i} - Value" for i in range(1, len(PHONES) + 1))


def safe_cell(value: str, phone: bool = False) -> str:
    """A CSV cell a spreadsheet shows as text: a value that starts like a formula gets
    OWASP's leading single quote (``=HYPERLINK(...)`` -> ``'=HYPERLINK(...)``).

    ``phone``: the cell is a phone number for an importer (the Google CSV), and an
    international number (``+81-3-1234-5678``) is kept as it is: it holds nothing but digits
    and separators, so it can run nothing, and with a quote Google Contacts would store a
    number nobody can dial. The Excel CSV quotes it like any other cell: Excel would
    otherwise compute ``+81-3-1234-5678`` into -6834, and ``'+81-3-1234-5678`` still reads.
    """
    if not _formula_start(value):
        return value
    if phone and _PHONE_CELL.fullmatch(value):
        return value
    return "'" + value


def _formula_start(value: str) -> bool:
    """Whether ``value`` starts like a formula, as typed or as a CP932 file writes it (an
    en dash – becomes -, a minus sign − becomes －: see :func:`encode_text`)."""
    if value.startswith(FORMULA_STARTS):
        return True
    head, lost = encode_text(value[:1], "cp932")
    return not lost and head.decode("cp932").startswith(FORMULA_STARTS)


def _safe_row(row: dict[str, str], phones: frozenset[str]) -> dict[str, str]:
    return {k: safe_cell(v, phone=k in phones) for k, v in row.items()}


def to_csv(contacts: Iterable[Contact], dialect: CsvDialect = "google") -> str:
    """Contacts as CSV text (CRLF lines): Google Contacts' columns, or Japanese ones for Excel.

    google: the header of Google Contacts' own CSV export (names split family/given, kana in
    the phonetic columns, phones Work / Work Fax / Mobile in order, the purpose note, free
    notes, history and English side in Notes, label ``meishi``).

    Every cell that a spreadsheet would take for a formula is neutralised (:func:`safe_cell`).
    """
    if dialect == "google":
        header, row = GOOGLE_HEADER, _google_row
    elif dialect == "excel":
        header, row = EXCEL_HEADER, _excel_row
    else:
        raise ValueError(f"CSV dialect must be google or excel, not {dialect!r}")
    buf = io.StringIO(newline="")
    writer = csv.DictWriter(buf, fieldnames=header, lineterminator="\r\n")
    writer.writeheader()
    phones = GOOGLE_PHONE_COLUMNS if dialect == "google" else frozenset()
    writer.writerows(_safe_row(row(c), phones) for c in contacts)
    return buf.getvalue()


# ------------------------------------------------------------------------------- encoding


def encode_text(text: str, encoding: TextEncoding) -> tuple[bytes, int]:
    """Text as bytes, and how many characters the encoding could not hold.

    cp932 (Windows Shift_JIS, which holds 髙 and 﨑) writes 〓 for each character it lacks
    (``🙂``, ``𠮷``, ``é``); a few it lacks but has a look-alike for (— – NBSP ·) become that
    look-alike and are not counted.  UTF-8 holds everything.
    """
    if encoding in ("utf-8", "utf-8-sig"):
        return text.encode(encoding), 0
    if encoding != "cp932":
        raise ValueError(f"encoding must be utf-8, utf-8-sig or cp932, not {encoding!r}")
    text = text.translate(_CP932_LOOKALIKES)
    try:
        return text.encode("cp932"), 0
    except UnicodeEncodeError:
        pass
    geta = GETA.encode("cp932")
    out, lost = [], 0
    for ch in text:  # Shift_JIS is stateless, so characters encode one by one
        try:
            out.append(ch.encode("cp932"))
        except UnicodeEncodeError:
            out.append(geta)
            lost += 1
    return b"".join(out), lost


# ------------------------------------------------------------------------------- JSON


def to_json(contacts: Iterable[Contact]) -> str:
    """Contacts as a ``meishi-contacts`` JSON document (UTF-8 text, indented)."""
    doc = {
        "format": JSON_FORMAT,
        "version": JSON_VERSION,
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "contacts": [c.model_dump(mode="json") for c in contacts],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def read_json(text: str) -> list[Contact]:
    """Contacts from a document written by :func:`to_json`, validated."""
    doc = json.loads(text)
    if not isinstance(doc, dict) or doc.get("format") != JSON_FORMAT:
        raise ValueError(f"not a {JSON_FORMAT} document")
    if doc.get("version") != JSON_VERSION:
        raise ValueError(f"unsupported {JSON_FORMAT} version {doc.get('version')!r}")
    return [Contact.model_validate(c) for c in doc["contacts"]]


# ------------------------------------------------------------------------------- files


def write_private(path: Path, data: bytes) -> None:
    """Write ``path`` whole or not at all, private to the user (0600).

    The bytes go to a new temporary file beside it (``mkstemp``: a fresh name, ``O_EXCL``,
    0600, so a planted ``F.tmp`` or other link is never followed or truncated), are synced,
    then renamed over ``path`` (an existing link at ``path`` is replaced, not followed).
    A device, a pipe or a terminal (``/dev/stdout``, a FIFO a program reads) is written into,
    never replaced: a rename would put a file in its place (as root, even in ``/dev``).
    """
    try:
        mode = os.stat(path).st_mode  # through a link: /dev/stdout is one
    except OSError:
        mode = 0
    if stat.S_ISCHR(mode) or stat.S_ISFIFO(mode):
        with open(path, "wb") as fh:
            fh.write(data)
        return
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


# ------------------------------------------------------------------------------- export


def export(
    contacts: Iterable[Contact],
    fmt: ExportFormat,
    *,
    vcard_version: VCardVersion = "3.0",
    photo: bool = False,
    csv_dialect: CsvDialect = "google",
    encoding: TextEncoding | None = None,
) -> tuple[bytes, int]:
    """Contacts as the bytes of a file, and the number of characters the encoding lost.

    Defaults: UTF-8, except the Excel CSV in UTF-8 with a BOM (so Excel reads it as UTF-8).
    JSON and vCard 4.0 are UTF-8 by definition; other encodings are refused for them.
    """
    if encoding is None:
        encoding = "utf-8-sig" if fmt == "csv" and csv_dialect == "excel" else "utf-8"
    if encoding != "utf-8" and (fmt == "json" or (fmt == "vcard" and vcard_version == "4.0")):
        raise ValueError("JSON and vCard 4.0 files are UTF-8 only")
    if fmt == "vcard":
        text = to_vcard(contacts, vcard_version, photo)
    elif fmt == "csv":
        text = to_csv(contacts, csv_dialect)
    elif fmt == "json":
        text = to_json(contacts)
    else:
        raise ValueError(f"format must be vcard, csv or json, not {fmt!r}")
    return encode_text(text, encoding)


__all__ = [
    "EXCEL_HEADER",
    "GOOGLE_HEADER",
    "encode_text",
    "export",
    "read_json",
    "read_vcards",
    "safe_cell",
    "to_csv",
    "to_json",
    "to_vcard",
    "write_private",
]
