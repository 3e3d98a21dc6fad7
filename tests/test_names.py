"""Person names with UniDic: family and given name."""

from __future__ import annotations

import pytest

from meishi.extract import names


@pytest.mark.parametrize(
    ("text", "family", "given"),
    [
        ("山田太郎", "山田", "太郎"),
        ("佐々木美咲", "佐々木", "美咲"),
        ("長谷川翔太", "長谷川", "翔太"),
        ("林誠", "林", "誠"),
        ("高橋 陽菜", "高橋", "陽菜"),
        ("渡辺　健太", "渡辺", "健太"),  # full-width space, as some cards print it
        ("森愛", "森", "愛"),
    ],
)
def test_split_name(text, family, given):
    from meishi.extract.text import nfkc

    split = names.split_name(nfkc(text))
    assert split is not None
    assert (split.family, split.given) == (family, given)


def test_split_name_refuses_non_names():
    assert names.split_name("株式会社ミドリ精機東京本社営業部") is None


@pytest.mark.parametrize(
    ("kana", "family", "expected"),
    [
        ("ヤマダタロウ", "山田", "ヤマダ タロウ"),
        ("ササキ ミサキ", "佐々木", "ササキ ミサキ"),
        ("タナカハナコ", "田中", "タナカ ハナコ"),
        # a gap OCR saw inside the family name is moved to where its reading ends
        ("オオ クボ ヒナ", "大久保", "オオクボ ヒナ"),
        ("オオ クボヒナ", "大久保", "オオクボ ヒナ"),
        # a reading the dictionary does not give keeps the card's own gap
        ("カワノ ユイ", "河野", "カワノ ユイ"),
        # the card's voicing differs from UniDic's (比嘉: ヒカ; 桑原: クワハラ); the card's
        # letters are kept
        ("ヒガユイ", "比嘉", "ヒガ ユイ"),
        ("クワバラハヤテ", "桑原", "クワバラ ハヤテ"),
        # a variant kanji UniDic does not know is read through its common form (德 → 徳)
        ("トクナガユズキ", "德永", "トクナガ ユズキ"),
        ("クワバラハヤテ", "桒原", "クワバラ ハヤテ"),
    ],
)
def test_space_reading(kana, family, expected):
    assert names.space_reading(kana, family) == expected


def test_space_reading_falls_back_to_the_given_name():
    # UniDic reads 薬袋 as クスリブクロ, not ミナイ; the given name places the gap
    assert names.space_reading("ミナイハナコ", "薬袋", "花子") == "ミナイ ハナコ"


def test_person_name_score_tells_names_from_words():
    assert names.person_name_score("山田太郎") > 0.9
    assert names.person_name_score("営業企画") < 0.5


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("ニシムラ", "nishimura"),
        ("にしむら", "nishimura"),
        ("Nishimura", "nishimura"),
        # long vowels and their spellings folded
        ("リョウ", "ryo"),
        ("Ryo", "ryo"),
        ("RYOU", "ryo"),
        ("オオノ", "ono"),
        ("Ohno", "ono"),
        ("ユウキ", "yuki"),
        ("Namba", "nanba"),
        ("ナンバ", "nanba"),
    ],
)
def test_readings_compare_as_folded_romaji(text, key):
    assert names.romaji_key(text) == key


@pytest.mark.parametrize(
    ("family", "given", "printed", "fits"),
    [
        ("西村", "葵", [["ニシムラ", "アオイ"]], True),
        ("西村", "壮", [["ニシムラ", "アオイ"]], False),  # 葵 misread as 壮
        ("松本", "達也", [["Tatsuya", "Matsumoto"]], True),  # romaji in either order
        ("中野", "葵", [["a", "nakano"]], True),  # an e-mail with an initial
        ("中島", "蓮", [["nakajimaren"]], True),  # an e-mail run together
        ("中島", "夢", [["nakajima", "ren"]], False),
        ("菊", "地", [["kikuchi", "m"]], False),  # half the name is not the name
        ("西村", "葵", [], None),  # nothing printed to compare with
        # rendaku varies between UniDic and a person: オニヅカ for Onitsuka, ヤマサキ for
        # Yamazaki
        ("鬼塚", "栞", [["Shiori", "ONITSUKA"]], True),
        ("山崎", "蓮", [["ヤマザキ", "レン"]], True),
        ("鬼塚", "乗", [["Shiori", "ONITSUKA"]], False),
        # an e-mail that runs the initial into the family name
        ("西村", "葵", [["anishimura"]], True),
        ("西村", "葵", [["nishimuraa"]], True),
        ("西村", "壮", [["anishimura"]], False),
    ],
)
def test_a_name_reads_as_the_card_prints_it(family, given, printed, fits):
    assert names.reads_as(family, given, printed) is fits


def test_an_exact_reading_can_be_asked_for():
    # when UniDic's reading is to replace the card's kana, voicing must agree too
    assert names.reads_as("鬼塚", "栞", [["Shiori", "ONITSUKA"]], voicing=False) is False
    assert names.reads_as("鬼塚", "栞", [["Shiori", "ONIZUKA"]], voicing=False) is True


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("オニヅカ", "onitsuka"),
        ("Onitsuka", "onitsuka"),
        ("Yamazaki", "yamasaki"),
        ("リョウ", "ryo"),
        ("Ryou", "ryo"),
        ("ジュン", "shun"),
    ],
)
def test_voiceless_keys_fold_voicing_only(text, key):
    assert names.voiceless_key(text) == key


@pytest.mark.parametrize(
    ("read", "mended"),
    [
        # no reading starts with a small kana, or ends with ッ
        ("キムラ ッバサ", "キムラ ツバサ"),
        ("カッ", "カツ"),
        # a small vowel only follows the kana it can bend (ティ, ウィ, シェ): ケィ is ケイ
        ("ホリノウチ ケィ", "ホリノウチ ケイ"),
        ("カィ ヒマリ", "カイ ヒマリ"),
        # readings that are right as they are
        ("コバヤシ ショウタ", "コバヤシ ショウタ"),
        ("イッキ", "イッキ"),
        ("ティアラ", "ティアラ"),
        ("ジュン", "ジュン"),
        ("ウツノミヤ ナオミ", "ウツノミヤ ナオミ"),
    ],
)
def test_small_kana_no_reading_can_have_are_set_full_size(read, mended):
    assert names.mend_small_kana(read) == mended


@pytest.mark.parametrize(
    ("kana", "family", "given", "may"),
    [
        ("モリタ ヒロシ", "森田", "浩", True),
        # voicing and small kana are folded: the card's ヤマサキ for UniDic's ヤマザキ
        ("ヤマサキ ミサキ", "山崎", "美咲", True),
        # the given name's reading alone is enough (真栄田: UniDic reads シンエイデン)
        ("マエダ ナギ", "真栄田", "凪", True),
        # UniDic knows no reading: nothing to go on
        ("トクナガ ユズキ", "德永", "柚希", True),
        # another word in katakana beside the name
        ("センタ", "森田", "浩", False),
        ("システム", "河野", "栞", False),
    ],
)
def test_a_kana_line_is_the_names_reading_only_if_it_can_be(kana, family, given, may):
    assert names.may_read(kana, family, given) is may
