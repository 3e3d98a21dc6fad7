"""The hostile corpus, built by the tests themselves: cards, special files, long and odd
names, truncated and growing files, PDF, HEIC, 16-bit, transparent, bomb and noise."""

from __future__ import annotations

import io
import os
import socket
import struct
import zlib
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
LONG_NAME = "株式会社" * 20 + "名刺"  # 82 Japanese characters: 246 bytes, 250 with .jpg


def card(
    name: str = "山田 太郎",
    company: str = "株式会社ミドリ精機",
    tel: str = "TEL 03-5210-7788",
    size: tuple[int, int] = (1092, 660),
    mode: str = "RGB",
) -> Image.Image:
    """A plain business card: black text on white."""
    img = Image.new("RGB", size, "white")
    d = ImageDraw.Draw(img)
    for (text, px), y in zip([(company, 40), (name, 72), (tel, 28)], (60, 160, 320), strict=True):
        d.text((60, y), text, font=ImageFont.truetype(FONT, px, index=0), fill="black")
    return img.convert(mode) if mode != "RGB" else img


def on_desk(img: Image.Image, pad: int = 120, colour: str = "#5a4632") -> Image.Image:
    """The card photographed on a dark desk (so the outline is found)."""
    out = Image.new("RGB", (img.width + 2 * pad, img.height + 2 * pad), colour)
    out.paste(img, (pad, pad))
    return out


def encoded(img: Image.Image, fmt: str, **kw: object) -> bytes:
    buf = io.BytesIO()
    img.save(buf, fmt, **kw)
    return buf.getvalue()


def grey16(img: Image.Image) -> Image.Image:
    """A 16-bit greyscale copy (what many scanners write for 'grey, 16 bit')."""
    a = np.asarray(img.convert("L")).astype(np.uint16) * 257
    img16 = Image.fromarray(a)
    assert img16.mode.startswith("I;16"), img16.mode
    return img16


def transparent(img: Image.Image) -> Image.Image:
    """The card's text on a fully transparent background (a 'removed background' export)."""
    a = np.asarray(img.convert("L"))
    rgba = np.zeros((*a.shape, 4), np.uint8)
    rgba[..., 3] = 255 - a  # ink opaque, paper transparent; colour channels all black
    return Image.fromarray(rgba)


def bomb_png(side: int = 20000) -> bytes:
    """A small PNG that decodes to side x side pixels (400 MP by default): a decompression
    bomb."""
    raw = zlib.compress(b"\0" * (1 + side // 8) * side, 9)  # 1-bit rows of zeros

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        )

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0))
        + chunk(b"IDAT", raw)
        + chunk(b"IEND", b"")
    )


def noise(w: int = 1200, h: int = 800, seed: int = 0) -> Image.Image:
    rng = np.random.default_rng(seed)
    return Image.fromarray(rng.integers(0, 256, (h, w, 3), dtype=np.uint8))


def pdf(pages: list[Image.Image], dpi: int = 300) -> bytes:
    buf = io.BytesIO()
    pages[0].save(buf, "PDF", resolution=dpi, save_all=True, append_images=pages[1:])
    return buf.getvalue()


def heic(img: Image.Image, *, orientation: int | None = None, taken: str | None = None) -> bytes:
    """An iPhone-style HEIC with EXIF orientation and date."""
    import pillow_heif  # not registered with Pillow here: meishi has to do that itself

    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    if taken:
        exif.get_ifd(0x8769)[0x9003] = taken
    buf = io.BytesIO()
    pillow_heif.from_pillow(img).save(buf, quality=90, exif=exif.tobytes())
    return buf.getvalue()


def special_files(inbox: Path) -> dict[str, str]:
    """Drop every kind of non-regular file; returns name → the kind the reason must name."""
    made = {}
    os.symlink("/dev/zero", inbox / "zero.jpg")
    made["zero.jpg"] = "symbolic link"
    os.mkfifo(inbox / "pipe.png")
    made["pipe.png"] = "FIFO"
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(inbox / "sock.jpg"))
    sock.close()
    made["sock.jpg"] = "socket"
    os.symlink("/etc", inbox / "etc-link")
    made["etc-link"] = "symbolic link"
    try:
        os.mknod(inbox / "null.jpg", 0o600 | 0o020000, os.makedev(1, 3))  # like /dev/null
        made["null.jpg"] = "character device"
    except PermissionError:
        pass  # not root: the other kinds still stand for it
    return made
