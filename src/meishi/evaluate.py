"""`meishi eval`: field accuracy of the automatic part on a labelled set of cards.

Each image ``X.jpg`` has ``X.json`` beside it with ``{"capture": ..., "fields": {...}}``
(see ``sample_cards/README.md``). This is a measurement, not a test: it prints figures.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from pydantic import BaseModel

from meishi.errors import MeishiError
from meishi.extract.text import nfkc, squeeze_cjk
from meishi.models import FIELD_NAMES
from meishi.pipeline import iter_images

#: a field at or above this confidence is trusted; below it is flagged for review
REVIEW_THRESHOLD = 0.8
_NAME_FIELDS = {"name", "name_kana", "name_roman"}


def normalise(key: str, value: str | None) -> str | None:
    """The comparison form of a field: what a careful typist would consider the same."""
    if value is None:
        return None
    v = nfkc(value)
    if key in _NAME_FIELDS:
        v = " ".join(v.split())
    elif key == "address":
        v = "".join(v.split())  # where a line break or a gap fell is not the address
    else:
        v = squeeze_cjk(v)
    if key in ("email", "url"):
        v = v.lower().rstrip("/")
    if key in ("tel", "fax", "mobile", "postal_code"):
        v = re.sub(r"[^\d-]", "", v)
    return v or None


class CardOutcome(BaseModel):
    source: str
    capture: str
    language: str = "ja"  # ja, bilingual or en (the card JSON's "language", default ja)
    truth: dict[str, str | None]
    got: dict[str, str | None]
    confidence: dict[str, float | None]
    error: str | None = None
    seconds: float = 0.0


def _read_one(path: str) -> tuple[dict[str, str | None], dict[str, float | None], str | None, float]:
    from meishi.pipeline import read_card

    t0 = time.perf_counter()
    try:
        read = read_card(Path(path))
        return read.fields.values(), read.fields.confidences(), None, time.perf_counter() - t0
    except MeishiError as exc:
        return ({k: None for k in FIELD_NAMES}, {k: None for k in FIELD_NAMES}, exc.message,
                time.perf_counter() - t0)


def labelled_cards(folder: Path) -> list[tuple[Path, dict]]:
    out = []
    for img in iter_images([folder]):
        truth = img.with_suffix(".json")
        if truth.exists():
            out.append((img, json.loads(truth.read_text(encoding="utf-8"))))
    return out


def run(folder: Path, workers: int = 2, limit: int | None = None) -> tuple[list[CardOutcome], float]:
    cards = labelled_cards(folder)[:limit]
    if not cards:
        raise MeishiError(f"{folder}: no labelled cards (image + .json ground truth) found")
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    t0 = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(_read_one, [str(p) for p, _ in cards]))
    wall = time.perf_counter() - t0
    outcomes = []
    for (path, doc), (got, conf, err, secs) in zip(cards, results, strict=True):
        outcomes.append(CardOutcome(
            source=str(path), capture=doc.get("capture", "unknown"),
            language=doc.get("language", "ja"),
            truth={k: doc["fields"].get(k) for k in FIELD_NAMES}, got=got,
            confidence=conf, error=err, seconds=secs,
        ))
    return outcomes, wall


class Summary(BaseModel):
    cards: int
    seconds: float
    cards_per_minute: float
    per_field: dict[str, dict[str, float | int]]
    per_capture: dict[str, dict[str, float | int]]
    per_language: dict[str, dict[str, float | int]]
    #: capture → field → exact match (e.g. name and company on scans)
    per_capture_field: dict[str, dict[str, float]]
    null_accuracy: float
    null_fields: int
    overall_present_accuracy: float
    confidence: dict[str, dict[str, float | int]]
    errors: int


def summarise(outcomes: list[CardOutcome], wall: float) -> Summary:
    per_field: dict[str, list[int]] = {k: [0, 0] for k in FIELD_NAMES}  # right, present
    per_capture: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # right, present, cards, perfect
    per_language: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    cap_field: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    nulls = [0, 0]  # right, absent
    conf_bins = {"high": [0, 0], "low": [0, 0]}
    for o in outcomes:
        cap = per_capture[o.capture]
        lang = per_language[o.language]
        cap[2] += 1
        lang[2] += 1
        perfect = True
        for k in FIELD_NAMES:
            t, g = normalise(k, o.truth[k]), normalise(k, o.got[k])
            if t is None:
                nulls[1] += 1
                nulls[0] += g is None
                perfect &= g is None
                continue
            ok = t == g
            per_field[k][1] += 1
            per_field[k][0] += ok
            cap[0] += ok
            cap[1] += 1
            lang[0] += ok
            lang[1] += 1
            cap_field[o.capture][k][0] += ok
            cap_field[o.capture][k][1] += 1
            perfect &= ok
            c = o.confidence.get(k)
            if g is not None and c is not None:
                b = conf_bins["high" if c >= REVIEW_THRESHOLD else "low"]
                b[0] += ok
                b[1] += 1
        cap[3] += perfect
        lang[3] += perfect
    right = sum(v[0] for v in per_field.values())
    present = sum(v[1] for v in per_field.values())
    n = len(outcomes)
    return Summary(
        cards=n,
        seconds=round(wall, 2),
        cards_per_minute=round(n / wall * 60, 1) if wall else 0.0,
        per_field={k: {"accuracy": _pct(r, p), "present": p} for k, (r, p) in per_field.items()},
        per_capture=_groups(per_capture, n),
        per_language=_groups(per_language, n),
        per_capture_field={c: {k: _pct(*v) for k, v in fields.items()}
                           for c, fields in sorted(cap_field.items())},
        null_accuracy=_pct(*nulls),
        null_fields=nulls[1],
        overall_present_accuracy=_pct(right, present),
        confidence={k: {"accuracy": _pct(r, t), "fields": t} for k, (r, t) in conf_bins.items()},
        errors=sum(1 for o in outcomes if o.error),
    )


def _groups(counts: dict[str, list[int]], n: int) -> dict[str, dict[str, float | int]]:
    """[right, present, cards, perfect] per group → the figures the report shows."""
    return {k: {"accuracy": _pct(v[0], v[1]), "fields": v[1], "cards": v[2],
                "share_of_cards": _pct(v[2], n), "cards_all_right": _pct(v[3], v[2])}
            for k, v in sorted(counts.items())}


def _pct(a: int, b: int) -> float:
    return round(100.0 * a / b, 1) if b else 0.0
