"""Agent trajectories: one record per action, with the observation before it and the events behind it.

The low-level ``events`` of a session are cut into computer-use actions:

=============== ===================================================================
``click``       mousedown..mouseup (+click) in place: ``x, y, button`` (left/middle/right)
``double_click`` two clicks ending in a ``dblclick`` event: ``x, y``
``drag``        a press that moved more than 8 px before its release: ``x, y`` -> ``to_x, to_y``
``type``        a run of printable keys (Shift, in-run Backspace and Enter folded in): ``text``
``key``         a chord or a special key (``Control+a``, ``Enter``, ``Tab``, ``ArrowDown``): ``keys``
``scroll``      a run of wheel events: ``x, y, dx, dy`` (summed deltas, px)
``goto``        a navigation the scenario asked for: ``url``
``move``        pointer moves that end a step without a press (a hover): ``x, y``
``wait``        a step without input (a think with idle drift, or waiting for the page where the step
                left a row, e.g. a capture): ``wait_ms`` since the previous action ended
=============== ===================================================================

The pointer moves before a press belong to that action (the approach), so each action's ``events``
(and ``seq_first..seq_last``) are exactly the rows that realised it. The observation is the latest
capture whose ``screenshot`` row comes before the action's first event: its frame path (relative to the
dataset root), URL, accessibility tree and DOM (when captured).

Written per session as ``exports/trajectories/<session_id>.jsonl`` and ``.parquet`` (same records);
``datasets.load_dataset("parquet", data_files="DATASET/exports/trajectories/*.parquet")`` loads them.

>>> import pyarrow as pa
>>> ev = pa.table({"seq": [0, 1, 2, 3, 4], "t_ms": [0.0, 10.0, 20.0, 130.0, 130.0],
...   "type": ["navigate", "mousemove", "mousedown", "mouseup", "click"], "x": [None, 5.0, 9.0, 9.0, 9.0],
...   "y": [None, 5.0, 9.0, 9.0, 9.0], "button": [None, None, 0, 0, 0], "buttons": [None, 0, 1, 0, 0],
...   "step_id": ["1", "2", "2", "2", "2"], "intent": ["goto", "click", "click", "click", "click"],
...   "url": ["http://a/"] * 5})
>>> [(a["action_type"], a["seq_first"], a["seq_last"]) for a in segment_actions(ev.to_pylist())]
[('goto', 0, 0), ('click', 1, 4)]
"""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from synthgen.dataset.files import parquet_bytes
from synthgen.dataset.layout import export_files

if TYPE_CHECKING:
    from synthgen.dataset.record import SessionRecord

__all__ = ["trajectory_files", "TRAJECTORY_SCHEMA", "segment_actions", "session_trajectory", "ACTION_TYPES"]

ACTION_TYPES = ("click", "double_click", "drag", "type", "key", "scroll", "goto", "move", "wait")
_BUTTON_NAME = {0: "left", 1: "middle", 2: "right"}
_MODIFIER_KEYS = {"Shift", "Control", "Alt", "Meta"}
_DRAG_PX = 8.0

_EVENT_STRUCT = pa.struct([("seq", pa.int64()), ("t_ms", pa.float64()), ("type", pa.string()),
                           ("x", pa.float32()), ("y", pa.float32()), ("button", pa.int8()),
                           ("key", pa.string()), ("delta_y", pa.float32())])

TRAJECTORY_SCHEMA = pa.schema([
    ("session_id", pa.string()), ("scenario", pa.string()), ("persona_id", pa.string()),
    ("action_index", pa.int32()), ("step_id", pa.string()), ("intent", pa.string()),
    ("t_start_ms", pa.float64()), ("t_end_ms", pa.float64()), ("url", pa.string()),
    ("viewport_w", pa.int32()), ("viewport_h", pa.int32()),
    ("action_type", pa.string()), ("action", pa.string()),
    ("x", pa.float32()), ("y", pa.float32()), ("button", pa.string()), ("to_x", pa.float32()),
    ("to_y", pa.float32()), ("text", pa.string()), ("keys", pa.string()), ("dx", pa.float32()),
    ("dy", pa.float32()), ("goto_url", pa.string()), ("wait_ms", pa.float64()), ("target", pa.string()),
    ("seq_first", pa.int64()), ("seq_last", pa.int64()), ("n_events", pa.int32()),
    ("events", pa.list_(_EVENT_STRUCT)),
    ("obs_seq", pa.int64()), ("obs_t_ms", pa.float64()), ("obs_frame", pa.string()), ("obs_url", pa.string()),
    ("obs_width", pa.int32()), ("obs_height", pa.int32()), ("obs_a11y", pa.large_string()),
    ("obs_dom", pa.large_string()),
], metadata={"synthgen.table": "trajectories"})

_ACTION_FIELDS = {"click": ("x", "y", "button"), "double_click": ("x", "y", "button"),
                  "drag": ("x", "y", "to_x", "to_y", "button"), "type": ("text",), "key": ("keys",),
                  "scroll": ("x", "y", "dx", "dy"), "goto": ("goto_url",), "move": ("x", "y"),
                  "wait": ("wait_ms",)}


def _r(v: Any) -> Any:
    # Coordinates come from float32 columns; two decimals say all they hold in CSS px.
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else round(float(v), 2)


def _key_name(r: dict[str, Any]) -> str:
    # KeyboardEvent.key is "Enter"/"Tab" for those keys; a "\n" or "\t" in the data means the same key.
    key = r["key"] or ""
    return {"\n": "Enter", "\r": "Enter", "\t": "Tab"}.get(key, key)


def _chord(mods: int, key: str) -> str:
    names = [n for bit, n in ((2, "Control"), (1, "Alt"), (4, "Meta"), (8, "Shift")) if mods & bit]
    return "+".join(names + [key])


class _Cutter:
    """Walks one session's rows and emits actions (a small state machine over the DOM event vocabulary)."""

    def __init__(self, rows: list[dict[str, Any]]) -> None:
        self.rows = rows
        self.out: list[dict[str, Any]] = []
        self.pending: list[dict[str, Any]] = []  # pointer moves not yet part of an action
        self.block_acted = False
        self.last_end = 0.0  # synthetic time the previous action ended

    def emit(self, kind: str, members: list[dict[str, Any]], **fields: Any) -> dict[str, Any]:
        rows = self.pending + members if kind not in ("goto", "wait") else members
        if kind not in ("goto", "wait"):
            self.pending = []
        rows = sorted(rows, key=lambda r: r["seq"])
        first = rows[0]
        a = {"action_type": kind, "step_id": first["step_id"], "intent": first["intent"], "url": first["url"],
             "t_start_ms": float(first["t_ms"]), "t_end_ms": float(rows[-1]["t_ms"]),
             "seq_first": int(first["seq"]), "seq_last": int(rows[-1]["seq"]), "rows": rows,
             "target": next((r.get("target") for r in members if r.get("target")), None), **fields}
        self.out.append(a)
        self.block_acted = True
        self.last_end = a["t_end_ms"]
        return a

    def end_block(self, block: list[dict[str, Any]]) -> None:
        if self.pending:
            last, first = self.pending[-1], self.pending[0]
            if math.hypot((last["x"] or 0) - (first["x"] or 0), (last["y"] or 0) - (first["y"] or 0)) > _DRAG_PX:
                self.emit("move", [], x=_r(last["x"]), y=_r(last["y"]))
            elif not self.block_acted:
                # Idle drift of a few px over a whole step (think): the person waited.
                rows, self.pending = self.pending, []
                self.emit("wait", rows, wait_ms=round(float(rows[-1]["t_ms"]) - self.last_end, 3))
            else:
                self.pending = []  # drift after the step's action: no action of its own
        if not self.block_acted and block:
            # A step with no input (waiting for the page) that left a row: a capture, a navigation.
            self.emit("wait", block, wait_ms=round(float(block[-1]["t_ms"]) - self.last_end, 3))

    def run(self) -> list[dict[str, Any]]:
        rows, i, n = self.rows, 0, len(self.rows)
        block: list[dict[str, Any]] = []
        step = None
        while i < n:
            r = rows[i]
            if r["type"] == "viewport":  # the session's first row, before any step: not an action
                i += 1
                continue
            if r["step_id"] != step:
                if step is not None:
                    self.end_block(block)
                step, block, self.block_acted = r["step_id"], [], False
            block.append(r)
            t = r["type"]
            if t == "mousemove":
                self.pending.append(r)
                i += 1
            elif t == "mousedown":
                i = self.press(i)
            elif t in ("keydown", "keyup"):
                i = self.keys(i)
            elif t == "wheel":
                j = i
                while j < n and rows[j]["type"] == "wheel" and rows[j]["step_id"] == step:
                    j += 1
                run = rows[i:j]
                self.emit("scroll", run, x=_r(run[0]["x"]), y=_r(run[0]["y"]),
                          dx=_r(sum(float(w["delta_x"] or 0) for w in run)),
                          dy=_r(sum(float(w["delta_y"] or 0) for w in run)))
                block.extend(run[1:])
                i = j
            elif t == "navigate" and r["intent"] == "goto":
                self.emit("goto", [r], goto_url=r["url"])
                i += 1
            else:  # viewport, screenshot, a navigate caused by a click, stray click/dblclick rows
                i += 1
        if step is not None:
            self.end_block(block)
        return self.out

    def press(self, i: int) -> int:
        rows, n = self.rows, len(self.rows)
        down = rows[i]
        members = [down]
        j = i + 1
        up = None
        while j < n:
            r = rows[j]
            if r["type"] == "mouseup" and r["button"] == down["button"]:
                up = r
                members.append(r)
                j += 1
                break
            if r["type"] in ("mousemove", "contextmenu"):
                members.append(r)
                j += 1
                continue
            break
        dbl = False
        while j < n and rows[j]["type"] in ("click", "dblclick") and up is not None and rows[j]["t_ms"] == up["t_ms"]:
            dbl = dbl or rows[j]["type"] == "dblclick"
            members.append(rows[j])
            j += 1
        end = up or members[-1]
        button = _BUTTON_NAME.get(down["button"], "left")
        moved = max((math.hypot((m["x"] or 0) - down["x"], (m["y"] or 0) - down["y"]) for m in members
                     if m["x"] is not None), default=0.0)
        if moved > _DRAG_PX:
            self.emit("drag", members, x=_r(down["x"]), y=_r(down["y"]), to_x=_r(end["x"]), to_y=_r(end["y"]),
                      button=button)
        elif dbl and self.out and self.out[-1]["action_type"] == "click":
            prev = self.out.pop()
            merged = prev["rows"] + self.pending + members
            self.pending = []
            self.emit("double_click", merged, x=_r(down["x"]), y=_r(down["y"]), button=button)
        else:
            self.emit("click", members, x=_r(down["x"]), y=_r(down["y"]), button=button)
        return j

    def keys(self, i: int) -> int:
        rows, n = self.rows, len(self.rows)
        j = i
        while j < n and rows[j]["type"] in ("keydown", "keyup") and rows[j]["step_id"] == rows[i]["step_id"]:
            j += 1
        run = rows[i:j]
        downs = [r for r in run if r["type"] == "keydown"]
        groups: list[tuple[str, list[dict[str, Any]], dict[str, Any]]] = []
        group_of: dict[int, int] = {}
        text: list[str] = []
        mods_held: list[dict[str, Any]] = []  # modifier presses waiting for the key they modify
        for k, r in enumerate(downs):
            key, mods = _key_name(r), int(r["modifiers"] or 0)
            if key in _MODIFIER_KEYS:
                mods_held.append(r)
                continue
            chord_mod = mods & (1 | 2 | 4)  # Alt, Control, Meta: Shift alone still types text
            typing = bool(groups) and groups[-1][0] == "type"
            nxt = next((_key_name(d) for d in downs[k + 1:] if _key_name(d) not in _MODIFIER_KEYS), None)
            if len(key) == 1 and not chord_mod:
                kind = "char"
            elif key == "Backspace" and typing and text:
                kind = "edit"  # a typo corrected inside the burst: the text is what remains
            elif key == "Enter" and typing and text and nxt is not None and len(nxt) == 1:
                kind = "newline"  # a line break inside typed text (a textarea)
            else:
                kind = "key"
            if kind == "key":
                text = []
                groups.append(("key", [], {"keys": _chord(mods if len(key) > 1 else chord_mod, key)}))
            else:
                if not typing:
                    text = []
                    groups.append(("type", [], {}))
                if kind == "char":
                    text.append(key)
                elif kind == "newline":
                    text.append("\n")
                else:
                    text.pop()
                groups[-1][2]["text"] = "".join(text)
            groups[-1][1].extend(mods_held + [r])
            for m in mods_held + [r]:
                group_of[id(m)] = len(groups) - 1
            mods_held = []
        if mods_held:  # a modifier pressed on its own
            groups.append(("key", list(mods_held), {"keys": mods_held[0]["key"] or ""}))
            for m in mods_held:
                group_of[id(m)] = len(groups) - 1
        # Each keyup joins the action of its own keydown (rollover interleaves them).
        last: dict[str, int] = {}
        for r in run:
            name = r["code"] or r["key"] or ""
            if r["type"] == "keydown":
                last[name] = group_of[id(r)]
            elif groups:
                groups[last.get(name, len(groups) - 1)][1].append(r)
        for kind, members, fields in groups:
            self.emit(kind, members, **fields)
        return j


def segment_actions(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Cut one session's event rows (dicts, in ``seq`` order) into computer-use actions.

    Each action is a dict with ``action_type``, its parameters, ``step_id``, ``intent``, ``url``,
    ``t_start_ms``/``t_end_ms``, ``seq_first``/``seq_last``, ``target`` and ``rows`` (the events).
    """
    return _Cutter(sorted(rows, key=lambda r: r["seq"])).run()


def _action_json(a: dict[str, Any]) -> str:
    d = {"action": a["action_type"]}
    for f in _ACTION_FIELDS[a["action_type"]]:
        d[f] = a.get(f)
    return json.dumps(d, ensure_ascii=False, separators=(",", ":"))


def session_trajectory(row: dict[str, Any], events: pa.Table, observations: pa.Table | None) -> list[dict[str, Any]]:
    """The trajectory records of one session (dicts in :data:`TRAJECTORY_SCHEMA` order)."""
    actions = segment_actions(events.to_pylist())
    obs = observations.to_pylist() if observations is not None and observations.num_rows else []
    obs.sort(key=lambda o: o["seq"])
    out = []
    k = -1
    for idx, a in enumerate(actions):
        while k + 1 < len(obs) and obs[k + 1]["seq"] < a["seq_first"]:
            k += 1
        o = obs[k] if k >= 0 else None
        rec: dict[str, Any] = {
            "session_id": row["session_id"], "scenario": row.get("scenario"), "persona_id": row.get("persona_id"),
            "action_index": idx, "step_id": a["step_id"], "intent": a["intent"],
            "t_start_ms": round(a["t_start_ms"], 3), "t_end_ms": round(a["t_end_ms"], 3), "url": a["url"],
            "viewport_w": row.get("viewport_w"), "viewport_h": row.get("viewport_h"),
            "action_type": a["action_type"], "action": _action_json(a),
        }
        for f in ("x", "y", "button", "to_x", "to_y", "text", "keys", "dx", "dy", "goto_url", "wait_ms"):
            rec[f] = a.get(f)
        rec["target"] = a["target"]
        rec["seq_first"], rec["seq_last"], rec["n_events"] = a["seq_first"], a["seq_last"], len(a["rows"])
        rec["events"] = [{"seq": int(e["seq"]), "t_ms": round(float(e["t_ms"]), 3), "type": e["type"],
                          "x": _r(e.get("x")), "y": _r(e.get("y")), "button": e.get("button"), "key": e.get("key"),
                          "delta_y": _r(e.get("delta_y"))} for e in a["rows"]]
        rec.update({
            "obs_seq": o["seq"] if o else None, "obs_t_ms": o["t_ms"] if o else None,
            "obs_frame": o["frame"] if o else None, "obs_url": o["url"] if o else None,
            "obs_width": o["width"] if o else None, "obs_height": o["height"] if o else None,
            "obs_a11y": o["a11y"] if o else None, "obs_dom": o["dom"] if o else None,
        })
        out.append(rec)
    return out


def trajectory_files(record: "SessionRecord") -> dict[str, bytes]:
    """``exports/trajectories/<session_id>.jsonl`` and ``.parquet`` (the same records) of one session."""
    sid = record.row["session_id"]
    recs = session_trajectory(record.row, record.events, record.observations)
    lines = "".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n" for r in recs)
    jsonl, parquet = export_files("trajectories", sid, record.row["persona_id"])
    return {jsonl: lines.encode("utf-8"),
            parquet: parquet_bytes(pa.Table.from_pylist(recs, schema=TRAJECTORY_SCHEMA))}
