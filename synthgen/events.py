"""The session's event log: planned input turned into ``events`` rows, columnar, on the synthetic clock.

>>> import numpy as np
>>> from synthgen.motor.types import MousePath
>>> log = EventLog("s1")
>>> log.set_context(url="http://x/", step_id="1", intent="click")
>>> log.moves(MousePath(np.array([5.0, 21.7]), np.array([1.0, 2.0]), np.array([3.0, 4.0])))
>>> log.add(22.0, "mousedown", x=2.0, y=4.0, button=0, buttons=1)
>>> log.to_table().column("type").to_pylist()
['mousemove', 'mousemove', 'mousedown']
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa

from synthgen.motor.types import ButtonAction, KeyAction, MousePath, WheelPath
from synthgen.motor.layout import key_info
from synthgen.schema import EVENTS_COLUMNS, EVENTS_SCHEMA, MOD_ALT, MOD_CTRL, MOD_META, MOD_SHIFT

__all__ = ["EventLog", "BUTTON_BITS", "grounding"]

# DOM `buttons` bit for each `button` value: left 1, right 2, middle 4.
BUTTON_BITS = {0: 1, 1: 4, 2: 2}
_NAMES = [c.name for c in EVENTS_COLUMNS]
#: Stamped on every row from the log's context (set_context), not given per event.
_CONTEXT = ("url", "step_id", "intent", "strategy", "slip")
_PER_EVENT = [n for n in _NAMES if n not in ("session_id", "seq") + _CONTEXT]
_KEEP: Any = object()  # set_context: leave this value as it is


def grounding(loc: Any) -> dict[str, Any]:
    """The grounding columns of an event aimed at a located element (``Located``: box and element id).

    >>> from synthgen.browser.driver import Located
    >>> from synthgen.motor.types import Box
    >>> grounding(Located(Box(1, 2, 3, 4), "button", "7"))
    {'element_id': '7', 'box_x': 1.0, 'box_y': 2.0, 'box_w': 3.0, 'box_h': 4.0}
    """
    if loc is None:
        return {}
    b = loc.box
    return {"element_id": getattr(loc, "element_id", None), "box_x": float(b.x), "box_y": float(b.y),
            "box_w": float(b.width), "box_h": float(b.height)}


class EventLog:
    """Rows appended in any order; :meth:`to_table` sorts them by time (stable) and numbers them."""

    def __init__(self, session_id: str) -> None:
        self.session_id = session_id
        self._cols: dict[str, list[Any]] = {n: [] for n in _NAMES if n not in ("session_id", "seq")}
        self._ctx: dict[str, Any] = {"url": "", "step_id": "", "intent": "", "strategy": None, "slip": None}

    def __len__(self) -> int:
        return len(self._cols["t_ms"])

    def set_context(self, *, url: str | None = None, step_id: str | None = None, intent: str | None = None,
                    strategy: Any = _KEEP, slip: Any = _KEEP) -> None:
        """Values stamped on every following row (page URL, scenario step, its action, the way a ``do`` step
        took, the kind of slip). ``url``/``step_id``/``intent`` left at None keep their value; ``strategy``
        and ``slip`` may be set to None."""
        for k, v in (("url", url), ("step_id", step_id), ("intent", intent)):
            if v is not None:
                self._ctx[k] = v
        if strategy is not _KEEP:
            self._ctx["strategy"] = strategy
        if slip is not _KEEP:
            self._ctx["slip"] = slip

    @property
    def context(self) -> dict[str, Any]:
        """The values stamped on the next row (a copy)."""
        return dict(self._ctx)

    @property
    def url(self) -> str:
        return self._ctx["url"]

    def add(self, t_ms: float, type_: str, **fields: Any) -> None:
        """One event; unknown field names are a programming error."""
        unknown = set(fields) - set(_PER_EVENT)
        if unknown:
            raise KeyError(f"not event columns: {sorted(unknown)}")
        c = self._cols
        c["t_ms"].append(float(t_ms))
        c["type"].append(type_)
        for n in _PER_EVENT[2:]:
            c[n].append(fields.get(n))
        for k, v in self._ctx.items():
            c[k].append(v)

    def set(self, index: int, column: str, value: Any) -> None:
        """Set one per-event column of the ``index``-th row appended (a fact known only after dispatch)."""
        if column not in _PER_EVENT[2:]:
            raise KeyError(f"not a per-event column: {column}")
        self._cols[column][index] = value

    def moves(self, path: MousePath, *, buttons: int = 0, target: str | None = None) -> None:
        """All samples of a planned path, at full resolution."""
        n = len(path)
        if n == 0:
            return
        c = self._cols
        c["t_ms"].extend(np.asarray(path.t_ms, dtype=np.float64).tolist())
        c["type"].extend(["mousemove"] * n)
        c["x"].extend(np.asarray(path.x, dtype=np.float32).tolist())
        c["y"].extend(np.asarray(path.y, dtype=np.float32).tolist())
        c["buttons"].extend([buttons] * n)
        c["target"].extend([target] * n)
        for name in _PER_EVENT[2:]:
            if name not in ("x", "y", "buttons", "target"):
                c[name].extend([None] * n)
        for k, v in self._ctx.items():
            c[k].extend([v] * n)

    def press(self, a: ButtonAction, *, target: str | None, held: int = 0,
              ground: dict[str, Any] | None = None) -> None:
        """mousedown/mouseup (+contextmenu for the right button, click or dblclick) as Chromium fires them.

        A press that slips (``a.slip``) has a ``mousemove`` with the button held between down and up,
        and the release (mouseup, click) where the pointer came to rest.
        """
        bit = BUTTON_BITS[a.button]
        down = {"x": a.x, "y": a.y, "button": a.button, "target": target, **(ground or {})}
        rx, ry = a.release
        up = {"x": rx, "y": ry, "button": a.button, "target": target, **(ground or {})}
        self.add(a.t_down, "mousedown", buttons=held | bit, **down)
        if a.button == 2:
            # Chromium on Linux fires contextmenu right after the right button goes down.
            self.add(a.t_down, "contextmenu", buttons=held | bit, **down)
        if a.slip is not None:
            self.add(a.slip[0], "mousemove", x=rx, y=ry, buttons=held | bit, target=None)  # like every planned move
        self.add(a.t_up, "mouseup", buttons=held, **up)
        if a.button == 0:
            self.add(a.t_up, "click", buttons=held, **up)
            if a.click_count == 2:
                self.add(a.t_up, "dblclick", buttons=held, **up)

    def keys(self, actions: list[KeyAction], *, target: str | None, ground: dict[str, Any] | None = None) -> None:
        """keydown/keyup pairs; rollover interleaves them, the final sort orders them.

        As a browser reports them, ``key`` and ``modifiers`` follow the modifiers held at each event:
        an ``s`` released while Shift is already down for the next capital comes up as ``S``.
        """
        held = [(a.t_down, a.t_up, _MODIFIER_BITS[a.key]) for a in actions if a.key in _MODIFIER_BITS]
        for a in actions:
            for t, type_ in ((a.t_down, "keydown"), (a.t_up, "keyup")):
                mods = 0
                for d, u, bit in held:
                    if d <= t < u:
                        mods |= bit
                self.add(t, type_, key=_key_under(a, mods), code=a.code, repeat=False, modifiers=mods,
                         target=target, **(ground or {}))

    def wheel(self, w: WheelPath, *, target: str | None = None) -> None:
        for i in range(len(w)):
            self.add(float(w.t_ms[i]), "wheel", x=float(w.x[i]), y=float(w.y[i]), delta_x=float(w.delta_x[i]),
                     delta_y=float(w.delta_y[i]), buttons=0, target=target)

    def to_table(self) -> pa.Table:
        """The rows sorted by time (ties keep insertion order), with ``seq`` from 0."""
        t = np.asarray(self._cols["t_ms"], dtype=np.float64)
        order = np.argsort(t, kind="stable")
        n = len(t)
        arrays = {"session_id": pa.array([self.session_id] * n, pa.string()),
                  "seq": pa.array(np.arange(n, dtype=np.int64))}
        for name, values in self._cols.items():
            field = EVENTS_SCHEMA.field(name)
            ordered = [values[i] for i in order]
            if pa.types.is_dictionary(field.type):
                arrays[name] = pa.array(ordered, pa.string()).dictionary_encode()
            else:
                arrays[name] = pa.array(ordered, field.type)
        return pa.table([arrays[f.name] for f in EVENTS_SCHEMA], schema=EVENTS_SCHEMA)


_MODIFIER_BITS = {"Shift": MOD_SHIFT, "Control": MOD_CTRL, "Alt": MOD_ALT, "Meta": MOD_META}


def _key_under(a: KeyAction, mods: int) -> str:
    """The DOM ``key`` of a physical key given the held modifiers (US layout)."""
    info = key_info(a.code)
    # Only character keys change with Shift; Enter and Tab sit in the layout as "\n"/"\t" but their
    # DOM key is the name ("Enter", "Tab"), which the plan already holds.
    if info is None or len(info.base) != 1 or not info.base.isprintable() or info.base == " ":
        return a.key
    return info.shifted if mods & MOD_SHIFT else info.base
