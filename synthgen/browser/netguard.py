"""The network guard: an in-process forwarding HTTP proxy that lets a session reach only its allowed origins.

Every request Chromium makes, from any frame, worker or service worker, each hop of a redirect chain,
beacons and keepalive fetches sent while a page unloads, and WebSockets, leaves the browser through a
proxy (``--proxy-server`` at launch, a per-context proxy for each session, loopback not bypassed). The
guard is that proxy. It runs in the worker's event loop and gives each session its own listening port
(:meth:`NetGuard.open_session`), so it knows whose rule applies to a request without proxy credentials
(Playwright answers a proxy's auth challenge by intercepting every request over CDP, which is the cost
this avoids). A request is forwarded only if :func:`synthgen.browser.netguard.allowed_origin` admits its
URL (plain HTTP, checked per request) or its ``host:port`` (``CONNECT``: HTTPS and WebSockets); anything
else gets a ``403`` whose body says why, and is counted in :attr:`NetGuard.blocked`. The launch-level
proxy is a port that refuses everything, so a context opened without a session port reaches nothing.

The bundled apps' stable host (:data:`synthgen.browser.launch.BUNDLED_HOST`) is mapped to the app
server's port here (``host_map``), since with a proxy Chromium never resolves page hosts itself.

>>> import asyncio
>>> async def demo():
...     async with NetGuard() as guard:
...         gate = await guard.open_session("s1", {"http://127.0.0.1:8000"})
...         return gate.admits("http://127.0.0.1:8000/x"), gate.admits("http://127.0.0.1:9/secret")
>>> asyncio.run(demo())
(True, False)
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Iterable
from urllib.parse import urlsplit

__all__ = ["NetGuard", "Gate", "Blocked", "LOOPBACK_HOSTS", "allowed_origin", "origin_key", "guard_args",
           "BLOCKED_HEADER", "UNREACHABLE_HEADER"]

LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}

#: Header of every refusal, so a test (or a person reading a HAR) can tell the guard's answer from an app's.
BLOCKED_HEADER = "X-Synthgen-Blocked"
#: Header of the guard's 502 when an allowed origin does not answer: the driver turns it back into the
#: network error Chromium reports without a proxy (``net::ERR_CONNECTION_REFUSED at <url>``).
UNREACHABLE_HEADER = "X-Synthgen-Unreachable"

_DEFAULT_PORTS = {"http": 80, "https": 443}
_WS_SCHEMES = {"ws": "http", "wss": "https"}
_LOCAL_SCHEMES = ("data", "blob", "about")
_HEAD_LIMIT = 64 * 1024  # a request or response head larger than this is refused (Chromium's own limit is 256 kB)
_CONNECT_TIMEOUT_S = 10.0
_CHUNK = 64 * 1024
_MAX_BLOCKED_KEPT = 1000  # the first refusals are kept for reports; the count goes on


def origin_key(url: str) -> tuple[str, str, int | None] | None:
    """``(scheme, host, port)`` of a URL as the origin rule compares them; ``None`` if unparsable.

    Default ports are filled in, ``ws``/``wss`` count as ``http``/``https`` (a page's WebSocket to its
    own server is same-origin), and the loopback names 127.0.0.1, localhost and ::1 are one host.

    >>> origin_key("http://localhost/x") == origin_key("http://127.0.0.1:80/") == origin_key("ws://[::1]")
    True
    """
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = _WS_SCHEMES.get(parts.scheme.lower(), parts.scheme.lower())
    host = (parts.hostname or "").lower()
    if host in LOOPBACK_HOSTS:
        host = "loopback"
    return scheme, host, port if port is not None else _DEFAULT_PORTS.get(scheme)


def allowed_origin(url: str, allowed: set[str]) -> bool:
    """The origin rule: a page may reach its app's own origin and the origins listed in ``allowed``.

    ``allowed`` holds the base URL's origin and the scenario's ``allowed_origins``. Origins compare as
    :func:`origin_key` says (scheme, host and port). ``data:``, ``blob:`` and ``about:`` URLs never leave
    the browser and are always allowed. Everything else is blocked, other loopback ports included: a
    scenario for one app must not reach another local service.

    >>> app = {"http://127.0.0.1:8000"}
    >>> allowed_origin("http://127.0.0.1:8000/api", app), allowed_origin("http://127.0.0.1:9/x", app)
    (True, False)
    >>> allowed_origin("https://evil.example/", app), allowed_origin("data:text/plain,hi", app)
    (False, True)
    """
    if urlsplit(url).scheme.lower() in _LOCAL_SCHEMES:
        return True
    key = origin_key(url)
    return key is not None and any(origin_key(o) == key for o in allowed)


def guard_args(deny_port: int) -> tuple[str, ...]:
    """Chromium flags that send all traffic to the guard: the launch-level proxy (a port that refuses
    everything; each session's context overrides it with its own port), loopback not bypassed, and
    WebRTC kept from sending UDP, which no HTTP proxy carries (so it sends none at all).

    >>> guard_args(9)[:2]
    ('--proxy-server=http://127.0.0.1:9', '--proxy-bypass-list=<-loopback>')
    """
    return (f"--proxy-server=http://127.0.0.1:{deny_port}", "--proxy-bypass-list=<-loopback>",
            "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
            # No speculative DNS or preconnects to hosts a page merely names.
            "--dns-prefetch-disable")


@dataclass(frozen=True)
class Blocked:
    """One refused request: the session it came from, the method and the URL (``host:port`` for CONNECT)."""

    session: str
    method: str
    url: str


@dataclass(eq=False)
class Gate:
    """One session's entrance to the guard: its own port and its allowed origins.

    ``proxy`` is what :meth:`playwright.async_api.Browser.new_context` takes as ``proxy=``.
    """

    guard: "NetGuard"
    session: str
    allowed: frozenset[str]
    port: int = 0
    requests: int = 0
    blocked: int = 0
    _server: asyncio.AbstractServer | None = None
    _conns: set[asyncio.Task[None]] = field(default_factory=set)

    @property
    def proxy(self) -> dict[str, str]:
        # The bypass list is Playwright's to build: it prepends <-loopback>, so loopback goes through here too.
        return {"server": f"http://127.0.0.1:{self.port}"}

    def admits(self, url: str) -> bool:
        """The origin rule for this session's plain-HTTP request to ``url``."""
        return allowed_origin(url, set(self.allowed)) and not self.guard.is_own(url)

    def admits_authority(self, host: str, port: int) -> bool:
        """The rule for a ``CONNECT host:port`` (HTTPS or a WebSocket): an allowed origin has that host and port.

        The scheme inside a tunnel is not visible, so ``http`` and ``https`` origins on that host and port
        both admit it (a ``ws://`` socket to the app's own port arrives as a CONNECT too).
        """
        return any(allowed_origin(f"{scheme}://{_bracket(host)}:{port}/", set(self.allowed))
                   for scheme in ("http", "https")) and not self.guard.is_own(f"http://{_bracket(host)}:{port}/")

    async def close(self) -> None:
        """Stop listening and cut this session's open connections (its context is gone)."""
        if self._server is not None:
            self._server.close()
            self._server = None
        for t in list(self._conns):
            t.cancel()
        await asyncio.gather(*self._conns, return_exceptions=True)
        self.guard._gates.discard(self)


def _bracket(host: str) -> str:
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


class NetGuard:
    """The proxy for one browser: :meth:`start`, pass :attr:`launch_args` to Chromium, :meth:`open_session`
    per context, :meth:`close` at the end (or use ``async with``).

    ``host_map`` sends a host name to another address (``{"apps.synthgen.test": ("127.0.0.1", 8765)}``),
    after the origin rule has admitted the request by its name.
    """

    def __init__(self, host_map: dict[str, tuple[str, int]] | None = None) -> None:
        self.host_map = {k.lower(): v for k, v in (host_map or {}).items()}
        self.blocked: list[Blocked] = []  # the first _MAX_BLOCKED_KEPT refusals
        self.blocked_count = 0
        self.requests = 0
        self._deny: Gate | None = None
        self._gates: set[Gate] = set()

    async def __aenter__(self) -> "NetGuard":
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def deny_port(self) -> int:
        assert self._deny is not None, "NetGuard.start() first"
        return self._deny.port

    @property
    def launch_args(self) -> tuple[str, ...]:
        """The Chromium flags for a browser whose traffic this guard carries (see :func:`guard_args`)."""
        return guard_args(self.deny_port)

    async def start(self) -> None:
        if self._deny is None:
            self._deny = await self.open_session("(no session)", ())

    async def open_session(self, session: str, allowed: Iterable[str]) -> Gate:
        """A new port admitting ``allowed`` (origins as ``scheme://host[:port]``) for ``session``'s context."""
        gate = Gate(self, session, frozenset(allowed))
        gate._server = await asyncio.start_server(lambda r, w: self._accept(gate, r, w), "127.0.0.1", 0,
                                                  limit=_HEAD_LIMIT)
        gate.port = gate._server.sockets[0].getsockname()[1]
        self._gates.add(gate)
        return gate

    def is_own(self, url: str) -> bool:
        """Whether ``url`` points at one of the guard's own ports (a request to itself would loop)."""
        key = origin_key(url)
        return key is not None and key[1] == "loopback" and any(g.port == key[2] for g in self._gates)

    async def close(self) -> None:
        for gate in list(self._gates):
            await gate.close()
        self._deny = None

    # ---- one client connection ---------------------------------------------------------------
    def _accept(self, gate: Gate, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.ensure_future(self._serve(gate, reader, writer))
        gate._conns.add(task)
        task.add_done_callback(gate._conns.discard)

    async def _serve(self, gate: Gate, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        upstream: asyncio.StreamWriter | None = None
        try:
            try:
                head = await reader.readuntil(b"\r\n\r\n")
            except asyncio.LimitOverrunError:
                await _answer(writer, 431, "request head too large")
                return
            except (asyncio.IncompleteReadError, ConnectionError):
                return
            lines = head.decode("latin-1").split("\r\n")
            try:
                method, target, version = lines[0].split(" ")
            except ValueError:
                await _answer(writer, 400, "malformed request line")
                return
            gate.requests += 1
            self.requests += 1
            if method.upper() == "CONNECT":
                host, port = _authority(target)
                if port is None or not gate.admits_authority(host, port):
                    await self._refuse(gate, writer, method, target)
                    return
                up = await self._connect(writer, host, port)
                if up is None:
                    return
                up_reader, upstream = up
                writer.write(b"HTTP/1.1 200 Connection Established\r\n\r\n")
                await _pipe_both(reader, writer, up_reader, upstream)
                return
            parts = urlsplit(target)
            if parts.scheme.lower() != "http" or not parts.hostname or not gate.admits(target):
                await self._refuse(gate, writer, method, target)
                return
            up = await self._connect(writer, parts.hostname, parts.port or 80)
            if up is None:
                return
            up_reader, upstream = up
            path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            upstream.write(_request_head(method, path, version, lines[1:]))
            await _pipe_both(reader, writer, up_reader, upstream, rewrite_response=True)
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass  # either side went away: nothing to answer
        finally:
            for w in (writer, upstream):
                if w is not None:
                    w.close()

    async def _refuse(self, gate: Gate, writer: asyncio.StreamWriter, method: str, target: str) -> None:
        gate.blocked += 1
        self.blocked_count += 1
        if len(self.blocked) < _MAX_BLOCKED_KEPT:
            self.blocked.append(Blocked(gate.session, method, target))
        allowed = ", ".join(sorted(gate.allowed)) or "nothing"
        why = (f"synthgen blocked {method} {target}: not the app's origin nor in the scenario's allowed_origins "
               f"(this session may reach: {allowed}); add the origin to allowed_origins if the scenario needs it")
        # A tunnel is refused with 403 (Chromium fails it: ERR_TUNNEL_CONNECTION_FAILED). A plain request
        # gets 204 No Content: a navigation (or redirect hop) answered 204 does not happen, so the page stays
        # where it was instead of showing a refusal page at the foreign URL; a subresource gets nothing.
        # The reason travels in the X-Synthgen-Blocked header (devtools, HAR) and in NetGuard.blocked.
        await _answer(writer, 403 if method.upper() == "CONNECT" else 204, why, blocked=True)

    async def _connect(self, writer: asyncio.StreamWriter, host: str,
                       port: int) -> tuple[asyncio.StreamReader, asyncio.StreamWriter] | None:
        addr = self.host_map.get(host.lower().strip("[]"), (host.strip("[]"), port))
        try:
            return await asyncio.wait_for(asyncio.open_connection(addr[0], addr[1], limit=_HEAD_LIMIT),
                                          _CONNECT_TIMEOUT_S)
        except (OSError, asyncio.TimeoutError) as exc:
            # Chromium's own name for the failure (what it reports without a proxy), for the session's error.
            net = ("ERR_CONNECTION_REFUSED" if isinstance(exc, ConnectionRefusedError) else
                   "ERR_CONNECTION_TIMED_OUT" if isinstance(exc, asyncio.TimeoutError) else "ERR_CONNECTION_FAILED")
            await _answer(writer, 502, f"net::{net}: synthgen could not reach {host}:{port} "
                          f"({exc or type(exc).__name__})", header=UNREACHABLE_HEADER)
            return None


def _authority(target: str) -> tuple[str, int | None]:
    """``host, port`` of a CONNECT target (``example.org:443``, ``[::1]:8000``); port ``None`` if bad."""
    host, _, port = target.rpartition(":")
    try:
        return host.strip("[]").lower(), int(port) if 0 < int(port) < 65536 else None
    except ValueError:
        return target, None


_HOP_HEADERS = {"proxy-connection", "proxy-authorization", "connection", "keep-alive"}


def _request_head(method: str, path: str, version: str, header_lines: list[str]) -> bytes:
    """The request head as the origin server should get it: origin-form path, no proxy headers, and
    ``Connection: close`` (one request per upstream connection, so every request is checked on its own)
    unless it asks for an ``Upgrade``."""
    headers = [h for h in header_lines if h and h.split(":", 1)[0].strip().lower() not in _HOP_HEADERS]
    upgrade = any(h.split(":", 1)[0].strip().lower() == "upgrade" for h in headers)
    headers.append("Connection: Upgrade" if upgrade else "Connection: close")
    return f"{method} {path} {version}\r\n".encode("latin-1") + "".join(f"{h}\r\n" for h in headers).encode(
        "latin-1") + b"\r\n"


def _response_head(head: bytes) -> bytes:
    """An upstream response head with ``Connection: close`` (the client must not send a second request on
    this connection: it would go to this upstream unchecked); a ``101`` (WebSocket upgrade) is left as is."""
    lines = head.decode("latin-1").split("\r\n")
    if len(lines[0].split(" ")) > 1 and lines[0].split(" ")[1] == "101":
        return head
    kept = [h for h in lines[1:] if h and h.split(":", 1)[0].strip().lower() not in _HOP_HEADERS]
    return "\r\n".join([lines[0], *kept, "Connection: close", "", ""]).encode("latin-1")


async def _answer(writer: asyncio.StreamWriter, status: int, text: str, *, blocked: bool = False,
                  header: str | None = None) -> None:
    reasons = {204: "No Content", 400: "Bad Request", 403: "Forbidden", 431: "Request Header Fields Too Large",
               502: "Bad Gateway"}
    body = b"" if status == 204 else (text + "\n").encode("utf-8")
    # Header values are Latin-1: the reason is quoted with anything else escaped.
    name = BLOCKED_HEADER if blocked else header
    extra = f"{name}: {text.encode('ascii', 'backslashreplace').decode()}\r\n" if name else ""
    writer.write(f"HTTP/1.1 {status} {reasons.get(status, 'Error')}\r\nContent-Type: text/plain; charset=utf-8\r\n"
                 f"Content-Length: {len(body)}\r\nCache-Control: no-store\r\n{extra}Connection: close\r\n\r\n"
                 .encode("latin-1") + body)
    try:
        await writer.drain()
    except ConnectionError:
        pass


async def _pump(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
    while True:
        data = await src.read(_CHUNK)
        if not data:
            return
        dst.write(data)
        await dst.drain()


async def _pipe_both(c_reader: asyncio.StreamReader, c_writer: asyncio.StreamWriter, u_reader: asyncio.StreamReader,
                     u_writer: asyncio.StreamWriter, *, rewrite_response: bool = False) -> None:
    """Copy bytes both ways until either side closes (the upstream socket is fixed: nothing sent on this
    connection can reach another host)."""
    async def down() -> None:
        if rewrite_response:
            c_writer.write(_response_head(await u_reader.readuntil(b"\r\n\r\n")))
        await _pump(u_reader, c_writer)

    tasks = [asyncio.ensure_future(_pump(c_reader, u_writer)), asyncio.ensure_future(down())]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
