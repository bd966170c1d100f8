"""Driver operations for real apps' widgets, mixed into :class:`~synthgen.browser.playwright_driver.PlaywrightDriver`.

Kept apart from the core input path (goto, settle, moves, keys), which has its own timing concerns:

* ``move_awaited``: pointer moves sent one at a time, each acknowledged before the next. Chromium runs
  native HTML5 drag and drop (``dragstart``/``dragover``/``drop``) from the moves it has handled; moves
  pipelined faster than frames reach it coalesced, and a sortable list lifts its row and never drops it.
* ``wait_state``, ``wait_idle``, ``wait_value``, ``focused``: what the ``wait_for``/``assert``/``type`` steps
  need beyond visible elements (attached or hidden elements, no pending request, a field's value).
* pop-ups: ``arm_popup`` before a click that opens one; the worker's page watch keeps the page the driver
  claims (``claims_popup``) and closes any other; ``follow_popup`` moves the driver into it, and when it
  closes the driver goes back to the page that opened it.
* ``storage_state``/``restore_state``: the log-in-once flow (cookies and local storage of the context).

>>> hasattr(PageExtras, "move_awaited")
True
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from playwright.async_api import TimeoutError as PlaywrightTimeout

from synthgen.browser.locate import chosen, locator_for
from synthgen.scenario.steps import Target

__all__ = ["PageExtras", "FIELD_VALUE_JS", "FOCUSED_JS"]

# What a form field holds: value for inputs, textareas and selects; the text of a contenteditable editor.
FIELD_VALUE_JS = """
el => (el.isContentEditable ? el.innerText : ('value' in el ? String(el.value) : el.textContent || '')).trim()
"""

# The focused element's tag and name, or null when nothing that takes text is focused (the body is).
FOCUSED_JS = """
() => {
  let el = document.activeElement;
  while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const name = el.getAttribute('aria-label') || el.getAttribute('name') || el.id || '';
  return el.tagName.toLowerCase() + (name ? ' "' + name.slice(0, 40) + '"' : '');
}
"""

# Local storage of one origin, written before the page's own scripts run (an init script), so an app that
# reads its token at start-up finds it.
_RESTORE_JS = """
(items => { if (location.origin === %s) { for (const [k, v] of items) { try { localStorage.setItem(k, v); }
catch (e) {} } } })(%s)
"""


class PageExtras:
    """The widget operations; the host class provides ``page`` (a Playwright page) and ``_poked``."""

    page: Any
    _poked: bool

    def _extras_init(self, page: Any) -> None:
        self._open_requests: set[Any] = set()
        self._last_request_change = 0.0
        self._popup_armed = False
        self._popup: Any = None
        self._openers: list[Any] = []
        self._came_back = False  # a followed pop-up closed and the driver went back to its opener
        self._track_requests(page)

    def _track_requests(self, page: Any) -> None:
        page.on("request", self._req_open)
        page.on("requestfinished", self._req_done)
        page.on("requestfailed", self._req_done)

    def _req_open(self, request: Any) -> None:
        self._open_requests.add(request)
        self._last_request_change = asyncio.get_event_loop().time()

    def _req_done(self, request: Any) -> None:
        self._open_requests.discard(request)
        self._last_request_change = asyncio.get_event_loop().time()

    # ---- input --------------------------------------------------------------------------------------
    async def move_awaited(self, xs: list[float], ys: list[float]) -> None:
        """Send pointer moves one at a time, each handled before the next (drag and drop needs it)."""
        self._poked = True
        for x, y in zip(xs, ys):
            await self.page.mouse.move(x, y)

    async def focused(self) -> str | None:
        """The focused element (``'textarea "body"'``), or None when the focus is on the page itself."""
        return await self.page.evaluate(FOCUSED_JS)

    # ---- waits --------------------------------------------------------------------------------------
    async def wait_state(self, target: Target, state: str, timeout_ms: float) -> None:
        """Wait until the target is ``visible``, ``attached``, ``hidden`` or ``detached``."""
        loc = chosen(self.page, target) if state == "visible" else _plain(self.page, target)
        if getattr(self, "_clock_on", False):  # on the session's clock: the page's time passes while waiting
            async def there() -> bool:
                if state in ("visible", "hidden"):
                    return (await self._visible(loc)) == (state == "visible")  # type: ignore[attr-defined]
                return ((await loc.count()) > 0) == (state == "attached")
            await self._until(there, timeout_ms, f"{target.describe()} did not become {state}")  # type: ignore[attr-defined]
        await loc.wait_for(state=state, timeout=timeout_ms)  # type: ignore[arg-type]

    async def wait_idle(self, quiet_ms: float, timeout_ms: float) -> None:
        """Wait until no request of the page has been pending for ``quiet_ms`` (``PlaywrightTimeout`` if not)."""
        if getattr(self, "_clock_on", False):
            # Quiet in the page's time: no request pending while quiet_ms of its clock pass (its timers may
            # start new ones); requests themselves end in wall time, the clock holding meanwhile.
            spent = 0.0
            while spent <= timeout_ms:
                await self._network_quiet()  # type: ignore[attr-defined]
                if not self._open_requests:
                    before = self._last_request_change
                    await self._run_for(int(quiet_ms))  # type: ignore[attr-defined]
                    if not self._open_requests and self._last_request_change == before:
                        return
                spent += quiet_ms
            pending = ", ".join(sorted(r.url for r in self._open_requests)[:3])
            raise PlaywrightTimeout(f"the page kept requests pending for {timeout_ms:.0f} ms ({pending})")
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_ms / 1000.0
        quiet_since = loop.time()
        while True:
            now = loop.time()
            if self._open_requests:
                quiet_since = now
            elif now - max(quiet_since, self._last_request_change) >= quiet_ms / 1000.0:
                return
            if now > deadline:
                pending = ", ".join(sorted(r.url for r in self._open_requests)[:3])
                raise PlaywrightTimeout(f"the page kept requests pending for {timeout_ms:.0f} ms ({pending})")
            await asyncio.sleep(0.01)

    async def wait_value(self, target: Target, value: str, timeout_ms: float) -> str:
        """Wait until the field holds ``value``; returns what it holds (``PlaywrightTimeout`` if never)."""
        loc = chosen(self.page, target)
        if getattr(self, "_clock_on", False):
            held: list[str] = [""]

            async def holds() -> bool:
                held[0] = await loc.evaluate(FIELD_VALUE_JS, timeout=max(timeout_ms, 1000.0))
                return held[0] == value
            try:
                await self._until(holds, timeout_ms, "the value did not come")  # type: ignore[attr-defined]
            except PlaywrightTimeout:
                raise PlaywrightTimeout(f"holds {held[0]!r}") from None
            return held[0]
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_ms / 1000.0
        while True:
            # The first read waits for the element itself; later ones find it at once.
            held = await loc.evaluate(FIELD_VALUE_JS, timeout=max(timeout_ms, 1000.0))
            if held == value:
                return held
            if loop.time() >= deadline:
                raise PlaywrightTimeout(f"holds {held!r}")
            await asyncio.sleep(0.05)

    # ---- pop-ups ------------------------------------------------------------------------------------
    def arm_popup(self) -> None:
        """The next page the context opens is this session's to follow (``popup: true`` on a click)."""
        self._popup_armed, self._popup = True, None

    def claims_popup(self, page: Any) -> bool:
        """Whether a newly opened page is the one a ``popup: true`` click expects (the page watch keeps it)."""
        if self._popup_armed and self._popup is None:
            self._popup_armed, self._popup = False, page
            return True
        return False

    async def follow_popup(self, timeout_ms: float) -> str:
        """Move into the pop-up the armed click opened; returns its URL. When it closes, the driver goes back."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_ms / 1000.0
        while self._popup is None and loop.time() < deadline:
            await asyncio.sleep(0.01)
        popup, self._popup, self._popup_armed = self._popup, None, False
        if popup is None:
            raise PlaywrightTimeout(f"no pop-up or new tab opened within {timeout_ms:.0f} ms")
        await popup.wait_for_load_state("load", timeout=timeout_ms)
        self._openers.append(self.page)
        self._switch(popup)

        def back(_p: Any) -> None:
            if self.page is popup and self._openers:
                self._switch(self._openers.pop())
                self._came_back = True

        popup.on("close", back)
        return popup.url

    async def popup_gone(self) -> bool:
        """After a call failed on a closed page: True when that page was a followed pop-up that closed (a form
        that submits and closes its window), the driver now back on its opener; False for any other failure."""
        for _ in range(50):
            if self._came_back:
                self._came_back = False
                return True
            if not self._openers:
                return False
            if self.page.is_closed():
                self._switch(self._openers.pop())
                return True
            await asyncio.sleep(0.01)
        return False

    def _switch(self, page: Any) -> None:
        self.page = page
        self._open_requests.clear()
        if not getattr(page, "_synthgen_tracked", False):
            page._synthgen_tracked = True
            self._track_requests(page)
            self._listen(page)  # the host's navigation bookkeeping (settle)

    def _listen(self, page: Any) -> None:  # the host class overrides it
        pass

    # ---- stored log-in ------------------------------------------------------------------------------
    async def storage_state(self) -> dict[str, Any]:
        """Cookies and local storage of the session's browser context."""
        return await self.page.context.storage_state()

    async def restore_state(self, state: dict[str, Any]) -> None:
        """Give the context a stored state: cookies now, local storage in every document of its origin."""
        ctx = self.page.context
        if state.get("cookies"):
            await ctx.add_cookies(state["cookies"])
        for origin in state.get("origins", []):
            items = [[i["name"], i["value"]] for i in origin.get("localStorage", [])]
            if items:
                await ctx.add_init_script(_RESTORE_JS % (json.dumps(origin["origin"]), json.dumps(items)))


def _plain(page: Any, target: Target) -> Any:
    # attached/hidden/detached: the first match as it is, visible or not (the visible filter would hide it)
    loc = locator_for(page, target)
    return loc.nth(target.nth) if target.nth is not None else loc.first

