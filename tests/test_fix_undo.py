"""Fix and undo: edit, re-open, delete and un-merge a contact; every change is in its log."""

from __future__ import annotations

from datetime import date

import pytest

from meishi.errors import StoreError
from meishi.models import ContactStatus, PurposeNote
from meishi.store import Store
from test_contact_book import TARO_2025, card

NOTE = PurposeNote(purpose="物流の相談ができる")


@pytest.fixture
def store(settings):
    s = Store(settings.db_url, settings.images_dir)
    yield s
    s.close()


@pytest.mark.parametrize(
    ("changes", "expected", "logged"),
    [
        ({"title": "部長"}, {"title": "部長"}, {"title": ["課長", "部長"]}),
        (
            {"fax": "03-5210-7789", "tel": ""},
            {"fax": "03-5210-7789", "tel": None},
            {"fax": [None, "03-5210-7789"], "tel": ["03-5210-7788", None]},
        ),
        (
            {"follow_up": "2026-12-24"},
            {"follow_up": date(2026, 12, 24)},
            {"follow_up": ["2026-12-01", "2026-12-24"]},
        ),
        ({"title": "課長"}, {"title": "課長"}, None),  # no change, nothing logged
    ],
)
def test_edit_sets_fields_and_logs_the_old_values(store, changes, expected, logged):
    cid = store.add_card(card("a", **TARO_2025), source_name="a.jpg").contact_id
    store.complete(cid, {}, NOTE.model_copy(update={"follow_up": date(2026, 12, 1)}))
    c = store.edit(cid, changes)
    for key, value in expected.items():
        got = c.fields[key] if key in c.fields else getattr(c.note, key)
        assert got == value, key
    edits = [d for _, action, d in store.changes(cid) if action == "edited"]
    assert edits == ([{"fields": logged}] if logged else [])


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"colour": "red"}, "cannot edit colour"),
        ({"follow_up": "来週"}, "not a valid purpose note"),
        ({"purpose": ""}, "not a valid purpose note"),  # a purpose is cleared by re-opening
    ],
)
def test_edit_refuses_what_it_cannot_store(store, changes, message):
    cid = store.add_card(card("a", **TARO_2025), source_name="a.jpg").contact_id
    store.complete(cid, {}, NOTE)
    with pytest.raises(StoreError, match=message):
        store.edit(cid, changes)


def test_reopen_asks_again_keeping_the_note_for_the_form(store):
    cid = store.add_card(card("a", **TARO_2025), source_name="a.jpg").contact_id
    store.complete(cid, {}, NOTE)
    c = store.reopen(cid)
    assert c.status is ContactStatus.needs_purpose and c.note == NOTE
    assert [x.id for x in store.faceless()] == [cid]
    done = store.complete(cid, {}, PurposeNote(purpose="採用で協力したい"), offered_note=c.note)
    assert done.note is not None and done.note.purpose == "採用で協力したい"
    assert [a for _, a, _ in store.changes(cid)] == ["reviewed", "reopened", "reviewed"]


def test_delete_removes_the_contact_and_its_images_and_logs_what_it_was(store):
    cid = store.add_card(card("a", **TARO_2025), source_name="a.jpg").contact_id
    images = store.delete(cid)
    assert store.get(cid) is None and store.count() == 0
    assert images and not any(p.exists() for p in images)
    ((_, action, detail),) = store.changes(cid)
    assert action == "deleted" and detail["fields"]["name"] == "山田 太郎"
    assert detail["cards"] == ["a.jpg"]
    # the same scan again is a new card, not a duplicate of a deleted one
    assert store.add_card(card("a", **TARO_2025), source_name="a.jpg").status == "stored"


@pytest.mark.parametrize(
    ("second", "kept_on_first", "on_second"),
    [
        # another person's card merged by mistake (same name and mail): back on its own;
        # the first contact gets its own title back
        (
            dict(TARO_2025, title="部長", tel="06-1111-2222"),
            {"title": "課長", "tel": "03-5210-7788"},
            {"title": "部長", "tel": "06-1111-2222"},
        ),
        # a card that filled a gap: the gap comes back
        (dict(TARO_2025, fax="03-5210-7789"), {"fax": None}, {"fax": "03-5210-7789"}),
    ],
)
def test_unmerge_gives_a_card_back_its_own_contact(store, second, kept_on_first, on_second):
    first = store.add_card(card("a", "2025-04-01", **TARO_2025), source_name="a.jpg").contact_id
    joined = store.add_card(card("b", "2026-05-01", **second), source_name="b.jpg")
    assert joined.status == "merged" and joined.contact_id == first
    card_id = store.get(first).cards[1].id
    new = store.unmerge(card_id)
    assert new.id != first and new.status is ContactStatus.needs_purpose
    assert [c.source_name for c in new.cards] == ["b.jpg"]
    old = store.get(first)
    assert [c.source_name for c in old.cards] == ["a.jpg"]
    for key, value in kept_on_first.items():
        assert old.fields[key] == value, key
    for key, value in on_second.items():
        assert new.fields[key] == value, key
    assert old.history_of("title") == [] or all(h.card_id != card_id for h in old.history)
    assert ("unmerged", {"card": card_id, "to": new.id}) in [
        (a, d) for _, a, d in store.changes(first)
    ]
    with pytest.raises(StoreError, match="only card"):
        store.unmerge(card_id)


def test_unmerge_after_a_wrong_merge_of_two_firms_restores_the_first_firm(store):
    from test_company_bound import AOBA, HARUKA, _without

    first = store.add_card(
        card("a", "2025-04-01", **_without(HARUKA, "mobile")), source_name="a.jpg"
    ).contact_id
    other = store.add_card(
        card("b", "2026-05-10", **{**_without(AOBA, "mobile"), "name": "鈴木 一郎"}),
        source_name="b.jpg",
    ).contact_id
    before = store.get(first).fields
    merged = store.merge(other, first)  # the wrong merge
    assert merged.fields["company"] == "株式会社アオバ産業"
    store.unmerge(merged.cards[1].id)
    after = store.get(first)
    assert after.fields == before
    assert after.history == []
