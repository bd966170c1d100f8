"""rrweb export without a browser: merge of DOM recording and pointer events, ids, order, the sink."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

import pyarrow as pa

from synthgen.observe.rrweb import build_recording
from synthgen.session import SessionResult
from synthgen.dataset import write_exports
from synthgen.dataset.exports.rrweb import parse_recording, player_events, recording_bytes

SNAP = {"type": 0, "id": 1, "childNodes": [{"type": 2, "id": 2, "tagName": "html", "childNodes": [
    {"type": 2, "id": 7, "tagName": "body", "childNodes": []}]}]}


def _fake_stream(events: pa.Table) -> list[dict[str, Any]]:
    """What the page would have sent: a page load, then each dispatched input with a DOM reaction."""
    stream: list[dict[str, Any]] = [{"k": "m", "s": 0.0}, {"k": "e", "e": {"type": 4, "data": {"href": "http://x/",
                                    "width": 1280, "height": 800}, "timestamp": 1}},
                                    {"k": "e", "e": {"type": 2, "data": {"node": SNAP}, "timestamp": 2}}]
    for e in events.to_pylist():
        if e["type"] in ("mousedown", "mouseup", "wheel") or (e["type"] in ("keydown", "keyup") and e["code"]):
            item = {"k": "i", "t": e["type"], "id": 40, "b": e["button"], "c": e["code"]}
            stream.append(item)
            if e["type"] == "keydown":
                stream.append({"k": "e", "e": {"type": 3, "data": {"source": 5, "id": 40, "text": e["key"]},
                                               "timestamp": 3}})
    return stream


def test_player_events_follow_the_events_table(run_fake: Callable[..., SessionResult]) -> None:
    r = run_fake(screenshots="off")
    rec = build_recording(_fake_stream(r.events), r.events, start_ms=1e12, session_id="s")
    assert rec["inputs"]["aligned"] == rec["inputs"]["table"]
    out = player_events(rec, r.events)
    assert [e["type"] for e in out[:2]] == [4, 2]
    ts = [e["timestamp"] for e in out]
    assert ts == sorted(ts)
    moves = [p for e in out if e["type"] == 3 and e["data"]["source"] == 1 for p in e["data"]["positions"]]
    rows = r.events.to_pylist()
    assert len(moves) == sum(1 for e in rows if e["type"] == "mousemove" and e["t_ms"] >= 0.0)
    clicks = [e for e in out if e["type"] == 3 and e["data"]["source"] == 2 and e["data"]["type"] == 2]
    assert len(clicks) == sum(1 for e in rows if e["type"] == "click")
    # Each click is at the events table's time and place; its node is the tapped target (id 40).
    first_click = next(e for e in rows if e["type"] == "click")
    assert clicks[0]["timestamp"] == round(1e12 + first_click["t_ms"], 3)
    assert clicks[0]["data"]["id"] == 40 and clicks[0]["data"]["x"] == round(first_click["x"], 1)
    # Typed input reaches the replay at the time of its keydown.
    kd = [e["t_ms"] for e in rows if e["type"] == "keydown" and e["code"]]
    inputs = [e["timestamp"] - 1e12 for e in out if e["type"] == 3 and e["data"]["source"] == 5]
    # (timestamps near 1e12 ms keep about 4 decimals, so compare to 2 µs rather than by rounding twice)
    assert len(inputs) == len(kd) and all(abs(a - b) < 2e-3 for a, b in zip(inputs, kd))


def test_sink_uses_stored_recording(tmp_path: Path, run_fake: Callable[..., SessionResult]) -> None:
    r = run_fake(screenshots="off")
    rec = build_recording(_fake_stream(r.events), r.events, start_ms=0.0, session_id=r.row["session_id"])
    assert parse_recording(recording_bytes(rec)) == json.loads(json.dumps(rec))
    assert write_exports(tmp_path, r, ["rrweb"]) == []  # recorded without rrweb: nothing to replay
    r.recording = rec
    write_exports(tmp_path, r, ["rrweb"])
    out = json.loads((tmp_path / "exports" / "rrweb" / f"{r.row['session_id']}.json").read_text())
    assert out[0]["type"] == 4 and len(out) > 10


def test_recording_bytes_are_deterministic(tmp_path: Path, run_fake: Callable[..., SessionResult]) -> None:
    r = run_fake(screenshots="off")
    rec = build_recording(_fake_stream(r.events), r.events, start_ms=0.0, session_id="s")
    assert recording_bytes(rec) == recording_bytes(json.loads(json.dumps(rec)))
