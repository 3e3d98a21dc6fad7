from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("OMP_THREAD_LIMIT", "1")
os.environ.setdefault("DO_NOT_TRACK", "1")

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
