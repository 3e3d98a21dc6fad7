"""Which form of a name kanji the card prints (山﨑 or 山崎, 𠮷田 or 吉田, 濵田 or 濱田): the
ink against each form as Noto CJK draws it.

Names are often printed in a variant form a stroke or two apart from the common one
(:data:`meishi.charclass.NAME_VARIANTS`). PP-OCR's character set has no 﨑, 𠮷 or 濵, so it
reads the common form; a reading printed on the card fits both. The shapes still differ
where the forms differ: 立 or 大 at the top right of 﨑 / 崎, the longer bar of 士 or 土 at the
top of 𠮷 / 吉. For a glyph PP-OCR read as one form of a group, this module compares the ink
in its cell with each form, rendered in four Noto CJK faces (sans and serif, regular and
bold), *only where the forms differ*: how close the ink comes to the strokes that only one
form has. A form is chosen when it is clearly closer in most faces and the ink matches the
glyph at all (a cell cut wrong matches nothing well).

The rendered forms ship as ``variant_glyphs.npz`` beside this module (Noto CJK is under
the SIL Open Font License), so reading needs no fonts; ``python -m meishi.ocr.variants``
renders them again from the Debian ``fonts-noto-cjk`` files.

The verdict is not applied to the line's text: a variant form is a name's (川崎市 stays
崎), so extraction uses it for the name only (``OcrLine.ink_forms``), and the name stays
flagged for its owner to check.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np

from meishi.charclass import NAME_NEW_FORMS, NAME_VARIANT_MISREADS, NAME_VARIANTS
from meishi.errors import MissingDependencyError
from meishi.models import Box
from meishi.ocr.tuning import TUNING

#: the rendered forms, one per face and character
TEMPLATES = Path(__file__).with_name("variant_glyphs.npz")
#: the faces they are rendered in (Debian fonts-noto-cjk), index 0 of each collection: JP
NOTO_FACES = (
    "NotoSansCJK-Regular.ttc",
    "NotoSansCJK-Bold.ttc",
    "NotoSerifCJK-Regular.ttc",
    "NotoSerifCJK-Bold.ttc",
)
_FONT_DIRS = ("/usr/share/fonts/opentype/noto", "/usr/share/fonts")
#: cells are compared at this size (px, square)
CELL = 48
#: a stroke only one form has lies this far (px at CELL) from every stroke of the other
_APART = 2.0


def _groups() -> tuple[frozenset[str], ...]:
    """NAME_VARIANTS as groups of forms (崎 﨑; 辺 邉 邊). The forms PP-OCR itself writes
    for the common one (惠 for 恵: NAME_NEW_FORMS) are left to that table."""
    biased = set(NAME_NEW_FORMS) | set(NAME_NEW_FORMS.values())
    groups: list[set[str]] = []
    for common, variants in NAME_VARIANTS.items():
        forms = {common, *variants}
        if forms & biased:
            continue
        for g in [g for g in groups if g & forms]:
            forms |= g
            groups.remove(g)
        groups.append(forms)
    return tuple(frozenset(g) for g in groups)


GROUPS = _groups()
#: every glyph the ink is compared for: the forms of each group, and the glyphs PP-OCR
#: reads a variant it lacks as (渡 for 濵: NAME_VARIANT_MISREADS)
FORMS = frozenset().union(*GROUPS) | set(NAME_VARIANT_MISREADS)


def group_of(ch: str) -> frozenset[str]:
    return next((g for g in GROUPS if ch in g), frozenset())


def others(read: str) -> frozenset[str]:
    """The forms a glyph read as ``read`` may stand for."""
    return (group_of(read) | set(NAME_VARIANT_MISREADS.get(read, ""))) - {read}


def normalise(ink: np.ndarray) -> np.ndarray | None:
    """Ink (non-zero) cropped to its bounding box, centred in a square, at CELL px."""
    ys, xs = np.nonzero(ink)
    if len(ys) == 0:
        return None
    ink = ink[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]
    h, w = ink.shape
    side = max(h, w)
    square = np.zeros((side, side), np.uint8)
    y0, x0 = (side - h) // 2, (side - w) // 2
    square[y0 : y0 + h, x0 : x0 + w] = np.where(ink > 0, 255, 0)
    return (cv2.resize(square, (CELL, CELL), interpolation=cv2.INTER_AREA) > 100).astype(np.uint8)


def _distance(ink: np.ndarray) -> np.ndarray:
    """Each pixel's distance to the nearest ink."""
    return cv2.distanceTransform((ink == 0).astype(np.uint8), cv2.DIST_L2, 3)


@dataclass(frozen=True)
class _Form:
    ink: np.ndarray  # CELL x CELL, 0/1
    near: np.ndarray  # distance to its ink


@lru_cache(maxsize=1)
def _templates() -> dict[str, list[_Form | None]]:
    """Each form's glyph in each face (None where a face lacks it)."""
    try:
        data = np.load(TEMPLATES)
    except (OSError, ValueError) as exc:
        raise MissingDependencyError(
            f"the name-variant shapes {TEMPLATES.name} cannot be read ({exc}): reinstall "
            "meishi, or in a clone run `python -m meishi.ocr.variants`"
        ) from exc
    chars = [str(c) for c in data["chars"]]
    has = data["has"]
    bits = np.unpackbits(data["ink"], axis=-1)[..., : CELL * CELL]
    out: dict[str, list[_Form | None]] = {}
    for k, ch in enumerate(chars):
        forms: list[_Form | None] = []
        for f in range(has.shape[0]):
            ink = bits[f, k].reshape(CELL, CELL)
            forms.append(_Form(ink, _distance(ink)) if has[f, k] else None)
        out[ch] = forms
    return out


def check() -> str:
    """What the shipped shapes hold; raises MissingDependencyError when they are missing."""
    forms = _templates()
    faces = max((len(v) for v in forms.values()), default=0)
    if set(forms) != FORMS:
        raise MissingDependencyError(
            f"{TEMPLATES.name} holds other forms than NAME_VARIANTS names: "
            "run `python -m meishi.ocr.variants`"
        )
    return f"name-variant shapes: {len(forms)} forms in {faces} faces"


def glyph_cell(grey: np.ndarray, glyph: Box, line: Box, vertical: bool) -> np.ndarray | None:
    """The ink of one glyph of a line, normalised: a square cell as wide as the line is
    tall (a column: as tall as it is wide) around the glyph's centre, with the ink blobs
    that lie mostly inside it (a neighbour's stroke that reaches in is left out)."""
    whole = grey[line.y : line.bottom, line.x : line.right]
    if whole.size == 0:
        return None
    level, _ = cv2.threshold(whole, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    if vertical:
        # a column's box can take in a neighbour (the reading printed beside the name): the
        # cell is no larger than the glyph's step down the column, across at its ink's centre
        side = min(line.w, glyph.h)
        span = grey[glyph.y : glyph.bottom, line.x : line.right] <= level
        across = span.sum(axis=0)
        cx = line.x + (
            float(np.average(np.arange(len(across)), weights=across))
            if across.any()
            else line.w / 2
        )
        cy = glyph.y + glyph.h / 2
    else:
        side = line.h
        cx, cy = glyph.x + glyph.w / 2, line.y + line.h / 2
    # blobs are found in a wider window, so one the cell cuts is seen whole
    h, w = grey.shape[:2]
    wx0, wy0 = max(0, int(cx - side)), max(0, int(cy - side))
    window = grey[wy0 : min(h, int(cy + side)), wx0 : min(w, int(cx + side))]
    ink = (window <= level).astype(np.uint8)
    half = TUNING.variant_cell * side / 2
    x0, x1 = int(cx - half) - wx0, int(cx + half) - wx0
    y0, y1 = int(cy - half) - wy0, int(cy + half) - wy0
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    keep = np.zeros_like(ink)
    for i in range(1, n):
        bx, by, bw, bh, area = (int(v) for v in stats[i])
        if area < 3 or bw > 1.3 * side or bh > 1.3 * side:
            continue
        inside = max(0, min(bx + bw, x1) - max(bx, x0)) * max(0, min(by + bh, y1) - max(by, y0))
        if inside >= TUNING.variant_blob_inside * bw * bh:
            keep[labels == i] = 1
    return normalise(keep[max(0, y0) : max(0, y1), max(0, x0) : max(0, x1)])


@dataclass(frozen=True)
class Evidence:
    """How a glyph's ink compares with one other form of its group."""

    form: str
    fit: float  # mean distance between the ink and this form in its nearest face (px at CELL)
    closer: float  # mean over faces: how much nearer the ink comes to this form's own strokes
    faces: float  # the share of faces in which it does


def compare(cell: np.ndarray, read: str, other: str) -> Evidence | None:
    """The ink of ``cell`` (normalised) against ``read`` and ``other``, face by face, on the
    strokes one form has and the other does not."""
    forms = _templates()
    if read not in forms or other not in forms:
        return None
    near = _distance(cell)
    ink = cell > 0
    gains, fits = [], []
    for a, b in zip(forms[read], forms[other], strict=True):
        if a is None or b is None:
            continue
        only_a = (a.ink > 0) & (b.near > _APART)
        only_b = (b.ink > 0) & (a.near > _APART)
        fits.append((near[b.ink > 0].mean() + b.near[ink].mean()) / 2)
        if only_a.sum() + only_b.sum() < 5:
            continue
        # the ink's distance to the strokes only ``read`` has, less that to ``other``'s own
        miss_a = float(near[only_a].mean()) if only_a.any() else 0.0
        miss_b = float(near[only_b].mean()) if only_b.any() else 0.0
        gains.append(miss_a - miss_b)
    if not gains:
        return None
    return Evidence(
        form=other,
        fit=float(min(fits)),
        closer=float(np.mean(gains)),
        faces=float(np.mean([g > 0 for g in gains])),
    )


def form_by_ink(cell: np.ndarray | None, read: str) -> str | None:
    """The other form of ``read``'s group the ink shows clearly, if any."""
    if cell is None:
        return None
    best: Evidence | None = None
    for other in sorted(others(read)):
        ev = compare(cell, read, other)
        if (
            ev is not None
            and ev.fit <= TUNING.variant_fit
            and ev.closer >= TUNING.variant_closer
            and ev.faces >= TUNING.variant_faces
            and (best is None or ev.closer > best.closer)
        ):
            best = ev
    return best.form if best else None


def render(faces: list[Path]) -> dict[str, np.ndarray]:
    """The forms of every group drawn in ``faces``: the arrays of ``variant_glyphs.npz``."""
    from PIL import Image, ImageDraw, ImageFont

    chars = sorted(FORMS)
    size = 128
    has = np.zeros((len(faces), len(chars)), bool)
    ink = np.zeros((len(faces), len(chars), CELL * CELL), np.uint8)
    for f, face in enumerate(faces):
        font = ImageFont.truetype(str(face), size, index=0)

        def draw(ch: str, font: ImageFont.FreeTypeFont = font) -> np.ndarray:
            im = Image.new("L", (size * 2, size * 2))
            ImageDraw.Draw(im).text((size // 4, size // 4), ch, font=font, fill=255)
            return np.asarray(im) > 127

        missing = draw("\U000f0001")  # a private-use code point: the face's "no glyph" box
        for k, ch in enumerate(chars):
            drawn = draw(ch)
            cell = None if np.array_equal(drawn, missing) else normalise(drawn.astype(np.uint8))
            if cell is not None:
                has[f, k] = True
                ink[f, k] = cell.reshape(-1)
    return {
        "chars": np.array(chars),
        "faces": np.array([p.name for p in faces]),
        "has": has,
        "ink": np.packbits(ink, axis=-1),
    }


def find_faces() -> list[Path]:
    out = []
    for name in NOTO_FACES:
        hit = next((p for d in _FONT_DIRS for p in sorted(Path(d).rglob(name))), None)
        if hit is None:
            raise SystemExit(f"{name} not found: apt-get install fonts-noto-cjk")
        out.append(hit)
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Render the name-variant glyphs meishi ships.")
    parser.add_argument("--out", type=Path, default=TEMPLATES)
    args = parser.parse_args(argv)
    arrays = render(find_faces())
    np.savez_compressed(
        args.out, chars=arrays["chars"], faces=arrays["faces"], has=arrays["has"], ink=arrays["ink"]
    )
    print(f"{args.out}: {len(FORMS)} forms in {len(NOTO_FACES)} faces")


if __name__ == "__main__":
    main()
