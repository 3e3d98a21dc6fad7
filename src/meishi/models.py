"""The typed values that flow between stages."""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator

FIELD_NAMES: tuple[str, ...] = (
    "name",
    "name_kana",
    "name_roman",
    "company",
    "department",
    "title",
    "postal_code",
    "address",
    "tel",
    "fax",
    "mobile",
    "email",
    "url",
)

#: how forms, tables and exports label each field
FIELD_TITLES: dict[str, str] = {
    "name": "氏名 Name",
    "name_kana": "フリガナ Reading",
    "name_roman": "Name (roman)",
    "company": "会社 Company",
    "department": "部署 Department",
    "title": "役職 Title",
    "postal_code": "〒 Postal code",
    "address": "住所 Address",
    "tel": "TEL",
    "fax": "FAX",
    "mobile": "携帯 Mobile",
    "email": "E-mail",
    "url": "URL",
}


#: a field read with less confidence than this is flagged for the owner to check (review
#: queue, CLI, contact merge); ``meishi eval`` reports accuracy on either side of it
CHECK_BELOW = 0.8


class Box(BaseModel):
    """Pixel box in the cleaned card image."""

    x: int
    y: int
    w: int
    h: int

    @property
    def right(self) -> int:
        return self.x + self.w

    @property
    def bottom(self) -> int:
        return self.y + self.h

    def transposed(self) -> Box:
        """The box mirrored across the diagonal: a column's boxes as a row's."""
        return Box(x=self.y, y=self.x, w=self.h, h=self.w)

    def overlap_x(self, other: Box) -> int:
        """How many pixel columns the two boxes share (negative: the gap between them)."""
        return min(self.right, other.right) - max(self.x, other.x)

    def overlap_y(self, other: Box) -> int:
        """How many pixel rows the two boxes share (negative: the gap between them)."""
        return min(self.bottom, other.bottom) - max(self.y, other.y)

    def same_row(self, other: Box, max_gap: float) -> bool:
        """Side by side on one row: sharing half the lower one's height, at most ``max_gap``
        pixels apart."""
        return (
            self.overlap_y(other) >= 0.5 * min(self.h, other.h)
            and -self.overlap_x(other) <= max_gap
        )

    @classmethod
    def union(cls, boxes: list[Box]) -> Box:
        x0 = min(b.x for b in boxes)
        y0 = min(b.y for b in boxes)
        x1 = max(b.right for b in boxes)
        y1 = max(b.bottom for b in boxes)
        return cls(x=x0, y=y0, w=x1 - x0, h=y1 - y0)


class CardImage(BaseModel):
    """A decoded, cleaned card: flat, upright-ish, grey, normalised contrast."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    source: str
    sha256: str
    image: np.ndarray = Field(repr=False, description="cleaned greyscale card (uint8)")
    color: np.ndarray = Field(repr=False, description="cropped colour card (BGR uint8)")
    found_card: bool = Field(description="a card outline was found and warped")
    region: tuple[int, int, int, int] | None = Field(
        None, description="x, y, width, height of the card in the image, when found"
    )
    part: int | None = Field(None, description="which card (from 1) of an image of several")
    taken_at: datetime | None = None


class OcrWord(BaseModel):
    text: str
    conf: float
    box: Box


class OcrLine(BaseModel):
    text: str
    conf: float = Field(description="mean word confidence 0..100")
    box: Box
    words: list[OcrWord] = Field(default_factory=list)
    vertical: bool = False
    alternatives: list[str] = Field(
        default_factory=list,
        description="other texts the line was read as (the name's readings at other sizes), "
        "most often read first: what the card's printed reading can choose from",
    )
    ink_forms: dict[str, str] = Field(
        default_factory=dict,
        description="a name kanji read in one form whose ink shows another (崎 → 﨑, 吉 → "
        "𠮷): for the name only (川崎市 stays 崎), see meishi.ocr.variants",
    )

    @property
    def size(self) -> int:
        """Glyph size across the line: a layout cue for the name."""
        return self.box.w if self.vertical else self.box.h


Orientation = Literal["horizontal", "vertical"]


class OcrResult(BaseModel):
    lines: list[OcrLine]
    orientation: Orientation = "horizontal"
    rotation: int = Field(0, description="clockwise degrees the card was turned to read it")
    engine: str = "tesseract"

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    @property
    def mean_conf(self) -> float:
        words = [w for line in self.lines for w in line.words]
        return sum(w.conf for w in words) / len(words) if words else 0.0


class FieldValue(BaseModel):
    value: str
    confidence: float = Field(ge=0.0, le=1.0)
    source_line: str | None = None


class CardFields(BaseModel):
    name: FieldValue | None = None
    name_kana: FieldValue | None = None
    name_roman: FieldValue | None = None
    company: FieldValue | None = None
    department: FieldValue | None = None
    title: FieldValue | None = None
    postal_code: FieldValue | None = None
    address: FieldValue | None = None
    tel: FieldValue | None = None
    fax: FieldValue | None = None
    mobile: FieldValue | None = None
    email: FieldValue | None = None
    url: FieldValue | None = None

    def values(self) -> dict[str, str | None]:
        out: dict[str, str | None] = {}
        for key in FIELD_NAMES:
            fv: FieldValue | None = getattr(self, key)
            out[key] = fv.value if fv else None
        return out

    def confidences(self) -> dict[str, float | None]:
        out: dict[str, float | None] = {}
        for key in FIELD_NAMES:
            fv: FieldValue | None = getattr(self, key)
            out[key] = round(fv.confidence, 3) if fv else None
        return out


class CardRead(BaseModel):
    """Everything the automatic part learned about one card."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    source: str
    sha256: str
    fields: CardFields
    ocr: OcrResult
    card_image: bytes = Field(
        repr=False,
        description="the cropped colour card, encoded for the "
        "review (WebP, see imaging.encode_card)",
    )
    region: tuple[int, int, int, int] | None = Field(
        None, description="x, y, width, height of the card in the image, when found"
    )
    part: int | None = Field(None, description="which card (from 1) of an image of several")
    taken_at: datetime | None = None
    seconds: float = 0.0

    def as_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "fields": self.fields.values(),
            "confidence": self.fields.confidences(),
        }


class PurposeNote(BaseModel):
    """Why this person matters: what turns a card into someone you remember."""

    purpose: str = Field(
        title="目的 Purpose", description="Why I want to keep in touch with this person"
    )
    met_where: str | None = Field(None, title="出会った場所 Where we met")
    met_on: date | None = Field(None, title="出会った日 When we met")
    offer: str | None = Field(None, title="与えられること What I can offer them")
    they_offer: str | None = Field(None, title="相手から得られること What they may offer")
    next_action: str | None = Field(None, title="次のアクション Next action")
    follow_up: date | None = Field(None, title="フォローアップ日 Follow-up date")

    @field_validator("purpose")
    @classmethod
    def _not_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("write one sentence on why this person matters")
        return v.strip()


class ContactStatus(StrEnum):
    needs_purpose = "needs_purpose"
    complete = "complete"


#: the fields an English side of a card fills in English (``Contact.english``);
#: its name goes to ``name_roman``
ENGLISH_FIELDS: tuple[str, ...] = ("company", "department", "title", "address")

#: fields whose change from one card to a newer one is a career step, kept as history
HISTORY_FIELDS: tuple[str, ...] = ("company", "department", "title")


_BATCH = re.compile(r"^(\d{4})[-_.]?(\d{2})[-_.]?(\d{2})(?:[ _\-]+(.*))?$")


def parse_batch(met_at: str | None) -> tuple[date | None, str | None]:
    """An inbox folder name such as ``2026-11-20_交流会`` as (date, place)."""
    if not met_at:
        return None, None
    m = _BATCH.match(met_at)
    if not m:
        return None, met_at.replace("_", " ")
    try:
        when: date | None = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        when = None
    return when, (m.group(4) or "").replace("_", " ").strip() or None


def card_day(taken_at: datetime | None, met_on: date | None, created_at: datetime) -> date:
    """When a card was handed over, as far as we know: the photo's time, the date in the
    inbox folder's name, else when it was stored."""
    return taken_at.date() if taken_at else met_on or created_at.date()


class CardRecord(BaseModel):
    """One card (one side of one card) a contact came from."""

    id: int
    sha256: str
    source_name: str
    image_path: Path | None = None
    side: Literal["front", "back"] | None = None
    lang: Literal["ja", "en"] = "ja"
    fields: dict[str, str | None] = Field(default_factory=dict)
    taken_at: datetime | None = None
    met_on: date | None = None  # from the inbox folder's name
    created_at: datetime
    ocr_text: str = ""

    @property
    def day(self) -> date:
        return card_day(self.taken_at, self.met_on, self.created_at)


class HistoryEntry(BaseModel):
    """A value a career field (company, department, title) held from ``since`` on."""

    field: str
    value: str | None
    since: date
    card_id: int | None = None


class MergeCandidate(BaseModel):
    """An existing contact that may be the same person; the person decides in the review."""

    contact_id: int
    reason: str
    name: str | None = None
    company: str | None = None


class Contact(BaseModel):
    """A stored contact as the CLI, the flows and the exports see it."""

    id: int
    status: ContactStatus
    fields: dict[str, str | None]
    confidence: dict[str, float | None] = Field(default_factory=dict)
    # the first card (the one the review shows)
    source_name: str
    sha256: str
    image_path: Path | None = None
    met_at: str | None = None
    created_at: datetime
    updated_at: datetime | None = None
    taken_at: datetime | None = None
    ocr_text: str = ""
    note: PurposeNote | None = None
    notes: str | None = None
    reviewed_at: datetime | None = None
    english: dict[str, str] = Field(default_factory=dict)
    cards: list[CardRecord] = Field(default_factory=list)
    history: list[HistoryEntry] = Field(default_factory=list)
    candidates: list[MergeCandidate] = Field(default_factory=list)

    def history_of(self, field: str) -> list[HistoryEntry]:
        return [h for h in self.history if h.field == field]
