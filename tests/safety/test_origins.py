"""A page may reach only its app's own origin and the scenario's ``allowed_origins``.

The "foreign" origin is a second local server on another port: loopback, but not the app, so it is
elsewhere. It counts every request it gets; the app's page tries fetch, an image, an iframe, a beacon, a
WebSocket, a popup-free navigation.
"""

from __future__ import annotations

import http.server
import threading
from pathlib import Path
from typing import Iterator

import pytest

from synthgen.runner.worker import allowed_origin, origin_key


@pytest.mark.parametrize("url, allowed", [
    ("http://127.0.0.1:8000/api/x", True),
    ("http://localhost:8000/", True),              # the same server under another loopback name
    ("http://[::1]:8000/", True),
    ("ws://127.0.0.1:8000/live", True),            # its own WebSocket
    ("http://127.0.0.1:8001/", False),             # another local service
    ("https://127.0.0.1:8000/", False),            # another scheme is another origin
    ("http://127.0.0.2:8000/", False),
    ("http://evil.example/", False),
    ("http://127.0.0.1.evil.example:8000/", False),
    ("http://evil.example@127.0.0.1:8001/", False),
    ("https://cdn.example.org/lib.js", True),       # listed in allowed_origins
    ("https://cdn.example.org:444/lib.js", False),
    ("data:image/png;base64,AAAA", True),
    ("blob:http://127.0.0.1:8000/uuid", True),
    ("about:blank", True),
    ("file:///etc/passwd", False),
    ("chrome://settings", False),
    ("http://127.0.0.1:99999/", False),             # unparsable port
])
def test_origin_rule(url: str, allowed: bool) -> None:
    assert allowed_origin(url, {"http://127.0.0.1:8000", "https://cdn.example.org"}) is allowed


def test_origin_key_normalises() -> None:
    assert origin_key("HTTP://LOCALHOST:80/a") == origin_key("http://127.0.0.1/") == ("http", "loopback", 80)
    assert origin_key("wss://example.org/") == ("https", "example.org", 443)


class _Counting(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802
        type(self).hits.append(self.path)
        body = b"<p>foreign</p>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_GET

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def foreign() -> Iterator[tuple[str, list[str]]]:
    hits: list[str] = []
    handler = type("Handler", (_Counting,), {"hits": hits})
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    try:
        yield f"http://127.0.0.1:{srv.server_address[1]}", hits
    finally:
        srv.shutdown()
        srv.server_close()


def _scenario(tmp_path: Path, foreign_url: str, allowed: bool) -> Path:
    extra = f"allowed_origins: [{foreign_url}]\n" if allowed else ""
    p = tmp_path / "foreign.yaml"
    p.write_text(f"""name: faults-foreign
app: faults
{extra}think: {{median_ms: 200, sigma: 0.3}}
steps:
  - goto: "/faults/index.html?foreign={foreign_url}"
  - click: "testid=foreign"
  - wait_for: {{text: "fetch-"}}
  - wait_for: {{text: "img-"}}
  - wait_for: {{text: "ws-"}}
  - click: "testid=foreign-nav"
  - think: {{dist: {{median_ms: 500}}}}
""")
    return p


@pytest.mark.browser
def test_foreign_origin_is_unreachable_unless_allowed(tmp_path: Path, faults_url: str,
                                                      foreign: tuple[str, list[str]]) -> None:
    from synthgen.runner.local import GenerateConfig, generate

    url, hits = foreign
    s = generate(GenerateConfig(scenarios=[_scenario(tmp_path, url, allowed=False)], sessions=1, seed=1,
                                out=tmp_path / "blocked", personas=3, base_url=faults_url))
    assert s.ok == 1, s.failures  # every attempt failed quietly in the page; the session went on
    assert hits == [], f"the page reached {url}: {hits}"
    import pyarrow.parquet as pq

    (ev,) = [pq.read_table(p).to_pylist() for p in (tmp_path / "blocked" / "events").glob("*.parquet")]
    assert not any(r["url"].startswith(url) for r in ev)

    (tmp_path / "allowed").mkdir()
    s = generate(GenerateConfig(scenarios=[_scenario(tmp_path / "allowed", url, allowed=True)], sessions=1, seed=1,
                                out=tmp_path / "allowed" / "out", personas=3, base_url=faults_url))
    assert {h.split("?")[0] for h in hits} >= {"/fetch", "/img.png", "/frame", "/ws", "/nav"}, hits
