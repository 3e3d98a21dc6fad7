"""End to end: the real Tesseract and the real Prefect engine over sample cards."""

from __future__ import annotations

import json
import shutil

import pytest

from conftest import REPO, demo_cards, truth
from meishi.evaluate import normalise
from meishi.models import ContactStatus
from meishi.store import Store

pytestmark = pytest.mark.e2e

#: flat scans meishi reads right today (the demo set also has harder cards)
CARDS = ("demo_006.jpg", "demo_007.jpg", "demo_008.jpg")
#: fields that must come out exactly as printed
CORE = ("name", "company", "tel", "mobile")


@pytest.fixture
def inbox_with_cards(settings):
    settings.ensure_dirs()
    batch = settings.inbox_dir / "2026-11-20_交流会"
    batch.mkdir(parents=True)
    cards = [c for c in demo_cards("scan") if c.name in CARDS]
    assert len(cards) == 3
    for c in cards:
        shutil.copy2(c, batch / c.name)
    (batch / "broken.jpg").write_bytes(cards[0].read_bytes()[:300])  # a truncated photo
    (batch / "notes.txt").write_text("not a card", encoding="utf-8")
    return settings, batch, cards


def test_ingest_flow_stores_stubs_and_quarantines_bad_files(inbox_with_cards):
    from meishi_flows.ingest import ingest

    settings, batch, cards = inbox_with_cards
    report = ingest()
    assert report.count("stored") == 3
    assert report.count("failed") == 2
    assert report.waiting_for_purpose == 3

    store = Store(settings.db_url, settings.images_dir)
    contacts = {c.source_name.split("/")[-1]: c for c in store.contacts()}
    assert sorted(contacts) == sorted(c.name for c in cards)
    for card in cards:
        c = contacts[card.name]
        assert c.status is ContactStatus.needs_purpose
        assert c.met_at == "2026-11-20_交流会"
        assert c.image_path is not None and c.image_path.stat().st_size > 10_000
        expected = truth(card)
        for key in CORE:
            assert normalise(key, c.fields[key]) == normalise(key, expected[key]), (card.name, key)

    inbox = settings.inbox_dir
    assert sorted(p.name for p in (inbox / "processed" / batch.name).iterdir()) == sorted(
        c.name for c in cards
    )
    failed = inbox / "failed" / batch.name
    assert "corrupt or truncated" in (failed / "broken.jpg.reason.txt").read_text()
    assert "not an image" in (failed / "notes.txt.reason.txt").read_text()
    assert not any((inbox / ".claimed").rglob("*.*"))

    # the same cards dropped again are known, not new contacts
    for card in cards[:2]:
        shutil.copy2(card, inbox / f"again-{card.name}")
    again = ingest()
    assert again.count("duplicate") == 2 and again.count("stored") == 0
    assert store.count() == 3


def test_a_flatbed_scan_of_several_cards_becomes_one_contact_per_card(settings):
    from meishi_flows.ingest import ingest

    settings.ensure_dirs()
    scan = REPO / "sample_cards" / "flatbed" / "flatbed_001.jpg"
    labelled = json.loads(scan.with_suffix(".json").read_text(encoding="utf-8"))["cards"]
    assert len(labelled) == 2
    shutil.copy2(scan, settings.inbox_dir / scan.name)
    report = ingest()
    assert report.count("stored") == 2
    store = Store(settings.db_url, settings.images_dir)
    contacts = sorted(store.contacts(), key=lambda c: c.source_name)
    assert [c.source_name for c in contacts] == ["flatbed_001.jpg#1", "flatbed_001.jpg#2"]
    for contact, card in zip(contacts, labelled, strict=True):
        assert normalise("name", contact.fields["name"]) == card["fields"]["name"]
        assert contact.image_path is not None and contact.image_path.exists()
    assert [p.name for p in (settings.inbox_dir / "processed").iterdir()] == [scan.name]

    # the same scan dropped again: each of its cards is known, none stored twice
    shutil.copy2(scan, settings.inbox_dir / f"again-{scan.name}")
    again = ingest()
    assert again.count("duplicate") == 2 and again.count("stored") == 0
    assert store.count() == 2
