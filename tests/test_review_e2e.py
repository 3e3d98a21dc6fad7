"""The review queue for real: `meishi serve` (Prefect server, deployments, image endpoint)
as a user runs it, driven through the Prefect API and through the UI in headless Chromium."""

from __future__ import annotations

import os
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
from meishi_flows.server import PrefectServer

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
    env.update(
        MEISHI_HOME=str(home),
        MEISHI_SERVER_PORT=str(port),
        MEISHI_IMAGE_PORT=str(image_port),
        MEISHI_SETTLE_S="0",
        MEISHI_CONFIG=str(home / "none.toml"),
        MEISHI_INGEST_CRON="0 0 1 1 *",
        COLUMNS="80",
    )  # the test starts ingest itself
    log = (home / "serve.log").open("wb")
    # its own process group, as a command in a terminal has: Ctrl-C signals the whole group
    # (the flow runs it has started too), not the one process
    proc = subprocess.Popen(
        [sys.executable, "-m", "meishi.cli", "serve"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    s = Served(
        home,
        f"http://127.0.0.1:{port}",
        f"http://127.0.0.1:{port}/api",
        f"http://127.0.0.1:{image_port}",
        proc,
    )
    try:

        def deployments_ready() -> bool:
            try:
                # Prefect's CSRF protection is on: a POST needs the token of a client id
                token = httpx.get(
                    f"{s.api}/csrf-token", params={"client": "e2e"}, timeout=2
                ).json()["token"]
                r = httpx.post(
                    f"{s.api}/deployments/filter",
                    json={"limit": 10},
                    timeout=2,
                    headers={"Prefect-Csrf-Token": token, "Prefect-Csrf-Client": "e2e"},
                )
                return r.status_code == 200 and len(r.json()) == 3
            except (httpx.HTTPError, ValueError, KeyError):
                return False

        _wait("the server and its three deployments", deployments_ready, 120)

        # the cards dropped while meishi was stopped are read when it starts (the inbox
        # watcher), not at the next scheduled ingest (once a year here)
        def read() -> bool:
            inbox = home / "inbox"
            return all((inbox / "processed" / "2026-11-20_交流会" / n).exists() for n in CARDS)

        _wait("the cards in the inbox to be read", read, 240)
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


def test_the_banner_and_meishi_review_fit_80_columns(served):
    """What `meishi serve` and `meishi review` print, in an 80-column terminal: no line wider,
    but a link alone on its line (printed whole, to click)."""
    from test_narrow import fits

    log = (served.home / "serve.log").read_text(encoding="utf-8")
    start = log.index("meishi is running.")
    banner = log[start : log.index("Ctrl-C stops everything.", start)]
    fits(banner)
    assert "/next" in banner and "名刺レビュー" in banner
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MEISHI_", "PREFECT_"))}
    env.update(
        MEISHI_HOME=str(served.home),
        MEISHI_CONFIG=str(served.home / "none.toml"),
        MEISHI_SERVER_PORT=served.ui.rsplit(":", 1)[1],
        COLUMNS="80",
    )
    done = subprocess.run(
        [sys.executable, "-m", "meishi.cli", "review"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    fits(done.stdout + done.stderr)
    assert "review(s) waiting" in done.stdout


def _waiting(s: Served) -> dict[int, object]:
    from meishi_flows.queue import waiting_reviews

    with s.settings():
        return {w.contact_id: w for w in waiting_reviews() if w.contact_id is not None}


def test_a_review_waits_per_card_and_an_answer_completes_the_contact(served):
    from meishi.models import ContactStatus

    waiting = _wait(
        "two review runs waiting for input",
        lambda: (w := _waiting(served)) and len(w) == 2 and w,
        180,
    )
    assert isinstance(waiting, dict)
    store = served.store()
    contacts = {c.id: c for c in store.contacts()}
    # the runs are named after the person and the company, so the list reads as a queue
    for cid, w in waiting.items():
        c = contacts[cid]
        assert w.name == f"{cid:04d} {c.fields['name']} — {c.fields['company']}"
        assert w.url.startswith(served.ui + "/v2/runs/flow-run/")
    # the card image is served to the form, from 127.0.0.1, under a link that cannot be guessed
    first, second = sorted(waiting)
    img = httpx.get(served.image_url(first), timeout=5)
    assert img.status_code == 200 and img.headers["content-type"] == "image/webp"
    assert img.content[:4] == b"RIFF" and img.content[8:12] == b"WEBP"  # stored compact
    assert httpx.get(served.image_url(999), timeout=5).status_code == 404
    assert httpx.get(f"{served.images}/cards/{first}.png", timeout=5).status_code == 404

    from prefect.flow_runs import resume_flow_run

    from meishi.review import review_model

    # an answer carries every field of the form, as the UI sends it (the form's schema
    # requires them all, so the UI shows no "(Optional)"; the server refuses a partial one)
    form = review_model(contacts[first]).model_json_schema()["properties"]
    shown = {k: p.get("default", "") for k, p in form.items()}
    with served.settings():
        with pytest.raises(RuntimeError, match="is a required property"):
            resume_flow_run(waiting[first].flow_run_id, run_input={"purpose": "x"})
        resume_flow_run(
            waiting[first].flow_run_id,
            run_input={  # type: ignore[attr-defined]
                **shown,
                "purpose": "物流の自動化で協業したい",
                "offer": "Prefect の運用ノウハウ",
                "follow_up": "2026-12-01",
                "title": "部長",
            },
        )

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


# the review form in the browser: tests/test_review_queue_ui.py


def test_a_faceless_stub_without_a_review_gets_one(served):
    from prefect.deployments import run_deployment

    from test_store import _read

    store = served.store()
    stub = store.add_card(_read("7" * 64), source_name="made-without-the-server.jpg")
    assert stub.contact_id not in _waiting(served)
    with served.settings():
        run = run_deployment(
            "reminder/reminder",
            parameters={"start_missing_reviews": True, "grace_minutes": 0},
            timeout=180,
            as_subflow=False,
        )
    assert run.state is not None and run.state.is_completed(), run.state
    _wait("the new review to wait for input", lambda: stub.contact_id in _waiting(served), 120)


def test_an_answer_for_a_contact_merged_meanwhile_is_kept(served):
    """The review of a card that was merged into another contact while it waited answers
    for that contact (its note appended, not lost); the other review is cancelled."""
    from prefect.deployments import run_deployment
    from prefect.flow_runs import resume_flow_run

    from meishi.models import PurposeNote
    from meishi.review import review_model
    from test_store import _read

    store = served.store()
    a = store.add_card(_read("8" * 64, "北村 一郎"), source_name="a.jpg").contact_id
    b = store.add_card(_read("9" * 64, "南 次郎"), source_name="b.jpg").contact_id
    with served.settings():
        run_deployment(
            "reminder/reminder",
            parameters={"start_missing_reviews": True, "grace_minutes": 0},
            timeout=180,
            as_subflow=False,
        )
    waiting = _wait(
        "both reviews to wait", lambda: (w := _waiting(served)) and {a, b} <= set(w) and w, 120
    )
    assert isinstance(waiting, dict)
    shown = {
        k: p.get("default", "")
        for k, p in review_model(store.get(a)).model_json_schema()["properties"].items()
    }
    store.complete(b, {}, PurposeNote(purpose="既存の目的"))
    store.merge(a, b)  # `meishi contacts merge A B` while A's review waits
    with served.settings():
        resume_flow_run(
            waiting[a].flow_run_id,  # type: ignore[attr-defined]
            run_input={**shown, "purpose": "新しい目的", "title": "部長"},
        )

    def answered():  # type: ignore[no-untyped-def]
        c = store.get(b)
        return c if c and "新しい目的" in (c.notes or "") else None

    done = _wait("the answer to reach the contact A joined", answered, 120)
    assert done.note.purpose == "既存の目的"  # kept, the answer appended
    assert done.fields["title"] == "部長"  # the field changed on A's form
    _wait("B's own review to be cancelled", lambda: b not in _waiting(served), 60)


def test_a_cancelled_review_comes_back_at_the_next_reminder(served):
    from prefect.deployments import run_deployment

    from meishi_flows.queue import cancel
    from test_store import _read

    store = served.store()
    cid = store.add_card(_read("6" * 64, "東 三郎"), source_name="c.jpg").contact_id

    def remind() -> None:
        with served.settings():
            run = run_deployment(
                "reminder/reminder",
                parameters={"start_missing_reviews": True, "grace_minutes": 0},
                timeout=180,
                as_subflow=False,
            )
        assert run.state is not None and run.state.is_completed(), run.state

    remind()
    waiting = _wait("its review", lambda: (w := _waiting(served)) and cid in w and w, 120)
    assert isinstance(waiting, dict)
    with served.settings():
        cancel(waiting[cid].flow_run_id, "the red Cancel in the UI")  # type: ignore[attr-defined]
    _wait("the review to be gone", lambda: cid not in _waiting(served), 60)
    remind()  # the next reminder
    again = _wait("a new review", lambda: (w := _waiting(served)) and cid in w and w, 120)
    assert again[cid].flow_run_id != waiting[cid].flow_run_id  # type: ignore[index,attr-defined]
