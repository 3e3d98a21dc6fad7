"""Both sides of a card and a later card of the same person, through the real ingest flow
(real Tesseract): one person, one contact."""

from __future__ import annotations

import pytest
from PIL import Image, ImageDraw, ImageFont

from meishi.models import ContactStatus, PurposeNote
from meishi.store import Store

pytestmark = pytest.mark.e2e

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"

FRONT = [
    ("株式会社ミドリ精機", 40),
    ("営業部 課長", 30),
    ("山田 太郎", 72),
    ("TEL 03-5210-7788", 28),
    ("携帯 090-4821-3357", 28),
    ("t.yamada@midori-seiki.co.jp", 28),
]
BACK = [
    ("Midori Seiki Co., Ltd.", 40),
    ("Sales Manager", 30),
    ("Taro Yamada", 64),
    ("Tel +81-3-5210-7788", 28),
    ("Mobile +81-90-4821-3357", 28),
    ("t.yamada@midori-seiki.co.jp", 28),
]
OTHER = [
    ("アオバ合同会社", 40),
    ("佐藤 花子", 72),
    ("TEL 06-6345-1122", 28),
    ("h.sato@aoba-llc.jp", 28),
]


def _card(path, lines):
    img = Image.new("RGB", (1092, 660), "white")
    d = ImageDraw.Draw(img)
    y = 50
    for text, px in lines:
        d.text((60, y), text, font=ImageFont.truetype(FONT, px, index=0), fill="black")
        y += int(px * 1.6)
    img.save(path)


def test_front_back_and_a_promotion_make_one_contact(settings):
    from meishi_flows.ingest import ingest

    settings.ensure_dirs()
    batch = settings.inbox_dir / "2025-04-01_交流会"
    batch.mkdir()
    _card(batch / "yamada_front.png", FRONT)
    _card(batch / "yamada_back.png", BACK)
    _card(batch / "sato.png", OTHER)
    report = ingest()
    by_name = {r.source.rsplit("/", 1)[-1]: r for r in report.rows}
    assert {r.status for r in report.rows} <= {"stored", "merged"}, report.rows
    front, back = by_name["yamada_front.png"], by_name["yamada_back.png"]
    assert front.contact_id == back.contact_id
    assert by_name["sato.png"].contact_id != front.contact_id
    assert report.waiting_for_purpose == 2

    store = Store(settings.db_url, settings.images_dir)
    try:
        c = store.get(front.contact_id)
        assert c.fields["name"] == "山田 太郎" and c.fields["company"] == "株式会社ミドリ精機"
        assert c.fields["name_roman"] == "Taro Yamada"
        assert c.english.get("company") == "Midori Seiki Co., Ltd."
        assert sorted((x.side, x.lang) for x in c.cards) == [("back", "en"), ("front", "ja")]
        store.complete(c.id, {}, PurposeNote(purpose="物流の相談相手"))
    finally:
        store.close()

    # a year later: the same person, now 部長, hands over a new card
    later = settings.inbox_dir / "2026-05-10_展示会"
    later.mkdir()
    _card(later / "yamada_2026.png", [(t.replace("課長", "部長"), px) for t, px in FRONT])
    again = ingest()
    (row,) = again.rows
    assert (row.status, row.contact_id) == ("merged", front.contact_id), row
    store = Store(settings.db_url, settings.images_dir)
    try:
        c = store.get(front.contact_id)
        assert c.fields["title"] == "部長" and c.status is ContactStatus.complete
        # dated by the inbox folders the cards were dropped in
        assert [(h.value, h.since.year) for h in c.history_of("title")] == [
            ("課長", 2025),
            ("部長", 2026),
        ]
        assert c.note is not None and c.note.purpose == "物流の相談相手"
        assert len(c.cards) == 3 and store.count() == 2
    finally:
        store.close()
