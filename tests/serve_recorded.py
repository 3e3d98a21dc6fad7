"""`meishi serve` with the OCR replayed from tests/data/ocr_demo_scans.json: the review
queue's browser and drop tests run the real server, flows and UI, but not Tesseract (its
speed on a loaded machine is not what they measure). Run as a script."""

from __future__ import annotations

from pathlib import Path

from meishi import pipeline
from meishi.cli import app
from meishi.ocr import as_reader
from meishi.ocr.tesseract import RecordedEngine

READER = as_reader(RecordedEngine(Path(__file__).parent / "data" / "ocr_demo_scans.json"))
pipeline.get_reader = lambda *args, **kwargs: READER  # type: ignore[assignment]

if __name__ == "__main__":
    app(["serve"], prog_name="meishi")
