"""Cleanup: bytes → a flat, upright-ish, evenly lit greyscale card.

Steps: decode (EXIF orientation applied, size limits checked) → find the card outline in a
photo (or each card's in a flatbed scan of several) and warp it flat → deskew the text →
normalise size, shading and contrast.
Turning by 90/180/270 degrees needs the OCR engine to judge and lives in :mod:`meishi.ocr`.
"""

from __future__ import annotations

import hashlib
import io
import logging
import warnings
from collections.abc import Iterator
from datetime import datetime
from typing import NamedTuple

import cv2
import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from meishi.errors import ImageTooLargeError, NoTextFoundError, UnreadableImageError
from meishi.models import CardImage
from meishi.settings import Settings

log = logging.getLogger(__name__)

#: Long side of the cleaned card in pixels: a 91 mm card at ~14 px/mm, so 2.5 mm detail text
#: is ~35 px high, what Tesseract reads best (measured on sample_cards/eval: 1280 beat 1440
#: and 1600 in accuracy and speed).
TARGET_LONG_SIDE = 1280
_EXIF_DATETIME_ORIGINAL = 0x9003
_EXIF_DATETIME = 0x0132


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


#: a PDF (what document scanners write) is rendered at this resolution: 300 dpi draws a
#: 91 mm card ~1070 px wide, about what the cleanup scales it to anyway
PDF_DPI = 300
#: pages read from one PDF at most (a card scan is a few pages; a book is not a card)
MAX_PDF_PAGES = 50


def _check_file_size(data: bytes, source: str, settings: Settings) -> None:
    if not data:
        raise UnreadableImageError(f"{source}: the file is empty (0 bytes)")
    if len(data) > settings.max_file_bytes:
        raise ImageTooLargeError(
            f"{source}: the file is {len(data) / 1e6:.1f} MB, above the limit of "
            f"{settings.max_file_bytes / 1e6:.0f} MB (MEISHI_MAX_FILE_BYTES)"
        )


def decode_pages(
    data: bytes, source: str, settings: Settings
) -> list[tuple[np.ndarray, datetime | None]]:
    """Decode a file to BGR pages: one for an image, each page of a PDF."""
    return list(iter_pages(data, source, settings))


def iter_pages(
    data: bytes, source: str, settings: Settings
) -> Iterator[tuple[np.ndarray, datetime | None]]:
    """The BGR pages of a file, each decoded when it is asked for: a PDF of many big pages
    (a few KB can hold 50 pages of 60 MP each) never has them all in memory at once."""
    _check_file_size(data, source, settings)
    if data[:5] == b"%PDF-":
        yield from _pdf_pages(data, source, settings)
    else:
        yield decode(data, source, settings)


def decode(data: bytes, source: str, settings: Settings) -> tuple[np.ndarray, datetime | None]:
    """Decode image bytes to BGR with EXIF orientation applied; enforce size limits.

    Reads JPEG, PNG, TIFF, WebP, BMP and HEIC/HEIF; 16-bit greyscale is scaled to 8 bits and
    a transparent background becomes white (paper), not black.
    """
    _check_file_size(data, source, settings)
    _register_heif()
    # Pillow's own bomb guard follows ours, so a limit above its 89 MP default takes effect
    Image.MAX_IMAGE_PIXELS = settings.max_pixels
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img: Image.Image = Image.open(io.BytesIO(data))
            w, h = img.size
            if w * h > settings.max_pixels:
                raise _too_many_pixels(source, w, h, settings)
            taken_at = _exif_datetime(img)
            img = ImageOps.exif_transpose(img)
            img.load()
            rgb = _to_rgb(img)
    except ImageTooLargeError:
        raise
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        raise ImageTooLargeError(
            f"{source}: the image is too large to read safely ({exc}); the limit is "
            f"{settings.max_pixels / 1e6:.0f} megapixels (MEISHI_MAX_PIXELS)"
        ) from exc
    except UnidentifiedImageError as exc:
        raise UnreadableImageError(
            f"{source}: not an image meishi can read ({type(exc).__name__}); "
            "use JPEG, PNG, TIFF, WebP, BMP, HEIC or PDF"
        ) from exc
    except (OSError, ValueError, SyntaxError) as exc:
        raise UnreadableImageError(f"{source}: the image is corrupt or truncated ({exc})") from exc
    if min(rgb.shape[:2]) < 64:
        raise UnreadableImageError(
            f"{source}: the image is only {rgb.shape[1]}x{rgb.shape[0]} pixels; "
            "scan the card at 200 dpi or more"
        )
    if looks_like_noise(rgb):
        raise NoTextFoundError(
            f"{source}: the image is random noise, not a photo or scan of a card"
        )
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), taken_at


def _too_many_pixels(source: str, w: int, h: int, settings: Settings) -> ImageTooLargeError:
    return ImageTooLargeError(
        f"{source}: the image is {w}x{h} pixels, above the limit of "
        f"{settings.max_pixels / 1e6:.0f} megapixels (MEISHI_MAX_PIXELS)"
    )


def _register_heif() -> None:
    global _HEIF_READY
    if not _HEIF_READY:
        from pillow_heif import register_heif_opener

        register_heif_opener()
        _HEIF_READY = True


_HEIF_READY = False


def _to_rgb(img: Image.Image) -> np.ndarray:
    """8-bit RGB: 16-bit (and 32-bit) greyscale scaled down, not clipped to white;
    transparency laid on white paper."""
    if img.mode in ("I;16", "I;16L", "I;16B", "I;16N", "I", "F"):
        grey = np.asarray(img).astype(np.float32)
        top = float(grey.max()) if grey.size else 0.0
        # 16-bit data, or 12-bit data in 16-bit words (some scanners), or already 8-bit values
        full = 65535.0 if top > 4095 else 4095.0 if top > 255 else 255.0
        grey8 = np.clip(grey * (255.0 / full), 0, 255).astype(np.uint8)
        return np.repeat(grey8[:, :, None], 3, axis=2)
    if img.mode in ("RGBA", "LA", "PA", "La", "RGBa") or (
        img.mode == "P" and "transparency" in img.info
    ):
        rgba = img.convert("RGBA")
        paper = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return np.asarray(Image.alpha_composite(paper, rgba).convert("RGB"))
    return np.asarray(img.convert("RGB"))


def looks_like_noise(rgb: np.ndarray) -> bool:
    """Random noise, not a picture: neighbouring pixels of any photo or scan are alike (text
    strokes and paper are many pixels wide), those of noise are unrelated."""
    h, w = rgb.shape[:2]
    y, x = max(0, h // 2 - 256), max(0, w // 2 - 256)  # the middle, at full resolution
    crop = np.ascontiguousarray(rgb[y : y + 512, x : x + 512])
    g = cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY).astype(np.float32)
    if g.std() < 8:  # flat: blank, not noise (the OCR says "no text")
        return False
    a, b = g[:, :-1].ravel(), g[:, 1:].ravel()
    c, d = g[:-1, :].ravel(), g[1:, :].ravel()
    across = float(np.corrcoef(a, b)[0, 1])
    down = float(np.corrcoef(c, d)[0, 1])
    return max(across, down) < NOISE_MAX_CORRELATION


#: neighbour correlation below which an image is noise (measured: sample cards, photos and
#: flatbed scans >= 0.72 in the middle 512 px; uniform and Gaussian noise < 0.01)
NOISE_MAX_CORRELATION = 0.3


def _pdf_pages(
    data: bytes, source: str, settings: Settings
) -> Iterator[tuple[np.ndarray, datetime | None]]:
    """Each page of a PDF rendered at :data:`PDF_DPI` (less for a page so big it would pass
    ``MEISHI_MAX_PIXELS``), one at a time."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise UnreadableImageError(
            f"{source}: the PDF cannot be opened ({exc}); is it encrypted or damaged?"
        ) from exc
    try:
        n = len(pdf)
        if n == 0:
            raise UnreadableImageError(f"{source}: the PDF has no pages")
        if n > MAX_PDF_PAGES:
            raise ImageTooLargeError(
                f"{source}: the PDF has {n} pages; meishi reads card scans of at most "
                f"{MAX_PDF_PAGES} pages"
            )
        taken_at = _pdf_date(pdf)
        for i in range(n):
            page = pdf[i]
            try:
                w_pt, h_pt = page.get_size()
                scale = PDF_DPI / 72
                if w_pt * h_pt * scale * scale > settings.max_pixels:
                    scale = (settings.max_pixels / max(w_pt * h_pt, 1.0)) ** 0.5 * 0.99
                rgb = np.asarray(
                    page.render(scale=scale, fill_color=(255, 255, 255, 255))
                    .to_pil()
                    .convert("RGB")
                )
            finally:
                page.close()
            if min(rgb.shape[:2]) < 64:
                raise UnreadableImageError(f"{source}: page {i + 1} of the PDF is too small")
            bgr = cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)
            del rgb
            yield bgr, taken_at
            del bgr
    except pdfium.PdfiumError as exc:
        raise UnreadableImageError(f"{source}: the PDF cannot be rendered ({exc})") from exc
    finally:
        pdf.close()


def _pdf_date(pdf: object) -> datetime | None:
    try:
        raw = str(pdf.get_metadata_dict().get("CreationDate") or "")  # type: ignore[attr-defined]
        return datetime.strptime(raw.removeprefix("D:")[:14], "%Y%m%d%H%M%S") if raw else None
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def _exif_datetime(img: Image.Image) -> datetime | None:
    try:
        exif = img.getexif()
        raw = exif.get_ifd(0x8769).get(_EXIF_DATETIME_ORIGINAL) or exif.get(_EXIF_DATETIME)
        return datetime.strptime(str(raw), "%Y:%m:%d %H:%M:%S") if raw else None
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


# --------------------------------------------------------------------------- card finding
def _order_corners(pts: np.ndarray) -> np.ndarray:
    """Order 4 points as top-left, top-right, bottom-right, bottom-left."""
    pts = pts.reshape(4, 2).astype(np.float32)
    s = pts.sum(axis=1)
    d = np.diff(pts, axis=1).ravel()
    return np.array(
        [pts[np.argmin(s)], pts[np.argmin(d)], pts[np.argmax(s)], pts[np.argmax(d)]],
        dtype=np.float32,
    )


def _quad_from_contour(cnt: np.ndarray) -> np.ndarray | None:
    hull = cv2.convexHull(cnt)
    peri = cv2.arcLength(hull, True)
    for eps in (0.01, 0.02, 0.03, 0.05):
        approx = cv2.approxPolyDP(hull, eps * peri, True)
        if len(approx) == 4:
            return approx.reshape(4, 2).astype(np.float32)
    rect = cv2.minAreaRect(hull)
    if cv2.contourArea(hull) / max(rect[1][0] * rect[1][1], 1.0) > 0.85:
        return cv2.boxPoints(rect).astype(np.float32)
    return None


def _candidate_masks(small: np.ndarray) -> list[np.ndarray]:
    """Binary masks in which the card may be one big blob."""
    gray = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)
    blur = cv2.GaussianBlur(gray, (5, 5), 0)
    masks = []
    # 1. colour distance from the background, estimated on the image border
    lab = cv2.cvtColor(cv2.GaussianBlur(small, (7, 7), 0), cv2.COLOR_BGR2LAB).astype(np.float32)
    border = np.concatenate(
        [
            lab[:4].reshape(-1, 3),
            lab[-4:].reshape(-1, 3),
            lab[:, :4].reshape(-1, 3),
            lab[:, -4:].reshape(-1, 3),
        ]
    )
    dist = np.linalg.norm(lab - np.median(border, axis=0), axis=2)
    dist8 = (255 * dist / max(float(dist.max()), 1e-6)).astype(np.uint8)
    _, m = cv2.threshold(dist8, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    masks.append(m)
    # 2. brightness (a light card on a darker desk)
    _, m = cv2.threshold(blur, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    masks.append(m)
    # 3. edges (a white card on a white desk still has an outline or a shadow)
    edges = cv2.Canny(blur, 20, 60)
    edges = cv2.dilate(edges, np.ones((3, 3), np.uint8), iterations=2)
    masks.append(edges)
    k = np.ones((5, 5), np.uint8)
    # opening with a wide kernel cuts off thin things touching the card (a pen, a cable)
    thin = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (max(small.shape) // 40 | 1,) * 2)
    out = []
    for m in masks:
        m = cv2.morphologyEx(m, cv2.MORPH_CLOSE, k, iterations=2)
        out.append(m)
        out.append(cv2.morphologyEx(m, cv2.MORPH_OPEN, thin))
    return out


#: A card in a scan of several covers at least this share of the image (a 91×55 mm card on a
#: whole A4 bed is ~8 %).
MIN_CARD_SHARE = 0.03


def _fine_edges(bgr: np.ndarray, long_side: int = 1400) -> tuple[np.ndarray, float]:
    """Faint edges at a finer scale: a white card on a white scanner lid shows only a thin
    shadow line and a grey level or two of difference, lost at the coarse scale."""
    h, w = bgr.shape[:2]
    scale = min(1.0, long_side / max(h, w))
    gray = cv2.cvtColor(
        cv2.resize(bgr, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA),
        cv2.COLOR_BGR2GRAY,
    )
    edges = cv2.Canny(cv2.GaussianBlur(gray, (3, 3), 0), 8, 24)
    return cv2.morphologyEx(edges, cv2.MORPH_CLOSE, np.ones((3, 3), np.uint8), iterations=2), scale


class _Blob(NamedTuple):
    score: float  # the quad's area times how solidly the blob fills it
    quad: np.ndarray
    rank: int  # 0 for the largest blob of its mask
    share: float  # of the image


def _card_candidates(masks: list[np.ndarray], min_share: float, per_mask: int) -> list[_Blob]:
    """The solid, card-shaped blobs among the ``per_mask`` largest of each mask."""
    area = masks[0].shape[0] * masks[0].shape[1]
    found = []
    for mask in masks:
        contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        ranked = sorted(contours, key=cv2.contourArea, reverse=True)[:per_mask]
        for rank, cnt in enumerate(ranked):
            a = cv2.contourArea(cnt)
            if not min_share * area < a < 0.97 * area:
                continue
            quad = _quad_from_contour(cnt)
            if quad is None or not _plausible_card(quad):
                continue
            qa = cv2.contourArea(quad)
            fill = a / max(qa, 1.0)
            if fill < 0.85:
                continue  # a cluster of text or clutter, not a card's solid outline
            found.append(_Blob(qa * min(fill, 1.0), quad, rank, a / area))
    return found


def _outlined_cards(edges: np.ndarray, min_share: float) -> list[tuple[float, np.ndarray]]:
    """(area, quad) of card-shaped quads whose outline is mostly there in ``edges``.

    The outline of a white card on a white lid may break where its shadow is faintest, so a
    blob's hull is tried as the card and judged by how much of its outline is drawn.
    """
    area = edges.shape[0] * edges.shape[1]
    near = cv2.dilate(edges, np.ones((5, 5), np.uint8)) > 0
    # every contour, not only the outermost: a scanner's edge can frame the whole bed
    contours, _ = cv2.findContours(edges, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    hulls = sorted((cv2.convexHull(c) for c in contours), key=cv2.contourArea, reverse=True)
    found = []
    for hull in hulls[:24]:
        if cv2.contourArea(hull) <= min_share * area:
            break  # the rest are smaller still
        if cv2.contourArea(hull) >= 0.97 * area:
            continue  # the frame itself (a scan's edge)
        quad = _quad_from_contour(hull)
        if quad is None or not _plausible_card(quad):
            continue
        outline = np.zeros(edges.shape, np.uint8)
        cv2.polylines(outline, [quad.astype(np.int32)], True, 1, 1)
        if near[outline > 0].mean() >= 0.85:
            found.append((cv2.contourArea(quad), quad))
    return found


def _clear_around(edges: np.ndarray, quad: np.ndarray) -> bool:
    """Whether the band just outside ``quad`` is bare: a card lies on an empty bed, while a
    block of text inside a card has more text around it."""
    width = max(3, max(edges.shape) // 70)
    # only the quad's neighbourhood: the band reaches ``width`` pixels beyond it
    pts = quad.astype(np.int32)
    x, y, w, h = cv2.boundingRect(pts)
    x0, y0 = max(0, x - width - 1), max(0, y - width - 1)
    around = edges[y0 : y + h + width + 1, x0 : x + w + width + 1]
    inside = np.zeros(around.shape, np.uint8)
    cv2.fillConvexPoly(inside, pts - np.array([x0, y0], np.int32), 1)
    near = cv2.dilate(inside, np.ones((9, 9), np.uint8))
    band = (cv2.dilate(inside, np.ones((2 * width + 1,) * 2, np.uint8)) > 0) & (near == 0)
    return bool(band.any()) and float((around[band] > 0).mean()) < 0.02


def _overlap(a: np.ndarray, b: np.ndarray) -> float:
    """Share of the smaller quad's area that lies inside the other."""
    inter, _ = cv2.intersectConvexConvex(a.astype(np.float32), b.astype(np.float32))
    return float(inter) / max(min(cv2.contourArea(a), cv2.contourArea(b)), 1.0)


def _separate_cards(found: list[tuple[float, np.ndarray]], edges: np.ndarray) -> list[np.ndarray]:
    """Cards lying side by side: card-shaped quads of about one size, none inside another.

    A card with card-shaped panels printed on it gives one (the card).
    """
    chosen: list[np.ndarray] = []
    for _, quad in sorted(found, key=lambda f: -f[0]):
        if any(_overlap(quad, c) > 0.2 for c in chosen):
            continue  # the same card in another mask, or a panel inside a card
        if _clear_around(edges, quad):  # not a block of text inside a card
            chosen.append(quad)
    if not chosen:
        return []
    largest = max(cv2.contourArea(q) for q in chosen)
    return [q for q in chosen if cv2.contourArea(q) > 0.6 * largest]


def _reading_order(quads: list[np.ndarray]) -> list[np.ndarray]:
    """Rows from the top, each row from the left."""
    centres = [q.reshape(4, 2).mean(axis=0) for q in quads]
    height = float(np.median([cv2.boundingRect(q.astype(np.float32))[3] for q in quads]))
    order = sorted(
        range(len(quads)), key=lambda i: (round(centres[i][1] / max(height, 1.0)), centres[i][0])
    )
    return [quads[i] for i in order]


# --------------------------------------------------------------------------- tracing the outline
# A blob in a threshold or edge mask gives a card's place but rarely its exact outline in a
# photo: the blob leaks into a drop shadow, a pen touching the card or a desk of about the
# card's colour, or stops at a coloured band printed along the card's edge. A card's cut edges,
# though, are four straight, sharp steps in colour, so its outline is traced from straight
# lines instead: every card-shaped quad that two pairs of them form is judged by how much of
# its outline really lies on such an edge.

#: Lines that quads are built from: the longest after merging collinear segments (a card's
#: sides are among the longest straight edges in a photo of it; wood grain or a keyboard can
#: add a score of long ones).
_MAX_LINES = 32
#: A card's edge: across it the colour changes by at least this many levels per pixel (at the
#: 800-pixel working scale; paper noise and JPEG blocks stay well below) ...
_EDGE_STEP = 2.5
#: ... and at least this many times as steeply as a few pixels away (see _edge_support): a cut
#: edge is sharp, a soft drop shadow, vignetting or a light gradient changes over many pixels.
_EDGE_SHARPNESS = 2.0


def _colour_gradient(small: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """x and y gradient (levels per pixel) of the Lab channel that changes most at each pixel.

    Chroma counts double: a grey band against a wooden desk, or a coloured card on a cloth
    of its lightness, differs in colour far more than in lightness.
    """
    lab = cv2.cvtColor(cv2.GaussianBlur(small, (5, 5), 0), cv2.COLOR_BGR2LAB).astype(np.float32)
    lab[..., 1:] *= 2
    # a 3×3 Sobel kernel weighs a one-pixel step 8 times
    gx = cv2.Sobel(lab, cv2.CV_32F, 1, 0, ksize=3, scale=1 / 8)
    gy = cv2.Sobel(lab, cv2.CV_32F, 0, 1, ksize=3, scale=1 / 8)
    best_x, best_y = gx[..., 0], gy[..., 0]
    best = best_x * best_x + best_y * best_y
    for c in (1, 2):
        mag = gx[..., c] * gx[..., c] + gy[..., c] * gy[..., c]
        stronger = mag > best
        best = np.where(stronger, mag, best)
        best_x = np.where(stronger, gx[..., c], best_x)
        best_y = np.where(stronger, gy[..., c], best_y)
    return best_x, best_y


def _straight_segments(small: np.ndarray, min_len: float) -> np.ndarray:
    """Straight edge segments ``(x0, y0, x1, y1)`` at least ``min_len`` long, longest first,
    found by the line segment detector in the lightness and in the chroma of the image."""
    lab = cv2.cvtColor(cv2.GaussianBlur(small, (3, 3), 0), cv2.COLOR_BGR2LAB)
    ab = lab[..., 1:].astype(np.float32) - 128
    chroma = np.clip(2 * np.hypot(ab[..., 0], ab[..., 1]), 0, 255).astype(np.uint8)
    # quant 1 rather than 2 halves the gradient LSD starts from: a light grey card on a white
    # scanner lid, or a white card on white paper, steps by a dozen grey levels only
    lsd = cv2.createLineSegmentDetector(cv2.LSD_REFINE_STD, 0.8, 0.6, 1.0)
    found = [
        segs.reshape(-1, 4)
        for segs in (lsd.detect(lab[..., 0])[0], lsd.detect(chroma)[0])
        if segs is not None
    ]
    if not found:
        return np.zeros((0, 4), np.float32)
    segs = np.concatenate(found)
    length = np.hypot(segs[:, 2] - segs[:, 0], segs[:, 3] - segs[:, 1])
    keep = length >= min_len
    return segs[keep][np.argsort(-length[keep])]


def _edge_lines(
    segs: np.ndarray, tol: float = 2.0, max_angle: float = 2.5
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Collinear segments merged into lines: (unit normals, offsets, centres), the lines with
    the most segment length first (``normal · p = offset`` for a point ``p`` on the line).

    A card's side comes in pieces where a pen, a finger or a printed band interrupts it, and
    twice when a segment is found in lightness and in chroma. A segment joins the first line
    (longest first) that both its ends lie within ``tol`` pixels of, at under ``max_angle``
    degrees; each line is refitted to the moments of its segments.
    """
    sin_max = np.sin(np.radians(max_angle))
    normals = np.zeros((0, 2))
    offsets = np.zeros(0)
    moments: list[list] = []  # per line: [total length, first moment, second moment]
    for x0, y0, x1, y1 in segs.astype(np.float64):
        p0, p1 = np.array([x0, y0]), np.array([x1, y1])
        length = float(np.linalg.norm(p1 - p0))
        d = (p1 - p0) / length
        mid = (p0 + p1) / 2
        # the segment's moments as a uniform rod: its centre, spread along its direction
        m = [length, length * mid, length * (np.outer(mid, mid) + length**2 / 12 * np.outer(d, d))]
        hit = np.flatnonzero(
            (np.abs(normals @ d) < sin_max)
            & (np.abs(normals @ p0 - offsets) < tol)
            & (np.abs(normals @ p1 - offsets) < tol)
        )
        if len(hit):
            k = hit[0]
            for i in range(3):
                moments[k][i] = moments[k][i] + m[i]
            w, s1, s2 = moments[k]
            centre = s1 / w
            # the line's normal: the direction the segments spread least in
            normals[k] = np.linalg.eigh(s2 / w - np.outer(centre, centre))[1][:, 0]
            offsets[k] = normals[k] @ centre
        else:
            normals = np.vstack([normals, [-d[1], d[0]]])
            offsets = np.append(offsets, normals[-1] @ p0)
            moments.append(m)
    order = np.argsort([-m[0] for m in moments])
    centres = np.array([m[1] / m[0] for m in moments]).reshape(-1, 2)
    return normals[order], offsets[order], centres[order]


def _quads_from_lines(
    normals: np.ndarray,
    offsets: np.ndarray,
    centres: np.ndarray,
    shape: tuple[int, int],
    min_share: float,
) -> np.ndarray:
    """Every card-shaped quad (Q×4×2, corners clockwise) covering over ``min_share`` of the
    image whose sides lie on two pairs of the lines: each pair about parallel (perspective
    lets a card's opposite sides diverge), the pairs well apart in direction."""
    h, w = shape
    theta = np.arctan2(normals[:, 1], normals[:, 0]) % np.pi

    def angle(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        d = np.abs(a - b)
        return np.minimum(d, np.pi - d)

    i, j = np.triu_indices(len(normals), 1)
    apart = np.abs((normals[i] * centres[j]).sum(axis=1) - offsets[i])
    pair = (angle(theta[i], theta[j]) < np.radians(30)) & (apart > 0.08 * min(h, w))
    i, j = i[pair], j[pair]
    p, q = np.triu_indices(len(i), 1)
    cross = angle(theta[i[p]], theta[i[q]]) > np.radians(45)
    p, q = p[cross], q[cross]
    if not len(p):
        return np.zeros((0, 4, 2), np.float32)

    def meet(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        na, nb, ca, cb = normals[a], normals[b], offsets[a], offsets[b]
        det = na[:, 0] * nb[:, 1] - na[:, 1] * nb[:, 0]
        det = np.where(np.abs(det) < 1e-9, 1e-9, det)
        return np.stack(
            [(ca * nb[:, 1] - cb * na[:, 1]) / det, (na[:, 0] * cb - nb[:, 0] * ca) / det], axis=1
        )

    a, b, c, d = i[p], j[p], i[q], j[q]
    quads = np.stack([meet(a, c), meet(a, d), meet(b, d), meet(b, c)], axis=1)
    # a corner on the image's border may be where the card's edges leave the frame (a tight
    # scan), and whether they run on past it (see _runs_on) cannot be seen
    inside = (
        (quads[..., 0] >= 2)
        & (quads[..., 0] <= w - 3)
        & (quads[..., 1] >= 2)
        & (quads[..., 1] <= h - 3)
    ).all(axis=1)
    quads = quads[inside]
    edge = np.roll(quads, -1, axis=1) - quads
    turn = (
        edge[..., 0] * np.roll(edge, -1, axis=1)[..., 1]
        - edge[..., 1] * np.roll(edge, -1, axis=1)[..., 0]
    )
    nxt = np.roll(quads, -1, axis=1)
    area = np.abs((quads[..., 0] * nxt[..., 1] - nxt[..., 0] * quads[..., 1]).sum(axis=1)) / 2
    convex = (turn > 0).all(axis=1) | (turn < 0).all(axis=1)
    # all clockwise on screen (y grows downwards), the card's inside on each side's right
    quads[turn[:, 0] < 0] = quads[turn[:, 0] < 0, ::-1]
    quads = quads[convex & (area > min_share * h * w) & (area < 0.97 * h * w)]
    # card-shaped (as _plausible_card): sides 0 and 2 face each other, as do 1 and 3
    side = np.linalg.norm(np.roll(quads, -1, axis=1) - quads, axis=2)
    across, along = side[:, 0] + side[:, 2], side[:, 1] + side[:, 3]
    aspect = np.maximum(across, along) / np.maximum(np.minimum(across, along), 1e-6)
    skew02 = side[:, [0, 2]].max(axis=1) / np.maximum(side[:, [0, 2]].min(axis=1), 1e-6)
    skew13 = side[:, [1, 3]].max(axis=1) / np.maximum(side[:, [1, 3]].min(axis=1), 1e-6)
    card = (
        (side.min(axis=1) >= CARD_MIN_SIDE)
        & (aspect > CARD_ASPECT[0])
        & (aspect < CARD_ASPECT[1])
        & (skew02 < CARD_SKEW)
        & (skew13 < CARD_SKEW)
    )
    return quads[card].astype(np.float32)


def _edge_support(
    gx: np.ndarray, gy: np.ndarray, starts: np.ndarray, ends: np.ndarray, samples: int = 48
) -> np.ndarray:
    """The share of each segment ``starts[...] → ends[...]`` (the card's inside on its right,
    as on the sides of a quad going clockwise) that lies on a card's edge.

    A point lies on an edge when, within a pixel of it, the gradient across the segment (and
    not along it: text and wood grain run every way) is a step of ``_EDGE_STEP`` or more, and
    a sharp one: ``_EDGE_SHARPNESS`` times steeper than 4 pixels inside, where a card's paper
    is blank by its edge while lines of text go on, and than a change the same way 4 pixels
    outside, where a soft shadow's ramp goes on (the thin dark line a scanner draws along a
    card's edge changes the other way).
    """
    h, w = gx.shape
    d = ends - starts
    d = d / np.maximum(np.linalg.norm(d, axis=-1, keepdims=True), 1e-6)
    nx, ny = -d[..., 1:], d[..., :1]  # ...×1: the normal, pointing inwards
    t = np.linspace(0.04, 0.96, samples)
    px = starts[..., :1] + t * (ends - starts)[..., :1]
    py = starts[..., 1:] + t * (ends - starts)[..., 1:]
    across = []
    for off in range(-5, 6):  # the gradient across the segment from 5 pixels out to 5 in
        x = np.clip(np.rint(px + off * nx).astype(np.intp), 0, w - 1)
        y = np.clip(np.rint(py + off * ny).astype(np.intp), 0, h - 1)
        ax, ay = gx[y, x], gy[y, x]
        proj = ax * nx + ay * ny
        across.append(np.where(np.abs(proj) >= 0.9 * np.hypot(ax, ay), proj, 0))
    g = np.stack(across, axis=-1)  # ...×samples×11, offset 0 at index 5
    at = np.abs(g[..., 4:7]).argmax(axis=-1)[..., None] + 4  # within a pixel of the segment
    step = np.take_along_axis(g, at, -1)[..., 0]
    outside = np.take_along_axis(g, at - 4, -1)[..., 0] * np.sign(step)
    inside = np.abs(np.take_along_axis(g, at + 4, -1)[..., 0])
    step = np.abs(step)
    on_edge = (step >= _EDGE_STEP) & (step >= _EDGE_SHARPNESS * np.maximum(outside, inside))
    # of the part inside the image: an edge may leave the frame
    seen = (px >= 0) & (px <= w - 1) & (py >= 0) & (py <= h - 1)
    return (on_edge & seen).sum(axis=-1) / np.maximum(seen.sum(axis=-1), 3)


def _side_support(
    gx: np.ndarray, gy: np.ndarray, quads: np.ndarray, samples: int = 48
) -> np.ndarray:
    """Q×4: the share of each side of each (clockwise) quad that lies on a card's edge."""
    return _edge_support(gx, gy, quads, np.roll(quads, -1, axis=1), samples)


def _runs_on(gx: np.ndarray, gy: np.ndarray, quads: np.ndarray) -> np.ndarray:
    """Q×4: whether the edges either side of each side of each quad run on past its corners.

    A card's corner ends both its edges. Where the two edges beside a side go on beyond it,
    the side is a band, a panel or a rule printed on the card, crossing it from edge to edge.
    """
    ends = np.roll(quads, -1, axis=1)
    d = ends - quads
    reach = np.maximum(0.1 * np.linalg.norm(d, axis=-1, keepdims=True), 8.0)
    d = d / np.maximum(np.linalg.norm(d, axis=-1, keepdims=True), 1e-6)
    # side k runs from corner k to k + 1: side k - 1 goes on past corner k, side k + 1 back
    # past corner k + 1
    before = np.roll(d, 1, axis=1)
    after = np.roll(d, -1, axis=1)
    past_start = _edge_support(gx, gy, quads, quads + np.roll(reach, 1, axis=1) * before, 12)
    past_end = _edge_support(gx, gy, ends - np.roll(reach, -1, axis=1) * after, ends, 12)
    return (past_start >= 0.5) & (past_end >= 0.5)


def _traced_card(small: np.ndarray, min_share: float) -> np.ndarray | None:
    """The card's outline (in ``small`` pixels) traced along straight, sharp edges; None when
    no card-shaped quad has its outline drawn well enough.

    Of the quads whose every side lies mostly on an edge (a pen or a finger may hide part of
    one), the one with the longest outline on edges wins: a band printed along the card's
    edge, a rule or a panel inside the card make smaller quads, a soft shadow beside it is no
    sharp edge.
    """
    segs = _straight_segments(small, 0.02 * max(small.shape[:2]))
    if len(segs) < 4:
        return None
    normals, offsets, centres = (a[:_MAX_LINES] for a in _edge_lines(segs))
    quads = _quads_from_lines(normals, offsets, centres, small.shape[:2], min_share)
    if not len(quads):
        return None
    gx, gy = _colour_gradient(small)
    # lines of text make thousands of quads: a first look at a quarter of the points drops
    # those far from being drawn
    rough = _side_support(gx, gy, quads, 12)
    quads = quads[(rough.min(axis=1) >= 0.3) & (rough.mean(axis=1) >= 0.6)]
    if not len(quads):
        return None
    support = _side_support(gx, gy, quads)
    sides = np.linalg.norm(np.roll(quads, -1, axis=1) - quads, axis=2)
    drawn = (sides * support).sum(axis=1)
    good = (support.min(axis=1) >= 0.5) & (drawn >= 0.75 * sides.sum(axis=1))
    good[good] = ~_runs_on(gx, gy, quads[good]).any(axis=1)
    if not good.any():
        return None
    return quads[np.argmax(np.where(good, drawn, -1.0))]


#: A card covering this share of the image or more is a scan (or a close-up held square): no
#: perspective to undo, and the OCR reads the scan's own frame better than the card cut to
#: its traced outline (measured on the scans of sample_cards/eval: 2 to 5 points more fields
#: right; the cut card comes out a few per cent larger).
FRAME_FILLING = 0.8


def find_card_quads(bgr: np.ndarray) -> list[np.ndarray]:
    """Corners (in ``bgr`` pixels) of each business card in the image, in reading order.

    One quad for a photo of a card, several for a flatbed scan of several cards, none when
    the image is the card itself.
    """
    h, w = bgr.shape[:2]
    scale = 800.0 / max(h, w)
    small = cv2.resize(bgr, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA)
    blobs = _card_candidates(_candidate_masks(small), MIN_CARD_SHARE, per_mask=8)
    fine, fine_scale = _fine_edges(bgr)
    to_fine = fine_scale / scale
    several = _separate_cards(
        [(b.score * to_fine**2, b.quad * to_fine) for b in blobs]
        + _outlined_cards(fine, MIN_CARD_SHARE),
        fine,
    )
    several = [q / to_fine for q in several]
    if len(several) >= 2:
        return _reading_order([q / scale for q in several])
    # one card, as a photo shows it: its outline traced along straight edges
    traced = _traced_card(small, 0.12)
    area = small.shape[0] * small.shape[1]
    ink = _text_ink(small)
    if traced is not None and cv2.contourArea(traced) < FRAME_FILLING * area:
        if not _text_left_out(ink, traced):
            # the working image's pixel (i, j) covers the photo's from i / scale to
            # (i + 1) / scale
            return [(traced + 0.5) / scale - 0.5]
        log.debug("the outline traced leaves the text out: a panel printed on the card")
    # else (a scan) the best of the three largest blobs of each mask covering over 12 % of it
    single = [(b.score, b.quad) for b in blobs if b.rank < 3 and b.share > 0.12]
    single = [f for f in single if not _text_left_out(ink, f[1])]
    if not single:
        # a small card alone on a large bed (a card on A4 covers ~8 %)
        return [q / scale for q in several if cv2.contourArea(q) < 0.12 * area][:1]
    quad = max(single, key=lambda f: f[0])[1] / scale
    # a quad hugging the whole frame is the scan itself
    if cv2.contourArea(quad) > 0.93 * h * w:
        return []
    return [quad]


#: A card's text lies on the card: an outline that leaves more than this share of the
#: image's text-like ink outside it is a coloured panel or band printed on the card (its
#: edges are sharper than the card's own on a light desk or in a small render). On the dev
#: and held-out sets the card outlines found leave at most 42 % out (a card on a printed
#: page or a desk with things on it), the panels taken for cards 67-86 %.
TEXT_LEFT_OUT = 0.6


def _text_ink(small: np.ndarray) -> np.ndarray:
    """Dark, thin marks on a lighter ground (text, rules, logos) in the working image, as 0/1,
    leaving out a frame of 3 % where a photo's edge may cut through things."""
    gray = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)
    stroke = cv2.getStructuringElement(cv2.MORPH_RECT, (15, 15))
    ink = (cv2.morphologyEx(gray, cv2.MORPH_BLACKHAT, stroke) > 40).astype(np.uint8)
    b = max(1, round(0.03 * max(small.shape[:2])))
    ink[:b], ink[-b:], ink[:, :b], ink[:, -b:] = 0, 0, 0, 0
    return ink


def _text_left_out(ink: np.ndarray, quad: np.ndarray) -> bool:
    inside = np.zeros_like(ink)
    cv2.fillPoly(inside, [np.rint(quad).astype(np.int32)], 1)
    total = int(ink.sum())
    return total > 0 and int((ink & (1 - inside)).sum()) > TEXT_LEFT_OUT * total


#: a card's shape: no side shorter than this (pixels), the long sides this many times the short
#: ones (ISO/JIS business cards are 1.65; other formats and perspective widen the range), and
#: opposite sides at most this many times each other's length (perspective)
CARD_MIN_SIDE = 20
CARD_ASPECT = (1.2, 2.3)
CARD_SKEW = 1.6


def _plausible_card(quad: np.ndarray) -> bool:
    tl, tr, br, bl = _order_corners(quad)
    top, bottom = np.linalg.norm(tr - tl), np.linalg.norm(br - bl)
    left, right = np.linalg.norm(bl - tl), np.linalg.norm(br - tr)
    if min(top, bottom, left, right) < CARD_MIN_SIDE:
        return False
    aspect = max(top + bottom, left + right) / min(top + bottom, left + right)
    return bool(
        CARD_ASPECT[0] < aspect < CARD_ASPECT[1]
        and max(top, bottom) / min(top, bottom) < CARD_SKEW
        and max(left, right) / min(left, right) < CARD_SKEW
    )


def warp_card(bgr: np.ndarray, quad: np.ndarray) -> np.ndarray:
    tl, tr, br, bl = corners = _order_corners(quad)
    width = (np.linalg.norm(tr - tl) + np.linalg.norm(br - bl)) / 2
    height = (np.linalg.norm(bl - tl) + np.linalg.norm(br - tr)) / 2
    k = TARGET_LONG_SIDE / max(width, height)
    W, H = round(width * k), round(height * k)
    dst = np.array([[0, 0], [W - 1, 0], [W - 1, H - 1], [0, H - 1]], dtype=np.float32)
    M = cv2.getPerspectiveTransform(corners, dst)
    return cv2.warpPerspective(
        bgr, M, (W, H), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE
    )


# --------------------------------------------------------------------------- normalising
def resize_long_side(img: np.ndarray, target: int = TARGET_LONG_SIDE) -> np.ndarray:
    h, w = img.shape[:2]
    k = target / max(h, w)
    if abs(k - 1) < 0.05:
        return img
    interp = cv2.INTER_CUBIC if k > 1 else cv2.INTER_AREA
    return cv2.resize(img, (round(w * k), round(h * k)), interpolation=interp)


def skew_angle(gray: np.ndarray) -> float:
    """Skew of the text in degrees (positive = counter-clockwise), 0 when unsure."""
    _, ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    angles: list[float] = []
    weights: list[float] = []
    unit = max(gray.shape) // 100
    for kernel in ((unit * 3, 1), (1, unit * 3)):
        blobs = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, np.ones(kernel[::-1], np.uint8))
        contours, _ = cv2.findContours(blobs, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        for cnt in contours:
            (_, _), (rw, rh), ang = cv2.minAreaRect(cnt)
            long_, short = max(rw, rh), min(rw, rh)
            if short < 4 or long_ < 6 * short or long_ > 0.95 * max(gray.shape):
                continue
            # OpenCV ≥4.5 reports angles in (0, 90]; fold to the deviation from an axis
            a = ang if rw >= rh else ang - 90
            a = (a + 45) % 90 - 45
            angles.append(a)
            weights.append(long_)
    if len(angles) < 3:
        return 0.0
    order = np.argsort(angles)
    cum = np.cumsum(np.asarray(weights)[order])
    median = float(np.asarray(angles)[order][np.searchsorted(cum, cum[-1] / 2)])
    # image rows grow downwards, so minAreaRect's angle is clockwise: flip to the usual sense
    return -median if 0.3 <= abs(median) <= 15 else 0.0


def rotate_small(img: np.ndarray, angle: float) -> np.ndarray:
    h, w = img.shape[:2]
    M = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(img, M, (w, h), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE)


def invert_dark_regions(gray: np.ndarray) -> np.ndarray:
    """Light text on a dark band or panel turned into dark text on light.

    A region's ground is the median of its neighbourhood (text covers well under half of
    it); where that ground is much darker than the card's paper, the region is inverted.
    """
    h, w = gray.shape
    f = 4
    small = cv2.resize(gray, (max(1, w // f), max(1, h // f)), interpolation=cv2.INTER_AREA)
    k = max(3, min(small.shape) // 8) | 1
    ground = cv2.medianBlur(small, k)
    paper = float(np.percentile(ground, 90))
    dark = (ground < min(paper * 0.55, paper - 80)).astype(np.uint8)
    if dark.mean() < 0.01:
        return gray
    opened = cv2.morphologyEx(dark, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
    mask = cv2.resize(opened, (w, h), interpolation=cv2.INTER_NEAREST).astype(bool)
    out = gray.copy()
    out[mask] = 255 - gray[mask]
    return out


def normalise_light(gray: np.ndarray) -> np.ndarray:
    """Flatten uneven light (shadows, vignetting) and stretch contrast."""
    k = max(gray.shape) // 25 | 1
    background = cv2.morphologyEx(
        gray, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
    )
    background = cv2.GaussianBlur(background, (k, k), 0)
    # only divide out the light when it really varies: division also erases dark bands
    if np.percentile(background, 95) - np.percentile(background, 5) > 40:
        flat = cv2.divide(gray, np.maximum(background, 1), scale=255)
    else:
        flat = gray
    lo, hi = np.percentile(flat, (1, 99.5))
    if hi - lo < 48:
        return flat  # a blank surface: stretching it would turn noise into "text"
    return np.clip((flat.astype(np.float32) - lo) * (255.0 / (hi - lo)), 0, 255).astype(np.uint8)


def part_sha256(file_sha256: str, part: int) -> str:
    """The identity of the ``part``-th card (from 1) of a scan that holds several: the file's
    hash is the identity of a scan of one card."""
    return sha256_bytes(f"{file_sha256}#{part}".encode())


def clean(data: bytes, source: str, settings: Settings) -> list[CardImage]:
    """Decode an image and clean each card in it (several for a flatbed scan of several
    cards), in reading order. Raises :class:`UnreadableImageError`."""
    sha = sha256_bytes(data)
    pages = iter_pages(data, source, settings)
    bgr, taken_at = next(pages)
    quads = find_card_quads(bgr)
    following = next(pages, None)
    if following is None and len(quads) <= 1:
        return [_clean_card(bgr, quads[0] if quads else None, source, sha, taken_at)]
    # several cards: in a scan of several, or on the pages of a PDF. Each page is cut into
    # its cards and let go before the next is rendered (a PDF may hold 50 pages of 60 MP)
    cards: list[CardImage] = []
    none: list[np.ndarray | None] = [None]  # a page where no outline is found: the whole page
    while True:
        for q in quads or none:
            part = len(cards) + 1
            cards.append(
                _clean_card(bgr, q, f"{source}#{part}", part_sha256(sha, part), taken_at, part)
            )
        del bgr
        if following is None:
            break
        bgr, taken_at = following
        quads = find_card_quads(bgr)
        following = next(pages, None)
    log.info("%s: %d cards in one file", source, len(cards))
    return cards


def _clean_card(
    bgr: np.ndarray,
    quad: np.ndarray | None,
    source: str,
    sha: str,
    taken_at: datetime | None,
    part: int | None = None,
) -> CardImage:
    card = warp_card(bgr, quad) if quad is not None else resize_long_side(bgr)
    gray = cv2.cvtColor(card, cv2.COLOR_BGR2GRAY)
    angle = skew_angle(gray)
    if angle:
        log.debug("%s: text skewed by %.2f°, turning it back", source, angle)
        card = rotate_small(card, -angle)
        gray = cv2.cvtColor(card, cv2.COLOR_BGR2GRAY)
    region = None
    if quad is not None:
        x, y, w, h = cv2.boundingRect(quad.astype(np.float32))
        region = (x, y, w, h)
    return CardImage(
        source=source,
        sha256=sha,
        image=normalise_light(invert_dark_regions(gray)),
        color=card,
        found_card=quad is not None,
        region=region,
        part=part,
        taken_at=taken_at,
    )


def encode_png(img: np.ndarray) -> bytes:
    ok, buf = cv2.imencode(".png", img)
    if not ok:  # pragma: no cover - OpenCV only fails on empty arrays
        raise UnreadableImageError("could not encode the card image")
    return buf.tobytes()


#: the stored card image: long side and WebP quality a reviewer reads small print at
#: (a 1280 px card is ~45 KB at 80, against ~0.9 MB as PNG)
CARD_IMAGE_LONG_SIDE = 1280
CARD_IMAGE_QUALITY = 80


def encode_card(img: np.ndarray) -> bytes:
    """The card image as stored for the review: WebP, long side at most 1280 px."""
    if max(img.shape[:2]) > CARD_IMAGE_LONG_SIDE:
        img = resize_long_side(img, CARD_IMAGE_LONG_SIDE)
    ok, buf = cv2.imencode(".webp", img, [cv2.IMWRITE_WEBP_QUALITY, CARD_IMAGE_QUALITY])
    if not ok:  # pragma: no cover - OpenCV only fails on empty arrays
        raise UnreadableImageError("could not encode the card image")
    return buf.tobytes()
