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
``select``      a click on a ``<select>`` and the option chosen in the browser's list: ``x, y, option``
``wheel_noop``  a wheel burst that scrolled nothing (the page's end): not a scroll
``done``        the last record of every session: ``status`` (ok/failed), observed on the last frame
=============== ===================================================================

Each record also says what was done in the forms agents are trained on: ``instruction`` ("Click the
'Send' button") and ``step_instruction`` (the scenario step's, e.g. "Type 'Hi' into the 'To' textbox"),
``action_repr`` (Mind2Web-style ``[button] Send -> CLICK``), ``pyautogui`` (OpenCUA-style code with
coordinates normalised to the viewport, ``pyautogui.click(x=0.1102, y=0.1037)``), ``pyautogui_grid``
(the same on a 0-1000 grid, with ``grid=True``), and the grounding of the target: its box when the input
happened (``box_*`` in viewport CSS px, ``box_n*`` normalised 0-1), its ``element_id`` (the
``data-sg-id`` of its node in the captured DOM), and the pointer in the frame's pixels (``frame_x/y``:
frames may be scaled with ``--image-scale``).

The pointer moves before a press belong to that action (the approach), so each action's ``events``
(and ``seq_first..seq_last``) are exactly the rows that realised it. The observation is the latest
capture whose ``screenshot`` row comes before the action's first event: its frame path (relative to the
dataset root), URL, accessibility tree and DOM (when captured).

Written per session as ``exports/trajectories/<session_id>.parquet`` (every column, typed) and ``.jsonl``
(the same records with the type-specific fields inside the ``action`` JSON string, so every key has one
type in every file; the DOM, the accessibility tree and the events only with ``content=True``).
``datasets.load_dataset("parquet", data_files="DATASET/exports/trajectories/*.parquet")`` loads them; the
``hf`` export (:mod:`synthgen.dataset.exports.hf`) makes a Hub-ready dataset with the frames inside.

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
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from synthgen.dataset.files import parquet_bytes
from synthgen.dataset.layout import export_files

if TYPE_CHECKING:
    from synthgen.dataset.record import SessionRecord

__all__ = ["trajectory_files", "TRAJECTORY_SCHEMA", "segment_actions", "session_trajectory", "ACTION_TYPES",
           "TrajectoryOptions", "WAIT_MODES", "JSONL_KEYS"]

ACTION_TYPES = ("click", "double_click", "drag", "type", "key", "scroll", "goto", "move", "wait", "select",
                "wheel_noop", "done")
#: what happens to ``wait`` records: kept one per step, consecutive ones merged into one, or dropped
WAIT_MODES = ("merge", "keep", "drop")
_BUTTON_NAME = {0: "left", 1: "middle", 2: "right"}
_MODIFIER_KEYS = {"Shift", "Control", "Alt", "Meta"}
_DRAG_PX = 8.0
#: event types whose target column names the element the input aimed at
_AIMED = {"mousedown", "mouseup", "click", "dblclick", "contextmenu", "keydown", "keyup", "wheel", "change"}

_EVENT_STRUCT = pa.struct([("seq", pa.int64()), ("t_ms", pa.float64()), ("type", pa.string()),
                           ("x", pa.float32()), ("y", pa.float32()), ("button", pa.int8()),
                           ("key", pa.string()), ("delta_y", pa.float32())])

TRAJECTORY_SCHEMA = pa.schema([
    ("session_id", pa.string()), ("scenario", pa.string()), ("app", pa.string()), ("task", pa.string()),
    ("persona_id", pa.string()),
    ("action_index", pa.int32()), ("step_id", pa.string()), ("intent", pa.string()),
    ("instruction", pa.string()), ("step_instruction", pa.string()), ("action_repr", pa.string()),
    ("pyautogui", pa.string()), ("pyautogui_grid", pa.string()),
    ("t_start_ms", pa.float64()), ("t_end_ms", pa.float64()), ("url", pa.string()),
    ("viewport_w", pa.int32()), ("viewport_h", pa.int32()),
    ("action_type", pa.string()), ("action", pa.string()),
    ("x", pa.float32()), ("y", pa.float32()), ("button", pa.string()), ("to_x", pa.float32()),
    ("to_y", pa.float32()), ("text", pa.string()), ("keys", pa.string()), ("dx", pa.float32()),
    ("dy", pa.float32()), ("goto_url", pa.string()), ("wait_ms", pa.float64()), ("option", pa.string()),
    ("status", pa.string()), ("target", pa.string()), ("target_role", pa.string()), ("target_name", pa.string()),
    ("element_id", pa.string()), ("box_x", pa.float32()), ("box_y", pa.float32()), ("box_w", pa.float32()),
    ("box_h", pa.float32()), ("box_nx", pa.float32()), ("box_ny", pa.float32()), ("box_nw", pa.float32()),
    ("box_nh", pa.float32()), ("x_norm", pa.float32()), ("y_norm", pa.float32()), ("frame_x", pa.float32()),
    ("frame_y", pa.float32()),
    ("seq_first", pa.int64()), ("seq_last", pa.int64()), ("n_events", pa.int32()),
    ("events", pa.list_(_EVENT_STRUCT)),
    ("obs_seq", pa.int64()), ("obs_t_ms", pa.float64()), ("obs_frame", pa.string()), ("obs_url", pa.string()),
    ("obs_width", pa.int32()), ("obs_height", pa.int32()), ("obs_a11y", pa.large_string()),
    ("obs_dom", pa.large_string()),
], metadata={"synthgen.table": "trajectories"})

_ACTION_FIELDS = {"click": ("x", "y", "button"), "double_click": ("x", "y", "button"),
                  "drag": ("x", "y", "to_x", "to_y", "button"), "type": ("text",), "key": ("keys",),
                  "scroll": ("x", "y", "dx", "dy"), "goto": ("goto_url",), "move": ("x", "y"),
                  "wait": ("wait_ms",), "select": ("x", "y", "option"), "wheel_noop": ("x", "y", "dx", "dy"),
                  "done": ("status",)}


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
             "target": None, **fields}
        if kind != "wait":
            # The element the input aimed at, as recorded on the input rows themselves: a screenshot or a
            # navigation row's target column says why it was written, not what was aimed at.
            aimed = [r for r in members if r.get("type") in _AIMED]
            a["target"] = next((r.get("target") for r in aimed if r.get("target")), None)
            g = next((r for r in aimed if r.get("box_x") is not None), None)
            a["ground"] = g
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
                still = run[-1].get("scrolled") is False  # measured: nothing on the page moved
                self.emit("wheel_noop" if still else "scroll", run, x=_r(run[0]["x"]), y=_r(run[0]["y"]),
                          dx=_r(sum(float(w["delta_x"] or 0) for w in run)),
                          dy=_r(sum(float(w["delta_y"] or 0) for w in run)))
                block.extend(run[1:])
                i = j
            elif t == "change":
                prev = self.out[-1] if self.out else None
                if prev is not None and prev["action_type"] == "click" and prev["step_id"] == r["step_id"]:
                    # The click opened the browser's option list (outside the page); the option is the change.
                    prev.update(action_type="select", option=r.get("value"), rows=prev["rows"] + [r],
                                seq_last=int(r["seq"]), t_end_ms=float(r["t_ms"]))
                    self.last_end = prev["t_end_ms"]
                else:
                    self.emit("select", [r], x=None, y=None, option=r.get("value"))
                i += 1
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
            # A character a press step sends is a key press (a shortcut such as Gmail's `c`, a digit keyed
            # on its own), not text typed into a field: the step said press.
            if len(key) == 1 and not chord_mod and r.get("intent") != "press":
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


_KEY_NAMES = {"Control": "ctrl", "Meta": "win", "Alt": "alt", "Shift": "shift", "Enter": "enter", "Tab": "tab",
              "Escape": "esc", "Backspace": "backspace", "Delete": "delete", "ArrowLeft": "left",
              "ArrowRight": "right", "ArrowUp": "up", "ArrowDown": "down", "PageUp": "pageup",
              "PageDown": "pagedown", "Home": "home", "End": "end", " ": "space", "Insert": "insert"}
_ROLE_OF_TAG = {"a": "link", "input": "textbox", "textarea": "textbox", "select": "combobox", "li": "item",
                "td": "cell", "th": "column header", "img": "image", "label": "label", "summary": "button",
                "option": "option", "h1": "heading", "h2": "heading", "h3": "heading"}
#: Mind2Web's operation names (CLICK, TYPE, SELECT) and the same style for the rest
_OP = {"click": "CLICK", "double_click": "DOUBLE_CLICK", "drag": "DRAG", "type": "TYPE", "key": "PRESS",
       "scroll": "SCROLL", "goto": "GOTO", "move": "HOVER", "wait": "WAIT", "select": "SELECT",
       "wheel_noop": "SCROLL_NOOP", "done": "DONE"}


@dataclass(frozen=True)
class TrajectoryOptions:
    """How trajectories are written (``synthgen export --format trajectories --waits drop --grid``).

    >>> TrajectoryOptions(waits="drop").waits
    'drop'
    """

    waits: str = "merge"  # merge | keep | drop (WAIT_MODES)
    grid: bool = False  # also pyautogui code on a 0-1000 grid (pyautogui_grid)
    content: bool = False  # the JSONL lines also carry the DOM, the a11y tree and the events

    def __post_init__(self) -> None:
        if self.waits not in WAIT_MODES:
            raise ValueError(f"waits={self.waits!r}: use one of {', '.join(WAIT_MODES)}")


def parse_target(desc: str | None) -> tuple[str | None, str | None]:
    """Role and name from a ``target`` description (``button "Send" (button#send)``).

    >>> parse_target('a "Inbox (3)" (nav > a.folder)'), parse_target("text=Menu"), parse_target(None)
    (('link', 'Inbox (3)'), (None, 'text=Menu'), (None, None))
    """
    if not desc:
        return None, None
    m = _DESC.match(desc)
    if not m:
        return None, desc
    role = m.group(1)
    return _ROLE_OF_TAG.get(role, role), m.group(2) or None


_DESC = re.compile(r'^(\S+) "(.*)" \((.*)\)$', re.S)


def _quote(text: str, n: int = 60) -> str:
    t = text.replace("\n", " ").strip()
    return "'" + (t if len(t) <= n else t[: n - 1] + "\u2026") + "'"


def _thing(role: str | None, name: str | None) -> str:
    """``the 'Send' button``, ``the textbox``, ``the page``."""
    if role is None and name is None:
        return "the page"
    if role is None:
        return _quote(name or "")
    return f"the {_quote(name)} {role}" if name else f"the {role}"


def _keys_text(keys: str) -> str:
    return keys.replace("Control", "Ctrl")


def instruction(a: dict[str, Any]) -> str:
    """A short instruction for one action, as a person would say it.

    >>> instruction({"action_type": "click", "target": 'button "Send" (button#send)', "button": "left"})
    "Click the 'Send' button"
    >>> instruction({"action_type": "type", "text": "Hi", "target": 'input "To" (input#to)'})
    "Type 'Hi' into the 'To' textbox"
    """
    kind = a["action_type"]
    role, name = parse_target(a.get("target"))
    thing = _thing(role, name)
    if kind == "click":
        verb = {"right": "Right-click", "middle": "Middle-click"}.get(a.get("button") or "left", "Click")
        return f"{verb} {thing}"
    if kind == "double_click":
        return f"Double-click {thing}"
    if kind == "drag":
        return f"Drag {thing} to ({a.get('to_x'):.0f}, {a.get('to_y'):.0f})"
    if kind == "type":
        into = f" into {thing}" if a.get("target") else ""
        return f"Type {_quote(a.get('text') or '')}{into}"
    if kind == "key":
        return f"Press {_keys_text(a.get('keys') or '')}"
    if kind == "scroll":
        dy, dx = a.get("dy") or 0.0, a.get("dx") or 0.0
        if abs(dx) > abs(dy):
            return f"Scroll {'right' if dx > 0 else 'left'}"
        return f"Scroll {'down' if dy > 0 else 'up'}"
    if kind == "wheel_noop":
        return "Turn the mouse wheel (the page is at its end and does not move)"
    if kind == "goto":
        return f"Go to {a.get('goto_url')}"
    if kind == "move":
        return f"Hover over {thing}" if a.get("target") else "Move the pointer"
    if kind == "select":
        return f"Select {_quote(a.get('option') or '')} in {thing}"
    if kind == "done":
        return "Stop: the task is done" if a.get("status") == "ok" else "Stop: the task failed"
    return "Wait for the page"


def action_repr(a: dict[str, Any]) -> str:
    """Mind2Web-style ``[role] name -> OPERATION[: value]``.

    >>> action_repr({"action_type": "type", "text": "Hi", "target": 'input "To" (input#to)'})
    '[textbox] To -> TYPE: Hi'
    """
    kind = a["action_type"]
    role, name = parse_target(a.get("target"))
    head = f"[{role or 'page'}] {name or ''}".rstrip()
    value = {"type": a.get("text"), "key": a.get("keys"), "select": a.get("option"), "goto": a.get("goto_url"),
             "scroll": f"{a.get('dx') or 0:g},{a.get('dy') or 0:g}", "done": a.get("status"),
             "wait": f"{(a.get('wait_ms') or 0) / 1000:.1f}s"}.get(kind)
    return f"{head} -> {_OP[kind]}" + (f": {value}" if value not in (None, "") else "")


def _pyautogui_key(k: str) -> str:
    return _KEY_NAMES.get(k, k.lower() if len(k) == 1 else k.lower())


def pyautogui_code(a: dict[str, Any], w: float, h: float, grid: bool = False) -> str:
    """OpenCUA-style code for one action, coordinates normalised to the viewport (``grid``: 0-1000 ints).

    >>> pyautogui_code({"action_type": "click", "x": 141.0, "y": 83.0, "button": "left"}, 1280, 800)
    'pyautogui.click(x=0.1102, y=0.1037)'
    >>> pyautogui_code({"action_type": "key", "keys": "Control+a"}, 1280, 800)
    "pyautogui.hotkey('ctrl', 'a')"
    >>> pyautogui_code({"action_type": "scroll", "x": 640.0, "y": 400.0, "dx": 0.0, "dy": 500.0}, 1280, 800)
    'pyautogui.scroll(-5)'
    >>> pyautogui_code({"action_type": "click", "x": 141.0, "y": 83.0, "button": "left"}, 1280, 800, grid=True)
    'pyautogui.click(x=110, y=104)'
    """
    def xy(x: Any, y: Any) -> str:
        if grid:
            return f"x={round(float(x) / w * 1000)}, y={round(float(y) / h * 1000)}"
        return f"x={float(x) / w:.4f}, y={float(y) / h:.4f}"

    kind = a["action_type"]
    if kind in ("click", "select"):
        fn = {"right": "rightClick", "middle": "middleClick"}.get(a.get("button") or "left", "click")
        code = f"pyautogui.{fn}({xy(a['x'], a['y'])})" if a.get("x") is not None else ""
        if kind == "select":  # the option list is the browser's own widget: no page coordinates
            code = (code + "\n" if code else "") + f"computer.select_option(option={a.get('option')!r})"
        return code
    if kind == "double_click":
        return f"pyautogui.doubleClick({xy(a['x'], a['y'])})"
    if kind == "drag":
        return f"pyautogui.moveTo({xy(a['x'], a['y'])})\npyautogui.dragTo({xy(a['to_x'], a['to_y'])}, button='left')"
    if kind == "move":
        return f"pyautogui.moveTo({xy(a['x'], a['y'])})"
    if kind == "type":
        return f"pyautogui.write(message={a.get('text') or ''!r})"
    if kind == "key":
        keys = [_pyautogui_key(k) for k in (a.get("keys") or "").split("+") if k] if a.get("keys") != "+" else ["+"]
        if len(keys) == 1:
            return f"pyautogui.press({keys[0]!r})"
        return "pyautogui.hotkey(" + ", ".join(repr(k) for k in keys) + ")"
    if kind in ("scroll", "wheel_noop"):
        dx, dy = float(a.get("dx") or 0.0), float(a.get("dy") or 0.0)
        # a wheel notch is 100 px in Chromium; pyautogui counts clicks, positive is up (and right)
        if abs(dx) > abs(dy):
            return f"pyautogui.hscroll({-round(dx / 100) or (-1 if dx > 0 else 1)})"
        return f"pyautogui.scroll({-round(dy / 100) or (-1 if dy > 0 else 1)})"
    if kind == "goto":
        return f"pyautogui.hotkey('ctrl', 'l')\npyautogui.write(message={(a.get('goto_url') or '') + chr(10)!r})"
    if kind == "done":
        return f"computer.terminate(status={'success' if a.get('status') == 'ok' else 'failure'!r})"
    return f"computer.wait(seconds={(a.get('wait_ms') or 0.0) / 1000:.2f})"


def _step_instruction(actions: list[dict[str, Any]]) -> dict[str, str]:
    """Per step: the instruction of what the step did as a whole (all its typing into one field, etc.)."""
    out: dict[str, str] = {}
    by_step: dict[str, list[dict[str, Any]]] = {}
    for a in actions:
        by_step.setdefault(a["step_id"], []).append(a)
    for step, acts in by_step.items():
        real = [a for a in acts if a["action_type"] not in ("wait", "move", "wheel_noop")] or acts
        typed = "".join(a.get("text") or "" for a in real if a["action_type"] == "type")
        if typed:
            tgt = next((a["target"] for a in real if a.get("target")), None)
            out[step] = instruction({"action_type": "type", "text": typed, "target": tgt})
        else:
            main = next((a for a in real if a["action_type"] in ("select", "drag", "click", "double_click")), real[-1])
            out[step] = instruction(main)
    return out


def _merge_waits(actions: list[dict[str, Any]], mode: str) -> list[dict[str, Any]]:
    if mode == "keep":
        return actions
    out: list[dict[str, Any]] = []
    for a in actions:
        if a["action_type"] != "wait":
            out.append(a)
        elif mode == "merge" and out and out[-1]["action_type"] == "wait":
            prev = out[-1]  # one wait for a run of steps without input
            prev.update(t_end_ms=a["t_end_ms"], seq_last=a["seq_last"], rows=prev["rows"] + a["rows"],
                        wait_ms=round((prev.get("wait_ms") or 0.0) + (a.get("wait_ms") or 0.0), 3))
        elif mode == "merge":
            out.append(a)
    return out


def _action_json(a: dict[str, Any], extra: dict[str, Any] | None = None) -> str:
    d = {"action": a["action_type"]}
    for f in _ACTION_FIELDS[a["action_type"]]:
        d[f] = a.get(f)
    d.update(extra or {})
    return json.dumps(d, ensure_ascii=False, separators=(",", ":"))


#: the JSONL keys: each one of a single type in every file (the type-specific fields are in ``action``)
JSONL_KEYS = ("session_id", "scenario", "app", "task", "persona_id", "action_index", "step_id", "intent",
              "instruction", "step_instruction", "action_repr", "pyautogui", "action_type", "action", "url",
              "t_start_ms", "t_end_ms", "viewport_w", "viewport_h", "target", "element_id", "seq_first",
              "seq_last", "n_events", "obs_frame")
_JSONL_GROUNDING = ("x", "y", "x_norm", "y_norm", "frame_x", "frame_y", "box_x", "box_y", "box_w", "box_h",
                    "box_nx", "box_ny", "box_nw", "box_nh", "obs_width", "obs_height", "obs_t_ms", "obs_seq")


def session_trajectory(row: dict[str, Any], events: pa.Table, observations: pa.Table | None,
                       options: TrajectoryOptions = TrajectoryOptions()) -> list[dict[str, Any]]:
    """The trajectory records of one session (dicts in :data:`TRAJECTORY_SCHEMA` order), a ``done`` last."""
    actions = _merge_waits(segment_actions(events.to_pylist()), options.waits)
    steps = _step_instruction(actions)
    obs = observations.to_pylist() if observations is not None and observations.num_rows else []
    obs.sort(key=lambda o: o["seq"])
    n_events = events.num_rows
    end = float(row.get("duration_ms") or (actions[-1]["t_end_ms"] if actions else 0.0))
    # The terminal record: the session's outcome, observed on its last frame (which no action precedes).
    actions.append({"action_type": "done", "status": row.get("status"), "step_id": "done", "intent": "done",
                    "url": (obs[-1]["url"] if obs else (actions[-1]["url"] if actions else row.get("base_url"))),
                    "t_start_ms": end, "t_end_ms": end, "seq_first": n_events, "seq_last": n_events - 1,
                    "rows": [], "target": None})
    steps["done"] = instruction(actions[-1])
    w, h = float(row.get("viewport_w") or 1), float(row.get("viewport_h") or 1)
    out = []
    k = -1
    for idx, a in enumerate(actions):
        while k + 1 < len(obs) and obs[k + 1]["seq"] < a["seq_first"]:
            k += 1
        o = obs[k] if k >= 0 else None
        g = a.get("ground")
        rec: dict[str, Any] = {
            "session_id": row["session_id"], "scenario": row.get("scenario"), "app": row.get("app"),
            "task": row.get("task"), "persona_id": row.get("persona_id"),
            "action_index": idx, "step_id": a["step_id"], "intent": a["intent"],
            "instruction": instruction(a), "step_instruction": steps.get(a["step_id"]),
            "action_repr": action_repr(a), "pyautogui": pyautogui_code(a, w, h),
            "pyautogui_grid": pyautogui_code(a, w, h, grid=True) if options.grid else None,
            "t_start_ms": round(a["t_start_ms"], 3), "t_end_ms": round(a["t_end_ms"], 3), "url": a["url"],
            "viewport_w": row.get("viewport_w"), "viewport_h": row.get("viewport_h"),
            "action_type": a["action_type"], "action": _action_json(a),
        }
        for f in ("x", "y", "button", "to_x", "to_y", "text", "keys", "dx", "dy", "goto_url", "wait_ms", "option",
                  "status"):
            rec[f] = a.get(f)
        role, name = parse_target(a["target"])
        rec.update(target=a["target"], target_role=role, target_name=name,
                   element_id=g.get("element_id") if g else None)
        for c in ("box_x", "box_y", "box_w", "box_h"):
            rec[c] = _r(g.get(c)) if g else None
        if g:
            rec.update(box_nx=_n(g["box_x"], w), box_ny=_n(g["box_y"], h), box_nw=_n(g["box_w"], w),
                       box_nh=_n(g["box_h"], h))
        else:
            rec.update(box_nx=None, box_ny=None, box_nw=None, box_nh=None)
        x, y = a.get("x"), a.get("y")
        rec["x_norm"], rec["y_norm"] = (_n(x, w), _n(y, h)) if x is not None else (None, None)
        # the pointer in the frame's pixels: frames are the viewport times --image-scale
        fw, fh = (o["width"], o["height"]) if o else (None, None)
        rec["frame_x"] = round(float(x) * fw / w, 2) if x is not None and fw else None
        rec["frame_y"] = round(float(y) * fh / h, 2) if y is not None and fh else None
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


def _n(v: Any, size: float) -> float:
    return round(float(v) / size, 4)


def jsonl_record(rec: dict[str, Any], content: bool = False) -> dict[str, Any]:
    """One JSONL line: the :data:`JSONL_KEYS`, never null (``""``), the rest inside the ``action`` JSON.

    >>> r = jsonl_record({k: None for k in JSONL_KEYS} | {"action": '{"action":"wait"}', "x": 3.0})
    >>> r["target"], json.loads(r["action"])["x"]
    ('', 3.0)
    """
    line: dict[str, Any] = {}
    for k in JSONL_KEYS:
        v = rec.get(k)
        line[k] = "" if v is None and k not in ("action_index", "t_start_ms", "t_end_ms", "viewport_w",
                                               "viewport_h", "seq_first", "seq_last", "n_events") else v
    extra = {k: rec.get(k) for k in _JSONL_GROUNDING if rec.get(k) is not None}
    if rec.get("pyautogui_grid"):
        extra["pyautogui_grid"] = rec["pyautogui_grid"]
    d = json.loads(rec["action"])
    d.update(extra)
    line["action"] = json.dumps(d, ensure_ascii=False, separators=(",", ":"))
    if content:  # asked for: the page's text inline (large: the Parquet file holds it compressed)
        line["obs_a11y"] = rec.get("obs_a11y") or ""
        line["obs_dom"] = rec.get("obs_dom") or ""
        line["events"] = json.dumps(rec.get("events") or [], separators=(",", ":"))
    return line


def trajectory_files(record: "SessionRecord", options: TrajectoryOptions = TrajectoryOptions()) -> dict[str, bytes]:
    """``exports/trajectories/<session_id>.jsonl`` and ``.parquet`` of one session."""
    sid = record.row["session_id"]
    recs = session_trajectory(record.row, record.events, record.observations, options)
    lines = "".join(json.dumps(jsonl_record(r, options.content), ensure_ascii=False, separators=(",", ":")) + "\n"
                    for r in recs)
    jsonl, parquet = export_files("trajectories", sid, record.row["persona_id"])
    return {jsonl: lines.encode("utf-8"),
            parquet: parquet_bytes(pa.Table.from_pylist(recs, schema=TRAJECTORY_SCHEMA))}
