"""What a web page in the user's browser can reach: nothing.

The Prefect server of `meishi serve` and the card image endpoint run for real on 127.0.0.1;
the requests are what a foreign page (cross-origin fetch, WebSocket) or a DNS-rebinding page
(right address, foreign ``Host``) would send.
"""

from __future__ import annotations

import io
import os
import socket
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from PIL import Image

from meishi.cardlink import MAX_ID, card_ref, link_key
from meishi.imageserver import ImageServer
from meishi.store import Store
from meishi_flows.server import PrefectServer
from test_store import _read

EVIL = "https://evil.example"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# ----------------------------------------------------------------------------- Prefect server
@pytest.fixture(scope="module")
def prefect_server(tmp_path_factory) -> Iterator[PrefectServer]:
    home = tmp_path_factory.mktemp("prefect")
    server = PrefectServer(home / "prefect", _free_port(), home / "server.log")
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _csrf(api: str, client: str = "meishi-test") -> dict[str, str]:
    token = httpx.get(f"{api}/csrf-token", params={"client": client}, timeout=10).json()["token"]
    return {"Prefect-Csrf-Token": token, "Prefect-Csrf-Client": client}


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("method", "path", "headers", "csrf", "status", "says"),
    [
        # the local client, with a CSRF token: answered
        ("POST", "/artifacts/filter", {}, True, 200, "["),
        ("GET", "/health", {}, False, 200, "true"),
        ("GET", "/health", {"Host": "localhost:{port}"}, False, 200, "true"),
        # the UI's own origin is allowed (CORS and the guard), the token is still needed
        ("POST", "/artifacts/filter", {"Origin": "http://localhost:{port}"}, True, 200, "["),
        # CSRF: no token, a token of another client, a made-up token
        ("POST", "/artifacts/filter", {}, False, 403, "Missing CSRF token"),
        (
            "DELETE",
            "/artifacts/00000000-0000-0000-0000-000000000000",
            {},
            False,
            403,
            "Missing CSRF token",
        ),
        (
            "POST",
            "/artifacts/filter",
            {"Prefect-Csrf-Token": "x" * 32, "Prefect-Csrf-Client": "meishi-test"},
            False,
            403,
            "Invalid CSRF token",
        ),
        # a foreign page: refused even with a valid token (it cannot read one, but still)
        ("POST", "/artifacts/filter", {"Origin": EVIL}, True, 403, "cross-origin"),
        ("POST", "/artifacts/filter", {"Origin": "null"}, True, 403, "cross-origin"),
        ("GET", "/csrf-token?client=evil", {"Origin": EVIL}, False, 403, "cross-origin"),
        ("GET", "/health", {"Origin": "http://127.0.0.1:1"}, False, 403, "cross-origin"),
        # DNS rebinding: the right address under a foreign name
        ("POST", "/artifacts/filter", {"Host": "evil.example:{port}"}, True, 400, "answers only"),
        ("GET", "/health", {"Host": "evil.example"}, False, 400, "answers only"),
        ("GET", "/health", {"Host": "127.0.0.1:1"}, False, 400, "answers only"),
    ],
)
def test_prefect_api_answers_only_its_own_ui(
    prefect_server, method, path, headers, csrf, status, says
):
    port = prefect_server.port
    headers = {k: v.format(port=port) for k, v in headers.items()}
    if csrf:
        headers |= _csrf(prefect_server.api_url)
    r = httpx.request(
        method,
        prefect_server.api_url + path,
        headers=headers,
        json={} if method == "POST" else None,
        timeout=10,
    )
    assert r.status_code == status, r.text
    assert says in r.text
    allowed = r.headers.get("access-control-allow-origin")
    if "Origin" in headers and status == 200:
        assert allowed == headers["Origin"]
    else:
        assert allowed in (None, headers.get("Origin")) and allowed != "*"


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("origin", "allowed"),
    [
        (EVIL, False),
        ("http://127.0.0.1:{port}", True),
        ("http://localhost:{port}", True),
        ("http://127.0.0.1:{other}", False),
    ],
)
def test_cors_preflight_only_for_the_ui_origin(prefect_server, origin, allowed):
    origin = origin.format(port=prefect_server.port, other=prefect_server.port + 1)
    r = httpx.options(
        f"{prefect_server.api_url}/artifacts/filter",
        timeout=10,
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type,prefect-csrf-token",
        },
    )
    if allowed:
        assert r.status_code == 200
        assert r.headers["access-control-allow-origin"] == origin
    else:
        assert r.status_code >= 400
        assert "access-control-allow-origin" not in r.headers


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("headers", "accepted"),
    [
        ({}, True),
        ({"Origin": "http://127.0.0.1:{port}"}, True),
        ({"Origin": EVIL}, False),
        ({"Host": "evil.example:{port}"}, False),
    ],
)
def test_event_websocket_refuses_foreign_pages(prefect_server, headers, accepted):
    """WebSockets ignore CORS: /api/events/out streams every event (run names included)."""
    port = prefect_server.port
    fields = {
        "Host": f"127.0.0.1:{port}",
        "Upgrade": "websocket",
        "Connection": "Upgrade",
        "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
        "Sec-WebSocket-Version": "13",
        **{k: v.format(port=port) for k, v in headers.items()},
    }
    request = (
        "GET /api/events/out HTTP/1.1\r\n"
        + "".join(f"{k}: {v}\r\n" for k, v in fields.items())
        + "\r\n"
    )
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request.encode())
        status_line = sock.recv(4096).split(b"\r\n", 1)[0].decode()
    assert status_line.split()[1] == ("101" if accepted else "403"), status_line


@pytest.mark.e2e
def test_prefect_client_works_with_csrf_on(prefect_server):
    """meishi's own calls go through Prefect's client, which fetches its CSRF token."""
    from prefect import get_client
    from prefect.client.schemas.actions import ArtifactCreate
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with (
        temporary_settings({PREFECT_API_URL: prefect_server.api_url}),
        get_client(sync_client=True) as client,
    ):
        made = client.create_artifact(
            ArtifactCreate(key="csrf-check", type="markdown", data="3 new")
        )
        assert made.key == "csrf-check"
        assert [a.data for a in client.read_artifacts()] == ["3 new"]


# ----------------------------------------------------------------------------- card images
def _png(colour: int) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (40, 24), (colour, 0, 0)).save(buf, format="PNG")
    return buf.getvalue()


@pytest.fixture
def images(settings, tmp_path) -> Iterator[tuple[str, Store, bytes, dict[str, int]]]:
    from sqlalchemy import text

    settings.ensure_dirs()
    store = Store(settings.db_url, settings.images_dir)
    ids = {}
    names = {"good": "山田 太郎", "secret": "佐藤 花子", "link": "鈴木 一郎", "gone": "高田 次郎"}
    for i, (name, person) in enumerate(names.items()):
        read = _read(f"{i}" * 64, person)
        ids[name] = store.add_card(
            read.model_copy(update={"card_image": _png(i * 60)}), source_name=f"{name}.jpg"
        ).contact_id
    outside = tmp_path / "outside.png"  # a readable image, but not in the images folder
    outside.write_bytes(_png(200))
    inside_link = settings.images_dir / "link.png"
    inside_link.symlink_to(outside)
    with store.engine.begin() as conn:
        for name, path in (
            ("secret", "/etc/passwd"),
            ("link", str(inside_link)),
            ("gone", str(settings.images_dir / "missing.png")),
        ):
            conn.execute(
                text("UPDATE cards SET image_path = :p WHERE contact_id = :c"),
                {"p": path, "c": ids[name]},
            )
    port = _free_port()
    server = ImageServer(store, port, settings.home)
    server.start()
    try:
        yield server.url, store, link_key(settings.home), ids
    finally:
        server.stop()
        store.close()


def test_card_image_endpoint_serves_only_its_cards(images):
    url, store, key, ids = images
    good = ids["good"]
    r = httpx.get(f"{url}/cards/{card_ref(key, good)}", timeout=5)
    assert r.status_code == 200 and r.headers["content-type"] == "image/png"
    assert r.content == store.get(good).image_path.read_bytes()
    big = 99999999999999999999
    refs = {
        "the old guessable link": f"{good}.png",
        "a bare id": str(good),
        "a forged tag": f"{good}-{'0' * 32}",
        "another contact's tag": f"{good}-{card_ref(key, ids['secret']).split('-')[1]}",
        "a tag of another key": card_ref(b"k" * 32, good),
        "an id past the database's range": f"{big}-{'0' * 32}",
        "the largest id, signed": card_ref(key, MAX_ID),
        "one past it, signed": f"{MAX_ID + 1}-{card_ref(key, 1).split('-')[1]}",
        "a negative id": f"-1-{'0' * 32}",
        "no such contact, signed": card_ref(key, 424242),
        "a path outside the images folder in the database": card_ref(key, ids["secret"]),
        "a link in the images folder to a file outside": card_ref(key, ids["link"]),
        "a missing file": card_ref(key, ids["gone"]),
        "a traversal": "..%2F..%2F..%2Fetc%2Fpasswd",
        "upper-case hex": card_ref(key, good).upper(),
    }
    for what, ref in refs.items():
        r = httpx.get(f"{url}/cards/{ref}", timeout=5)
        assert r.status_code == 404, (what, r.status_code, r.text)
        assert not r.content.startswith(b"\x89PNG") and b"root:" not in r.content, what


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 200),
        ({"Host": "localhost:{port}"}, 200),
        ({"Host": "evil.example:{port}"}, 400),
        ({"Host": "evil.example"}, 400),
        ({"Origin": EVIL}, 403),
        ({"Origin": "null"}, 403),
        ({"Origin": "http://127.0.0.1:{port}"}, 200),
    ],
)
def test_card_image_endpoint_host_and_origin(images, headers, status):
    url, _store, key, ids = images
    port = url.rsplit(":", 1)[1]
    headers = {k: v.format(port=port) for k, v in headers.items()}
    r = httpx.get(f"{url}/cards/{card_ref(key, ids['good'])}", headers=headers, timeout=5)
    assert r.status_code == status, r.text
    assert r.content.startswith(b"\x89PNG") is (status == 200)


def test_link_key_is_private_and_stable(settings):
    settings.ensure_dirs()
    key = link_key(settings.home)
    path = settings.home / "card-links.key"
    assert len(key) == 32 and link_key(settings.home) == key
    assert os.stat(path).st_mode & 0o777 == 0o600
    assert [p.name for p in Path(settings.home).iterdir() if p.name.startswith(".")] == []


# ----------------------------------------------------------------------------- artifacts
def test_ingest_summary_artifact_holds_counts_not_people():
    from meishi.report import IngestReport, IngestRow, markdown_table

    person = {
        "name": "山田 太郎",
        "company": "株式会社ミドリ精機",
        "tel": "03-5210-7788",
        "mobile": "090-1234-5678",
        "email": "t.yamada@midori-seiki.co.jp",
    }
    report = IngestReport(
        inbox="/home/u/inbox",
        waiting_for_purpose=7,
        rows=[
            IngestRow(
                source="2026-11-20_交流会/山田さん.jpg",
                status="stored",
                contact_id=12,
                fields=person,
                candidates=[5],
            ),
            IngestRow(
                source="2026-11-20_交流会/b.jpg",
                status="merged",
                contact_id=5,
                merged_because="the mobile number",
                fields=person,
            ),
            IngestRow(source="c.jpg", status="duplicate", contact_id=3, fields=person),
            IngestRow(
                source="2026-11-20_交流会/佐藤様.png",
                status="failed",
                error="佐藤様.png is not an image",
            ),
        ],
    )
    md = markdown_table(report)
    for value in [*person.values(), "山田さん", "佐藤様", "交流会", "/home/u"]:
        assert value not in md, value
    assert md.splitlines()[0] == (
        "**1 new, 1 joined a known contact, 1 already stored, "
        "1 quarantined** — 1 of this batch and 7 in all are waiting "
        "for a purpose note."
    )
    assert "| #12 | new — same person as #5? |" in md
    assert "| #5 | joined (the mobile number) |" in md
    assert "| #3 | already stored |" in md
    assert "1 file(s) quarantined" in md
