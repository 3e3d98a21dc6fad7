"""The head of an address (prefecture and municipality) and its town mended from Japan Post's
place names."""

from __future__ import annotations

import pytest

from meishi.extract.places import heads, mend_head, mend_town


def test_the_place_names_come_from_the_postal_data():
    got = heads()
    assert len(got) > 1800  # every municipality of Japan, and more ways to write some
    for head in (
        "東京都千代田区",
        "神奈川県横浜市港北区",
        "横浜市港北区",
        "北海道石狩郡当別町",
        "北海道当別町",
        "京都府京都市下京区",
        "京都市下京区",
    ):
        assert head in got
    assert "東京都横浜市" not in got


@pytest.mark.parametrize(
    ("read", "mended"),
    [
        # a character of the prefecture or city misread, dropped or added
        ("神川県横浜市西区北幸4-9-13", "神奈川県横浜市西区北幸4-9-13"),
        ("奈川県横浜市港北区日吉5-16-6", "神奈川県横浜市港北区日吉5-16-6"),
        ("東京都二代田区九段北4-14-3", "東京都千代田区九段北4-14-3"),
        ("宮城県仙台青葉区一番町3-23-5", "宮城県仙台市青葉区一番町3-23-5"),
        ("静岡県静岡市甘区紺屋町2-3", "静岡県静岡市葵区紺屋町2-3"),
        ("東京都江東愉亀戸2-12", "東京都江東区亀戸2-12"),
        ("石州県金沢市広岡4-24-8", "石川県金沢市広岡4-24-8"),
        ("茨城スム県つくば市吾妻2-4-1", "茨城県つくば市吾妻2-4-1"),
        ("広島刻中区紙屋町5-23-13", "広島市中区紙屋町5-23-13"),
        # the city decides between prefectures one edit away: 神奈川県 or 香川県
        ("神川県高松市番町1-1", "香川県高松市番町1-1"),
        # a mark or two of noise before an exact head
        ("5神戸市中央区加納町1-14", "神戸市中央区加納町1-14"),
        ("テ東京都台東区浅草橋1-22", "東京都台東区浅草橋1-22"),
        # as near as a shorter head (北名古屋市, 神戸市): the one that explains more
        ("愛知県名古屋市山村区名駅8-9-21", "愛知県名古屋市中村区名駅8-9-21"),
        ("兵庫県神戸市央区元町通9-2-23", "兵庫県神戸市中央区元町通9-2-23"),
    ],
)
def test_a_misread_head_is_mended(read, mended):
    assert mend_head(read) == mended


@pytest.mark.parametrize(
    "address",
    [
        "京都市下京区中堂寺町2-10-18",  # a designated city's ward: not 東京都市…
        "東京都新宿区新宿3丁目22-8",
        "北海道当別町白樺町58-9",  # a town printed without its district
        "東京都中価2-23-8",  # two edits from 東京都中央区: too far to be sure
        "本社 東京都港区",  # a word before the head is not noise
        "",
    ],
)
def test_a_head_that_is_known_or_too_far_from_one_is_left_alone(address):
    assert mend_head(address) == address


@pytest.mark.parametrize(
    ("read", "mended"),
    [
        # one glyph of the town name misread: 島 as 鳥, 宮 as 窩, 畑 as 烟, 妻 as 委
        ("大阪府大阪市北区中之鳥8丁目9番18号", "大阪府大阪市北区中之島8丁目9番18号"),
        ("兵庫県神戸市中央区三窩町6丁目17-11", "兵庫県神戸市中央区三宮町6丁目17-11"),
        ("熊本市中央区花烟町9丁目11-21", "熊本市中央区花畑町9丁目11-21"),
        ("茨城県つくば市吾委8-26-17", "茨城県つくば市吾妻8-26-17"),
        # two towns fit (港島, 港島中町): the longer
        ("兵庫県神戸市中央区港鳥中町2丁目21-28", "兵庫県神戸市中央区港島中町2丁目21-28"),
    ],
)
def test_a_misread_town_is_mended(read, mended):
    assert mend_town(read) == mended


@pytest.mark.parametrize(
    "address",
    [
        "大阪市北区中之島6丁目14-15",  # a known town
        "北海道札幌市中央区北1条西2丁目",  # Japan Post writes 北一条西: a digit is no misread
        "東京都中価2-23-8",  # no known head: nothing to look the town up in
        "神奈川県横浜市西区みなとみらい2-2-1",
        "東京都港区芝公園4-2-8 東京タワー",
    ],
)
def test_a_town_that_is_known_or_not_one_glyph_off_one_is_left_alone(address):
    assert mend_town(address) == address


def test_a_chome_number_in_kanji_is_not_a_misread_town():
    # Japan Post lists 芝 and 芝浦: 芝五丁目 is 芝, 5-chome
    assert mend_town("東京都港区芝五丁目2-1") == "東京都港区芝五丁目2-1"
