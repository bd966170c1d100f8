"""Fast tests (no browser) for the bundled app server and the static app files."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from synthgen.apps import STATIC_DIR, AppServer, UnknownAppError, app_info, list_apps

APPS = ["chaos", "crm", "kanban", "notes", "shop", "webmail"]  # the demo apps (the shared nav lists them)
TEST_BENCHES = ["widgets"]  # pages for the browser tests, outside the nav
ROOT = Path(__file__).resolve().parents[2]


def get(url: str, timeout: float = 5.0) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as res:
            return res.status, {k.lower(): v for k, v in res.headers.items()}, res.read()
    except urllib.error.HTTPError as exc:
        return exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read()


def post(url: str, body: bytes, content_type: str) -> dict:
    req = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": content_type})
    with urllib.request.urlopen(req, timeout=5) as res:
        return json.loads(res.read())


def test_list_apps_and_metadata() -> None:
    assert list_apps() == sorted(APPS + TEST_BENCHES)
    for name in APPS:
        info = app_info(name)
        assert info["name"] == name
        assert info["title"] and info["description"]
        raw = json.loads((STATIC_DIR / name / "app.json").read_text())
        assert set(raw) >= {"name", "title", "description"}


def test_server_serves_each_app(apps_server: AppServer) -> None:
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", apps_server.base_url)
    assert apps_server.port > 0
    for name in APPS:
        url = apps_server.url(name)
        assert url == f"{apps_server.base_url}/{name}/"
        status, headers, body = get(url)
        assert status == 200, name
        assert headers["content-type"].startswith("text/html"), name
        assert headers["cache-control"] == "no-store"
        assert b"../shared/common.js" in body
        status, headers, body = get(apps_server.url(name, "app.json"))
        assert status == 200
        assert headers["content-type"].startswith("application/json")
        assert json.loads(body)["name"] == name
    status, headers, body = get(apps_server.base_url + "/")
    assert status == 200 and b"Synthgen demo apps" in body


def test_url_with_path_and_unknown_app(apps_server: AppServer) -> None:
    assert apps_server.url("shop", "cart.html") == f"{apps_server.base_url}/shop/cart.html"
    assert apps_server.url("shop", "/cart.html") == f"{apps_server.base_url}/shop/cart.html"
    with pytest.raises(UnknownAppError) as info:
        apps_server.url("nope")
    message = str(info.value)
    assert "nope" in message
    for name in APPS:
        assert name in message
    with pytest.raises(UnknownAppError):
        app_info("nope")


def test_content_types(apps_server: AppServer) -> None:
    cases = {
        "/shared/common.js": "text/javascript",
        "/shared/common.css": "text/css",
        "/shared/logo.png": "image/png",
        "/shop/img/books.svg": "image/svg+xml",
        "/shop/data/products.json": "application/json",
    }
    for path, ctype in cases.items():
        status, headers, body = get(apps_server.base_url + path)
        assert status == 200, path
        assert headers["content-type"].startswith(ctype), (path, headers["content-type"])
        assert body
    status, _, body = get(apps_server.base_url + "/shared/logo.png")
    assert body.startswith(b"\x89PNG")


def test_missing_files_and_no_directory_listing(apps_server: AppServer) -> None:
    assert get(apps_server.base_url + "/webmail/nope.html")[0] == 404
    assert get(apps_server.base_url + "/webmail/data/")[0] == 404
    assert get(apps_server.base_url + "/api/nope")[0] == 404
    status, headers, _ = get(apps_server.base_url + "/../../etc/passwd")
    assert status == 404


def test_api_delay(apps_server: AppServer) -> None:
    start = time.monotonic()
    status, headers, body = get(apps_server.base_url + "/api/delay?ms=150&echo=hello")
    elapsed = time.monotonic() - start
    assert status == 200
    assert headers["content-type"].startswith("application/json")
    data = json.loads(body)
    assert data["echo"] == "hello" and data["ms"] == 150 and data["ok"] is True
    assert elapsed >= 0.14
    assert json.loads(get(apps_server.base_url + "/api/delay?ms=-5")[2])["ms"] == 0
    status, _, body = get(apps_server.base_url + "/api/delay?ms=0&status=503")
    assert status == 503 and json.loads(body)["ok"] is False
    assert get(apps_server.base_url + "/api/delay?ms=abc")[0] == 400


def test_api_apps_lists_metadata(apps_server: AppServer) -> None:
    status, _, body = get(apps_server.base_url + "/api/apps")
    assert status == 200
    assert [a["name"] for a in json.loads(body)] == sorted(APPS + TEST_BENCHES)


def test_api_upload_multipart_and_raw(apps_server: AppServer) -> None:
    boundary = "----synthgenTestBoundary"
    payload = b"a,b\n1,2\n" * 100
    body = (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n"
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"data.csv\"\r\n"
        f"Content-Type: text/csv\r\n\r\n"
    ).encode() + payload + f"\r\n--{boundary}--\r\n".encode()
    data = post(apps_server.base_url + "/api/upload", body, f"multipart/form-data; boundary={boundary}")
    assert data["bytes"] == len(payload)
    assert data["name"] == "data.csv"
    assert data["fields"] == {"note": "hello"}
    raw = post(apps_server.base_url + "/api/upload?name=blob.bin", b"\x00" * 1234, "application/octet-stream")
    assert raw == {"bytes": 1234, "name": "blob.bin", "files": [], "fields": {}}


def test_api_hang_does_not_answer_and_stop_releases_it() -> None:
    srv = AppServer().start()
    try:
        with pytest.raises((TimeoutError, socket.timeout, urllib.error.URLError)):
            get(srv.base_url + "/api/hang", timeout=0.5)
    finally:
        start = time.monotonic()
        srv.stop()
        assert time.monotonic() - start < 3


def test_two_servers_get_different_ports_and_stop_cleanly() -> None:
    with AppServer() as a, AppServer() as b:
        assert a.port != b.port
        assert get(a.url("kanban"))[0] == 200
        assert get(b.url("kanban"))[0] == 200
        port = a.port
    assert not a.running
    with pytest.raises(RuntimeError):
        _ = a.base_url
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    a.stop()  # idempotent


def test_shared_nav_lists_every_app() -> None:
    js = (STATIC_DIR / "shared" / "common.js").read_text()
    names = re.findall(r"\{ name: '(\w+)', title:", js)
    assert sorted(names) == APPS


def test_fixtures_parse_and_have_expected_sizes() -> None:
    mail = json.loads((STATIC_DIR / "webmail/data/mailbox.json").read_text())
    assert sum(m["folder"] == "inbox" for m in mail["messages"]) == 40
    crm = json.loads((STATIC_DIR / "crm/data/contacts.json").read_text())
    assert len(crm["contacts"]) == 120
    shop = json.loads((STATIC_DIR / "shop/data/products.json").read_text())
    assert len(shop["products"]) == 60
    board = json.loads((STATIC_DIR / "kanban/data/board.json").read_text())
    assert [c["title"] for c in board["columns"]] == ["To do", "Doing", "Done"]
    notes = json.loads((STATIC_DIR / "notes/data/notes.json").read_text())
    assert notes["notes"]


def test_static_files_are_offline_and_deterministic() -> None:
    for path in STATIC_DIR.rglob("*"):
        if path.suffix not in {".html", ".js", ".css"}:
            continue
        text = path.read_text(encoding="utf-8")
        rel = path.relative_to(STATIC_DIR)
        assert not re.search(r"(src|href)=\"(https?:)?//", text), f"external resource in {rel}"
        assert "@import url(http" not in text, rel
        assert "Math.random" not in text, f"randomness in {rel}"
        if rel.as_posix() == "widgets/clock.html":
            continue  # the page-clock test page reads Date.now() on purpose (on the session's clock)
        assert "Date.now" not in text, f"wall clock in {rel}"
        assert not re.search(r"new Date\(\)", text), f"wall clock in {rel}"


def test_serve_forever_prints_app_urls() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    code = f"from synthgen.apps import serve_forever; serve_forever('127.0.0.1', {port})"
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        lines = [proc.stdout.readline() for _ in range(1 + len(APPS))]  # type: ignore[union-attr]
        assert f"http://127.0.0.1:{port}/" in lines[0]
        for name, line in zip(APPS, lines[1:]):
            assert f"http://127.0.0.1:{port}/{name}/" in line
        assert get(f"http://127.0.0.1:{port}/webmail/")[0] == 200
    finally:
        proc.terminate()
        proc.wait(timeout=5)
