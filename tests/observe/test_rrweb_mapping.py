"""The rrweb stream onto the synthetic clock: alignment, markers, what is kept. No browser."""

from __future__ import annotations

import pyarrow as pa

from synthgen.observe.rrweb import build_recording


def _events(rows: list[tuple[float, str, int | None, str | None]]) -> pa.Table:
    return pa.table({"t_ms": [r[0] for r in rows], "type": [r[1] for r in rows],
                     "button": pa.array([r[2] for r in rows], pa.int8()), "code": [r[3] for r in rows]})


def _dom(ts: int, kind: int = 3, **data: object) -> dict:
    return {"k": "e", "e": {"type": kind, "data": data, "timestamp": ts}}


SNAPSHOT = {"k": "e", "e": {"type": 2, "timestamp": 5, "data": {"node": {"type": 0, "id": 1, "childNodes": [
    {"type": 2, "id": 3, "tagName": "html", "childNodes": [
        {"type": 2, "id": 4, "tagName": "head", "childNodes": []},
        {"type": 2, "id": 9, "tagName": "body", "childNodes": []}]}]}}}}


def test_events_take_the_time_of_the_input_before_them() -> None:
    ev = _events([(1000.0, "mousedown", 0, None), (1100.0, "mouseup", 0, None), (2000.0, "keydown", None, "KeyA"),
                  (2080.0, "keyup", None, "KeyA")])
    stream = [{"k": "m", "s": 0.0}, _dom(1, 4, href="http://x/"), SNAPSHOT,
              {"k": "i", "t": "mousemove", "id": 9}, {"k": "i", "t": "mousedown", "b": 0, "id": 12},
              _dom(7, source=0), {"k": "i", "t": "mouseup", "b": 0, "id": 12},
              {"k": "i", "t": "keydown", "c": "KeyA", "id": 15}, _dom(9, source=5, text="a"),
              {"k": "i", "t": "keyup", "c": "KeyA", "id": 15}, {"k": "m", "s": 2500.0}, _dom(11, source=0)]
    rec = build_recording(stream, ev, start_ms=10_000.0, session_id="s")
    assert [e["timestamp"] - 10_000.0 for e in rec["events"]] == [0.0, 0.0, 1000.0, 2000.0, 2500.0]
    assert rec["inputs"] == {"table": 4, "page": 4, "aligned": 4}
    assert rec["pages"] == [[0.0, 9]]
    assert rec["pointer"] == [[1000.0, 12], [1100.0, 12]]  # aligned presses only, at the table's times


def test_pointer_events_from_rrweb_are_dropped_others_kept() -> None:
    stream = [_dom(1, source=1, positions=[]), _dom(2, source=2, type=2, id=5), _dom(3, source=2, type=5, id=5),
              _dom(4, source=6), _dom(5, source=3, id=1, x=0, y=100)]
    rec = build_recording(stream, _events([]), start_ms=0.0, session_id="s")
    kept = [(e["data"]["source"], e["data"].get("type")) for e in rec["events"]]
    assert kept == [(2, 5), (3, None)]  # focus and scroll stay; moves, clicks and touch moves go


def test_missing_and_extra_inputs_do_not_break_alignment() -> None:
    # The page missed the first keydown (typed as text) and saw an extra wheel the table lacks.
    ev = _events([(100.0, "keydown", None, "KeyA"), (150.0, "keyup", None, "KeyA"), (300.0, "keydown", None, "KeyB"),
                  (350.0, "keyup", None, "KeyB"), (900.0, "mousedown", 0, None)])
    stream = [{"k": "i", "t": "keyup", "c": "KeyA"}, {"k": "i", "t": "wheel"},
              {"k": "i", "t": "keydown", "c": "KeyB"}, _dom(1, source=5), {"k": "i", "t": "keyup", "c": "KeyB"},
              {"k": "i", "t": "mousedown", "b": 0}, _dom(2, source=0)]
    rec = build_recording(stream, ev, start_ms=0.0, session_id="s")
    assert [e["timestamp"] for e in rec["events"]] == [300.0, 900.0]
    assert rec["inputs"]["aligned"] == 4


def test_time_never_goes_back() -> None:
    ev = _events([(500.0, "mousedown", 0, None)])
    stream = [{"k": "m", "s": 800.0}, {"k": "i", "t": "mousedown", "b": 0}, _dom(1, source=0)]
    rec = build_recording(stream, ev, start_ms=0.0, session_id="s")
    assert rec["events"][0]["timestamp"] == 800.0


def test_scroll_during_a_wheel_burst_is_the_same_on_every_run() -> None:
    ev = _events([(100.0, "wheel", None, None), (180.0, "wheel", None, None), (260.0, "wheel", None, None),
                  (900.0, "mousedown", 0, None)])
    wheel = {"k": "i", "t": "wheel"}
    scroll = [_dom(1, source=3, id=1, x=0, y=50), _dom(2, source=3, id=1, x=0, y=300)]
    fast = [wheel, scroll[0], wheel, wheel, scroll[1], {"k": "i", "t": "mousedown", "b": 0}]
    slow = [wheel, wheel, scroll[0], wheel, {"k": "i", "t": "mousedown", "b": 0}, scroll[1]][:4] + \
        [scroll[1], {"k": "i", "t": "mousedown", "b": 0}]
    a = build_recording(fast, ev, start_ms=0.0, session_id="s")["events"]
    b = build_recording(slow, ev, start_ms=0.0, session_id="s")["events"]
    assert a == b == [{"type": 3, "data": {"source": 3, "id": 1, "x": 0, "y": 300}, "timestamp": 260.0}]
