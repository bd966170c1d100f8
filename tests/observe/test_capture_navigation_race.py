"""A capture that races a navigation (the click was delivered; the page is changing) is retried, not failed."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from playwright.async_api import Error as PlaywrightError

from synthgen.observe.capture import CaptureSpec, PageObserver


class _Cdp:
    def __init__(self, fails: list[str]) -> None:
        self.fails = fails

    async def send(self, method: str, params: Any = None) -> dict[str, Any]:
        if self.fails:
            raise PlaywrightError(self.fails.pop(0))
        return {"data": "/9j/"}


class _Page:
    """What the observer touches of a Playwright page; each CDP session may fail once as told."""

    def __init__(self, fails: list[str]) -> None:
        self.fails, self.sessions, self.waited = fails, 0, 0
        self.context = self

    async def new_cdp_session(self, _page: Any) -> _Cdp:
        self.sessions += 1
        return _Cdp(self.fails)

    async def wait_for_load_state(self, state: str, timeout: float) -> None:
        self.waited += 1

    async def evaluate(self, _js: str) -> list[float]:
        return [0.0, 0.0, 100.0, 100.0]


@pytest.mark.parametrize("message", ["Protocol error (Page.captureScreenshot): Not attached to an active page",
                                     "Page.evaluate: Execution context was destroyed, most likely because of a "
                                     "navigation"])
def test_capture_racing_a_navigation_is_retried_on_the_new_page(message: str) -> None:
    page = _Page([message])
    img = asyncio.run(PageObserver(page).screenshot(CaptureSpec()))  # type: ignore[arg-type]
    assert img == b"\xff\xd8\xff" and page.waited == 1 and page.sessions == 2  # a fresh CDP session


def test_other_capture_errors_still_fail() -> None:
    page = _Page(["Target page, context or browser has been closed"])
    with pytest.raises(PlaywrightError, match="closed"):
        asyncio.run(PageObserver(page).screenshot(CaptureSpec()))  # type: ignore[arg-type]


def test_a_page_that_keeps_navigating_fails_after_three_tries() -> None:
    page = _Page(["Not attached to an active page"] * 5)
    with pytest.raises(PlaywrightError, match="Not attached"):
        asyncio.run(PageObserver(page).screenshot(CaptureSpec()))  # type: ignore[arg-type]
    assert page.sessions == 3
