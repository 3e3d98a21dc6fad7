"""The accuracy evaluation's arithmetic, on outcomes made by hand."""

from __future__ import annotations

from meishi.evaluate import CardOutcome, _match, _Read, summarise
from meishi.models import FIELD_NAMES


def _outcome(capture, language, truth, got, conf=0.9):
    full = dict.fromkeys(FIELD_NAMES)
    return CardOutcome(
        source=f"{capture}.png",
        capture=capture,
        language=language,
        truth={**full, **truth},
        got={**full, **got},
        confidence={k: conf if v else None for k, v in {**full, **got}.items()},
    )


def test_summary_counts_fields_captures_languages_and_nulls():
    outcomes = [
        _outcome(
            "scan",
            "ja",
            {"name": "山田 太郎", "company": "株式会社ミドリ"},
            {"name": "山田 太郎", "company": "株式会社ミドリ"},
        ),
        _outcome(
            "scan",
            "ja",
            {"name": "佐藤 花子", "company": "アオバ合同会社"},
            {"name": "佐藤 花", "company": "アオバ合同会社", "fax": "03-1111-2222"},
            conf=0.5,
        ),
        _outcome("photo", "en", {"name_roman": "Taro Yamada"}, {"name_roman": "Taro Yamada"}),
    ]
    s = summarise(outcomes, wall=30.0)
    assert s.cards == 3 and s.cards_per_minute == 6.0
    assert s.per_field["name"] == {"accuracy": 50.0, "present": 2}
    assert s.per_capture_field["scan"] == {"name": 50.0, "company": 100.0}
    assert s.per_capture["scan"]["cards_all_right"] == 50.0
    assert s.per_language["en"] == {
        "accuracy": 100.0,
        "fields": 1,
        "cards": 1,
        "share_of_cards": 33.3,
        "cards_all_right": 100.0,
    }
    # 11 + 11 + 12 absent fields; one invented fax
    assert s.null_fields == 34 and s.null_accuracy == round(100 * 33 / 34, 1)
    assert s.confidence["high"] == {"accuracy": 100.0, "fields": 3}
    assert s.confidence["low"] == {"accuracy": 50.0, "fields": 2}


def _read(name, region=None):
    return _Read(
        got={**dict.fromkeys(FIELD_NAMES), "name": name},
        confidence=dict.fromkeys(FIELD_NAMES),
        region=region,
    )


def test_cards_of_a_scan_of_several_are_matched_by_position_not_order():
    labelled = [{"box": [0, 0, 100, 60]}, {"box": [150, 0, 100, 60]}, {"box": [0, 100, 100, 60]}]
    reads = [
        _read("right", (160, 5, 90, 50)),
        _read("left", (5, 5, 90, 50)),
        _read("desk", (400, 400, 90, 50)),
    ]
    matched, extra = _match(labelled, reads)
    assert [m.got["name"] if m else None for m in matched] == ["left", "right", None]
    assert extra == 1


def test_an_image_of_one_card_takes_its_first_read_and_counts_a_false_split():
    matched, extra = _match([{"fields": {}}], [_read("a"), _read("b")])
    assert matched[0].got["name"] == "a" and extra == 1
    assert _match([{"fields": {}}], []) == ([None], 0)
