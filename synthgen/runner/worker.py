"""A worker: one Chromium process running several sessions at once (one browser context each).

Each context is fresh (own storage), so no state leaks between sessions, and dressed as the persona's
computer (:mod:`synthgen.browser.device`: user agent, platform, screen, window, pixel ratio, for the launched
Chromium's version), which the session's row records; dialogs are answered the way a person would (OK),
popups are closed, requests to origins the scenario may not reach are blocked
(:func:`allowed_origin`). A session whose browser or page crashed or hung is retried
(``WorkerConfig.retries`` times, in a relaunched browser if the old one died); any other failure is
recorded at once (see :mod:`synthgen.runner.faults`).

>>> # tally = asyncio.run(run_specs(specs, WorkerConfig(out=Path("output/run1"))))
"""

from __future__ import annotations

import asyncio
import os
import weakref
from typing import Callable, Iterable, Protocol
from urllib.parse import urlsplit

from playwright.async_api import Browser, BrowserContext, Page, Playwright, async_playwright

from synthgen.browser.device import apply_device, context_options
from synthgen.browser.launch import BUNDLED_HOST, bundled_host_rule, launch_chromium
from synthgen.browser.netguard import LOOPBACK_HOSTS, NetGuard, allowed_origin, origin_key  # noqa: F401 (re-exported)
from synthgen.browser.playwright_driver import PlaywrightDriver
from synthgen.dataset import SessionWriter
from synthgen.runner.config import NETGUARD_OFF_ENV, SessionSummary, Tally, WorkerConfig  # noqa: F401 (re-exported)
from synthgen.runner.faults import Fault, PageWatch, WatchdogDriver, classify
from synthgen.session import SessionOptions, SessionResult, SessionSpec, run_session
from synthgen.observe.capture import PageObserver
from synthgen.observe.rrweb import RrwebRecorder
from synthgen.persona.device import Device

__all__ = ["WorkerConfig", "SessionSummary", "summarize", "SpecFeed", "ListFeed", "run_specs", "allowed_origin", "origin_key"]

# The guard of each browser this process launched, for _new_context (which is handed only the browser).
_GUARDS: "weakref.WeakKeyDictionary[Browser, NetGuard]" = weakref.WeakKeyDictionary()


def _origins(spec: SessionSpec) -> set[str]:
    base = urlsplit(spec.base_url)
    out = {f"{base.scheme}://{base.netloc}"}
    out.update(o.rstrip("/") for o in spec.scenario.allowed_origins)
    return out


def session_device(spec: SessionSpec) -> Device:
    """The persona's computer as this session uses it: its window, or the one the scenario fixes (the spec's
    scenario carries the session's viewport: :func:`synthgen.runner.plan.session_scenario`)."""
    vp = spec.scenario.viewport
    return spec.persona.device.fit(vp.width, vp.height)


def record_device(result: SessionResult, spec: SessionSpec) -> SessionResult:
    """The device columns of the session's row: what its context was given (:func:`session_device`)."""
    result.row.update(session_device(spec).columns())
    return result


async def _new_context(browser: Browser, spec: SessionSpec) -> BrowserContext:
    """A fresh context for one session, its traffic through its own port of the browser's guard.

    The guard (:mod:`synthgen.browser.netguard`) enforces the origin rule on every request: each redirect
    hop, workers, beacons sent while a page unloads, WebSockets. Without a guard (only when measuring its
    cost) Playwright's ``route`` applies the rule to the first URL of each request, which misses redirects.
    """
    allowed = _origins(spec)
    guard = _GUARDS.get(browser)
    gate = await guard.open_session(spec.session_id, allowed) if guard is not None else None
    try:
        ctx = await browser.new_context(**context_options(session_device(spec)), locale="en-US", timezone_id="UTC",
                                        accept_downloads=False,
                                        proxy=gate.proxy if gate is not None else None)  # type: ignore[arg-type]
    except BaseException:
        if gate is not None:
            await gate.close()
        raise
    if gate is not None:
        # The session's port lives as long as its context; a dead browser's ports go with its guard.
        ctx.on("close", lambda _c: asyncio.ensure_future(gate.close()))
        return ctx
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
        self.guard: NetGuard | None = None  # the running browser's origin guard (cfg.netguard)
        self._lock = asyncio.Lock()

    async def get(self) -> Browser:
        async with self._lock:
            if self.browser is None or not self.browser.is_connected():
                await self.close()
                extra: tuple[str, ...] = ()
                if self.cfg.netguard:
                    # With a proxy, Chromium never resolves a page's host: the guard maps the bundled apps' host.
                    app = {BUNDLED_HOST: ("127.0.0.1", self.cfg.app_port)} if self.cfg.app_port else None
                    self.guard = NetGuard(app)
                    await self.guard.start()
                    extra = self.guard.launch_args
                elif self.cfg.app_port:
                    extra = (bundled_host_rule(self.cfg.app_port),)
                self.browser = await launch_chromium(self.pw, self.cfg.chromium, headless=self.cfg.headless,
                                                     extra_args=extra)
                if self.guard is not None:
                    _GUARDS[self.browser] = self.guard
                self.launches += 1
            return self.browser

    async def discard(self, browser: Browser) -> None:
        """Give up on a wedged browser (its contexts no longer close); the next :meth:`get` relaunches."""
        async with self._lock:
            if self.browser is browser:
                await self.close()

    async def close(self) -> None:
        b, self.browser = self.browser, None
        g, self.guard = self.guard, None
        if b is not None:
            try:
                await asyncio.wait_for(b.close(), _CLOSE_TIMEOUT_S)
            except Exception:  # already dead, or wedged: either way it is not used again
                pass
        if g is not None:  # after the browser: its last requests end as refused connections, not leaks
            await g.close()


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
            await apply_device(opened[0], page, session_device(spec), browser.version)  # before any navigation
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
        dead = _DeadDriver(str(exc), vp)
        result = record_device(await run_session(spec, dead, cfg.options), spec)  # type: ignore[arg-type]
        return result, classify(browser_connected=exc.browser.is_connected()) or Fault.BROWSER_CRASH
    watch = PageWatch()
    watch.attach(ctx, page)
    driver = WatchdogDriver(PlaywrightDriver(page, vp), cfg.hang_timeout_s)
    watch.keep = driver.claims_popup  # a popup a `popup: true` click expects is followed, not closed
    # Screen captures use the page directly; bound them too, and let them fail at once on a hung page.
    observer = WatchdogDriver(PageObserver(page, timeout_s=cfg.hang_timeout_s), cfg.hang_timeout_s, sibling=driver)
    try:
        result = record_device(await run_session(spec, driver, cfg.options, observer=observer,  # type: ignore[arg-type]
                                                 recorder=recorder), spec)
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


def summarize(result: SessionResult, attempts: int) -> SessionSummary:
    """The coordinator's view of a written session."""
    row = result.row
    shot = next((f.path for f in result.frames if "-failure." in f.path.rsplit("/", 1)[-1]), None)
    return SessionSummary(row["session_id"], row["status"], result.events.num_rows, float(row["duration_ms"]),
                          row["error"], attempts, row.get("failed_step"), shot)


async def run_specs(specs: Iterable[SessionSpec] | SpecFeed, cfg: WorkerConfig,
                    on_done: Callable[[SessionSummary], None] | None = None,
                    on_start: Callable[[str], None] | None = None,
                    stopping: Callable[[], bool] | None = None) -> Tally:
    """Run the sessions ``cfg.concurrency`` at a time in one browser; write each as soon as it ends.

    ``specs`` is a list or a :class:`SpecFeed` that hands out sessions as pages free up (the supervisor's
    work queue). ``on_start(session_id)`` is called as a session begins (the coordinator learns which
    sessions a worker was running if the worker process dies). While ``stopping()`` is true (a signal is
    stopping the run) a failed session is not written: its browser may have been stopped under it.
    """
    feed: SpecFeed = specs if hasattr(specs, "next") else ListFeed(specs)  # type: ignore[arg-type]
    writer = SessionWriter(cfg.out, cfg.exports)  # frames, observations, exports, events, the sessions row last
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
                if stopping is not None and stopping() and not result.ok:
                    return  # the run is being stopped: a session cut short by that is not a failure of its own
                writer.write(result)
                s = summarize(result, attempts)
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
