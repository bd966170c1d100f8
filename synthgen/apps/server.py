"""Loopback HTTP server for the bundled synthgen web apps.

The apps live in ``synthgen/apps/static/<app>/`` (one folder per app, each with
an ``index.html`` and an ``app.json``).  :class:`AppServer` serves them on
``127.0.0.1`` and a free port, in a daemon thread, together with a few small
JSON endpoints used to simulate slow, hung or upload-handling backends:

``GET /api/delay?ms=N&echo=TEXT[&status=CODE]``
    Sleeps ``N`` milliseconds (capped at 30000) and answers
    ``{"ms": N, "echo": TEXT, "ok": true}``.
``GET /api/hang``
    Never answers while the server runs (the request is released, without a
    response, when the server stops or after 120 s).
``POST /api/upload``
    Accepts a ``multipart/form-data`` or a raw body and answers
    ``{"bytes": n, "name": filename, "files": [...], "fields": {...}}``.
``GET /api/apps``
    The ``app.json`` metadata of every app.

Example::

    with AppServer() as srv:
        page.goto(srv.url("webmail"))
"""

from __future__ import annotations

import http.server
import json
import os
import posixpath
import sys
import threading
import time
from pathlib import Path
from typing import Any, Optional
from urllib.parse import parse_qs, unquote, urlsplit

__all__ = [
    "AppServer",
    "UnknownAppError",
    "STATIC_DIR",
    "list_apps",
    "app_info",
    "serve_forever",
]

#: Folder holding one sub-folder per bundled app.
STATIC_DIR: Path = Path(__file__).resolve().parent / "static"

MAX_DELAY_MS = 30_000
HANG_SECONDS = 120.0
MAX_UPLOAD_BYTES = 64 * 1024 * 1024

_CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".ico": "image/x-icon",
    ".txt": "text/plain; charset=utf-8",
    ".woff2": "font/woff2",
}


class UnknownAppError(ValueError):
    """Raised when an app name does not match a bundled app.

    Example::

        try:
            srv.url("nope")
        except UnknownAppError as exc:
            print(exc)   # Unknown app 'nope'; known apps: chaos, crm, ...
    """


def list_apps(static_dir: Optional[Path] = None) -> list[str]:
    """Names of the bundled apps, sorted.

    An app is a folder under ``static/`` that contains an ``index.html``.

    Example::

        >>> "webmail" in list_apps()
        True
    """
    root = Path(static_dir) if static_dir is not None else STATIC_DIR
    if not root.is_dir():
        return []
    return sorted(
        p.name for p in root.iterdir() if p.is_dir() and (p / "index.html").is_file()
    )


def app_info(app: str, static_dir: Optional[Path] = None) -> dict[str, Any]:
    """The ``app.json`` metadata of one app (``name``, ``title``, ``description``).

    Example::

        >>> app_info("shop")["title"]
        'Shop'
    """
    root = Path(static_dir) if static_dir is not None else STATIC_DIR
    known = list_apps(root)
    if app not in known:
        raise UnknownAppError(_unknown_message(app, known))
    meta_path = root / app / "app.json"
    info: dict[str, Any] = {"name": app, "title": app, "description": ""}
    if meta_path.is_file():
        info.update(json.loads(meta_path.read_text(encoding="utf-8")))
    return info


def _unknown_message(app: str, known: list[str]) -> str:
    return f"Unknown app {app!r}; known apps: {', '.join(known) or '(none)'}"


class _AppHTTPServer(http.server.ThreadingHTTPServer):
    """ThreadingHTTPServer with daemon handler threads and a stop event."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], static_dir: Path) -> None:
        self.static_dir = static_dir
        self.stopping = threading.Event()
        super().__init__(address, _AppRequestHandler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Stay quiet when a browser drops a connection (navigation, closed page)."""
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)


class _AppRequestHandler(http.server.SimpleHTTPRequestHandler):
    """Static files from the static dir plus the small ``/api/*`` endpoints."""

    server: _AppHTTPServer
    protocol_version = "HTTP/1.1"
    server_version = "synthgen-apps/1.0"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        server = args[2]
        super().__init__(*args, directory=str(server.static_dir), **kwargs)

    # -- plumbing -----------------------------------------------------------
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        """Silence the per-request stderr log."""

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def guess_type(self, path: "str | os.PathLike[str]") -> str:
        ext = posixpath.splitext(str(path))[1].lower()
        return _CONTENT_TYPES.get(ext) or super().guess_type(path)

    def list_directory(self, path: "str | os.PathLike[str]") -> None:
        self.send_error(404, "Directory listing disabled")
        return None

    def _send_json(self, status: int, payload: Any) -> None:
        body = json.dumps(payload).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    # -- routing --------------------------------------------------------------
    def do_GET(self) -> None:  # noqa: N802
        if self.path.startswith("/api/"):
            self._api_get()
        else:
            super().do_GET()

    def do_HEAD(self) -> None:  # noqa: N802
        if self.path.startswith("/api/"):
            self._api_get()
        else:
            super().do_HEAD()

    def do_POST(self) -> None:  # noqa: N802
        parts = urlsplit(self.path)
        if parts.path == "/api/upload":
            self._api_upload(parse_qs(parts.query))
        elif parts.path.startswith("/api/"):
            self._drain_body()
            self._send_json(404, {"error": f"no such endpoint: {parts.path}"})
        else:
            self._drain_body()
            self._send_json(405, {"error": "static files are read-only"})

    def _api_get(self) -> None:
        parts = urlsplit(self.path)
        query = parse_qs(parts.query)
        route = parts.path.rstrip("/")
        if route == "/api/delay":
            self._api_delay(query)
        elif route == "/api/hang":
            # Never answer while the server runs; give up quietly on stop.
            self.server.stopping.wait(HANG_SECONDS)
            self.close_connection = True
        elif route == "/api/apps":
            root = self.server.static_dir
            self._send_json(200, [app_info(a, root) for a in list_apps(root)])
        elif route == "/api/ping":
            self._send_json(200, {"ok": True})
        else:
            self._send_json(404, {"error": f"no such endpoint: {parts.path}"})

    def _api_delay(self, query: dict[str, list[str]]) -> None:
        try:
            ms = int(float(query.get("ms", ["0"])[0]))
        except ValueError:
            self._send_json(400, {"error": "ms must be a number"})
            return
        ms = max(0, min(ms, MAX_DELAY_MS))
        try:
            status = int(query.get("status", ["200"])[0])
        except ValueError:
            status = 200
        if not 200 <= status <= 599:
            status = 200
        start = time.monotonic()
        if ms and self.server.stopping.wait(ms / 1000.0):
            self.close_connection = True
            return
        waited = int(round((time.monotonic() - start) * 1000))
        payload = {
            "ok": status < 400,
            "ms": ms,
            "waited_ms": waited,
            "echo": query.get("echo", [None])[0],
        }
        self._send_json(status, payload)

    def _drain_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        if length <= 0:
            return b""
        if length > MAX_UPLOAD_BYTES:
            raise ValueError("body too large")
        return self.rfile.read(length)

    def _api_upload(self, query: dict[str, list[str]]) -> None:
        try:
            body = self._drain_body()
        except ValueError:
            self.close_connection = True
            self._send_json(413, {"error": "body too large"})
            return
        ctype = self.headers.get("Content-Type", "")
        files: list[dict[str, Any]] = []
        fields: dict[str, str] = {}
        if ctype.lower().startswith("multipart/form-data"):
            files, fields = _parse_multipart(body, ctype)
        if files:
            total = sum(f["bytes"] for f in files)
            name = files[0]["name"]
        else:
            total = len(body) if not ctype.lower().startswith("multipart/") else 0
            name = (
                query.get("name", [None])[0]
                or self.headers.get("X-Filename")
                or fields.get("name")
            )
        self._send_json(
            200,
            {"bytes": total, "name": name, "files": files, "fields": fields},
        )


def _parse_multipart(body: bytes, content_type: str) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """Split a multipart/form-data body into file parts and text fields."""
    boundary = None
    for piece in content_type.split(";")[1:]:
        key, _, value = piece.strip().partition("=")
        if key.lower() == "boundary":
            boundary = value.strip().strip('"')
    if not boundary:
        return [], {}
    files: list[dict[str, Any]] = []
    fields: dict[str, str] = {}
    delimiter = b"--" + boundary.encode("latin-1")
    for raw in body.split(delimiter)[1:]:
        if raw.startswith(b"--"):
            break  # closing delimiter
        if raw.startswith(b"\r\n"):
            raw = raw[2:]
        head, sep, content = raw.partition(b"\r\n\r\n")
        if not sep:
            continue
        if content.endswith(b"\r\n"):
            content = content[:-2]
        disposition: dict[str, str] = {}
        for line in head.decode("utf-8", "replace").split("\r\n"):
            hname, _, hval = line.partition(":")
            if hname.strip().lower() != "content-disposition":
                continue
            for item in hval.split(";")[1:]:
                k, _, v = item.strip().partition("=")
                disposition[k.lower()] = unquote(v.strip().strip('"'))
        field = disposition.get("name", "")
        if "filename" in disposition:
            files.append({"field": field, "name": disposition["filename"], "bytes": len(content)})
        else:
            fields[field] = content.decode("utf-8", "replace")
    return files, fields


class AppServer:
    """Serve the bundled apps on ``127.0.0.1`` from a daemon thread.

    Use as a context manager or call :meth:`start` / :meth:`stop`.

    Example::

        with AppServer() as srv:                 # free port
            print(srv.url("webmail"))            # http://127.0.0.1:PORT/webmail/
            print(srv.url("shop", "cart.html"))  # http://127.0.0.1:PORT/shop/cart.html
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        static_dir: "Optional[str | os.PathLike[str]]" = None,
    ) -> None:
        self.host = host
        self.port = port
        self.static_dir = Path(static_dir) if static_dir is not None else STATIC_DIR
        self._httpd: Optional[_AppHTTPServer] = None
        self._thread: Optional[threading.Thread] = None

    # -- lifecycle -------------------------------------------------------------
    def start(self) -> "AppServer":
        """Bind and start serving; returns ``self``. Idempotent."""
        if self._httpd is not None:
            return self
        if not self.static_dir.is_dir():
            raise FileNotFoundError(f"static app folder not found: {self.static_dir}")
        httpd = _AppHTTPServer((self.host, self.port), self.static_dir)
        self.port = httpd.server_address[1]
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever,
            kwargs={"poll_interval": 0.1},
            name=f"synthgen-apps:{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port (pending hung requests are dropped)."""
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        httpd.stopping.set()
        httpd.shutdown()
        httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> "AppServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        """True between :meth:`start` and :meth:`stop`."""
        return self._httpd is not None

    # -- URLs ---------------------------------------------------------------
    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT`` (only valid once started)."""
        if self._httpd is None:
            raise RuntimeError("AppServer is not running; call start() or use 'with'")
        return f"http://{self.host}:{self.port}"

    def apps(self) -> list[str]:
        """Names of the apps this server serves."""
        return list_apps(self.static_dir)

    def url(self, app: str, path: str = "") -> str:
        """Absolute URL of ``path`` inside ``app``.

        Example::

            srv.url("crm")                 # http://127.0.0.1:PORT/crm/
            srv.url("crm", "login.html")   # http://127.0.0.1:PORT/crm/login.html
        """
        known = self.apps()
        if app not in known:
            raise UnknownAppError(_unknown_message(app, known))
        return f"{self.base_url}/{app}/{path.lstrip('/')}"

    def __repr__(self) -> str:
        state = self.base_url if self.running else "stopped"
        return f"AppServer({state})"


def serve_forever(host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve the apps in the foreground until Ctrl-C, printing each app's URL.

    Example::

        serve_forever("127.0.0.1", 8000)   # for `synthgen apps serve`
    """
    srv = AppServer(host=host, port=port).start()
    try:
        print(f"synthgen apps serving on {srv.base_url}/", flush=True)
        for app in srv.apps():
            info = app_info(app, srv.static_dir)
            print(f"  {app:<10} {srv.url(app)}  {info.get('title', '')}", flush=True)
        print("Press Ctrl-C to stop.", flush=True)
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        srv.stop()
