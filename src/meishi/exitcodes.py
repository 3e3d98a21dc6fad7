"""What every `meishi` command's exit code means, and the one line a failure prints.

| code | meaning |
| --- | --- |
| 0 | ok |
| 1 | some cards could not be read (`scan`, `ingest`, `demo`); `contacts search`: no match |
| 2 | usage: a bad argument or option, a path that does not exist, no such contact |
| 3 | a dependency is missing (`meishi doctor` says which and how to install it) |
| 4 | the data cannot be read or written: the database (read-only, full disk, PostgreSQL
      unreachable), the data folder, an output file; or the Prefect server or engine failed
      (did not start in time, connection lost) |
| 5 | a setting is invalid: `MEISHI_*`, `config.toml`, a data folder that is a file |
| 6 | an internal error (a bug): the one line names it, `--verbose` prints the traceback |
| 130 | interrupted (Ctrl-C): `scan`, `ingest` and `demo` say what was done and what is left;
        `serve`, which Ctrl-C is the way to stop, exits 0 |

Nothing here imports Prefect or touches the terminal: :func:`classify` turns an exception
into ``(code, line)``, the CLI prints it.
"""

from __future__ import annotations

import re

from sqlalchemy.exc import SQLAlchemyError

from meishi.errors import MeishiError, MissingDependencyError, SettingsError

OK = 0
CARDS_FAILED = 1
USAGE = 2
MISSING_DEPENDENCY = 3
DATA_ERROR = 4
BAD_SETTINGS = 5
INTERNAL_ERROR = 6
INTERRUPTED = 130  # 128 + SIGINT, what a shell reports for a program ended by Ctrl-C

#: ``(sqlite3.OperationalError) `` and the like: the driver's class adds nothing to read
_DRIVER_PREFIX = re.compile(r"\((?:\w+\.)*\w+\) ")
#: a password in a database URL (``postgresql://user:secret@host``)
_URL_PASSWORD = re.compile(r"(://[^:/@\s]+):[^@/\s]+@")


def one_line(text: str) -> str:
    """The first line of a message, without driver class names or passwords."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    first = lines[0] if lines else ""
    return _URL_PASSWORD.sub(r"\1:***@", _DRIVER_PREFIX.sub("", first))


#: what SQLite (and the OS) say when a disk is full
_DISK_FULL = ("database or disk is full", "disk I/O error", "No space left on device")


#: packages whose failures are the orchestration's (a server that did not start, a connection
#: to it lost), not a bug in meishi
_ORCHESTRATION = ("prefect", "httpx", "httpcore", "websockets")


def _raised_in(exc: BaseException) -> str:
    """The module of the frame that raised ``exc`` ("" when unknown)."""
    tb = exc.__traceback__
    if tb is None:
        return ""
    while tb.tb_next is not None:
        tb = tb.tb_next
    return str(tb.tb_frame.f_globals.get("__name__", ""))


def classify(exc: BaseException) -> tuple[int, str]:
    """The exit code and the one line to print for an exception a command did not handle."""
    code, line = _classify(exc)
    if code == DATA_ERROR and any(sign in line for sign in _DISK_FULL):
        line += " — check the free space on its disk"
    return code, line


def _classify(exc: BaseException) -> tuple[int, str]:
    if isinstance(exc, MissingDependencyError):
        return MISSING_DEPENDENCY, one_line(exc.message)
    if isinstance(exc, SettingsError):
        return BAD_SETTINGS, one_line(exc.message)
    if isinstance(exc, MeishiError):
        return DATA_ERROR, one_line(exc.message)
    if isinstance(exc, SQLAlchemyError):
        orig = getattr(exc, "orig", None)
        return DATA_ERROR, "the database failed: " + one_line(str(orig or exc))
    if isinstance(exc, OSError):
        what = exc.strerror or type(exc).__name__
        where = f"{exc.filename}: " if exc.filename else ""
        return DATA_ERROR, f"{where}{what}"
    if _raised_in(exc).startswith(_ORCHESTRATION):
        return DATA_ERROR, (
            f"the Prefect server or engine failed: {type(exc).__name__}: {one_line(str(exc))}"
        )
    return INTERNAL_ERROR, (
        f"internal error (a bug in meishi): {type(exc).__name__}: "
        f"{one_line(str(exc))} — run again with --verbose for the traceback"
    )
