"""PP-OCR through ``rapidocr`` on ``onnxruntime``: a whole card in one pass.

The detector, the recogniser and the 0/180° line classifier ship inside the ``rapidocr``
wheel (Apache-2.0); nothing is ever downloaded: a missing model is a
:class:`~meishi.errors.MissingDependencyError`. One model per process, one onnxruntime
thread: cards are read in parallel by processes, not by threads.

PP-OCR reads turned cards and tategaki alike, but its boxes stay in the image's frame, and
extraction reads a layout. :meth:`PpOcrEngine.read_card` therefore decides the card's frame
(see :func:`decide_frame`) and reads it again upright when it was turned.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import metadata, resources
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import cv2
import numpy as np

from meishi.charclass import HIRAGANA, KANJI, KATAKANA
from meishi.errors import MissingDependencyError, OcrError
from meishi.models import Box, OcrLine, OcrResult, OcrWord
from meishi.ocr import variants
from meishi.ocr.glyphs import japanese_form, mend_line, mend_text
from meishi.ocr.tuning import TUNING
from meishi.ocr.turn import rotate

log = logging.getLogger(__name__)

#: the models rapidocr 3.x ships in its wheel
MODELS = {
    "Det": "PP-OCRv6_det_small.onnx",
    "Rec": "PP-OCRv6_rec_small.onnx",
    "Cls": "ch_ppocr_mobile_v2.0_cls_mobile.onnx",
}


def model_paths() -> dict[str, Path]:
    """The shipped model files; a clear error when the wheel lacks one."""
    try:
        root = Path(str(resources.files("rapidocr"))) / "models"
    except ModuleNotFoundError as exc:
        raise MissingDependencyError(
            "rapidocr is not installed: run `./run setup` (or `pip install rapidocr "
            "onnxruntime`), or use MEISHI_OCR_ENGINE=tesseract"
        ) from exc
    paths = {task: root / name for task, name in MODELS.items()}
    missing = [str(p) for p in paths.values() if not p.is_file()]
    if missing:
        raise MissingDependencyError(
            f"PP-OCR model files missing: {', '.join(missing)}. meishi never downloads "
            "models: reinstall rapidocr 3.x from PyPI (its wheel carries them), or use "
            "MEISHI_OCR_ENGINE=tesseract"
        )
    return paths


_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def _rapid() -> Any:
    """The process's one RapidOCR instance (loaded on first use)."""
    paths = model_paths()
    try:
        from rapidocr import RapidOCR
    except ImportError as exc:  # onnxruntime missing or broken
        raise MissingDependencyError(
            f"rapidocr cannot load ({exc}): run `./run setup`, or use MEISHI_OCR_ENGINE=tesseract"
        ) from exc
    params: dict[str, Any] = {
        "Global.log_level": "warning",
        "Global.return_word_box": True,
        "Global.text_score": TUNING.ppocr_min_score,
        "Det.limit_type": "max",
        "Det.limit_side_len": TUNING.det_long_side,
        "Det.box_thresh": TUNING.det_box_thresh,
        "Rec.rec_batch_num": TUNING.rec_batch,
        "EngineConfig.onnxruntime.intra_op_num_threads": 1,
        "EngineConfig.onnxruntime.inter_op_num_threads": 1,
    }
    for task, path in paths.items():
        params[f"{task}.model_path"] = str(path)
    logging.getLogger("RapidOCR").setLevel(logging.WARNING)
    return RapidOCR(params=params)


def _call(img: np.ndarray, *, det: bool = True, cls: bool = True, rec: bool = True) -> Any:
    """rapidocr's raw answer for ``img``; replayed from ``MEISHI_OCR_CACHE`` when that
    folder holds it (``meishi eval --ocr-cache``: rerun everything after the engine, fast)."""
    cache = os.environ.get("MEISHI_OCR_CACHE")
    if cache:
        key = hashlib.sha256(
            img.tobytes()
            + repr(
                (
                    img.shape,
                    det,
                    cls,
                    rec,
                    TUNING.det_long_side,
                    TUNING.det_box_thresh,
                    TUNING.rec_batch,
                    TUNING.ppocr_min_score,
                    version(),
                )
            ).encode()
        ).hexdigest()
        path = Path(cache) / f"{key[:40]}.json"
        if path.exists():
            return SimpleNamespace(**json.loads(path.read_text(encoding="utf-8")))
    with _LOCK:
        # rapidocr keeps the flags of the last call: name every one, every time
        out = _rapid()(img, use_det=det, use_cls=cls, use_rec=rec, return_word_box=det and rec)
    if cache:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(_raw(out), ensure_ascii=False), encoding="utf-8")
        tmp.replace(path)
    return out


def _raw(out: Any) -> dict[str, Any]:
    """The parts of a rapidocr answer meishi reads, as JSON."""

    def plain(x: Any) -> Any:
        if isinstance(x, np.ndarray):
            return x.tolist()
        if isinstance(x, (list, tuple)):
            return [plain(v) for v in x]
        if isinstance(x, (np.floating, np.integer)):
            return x.item()
        return x

    return {
        k: plain(getattr(out, k, None))
        for k in ("boxes", "txts", "scores", "word_results", "cls_res")
    }


def _box(quad: Any) -> Box:
    pts = np.asarray(quad, dtype=float).reshape(-1, 2)
    x0, y0 = np.floor(pts.min(axis=0)).astype(int)
    x1, y1 = np.ceil(pts.max(axis=0)).astype(int)
    return Box(x=int(max(0, x0)), y=int(max(0, y0)), w=int(max(1, x1 - x0)), h=int(max(1, y1 - y0)))


def _is_vertical(box: Box, text: str) -> bool:
    return len(text.replace(" ", "")) >= 2 and box.h >= TUNING.vertical_aspect * box.w


Glyph = tuple[str, float, Box]  # a glyph (or a Latin word), its confidence 0..1, its box


@dataclass
class _Fragment:
    """One detected text box as PP-OCR read it, with its glyphs (image frame)."""

    text: str
    score: float
    box: Box
    vertical: bool
    glyphs: list[Glyph]
    #: a name kanji whose ink shows another form of it (崎 → 﨑): see meishi.ocr.variants
    forms: dict[str, str] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return self.box.w if self.vertical else self.box.h


def _fragments(out: Any) -> list[_Fragment]:
    if out is None or getattr(out, "txts", None) is None or out.boxes is None:
        return []
    words_of = list(out.word_results) if out.word_results is not None else []
    frags = []
    for i, (quad, text, score) in enumerate(zip(out.boxes, out.txts, out.scores, strict=False)):
        text = str(text).strip()
        if not text:
            continue
        box = _box(quad)
        glyphs: list[Glyph] = []
        if i < len(words_of) and words_of[i]:
            glyphs = [
                (str(t), float(s), _box(q))
                for t, s, q in words_of[i]
                if q is not None and str(t).strip()
            ]
        # the glyph boxes are trusted only when they spell the line
        if "".join(g[0] for g in glyphs).replace(" ", "") != text.replace(" ", ""):
            glyphs = [(text.replace(" ", ""), float(score), box)]
        frags.append(_Fragment(text, float(score), box, _is_vertical(box, text), glyphs))
    return drop_read_twice(frags)


def drop_read_twice(frags: list[_Fragment]) -> list[_Fragment]:
    """At a wide gap (family | given name) the detector can cut two boxes that overlap, and
    the second one's first glyph is then the first box's last glyph read again, often only
    half of it (原田 | 日颯太: the right half of 田 read as 日). A glyph that begins a box and
    lies mostly inside an earlier box on the same line is dropped (a box of that one glyph
    with it)."""
    out = []
    for frag in frags:
        first = frag.glyphs[0] if frag.glyphs else None
        if first is None or len(first[0]) != 1 or first[0].isascii():
            out.append(frag)
            continue
        g, v = first[2], frag.vertical
        start, end = _along(g, v)
        twice = any(
            other is not frag
            and other.vertical == v
            and _along(other.box, v)[0] < start
            and _along(other.box, v)[1] < _along(frag.box, v)[1]
            and (other.box.overlap_y(g) if v else other.box.overlap_x(g))
            >= TUNING.read_twice_overlap * (end - start)
            and (other.box.overlap_x(g) if v else other.box.overlap_y(g))
            >= 0.5 * min(other.size, frag.size)
            for other in frags
        )
        if not twice:
            out.append(frag)
            continue
        rest = frag.glyphs[1:]
        if not rest:  # a lone glyph: all of it read twice
            continue
        out.append(
            _Fragment(
                frag.text.lstrip()[1:].lstrip(),
                frag.score,
                Box.union([x[2] for x in rest]),
                v,
                rest,
            )
        )
    return out


_BARS = frozenset("ー一-‐—−")
#: a bar between katakana, or after a long-vowel mark (センターーシニア: the gap after ー)
_KANA_BAR = re.compile(r"[\u30a1-\u30fa\u30fc][ー一\-‐—−][\u30a1-\u30fa]")


def _per_char(g: Glyph, vertical: bool) -> list[Glyph]:
    """A glyph entry of several characters (rapidocr boxes runs of kana as one) cut into
    equal cells, one per character."""
    text, score, box = g
    if len(text) <= 1:
        return [g]
    n = len(text)
    if vertical:
        step = box.h / n
        return [
            (c, score, Box(x=box.x, y=int(box.y + k * step), w=box.w, h=max(1, int(step))))
            for k, c in enumerate(text)
        ]
    step = box.w / n
    return [
        (c, score, Box(x=int(box.x + k * step), y=box.y, w=max(1, int(step)), h=box.h))
        for k, c in enumerate(text)
    ]


def drop_blank_bars(img: np.ndarray, frags: list[_Fragment]) -> list[_Fragment]:
    """PP-OCR reads a wide gap inside a line of katakana as ー (モリ  シンタロウ →
    モリーシンタロウ). A bar whose cell holds no ink is that gap: it is dropped, and the gap
    it leaves starts a new word."""
    grey = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY) if img.ndim == 3 else img
    out = []
    for frag in frags:
        if not _KANA_BAR.search(frag.text):
            out.append(frag)
            continue
        glyphs = [
            c
            for g in frag.glyphs
            for c in (_per_char(g, frag.vertical) if any(ch in _BARS for ch in g[0]) else [g])
        ]
        line = _crop(grey, frag.box, pad=0)
        level, _ = cv2.threshold(line, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
        keep = []
        for i, g in enumerate(glyphs):
            if (
                g[0] in _BARS
                and 0 < i < len(glyphs) - 1
                and _KANA_BAR.match(glyphs[i - 1][0][-1:] + g[0] + glyphs[i + 1][0][:1])
            ):
                b = g[2]
                inner = Box(
                    x=b.x + b.w // 4, y=b.y + b.h // 4, w=max(1, b.w // 2), h=max(1, b.h // 2)
                )
                cell = _crop(grey, inner, pad=0)
                if cell.size and float((cell <= level).mean()) < TUNING.blank_ink:
                    continue
            keep.append(g)
        if len(keep) == len(glyphs):
            out.append(frag)
        else:
            out.append(
                _Fragment("".join(g[0] for g in keep), frag.score, frag.box, frag.vertical, keep)
            )
    return out


def _ink_end(ink: np.ndarray, frag: _Fragment, stop: int) -> int:
    """Where the ink of ``frag``'s column ends below its box: the last row with ink in the
    column's band, gaps no longer than :attr:`OcrTuning.column_run_gap` glyph widths,
    before ``stop``."""
    b = frag.box
    rows = ink[b.bottom : stop, b.x : b.right].sum(axis=1) >= 2
    end, gap = b.bottom, 0
    for k, has_ink in enumerate(rows):
        if has_ink:
            end, gap = b.bottom + k + 1, 0
        else:
            gap += 1
            if gap > TUNING.column_run_gap * b.w:
                break
    return end


def extend_columns(img: np.ndarray, grey: np.ndarray, frags: list[_Fragment]) -> list[_Fragment]:
    """In tategaki the detector can stop short in a column of upright digits with ｜ for
    dashes (電話 03 | 8612｜3866): the faint, narrow glyphs score under its threshold. A
    column whose ink runs on below its box, with no other box in the way, is read again
    down to where the ink ends, and the longer reading is kept when it begins as the first
    did. ``grey`` is ``img`` in grey (the ink checks share one copy)."""
    if not any(f.vertical for f in frags):
        return frags  # a horizontal card: no ink to look at
    level, _ = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    ink = (grey <= level).astype(np.uint8)
    out = []
    for frag in frags:
        b = frag.box
        if not frag.vertical or b.w < 4:
            out.append(frag)
            continue
        # the next box down the band stops the run
        stop = min(
            [
                max(o.box.y, b.bottom)
                for o in frags
                if o is not frag and o.box.bottom > b.bottom and o.box.overlap_x(b) > 0
            ]
            + [grey.shape[0]]
        )
        end = _ink_end(ink, frag, stop)
        if end - b.bottom < TUNING.column_run_more * b.w:
            out.append(frag)
            continue
        longer = Box(x=b.x, y=b.y, w=b.w, h=end - b.y)
        pad = max(2, b.w // 10)
        crop = _crop(img, longer, pad=pad)
        if crop.ndim == 2:
            crop = cv2.cvtColor(crop, cv2.COLOR_GRAY2BGR)
        res = _call(
            np.ascontiguousarray(cv2.rotate(crop, cv2.ROTATE_90_COUNTERCLOCKWISE)),
            det=False,
            cls=False,
            rec=True,
        )
        text = "".join(str(t) for t in (getattr(res, "txts", None) or [])).strip()
        score = float(res.scores[0]) if text else 0.0
        old = frag.text.replace(" ", "")
        head = text.replace(" ", "")[: len(old)]
        begins = sum(a != c for a, c in zip(head, old, strict=False)) <= max(1, len(old) // 4)
        if len(text.replace(" ", "")) <= len(old) or not begins or score < TUNING.ppocr_min_score:
            out.append(frag)
            continue
        # the new reading over the first one's glyphs, then the rest as one glyph over the
        # ink it ran on to (from the last glyph on: no gap the card does not have)
        chars = iter(text.replace(" ", ""))
        glyphs: list[Glyph] = [
            ("".join(next(chars) for _ in g[0].replace(" ", "")), g[1], g[2]) for g in frag.glyphs
        ]
        rest = "".join(chars)
        top = max((g[2].bottom for g in frag.glyphs), default=b.bottom)
        glyphs += _per_char((rest, score, Box(x=b.x, y=top, w=b.w, h=max(1, end - top))), True)
        log.debug("column %r runs on: %r", frag.text, text)
        out.append(_Fragment(text, score, longer, True, glyphs, frag.forms))
    return out


def _glyph_blobs(grey: np.ndarray, box: Box) -> list[tuple[int, int, int, int, int, float]]:
    """The glyphs of a piece of a column, top to bottom, as ink blobs: connected components
    merged where they share rows. Each is (y, height, x, width, ink pixels, stroke), the
    stroke being the median ink across a row."""
    x0, y0 = max(0, box.x - 2), max(0, box.y - 2)
    cell = grey[y0 : box.bottom + 2, x0 : box.right + 2]
    if cell.size == 0:
        return []
    level, _ = cv2.threshold(cell, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    ink = (cell <= level).astype(np.uint8)  # <=: Otsu puts a pure black-and-white cut at 0
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    parts = sorted(
        (int(st[1]), int(st[1] + st[3]), int(st[0]), int(st[0] + st[2]), [i])
        for i, st in enumerate(stats)
        if i and st[4] >= 4
    )
    merged: list[tuple[int, int, int, int, list[int]]] = []
    for y, y1, x, x1, ids in parts:
        if merged and y < merged[-1][1] - 1:
            my, my1, mx, mx1, mids = merged[-1]
            merged[-1] = (my, max(my1, y1), min(mx, x), max(mx1, x1), mids + ids)
        else:
            merged.append((y, y1, x, x1, ids))
    out = []
    for y, y1, x, x1, ids in merged:
        mask = np.isin(labels[y:y1, x:x1], ids)
        rows = mask.sum(axis=1)
        stroke = float(np.median(rows[rows > 0])) if rows.any() else 1.0
        out.append((y, y1 - y, x, x1 - x, int(mask.sum()), stroke))
    return out


def _bar_or_one(blob: tuple[int, int, int, int, int, float]) -> bool | None:
    """True for a plain vertical stroke (as wide as its stroke, solid, taller than wide),
    False for a digit 1 (its flag makes it several strokes wide and half empty), None
    when the ink says neither clearly (a blurred photo, a blob that took in a neighbour)."""
    _, h, _, w, ink, stroke = blob
    if h >= 2 * w and w <= TUNING.bar_width * stroke and ink >= TUNING.bar_fill * w * h:
        return True
    if w >= TUNING.one_width * stroke and ink <= TUNING.one_fill * w * h:
        return False
    return None


def bars_read_as_one(img: np.ndarray, frags: list[_Fragment]) -> list[_Fragment]:
    """In tategaki a phone number's or address's dash is drawn down the column (086｜801),
    and PP-OCR reads it as the digit 1 (0861801…). A 1 whose ink is a plain solid stroke,
    with no flag, is that dash: '-' beside a digit, ー beside katakana. Pieces whose ink
    does not split into one blob per character are left as read."""
    grey = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY) if img.ndim == 3 else img
    out = []
    for frag in frags:
        if not frag.vertical or "1" not in frag.text:
            out.append(frag)
            continue
        chars = "".join(g[0] for g in frag.glyphs)
        bars: set[int] = set()
        seen: set[int] = set()  # the 1s whose ink says clearly what they are
        at = 0
        for text, _, box in frag.glyphs:
            if "1" in text and text.isascii() and " " not in text:
                blobs = _glyph_blobs(grey, box)
                if len(text) == 1 and len(blobs) > 1:
                    # a lone glyph's box takes in the edge of its neighbours: its blob is
                    # the one nearest the box's middle
                    mid = box.h / 2 + 2 if box.y >= 2 else box.h / 2
                    blobs = [min(blobs, key=lambda b: abs(b[0] + b[1] / 2 - mid))]
                if len(blobs) == len(text):
                    for k, (c, b) in enumerate(zip(text, blobs, strict=True)):
                        if c == "1" and (bar := _bar_or_one(b)) is not None:
                            seen.add(at + k)
                            if bar:
                                bars.add(at + k)
            at += len(text)
        swap: dict[int, str] = {}
        # a number is mended whole or not at all: its dashes found in part would hide the
        # rest from the grammar that reads a phone number's or block number's 1s as dashes
        for run in re.finditer(r"[\d\-]+", chars):
            ones = [k for k in range(run.start(), run.end()) if chars[k] == "1"]
            if all(k in seen for k in ones):
                swap |= {k: "-" for k in ones if k in bars}
        for k in bars - swap.keys():
            if re.search(f"[{KATAKANA}]", chars[k - 1 : k] + chars[k + 1 : k + 2]):
                swap[k] = "ー"
        if not swap:
            out.append(frag)
            continue
        new = "".join(swap.get(k, c) for k, c in enumerate(chars))
        glyphs, at = [], 0
        for text, score, box in frag.glyphs:
            glyphs.append((new[at : at + len(text)], score, box))
            at += len(text)
        it = iter(new)
        text = "".join(c if c == " " else next(it) for c in frag.text)
        out.append(_Fragment(text, frag.score, frag.box, frag.vertical, glyphs))
    return out


def _long_stroke(blob: tuple[int, int, int, int, int, float], size: float) -> bool:
    """A stroke down a column, a good part of a glyph long and a fraction of it wide."""
    _, h, _, w, ink, _ = blob
    return h >= 0.4 * size and h >= 4 * w and ink >= 0.6 * w * h


def bars_in_column_gaps(img: np.ndarray, frags: list[_Fragment]) -> list[_Fragment]:
    """In tategaki the long-vowel mark after katakana is a stroke down the column (センター),
    and PP-OCR can read it as nothing, leaving a gap (センタ ビル). A gap after katakana, a
    glyph high, whose ink is one long thin stroke down the column is that ー."""
    grey = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY) if img.ndim == 3 else img
    out = []
    for frag in frags:
        if not frag.vertical or not re.search(f"[{KATAKANA}]", frag.text):
            out.append(frag)
            continue
        cells = [c for g in frag.glyphs for c in _per_char(g, True)]
        if len(cells) < 2:
            out.append(frag)
            continue
        size = float(np.median([c[2].h for c in cells]))
        glyphs: list[Glyph] = [cells[0]]
        text = cells[0][0]
        for a, b in zip(cells, cells[1:], strict=False):
            gap = b[2].y - a[2].bottom
            if re.fullmatch(f"[{KATAKANA}]", a[0][-1:]) and a[0][-1:] != "ー" and gap >= 0.6 * size:
                box = Box(x=frag.box.x, y=a[2].bottom + 2, w=frag.box.w, h=max(1, gap - 4))
                # specks and the edges of the glyphs around it aside
                blobs = [x for x in _glyph_blobs(grey, box) if x[4] >= 0.05 * size * size]
                if len(blobs) == 1 and _long_stroke(blobs[0], size):
                    glyphs.append(("ー", a[1], box))
                    text += "ー"
            glyphs.append(b)
            text += b[0]
        if len(glyphs) == len(cells):
            out.append(frag)
            continue
        out.append(_Fragment(text, frag.score, frag.box, True, glyphs))
    return out


def _along(box: Box, vertical: bool) -> tuple[int, int]:
    return (box.y, box.bottom) if vertical else (box.x, box.right)


_DIGITS_ONLY = re.compile(r"^[\d\s\-]+$")


def _continues(a: _Fragment, b: _Fragment) -> bool:
    """Is ``b`` the rest of ``a``'s line, cut off by the detector at a wide gap (family |
    given name, a name's glyphs set wide apart)? Same direction (a lone glyph goes either
    way), same glyph size, on one row (column), close after it."""
    single_a, single_b = len(a.text.replace(" ", "")) == 1, len(b.text.replace(" ", "")) == 1
    if a.vertical != b.vertical and not (single_a or single_b):
        return False
    longest = max(len(a.text.replace(" ", "")), len(b.text.replace(" ", "")))
    if (single_a or single_b) and longest > TUNING.join_lone_glyph_to:
        return False  # a lone glyph beside a long line is more often a logo than a name
    vertical = a.vertical if not single_a else b.vertical
    size_a = a.box.w if vertical else a.box.h
    size_b = b.box.w if vertical else b.box.h
    size = max(size_a, size_b)
    # upright digits in a column are narrower than its kanji (電話086 | 801-2430)
    digits = vertical and any(_DIGITS_ONLY.match(f.text) for f in (a, b))
    ratio = TUNING.join_digits_ratio if digits else TUNING.join_size_ratio
    if min(size_a, size_b) < size / ratio:
        return False
    across = a.box.overlap_x(b.box) if vertical else a.box.overlap_y(b.box)
    if across < TUNING.join_overlap * min(size_a, size_b):
        return False
    a0, a1 = _along(a.box, vertical)
    b0, b1 = _along(b.box, vertical)
    return a0 < b0 and a1 < b1 and b0 - a1 <= TUNING.join_gap * size


def _join(a: _Fragment, b: _Fragment) -> _Fragment:
    """``a`` and ``b`` as one line; a glyph both boxes hold (read twice where the detector's
    boxes overlap: 藤原 | 原慎太郎) is kept once."""
    vertical = b.vertical if len(a.text.replace(" ", "")) == 1 else a.vertical
    a_end = _along(a.box, vertical)[1]
    rest = list(b.glyphs)
    last = a.glyphs[-1] if a.glyphs else None
    while (
        rest
        and last is not None
        and rest[0][0] == last[0]
        and _along(rest[0][2], vertical)[0] < a_end - 0.3 * a.size
    ):
        rest.pop(0)
    glyphs = a.glyphs + rest
    text = a.text + " " + "".join(g[0] for g in rest) if rest else a.text
    n_a, n_b = len(a.text), max(1, len(text) - len(a.text))
    score = (a.score * n_a + b.score * n_b) / (n_a + n_b)
    forms = {
        c: f for c, f in {**a.forms, **b.forms}.items() if b.forms.get(c, f) == a.forms.get(c, f)
    }
    return _Fragment(text, score, Box.union([a.box, b.box]), vertical, glyphs, forms)


def join_fragments(frags: list[_Fragment]) -> list[_Fragment]:
    """Lines the detector cut at a wide gap, joined again (in reading order along them)."""
    pending = sorted(frags, key=lambda f: _along(f.box, f.vertical)[0])
    out: list[_Fragment] = []
    while pending:
        cur = pending.pop(0)
        joined = True
        while joined:
            joined = False
            for k, other in enumerate(pending):
                if _continues(cur, other):
                    cur = _join(cur, pending.pop(k))
                elif _continues(other, cur):  # a lone glyph sorts by the other axis
                    cur = _join(pending.pop(k), cur)
                else:
                    continue
                joined = True
                break
        out.append(cur)
    return out


def _glyph_words(frag: _Fragment) -> list[OcrWord]:
    """Words of a line from its glyph (or Latin word) boxes: glyphs set closer than a gap
    form one word. A wide gap (between family and given name, between a label and its
    number) starts a new one; PP-OCR writes no space there."""
    glyphs, vertical = frag.glyphs, frag.vertical
    size = float(np.median([g[2].w if vertical else g[2].h for g in glyphs]))
    # the room each pair of neighbouring glyphs leaves beyond a glyph's width, judged by
    # their centres (cells are of uneven width: ー, 1); Latin words come whole, by edges
    excess = []
    for prev, cur in zip(glyphs, glyphs[1:], strict=False):
        (p0, p1), (c0, c1) = _along(prev[2], vertical), _along(cur[2], vertical)
        latin = prev[0][-1:].isascii() and cur[0][:1].isascii()
        excess.append(c0 - p1 if latin else (c0 + c1) / 2 - (p0 + p1) / 2 - size)
    # letter-spaced text (シ ニ ア マ ネ ー ジ ャ ー) is one word: a gap starts a word only
    # where it is wide and clearly wider than the line's usual spacing
    usual = float(np.median(excess)) if excess else 0.0
    words: list[list[Glyph]] = [[glyphs[0]]]
    for prev, cur, ex in zip(glyphs, glyphs[1:], excess, strict=False):
        if prev[0][-1:].isascii() and cur[0][:1].isascii():
            apart = len(cur[0]) > 1 or ex > TUNING.word_gap * size
        else:
            apart = ex > TUNING.word_gap * size and ex - max(usual, 0.0) > TUNING.word_gap * size
        if apart:
            words.append([cur])
        else:
            words[-1].append(cur)
    conf = round(frag.score * 100, 1)
    return [
        OcrWord(
            text="".join(g[0] for g in group),
            conf=round(min(min(g[1] for g in group) * 100, conf), 1),
            box=Box.union([g[2] for g in group]),
        )
        for group in words
    ]


def _lines(frags: list[_Fragment]) -> list[OcrLine]:
    """PP-OCR's fragments as meishi's lines (image frame): cut lines joined, words split at
    wide gaps, glyphs mended."""
    lines = []
    for frag in join_fragments(frags):
        words = _glyph_words(frag)
        conf = frag.score * 100
        if TUNING.line_conf_from_glyphs and words:
            # a line is as sure as its least sure glyph: one misread glyph in ten barely
            # moves the mean (0.95) but is the error the review must catch
            conf = min(conf, min(w.conf for w in words))
        lines.append(
            mend_line(
                OcrLine(
                    text=" ".join(w.text for w in words),
                    conf=round(conf, 1),
                    box=frag.box,
                    words=words,
                    vertical=frag.vertical,
                    ink_forms=frag.forms,
                )
            )
        )
    return lines


def _crop(img: np.ndarray, box: Box, pad: int = 2) -> np.ndarray:
    h, w = img.shape[:2]
    return img[
        max(0, box.y - pad) : min(h, box.bottom + pad),
        max(0, box.x - pad) : min(w, box.right + pad),
    ]


_CJK_GLYPH = re.compile(rf"^[{KANJI}{HIRAGANA}{KATAKANA}]$")


def _column_cells(img: np.ndarray, frag: _Fragment) -> list[np.ndarray]:
    """A column cut into square glyph cells as wide as it is: around the glyphs PP-OCR
    placed when it read kanji or kana there, else at even steps."""
    side = max(8, frag.box.w)
    centres = [g[2].y + g[2].h // 2 for g in frag.glyphs if _CJK_GLYPH.match(g[0])]
    if len(centres) < 3:
        n = max(1, round(frag.box.h / side))
        step = frag.box.h / n
        centres = [int(frag.box.y + (k + 0.5) * step) for k in range(n)]
    cells = []
    for cy in centres:
        cell = _crop(img, Box(x=frag.box.x, y=max(0, cy - side // 2), w=side, h=side), pad=0)
        if cell.size:
            cells.append(cv2.resize(cell, (48, 48), interpolation=cv2.INTER_AREA))
    return cells


def _cjk_share(text: str) -> float:
    compact = text.replace(" ", "")
    return sum(1 for c in compact if _CJK_GLYPH.match(c)) / max(1, len(compact))


_TURNS = {"as is": None, "ccw": cv2.ROTATE_90_COUNTERCLOCKWISE, "cw": cv2.ROTATE_90_CLOCKWISE}


def column_turn(img: np.ndarray, frags: list[_Fragment]) -> int:
    """How a card whose lines run down the image stands: 0 for tategaki, else the clockwise
    turn that makes it an upright horizontal card.

    The longest columns are cut into glyph cells, set side by side in a row and read three
    ways: as the cells stand, each turned a quarter counter-clockwise, and clockwise. The
    recogniser reads upright glyphs and, having learnt tategaki from turned crops, glyphs
    lying on their left side; never glyphs on their right side. So (measured on dev cards):
    a card turned clockwise reads best turned back counter-clockwise and badly as it stands;
    a card turned counter-clockwise reads best turned back clockwise; tategaki reads well as
    it stands and best counter-clockwise.
    """
    cols = sorted((f for f in frags if f.vertical), key=lambda f: -f.box.h)
    scores: dict[str, list[float]] = {k: [] for k in _TURNS}
    japanese: list[bool] = []
    for frag in cols[: TUNING.turn_probe_lines]:
        cells = _column_cells(img, frag)
        if len(cells) < 3:
            continue
        reads = {}
        for name, code in _TURNS.items():
            tiles = cells if code is None else [cv2.rotate(c, code) for c in cells]
            row = cv2.copyMakeBorder(np.hstack(tiles), 8, 8, 8, 8, cv2.BORDER_REPLICATE)
            res = _call(np.ascontiguousarray(row), det=False, cls=False, rec=True)
            reads[name] = "".join(res.txts) if getattr(res, "txts", None) else ""
            scores[name].append(float(res.scores[0]) if reads[name].strip() else 0.0)
        japanese.append(_cjk_share(reads["ccw"]) >= 0.5)
    if not scores["as is"]:
        return 0  # nothing to judge by: leave the card as it lies
    mean = {k: float(np.mean(v)) for k, v in scores.items()}
    log.debug("column turn scores %s", mean)
    if mean["cw"] > mean["ccw"]:
        return 90
    # a tategaki card sets its mail and web addresses (its phone numbers too, at times)
    # sideways down a column, as a turned card sets every line: only the columns that
    # read as Japanese (turned back counter-clockwise, as both would be) tell the two apart
    if any(japanese):
        mean = {
            k: float(np.mean([x for x, j in zip(v, japanese, strict=True) if j]))
            for k, v in scores.items()
        }
    if mean["as is"] >= TUNING.upright_agreement * mean["ccw"]:
        return 0
    return 270


def _cls_votes(img: np.ndarray, lines: list[OcrLine]) -> float:
    """Share of the longest lines that the angle classifier reads as upside down."""
    cands = sorted((ln for ln in lines if not ln.vertical), key=lambda ln: -len(ln.text))[
        : TUNING.turn_probe_lines
    ]
    flips = []
    for ln in cands:
        crop = _crop(img, ln.box)
        if crop.size == 0:
            continue
        res = _call(crop, det=False, cls=True, rec=False)
        label, score = (res.cls_res or [("0", 0.0)])[0]
        if score >= TUNING.cls_sure:
            flips.append(1.0 if label == "180" else 0.0)
    return float(np.mean(flips)) if flips else 0.0


def decide_frame(img: np.ndarray, lines: list[OcrLine], frags: list[_Fragment]) -> tuple[str, int]:
    """The card's writing direction and the clockwise turn that makes it upright, from one
    reading in the image's frame.

    - Else: a horizontal card, upright or upside down (the angle
      classifier's vote on its longest lines).
    - Many vertical lines: tategaki, or a horizontal card turned a quarter
      (:func:`column_turn`). A tategaki card sets its contacts horizontally, so the share of
      columns, not of characters, decides.
    """
    long_lines = [ln for ln in lines if len(ln.text.replace(" ", "")) >= 3]
    columns = [ln for ln in long_lines if ln.vertical]
    if len(columns) >= 2 and len(columns) >= TUNING.column_share * len(long_lines):
        turn = column_turn(img, frags)
        return ("vertical", 0) if turn == 0 else ("horizontal", turn)
    return "horizontal", 180 if _cls_votes(img, lines) > 0.5 else 0


@lru_cache(maxsize=1)
def version() -> str:
    try:
        return (
            f"rapidocr {metadata.version('rapidocr')} (PP-OCRv6 small), onnxruntime "
            f"{metadata.version('onnxruntime')}"
        )
    except metadata.PackageNotFoundError as exc:
        raise MissingDependencyError(f"{exc.name} is not installed: run `./run setup`") from exc


#: a line that may be a person's name: kanji (and kana) only, two to eight of them
_NAME_LIKE = re.compile(rf"^(?=.*[{KANJI}])[{KANJI}{HIRAGANA}{KATAKANA}々]{{2,8}}$")


def _cached(kind: str, img: np.ndarray, compute: Any) -> Any:
    """``compute()``, kept in ``MEISHI_OCR_CACHE`` (when set) under ``img``'s bytes."""
    cache = os.environ.get("MEISHI_OCR_CACHE")
    if not cache:
        return compute()
    key = hashlib.sha256(img.tobytes() + repr((kind, img.shape, version())).encode()).hexdigest()
    path = Path(cache) / f"{kind}-{key[:40]}.json"
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8"))
    out = compute()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(out, ensure_ascii=False), encoding="utf-8")
    tmp.replace(path)
    return out


def glyph_candidates(crop: np.ndarray) -> list[list[tuple[str, float]]]:
    """The recogniser's candidates for each glyph it reads in ``crop`` (one line, upright,
    BGR): per glyph, the characters it weighed at that step with their probability, most
    likely first."""

    def compute() -> list[list[tuple[str, float]]]:
        rec = _rapid()._load_rec_model()
        h, w = crop.shape[:2]
        _c, rec_h, rec_w = rec.rec_image_shape
        batch = rec.resize_norm_img(crop, max(rec_w / rec_h, w / max(1, h)))[np.newaxis]
        with _LOCK:
            probs = rec.session(batch.astype(np.float32))[0]
        chars = rec.postprocess_op.character
        out, prev = [], 0
        for step in probs:
            best = int(step.argmax())
            if best not in (0, prev):  # 0 is CTC's blank; a repeat is the same glyph
                top = np.argsort(-step)[: TUNING.candidates_per_glyph + 1]
                out.append(
                    [
                        (chars[k], round(float(step[k]), 3))
                        for k in top
                        if k != 0 and step[k] >= TUNING.candidate_min_prob
                    ]
                )
            prev = best
        return out

    return [[(c, p) for c, p in g] for g in _cached("glyphs", crop, compute)]


#: ... or a Japanese company's name: kanji and kana with its legal form (朝凪電機株式会社)
_COMPANY_LIKE = re.compile(rf"^(?=.*(?:会社|法人))[{KANJI}{HIRAGANA}{KATAKANA}々ー]{{4,24}}$")


def second_look(img: np.ndarray, line: OcrLine) -> list[str]:
    """Other texts a line that may be a name (a person's or a company's) could be: the
    recogniser reads the line's box alone once more (a crop of its own, not the
    detector's) and weighs, glyph by glyph, the characters it hesitated between (鬼塚乗:
    栞 0.58, 乗 0.37). The likeliest texts that change at most two of those glyphs, most
    likely first; what the card prints elsewhere (a reading, a domain) decides (see
    ``extract.fields``), so none is taken on its own."""
    compact = line.text.replace(" ", "")
    shape = next((rx for rx in (_NAME_LIKE, _COMPANY_LIKE) if rx.match(compact)), None)
    if shape is None:
        return []
    b = line.box
    pad = max(2, (b.w if line.vertical else b.h) // 10)
    crop = img[max(0, b.y - pad) : b.bottom + pad, max(0, b.x - pad) : b.right + pad]
    if crop.size == 0:
        return []
    if crop.ndim == 2:
        crop = cv2.cvtColor(crop, cv2.COLOR_GRAY2BGR)
    if line.vertical:  # read as rapidocr reads a column: turned a quarter to the left
        crop = cv2.rotate(crop, cv2.ROTATE_90_COUNTERCLOCKWISE)
    glyphs = [g for g in glyph_candidates(crop) if g]
    first = [g[0] for g in glyphs]
    unsure = [i for i, g in enumerate(glyphs) if len(g) > 1]
    texts: dict[str, float] = {}

    def add(picks: list[tuple[str, float]]) -> None:
        text = mend_text("".join(c for c, _ in picks))
        p = float(np.prod([max(q, 1e-3) for _, q in picks]))
        texts[text] = max(texts.get(text, 0.0), p)

    # the first choices, and every way of changing one or two glyphs it hesitated over
    add(first)
    for k, a in enumerate(unsure):
        for ca in glyphs[a][1:]:
            one = [*first]
            one[a] = ca
            add(one)
            for b_ in unsure[k + 1 :]:
                for cb in glyphs[b_][1:]:
                    two = [*one]
                    two[b_] = cb
                    add(two)
    texts.pop(compact, None)
    ranked = sorted(texts, key=lambda t: -texts[t])
    return [t for t in ranked if shape.match(t)][: TUNING.second_look_texts]


def name_forms_by_ink(grey: np.ndarray, frags: list[_Fragment]) -> list[_Fragment]:
    """For each kanji that names print in variant forms (崎 / 﨑), the form its ink shows
    when that is clearly another than PP-OCR read (:mod:`meishi.ocr.variants`). Kept beside
    the text, for the name only; a kanji read twice in a line with two verdicts gets none."""
    for frag in frags:
        verdicts: dict[str, set[str]] = {}
        for g in frag.glyphs:
            for read, _score, box in _per_char(g, frag.vertical):
                # by the form the line will say once mended (边 → 辺)
                ch = japanese_form(read)
                if ch in variants.FORMS:
                    cell = variants.glyph_cell(grey, box, frag.box, frag.vertical)
                    verdicts.setdefault(ch, set()).add(variants.form_by_ink(cell, ch) or ch)
        frag.forms = {
            ch: form
            for ch, seen in verdicts.items()
            if len(seen) == 1 and (form := seen.pop()) != ch
        }
    return frags


class PpOcrEngine:
    """The PP-OCR reader: a cleaned card image in, its lines in the upright card's frame."""

    name = "ppocr"

    def version(self) -> str:
        return version()

    def check(self) -> None:
        """Fail fast when the models or onnxruntime are missing."""
        _rapid()  # checks the model files first
        variants.check()

    def read_lines(self, img: np.ndarray) -> list[OcrLine]:
        """One pass over ``img`` as it lies: lines in its frame."""
        return _lines(self._cleaned(img))

    def _cleaned(self, img: np.ndarray) -> list[_Fragment]:
        """The detected boxes, with what the ink says PP-OCR read wrong put right (the ink
        checks share one grey copy of the card)."""
        grey = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY) if img.ndim == 3 else img
        frags = drop_blank_bars(grey, extend_columns(img, grey, self._fragments(img)))
        return name_forms_by_ink(grey, bars_in_column_gaps(grey, bars_read_as_one(grey, frags)))

    def _fragments(self, img: np.ndarray) -> list[_Fragment]:
        try:
            # no per-line angle classifier: on upright cards it turns sound lines upside down
            # (Tel: +81-11-… read as T8 - - :9 18); the card's turn is decided once, by vote
            out = _call(img, cls=False)
        except MissingDependencyError:
            raise
        except Exception as exc:  # noqa: BLE001 - onnxruntime raises its own types
            raise OcrError(f"PP-OCR failed: {str(exc)[:200]}") from exc
        return _fragments(out)

    def read_card(self, img: np.ndarray) -> OcrResult:
        frags = self._cleaned(img)
        lines = _lines(frags)
        orientation, turn = decide_frame(img, lines, frags)
        if turn:
            turned = self.read_lines(rotate(img, turn))
            # the classifier's vote on a tilted card's line crops can be wrong: a turn half
            # round must also read better than the card as it lay
            if turn == 180 and _read_weight(turned) < _read_weight(lines):
                turn = 0
            else:
                lines = turned
        upright = rotate(img, turn) if turn else img
        lines = [
            ln.model_copy(update={"alternatives": [*ln.alternatives, *alts]})
            if (alts := second_look(upright, ln))
            else ln
            for ln in lines
        ]
        return OcrResult(
            lines=_reading_order(lines, orientation == "vertical"),
            orientation=orientation,
            rotation=turn,
            engine=self.name,
        )


def _read_weight(lines: list[OcrLine]) -> float:
    """How much a reading says: its characters, each by the recogniser's confidence."""
    return sum(ln.conf / 100 * len(ln.text.replace(" ", "")) for ln in lines)


def _reading_order(lines: list[OcrLine], tategaki: bool) -> list[OcrLine]:
    """Top to bottom, left to right; on a tategaki card its columns right to left first."""
    cols = sorted(
        (ln for ln in lines if tategaki and ln.vertical),
        key=lambda ln: (-(ln.box.x + ln.box.w / 2), ln.box.y),
    )
    rows = sorted(
        (ln for ln in lines if not (tategaki and ln.vertical)),
        key=lambda ln: (ln.box.y + ln.box.h / 2, ln.box.x),
    )
    return cols + rows
