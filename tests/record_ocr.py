"""Record what Tesseract reads on the demo scans, for tests that replay it without Tesseract.

    .venv/bin/python tests/record_ocr.py

Writes tests/data/ocr_demo_scans.json: the engine version (the manifest) and every OCR call's
output keyed by the hash of the image it was given. Re-record after changing cleanup or OCR
settings, or when Tesseract is upgraded.
"""

from __future__ import annotations

from pathlib import Path

from meishi.ocr.tesseract import RecordingEngine, TesseractEngine
from meishi.pipeline import read_cards

HERE = Path(__file__).parent
CARDS = ["demo_006.jpg", "demo_007.jpg", "demo_010.jpg"]


def main() -> None:
    engine = RecordingEngine(TesseractEngine())
    for name in CARDS:
        (read,) = read_cards(HERE.parent / "sample_cards" / "demo" / name, engine=engine)
        print(name, read.fields.values())
    out = HERE / "data" / "ocr_demo_scans.json"
    engine.save(out)
    print(f"wrote {out} ({len(engine.pages)} OCR calls, Tesseract {engine.version()})")


if __name__ == "__main__":
    main()
