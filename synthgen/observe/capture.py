"""Screen content at one moment: a screenshot, the accessibility tree and the DOM.

Two observers share one small protocol. :class:`PageObserver` talks to Chromium through a CDP session
(faster than ``page.screenshot``: no caret hiding or font waits, and ``clip.scale`` renders the image
small instead of shrinking it afterwards). :class:`DriverObserver` needs only a
:class:`synthgen.browser.driver.Driver` (images only), so the fake driver's tests run without a browser.

Measured on the webmail inbox, 1280x800 (see ``benchmarks/capture.py``): JPEG ~40 ms, PNG ~50-110 ms,
WebP ~200 ms (the encoder is slow), aria snapshot ~20 ms / 8 kB, full CDP AX tree ~210 ms / 310 kB,
DOM ~5-20 ms / 40 kB. Hence the defaults: aria snapshot for the tree, JPEG for images.

>>> spec = CaptureSpec(image_format="png", a11y=False, dom=False)
>>> spec.ext
'png'
>>> image_size(bytes.fromhex("89504e470d0a1a0a0000000d4948445200000500000003200806000000"))
(1280, 800)
"""

from __future__ import annotations

import asyncio
import base64
import io
import json
import struct
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from playwright.async_api import CDPSession, Page

    from synthgen.browser.driver import Driver

__all__ = ["CaptureSpec", "Capture", "Observer", "PageObserver", "DriverObserver", "image_size", "to_webp",
           "IMAGE_FORMATS", "A11Y_FORMATS", "SERIALIZE_DOM_JS", "STAMP_IDS_JS"]

IMAGE_FORMATS = ("jpeg", "png", "webp")
A11Y_FORMATS = ("aria", "cdp")

# The live DOM as HTML with what the user typed: outerHTML alone shows only the value *attributes*, so a
# clone gets the current values, checks and selections written in; script bodies are dropped (noise
# for a model, and the page's own code, not its state). A clone, so the page (and rrweb) see no change.
SERIALIZE_DOM_JS = """
() => {
  const live = document.documentElement;
  if (!live) return '';
  const copy = live.cloneNode(true);
  const a = live.querySelectorAll('input, textarea, select');
  const b = copy.querySelectorAll('input, textarea, select');
  for (let i = 0; i < a.length && i < b.length; i++) {
    const el = a[i], c = b[i];
    if (el.tagName === 'TEXTAREA') c.textContent = el.value;
    else if (el.tagName === 'SELECT') {
      for (let j = 0; j < el.options.length; j++) {
        if (el.options[j].selected) c.options[j].setAttribute('selected', '');
        else c.options[j].removeAttribute('selected');
      }
    } else if (el.type === 'checkbox' || el.type === 'radio') {
      if (el.checked) c.setAttribute('checked', ''); else c.removeAttribute('checked');
    } else if (el.type !== 'file') c.setAttribute('value', el.value);
  }
  copy.querySelectorAll('script').forEach(s => { s.textContent = ''; });
  const dt = document.doctype ? '<!DOCTYPE ' + document.doctype.name + '>' : '';
  return dt + copy.outerHTML;
}
"""

# Stable element ids for grounding: every element an agent could act on gets a data-sg-id (kept for the
# element's life, from the document's counter the driver's locate uses too), before the DOM and the tree are
# read, so the id an action's target has in the events is the id its node has in the captured DOM.
STAMP_IDS_JS = """() => {
  const sel = 'a, button, input, select, textarea, summary, label, option, li, td, th, img, [role], [tabindex], '
            + '[contenteditable], [onclick], [draggable=true], [data-testid]';
  let n = 0;
  for (const el of document.querySelectorAll(sel)) {
    if (!el.hasAttribute('data-sg-id')) {
      window.__sgNextId = (window.__sgNextId || 0) + 1;
      el.setAttribute('data-sg-id', String(window.__sgNextId));
      n++;
    }
  }
  return n;
}"""

# AX properties worth keeping in the compact CDP form (the rest is layout noise for an agent).
_AX_PROPS = {"focused", "checked", "disabled", "expanded", "selected", "pressed", "required", "invalid",
             "readonly", "level", "url", "hasPopup", "modal", "multiline", "valuetext"}


@dataclass(frozen=True)
class CaptureSpec:
    """What to capture at each capture point (from :class:`synthgen.session.SessionOptions`)."""

    image_format: str = "jpeg"
    quality: int = 70
    scale: float = 1.0
    a11y: bool = False
    a11y_format: str = "aria"
    dom: bool = False

    @property
    def ext(self) -> str:
        return "jpg" if self.image_format == "jpeg" else self.image_format


@dataclass
class Capture:
    """One capture. ``cost_ms`` is wall time per part, for benchmarks only: never written to a dataset."""

    image: bytes
    width: int | None
    height: int | None
    a11y: str | None = None
    dom: str | None = None
    cost_ms: dict[str, float] = field(default_factory=dict)


class Observer(Protocol):
    """Captures the page as it is now."""

    async def capture(self, spec: CaptureSpec) -> Capture: ...


def image_size(data: bytes) -> tuple[int, int] | None:
    """Width and height from a PNG, JPEG or WebP header (no decoding); None if unknown.

    >>> image_size(b"not an image") is None
    True
    """
    try:
        if data[:8] == b"\x89PNG\r\n\x1a\n":
            return struct.unpack(">II", data[16:24])
        if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
            kind = data[12:16]
            if kind == b"VP8 ":
                w, h = struct.unpack("<HH", data[26:30])
                return w & 0x3FFF, h & 0x3FFF
            if kind == b"VP8L":
                b = int.from_bytes(data[21:25], "little")
                return (b & 0x3FFF) + 1, ((b >> 14) & 0x3FFF) + 1
            if kind == b"VP8X":
                return int.from_bytes(data[24:27], "little") + 1, int.from_bytes(data[27:30], "little") + 1
        if data[:2] == b"\xff\xd8":
            i = 2
            while i + 9 < len(data):
                if data[i] != 0xFF:
                    i += 1
                    continue
                marker = data[i + 1]
                if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF):
                    h, w = struct.unpack(">HH", data[i + 5:i + 9])
                    return w, h
                if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
                    i += 2
                    continue
                i += 2 + struct.unpack(">H", data[i + 2:i + 4])[0]
    except (struct.error, IndexError):
        return None
    return None


def to_webp(data: bytes, quality: int, scale: float = 1.0) -> bytes:
    """Re-encode an image as WebP with Pillow (for drivers that only give PNG/JPEG)."""
    from PIL import Image

    im = Image.open(io.BytesIO(data))
    if scale != 1.0:
        im = im.resize((max(1, round(im.width * scale)), max(1, round(im.height * scale))))
    buf = io.BytesIO()
    im.save(buf, "WEBP", quality=quality, method=4)
    return buf.getvalue()


def compact_ax_tree(nodes: list[dict[str, Any]]) -> str:
    """The CDP ``getFullAXTree`` nodes without ignored nodes and layout noise, as compact JSON.

    >>> compact_ax_tree([{"nodeId": "1", "ignored": False, "role": {"value": "button"},
    ...                   "name": {"value": "OK"}, "childIds": []}])
    '[{"id":"1","role":"button","name":"OK"}]'
    """
    keep = {n["nodeId"] for n in nodes if not n.get("ignored")}
    out = []
    for n in nodes:
        if n["nodeId"] not in keep:
            continue
        row: dict[str, Any] = {"id": n["nodeId"], "role": (n.get("role") or {}).get("value")}
        name = (n.get("name") or {}).get("value")
        if name:
            row["name"] = name
        value = (n.get("value") or {}).get("value")
        if value not in (None, ""):
            row["value"] = value
        props = {p["name"]: p["value"].get("value") for p in n.get("properties", [])
                 if p.get("name") in _AX_PROPS and "value" in p}
        if props:
            row["props"] = props
        kids = [c for c in n.get("childIds", []) if c in keep]
        if kids:
            row["children"] = kids
        if "backendDOMNodeId" in n:
            row["dom"] = n["backendDOMNodeId"]
        out.append(row)
    return json.dumps(out, separators=(",", ":"), ensure_ascii=False)


#: Before an image: hide the text caret (its blink runs on wall time, so a frame during typing would show
#: it or not at random; Playwright's own screenshots hide it the same way) and let the page's finite running
#: animations and transitions finish (at most 1 s; endless ones, spinners, cannot be waited out).
CAPTURE_BEGIN_JS = """async () => {
  // The browser's own timers (synthgen.browser.playwright_driver.NATIVE_JS): the page's may be on the
  // session's clock, paused.
  const N = window.__sgNative || {raf: requestAnimationFrame.bind(window), timeout: setTimeout.bind(window)};
  if (!document.getElementById('__sg_caret')) {
    const s = document.createElement('style');
    s.id = '__sg_caret';
    s.textContent = '*, *::before, *::after { caret-color: transparent !important; }';
    (document.head || document.documentElement).appendChild(s);
  }
  const running = document.getAnimations().filter(a => {
    const t = a.effect && a.effect.getComputedTiming();
    return a.playState === 'running' && t && Number.isFinite(t.endTime);
  });
  if (running.length)
    await Promise.race([Promise.all(running.map(a => a.finished.catch(() => null))),
                        new Promise(r => N.timeout(r, 1000))]);
  await new Promise(r => N.raf(() => N.raf(r)));
  return running.length;
}"""
#: After the image: the page is given back as it was (before its tree or DOM is read).
CAPTURE_END_JS = "() => { const s = document.getElementById('__sg_caret'); if (s) s.remove(); }"

#: what Playwright says when a capture races a navigation (the document or its renderer changed under it)
_NAVIGATION_RACE = ("Execution context was destroyed", "Not attached to an active page", "navigat",
                    "Cannot find context", "frame was detached")
_NAV_RETRIES = 3


class PageObserver:
    """Captures a Playwright page through CDP; errors in the tree or DOM leave that part empty.

    >>> # obs = PageObserver(page); cap = await obs.capture(CaptureSpec(a11y=True))
    """

    def __init__(self, page: "Page", timeout_s: float = 30.0) -> None:
        self.page = page
        self.timeout_s = timeout_s
        self._cdp: "CDPSession | None" = None

    async def _session(self) -> "CDPSession":
        if self._cdp is None:
            self._cdp = await self.page.context.new_cdp_session(self.page)
        return self._cdp

    async def screenshot(self, spec: CaptureSpec) -> bytes:
        """The page's image; a capture that races a navigation waits for the new document and tries again.

        A click that navigates has been delivered when its capture runs: the old document's context is
        destroyed under ``evaluate``, or the CDP session is left attached to the old renderer ("Not attached
        to an active page"). Neither is the session's failure, so the capture is retried on the new page.
        """
        from playwright.async_api import Error as PlaywrightError

        for attempt in range(_NAV_RETRIES):
            try:
                return await self._screenshot(spec)
            except PlaywrightError as exc:
                text = str(exc)
                if attempt == _NAV_RETRIES - 1 or not any(m in text for m in _NAVIGATION_RACE):
                    raise
                self._cdp = None  # a session attached to the old renderer answers nothing more
                try:
                    await self.page.wait_for_load_state("load", timeout=5_000)
                except PlaywrightError:
                    pass
        raise AssertionError("unreachable")

    async def _screenshot(self, spec: CaptureSpec) -> bytes:
        # The page runs on wall time: a transition caught half-way (a toast sliding in) or the caret's blink
        # would give another image on every run (CAPTURE_BEGIN_JS).
        await self.page.evaluate(CAPTURE_BEGIN_JS)
        cdp = await self._session()
        params: dict[str, Any] = {"format": spec.image_format, "optimizeForSpeed": True}
        if spec.image_format != "png":
            params["quality"] = spec.quality
        if spec.scale != 1.0:
            # clip is in document CSS px (so offset by the scroll position); scale renders the image at
            # that size directly instead of shrinking a full-size one.
            x, y, w, h = await self.page.evaluate(
                "[visualViewport.pageLeft, visualViewport.pageTop, innerWidth, innerHeight]")
            params["clip"] = {"x": x, "y": y, "width": w, "height": h, "scale": spec.scale}
        r = await cdp.send("Page.captureScreenshot", params)
        try:
            await self.page.evaluate(CAPTURE_END_JS)
        except Exception:  # the page navigated away meanwhile: the new document never had the style
            pass
        return base64.b64decode(r["data"])

    async def a11y(self, fmt: str) -> str | None:
        try:
            if fmt == "cdp":
                cdp = await self._session()
                r = await cdp.send("Accessibility.getFullAXTree")
                return compact_ax_tree(r.get("nodes", []))
            return await self.page.locator("body").aria_snapshot(timeout=5_000)
        except Exception:  # mid-navigation: no document to describe; the image still says what is shown
            return None

    async def dom(self) -> str | None:
        try:
            return await self.page.evaluate(SERIALIZE_DOM_JS)
        except Exception:
            return None

    async def capture(self, spec: CaptureSpec) -> Capture:
        # The page is used directly (not through the watchdog driver), so a hung renderer must not hang
        # the session here: a Playwright timeout fails the session like any other step.
        try:
            return await asyncio.wait_for(self._capture(spec), self.timeout_s)
        except asyncio.TimeoutError as exc:
            from playwright.async_api import TimeoutError as PlaywrightTimeout

            raise PlaywrightTimeout(f"screen capture took longer than {self.timeout_s:.0f} s") from exc

    async def _capture(self, spec: CaptureSpec) -> Capture:
        cost: dict[str, float] = {}
        t0 = time.perf_counter()
        img = await self.screenshot(spec)
        cost["image"] = (time.perf_counter() - t0) * 1e3
        size = image_size(img)
        cap = Capture(img, size[0] if size else None, size[1] if size else None, cost_ms=cost)
        if spec.a11y or spec.dom:
            try:
                await self.page.evaluate(STAMP_IDS_JS)
            except Exception:  # mid-navigation: the new document is read without ids rather than not at all
                pass
        if spec.a11y:
            t0 = time.perf_counter()
            cap.a11y = await self.a11y(spec.a11y_format)
            cost["a11y"] = (time.perf_counter() - t0) * 1e3
        if spec.dom:
            t0 = time.perf_counter()
            cap.dom = await self.dom()
            cost["dom"] = (time.perf_counter() - t0) * 1e3
        return cap


class DriverObserver:
    """Images only, through ``Driver.screenshot``; WebP is re-encoded from PNG with Pillow.

    >>> import asyncio
    >>> from synthgen.browser.fake import FakeDriver
    >>> asyncio.run(DriverObserver(FakeDriver({})).capture(CaptureSpec())).image[:2]
    b'\\xff\\xd8'
    """

    def __init__(self, driver: "Driver") -> None:
        self.driver = driver

    async def capture(self, spec: CaptureSpec) -> Capture:
        t0 = time.perf_counter()
        if spec.image_format == "webp":
            img = to_webp(await self.driver.screenshot("png", None, 1.0), spec.quality, spec.scale)
        else:
            img = await self.driver.screenshot(spec.image_format,
                                               spec.quality if spec.image_format == "jpeg" else None, spec.scale)
        size = image_size(img)
        return Capture(img, size[0] if size else None, size[1] if size else None,
                       cost_ms={"image": (time.perf_counter() - t0) * 1e3})
