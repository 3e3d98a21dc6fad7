"""The command-line contract other tools rely on."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from conftest import demo_cards, truth
from meishi.cli import app
from meishi.evaluate import normalise
from meishi.models import FIELD_NAMES

runner = CliRunner()


@pytest.mark.e2e
def test_scan_json_contract(tmp_path, settings):
    card = demo_cards("scan")[0]
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    result = runner.invoke(app, ["scan", str(card), str(bad), "--json"])
    assert result.exit_code == 1  # one card could not be read
    lines = [json.loads(x) for x in result.stdout.splitlines() if x.startswith("{")]
    assert [x["source"] for x in lines] == [str(card), str(bad)]
    good, broken = lines
    assert list(good["fields"]) == list(FIELD_NAMES)
    assert set(good["confidence"]) == set(FIELD_NAMES)
    assert all(v is None or isinstance(v, str) for v in good["fields"].values())
    assert normalise("name", good["fields"]["name"]) == normalise("name", truth(card)["name"])
    assert "error" in broken and broken["fields"] is None


def test_scan_missing_path_is_a_usage_error(settings):
    result = runner.invoke(app, ["scan", "/nonexistent/card.jpg"])
    assert result.exit_code == 2
    assert "no such file" in result.stderr


def test_doctor_reports_each_dependency(settings):
    result = runner.invoke(app, ["doctor"])
    for name in ("tesseract", "tesseract jpn", "tesseract jpn_vert", "tesseract osd", "unidic",
                 "prefect", "fastapi"):
        assert name in result.stdout
    assert result.exit_code == 0, result.stdout


def test_doctor_says_how_to_install_missing_tesseract(settings, monkeypatch):
    monkeypatch.setenv("MEISHI_TESSERACT_CMD", "tesseract-that-is-not-installed")
    from meishi.settings import get_settings

    get_settings.cache_clear()
    result = runner.invoke(app, ["doctor"])
    assert result.exit_code == 3
    assert "apt-get install tesseract-ocr" in result.stdout


def test_contacts_and_faceless_on_an_empty_store(settings):
    result = runner.invoke(app, ["contacts", "--json"])
    assert result.exit_code == 0 and result.stdout == ""
    result = runner.invoke(app, ["faceless"])
    assert result.exit_code == 0 and "0 faceless" in result.stdout
