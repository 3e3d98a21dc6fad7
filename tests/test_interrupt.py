"""Ctrl-C during `meishi ingest` and `meishi scan`: a summary and exit code 130, no traceback
and no "Crash detected", nothing left running, and nothing lost or read twice: the next run
stores what the interrupted one left. The real commands, engine and Prefect server, as
subprocesses in a session of their own, interrupted the way a terminal does it (SIGINT to the
whole process group)."""

from __future__ import annotations

import collections
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from proctree import alive, descendants

from conftest import DEMO, demo_cards
from meishi.exitcodes import INTERRUPTED
from meishi.inbox import CLAIMED, FAILED, PROCESSED
from meishi.store import Store

pytestmark = pytest.mark.e2e

BATCH = "2026-11-20_交流会"


def _env(home: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "MEISHI_HOME": str(home),
        "MEISHI_SETTLE_S": "0",
        "MEISHI_CONFIG": str(home / "none.toml"),
        "MEISHI_WORKERS": "2",
        "PREFECT_HOME": str(home / "prefect"),
        "COLUMNS": "100",
    }
    env.pop("PREFECT_API_URL", None)
    return env


def _start(args: list[str], env: dict[str, str], logs: Path) -> subprocess.Popen:
    logs.mkdir(exist_ok=True)
    return subprocess.Popen(
        [sys.executable, "-m", "meishi.cli", *args],
        env=env,
        stdout=(logs / "out.txt").open("w"),
        stderr=(logs / "err.txt").open("w"),
        start_new_session=True,  # its own process group, as a terminal gives a command
        # with Ctrl-C live, as a terminal gives it: a test run started in the background of
        # a script (`./run test &`) ignores SIGINT, and exec passes an ignored signal on
        preexec_fn=_sigint_default,
    )


def _sigint_default() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _interrupt(proc: subprocess.Popen, times: int = 1) -> float:
    """Ctrl-C (``times`` presses), as a terminal sends it: SIGINT to the foreground process
    group. Returns the seconds from the first press to the process's exit."""
    t0 = time.monotonic()
    for n in range(times):
        if n:
            time.sleep(0.3)
        os.killpg(proc.pid, signal.SIGINT)
    proc.wait(timeout=120)
    return time.monotonic() - t0


def _no_orphans(children: set[int]) -> None:
    deadline = time.monotonic() + 15
    while any(alive(c) for c in children) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = [c for c in children if alive(c)]
    for c in left:  # do not leave them to the next test
        os.kill(c, signal.SIGKILL)
    assert not left, "processes outlived the interrupted command"


def _clean_output(logs: Path) -> tuple[str, str]:
    out = (logs / "out.txt").read_text(encoding="utf-8")
    err = (logs / "err.txt").read_text(encoding="utf-8")
    for text in (out, err):
        assert "Traceback" not in text, text[-3000:]
        assert "Crash detected" not in text, text[-3000:]
        assert "Aborted" not in text, text[-3000:]
    return out, err


@pytest.mark.parametrize("presses", [1, 2], ids=["ctrl-c", "ctrl-c-twice"])
def test_ctrl_c_during_ingest_ends_with_a_summary_and_loses_nothing(tmp_path, presses):
    home = tmp_path / "home"
    batch = home / "inbox" / BATCH
    batch.mkdir(parents=True)
    cards = demo_cards()
    assert len(cards) == 10
    for c in cards:
        shutil.copy2(c, batch / c.name)
    names = sorted(f"{BATCH}/{c.name}" for c in cards)
    env = _env(home)
    processed = home / "inbox" / PROCESSED

    run = _start(["ingest"], env, tmp_path / "first")
    deadline = time.monotonic() + 300
    while not any(processed.rglob("*.*")):  # the first card is stored: its scan moved
        assert run.poll() is None, (tmp_path / "first" / "err.txt").read_text()[-3000:]
        assert time.monotonic() < deadline, "no card was stored"
        time.sleep(0.1)
    children = descendants(run.pid)
    assert children, "the temporary Prefect server should be a child of the ingest"
    seconds = _interrupt(run, presses)
    print(f"\n{presses} Ctrl-C: the ingest ended {seconds:.1f} s after the first press")

    assert run.returncode == INTERRUPTED == 130
    out, err = _clean_output(tmp_path / "first")
    _no_orphans(children)
    with pytest.raises(ProcessLookupError):  # nothing left in its process group either
        os.killpg(run.pid, 0)
    assert seconds < 60

    stored = sorted(str(p.relative_to(processed)) for p in processed.rglob("*.*"))
    assert 1 <= len(stored) < len(names)
    assert not list((home / "inbox" / FAILED).rglob("*.*"))
    if presses == 1:  # it finished the cards in hand and gave the others back to the inbox
        assert "stopped (Ctrl-C): the cards above are settled" in err
        waiting = sorted(str(p.relative_to(home / "inbox")) for p in batch.glob("*.*"))
        assert f"{len(waiting)} scan(s) are left in the inbox" in " ".join(err.split())
        assert sorted(stored + waiting) == names
        assert not [p for p in (home / "inbox" / CLAIMED).rglob("*") if p.is_file()]
        assert f"{len(stored)} new" in out  # the table and counts of what was stored
    else:  # stopped at once: the cards in hand stay claimed, the next run takes them back
        assert "stopped at once" in err
    store = Store(f"sqlite:///{home / 'meishi.db'}", home / "cards")
    try:
        assert sorted(c.source_name for k in store.contacts() for c in k.cards) == stored
    finally:
        store.close()

    again = subprocess.run(
        [sys.executable, "-m", "meishi.cli", "ingest"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert again.returncode == 0, again.stderr[-3000:]
    store = Store(f"sqlite:///{home / 'meishi.db'}", home / "cards")
    try:
        contacts = store.contacts()
        sources = collections.Counter(c.source_name for k in contacts for c in k.cards)
    finally:
        store.close()
    assert sources == collections.Counter(names)  # every card stored, exactly once
    assert len(contacts) == len(names)
    assert sorted(str(p.relative_to(processed)) for p in processed.rglob("*.*")) == names
    assert not [p for p in (home / "inbox" / CLAIMED).rglob("*") if p.is_file()]


def test_ctrl_c_during_a_scan_of_many_files_ends_with_a_summary(tmp_path):
    logs = tmp_path / "scan"
    run = _start(["scan", str(DEMO)], _env(tmp_path / "home"), logs)
    deadline = time.monotonic() + 300
    while "demo_001" not in (logs / "out.txt").read_text(encoding="utf-8"):
        assert run.poll() is None, (logs / "err.txt").read_text()[-3000:]
        assert time.monotonic() < deadline, "no card was printed"
        time.sleep(0.1)
    workers = descendants(run.pid)
    assert workers, "the scan reads on worker processes"
    seconds = _interrupt(run)
    print(f"\nCtrl-C: the scan ended {seconds:.1f} s after it")
    assert run.returncode == INTERRUPTED
    out, err = _clean_output(logs)
    assert "stopped (Ctrl-C):" in err and "of 10 file(s) read" in " ".join(err.split())
    _no_orphans(workers)
    assert seconds < 10  # a scan stores nothing: its workers end at once
