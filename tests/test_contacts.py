"""Fields with a grammar: phones, e-mail, URL, postal code."""

from __future__ import annotations

import pytest

from meishi.extract import contacts


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("TEL 03-5210-7788", [("tel", "03-5210-7788", True)]),
        (
            "Tel: 06-6341-2200  Fax: 06-6341-2201",
            [("tel", "06-6341-2200", True), ("fax", "06-6341-2201", True)],
        ),
        (
            "T. 045-123-4567 F. 045-123-4568",
            [("tel", "045-123-4567", True), ("fax", "045-123-4568", True)],
        ),
        ("携帯 090-1234-5678", [("mobile", "090-1234-5678", True)]),
        ("Mobile 080 1234 5678", [("mobile", "080-1234-5678", True)]),
        ("M.070-9876-5432", [("mobile", "070-9876-5432", True)]),
        ("電話 0120-123-456", [("tel", "0120-123-456", True)]),
        # OCR dropped the space before the next label
        (
            "TEL 03-5561-7566FAX 03-5561-7568",
            [("tel", "03-5561-7566", True), ("fax", "03-5561-7568", True)],
        ),
        # unlabelled: the number plan says what it is
        ("090-1111-2222", [("mobile", "090-1111-2222", False)]),
        ("03-3333-4444", [("tel", "03-3333-4444", False)]),
        # area codes have 1-4 digits: the grouping the card printed is kept
        ("TEL 076-344-9998", [("tel", "076-344-9998", True)]),
        ("TEL 0763-44-9998", [("tel", "0763-44-9998", True)]),
        ("TEL (03) 1234-5678", [("tel", "03-1234-5678", True)]),
        # no grouping printed: national format
        ("TEL 0312345678", [("tel", "03-1234-5678", True)]),
        # OCR read 0 as O inside the number
        ("TEL O3-52l0-7788", [("tel", "03-5210-7788", True)]),
        # the leading 0 read as 9; a label run into its number
        ("電話 925-728-6337", [("tel", "025-728-6337", True)]),
        ("TEL 93-3699-9053", [("tel", "03-3699-9053", True)]),
        # ... and both 0s of a mobile's 0X0
        ("携帯 999-8432-2752", [("mobile", "090-8432-2752", True)]),
        ("M 979-8207-9793", [("mobile", "070-8207-9793", True)]),
        ("Mobile: 999-1913-9161", [("mobile", "090-1913-9161", True)]),
        (
            "TEL 03-3660-1461 FAX03-3660-1462",
            [("tel", "03-3660-1461", True), ("fax", "03-3660-1462", True)],
        ),
        (
            "T045-318-6290 F045-318-6292",
            [("tel", "045-318-6290", True), ("fax", "045-318-6292", True)],
        ),
        # a postal code and a date are not phone numbers
        ("〒100-0005", []),
        ("2026年11月20日", []),
    ],
)
def test_find_phones(line, expected):
    got = [(p.kind, p.number, p.labelled) for p in contacts.find_phones(line)]
    assert got == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("E-mail: t.yamada@midori-seiki.co.jp", "t.yamada@midori-seiki.co.jp"),
        ("Mail t.yamada @ midori-seiki . co . jp", "t.yamada@midori-seiki.co.jp"),
        ("hanako_s@sakura-shoji,co,jp", "hanako_s@sakura-shoji.co.jp"),
        ("k-ito@Aoba-Lab.JP", "k-ito@aoba-lab.jp"),
        # debris after the top-level domain is cut
        ("kimura-m@asanagi-unyu.CO.jpD", "kimura-m@asanagi-unyu.co.jp"),
        ("ishii@mirai.comn", "ishii@mirai.com"),
        ("taro.kaneko@akari-design.co.jD", "taro.kaneko@akari-design.co.jp"),
        ("k@aoba-lab.cojp", "k@aoba-lab.co.jp"),
        ("k@aoba-lab.cojjp", "k@aoba-lab.co.jp"),  # the dot read as j
        ("k@aoba-lab.or1jp", "k@aoba-lab.or.jp"),
        ("k@aoba-lab.corn", "k@aoba-lab.com"),
        ("メール: info@example.com", "info@example.com"),
        ("https://www.midori-seiki.co.jp", None),
        ("TEL 03-5210-7788", None),
        # what OCR does to an address, undone where the grammar is certain
        (
            "Email: fujiwara.shintaro@tsubasa-denshi.co.」p",
            "fujiwara.shintaro@tsubasa-denshi.co.jp",
        ),
        ("Mail kaori.ueda@haruka-systems. co.", "kaori.ueda@haruka-systems.co.jp"),
        ("E-mail: kaneko@nihon-monozukuri.or.", "kaneko@nihon-monozukuri.or.jp"),
        ("akemi.inoue@hokkaido-monozukurijp", "akemi.inoue@hokkaido-monozukuri.jp"),
        ("E-mail morita-t@のharuka-solutions.com", "morita-t@haruka-solutions.com"),
        ("n.utsunomiyaのhokkaido-dokusho.or.jp", "n.utsunomiya@hokkaido-dokusho.or.jp"),
        ("E-mail: d.onodera@minato-denshi.Cc0.」p", "d.onodera@minato-denshi.co.jp"),
        ("E-mail: harada shota@akaridenshi.co.jp", "harada_shota@akaridenshi.co.jp"),
        # .co is a real top-level domain: without a trace of a lost ".jp" it stays
        ("kimura@example.co", "kimura@example.co"),
        ("mail a.b@x.com", "a.b@x.com"),
        ("MATIL takeuchi@shirakabasuisan.com", "takeuchi@shirakabasuisan.com"),
    ],
)
def test_find_email(line, expected):
    found = contacts.find_email(line)
    assert (found[0] if found else None) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("https://www.midori-seiki.co.jp", "https://www.midori-seiki.co.jp"),
        ("URL: www.sakura-shoji.jp/", "www.sakura-shoji.jp"),
        ("http://aoba-lab.com/ja", "http://aoba-lab.com/ja"),
        ("hikari-systems.net", "hikari-systems.net"),
        ("http://www.akari-design.co.jD/", "http://www.akari-design.co.jp"),
        ("https://Www.Irohagiken.JP", "https://www.irohagiken.jp"),
        ("t.yamada@midori-seiki.co.jp", None),
        ("TEL 03-5210-7788", None),
        # what OCR does to a web address, undone where the grammar is certain
        ("URL https://hikari-shojijp", "https://hikari-shoji.jp"),
        ("URLhttps://aoba-seikijp", "https://aoba-seiki.jp"),
        ("wWW.kodama-planning.c0.JpD", "www.kodama-planning.co.jp"),
        ("wwwkansai-dokusho.orjp", "www.kansai-dokusho.or.jp"),
        ("https://wwww.hokuto-systems.co.jp", "https://www.hokuto-systems.co.jp"),
        ("urlwww.yuzuriha-consulting.net", "www.yuzuriha-consulting.net"),
        ("www.kazane-shuz0.jp", "www.kazane-shuzo.jp"),
        # an O read as 0 before a hyphen; 0r read for or where jp was also misread (jD)
        ("www.minat0-seisakusho.net", "www.minato-seisakusho.net"),
        ("www. setouchi-monozukuri.0r.jD", "www.setouchi-monozukuri.or.jp"),
    ],
)
def test_find_url(line, expected):
    found = contacts.find_url(line)
    assert (found[0] if found else None) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("〒100-0005 東京都千代田区丸の内2-4-1", "100-0005"),
        ("〒 530 - 0001 大阪府大阪市北区梅田1-1-3", "530-0001"),
        ("220-0012 神奈川県横浜市西区みなとみらい3-6-1", "220-0012"),
        # vertical text: the dash was read sideways
        ("〒223」0718", "223-0718"),
        ("〒6000514 京都府", "600-0514"),
        # a 〒 column laid out as a line: the mark read as T, the dash as ~- or ! or lost
        ("T860~-1215", "860-1215"),
        ("T180!7111", "180-7111"),
        ("TO01-8196", "001-8196"),
        ("T14116147", "141-6147"),
        ("T 045-123-4567", None),
        ("T14116147 東京都", None),
        ("TEL 03-1234-5678", None),
        ("東京都千代田区丸の内2-4-1", None),
    ],
)
def test_find_postal(line, expected):
    found = contacts.find_postal(line)
    assert (found[0] if found else None) == expected


@pytest.mark.parametrize("mark", ["〒", "亍", "平", "T"])
def test_the_postal_mark_a_column_reads_goes_with_the_code(mark):
    # a tategaki column: 〒 read as 亍, then the address, all on one line
    line = f"{mark}900-0717沖縄県那覇市久茂地6-20-25"
    code, start, end = contacts.find_postal(line)
    assert (code, start, line[end:]) == ("900-0717", 0, "沖縄県那覇市久茂地6-20-25")


@pytest.mark.parametrize(
    ("email", "other", "expected"),
    [
        # the jpn reading dropped the underscore or dot that the English re-read kept
        (
            "nakamuraryo@shinonome.co.jp",
            "Mail nakamura_ryo@shinonome-shokuhin. co. jp",
            "nakamura_ryo@shinonome.co.jp",
        ),
        ("anakano@kohaku.com", "MAILa.nakano@kohaku-solutions.com", "a.nakano@kohaku.com"),
        (
            "okadatakashi@momiji-denki.com",
            "okada_takashi@momij i-denki.com",
            "okada_takashi@momiji-denki.com",
        ),
        # other letters, or no more separators: the first reading stays
        ("sato@example.jp", "s_ato1@example.jp", "sato@example.jp"),
        ("ikeda_yukiko@example.jp", "ikedayukiko@example.jp", "ikeda_yukiko@example.jp"),
        ("ikeda@example.jp", "no address here", "ikeda@example.jp"),
    ],
)
def test_separators_from_another_reading(email, other, expected):
    assert contacts.with_separators(email, other) == expected
