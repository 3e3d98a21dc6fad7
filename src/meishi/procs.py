"""Child processes that never outlive meishi: a killed ingest leaves nothing behind.

On Linux a child can ask the kernel for a signal when its parent dies (``PR_SET_PDEATHSIG``).
meishi's children (the temporary Prefect server, Tesseract) ask for ``SIGKILL``, so even a
``kill -9`` of meishi takes them with it: no orphaned server listening on a port, no
Tesseract left running. Elsewhere this is a no-op. They run in a session of their own, so
Ctrl-C in the terminal reaches meishi alone, which stops them when it is done with them.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import signal
import sys
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

_PR_SET_PDEATHSIG = 1


def _load_prctl() -> Callable[..., int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        prctl = libc.prctl
    except (OSError, AttributeError):
        return None
    prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
    prctl.restype = ctypes.c_int
    return prctl


#: resolved once, in the parent: the function run between fork and exec must not load anything
_PRCTL = _load_prctl()


def die_with_parent_fn(sig: int = signal.SIGKILL) -> Callable[[], None] | None:
    """A ``preexec_fn`` that makes the child get ``sig`` when this process dies (None where
    the platform cannot)."""
    if _PRCTL is None:
        return None
    parent = os.getpid()
    prctl = _PRCTL

    def preexec() -> None:
        prctl(_PR_SET_PDEATHSIG, sig, 0, 0, 0)
        if os.getppid() != parent:  # the parent died before the prctl: follow it now
            os.kill(os.getpid(), sig)

    return preexec


def tesseract_env() -> dict[str, str]:
    """The environment of a Tesseract child: this process's, with ``OMP_THREAD_LIMIT=1``
    unless the user set it (``meishi doctor`` flags another value). Tesseract's OpenMP
    threads fight over the cores while meishi reads cards in parallel (measured ~5x slower
    on 2 cores); Tesseract is the only OpenMP user among meishi's engines (PP-OCR's
    onnxruntime is given one thread in its own options)."""
    env = dict(os.environ)
    env.setdefault("OMP_THREAD_LIMIT", "1")
    return env


def tie_tesseract_to_us() -> None:
    """Every Tesseract that pytesseract starts runs in :func:`tesseract_env` and dies with
    this process. The one place that sets ``OMP_THREAD_LIMIT``: each entry point (the CLI,
    the flows however they are run, ``meishi eval``'s workers, the tests, the benchmarks)
    starts Tesseract through a :class:`meishi.ocr.tesseract.TesseractEngine`, which calls
    this; meishi's own environment is left as it was."""
    try:
        import pytesseract.pytesseract as pt
    except ImportError:  # pragma: no cover - pytesseract is a locked dependency
        return
    if getattr(pt.subprocess_args, "_meishi_tied", False):
        return
    original = pt.subprocess_args

    def subprocess_args(include_stdout: bool = True) -> dict[str, Any]:
        kwargs = original(include_stdout)
        kwargs["env"] = tesseract_env()
        if _PRCTL is not None:
            kwargs["preexec_fn"] = die_with_parent_fn()
        # not in the terminal's process group: Ctrl-C stops the ingest, which lets the cards
        # being read finish; a Tesseract killed by it would quarantine a good card
        kwargs["start_new_session"] = True
        return kwargs

    subprocess_args._meishi_tied = True  # type: ignore[attr-defined]
    pt.subprocess_args = subprocess_args
