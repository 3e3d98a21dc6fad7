from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("DO_NOT_TRACK", "1")
# Prefect's own database for the test session: temporary, never the user's
os.environ["PREFECT_HOME"] = tempfile.mkdtemp(prefix="meishi-test-prefect-")
os.environ.pop("PREFECT_API_URL", None)
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "sample_cards" / "demo"


@pytest.fixture
def settings(tmp_path, monkeypatch):
    """Settings with a private, empty data folder."""
    from meishi.settings import Settings, get_settings

    home = tmp_path / "home"
    monkeypatch.setenv("MEISHI_HOME", str(home))
    monkeypatch.setenv("MEISHI_SETTLE_S", "0")
    monkeypatch.setenv("MEISHI_CONFIG", str(tmp_path / "none.toml"))
    get_settings.cache_clear()
    s = Settings()
    yield s
    get_settings.cache_clear()


def demo_cards(capture: str | None = None) -> list[Path]:
    """Committed demo cards (images with their ground truth beside them)."""
    import json

    out = []
    for img in sorted(DEMO.glob("*.*")):
        if img.suffix.lower() in (".jpg", ".jpeg", ".png"):
            doc = json.loads(img.with_suffix(".json").read_text(encoding="utf-8"))
            if capture is None or doc["capture"] == capture:
                out.append(img)
    return out


def truth(img: Path) -> dict:
    import json

    return json.loads(img.with_suffix(".json").read_text(encoding="utf-8"))["fields"]


POSTGRES_URL = os.environ.get("MEISHI_TEST_POSTGRES_URL")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request, tmp_path):
    """A fresh, empty contact database: an SQLite file, and a new PostgreSQL database on the
    server named by ``MEISHI_TEST_POSTGRES_URL`` (`./run test` starts a throwaway one)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'contacts.sqlite3'}"
        return
    if not POSTGRES_URL:
        if os.environ.get("MEISHI_REQUIRE_POSTGRES"):
            pytest.fail("MEISHI_REQUIRE_POSTGRES is set but MEISHI_TEST_POSTGRES_URL is not")
        pytest.skip("no PostgreSQL server: set MEISHI_TEST_POSTGRES_URL (./run test does)")
    import uuid

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"meishi_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
