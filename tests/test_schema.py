"""The versioned schema: a database of the previous version upgrades without losing data."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, text

from meishi import db
from meishi.models import CardFields, CardRead, ContactStatus, FieldValue, OcrResult
from meishi.store import Base, Store

V1_DUMP = Path(__file__).parent / "data" / "store_v1.sql"  # `sqlite3 .dump` of a 0.1.0 store


def _v1_inserts() -> list[str]:
    return re.findall(r"^INSERT INTO .*;$", V1_DUMP.read_text(encoding="utf-8"), re.MULTILINE)


def _check_v1_data_survived(store: Store) -> None:
    done, stub = store.contacts()
    assert (done.id, done.fields["name"], done.status) == (1, "髙橋 一郎", ContactStatus.complete)
    assert done.note is not None and done.note.purpose == "物流の相談相手"
    assert done.note.offer == "採用の紹介" and str(done.note.met_on) == "2025-04-01"
    assert done.met_at == "2025-04-01_交流会" and done.fields["title"] == "課長"
    assert [c.source_name for c in done.cards] == ["2025-04-01_交流会/a.png"]
    assert done.cards[0].fields["email"] == "ichiro@test.co.jp"  # the card's own reading
    assert str(done.cards[0].met_on) == "2025-04-01"  # from the inbox folder's name
    assert (stub.fields["name"], stub.status) == ("佐藤 花子", ContactStatus.needs_purpose)
    # the match keys were computed: a new card of 高橋 (new kanji) with his mail joins him
    new = CardRead(
        source="c.png",
        sha256="c" * 64,
        ocr=OcrResult(lines=[]),
        card_image=b"png",
        fields=CardFields(
            name=FieldValue(value="高橋一郎", confidence=0.9),
            email=FieldValue(value="ichiro@test.co.jp", confidence=0.9),
            title=FieldValue(value="部長", confidence=0.9),
        ),
    )
    stored = store.add_card(new, source_name="c.png")
    assert (stored.status, stored.contact_id) == ("merged", 1)
    assert store.get(1).note == done.note


def test_a_010_sqlite_store_is_upgraded_in_place_with_a_backup(tmp_path):
    path = tmp_path / "contacts.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.executescript(V1_DUMP.read_text(encoding="utf-8"))
    store = Store(f"sqlite:///{path}", tmp_path / "images")
    try:
        with store.engine.connect() as conn:
            assert db.current(conn) == db.head()
        _check_v1_data_survived(store)
    finally:
        store.close()
    backup = path.with_name(path.name + ".before-0001.bak")
    with sqlite3.connect(backup) as conn:  # the copy is the old database, untouched
        assert conn.execute("select count(*) from contacts").fetchone() == (2,)
        assert "name_key" not in {r[1] for r in conn.execute("pragma table_info(contacts)")}
    assert backup.stat().st_mode & 0o777 == 0o600


def test_upgrade_from_revision_0001_with_data(db_url, tmp_path):
    engine = create_engine(db_url)
    db.upgrade(engine, "0001")
    with engine.begin() as conn:
        for insert in _v1_inserts():
            conn.execute(text(insert))
        if engine.dialect.name == "postgresql":  # the dump sets ids; move the sequences on
            for table in ("contacts", "cards"):
                conn.execute(
                    text(f"SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))")
                )
    engine.dispose()
    store = Store(db_url, tmp_path / "images")
    try:
        _check_v1_data_survived(store)
    finally:
        store.close()


def test_models_and_migrations_agree_and_downgrade_works(db_url):
    engine = create_engine(db_url)
    db.upgrade(engine)
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"version_table": db.VERSION_TABLE})
        diff = [
            d
            for d in compare_metadata(ctx, Base.metadata)
            if not (d[0] == "remove_table" and d[1].name == db.VERSION_TABLE)
        ]
    assert diff == []
    from alembic import command

    with engine.begin() as conn:
        command.downgrade(db.config(conn), "0001")
    with engine.connect() as conn:
        assert db.current(conn) == "0001"
    db.upgrade(engine)
    with engine.connect() as conn:
        assert db.current(conn) == db.head()
    engine.dispose()
