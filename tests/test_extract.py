"""Whole cards' OCR lines → fields. Each case is a card as Tesseract reads it."""

from __future__ import annotations

import pytest

from meishi.extract.fields import extract_fields, lines_for_test
from meishi.models import CHECK_BELOW, Box, OcrLine, OcrResult, OcrWord

NONE = dict.fromkeys(
    (
        "name",
        "name_kana",
        "name_roman",
        "company",
        "department",
        "title",
        "postal_code",
        "address",
        "tel",
        "fax",
        "mobile",
        "email",
        "url",
    )
)

CASES = [
    pytest.param(
        # PP-OCR's reading of a tategaki card's bottom: the romaji name's space dropped
        [
            ("坂本 健一", 90),
            ("アオバ通信株式会社", 40),
            ("KenichiSakamoto", 20),
            ("T 045-804-6979 F 045-804-6980", 24),
        ],
        {
            "name": "坂本 健一",
            "name_roman": "Kenichi Sakamoto",
            "company": "アオバ通信株式会社",
            "tel": "045-804-6979",
            "fax": "045-804-6980",
        },
        id="romaji-name-space-dropped",
    ),
    pytest.param(
        [
            ("株式会社ミドリ精機", 40),
            ("営業部 部長", 30),
            ("山田 太郎", 70),
            ("ヤマダ タロウ", 25),
            ("Taro Yamada", 25),
            ("〒100-0005 東京都千代田区丸の内2-4-1", 25),
            ("サンプルビル8F", 25),
            ("TEL 03-5210-7788 FAX 03-5210-7789", 25),
            ("携帯 090-1234-5678", 25),
            ("E-mail: t.yamada@midori-seiki.co.jp", 25),
            ("https://www.midori-seiki.co.jp", 25),
        ],
        {
            "name": "山田 太郎",
            "name_kana": "ヤマダ タロウ",
            "name_roman": "Taro Yamada",
            "company": "株式会社ミドリ精機",
            "department": "営業部",
            "title": "部長",
            "postal_code": "100-0005",
            "address": "東京都千代田区丸の内2-4-1 サンプルビル8F",
            "tel": "03-5210-7788",
            "fax": "03-5210-7789",
            "mobile": "090-1234-5678",
            "email": "t.yamada@midori-seiki.co.jp",
            "url": "https://www.midori-seiki.co.jp",
        },
        id="classic-full",
    ),
    pytest.param(
        # no gap printed between family and given name; suffix legal form; title line alone
        [
            ("%%さくら商事株式会社", 36),
            ("代表取締役社長", 28),
            ("佐々木美咲", 72),
            ("〒530-0001", 24),
            ("大阪府大阪市北区梅田1-1-3 梅田タワー12F", 24),
            ("Tel: 06-6341-2200", 24),
            ("misaki.sasaki@sakura-shoji.jp", 24),
        ],
        {
            "name": "佐々木 美咲",
            "company": "さくら商事株式会社",
            "title": "代表取締役社長",
            "postal_code": "530-0001",
            "address": "大阪府大阪市北区梅田1-1-3 梅田タワー12F",
            "tel": "06-6341-2200",
            "email": "misaki.sasaki@sakura-shoji.jp",
        },
        id="suffix-form-no-gap",
    ),
    pytest.param(
        # department and title on one line with the company; kana in hiragana
        [
            ("合同会社アオバラボ 技術本部 開発課 課長", 30),
            ("いとう けんた", 22),
            ("伊藤 健太", 66),
            ("神奈川県横浜市西区みなとみらい3-6-1", 24),
            ("T 045-123-4567 / M 080-2222-3333", 24),
            ("k-ito@aoba-lab.com", 24),
        ],
        {
            "name": "伊藤 健太",
            "name_kana": "イトウ ケンタ",
            "company": "合同会社アオバラボ",
            "department": "技術本部 開発課",
            "title": "課長",
            "address": "神奈川県横浜市西区みなとみらい3-6-1",
            "tel": "045-123-4567",
            "mobile": "080-2222-3333",
            "email": "k-ito@aoba-lab.com",
        },
        id="one-line-company-dept-title",
    ),
    pytest.param(
        # English company name, romaji name in capitals, CTO
        [
            ("Hikari Systems Inc.", 34),
            ("CTO", 26),
            ("高橋 陽菜", 70),
            ("TAKAHASHI Hina", 26),
            ("東京都渋谷区神宮前5-2-10", 24),
            ("TEL 03-6455-0101", 24),
            ("hina@hikari-systems.net", 24),
            ("www.hikari-systems.net", 24),
        ],
        {
            "name": "高橋 陽菜",
            "name_roman": "TAKAHASHI Hina",
            "company": "Hikari Systems Inc.",
            "title": "CTO",
            "address": "東京都渋谷区神宮前5-2-10",
            "tel": "03-6455-0101",
            "email": "hina@hikari-systems.net",
            "url": "www.hikari-systems.net",
        },
        id="english-company",
    ),
    pytest.param(
        # a sparse card: name and mobile only; nothing else may be invented
        [("林 誠", 80), ("090-5555-6666", 28)],
        {"name": "林 誠", "mobile": "090-5555-6666"},
        id="sparse",
    ),
]


@pytest.mark.parametrize(("lines", "expected"), CASES)
def test_extract_card(lines, expected):
    got = extract_fields(lines_for_test(lines)).values()
    assert got == {**NONE, **expected}


def test_fields_keep_source_line_and_confidence():
    fields = extract_fields(
        lines_for_test([("株式会社ミドリ精機", 40), ("山田 太郎", 70), ("TEL 03-5210-7788", 25)])
    )
    assert fields.tel is not None and fields.tel.source_line == "TEL 03-5210-7788"
    assert fields.name is not None and fields.name.source_line == "山田 太郎"
    assert 0.0 < fields.tel.confidence <= 1.0


@pytest.mark.parametrize(
    ("line", "company"),
    [
        ("る%合同会社カザネ技研", "合同会社カザネ技研"),  # a logo read as stray marks
        ("ーー株式会社青葉建設", "株式会社青葉建設"),
        ("らう株式会社東雲運輸。確かな品質をお届けします", "株式会社東雲運輸"),  # and a slogan
        ("ィイロハ技研合同会社", "イロハ技研合同会社"),  # no word starts with a small kana
        ("ヤマト運輸株式会社", "ヤマト運輸株式会社"),  # a suffix legal form keeps its name
        ("大和株式会社東京支店", "大和株式会社東京支店"),  # kanji before it are a name, not a logo
    ],
)
def test_company_lines_lose_what_a_company_name_cannot_hold(line, company):
    got = extract_fields(lines_for_test([(line, 40), ("山田 太郎", 70)])).values()
    assert got["company"] == company


@pytest.mark.parametrize(
    ("line", "company", "rest"),
    [
        # OCR saw a gap inside the name: the pieces belong to the company
        ("ヒカリコン サルティング株式会社", "ヒカリコンサルティング株式会社", None),
        ("ルリ建設 株式会社", "ルリ建設株式会社", None),
        ("株式会社 ミドリ 精機", "株式会社ミドリ精機", None),
        ("株式会社ミドリ 精機 営業部", "株式会社ミドリ精機", "営業部"),
        # a department before it, a slogan after it are not
        ("営業部 ミドリ精機株式会社", "ミドリ精機株式会社", "営業部"),
        ("株式会社ナギデザイン 地域とともに歩む", "株式会社ナギデザイン", None),
        # a logo cut off by a mark
        ("回|燈電子株式会社", "燈電子株式会社", None),
        ("胃|1燈デザイン株式会社", "燈デザイン株式会社", None),
        ("A)青葉物産株式会社", "青葉物産株式会社", None),
        ("人株式会社ナギテック", "株式会社ナギテック", None),
        ("く1合同会社ミナト総研", "合同会社ミナト総研", None),
        ("(株)ミドリ精機", "(株)ミドリ精機", None),
        # a legal form as OCR misreads it
        ("KO】ミナト建設株式全社", "ミナト建設株式会社", None),
        ("ルリ建設 式会社", "ルリ建設株式会社", None),
        ("Tsubasa Chemicallnc.", "Tsubasa Chemical Inc.", None),
        ("Nagi TradingCo., Ltd.", "Nagi Trading Co., Ltd.", None),
        ("SHINONOME ESTATE CO0., LTD.", "SHINONOME ESTATE CO., LTD.", None),
        ("Sakura Consulting C0., Ltd.", "Sakura Consulting Co., Ltd.", None),
        ("Musashino Estate K.K", "Musashino Estate K.K.", None),
        ("人, あすなろ水産株式会社", "あすなろ水産株式会社", None),
        # a logo read as digits or a letter in brackets; a legal form in brackets stays
        ("(0)ハルカネットワークス株式会社", "ハルカネットワークス株式会社", None),
        ("(515) Sorano Electric K.K.", "Sorano Electric K.K.", None),
        ("(一社)日本観光協会", "(一社)日本観光協会", None),
        # a gap OCR saw inside a long legal form
        ("特定非 営利活動法人全国観光振興協会", "特定非営利活動法人全国観光振興協会", None),
    ],
)
def test_company_name_spans_the_gaps_ocr_saw_in_it(line, company, rest):
    got = extract_fields(lines_for_test([(line, 40), ("山田 太郎", 70)])).values()
    assert got["company"] == company
    if rest:
        assert rest in (got["department"], got["title"])


def test_an_address_in_a_designated_city_without_its_prefecture_is_found():
    # the postal code on its own line, the address printed elsewhere, no prefecture
    got = extract_fields(
        _card(
            [
                ("あすなろ設計株式会社", 40, 80, 40),
                ("遠藤 沙織", 70, 80, 120),
                ("〒541-4484", 28, 700, 300),
                ("大阪市中央区北浜2-15-20", 40, 80, 420),
            ]
        )
    ).values()
    assert got["address"] == "大阪市中央区北浜2-15-20"


@pytest.mark.parametrize(
    ("lines", "address"),
    [
        # the building line under a right-aligned or centred address
        (
            [
                ("〒860-6834", 30, 1170),
                ("熊本県熊本市中央区花畑町4-28-1", 30, 1170),
                ("桜通センタービル 607", 30, 1170),
            ],
            "熊本県熊本市中央区花畑町4-28-1 桜通センタービル 607",
        ),
        # dashes read as commas or quotes in a tategaki column; a floor's F read as E, 8 as B
        (
            [("東京都文京区後楽4,5'19", 30), ("ひばりタワー8E", 30)],
            "東京都文京区後楽4-5-19 ひばりタワー8F",
        ),
        (
            [("愛知県名古屋市中区錦5-23-11", 30), ("みどりビルディングBF", 30)],
            "愛知県名古屋市中区錦5-23-11 みどりビルディング8F",
        ),
        (
            [("兵庫県神戸市中央区港島2-21-6", 30), ("若葉ビルディング1OF", 30)],
            "兵庫県神戸市中央区港島2-21-6 若葉ビルディング10F",
        ),
        # a prefecture misread by one character, mended against the city after it
        ([("〒220-0004", 30), ("神川県横浜市西区北幸4-9-13", 30)], "神奈川県横浜市西区北幸4-9-13"),
        # an ordinal's numeral read as katakana (第ニ); an English place name's O read as 0
        (
            [("〒700-8901", 30), ("岡山県岡山市北区駅前町3-13中央第ニビル 6F", 30)],
            "岡山県岡山市北区駅前町3-13中央第二ビル 6F",
        ),
        (
            [
                ("Aozora Building 2F,", 28),
                ("3-17-10 0saki, Shinagawa-ku,", 28),
                ("Tokyo, Japan", 28),
            ],
            "Aozora Building 2F, 3-17-10 Osaki, Shinagawa-ku, Tokyo, Japan",
        ),
        (
            [("Aozora Bldg. 3F, 2-22-19 Higashishiokojicho,", 28), ("Shimogy0-ku, Kyoto", 28)],
            "Aozora Bldg. 3F, 2-22-19 Higashishiokojicho, Shimogyo-ku, Kyoto",
        ),
        # an English address over three lines, the postal code after the prefecture
        (
            [
                ("10th Floor, No.3 Minato Bldg.,", 28),
                ("3-23-1 Hakataekihigashi, Hakata-ku,", 28),
                ("Fukuoka 812-0013, Japan", 28),
            ],
            "10th Floor, No.3 Minato Bldg., 3-23-1 Hakataekihigashi, Hakata-ku, Fukuoka, Japan",
        ),
    ],
)
def test_address_lines(lines, address):
    got = extract_fields(lines_for_test([("山田 太郎", 70), *lines])).values()
    assert got["address"] == address


def _card(lines):
    """An OCR result from (text, height, x, y) boxes."""
    from meishi.models import Box, OcrLine, OcrResult, OcrWord

    out = []
    for text, h, x, y in lines:
        box = Box(x=x, y=y, w=len(text) * h, h=h)
        out.append(
            OcrLine(text=text, conf=95.0, box=box, words=[OcrWord(text=text, conf=95.0, box=box)])
        )
    return OcrResult(lines=out, rotation=0)


def test_a_reading_printed_over_each_half_of_the_name_is_joined():
    got = extract_fields(
        _card(
            [
                ("株式会社ミドリ精機", 40, 80, 40),
                ("カネコ", 25, 100, 150),
                ("ミサキ", 25, 220, 150),
                ("金子 美咲", 70, 90, 190),
            ]
        )
    ).values()
    assert got["name"] == "金子 美咲" and got["name_kana"] == "カネコ ミサキ"


def _columns(lines):
    """A tategaki OCR result from (text, x, y, w, h) column boxes."""
    out = []
    for text, x, y, w, h in lines:
        box = Box(x=x, y=y, w=w, h=h)
        word = OcrWord(text=text, conf=95.0, box=box)
        out.append(OcrLine(text=text, conf=95.0, box=box, words=[word], vertical=True))
    return OcrResult(lines=out, rotation=0, orientation="vertical")


def _column_card(lines):
    """A tategaki OCR result from (text, width, x, y) columns, a glyph as tall as wide."""
    return _columns([(text, x, y, w, len(text) * w) for text, w, x, y in lines])


@pytest.mark.parametrize(
    ("lines", "name"),
    [
        # the given name set far right of the family name, read as a line of its own
        (
            [
                ("株式会社ソラノロジスティクス", 53, 163, 71),
                ("係長", 48, 597, 250),
                ("勅使河原", 93, 328, 313),
                ("匠", 97, 781, 311),
                ("E-mail takumi.teshigawara@soranologi.com", 43, 62, 705),
            ],
            "勅使河原 匠",
        ),
        # ... the family name is the smaller half
        (
            [
                ("株式会社結コンサルティング", 58, 542, 86),
                ("五十嵐", 84, 462, 251),
                ("恵理子", 94, 895, 249),
                ("Tel 022-722-7312", 38, 923, 584),
            ],
            "五十嵐 恵理子",
        ),
    ],
)
def test_a_name_read_as_two_lines_is_joined_where_the_card_spaced_it(lines, name):
    assert extract_fields(_card(lines)).values()["name"] == name


def test_a_name_read_as_two_pieces_of_a_column_is_joined():
    got = extract_fields(
        _column_card(
            [
                ("株式会社オリオンデザイン", 61, 665, 147),
                ("取締役副社長", 50, 612, 229),
                ("マツバラカズヒコ", 44, 555, 309),
                ("松原", 98, 450, 291),
                ("和彦", 120, 437, 557),
                ("大阪市北区梅田4-1-28", 54, 284, 261),
            ]
        )
    )
    assert got.values()["name"] == "松原 和彦"
    assert got.values()["name_kana"] == "マツバラ カズヒコ"
    assert got.name is not None and got.name.confidence >= CHECK_BELOW  # it reads as printed


def test_a_tategaki_legal_form_set_lower_in_the_next_column_joins_its_name():
    # (as wide_047 reads) 株式会社 sits low in its own column, level with the name's end;
    # the column after it, a department and a title, is no part of the company
    got = extract_fields(
        _columns(
            [
                ("暁情報システム", 649, 171, 52, 309),
                ("株式会社", 609, 406, 43, 135),
                ("技術統括本部 システム開発部長", 552, 125, 48, 526),
                ("河野栞", 461, 203, 90, 234),
            ]
        )
    ).values()
    assert got["company"] == "暁情報システム株式会社"
    assert (got["department"], got["title"]) == ("技術統括本部", "システム開発部長")


def test_a_tategaki_address_runs_on_into_a_column_that_ends_where_it_ends():
    got = extract_fields(
        _columns(
            [
                ("株式会社暁情報", 649, 171, 52, 309),
                ("河野栞", 461, 203, 90, 234),
                ("〒930-7296 富山県富山市桜町2-25-9", 339, 472, 46, 701),
                ("グランドスクエア13F", 293, 817, 46, 353),
            ]
        )
    ).values()
    assert got["address"] == "富山県富山市桜町2-25-9 グランドスクエア13F"


@pytest.mark.parametrize(
    "beside",
    [
        ("部長", 70, 420, 100),  # a title on the name's row is no half of it
        ("匠", 30, 420, 120),  # a mark far smaller than the name
        ("匠", 70, 900, 100),  # a kanji far along the row
    ],
)
def test_a_line_beside_the_name_that_is_no_half_of_it_stays_apart(beside):
    got = extract_fields(
        _card([("株式会社ミドリ精機", 40, 80, 20), ("山田太郎", 70, 90, 100), beside])
    ).values()
    assert got["name"] == "山田 太郎"


def test_a_name_with_two_pieces_beside_it_is_not_guessed_at():
    # one piece on either side: which one is the other half, nothing says
    got = extract_fields(
        _card([("颯", 70, 10, 100), ("五十嵐", 70, 150, 100), ("匠", 70, 420, 100)])
    )
    assert got.name is not None and got.name.value.replace(" ", "") == "五十嵐"
    assert got.name.confidence < CHECK_BELOW


def test_a_logo_read_as_one_large_kanji_does_not_hide_the_name():
    # the logo is the largest text on the card and UniDic knows 明 as a given name, but one
    # kanji does not split into family and given name: the next likeliest line is the name
    got = extract_fields(
        _card(
            [
                ("。 明", 180, 760, 60),
                ("サトウユウト", 30, 85, 160),
                ("佐藤 悠斗", 75, 85, 207),
                ("株式会社紅葉食品", 73, 86, 364),
            ]
        )
    ).values()
    assert got["name"] == "佐藤 悠斗" and got["name_kana"] == "サトウ ユウト"


def _with_alternatives(ocr, text, alternatives):
    ocr.lines = [
        ln.model_copy(update={"alternatives": alternatives}) if ln.text == text else ln
        for ln in ocr.lines
    ]
    return ocr


@pytest.mark.parametrize(
    ("printed", "name", "sure"),
    [
        # 葵 read as 壮 by the vote, right at one size: the kana line decides
        ([("ニシムラ アオイ", 25)], "西村 葵", True),
        # so do the romaji line and the e-mail (an initial for the given name is enough)
        ([("Aoi Nishimura", 25)], "西村 葵", True),
        ([("a.nishimura@example.co.jp", 25)], "西村 葵", True),
        # a reading that fits neither: the vote's winner stays, flagged for review
        ([("ニシムラ アカネ", 25)], "西村 壮", False),
        # nothing printed to compare with: the vote's winner stays as sure as it was
        ([], "西村 壮", True),
    ],
)
def test_the_printed_reading_chooses_among_the_names_readings(printed, name, sure):
    ocr = _with_alternatives(
        lines_for_test([("株式会社ミドリ精機", 40), ("西村 壮", 70), *printed]),
        "西村 壮",
        ["西村 葵 〒812-7337福岡市", "西村 3"],
    )
    got = extract_fields(ocr)
    assert got.name.value == name
    assert (got.name.confidence >= 0.8) is sure


@pytest.mark.parametrize(
    ("read", "alternatives", "printed", "name"),
    [
        # PP-OCR's second look at the name weighed 栞 beside 乗: the romaji decides
        ("鬼塚乗", ["鬼塚栞", "鬼塚菜"], [("Shiori ONITSUKA", 25)], "鬼塚 栞"),
        # ... and the split follows the reading (小笠原 | 澪, not 小笠 | 原濡, which UniDic
        # cannot read at all)
        ("小笠原濡", ["小笠原澪"], [("Mio Ogasawara", 25)], "小笠原 澪"),
        # an alternative that does not read as printed is not taken
        ("鬼塚乗", ["鬼塚菜"], [("Shiori ONITSUKA", 25)], "鬼塚 乗"),
    ],
)
def test_a_second_look_at_the_name_is_taken_when_it_reads_as_printed(
    read, alternatives, printed, name
):
    ocr = _with_alternatives(
        lines_for_test([("株式会社ミドリ精機", 40), (read, 70), *printed]), read, alternatives
    )
    assert extract_fields(ocr).name.value == name


@pytest.mark.parametrize(
    ("kana", "printed"),
    [
        # the card's kana differs from UniDic's only in voicing, which the romaji confirms
        # either way: the card's kana stays
        ("オニツカ ツムギ", "Tsumugi Onitsuka"),
        ("コウノ ミツキ", "mitsuki.kono@example.jp"),
    ],
)
def test_a_kana_line_is_not_mended_to_other_voicing(kana, printed):
    family, given = ("鬼塚", "紬") if kana.startswith("オ") else ("河野", "美月")
    got = extract_fields(
        lines_for_test(
            [("株式会社ミドリ精機", 40), (f"{family} {given}", 70), (kana, 25), (printed, 25)]
        )
    ).values()
    assert got["name_kana"] == kana


def test_a_name_that_reads_as_printed_is_sure():
    ocr = lines_for_test([("株式会社ミドリ精機", 40), ("中島 蓮", 70), ("ナカジマ レン", 25)])
    ocr.lines[1] = ocr.lines[1].model_copy(update={"conf": 40.0})
    got = extract_fields(ocr)
    assert got.name.value == "中島 蓮" and got.name.confidence >= 0.9


@pytest.mark.parametrize(
    ("printed", "kana"),
    [
        # the romaji confirms 山口 秀樹 reads ヤマグチ ヒデキ: the dakuten OCR lost is put back
        ([("Hideki Yamaguchi", 25)], "ヤマグチ ヒデキ"),
        ([("h.yamaguchi@example.co.jp", 25)], "ヤマグチ ヒデキ"),
        # nothing but the kana itself to go on: the card's kana as read
        ([], "ヤマクチ ヒデキ"),
    ],
)
def test_a_kana_reading_a_character_off_the_confirmed_name_is_mended(printed, kana):
    got = extract_fields(
        lines_for_test(
            [("株式会社ミドリ精機", 40), ("山口 秀樹", 70), ("ヤマクチ ヒデキ", 25), *printed]
        )
    ).values()
    assert got["name"] == "山口 秀樹" and got["name_kana"] == kana


@pytest.mark.parametrize(
    ("printed", "kana"),
    [
        # an initial confirms the family name only: UniDic reads 柚希 ユズマレ, the card
        # prints ユズキ, and the card is right
        ([("y.hayashi@example.co.jp", 25)], "ハヤシ ユズキ"),
        ([("Yuzuki Hayashi", 25)], "ハヤシ ユズキ"),
    ],
)
def test_an_initial_does_not_replace_the_cards_kana_with_a_guess(printed, kana):
    got = extract_fields(
        lines_for_test(
            [("株式会社ミドリ精機", 40), ("林 柚希", 70), ("ハヤシ ユズキ", 25), *printed]
        )
    ).values()
    assert got["name"] == "林 柚希" and got["name_kana"] == kana


def test_an_initial_still_mends_one_glyph_in_place():
    # s.kobayashi: UniDic's ショウタ for 翔太 puts back the small ョ OCR read full size
    got = extract_fields(
        lines_for_test(
            [
                ("株式会社ミドリ精機", 40),
                ("小林 翔太", 70),
                ("コバヤシ シヨウタ", 25),
                ("s.kobayashi@example.co.jp", 25),
            ]
        )
    ).values()
    assert got["name_kana"] == "コバヤシ ショウタ"


def test_a_romaji_name_that_names_a_prefecture_is_not_an_address():
    got = extract_fields(
        lines_for_test([("株式会社ミドリ精機", 40), ("千葉 亮", 70), ("Ryo Chiba", 25)])
    ).values()
    assert got["name_roman"] == "Ryo Chiba" and got["address"] is None


def test_a_romaji_name_on_the_addresss_row_is_the_name_not_the_address():
    got = extract_fields(
        lines_for_test(
            [
                ("株式会社東雲運輸", 40),
                ("中島 美穂", 70),
                ("〒810-9521", 28),
                ("Nakajima Miho 福岡県福岡市中央区赤坂3-11-2みどりビル703", 30),
            ]
        )
    ).values()
    assert (got["name_roman"], got["address"]) == (
        "Nakajima Miho",
        "福岡県福岡市中央区赤坂3-11-2みどりビル703",
    )


def test_a_company_named_after_its_prefecture_is_not_an_address():
    got = extract_fields(
        lines_for_test(
            [
                ("特定非営利活動法人北海道環境教育推進機構", 40),
                ("原田 颯太", 70),
                ("T. 03-4939-6319", 25),
            ]
        )
    ).values()
    assert (got["company"], got["address"]) == ("特定非営利活動法人北海道環境教育推進機構", None)


def test_a_job_title_in_katakana_is_not_a_reading():
    got = extract_fields(
        lines_for_test([("株式会社ミドリ精機", 40), ("コンサル タント", 25), ("山田 太郎", 70)])
    ).values()
    assert got["name_kana"] is None


@pytest.mark.parametrize(
    ("line", "department", "title"),
    [
        # an English line is one phrase, not words to classify one by one
        ("International Sales Department", "International Sales Department", None),
        ("Assistant Manager", None, "Assistant Manager"),
        ("President & CEO", None, "President & CEO"),
        ("Sales Department Manager", "Sales Department", "Manager"),
        ("Engineer Sales Planning Section", "Sales Planning Section", "Engineer"),
        ("CT0", None, "CTO"),  # O read as 0
        ("C00", None, "COO"),  # ... twice: no word left but the title
        # a Japanese title as OCR misreads it, where only one title can be meant
        ("課長一", None, "課長"),
        ("執行役具", None, "執行役員"),
        ("総務部 シニアマネージ", "総務部", "シニアマネージャー"),
        # ... and not where the misreading is a department or could be two titles
        ("研究部", "研究部", None),
        ("至長", None, None),
        # the company's English name is not a department ("Lab")
        ("Kanade Lab Co., Ltd.", None, None),
        # pieces of one word OCR split at a gap
        ("法務部コンサル タント", "法務部", "コンサルタント"),
        ("チーフ", None, "チーフ"),
        # ... the department's head split off at a gap
        ("第一 営業部 部長", "第一営業部", "部長"),
        ("マー ケティンググループ", "マーケティンググループ", None),
        # ... but two departments stay two, and a longer piece before one is not its head
        ("設計部 第二設計課", "設計部 第二設計課", None),
        ("ものづくりで未来を 営業部", "営業部", None),
    ],
)
def test_department_and_title(line, department, title):
    got = extract_fields(
        lines_for_test([("カナデラボ株式会社", 40), (line, 30), ("山田 太郎", 70)])
    ).values()
    assert (got["department"], got["title"]) == (department, title)


def test_a_phone_line_after_an_english_address_is_not_part_of_it():
    got = extract_fields(
        lines_for_test(
            [
                ("Taro Yamada", 50),
                ("Kita 1-jo Nishi 4-10-12, Chuo-ku,", 28),
                ("Sapporo-shi, Hokkaido 060-0001, Japan", 28),
                ("Tel: +81-11-592-3022", 28),
            ]
        )
    ).values()
    assert got["address"] == "Kita 1-jo Nishi 4-10-12, Chuo-ku, Sapporo-shi, Hokkaido, Japan"
    assert got["tel"] == "011-592-3022"


def test_a_tategaki_dash_read_as_two_marks_is_a_dash():
    got = extract_fields(
        lines_for_test([("山田 太郎", 70), ("宮城県仙台市青葉区一番町3-21,.19", 30)])
    ).values()
    assert got["address"] == "宮城県仙台市青葉区一番町3-21-19"


def _company_line(words, vertical=False):
    """One OCR line from (text, conf, offset along the line, length, size across it)."""
    out = []
    for text, conf, at, length, size in words:
        box = Box(x=10, y=at, w=size, h=length) if vertical else Box(x=at, y=10, w=length, h=size)
        out.append(OcrWord(text=text, conf=conf, box=box))
    x0 = min(w.box.x for w in out)
    y0 = min(w.box.y for w in out)
    box = Box(
        x=x0,
        y=y0,
        w=max(w.box.x + w.box.w for w in out) - x0,
        h=max(w.box.y + w.box.h for w in out) - y0,
    )
    line = OcrLine(
        text="".join(t for t, *_ in words), conf=90.0, box=box, words=out, vertical=vertical
    )
    return OcrResult(lines=[line], orientation="vertical" if vertical else "horizontal")


@pytest.mark.parametrize(
    ("words", "vertical", "company"),
    [
        # real readings from sample_cards/eval: the logo's letter, taller than the name
        (
            [
                ("中", 16, 83, 93, 98),
                ("こだま", 96, 207, 92, 44),
                ("建設", 84, 314, 160, 49),
                ("株式会社", 93, 481, 196, 71),
            ],
            False,
            "こだま建設株式会社",
        ),
        (
            [
                ("信", 75, 358, 62, 62),
                ("白樺", 67, 445, 111, 48),
                ("酒造", 96, 562, 78, 47),
                ("株式会社", 92, 664, 179, 48),
            ],
            False,
            "白樺酒造株式会社",
        ),
        # a logo read as two unsure characters, set apart by a gap
        (
            [
                ("人", 55, 294, 28, 83),
                ("Q", 0, 321, 30, 62),
                ("ヒカリ", 96, 392, 133, 42),
                ("不動産", 90, 539, 120, 83),
                ("株式会社", 92, 710, 194, 83),
            ],
            False,
            "ヒカリ不動産株式会社",
        ),
        # the same in a tategaki column
        (
            [
                ("男", 20, 40, 70, 70),
                ("ミドリ", 90, 150, 120, 48),
                ("設計株式会社", 92, 280, 290, 48),
            ],
            True,
            "ミドリ設計株式会社",
        ),
        # kept: a confident first word of the name's size, even after a gap
        (
            [("ミドリ", 92, 10, 130, 45), ("精機株式会社", 93, 170, 270, 46)],
            False,
            "ミドリ精機株式会社",
        ),
        # kept: a leading legal form set apart from the name
        (
            [
                ("株式会社", 35, 10, 180, 60),
                ("ミドリ", 92, 230, 130, 45),
                ("精機", 93, 365, 90, 45),
            ],
            False,
            "株式会社ミドリ精機",
        ),
        # kept: an unsure first glyph of the leading legal form, set apart by a loose box
        (
            [
                ("合", 30, 207, 37, 45),
                ("同", 88, 268, 68, 44),
                ("会社", 93, 346, 91, 46),
                ("ツバサ電子", 90, 447, 189, 43),
            ],
            True,
            "合同会社ツバサ電子",
        ),
    ],
)
def test_a_logo_before_the_company_name_is_not_part_of_it(words, vertical, company):
    assert extract_fields(_company_line(words, vertical)).values()["company"] == company


@pytest.mark.parametrize(
    ("line", "email"),
    [
        # the @ read as a circled number, which NFKC would turn into digits (kondo-k2momiji…)
        ("kondo-k②momijidenshi.jp", "kondo-k@momijidenshi.jp"),
        ("Email: tsuji⑳midori-networks. co. jp", "tsuji@midori-networks.co.jp"),
        ("a.sasaki@⑳zenkoku-kanko. or. jp", "a.sasaki@zenkoku-kanko.or.jp"),
    ],
)
def test_an_at_read_as_a_circled_number(line, email):
    got = extract_fields(
        lines_for_test([("株式会社ミドリ精機", 40), ("山田 太郎", 70), (line, 25)])
    ).values()
    assert got["email"] == email


def test_an_e_mail_takes_its_separators_from_the_english_reading_of_its_line():
    ocr = _with_alternatives(
        lines_for_test(
            [
                ("株式会社ミドリ精機", 40),
                ("山田 太郎", 70),
                ("Mail nakamuraryo@midori-seiki.co.jp", 25),
            ]
        ),
        "Mail nakamuraryo@midori-seiki.co.jp",
        ["Mail nakamura_ryo@midori-seiki. co. jp"],
    )
    assert extract_fields(ocr).values()["email"] == "nakamura_ryo@midori-seiki.co.jp"


@pytest.mark.parametrize(
    ("line", "roman"),
    [
        ("MATSUDA 0samu", "MATSUDA Osamu"),  # O read as 0
        ("Sota 0Okada", "Sota Okada"),  # O read as 0 and O both
        ("Taro 0ta", "Taro Ota"),
    ],
)
def test_a_romaji_name_with_its_o_read_as_zero(line, roman):
    got = extract_fields(lines_for_test([("株式会社ミドリ精機", 40), ("松田 修", 70), (line, 25)]))
    assert got.values()["name_roman"] == roman


@pytest.mark.parametrize(
    ("mail", "web", "email", "url"),
    [
        # the web site's host misread: a digit inside a word, an O read twice
        (
            "E-mail: y.nishimura@minato-seisakusho.net",
            "WWw.minat0-SeISakush0o.net",
            "y.nishimura@minato-seisakusho.net",
            "www.minato-seisakusho.net",
        ),
        # the host lost its last label
        (
            "Email: tsuji-k@shinonome-kogyo.co.jp",
            "URL https://www. shinonome-kogyo. co.",
            "tsuji-k@shinonome-kogyo.co.jp",
            "https://www.shinonome-kogyo.co.jp",
        ),
        # the e-mail's top-level domain misread
        (
            "E-mail a.seki@nagidesign.jDp",
            "Web https://Www.nagidesign.jp",
            "a.seki@nagidesign.jp",
            "https://www.nagidesign.jp",
        ),
        # two domains: a group's mail on its own domain
        (
            "Mail k.ito@aoba-group.co.jp",
            "www.aoba-lab.co.jp",
            "k.ito@aoba-group.co.jp",
            "www.aoba-lab.co.jp",
        ),
    ],
)
def test_the_mails_domain_and_the_web_sites_host_are_read_as_one(mail, web, email, url):
    got = extract_fields(lines_for_test([("山田 太郎", 70), (mail, 25), (web, 25)])).values()
    assert (got["email"], got["url"]) == (email, url)


@pytest.mark.parametrize(
    ("line", "mail", "company"),
    [
        # the spaces OCR lost are where the card's domain has hyphens; a logo read as glyphs
        ("上昌KodamaEstateK.K.", "nwatanabe@kodama-estate.net", "Kodama Estate K.K."),
        ("旨KAZANESHOKUHININC.", "yhasegawa@kazane-shokuhin.com", "KAZANE SHOKUHIN INC."),
        # a domain of one word says nothing about spaces; a name running on past its words
        # is another name
        ("SoftBank Corp.", "info@softbank.jp", "SoftBank Corp."),
        ("KodamaEstates Inc.", "info@kodama-estate.jp", "KodamaEstates Inc."),
    ],
)
def test_an_english_company_name_is_spaced_as_its_domain(line, mail, company):
    got = extract_fields(lines_for_test([(line, 50), ("渡辺 直美", 80), (mail, 30)])).values()
    assert got["company"] == company


@pytest.mark.parametrize(
    ("line", "address"),
    [
        (
            "〒532-3719大阪府大阪市淀川区宮原1-10-6あおいタワー/7階",
            "大阪府大阪市淀川区宮原1-10-6あおいタワー7階",
        ),
        (
            "福岡県福岡市中央区赤坂4丁目16-3|第3みなとビル1009",
            "福岡県福岡市中央区赤坂4丁目16-3第3みなとビル1009",
        ),
        ("大阪府大阪市淀川区西中島1-9-18|", "大阪府大阪市淀川区西中島1-9-18"),
    ],
)
def test_a_rule_read_as_a_mark_inside_a_japanese_address_is_dropped(line, address):
    got = extract_fields(lines_for_test([("山田 太郎", 70), (line, 30)])).values()
    assert got["address"] == address


@pytest.mark.parametrize(
    ("line", "address"),
    [
        ("愛知県名古屋市中村区則武3丁日19-16", "愛知県名古屋市中村区則武3丁目19-16"),
        ("香川県高松市丸の内6丁月27-26銀杏ビル207", "香川県高松市丸の内6丁目27-26銀杏ビル207"),
        ("東京都港区芝五丁曰2-1", "東京都港区芝五丁目2-1"),
        ("大阪府大阪市北区天満1丁日", "大阪府大阪市北区天満1丁目"),
    ],
)
def test_a_chome_whose_me_was_read_as_another_glyph_is_mended(line, address):
    got = extract_fields(lines_for_test([("山田 太郎", 70), (line, 30)])).values()
    assert got["address"] == address


@pytest.mark.parametrize(
    ("digits", "after", "postal"),
    [
        # a tategaki 〒 column read without its mark, the bar between the groups as a 1
        ("30513385", "茨城県つくば市研究学園9-8-23", "305-3385"),
        # ... or lost
        ("3053385", "茨城県つくば市研究学園9-8-23", "305-3385"),
        # eight digits with no 1 where the bar stands are no postal code
        ("30523385", "茨城県つくば市研究学園9-8-23", None),
        # nor are seven digits the address does not follow
        ("3053385", "株式会社ミドリ精機", None),
    ],
)
def test_a_postal_code_without_its_mark_on_a_line_of_its_own(digits, after, postal):
    got = extract_fields(lines_for_test([("山田 太郎", 70), (digits, 30), (after, 30)])).values()
    assert got["postal_code"] == postal


@pytest.mark.parametrize("label", ["携帯電話", "携帯", "MOBILE", "Mobile"])
def test_a_phone_label_on_the_names_row_is_no_part_of_the_name(label):
    line = f"中島 亮 TEL022-432-3812{label}080-2128-9157"
    got = extract_fields(lines_for_test([("株式会社ミドリ精機", 40), (line, 80)])).values()
    assert (got["name"], got["tel"], got["mobile"]) == ("中島 亮", "022-432-3812", "080-2128-9157")


def test_an_address_goes_on_past_a_line_of_the_other_column():
    address = "大阪府大阪市淀川区西中島1-9-18 FAX06-4885-6636"
    right = 10 + len(address) * 34
    got = extract_fields(
        lines_for_test(
            [
                ("株式会社アオバ水産", 40),
                ("竹内 浩二", 70),
                ("〒532-9165", 30),
                (address, 34),
                ("携帯電話080-5897-3603", 30, right),  # the right column's, between the two
                ("若葉センタービル 5F", 30),
            ]
        )
    ).values()
    assert got["address"].replace(" ", "") == "大阪府大阪市淀川区西中島1-9-18若葉センタービル5F"
    assert (got["fax"], got["mobile"]) == ("06-4885-6636", "080-5897-3603")


def test_the_kana_over_a_name_whose_line_runs_on_with_a_phone_number_is_its_reading():
    got = extract_fields(
        lines_for_test(
            [
                ("公益財団法人全国環境教育推進機構", 50),
                ("ナカジマ リョウ", 29),
                ("中島 亮 TEL022-432-3812携帯電話080-2128-9157", 87),
            ]
        )
    ).values()
    assert (got["name"], got["name_kana"]) == ("中島 亮", "ナカジマ リョウ")


@pytest.mark.parametrize(
    ("address", "flagged"),
    [
        ("東京都八王子市旭町4-26-12", False),
        # a column's dashes read as 1s: put back where one reading fits, and to be checked
        ("東京都八王子市旭町412612", True),
        ("長野県北佐久郡軽井沢町大字長倉1234番地", False),  # a rural 番地 has four digits
        ("東京都港区六本木5丁目22-5 青空タワー1102", False),  # a room number after a building
    ],
)
def test_an_address_without_its_block_grammar_is_flagged(address, flagged):
    from meishi.models import CHECK_BELOW

    fields = extract_fields(
        lines_for_test(
            [("株式会社ミドリ精機", 40), ("山田 太郎", 70), (address, 25), ("TEL 03-5210-7788", 25)]
        )
    )
    got = fields.values()["address"]
    expected = address.replace("412612", "4-26-2")
    assert got is not None and got.replace(" ", "") == expected.replace(" ", "")
    assert (fields.confidences()["address"] < CHECK_BELOW) == flagged


@pytest.mark.parametrize(
    ("name", "reading", "flagged"),
    [
        # the card may print 山﨑, 𠮷田, 髙橋, 渡邉: the reading fits either form, so the
        # owner checks the name against the card
        ("山崎 美咲", "ヤマザキ ミサキ", True),
        ("吉田 慧", "ヨシダ ケイ", True),
        ("高橋 健一", "タカハシ ケンイチ", True),
        ("渡辺 大輝", "ワタナベ ダイキ", True),
        ("濱田 和彦", "ハマダ カズヒコ", True),
        # no such kanji: a name that reads as printed stays sure
        ("中島 蓮", "ナカジマ レン", False),
        ("佐藤 悠斗", "サトウ ユウト", False),
    ],
)
def test_a_name_with_a_kanji_cards_print_in_a_variant_form_is_flagged(name, reading, flagged):
    got = extract_fields(lines_for_test([("株式会社ミドリ精機", 40), (name, 70), (reading, 25)]))
    assert got.name.value == name
    assert (got.name.confidence < 0.8) is flagged


@pytest.mark.parametrize(
    ("read", "name"),
    [
        # PP-OCR writes the old form it learned from Chinese; names use the new one far more
        ("菊地 美穗", "菊地 美穂"),
        ("辻 惠理子", "辻 恵理子"),
        ("增田 亜希子", "増田 亜希子"),
        # ... and a card that prints the old form keeps it flagged for its owner to check
        ("菊地 美穂", "菊地 美穂"),
    ],
)
def test_an_old_form_in_a_name_is_read_as_the_common_one_and_flagged(read, name):
    got = extract_fields(lines_for_test([("株式会社ミドリ精機", 40), (read, 70)]))
    assert got.name.value == name and got.name.confidence < 0.8


@pytest.mark.parametrize(
    "line",
    # a long head before a bare department word on its line is its head; OCR may put the
    # gap a glyph early
    ["マーケティング グループ", "マーケティン ググループ"],
)
def test_a_bare_department_word_takes_its_head_however_long(line):
    got = extract_fields(lines_for_test([("株式会社ミドリ精機", 40), (line, 25), ("加藤 愛", 70)]))
    assert got.values()["department"] == "マーケティンググループ"


@pytest.mark.parametrize(
    ("line", "address", "key", "value"),
    [
        # a contact printed at the end of the address line: its label goes with it
        (
            "石川県金沢市香林坊8-27-13 E-mail: m.watanabe@example.jp",
            "石川県金沢市香林坊8-27-13",
            "email",
            "m.watanabe@example.jp",
        ),
        (
            "北海道札幌市中央区大通西8-19-24 Cell 090-2353-1653",
            "北海道札幌市中央区大通西8-19-24",
            "mobile",
            "090-2353-1653",
        ),
        (
            "4-24-15 Chuo, Aoba-ku, Email a.sato@example.jp",
            "4-24-15 Chuo, Aoba-ku",
            "email",
            "a.sato@example.jp",
        ),
    ],
)
def test_a_contacts_label_left_on_the_address_line_is_dropped(line, address, key, value):
    got = extract_fields(lines_for_test([("山田 太郎", 70), (line, 30)])).values()
    assert got[key] == value
    assert got["address"] is not None and got["address"].replace(" ", "") == address.replace(
        " ", ""
    )


@pytest.mark.parametrize(
    ("lines", "company"),
    [
        # a gap OCR saw inside K.K.
        ([("Sorano Real Estate K. K.", 40)], "Sorano Real Estate K.K."),
        # a long name run onto a second line, set close above its legal form's, same size
        ([("Yui Real", 40), ("Estate K.K.", 42)], "Yui Real Estate K.K."),
        # ... but not a person's name in romaji, nor a department, above it
        ([("Yui Kato", 40), ("Estate K.K.", 42)], "Estate K.K."),
        ([("Sales Department", 40), ("Hokuto Trading Inc.", 42)], "Hokuto Trading Inc."),
    ],
)
def test_an_english_company_name_is_read_whole(lines, company):
    got = extract_fields(
        lines_for_test([("Lead Engineer", 40), ("RINKO ONITSUKA", 60), *lines])
    ).values()
    assert got["company"] == company


@pytest.mark.parametrize(
    ("read", "alternatives", "contact", "company"),
    [
        # PP-OCR read 凪 as 瓜; its second look weighed 凪 too, which the domain reads as
        (
            "朝瓜精工株式会社",
            ["朝凪精工株式会社", "朝爪精工株式会社"],
            "info@asanagi-seiko.co.jp",
            "朝凪精工株式会社",
        ),
        (
            "有限会社贏和電機",
            ["有限会社凛和電機"],
            "https://www.rinwa-denki.jp",
            "有限会社凛和電機",
        ),
        # a name the domain already reads as stays; so does one no alternative reads as
        ("朝凪精工株式会社", ["朝瓜精工株式会社"], "info@asanagi-seiko.co.jp", "朝凪精工株式会社"),
        ("朝瓜精工株式会社", ["朝爪精工株式会社"], "info@asanagi-seiko.co.jp", "朝瓜精工株式会社"),
        # a domain that is not the name in romaji decides nothing
        ("朝瓜精工株式会社", ["朝凪精工株式会社"], "info@example.co.jp", "朝瓜精工株式会社"),
    ],
)
def test_a_companys_kanji_are_checked_against_its_domain(read, alternatives, contact, company):
    ocr = _with_alternatives(
        lines_for_test([(read, 40), ("山田 太郎", 70), (contact, 25)]), read, alternatives
    )
    assert extract_fields(ocr).values()["company"] == company
