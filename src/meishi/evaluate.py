"""`meishi eval`: field accuracy of the automatic part on a labelled set of cards.

Each image ``X.jpg`` has ``X.json`` beside it with ``{"capture": ..., "fields": {...}}``, or
for a scan of several cards ``{"capture": ..., "cards": [{"box": ..., "fields": ...}, ...]}``
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
from meishi.models import CHECK_BELOW, FIELD_NAMES
from meishi.pipeline import iter_images

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
    #: the card was found in its image (always, unless it lies in a scan of several)
    found: bool = True
    #: cards read from the image beyond those labelled (counted on the image's first card)
    extra: int = 0


class _Read(BaseModel):
    got: dict[str, str | None]
    confidence: dict[str, float | None]
    region: tuple[int, int, int, int] | None = None


def _read_one(path: str) -> tuple[list[_Read], str | None, float]:
    from meishi.pipeline import read_cards

    t0 = time.perf_counter()
    try:
        reads = read_cards(Path(path))
        return ([_Read(got=r.fields.values(), confidence=r.fields.confidences(),
                       region=r.region) for r in reads], None, time.perf_counter() - t0)
    except MeishiError as exc:
        return [], exc.message, time.perf_counter() - t0


def labelled_cards(folder: Path) -> list[tuple[Path, dict]]:
    """Images with their ground truth: ``fields`` for an image of one card, ``cards`` (each
    with its ``box``, x, y, width, height) for a scan of several."""
    out = []
    for img in iter_images([folder]):
        truth = img.with_suffix(".json")
        if truth.exists():
            out.append((img, json.loads(truth.read_text(encoding="utf-8"))))
    return out


def _match(labelled: list[dict], reads: list[_Read]) -> tuple[list[_Read | None], int]:
    """The read card for each labelled one (the read whose centre lies in its box; for an
    image of one card, the first read), and how many reads matched no label."""
    if len(labelled) == 1 and "box" not in labelled[0]:
        return [reads[0] if reads else None], max(0, len(reads) - 1)
    used: set[int] = set()
    out: list[_Read | None] = []
    for card in labelled:
        x, y, w, h = card["box"]
        hit = None
        for i, r in enumerate(reads):
            if i in used or r.region is None:
                continue
            cx, cy = r.region[0] + r.region[2] / 2, r.region[1] + r.region[3] / 2
            if x <= cx <= x + w and y <= cy <= y + h:
                hit = i
                break
        if hit is not None:
            used.add(hit)
        out.append(reads[hit] if hit is not None else None)
    return out, len(reads) - len(used)


def run(folder: Path, workers: int = 2, limit: int | None = None) -> tuple[list[CardOutcome], float]:
    images = labelled_cards(folder)[:limit]
    if not images:
        raise MeishiError(f"{folder}: no labelled cards (image + .json ground truth) found")
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    t0 = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(_read_one, [str(p) for p, _ in images]))
    wall = time.perf_counter() - t0
    outcomes = []
    for (path, doc), (reads, err, secs) in zip(images, results, strict=True):
        several = "cards" in doc
        labelled = doc["cards"] if several else [doc]
        matched, extra = _match(labelled, reads)
        for i, (card, read) in enumerate(zip(labelled, matched, strict=True), start=1):
            found = read is not None or err is not None  # an unreadable image is an error
            outcomes.append(CardOutcome(
                source=f"{path}#{i}" if several else str(path),
                capture=doc.get("capture", "unknown"),
                language=card.get("language", "ja"),
                truth={k: card["fields"].get(k) for k in FIELD_NAMES},
                got=read.got if read else {k: None for k in FIELD_NAMES},
                confidence=read.confidence if read else {k: None for k in FIELD_NAMES},
                error=err,
                seconds=secs / len(labelled), found=found, extra=extra if i == 1 else 0,
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
    #: labelled cards not found in their image, and cards read that match no label
    cards_missed: int = 0
    cards_extra: int = 0


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
                b = conf_bins["high" if c >= CHECK_BELOW else "low"]
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
        cards_missed=sum(1 for o in outcomes if not o.found),
        cards_extra=sum(o.extra for o in outcomes),
    )


def _groups(counts: dict[str, list[int]], n: int) -> dict[str, dict[str, float | int]]:
    """[right, present, cards, perfect] per group → the figures the report shows."""
    return {k: {"accuracy": _pct(v[0], v[1]), "fields": v[1], "cards": v[2],
                "share_of_cards": _pct(v[2], n), "cards_all_right": _pct(v[3], v[2])}
            for k, v in sorted(counts.items())}


def _pct(a: int, b: int) -> float:
    return round(100.0 * a / b, 1) if b else 0.0
