"""Exports: vCard 3.0/4.0, Google and Excel CSV, CP932 and JSON, and reading them back."""

from __future__ import annotations

import base64
import csv
import io
import json
import re
from datetime import UTC, date, datetime
from operator import itemgetter
from pathlib import Path

import pytest

from meishi.export import (
    encode_text,
    export,
    read_json,
    read_vcards,
    split_address,
    to_csv,
    to_json,
    to_vcard,
)
from meishi.models import FIELD_NAMES, CardRecord, Contact, ContactStatus, HistoryEntry, PurposeNote

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
LONG_NOTE = "展示会のブースで名刺交換、物流の話で盛り上がった。" * 6
GOOGLE = [
    "First Name",
    "Middle Name",
    "Last Name",
    "Phonetic First Name",
    "Phonetic Middle Name",
    "Phonetic Last Name",
    "Name Prefix",
    "Name Suffix",
    "Nickname",
    "File As",
    "Organization Name",
    "Organization Title",
    "Organization Department",
    "Birthday",
    "Notes",
    "Photo",
    "Labels",
    "E-mail 1 - Label",
    "E-mail 1 - Value",
    "Phone 1 - Label",
    "Phone 1 - Value",
    "Phone 2 - Label",
    "Phone 2 - Value",
    "Phone 3 - Label",
    "Phone 3 - Value",
    "Address 1 - Label",
    "Address 1 - Formatted",
    "Address 1 - Street",
    "Address 1 - City",
    "Address 1 - PO Box",
    "Address 1 - Region",
    "Address 1 - Postal Code",
    "Address 1 - Country",
    "Address 1 - Extended Address",
    "Website 1 - Label",
    "Website 1 - Value",
]
EXCEL = [
    "氏名",
    "氏名(フリガナ)",
    "氏名(ローマ字)",
    "会社名",
    "部署",
    "役職",
    "郵便番号",
    "住所",
    "電話",
    "FAX",
    "携帯",
    "メール",
    "URL",
    "目的",
    "出会った場所",
    "出会った日",
    "与えられること",
    "相手から得られること",
    "次のアクション",
    "フォローアップ日",
    "メモ",
    "経歴",
    "状態",
    "登録日",
    "ID",
]
WHEN = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
by = itemgetter("field", "since")


def full_contact(image: Path | None = None) -> Contact:
    """Every field, a purpose note, career history, an English side and two cards."""
    fields: dict[str, str | None] = {
        "name": "髙橋 美﨑",
        "name_kana": "たかはし みさき",
        "name_roman": "Misaki TAKAHASHI",
        "company": "髙島物流株式会社",
        "department": "営業本部, 第一営業部",
        "title": "部長",
        "postal_code": "100-0005",
        "address": "東京都千代田区丸の内1-2-3 丸の内ビル5F",
        "tel": "03-1234-5678",
        "fax": "03-1234-5679",
        "mobile": "090-1234-5678",
        "email": "misaki.takahashi@example.co.jp",
        "url": "https://example.co.jp/?a=1,2;b",
    }
    cards = [
        CardRecord(
            id=10,
            sha256="a" * 64,
            source_name="2026-11-20_交流会/a.jpg",
            image_path=image,
            side="front",
            fields=fields,
            created_at=WHEN,
        ),
        CardRecord(
            id=11,
            sha256="b" * 64,
            source_name="2026-11-20_交流会/b.jpg",
            side="back",
            lang="en",
            fields={"company": "Takashima Logistics Co., Ltd."},
            created_at=WHEN,
        ),
    ]
    return Contact(
        id=1,
        status=ContactStatus.complete,
        fields=fields,
        source_name=cards[0].source_name,
        sha256=cards[0].sha256,
        image_path=image,
        created_at=WHEN,
        updated_at=WHEN,
        note=PurposeNote(
            purpose="物流の協業, 共同提案; 来期の予算\n二行目も大事",
            met_where="東京ビッグサイト 展示会",
            met_on=date(2026, 11, 20),
            offer="倉庫の空き情報",
            they_offer="配送網の紹介",
            next_action="資料を送る",
            follow_up=date(2026, 12, 1),
        ),
        notes=LONG_NOTE + "\n  字下げの行, カンマ; セミコロン \\ バックスラッシュ",
        english={
            "company": "Takashima Logistics Co., Ltd.",
            "department": "Sales Dept. 1",
            "title": "General Manager",
            "address": "1-2-3 Marunouchi, Chiyoda-ku, Tokyo",
        },
        cards=cards,
        history=[
            HistoryEntry(field="title", value="課長", since=date(2025, 4, 1), card_id=9),
            HistoryEntry(field="title", value="部長", since=date(2026, 1, 10), card_id=10),
            HistoryEntry(field="company", value="山﨑運輸", since=date(2020, 4, 1)),
            HistoryEntry(field="company", value="髙島物流株式会社", since=date(2024, 7, 1)),
        ],
    )


def faceless() -> Contact:
    """A card read badly: no name, no image, no note."""
    fields: dict[str, str | None] = {
        "company": "合同会社 山﨑工房",
        "mobile": "080-9876-5432",
        "email": "info@yamazaki.example",
    }
    return Contact(
        id=2,
        status=ContactStatus.needs_purpose,
        fields=fields,
        source_name="x.jpg",
        sha256="c" * 64,
        created_at=WHEN,
    )


@pytest.fixture
def contacts(tmp_path) -> list[Contact]:
    image = tmp_path / "card.png"
    image.write_bytes(PNG)
    return [full_contact(image), faceless()]


@pytest.mark.parametrize("version", ["3.0", "4.0"])
def test_vcard_round_trip(contacts, version):
    cards = read_vcards(to_vcard(contacts, version))
    assert len(cards) == len(contacts)
    for card, contact in zip(cards, contacts, strict=True):
        assert card["version"] == version
        assert {k: card[k] for k in FIELD_NAMES} == {k: contact.fields.get(k) for k in FIELD_NAMES}
        assert card["english"] == contact.english
        expected_note = (
            contact.note.model_dump(mode="json", exclude_none=True) if contact.note else None
        )
        assert card["note"] == expected_note
        assert card["notes"] == contact.notes
        history = [
            {"field": h.field, "value": h.value, "since": h.since.isoformat()}
            for h in contact.history
        ]
        assert sorted(card["history"], key=by) == sorted(history, key=by)
        assert card["categories"] == ["meishi"]
        assert card["uid"].startswith("urn:uuid:") and card["photo"] is None
    assert cards[0]["uid"] != cards[1]["uid"]
    assert [c["uid"] for c in read_vcards(to_vcard(contacts, version))] == [c["uid"] for c in cards]


@pytest.mark.parametrize(
    ("version", "expected"),
    [
        (
            "3.0",
            [
                "VERSION:3.0",
                "TEL;TYPE=WORK,VOICE:03-1234-5678",
                "TEL;TYPE=WORK,FAX:03-1234-5679",
                "TEL;TYPE=CELL,VOICE:090-1234-5678",
                "EMAIL;TYPE=INTERNET,WORK:misaki",
                "ADR;TYPE=WORK:;;丸の内1-2-3 丸の内ビル5F;千代田区;東京都;100-0005;",
                "N:髙橋;美﨑;;;",
                "X-ABSHOWAS:COMPANY",
                "URL:https://example.co.jp/?a=1,2;b",
            ],
        ),
        (
            "4.0",
            [
                "VERSION:4.0",
                "TEL;TYPE=work,voice;VALUE=uri:tel:+81-3-1234-5678",
                "TEL;TYPE=work,fax;VALUE=uri:tel:+81-3-1234-5679",
                "TEL;TYPE=cell,voice;VALUE=uri:tel:+81-90-1234-5678",
                "EMAIL;TYPE=work:misaki",
                "ADR;TYPE=work:;;丸の内1-2-3 丸の内ビル5F;千代田区;東京都;100-0005;",
                'N;SORT-AS="たかはし,みさき":髙橋;美﨑;;;',
                "KIND:org",
                "URL;TYPE=work:https://example.co.jp/?a=1,2;b",
            ],
        ),
    ],
)
def test_vcard_text(contacts, version, expected):
    text = to_vcard(contacts, version)
    assert text.count("\n") == text.count("\r\n")
    assert text.split("\r\n")[:2] == ["BEGIN:VCARD", f"VERSION:{version}"]
    lines = text.replace("\r\n ", "").split("\r\n")  # unfolded
    for line in [
        *expected,
        "X-PHONETIC-LAST-NAME:たかはし",
        "X-PHONETIC-FIRST-NAME:みさき",
        "ORG:髙島物流株式会社;営業本部\\, 第一営業部",
        "CATEGORIES:meishi",
        "X-MEISHI-COMPANY-EN:Takashima Logistics Co.\\, Ltd.",
        "FN:合同会社 山﨑工房",
    ]:
        assert any(x.startswith(line) for x in lines), line
    note = next(x for x in lines if x.startswith("NOTE:"))
    assert "目的 Purpose: 物流の協業\\, 共同提案\\; 来期の予算\\n  二行目も大事\\n" in note
    assert "役職 Title history: 2025-04-01 課長 → 2026-01-10 部長" in note
    assert "会社 Company history: 2020-04-01 山﨑運輸 → 2024-07-01 髙島物流株式会社" in note
    assert "英文役職 Title (English): General Manager" in note
    assert re.search(r"^REV:\d{8}T\d{6}Z\r$", text, re.M)


@pytest.mark.parametrize("version", ["3.0", "4.0"])
def test_vcard_folds_long_utf8_lines(contacts, version):
    physical = to_vcard(contacts, version).encode("utf-8").split(b"\r\n")
    for line in physical:
        line.decode("utf-8")  # no multi-byte character is cut by a fold
    start = next(i for i, line in enumerate(physical) if line.startswith(b"NOTE:"))
    end = next(i for i in range(start + 1, len(physical)) if not physical[i].startswith(b" "))
    assert end - start > 5  # the long note is folded, in lines of at most 75 bytes
    assert all(len(line) <= 75 for line in physical[start:end])


@pytest.mark.parametrize(
    ("version", "pattern"),
    [
        ("3.0", r"^PHOTO;ENCODING=b;TYPE=PNG:([A-Za-z0-9+/=]+)\r$"),
        ("4.0", r"^PHOTO:data:image/png;base64,([A-Za-z0-9+/=]+)\r$"),
    ],
)
def test_vcard_photo(contacts, version, pattern):
    text = to_vcard(contacts, version, photo=True)
    photos = re.findall(pattern, text, re.M)
    assert len(photos) == 1  # the faceless contact has no image
    assert base64.b64decode(photos[0]) == PNG
    assert [c["photo"] for c in read_vcards(text)] == [PNG, None]
    assert "PHOTO" not in to_vcard(contacts, version, photo=False)


def test_read_vcards_of_another_app():
    text = (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Doe;John;;;\r\nFN:John Doe\r\nORG:Acme;\r\n"
        "TEL;type=CELL;type=VOICE;type=pref:+1 555 0100\r\nNOTE:met at PyCon, nice\r\n"
        "END:VCARD\r\n"
    )
    (card,) = read_vcards(text)
    assert (card["name"], card["company"], card["department"]) == ("John Doe", "Acme", None)
    assert (card["mobile"], card["tel"]) == ("+1 555 0100", None)
    assert (card["notes"], card["note"], card["history"]) == ("met at PyCon, nice", None, [])


@pytest.mark.parametrize(
    ("address", "parts"),
    [
        (
            "東京都千代田区丸の内1-2-3 丸の内ビル5F",
            ("東京都", "千代田区", "丸の内1-2-3 丸の内ビル5F"),
        ),
        ("神奈川県横浜市西区みなとみらい2-3-1", ("神奈川県", "横浜市西区", "みなとみらい2-3-1")),
        ("三重県四日市市諏訪町1-5", ("三重県", "四日市市", "諏訪町1-5")),
        ("埼玉県北足立郡伊奈町小室10", ("埼玉県", "北足立郡伊奈町", "小室10")),
        ("京都府京都市中京区烏丸通1", ("京都府", "京都市中京区", "烏丸通1")),
        ("丸の内1-2-3", ("", "", "丸の内1-2-3")),
    ],
)
def test_split_address(address, parts):
    assert split_address(address) == parts
    assert "".join(parts) == address


@pytest.mark.parametrize(
    ("column", "first", "second"),
    [
        ("First Name", "美﨑", ""),
        ("Last Name", "髙橋", ""),
        ("Phonetic First Name", "みさき", ""),
        ("Phonetic Last Name", "たかはし", ""),
        ("Organization Name", "髙島物流株式会社", "合同会社 山﨑工房"),
        ("Organization Title", "部長", ""),
        ("Organization Department", "営業本部, 第一営業部", ""),
        ("Address 1 - Region", "東京都", ""),
        ("Address 1 - City", "千代田区", ""),
        ("Labels", "* myContacts ::: meishi", "* myContacts ::: meishi"),
        ("E-mail 1 - Value", "misaki.takahashi@example.co.jp", "info@yamazaki.example"),
        ("Phone 1 - Label", "Work", "Mobile"),
        ("Phone 1 - Value", "03-1234-5678", "080-9876-5432"),
        ("Phone 2 - Label", "Work Fax", ""),
        ("Phone 3 - Value", "090-1234-5678", ""),
        ("Address 1 - Street", "丸の内1-2-3 丸の内ビル5F", ""),
        ("Address 1 - Postal Code", "100-0005", ""),
        ("Website 1 - Value", "https://example.co.jp/?a=1,2;b", ""),
    ],
)
def test_google_csv(contacts, column, first, second):
    reader = csv.DictReader(io.StringIO(to_csv(contacts, "google"), newline=""))
    rows = list(reader)
    assert reader.fieldnames == GOOGLE
    assert len(rows) == 2
    assert (rows[0][column], rows[1][column]) == (first, second)
    assert rows[0]["Notes"].startswith("目的 Purpose: 物流の協業, 共同提案; 来期の予算\n")


def test_excel_csv(contacts):
    data, lost = export(contacts, "csv", csv_dialect="excel")
    assert data.startswith(b"\xef\xbb\xbf") and lost == 0
    text = data.decode("utf-8-sig")
    assert text.endswith("\r\n")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == EXCEL and len(rows) == 3
    first = dict(zip(EXCEL, rows[1], strict=True))
    assert first["氏名"] == "髙橋 美﨑" and first["出会った日"] == "2026-11-20"
    assert first["経歴"].splitlines()[1] == "役職 Title history: 2025-04-01 課長 → 2026-01-10 部長"
    assert (first["状態"], first["登録日"], first["ID"]) == ("完了", "2026-11-20", "1")
    assert dict(zip(EXCEL, rows[2], strict=True))["携帯"] == "080-9876-5432"
    sjis, lost = export(contacts, "csv", csv_dialect="excel", encoding="cp932")
    assert lost == 0  # 髙 and 﨑 are in CP932
    assert sjis.decode("cp932") == text
    contacts[1].notes = "絵文字🙂"
    sjis, lost = export(contacts, "csv", csv_dialect="excel", encoding="cp932")
    assert lost == 1 and "絵文字〓" in sjis.decode("cp932")


@pytest.mark.parametrize(
    ("text", "encoding", "decoded", "lost"),
    [
        ("髙橋 﨑", "cp932", "髙橋 﨑", 0),
        ("𠮷野さん🙂", "cp932", "〓野さん〓", 2),
        ("9:00—17:00", "cp932", "9:00―17:00", 0),
        ("𠮷🙂", "utf-8", "𠮷🙂", 0),
        ("𠮷🙂", "utf-8-sig", "\ufeff𠮷🙂", 0),
    ],
)
def test_encode_text(text, encoding, decoded, lost):
    data, count = encode_text(text, encoding)
    assert count == lost
    assert data.decode("cp932" if encoding == "cp932" else "utf-8") == decoded


def test_json_round_trip(contacts):
    text = to_json(contacts)
    doc = json.loads(text)
    assert (doc["format"], doc["version"]) == ("meishi-contacts", 1)
    assert datetime.fromisoformat(doc["exported_at"]).tzinfo is not None
    assert "髙橋 美﨑" in text  # not \u-escaped
    assert read_json(text) == contacts
    data, lost = export(contacts, "json")
    assert read_json(data.decode("utf-8")) == contacts and lost == 0
    with pytest.raises(ValueError):
        read_json(json.dumps({"format": "other", "version": 1, "contacts": []}))
    with pytest.raises(ValueError):
        export(contacts, "json", encoding="cp932")
