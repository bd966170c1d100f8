"""A worker: one Chromium process running several sessions at once (one browser context each).

Each context is fresh (own storage), so no state leaks between sessions; dialogs are answered the way a
person would (OK), popups are closed, requests to origins the scenario may not reach are blocked
(:func:`allowed_origin`). A session whose browser or page crashed or hung is retried
(``WorkerConfig.retries`` times, in a relaunched browser if the old one died); any other failure is
recorded at once (see :mod:`synthgen.runner.faults`).

>>> # tally = asyncio.run(run_specs(specs, WorkerConfig(out=Path("output/run1"))))
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Protocol
from urllib.parse import urlsplit

from playwright.async_api import Browser, BrowserContext, Page, Playwright, async_playwright

from synthgen.browser.launch import bundled_host_rule, launch_chromium
from synthgen.browser.playwright_driver import PlaywrightDriver
from synthgen.runner.faults import DEFAULT_HANG_TIMEOUT_S, Fault, PageWatch, WatchdogDriver, classify
from synthgen.session import SessionOptions, SessionResult, SessionSpec, run_session
from synthgen.observe.capture import PageObserver
from synthgen.observe.outputs import session_sinks
from synthgen.observe.rrweb import RrwebRecorder

__all__ = ["WorkerConfig", "SessionSummary", "SpecFeed", "ListFeed", "run_specs", "allowed_origin", "origin_key"]

LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}


@dataclass(frozen=True)
class WorkerConfig:
    out: Path
    options: SessionOptions = SessionOptions()
    concurrency: int = 2
    chromium: str | None = None
    headless: bool = True
    retries: int = 1  # extra attempts for a session whose browser/page crashed or hung
    hang_timeout_s: float = DEFAULT_HANG_TIMEOUT_S  # see synthgen.runner.faults.WatchdogDriver
    app_port: int | None = None  # the bundled app server's port, mapped from BUNDLED_HOST
    exports: tuple[str, ...] = ()  # export sinks run on each finished session (synthgen.observe.outputs)


@dataclass(frozen=True)
class SessionSummary:
    """What the coordinator hears about each finished session."""

    session_id: str
    status: str
    events: int
    duration_ms: float
    error: str | None = None
    attempts: int = 1


_DEFAULT_PORTS = {"http": 80, "https": 443}
_WS_SCHEMES = {"ws": "http", "wss": "https"}
_LOCAL_SCHEMES = ("data", "blob", "about")


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


def _origins(spec: SessionSpec) -> set[str]:
    base = urlsplit(spec.base_url)
    out = {f"{base.scheme}://{base.netloc}"}
    out.update(o.rstrip("/") for o in spec.scenario.allowed_origins)
    return out


async def _new_context(browser: Browser, spec: SessionSpec) -> BrowserContext:
    vp = spec.scenario.viewport
    ctx = await browser.new_context(viewport={"width": vp.width, "height": vp.height}, device_scale_factor=1,
                                    locale="en-US", timezone_id="UTC", accept_downloads=False)
    allowed = _origins(spec)
    await ctx.route(lambda url: not allowed_origin(url, allowed), lambda route: route.abort("blockedbyclient"))
    # WebSockets bypass ctx.route; the same rule closes them before they connect.
    await ctx.route_web_socket(lambda url: not allowed_origin(url, allowed), lambda ws: ws.close())
    return ctx


_CLOSE_TIMEOUT_S = 10.0


class _Browsers:
    """The worker's one browser, relaunched when it has died (a crash must not end the other sessions)."""

    def __init__(self, pw: Playwright, cfg: WorkerConfig) -> None:
        self.pw, self.cfg = pw, cfg
        self.browser: Browser | None = None
        self.launches = 0
        self._lock = asyncio.Lock()

    async def get(self) -> Browser:
        async with self._lock:
            if self.browser is None or not self.browser.is_connected():
                await self.close()
                extra = (bundled_host_rule(self.cfg.app_port),) if self.cfg.app_port else ()
                self.browser = await launch_chromium(self.pw, self.cfg.chromium, headless=self.cfg.headless,
                                                     extra_args=extra)
                self.launches += 1
            return self.browser

    async def discard(self, browser: Browser) -> None:
        """Give up on a wedged browser (its contexts no longer close); the next :meth:`get` relaunches."""
        async with self._lock:
            if self.browser is browser:
                await self.close()

    async def close(self) -> None:
        b, self.browser = self.browser, None
        if b is not None:
            try:
                await asyncio.wait_for(b.close(), _CLOSE_TIMEOUT_S)
            except Exception:  # already dead, or wedged: either way it is not used again
                pass


# Opening a page takes well under a second; a browser that has not opened one in this long never will.
_OPEN_TIMEOUT_S = 10.0
_OPEN_TRIES = 3


class _NoPage(Exception):
    """No page could be opened for an attempt; ``browser`` is the one that failed."""

    def __init__(self, reason: str, browser: Browser) -> None:
        super().__init__(reason)
        self.browser = browser


async def _open_page(browsers: _Browsers, spec: SessionSpec, cfg: WorkerConfig,
                     recorder: RrwebRecorder | None) -> tuple[Browser, BrowserContext, Page]:
    """A fresh context and page for one attempt, in a browser that answers.

    Opening is raced against the browser's ``disconnected`` event: a ``new_page`` in flight when the
    browser process is killed is never answered nor rejected (seen with headless shell 156, in about one
    kill of three), so waiting on it alone would hang the session. A browser that dies raises
    :class:`_NoPage` for the caller to record the attempt and retry; one that is alive but opens no page
    within ``_OPEN_TIMEOUT_S`` is discarded and relaunched, without using up one of the session's attempts.
    """
    from playwright.async_api import Error as PlaywrightError

    for _ in range(_OPEN_TRIES):
        browser = await browsers.get()
        opened: list[BrowserContext] = []

        async def open_() -> Page:
            opened.append(await _new_context(browser, spec))
            page = await opened[0].new_page()
            if recorder is not None:
                await recorder.install(page)  # before the first navigation, so every document is recorded
            return page

        gone: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        on_gone = lambda _b: gone.done() or gone.set_result(None)  # noqa: E731
        browser.on("disconnected", on_gone)
        task = asyncio.ensure_future(open_())
        try:
            await asyncio.wait({task, gone}, timeout=min(cfg.hang_timeout_s, _OPEN_TIMEOUT_S),
                               return_when=asyncio.FIRST_COMPLETED)
        finally:
            browser.remove_listener("disconnected", on_gone)
            if not task.done():  # also when this session is cancelled: the opening must not outlive it
                task.cancel()
            await asyncio.gather(task, return_exceptions=True)  # and its error is consumed here, not logged
        if not task.cancelled() and task.exception() is None:
            return browser, opened[0], task.result()
        for ctx in opened:
            try:
                await asyncio.wait_for(ctx.close(), _CLOSE_TIMEOUT_S)
            except Exception:
                pass
        exc = task.exception() if not task.cancelled() else None
        if exc is not None and not isinstance(exc, PlaywrightError):
            raise exc
        if exc is not None or not browser.is_connected():
            first = str(exc).strip().splitlines()[0] if exc is not None and str(exc).strip() else "the browser died"
            raise _NoPage(f"could not open a page: {first}", browser) from exc
        await browsers.discard(browser)
    raise _NoPage(f"could not open a page: the browser did not open one in {_OPEN_TRIES} launches", browser)


class _DeadDriver:
    """Stands in for a page that could not be opened: every call fails with the reason."""

    def __init__(self, reason: str, viewport: tuple[int, int]) -> None:
        self.reason, self.viewport = reason, viewport

    def __getattr__(self, name: str) -> Callable[..., object]:
        async def fail(*_a: object, **_k: object) -> None:
            from synthgen.errors import SynthgenError

            raise SynthgenError(self.reason)

        return fail


async def _attempt(browsers: _Browsers, spec: SessionSpec, cfg: WorkerConfig) -> tuple[SessionResult, Fault | None]:
    """One attempt at a session: its result, and the retryable fault behind a failure (if any)."""
    vp = (spec.scenario.viewport.width, spec.scenario.viewport.height)
    recorder = RrwebRecorder() if cfg.options.record_rrweb else None
    try:
        browser, ctx, page = await _open_page(browsers, spec, cfg, recorder)
    except _NoPage as exc:
        # The browser died between sessions: record the attempt through the normal path, then retry.
        result = await run_session(spec, _DeadDriver(str(exc), vp), cfg.options)  # type: ignore[arg-type]
        return result, classify(browser_connected=exc.browser.is_connected()) or Fault.BROWSER_CRASH
    watch = PageWatch()
    watch.attach(ctx, page)
    driver = WatchdogDriver(PlaywrightDriver(page, vp), cfg.hang_timeout_s)
    # Screen captures use the page directly; bound them too, and let them fail at once on a hung page.
    observer = WatchdogDriver(PageObserver(page, timeout_s=cfg.hang_timeout_s), cfg.hang_timeout_s, sibling=driver)
    try:
        result = await run_session(spec, driver, cfg.options, observer=observer,  # type: ignore[arg-type]
                                   recorder=recorder)
    finally:
        connected = browser.is_connected()  # before a wedged context makes us close the browser ourselves
        try:
            await asyncio.wait_for(ctx.close(), _CLOSE_TIMEOUT_S)
        except Exception:
            if browser.is_connected():
                await browsers.discard(browser)
    if result.ok:
        return result, None
    # A hang counts only if it failed the session, not if it began while capturing an already failed page.
    hung = driver.tripped is not None and str(driver.tripped) in (result.row["error"] or "")
    fault = classify(browser_connected=connected, watch=watch, driver=driver if hung else None)
    note = watch.error_note()
    if fault is not None or note:
        err = result.row["error"] or ""
        # A hang's error already says so (PageHungError); crashes show up as bare Playwright messages.
        prefix = f"{fault.describe()}: " if fault is not None and fault is not Fault.PAGE_HUNG else ""
        result.row["error"] = prefix + err + note
    return result, fault


async def _run_with_retries(browsers: _Browsers, spec: SessionSpec, cfg: WorkerConfig) -> tuple[SessionResult, int]:
    """Attempt a session up to ``1 + cfg.retries`` times while it fails with a retryable fault.

    A session is deterministic from its spec, so a successful retry writes exactly the events a
    first-time success would have; the failed attempts leave nothing behind.
    """
    attempts = 0
    while True:
        attempts += 1
        result, fault = await _attempt(browsers, spec, cfg)
        if result.ok or fault is None or attempts > cfg.retries:
            break
    if not result.ok and fault is not None and attempts > 1:
        result.row["error"] = f"{result.row['error']} [gave up after {attempts} attempts]"
    return result, attempts


class SpecFeed(Protocol):
    """Where a worker takes its next session from (``None``: no more).

    >>> import asyncio; feed = ListFeed(["a"]); asyncio.run(feed.next()), asyncio.run(feed.next())
    ('a', None)
    """

    async def next(self) -> SessionSpec | None: ...


class ListFeed:
    """A fixed list of sessions, in order."""

    def __init__(self, specs: Iterable[SessionSpec]) -> None:
        self._it = iter(specs)

    async def next(self) -> SessionSpec | None:
        return next(self._it, None)


async def run_specs(specs: Iterable[SessionSpec] | SpecFeed, cfg: WorkerConfig,
                    on_done: Callable[[SessionSummary], None] | None = None,
                    on_start: Callable[[str], None] | None = None) -> "Tally":
    """Run the sessions ``cfg.concurrency`` at a time in one browser; write each as soon as it ends.

    ``specs`` is a list or a :class:`SpecFeed` that hands out sessions as pages free up (the supervisor's
    work queue). ``on_start(session_id)`` is called as a session begins (the coordinator learns which
    sessions a worker was running if the worker process dies).
    """
    feed: SpecFeed = specs if hasattr(specs, "next") else ListFeed(specs)  # type: ignore[arg-type]
    sink = session_sinks(cfg.out, cfg.exports)  # observations, any exports, then the Parquet record (completion marker)
    from synthgen.runner.engine import Tally

    tally = Tally()  # counters only: nothing of a session outlives its write, however long the job
    async with async_playwright() as pw:
        browsers = _Browsers(pw, cfg)
        await browsers.get()  # fail fast (no Chromium) before any session starts
        take = asyncio.Lock()  # sessions start in feed order

        async def page_slot() -> None:
            while True:
                async with take:
                    spec = await feed.next()
                    if spec is not None and on_start:
                        on_start(spec.session_id)
                if spec is None:
                    return
                result, attempts = await _run_with_retries(browsers, spec, cfg)
                sink.write_session(result)
                s = SessionSummary(spec.session_id, result.row["status"], result.events.num_rows,
                                   float(result.row["duration_ms"]), result.row["error"], attempts)
                tally.add(s)
                if on_done:
                    on_done(s)

        tasks = [asyncio.ensure_future(page_slot()) for _ in range(max(1, cfg.concurrency))]
        try:
            # The first error that is not a session's own (the dataset cannot be written) stops the
            # worker: the sessions still running are cancelled, not recorded as failed.
            await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
            for t in tasks:
                if t.done() and not t.cancelled() and t.exception() is not None:
                    raise t.exception()  # type: ignore[misc]
        finally:
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await browsers.close()
    return tally
