"""The real driver: trusted input through Playwright (CDP) into a Chromium page.

Mouse moves are frame-bound in headless Chromium (about 16.7 ms each when awaited one by one), so the
session sends a decimated subset of each planned path, pipelined, and awaits only the last move.

>>> # driver = PlaywrightDriver(page, viewport=(1280, 800)); await driver.goto("http://127.0.0.1:8000/", 10000)
"""

from __future__ import annotations

import asyncio
import re

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page
from playwright.async_api import TimeoutError as PlaywrightTimeout

from synthgen.browser.driver import Located
from synthgen.browser.locate import chosen
from synthgen.motor.types import Box
from synthgen.scenario.steps import Target

__all__ = ["PlaywrightDriver", "DESCRIBE_JS"]

_BUTTONS = {0: "left", 1: "middle", 2: "right"}

# A stable description of an element: role, accessible-ish name, and a short CSS path.
DESCRIBE_JS = """
el => {
  const role = el.getAttribute('role') || el.tagName.toLowerCase();
  const label = (el.getAttribute('aria-label') || el.getAttribute('name') || el.getAttribute('placeholder')
                 || (el.innerText || el.value || '').trim()).replace(/\\s+/g, ' ').slice(0, 40);
  const parts = [];
  let n = el;
  while (n && n.nodeType === 1 && parts.length < 4) {
    let p = n.tagName.toLowerCase();
    if (n.id) { parts.unshift(p + '#' + n.id); break; }
    const tid = n.getAttribute('data-testid');
    if (tid) { parts.unshift(p + '[data-testid=' + tid + ']'); break; }
    if (n.classList.length) p += '.' + n.classList[0];
    parts.unshift(p);
    n = n.parentElement;
  }
  return role + ' "' + label + '" (' + parts.join(' > ') + ')';
}
"""


class PlaywrightDriver:
    """A :class:`synthgen.browser.driver.Driver` over one Playwright page."""

    def __init__(self, page: Page, viewport: tuple[int, int]) -> None:
        self.page = page
        self.viewport = viewport
        self._nav_requests = 0
        page.on("request", self._on_request)

    def _on_request(self, request) -> None:  # type: ignore[no-untyped-def]
        if request.is_navigation_request() and request.frame == self.page.main_frame:
            self._nav_requests += 1

    async def goto(self, url: str, timeout_ms: float) -> None:
        await self.page.goto(url, timeout=timeout_ms, wait_until="load")
        self._nav_requests = 0

    async def current_url(self) -> str:
        return self.page.url

    async def settle(self) -> None:
        # One evaluate round trip: the renderer has handled the input sent before it, so a navigation
        # that input started has issued its request by now; then wait for that document to load.
        try:
            before = self.page.url
            await self.page.evaluate("0")
            if self._nav_requests:
                self._nav_requests = 0
                if self.page.url == before:
                    try:
                        await self.page.wait_for_event("framenavigated", timeout=10_000)
                    except PlaywrightTimeout:
                        pass
                await self.page.wait_for_load_state("load", timeout=15_000)
        except PlaywrightError as exc:
            # A page navigating away mid-evaluate: wait for the new document instead.
            if "context was destroyed" in str(exc) or "navigation" in str(exc).lower():
                await self.page.wait_for_load_state("load", timeout=15_000)
            else:
                raise

    async def locate(self, target: Target, timeout_ms: float) -> Located:
        loc = chosen(self.page, target)
        await loc.wait_for(state="visible", timeout=timeout_ms)
        box = await loc.bounding_box(timeout=timeout_ms)
        if box is None:
            raise PlaywrightTimeout(f"{target.describe()} has no box")
        desc = await loc.evaluate(DESCRIBE_JS, timeout=timeout_ms)
        return Located(Box(box["x"], box["y"], box["width"], box["height"]), desc)

    async def move(self, xs: list[float], ys: list[float]) -> None:
        if not xs:
            return
        mouse = self.page.mouse
        # Pipelined: every move is on the wire before the first acknowledgement comes back.
        pending = [asyncio.ensure_future(mouse.move(x, y)) for x, y in zip(xs[:-1], ys[:-1])]
        await mouse.move(xs[-1], ys[-1])
        if pending:
            await asyncio.gather(*pending)

    async def mouse_down(self, x: float, y: float, button: int, click_count: int) -> None:
        await self.page.mouse.down(button=_BUTTONS[button], click_count=click_count)  # type: ignore[arg-type]

    async def mouse_up(self, x: float, y: float, button: int, click_count: int) -> None:
        await self.page.mouse.up(button=_BUTTONS[button], click_count=click_count)  # type: ignore[arg-type]

    async def wheel(self, x: float, y: float, dxs: list[float], dys: list[float]) -> None:
        await self.page.mouse.move(x, y)
        for dx, dy in zip(dxs, dys):
            await self.page.mouse.wheel(dx, dy)

    async def key_down(self, key: str, code: str) -> None:
        if code:
            await self.page.keyboard.down(key)
        else:
            # Not on the US layout: the text arrives as an IME would deliver it.
            await self.page.keyboard.insert_text(key)

    async def key_up(self, key: str, code: str) -> None:
        if code:
            await self.page.keyboard.up(key)

    async def select_option(self, target: Target, option: str, timeout_ms: float) -> None:
        loc = chosen(self.page, target)
        try:
            await loc.select_option(label=option, timeout=timeout_ms)
        except PlaywrightError:
            await loc.select_option(value=option, timeout=timeout_ms)

    async def set_files(self, target: Target, name: str, mime: str, data: bytes, timeout_ms: float) -> None:
        await chosen(self.page, target).set_input_files(
            files=[{"name": name, "mimeType": mime, "buffer": data}], timeout=timeout_ms)

    async def is_checked(self, target: Target, timeout_ms: float) -> bool:
        return await chosen(self.page, target).is_checked(timeout=timeout_ms)

    async def read(self, target: Target, attribute: str | None, timeout_ms: float) -> str:
        loc = chosen(self.page, target)
        if attribute:
            return (await loc.get_attribute(attribute, timeout=timeout_ms)) or ""
        tag = await loc.evaluate("el => el.tagName", timeout=timeout_ms)
        if tag in ("INPUT", "TEXTAREA", "SELECT"):
            return await loc.input_value(timeout=timeout_ms)
        return (await loc.inner_text(timeout=timeout_ms)).strip()

    async def wait_text(self, text: str, timeout_ms: float) -> None:
        await self.page.get_by_text(text).filter(visible=True).first.wait_for(state="visible", timeout=timeout_ms)

    async def wait_target(self, target: Target, timeout_ms: float) -> None:
        await chosen(self.page, target).wait_for(state="visible", timeout=timeout_ms)

    async def wait_url(self, pattern: str, timeout_ms: float) -> None:
        await self.page.wait_for_url(re.compile(pattern), timeout=timeout_ms)

    async def screenshot(self, fmt: str, quality: int | None, scale: float) -> bytes:
        kwargs = {"type": "jpeg" if fmt == "jpeg" else "png", "scale": "css"}
        if fmt == "jpeg" and quality is not None:
            kwargs["quality"] = quality
        return await self.page.screenshot(**kwargs)  # type: ignore[arg-type]

    async def user_agent(self) -> str:
        return await self.page.evaluate("navigator.userAgent")
