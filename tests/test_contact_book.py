"""The contact book in the store: one person one contact, history, both sides, notes kept.

Every test runs on SQLite and on PostgreSQL (``db_url``)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from meishi.models import CardFields, CardRead, ContactStatus, FieldValue, OcrResult, PurposeNote
from meishi.store import Store


def card(sha: str, when: str = "2025-04-01", conf: float = 0.95, **values: str) -> CardRead:
    return CardRead(
        source=f"{sha}.jpg",
        sha256=sha * (64 // len(sha)),
        fields=CardFields(**{k: FieldValue(value=v, confidence=conf) for k, v in values.items()}),
        ocr=OcrResult(lines=[]),
        card_image=b"\x89PNG fake",
        taken_at=datetime.fromisoformat(when).replace(tzinfo=UTC),
    )


TARO_2025 = dict(
    name="山田 太郎",
    company="株式会社ミドリ精機",
    department="営業部",
    title="課長",
    email="t.yamada@midori-seiki.co.jp",
    tel="03-5210-7788",
)
NOTE = PurposeNote(purpose="物流の相談ができる", met_where="交流会", met_on=date(2025, 4, 1))


@pytest.fixture
def store(db_url, tmp_path):
    s = Store(db_url, tmp_path / "images")
    yield s
    s.close()


def test_promotion_joins_the_contact_and_becomes_history(store):
    first = store.add_card(card("a", **TARO_2025), source_name="a.jpg")
    store.complete(first.contact_id, {}, NOTE)
    store.add_note(first.contact_id, "娘さんが受験")
    later = store.add_card(
        card("b", "2026-05-10", **{**TARO_2025, "title": "部長", "name": "山田太郎"}),
        source_name="b.jpg",
    )
    assert later.status == "merged" and later.contact_id == first.contact_id
    c = store.get(first.contact_id)
    assert c.fields["title"] == "部長"
    assert [(h.value, h.since.year) for h in c.history_of("title")] == [
        ("課長", 2025),
        ("部長", 2026),
    ]
    assert [x.source_name for x in c.cards] == ["a.jpg", "b.jpg"]
    # the purpose note, the notes and the status are never overwritten by a new card
    assert c.note == NOTE and "娘さんが受験" in c.notes and c.status is ContactStatus.complete
    assert store.count() == 1


def test_an_older_card_fills_gaps_but_does_not_undo_a_newer_one(store):
    store.add_card(card("a", "2026-01-01", **TARO_2025, mobile="090-1234-5678"), source_name="a")
    cid = store.add_card(
        card("b", "2024-01-01", **{**TARO_2025, "title": "主任", "fax": "03-5210-7789"}),
        source_name="b",
    ).contact_id
    c = store.get(cid)
    assert c.fields["title"] == "課長" and c.fields["fax"] == "03-5210-7789"
    assert c.history == []


def test_an_unsure_reading_does_not_replace_a_value(store):
    cid = store.add_card(card("a", **TARO_2025), source_name="a").contact_id
    store.add_card(card("b", "2026-01-01", conf=0.95, **TARO_2025), source_name="b")
    unsure = card("c", "2026-06-01", **TARO_2025)
    unsure.fields.title = FieldValue(value="諜長", confidence=0.4)
    assert store.add_card(unsure, source_name="c").status == "merged"
    assert store.get(cid).fields["title"] == "課長"


def test_only_the_name_agrees_gives_a_candidate_not_a_merge(store):
    a = store.add_card(card("a", **TARO_2025), source_name="a").contact_id
    b = store.add_card(
        card("b", name="山田 太郎", company="アオバ合同会社", email="taro@aoba.example.jp"),
        source_name="b",
    )
    assert b.status == "stored" and b.candidates == (a,)
    c = store.get(b.contact_id)
    assert [(x.contact_id, x.reason, x.company) for x in c.candidates] == [
        (a, "same name", "株式会社ミドリ精機")
    ]


def test_a_shared_mailbox_never_merges_two_people(store):
    a = store.add_card(
        card("a", name="佐藤 花子", company="株式会社ミドリ精機", email="info@midori-seiki.co.jp"),
        source_name="a",
    )
    b = store.add_card(
        card("b", name="鈴木 一郎", company="株式会社ミドリ精機", email="info@midori-seiki.co.jp"),
        source_name="b",
    )
    assert b.status == "stored" and b.contact_id != a.contact_id and b.candidates == ()


def test_confirmed_candidate_merges_in_the_review_and_keeps_both_notes(store):
    a = store.add_card(card("a", **TARO_2025), source_name="a").contact_id
    store.complete(a, {}, NOTE)
    b = store.add_card(
        card("b", "2026-02-01", name="山田 太郎", company="アオバ合同会社", title="CTO"),
        source_name="b",
    ).contact_id
    offered = store.get(b).fields
    done = store.complete(
        b,
        {**offered, "department": "開発部"},
        PurposeNote(purpose="転職後も相談したい"),
        offered=offered,
        same_as=a,
    )
    assert done.id == a and store.get(b) is None and store.count() == 1
    assert done.fields["company"] == "アオバ合同会社" and done.fields["department"] == "開発部"
    assert done.note == NOTE and "転職後も相談したい" in done.notes
    assert [h.value for h in done.history_of("company")] == ["株式会社ミドリ精機", "アオバ合同会社"]
    assert len(done.cards) == 2


def test_review_applies_only_what_the_person_changed(store):
    cid = store.add_card(card("a", **TARO_2025), source_name="a").contact_id
    offered = store.get(cid).fields
    # meanwhile a newer card changes the title
    store.add_card(card("b", "2026-05-01", **{**TARO_2025, "title": "部長"}), source_name="b")
    done = store.complete(cid, {**offered, "tel": "03-5210-7700"}, NOTE, offered=offered)
    assert done.fields["title"] == "部長" and done.fields["tel"] == "03-5210-7700"


def test_english_back_fills_roman_name_and_english_fields(store):
    front = store.add_card(card("a", **TARO_2025), source_name="x_front.jpg", side="front")
    back = store.add_card(
        card(
            "b",
            name_roman="Taro Yamada",
            company="Midori Seiki Co., Ltd.",
            title="Manager",
            department="Sales Dept.",
            address="1-2-3 Marunouchi, Chiyoda-ku, Tokyo",
            url="https://midori-seiki.co.jp",
        ),
        source_name="x_back.jpg",
        into=front.contact_id,
        side="back",
    )
    assert back.status == "merged"
    c = store.get(front.contact_id)
    assert c.fields["name_roman"] == "Taro Yamada" and c.fields["company"] == "株式会社ミドリ精機"
    assert c.english == {
        "company": "Midori Seiki Co., Ltd.",
        "title": "Manager",
        "department": "Sales Dept.",
        "address": "1-2-3 Marunouchi, Chiyoda-ku, Tokyo",
    }
    assert c.fields["url"] == "https://midori-seiki.co.jp" and c.history == []
    assert [(x.side, x.lang) for x in c.cards] == [("front", "ja"), ("back", "en")]


def test_japanese_side_after_the_english_one_takes_the_main_fields(store):
    en = store.add_card(
        card(
            "b",
            name_roman="Taro Yamada",
            company="Midori Seiki Co., Ltd.",
            email="t.yamada@midori-seiki.co.jp",
        ),
        source_name="b",
    ).contact_id
    ja = store.add_card(card("a", **TARO_2025, name_roman="Taro Yamada"), source_name="a")
    assert ja.status == "merged" and ja.contact_id == en
    c = store.get(en)
    assert c.fields["company"] == "株式会社ミドリ精機" and c.fields["name"] == "山田 太郎"
    assert c.english["company"] == "Midori Seiki Co., Ltd."


def test_search_finds_variants_readings_and_phone_numbers(store):
    a = store.add_card(
        card(
            "a",
            name="髙橋 一郎",
            name_kana="タカハシ イチロウ",
            company="株式会社ミドリ精機",
            tel="03-5210-7788",
        ),
        source_name="a",
    ).contact_id
    store.add_card(card("b", name="佐藤 花子", company="アオバ合同会社"), source_name="b")
    store.complete(a, {}, PurposeNote(purpose="物流の相談"))
    for query in ("高橋", "たかはし", "ミドリ", "5210-7788", "物流"):
        assert [c.id for c in store.search(query)] == [a], query
    assert store.search("存在しない") == []


def test_merge_by_hand_moves_cards_and_refuses_itself(store):
    a = store.add_card(card("a", **TARO_2025), source_name="a").contact_id
    b = store.add_card(card("b", name="佐藤 花子"), source_name="b").contact_id
    merged = store.merge(b, a)
    assert len(merged.cards) == 2 and store.get(b) is None
    with pytest.raises(Exception, match="itself"):
        store.merge(a, a)


def test_since_filters_on_last_change(store):
    a = store.add_card(card("a", **TARO_2025), source_name="a").contact_id
    cut = datetime.now(UTC)
    b = store.add_card(card("b", name="佐藤 花子"), source_name="b").contact_id
    assert [c.id for c in store.contacts(since=cut)] == [b]
    store.add_note(a, "追記")
    assert {c.id for c in store.contacts(since=cut)} == {a, b}
