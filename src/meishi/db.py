"""The store's schema version: every open upgrades the database to the newest revision.

Migrations are Alembic revisions in ``meishi/migrations/versions``. A database made by
meishi 0.1.0 (tables, no version table) is recognised and stamped as revision 0001 first.
Before an SQLite file is upgraded, a copy is kept beside it (``*.before-<rev>.bak``).
Concurrent opens are serialised (a file lock for SQLite, an advisory lock on PostgreSQL),
so two workers never migrate at once.
"""

from __future__ import annotations

import fcntl
import logging
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine

log = logging.getLogger(__name__)

VERSION_TABLE = "meishi_schema_version"
_MIGRATIONS = Path(__file__).parent / "migrations"
_PG_LOCK_KEY = 0x6D656973  # "meis"


def config(connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    cfg.set_main_option("version_table", VERSION_TABLE)
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head() -> str:
    rev = ScriptDirectory.from_config(config()).get_current_head()
    assert rev is not None
    return rev


def current(conn: Connection) -> str | None:
    return MigrationContext.configure(
        conn, opts={"version_table": VERSION_TABLE}
    ).get_current_revision()


def upgrade(engine: Engine, target: str = "head") -> str | None:
    """Bring the database to ``target``; returns the revision it was at before."""
    with engine.connect() as conn:
        before = current(conn)
        if before == head() and target == "head":
            return before
    with _lock(engine), engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})
        before = current(conn)
        tables = set(inspect(conn).get_table_names())
        legacy = before is None and {"contacts", "cards"} <= tables
        if legacy or before is not None and before != head():
            _backup(engine, before or "0001")
        if legacy:
            log.info("contact store made by meishi 0.1.0: stamping it as revision 0001")
            command.stamp(config(conn), "0001")
            before = "0001"
        command.upgrade(config(conn), target)
        return before


@contextmanager
def _lock(engine: Engine) -> Iterator[None]:
    path = _sqlite_path(engine)
    if path is None:
        yield
        return
    fd = os.open(f"{path}.migrate-lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def _sqlite_path(engine: Engine) -> Path | None:
    if engine.dialect.name != "sqlite":
        return None
    db = engine.url.database
    return Path(db) if db and db != ":memory:" else None


def _backup(engine: Engine, revision: str) -> None:
    path = _sqlite_path(engine)
    if path is None or not path.exists() or path.stat().st_size == 0:
        return
    dest = path.with_name(f"{path.name}.before-{revision}.bak")
    fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.close(fd)
    with sqlite3.connect(path) as src, sqlite3.connect(dest) as dst:
        src.backup(dst)
    log.info("kept a copy of the contact store before the upgrade: %s", dest)
