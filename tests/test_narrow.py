"""Every command that prints tables or lists, in an 80-column terminal, on the demo data: no
line wider than 80 columns (a kanji counts 2), and an e-mail on one line, never broken.

The one exception is a line that is a link and nothing else (`meishi serve`, `meishi review`):
it is printed whole, so that it stays one link to click or copy, and the terminal wraps it.
`meishi serve` and `meishi review` are checked in test_review_e2e.py, beside a running server.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from rich.cells import cell_len

from conftest import DEMO, REPO

pytestmark = pytest.mark.e2e

WIDTH = 80
LONG_MAIL = "yamada.taro@example-holdings.co.jp"
#: a line that is one link (and its indent): printed whole, the terminal wraps it
LINK_LINE = re.compile(r"\s*https?://\S+\s*")


def fits(text: str, width: int = WIDTH) -> None:
    """No line of ``text`` is wider than ``width`` terminal columns, but a line of one link."""
    wide = [
        line
        for line in text.splitlines()
        if cell_len(line.rstrip()) > width and not LINK_LINE.fullmatch(line)
    ]
    assert not wide, "\n".join(wide)


def whole(value: str, text: str) -> None:
    """``value`` is on one line of ``text``, not broken over lines."""
    assert any(value in line for line in text.splitlines()), text


def _meishi(home: Path, *args: str, code: int = 0) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MEISHI_", "PREFECT_"))}
    env.update(
        COLUMNS=str(WIDTH),
        MEISHI_HOME=str(home),
        MEISHI_CONFIG=str(home.parent / "none.toml"),
        MEISHI_SETTLE_S="0",
        PREFECT_HOME=str(home / "prefect"),
    )
    done = subprocess.run(
        [sys.executable, "-m", "meishi.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        cwd=REPO,
    )
    assert done.returncode == code, done.stderr[-3000:]
    text = done.stdout + done.stderr
    assert "Traceback" not in text
    return text


@pytest.fixture(scope="module")
def book(tmp_path_factory) -> tuple[Path, str]:
    """The demo's ten contacts (`meishi demo` at 80 columns, its output too), one with a
    long e-mail, one with a follow-up due, one merged into another."""
    home = tmp_path_factory.mktemp("narrow") / "home"
    demo = _meishi(home, "demo", "--home", str(home))
    _meishi(home, "contacts", "edit", "2", f"email={LONG_MAIL}", "title=代表取締役社長")
    _meishi(
        home,
        "contacts",
        "edit",
        "1",
        "purpose=展示会で物流の相談、来月の見積もりを約束した",
        "follow_up=2026-01-15",
        "next_action=見積書を送る",
    )
    _meishi(home, "contacts", "note", "2", "https://www.example-holdings.co.jp/recruit/")
    _meishi(home, "contacts", "merge", "3", "4")
    return home, demo


def test_demo_and_ingest_fit(book):
    home, demo = book
    fits(demo)
    whole("m.izumi@shirakaba-logistics.com", demo)  # demo_001's, in the ingest table
    assert "10 new" in demo


@pytest.mark.parametrize(
    ("args", "mail"),
    [
        (["contacts"], LONG_MAIL),
        (["contacts", "search", "泉"], LONG_MAIL),
        (["contacts", "show", "2"], LONG_MAIL),
        (["contacts", "show", "4"], "kubota@sakurashoji.net"),
        (["contacts", "history", "2"], LONG_MAIL),
        (["contacts", "history", "3"], "a.nakano@mirai-networks.com"),
        (["faceless"], LONG_MAIL),
        (["due", "--days", "3650"], None),
        (["doctor"], None),
    ],
    ids=lambda v: " ".join(v) if isinstance(v, list) else "",
)
def test_lists_fit(book, args, mail):
    home, _ = book
    text = _meishi(home, *args)
    fits(text)
    if mail:
        whole(mail, text)
    if args[0] == "due":
        whole("見積書を送る", text)


def test_export_fits(book, tmp_path):
    home, _ = book
    text = _meishi(home, "export", "-f", "vcard", "-o", str(tmp_path / "all.vcf"))
    fits(text)
    assert "10 contact(s)" in text or "9 contact(s)" in text


def test_scan_fits(book):
    home, _ = book
    text = _meishi(home, "scan", str(DEMO / "demo_001.jpg"), str(DEMO / "demo_002.jpg"))
    fits(text)
    whole("m.izumi@shirakaba-logistics.com", text)


def test_eval_fits(book):
    home, _ = book
    text = _meishi(home, "eval", str(DEMO), "--limit", "2", "--workers", "1")
    fits(text)
    assert "cards per minute" in text


def _in_a_terminal(home: Path, *args: str) -> str:
    """What a terminal shows of ``meishi ARGS`` (a pseudo-terminal: progress bars are drawn)."""
    import pty
    import threading

    master, slave = pty.openpty()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MEISHI_", "PREFECT_"))}
    env.update(
        COLUMNS=str(WIDTH),
        TERM="xterm",
        MEISHI_HOME=str(home),
        MEISHI_CONFIG=str(home.parent / "none.toml"),
        MEISHI_SETTLE_S="0",
        PREFECT_HOME=str(home / "prefect"),
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "meishi.cli", *args],
        env=env,
        stdin=slave,
        stdout=slave,
        stderr=slave,
        cwd=REPO,
    )
    os.close(slave)
    chunks: list[bytes] = []

    def read() -> None:
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:  # the terminal closed with the process
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=read)
    reader.start()
    assert proc.wait(timeout=600) in (0, 1)
    reader.join(timeout=30)
    os.close(master)
    return b"".join(chunks).decode("utf-8", errors="replace")


def test_long_runs_show_n_of_total(tmp_path):
    """In a terminal, `scan` and `ingest` (so `demo`) count the cards read: n/N."""
    import shutil

    home = tmp_path / "home"
    batch = home / "inbox" / "2026-11-20_交流会"
    batch.mkdir(parents=True)
    for name in ("demo_006.jpg", "demo_007.jpg", "demo_008.jpg"):
        shutil.copy2(DEMO / name, batch / name)
    shown = _in_a_terminal(home, "ingest")
    assert "reading cards" in shown
    assert "0/3" in shown and "3/3" in shown, shown[-2000:]
    shown = _in_a_terminal(home, "scan", str(DEMO / "demo_006.jpg"), str(DEMO / "demo_007.jpg"))
    assert "0/2" in shown and "2/2" in shown, shown[-2000:]
