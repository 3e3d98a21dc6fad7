"""The contact store: stubs, one card per content hash, private files."""

from __future__ import annotations

import stat

from sqlalchemy import text

from meishi.extract.fields import extract_fields, lines_for_test
from meishi.models import CardRead, ContactStatus
from meishi.store import Store


def _read(sha: str, name: str = "山田 太郎") -> CardRead:
    ocr = lines_for_test([("株式会社ミドリ精機", 40), (name, 70), ("TEL 03-5210-7788", 25)])
    return CardRead(
        source=f"{sha}.jpg",
        sha256=sha,
        fields=extract_fields(ocr),
        ocr=ocr,
        card_image=b"\x89PNG fake",
    )


def test_add_card_creates_a_stub_needing_a_purpose(settings):
    settings.ensure_dirs()
    store = Store(settings.db_url, settings.images_dir)
    stored = store.add_card(_read("a" * 64), source_name="ev/a.jpg", met_at="2026-11-20_交流会")
    assert stored.created
    c = store.get(stored.contact_id)
    assert c is not None
    assert c.status is ContactStatus.needs_purpose
    assert c.fields["name"] == "山田 太郎" and c.fields["tel"] == "03-5210-7788"
    assert c.met_at == "2026-11-20_交流会"
    assert c.image_path is not None and c.image_path.read_bytes() == b"\x89PNG fake"
    assert [x.id for x in store.faceless()] == [stored.contact_id]
    assert store.count(ContactStatus.needs_purpose) == 1


def test_same_card_twice_is_one_contact(settings):
    store = Store(settings.db_url, settings.images_dir)
    first = store.add_card(_read("b" * 64), source_name="b.jpg")
    again = store.add_card(_read("b" * 64), source_name="b-copy.jpg")
    assert not again.created and again.contact_id == first.contact_id
    assert store.count() == 1


def test_faceless_is_oldest_first(settings):
    store = Store(settings.db_url, settings.images_dir)
    ids = [
        store.add_card(_read(c * 64, n), source_name=c).contact_id
        for c, n in (("c", "佐藤 花子"), ("d", "鈴木 一郎"))
    ]
    assert [c.id for c in store.faceless()] == ids


def test_data_files_are_private(settings):
    settings.ensure_dirs()
    store = Store(settings.db_url, settings.images_dir)
    stored = store.add_card(_read("e" * 64), source_name="e.jpg")
    db = settings.home / "meishi.db"
    image = store.get(stored.contact_id).image_path
    for p in (db, image):
        assert stat.S_IMODE(p.stat().st_mode) & 0o077 == 0, p
    assert stat.S_IMODE(settings.home.stat().st_mode) == 0o700


def test_a_moved_data_folder_keeps_its_card_images(tmp_path):
    """The database names each image by its file, not by where the data folder was: a folder
    moved, restored from a backup or synced to another machine still shows every card
    (rows of earlier versions, holding the old absolute path, too)."""
    old = tmp_path / "old"
    store = Store(f"sqlite:///{old / 'meishi.db'}", old / "images")
    a = store.add_card(_read("a" * 64), source_name="a.jpg").contact_id
    b = store.add_card(_read("b" * 64, "佐藤 花子"), source_name="b.jpg").contact_id
    with store.engine.begin() as conn:  # as an earlier version wrote it
        conn.execute(
            text("UPDATE cards SET image_path = :p WHERE contact_id = :c"),
            {"p": str(old / "images" / f"{'b' * 64}.png"), "c": b},
        )
    store.close()
    new = tmp_path / "new"
    old.rename(new)
    moved = Store(f"sqlite:///{new / 'meishi.db'}", new / "images")
    for contact_id in (a, b):
        image = moved.get(contact_id).image_path
        assert image is not None and image.parent == new / "images"
        assert image.read_bytes() == b"\x89PNG fake"
    assert moved.delete(a) == [new / "images" / f"{'a' * 64}.png"]
    assert not (new / "images" / f"{'a' * 64}.png").exists()
    moved.close()
