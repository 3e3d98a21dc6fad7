"""One file must never stop the inbox: special files, long names, files still being copied."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hostile_corpus import LONG_NAME, card, encoded, special_files

from meishi import imaging, pipeline
from meishi.errors import UnreadableImageError
from meishi.inbox import CLAIMED, FAILED, PROCESSED, Inbox, fit_name

REPO = Path(__file__).resolve().parents[2]


def _meishi(
    args: list[str], home: Path, timeout: float = 300, **env: str
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "meishi.cli", *args],
        cwd=REPO,
        env={
            **os.environ,
            "MEISHI_HOME": str(home),
            "MEISHI_SETTLE_S": "0",
            "MEISHI_CONFIG": str(home / "none.toml"),
            "PREFECT_HOME": str(home / "prefect"),
            **env,
        },
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.mark.e2e
def test_special_files_are_quarantined_and_the_good_card_stored(tmp_path):
    """The real command and pipeline (Tesseract, temporary Prefect server): a link to
    /dev/zero, a FIFO, a socket, a device and a link to a folder beside a good card."""
    home = tmp_path / "home"
    inbox = home / "inbox"
    inbox.mkdir(parents=True)
    made = special_files(inbox)
    (inbox / "good.png").write_bytes(encoded(card("山田 太郎"), "PNG"))
    done = _meishi(["ingest"], home, timeout=240)  # before: hung forever on zero.jpg / pipe.png
    assert done.returncode == 1, done.stderr  # 1: some files could not be read
    assert (inbox / PROCESSED / "good.png").is_file()
    assert "山田" in done.stdout
    for name, what in made.items():
        assert os.path.lexists(inbox / FAILED / name), name
        reason = (inbox / FAILED / f"{name}.reason.txt").read_text(encoding="utf-8")
        assert what in reason, (name, reason)
    assert not [p for p in (inbox / CLAIMED).rglob("*")]
    again = _meishi(["ingest"], home, timeout=240)  # and the next run does not hang either
    assert again.returncode == 0, again.stderr


@pytest.mark.parametrize(
    "maker, kind",
    [
        (lambda p: os.symlink("/dev/zero", p), "symbolic link"),
        (lambda p: os.mkfifo(p), "FIFO"),
    ],
)
def test_reading_a_special_file_never_blocks(tmp_path, settings, maker, kind):
    p = tmp_path / "x.jpg"
    maker(p)
    t0 = time.monotonic()
    with pytest.raises(UnreadableImageError, match=kind):
        pipeline.read_file(p, settings)
    assert time.monotonic() - t0 < 1


def test_a_read_is_bounded_by_the_limit(tmp_path, settings):
    p = tmp_path / "big.jpg"
    p.write_bytes(b"\xff" * 2048)
    small = settings.model_copy(update={"max_file_bytes": 1000})
    with pytest.raises(UnreadableImageError, match="MEISHI_MAX_FILE_BYTES"):
        pipeline.read_file(p, small)


@pytest.mark.parametrize(
    "name, reserve, expect_bytes, keeps",
    [
        (LONG_NAME + ".jpg", 11, 244, ".jpg"),
        ("短い名前.jpg", 11, len("短い名前.jpg".encode()), ".jpg"),
        ("a" * 300, 11, 244, ""),
        ("名" * 90 + ".averyveryverylongextension", 11, 244, ""),
    ],
)
def test_fit_name_keeps_the_extension_and_the_limit(name, reserve, expect_bytes, keeps):
    fitted = fit_name(name, reserve)
    assert len(fitted.encode()) <= 255 - reserve
    assert len(fitted.encode()) >= expect_bytes - 3  # a cut never splits a character
    assert fitted.endswith(keeps)
    fitted.encode().decode()  # valid UTF-8


def test_fit_name_keeps_two_long_names_apart():
    a, b = fit_name(LONG_NAME + "1.jpg"), fit_name(LONG_NAME + "2.jpg")
    assert a != b and a.endswith(".jpg") and b.endswith(".jpg")


def test_long_names_are_quarantined_and_processed_without_crashing(tmp_path):
    assert len((LONG_NAME + ".jpg").encode()) == 250
    box = Inbox(tmp_path, settle_s=0)
    names = []
    for round_ in range(3):  # the same long name three times: each collides with the last
        (tmp_path / f"{LONG_NAME}.jpg").write_bytes(f"card {round_}".encode())
        (claim,) = box.claim_all()
        bad = box.failed(claim, "unreadable_image: the image is corrupt")  # before: errno 36
        names.append(bad.name)
        assert bad.with_name(bad.name + ".reason.txt").is_file()
        (tmp_path / f"{LONG_NAME}.jpg").write_bytes(f"good {round_}".encode())
        (claim,) = box.claim_all()
        box.processed(claim)
    assert len(set(names)) == 3 and all(n.endswith(".jpg") for n in names)
    assert sorted(p.read_bytes() for p in (tmp_path / PROCESSED).iterdir()) == [
        b"good 0",
        b"good 1",
        b"good 2",
    ]
    assert len(list((tmp_path / FAILED).iterdir())) == 6


def test_a_file_still_being_copied_waits_until_settled(tmp_path):
    box = Inbox(tmp_path, settle_s=1.0)
    with open(tmp_path / "scan.png", "wb") as fh:
        fh.write(b"half")
        fh.flush()
        assert box.claim_all() == []
        time.sleep(0.6)
        fh.write(b" more")  # written again: the clock starts over
        fh.flush()
        time.sleep(0.6)
        assert box.claim_all() == []
    time.sleep(1.1)
    assert [c.rel.name for c in box.claim_all()] == ["scan.png"]


def test_a_truncated_file_that_grows_is_retried(tmp_path, settings):
    """A copy that paused longer than the settle time is claimed half-written and
    quarantined as truncated; when the copy goes on, the file is read again."""
    whole = encoded(card(), "PNG")
    box = Inbox(tmp_path, settle_s=0.5)
    with open(tmp_path / "scan.png", "wb") as writer:
        writer.write(whole[: len(whole) // 2])
        writer.flush()
        time.sleep(0.6)  # the copy pauses
        (claim,) = box.claim_all()
        with pytest.raises(UnreadableImageError, match="truncated|corrupt"):
            imaging.decode(pipeline.read_file(claim.path, settings), "scan.png", settings)
        box.failed(claim, "unreadable_image: the image is corrupt or truncated")
        box.close()
        assert Inbox(tmp_path, settle_s=0.5).claim_all() == []  # nothing changed: stays
        time.sleep(0.05)
        writer.write(whole[len(whole) // 2 :])  # ... and goes on, into the quarantined file
    box = Inbox(tmp_path, settle_s=0.5)
    assert box.claim_all() == []  # given back to the inbox, settling again
    assert not (tmp_path / FAILED / "scan.png.reason.txt").exists()
    time.sleep(0.6)
    (claim,) = box.claim_all()
    assert claim.rel.name == "scan.png"
    bgr, _ = imaging.decode(pipeline.read_file(claim.path, settings), "scan.png", settings)
    assert bgr.shape[:2] == (660, 1092)


def test_a_live_runs_claims_are_never_taken(tmp_path):
    for i in range(5):
        (tmp_path / f"c{i}.jpg").write_bytes(b"x%d" % i)
    first = Inbox(tmp_path, settle_s=0)
    mine = first.claim_all()
    assert len(mine) == 5
    second = Inbox(tmp_path, settle_s=0)  # another run, while the first is alive
    assert second.claim_all() == []
    assert all(c.path.is_file() for c in mine)
    first.close()  # ... it ends without settling two of them (as a crash would)
    assert len(second.claim_all()) == 5  # now they are taken over, once
    third = Inbox(tmp_path, settle_s=0)
    assert third.claim_all() == []


def test_a_huge_file_is_refused_before_it_is_hashed(tmp_path):
    from meishi.errors import ImageTooLargeError

    (tmp_path / "huge.jpg").write_bytes(b"\xff" * 5000)
    box = Inbox(tmp_path, settle_s=0)
    (claim,) = box.claim_all()
    with pytest.raises(ImageTooLargeError, match="MEISHI_MAX_FILE_BYTES"):
        claim.sha256(limit=4096)
    assert len(claim.sha256(limit=5000)) == 64


def test_claims_left_by_an_earlier_release_are_resumed(tmp_path):
    old = tmp_path / CLAIMED / "2026-11-20_交流会" / "a.jpg"  # no run folder: before leases
    old.parent.mkdir(parents=True)
    old.write_bytes(b"card")
    box = Inbox(tmp_path, settle_s=0)
    (claim,) = box.claim_all()
    assert str(claim.rel) == "2026-11-20_交流会/a.jpg" and claim.met_at == "2026-11-20_交流会"
    assert claim.path.read_bytes() == b"card" and not old.exists()
    box.processed(claim)
    box.close()
    assert not list((tmp_path / CLAIMED).iterdir())


@pytest.mark.e2e
def test_a_name_that_is_not_utf8_is_read_not_a_crash(tmp_path):
    """A zip or a share from Windows writes Shift_JIS names (bytes that are no UTF-8): such a
    file is read under a name made of its bytes, and the inbox goes on."""
    home = tmp_path / "home"
    inbox = home / "inbox"
    folder = os.fsencode(inbox) + b"/2026-11-20_" + "交流会".encode("cp932")
    os.makedirs(folder)
    with open(folder + b"/" + "名刺.png".encode("cp932"), "wb") as fh:
        fh.write(encoded(card("山田 太郎"), "PNG"))
    (inbox / "good.png").write_bytes(encoded(card("鈴木 花子", tel="TEL 06-4831-4415"), "PNG"))
    done = _meishi(["ingest"], home, timeout=240)  # before: every run crashed (exit 6)
    assert done.returncode == 0, done.stderr
    assert "山田" in done.stdout and "鈴木" in done.stdout
    stored = sorted(
        str(p.relative_to(inbox / PROCESSED)) for p in (inbox / PROCESSED).rglob("*.png")
    )
    # each byte that is no UTF-8 written out (F0 97 AC 89 of 交流会 happen to be UTF-8)
    as_bytes = ("2026-11-20_" + "交流会").encode("cp932").decode("utf-8", "backslashreplace")
    assert stored == [f"{as_bytes}/\\x96\\xbc\\x8eh.png", "good.png"]
    assert not [p for p in (inbox / CLAIMED).rglob("*") if p.is_file()]
    again = _meishi(["ingest"], home, timeout=240)
    assert again.returncode == 0, again.stderr


@pytest.mark.e2e
def test_a_file_name_cannot_write_to_the_terminal(tmp_path):
    """A name may hold ESC sequences (clear the screen, set the title), a newline or a
    right-to-left override: meishi ingest shows them as escapes, never sends them raw."""
    home = tmp_path / "home"
    inbox = home / "inbox"
    inbox.mkdir(parents=True)
    name = "\x1b]0;pwned\x07a\x1b[2J\nb\u202egnp.exe.png"
    (inbox / name).write_bytes(b"not an image at all")
    done = _meishi(["ingest"], home, timeout=240, COLUMNS="200")
    assert done.returncode == 1, done.stderr  # the file is quarantined
    assert (inbox / FAILED / name).exists()
    shown = done.stdout + done.stderr
    assert not any(c in shown for c in "\x1b\x07\u202e"), repr(shown)
    assert "\\x1b]0;pwned\\x07a\\x1b[2J\\nb\\u202egnp.exe.png" in shown, shown
