"""The contact book: SQLAlchemy over embedded SQLite by default, PostgreSQL by URL.

One person, one contact; a contact keeps every card it came from. A card is identified by the
SHA-256 of its file, so the same scan dropped twice is one card. A new card is matched against
the book (``meishi.merge``): it joins a contact automatically when the rules are sure, and
otherwise starts a new contact that carries its merge candidates to the review.

A card joining a contact never overwrites the purpose note or the notes; a newer card's
confident company, department or title replaces the current one and the change is kept as
history. The schema is versioned (``meishi.db``, Alembic) and upgraded on open.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path, PurePath
from typing import Any

import jaconv
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
    or_,
    select,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    mapped_column,
    relationship,
    selectinload,
)

from meishi import db, merge, romaji
from meishi.errors import SettingsError, StoreError
from meishi.models import (
    CHECK_BELOW,
    ENGLISH_FIELDS,
    FIELD_NAMES,
    HISTORY_FIELDS,
    CardRead,
    CardRecord,
    Contact,
    ContactStatus,
    HistoryEntry,
    MergeCandidate,
    PurposeNote,
    card_day,
    parse_batch,
)

#: a newer card's value replaces a different current one only this sure
#: fields an English side may fill when the contact has none (they read the same in any script)
_SHARED_FIELDS = ("postal_code", "tel", "fax", "mobile", "email", "url")

log = logging.getLogger(__name__)


def _now() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class ContactRow(Base):
    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(
        String(20), index=True, default=ContactStatus.needs_purpose.value
    )
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
    met_at: Mapped[str | None] = mapped_column(
        String(200)
    )  # the inbox folder, e.g. 2026-11-20_交流会
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
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=_now, onupdate=_now
    )
    # match keys (meishi.merge), kept in step with the fields by ``_rekey``
    name_key: Mapped[str | None] = mapped_column(String(200), index=True)
    roman_key: Mapped[str | None] = mapped_column(String(200), index=True)
    email_key: Mapped[str | None] = mapped_column(String(320), index=True)
    notes: Mapped[str | None] = mapped_column(Text)
    english: Mapped[dict[str, str] | None] = mapped_column(JSON, default=dict)
    candidates: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON, default=list)
    cards: Mapped[list[CardRow]] = relationship(back_populates="contact", order_by="CardRow.id")
    history: Mapped[list[HistoryRow]] = relationship(
        back_populates="contact", order_by="HistoryRow.id"
    )

    def values(self) -> dict[str, str | None]:
        return {k: getattr(self, k) for k in FIELD_NAMES}


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
    met_on: Mapped[date | None] = mapped_column(Date)  # the date in the inbox folder's name
    side: Mapped[str | None] = mapped_column(String(5))  # front / back, when known
    lang: Mapped[str] = mapped_column(String(2), default="ja", server_default="ja")
    fields: Mapped[dict[str, str | None] | None] = mapped_column(JSON)  # as read from this card
    confidence: Mapped[dict[str, float | None] | None] = mapped_column(JSON)
    contact: Mapped[ContactRow] = relationship(back_populates="cards")

    @property
    def day(self) -> date:
        return card_day(_utc(self.taken_at), self.met_on, _utc(self.created_at) or _now())


class HistoryRow(Base):
    """A value a career field held from ``since`` on (written when a newer card changed it)."""

    __tablename__ = "history"

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"), index=True)
    field: Mapped[str] = mapped_column(String(20))
    value: Mapped[str | None] = mapped_column(String(300))
    since: Mapped[date] = mapped_column(Date)
    card_id: Mapped[int | None] = mapped_column(ForeignKey("cards.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    contact: Mapped[ContactRow] = relationship(back_populates="history")
    card: Mapped[CardRow | None] = relationship()


class ChangeRow(Base):
    """One change to a contact, kept (``meishi contacts history``). ``contact_id`` is no
    foreign key: the log outlives a contact merged away or deleted."""

    __tablename__ = "changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    #: merged (this contact joined detail["into"]) · joined (detail["from"] joined this one)
    #: · reviewed · edited · reopened · unmerged · deleted
    action: Mapped[str] = mapped_column(String(20))
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)


def _log(s: Session, contact_id: int, action: str, **detail: Any) -> None:
    s.add(ChangeRow(contact_id=contact_id, action=action, detail=detail or None))


@dataclass(frozen=True)
class Stored:
    contact_id: int
    #: "stored": a new contact; "merged": the card joined an existing contact;
    #: "duplicate": this very scan (same content hash) was stored before
    status: str
    reason: str | None = None
    candidates: tuple[int, ...] = ()

    @property
    def created(self) -> bool:
        return self.status == "stored"


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
            db.upgrade(self.engine)
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot open the contact store {url}: {exc}") from exc
        except ImportError as exc:  # postgresql:// is SQLAlchemy's name for psycopg2
            raise SettingsError(
                f"MEISHI_DATABASE_URL {url}: its driver {exc.name} is not installed; meishi "
                "talks to PostgreSQL with psycopg 3: postgresql+psycopg://USER@HOST/DATABASE"
            ) from exc

    @contextmanager
    def session(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as s:
            yield s

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def _write(self, what: str) -> Iterator[Session]:
        """One transaction; a database failure becomes a StoreError saying what failed."""
        try:
            with self.session() as s, s.begin():
                yield s
        except SQLAlchemyError as exc:
            raise StoreError(f"could not {what}: {exc}") from exc

    def _contact(self, contact_id: int) -> Contact:
        contact = self.get(contact_id)
        if contact is None:
            raise StoreError(f"contact #{contact_id} does not exist")
        return contact

    # ------------------------------------------------------------------ writing
    def card_contact(self, sha256: str) -> int | None:
        with self.session() as s:
            return s.scalar(select(CardRow.contact_id).where(CardRow.sha256 == sha256))

    def add_card(
        self,
        read: CardRead,
        *,
        source_name: str,
        met_at: str | None = None,
        into: int | None = None,
        side: str | None = None,
    ) -> Stored:
        """Store a read card: it joins the contact it belongs to, or starts a new contact
        stub (status ``needs_purpose``) that carries its merge candidates.

        ``into`` names the contact this card is known to belong to (the other side of a card
        read in the same batch); ``side`` is "front" or "back" when the file name said so.
        """
        existing = self.card_contact(read.sha256)
        if existing is not None:
            return Stored(existing, "duplicate")
        image_path = self._write_image(read.sha256, read.card_image)
        values = read.fields.values()
        confidence = read.fields.confidences()
        card = CardRow(
            sha256=read.sha256,
            source_name=source_name,
            image_path=image_path.name,  # in images_dir, wherever the data folder moves
            ocr_text=read.ocr.text,
            orientation=read.ocr.orientation,
            rotation=read.ocr.rotation,
            taken_at=read.taken_at,
            met_on=parse_batch(met_at)[0],
            side=side,
            lang=merge.card_lang(values),
            fields=values,
            confidence=confidence,
        )
        try:
            with self.session() as s, s.begin():
                target: ContactRow | None = None
                reason: str | None = None
                candidates: list[dict[str, Any]] = []
                if into is not None:
                    target = s.get(ContactRow, into)
                    reason = "the other side of the same card"
                if target is None:
                    for row, found in self._matches(s, values):
                        if found.kind == "merge" and target is None:
                            target, reason = row, found.reason
                        elif found.kind == "candidate":
                            candidates.append({"contact_id": row.id, "reason": found.reason})
                if target is not None:
                    _absorb(target, card, values, confidence)
                    s.flush()
                    return Stored(target.id, "merged", reason)
                contact = ContactRow(
                    status=ContactStatus.needs_purpose.value,
                    confidence=confidence,
                    met_at=met_at,
                    english={},
                    candidates=candidates[:5],
                    **values,
                )
                contact.cards.append(card)
                _rekey(contact)
                s.add(contact)
                s.flush()
                return Stored(
                    contact.id, "stored", candidates=tuple(c["contact_id"] for c in candidates[:5])
                )
        except IntegrityError:
            # another worker stored the same card between our check and our insert
            existing = self.card_contact(read.sha256)
            if existing is None:
                raise
            return Stored(existing, "duplicate")
        except SQLAlchemyError as exc:
            raise StoreError(f"could not store {source_name}: {exc}") from exc

    @staticmethod
    def _matches(s: Session, values: dict[str, str | None]) -> list[tuple[ContactRow, merge.Match]]:
        """Contacts the card may belong to, oldest first (only rows sharing a key are read)."""
        keys = [
            (ContactRow.name_key, merge.name_key(values.get("name"))),
            (ContactRow.roman_key, merge.roman_key(values.get("name_roman"))),
            (ContactRow.email_key, merge.personal_email(values.get("email"))),
        ]
        conds = [col == key for col, key in keys if key]
        if not conds:
            return []
        rows = s.scalars(select(ContactRow).where(or_(*conds)).order_by(ContactRow.id))
        out = []
        for row in rows:
            found = merge.match(values, row.values())
            if found is not None:
                out.append((row, found))
        return out

    def complete(
        self,
        contact_id: int,
        fields: dict[str, str | None],
        note: PurposeNote,
        *,
        offered: dict[str, str | None] | None = None,
        offered_note: PurposeNote | None = None,
        same_as: int | None = None,
    ) -> Contact:
        """Apply a review: the corrected fields and the purpose note; the contact is no longer
        faceless. With ``offered`` (the values the form showed) only the fields the person
        changed are applied, so a card that joined the contact meanwhile is not undone. With
        ``same_as`` the person confirmed a merge candidate: this contact joins that one.

        No answer is lost: the review of a contact that was merged meanwhile answers for the
        contact it joined (:meth:`merged_into`); a purpose note is never overwritten by an
        answer to a form that did not show it (``offered_note``): the answer is added to the
        notes instead. A re-opened review, which showed the note, replaces it.

        One transaction: either the corrections, the note, the merge and the status all land,
        or none. Returns the contact the review ended in.
        """
        unknown = set(fields) - set(FIELD_NAMES)
        if unknown:
            raise ValueError(f"unknown contact fields: {sorted(unknown)}")
        live = self.merged_into(contact_id)
        if live is None:
            raise StoreError(f"contact #{contact_id} does not exist (deleted)")
        with self._write(f"save the review of contact #{contact_id}") as s:
            row = _row(s, live)
            changed = {}
            for key, value in fields.items():
                clean = (value or "").strip() or None
                if offered is not None and clean == ((offered.get(key) or "").strip() or None):
                    continue
                if clean == getattr(row, key):
                    continue
                changed[key] = [getattr(row, key), clean]
                setattr(row, key, clean)
                row.confidence = {**(row.confidence or {}), key: 1.0 if clean else None}
            kept = bool(row.purpose) and (
                offered_note is None or offered_note.purpose != row.purpose
            )
            if kept:
                row.notes = _append(
                    row.notes,
                    f"{_now().date().isoformat()} review of card "
                    f"#{contact_id} — " + _note_line(note),
                )
            else:
                for key, value in note.model_dump().items():
                    setattr(row, key, value)
            row.status = ContactStatus.complete.value
            row.reviewed_at = _now()
            _rekey(row)
            _log(
                s,
                row.id,
                "reviewed",
                card=contact_id,
                fields=changed or None,
                note="appended to the notes" if kept else "set",
            )
            final = row.id
            if same_as is not None and same_as != row.id:
                final = _merge_rows(s, row, self.merged_into(same_as) or same_as)
        return self._contact(final)

    def merged_into(self, contact_id: int) -> int | None:
        """The live contact ``contact_id`` is now: itself, the contact it joined (through
        any number of merges), or None when it was deleted."""
        with self.session() as s:
            seen: set[int] = set()
            while contact_id not in seen:
                seen.add(contact_id)
                if s.get(ContactRow, contact_id) is not None:
                    return contact_id
                merged = s.scalars(
                    select(ChangeRow)
                    .where(ChangeRow.contact_id == contact_id, ChangeRow.action == "merged")
                    .order_by(ChangeRow.id.desc())
                ).first()
                if merged is None or not merged.detail:
                    return None
                contact_id = int(merged.detail["into"])
        return None

    def merged_fields(self, contact_id: int) -> dict[str, str | None] | None:
        """The fields a contact had when it was merged away (what its review form showed)."""
        with self.session() as s:
            merged = s.scalars(
                select(ChangeRow)
                .where(ChangeRow.contact_id == contact_id, ChangeRow.action == "merged")
                .order_by(ChangeRow.id.desc())
            ).first()
            return dict(merged.detail.get("fields") or {}) if merged and merged.detail else None

    def changes(self, contact_id: int) -> list[tuple[datetime, str, dict[str, Any]]]:
        """The contact's change log, oldest first."""
        with self.session() as s:
            rows = s.scalars(
                select(ChangeRow).where(ChangeRow.contact_id == contact_id).order_by(ChangeRow.id)
            )
            return [(_utc(r.at) or _now(), r.action, dict(r.detail or {})) for r in rows]

    def merge(self, source_id: int, target_id: int) -> Contact:
        """Make ``source_id`` part of ``target_id`` (the person said they are one): its cards,
        history and notes move; the target's purpose note is kept, the source's is added to
        the notes."""
        if source_id == target_id:
            raise StoreError("a contact cannot be merged into itself")
        with self._write(f"merge #{source_id} into #{target_id}") as s:
            _merge_rows(s, _row(s, source_id), target_id)
        return self._contact(target_id)

    # ------------------------------------------------------------------ fix and undo
    #: what `meishi contacts edit` may set: the card's fields and the purpose note's
    EDITABLE: tuple[str, ...] = (*FIELD_NAMES, *PurposeNote.model_fields)

    def edit(self, contact_id: int, changes: dict[str, str | None]) -> Contact:
        """Set fields by hand (an empty value clears one); the old values are kept in the
        change log. Purpose-note fields are validated as the review validates them."""
        unknown = sorted(set(changes) - set(self.EDITABLE))
        if unknown:
            raise StoreError(
                f"cannot edit {', '.join(unknown)}: the fields are {', '.join(self.EDITABLE)}"
            )
        with self._write(f"edit contact #{contact_id}") as s:
            row = _row(s, contact_id)
            clean = {k: (v or "").strip() or None for k, v in changes.items()}
            note_keys = [k for k in clean if k in PurposeNote.model_fields]
            if note_keys:
                current = {k: getattr(row, k) for k in PurposeNote.model_fields}
                try:
                    # a faceless contact's meeting place may be set before its purpose
                    purpose = clean["purpose"] if "purpose" in clean else current["purpose"] or "-"
                    note = PurposeNote.model_validate(
                        {**current, **{k: clean[k] for k in note_keys}} | {"purpose": purpose or ""}
                    )
                except ValueError as exc:
                    raise StoreError(f"not a valid purpose note: {exc}") from exc
                clean.update({k: getattr(note, k) for k in note_keys})
            done: dict[str, list[Any]] = {}
            for key, value in clean.items():
                old = getattr(row, key)
                if old == value:
                    continue
                done[key] = [_jsonable(old), _jsonable(value)]
                setattr(row, key, value)
                if key in FIELD_NAMES:
                    row.confidence = {**(row.confidence or {}), key: 1.0 if value else None}
            if "purpose" in done and row.purpose:
                row.status = ContactStatus.complete.value
                row.reviewed_at = row.reviewed_at or _now()
            _rekey(row)
            if done:
                _log(s, row.id, "edited", fields=done)
        return self._contact(contact_id)

    def reopen(self, contact_id: int) -> Contact:
        """Ask again: the contact waits for a review (its note is kept and shown in the form,
        and the new answer replaces it)."""
        with self._write(f"re-open contact #{contact_id}") as s:
            row = _row(s, contact_id)
            row.status = ContactStatus.needs_purpose.value
            _log(s, row.id, "reopened", purpose=row.purpose)
        return self._contact(contact_id)

    def delete(self, contact_id: int) -> list[Path]:
        """Delete a contact, its cards and their images; what it was stays in the change log
        (fields, note, notes, the cards' file names). Returns the image files removed."""
        with self._write(f"delete contact #{contact_id}") as s:
            row = _row(s, contact_id)
            note = {k: _jsonable(getattr(row, k)) for k in PurposeNote.model_fields}
            _log(
                s,
                row.id,
                "deleted",
                fields=row.values(),
                note=note,
                notes=row.notes,
                cards=[c.source_name for c in row.cards],
            )
            images = [_image_at(self.images_dir, c.image_path) for c in row.cards]
            for h in list(row.history):
                s.delete(h)
            for c in list(row.cards):
                s.delete(c)
            s.flush()
            s.delete(row)
        for image in images:
            if image is not None:
                image.unlink(missing_ok=True)
        return [image for image in images if image is not None]

    def unmerge(self, card_id: int) -> Contact:
        """A card back to a contact of its own (a merge that was wrong): the new contact
        has the card's fields and waits for its review; the contact it leaves drops the
        values only this card gave it (taking the newest other card's instead)."""
        with self._write(f"un-merge card {card_id}") as s:
            card = s.get(CardRow, card_id)
            if card is None:
                raise StoreError(f"no card {card_id} (see `meishi contacts show ID`)")
            old = card.contact
            if len(old.cards) < 2:
                raise StoreError(f"card {card_id} is contact #{old.id}'s only card")
            values = dict(card.fields or {})
            others = sorted((c for c in old.cards if c.id != card.id), key=lambda c: c.day)
            # what the card replaced (a career step, a firm's details) comes back
            restored: set[str] = set()
            for h in [h for h in old.history if h.card_id == card.id]:
                steps = [x for x in old.history if x.field == h.field]
                before = steps[steps.index(h) - 1] if steps.index(h) > 0 else None
                if before is not None and getattr(old, h.field) == h.value:
                    setattr(old, h.field, before.value)
                    restored.add(h.field)
                s.delete(h)
                rest = [x for x in steps if x is not h]
                if len(rest) == 1 and rest[0].value == getattr(old, h.field):
                    s.delete(rest[0])  # one value left: no history any more
            # what only this card gave it goes (the newest other card's value instead)
            for key in FIELD_NAMES:
                mine = values.get(key)
                if key in restored or not mine or getattr(old, key) != mine:
                    continue
                if not any((c.fields or {}).get(key) == mine for c in others):
                    setattr(
                        old,
                        key,
                        next(
                            (v for c in reversed(others) if (v := (c.fields or {}).get(key))), None
                        ),
                    )
            new = ContactRow(
                status=ContactStatus.needs_purpose.value,
                confidence=dict(card.confidence or {}),
                met_at=old.met_at,
                english={},
                candidates=[],
                **{k: values.get(k) for k in FIELD_NAMES},
            )
            card.contact = new
            _rekey(new)
            _rekey(old)
            s.add(new)
            s.flush()
            _log(s, old.id, "unmerged", card=card.id, to=new.id)
            _log(s, new.id, "unmerged", card=card.id, **{"from": old.id})
            new_id = new.id
        return self._contact(new_id)

    def add_note(self, contact_id: int, text: str) -> Contact:
        """Append a dated line to the contact's notes (never replaces what is there)."""
        if not text.strip():
            raise ValueError("the note is empty")
        with self._write(f"add a note to contact #{contact_id}") as s:
            row = _row(s, contact_id)
            row.notes = _append(row.notes, f"{_now().date().isoformat()}: {text.strip()}")
        return self._contact(contact_id)

    def _write_image(self, sha256: str, data: bytes) -> Path:
        self.images_dir.mkdir(parents=True, exist_ok=True)
        final = self.images_dir / f"{sha256}{image_suffix(data)}"
        if not final.exists():
            tmp = final.with_name(f".{final.name}.{os.getpid()}.{threading.get_ident()}.tmp")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, final)
        return final

    # ------------------------------------------------------------------ reading
    def contacts(
        self, status: ContactStatus | None = None, since: datetime | None = None
    ) -> list[Contact]:
        """Contacts oldest first; ``since``: only those created or changed from then on."""
        with self.session() as s:
            q = (
                select(ContactRow)
                .order_by(ContactRow.created_at, ContactRow.id)
                .options(selectinload(ContactRow.cards), selectinload(ContactRow.history))
            )
            if status is not None:
                q = q.where(ContactRow.status == status.value)
            if since is not None:
                q = q.where(ContactRow.updated_at >= since)
            return [_to_model(s, row, self.images_dir) for row in s.scalars(q)]

    def get(self, contact_id: int) -> Contact | None:
        with self.session() as s:
            row = s.get(ContactRow, contact_id)
            return _to_model(s, row, self.images_dir) if row else None

    def faceless(self) -> list[Contact]:
        """Contacts still without a purpose note, oldest first."""
        return self.contacts(ContactStatus.needs_purpose)

    def due(self, on: date) -> list[Contact]:
        """Contacts whose follow-up date (from the review's purpose note) is ``on`` or
        earlier, soonest first: the relationship does not end at the note."""
        due = [
            c
            for c in self.contacts(ContactStatus.complete)
            if c.note is not None and c.note.follow_up is not None and c.note.follow_up <= on
        ]
        return sorted(due, key=lambda c: (c.note.follow_up, c.id))  # type: ignore[union-attr]

    def search(self, text: str) -> list[Contact]:
        """Contacts whose name (any script, any kanji variant), company, department, title,
        address, phone, mail, web site, purpose note or notes contain ``text``."""
        needle = _haystack(text)
        digits = re.sub(r"\D", "", text)
        phone_query = re.fullmatch(r"[\d\s()+\-]+", text.strip()) is not None and len(digits) >= 4
        if not needle:
            return []
        out = []
        for contact in self.contacts():
            if phone_query:
                phones = [
                    re.sub(r"\D", "", contact.fields.get(k) or "") for k in ("tel", "fax", "mobile")
                ]
                if any(digits in p for p in phones):
                    out.append(contact)
                continue
            note = contact.note.model_dump(mode="json").values() if contact.note else []
            hay = _haystack(
                " ".join(
                    str(v)
                    for v in [
                        *contact.fields.values(),
                        *contact.english.values(),
                        contact.notes,
                        *note,
                    ]
                    if v
                )
            )
            if needle in hay:
                out.append(contact)
        return out

    def count(self, status: ContactStatus | None = None) -> int:
        with self.session() as s:
            q = select(func.count(ContactRow.id))
            if status is not None:
                q = q.where(ContactRow.status == status.value)
            return int(s.scalar(q) or 0)


# ---------------------------------------------------------------------- merging rows
def _rekey(row: ContactRow) -> None:
    row.name_key = merge.name_key(row.name)
    row.roman_key = merge.roman_key(row.name_roman)
    row.email_key = merge.personal_email(row.email)


def _same(a: str | None, b: str | None) -> bool:
    return merge.fold_variants(_haystack(a or "")) == merge.fold_variants(_haystack(b or ""))


def _is_english(row: ContactRow) -> bool:
    return bool(row.cards) and all(c.lang == "en" for c in row.cards if c.id is not None)


def _absorb(
    row: ContactRow,
    card: CardRow,
    values: dict[str, str | None],
    confidence: dict[str, float | None],
) -> None:
    """Let a card join a contact: fill what the contact lacks; a newer, confident card's
    different value replaces the current one; a newer card of another firm brings that
    firm's details and clears the old firm's (``merge.absorb``). Replaced career and
    company-bound values are kept as history. The name, the purpose note and the notes are
    never touched."""
    known = [c for c in row.cards if c is not card]
    card_day = card.day
    newer = all(card_day >= c.day for c in known)
    english = dict(row.english or {})
    conf = dict(row.confidence or {})
    english_contact = _is_english(row)
    if card.lang == "en" and not english_contact:
        # the English side of a Japanese contact
        if values.get("name_roman") and (not row.name_roman or newer):
            row.name_roman = values["name_roman"]
            conf["name_roman"] = confidence.get("name_roman")
        for key in ENGLISH_FIELDS:
            if values.get(key) and (key not in english or newer):
                english[key] = values[key]  # type: ignore[assignment]
        fill: tuple[str, ...] = _SHARED_FIELDS
        replace: tuple[str, ...] = ()
    else:
        if card.lang == "ja" and english_contact:
            # the Japanese side of a contact known so far from its English side
            for key in ENGLISH_FIELDS:
                if getattr(row, key):
                    english.setdefault(key, getattr(row, key))
                    setattr(row, key, None)
        fill = FIELD_NAMES
        replace = tuple(k for k in FIELD_NAMES if k != "name") if newer else ()
    first_day = min((c.day for c in known), default=card_day)
    # an English side names the firm in another script: its company is not compared
    rule_values = (
        values
        if card.lang == "ja" or english_contact
        else {k: v for k, v in values.items() if k != "company"}
    )
    changes = merge.absorb(
        row.values(),
        rule_values,
        confidence,
        newer=newer,
        fields=fill,
        replace=replace,
        sure=CHECK_BELOW,
    )
    for key, new in changes.items():
        current = getattr(row, key)
        if current and (key in HISTORY_FIELDS or key in merge.COMPANY_BOUND):
            # what it was, and since when, is kept: a career step, or the old firm's details
            if not any(h.field == key for h in row.history):
                row.history.append(HistoryRow(field=key, value=current, since=first_day))
            row.history.append(HistoryRow(field=key, value=new, since=card_day, card=card))
        setattr(row, key, new)
        conf[key] = confidence.get(key) if new else None
    row.english = english
    row.confidence = conf
    row.cards.append(card)
    row.updated_at = _now()
    _rekey(row)


def _row(s: Session, contact_id: int) -> ContactRow:
    row = s.get(ContactRow, contact_id)
    if row is None:
        raise StoreError(f"contact #{contact_id} does not exist")
    return row


def _merge_rows(s: Session, source: ContactRow, target_id: int) -> int:
    target = _row(s, target_id)
    _log(
        s,
        source.id,
        "merged",
        into=target.id,
        fields=source.values(),
        cards=[c.id for c in source.cards],
    )
    _log(s, target.id, "joined", **{"from": source.id, "cards": [c.id for c in source.cards]})
    cards = list(source.cards)
    newest = max(cards, key=lambda c: c.day) if cards else None
    with s.no_autoflush:
        # the source's own (perhaps reviewed) values stand for its newest card
        for card in sorted(cards, key=lambda c: c.day):
            if card is newest:
                _absorb(
                    target,
                    card,
                    source.values(),
                    {
                        k: 1.0 if source.reviewed_at else (source.confidence or {}).get(k)
                        for k in FIELD_NAMES
                    },
                )
            else:
                target.cards.append(card)
        for h in list(source.history):
            h.contact = target
    english = dict(source.english or {})
    english.update(target.english or {})
    target.english = english
    if source.purpose:
        if not target.purpose:
            for key in PurposeNote.model_fields:
                setattr(target, key, getattr(source, key))
            target.reviewed_at = source.reviewed_at
        else:
            note = PurposeNote.model_validate(
                {k: getattr(source, k) for k in PurposeNote.model_fields}
            )
            target.notes = _append(
                target.notes,
                "merged from another card — "
                + "; ".join(f"{k}: {v}" for k, v in note.model_dump(mode="json").items() if v),
            )
    if source.notes:
        target.notes = _append(target.notes, source.notes)
    if ContactStatus.complete.value in (source.status, target.status):
        target.status = ContactStatus.complete.value
    target.candidates = [c for c in (target.candidates or []) if c["contact_id"] != source.id]
    target.updated_at = _now()
    s.flush()
    s.delete(source)
    s.flush()
    return target.id


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


def _note_line(note: PurposeNote) -> str:
    return "; ".join(
        f"{PurposeNote.model_fields[k].title or k}: {v}"
        for k, v in note.model_dump(mode="json").items()
        if v
    )


def _append(notes: str | None, line: str) -> str:
    return f"{notes}\n{line}" if notes else line


def _haystack(text: str) -> str:
    """Search form: NFKC, lower-case, no spaces, variant kanji folded, katakana as hiragana."""
    return jaconv.kata2hira(merge.name_key(text) or "")


def _utc(value: datetime | None) -> datetime | None:
    """SQLite returns naive datetimes; they were written in UTC."""
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _image_at(images_dir: Path, stored: str | None) -> Path | None:
    """A card image's file: its name in the images folder. Rows written by earlier versions hold the
    absolute path of the day, which a moved or restored data folder no longer has."""
    return images_dir / PurePath(stored).name if stored else None


def _to_model(s: Session, row: ContactRow, images_dir: Path) -> Contact:
    card = row.cards[0] if row.cards else None
    note = (
        PurposeNote.model_validate({k: getattr(row, k) for k in PurposeNote.model_fields})
        if row.purpose
        else None
    )
    candidates = []
    for c in row.candidates or []:
        other = s.get(ContactRow, c["contact_id"])
        if other is not None:  # a candidate merged away since is no longer offered
            candidates.append(
                MergeCandidate(
                    contact_id=other.id, reason=c["reason"], name=other.name, company=other.company
                )
            )
    fields, confidence = printed_name(row.values(), row.confidence or {})
    return Contact(
        id=row.id,
        status=ContactStatus(row.status),
        fields=fields,
        confidence=confidence,
        source_name=card.source_name if card else "",
        sha256=card.sha256 if card else "",
        image_path=_image_at(images_dir, card.image_path) if card else None,
        met_at=row.met_at,
        created_at=_utc(row.created_at) or _now(),
        updated_at=_utc(row.updated_at),
        taken_at=_utc(card.taken_at) if card else None,
        ocr_text=card.ocr_text if card else "",
        note=note,
        notes=row.notes,
        reviewed_at=_utc(row.reviewed_at),
        english=row.english or {},
        cards=[
            CardRecord(
                id=c.id,
                sha256=c.sha256,
                source_name=c.source_name,
                image_path=_image_at(images_dir, c.image_path),
                side=c.side,
                lang=c.lang,  # str columns; pydantic checks
                fields=c.fields or {},
                taken_at=_utc(c.taken_at),
                met_on=c.met_on,
                created_at=_utc(c.created_at) or _now(),
                ocr_text=c.ocr_text,
            )
            for c in row.cards
        ],
        history=[
            HistoryEntry(field=h.field, value=h.value, since=h.since, card_id=h.card_id)
            for h in row.history
        ],
        candidates=candidates,
    )


def printed_name(
    fields: dict[str, str | None], confidence: dict[str, Any]
) -> tuple[dict[str, str | None], dict[str, Any]]:
    """The contact as everyone sees it: a card that prints the name only in Latin letters
    (an English-only or romaji-only card) has that name as its name; without a printed
    reading, one is guessed from the romaji (marked unsure, so the review asks to check it).
    The stored columns are left as read, so a Japanese side that comes later fills them."""
    fields, confidence = dict(fields), dict(confidence)
    roman = fields.get("name_roman")
    if roman and not fields.get("name"):
        fields["name"] = roman
        confidence["name"] = confidence.get("name_roman")
    if roman and not fields.get("name_kana") and (guess := romaji.reading(roman)):
        fields["name_kana"] = guess
        confidence["name_kana"] = romaji.GUESS_CONFIDENCE
    return fields, confidence


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.close()


def image_suffix(data: bytes) -> str:
    """The file extension of an encoded image, from its first bytes."""
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return ".webp"
    if data[:3] == b"\xff\xd8\xff":
        return ".jpg"
    return ".png"


def _private_file(path: Path) -> None:
    """Create the SQLite file readable by its owner only, before SQLite creates it 0644."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    os.chmod(path, 0o600)
