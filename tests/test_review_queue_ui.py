"""The review queue as a person meets it: `meishi serve` started over contacts made without
it, the URL it prints opened in Debian Chromium, and only real clicks and typing from there.

The cards are stored before the server starts (as `meishi ingest` or the demo leaves them):
the test also shows that each gets its review run within a minute of `meishi serve` starting.
Their fields come from the demo cards' ground truth (the OCR is not under test here), one
field stored as unsure so the form must mark it.

Prints the clicks and seconds each card took (``pytest -s`` shows them).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import httpx
import pytest
from test_review_e2e import CHROMIUM, _free_port, _wait

from conftest import DEMO

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed"),
]

#: oldest first: the order they were stored in
CARDS = ("demo_006.jpg", "demo_008.jpg", "demo_010.jpg")
UNSURE_FIELD = "tel"  # stored with a low confidence on every card


def _seed(home: Path) -> list[int]:
    from meishi.models import CardFields, CardRead, FieldValue, OcrResult
    from meishi.store import Store

    store = Store(f"sqlite:///{home / 'meishi.db'}", home / "cards")
    ids = []
    try:
        for n, name in enumerate(CARDS):
            truth = json.loads((DEMO / name).with_suffix(".json").read_text("utf-8"))["fields"]
            fields = CardFields(
                **{
                    k: FieldValue(value=v, confidence=0.5 if k == UNSURE_FIELD else 0.95)
                    for k, v in truth.items()
                    if v
                }
            )
            ok, png = cv2.imencode(".png", cv2.imread(str(DEMO / name)))
            assert ok
            read = CardRead(
                source=name,
                sha256=f"{n:x}" * 64,
                fields=fields,
                ocr=OcrResult(lines=[]),
                card_image=png.tobytes(),
            )
            ids.append(
                store.add_card(
                    read, source_name=f"2026-11-20_交流会/{name}", met_at="2026-11-20_交流会"
                ).contact_id
            )
            time.sleep(0.05)  # distinct creation times: the queue is oldest first
    finally:
        store.close()
    return ids


@dataclass
class Serve:
    home: Path
    queue_url: str
    api: str
    ids: list[int]
    started: float
    proc: subprocess.Popen[bytes]
    log: Path

    def waiting(self) -> dict[int, str]:
        """contact id → flow run id of the review runs waiting for input."""
        try:
            r = httpx.post(
                f"{self.api}/flow_runs/filter",
                timeout=10,
                headers=self.csrf(),
                json={
                    "flows": {"name": {"any_": ["review"]}},
                    "flow_runs": {"state": {"type": {"any_": ["PAUSED"]}}},
                },
            )
            r.raise_for_status()
        except httpx.HTTPError:  # a busy machine: asked again
            return {}
        return {run["parameters"]["contact_id"]: run["id"] for run in r.json()}

    def csrf(self) -> dict[str, str]:
        """The API's CSRF headers (`meishi serve` turns Prefect's CSRF protection on)."""
        client = "meishi-queue-test"
        token = httpx.get(f"{self.api}/csrf-token", params={"client": client}, timeout=10)
        return {"Prefect-Csrf-Token": token.json()["token"], "Prefect-Csrf-Client": client}

    def state(self, run_id: str) -> str:
        return httpx.get(f"{self.api}/flow_runs/{run_id}", timeout=5).json()["state"]["name"]


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[Serve]:
    home = tmp_path_factory.mktemp("queue")
    ids = _seed(home)
    port, image_port = _free_port(), _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(
        MEISHI_HOME=str(home),
        MEISHI_SERVER_PORT=str(port),
        MEISHI_IMAGE_PORT=str(image_port),
        MEISHI_SETTLE_S="0",
        MEISHI_CONFIG=str(home / "none.toml"),
        MEISHI_INGEST_CRON="0 0 1 1 *",
        COLUMNS="80",
    )
    log = home / "serve.log"
    started = time.monotonic()
    with log.open("wb") as fh:
        # the OCR replayed (tests/serve_recorded.py): the queue is under test, not Tesseract
        proc = subprocess.Popen(
            [sys.executable, str(Path(__file__).parent / "serve_recorded.py")],
            env=env,
            stdout=fh,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:

        def printed() -> str | None:
            m = re.search(
                r"^(http://127\.0\.0\.1:\d+/v2/runs\?\S+)$", log.read_text(), re.MULTILINE
            )
            return m.group(1) if m else None

        url = _wait("the queue URL printed by meishi serve", printed, 120)
        assert isinstance(url, str)
        yield Serve(home, url, f"http://127.0.0.1:{port}/api", ids, started, proc, log)
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(60)
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)


def test_every_card_made_without_the_server_has_a_review_within_a_minute(served):
    _wait("a review run per card", lambda: set(served.waiting()) == set(served.ids), 60)
    seconds = time.monotonic() - served.started
    print(f"\n{len(served.ids)} reviews waiting {seconds:.1f} s after `meishi serve` started")
    assert seconds <= 60


@dataclass
class Clicks:
    n: int = 0
    log: list[str] = field(default_factory=list)

    def click(self, locator, what: str) -> None:  # type: ignore[no-untyped-def]
        locator.click()
        self.n += 1
        self.log.append(what)


def test_a_person_works_through_the_queue_with_clicks_only(served, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    from meishi.models import ContactStatus
    from meishi.store import Store

    _wait("a review run per card", lambda: set(served.waiting()) == set(served.ids), 60)
    store = Store(f"sqlite:///{served.home / 'meishi.db'}", served.home / "cards")
    first, second = (store.get(i) for i in served.ids[:2])
    assert first is not None and second is not None
    title = {
        c.id: f"{c.id:04d} {c.fields['name']} — {c.fields['company']}" for c in (first, second)
    }
    timings: list[tuple[str, int, float]] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            page.set_default_timeout(30_000)
            expect.set_options(timeout=30_000)  # a loaded machine: the UI takes its time
            clicks = Clicks()
            t0 = time.monotonic()
            page.goto(served.queue_url)
            # the queue: only the waiting reviews, oldest first
            rows = page.get_by_role("link", name=re.compile(" — "))
            expect(rows).to_have_count(len(served.ids))
            assert rows.first.inner_text() == title[first.id]
            clicks.click(rows.first, "the oldest card")
            expect(page).to_have_title(re.compile(re.escape(title[first.id])))

            dialog = _open_form(page, clicks)
            # the card image, loaded and really shown
            img = dialog.locator(f"img[src*='/cards/{first.id}-']")
            expect(img).to_be_visible()
            _wait("the card image to load", lambda: img.evaluate("i => i.naturalWidth") > 0, 30)
            box = img.bounding_box()
            assert box is not None and box["height"] > 150
            # the unsure field is marked, in the guidance and on its label
            expect(dialog.get_by_text("⚠ 要確認").first).to_be_visible()
            expect(dialog.get_by_label("⚠ 要確認 TEL")).to_have_value(first.fields["tel"])
            # no type switches, no "(Optional)" noise
            body = dialog.inner_text()
            assert "Property is type" not in body and "(Optional)" not in body
            purpose = dialog.get_by_label(re.compile("^目的"))
            clicks.click(purpose, "purpose")
            purpose.fill("物流の自動化で協業したい")
            page.screenshot(path=str(tmp_path / "review-form.png"))
            if os.environ.get("MEISHI_SCREENSHOT"):  # docs/review-form.png
                page.set_viewport_size({"width": 1280, "height": 1500})
                img.scroll_into_view_if_needed()
                page.screenshot(path=os.environ["MEISHI_SCREENSHOT"])
                page.set_viewport_size({"width": 1280, "height": 1000})
            clicks.click(dialog.get_by_role("button", name="Resume"), "Resume (submit)")
            expect(dialog).to_be_hidden()
            # on to the next card: the run's Artifacts tab links to it once the answer is in
            clicks.click(page.get_by_role("tab", name="Artifacts"), "Artifacts tab")
            card = page.get_by_text("次の名刺へ").first
            card.wait_for(timeout=60_000)
            clicks.click(card, "the saved-card artifact")
            clicks.click(page.get_by_role("link", name=re.compile("次の名刺へ")), "次の名刺へ →")
            expect(page).to_have_title(re.compile(re.escape(title[second.id])))
            timings.append((title[first.id], clicks.n, time.monotonic() - t0))

            # the second card: an answer without a purpose is refused, and says why
            clicks2 = Clicks()
            t1 = time.monotonic()
            dialog = _open_form(page, clicks2)
            expect(dialog.locator(f"img[src*='/cards/{second.id}-']")).to_be_visible()
            clicks2.click(dialog.get_by_role("button", name="Resume"), "Resume (empty)")
            expect(dialog).to_be_hidden()
            # the run takes the answer, refuses it and waits again (the page follows)
            expect(page.get_by_text("Suspended").first).to_be_visible(timeout=60_000)
            _wait("the review to wait again", lambda: second.id in served.waiting(), 60)
            page.wait_for_timeout(3000)  # the header shows Suspended again
            dialog = _open_form(page, clicks2)
            reason = dialog.get_by_text(re.compile("送信できませんでした"))
            expect(reason).to_be_visible()
            assert "目的が空です" in dialog.inner_text()
            timings.append((title[second.id] + " (refused)", clicks2.n, time.monotonic() - t1))
        finally:
            browser.close()

    done = store.get(first.id)
    assert done is not None and done.status is ContactStatus.complete
    assert done.note is not None and done.note.purpose == "物流の自動化で協業したい"
    assert store.get(second.id).status is ContactStatus.needs_purpose  # type: ignore[union-attr]
    print()
    for what, n, s in timings:
        print(f"card {what}: {n} clicks, {s:.1f} s")
    print(f"clicks on card 1: {clicks.log}")


def _open_form(page, clicks: Clicks):  # type: ignore[no-untyped-def]
    clicks.click(page.get_by_role("button", name="Open menu").first, "⋮ menu")
    clicks.click(page.get_by_role("menuitem", name="Resume"), "Resume (menu)")
    dialog = page.get_by_role("dialog")
    dialog.get_by_label(re.compile("^目的")).wait_for()
    return dialog


def test_a_card_dropped_into_the_inbox_waits_for_review_within_seconds(served):
    """The inbox is watched: a dropped card is read and its review run waits for input
    seconds later, without waiting for the ingest schedule (set to once a year)."""
    _wait("the catch-up reviews", lambda: served.ids[-1] in served.waiting(), 60)
    known = set(served.ids)  # the cards stored before; the browser test may answer some
    batch = served.home / "inbox" / "2026-12-02_展示会"
    batch.mkdir(parents=True, exist_ok=True)
    tmp = batch / ".demo_007.jpg"  # hidden while it is written, then renamed: settled
    shutil.copy2(DEMO / "demo_007.jpg", tmp)
    t0 = time.monotonic()
    tmp.rename(batch / "demo_007.jpg")
    new = _wait("the dropped card's review", lambda: set(served.waiting()) - known, 60)
    seconds = time.monotonic() - t0
    print(f"\ndropped card waiting for review {seconds:.1f} s after it settled")
    from meishi.store import Store

    store = Store(f"sqlite:///{served.home / 'meishi.db'}", served.home / "cards")
    (cid,) = new  # type: ignore[misc]
    assert store.get(cid).cards[0].source_name == "2026-12-02_展示会/demo_007.jpg"
    assert seconds <= 10
