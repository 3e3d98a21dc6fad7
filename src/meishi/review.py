"""The review of one card: what the form asks, what it shows, and how an answer is applied.

Orchestration (waiting for the person in the Prefect UI) lives in ``flows/review.py``; this
module only knows contacts.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from meishi.charclass import variant_forms
from meishi.models import (
    CHECK_BELOW,
    FIELD_NAMES,
    FIELD_TITLES,
    Contact,
    MergeCandidate,
    PurposeNote,
    parse_batch,
)

#: the form's questions about the person, Japanese first (title, help line)
NOTE_LABELS: dict[str, tuple[str, str]] = {
    "purpose": (
        "目的 ★ この人とつながる理由 (Purpose)",
        "一文で十分です。例: 物流の自動化で協業したい。これだけは必須です。",
    ),
    "met_where": ("出会った場所 (Where we met)", "例: 交流会、展示会、紹介"),
    "met_on": ("出会った日 (When we met)", ""),
    "offer": ("自分が提供できること (What I can offer)", ""),
    "they_offer": ("相手から得られること (What they may offer)", ""),
    "next_action": ("次のアクション (Next action)", "例: 来週メールで資料を送る"),
    "follow_up": ("フォローアップ日 (Follow-up date)", "この日にリマインドします"),
}

#: the mark on a field the reading is unsure of
UNSURE = "⚠ 要確認"

_DATE_FIELDS = ("met_on", "follow_up")


def _every_field_answered(schema: dict[str, Any]) -> None:
    """Every question is "required" in the form's JSON schema: an empty text is an answer,
    and the UI then shows no "(Optional)" on every label. The answer is still validated
    here (:func:`split_answer`), where an empty purpose is refused with a reason."""
    schema["required"] = list(schema.get("properties", {}))


def review_model(
    contact: Contact | None = None,
    base: type[BaseModel] = BaseModel,
    values: dict[str, Any] | None = None,
    image_url: str | None = None,
) -> type[BaseModel]:
    """The review form for one contact: the purpose note first (the reason for the review),
    then the card's fields, prefilled and editable, unsure ones marked "⚠ 要確認".

    Every field is a plain text box (dates: a date picker): no type switches. The card
    image, the guidance and a refusal's reason are in the form's description
    (:func:`describe`), which the Prefect UI shows above the form.
    ``values`` (an earlier, refused answer) override the prefill, so nothing typed is lost.
    """
    defaults = form_defaults(contact) if contact else {}
    defaults.update({k: v for k, v in (values or {}).items() if v is not None})
    fields: dict[str, Any] = {}
    for key in PurposeNote.model_fields:
        title, help_ = NOTE_LABELS[key]
        value = defaults.get(key)
        extra: dict[str, Any] = {"format": "date"} if key in _DATE_FIELDS else {}
        fields[key] = (
            str,
            Field(
                str(value) if value else "",
                title=title,
                description=help_ or None,
                json_schema_extra=extra or None,
            ),
        )
    if contact and contact.candidates:
        choices = (NEW_PERSON, *(candidate_label(c) for c in contact.candidates))
        fields["same_as"] = (
            Literal[choices],
            Field(
                defaults.get("same_as") or NEW_PERSON,
                title="同一人物? (Same person as)",
                description="登録済みの人と同じなら選んでください: 一つの連絡先にまとめます "
                "(その人の目的は残り、今回の目的はメモに追記されます)。",
            ),
        )
    for key in FIELD_NAMES:
        title = FIELD_TITLES[key]
        if _unsure(contact, key):
            title = f"{UNSURE} {title}"
        value = str(defaults.get(key) or "")
        fields[key] = (str, Field(value, title=title, description=_variant_help(key, value)))
    form_base = type(
        "ReviewFormBase",
        (base,),
        {
            # an answer given to the form of a contact merged since may name a choice this
            # form no longer has: it is ignored (the merge is done), the rest is applied
            "model_config": ConfigDict(json_schema_extra=_every_field_answered, extra="ignore"),
            "__module__": __name__,
        },
    )
    return create_model(
        "ReviewForm",
        __base__=form_base,
        __doc__="名刺の確認と、この人とつながる理由。",
        **fields,
    )


def _variant_help(key: str, value: str) -> str | None:
    """For a name with a kanji cards often print in a variant form (山崎 / 山﨑), the forms
    to compare with the card: no reading tells them apart."""
    forms = variant_forms(value) if key == "name" else {}
    if not forms:
        return None
    pairs = "、".join(f"{c} → {'・'.join(v)}" for c, v in forms.items())
    return f"異体字かもしれません ({pairs})。名刺の字と見比べてください。"


def _unsure(contact: Contact | None, key: str) -> bool:
    return bool(
        contact and contact.fields.get(key) and (contact.confidence.get(key) or 0) < CHECK_BELOW
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
    data = {
        k: (v.strip() or None) if isinstance(v, str) else v for k, v in answer.model_dump().items()
    }
    fields = {k: data.get(k) for k in FIELD_NAMES}
    note = PurposeNote.model_validate(
        {k: data.get(k) for k in PurposeNote.model_fields} | {"purpose": data.get("purpose") or ""}
    )
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
        defaults.update(
            purpose=note.purpose,
            offer=note.offer,
            they_offer=note.they_offer,
            next_action=note.next_action,
            follow_up=note.follow_up,
        )
    return defaults


def who(contact: Contact) -> str:
    """The person and the firm, as a heading."""
    name = contact.fields.get("name") or contact.fields.get("name_roman") or f"名刺 #{contact.id}"
    company = contact.fields.get("company")
    return f"{name} — {company}" if company else name


def run_name(contact: Contact) -> str:
    """The review run's name, so the list of waiting runs reads as a queue: the card's
    number first (zero-padded, so sorting by name is oldest first, the order the cards were
    stored in), then the person and the firm."""
    return f"{contact.id:04d} {who(contact)}"


def refusal(exc: ValidationError) -> str:
    """Why an answer was refused, in words for the person at the form (Japanese first)."""
    reasons = []
    for e in exc.errors():
        key = str(e["loc"][0]) if e["loc"] else ""
        title = NOTE_LABELS.get(key, (FIELD_TITLES.get(key, key), ""))[0]
        if key == "purpose":
            reasons.append(
                "目的が空です。この人とつながる理由を一文で書いてください (the purpose is required)"
            )
        elif key in _DATE_FIELDS:
            reasons.append(
                f"{title}: 日付は 2026-12-01 の形で入力してください (a date as YYYY-MM-DD)"
            )
        else:
            reasons.append(f"{title}: {e['msg']}")
    return " / ".join(reasons)


def describe(
    contact: Contact, image_url: str | None, problem: str | None = None, next_url: str | None = None
) -> str:
    """The markdown shown above the form: a refusal's reason, the card, what to check, how
    to go on to the next card."""
    parts = []
    if problem:
        parts.append(
            f"> ### ⚠ 送信できませんでした: {problem}\n>\n"
            "> 直して、もう一度送信してください。入力した内容は残っています。"
        )
    parts.append(f"### {who(contact)}")
    if image_url:
        parts.append(f"![名刺 the card]({image_url})")
    low = [k for k in FIELD_NAMES if _unsure(contact, k)]
    if low:
        parts.append(
            f"**{UNSURE}** 読み取りに自信がない項目です。画像と見比べて直してください: "
            + "、".join(f"**{FIELD_TITLES[k]}**" for k in low)
        )
    parts.append(
        "下の **目的** に、この人とつながる理由を一文で書いて **Resume** "
        "(送信) を押してください。ほかの項目は空でも構いません。"
    )
    if next_url:
        parts.append(
            "送信すると保存され、このページの **Artifacts** タブに "
            "「次の名刺へ →」が出ます (after Resume: Artifacts → the next card)."
        )
    return "\n\n".join(parts)
