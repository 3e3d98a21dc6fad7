"""The README's exit-code table, row by row, for each class of command: the ones that read
cards (`scan`), run the ingest flow (`ingest`, `demo`), use the contact store (`contacts …`,
`export`, `faceless`, `due`), talk to the Prefect server (`serve`, `review`) and the tools
(`doctor`, `eval`). Each failure is the documented code and one line on stderr, never a
traceback. The commands run as a user runs them (`python -m meishi.cli`), but for the two
rows no user can cause at will (a bug, a lost server connection), injected in-process.

Rows proven elsewhere: a full disk and a read-only database (4, test_errors.py), an
unreachable PostgreSQL (4) and invalid settings of `contacts`, `faceless`, `export` (5,
test_errors.py), a bug in `contacts` (6, test_errors.py), Ctrl-C during `ingest`, `demo` and
`scan` (130, test_interrupt.py), a temporary Prefect server that does not start (4,
hostile/test_concurrent.py).
"""

from __future__ import annotations

import contextlib
import http.server
import re
import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from test_errors import _book, _meishi, _one_line, _raised_by
from typer.testing import CliRunner

from conftest import DEMO
from meishi import exitcodes
from meishi.store import Store

pytestmark = pytest.mark.e2e

NO_TESSERACT = {"MEISHI_OCR_ENGINE": "tesseract", "MEISHI_TESSERACT_CMD": "no-tesseract-here"}
TESSERACT_LINE = r"error: Tesseract is not installed: run `sudo apt-get install tesseract-ocr .*"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def _something_on(port: int) -> Iterator[None]:
    """Another program answering on ``port`` (as a Prefect server would: /api/health 200)."""

    class Ok(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Ok)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()


# what -> (prepare(tmp) -> (home, env, args), exit code, a regular expression for the line:
# the one line on stderr, or for code 1 a line of the output naming the card)
Prepare = Callable[[Path], tuple[Path, dict[str, str], list[str]]]


def _home(tmp: Path) -> Path:
    _book(tmp / "home")  # one contact, #1
    return tmp / "home"


def _broken_jpeg(tmp: Path) -> Path:
    bad = tmp / "broken.jpg"
    bad.write_bytes((DEMO / "demo_001.jpg").read_bytes()[:300])
    return bad


def _inbox_with(tmp: Path, name: str, data: bytes) -> Path:
    home = _home(tmp)
    (home / "inbox").mkdir(parents=True, exist_ok=True)
    (home / "inbox" / name).write_bytes(data)
    return home


def _a_file(tmp: Path) -> Path:
    f = tmp / "a-file"
    f.write_text("not a folder")
    return f


ROWS: dict[str, tuple[Prepare, int, str]] = {
    # ------------------------------------------------------------------ scan: reads cards
    "scan, a card that cannot be read: 1": (
        lambda t: (_home(t), {}, ["scan", str(_broken_jpeg(t))]),
        1,
        r".*broken\.jpg: .*broken\.jpg: corrupt or truncated.*|.*broken\.jpg: .*not an image.*",
    ),
    "scan, no such file: 2": (
        lambda t: (_home(t), {}, ["scan", str(t / "missing.jpg")]),
        2,
        r"error: no such file or folder: .*missing\.jpg",
    ),
    "scan, no Tesseract: 3": (
        lambda t: (_home(t), NO_TESSERACT, ["scan", str(DEMO / "demo_001.jpg")]),
        3,
        TESSERACT_LINE,
    ),
    "scan, MEISHI_WORKERS=0: 5": (
        lambda t: (_home(t), {"MEISHI_WORKERS": "0"}, ["scan", str(DEMO / "demo_001.jpg")]),
        5,
        r"error: invalid setting: MEISHI_WORKERS .*",
    ),
    # ------------------------------------------------------------------ ingest, demo: the flow
    "ingest, a file in the inbox that is no card: 1": (
        lambda t: (_inbox_with(t, "notes.txt", b"not a card"), {}, ["ingest"]),
        1,
        r"quarantined failed/notes\.txt: not an image meishi can read .*",
    ),
    "ingest, the inbox is not a folder: 2": (
        lambda t: (_home(t), {}, ["ingest", str(_a_file(t))]),
        2,
        r"error: inbox .*a-file is not a folder",
    ),
    "ingest, no Tesseract: 3": (
        lambda t: (
            _inbox_with(t, "card.jpg", (DEMO / "demo_001.jpg").read_bytes()),
            NO_TESSERACT,
            ["ingest"],
        ),
        3,
        TESSERACT_LINE,
    ),
    "ingest, the contact store cannot be written: 4": (
        lambda t: (
            _inbox_with(t, "card.jpg", (DEMO / "demo_001.jpg").read_bytes()),
            {"MEISHI_DATABASE_URL": f"sqlite:///{_a_file(t)}/meishi.db"},
            ["ingest"],
        ),
        4,
        r"error: the ingest stopped: .*a-file: .*; the scans not read stay in the inbox for "
        r"the next run",
    ),
    "ingest, MEISHI_WORKERS=0: 5": (
        lambda t: (_home(t), {"MEISHI_WORKERS": "0"}, ["ingest"]),
        5,
        r"error: invalid setting: MEISHI_WORKERS .*",
    ),
    "demo, its data folder is a file: 5": (
        lambda t: (_home(t), {}, ["demo", "--home", str(_a_file(t))]),
        5,
        r"error: MEISHI_HOME .*a-file is a file, not a folder: .*",
    ),
    # ------------------------------------------------------------------ the contact store
    "contacts search, nothing matches: 1": (
        lambda t: (_home(t), {}, ["contacts", "search", "だれもいない"]),
        1,
        r"error: no contact matches 'だれもいない'",
    ),
    "contacts show, no such contact: 2": (
        lambda t: (_home(t), {}, ["contacts", "show", "99999999999999999999999"]),
        2,
        r"error: no contact #99999999999999999999999 \(see `meishi contacts`\)",
    ),
    "contacts history, no such contact: 2": (
        lambda t: (_home(t), {}, ["contacts", "history", "424242"]),
        2,
        r"error: no contact #424242 .*",
    ),
    "contacts merge, into itself: 2": (
        lambda t: (_home(t), {}, ["contacts", "merge", "1", "1"]),
        2,
        r"error: a contact cannot be merged into itself.*",
    ),
    "contacts edit, no such field: 2": (
        lambda t: (_home(t), {}, ["contacts", "edit", "1", "shoe_size=27"]),
        2,
        r"error: cannot edit shoe_size: the fields are .*",
    ),
    "export, a folder that does not exist: 4": (
        lambda t: (_home(t), {}, ["export", "-f", "csv", "-o", str(t / "no" / "x.csv")]),
        4,
        r"error: cannot write .*x\.csv: No such file or directory",
    ),
    "contacts, the store under a file: 4": (
        lambda t: (_home(t), {"MEISHI_DATABASE_URL": f"sqlite:///{_a_file(t)}/x.db"}, ["contacts"]),
        4,
        r"error: .*a-file: .*",
    ),
    "due, MEISHI_WORKERS=0: 5": (
        lambda t: (_home(t), {"MEISHI_WORKERS": "0"}, ["due"]),
        5,
        r"error: invalid setting: MEISHI_WORKERS .*",
    ),
    # ------------------------------------------------------------------ the Prefect server
    "review, an extra argument: 2": (
        lambda t: (_home(t), {}, ["review", "now"]),
        2,
        r"Usage: .*review \[OPTIONS\]",
    ),
    "review, no server running: 4": (
        lambda t: (_home(t), {"MEISHI_SERVER_PORT": str(_free_port())}, ["review"]),
        4,
        r"error: no Prefect server at http://127\.0\.0\.1:\d+: start it with `meishi serve` .*",
    ),
    "review, MEISHI_WORKERS=0: 5": (
        lambda t: (_home(t), {"MEISHI_WORKERS": "0"}, ["review"]),
        5,
        r"error: invalid setting: MEISHI_WORKERS .*",
    ),
    "serve, no Tesseract: 3": (
        lambda t: (_home(t), NO_TESSERACT, ["serve"]),
        3,
        TESSERACT_LINE,
    ),
    # ------------------------------------------------------------------ the tools
    "doctor, no Tesseract: 3": (
        lambda t: (_home(t), NO_TESSERACT, ["doctor"]),
        3,
        r"error: tesseract: `no-tesseract-here` not found on PATH — fix: sudo apt-get .*",
    ),
    "doctor, config.toml is not TOML: 5": (
        lambda t: (_home(t), {"MEISHI_CONFIG": str(_bad_config(t))}, ["doctor"]),
        5,
        r"error: the config file .*config\.toml is not valid TOML: .+",
    ),
    "eval, no labelled cards there: 2": (
        lambda t: (_home(t), {}, ["eval", str(t)]),
        2,
        r"error: .*: no labelled cards \(image \+ \.json ground truth\) found",
    ),
    "eval, no Tesseract: 3": (
        lambda t: (
            _home(t),
            NO_TESSERACT,
            ["eval", str(DEMO), "--engine", "tesseract", "--limit", "1"],
        ),
        3,
        TESSERACT_LINE,
    ),
}


def _bad_config(tmp: Path) -> Path:
    config = tmp / "config.toml"
    config.write_text("workers = [\n", encoding="utf-8")
    return config


@pytest.mark.parametrize(("prepare", "code", "line"), list(ROWS.values()), ids=list(ROWS))
def test_the_exit_code_table_holds(tmp_path, prepare, code, line):
    home, env, args = prepare(tmp_path)
    env = {"MEISHI_SETTLE_S": "0", **env}
    config = Path(env.pop("MEISHI_CONFIG")) if "MEISHI_CONFIG" in env else None
    result = _meishi(home, *args, env=env, config=config)
    assert result.returncode == code, (result.returncode, result.stderr[-3000:])
    assert "Traceback" not in result.stdout + result.stderr
    if code == exitcodes.CARDS_FAILED:  # the card's own line says why; the run goes on
        text = " ".join((result.stdout + result.stderr).split())
        assert re.search(line, text), text[-3000:]
    elif line.startswith("Usage"):  # click's usage error: its own box, no traceback
        assert re.match(line, result.stderr), result.stderr
    else:
        assert re.fullmatch(line, _one_line(result)), result.stderr


def test_serve_when_the_port_is_taken_is_4(tmp_path):
    port = _free_port()
    with _something_on(port):
        result = _meishi(
            _home(tmp_path),
            "serve",
            env={"MEISHI_SERVER_PORT": str(port), "MEISHI_IMAGE_PORT": str(_free_port())},
        )
    assert result.returncode == exitcodes.DATA_ERROR, result.stderr
    assert _one_line(result) == (
        f"error: something already answers on http://127.0.0.1:{port}; stop it or set "
        "MEISHI_SERVER_PORT"
    )


# ---------------------------------------------------------------------- injected in-process
def _ingest_failing_with(monkeypatch, exc: BaseException) -> object:
    """`meishi ingest` whose flow raises ``exc`` (no server is started)."""
    import meishi_flows.api
    import meishi_flows.ingest
    from meishi.cli import app

    def flow(*args: object, **kwargs: object) -> object:
        raise exc

    monkeypatch.setattr(meishi_flows.api, "command_api", lambda *a, **k: contextlib.nullcontext())
    monkeypatch.setattr(meishi_flows.ingest, "ingest", flow)
    return CliRunner().invoke(app, ["ingest"])


def test_ingest_when_the_connection_to_prefect_is_lost_is_4(settings, monkeypatch):
    import httpx

    lost = _raised_by("httpx._transports.default", httpx.ConnectError("Connection refused"))
    result = _ingest_failing_with(monkeypatch, lost)
    assert result.exit_code == exitcodes.DATA_ERROR, result.output
    assert result.stderr.strip() == (
        "error: the ingest stopped: the Prefect server or engine failed: ConnectError: "
        "Connection refused; the scans not read stay in the inbox for the next run"
    )


def test_a_bug_in_ingest_is_6_not_1_or_4(settings, monkeypatch):
    result = _ingest_failing_with(monkeypatch, KeyError("cards"))
    assert result.exit_code == exitcodes.INTERNAL_ERROR, result.output
    assert result.stderr.strip() == (
        "error: the ingest stopped: internal error (a bug in meishi): KeyError: 'cards' — run "
        "again with --verbose for the traceback; the scans not read stay in the inbox for the "
        "next run"
    )


@pytest.mark.parametrize(
    "args", [["contacts"], ["faceless"], ["export", "-f", "json"]], ids=" ".join
)
def test_ctrl_c_in_any_command_is_130(settings, monkeypatch, args):
    """Ctrl-C in a command that reads the store: 130 and one line, not click's 'Aborted!'
    (exit 1). `scan`, `ingest` and `demo` say more (test_interrupt.py)."""
    from meishi.cli import app

    def interrupted(self: Store, *a: object, **k: object) -> object:
        raise KeyboardInterrupt

    monkeypatch.setattr(Store, "contacts", interrupted)
    monkeypatch.setattr(Store, "faceless", interrupted)
    result = CliRunner().invoke(app, args)
    assert result.exit_code == exitcodes.INTERRUPTED == 130
    assert result.stderr.strip() == "interrupted (Ctrl-C)"
