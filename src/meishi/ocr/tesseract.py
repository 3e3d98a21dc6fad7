"""Tesseract: a cleaned grey card → lines of text with boxes and confidences.

The engine sits behind :class:`OcrEngine` so tests can replay recorded output or inject
faults. :func:`read_text` decides the card's orientation (horizontal or tategaki, and a turn
of 0/90/180/270 degrees) by reading the likely candidates and keeping the most confident one.
"""

from __future__ import annotations

import difflib
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import cv2
import numpy as np

from meishi.charclass import CJK, POSTAL_MARKS
from meishi.errors import MissingDependencyError, OcrError
from meishi.models import Box, OcrLine, OcrResult, OcrWord, Orientation
from meishi.ocr.turn import rotate

log = logging.getLogger(__name__)

REQUIRED_LANGS = ("jpn", "jpn_vert", "osd")
#: Japanese script, its punctuation (〒 among it) and the fullwidth forms
_CJK = re.compile(rf"[\u3000-\u303f{CJK}\uff00-\uffef]")


class OcrEngine(Protocol):
    """What meishi needs from an OCR engine."""

    def version(self) -> str: ...

    def read(self, gray: np.ndarray, *, lang: str, psm: int) -> list[OcrLine]:
        """Lines of text found in ``gray`` (uint8), in reading order."""
        ...


# --------------------------------------------------------------------------- tesseract
@dataclass
class TesseractEngine:
    cmd: str = "tesseract"
    timeout_s: float = 60.0

    def __post_init__(self) -> None:
        import pytesseract

        from meishi import procs

        procs.tie_tesseract_to_us()  # one OpenMP thread; a killed ingest leaves none running
        self._pt = pytesseract
        pytesseract.pytesseract.tesseract_cmd = self.cmd

    def version(self) -> str:
        try:
            return str(self._pt.get_tesseract_version())
        except (self._pt.TesseractNotFoundError, OSError) as exc:
            raise MissingDependencyError(
                "Tesseract is not installed: run `sudo apt-get install tesseract-ocr "
                "tesseract-ocr-jpn tesseract-ocr-jpn-vert` (or set MEISHI_TESSERACT_CMD)"
            ) from exc

    def languages(self) -> list[str]:
        try:
            return list(self._pt.get_languages(config=""))
        except (self._pt.TesseractNotFoundError, OSError) as exc:
            raise MissingDependencyError("Tesseract is not installed") from exc

    def missing_languages(self) -> list[str]:
        """The language data meishi needs (jpn, jpn_vert, osd) that is not installed."""
        have = set(self.languages())
        return [lang for lang in REQUIRED_LANGS if lang not in have]

    def read(self, gray: np.ndarray, *, lang: str, psm: int) -> list[OcrLine]:
        pt = self._pt
        try:
            data = pt.image_to_data(
                gray,
                lang=lang,
                config=f"--oem 1 --psm {psm}",
                output_type=pt.Output.DICT,
                timeout=self.timeout_s,
            )
        except pt.TesseractNotFoundError as exc:
            raise MissingDependencyError(
                "Tesseract is not installed: run `sudo apt-get install tesseract-ocr "
                "tesseract-ocr-jpn tesseract-ocr-jpn-vert`"
            ) from exc
        except pt.TesseractError as exc:
            msg = str(exc)
            if "Failed loading language" in msg or "Error opening data file" in msg:
                raise MissingDependencyError(
                    f"Tesseract language data '{lang}' is missing: run `sudo apt-get install "
                    "tesseract-ocr-jpn tesseract-ocr-jpn-vert`"
                ) from exc
            raise OcrError(f"Tesseract failed: {msg.strip()[:200]}") from exc
        except RuntimeError as exc:  # pytesseract raises RuntimeError on timeout
            raise OcrError(f"Tesseract timed out after {self.timeout_s:.0f} s") from exc
        return lines_from_data(data)


def lines_from_data(data: dict[str, list]) -> list[OcrLine]:
    """Group Tesseract's word table into lines; join words the way they were printed."""
    groups: dict[tuple[int, int, int], list[OcrWord]] = {}
    for i, text in enumerate(data["text"]):
        text = (text or "").strip()
        conf = float(data["conf"][i])
        if not text or conf < 0:
            continue
        key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
        box = Box(x=data["left"][i], y=data["top"][i], w=data["width"][i], h=data["height"][i])
        groups.setdefault(key, []).append(OcrWord(text=text, conf=conf, box=box))
    lines = []
    for words in groups.values():
        line = make_line(words)
        if line.text:
            lines.append(line)
    return lines


def trim(lines: list[OcrLine]) -> list[OcrLine]:
    """Lines without the unsure marks at their ends (see :func:`_trim_noise`)."""
    out = []
    for line in lines:
        words = _trim_noise(line.words)
        if len(words) == len(line.words):
            out.append(line)
        elif words:
            out.append(make_line(words))
    return out


_MARKS_ONLY = re.compile(rf"^[^\w{CJK}〒@]+$")


def _trim_noise(words: list[OcrWord], sizes: bool = True) -> list[OcrWord]:
    """Drop unsure words at the ends of a line: a logo or a rule read as characters.

    Tesseract is unsure of large glyphs too: a two-kanji given name beside the family name
    often comes with a confidence of 30-40 while read right. So an unsure CJK word of the
    line's size stays (the review flags it); marks, Latin scraps and glyphs much larger or
    smaller than the line's confident words go.
    """
    sure = [w.box.h for w in words if w.conf >= 60]
    if not sure:
        return words
    ref = sorted(sure)[len(sure) // 2]

    def noise(w: OcrWord) -> bool:
        if _MARKS_ONLY.match(w.text):
            return True  # a rule, a card edge or a logo read as marks
        if w.conf >= 45 or len(w.text) > 2:
            return False
        if not _CJK.search(w.text):
            return True
        return sizes and not 0.5 * ref <= w.box.h <= 1.3 * ref

    while words and noise(words[0]):
        words = words[1:]
    while words and noise(words[-1]):
        words = words[:-1]
    return words


def make_line(words: list[OcrWord]) -> OcrLine:
    box = Box.union([w.box for w in words])
    xs = [w.box.x + w.box.w / 2 for w in words]
    ys = [w.box.y + w.box.h / 2 for w in words]
    vertical = (
        len(words) > 1
        and (max(ys) - min(ys)) > 2 * (max(xs) - min(xs))
        or (len(words) == 1 and box.h > 2.5 * box.w and len(words[0].text) > 1)
    )
    words = sorted(words, key=(lambda w: w.box.y) if vertical else (lambda w: w.box.x))
    size = box.w if vertical else box.h
    parts: list[str] = []
    prev: OcrWord | None = None
    for w in words:
        if prev is not None:
            gap = (w.box.y - prev.box.bottom) if vertical else (w.box.x - prev.box.right)
            latin_pair = not _CJK.search(prev.text[-1]) and not _CJK.search(w.text[0])
            # Latin words are printed with spaces; between CJK characters Tesseract invents
            # spaces, so only a wide gap (the one between family and given name) is kept.
            if gap > (0.25 if latin_pair else 0.6) * size:
                parts.append(" ")
        parts.append(w.text)
        prev = w
    text = "".join(parts).strip()
    conf = sum(w.conf * len(w.text) for w in words) / max(1, sum(len(w.text) for w in words))
    return OcrLine(text=text, conf=conf, box=box, words=words, vertical=vertical)


# --------------------------------------------------------------------------- orientation
def score(lines: list[OcrLine], orientation: Orientation | None = None) -> float:
    """How much confidently read text there is (wrong orientations read as noise).

    For a horizontal reading only lines that run horizontally count: Tesseract also reads
    sideways text as vertical lines, which would make a turned card look upright.
    """
    total = 0.0
    for line in lines:
        if orientation == "horizontal" and line.vertical:
            continue
        for w in line.words:
            if w.conf >= 50:
                total += len(w.text) * w.conf / 100
    return total


def mean_conf(lines: list[OcrLine]) -> float:
    n = sum(len(w.text) for line in lines for w in line.words)
    return sum(w.conf * len(w.text) for line in lines for w in line.words) / n if n else 0.0


# (turn clockwise, orientation) in order of prior likelihood
_CANDIDATES: dict[bool, list[tuple[int, Orientation]]] = {
    True: [(0, "horizontal"), (180, "horizontal"), (90, "vertical"), (270, "vertical")],
    False: [(0, "vertical"), (270, "horizontal"), (90, "horizontal"), (180, "vertical")],
}
#: a horizontal reading this confident is accepted without trying other orientations
GOOD_MEAN_CONF = 75.0
GOOD_MIN_CHARS = 25
#: orientation is judged on a smaller copy: 4x fewer pixels, the same verdict
PROBE_SCALE = 0.5


def read_horizontal(gray: np.ndarray, engine: OcrEngine) -> list[OcrLine]:
    """Horizontal text as sparse lines (psm 11): a card is islands of text, often in two
    columns that a page layout (psm 3) would merge into one line."""
    lines = trim(engine.read(gray, lang="jpn", psm=11))
    return merge_fragments(sorted(lines, key=lambda ln: (ln.box.y + ln.box.h / 2, ln.box.x)))


def merge_fragments(lines: list[OcrLine]) -> list[OcrLine]:
    """Join pieces of one printed line that sparse segmentation split at a wide gap
    (山田 | 太郎, or a mail address cut at a dot), but not two columns side by side."""
    out: list[OcrLine] = []
    for ln in sorted(lines, key=lambda x: x.box.x):
        for i, prev in enumerate(out):
            a, b = prev.box, ln.box
            h = max(a.h, b.h)
            if (
                not prev.vertical
                and not ln.vertical
                and a.overlap_y(b) >= 0.6 * min(a.h, b.h)
                and 0.6 <= a.h / max(b.h, 1) <= 1.6
                and -0.2 * h <= b.x - a.right <= 1.2 * h
            ):
                out[i] = make_line(prev.words + ln.words)
                break
        else:
            out.append(ln)
    return sorted(out, key=lambda x: (x.box.y + x.box.h / 2, x.box.x))


#: on a tategaki card, a long line of Latin text (phone, mail, URL) read at least this surely
#: is a horizontal line
HORIZONTAL_LATIN_CONF = 30


def read_vertical(gray: np.ndarray, engine: OcrEngine, reread: bool = True) -> list[OcrLine]:
    """A tategaki card: vertical columns, often with horizontal lines (phone, mail, URL).

    The horizontal lines that ``jpn`` reads confidently are kept and blanked out; ``jpn_vert``
    then reads the rest as columns, right to left.
    """
    horizontal = [
        ln
        for ln in read_horizontal(gray, engine)
        if not ln.vertical
        and len(ln.text.replace(" ", "")) >= 4
        and ln.box.w > 3 * ln.box.h
        # a column read sideways comes out as scraps, not as a long line; an unsure long
        # line (a phone or mail line in small print) is read again (:func:`reread_lines`)
        and (
            ln.conf >= (60 if _mostly_cjk(ln.text) else HORIZONTAL_LATIN_CONF)
            # a mail or web address is a line however unsure (read again in English later)
            or _WEB_LINE.search(ln.text) is not None
        )
    ]
    ink = _ink(gray)
    horizontal = [ln for ln in horizontal if not _across_columns(ink, ln)]
    masked = gray.copy()
    for ln in horizontal:
        pad = max(2, ln.box.h // 4)
        masked[
            max(0, ln.box.y - pad) : ln.box.bottom + pad,
            max(0, ln.box.x - pad) : ln.box.right + pad,
        ] = 255
    columns = []
    for ln in trim(engine.read(masked, lang="jpn_vert", psm=5)):
        words = _column_words(ln.words)
        if words:
            line = make_line(words)
            line.vertical = line.vertical or line.box.h > line.box.w
            columns.append(line)
    if reread:
        columns = reread_columns(masked, columns, engine)
    columns.sort(key=lambda ln: -(ln.box.x + ln.box.w))
    return columns + sorted(horizontal, key=lambda ln: ln.box.y)


#: what only a mail or web address line holds
_WEB_LINE = re.compile(r"\w@\w|https?:|www\.", re.IGNORECASE)


def _mostly_cjk(text: str) -> bool:
    """Whether most of ``text``'s characters are Japanese (a label before a phone number,
    携帯 090-…, leaves it a Latin line)."""
    chars = text.replace(" ", "")
    return len(_CJK.findall(chars)) * 2 > len(chars)


#: a glyph with ink this close above and below it (of its height) stands in a column
COLUMN_NEIGHBOUR = 0.35


def _across_columns(ink: np.ndarray, line: OcrLine) -> bool:
    """Whether ``line`` is a row of glyphs read across the columns (県0林木: a glyph of the
    address, one of the 〒 column's digits, the name's 森 as 林木), not a printed line.

    Most of its words then have ink just above and just below them, where the columns go
    on; a printed line has its line spacing blank above and below. Masked out as a line, it
    would cut a piece out of every column it crosses."""

    def hemmed(b: Box) -> bool:
        reach = max(2, int(COLUMN_NEIGHBOUR * b.h))
        cols = slice(b.x, b.right)
        above = ink[max(0, b.y - reach) : max(0, b.y - 2), cols]
        below = ink[b.bottom + 2 : b.bottom + reach, cols]
        return bool(above.any() and below.any())

    return sum(hemmed(w.box) for w in line.words) * 2 > len(line.words)


#: a floor at the end of an address's column (6F, 12F): short and Latin, but no stray mark
_FLOOR = re.compile(r"B?\d+F")


def _column_words(words: list[OcrWord]) -> list[OcrWord]:
    """A column's words without the stray marks ``jpn_vert`` reads beside it as short Latin
    words or with next to no confidence."""
    return [
        w
        for w in words
        if w.conf >= 30
        and not (
            len(w.text) <= 2
            and w.text.isascii()
            and not w.text.isdigit()
            and not _FLOOR.fullmatch(w.text)
        )
    ]


#: character height of a column laid out as a line (:func:`column_as_line`)
STRIP_HEIGHT = 48
#: scale at which a single column is re-read (the card's long side ~900 px)
COLUMN_SCALE = 0.7


def reread_columns(gray: np.ndarray, columns: list[OcrLine], engine: OcrEngine) -> list[OcrLine]:
    """Read each column again on its own: the block layout splits a column into pieces and
    drops characters where columns stand close (会 | カザネ酒). Pieces that share a column
    are re-read as one; the new reading is kept if it is better (:func:`better_reading`)."""
    groups: list[list[OcrLine]] = []
    for ln in sorted(columns, key=lambda c: -c.box.w):
        for g in groups:
            a = Box.union([o.box for o in g])
            # pieces of one column: much the same width, one above the other (a reading
            # beside its name is narrower)
            narrow, wide = sorted((a.w, ln.box.w))
            if a.overlap_x(ln.box) >= 0.6 * narrow and narrow >= 0.6 * wide:
                g.append(ln)
                break
        else:
            groups.append([ln])
    out: list[OcrLine] = []
    body = [o for o in columns if len(_CJK.findall(o.text)) >= 2] or columns
    if not body:
        return columns
    area = Box.union([o.box for o in body])
    boxes: list[tuple[Box, list[OcrLine]]] = [(Box.union([o.box for o in g]), g) for g in groups]
    # columns of ink the block layout did not see at all (a 〒 column of stacked digits)
    boxes += [
        (b, [])
        for b in _ink_columns(gray, area)
        if not any(b.overlap_x(o) > 0.3 * b.w for o, _ in boxes)
    ]
    ink = _ink(gray)
    for box, g in boxes:
        pad = max(6, box.w // 3)
        x0, x1 = max(0, box.x - pad), min(gray.shape[1], box.right + pad)
        # the whole height the columns take: what the layout missed above or below a piece,
        # and further down while the column's ink goes on (an address's block number)
        bottom = max(area.bottom, _ink_end(ink, box, area.bottom))
        y0, y1 = max(0, area.y - pad), min(gray.shape[0], bottom + pad)
        crop = _crop_without(gray, (x0, y0, x1, y1), [o.box for o in columns if o not in g])
        # a logo above the column is left out, and the layout's reading of it with it
        logo = _logo_end(crop, box.x - x0, box.right - x0)
        crop, y0 = crop[logo:], y0 + logo
        k = COLUMN_SCALE
        read = engine.read(_scaled(crop, k), lang="jpn_vert", psm=5)
        raw = _to_card([w for a in read for w in a.words], k, x0, y0)
        words = _column_words(raw)
        mine = [w for o in g for w in o.words if not logo or w.box.y + w.box.h // 2 >= y0]
        old = make_line(sorted(mine, key=lambda w: w.box.y)) if mine else None
        best = old
        new = make_line(words) if words else None
        if new is not None and (best is None or better_reading(new, best)):
            best = new
        # a 〒 column with a group of digits read unsurely: the postal code's grammar judges it
        whole = make_line(raw) if raw else None
        if (
            whole is not None
            and not (best is not None and _POSTAL_COLUMN.match(best.text))
            and _POSTAL_COLUMN.match(whole.text)
        ):
            best = new = whole
        # the same column laid out as a line: jpn reads upright digits stacked in a column
        # (〒192-2157, 旭町4-26-2) that jpn_vert drops
        strip = column_as_line(crop)
        line = None
        if strip is not None:
            line = _strip_line(engine.read(strip, lang="jpn", psm=7), box)
            if line is not None and _NUMBERS_ONLY.match(line.text.replace(" ", "")):
                # a column of digits (the postal code): jpn reads a slashed 0 as 9, eng does not
                latin = _strip_line(engine.read(strip, lang="eng", psm=7), box)
                if latin is not None:
                    line = _digits_by_vote(line, latin)
            # ... but a reading with the postal code's grammar is not given up for one without
            postal = (
                best is not None
                and _POSTAL_COLUMN.match(best.text)
                and not _POSTAL_COLUMN.match(line.text if line is not None else "")
            )
            if line is not None and not postal and (best is None or better_reading(line, best)):
                best = line
            elif line is not None and best is not None:
                best = _with_number_tail(best, line)
        if best is not None:
            # the column's own reading before stray marks were dropped: a dash read as ,
            best = _with_block_number(best, [c for c in (old, new, line) if c is not None] + read)
        if best is old and len(mine) == sum(len(o.words) for o in g):
            out.extend(g)
        elif best is not None and (
            g
            or _POSTAL_COLUMN.match(best.text)
            or (best.conf >= 60 and len(best.text.replace(" ", "")) >= 3)
        ):
            best.vertical = True
            out.append(best)
    return out


def _strip_line(read: list[OcrLine], box: Box) -> OcrLine | None:
    """A column's reading as a line (:func:`column_as_line`): the strip's own boxes mean
    nothing on the card, so its words take the column's."""
    flat = [OcrWord(text=w.text, conf=w.conf, box=box) for a in read for w in a.words]
    return make_line(flat) if flat else None


#: the postal mark 〒 and what OCR reads it as
_POSTAL_MARK = f"[{POSTAL_MARKS}]"
#: the mark as it begins a 〒 column laid out as a line (jpn often adds an エ)
_LEAD_MARK = re.compile(rf"^{_POSTAL_MARK}?エ?")
#: a line of digits and marks, perhaps after a 〒
_NUMBERS_ONLY = re.compile(rf"{_LEAD_MARK.pattern}[\d\W_OolI|]{{6,}}$")
#: a 〒 column that the layout missed: kept however unsure its reading, the postal code's
#: grammar will judge it
_POSTAL_COLUMN = re.compile(rf"^{_POSTAL_MARK}\s*[\dO]{{3}}\D{{0,2}}\d{{4}}$")


def _digits_by_vote(jpn: OcrLine, eng: OcrLine) -> OcrLine:
    """A column of digits (the postal code) from its jpn and eng readings as a line, glyph by
    glyph where both read as many: eng's 0 where jpn read a 9 (jpn reads a slashed 0 as 9,
    eng does not), a digit where the other reading has a letter or mark (I or ] for a 1), and
    elsewhere the surer reading's. Readings of different lengths: the surer one."""
    surer = eng if eng.conf > jpn.conf else jpn
    a, b = (ln.text.replace(" ", "") for ln in (jpn, eng))
    ma, mb = _LEAD_MARK.match(a), _LEAD_MARK.match(b)
    assert ma is not None and mb is not None  # the pattern matches the empty string
    a, b = a[ma.end() :], b[mb.end() :]
    if len(a) != len(b):
        return surer
    out = []
    for x, y in zip(a, b, strict=True):
        if x == y or (x.isdigit() and not y.isdigit()):
            out.append(x)
        elif y.isdigit() and (not x.isdigit() or (x, y) == ("9", "0")):
            out.append(y)
        else:
            out.append(x if surer is jpn else y)
    mark = "〒" if ma.group() or mb.group() else ""
    word = OcrWord(text=mark + "".join(out), conf=max(jpn.conf, eng.conf), box=surer.box)
    return make_line([word])


_NUMBER_TAIL = re.compile(r"\d[\d\s\-~]*\d\s*[F階]?$|\d\s*[F階]$")


def _with_number_tail(column: OcrLine, strip: OcrLine) -> OcrLine:
    """``column`` with the block number or floor that ends ``strip`` (the same column laid
    out as a line) when the column's own reading lost it: 旭町 + 4-26-2."""
    tail = _NUMBER_TAIL.search(strip.text)
    if (
        tail is None
        or re.search(r"\d\s*[F階]?$", column.text)
        or not re.search(r"[都道府県市区町村]", column.text)
    ):  # only an address has a block number
        return column
    b = column.box
    # a gap between digit groups is a dash the strip lost (4-26 2)
    number = re.sub(r"\s*[-~]+\s*|(?<=\d)\s+(?=\d)", "-", tail.group(0)).replace(" ", "")
    word = OcrWord(
        text=number,
        conf=strip.conf,
        box=Box(x=b.x, y=b.bottom, w=b.w, h=b.w * len(tail.group(0)) // 2),
    )
    return make_line(column.words + [word])


#: an address's block number as OCR reads a column: digits and what it reads a turned dash as
_BLOCK_NUMBER = re.compile(r"\d(?:[\d\s,'、.\-~ー‐−」!|:]*\d)?")
_BLOCK_DASH = re.compile(r"\s*[,'、.\-~ー‐−」!|:]+\s*")


def _with_block_number(best: OcrLine, readings: list[OcrLine]) -> OcrLine:
    """``best`` with the block number of another reading of its column that shows its groups
    where ``best`` read the dashes as 1s or lost them (本郷4127 and 本郷4-27: jpn_vert reads a
    turned dash as 1, the column laid out as a line keeps it, and the other way round)."""
    if not re.search(r"[都道府県市区町村]", best.text):
        return best
    mine = _BLOCK_NUMBER.search(best.text)
    if mine is None:
        return best
    digits = re.sub(r"\D", "", mine.group(0))
    groups = len(_BLOCK_DASH.split(mine.group(0).strip()))
    for other in readings:
        theirs = _BLOCK_NUMBER.search(other.text)
        if theirs is None:
            continue
        # spaces between digits are the gaps between glyphs, not dashes
        parts = [p.replace(" ", "") for p in _BLOCK_DASH.split(theirs.group(0).strip())]
        if len(parts) <= groups or not all(p.isdigit() for p in parts):
            continue
        if digits in ("".join(parts), "1".join(parts)):  # the same digits, or dashes as 1s
            text = best.text[: mine.start()] + "-".join(parts) + best.text[mine.end() :]
            return make_line([OcrWord(text=text, conf=best.conf, box=best.box)])
    return best


def _ink_end(ink: np.ndarray, column: Box, y: int) -> int:
    """Where ``column``'s ink (``ink``: the card's) ends below ``y``: at a gap wider than
    half a character (specks aside), or at a rule across the card (ink running well beyond
    the column)."""
    band = ink[y:, column.x : column.right]
    wide = ink[y:, max(0, column.x - column.w) : column.right + column.w]
    end = y
    for r in np.flatnonzero(band.sum(axis=1) >= 2):
        if y + r - end > column.w // 2 or wide[r].mean() > 0.9:
            break
        end = y + int(r) + 1
    return end


def _ink_columns(gray: np.ndarray, area: Box) -> list[Box]:
    """Bands of ink running down the columns' area, as boxes (a column the layout missed)."""
    ink = _ink(gray[area.y : area.bottom, :])
    out: list[Box] = []
    for start, x in _runs(np.flatnonzero(ink.sum(axis=0) >= 3), 5):
        rows = np.flatnonzero(ink[:, start:x].any(axis=1))
        if x - start >= 12 and len(rows) and rows[-1] - rows[0] > 3 * (x - start):
            out.append(
                Box(x=start, y=area.y + int(rows[0]), w=x - start, h=int(rows[-1] - rows[0]) + 1)
            )
    return out


#: a mark above a column is a logo when set off from the text by this much of a glyph's size...
LOGO_GAP = 0.35
#: ... and unlike a glyph: this much wider or taller than the column's glyphs, or this densely
#: inked (a filled disc or square with a letter cut out of it)
LOGO_SIZE = 1.25
LOGO_DENSITY = 0.6
#: a logo of two rows of shapes (four discs) is about as tall as wide: at most this much taller
LOGO_SQUARE = 1.4


def _logo_end(crop: np.ndarray, x0: int, x1: int) -> int:
    """Where a column crop's text starts below a logo printed above it (0: no logo).

    A logo above the company's column is read into it (人, 記 prepended), or it makes
    Tesseract drop the glyphs under it (アオバ通信 read as バ通信). It is the topmost block of
    ink (or two, for a logo of two rows of shapes, as square as it is wide and wider than the
    glyphs), set off from the next by a wider gap than glyphs leave between them, and unlike a
    glyph: wider or taller than the column's glyphs, or much more densely inked. Only the
    column's own band (``x0:x1``) is looked at: a frame around it would join logo and text.
    """
    band = _ink(crop)[:, x0:x1]
    # blocks of inked rows (glyphs, or a logo), pieces a pixel or two apart joined
    blocks = _runs(np.flatnonzero(band.sum(axis=1) >= 2), 2)
    if len(blocks) < 4:
        return 0
    spans = [np.flatnonzero(band[a:b].any(axis=0)) for a, b in blocks]
    widths = [int(s[-1] - s[0]) + 1 for s in spans]
    # the glyphs' size (ー and 1 are narrower, digits as tall as a kanji)
    em = float(
        np.percentile([max(w, b - a) for w, (a, b) in zip(widths, blocks, strict=True)][1:], 75)
    )
    gaps = [c - b for (_, b), (c, _) in zip(blocks[1:-1], blocks[2:], strict=True)]
    for n in (1, 2):  # the logo: the topmost block, or two (a logo of two rows of shapes)
        a, b, c = blocks[0][0], blocks[n - 1][1], blocks[n][0]
        x = np.flatnonzero(band[a:b].any(axis=0))
        wide = int(x[-1] - x[0]) + 1
        if (
            c - b < max(LOGO_GAP * em, 2 * float(np.median(gaps[n - 1 :])))
            or not 0.6 * em <= b - a <= 2.2 * em
        ):
            continue
        if n == 2 and (b - a > LOGO_SQUARE * wide or wide < LOGO_SIZE * em):
            continue  # two glyphs stacked are taller than wide, and no wider than the rest
        box = band[a:b, x[0] : x[-1] + 1]
        if wide >= LOGO_SIZE * em or b - a >= LOGO_SIZE * em or box.mean() >= LOGO_DENSITY:
            return (b + c) // 2
    return 0


#: a thin upright stroke this much shorter than the glyphs on both sides is a turned dash
DASH_OF_GLYPH = 0.75


def column_as_line(col: np.ndarray) -> np.ndarray | None:
    """A tategaki column cut into characters and laid out left to right, for ``jpn``.

    Characters are the runs of inked rows, pieces of one character (二, 〒) merged while they
    stay within a square; a short upright stroke (a dash, printed turned in a column) is
    turned to lie flat. A tall one stays: it is a 1 as often as a ー.
    """
    ink = _ink(col)
    cols = np.flatnonzero(ink.any(axis=0))
    if len(cols) < 4:
        return None
    # the column is the band of ink that holds most of it: a scrap of a neighbour at the
    # crop's edge would widen it, and two digits would then pass for one square character
    mass = ink.sum(axis=0)
    x0, x1 = max(_runs(cols, 2), key=lambda r: int(mass[r[0] : r[1]].sum()))
    ink[:, :x0] = False
    ink[:, x1:] = False
    rows = np.flatnonzero(ink.any(axis=1))
    w = x1 - x0
    chars: list[list[int]] = []
    for r in _runs(rows, 0):
        flat = chars and chars[-1][1] - chars[-1][0] < 0.2 * w  # a lone bar: 〒's top, 二's
        if (
            chars
            and r[1] - chars[-1][0] <= 1.2 * w
            and r[0] - chars[-1][1] < (0.5 if flat else 0.35) * w
            and (chars[-1][1] - chars[-1][0] < 0.6 * w or r[1] - r[0] < 0.6 * w)
        ):
            chars[-1][1] = r[1]
        else:
            chars.append(r)
    chars = [c for c in chars if c[1] - c[0] >= 2]
    if not chars or len(chars) > 60:
        return None
    h = max(max(c[1] - c[0] for c in chars), w)
    gap = max(4, w // 6)
    tiles = []
    # binary: grey tiles on white padding would show their edges
    paper: np.ndarray = np.where(ink, 0, 255).astype(np.uint8)
    for i, (y0, y1) in enumerate(chars):
        tile = paper[y0:y1, x0:x1]
        inked = np.flatnonzero(ink[y0:y1, x0:x1].any(axis=0))
        # a thin stroke shorter than the square, or than the characters on both sides of it
        # (a 1 is as tall as the digits beside it; a dash between digits is not)
        around = [c[1] - c[0] for c in chars[max(0, i - 1) : i + 2 : 2] if c != chars[i]]
        short = y1 - y0 < 0.6 * w or (len(around) == 2 and y1 - y0 < DASH_OF_GLYPH * min(around))
        if len(inked) and inked[-1] - inked[0] + 1 < 0.25 * w and short:
            # an upright dash lies down again, at mid-height
            tile = np.ascontiguousarray(np.rot90(tile[:, inked[0] : inked[-1] + 1]))
        top = (h - tile.shape[0]) // 2
        left = max(0, (w - tile.shape[1]) // 2)
        tile = cv2.copyMakeBorder(
            tile,
            max(0, top),
            max(0, h - tile.shape[0] - top),
            left + gap,
            max(0, w - tile.shape[1] - left),
            cv2.BORDER_CONSTANT,
            value=255,
        )
        tiles.append(tile[:h])
    strip = cv2.copyMakeBorder(
        np.hstack(tiles), 10, 10, 10, 10 + gap, cv2.BORDER_CONSTANT, value=255
    )
    return _scaled(strip, STRIP_HEIGHT / h)  # the size Tesseract reads a line best at


def _read(
    gray: np.ndarray, orientation: Orientation, engine: OcrEngine, probe: bool = False
) -> list[OcrLine]:
    """The card read in one orientation; a probe (judging the orientation) skips re-reads."""
    return (
        read_horizontal(gray, engine)
        if orientation == "horizontal"
        else read_vertical(gray, engine, reread=not probe)
    )


def _confident(lines: list[OcrLine]) -> bool:
    chars = sum(len(w.text) for line in lines for w in line.words)
    return mean_conf(lines) >= GOOD_MEAN_CONF and chars >= GOOD_MIN_CHARS


def read_text(gray: np.ndarray, engine: OcrEngine) -> OcrResult:
    """Read the card in the orientation that gives the most confident text.

    Candidates (turn and writing direction) are probed on a half-size copy in order of prior
    likelihood; an upright horizontal card that reads confidently stops the search at once.
    The winner is then read at full size.
    """
    landscape = gray.shape[1] >= gray.shape[0]
    small = cv2.resize(gray, None, fx=PROBE_SCALE, fy=PROBE_SCALE, interpolation=cv2.INTER_AREA)
    best: tuple[float, int, Orientation] | None = None
    probed: list[OcrLine] = []
    for turn, orientation in _CANDIDATES[landscape]:
        lines = _read(rotate(small, turn), orientation, engine, probe=True)
        s = score(lines, orientation)
        log.debug(
            "probe turn %d %s: score %.1f mean conf %.1f", turn, orientation, s, mean_conf(lines)
        )
        if best is None or s > best[0]:
            best, probed = (s, turn, orientation), lines
        if orientation == "horizontal" and _confident(lines):
            break
    assert best is not None
    _, turn, orientation = best
    upright = rotate(gray, turn)
    lines = _read(upright, orientation, engine)
    if orientation == "horizontal":
        lines = reread_lines(upright, lines, engine, probed=_to_full(probed))
        lines = read_unread(upright, lines, engine)
    else:  # a tategaki card's horizontal lines (contacts, romaji name) as a horizontal card's
        lines = [ln for ln in lines if ln.vertical] + reread_lines(
            upright, [ln for ln in lines if not ln.vertical], engine
        )
    lines = reread_mail(upright, space_latin(upright, lines, engine), engine)
    return OcrResult(lines=lines, orientation=orientation, rotation=turn)


#: line height the single-line re-read scales to (Tesseract's LSTM likes 30-70 px)
REREAD_HEIGHT = 56
#: ... but a line is enlarged at most this much: a "line" a few pixels high is a rule or the
#: card's edge, and enlarged to 56 px it would be wider than Tesseract takes (32767 px)
MAX_UPSCALE = 6.0
MAX_REREADS = 8
#: a line read at least this surely is not read again, nor pushed together or binarised
SURE_LINE = 85
#: ... unless the layout left ink beside it unread: a line read this surely or more
REACH_FROM = 60
#: a line re-read (psm 7) less sure than this is also read as a raw line (psm 13)
RAW_LINE_BELOW = 70
#: how far (in line heights) a re-read looks beside a line for words the layout missed
WIDEN = 2.5


def _to_full(lines: list[OcrLine]) -> list[OcrLine]:
    """The probe's lines with their boxes in the full-size card's pixels."""
    k = 1 / PROBE_SCALE
    return [
        ln.model_copy(
            update={
                "box": Box(
                    x=round(ln.box.x * k),
                    y=round(ln.box.y * k),
                    w=round(ln.box.w * k),
                    h=round(ln.box.h * k),
                )
            }
        )
        for ln in lines
    ]


def _probe_of(line: OcrLine, probed: list[OcrLine]) -> OcrLine | None:
    """The probe's reading of ``line``'s text: the probed line on the same place."""
    return next(
        (
            p
            for p in probed
            if not p.vertical
            and p.box.overlap_y(line.box) >= 0.6 * min(p.box.h, line.box.h)
            and p.box.overlap_x(line.box) >= 0.8 * max(p.box.w, line.box.w)
        ),
        None,
    )


def _probe_disagrees(line: OcrLine, probed: list[OcrLine]) -> OcrLine | None:
    """The probe's reading of ``line``'s text where it differs from ``line``'s."""
    p = _probe_of(line, probed)
    return p if p is not None and p.text.replace(" ", "") != line.text.replace(" ", "") else None


#: how much less sure than the page layout's reading two agreeing readings may be and still
#: outvote it; more if they only add glyphs it dropped (中央第 会館 -> 中央第二会館)
OUTVOTE_MARGIN = 5.0
OUTVOTE_ADDING = 10.0


def _outvoted(old: OcrLine, new: OcrLine, probe: OcrLine) -> bool:
    """Do ``new`` (the line re-read at full size) and ``probe`` (read at half size) agree,
    and are both about as sure as ``old``? Low-resolution readings share misreads (0 and 9,
    一 and 二, an added _) but come out less sure of them."""
    a, b = old.text.replace(" ", ""), new.text.replace(" ", "")
    if b != probe.text.replace(" ", ""):
        return False
    rest = iter(b)
    adding = len(b) > len(a) and all(c in rest for c in a)
    return min(new.conf, probe.conf) >= old.conf - (OUTVOTE_ADDING if adding else OUTVOTE_MARGIN)


def _upheld(old: OcrLine, new: OcrLine, probe: OcrLine | None) -> bool:
    """Does the probe (the card read at half size) agree with the page layout's reading
    ``old`` against the re-read ``new``, and more surely than ``new``? Two of three readings
    agreeing outvote the third: the page layout is often unsure of a short line it read
    right (室長 at 37) that the re-read misreads surely (至長 at 80) and the probe reads
    right surer still (95). Only for kanji or kana swapped one for one: low-resolution
    readings share other misreads (0 for O, an added _, a dropped glyph)."""
    if probe is None:
        return False
    a, b = old.text.replace(" ", ""), new.text.replace(" ", "")
    if a == b or len(a) != len(b) or probe.text.replace(" ", "") != a or probe.conf <= new.conf:
        return False
    return all(_CJK.match(x) and _CJK.match(y) for x, y in zip(a, b, strict=True) if x != y)


def reread_lines(
    gray: np.ndarray, lines: list[OcrLine], engine: OcrEngine, probed: list[OcrLine] | None = None
) -> list[OcrLine]:
    """Read again, as one line (psm 7/13) at a comfortable size, each line that is unsure,
    short, or much larger than the rest (the name): big glyphs and wide gaps confuse page
    layout, which drops or misreads whole words of them.

    The crop is the line's row; for the name it is widened sideways (up to the nearest other
    line, a few characters at most) so that the half of the name the page layout missed is
    read too. Other lines reaching into the crop are blanked. See :func:`better_reading` for
    which reading is kept.
    """
    if not lines:
        return lines
    probed = probed or []
    heights = sorted(ln.box.h for ln in lines)
    median_h = heights[len(heights) // 2]
    todo = sorted(
        (
            ln
            for ln in lines
            if not ln.vertical
            and (
                ln.conf < SURE_LINE
                or ln.box.h > 1.6 * median_h
                or len(ln.text.replace(" ", "")) <= 2
            )
        ),
        key=lambda ln: -ln.box.h,
    )[:MAX_REREADS]
    # a line whose row has ink beside it that the page layout left unread is read again with
    # it; not a line read as scraps (noise on a desk, a pattern), whose "ink" is everywhere
    reach = {
        id(ln): _ink_reach(gray, ln, [o.box for o in lines if o is not ln])
        for ln in lines
        if not ln.vertical
    }
    todo += [
        ln
        for ln in lines
        if not ln.vertical
        and ln not in todo
        and ln.conf >= REACH_FROM
        and reach[id(ln)] != (ln.box.x, ln.box.right)
    ]
    # a sure line the half-size probe read otherwise is read once more: two of the three
    # readings agreeing outvote the page layout's (a ズ's dakuten read as a glyph of its own)
    disputed = {
        id(ln): p
        for ln in lines
        if not ln.vertical and ln not in todo and (p := _probe_disagrees(ln, probed)) is not None
    }
    todo += [ln for ln in lines if id(ln) in disputed]
    gone: set[int] = set()
    replaced: dict[int, OcrLine] = {}
    for ln in todo:
        if id(ln) in gone:
            continue
        row = [ln] + [
            o
            for o in lines
            if o is not ln and id(o) not in gone and (_same_row(ln, o) or _same_ink(ln, o))
        ]
        others = [replaced.get(id(o), o) for o in lines if id(o) not in gone and o not in row]
        name = _maybe_name(ln, median_h)
        x0, y0, x1, y1 = _row_band(gray, Box.union([o.box for o in row]), others, widen=name)
        pad = _pad(ln.box)
        x0 = max(0, min(x0, reach[id(ln)][0] - pad))
        x1 = min(gray.shape[1], max(x1, reach[id(ln)][1] + pad))
        crop = _crop_without(gray, (x0, y0, x1, y1), [o.box for o in others])
        row_h = max(o.box.h for o in row)
        old = make_line([w for o in row for w in o.words])
        if name:
            new, sure = _vote_read(crop, engine, row_h, x0, y0, old)
        else:
            k = min(REREAD_HEIGHT / max(1, row_h), MAX_UPSCALE)
            new, sure = _read_one_line(_scaled(crop, k), engine, k, x0, y0), False
        if id(ln) in disputed:
            if new is not None and len(row) == 1 and _outvoted(ln, new, disputed[id(ln)]):
                log.debug("probe vote: %r -> %r", ln.text, new.text)
                replaced[id(ln)] = new
            continue
        if (
            new is not None
            and len(row) == 1
            and not name
            and _upheld(ln, new, _probe_of(ln, probed))
        ):
            log.debug("probe upholds %r against %r", ln.text, new.text)
            replaced[id(ln)] = ln.model_copy(update={"alternatives": [*ln.alternatives, new.text]})
            continue
        if new is not None and (sure or better_reading(new, old)):
            replaced[id(ln)] = new
            gone.update(id(o) for o in row if o is not ln)
        elif new is not None and name:  # the name's other readings stay with it
            replaced[id(ln)] = ln.model_copy(
                update={"alternatives": [t for t in [new.text, *new.alternatives] if t != ln.text]}
            )
    out = [replaced.get(id(ln), ln) for ln in lines if id(ln) not in gone]
    # the probe's other reading stays with a line: the card's printed reading of a name may
    # pick it (森 慎太郎 beside モリシンタロウ, where full size read 条 慎太郎 twice)
    for i, ln in enumerate(out):
        other = _probe_disagrees(ln, probed)
        if (
            other is not None
            and _CJK.search(other.text)
            and not _MAIL_LINE.search(ln.text)
            and other.text not in ln.alternatives
        ):
            out[i] = ln.model_copy(update={"alternatives": [*ln.alternatives, other.text]})
    return out


#: a row of ink no line covers is read if it is about as tall as the card's text: from this
#: to ``UNREAD_TALLEST`` times the median line's height (smaller: specks, a rule; larger: a
#: logo, a photo)
UNREAD_LOWEST = 0.6
UNREAD_TALLEST = 1.6
#: ... and kept if it is read at least this surely: noise and pictures read as text are not
UNREAD_SURE = 80


def _own_rows(ink: np.ndarray, box: Box) -> Box:
    """``box`` narrowed to its line's own row of ink: Tesseract often gives a line's last
    glyph a box reaching down over a short line under it (部 over 課長), or past its glyphs
    into blank paper, which would pass that line for read or the card's text for taller."""
    rows = np.flatnonzero(ink[box.y : box.bottom, box.x : box.right].sum(axis=1) >= 2)
    runs = _runs(rows, max(2, box.h // 10))
    if not runs:
        return box

    def span(run: list[int]) -> int:  # how wide the run's ink reaches along the line
        cols = np.flatnonzero(ink[box.y + run[0] : box.y + run[1], box.x : box.right].any(axis=0))
        return int(cols[-1] - cols[0]) if len(cols) else 0

    top, bottom = max(runs, key=span)
    return Box(x=box.x, y=box.y + top, w=box.w, h=bottom - top)


def read_unread(gray: np.ndarray, lines: list[OcrLine], engine: OcrEngine) -> list[OcrLine]:
    """``lines`` with the rows of glyphs that page layout left out read and added: a short
    title under the department (主任, 課長) is sometimes dropped whole, or hidden under a
    neighbour's oversized glyph box.

    Ink outside every line's own row (see :func:`_own_rows`), joined into rows across gaps
    of ``GLYPH_GAP`` glyph heights, is a candidate when it is about as tall as the card's
    text, stands apart from the card's edge and from any line on its row (glyphs beside a
    line are :func:`_ink_reach`'s), and is read as one line surely enough.
    """
    flat = [ln for ln in lines if not ln.vertical]
    if not flat:
        return lines
    ink = _ink(gray)
    own = [_own_rows(ink, ln.box) for ln in flat]
    heights = sorted(b.h for b in own)
    h = heights[len(heights) // 2]
    free = ink.copy()
    for b in own:
        free[max(0, b.y - 2) : b.bottom + 2, max(0, b.x - 2) : b.right + 2] = False
    edge = max(3, gray.shape[1] // 50)
    free[:edge], free[-edge:], free[:, :edge], free[:, -edge:] = False, False, False, False
    joined = cv2.dilate(
        free.astype(np.uint8),
        cv2.getStructuringElement(cv2.MORPH_RECT, (max(3, int(GLYPH_GAP * h)), 1)),
    )
    n, _, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    rows: list[Box] = []  # pieces of one row that the dilation left apart are joined
    for x, y, w, bh, _area in sorted(stats[1:n].tolist()):
        piece = Box(x=x, y=y, w=w, h=bh)
        if rows and rows[-1].same_row(piece, GLYPH_GAP * h):
            rows[-1] = Box.union([rows[-1], piece])
        else:
            rows.append(piece)
    found: list[OcrLine] = []
    gone: set[int] = set()
    for box in rows:
        if not UNREAD_LOWEST * h <= box.h <= UNREAD_TALLEST * h or box.w < 0.8 * box.h:
            continue
        # a scrap of the row read as a line of its own (エ of エンジニア) is read with it; ink
        # just beside a longer line is :func:`_ink_reach`'s to widen it over, ink a wider
        # gap away (ミウラ | ユキコ) is read on its own
        beside = [i for i, b in enumerate(own) if box.same_row(b, 1.5 * h)]
        if any(
            len(flat[i].text.replace(" ", "")) > 2 and box.same_row(own[i], GLYPH_GAP * h)
            for i in beside
        ):
            continue
        beside = [i for i in beside if len(flat[i].text.replace(" ", "")) <= 2]
        box = Box.union([box, *[own[i] for i in beside]])
        pad = _pad(box)
        x0, y0 = max(0, box.x - pad), max(0, box.y - pad)
        x1, y1 = min(gray.shape[1], box.right + pad), min(gray.shape[0], box.bottom + pad)
        crop = _crop_without(
            gray, (x0, y0, x1, y1), [b for i, b in enumerate(own) if i not in beside]
        )
        k = min(REREAD_HEIGHT / box.h, MAX_UPSCALE)
        line = _read_one_line(_scaled(crop, k), engine, k, x0, y0)
        log.debug("unread ink at %s read %r", box, line and (line.text, line.conf))
        if (
            line is not None
            and line.conf >= UNREAD_SURE
            and len(re.findall(rf"[\w{CJK}]", line.text)) >= 2
        ):
            found.append(line)
            gone.update(id(flat[i]) for i in beside)
    if not found:
        return lines
    out = [ln for ln in lines if id(ln) not in gone]
    for line in found:  # in reading order: before the first line below it
        at = next(
            (i for i, o in enumerate(out) if not o.vertical and o.box.y > line.box.y), len(out)
        )
        out.insert(at, line)
    return out


#: a line that holds an e-mail address, or its label
_MAIL_LINE = re.compile(r"@|mail|メール", re.IGNORECASE)


def reread_mail(gray: np.ndarray, lines: list[OcrLine], engine: OcrEngine) -> list[OcrLine]:
    """E-mail lines read again in English (eng, psm 7), kept as the line's alternative: the
    jpn model drops the ``_`` and ``.`` of a local part (nakamura_ryo read as nakamuraryo),
    which no rule can put back; the extraction takes the separators from this reading."""
    out = []
    for ln in lines:
        if not ln.vertical and _MAIL_LINE.search(ln.text):
            text = _read_english(gray, ln.box, max(2, ln.box.h // 3), engine)
            if text.strip():
                ln = ln.model_copy(update={"alternatives": [*ln.alternatives, text]})
        out.append(ln)
    return out


#: a run of Latin letters that may be words whose spaces jpn lost: a lower-case letter
#: before a capital (YuzurihaPlanning), or ten letters or more (KAZANESHOKUHININC)
_JOINED_WORDS = re.compile(r"[a-z][A-Z]|[A-Za-z]{10,}")
_LATIN = re.compile(r"[A-Za-z]")


def space_latin(gray: np.ndarray, lines: list[OcrLine], engine: OcrEngine) -> list[OcrLine]:
    """Latin lines with the spaces the jpn model dropped between words put back from an
    English reading (eng, psm 7): ``YuzurihaPlanning Corporation``. Only spaces are taken
    from it, and only inside runs of three or more characters both readings agree on; mail
    and web addresses have none to restore."""
    out = []
    for ln in lines:
        text = ln.text
        if (
            not ln.vertical
            and _JOINED_WORDS.search(text)
            and not _MAIL_LINE.search(text)
            and not _WEB_LINE.search(text)
            and "/" not in text
            and len(_LATIN.findall(text)) >= 0.6 * len(text.replace(" ", ""))
        ):
            spaced = _spaces_from(text, _read_english(gray, ln.box, _pad(ln.box), engine))
            if spaced != text:
                log.debug("spaces from eng: %r -> %r", text, spaced)
                ln = ln.model_copy(update={"text": spaced})
        out.append(ln)
    return out


def _read_english(gray: np.ndarray, box: Box, pad: int, engine: OcrEngine) -> str:
    """The line in ``box`` (with a margin of ``pad``) read in English as one line."""
    crop = _crop_without(
        gray, (max(0, box.x - pad), max(0, box.y - pad), box.right + pad, box.bottom + pad), []
    )
    k = min(REREAD_HEIGHT / max(1, box.h), MAX_UPSCALE)
    return " ".join(x.text for x in engine.read(_scaled(crop, k), lang="eng", psm=7))


def _spaces_from(text: str, other: str) -> str:
    """``text`` with a space wherever ``other`` has one between two characters both share
    (in a run of three or more agreeing characters, spaces aside)."""
    a = [(c, i) for i, c in enumerate(text) if c != " "]
    b = [(c, j) for j, c in enumerate(other) if c != " "]
    spaces: set[int] = set()
    matcher = difflib.SequenceMatcher(None, [c for c, _ in a], [c for c, _ in b], autojunk=False)
    for i, j, size in matcher.get_matching_blocks():
        if size < 3:
            continue
        for n in range(1, size):
            if other[b[j + n][1] - 1] == " " and text[a[i + n][1] - 1] != " ":
                spaces.add(a[i + n][1])
    return "".join((" " + c) if i in spaces else c for i, c in enumerate(text))


def _scaled(img: np.ndarray, k: float) -> np.ndarray:
    return cv2.resize(
        img, None, fx=k, fy=k, interpolation=cv2.INTER_AREA if k < 1 else cv2.INTER_CUBIC
    )


#: glyph heights the name is read at; each reading is a vote (see :func:`_vote_read`)
NAME_HEIGHTS = (40, 56, 72)


def _vote_read(
    crop: np.ndarray, engine: OcrEngine, row_h: int, x0: int, y0: int, old: OcrLine
) -> tuple[OcrLine | None, bool]:
    """The name, read at several sizes as a line (psm 7) and a raw line (psm 13), the page
    layout's reading counting as one more vote. Tesseract's confidence in large kanji says
    little (藤 read as 膝 at 90 %, 亮 read right at 0 %), but its misreads change with the
    size while the right reading recurs: the text read most often wins (ties: the surest).

    Its commonest error is to drop a glyph, the given name's one kanji most of all (和田亮
    read as 和田, the word's box still spanning all three). So when the ink shows more
    glyphs than the winner has (see :func:`_glyph_count`), a reading that has that many and
    is the winner plus a glyph or more at either end takes its place.

    Returns the winning reading and whether it is sure: three or more votes agree, or two
    agree on the glyphs the others dropped.
    """

    def key(line: OcrLine) -> str:  # marks at the ends (a rule read as _) do not split votes
        return re.sub(r"^[\W_]+|[\W_]+$", "", line.text.replace(" ", ""))

    glyphs = _glyph_count(crop, row_h) or 0
    readings: list[OcrLine] = []
    votes: dict[str, int] = {key(old): 1}
    sizes = [(h / max(1, row_h), _scaled(crop, h / max(1, row_h))) for h in NAME_HEIGHTS]
    for psm in (7, 13):
        for k, small in sizes:
            line = _read_words(small, engine, k, x0, y0, psm)
            if line is not None:
                readings.append(line)
                votes[key(line)] = votes.get(key(line), 0) + 1
            top = max(votes, key=lambda t: votes[t])
            if votes[top] >= 3 and len(top) >= glyphs:
                break  # three readings agree and none is missing: no need for more
        else:
            continue
        break
    if not readings:
        return None, False
    best = max(readings, key=lambda line: (votes[key(line)], line.conf))
    won = key(best)
    sure = votes[won] >= 3
    if len(won) < glyphs:
        whole = [
            line
            for line in readings
            if len(key(line)) == glyphs and (key(line).startswith(won) or key(line).endswith(won))
        ]
        if whole:
            best = max(whole, key=lambda line: (votes[key(line)], line.conf))
            sure = votes[key(best)] >= 2
    # the losing readings stay with the winner: the card's printed reading may pick one
    others = sorted(
        {
            line.text: votes[key(line)] for line in [old, *readings] if key(line) != key(best)
        }.items(),
        key=lambda tv: -tv[1],
    )
    return best.model_copy(update={"alternatives": [text for text, _ in others]}), sure


def _glyph_count(crop: np.ndarray, row_h: int) -> int | None:
    """How many CJK glyphs a name's crop holds, judged from its ink: runs of inked columns
    (glyphs closer than a quarter of the row's height are one run) divided by the glyph
    size, CJK glyphs being about square. None when the ink does not look like one line of
    CJK glyphs (the readings then say nothing about it: Latin letters are narrower)."""
    ink = _ink(crop)
    runs = _runs(np.flatnonzero(ink.sum(axis=0) >= 2), max(2, row_h // 4))
    extents = _extents(ink, runs)
    if not extents:
        return None
    em = max(extents)
    if not 0.6 * row_h <= em <= 1.4 * row_h:
        return None  # ink taller or shorter than the name's line: something else is in the crop
    widths = [b - a for (a, b), e in zip(runs, extents, strict=True) if e >= 0.5 * em]
    return sum(max(1, round(w / em)) for w in widths)


def _maybe_name(line: OcrLine, median_h: int) -> bool:
    """A short line much larger than the rest: on a business card, the person's name."""
    return line.box.h > 1.6 * median_h and len(line.text.replace(" ", "")) <= 6


#: glyphs of one printed line stand at most this far apart (in glyph heights; a full-width
#: space is one): ink nearer than this beside a line is more of it
GLYPH_GAP = 0.6


def _ink_reach(gray: np.ndarray, line: OcrLine, others: list[Box]) -> tuple[int, int]:
    """(x0, x1): how far the ink of ``line``'s row reaches either side of it across gaps of
    under ``GLYPH_GAP`` glyph heights: glyphs the page layout left out of the line (シニア
    before マネージャー, 部 after 購買). Ink is looked for across the middle half of the
    glyphs' height: a logo or a neighbour's descenders beside the line reach less into it
    (measured on the eval cards: across the whole height, logos joined company names). Other
    lines are not this line's ink, nor is a card's edge or a band the line is printed on.
    """
    box = line.box
    sizes = sorted(w.box.h for w in line.words)
    h = sizes[len(sizes) // 2]  # the glyphs' height (one tall box would make the line's)
    mid = box.y + box.h // 2
    y0, y1 = max(0, mid - h // 4), min(gray.shape[0], mid + h // 4 + 1)
    if y1 - y0 < 2:
        return box.x, box.right
    ink = _ink(gray[max(0, mid - h) : min(gray.shape[0], mid + h)])[y0 - max(0, mid - h) :][
        : y1 - y0
    ]
    if ink[:, box.x : box.right].mean() > 0.5:
        return box.x, box.right  # light print on a dark band: the band is the ink
    for o in others:
        if o.overlap_y(Box(x=0, y=y0, w=1, h=y1 - y0)) > 0:
            ink[:, max(0, o.x) : max(0, o.right)] = False
    inked = ink.sum(axis=0) >= 2
    gap_max = max(2, int(GLYPH_GAP * h))

    def last_ink(xs: range) -> int | None:
        last, gap = None, 0
        for x in xs:
            if inked[x]:
                last, gap = x, 0
            else:
                gap += 1
                if gap > gap_max:
                    break
        return last

    width = ink.shape[1]
    right, left = last_ink(range(box.right, width)), last_ink(range(box.x - 1, -1, -1))
    # ink running into the card's edge is the edge (or a band along it), not glyphs
    x1 = box.right if right is None or right >= width - 3 else right + 1
    x0 = box.x if left is None or left <= 2 else left
    # a scrap narrower than a third of a glyph is a speck or a stroke of a rule's end
    return (x0 if box.x - x0 >= h / 3 else box.x), (x1 if x1 - box.right >= h / 3 else box.right)


def _pad(box: Box) -> int:
    """The margin a line's crop keeps around it."""
    return max(4, box.h // 4)


def _row_band(
    gray: np.ndarray, box: Box, others: list[OcrLine], widen: bool
) -> tuple[int, int, int, int]:
    """(x0, y0, x1, y1): ``box``'s row, padded and, if ``widen``, widened sideways up to the
    nearest line that shares the row."""
    pad = _pad(box)
    y0, y1 = max(0, box.y - pad), min(gray.shape[0], box.bottom + pad)
    if not widen:
        return max(0, box.x - pad), y0, min(gray.shape[1], box.right + pad), y1
    # not into the card's edge, and not further than a few characters
    margin = gray.shape[1] // 50
    left = max(margin, box.x - WIDEN * box.h)
    right = min(gray.shape[1] - margin, box.right + WIDEN * box.h)
    band = Box(x=0, y=y0, w=gray.shape[1], h=y1 - y0)
    for o in others:
        if o.box.overlap_y(band) < 0.5 * min(o.box.h, box.h):
            continue
        if o.box.right <= box.x:
            left = max(left, o.box.right + pad)
        elif o.box.x >= box.right:
            right = min(right, o.box.x - pad)
    x0 = min(max(0, box.x - pad), max(0, int(left)))
    x1 = max(min(gray.shape[1], box.right + pad), min(gray.shape[1], int(right)))
    return x0, y0, x1, y1


def _read_one_line(
    crop: np.ndarray, engine: OcrEngine, k: float, x0: int, y0: int
) -> OcrLine | None:
    """Read a crop as one line (psm 7), then as a raw line (psm 13) and binarised if that
    is unsure; boxes are mapped back to the card's pixels. See :func:`better_reading` for
    which reading wins (a raw-line reading often drops or adds a word)."""
    best: OcrLine | None = None
    for psm in (7, 13):
        line = _read_words(crop, engine, k, x0, y0, psm)
        if line is not None and (best is None or better_reading(line, best)):
            best = line
        if best is not None and best.conf >= RAW_LINE_BELOW:
            break
    squeezed = None if best is not None and best.conf >= SURE_LINE else _squeezed(crop)
    if squeezed is not None:
        line = _read_words(squeezed[0], engine, k, x0, y0, 7, xmap=squeezed[1])
        # pushed together, glyphs of normal spacing come out as surely misread as right
        if line is not None and (
            best is None
            or line.conf > best.conf + SQUEEZED_MARGIN
            and len(line.text) >= 0.75 * len(best.text)
        ):
            best = line
    # light or thin print (a grey kana reading): Tesseract's own threshold loses strokes
    # that Otsu on the line alone keeps. Not for digits and addresses: binarised, their
    # misreads (0/9, 1/7) come out surer than the right reading (but a scrap of digits read
    # with next to no confidence is no number: ナカジマ アイ in thin print read as ルン 07)
    if best is not None and (
        best.conf >= SURE_LINE or not _CJK.search(best.text) or _numbers(best)
    ):
        return best
    binary = cv2.threshold(crop, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)[1]
    line = _read_words(binary, engine, k, x0, y0, 7)
    if line is not None and (best is None or better_reading(line, best)):
        best = line
    return best


#: a line read less surely than this says nothing of what it holds
NO_READING = 50


def _numbers(line: OcrLine) -> bool:
    """Whether ``line`` reads as a mail or web address or holds a number: surely, or with
    more than three digits (two digits read with next to no confidence are scraps)."""
    if re.search(r"[@/]", line.text):
        return True
    return bool(re.search(r"\d{2}", line.text)) and (
        line.conf >= NO_READING or len(re.findall(r"\d", line.text)) > 3
    )


#: glyphs set apart by more than this (in glyph heights) on average are spaced out
SPACED_OUT = 0.4
#: how much surer a reading of the glyphs pushed together must be to replace the other
SQUEEZED_MARGIN = 10.0


def _ink(gray: np.ndarray) -> np.ndarray:
    """Where ``gray`` is inked (True), by Otsu's threshold on it alone."""
    return cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)[1] > 0


def _runs(xs: np.ndarray, gap: int) -> list[list[int]]:
    """[start, end) runs of the sorted positions ``xs``, joined across gaps up to ``gap``."""
    runs: list[list[int]] = []
    for x in xs:
        if runs and x - runs[-1][1] <= gap:
            runs[-1][1] = int(x) + 1
        else:
            runs.append([int(x), int(x) + 1])
    return runs


def _extents(ink: np.ndarray, runs: list[list[int]]) -> list[int]:
    """The height of the ink in each run of columns (top of its highest ink to the bottom
    of its lowest)."""
    out = []
    for a, b in runs:
        rows = np.flatnonzero(ink[:, a:b].any(axis=1))
        out.append(int(rows[-1] - rows[0] + 1))
    return out


def _squeezed(crop: np.ndarray) -> tuple[np.ndarray, Callable[[int], int]] | None:
    """The crop with its glyphs pushed together, if it is a line of spaced-out CJK glyphs
    (a kana reading is often printed so: ナ カ ム ラ  リ ョ ウ), which Tesseract reads as
    scraps (2バーフ リョウ) and reads right once the glyphs sit at the usual distance; a
    gap much wider than the others (between family and given name) stays a space.

    Returns the image and the map from its x back to the crop's. None when the glyphs are
    not spaced out, or are not about square ones (Latin words).
    """
    ink = _ink(crop)
    inked = np.flatnonzero(ink.any(axis=0))
    strokes = _runs(inked, 2)
    if len(strokes) < 4:
        return None
    em = float(np.median(_extents(ink, strokes)))
    # the strokes of one glyph (リ, ハ) are closer than glyphs spaced out
    runs = _runs(inked, int(0.35 * em))
    if len(runs) < 4:
        return None
    gaps = [b[0] - a[1] for a, b in zip(runs, runs[1:], strict=False)]
    usual = float(np.median(gaps))
    if usual < SPACED_OUT * em or float(np.median([b - a for a, b in runs])) > 1.2 * em:
        return None
    pieces: list[np.ndarray] = []
    starts: list[tuple[int, int]] = []  # (x in the squeezed image, x in the crop)
    at = 0
    for i, (a, b) in enumerate(runs):
        if i:
            wide = gaps[i - 1] > 1.8 * usual
            space = np.full(
                (crop.shape[0], max(2, int(em * (0.6 if wide else 0.12)))), 255, np.uint8
            )
            pieces.append(space)
            at += space.shape[1]
        starts.append((at, a))
        pieces.append(crop[:, a:b])
        at += b - a
    pad = np.full((crop.shape[0], runs[0][0]), 255, np.uint8)
    image = np.hstack([pad, *pieces, pad])
    shift = runs[0][0]

    def back(x: int) -> int:
        x -= shift
        new, old = max((s for s in starts if s[0] <= x), default=starts[0])
        return old + x - new

    return image, back


def _read_words(
    crop: np.ndarray,
    engine: OcrEngine,
    k: float,
    x0: int,
    y0: int,
    psm: int,
    xmap: Callable[[int], int] | None = None,
) -> OcrLine | None:
    """One reading of a crop scaled by ``k`` from the card at (x0, y0), as one line; ``xmap``
    takes the reading's x back to the crop's when the crop was squeezed."""
    words = [w for a in engine.read(crop, lang="jpn", psm=psm) for w in a.words]
    # psm 13 gives every word the crop's height: sizes say nothing there; elsewhere a glyph's
    # size is judged by its ink (an unsure kanji's box is often far taller than the glyph)
    words = _trim_noise(_inked(words, crop), sizes=psm != 13)
    return make_line(_to_card(words, k, x0, y0, xmap)) if words else None


def _inked(words: list[OcrWord], crop: np.ndarray) -> list[OcrWord]:
    """``words`` with their boxes fitted to their ink: the run of inked rows in a word's
    columns that overlaps its box most. As a raw line (psm 13) every word gets the whole
    crop's height, and a word read unsure (a large kanji) often gets a box far taller than
    its glyph, or one that misses its top: blanked out of the crop of the line above, such
    a box would hide that line or leave bits of this one in it."""
    ink = _ink(crop)
    out = []
    for w in words:
        rows = _runs(
            np.flatnonzero(ink[:, w.box.x : w.box.right].any(axis=1)), max(2, w.box.h // 10)
        )
        top, bottom = max(
            rows,
            default=(w.box.y, w.box.bottom),
            key=lambda r: (min(r[1], w.box.bottom) - max(r[0], w.box.y), r[1] - r[0]),
        )
        if min(bottom, w.box.bottom) > max(top, w.box.y):
            w = OcrWord(
                text=w.text, conf=w.conf, box=Box(x=w.box.x, y=top, w=w.box.w, h=bottom - top)
            )
        out.append(w)
    return out


def _to_card(
    words: list[OcrWord], k: float, x0: int, y0: int, xmap: Callable[[int], int] | None = None
) -> list[OcrWord]:
    """The words of a crop's reading, their boxes mapped back to the card: the crop was cut
    at (x0, y0), scaled by ``k`` and, if ``xmap`` is given, squeezed sideways."""
    out = []
    for w in words:
        left, right = w.box.x, w.box.right
        if xmap is not None:
            left, right = xmap(left), max(xmap(left) + 1, xmap(right - 1) + 1)
        out.append(
            OcrWord(
                text=w.text,
                conf=w.conf,
                box=Box(
                    x=x0 + round(left / k),
                    y=y0 + round(w.box.y / k),
                    w=round((right - left) / k),
                    h=round(w.box.h / k),
                ),
            )
        )
    return out


def _crop_without(
    gray: np.ndarray, rect: tuple[int, int, int, int], others: list[Box]
) -> np.ndarray:
    """A copy of ``rect`` (x0, y0, x1, y1) of ``gray`` with other lines reaching into it
    blanked."""
    x0, y0, x1, y1 = rect
    crop = gray[y0:y1, x0:x1].copy()
    for b in others:
        ox0, oy0 = max(b.x, x0) - x0, max(b.y, y0) - y0
        ox1, oy1 = min(b.right, x1) - x0, min(b.bottom, y1) - y0
        if ox1 > ox0 and oy1 > oy0:
            crop[oy0:oy1, ox0:ox1] = 255
    return crop


def better_reading(new: OcrLine, old: OcrLine, margin: float = 3.0) -> bool:
    """Is ``new`` a better reading of the same text than ``old``: more confident without
    losing characters, or longer and about as confident."""
    t_new, t_old = new.text.replace(" ", ""), old.text.replace(" ", "")
    n_new, n_old = len(t_new), len(t_old)
    if n_new > n_old:
        # the same text and more: Tesseract's confidence in a rare kanji is often near 0
        # even when it is right (亮, 颯), so what was added is not held against it
        return t_old in t_new or new.conf >= old.conf - 8
    # shorter is fine when far surer: the old reading had read part of a glyph as scraps
    return new.conf > old.conf + margin and (n_new >= 0.75 * n_old or new.conf > old.conf + 20)


def _same_row(a: OcrLine, b: OcrLine) -> bool:
    """``b`` sits on ``a``'s row, close enough to be part of the same printed line."""
    return not b.vertical and a.box.same_row(b.box, max_gap=2.5 * a.box.h)


#: two lines whose boxes share this much of the smaller one's area read the same ink
SAME_INK = 0.3


def _same_ink(a: OcrLine, b: OcrLine) -> bool:
    """``b`` and ``a`` are two readings of the same glyphs, one of them scraps: the page
    layout cut a line's glyphs across into two stacked lines of nonsense (製造部 read as 第昌い
    over <ぶ電量), whose boxes overlap too much to sit on the same row. Blanked out of each
    other's crop, each would lose the glyphs' top or bottom."""
    if b.vertical or min(a.conf, b.conf) >= REACH_FROM:
        return False
    shared = max(0, a.box.overlap_x(b.box)) * max(0, a.box.overlap_y(b.box))
    return shared >= SAME_INK * min(a.box.w * a.box.h, b.box.w * b.box.h)


# --------------------------------------------------------------------------- test doubles
class RecordedEngine:
    """Replays OCR output recorded from a real engine (see ``record``), keyed by image hash.

    The recording keeps the version of the engine that produced it, so a test can say what
    it replays. Unknown images raise, rather than silently returning nothing.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        doc = json.loads(path.read_text(encoding="utf-8"))
        self._version = doc["engine_version"]
        self._pages = doc["pages"]

    @staticmethod
    def key(gray: np.ndarray, lang: str, psm: int) -> str:
        import hashlib

        return f"{hashlib.sha256(gray.tobytes()).hexdigest()[:16]}:{gray.shape}:{lang}:{psm}"

    def version(self) -> str:
        return self._version

    def read(self, gray: np.ndarray, *, lang: str, psm: int) -> list[OcrLine]:
        key = self.key(gray, lang, psm)
        if key not in self._pages:
            raise OcrError(f"no recorded OCR output for {key} in {self.path}")
        return [OcrLine.model_validate(x) for x in self._pages[key]]


class RecordingEngine:
    """Wraps a real engine and records what it returns, for :class:`RecordedEngine`."""

    def __init__(self, inner: OcrEngine) -> None:
        self.inner = inner
        self.pages: dict[str, list[dict]] = {}

    def version(self) -> str:
        return self.inner.version()

    def read(self, gray: np.ndarray, *, lang: str, psm: int) -> list[OcrLine]:
        lines = self.inner.read(gray, lang=lang, psm=psm)
        self.pages[RecordedEngine.key(gray, lang, psm)] = [x.model_dump() for x in lines]
        return lines

    def save(self, path: Path) -> None:
        doc = {"engine_version": self.version(), "pages": self.pages}
        path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
