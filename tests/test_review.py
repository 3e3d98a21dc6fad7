"""The review of a card: the form, its prefill, applying an answer, the reminder."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from pydantic import ValidationError

from meishi.models import Contact, ContactStatus, MergeCandidate
from meishi.report import faceless_markdown
from meishi.review import (
    NEW_PERSON,
    chosen_candidate,
    describe,
    meeting,
    refusal,
    review_model,
    run_name,
    split_answer,
)
from meishi.store import Store
from test_store import _read


def _contact(**kw) -> Contact:
    base = dict(
        id=7,
        status=ContactStatus.needs_purpose,
        source_name="x.jpg",
        sha256="0" * 64,
        fields={
            "name": "山田 太郎",
            "company": "株式会社ミドリ精機",
            "email": "t@midori.jp",
            "title": None,
        },
        confidence={"name": 0.95, "company": 0.9, "email": 0.5},
        created_at=datetime(2026, 11, 20, 20, 0, tzinfo=UTC),
    )
    base.update(kw)
    return Contact(**base)


@pytest.mark.parametrize(
    ("met_at", "taken", "expected"),
    [
        ("2026-11-20_交流会", None, ("交流会", date(2026, 11, 20))),
        ("20261120 PyCon JP", None, ("PyCon JP", date(2026, 11, 20))),
        ("営業先", datetime(2026, 10, 1, 9, 0), ("営業先", date(2026, 10, 1))),
        (None, datetime(2026, 10, 1, 9, 0), (None, date(2026, 10, 1))),
        ("2026-13-40_typo", None, ("typo", None)),
    ],
)
def test_where_and_when_we_met(met_at, taken, expected):
    assert meeting(_contact(met_at=met_at, taken_at=taken)) == expected


def test_the_form_is_prefilled_and_marks_unsure_fields():
    schema = review_model(
        _contact(met_at="2026-11-20_交流会"), image_url="http://127.0.0.1:4201/cards/7.png"
    ).model_json_schema()
    props = schema["properties"]
    assert list(props)[0] == "purpose"
    # every question "required" (an empty text is an answer): no "(Optional)" on each label
    assert schema["required"] == list(props)
    assert props["name"]["default"] == "山田 太郎"
    assert props["met_where"]["default"] == "交流会"
    assert props["met_on"]["default"] == "2026-11-20"
    assert props["email"]["title"] == "⚠ 要確認 E-mail"  # confidence 0.5
    assert props["name"]["title"] == "氏名 Name"
    assert "description" not in props["name"]  # 山田 太郎: no kanji with a variant form
    assert props["purpose"]["title"].startswith("目的")
    # no type switches: every field is one plain type (dates: a string the UI picks a date for)
    for key, prop in props.items():
        assert prop.get("type") == "string" and "anyOf" not in prop, key
    assert props["follow_up"]["format"] == "date" and props["follow_up"]["default"] == ""
    # no markdown in a field's help: the v2 UI shows it as raw text
    assert not any("![" in (p.get("description") or "") for p in props.values())


def test_merge_candidates_are_offered_in_the_form_and_new_person_is_the_default():
    cand = MergeCandidate(
        contact_id=3, reason="same name", name="山田 太郎", company="アオバ合同会社"
    )
    form = review_model(_contact(candidates=[cand]))
    prop = form.model_json_schema()["properties"]["same_as"]
    assert prop["enum"] == [NEW_PERSON, "#3 山田 太郎 — アオバ合同会社 (same name)"]
    assert prop["default"] == NEW_PERSON
    kept_new = form(purpose="x")
    assert chosen_candidate(kept_new) is None
    assert chosen_candidate(form(purpose="x", same_as=prop["enum"][1])) == 3
    with pytest.raises(ValidationError):
        form(purpose="x", same_as="#99 someone else")
    assert "same_as" not in review_model(_contact()).model_json_schema()["properties"]


def test_an_answer_keeps_what_was_typed_when_asked_again():
    form = review_model(_contact(), values={"offer": "紹介できる人がいる", "name": "山田 太朗"})
    props = form.model_json_schema()["properties"]
    assert props["offer"]["default"] == "紹介できる人がいる"
    assert props["name"]["default"] == "山田 太朗"


def test_split_answer_validates_the_purpose():
    form = review_model(_contact())
    fields, note = split_answer(form(purpose=" 協業したい ", offer="", email=" t@midori.jp "))
    assert note.purpose == "協業したい" and note.offer is None
    assert fields["email"] == "t@midori.jp" and fields["title"] is None
    with pytest.raises(ValidationError, match="why this person matters") as refused:
        split_answer(form(purpose="   "))
    assert refusal(refused.value).startswith("目的が空です")
    with pytest.raises(ValidationError) as bad_date:
        split_answer(form(purpose="x", follow_up="来週"))
    assert refusal(bad_date.value).startswith("フォローアップ日 (Follow-up date): 日付は")
    _, note = split_answer(form(purpose="x", follow_up="", met_on="2026-11-20"))
    assert note.follow_up is None and note.met_on == date(2026, 11, 20)


def test_run_name_reads_as_a_queue():
    assert run_name(_contact()) == "0007 山田 太郎 — 株式会社ミドリ精機"
    assert (
        run_name(_contact(fields={"name": None, "name_roman": "Taro Yamada"})) == "0007 Taro Yamada"
    )
    assert run_name(_contact(fields={})) == "0007 名刺 #7"
    # sorting by name is oldest first
    names = [run_name(_contact(id=i)) for i in (12, 9, 101)]
    assert sorted(names) == [run_name(_contact(id=i)) for i in (9, 12, 101)]


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("山崎 美咲", "崎 → 﨑"),
        ("渡辺 大輝", "辺 → 邉・邊"),
        ("吉田 高志", "吉 → 𠮷、高 → 髙"),
        # the forms PP-OCR reads as their common one (惠 → 恵) are named too
        ("辻 恵理子", "恵 → 惠"),
        # a form the ink chose is named with the common one it may be after all
        ("山﨑 美咲", "﨑 → 崎"),
        ("濵田 和彦", "濵 → 濱・浜"),
    ],
)
def test_the_form_names_the_variant_forms_a_name_may_be_printed_in(name, shown):
    contact = _contact()
    contact.fields["name"] = name
    props = review_model(contact).model_json_schema()["properties"]
    assert shown in props["name"]["description"]
    assert "異体字" in props["name"]["description"]


def test_description_shows_the_card_and_what_to_check():
    text = describe(
        _contact(ocr_text="山田 太郎"), "http://127.0.0.1:1/cards/7.png", problem="目的が空です"
    )
    assert "![名刺 the card](http://127.0.0.1:1/cards/7.png)" in text
    assert (
        "⚠ 要確認** 読み取りに自信がない項目です。画像と見比べて直してください: **E-mail**" in text
    )
    assert text.startswith("> ### ⚠ 送信できませんでした: 目的が空です")
    assert "送信できませんでした" not in describe(_contact(), None)


def test_complete_applies_corrections_and_note_in_one_go(settings):
    store = Store(settings.db_url, settings.images_dir)
    cid = store.add_card(_read("f" * 64), source_name="f.jpg").contact_id
    fields, note = split_answer(
        review_model(store.get(cid))(
            purpose="採用で協力したい", title="部長", follow_up="2026-12-01"
        )
    )
    done = store.complete(cid, fields, note)
    assert done.status is ContactStatus.complete and done.reviewed_at is not None
    assert done.fields["title"] == "部長" and done.fields["name"] == "山田 太郎"
    assert done.note is not None and done.note.follow_up == date(2026, 12, 1)
    assert store.faceless() == []


def test_reminder_lists_only_cards_older_than_n_days():
    now = datetime(2026, 11, 25, tzinfo=UTC)
    old = _contact(id=1, created_at=now - timedelta(days=5))
    new = _contact(id=2, created_at=now - timedelta(hours=3), fields={"name": "佐藤 花子"})
    md = faceless_markdown(
        [old, new], now, older_than_days=3, ui_links={1: "http://127.0.0.1:4200/runs/flow-run/abc"}
    )
    # no personal data in the artifact: the contact's number and its review link
    assert "山田" not in md and "株式会社" not in md
    assert "| 5 d | #1 | [open](http://127.0.0.1:4200/runs/flow-run/abc) |" in md
    assert "#2" not in md
    assert "No card has waited" in faceless_markdown([new], now, older_than_days=3)
