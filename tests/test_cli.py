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
    for name in (
        "ocr engine: ppocr",
        "ppocr: rapidocr",
        "PP-OCRv6_rec_small.onnx",
        "tesseract",
        "tesseract jpn",
        "tesseract jpn_vert",
        "tesseract osd",
        "unidic",
        "prefect",
        "fastapi",
    ):
        assert name in result.stdout
    assert result.exit_code == 0, result.stdout


@pytest.mark.parametrize(("engine", "exit_code"), [("tesseract", 3), ("ppocr", 0)])
def test_doctor_says_how_to_install_missing_tesseract(settings, monkeypatch, engine, exit_code):
    """Missing Tesseract fails the check when it is the chosen engine, and is only reported
    when PP-OCR reads the cards."""
    monkeypatch.setenv("MEISHI_TESSERACT_CMD", "tesseract-that-is-not-installed")
    monkeypatch.setenv("MEISHI_OCR_ENGINE", engine)
    from meishi.settings import get_settings

    get_settings.cache_clear()
    result = runner.invoke(app, ["doctor"])
    assert result.exit_code == exit_code
    assert "not found on PATH" in result.stdout
    assert ("apt-get install tesseract-ocr" in result.stdout) == (engine == "tesseract")


def test_contacts_and_faceless_on_an_empty_store(settings):
    result = runner.invoke(app, ["contacts", "--json"])
    assert result.exit_code == 0 and result.stdout == ""
    result = runner.invoke(app, ["faceless"])
    assert result.exit_code == 0 and "0 faceless" in result.stdout


def _book(settings):
    """A small contact book: one complete contact with history, one faceless."""
    from datetime import date

    from meishi.models import PurposeNote
    from meishi.store import Store
    from test_contact_book import TARO_2025, card

    settings.ensure_dirs()
    store = Store(settings.db_url, settings.images_dir)
    a = store.add_card(card("a", **TARO_2025), source_name="a.jpg").contact_id
    store.add_card(card("b", "2026-05-10", **{**TARO_2025, "title": "部長"}), source_name="b.jpg")
    store.complete(a, {}, PurposeNote(purpose="物流の相談", met_on=date(2025, 4, 1)))
    b = store.add_card(
        card("c", name="髙橋 美﨑", company="アオバ合同会社"), source_name="c.jpg"
    ).contact_id
    store.close()
    return a, b


def test_export_formats_and_filters(settings, tmp_path):
    from meishi import export

    a, b = _book(settings)
    result = runner.invoke(app, ["export", "--format", "vcard", "--vcard-version", "4.0"])
    assert result.exit_code == 0, result.output
    cards = export.read_vcards(result.stdout)
    assert [c["name"] for c in cards] == ["山田 太郎", "髙橋 美﨑"]
    assert cards[0]["note"]["purpose"] == "物流の相談" and cards[0]["title"] == "部長"
    result = runner.invoke(app, ["export", "-f", "json", "--faceless-only"])
    assert [c.id for c in export.read_json(result.stdout)] == [b]
    result = runner.invoke(app, ["export", "-f", "json", "--since", "2999-01-01"])
    assert export.read_json(result.stdout) == []
    out = tmp_path / "contacts.csv"
    result = runner.invoke(
        app, ["export", "-f", "csv", "--csv", "excel", "--encoding", "cp932", "-o", str(out)]
    )
    assert result.exit_code == 0 and "2 contact(s) written" in result.stderr
    assert "髙橋 美﨑" in out.read_bytes().decode("cp932")
    assert out.stat().st_mode & 0o777 == 0o600
    result = runner.invoke(app, ["export", "-f", "csv", "--faceless-only", "--since", "2026-01-01"])
    assert result.exit_code == 2


def test_contacts_search_show_note_merge(settings):
    a, b = _book(settings)
    result = runner.invoke(app, ["contacts", "search", "高橋", "--json"])
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == [b]
    assert runner.invoke(app, ["contacts", "search", "だれもいない"]).exit_code == 1
    assert runner.invoke(app, ["contacts", "note", str(a), "娘さんが受験"]).exit_code == 0
    result = runner.invoke(app, ["contacts", "show", str(a)])
    assert result.exit_code == 0
    for text in (
        "山田 太郎",
        "物流の相談",
        "娘さんが受験",
        "2025-04: 課長",
        "2026-05: 部長",
        "a.jpg",
        "b.jpg",
    ):
        assert text in result.stdout, text
    assert runner.invoke(app, ["contacts", "show", "999"]).exit_code == 2
    assert runner.invoke(app, ["contacts", "merge", str(b), str(a)]).exit_code == 0
    shown = json.loads(runner.invoke(app, ["contacts", "show", str(a), "--json"]).stdout)
    assert len(shown["cards"]) == 3


def test_eval_without_a_folder_is_a_usage_error(settings):
    """No default folder: an installed meishi has no sample set to fall back on."""
    result = runner.invoke(app, ["eval"])
    assert result.exit_code == 2
    assert "Missing argument 'FOLDER'" in result.stderr


def test_the_demo_cards_are_found_from_the_clone_and_in_the_package():
    from conftest import DEMO
    from meishi.samples import demo_cards

    images = sorted(p.name for p in DEMO.iterdir() if p.suffix in (".jpg", ".png"))
    assert len(images) == 10
    # an editable install runs from the clone; a wheel's copy is tested by test_wheel.py
    assert [c.name for c in demo_cards()] == images
    assert demo_cards()[0].read_bytes() == (DEMO / images[0]).read_bytes()
