"""The inbox: claim, settle, quarantine, resume after a crash."""

from __future__ import annotations

import os
import time

from meishi.inbox import CLAIMED, FAILED, PROCESSED, Inbox


def _drop(root, rel, data=b"card"):
    p = root / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(data)
    return p


def test_claim_moves_files_and_keeps_the_event_folder(tmp_path):
    box = Inbox(tmp_path, settle_s=0)
    _drop(tmp_path, "2026-11-20_交流会/IMG_0412.jpg")
    _drop(tmp_path, "loose.png")
    claims = box.claim_all()
    assert sorted(str(c.rel) for c in claims) == ["2026-11-20_交流会/IMG_0412.jpg", "loose.png"]
    assert {c.met_at for c in claims} == {"2026-11-20_交流会", None}
    assert not (tmp_path / "loose.png").exists()
    assert all(c.path.is_file() and CLAIMED in c.path.parts for c in claims)
    # a second run sees nothing new
    # a second run finds only the unsettled claims again, nothing twice
    assert sorted(box.claim_all(), key=str) == sorted(claims, key=str)


def test_settled_files_leave_the_claim_folder(tmp_path):
    box = Inbox(tmp_path, settle_s=0)
    _drop(tmp_path, "event/a.jpg")
    _drop(tmp_path, "event/b.jpg")
    a, b = sorted(box.claim_all(), key=lambda c: c.rel)
    done = box.processed(a)
    bad = box.failed(b, "unreadable_image: not an image")
    assert done == tmp_path / PROCESSED / "event/a.jpg" and done.read_bytes() == b"card"
    assert bad == tmp_path / FAILED / "event/b.jpg"
    assert (tmp_path / FAILED / "event/b.jpg.reason.txt").read_text().startswith("unreadable_image")
    box.close()  # the run ends: its claim folder goes with it
    assert list((tmp_path / CLAIMED).rglob("*")) == []
    assert box.claim_all() == []


def test_same_name_dropped_again_is_not_overwritten(tmp_path):
    box = Inbox(tmp_path, settle_s=0)
    _drop(tmp_path, "a.jpg", b"first")
    box.processed(box.claim_all()[0])
    _drop(tmp_path, "a.jpg", b"second")
    box.processed(box.claim_all()[0])
    assert (tmp_path / PROCESSED / "a.jpg").read_bytes() == b"first"
    assert (tmp_path / PROCESSED / "a-2.jpg").read_bytes() == b"second"


def test_hidden_partial_and_fresh_files_wait(tmp_path):
    _drop(tmp_path, ".DS_Store")
    _drop(tmp_path, "photo.jpg.part")
    _drop(tmp_path, "photo.crdownload")
    _drop(tmp_path, "old.jpg")
    time.sleep(1.2)
    _drop(tmp_path, "still-copying.jpg")
    # an old modification time (as `cp -p` sets it) does not make a file settled: it was
    # written just now, which its change time tells
    past = time.time() - 60
    os.utime(_drop(tmp_path, "copied-with-old-mtime.jpg"), (past, past))
    box = Inbox(tmp_path, settle_s=1)
    assert [c.rel.name for c in box.claim_all()] == ["old.jpg"]


def test_claims_left_by_a_crash_are_resumed(tmp_path):
    _drop(tmp_path, "event/a.jpg")
    Inbox(tmp_path, settle_s=0).claim_all()  # ... and the process dies here: its lock is
    # dropped by the kernel, which the garbage-collected Inbox does here too (its fd closes)
    again = Inbox(tmp_path, settle_s=0).claim_all()
    assert [str(c.rel) for c in again] == ["event/a.jpg"]
    assert again[0].path.read_bytes() == b"card"


def test_a_file_claimed_by_another_run_is_skipped(tmp_path):
    box = Inbox(tmp_path, settle_s=0)
    p = _drop(tmp_path, "a.jpg")
    p.unlink()  # the other run renamed it first
    assert box.claim(p) is None


def test_release_gives_the_file_back(tmp_path):
    box = Inbox(tmp_path, settle_s=0)
    _drop(tmp_path, "event/a.jpg")
    (claim,) = box.claim_all()
    box.release(claim)
    assert (tmp_path / "event/a.jpg").read_bytes() == b"card"
    assert [str(c.rel) for c in box.claim_all()] == ["event/a.jpg"]
