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
    subprocess.run([sys.executable, str(REPO / "sample_cards" / "generate.py"), "--set", "eval",
                    "--out", str(out), "--count", str(count), "--seed", str(seed), "--quiet"],
                   check=True, capture_output=True, timeout=300)
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
        images = [p for p in (REPO / "sample_cards" / subset).iterdir()
                  if p.suffix in (".jpg", ".png")]
        assert len(images) == count
        assert all(p.with_suffix(".json").exists() for p in images)
