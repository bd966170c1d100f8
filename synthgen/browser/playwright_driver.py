"""The real driver: trusted input through Playwright (CDP) into a Chromium page.

Mouse moves are frame-bound in headless Chromium (about 16.7 ms each when awaited one by one), so the
session sends a decimated subset of each planned path, pipelined, and awaits only the last move.

>>> # driver = PlaywrightDriver(page, viewport=(1280, 800)); await driver.goto("http://127.0.0.1:8000/", 10000)
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page
from playwright.async_api import TimeoutError as PlaywrightTimeout

from synthgen.browser.driver import Located
from synthgen.browser.attention import PageAttention
from synthgen.browser.extras import PageExtras
from synthgen.browser.netguard import UNREACHABLE_HEADER
from synthgen.browser.locate import chosen, maps_target_errors
from synthgen.motor.types import Box
from synthgen.scenario.steps import Target

__all__ = ["PlaywrightDriver", "DESCRIBE_JS", "LOCATE_JS", "COVER_JS", "SCROLL_SETTLED_JS", "LEAVING_JS"]

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

# The element's stable id for grounding: a data-sg-id attribute, stamped the first time synthgen meets the
# element (located, or in a capture: synthgen.observe.grounding) from a counter of the document, so the id
# of a target in the events is the id the captured DOM shows for it.
SG_ID_JS = """
el => {
  let id = el.getAttribute('data-sg-id');
  if (!id) { window.__sgNextId = (window.__sgNextId || 0) + 1; id = String(window.__sgNextId);
             el.setAttribute('data-sg-id', id); }
  return id;
}
"""

# One round trip for a locate: the element's box once it holds still for a frame (an element sliding in
# is measured where it stops, not wherever it happens to be), and its description. With no CSS animation
# or transition running (the apps move things only with those), the box measured now is final and the
# frame wait (~8-16 ms a locate) is skipped. The frame wait has a timer fallback so a page without frames
# cannot stall it. null: the element left the DOM meanwhile.
LOCATE_JS = """
async el => {
  const rect = () => { const r = el.getBoundingClientRect(); return [r.x, r.y, r.width, r.height]; };
  const N = window.__sgNative || {raf: requestAnimationFrame.bind(window), timeout: setTimeout.bind(window)};
  const frame = () => new Promise(r => { N.raf(() => r()); N.timeout(r, 50); });
  let box = rect();
  const moving = document.getAnimations().some(a => a.playState === 'running');
  for (let i = 0; moving && i < 30; i++) {
    await frame();
    if (!el.isConnected) return null;
    const next = rect();
    if (next.every((v, k) => v === box[k])) break;
    box = next;
  }
  return {box, desc: (%s)(el), svg: el.namespaceURI === 'http://www.w3.org/2000/svg', id: (%s)(el)};
}
""" % (DESCRIBE_JS.strip(), SG_ID_JS.strip())

# Hit test before a press: null when the topmost element at (x, y) is the target, inside it, or its label
# (a click on a label reaches its control); else the box of what covers the point (the nearest
# absolutely/fixed positioned ancestor of the element on top: a hover menu's panel, a popover; else that
# element). A person moves out of such a layer before aiming again.
COVER_JS = """
(el, [x, y]) => {
  const top = document.elementFromPoint(x, y);
  if (!top) return [x, y, 0, 0];
  if (el === top || el.contains(top)) return null;
  if (top.contains(el)) return [x, y, -1, -1];  // beside the target, on its container: no layer on top
  const label = top.closest && top.closest('label');
  if (label && label.control === el) return null;
  let layer = top;
  for (let n = top; n && n.nodeType === 1; n = n.parentElement) {
    if (n.contains(el)) break;
    const pos = getComputedStyle(n).position;
    if (pos === 'absolute' || pos === 'fixed') { layer = n; break; }
  }
  const r = layer.getBoundingClientRect();
  return [r.x, r.y, r.width, r.height];
}
"""

# Counts scroll events of any element from now on (installed once per document, reset per wheel burst).
SCROLL_COUNT_JS = """() => {
  if (!window.__sgScroll) {
    window.__sgScroll = {n: 0};
    document.addEventListener('scroll', () => { window.__sgScroll.n++; }, {capture: true, passive: true});
  }
  window.__sgScroll.n = 0;
}"""

# Resolves once no element has scrolled for 3 frames (at most ~2 s): the wheel events acknowledged so far
# have reached the main thread, so boxes measured next are where the scroll ended. Without it the last
# notch may or may not be visible yet, and the planned moves would depend on the machine's speed.
SCROLL_SETTLED_JS = """
() => new Promise(resolve => {
  const N = window.__sgNative || {raf: requestAnimationFrame.bind(window)};
  let quiet = 0, frames = 0;
  const moved = () => { quiet = 0; };
  document.addEventListener('scroll', moved, {capture: true, passive: true});
  const tick = () => {
    frames++;
    if (++quiet >= 3 || frames > 120) {
      document.removeEventListener('scroll', moved, {capture: true});
      resolve(frames);
    } else {
      N.raf(tick);
    }
  };
  N.raf(tick);
})
"""

# Installed in every document: the page marks itself when it starts to unload. The renderer fires
# beforeunload before it asks the browser for the next document, so once an input has been handled the
# mark says whether that input started a navigation, even before the request shows up (with routing on,
# the request event can arrive after the next round trip). pageshow clears it for a page shown again.
LEAVING_JS = """
addEventListener('beforeunload', () => { window.__synthgenLeaving = true; }, {capture: true});
addEventListener('pageshow', () => { window.__synthgenLeaving = false; });
"""
_TAKE_LEAVING = "(() => { const l = window.__synthgenLeaving === true; window.__synthgenLeaving = false; return l; })()"

# A click on a "#..." link changes the URL at once, but the page hears of it (hashchange, where a single-page
# app renders the new view) in a task of its own, which may run before or after a check of the page. The
# fragment the page last heard of is kept, so a check can first let that task run (QUIET_JS).
HASH_JS = """
window.__sgHash = location.hash;
addEventListener('hashchange', () => { window.__sgHash = location.hash; }, {capture: true});
"""
# A response the network has finished may not have reached the page's script yet: fetch() resolves, then the
# body is read (response.json()) in tasks of their own, and an XHR's load event is a task too. The network
# being quiet is then not enough: a check could look at the page before the app rendered what it fetched. The
# page counts its unsettled fetches, body reads and XHRs; QUIET_JS waits until there are none. Our reaction is registered on the
# promise before the app's, so the count drops in the same microtask checkpoint as the app's handler runs.
BUSY_JS = """
(() => {
  if (window.__sgBusy !== undefined) return;
  window.__sgBusy = 0;
  const track = (p) => {
    window.__sgBusy++;
    const done = () => { window.__sgBusy--; };
    p.then(done, done);
    return p;
  };
  if (window.fetch) {
    const fetch0 = window.fetch;
    window.fetch = function (...a) { return track(fetch0.apply(this, a)); };
  }
  if (window.Response) {
    for (const m of ['json', 'text', 'arrayBuffer', 'blob', 'formData']) {
      const f = Response.prototype[m];
      if (f) Response.prototype[m] = function (...a) { return track(f.apply(this, a)); };
    }
  }
  if (window.XMLHttpRequest) {
    const send0 = XMLHttpRequest.prototype.send;
    XMLHttpRequest.prototype.send = function (...a) {
      window.__sgBusy++;
      this.addEventListener('loadend', () => { window.__sgBusy--; }, {once: true});
      try { return send0.apply(this, a); } catch (e) { window.__sgBusy--; throw e; }
    };
  }
})();
"""
# Resolves once the page has heard of the current fragment (a history.pushState changes it with no
# hashchange: given up after 100 ms) and the tasks the page had queued (a response handed to a script, a
# posted message) have run: the page then looks the same to a check on every run, however busy the machine.
QUIET_JS = """
() => new Promise((done) => {
  const wait = (window.__sgNative && window.__sgNative.timeout) || setTimeout;
  let n = 0;
  const check = () => {
    n++;
    const hashed = window.__sgHash === undefined || window.__sgHash === location.hash || n > 20;
    // a request that never ends (a long poll) is given up after ~0.5 s: the network wait bounds those already
    const idle = !(window.__sgBusy > 0) || n > 100;
    if (hashed && idle) {
      window.__sgHash = location.hash;
      wait(() => done(true), 0);
      return;
    }
    wait(check, 5);
  };
  check();
})
"""


# Installed before the page clock (so it runs first in every document): the browser's own frame and timer
# functions, for synthgen's in-page helpers, which must keep wall time while the page's are on the session's
# clock (Playwright's clock replaces requestAnimationFrame and setTimeout in the page).
NATIVE_JS = ("if (!window.__sgNative) window.__sgNative = {raf: window.requestAnimationFrame.bind(window), "
             "timeout: window.setTimeout.bind(window)};")
#: The longest a check waits (wall) for the page's queued tasks (QUIET_JS) before looking anyway.
TASKS_WAIT_S = 2.0
#: How far before the session's start the page clock is installed (see PlaywrightDriver.start_clock).
CLOCK_LEAD_MS = 1000.0
#: Page time granted per step while the session waits for the page (a wait_for, a target still appearing).
WAIT_TICK_MS = 100
#: How long a step of page time waits (wall) for the page's requests to end first: responses arrive before
#: the page's clock moves on, as they would for a person, whatever the network's speed.
NETWORK_WAIT_S = 10.0
#: The same at the end of each step (an app that keeps a request open, a long poll, costs this much a step).
SETTLE_NETWORK_WAIT_S = 3.0


class PlaywrightDriver(PageExtras, PageAttention):
    """A :class:`synthgen.browser.driver.Driver` over one Playwright page (widget operations: ``PageExtras``)."""

    def __init__(self, page: Page, viewport: tuple[int, int]) -> None:
        self.page = page
        self.viewport = viewport
        self._nav_started = 0  # main-frame navigation requests since the last settle
        self._nav_pending = 0  # of those, still in flight
        self._commits = 0  # main-frame documents committed, ever
        self._commits_at_nav = 0  # commits when the latest navigation request started
        self._init_script = False
        # Input sent since the last settle: a step that sent none (think, assert, wait_for) has nothing of
        # ours for the page to handle, so its settle skips the round trip unless a navigation is under way.
        self._poked = False
        self.landed_url: str | None = None  # the URL the last goto loaded, after HTTP redirects
        self._inflight = 0  # requests of the page not yet finished (any kind)
        self._clock_on = False
        self.page_ms: float | None = None  # the page's clock, ms since the session started (None: wall time)
        self._sockets = 0  # the page's open WebSockets: a server that pushes on its own clock (see _until)
        page.on("websocket", self._on_socket)
        page.on("request", self._on_request)
        page.on("requestfinished", self._on_request_done)
        page.on("requestfailed", self._on_request_done)
        page.on("framenavigated", self._on_navigated)
        self._extras_init(page)

    def _listen(self, page) -> None:  # type: ignore[no-untyped-def]
        # A pop-up the session follows gets the same navigation bookkeeping as the first page.
        page.on("websocket", self._on_socket)
        page.on("request", self._on_request)
        page.on("requestfinished", self._on_request_done)
        page.on("requestfailed", self._on_request_done)
        page.on("framenavigated", self._on_navigated)

    def _is_nav(self, request) -> bool:  # type: ignore[no-untyped-def]
        return request.is_navigation_request() and request.frame == self.page.main_frame

    def _on_socket(self, ws) -> None:  # type: ignore[no-untyped-def]
        self._sockets += 1
        ws.on("close", lambda _ws: setattr(self, "_sockets", max(0, self._sockets - 1)))

    def _on_request(self, request) -> None:  # type: ignore[no-untyped-def]
        self._inflight += 1
        if self._is_nav(request) and request.redirected_from is None:  # a redirect hop is the same navigation
            self._nav_started += 1
            self._nav_pending += 1
            self._commits_at_nav = self._commits

    def _on_request_done(self, request) -> None:  # type: ignore[no-untyped-def]
        self._inflight = max(0, self._inflight - 1)
        if self._is_nav(request) and request.redirected_to is None:
            self._nav_pending = max(0, self._nav_pending - 1)

    def _on_navigated(self, frame) -> None:  # type: ignore[no-untyped-def]
        if frame == self.page.main_frame:
            self._commits += 1

    # ---- the page's clock ------------------------------------------------------------------------------
    async def start_clock(self, epoch_ms: float) -> None:
        """Put the page on the session's clock, starting at ``epoch_ms`` (``sessions.start_time``).

        Playwright's clock replaces ``Date``, ``performance.now``, timers and ``requestAnimationFrame`` in
        every document of the page, paused: the page's time then moves only with :meth:`sync` (to the
        planned time of each input) and while the session waits for the page. An app's debounce, autosave,
        toast and date see a person's pace, whatever the machine's speed.
        """
        # On the context, before the clock: a pop-up the session follows gets the browser's own timers too
        # (page-level, a pop-up had none, and a helper waiting on the paused fake setTimeout hung for ever).
        await self.page.context.add_init_script(NATIVE_JS)
        seconds = epoch_ms / 1000.0
        # Installed a second early, then paused at the start: the installed clock ticks with real time until
        # paused, and pausing at a time it has already passed is an error (seen under load). Date is then
        # exactly the start; performance.now() counts from the install (the few ms before the pause).
        await self.page.clock.install(time=seconds - CLOCK_LEAD_MS / 1000.0)
        await self.page.clock.pause_at(seconds)
        self._clock_on, self.page_ms = True, 0.0

    async def _network_quiet(self, cap_s: float = NETWORK_WAIT_S) -> None:
        # One round trip first: a request the page has just begun (by a timer that fired, an input handled)
        # is announced before the answer to it, so it is counted before the count is read.
        try:
            await self.page.evaluate("0")
        except PlaywrightError:
            pass  # the document is being replaced; its requests are counted as they come
        loop = asyncio.get_running_loop()
        end = loop.time() + cap_s
        while self._inflight > 0 and loop.time() < end:  # a stream that never ends stops holding after 10 s
            await asyncio.sleep(0.005)

    async def _run_for(self, ms: int) -> None:
        # The page's requests end before its clock moves (responses arrive "in time", however slow the
        # network); a navigation begun by a timer that fires now commits and loads before anything else.
        await self._network_quiet()
        await self.page.clock.run_for(ms)
        self.page_ms = (self.page_ms or 0.0) + ms
        self._poked = True
        await self.settle()

    async def sync(self, t_ms: float) -> None:
        """Bring the page's clock up to ``t_ms`` (session time) before input planned then is sent: the timers
        due by then fire first. A page clock already past ``t_ms`` (it ran while the session waited) stays."""
        if not self._clock_on or self.page_ms is None:
            return
        step = int(round(t_ms - self.page_ms))
        if step > 0:
            await self._run_for(step)

    async def move_timed(self, ts: list[float], xs: list[float], ys: list[float]) -> None:
        """Every planned sample, each at its time on the page's clock, acknowledged before the next.

        Chromium acknowledges a ``mouseMoved`` at its next frame, so each sample reaches the page as its own
        ``mousemove`` (pipelined ones are coalesced per frame) and the page's ``performance.now()`` reads the
        sample's planned time. The cost is a frame of wall time per sample (``--mouse-delivery timed``).
        """
        self._poked = True
        mouse = self.page.mouse
        for t, x, y in zip(ts, xs, ys):
            if self._clock_on and self.page_ms is not None:
                step = int(round(t - self.page_ms))
                if step > 0:  # mid-gesture: no request or navigation wait, just the page's time
                    await self.page.clock.run_for(step)
                    self.page_ms += step
            await mouse.move(x, y)
            self._pointer = (x, y)

    async def _until(self, ready: Any, timeout_ms: float, what: str) -> None:
        """Grant the page time in :data:`WAIT_TICK_MS` steps until ``ready()`` (a check that does not wait)
        says yes, for at most ``timeout_ms`` of page time. The page time spent is set by the page alone
        (its timers; its requests hold the clock), so a wait lasts the same on every run."""
        spent = 0
        loop = asyncio.get_running_loop()
        began = loop.time()
        # Responses in flight land first (they hold the page's clock), then a navigation the last input or
        # a response began commits: the check then sees the same page whatever the network's speed.
        await self._network_quiet()
        self._poked = True
        await self.settle()
        while not await self._ready_now(ready):
            if spent >= timeout_ms:
                raise PlaywrightTimeout(f"{what} within {timeout_ms:.0f} ms of the page's time")
            await self._run_for(WAIT_TICK_MS)
            spent += WAIT_TICK_MS
            if self._sockets:
                # A page with an open WebSocket waits on a server that works in real time (Streamlit
                # re-running a script, a chat): its page time does not outrun the wall time of the wait.
                # Such a wait lasts what the server takes, so its length can vary from run to run.
                ahead = spent / 1000.0 - (loop.time() - began)
                if ahead > 0:
                    await asyncio.sleep(ahead)

    async def _ready_now(self, ready: Any) -> bool:
        """``ready()`` once the page's queued tasks (a hashchange, a response's handler) have run (QUIET_JS)."""
        try:
            await asyncio.wait_for(self.page.evaluate(QUIET_JS), TASKS_WAIT_S)
        except PlaywrightError:
            pass  # the document is being replaced: the check that follows sees the new one or waits
        except asyncio.TimeoutError:
            pass  # a page whose timers cannot run (no native timer in it): check it as it is
        return bool(await ready())

    async def _visible(self, loc: Any) -> bool:
        try:
            return await loc.first.is_visible()
        except PlaywrightError as exc:
            if "destroyed" in str(exc) or "navigat" in str(exc).lower():
                return False  # the document is being replaced: not yet
            raise

    async def goto(self, url: str, timeout_ms: float) -> None:
        if not self._init_script:
            await self.page.context.add_init_script(LEAVING_JS + HASH_JS + BUSY_JS)  # pop-ups included
            self._init_script = True
        before = self._nav_started
        self._poked = True
        response = await self.page.goto(url, timeout=timeout_ms, wait_until="load")
        unreachable = response.headers.get(UNREACHABLE_HEADER.lower()) if response is not None else None
        if unreachable:  # the origin guard could not reach the app: the error Chromium gives without a proxy
            net, _, why = unreachable.partition(": ")
            raise PlaywrightError(f"{net} at {url} ({why})")
        self.landed_url = response.url if response is not None else self.page.url
        # Not the goto's own request; but a redirect the page began by script (a sign-in page sending
        # you on) is a navigation still in flight, which settle() waits for.
        self._nav_started = max(0, self._nav_started - before - 1)

    async def current_url(self) -> str:
        return self.page.url

    async def settle(self) -> None:
        # One evaluate round trip: the renderer has handled the input sent before it, so a navigation
        # that input started has issued its request by now. Then wait for that document to commit
        # (or for its request to end without one: a download, a 204) and to load.
        commits = self._commits
        if not self._poked and not self._nav_started:
            return
        if self._clock_on:
            # On the page's clock a response takes no page time: what the input started (a request, then
            # a navigation its answer begins) is settled before the step ends, whatever the network's speed.
            await self._network_quiet(SETTLE_NETWORK_WAIT_S)
        self._poked = False
        try:
            leaving = await self.page.evaluate(_TAKE_LEAVING)
        except PlaywrightError as exc:
            if "destroyed" not in str(exc) and "navigat" not in str(exc).lower():
                raise
            leaving = True
        if not leaving and not self._nav_started:
            return
        loop = asyncio.get_running_loop()
        start = loop.time()
        quiet_since: float | None = None
        while loop.time() < start + 15.0:
            seen = self._nav_started > 0
            if self._commits > (self._commits_at_nav if seen else commits):
                break  # the document of the latest navigation has committed
            if seen and self._nav_pending == 0:
                quiet_since = quiet_since or loop.time()
                if loop.time() - quiet_since > 0.2:
                    break  # its request ended without a document (a download, a 204, blocked)
            elif not seen and loop.time() - start > 1.0:
                break  # the page began to unload but no navigation followed (cancelled)
            await asyncio.sleep(0.005)
        self._nav_started = 0
        await self.page.wait_for_load_state("load", timeout=15_000)

    @maps_target_errors  # no match: TargetMissing with the nearest on the page (synthgen/browser/locate.py)
    async def locate(self, target: Target, timeout_ms: float) -> Located:
        loc = chosen(self.page, target)
        if self._clock_on:  # a target still appearing appears in the page's time
            await self._until(lambda: self._visible(loc), timeout_ms,
                              f"{target.describe()} matched no visible element")
        if target.nth is not None:
            await loc.wait_for(state="visible", timeout=timeout_ms)  # nth does not filter to visible ones
        for _ in range(3):
            # Evaluating on the locator waits for a (visible) match, then measures and describes it.
            found = await loc.evaluate(LOCATE_JS, timeout=timeout_ms)
            if found is None:
                continue  # replaced by a re-render while measured: resolve the locator again
            x, y, w, h = found["box"]
            if found["svg"]:
                # SVG boxes differ from Playwright's (stroke included there); keep Playwright's numbers.
                bb = await loc.bounding_box(timeout=timeout_ms)
                if bb is None:
                    continue
                x, y, w, h = bb["x"], bb["y"], bb["width"], bb["height"]
            return Located(Box(x, y, w, h), found["desc"], found.get("id"))
        raise PlaywrightTimeout(f"{target.describe()} has no box (it keeps leaving the page)")

    async def cover(self, target: Target, x: float, y: float, timeout_ms: float) -> Box | None:
        try:
            r = await chosen(self.page, target).evaluate(COVER_JS, [x, y], timeout=timeout_ms)
        except PlaywrightError as exc:
            if "destroyed" in str(exc) or "navigat" in str(exc).lower():
                return None  # the page is changing under the pointer: press as planned, as before
            raise
        return None if r is None else Box(*(float(v) for v in r))

    async def move(self, xs: list[float], ys: list[float]) -> None:
        if not xs:
            return
        self._poked = True
        mouse = self.page.mouse
        self._pointer = (xs[-1], ys[-1])
        # Pipelined: every move is on the wire before the first acknowledgement comes back. Tasks start
        # in creation order, so the page receives the moves in path order and ends on the last point.
        await asyncio.gather(*[asyncio.ensure_future(mouse.move(x, y)) for x, y in zip(xs, ys)])

    async def mouse_down(self, x: float, y: float, button: int, click_count: int) -> None:
        self._poked = True
        await self.page.mouse.down(button=_BUTTONS[button], click_count=click_count)  # type: ignore[arg-type]

    async def mouse_up(self, x: float, y: float, button: int, click_count: int) -> None:
        self._poked = True
        await self.page.mouse.up(button=_BUTTONS[button], click_count=click_count)  # type: ignore[arg-type]

    async def wheel(self, x: float, y: float, dxs: list[float], dys: list[float]) -> bool | None:
        self._poked = True
        mouse = self.page.mouse
        px, py = getattr(self, "_pointer", (None, None))
        if px is None or abs(px - x) > 1.0 or abs(py - y) > 1.0:  # not a move the page would see otherwise
            await mouse.move(x, y)
            self._pointer = (x, y)
        # Pipelined like moves (each awaited notch costs ~50 ms); the compositor applies them in order,
        # so the page ends at the same offset. Then wait until that offset is what the page reports.
        try:  # count the page's scroll events from here: a burst against the page's end moves nothing
            await self.page.evaluate(SCROLL_COUNT_JS)
        except PlaywrightError:
            pass
        await asyncio.gather(*[asyncio.ensure_future(mouse.wheel(dx, dy)) for dx, dy in zip(dxs, dys)])
        try:
            await self.page.evaluate(SCROLL_SETTLED_JS)
            return await self.page.evaluate("() => window.__sgScroll ? window.__sgScroll.n > 0 : null")
        except PlaywrightError as exc:
            if "destroyed" not in str(exc) and "navigat" not in str(exc).lower():
                raise
            return None

    async def key_down(self, key: str, code: str) -> None:
        # By physical code, so ShiftRight stays ShiftRight; Playwright derives the key from the code and
        # the held Shift, as the keyboard layout does.
        self._poked = True
        if code:
            await self.page.keyboard.down(code)
        else:
            # Not on the US layout: the text arrives as an IME would deliver it.
            await self.page.keyboard.insert_text(key)

    async def key_up(self, key: str, code: str) -> None:
        self._poked = True
        if code:
            await self.page.keyboard.up(code)

    async def select_option(self, target: Target, option: str, timeout_ms: float) -> None:
        self._poked = True
        loc = chosen(self.page, target)
        try:
            await loc.select_option(label=option, timeout=timeout_ms)
        except PlaywrightError:
            await loc.select_option(value=option, timeout=timeout_ms)

    async def set_files(self, target: Target, name: str, mime: str, data: bytes, timeout_ms: float) -> None:
        self._poked = True
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
        loc = self.page.get_by_text(text).filter(visible=True)
        if self._clock_on:
            await self._until(lambda: self._visible(loc), timeout_ms, f"text {text!r} did not appear")
        await loc.first.wait_for(state="visible", timeout=timeout_ms)

    @maps_target_errors  # what the page has instead, named in the error (synthgen/browser/locate.py)
    async def wait_target(self, target: Target, timeout_ms: float) -> None:
        loc = chosen(self.page, target)
        if self._clock_on:
            await self._until(lambda: self._visible(loc), timeout_ms, f"{target.describe()} did not appear")
        await loc.wait_for(state="visible", timeout=timeout_ms)

    async def wait_url(self, pattern: str, timeout_ms: float) -> None:
        rx = re.compile(pattern)
        if self._clock_on:
            async def there() -> bool:
                return rx.search(self.page.url) is not None
            await self._until(there, timeout_ms, f"the URL did not match {pattern!r}")
        await self.page.wait_for_url(rx, timeout=timeout_ms)

    async def screenshot(self, fmt: str, quality: int | None, scale: float) -> bytes:
        kwargs = {"type": "jpeg" if fmt == "jpeg" else "png", "scale": "css"}
        if fmt == "jpeg" and quality is not None:
            kwargs["quality"] = quality
        return await self.page.screenshot(**kwargs)  # type: ignore[arg-type]

    async def user_agent(self) -> str:
        try:
            return await self.page.evaluate("navigator.userAgent")
        except PlaywrightError as exc:
            if "destroyed" not in str(exc) and "navigat" not in str(exc).lower():
                raise
            # A navigation the last input started replaced the document: ask the new one.
            await self.page.wait_for_load_state("load", timeout=5_000)
            return await self.page.evaluate("navigator.userAgent")
