"""The review queue for real: `meishi serve` (Prefect server, deployments, image endpoint)
as a user runs it, driven through the Prefect API and through the UI in headless Chromium."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from conftest import DEMO
from flows.server import PrefectServer

pytestmark = pytest.mark.e2e

CARDS = ("demo_006.jpg", "demo_008.jpg")
CHROMIUM = "/usr/bin/chromium"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(what: str, check: Callable[[], object], timeout_s: float = 120) -> object:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(1)
    raise AssertionError(f"timed out after {timeout_s:.0f} s waiting for {what}")


@dataclass
class Served:
    home: Path
    ui: str
    api: str
    images: str
    proc: subprocess.Popen[bytes]

    def store(self):  # type: ignore[no-untyped-def]
        from meishi.store import Store

        return Store(f"sqlite:///{self.home / 'meishi.db'}", self.home / "cards")

    def image_url(self, contact_id: int) -> str:
        from meishi.cardlink import card_image_url

        return card_image_url(self.images, self.home, contact_id)

    def settings(self):  # type: ignore[no-untyped-def]
        from prefect.settings import PREFECT_API_URL, PREFECT_UI_URL, temporary_settings

        return temporary_settings({PREFECT_API_URL: self.api, PREFECT_UI_URL: self.ui})


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[Served]:
    home = tmp_path_factory.mktemp("served")
    batch = home / "inbox" / "2026-11-20_交流会"
    batch.mkdir(parents=True)
    for name in CARDS:
        shutil.copy2(DEMO / name, batch / name)
    port, image_port = _free_port(), _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(MEISHI_HOME=str(home), MEISHI_SERVER_PORT=str(port),
               MEISHI_IMAGE_PORT=str(image_port), MEISHI_SETTLE_S="0",
               MEISHI_CONFIG=str(home / "none.toml"),
               MEISHI_INGEST_CRON="0 0 1 1 *")  # the test starts ingest itself
    log = (home / "serve.log").open("wb")
    # its own process group, as a command in a terminal has: Ctrl-C signals the whole group
    # (the flow runs it has started too), not the one process
    proc = subprocess.Popen([sys.executable, "-m", "meishi.cli", "serve"], env=env,
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    s = Served(home, f"http://127.0.0.1:{port}", f"http://127.0.0.1:{port}/api",
               f"http://127.0.0.1:{image_port}", proc)
    try:
        def deployments_ready() -> bool:
            try:
                # Prefect's CSRF protection is on: a POST needs the token of a client id
                token = httpx.get(f"{s.api}/csrf-token", params={"client": "e2e"},
                                  timeout=2).json()["token"]
                r = httpx.post(f"{s.api}/deployments/filter", json={"limit": 10}, timeout=2,
                               headers={"Prefect-Csrf-Token": token,
                                        "Prefect-Csrf-Client": "e2e"})
                return r.status_code == 200 and len(r.json()) == 3
            except (httpx.HTTPError, ValueError, KeyError):
                return False

        _wait("the server and its three deployments", deployments_ready, 120)
        with s.settings():
            from prefect.deployments import run_deployment

            run = run_deployment("ingest/ingest", parameters={"start_reviews": True},
                                 timeout=240, as_subflow=False)
            assert run.state is not None and run.state.is_completed(), run.state
        yield s
    finally:
        os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C
        try:
            proc.wait(60)
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
            log.close()
        # Ctrl-C stops everything cleanly: the server too
        assert proc.returncode == 0, (home / "serve.log").read_text()[-2000:]
        assert "meishi stopped." in (home / "serve.log").read_text()
        assert not PrefectServer(home / "prefect", port, home / "x.log").healthy()


def _waiting(s: Served) -> dict[int, object]:
    from flows.queue import waiting_reviews

    with s.settings():
        return {w.contact_id: w for w in waiting_reviews() if w.contact_id is not None}


def test_a_review_waits_per_card_and_an_answer_completes_the_contact(served):
    from meishi.models import ContactStatus

    waiting = _wait("two review runs waiting for input",
                    lambda: (w := _waiting(served)) and len(w) == 2 and w, 180)
    assert isinstance(waiting, dict)
    store = served.store()
    contacts = {c.id: c for c in store.contacts()}
    # the runs are named after the person and the company, so the list reads as a queue
    for cid, w in waiting.items():
        c = contacts[cid]
        assert w.name == f"{c.fields['name']} — {c.fields['company']}"
        assert w.url.startswith(served.ui + "/runs/flow-run/")
    # the card image is served to the form, from 127.0.0.1, under a link that cannot be guessed
    first, second = sorted(waiting)
    img = httpx.get(served.image_url(first), timeout=5)
    assert img.status_code == 200 and img.headers["content-type"] == "image/webp"
    assert img.content[:4] == b"RIFF" and img.content[8:12] == b"WEBP"  # stored compact
    assert httpx.get(served.image_url(999), timeout=5).status_code == 404
    assert httpx.get(f"{served.images}/cards/{first}.png", timeout=5).status_code == 404

    from prefect.flow_runs import resume_flow_run

    with served.settings():
        resume_flow_run(waiting[first].flow_run_id, run_input={  # type: ignore[attr-defined]
            "purpose": "物流の自動化で協業したい", "offer": "Prefect の運用ノウハウ",
            "follow_up": "2026-12-01", "title": "部長"})

    def completed():  # type: ignore[no-untyped-def]
        c = store.get(first)
        return c if c and c.status is ContactStatus.complete else None

    done = _wait("the contact to be complete", completed, 120)
    assert done.note.purpose == "物流の自動化で協業したい"
    assert done.note.offer == "Prefect の運用ノウハウ"
    assert str(done.note.follow_up) == "2026-12-01"
    # prefilled from the inbox folder 2026-11-20_交流会
    assert done.note.met_where == "交流会" and str(done.note.met_on) == "2026-11-20"
    assert done.fields["title"] == "部長"  # the correction
    assert done.fields["name"] == contacts[first].fields["name"]  # untouched fields stay
    # the other card is still faceless and still waiting
    assert store.get(second).status is ContactStatus.needs_purpose
    assert list(_waiting(served)) == [second]


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed")
def test_the_review_form_in_the_prefect_ui(served, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    from meishi.models import ContactStatus

    waiting = _wait("a review run waiting", lambda: _waiting(served), 180)
    assert isinstance(waiting, dict)
    cid, run = sorted(waiting.items())[-1]
    store = served.store()
    contact = store.get(cid)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1100})
            page.goto(run.url, wait_until="networkidle")  # type: ignore[attr-defined]
            # the title follows the run once the UI has read it (after its CSRF token): on a
            # loaded machine the network can idle before that
            expect(page).to_have_title(re.compile(re.escape(contact.fields["name"])),
                                       timeout=60_000)
            page.get_by_role("button", name="Resume").click()
            dialog = page.get_by_role("dialog")
            def prop(title: str):  # type: ignore[no-untyped-def]
                return dialog.locator(".schema-form-property").filter(
                    has=page.locator(".schema-form-property__label", has_text=title))

            purpose = prop("目的 Purpose").locator("textarea")
            purpose.wait_for(timeout=30_000)
            # the card image is shown and loaded
            img = prop("目的 Purpose").locator(f"img[src='{served.image_url(cid)}']")
            img.wait_for(timeout=30_000)
            _wait("the card image to load", lambda: img.evaluate("i => i.naturalWidth") > 0, 30)
            box = img.bounding_box()
            assert box is not None and box["height"] > 100  # really shown, not squeezed
            # the form is prefilled with what was read
            name = prop("氏名 Name").locator("textarea, input").first
            assert name.input_value() == contact.fields["name"]
            purpose.fill("採用イベントで一緒に登壇したい")
            img.scroll_into_view_if_needed()
            page.screenshot(path=str(tmp_path / "review-form.png"), full_page=True)
            if os.environ.get("MEISHI_SCREENSHOT"):
                shutil.copy(tmp_path / "review-form.png", os.environ["MEISHI_SCREENSHOT"])
            dialog.get_by_role("button", name="Submit").click()
            # the form closes once the run has taken the answer: closing the browser before
            # that would drop the request (a race the test lost on a loaded machine)
            dialog.wait_for(state="hidden", timeout=60_000)
        finally:
            browser.close()

    def completed():  # type: ignore[no-untyped-def]
        c = store.get(cid)
        return c if c and c.status is ContactStatus.complete else None

    done = _wait("the contact to be complete", completed, 120)
    assert done.note.purpose == "採用イベントで一緒に登壇したい"
    assert done.fields["name"] == contact.fields["name"]


def test_a_faceless_stub_without_a_review_gets_one(served):
    from prefect.deployments import run_deployment

    from test_store import _read

    store = served.store()
    stub = store.add_card(_read("7" * 64), source_name="made-without-the-server.jpg")
    assert stub.contact_id not in _waiting(served)
    with served.settings():
        run = run_deployment("reminder/reminder",
                             parameters={"start_missing_reviews": True, "grace_minutes": 0},
                             timeout=180, as_subflow=False)
    assert run.state is not None and run.state.is_completed(), run.state
    _wait("the new review to wait for input", lambda: stub.contact_id in _waiting(served), 120)
