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
from resource import RUSAGE_CHILDREN, RUSAGE_SELF, getrusage

from pydantic import BaseModel

from meishi.errors import MeishiError
from meishi.extract.text import nfkc, squeeze_cjk
from meishi.models import CHECK_BELOW, FIELD_NAMES
from meishi.pipeline import check_ready, iter_images

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


def _read_one(path: str) -> tuple[list[_Read], str | None, float, float]:
    """Read one labelled image: its cards, an error, wall seconds and CPU seconds."""
    from meishi.pipeline import read_cards

    t0, c0 = time.perf_counter(), _cpu()
    try:
        reads = read_cards(Path(path))
        return (
            [
                _Read(got=r.fields.values(), confidence=r.fields.confidences(), region=r.region)
                for r in reads
            ],
            None,
            time.perf_counter() - t0,
            _cpu() - c0,
        )
    except MeishiError as exc:
        return [], exc.message, time.perf_counter() - t0, _cpu() - c0


def _cpu() -> float:
    """CPU seconds of this process and of the children it waited for (Tesseract runs as
    one)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def _init_worker(disabled_rules: list[str]) -> None:
    from meishi.ocr import glyphs

    glyphs.DISABLED.update(disabled_rules)


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


class Resources(BaseModel):
    """What a run cost: CPU seconds per card and the peak memory of its processes."""

    workers: int
    cpu_s_per_card: float
    #: peak resident memory of the largest worker, and of the parent process, in MiB
    worker_peak_rss_mib: float
    parent_peak_rss_mib: float
    #: the peak of the run's total proportional memory (all processes at once), sampled
    peak_pss_mib: float | None = None

    @property
    def peak_rss_bound_mib(self) -> float:
        """An upper bound on the run's peak memory: every worker at its peak at once, plus
        the parent."""
        return round(self.worker_peak_rss_mib * self.workers + self.parent_peak_rss_mib, 1)


class EvalRun(BaseModel):
    """One evaluation: what was read, and what it cost (``--save`` writes it as JSON,
    ``--compare`` reads one back)."""

    folder: str
    engine: str
    disabled_rules: list[str] = []
    outcomes: list[CardOutcome]
    wall: float
    resources: Resources | None = None


class _MemorySampler:
    """Samples the proportional set size (PSS: shared pages split between the processes
    that share them) of this process and its children, and keeps the peak of their sum:
    the memory the run really held at its worst moment. Linux only (/proc)."""

    def __init__(self, every_s: float = 0.25) -> None:
        import threading

        self.peak_mib: float | None = None
        self._every = every_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    @staticmethod
    def _pss_kib(pid: int) -> int:
        try:
            text = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            return 0
        for line in text.splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
        return 0

    def _children(self, pid: int) -> list[int]:
        try:
            text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
        except OSError:
            return []
        kids = [int(x) for x in text.split()]
        return kids + [g for k in kids for g in self._children(k)]

    def _loop(self) -> None:
        me = os.getpid()
        while not self._stop.wait(self._every):
            total = sum(self._pss_kib(p) for p in [me, *self._children(me)]) / 1024
            self.peak_mib = max(self.peak_mib or 0.0, total)

    def __enter__(self) -> _MemorySampler:
        if Path("/proc/self/smaps_rollup").exists():
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()


def run(
    folder: Path,
    workers: int = 2,
    limit: int | None = None,
    engine: str | None = None,
    disabled_rules: list[str] | None = None,
) -> EvalRun:
    images = labelled_cards(folder)[:limit]
    if not images:
        raise MeishiError(f"{folder}: no labelled cards (image + .json ground truth) found")
    if engine:
        os.environ["MEISHI_OCR_ENGINE"] = engine
    from meishi.settings import get_settings

    get_settings.cache_clear()  # the workers are forked: they must not inherit a stale one
    check_ready(get_settings())  # a missing engine is one error, not every card unreadable
    t0 = time.perf_counter()
    with (
        _MemorySampler() as memory,
        ProcessPoolExecutor(
            max_workers=workers, initializer=_init_worker, initargs=(list(disabled_rules or []),)
        ) as pool,
    ):
        results = list(pool.map(_read_one, [str(p) for p, _ in images]))
    wall = time.perf_counter() - t0
    resources = Resources(
        workers=workers,
        cpu_s_per_card=round(sum(r[3] for r in results) / len(results), 2),
        worker_peak_rss_mib=round(getrusage(RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
        parent_peak_rss_mib=round(getrusage(RUSAGE_SELF).ru_maxrss / 1024, 1),
        peak_pss_mib=round(memory.peak_mib, 1) if memory.peak_mib else None,
    )
    outcomes = []
    for (path, doc), (reads, err, secs, _cpu) in zip(images, results, strict=True):
        several = "cards" in doc
        labelled = doc["cards"] if several else [doc]
        matched, extra = _match(labelled, reads)
        for i, (card, read) in enumerate(zip(labelled, matched, strict=True), start=1):
            found = read is not None or err is not None  # an unreadable image is an error
            outcomes.append(
                CardOutcome(
                    source=f"{path}#{i}" if several else str(path),
                    capture=doc.get("capture", "unknown"),
                    language=card.get("language", "ja"),
                    truth={k: card["fields"].get(k) for k in FIELD_NAMES},
                    got=read.got if read else {k: None for k in FIELD_NAMES},
                    confidence=read.confidence if read else {k: None for k in FIELD_NAMES},
                    error=err,
                    seconds=secs / len(labelled),
                    found=found,
                    extra=extra if i == 1 else 0,
                )
            )
    return EvalRun(
        folder=str(folder),
        engine=get_settings().ocr_engine,
        disabled_rules=sorted(disabled_rules or []),
        outcomes=outcomes,
        wall=wall,
        resources=resources,
    )


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
    #: of the wrong values read (a wrong field, or a value where the card prints none), the
    #: share flagged for review (confidence below CHECK_BELOW): where the review finds them
    flagged_error_share: float = 0.0
    wrong_values: int = 0
    errors: int
    #: labelled cards not found in their image, and cards read that match no label
    cards_missed: int = 0
    cards_extra: int = 0


def summarise(outcomes: list[CardOutcome], wall: float) -> Summary:
    per_field: dict[str, list[int]] = {k: [0, 0] for k in FIELD_NAMES}  # right, present
    per_capture: dict[str, list[int]] = defaultdict(
        lambda: [0, 0, 0, 0]
    )  # right, present, cards, perfect
    per_language: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    cap_field: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    nulls = [0, 0]  # right, absent
    conf_bins = {"high": [0, 0], "low": [0, 0]}
    wrong_values = [0, 0]  # flagged for review, all wrong values read
    for o in outcomes:
        cap = per_capture[o.capture]
        lang = per_language[o.language]
        cap[2] += 1
        lang[2] += 1
        perfect = True
        for k in FIELD_NAMES:
            t, g = normalise(k, o.truth[k]), normalise(k, o.got[k])
            c = o.confidence.get(k)
            if t is None:
                nulls[1] += 1
                nulls[0] += g is None
                perfect &= g is None
                if g is not None:  # a value read where the card prints none
                    wrong_values[0] += c is not None and c < CHECK_BELOW
                    wrong_values[1] += 1
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
            if g is not None and not ok:
                wrong_values[0] += c is not None and c < CHECK_BELOW
                wrong_values[1] += 1
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
        per_capture_field={
            c: {k: _pct(*v) for k, v in fields.items()} for c, fields in sorted(cap_field.items())
        },
        null_accuracy=_pct(*nulls),
        null_fields=nulls[1],
        overall_present_accuracy=_pct(right, present),
        confidence={k: {"accuracy": _pct(r, t), "fields": t} for k, (r, t) in conf_bins.items()},
        flagged_error_share=_pct(*wrong_values),
        wrong_values=wrong_values[1],
        errors=sum(1 for o in outcomes if o.error),
        cards_missed=sum(1 for o in outcomes if not o.found),
        cards_extra=sum(o.extra for o in outcomes),
    )


def _groups(counts: dict[str, list[int]], n: int) -> dict[str, dict[str, float | int]]:
    """[right, present, cards, perfect] per group → the figures the report shows."""
    return {
        k: {
            "accuracy": _pct(v[0], v[1]),
            "fields": v[1],
            "cards": v[2],
            "share_of_cards": _pct(v[2], n),
            "cards_all_right": _pct(v[3], v[2]),
        }
        for k, v in sorted(counts.items())
    }


def _pct(a: int, b: int) -> float:
    return round(100.0 * a / b, 1) if b else 0.0


class Change(BaseModel):
    source: str
    field: str
    truth: str | None
    before: str | None
    after: str | None


class Comparison(BaseModel):
    """What got better and worse against a baseline run, per field and per card."""

    per_field: dict[str, tuple[float, float]]  # field → (baseline %, now %)
    better: list[Change]
    worse: list[Change]
    unmatched: int  # cards in only one of the two runs


def compare(base: list[CardOutcome], now: list[CardOutcome]) -> Comparison:
    before = {Path(o.source).name: o for o in base}
    both = [(before[Path(o.source).name], o) for o in now if Path(o.source).name in before]
    better, worse = [], []
    for b, n in both:
        for k in FIELD_NAMES:
            t = normalise(k, n.truth[k])
            gb, gn = normalise(k, b.got[k]), normalise(k, n.got[k])
            if gb == gn:
                continue
            change = Change(source=Path(n.source).name, field=k, truth=t, before=gb, after=gn)
            if gn == t:
                better.append(change)
            elif gb == t:
                worse.append(change)
    s_base = summarise([b for b, _ in both], 1.0)
    s_now = summarise([n for _, n in both], 1.0)
    per_field = {
        k: (s_base.per_field[k]["accuracy"], s_now.per_field[k]["accuracy"]) for k in FIELD_NAMES
    }
    per_field["all present fields"] = (
        s_base.overall_present_accuracy,
        s_now.overall_present_accuracy,
    )
    per_field["absent fields null"] = (s_base.null_accuracy, s_now.null_accuracy)
    return Comparison(
        per_field=per_field,
        better=better,
        worse=worse,
        unmatched=len(base) + len(now) - 2 * len(both),
    )
