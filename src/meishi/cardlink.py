"""Links to card images that cannot be guessed.

The review form shows a contact's card from the image endpoint. A link is
``/cards/<contact id>-<tag>`` where the tag is an HMAC-SHA-256 of the contact id under a key
that never leaves the data folder (``$MEISHI_HOME/card-links.key``, 32 random bytes, 0600):
knowing a contact id (they count up from 1) is not enough to fetch its card. Every process
that shares the data folder (the workers of a team, the image endpoint) shares the key.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import re
import secrets
from pathlib import Path

from meishi.errors import MeishiError

KEY_FILE = "card-links.key"
KEY_BYTES = 32
TAG_HEX = 32  # 128 bits
#: the largest id a database holds (a signed 64-bit integer)
MAX_ID = 2**63 - 1
_REF = re.compile(rf"([1-9][0-9]{{0,18}})-([0-9a-f]{{{TAG_HEX}}})")


def link_key(home: Path) -> bytes:
    """The data folder's link key, made on first use (atomically: two processes starting at
    once end up with the same key)."""
    path = home / KEY_FILE
    try:
        return _read_key(path)
    except FileNotFoundError:
        pass
    tmp = home / f".{KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(secrets.token_bytes(KEY_BYTES))
            fh.flush()
            os.fsync(fh.fileno())
        with contextlib.suppress(FileExistsError):  # another process made one meanwhile
            os.link(tmp, path)  # never replaces an existing key
    finally:
        tmp.unlink(missing_ok=True)
    return _read_key(path)


def _read_key(path: Path) -> bytes:
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    with os.fdopen(fd, "rb") as fh:
        key = fh.read(KEY_BYTES + 1)
    if len(key) != KEY_BYTES:
        raise MeishiError(
            f"{path} is not a card link key ({len(key)} bytes); delete it and "
            "meishi makes a new one (open review forms then need a new link)"
        )
    return key


def _tag(key: bytes, contact_id: int) -> str:
    return hmac.new(key, f"meishi-card:{contact_id}".encode(), hashlib.sha256).hexdigest()[:TAG_HEX]


def card_ref(key: bytes, contact_id: int) -> str:
    """The path segment that names a contact's card: ``12-<tag>``."""
    return f"{contact_id}-{_tag(key, contact_id)}"


def parse_card_ref(key: bytes, ref: str) -> int | None:
    """The contact id a link names, or None for anything malformed, out of range or forged."""
    m = _REF.fullmatch(ref)
    if m is None:
        return None
    contact_id = int(m.group(1))
    if contact_id > MAX_ID or not hmac.compare_digest(m.group(2), _tag(key, contact_id)):
        return None
    return contact_id


def card_image_url(base_url: str, home: Path, contact_id: int) -> str:
    """The URL the review form shows the card from."""
    return f"{base_url}/cards/{card_ref(link_key(home), contact_id)}"
