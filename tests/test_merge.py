"""名寄せ rules as tables of real cases: merge, candidate, or two different people."""

from __future__ import annotations

import pytest

from meishi import merge

TARO = {
    "name": "山田 太郎",
    "name_roman": "Taro Yamada",
    "company": "株式会社ミドリ精機",
    "title": "課長",
    "postal_code": "100-0005",
    "address": "東京都千代田区丸の内1-2-3 丸の内ビル5F",
    "tel": "03-5210-7788",
    "mobile": "090-1234-5678",
    "email": "t.yamada@midori-seiki.co.jp",
    "url": "https://www.midori-seiki.co.jp",
}


def _with(**changes):
    return {**TARO, **changes}


MERGE_CASES = [
    # (description, new card, expected kind or None, reason contains)
    ("same card again, new title", _with(title="部長"), "merge", "e-mail"),
    (
        "job change: same name and personal mail, new company",
        _with(
            company="株式会社アオバ",
            address="大阪府大阪市北区梅田2-4-9",
            email="t.yamada@midori-seiki.co.jp",
            url="https://aoba.example.jp",
            mobile=None,
        ),
        "merge",
        "e-mail",
    ),
    (
        "same name and address, written 丁目/番地, other floor",
        _with(
            email=None,
            mobile=None,
            url=None,
            address="東京都千代田区丸の内1丁目2番3号 丸の内ビル12F",
        ),
        "merge",
        "address",
    ),
    (
        "same name and address, no postal code on the new card",
        _with(email=None, mobile=None, url=None, postal_code=None),
        "merge",
        "address",
    ),
    (
        "same name, company and web site",
        _with(email=None, mobile=None, address=None),
        "merge",
        "web site",
    ),
    (
        "same name and mobile",
        _with(email=None, address=None, url=None, company="アオバ合同会社"),
        "merge",
        "mobile",
    ),
    ("a full-width space in the name", _with(name="山田　太郎"), "merge", "e-mail"),
    (
        "name without space, mail in capitals",
        _with(name="山田太郎", email="T.Yamada@Midori-Seiki.co.jp"),
        "merge",
        "e-mail",
    ),
    (
        "only the name agrees: a namesake or the same person?",
        _with(
            company="アオバ合同会社",
            email="taro@aoba.jp",
            address="大阪府大阪市北区梅田2-4-9",
            mobile=None,
            url=None,
        ),
        "candidate",
        "same name",
    ),
    (
        "same name, same company, no URL: not enough",
        _with(email=None, address=None, mobile=None, url=None),
        "candidate",
        "same name",
    ),
    (
        "only the personal mail agrees (name misread)",
        _with(name="山田 太朗"),
        "candidate",
        "e-mail",
    ),
    (
        "shared info@ mailbox, another person",
        {"name": "佐藤 花子", "company": "株式会社ミドリ精機", "email": "info@midori-seiki.co.jp"},
        None,
        "",
    ),
    (
        "same name with a shared mailbox is only a candidate",
        _with(
            email="info@midori-seiki.co.jp", address=None, mobile=None, url=None, company="別会社"
        ),
        "candidate",
        "same name",
    ),
    (
        "colleague: same company, address, phone and web site",
        {
            "name": "佐藤 花子",
            "company": "株式会社ミドリ精機",
            "address": TARO["address"],
            "tel": TARO["tel"],
            "url": TARO["url"],
            "email": "h.sato@midori-seiki.co.jp",
        },
        None,
        "",
    ),
    (
        "same address but the postal code differs",
        _with(email=None, mobile=None, url=None, postal_code="530-0001"),
        "candidate",
        "",
    ),
    (
        "English side of the same person: roman name in the other order",
        {
            "name_roman": "YAMADA Taro",
            "company": "Midori Seiki Co., Ltd.",
            "email": "t.yamada@midori-seiki.co.jp",
        },
        "merge",
        "e-mail",
    ),
]


@pytest.mark.parametrize(
    ("new", "kind", "reason"), [pytest.param(n, k, r, id=d) for d, n, k, r in MERGE_CASES]
)
def test_merge_decisions(new, kind, reason):
    found = merge.match(new, TARO)
    if kind is None:
        assert found is None
    else:
        assert found is not None and found.kind == kind
        assert reason in found.reason


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("髙橋 一郎", "高橋一郎", True),
        ("山﨑 亮", "山崎 亮", True),
        ("渡邊 恵", "渡辺 恵", True),
        ("齋藤　健", "斉藤 健", True),
        ("ＹＡＭＡＤＡ", "yamada", True),
        ("高橋 一郎", "高橋 二郎", False),
        ("山田 太郎", "山田 太", False),
    ],
)
def test_name_keys_tolerate_variants_and_spacing(a, b, same):
    assert (merge.name_key(a) == merge.name_key(b)) is same


@pytest.mark.parametrize(
    ("email", "role"),
    [
        ("info@example.co.jp", True),
        ("INFO@example.co.jp", True),
        ("sales-tokyo@example.jp", True),
        ("toiawase@example.jp", True),
        ("support.jp@example.com", True),
        ("t.yamada@example.jp", False),
        ("hanako@example.jp", False),
        ("infinity@example.jp", False),
    ],
)
def test_role_addresses(email, role):
    assert merge.is_role_address(email) is role


@pytest.mark.parametrize(
    ("fields", "lang"),
    [
        ({"name": "山田 太郎", "name_roman": "Taro Yamada", "company": "株式会社ミドリ"}, "ja"),
        ({"name_roman": "Taro Yamada", "company": "Midori Co., Ltd.", "title": "Manager"}, "en"),
        ({"tel": "03-1234-5678"}, "ja"),
    ],
)
def test_card_language(fields, lang):
    assert merge.card_lang(fields) == lang


def test_old_kanji_variant_merges_with_the_same_mail():
    old = {"name": "高橋 一郎", "email": "ichiro@example.jp"}
    new = {"name": "髙橋一郎", "email": "ichiro@example.jp", "title": "部長"}
    assert merge.match(new, old) == merge.Match("merge", "same name and e-mail")
