"""Every failure a user can meet is one line on stderr and a documented exit code (README,
meishi.exitcodes), never a traceback; a crash is 6, not 1 ("some cards could not be read").

The commands run as a user runs them: `python -m meishi.cli` in a subprocess.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from importlib.metadata import version
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from meishi import exitcodes
from meishi.errors import MissingDependencyError, SettingsError, StoreError
from meishi.store import Store
from test_contact_book import TARO_2025, card


def _meishi(
    home: Path, *args: str, env: dict[str, str] | None = None, config: Path | None = None
) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("MEISHI_", "PREFECT_"))}
    base.update(
        MEISHI_HOME=str(home), MEISHI_CONFIG=str(config or home.parent / "none.toml"), COLUMNS="80"
    )
    return subprocess.run(
        [sys.executable, "-m", "meishi.cli", *args],
        env={**base, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
    )


def _one_line(result: subprocess.CompletedProcess[str]) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr and "╭" not in result.stderr
    return lines[0]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _book(home: Path) -> None:
    home.mkdir(parents=True, exist_ok=True)
    store = Store(f"sqlite:///{home / 'meishi.db'}", home / "cards")
    store.add_card(card("a", **TARO_2025), source_name="a.jpg")
    store.close()


# (what, prepare(tmp) -> (home, env, config), args, exit code, the line)
Case = tuple[str, Callable[[Path], tuple[Path, dict[str, str], Path | None]], list[str], int, str]


def _plain(tmp: Path) -> tuple[Path, dict[str, str], Path | None]:
    _book(tmp / "home")
    return tmp / "home", {}, None


def _env(**env: str) -> Callable[[Path], tuple[Path, dict[str, str], Path | None]]:
    def prepare(tmp: Path) -> tuple[Path, dict[str, str], Path | None]:
        home, _, _ = _plain(tmp)
        return home, {k: v.format(port=_free_port()) for k, v in env.items()}, None

    return prepare


def _config(
    text: str | bytes | None,
) -> Callable[[Path], tuple[Path, dict[str, str], Path | None]]:
    def prepare(tmp: Path) -> tuple[Path, dict[str, str], Path | None]:
        home, _, _ = _plain(tmp)
        config = tmp / "config.toml"
        if text is None:
            config.mkdir()
        elif isinstance(text, bytes):
            config.write_bytes(text)
        else:
            config.write_text(text, encoding="utf-8")
        return home, {}, config

    return prepare


def _home_is_a_file(tmp: Path) -> tuple[Path, dict[str, str], Path | None]:
    home = tmp / "home"
    home.write_text("not a folder")
    return home, {}, None


CASES: list[Case] = [
    (
        "MEISHI_WORKERS=0",
        _env(MEISHI_WORKERS="0"),
        ["contacts"],
        5,
        r"error: invalid setting: MEISHI_WORKERS \(or workers in .*\): Input should be greater "
        r"than or equal to 1 \(got '0'\)",
    ),
    (
        "MEISHI_WORKERS=many",
        _env(MEISHI_WORKERS="many"),
        ["faceless"],
        5,
        r"error: invalid setting: MEISHI_WORKERS .*valid integer.* \(got 'many'\)",
    ),
    (
        "config.toml is not TOML",
        _config("workers = [\n"),
        ["contacts"],
        5,
        r"error: the config file .*config\.toml is not valid TOML: .+",
    ),
    (
        "config.toml is not UTF-8",  # saved as Shift_JIS by a Windows editor
        _config('inbox = "C:/Users/me/名刺"\n'.encode("cp932")),
        ["contacts"],
        5,
        r"error: the config file .*config\.toml is not UTF-8 text: .+",
    ),
    (
        "config.toml has a wrong value",
        _config('workers = "two"\n'),
        ["contacts"],
        5,
        r"error: invalid setting: MEISHI_WORKERS \(or workers in .*config\.toml\): .*integer.*",
    ),
    (
        "config.toml is a folder",
        _config(None),
        ["contacts"],
        5,
        r"error: the config file .*config\.toml is not a file",
    ),
    (
        "the home is a file",
        _home_is_a_file,
        ["contacts"],
        5,
        r"error: MEISHI_HOME .*home is a file, not a folder: .+",
    ),
    (
        "the home is a file (export)",
        _home_is_a_file,
        ["export", "-f", "json"],
        5,
        r"error: MEISHI_HOME .*home is a file, not a folder: .+",
    ),
    (
        "PostgreSQL unreachable",
        _env(MEISHI_DATABASE_URL="postgresql+psycopg://meishi:s3cret@127.0.0.1:{port}/meishi"),
        ["contacts"],
        4,
        r"error: cannot open the contact store postgresql\+psycopg://meishi:\*\*\*@127\.0\.0\.1:"
        r"\d+/meishi: connection failed: .*Connection refused",
    ),
    (
        "PostgreSQL URL without psycopg",  # SQLAlchemy's postgresql:// means psycopg2
        _env(MEISHI_DATABASE_URL="postgresql://meishi:s3cret@127.0.0.1:{port}/meishi"),
        ["contacts"],
        5,
        r"error: MEISHI_DATABASE_URL postgresql://meishi:\*\*\*@127\.0\.0\.1:\d+/meishi: its "
        r"driver psycopg2 is not installed; meishi talks to PostgreSQL with psycopg 3: "
        r"postgresql\+psycopg://USER@HOST/DATABASE",
    ),
    (
        "an id past the database's range",
        _plain,
        ["contacts", "show", "99999999999999999999999"],
        2,
        r"error: no contact #99999999999999999999999 \(see `meishi contacts`\)",
    ),
    (
        "an id past the range (note)",
        _plain,
        ["contacts", "note", "9223372036854775808", "x"],
        2,
        r"error: no contact #9223372036854775808 .*",
    ),
    (
        "no such contact",
        _plain,
        ["contacts", "merge", "1", "424242"],
        2,
        r"error: no contact #424242 .*",
    ),
]


@pytest.mark.parametrize(
    ("what", "prepare", "args", "code", "line"), CASES, ids=[c[0] for c in CASES]
)
def test_error_is_one_line_and_a_documented_code(tmp_path, what, prepare, args, code, line):
    home, env, config = prepare(tmp_path)
    result = _meishi(home, *args, env=env, config=config)
    assert result.returncode == code, (result.returncode, result.stderr)
    assert re.fullmatch(line, _one_line(result)), result.stderr
    assert "s3cret" not in result.stderr + result.stdout


@pytest.mark.parametrize(
    "args", [["contacts", "show", "abc"], ["export", "-f", "bogus"], ["no-such-command"]]
)
def test_usage_errors_are_click_s_and_exit_2(tmp_path, args):
    result = _meishi(tmp_path / "home", *args)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr


def test_version():
    result = _meishi(Path("/nonexistent/home"), "--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"meishi {version('meishi')}"


# ----------------------------------------------------------------------------- a small disk
@contextlib.contextmanager
def _tmpfs(where: Path, size: str) -> Iterator[Path]:
    where.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a small tmpfs needs root")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(where)],
        capture_output=True,
        text=True,
    )
    if done.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def _fill(folder: Path) -> None:
    with contextlib.suppress(OSError), (folder / "filler").open("wb") as fh:
        while True:
            fh.write(b"\0" * 4096)
            fh.flush()


def test_disk_full(tmp_path):
    with _tmpfs(tmp_path / "disk", "2m") as disk:
        home = disk / "home"
        _book(home)
        _fill(disk)
        note = _meishi(home, "contacts", "note", "1", "長いメモ" * 2000)
        assert note.returncode == 4, note.stderr
        # SQLite says "database or disk is full", or "disk I/O error" when even its
        # write-ahead log cannot grow
        assert re.fullmatch(
            r"error: (could not add a note to contact #1|cannot open the contact "
            r"store sqlite:///.*meishi\.db): (database or disk is full|disk I/O "
            r"error) — check the free space on its disk",
            _one_line(note),
        )
        # the export's own file on a full disk (the store elsewhere): nothing half-written
        elsewhere = tmp_path / "home"
        _book(elsewhere)
        out = disk / "contacts.csv"
        export = _meishi(elsewhere, "export", "-f", "csv", "-o", str(out))
        assert export.returncode == 4, export.stderr
        assert _one_line(export) == f"error: cannot write {out}: No space left on device"
        assert not out.exists() and sorted(p.name for p in disk.iterdir()) == ["filler", "home"]


def test_an_edit_the_full_disk_refuses_is_4_not_usage(tmp_path):
    """The store opens, then the edit's own write finds the disk full: the database failed
    (4, with the hint), not the user's FIELD=VALUE (2)."""
    with _tmpfs(tmp_path / "disk", "2m") as disk:
        home = disk / "home"
        _book(home)
        _fill(disk)
        with (disk / "filler").open("r+b") as fh:  # room to open the store, not to write
            fh.truncate(fh.seek(0, os.SEEK_END) - 64 * 1024)
        edit = _meishi(home, "contacts", "edit", "1", "title=" + "部長" * 20000)
        assert edit.returncode == 4, edit.stderr
        assert _one_line(edit) == (
            "error: could not edit contact #1: database or disk is full — check the free "
            "space on its disk"
        )


def test_read_only_database(tmp_path):
    with _tmpfs(tmp_path / "disk", "4m") as disk:
        home = disk / "home"
        _book(home)
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        note = _meishi(home, "contacts", "note", "1", "メモ")
        assert note.returncode == 4, note.stderr
        assert re.fullmatch(r"error: .*(read-only|Read-only|readonly).*", _one_line(note))
        shown = _meishi(home, "contacts", "show", "1")
        assert shown.returncode in (0, 4), shown.stderr
        if shown.returncode:
            _one_line(shown)


# ----------------------------------------------------------------------------- classification
@pytest.mark.parametrize(
    ("exc", "code", "line"),
    [
        (MissingDependencyError("tesseract is not installed"), 3, "tesseract is not installed"),
        (SettingsError("invalid setting: MEISHI_WORKERS"), 5, "invalid setting: MEISHI_WORKERS"),
        (
            StoreError(
                "could not store a.jpg: (sqlite3.OperationalError) database or disk is full\n"
                "[SQL: INSERT ...]\n(Background on this error at: https://sqlalche.me/e/20/e3q8)"
            ),
            4,
            "could not store a.jpg: database or disk is full — check the free space on its disk",
        ),
        (
            OSError(28, "No space left on device", "/data/x.png"),
            4,
            "/data/x.png: No space left on device — check the free space on its disk",
        ),
        (
            ZeroDivisionError("division by zero"),
            6,
            "internal error (a bug in meishi): ZeroDivisionError: division by zero — run again with "
            "--verbose for the traceback",
        ),
    ],
)
def test_classify(exc, code, line):
    assert exitcodes.classify(exc) == (code, line)


def _raised_by(module: str, exc: Exception) -> Exception:
    namespace = {"__name__": module, "exc": exc}
    exec("def fail():\n    raise exc\n", namespace)
    try:
        namespace["fail"]()
    except Exception as raised:
        return raised
    raise AssertionError("did not raise")


@pytest.mark.parametrize(
    ("module", "exc", "code", "line"),
    [
        (
            "prefect.server.api.server",
            RuntimeError("Timed out while attempting to connect to ephemeral Prefect API server."),
            4,
            "the Prefect server or engine failed: RuntimeError: Timed out while attempting to connect "
            "to ephemeral Prefect API server.",
        ),
        (
            "httpx._transports.default",
            httpx.ConnectError("All connection attempts failed"),
            4,
            "the Prefect server or engine failed: ConnectError: All connection attempts failed",
        ),
        (
            "meishi.merge",
            RuntimeError("oops"),
            6,
            "internal error (a bug in meishi): RuntimeError: oops — run again with --verbose for the "
            "traceback",
        ),
    ],
)
def test_classify_by_where_it_was_raised(module, exc, code, line):
    assert exitcodes.classify(_raised_by(module, exc)) == (code, line)


def test_a_crash_is_not_exit_1(settings, monkeypatch):
    """An exception nobody expected: one line, exit 6, the traceback only with --verbose."""
    from meishi.cli import app

    def boom(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise KeyError("cards")

    monkeypatch.setattr(Store, "contacts", boom)
    runner = CliRunner()
    result = runner.invoke(app, ["contacts"])
    assert result.exit_code == 6
    assert result.stderr.strip() == (
        "error: internal error (a bug in meishi): KeyError: 'cards' "
        "— run again with --verbose for the traceback"
    )
    verbose = runner.invoke(app, ["--verbose", "contacts"])
    assert verbose.exit_code == 6 and "Traceback" in verbose.stderr


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full")
@pytest.mark.parametrize("args", [["--version"], ["--help"], ["contacts"], ["export", "-f", "csv"]])
def test_output_to_a_full_disk_is_one_line_and_4(tmp_path, args):
    """Standard output on a full disk (here /dev/full): the same line and code for what
    click prints while it reads the arguments (--version, --help) as for a command."""
    _book(tmp_path / "home")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MEISHI_", "PREFECT_"))}
    env.update(MEISHI_HOME=str(tmp_path / "home"), MEISHI_CONFIG=str(tmp_path / "none.toml"))
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "meishi.cli", *args],
            env=env,
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
        )
    assert done.returncode == 4, done.stderr
    assert _one_line(done) == "error: No space left on device — check the free space on its disk"
