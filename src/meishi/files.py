"""Reading a dropped file safely: only regular files, never a read that can block or run away.

An inbox is written by scanners, sync clients and people; it may hold a symbolic link to
``/dev/zero``, a FIFO nobody writes to, a socket or a device node. Opening any of those the
ordinary way can block forever (a FIFO) or never end (``/dev/zero``). So a file is looked at
with ``lstat`` first, opened without following links and without blocking, checked again on
the open descriptor, and read with a bound.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from meishi.errors import ImageTooLargeError, UnreadableImageError

_KINDS = (
    (stat.S_ISLNK, "a symbolic link"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISDIR, "a folder"),
)


def kind(mode: int) -> str | None:
    """What a non-regular file is (``"a FIFO (named pipe)"`` …), or None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    for test, name in _KINDS:
        if test(mode):
            return name
    return "not a regular file"


def not_a_card(source: str, what: str) -> UnreadableImageError:
    return UnreadableImageError(
        f"{source}: is {what}, not a file; only regular image or PDF files are read "
        "(copy the scan itself into the inbox)"
    )


@contextmanager
def open_regular(path: Path, source: str | None = None) -> Iterator[int]:
    """An open, read-only descriptor of ``path``, which must be a regular file.

    Symbolic links, FIFOs, sockets and devices raise :class:`UnreadableImageError` without
    ever being opened in a way that could block.
    """
    source = source or str(path)
    try:
        what = kind(os.lstat(path).st_mode)
    except OSError as exc:
        raise UnreadableImageError(f"{source}: cannot be read ({exc.strerror})") from exc
    if what:
        raise not_a_card(source, what)
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:  # replaced by a link or a FIFO since the lstat (ELOOP, ENXIO …)
        raise UnreadableImageError(f"{source}: cannot be read ({exc.strerror})") from exc
    try:
        what = kind(os.fstat(fd).st_mode)
        if what:
            raise not_a_card(source, what)
        yield fd
    finally:
        os.close(fd)


def read_bounded(path: Path, limit: int, source: str | None = None) -> bytes:
    """The bytes of the regular file ``path``, refusing more than ``limit`` bytes (the file
    may grow while it is read: the bound holds on what is read, not on the size seen)."""
    source = source or str(path)
    with open_regular(path, source) as fd:
        size = os.fstat(fd).st_size
        if size > limit:
            raise _too_large(source, size, limit)
        chunks: list[bytes] = []
        got = 0
        while True:
            try:
                chunk = os.read(fd, min(1 << 20, limit + 1 - got))
            except OSError as exc:
                raise UnreadableImageError(f"{source}: cannot be read ({exc.strerror})") from exc
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
            if got > limit:
                raise _too_large(source, got, limit)
        return b"".join(chunks)


def sha256_file(path: Path, source: str | None = None, limit: int | None = None) -> str:
    """The SHA-256 of a regular file, read in chunks through :func:`open_regular`; a file
    of more than ``limit`` bytes is refused before it is read."""
    import hashlib

    source = source or str(path)
    h = hashlib.sha256()
    got = 0
    with open_regular(path, source) as fd:
        if limit is not None and (size := os.fstat(fd).st_size) > limit:
            raise _too_large(source, size, limit)
        while chunk := os.read(fd, 1 << 20):
            h.update(chunk)
            got += len(chunk)
            if limit is not None and got > limit:
                raise _too_large(source, got, limit)
    return h.hexdigest()


def _too_large(source: str, size: int, limit: int) -> ImageTooLargeError:
    return ImageTooLargeError(
        f"{source}: the file is {size / 1e6:.1f} MB, above the limit of "
        f"{limit / 1e6:.0f} MB (MEISHI_MAX_FILE_BYTES)"
    )
