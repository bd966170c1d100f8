"""Record the page with rrweb during a session, with every timestamp moved onto the synthetic clock.

How it works:

* An init script (the vendored ``@rrweb/record`` plus a small bootstrap) runs in every document the
  page loads. rrweb records the DOM (full snapshot, mutations, input values, scroll, focus); its own
  mouse sampling is switched off, because the export rebuilds pointer events from the ``events``
  table at full resolution and on the synthetic clock.
* The bootstrap also taps the trusted input events the page receives (mousedown, mouseup, keydown,
  keyup, wheel, mousemove) with rrweb's node id of their target, and the session drops a *marker*
  carrying the synthetic clock at each step's start and end.
* All three go to Python through one binding, in page order; the binding outlives navigations, so a
  multi-page app gives one stream with a new Meta + FullSnapshot per page load (kept as one recording:
  rrweb-player rebuilds its iframe at each full snapshot).
* At the end the tapped inputs are aligned with the dispatched rows of ``events`` (same kind, button or
  key code, in order), and every rrweb event gets the synthetic time of the latest aligned input or
  marker before it. No wall-clock time reaches the output; reactions share their cause's timestamp.

The stored recording (``recordings/<session_id>.json.gz``) holds the DOM events and the pointer's
target node ids; :mod:`synthgen.dataset.exports.rrweb` merges them with the events into a player-ready file.

>>> stream = [{"k": "m", "s": 0.0}, {"k": "e", "e": {"type": 4, "data": {}, "timestamp": 1}},
...           {"k": "i", "t": "mousedown", "b": 0, "id": 7}, {"k": "e", "e": {"type": 3,
...            "data": {"source": 0}, "timestamp": 2}}]
>>> import pyarrow as pa
>>> ev = pa.table({"type": ["mousedown"], "t_ms": [1250.0], "button": [0], "code": [None]})
>>> rec = build_recording(stream, ev, start_ms=1_000_000, session_id="s")
>>> [e["timestamp"] for e in rec["events"]], rec["pointer"]
([1000000.0, 1001250.0], [[1250.0, 7]])
"""

from __future__ import annotations

import asyncio
import difflib
import json
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from synthgen.dataset.exports.rrweb import EventType, Interaction, Source

if TYPE_CHECKING:
    import pyarrow as pa
    from playwright.async_api import Page

__all__ = ["RrwebRecorder", "build_recording", "recorder_script", "vendor_file", "RRWEB_VERSION",
           "RECORDING_FORMAT", "BINDING", "EventType", "Source", "Interaction"]

RRWEB_VERSION = "2.1.6"
RECORDING_FORMAT = "synthgen-rrweb-dom/1"
BINDING = "__sg_rrweb"


# Pointer interactions the export rebuilds from the events table (rrweb's own are not recorded).
_POINTER_INTERACTIONS = {0, 1, 2, 3, 4, 7, 8, 9, 10}
_DISPATCHED = ("mousedown", "mouseup", "keydown", "keyup", "wheel")

_BOOTSTRAP = """
;(() => {
  if (window.top !== window || window.__sgRrweb || !window.rrwebRecord) return;
  window.__sgRrweb = true;
  const lib = window.rrwebRecord;
  const push = (o) => { const f = window.%(binding)s; if (f) { try { f(JSON.stringify(o)); } catch (e) {} } };
  window.__sgMark = (s) => push({k: 'm', s});
  const mirror = lib.record.mirror;
  const tap = (e) => {
    if (!e.isTrusted) return;
    const o = {k: 'i', t: e.type, id: mirror.getId(e.target)};
    if (e.type[0] === 'k') o.c = e.code;
    else if (e.type === 'mousedown' || e.type === 'mouseup') o.b = e.button;
    push(o);
  };
  for (const t of ['mousemove', 'mousedown', 'mouseup', 'keydown', 'keyup', 'wheel'])
    window.addEventListener(t, tap, {capture: true, passive: true});
  lib.record({
    emit: (e) => push({k: 'e', e}),
    // Pointer events come from synthgen's own events table; focus and blur stay (they move the caret).
    sampling: {mousemove: false, scroll: 50, mouseInteraction: {MouseUp: false, MouseDown: false, Click: false,
               ContextMenu: false, DblClick: false, Focus: true, Blur: true, TouchStart: false, TouchEnd: false}},
    recordCanvas: false, collectFonts: false, inlineStylesheet: true,
    // The style a capture adds for a moment to hide the caret (synthgen.observe.capture) is not the page's.
    blockSelector: '#__sg_caret',
  });
})();
"""


def vendor_file(name: str) -> str:
    """Text of a vendored asset (``rrweb-record.min.js``, ``rrweb-player.min.js``, ``rrweb-player.css``)."""
    return resources.files("synthgen.observe").joinpath("vendor", name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def recorder_script() -> str:
    """The init script: rrweb's recorder, then the bootstrap that starts it and taps input."""
    return vendor_file("rrweb-record.min.js") + "\n" + _BOOTSTRAP % {"binding": BINDING}


class RrwebRecorder:
    """Collects one page's rrweb stream; :meth:`finish` turns it into a recording on the synthetic clock.

    >>> # rec = RrwebRecorder(); await rec.install(page); ...; recording = await rec.finish(clock, events, start_ms, sid)
    """

    def __init__(self) -> None:
        self.page: "Page | None" = None
        self._raw: list[str] = []

    async def install(self, page: "Page") -> None:
        """Expose the binding and add the init script (before the first navigation)."""
        self.page = page
        await page.expose_binding(BINDING, self._on_message)
        await page.add_init_script(script=recorder_script())

    def _on_message(self, source: Any, payload: str) -> None:
        # Kept raw: parsing waits for the end, so the page is never held up by Python.
        self._raw.append(payload)

    async def mark(self, clock: float) -> None:
        """Put the synthetic clock into the stream at this point of the page's event order."""
        if self.page is None:
            return
        try:
            await asyncio.wait_for(self.page.evaluate("s => window.__sgMark && window.__sgMark(s)", float(clock)), 5.0)
        except Exception:  # navigating, or the page is gone: the next marker or input anchors the time
            pass

    async def finish(self, clock: float, events: "pa.Table", start_ms: float, session_id: str) -> dict[str, Any]:
        """The recording of the whole session (see :func:`build_recording`)."""
        await self.mark(clock)
        for _ in range(3):  # let binding calls already received run their handlers
            await asyncio.sleep(0)
        stream = []
        for raw in self._raw:
            try:
                stream.append(json.loads(raw))
            except ValueError:
                continue
        return build_recording(stream, events, start_ms=start_ms, session_id=session_id)


def _table_inputs(events: "pa.Table") -> tuple[list[str], list[float]]:
    types = events.column("type").to_pylist()
    t = events.column("t_ms").to_pylist()
    button = events.column("button").to_pylist()
    code = events.column("code").to_pylist()
    tokens, times = [], []
    for i, ty in enumerate(types):
        if ty not in _DISPATCHED:
            continue
        if ty.startswith("key"):
            if not code[i]:
                continue  # typed as text (no US-layout key): the page sees no key event
            tokens.append(f"{ty}:{code[i]}")
        elif ty == "wheel":
            tokens.append("wheel")
        else:
            tokens.append(f"{ty}:{button[i]}")
        times.append(float(t[i]))
    return tokens, times


def _page_token(item: dict[str, Any]) -> str | None:
    t = item.get("t")
    if t == "wheel":
        return "wheel"
    if t in ("keydown", "keyup"):
        return f"{t}:{item.get('c')}"
    if t in ("mousedown", "mouseup"):
        return f"{t}:{item.get('b')}"
    return None


def _body_id(node: dict[str, Any]) -> int | None:
    stack = [node]
    while stack:
        n = stack.pop()
        if n.get("type") == 2 and n.get("tagName") == "body":
            return int(n["id"])
        stack.extend(reversed(n.get("childNodes", [])))
    html = next((c for c in node.get("childNodes", []) if c.get("type") == 2), None)
    return int(html["id"]) if html else None


def _keep(e: dict[str, Any]) -> bool:
    if e.get("type") != EventType.INCREMENTAL:
        return True
    d = e.get("data", {})
    src = d.get("source")
    if src in (Source.MOUSE_MOVE, Source.TOUCH_MOVE):
        return False
    return not (src == Source.MOUSE_INTERACTION and d.get("type") in _POINTER_INTERACTIONS)


def build_recording(stream: list[dict[str, Any]], events: "pa.Table", *, start_ms: float,
                    session_id: str) -> dict[str, Any]:
    """Align the page's inputs with ``events`` and give every item a synthetic time.

    ``stream`` items, in page order: ``{"k": "e", "e": rrweb_event}``, ``{"k": "i", "t": type, "id": node,
    "b": button, "c": code}`` (a trusted input the page saw) and ``{"k": "m", "s": clock}`` (a marker).
    Returns ``{"format", "session_id", "start_ms", "events", "pointer", "pages", "inputs"}`` where
    ``events`` are the kept rrweb events with ``timestamp = start_ms + t_ms``, ``pointer`` is
    ``[t_ms, node_id]`` of each pressed and released element (at the events table's time), ``pages`` is
    ``[t_ms, body_id]`` per page load, and ``inputs`` counts the alignment (without wheel notches).
    """
    want, want_t = _table_inputs(events)
    idx = [i for i, it in enumerate(stream) if it.get("k") == "i" and _page_token(it) is not None]
    got = [_page_token(stream[i]) for i in idx]
    matched: dict[int, int] = {}  # stream index -> row among the table's dispatched inputs
    sm = difflib.SequenceMatcher(None, got, want, autojunk=False)
    for a, b, n in sm.get_matching_blocks():
        for k in range(n):
            matched[idx[a + k]] = b + k
    # A wheel burst (consecutive wheel rows) scrolls the page while its notches are still arriving, so
    # where a Scroll event lands among them depends on the machine's speed. Scroll events during a
    # burst therefore take the burst's last notch time, and only the last one per node is kept: the
    # position the burst scrolled to, the same on every run.
    burst = list(range(len(want)))
    for j in range(len(want) - 2, -1, -1):
        if want[j] == "wheel" and want[j + 1] == "wheel":
            burst[j] = burst[j + 1]
    # Walk the stream: each item takes the time of the latest anchor; anchors never go back in time
    # (an input aligned wrongly would, and is then ignored).
    now = 0.0
    wheel_burst: int | None = None  # the burst whose notch is the latest anchor, if it is a wheel notch
    out_events: list[dict[str, Any] | None] = []
    last_scroll: dict[tuple[int, Any], int] = {}
    pointer: list[list[float]] = []
    pages: list[list[float]] = []
    for i, it in enumerate(stream):
        k = it.get("k")
        if k == "m" or (k == "i" and i in matched):
            s = float(it["s"]) if k == "m" else want_t[matched[i]]
            if s >= now:
                now = s
                wheel_burst = burst[matched[i]] if k == "i" and want[matched[i]] == "wheel" else None
        if k == "i":
            # The pressed element, for the replay's click animation. Only aligned presses: how many
            # mousemoves the page sees depends on Chromium's coalescing, so their targets would not be
            # the same from run to run.
            node = it.get("id")
            if i in matched and isinstance(node, int) and node > 0 and it.get("t") in ("mousedown", "mouseup"):
                pointer.append([want_t[matched[i]], node])
        elif k == "e":
            e = it.get("e")
            if not isinstance(e, dict) or not _keep(e):
                continue
            is_scroll = e.get("type") == EventType.INCREMENTAL and e.get("data", {}).get("source") == Source.SCROLL
            if is_scroll and wheel_burst is not None:
                key = (wheel_burst, e["data"].get("id"))
                if key in last_scroll:
                    out_events[last_scroll[key]] = None
                last_scroll[key] = len(out_events)
                e = {**e, "timestamp": round(start_ms + want_t[wheel_burst], 3)}
            else:
                e = {**e, "timestamp": round(start_ms + now, 3)}
            out_events.append(e)
            if e.get("type") == EventType.FULL_SNAPSHOT:
                body = _body_id(e.get("data", {}).get("node", {}))
                if body is not None:
                    pages.append([now, body])
    kept = [e for e in out_events if e is not None]
    # Alignment counts, wheel notches left out (Chromium coalesces them, so their count varies by run).
    n_matched = sum(1 for j in matched.values() if want[j] != "wheel")
    return {"format": RECORDING_FORMAT, "rrweb_version": RRWEB_VERSION, "session_id": session_id,
            "start_ms": start_ms, "events": kept, "pointer": pointer, "pages": pages,
            "inputs": {"table": sum(t != "wheel" for t in want), "page": sum(t != "wheel" for t in got),
                       "aligned": n_matched}}
