"""The inbox watcher of `meishi serve`: a settled drop starts an ingest; files of the inbox's
own folders, hidden and half-written files do not; files dropped while meishi was stopped are
read at start."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest

from meishi_flows.serve import InboxWatcher


def _watch(inbox: Path, settle_s: float = 0.0, **kw: Any) -> tuple[InboxWatcher, threading.Event]:
    started = threading.Event()
    w = InboxWatcher(inbox, settle_s, start=started.set, **kw)
    w.start()
    time.sleep(0.5)  # the watch is set up
    return w, started


@pytest.mark.parametrize(
    ("name", "starts"),
    [
        ("2026-12-02_展示会/card.jpg", True),
        ("card.png", True),
        (".claimed/2026-12-02_展示会/card.jpg", False),  # the ingest's own moves
        ("processed/card.jpg", False),
        (".hidden.jpg", False),
        ("card.jpg.part", False),  # still being downloaded
    ],
)
def test_a_settled_drop_starts_an_ingest(tmp_path, name, starts):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    w, started = _watch(inbox)
    try:
        path = inbox / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"\xff\xd8 a scan")
        assert started.wait(8 if starts else 3) is starts
    finally:
        w.stop_event.set()


def test_files_dropped_while_stopped_are_read_at_start(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "card.jpg").write_bytes(b"\xff\xd8 a scan")
    w, started = _watch(inbox)
    try:
        assert started.wait(5)
    finally:
        w.stop_event.set()


def test_an_inbox_under_a_folder_named_failed_is_still_watched(tmp_path):
    inbox = tmp_path / "failed" / "processed" / "inbox"
    inbox.mkdir(parents=True)
    w, started = _watch(inbox)
    try:
        (inbox / "card.jpg").write_bytes(b"\xff\xd8 a scan")
        assert started.wait(8)
    finally:
        w.stop_event.set()


def test_no_ingest_starts_before_the_review_deployment_is_registered(tmp_path):
    """Cards dropped while meishi was stopped are read once `serve` can start their review
    runs, not before (a review started too early is lost until the next reminder)."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "card.jpg").write_bytes(b"\xff\xd8 a scan")
    registered = threading.Event()
    w, started = _watch(inbox, ready=registered.is_set)
    try:
        assert not started.wait(2)
        registered.set()
        assert started.wait(5)
    finally:
        w.stop_event.set()


def test_an_unregistered_deployment_delays_the_ingest_only_so_long(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "card.jpg").write_bytes(b"\xff\xd8 a scan")
    w, started = _watch(inbox, ready=lambda: False, ready_within_s=1.0)
    try:
        assert started.wait(5)
    finally:
        w.stop_event.set()
