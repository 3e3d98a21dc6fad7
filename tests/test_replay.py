"""Cleanup + extraction on recorded Tesseract output: no Tesseract needed, fully repeatable.

The recording (tests/data/ocr_demo_scans.json, made by tests/record_ocr.py) names the
Tesseract version that produced it.
"""

from __future__ import annotations

import pytest

from conftest import DEMO, REPO, truth
from meishi.errors import OcrError
from meishi.evaluate import normalise
from meishi.ocr.tesseract import RecordedEngine
from meishi.pipeline import read_cards

RECORDING = REPO / "tests" / "data" / "ocr_demo_scans.json"


@pytest.fixture(scope="module")
def engine():
    return RecordedEngine(RECORDING)


def test_recording_names_its_engine(engine):
    assert engine.version().startswith("5.")


@pytest.mark.parametrize("card", ["demo_006.jpg", "demo_007.jpg", "demo_010.jpg"])
@pytest.mark.parametrize("key", ["name", "company", "tel", "fax", "mobile"])
def test_fields_from_recorded_ocr(engine, card, key):
    (read,) = read_cards(DEMO / card, engine=engine)
    assert normalise(key, read.fields.values()[key]) == normalise(key, truth(DEMO / card)[key])


def test_an_image_that_was_not_recorded_is_an_error_not_an_empty_card(engine):
    with pytest.raises(OcrError, match="no recorded OCR output"):
        read_cards(DEMO / "demo_009.png", engine=engine)
