"""Field extraction: normalise OCR text, then read each field by its own rules."""

from __future__ import annotations

from meishi.extract.fields import extract_fields

__all__ = ["extract_fields"]
