"""Several ingests at once, and a killed one: every card read once, stored once, no run
crashes, nothing left running. The runs are the real `meishi ingest` (temporary Prefect
server, flow, inbox, store) with the OCR replaced by benchmarks/standin.py (reading accuracy
is not what these test)."""

from __future__ import annotations

import collections
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hostile_corpus import card, encoded
from proctree import alive, descendants

from meishi.inbox import CLAIMED, FAILED, PROCESSED
from meishi.store import Store

pytestmark = pytest.mark.e2e

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "benchmarks"))
from standin import person  # noqa: E402


def _drop_cards(inbox: Path, n: int) -> list[str]:
    batch = inbox / "2026-11-20_交流会"
    batch.mkdir(parents=True, exist_ok=True)
    names = []
    for i in range(n):
        p = person(i)
        name = f"card_{i:03d}.png"
        (batch / name).write_bytes(encoded(card(p["name"], p["company"], p["tel"]), "PNG"))
        names.append(f"2026-11-20_交流会/{name}")
    return names


def _ingest(home: Path, db_url: str, log: Path, delay: float = 0.0) -> subprocess.Popen:
    env = {
        **os.environ,
        "MEISHI_HOME": str(home),
        "MEISHI_SETTLE_S": "0",
        "MEISHI_CONFIG": str(home / "none.toml"),
        "MEISHI_DATABASE_URL": db_url,
        "PREFECT_HOME": str(home / "prefect"),  # fresh, and shared by every run
        "MEISHI_STANDIN_LOG": str(log),
        "MEISHI_STANDIN_DELAY_S": str(delay),
        "MEISHI_WORKERS": "2",
    }
    env.pop("PREFECT_API_URL", None)
    return subprocess.Popen(
        [sys.executable, str(HERE / "standin_ingest.py")],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def _reads(log: Path) -> collections.Counter[str]:
    if not log.exists():
        return collections.Counter()
    return collections.Counter(
        line.split(" ", 1)[1] for line in log.read_text(encoding="utf-8").splitlines()
    )


def _stored_once(home: Path, db_url: str, names: list[str]) -> None:
    store = Store(db_url, home / "cards")
    try:
        contacts = store.contacts()
        sources = collections.Counter(c.source_name for contact in contacts for c in contact.cards)
    finally:
        store.close()
    assert sources == collections.Counter(names)  # every card stored, once
    assert len(contacts) == len(names)
    inbox = home / "inbox"
    assert sorted(
        str(p.relative_to(inbox / PROCESSED)) for p in (inbox / PROCESSED).rglob("*.png")
    ) == sorted(names)
    assert not list((inbox / FAILED).rglob("*"))
    assert not [p for p in (inbox / CLAIMED).rglob("*") if p.is_file()]


@pytest.mark.parametrize("runs", [2, 3])
def test_concurrent_ingests_read_and_store_each_card_once(tmp_path, db_url, runs):
    home = tmp_path / "home"
    names = _drop_cards(home / "inbox", 40)
    log = tmp_path / "reads.log"
    procs = []
    for k in range(runs):  # the later ones start while the first is busy (a scheduled run)
        procs.append(_ingest(home, db_url, log, delay=0.15))
        time.sleep(0.5 * k)
    outs = [p.communicate(timeout=400) for p in procs]
    for p, (_out, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0, err[-3000:]
        assert "Traceback" not in err, err[-3000:]
    reads = _reads(log)
    assert reads == collections.Counter(names), {k: v for k, v in reads.items() if v != 1}
    _stored_once(home, db_url, names)


def test_kill_9_mid_batch_leaves_no_process_and_loses_no_card(tmp_path, db_url):
    home = tmp_path / "home"
    names = _drop_cards(home / "inbox", 20)
    log = tmp_path / "reads.log"
    victim = _ingest(home, db_url, log, delay=0.5)
    deadline = time.monotonic() + 180
    while sum(_reads(log).values()) < 4:
        assert victim.poll() is None, victim.communicate()[1][-3000:]
        assert time.monotonic() < deadline, "the ingest did not start reading"
        time.sleep(0.1)
    children = descendants(victim.pid)
    assert children, "the temporary Prefect server should be a child of the ingest"
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=30)
    deadline = time.monotonic() + 15
    while any(alive(c) for c in children) and time.monotonic() < deadline:
        time.sleep(0.2)
    left = [c for c in children if alive(c)]
    for c in left:  # do not leave them to the next test
        os.kill(c, signal.SIGKILL)
    assert not left, "processes outlived the killed ingest"
    victim.communicate(timeout=30)
    # the next run takes the dead run's claims back and finishes the batch
    again = _ingest(home, db_url, log)
    out, err = again.communicate(timeout=400)
    assert again.returncode == 0, err[-3000:]
    _stored_once(home, db_url, names)
    assert set(_reads(log)) == set(names)


def test_a_slow_server_start_is_one_clear_error(tmp_path):
    home = tmp_path / "home"
    (home / "inbox").mkdir(parents=True)
    env = {
        **os.environ,
        "MEISHI_HOME": str(home),
        "MEISHI_CONFIG": str(home / "none.toml"),
        "PREFECT_HOME": str(home / "prefect"),
        "MEISHI_SERVER_START_S": "0.3",
    }
    env.pop("PREFECT_API_URL", None)
    done = subprocess.run(
        [sys.executable, "-m", "meishi.cli", "ingest"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 4
    assert "did not start within" in done.stderr
    assert "MEISHI_SERVER_START_S" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_child_tied_to_meishi_dies_with_it(tmp_path):
    """What keeps Tesseract and the temporary server from outliving a `kill -9`."""
    parent = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import subprocess, sys, time\n"
            "from meishi.procs import die_with_parent_fn\n"
            "p = subprocess.Popen(['sleep', '60'], preexec_fn=die_with_parent_fn())\n"
            "print(p.pid, flush=True)\n"
            "time.sleep(60)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    assert alive(child)
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + 5
    while alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(child)


def test_tesseract_is_started_tied_to_meishi():
    import pytesseract.pytesseract as pt

    from meishi import procs

    procs.tie_tesseract_to_us()
    assert callable(pt.subprocess_args()["preexec_fn"])


@pytest.mark.parametrize(("ours", "tesseracts"), [(None, "1"), ("1", "1"), ("4", "4")])
def test_every_tesseract_runs_one_openmp_thread_unless_told_otherwise(
    ours, tesseracts, monkeypatch, tmp_path
):
    """The Tesseract meishi starts gets OMP_THREAD_LIMIT=1 (a user's own value wins, and
    `meishi doctor` flags it); meishi's own environment is left alone."""
    import numpy as np
    import pytesseract.pytesseract as pt

    from meishi.errors import OcrError
    from meishi.ocr.tesseract import TesseractEngine

    # an engine sets pytesseract's command for the whole process: put it back afterwards
    monkeypatch.setattr(pt, "tesseract_cmd", pt.tesseract_cmd)
    seen = tmp_path / "env.txt"
    fake = tmp_path / "tesseract"  # writes down the limit it was given, then fails
    fake.write_text(
        "#!/bin/sh\n"
        'if [ "$1" = "--version" ]; then echo "tesseract 5.3.0"; exit 0; fi\n'
        f'printf "%s" "${{OMP_THREAD_LIMIT-unset}}" > {seen}\n'
        "exit 1\n"
    )
    fake.chmod(0o755)
    if ours is None:
        monkeypatch.delenv("OMP_THREAD_LIMIT", raising=False)
    else:
        monkeypatch.setenv("OMP_THREAD_LIMIT", ours)
    with pytest.raises(OcrError):
        TesseractEngine(cmd=str(fake)).read(np.zeros((20, 20), np.uint8), lang="jpn", psm=6)
    assert seen.read_text() == tesseracts
    assert os.environ.get("OMP_THREAD_LIMIT") == ours
