"""rrweb recordings that ``rrweb-player`` replays: the page's DOM recording plus our pointer events.

A session recorded with ``--export rrweb`` (or ``--record-rrweb``) keeps its DOM recording in
``recordings/<session_id>.json.gz`` (see :mod:`synthgen.observe.rrweb`: already on the synthetic
clock). This sink merges it with the session's ``events`` into one rrweb event array::

    exports/rrweb/<session_id>.json      [{"type": 4, "data": {...}, "timestamp": ...}, ...]

Pointer events are *synthesised from the events table* rather than sampled by rrweb, so the replay
shows exactly the data's mouse path at full resolution and timing: ``mousemove`` rows become
``MouseMove`` incremental snapshots (batched per 500 ms like rrweb's own, each position with its
``timeOffset``), and mousedown, mouseup, click, dblclick and contextmenu become ``MouseInteraction``
snapshots with the rrweb node id of the pressed element (tapped in the page); moves carry the body's id.
Timestamps are ``sessions.start_time`` (synthetic) plus ``t_ms``; a multi-page session is one array
with a Meta + FullSnapshot at every page load, which the player replays in order.

>>> import pyarrow as pa
>>> rec = {"start_ms": 1000.0, "events": [{"type": 4, "data": {}, "timestamp": 1000.0},
...        {"type": 2, "data": {"node": {}}, "timestamp": 1000.0}], "pointer": [], "pages": [[0.0, 5]]}
>>> ev = pa.table({"t_ms": [10.0, 20.0], "type": ["mousemove", "mousedown"], "x": [1.0, 2.0],
...                "y": [1.0, 2.0], "button": [None, 0]})
>>> [(e["type"], e["data"].get("source")) for e in player_events(rec, ev)]
[(4, None), (2, None), (3, 1), (3, 2)]
"""

from __future__ import annotations

import gzip
import json
from bisect import bisect_left
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from synthgen.dataset.layout import export_files

if TYPE_CHECKING:
    from synthgen.dataset.record import SessionRecord

__all__ = ["rrweb_files", "player_events", "recording_bytes", "parse_recording", "EventType",
           "Source", "Interaction"]

class EventType:
    """rrweb ``EventType`` values."""

    DOM_CONTENT_LOADED, LOAD, FULL_SNAPSHOT, INCREMENTAL, META, CUSTOM = 0, 1, 2, 3, 4, 5


class Source:
    """rrweb ``IncrementalSource`` values used here."""

    MUTATION, MOUSE_MOVE, MOUSE_INTERACTION, SCROLL, VIEWPORT, INPUT, TOUCH_MOVE, DRAG = 0, 1, 2, 3, 4, 5, 6, 12


class Interaction:
    """rrweb ``MouseInteractions`` values."""

    MOUSE_UP, MOUSE_DOWN, CLICK, CONTEXT_MENU, DBLCLICK, FOCUS, BLUR = 0, 1, 2, 3, 4, 5, 6


_BATCH_MS = 500.0
_INTERACTION = {"mousedown": Interaction.MOUSE_DOWN, "mouseup": Interaction.MOUSE_UP, "click": Interaction.CLICK,
                "dblclick": Interaction.DBLCLICK, "contextmenu": Interaction.CONTEXT_MENU}


def recording_bytes(recording: dict[str, Any]) -> bytes:
    """A recording as gzip'd JSON (``mtime=0``, so the same recording gives the same bytes)."""
    raw = json.dumps(recording, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return gzip.compress(raw, compresslevel=6, mtime=0)


def parse_recording(data: bytes) -> dict[str, Any]:
    """A stored recording's bytes back as the recording."""
    return json.loads(gzip.decompress(data))


class _Ids:
    """rrweb node ids for pointer events: the pressed element for presses, else the page's body."""

    def __init__(self, recording: dict[str, Any]) -> None:
        self.pages = [(float(t), int(b)) for t, b in recording.get("pages", [])]
        self.page_t = [t for t, _ in self.pages]
        self.pressed = {round(float(t), 3): int(i) for t, i in recording.get("pointer", [])}

    def at(self, t: float, press: bool = False) -> int | None:
        # A page load at exactly t is the *reaction* to the input at t (a click that navigates), so the
        # input still belongs to the page before it.
        p = bisect_left(self.page_t, t) - 1
        if p < 0 and self.page_t and self.page_t[0] == t:
            p = 0
        if p < 0:
            return None  # before the first snapshot: nothing to point at yet
        body = self.pages[p][1]
        # Moves carry the body: which element a move passes over is not recorded deterministically, and a
        # wrong guess would leave a stale hover style in the replay.
        return self.pressed.get(round(t, 3), body) if press else body


def player_events(recording: dict[str, Any], events: pa.Table) -> list[dict[str, Any]]:
    """The recording's DOM events merged with pointer events from ``events``, sorted by time.

    At equal timestamps pointer events come first: a DOM change is the reaction to the input at its time.
    """
    start = float(recording["start_ms"])
    ids = _Ids(recording)
    cols = {n: events.column(n).to_pylist() for n in ("t_ms", "type", "x", "y")}
    pointer: list[dict[str, Any]] = []
    batch: list[tuple[float, float, float, int]] = []

    def flush() -> None:
        if batch:
            last = batch[-1][0]
            positions = [{"x": x, "y": y, "id": i, "timeOffset": round(t - last, 3)} for t, x, y, i in batch]
            pointer.append({"type": EventType.INCREMENTAL, "data": {"source": Source.MOUSE_MOVE,
                            "positions": positions}, "timestamp": round(start + last, 3)})
            batch.clear()

    for k, ty in enumerate(cols["type"]):
        if ty != "mousemove" and ty not in _INTERACTION:
            continue
        t, x, y = float(cols["t_ms"][k]), cols["x"][k], cols["y"][k]
        node = ids.at(t, press=ty != "mousemove")
        if node is None or x is None or y is None:
            continue
        x, y = round(float(x), 1), round(float(y), 1)
        if ty == "mousemove":
            if batch and t - batch[0][0] > _BATCH_MS:
                flush()
            batch.append((t, x, y, node))
            continue
        flush()
        pointer.append({"type": EventType.INCREMENTAL, "data": {"source": Source.MOUSE_INTERACTION,
                        "type": _INTERACTION[ty], "id": node, "x": x, "y": y, "pointerType": 0},
                        "timestamp": round(start + t, 3)})
    flush()
    dom = recording.get("events", [])
    # Merge two time-sorted lists; ties: pointer first. The DOM list keeps its own order (it is the page's).
    keyed = [(float(e["timestamp"]), 0, i, e) for i, e in enumerate(pointer)]
    keyed += [(float(e["timestamp"]), 1, i, e) for i, e in enumerate(dom)]
    keyed.sort(key=lambda r: (r[0], r[1], r[2]))
    out = [e for *_, e in keyed]
    # The player needs a Meta and a FullSnapshot first; pointer events before them have no page.
    first = next((i for i, e in enumerate(out) if e["type"] == EventType.META), 0)
    return out[first:]


def rrweb_files(record: "SessionRecord") -> dict[str, bytes]:
    """``exports/rrweb/<session_id>.json`` of one session; nothing for a session recorded without rrweb."""
    if record.recording is None:
        return {}  # nothing to replay (the export command says so)
    (path,) = export_files("rrweb", record.row["session_id"], record.row["persona_id"])
    data = json.dumps(player_events(record.recording, record.events), ensure_ascii=False, separators=(",", ":"))
    return {path: data.encode("utf-8")}
