"""settle() skips its page round trip when no input was sent since the last one (unit test, stub page)."""

from __future__ import annotations

import asyncio
from typing import Any

from synthgen.browser.playwright_driver import PlaywrightDriver


class _StubMouse:
    async def move(self, x: float, y: float) -> None:
        pass

    async def down(self, **_: Any) -> None:
        pass

    async def up(self, **_: Any) -> None:
        pass


class _StubKeyboard:
    async def down(self, code: str) -> None:
        pass

    async def up(self, code: str) -> None:
        pass


class _StubPage:
    """Just enough of a Playwright page for settle(): counts the evaluate round trips."""

    def __init__(self) -> None:
        self.evaluations = 0
        self.mouse, self.keyboard = _StubMouse(), _StubKeyboard()

    def on(self, _event: str, _handler: Any) -> None:
        pass

    async def evaluate(self, _script: str) -> bool:
        self.evaluations += 1
        return False  # the page is not leaving

    async def wait_for_load_state(self, *_a: Any, **_k: Any) -> None:
        pass


def test_settle_round_trips_only_after_input() -> None:
    page = _StubPage()
    driver = PlaywrightDriver(page, (800, 600))  # type: ignore[arg-type]

    async def run() -> list[int]:
        seen = []
        await driver.settle()  # nothing sent yet
        seen.append(page.evaluations)
        await driver.move([1.0, 2.0], [3.0, 4.0])
        await driver.settle()
        seen.append(page.evaluations)
        await driver.settle()  # a think step: no input since
        seen.append(page.evaluations)
        await driver.key_down("a", "KeyA")
        await driver.key_up("a", "KeyA")
        await driver.settle()
        seen.append(page.evaluations)
        await driver.mouse_down(1.0, 1.0, 0, 1)
        await driver.mouse_up(1.0, 1.0, 0, 1)
        await driver.settle()
        seen.append(page.evaluations)
        return seen

    assert asyncio.run(run()) == [0, 1, 1, 2, 3]


def test_settle_still_waits_for_a_navigation_without_input() -> None:
    page = _StubPage()
    driver = PlaywrightDriver(page, (800, 600))  # type: ignore[arg-type]
    driver._nav_started = 1  # a page-initiated navigation request was seen (request listener)
    driver._commits_at_nav = -1  # ... and its document has committed

    asyncio.run(driver.settle())
    assert page.evaluations == 1 and driver._nav_started == 0
