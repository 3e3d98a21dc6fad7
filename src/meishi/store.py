"""The contact store: SQLAlchemy over embedded SQLite by default (any SQLAlchemy URL works).

A card is identified by the SHA-256 of its file, so the same scan dropped twice is one card.
A contact stub and its card row are written in one transaction; the cropped card image is
written first (by content hash, atomically) and removed again if the transaction fails.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    ForeignKey,
    String,
    Text,
    create_engine,
    event,
    func,
    select,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship

from meishi.errors import StoreError
from meishi.models import FIELD_NAMES, CardRead, Contact, ContactStatus, PurposeNote

log = logging.getLogger(__name__)


def _now() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class ContactRow(Base):
    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(20), index=True,
                                        default=ContactStatus.needs_purpose.value)
    name: Mapped[str | None] = mapped_column(String(200))
    name_kana: Mapped[str | None] = mapped_column(String(200))
    name_roman: Mapped[str | None] = mapped_column(String(200))
    company: Mapped[str | None] = mapped_column(String(300))
    department: Mapped[str | None] = mapped_column(String(300))
    title: Mapped[str | None] = mapped_column(String(200))
    postal_code: Mapped[str | None] = mapped_column(String(16))
    address: Mapped[str | None] = mapped_column(String(500))
    tel: Mapped[str | None] = mapped_column(String(40))
    fax: Mapped[str | None] = mapped_column(String(40))
    mobile: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(320))
    url: Mapped[str | None] = mapped_column(String(500))
    confidence: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    met_at: Mapped[str | None] = mapped_column(String(200))  # the inbox folder, e.g. 2026-11-20_交流会
    # the purpose note (PurposeNote); a contact without one is "faceless"
    purpose: Mapped[str | None] = mapped_column(Text)
    met_where: Mapped[str | None] = mapped_column(String(300))
    met_on: Mapped[date | None] = mapped_column(Date)
    offer: Mapped[str | None] = mapped_column(Text)
    they_offer: Mapped[str | None] = mapped_column(Text)
    next_action: Mapped[str | None] = mapped_column(Text)
    follow_up: Mapped[date | None] = mapped_column(Date)
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now,
                                                 onupdate=_now)
    cards: Mapped[list[CardRow]] = relationship(back_populates="contact")


class CardRow(Base):
    __tablename__ = "cards"

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    source_name: Mapped[str] = mapped_column(String(500))
    image_path: Mapped[str | None] = mapped_column(String(1000))
    ocr_text: Mapped[str] = mapped_column(Text, default="")
    orientation: Mapped[str] = mapped_column(String(20), default="horizontal")
    rotation: Mapped[int] = mapped_column(default=0)
    taken_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    contact: Mapped[ContactRow] = relationship(back_populates="cards")


@dataclass(frozen=True)
class Stored:
    contact_id: int
    created: bool  # False: this card (same content hash) was already stored


class Store:
    """Contacts and the cards they came from."""

    def __init__(self, url: str, images_dir: Path) -> None:
        self.url = url
        self.images_dir = images_dir
        if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
            _private_file(Path(url.removeprefix("sqlite:///")))
        try:
            self.engine: Engine = create_engine(url)
            if self.engine.dialect.name == "sqlite":
                event.listen(self.engine, "connect", _sqlite_pragmas)
            Base.metadata.create_all(self.engine)
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot open the contact store {url}: {exc}") from exc

    @contextmanager
    def session(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as s:
            yield s

    def close(self) -> None:
        self.engine.dispose()

    # ------------------------------------------------------------------ writing
    def card_contact(self, sha256: str) -> int | None:
        with self.session() as s:
            return s.scalar(select(CardRow.contact_id).where(CardRow.sha256 == sha256))

    def add_card(self, read: CardRead, *, source_name: str, met_at: str | None = None) -> Stored:
        """Store a read card as a new contact stub (status ``needs_purpose``)."""
        existing = self.card_contact(read.sha256)
        if existing is not None:
            return Stored(existing, created=False)
        image_path = self._write_image(read.sha256, read.card_png)
        values = read.fields.values()
        try:
            with self.session() as s, s.begin():
                contact = ContactRow(
                    status=ContactStatus.needs_purpose.value,
                    confidence=read.fields.confidences(),
                    met_at=met_at,
                    **values,
                )
                contact.cards.append(CardRow(
                    sha256=read.sha256,
                    source_name=source_name,
                    image_path=str(image_path),
                    ocr_text=read.ocr.text,
                    orientation=read.ocr.orientation,
                    rotation=read.ocr.rotation,
                    taken_at=read.taken_at,
                ))
                s.add(contact)
                s.flush()
                contact_id = contact.id
        except IntegrityError:
            # another worker stored the same card between our check and our insert
            existing = self.card_contact(read.sha256)
            if existing is None:
                raise
            return Stored(existing, created=False)
        except SQLAlchemyError as exc:
            raise StoreError(f"could not store {source_name}: {exc}") from exc
        return Stored(contact_id, created=True)

    def complete(self, contact_id: int, fields: dict[str, str | None], note: PurposeNote) -> Contact:
        """Apply the reviewed fields and the purpose note; the contact is no longer faceless.

        One transaction: either the corrections, the note and the status all land, or none.
        """
        unknown = set(fields) - set(FIELD_NAMES)
        if unknown:
            raise ValueError(f"unknown contact fields: {sorted(unknown)}")
        try:
            with self.session() as s, s.begin():
                row = s.get(ContactRow, contact_id)
                if row is None:
                    raise StoreError(f"contact #{contact_id} does not exist")
                for key, value in fields.items():
                    setattr(row, key, (value or "").strip() or None)
                for key, value in note.model_dump().items():
                    setattr(row, key, value)
                row.status = ContactStatus.complete.value
                row.reviewed_at = _now()
        except SQLAlchemyError as exc:
            raise StoreError(f"could not save the review of contact #{contact_id}: {exc}") from exc
        contact = self.get(contact_id)
        assert contact is not None
        return contact

    def _write_image(self, sha256: str, png: bytes) -> Path:
        self.images_dir.mkdir(parents=True, exist_ok=True)
        final = self.images_dir / f"{sha256}.png"
        if not final.exists():
            tmp = final.with_suffix(".png.tmp")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as fh:
                fh.write(png)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, final)
        return final

    # ------------------------------------------------------------------ reading
    def contacts(self, status: ContactStatus | None = None) -> list[Contact]:
        with self.session() as s:
            q = select(ContactRow).order_by(ContactRow.created_at, ContactRow.id)
            if status is not None:
                q = q.where(ContactRow.status == status.value)
            return [_to_model(row) for row in s.scalars(q)]

    def get(self, contact_id: int) -> Contact | None:
        with self.session() as s:
            row = s.get(ContactRow, contact_id)
            return _to_model(row) if row else None

    def faceless(self) -> list[Contact]:
        """Contacts still without a purpose note, oldest first."""
        return self.contacts(ContactStatus.needs_purpose)

    def count(self, status: ContactStatus | None = None) -> int:
        with self.session() as s:
            q = select(func.count(ContactRow.id))
            if status is not None:
                q = q.where(ContactRow.status == status.value)
            return int(s.scalar(q) or 0)


def _utc(value: datetime | None) -> datetime | None:
    """SQLite returns naive datetimes; they were written in UTC."""
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _to_model(row: ContactRow) -> Contact:
    card = row.cards[0] if row.cards else None
    note = PurposeNote.model_validate({k: getattr(row, k) for k in PurposeNote.model_fields}) \
        if row.purpose else None
    return Contact(
        id=row.id,
        status=ContactStatus(row.status),
        fields={k: getattr(row, k) for k in FIELD_NAMES},
        confidence=row.confidence or {},
        source_name=card.source_name if card else "",
        sha256=card.sha256 if card else "",
        image_path=Path(card.image_path) if card and card.image_path else None,
        met_at=row.met_at,
        created_at=_utc(row.created_at) or _now(),
        taken_at=_utc(card.taken_at) if card else None,
        ocr_text=card.ocr_text if card else "",
        note=note,
        reviewed_at=_utc(row.reviewed_at),
    )


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.close()


def _private_file(path: Path) -> None:
    """Create the SQLite file readable by its owner only, before SQLite creates it 0644."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    os.chmod(path, 0o600)
