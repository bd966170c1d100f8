"""Opening a session's page never waits on a dead or silent browser (fast unit tests with a stub browser;
the real browser-kill test is tests/reliability/test_browser_faults.py)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Callable

import pytest

from synthgen.persona.population import sample_personas
from synthgen.runner import worker
from synthgen.runner.worker import WorkerConfig


class _Ctx:
    def __init__(self, page: Callable[[], Any]) -> None:
        self._page, self.closed = page, False

    async def route(self, *_a: object) -> None:
        return None

    async def route_web_socket(self, *_a: object) -> None:
        return None

    async def new_page(self) -> object:
        return await self._page()

    async def close(self) -> None:
        self.closed = True


class _Browser:
    """A stub of Playwright's Browser whose ``new_page`` is ``page`` (a coroutine function)."""

    def __init__(self, page: Callable[[], Any]) -> None:
        self._page, self.connected, self.listeners, self.contexts = page, True, [], []
        self.version = "156.0.8078.129"

    async def new_context(self, **_kw: object) -> _Ctx:
        self.contexts.append(_Ctx(self._page))
        return self.contexts[-1]

    def on(self, _event: str, fn: Callable[[object], None]) -> None:
        self.listeners.append(fn)

    def remove_listener(self, _event: str, fn: Callable[[object], None]) -> None:
        self.listeners.remove(fn)

    def is_connected(self) -> bool:
        return self.connected

    def die(self) -> None:
        self.connected = False
        for fn in list(self.listeners):
            fn(self)


class _Browsers:
    def __init__(self, *browsers: _Browser) -> None:
        self.queue, self.discarded = list(browsers), []

    async def get(self) -> _Browser:
        return self.queue[0]

    async def discard(self, b: _Browser) -> None:
        self.discarded.append(self.queue.pop(0))


_SPEC = SimpleNamespace(scenario=SimpleNamespace(viewport=SimpleNamespace(width=800, height=600), allowed_origins=[]),
                        base_url="http://127.0.0.1:1/", persona=sample_personas(1, seed=1)[0])


@pytest.fixture(autouse=True)
def _no_device(monkeypatch: pytest.MonkeyPatch) -> None:
    """The stub page takes no CDP session: dressing it as the persona's device is the browser tests' part."""
    async def skip(*_a: object) -> None:
        return None

    monkeypatch.setattr(worker, "apply_device", skip)


async def _never() -> object:
    await asyncio.Event().wait()
    raise AssertionError("unreachable")


async def _page() -> object:
    return "page"


def _open(browsers: _Browsers, cfg: WorkerConfig) -> Any:
    return asyncio.run(worker._open_page(browsers, _SPEC, cfg, None))  # type: ignore[arg-type]


def test_browser_killed_while_a_page_opens_fails_at_once(tmp_path: Path) -> None:
    b = _Browser(_never)

    async def go() -> None:
        asyncio.get_running_loop().call_later(0.05, b.die)
        await worker._open_page(_Browsers(b), _SPEC, WorkerConfig(out=tmp_path, hang_timeout_s=60), None)  # type: ignore[arg-type]

    with pytest.raises(worker._NoPage, match="could not open a page: the browser died"):
        asyncio.run(asyncio.wait_for(go(), 5))  # not the 10 s open timeout: the disconnect ends the wait
    assert b.contexts[0].closed and not b.listeners


def test_silent_browser_is_relaunched_without_using_an_attempt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(worker, "_OPEN_TIMEOUT_S", 0.05)
    silent, good = _Browser(_never), _Browser(_page)
    browsers = _Browsers(silent, good)
    browser, ctx, page = _open(browsers, WorkerConfig(out=tmp_path))
    assert (browser, page) == (good, "page") and browsers.discarded == [silent]
    assert silent.contexts[0].closed and not ctx.closed


def test_browser_that_never_opens_a_page_gives_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(worker, "_OPEN_TIMEOUT_S", 0.02)
    browsers = _Browsers(*[_Browser(_never) for _ in range(worker._OPEN_TRIES)])
    with pytest.raises(worker._NoPage, match=f"did not open one in {worker._OPEN_TRIES} launches"):
        _open(browsers, WorkerConfig(out=tmp_path))
