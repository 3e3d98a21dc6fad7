"""The sample-card generator: deterministic, with honest ground truth beside each image."""

from __future__ import annotations

import json
import subprocess
import sys

import phonenumbers
import pytest
from PIL import Image

from conftest import REPO
from meishi.models import FIELD_NAMES


def _generate(out, seed=5, count=4):
    subprocess.run(
        [
            sys.executable,
            str(REPO / "sample_cards" / "generate.py"),
            "--set",
            "eval",
            "--out",
            str(out),
            "--count",
            str(count),
            "--seed",
            str(seed),
            "--quiet",
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return sorted(out.glob("*.json"))


@pytest.mark.e2e
def test_generator_is_deterministic_and_labels_every_card(tmp_path):
    first = _generate(tmp_path / "a")
    second = _generate(tmp_path / "b")
    assert len(first) == 4
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes()
        doc = json.loads(a.read_text(encoding="utf-8"))
        assert list(doc["fields"]) == list(FIELD_NAMES)
        assert doc["capture"] in {"scan", "photo", "rotated", "vertical"}
        assert doc["fields"]["name"] is None or doc["fields"]["name"].count(" ") == 1
        for key in ("tel", "fax", "mobile"):
            if doc["fields"][key]:
                assert phonenumbers.is_valid_number(phonenumbers.parse(doc["fields"][key], "JP"))
        image = next(a.parent.glob(a.stem + ".*g"))
        assert image.read_bytes() == (b.parent / image.name).read_bytes()
        with Image.open(image) as im:
            assert min(im.size) >= 600


def test_committed_sets_have_ground_truth_for_every_image():
    for subset, count in (("demo", 10), ("eval", 300)):
        images = [
            p for p in (REPO / "sample_cards" / subset).iterdir() if p.suffix in (".jpg", ".png")
        ]
        assert len(images) == count
        assert all(p.with_suffix(".json").exists() for p in images)


@pytest.mark.e2e
def test_flatbed_scans_are_deterministic_and_label_every_card_with_its_box(tmp_path):
    outs = []
    for name in ("a", "b"):
        subprocess.run(
            [
                sys.executable,
                str(REPO / "sample_cards" / "generate.py"),
                "--set",
                "flatbed",
                "--out",
                str(tmp_path / name),
                "--count",
                "2",
                "--seed",
                "3",
                "--quiet",
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
        outs.append(sorted((tmp_path / name).iterdir()))
    assert [p.name for p in outs[0]] == [
        "flatbed_001.jpg",
        "flatbed_001.json",
        "flatbed_002.jpg",
        "flatbed_002.json",
    ]
    for a, b in zip(*outs, strict=True):
        assert a.read_bytes() == b.read_bytes()
    doc = json.loads(outs[0][1].read_text(encoding="utf-8"))
    with Image.open(outs[0][0]) as im:
        width, height = im.size
    assert doc["capture"] == "flatbed" and len(doc["cards"]) == 2
    for card in doc["cards"]:
        assert list(card["fields"]) == list(FIELD_NAMES)
        x, y, w, h = card["box"]
        assert 0 <= x < x + w <= width and 0 <= y < y + h <= height
        assert 1.5 < max(w, h) / min(w, h) < 1.8  # a card, a little crooked


def test_committed_flatbed_scans_have_ground_truth():
    images = sorted((REPO / "sample_cards" / "flatbed").glob("*.jpg"))
    assert len(images) == 12
    counts = [
        len(json.loads(p.with_suffix(".json").read_text(encoding="utf-8"))["cards"]) for p in images
    ]
    assert sorted(set(counts)) == [1, 2, 3, 4]
