"""No answer is lost: a review answers for the contact its card ended in, and a purpose note
is never overwritten by an answer to a form that did not show it."""

from __future__ import annotations

import pytest

from meishi.errors import StoreError
from meishi.models import ContactStatus, PurposeNote
from meishi.store import Store
from test_store import _read

OLD_NOTE = PurposeNote(purpose="採用で協力したい")
ANSWER = PurposeNote(purpose="物流の自動化で協業したい", next_action="資料を送る")


def _two(store: Store) -> tuple[int, int]:
    a = store.add_card(_read("a" * 64, "佐藤 花子"), source_name="a.jpg").contact_id
    b = store.add_card(_read("b" * 64, "鈴木 一郎"), source_name="b.jpg").contact_id
    return a, b


@pytest.mark.parametrize(
    ("target_has_note", "expected_purpose", "answer_in_notes"),
    [
        # the contact it joined was faceless: the answer is its purpose note
        (False, ANSWER.purpose, False),
        # it had a note: kept, and the answer added to the notes
        (True, OLD_NOTE.purpose, True),
    ],
)
def test_the_review_of_a_merged_contact_answers_for_the_contact_it_joined(
    settings, target_has_note, expected_purpose, answer_in_notes
):
    store = Store(settings.db_url, settings.images_dir)
    a, b = _two(store)
    shown = store.get(a).fields  # what a's review form showed
    if target_has_note:
        store.complete(b, {}, OLD_NOTE)
    store.merge(a, b)  # `meishi contacts merge a b` while a's review waited
    assert store.get(a) is None and store.merged_into(a) == b
    assert store.merged_fields(a) == shown
    # the person corrects the title on a's form and writes the purpose
    done = store.complete(a, {**shown, "title": "部長"}, ANSWER, offered=shown)
    assert done.id == b and done.status is ContactStatus.complete
    assert done.note is not None and done.note.purpose == expected_purpose
    assert (ANSWER.purpose in (done.notes or "")) is answer_in_notes
    assert done.fields["title"] == "部長"  # the one field changed on the form
    assert done.fields["name"] == "鈴木 一郎"  # a's unchanged name did not overwrite b's
    assert [action for _, action, _ in store.changes(a)] == ["merged"]
    assert [action for _, action, _ in store.changes(b)][-2:] == ["joined", "reviewed"]


def test_a_chain_of_merges_is_followed_and_a_deleted_contact_is_refused(settings):
    store = Store(settings.db_url, settings.images_dir)
    a, b = _two(store)
    c = store.add_card(_read("c" * 64, "高橋 一郎"), source_name="c.jpg").contact_id
    store.merge(a, b)
    store.merge(b, c)
    assert store.merged_into(a) == c and store.merged_into(c) == c
    assert store.merged_into(999) is None
    with pytest.raises(StoreError, match="does not exist"):
        store.complete(999, {}, ANSWER)


@pytest.mark.parametrize(
    ("offered_note", "expected_purpose", "appended"),
    [
        (None, OLD_NOTE.purpose, True),  # a form that did not show the note: appended
        (OLD_NOTE, ANSWER.purpose, False),  # a re-opened review showed it: replaced
    ],
)
def test_a_note_is_replaced_only_by_a_form_that_showed_it(
    settings, offered_note, expected_purpose, appended
):
    store = Store(settings.db_url, settings.images_dir)
    a, _ = _two(store)
    store.complete(a, {}, OLD_NOTE)
    done = store.complete(a, {}, ANSWER, offered_note=offered_note)
    assert done.note is not None and done.note.purpose == expected_purpose
    assert (ANSWER.purpose in (done.notes or "")) is appended
