"""The review of one card: what the form asks, what it shows, and how an answer is applied.

Orchestration (waiting for the person in the Prefect UI) lives in ``flows/review.py``; this
module only knows contacts.
"""

from __future__ import annotations

import re
from copy import copy
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, Field, create_model

from meishi.models import (
    CHECK_BELOW,
    FIELD_NAMES,
    FIELD_TITLES,
    Contact,
    MergeCandidate,
    PurposeNote,
    parse_batch,
)

#: fields below this confidence are marked for checking in the form


def review_model(contact: Contact | None = None, base: type[BaseModel] = BaseModel,
                 values: dict[str, Any] | None = None,
                 image_url: str | None = None) -> type[BaseModel]:
    """The review form for one contact: the purpose note first (the reason for the review),
    then the card's fields, prefilled and editable, unsure ones marked "⚠ check".

    ``values`` (an earlier, rejected answer) override the prefill, so nothing typed is lost.
    The card image is shown in the purpose field's help, inside the form: Prefect's UI
    squeezes the run description to nothing above a long form.
    """
    defaults = form_defaults(contact) if contact else {}
    defaults.update({k: v for k, v in (values or {}).items() if v is not None})
    fields: dict[str, Any] = {}
    for key, info in PurposeNote.model_fields.items():
        f = copy(info)
        if info.annotation == str | None:
            # a plain text box in the UI (an optional type shows a str/None switch);
            # an empty answer is stored as null
            annotation: Any = str
            f.default = defaults.get(key) or ""
        else:
            annotation = info.annotation
            if defaults.get(key) is not None:
                f.default = defaults[key]
        if key == "purpose":
            # the UI refuses an empty purpose; PurposeNote also refuses a blank one
            f = Field(f.default, title=info.title, min_length=1, description=(
                f"![the card]({image_url})\n\n{info.description}" if image_url
                else info.description))
        fields[key] = (annotation, f)
    if contact and contact.candidates:
        choices = (NEW_PERSON, *(candidate_label(c) for c in contact.candidates))
        fields["same_as"] = (Literal[choices], Field(
            defaults.get("same_as") or NEW_PERSON, title="同一人物? Same person as",
            description="This card may be somebody already in your contacts. Pick them to "
                        "make it one contact (their purpose note is kept, yours is added to "
                        "the notes), or keep it a new person."))
    for key in FIELD_NAMES:
        title = FIELD_TITLES[key]
        if contact and contact.fields.get(key) and \
                (contact.confidence.get(key) or 0) < CHECK_BELOW:
            title = f"⚠ {title} (check)"
        fields[key] = (str, Field(defaults.get(key) or "", title=title))
    return create_model(
        "ReviewForm", __base__=base, __doc__="Confirm the card and write why it matters.",
        **fields,
    )


NEW_PERSON = "新しい人 A new person"


def candidate_label(c: MergeCandidate) -> str:
    who = " ".join(x for x in (c.name, c.company and f"— {c.company}") if x)
    return f"#{c.contact_id} {who} ({c.reason})"


def chosen_candidate(answer: BaseModel) -> int | None:
    """The contact the person said this card belongs to, if any."""
    choice = getattr(answer, "same_as", None)
    m = re.match(r"#(\d+) ", choice or "")
    return int(m.group(1)) if m else None


def split_answer(answer: BaseModel) -> tuple[dict[str, str | None], PurposeNote]:
    """(corrected contact fields, validated purpose note) from a review answer.

    Raises ``pydantic.ValidationError`` when the note is not acceptable (no purpose).
    """
    data = {k: (v.strip() or None) if isinstance(v, str) else v
            for k, v in answer.model_dump().items()}
    fields = {k: data.get(k) for k in FIELD_NAMES}
    note = PurposeNote.model_validate(
        {k: data.get(k) for k in PurposeNote.model_fields} | {"purpose": data.get("purpose") or ""})
    return fields, note


def meeting(contact: Contact) -> tuple[str | None, date | None]:
    """Where and when we met, guessed from the inbox folder (``2026-11-20_交流会``) and the
    photo's date."""
    when, where = parse_batch(contact.met_at)
    if when is None and contact.taken_at:
        when = contact.taken_at.date()
    return where, when


def form_defaults(contact: Contact) -> dict[str, object]:
    """What the form shows before the person types anything."""
    where, when = meeting(contact)
    note = contact.note
    defaults: dict[str, object] = {k: contact.fields.get(k) for k in FIELD_NAMES}
    defaults.update(
        met_where=note.met_where if note else where,
        met_on=note.met_on if note else when,
    )
    if note:
        defaults.update(purpose=note.purpose, offer=note.offer, they_offer=note.they_offer,
                        next_action=note.next_action, follow_up=note.follow_up)
    return defaults


def run_name(contact: Contact) -> str:
    """The review run's name, so the list of waiting runs reads as a queue."""
    name = contact.fields.get("name") or contact.fields.get("name_roman") or f"名刺 #{contact.id}"
    company = contact.fields.get("company")
    return f"{name} — {company}" if company else name


def describe(contact: Contact, image_url: str | None, problem: str | None = None) -> str:
    """The markdown shown above the form: the card, what was read, what to check."""
    parts = []
    if problem:
        parts.append(f"> **Please fix:** {problem}\n")
    parts.append(f"### {run_name(contact)}")
    if image_url:
        parts.append(f"![the card]({image_url})")
    low = [k for k in FIELD_NAMES
           if contact.fields.get(k) and (contact.confidence.get(k) or 0) < CHECK_BELOW]
    if low:
        parts.append("**Check these fields, the reading is unsure:** "
                     + ", ".join(f"`{FIELD_TITLES[k]}`" for k in low))
    parts.append("Then write **why this person matters** (目的) and what you can give "
                 "(与えられること): a card without it is soon a face nobody remembers.")
    if contact.ocr_text:
        text = contact.ocr_text.replace("```", "'''")
        parts.append(f"What OCR read:\n\n```\n{text}\n```")
    return "\n\n".join(parts)
