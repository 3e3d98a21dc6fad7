"""The inbox folder: scans are dropped in, claimed, and moved out only when settled.

Layout (all inside the inbox, so every move is an atomic rename on one file system)::

    inbox/2026-11-20_交流会/IMG_0412.jpg   dropped by the user
    inbox/.claimed/2026-11-20_交流会/IMG_0412.jpg   being processed
    inbox/processed/2026-11-20_交流会/IMG_0412.jpg  its contact is committed
    inbox/failed/2026-11-20_交流会/IMG_0412.jpg     quarantined, with IMG_0412.jpg.reason.txt

A claim is a rename, so two runs never take the same file. A file leaves ``.claimed`` only
after its contact is committed (or its failure recorded); a claim left behind by a crash is
picked up again by the next run, and the content hash keeps it from becoming two contacts.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

CLAIMED, PROCESSED, FAILED = ".claimed", "processed", "failed"
#: files still being written by a browser or a sync client
_PARTIAL_SUFFIXES = (".part", ".crdownload", ".tmp", ".download", ".partial")


@dataclass(frozen=True)
class Claim:
    inbox: Path
    rel: Path  # path relative to the inbox, e.g. 2026-11-20_交流会/IMG_0412.jpg

    @property
    def path(self) -> Path:
        return self.inbox / CLAIMED / self.rel

    @property
    def met_at(self) -> str | None:
        """The sub-folder the card was dropped in (e.g. ``2026-11-20_交流会``), if any."""
        return self.rel.parts[0] if len(self.rel.parts) > 1 else None

    def sha256(self) -> str:
        h = hashlib.sha256()
        with self.path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
        return h.hexdigest()


class Inbox:
    def __init__(self, root: Path, *, settle_s: float = 2.0) -> None:
        self.root = root
        self.settle_s = settle_s

    def ensure(self) -> None:
        for d in (self.root, self.root / CLAIMED, self.root / PROCESSED, self.root / FAILED):
            d.mkdir(parents=True, exist_ok=True)

    def pending(self) -> list[Path]:
        """Dropped files not yet claimed (hidden and half-written files are left alone)."""
        if not self.root.is_dir():
            return []
        now = time.time()
        out = []
        for dirpath, dirnames, filenames in os.walk(self.root):
            here = Path(dirpath)
            if here == self.root:
                dirnames[:] = [d for d in dirnames if d not in (CLAIMED, PROCESSED, FAILED)]
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in sorted(filenames):
                p = here / name
                if name.startswith(".") or name.lower().endswith(_PARTIAL_SUFFIXES):
                    continue
                try:
                    if now - p.stat().st_mtime < self.settle_s:
                        continue  # still being copied in
                except FileNotFoundError:
                    continue
                out.append(p)
        return out

    def claim_all(self) -> list[Claim]:
        """Claim every pending file, plus claims a crashed run left behind."""
        self.ensure()
        claims = [Claim(self.root, p.relative_to(self.root / CLAIMED))
                  for p in sorted((self.root / CLAIMED).rglob("*")) if p.is_file()]
        if claims:
            log.warning("resuming %d card(s) left claimed by an interrupted run", len(claims))
        for p in self.pending():
            claim = self.claim(p)
            if claim is not None:
                claims.append(claim)
        return claims

    def claim(self, path: Path) -> Claim | None:
        rel = path.relative_to(self.root)
        target = self.root / CLAIMED / rel
        if target.exists():
            rel = _free_name(self.root / CLAIMED, rel)
            target = self.root / CLAIMED / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.rename(path, target)
        except FileNotFoundError:
            return None  # another run claimed it first
        return Claim(self.root, rel)

    def release(self, claim: Claim) -> None:
        """Give a claimed file back to the inbox untouched (the fault was not the card's)."""
        dest = self.root / _free_name(self.root, claim.rel)
        dest.parent.mkdir(parents=True, exist_ok=True)
        os.replace(claim.path, dest)
        _prune_empty(claim.path.parent, self.root / CLAIMED)

    def processed(self, claim: Claim) -> Path:
        return self._settle(claim, PROCESSED)

    def failed(self, claim: Claim, reason: str) -> Path:
        dest = self._settle(claim, FAILED)
        reason_file = dest.with_name(dest.name + ".reason.txt")
        reason_file.write_text(reason.rstrip() + "\n", encoding="utf-8")
        return dest

    def _settle(self, claim: Claim, where: str) -> Path:
        rel = _free_name(self.root / where, claim.rel)
        dest = self.root / where / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        os.replace(claim.path, dest)
        _prune_empty(claim.path.parent, self.root / CLAIMED)
        return dest


def _free_name(base: Path, rel: Path) -> Path:
    """``rel``, or ``stem-2.ext``, ``stem-3.ext`` … if a different file already has the name."""
    if not (base / rel).exists():
        return rel
    n = 2
    while True:
        candidate = rel.with_name(f"{rel.stem}-{n}{rel.suffix}")
        if not (base / candidate).exists():
            return candidate
        n += 1


def _prune_empty(d: Path, stop: Path) -> None:
    while d != stop and d.is_relative_to(stop):
        try:
            d.rmdir()
        except OSError:
            return
        d = d.parent
