"""Titles no fixed list holds, a legal form on a line of its own, a name run together:
what real cards print and the vocabulary alone misses (issue 16)."""

from __future__ import annotations

import pytest

from meishi.extract.fields import extract_fields, lines_for_test
from meishi.extract.names import split_name
from meishi.extract.titles import compound_title


@pytest.mark.parametrize(
    ("part", "title"),
    [
        ("営業部長", "営業部長"),  # a function before an office: not the vocabulary's 事業部長
        ("人事課長", "人事課長"),
        ("海外営業部長", "海外営業部長"),
        ("チーフデザイナー", "チーフデザイナー"),  # a modifier before a role
        ("テクニカルリーダー", "テクニカルリーダー"),
        ("UXデザイナー", "UXデザイナー"),
        ("代表取締役社長CEO", "代表取締役社長 CEO"),  # titles run together, space lost
        ("取締役CFO", "取締役 CFO"),
        ("取締役 CT0", "取締役 CTO"),  # O read as 0
        ("専務取締役", "専務取締役"),
        ("札幌支店長", "札幌支店長"),  # a place before the office
        ("品質保証部長", "品質保証部長"),
        ("代表取締役兼CTO", "代表取締役兼 CTO"),  # 兼: and also
        ("取締役兼開発本部長", "取締役兼開発本部長"),
        ("兼", None),
        # not titles
        ("宮業担当", None),  # a misread 営業担当 (the vocabulary's near match mends it)
        ("営業部", None),
        ("株式会社", None),
        ("ミドリ精機", None),
        ("山田太郎", None),
        ("研究開発本部", None),
        ("CEO", None),  # Latin only: the English title grammar reads it
    ],
)
def test_a_title_built_from_parts(part, title):
    assert compound_title(part) == title


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        pytest.param(
            [("株式会社", 20), ("ミナト精工", 40), ("開発部長", 22), ("高橋 健", 60)],
            {"company": "株式会社ミナト精工", "title": "開発部長", "name": "高橋 健"},
            id="form-above-the-name",
        ),
        pytest.param(
            [("ミナト精工", 40), ("株式会社", 20), ("高橋 健", 60)],
            {"company": "ミナト精工株式会社", "name": "高橋 健"},
            id="form-below-the-name",
        ),
        pytest.param(
            [("Kenji TAKAHASHI", 40), ("Aozora Trading", 30), ("Co., Ltd.", 30)],
            {"company": "Aozora Trading Co., Ltd.", "name_roman": "Kenji TAKAHASHI"},
            id="english-form-wrapped",
        ),
        pytest.param(
            [("株式会社ミナト精工", 40), ("代表取締役CEO", 22), ("高橋 健", 60)],
            {"company": "株式会社ミナト精工", "title": "代表取締役 CEO"},
            id="ja-and-c-level",
        ),
        pytest.param(
            [("Aozora Trading Inc.", 40), ("Director, Business Development", 22)],
            {"company": "Aozora Trading Inc.", "title": "Director, Business Development"},
            id="title-of-a-function",
        ),
        pytest.param(
            [("Aozora Trading Inc.", 40), ("SeniorEngineer", 22)],
            {"title": "Senior Engineer"},
            id="camel-case-title",
        ),
        pytest.param(
            [("株式会社ミナト精工", 40), ("経理部ーシニアコンサルタント", 22), ("高橋 健", 60)],
            {"department": "経理部", "title": "シニアコンサルタント"},
            id="separator-read-as-long-vowel",
        ),
        pytest.param(
            [("株式会社ミナト精工", 40), ("阿部", 60), ("翔", 60)],
            {"department": None},
            id="a-family-name-ending-in-bu-is-no-department",
        ),
        pytest.param(
            [("Aozora Trading Inc.", 40), ("Corporate PlanningOffice", 22)],
            {"department": "Corporate Planning Office"},
            id="camel-case-department",
        ),
        pytest.param(
            [("株式会社ミナト精工", 40), ("高橋 健", 60), ("携帶 090-1234-5678", 20)],
            {"mobile": "090-1234-5678"},
            id="traditional-glyph-in-the-label",
        ),
    ],
)
def test_lines_make_fields(lines, expected):
    got = extract_fields(lines_for_test(lines)).values()
    assert {k: got[k] for k in expected} == expected


@pytest.mark.parametrize(
    ("printed", "family", "given"),
    [
        ("久保田颯", "久保田", "颯"),  # 久保田 read alone as a family name
        ("長谷川翔太", "長谷川", "翔太"),
        ("鈴木一郎", "鈴木", "一郎"),
    ],
)
def test_a_name_run_together_splits_at_the_family_name(printed, family, given):
    split = split_name(printed)
    assert split is not None and (split.family, split.given) == (family, given)


@pytest.mark.parametrize(
    ("line", "numbers"),
    [
        # a tategaki card's dashes are vertical bars, which OCR reads as 1s
        ("電話 045112314567", ["045-123-4567"]),
        ("FAX 061 56781 1234", ["06-5678-1234"]),
        ("TEL 03-1234-5678", ["03-1234-5678"]),  # printed dashes: untouched
        ("携帯 09012345678", ["090-1234-5678"]),  # a valid number as read: untouched
        ("TEL 0120111222", ["0120-111-222"]),  # its own 1s are not dashes
    ],
)
def test_dashes_read_as_ones_are_put_back_where_the_grammar_is_certain(line, numbers):
    from meishi.extract.contacts import find_phones

    assert [p.number for p in find_phones(line)] == numbers


@pytest.mark.parametrize(
    ("line", "postal"),
    [
        ("テ10010001東京都千代田区千代田1-1", "100-0001"),  # 〒 as テ, the bar as 1
        ("53011234大阪府大阪市北区梅田", "530-1234"),
        ("53011234", None),  # no address after it: not certain
        ("F 53011234", "530-1234"),  # a line of its own after a mark OCR misread
        ("=1000005東京都千代田区丸の内", "100-0005"),  # the dash lost, the mark misread
        ("亍90010717沖縄県那霸市久茂地", "900-0717"),  # 霸 for 覇: the place within an edit
        ("12345678東京都千代田区", None),  # no 1 where the dash goes
    ],
)
def test_a_postal_code_with_its_dash_read_as_one_before_the_address(line, postal):
    from meishi.extract.contacts import find_postal

    found = find_postal(line)
    assert (found[0] if found else None) == postal


@pytest.mark.parametrize(
    ("address", "mended"),
    [
        # a tategaki card's vertical bars between block numbers, read as 1s
        ("東京都千代田区神田小川町318124", "東京都千代田区神田小川町3-8-24"),
        ("大阪市北区梅田2丁目26117", "大阪市北区梅田2丁目26-17"),  # after 丁目: 番-号
        ("福岡市中央区天神711127", "福岡市中央区天神7-1-27"),
        ("福岡市中央区天神818119", None),  # 8-8-19 or 8-81-9: left as read
        ("京都市下京区大阪町645", None),  # one number, no 1 between groups
        ("東京都千代田区丸の内1-1-1", None),  # dashes printed
    ],
)
def test_block_numbers_with_their_dashes_read_as_ones(address, mended):
    from meishi.extract.fields import _barred_block

    assert _barred_block(address) == mended


@pytest.mark.parametrize(
    ("lines", "address"),
    [
        pytest.param(
            [("〒100-0005 東京都千代田区丸の内2-4-1", 20), ("ミナトスクエア 1204", 20)],
            "東京都千代田区丸の内2-4-1 ミナトスクエア 1204",
            id="building-with-a-room-number",
        ),
        pytest.param(
            [
                ("Minato Square 12F,", 20),
                ("2-4-1 Marunouchi, Chiyoda-ku,", 20),
                ("Tokyo 100-0005, Japan", 20),
            ],
            "Minato Square 12F, 2-4-1 Marunouchi, Chiyoda-ku, Tokyo, Japan",
            id="english-address-starting-with-its-building",
        ),
    ],
)
def test_an_address_keeps_its_building_line(lines, address):
    got = extract_fields(lines_for_test(lines)).values()
    assert got["address"] == address


@pytest.mark.parametrize(
    ("part", "title"),
    [
        ("セールスマネ ジヤ", "セールスマネージャー"),  # a column lost ー, read ャ large
        ("テクニカルア キテクト", "テクニカルアーキテクト"),
        ("プロダクトデザイナ", "プロダクトデザイナー"),  # its last ー lost
        ("マネージャー", None),  # spelt right: the vocabulary's
        ("サトウ ハナコ", None),  # a name's reading
    ],
)
def test_a_katakana_title_read_loosely_in_a_column(part, title):
    from meishi.extract.titles import loose_katakana_title

    assert loose_katakana_title(part) == title


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        pytest.param(
            [("Aozora Trading Inc.", 40), ("Marketing Office Senior Manager, Sales", 22)],
            {"department": "Marketing Office", "title": "Senior Manager, Sales"},
            id="department-then-title-of-a-function",
        ),
        pytest.param(
            [("Aozora Trading Inc.", 40), ("Nagoya Branch", 22), ("R&D Division", 22)],
            {"department": "Nagoya Branch"},
            id="a-branch-is-a-department",
        ),
        pytest.param(
            [("Aozora Trading Inc.", 40), ("Representative Director& CEO", 22)],
            {"title": "Representative Director & CEO"},
            id="ampersand-spaced",
        ),
        pytest.param(
            [("Kansai Design Association", 40), ("Secretary General", 22)],
            {"company": "Kansai Design Association", "title": "Secretary General"},
            id="an-organisation",
        ),
        pytest.param(
            [("株式会社ミナト精工", 40), ("高橋 健", 60), ("ミナトビル807号室", 20)],
            {"department": None},
            id="a-room-is-no-department",
        ),
    ],
)
def test_english_and_room_lines(lines, expected):
    got = extract_fields(lines_for_test(lines)).values()
    assert {k: got[k] for k in expected} == expected
