"""Loopback servers for the origin-isolation tests: an app an attacker controls, and a "secret" service.

:class:`Secret` is a TCP service on its own port that counts every connection it accepts (HTTP, WebSocket,
a CONNECT tunnel alike: a connection is a hit, whatever it says) and a UDP port that counts datagrams
(WebRTC STUN). :class:`AttackApp` serves pages that try every way a page can make the browser reach
another origin: an open redirect (``/r?to=URL&code=30x``) behind images, fetch, iframes, CSS, scripts,
meta refresh, a form POST and navigations; beacons, a keepalive fetch and an image sent while the page
unloads; a Web Worker's and a service worker's fetches; a WebSocket; WebRTC STUN. Both stop on exit.
"""

from __future__ import annotations

import http.server
import socket
import socketserver
import threading
from typing import Any
from urllib.parse import parse_qs, urlsplit

__all__ = ["Secret", "AttackApp", "ATTACK_PATHS"]

#: The pages of :class:`AttackApp` a test visits, in order (the last one navigates through the redirect).
ATTACK_PATHS = ("/all", "/meta", "/form", "/unload")


class _Count(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        srv: Any = self.server
        self.request.settimeout(2.0)
        try:
            first = self.request.recv(4096).split(b"\r\n", 1)[0].decode("latin-1")
        except OSError:
            first = ""
        with srv.lock:
            srv.hits.append(first)
        body = b"SECRET-CONTENT"
        try:
            self.request.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nAccess-Control-Allow-Origin: *\r\n"
                                 b"Content-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(body), body))
        except OSError:
            pass


class _TCP(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class Secret:
    """``with Secret() as s:`` ``s.origin`` (http://127.0.0.1:port), ``s.hits`` (first line of each
    connection), ``s.udp_port`` and ``s.udp_hits`` (datagrams received)."""

    def __init__(self) -> None:
        self.tcp = _TCP(("127.0.0.1", 0), _Count)
        self.tcp.hits, self.tcp.lock = [], threading.Lock()  # type: ignore[attr-defined]
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.bind(("127.0.0.1", 0))
        self.udp.settimeout(0.2)
        self.udp_hits = 0
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self.tcp.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True),
                         threading.Thread(target=self._udp_loop, daemon=True)]

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.tcp.server_address[1]}"

    @property
    def udp_port(self) -> int:
        return self.udp.getsockname()[1]

    @property
    def hits(self) -> list[str]:
        return list(self.tcp.hits)  # type: ignore[attr-defined]

    def _udp_loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.udp.recvfrom(2048)
                self.udp_hits += 1
            except OSError:
                continue

    def __enter__(self) -> "Secret":
        for t in self._threads:
            t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self.tcp.shutdown()
        self.tcp.server_close()
        for t in self._threads:
            t.join(5)
        self.udp.close()


def _pages(secret: str, udp_port: int) -> dict[str, tuple[str, str]]:
    r = lambda what, code=302: f"/r?code={code}&to={secret}/{what}"  # noqa: E731
    done = "setTimeout(() => { document.getElementById('s').textContent = 'done'; }, 1500);"
    unload = (f"addEventListener('pagehide', () => {{ navigator.sendBeacon('{secret}/beacon', 'x');"
              f" navigator.sendBeacon('{r('beacon-r', 307)}', 'x');"
              f" fetch('{secret}/keepalive', {{method: 'POST', body: 'x', keepalive: true, mode: 'no-cors'}});"
              f" fetch('{r('keepalive-r', 307)}', {{method: 'POST', body: 'x', keepalive: true, mode: 'no-cors'}});"
              f" new Image().src = '{r('unload-img')}'; new Image().src = '{secret}/unload-img-direct'; }});")
    html = lambda head, body, script="": (  # noqa: E731
        "text/html", f"<!doctype html><html><head>{head}</head><body><p id=s>loading</p>{body}"
                     f"<script>{script}</script></body></html>")
    return {
        "/all": html(
            f"<link rel=stylesheet href='{r('css', 301)}'><script src='{r('js', 307)}'></script>",
            f"<img src='{r('img', 301)}'><img src='{r('img302', 302)}'><iframe src='{r('frame', 301)}'></iframe>"
            "<p id=read></p>",
            f"fetch('{r('fetch', 307)}').then(x => x.text()).then(t => document.getElementById('read').textContent = t)"
            ".catch(() => {});"
            f"fetch('{r('fetch-cors', 302)}', {{mode: 'cors'}}).catch(() => {{}});"
            f"try {{ new WebSocket('{secret.replace('http', 'ws')}/ws'); }} catch (e) {{}}"
            "new Worker('/worker.js');"
            "if (navigator.serviceWorker) navigator.serviceWorker.register('/sw.js').catch(() => {});"
            f"const pc = new RTCPeerConnection({{iceServers: [{{urls: 'stun:127.0.0.1:{udp_port}'}}]}});"
            "pc.createDataChannel('x'); pc.createOffer().then(o => pc.setLocalDescription(o));"
            + unload + done),
        "/meta": html(f"<meta http-equiv=refresh content=\"0;url={r('meta', 302)}\">", "", unload + done),
        "/form": html("", f"<form id=f method=post action='{r('form', 307)}'><input name=a value=b></form>",
                      "setTimeout(() => document.getElementById('f').submit(), 200);" + done),
        "/unload": html("", "<a id=away href='/meta'>away</a>", unload + done),
        "/worker.js": ("text/javascript", f"fetch('{r('worker', 302)}').catch(() => {{}});"
                                          f"fetch('{secret}/worker-direct').catch(() => {{}});"),
        "/sw.js": ("text/javascript", f"self.addEventListener('install', e => e.waitUntil("
                                      f"fetch('{r('sw', 302)}').catch(() => {{}})));"
                                      f"fetch('{secret}/sw-direct').catch(() => {{}});"),
    }


class AttackApp:
    """``with AttackApp(secret) as app:`` ``app.origin``; ``app.hits`` lists the paths it served."""

    def __init__(self, secret: Secret) -> None:
        pages = _pages(secret.origin, secret.udp_port)
        hits: list[str] = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                hits.append(self.path)
                url = urlsplit(self.path)
                if url.path == "/r":  # the open redirect
                    q = parse_qs(url.query)
                    self.send_response(int(q.get("code", ["302"])[0]))
                    self.send_header("Location", q["to"][0])
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                ctype, body = pages.get(url.path, ("text/plain", "not found"))
                data = body.encode()
                self.send_response(200 if url.path in pages else 404)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:  # noqa: N802
                n = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(n)
                self.do_GET()

            def log_message(self, *args: object) -> None:
                pass

        self.hits = hits
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> "AttackApp":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(5)
