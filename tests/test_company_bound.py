"""Company-bound details move together: a newer card of another firm brings its firm's
phone, fax, web site, address, department, title and company mail, and the old firm's become
history; a card of another firm that does not replace the company leaves them alone."""

from __future__ import annotations

import pytest

from meishi import export, merge
from meishi.models import FIELD_NAMES
from meishi.store import Store
from test_contact_book import card

HARUKA = dict(
    name="佐藤 花子",
    company="ハルカテック株式会社",
    department="営業部",
    title="課長",
    postal_code="150-0002",
    address="東京都渋谷区渋谷2-1-1",
    tel="03-1111-2222",
    fax="03-1111-2223",
    url="https://haruka-tech.example.jp",
    email="h.sato@haruka-tech.example.jp",
    mobile="090-1234-5678",
)
AOBA = dict(
    name="佐藤 花子",
    company="株式会社アオバ産業",
    title="部長",
    tel="06-3333-4444",
    email="sato@aoba-sangyo.example.jp",
    mobile="090-1234-5678",
)
SURE = {k: 0.95 for k in FIELD_NAMES}

# (current contact, new card, newer?, confidence of the new card's company, expected changes)
CASES = [
    pytest.param(
        HARUKA,
        AOBA,
        True,
        0.95,
        {
            "company": "株式会社アオバ産業",
            "department": None,
            "title": "部長",
            "postal_code": None,
            "address": None,
            "tel": "06-3333-4444",
            "fax": None,
            "url": None,
            "email": "sato@aoba-sangyo.example.jp",
        },
        id="a newer card of another firm: all move",
    ),
    pytest.param(
        HARUKA,
        AOBA,
        False,
        0.95,
        {},
        id="an older card of another firm: nothing of its firm comes in",
    ),
    pytest.param(
        {**HARUKA, "fax": None},
        {**AOBA, "fax": "06-3333-4445"},
        False,
        0.95,
        {},
        id="an older card of another firm does not fill a gap with its fax",
    ),
    pytest.param(
        HARUKA, AOBA, True, 0.4, {}, id="a newer card whose company is unsure: nothing moves"
    ),
    pytest.param(
        {**HARUKA, "email": "hanako.sato@gmail.com"},
        {**AOBA, "email": None},
        True,
        0.95,
        {
            "company": "株式会社アオバ産業",
            "department": None,
            "title": "部長",
            "postal_code": None,
            "address": None,
            "tel": "06-3333-4444",
            "fax": None,
            "url": None,
        },
        id="a personal address stays with the person",
    ),
    pytest.param(
        HARUKA,
        {**HARUKA, "title": "部長", "fax": None},
        True,
        0.95,
        {"title": "部長"},
        id="same firm: a promotion, the fax kept",
    ),
    pytest.param(
        {**HARUKA, "fax": None},
        {**HARUKA, "fax": "03-1111-2299"},
        False,
        0.95,
        {"fax": "03-1111-2299"},
        id="same firm, older card: fills the gap",
    ),
    pytest.param(
        {**HARUKA, "company": None},
        AOBA,
        False,
        0.95,
        {"company": "株式会社アオバ産業"},
        id="no company known yet: the card's company fills it, nothing else replaced",
    ),
]


@pytest.mark.parametrize(("current", "new", "newer", "company_conf", "expected"), CASES)
def test_company_bound_details_move_together(current, new, newer, company_conf, expected):
    conf = {**SURE, "company": company_conf}
    replace = tuple(k for k in FIELD_NAMES if k != "name") if newer else ()
    got = merge.absorb(
        current, new, conf, newer=newer, fields=FIELD_NAMES, replace=replace, sure=0.8
    )
    assert got == expected


def _without(values: dict[str, str], key: str) -> dict[str, str]:
    return {k: v for k, v in values.items() if k != key}


def _haruka_then_aoba(store: Store) -> int:
    first = store.add_card(card("a", "2025-04-01", **HARUKA), source_name="a.jpg")
    later = store.add_card(card("b", "2026-05-10", **AOBA), source_name="b.jpg")
    assert later.status == "merged" and later.contact_id == first.contact_id  # same mobile
    return first.contact_id


def test_a_new_firms_card_leaves_no_old_number_under_the_new_name(db_url, tmp_path):
    store = Store(db_url, tmp_path / "images")
    cid = _haruka_then_aoba(store)
    c = store.get(cid)
    assert c is not None
    assert (c.fields["company"], c.fields["tel"], c.fields["fax"], c.fields["url"]) == (
        "株式会社アオバ産業",
        "06-3333-4444",
        None,
        None,
    )
    assert c.fields["mobile"] == "090-1234-5678"  # the person's
    # the old firm's details are history, with when they changed
    assert [(h.value, h.since.year) for h in c.history_of("tel")] == [
        ("03-1111-2222", 2025),
        ("06-3333-4444", 2026),
    ]
    assert [h.value for h in c.history_of("fax")] == ["03-1111-2223", None]
    assert [h.value for h in c.history_of("company")] == [
        "ハルカテック株式会社",
        "株式会社アオバ産業",
    ]
    # the exported vCard carries the new firm's work number only
    tels = [line for line in export.to_vcard([c]).splitlines() if line.startswith("TEL")]
    assert len(tels) == 2 and "06-3333-4444" in tels[0] and "090-1234-5678" in tels[1], tels
    store.close()


def test_contacts_merge_moves_the_firms_details_together(db_url, tmp_path):
    store = Store(db_url, tmp_path / "images")
    old = store.add_card(
        card("a", "2025-04-01", **_without(HARUKA, "mobile")), source_name="a.jpg"
    ).contact_id
    new = store.add_card(
        card("b", "2026-05-10", **{**_without(AOBA, "mobile"), "name": "佐藤 はなこ"}),
        source_name="b.jpg",
    ).contact_id
    assert new != old
    merged = store.merge(new, old)  # `meishi contacts merge NEW OLD`
    assert (merged.fields["company"], merged.fields["url"], merged.fields["fax"]) == (
        "株式会社アオバ産業",
        None,
        None,
    )
    store.close()
