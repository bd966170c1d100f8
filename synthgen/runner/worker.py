"""A worker: one Chromium process running several sessions at once (one browser context each).

Each context is fresh (own storage), so no state leaks between sessions; dialogs are answered the way a
person would (OK), requests to origins the scenario may not reach are blocked.

>>> # tally = asyncio.run(run_specs(specs, WorkerConfig(out=Path("output/run1"))))
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

from playwright.async_api import Browser, BrowserContext, async_playwright

from synthgen.browser.launch import bundled_host_rule, launch_chromium
from synthgen.browser.playwright_driver import PlaywrightDriver
from synthgen.session import SessionOptions, SessionResult, SessionSpec, run_session
from synthgen.observe.capture import PageObserver
from synthgen.observe.outputs import session_sinks
from synthgen.observe.rrweb import RrwebRecorder

__all__ = ["WorkerConfig", "SessionSummary", "run_specs", "allowed_origin"]

LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}


@dataclass(frozen=True)
class WorkerConfig:
    out: Path
    options: SessionOptions = SessionOptions()
    concurrency: int = 2
    chromium: str | None = None
    headless: bool = True
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


def allowed_origin(url: str, allowed: set[str]) -> bool:
    """Loopback and the listed origins (``scheme://host[:port]``) are reachable; nothing else.

    >>> allowed_origin("http://127.0.0.1:9/x", set()), allowed_origin("https://evil.example/", set())
    (True, False)
    """
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about"):
        return True
    if parts.hostname in LOOPBACK_HOSTS:
        return True
    return f"{parts.scheme}://{parts.netloc}" in allowed


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
    return ctx


async def _run_one(browser: Browser, spec: SessionSpec, cfg: WorkerConfig) -> SessionResult:
    ctx = await _new_context(browser, spec)
    try:
        page = await ctx.new_page()
        recorder = RrwebRecorder() if cfg.options.record_rrweb else None
        if recorder is not None:
            await recorder.install(page)  # before the first navigation, so every document is recorded
        # A person answers a dialog with OK; an unanswered dialog would freeze the page.
        page.on("dialog", lambda d: asyncio.ensure_future(d.accept()))
        vp = spec.scenario.viewport
        return await run_session(spec, PlaywrightDriver(page, (vp.width, vp.height)), cfg.options,
                                 observer=PageObserver(page), recorder=recorder)
    finally:
        await ctx.close()


async def run_specs(specs: list[SessionSpec], cfg: WorkerConfig,
                    on_done: Callable[[SessionSummary], None] | None = None) -> "Tally":
    """Run the sessions ``cfg.concurrency`` at a time in one browser; write each as soon as it ends."""
    sink = session_sinks(cfg.out, cfg.exports)  # observations, the Parquet record, then any exports
    from synthgen.runner.engine import Tally

    tally = Tally()  # counters only: nothing of a session outlives its write, however long the job
    async with async_playwright() as pw:
        extra = (bundled_host_rule(cfg.app_port),) if cfg.app_port else ()
        browser = await launch_chromium(pw, cfg.chromium, headless=cfg.headless, extra_args=extra)
        sem = asyncio.Semaphore(max(1, cfg.concurrency))

        async def one(spec: SessionSpec) -> None:
            async with sem:
                result = await _run_one(browser, spec, cfg)
                sink.write_session(result)
                s = SessionSummary(spec.session_id, result.row["status"], result.events.num_rows,
                                   float(result.row["duration_ms"]), result.row["error"])
                tally.add(s)
                if on_done:
                    on_done(s)

        try:
            await asyncio.gather(*(one(s) for s in specs))
        finally:
            await browser.close()
    return tally
