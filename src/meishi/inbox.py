"""The inbox folder: scans are dropped in, claimed, and moved out only when settled.

Layout (all inside the inbox, so every move is an atomic rename on one file system)::

    inbox/2026-11-20_交流会/IMG_0412.jpg   dropped by the user
    inbox/.claimed/run-4711-9f3a/2026-11-20_交流会/IMG_0412.jpg   being processed by one run
    inbox/processed/2026-11-20_交流会/IMG_0412.jpg  its contact is committed
    inbox/failed/2026-11-20_交流会/IMG_0412.jpg     quarantined, with IMG_0412.jpg.reason.txt

A claim is a rename into the claiming run's own folder under ``.claimed``, so two runs never
take the same file. Each run holds an exclusive ``flock`` on ``.lock`` in its folder for as
long as it lives; the kernel drops that lock when the process ends, however it ends (even
``kill -9``). A file leaves ``.claimed`` only after its contact is committed (or its failure
recorded); the claims of a run whose lock is free (it crashed) are taken over by the next
run, and the content hash keeps them from becoming two contacts. The claims of a run that
is still alive are never touched.

Only regular files are cards: a symbolic link, FIFO, socket or device dropped in the inbox is
claimed (a rename never opens it) and quarantined by the flow with its reason. A file is
claimed once it has settled (neither written nor renamed for ``settle_s``); a file that
grows after it was quarantined (a copy that paused, then went on) is given another try.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import logging
import os
import secrets
import stat
import time
from dataclasses import dataclass
from pathlib import Path

from meishi import files

log = logging.getLogger(__name__)

CLAIMED, PROCESSED, FAILED = ".claimed", "processed", "failed"
REASON_SUFFIX = ".reason.txt"
#: files still being written by a browser or a sync client
_PARTIAL_SUFFIXES = (".part", ".crdownload", ".tmp", ".download", ".partial")
_LOCK = ".lock"
_RUN_PREFIX, _NEW_PREFIX = "run-", ".new-"
#: longest file name (bytes) on Linux file systems
NAME_MAX = 255


@dataclass(frozen=True)
class Claim:
    inbox: Path
    rel: Path  # path relative to the inbox, e.g. 2026-11-20_交流会/IMG_0412.jpg
    run: str = ""  # the claiming run's folder under .claimed ("" only for claims of old releases)

    @property
    def path(self) -> Path:
        return self.inbox / CLAIMED / self.run / self.rel

    @property
    def met_at(self) -> str | None:
        """The sub-folder the card was dropped in (e.g. ``2026-11-20_交流会``), if any."""
        return self.rel.parts[0] if len(self.rel.parts) > 1 else None

    def sha256(self, limit: int | None = None) -> str:
        """The content hash; raises :class:`UnreadableImageError` for anything but a regular
        file (a FIFO, a link to /dev/zero …), without opening it in a way that can block, and
        :class:`ImageTooLargeError` for a file of more than ``limit`` bytes."""
        return files.sha256_file(self.path, str(self.rel), limit)


class _Lease:
    """This run's claim folder, held by an exclusive flock for the life of the process."""

    def __init__(self, claimed: Path) -> None:
        name = f"{_RUN_PREFIX}{os.getpid()}-{secrets.token_hex(4)}"
        fresh = claimed / f"{_NEW_PREFIX}{name}"
        fresh.mkdir(mode=0o700)
        self.fd = -1
        self.fd = os.open(fresh / _LOCK, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        # only a locked folder gets the name other runs look at: none can take it for dead
        os.rename(fresh, claimed / name)
        self.name = name
        self.dir = claimed / name

    def __del__(self) -> None:
        if self.fd >= 0:  # dropped without close(): as if the process had ended
            os.close(self.fd)

    def close(self) -> None:
        """Give the folder up; it is removed when no claim is left in it."""
        if self.fd < 0:
            return
        if not any(p.name != _LOCK for p in self.dir.iterdir()):
            try:
                (self.dir / _LOCK).unlink()
                self.dir.rmdir()
            except OSError:
                pass
        os.close(self.fd)
        self.fd = -1


class Inbox:
    def __init__(self, root: Path, *, settle_s: float = 2.0) -> None:
        self.root = root
        self.settle_s = settle_s
        self._lease: _Lease | None = None

    def ensure(self) -> None:
        for d in (self.root, self.root / CLAIMED, self.root / PROCESSED, self.root / FAILED):
            d.mkdir(parents=True, exist_ok=True)

    def close(self) -> None:
        """End this run's lease (the process ending does the same)."""
        if self._lease is not None:
            self._lease.close()
            self._lease = None

    def __enter__(self) -> Inbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def lease(self) -> _Lease:
        if self._lease is None:
            self.ensure()
            self._lease = _Lease(self.root / CLAIMED)
        return self._lease

    def pending(self) -> list[Path]:
        """Dropped entries not yet claimed: settled regular files, and anything that is not
        a regular file (it is claimed to be quarantined). Hidden and half-written files are
        left alone."""
        if not self.root.is_dir():
            return []
        now = time.time()
        out = []
        for dirpath, dirnames, filenames in os.walk(self.root):
            here = Path(dirpath)
            if here == self.root:
                dirnames[:] = [d for d in dirnames if d not in (CLAIMED, PROCESSED, FAILED)]
            # a link to a folder is not walked into: it is quarantined like any other link
            links = [d for d in dirnames if not d.startswith(".") and (here / d).is_symlink()]
            dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d not in links)
            for name in sorted([*filenames, *links]):
                p = here / name
                if name.startswith(".") or name.lower().endswith(_PARTIAL_SUFFIXES):
                    continue
                try:
                    st = os.lstat(p)
                except FileNotFoundError:
                    continue
                # ctime too: it moves on every write and rename, even when a copy sets an old mtime
                if now - max(st.st_mtime, st.st_ctime) < self.settle_s:
                    continue  # still being copied in
                out.append(p)
        return out

    def claim_all(self) -> list[Claim]:
        """Claim every pending file, plus the claims of runs that died; never a claim of a
        run that is still alive."""
        self.ensure()
        self._retry_grown()
        taken = self._recover()
        if taken:
            log.warning("resuming %d card(s) left claimed by an interrupted run", taken)
        for p in self.pending():
            self.claim(p)
        return self._held()

    def _held(self) -> list[Claim]:
        lease = self.lease
        out = []
        for dirpath, dirs, filenames in os.walk(lease.dir):
            links = [d for d in dirs if (Path(dirpath) / d).is_symlink()]
            for name in [*filenames, *links]:
                p = Path(dirpath) / name
                if p.parent == lease.dir and name == _LOCK:
                    continue
                out.append(Claim(self.root, p.relative_to(lease.dir), lease.name))
        return sorted(out, key=lambda c: c.rel)

    def claim(self, path: Path) -> Claim | None:
        rel = path.relative_to(self.root)
        lease = self.lease
        rel = _free_name(lease.dir, utf8_name(rel))
        target = lease.dir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.rename(path, target)
        except FileNotFoundError:
            return None  # another run claimed it first
        return Claim(self.root, rel, lease.name)

    def _recover(self) -> int:
        """Move the claims of dead runs (their lock is free) into this run's folder."""
        claimed = self.root / CLAIMED
        lease = self.lease
        taken = 0
        for entry in sorted(claimed.iterdir()):
            if entry.name == lease.name or entry.name == _LOCK:
                continue
            if (
                entry.name.startswith((_RUN_PREFIX, _NEW_PREFIX))
                and entry.is_dir()
                and not entry.is_symlink()
            ):
                taken += self._take_over(entry)
            else:  # a claim left by a release without run folders
                taken += self._adopt(entry, Path(entry.name))
        return taken

    def _take_over(self, run_dir: Path) -> int:
        try:
            fd = os.open(run_dir / _LOCK, os.O_RDWR | os.O_CLOEXEC | os.O_NOFOLLOW)
        except FileNotFoundError:
            fd = -1  # its owner is closing it, or it never got its lock
        except OSError:
            return 0
        try:
            if fd >= 0:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except OSError as exc:
                    if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN):
                        return 0  # a live run holds it
                    raise
            elif (
                run_dir.name.startswith(_NEW_PREFIX) and time.time() - run_dir.stat().st_mtime < 60
            ):
                return 0  # just being made by a starting run
            taken = 0
            for child in sorted(run_dir.iterdir()):
                if child.name != _LOCK:
                    taken += self._adopt(child, Path(child.name))
            try:
                (run_dir / _LOCK).unlink(missing_ok=True)
                _prune_empty(run_dir, self.root / CLAIMED)
            except OSError:
                pass
            return taken
        finally:
            if fd >= 0:
                os.close(fd)

    def _adopt(self, src: Path, rel: Path) -> int:
        """Move an entry of a dead run (a file or a folder of them) into this run's folder."""
        if src.is_dir() and not src.is_symlink():
            n = sum(self._adopt(child, rel / child.name) for child in sorted(src.iterdir()))
            _prune_empty(src, self.root / CLAIMED)
            return n
        lease = self.lease
        dest_rel = _free_name(lease.dir, rel)
        (lease.dir / dest_rel).parent.mkdir(parents=True, exist_ok=True)
        try:
            os.rename(src, lease.dir / dest_rel)
        except FileNotFoundError:
            return 0  # another run took it over first
        return 1

    def _retry_grown(self) -> None:
        """Give a quarantined file that changed after it was quarantined (a copy that paused
        and went on, a file replaced) back to the inbox, to be read again once settled."""
        failed = self.root / FAILED
        for reason in sorted(failed.rglob(f"*{REASON_SUFFIX}")):
            card = reason.with_name(reason.name[: -len(REASON_SUFFIX)])
            try:
                st, why = os.lstat(card), os.stat(reason)
            except FileNotFoundError:
                continue
            if not stat.S_ISREG(st.st_mode) or st.st_mtime_ns <= why.st_mtime_ns:
                continue
            dest = self.root / _free_name(self.root, card.relative_to(failed))
            dest.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.rename(card, dest)  # a rename: of two runs doing this, one wins
            except FileNotFoundError:
                continue
            reason.unlink(missing_ok=True)
            log.warning(
                "%s changed after it was quarantined: it is read again", card.relative_to(failed)
            )

    def release(self, claim: Claim) -> None:
        """Give a claimed file back to the inbox untouched (the fault was not the card's)."""
        _move(claim.path, self.root, claim.rel)
        _prune_empty(claim.path.parent, self.root / CLAIMED / claim.run)

    def processed(self, claim: Claim) -> Path:
        return self._settle(claim, PROCESSED)

    def failed(self, claim: Claim, reason: str) -> Path:
        dest = self._settle(claim, FAILED)
        reason_file = dest.with_name(dest.name + REASON_SUFFIX)
        fd = os.open(reason_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(reason.rstrip() + "\n")
        return dest

    def _settle(self, claim: Claim, where: str) -> Path:
        dest = _move(claim.path, self.root / where, claim.rel)
        _prune_empty(claim.path.parent, self.root / CLAIMED / claim.run)
        return dest


def utf8_name(rel: Path) -> Path:
    """``rel`` with each part a UTF-8 name. A zip or a share from Windows writes names in
    Shift_JIS: bytes that are no UTF-8 can be neither stored, nor logged, nor shown, so the
    claim renames them to their bytes written out (``名刺.png`` in Shift_JIS becomes
    ``\\x96\\xbc\\x8eh.png``)."""
    return Path(*(os.fsencode(part).decode("utf-8", "backslashreplace") for part in rel.parts))


def fit_name(name: str, reserve: int = len(REASON_SUFFIX)) -> str:
    """``name``, shortened if needed so that it and ``reserve`` more bytes (the
    ``.reason.txt`` beside a quarantined file) fit in a file name of 255 bytes.

    A shortened name keeps its extension and ends its stem with ``~`` and 8 hex digits of the
    full name's hash, so two long names that differ only at their end stay two names.
    """
    limit = NAME_MAX - reserve
    if len(name.encode()) <= limit:
        return name
    stem, dot, ext = name.rpartition(".")
    suffix = f".{ext}" if dot and stem and len(ext.encode()) <= 16 else ""
    if not suffix:
        stem = name
    tag = "~" + hashlib.sha256(name.encode()).hexdigest()[:8]
    room = limit - len(tag.encode()) - len(suffix.encode())
    cut = stem.encode()[:room].decode("utf-8", errors="ignore")  # never half a character
    return f"{cut}{tag}{suffix}"


def _free_name(base: Path, rel: Path) -> Path:
    """``rel`` (shortened to fit), or ``stem-2.ext``, ``stem-3.ext`` … if a different file
    already has the name."""
    first = rel.with_name(fit_name(rel.name))
    if not os.path.lexists(base / first):
        return first
    n = 2
    stem, suffix = Path(rel.name).stem, Path(rel.name).suffix
    while True:
        candidate = rel.with_name(fit_name(f"{stem}-{n}{suffix}"))
        if not os.path.lexists(base / candidate):
            return candidate
        n += 1


def _move(src: Path, base: Path, rel: Path) -> Path:
    """Move ``src`` to ``base/rel`` (or a free name beside it) without ever replacing a file
    another run put there meanwhile: a hard link fails if the name is taken. Raises
    FileNotFoundError if ``src`` is gone."""
    while True:
        dest = base / _free_name(base, rel)
        dest.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(src, dest, follow_symlinks=False)
        except FileExistsError:
            continue  # taken between the look and the link: the next free name
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.EXDEV, errno.EMLINK, errno.ENOTSUP):
                raise
            os.rename(src, dest)  # a file system without hard links
            return dest
        os.unlink(src)
        return dest


def _prune_empty(d: Path, stop: Path) -> None:
    while d != stop and d.is_relative_to(stop):
        try:
            d.rmdir()
        except OSError:
            return
        d = d.parent
