"""The mouse stream in the Balabit Mouse Dynamics Challenge CSV layout, for mouse-dynamics tools.

Columns ``record timestamp,client timestamp,button,state,x,y``, times in seconds from the session's
start, integer pixels, one file per session under a folder per persona (Balabit has one per user)::

    exports/balabit/<persona_id>/session_<session_id>.csv

Mapping (the inverse of :func:`synthgen.fidelity.readers.read_balabit`):

=========================== ===========================================
mousemove, no button held   ``NoButton,Move``
mousemove, a button held    ``NoButton,Drag`` (as the Balabit recorder writes drags)
mousedown / mouseup         ``Left|Right|Middle,Pressed`` / ``...,Released``
wheel (vertical)            ``Scroll,Down`` (delta_y > 0) or ``Scroll,Up``
=========================== ===========================================

Keys, clicks (derived events) and horizontal-only wheel rows have no Balabit form and are left out.
``record timestamp`` (in Balabit, when the network monitor logged the row) equals the client time here:
there is no network in between.

>>> import pyarrow as pa
>>> ev = pa.table({"t_ms": [0.0, 16.7, 120.0], "type": ["mousemove", "mousedown", "wheel"],
...                "x": [10.4, 10.6, 11.0], "y": [5.0, 5.0, 6.0], "button": [None, 0, None],
...                "buttons": [0, 1, 0], "delta_y": [None, None, -100.0]})
>>> print(balabit_csv(ev), end="")
record timestamp,client timestamp,button,state,x,y
0.0,0.0,NoButton,Move,10,5
0.0167,0.0167,Left,Pressed,11,5
0.12,0.12,Scroll,Up,11,6
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyarrow as pa

from synthgen.dataset.layout import export_files

if TYPE_CHECKING:
    from synthgen.dataset.record import SessionRecord

__all__ = ["balabit_files", "balabit_csv", "BALABIT_HEADER"]

BALABIT_HEADER = "record timestamp,client timestamp,button,state,x,y"
_BUTTON = {0: "Left", 1: "Middle", 2: "Right"}


def _secs(t_ms: float) -> str:
    # Balabit writes seconds as plain decimals; 4 places keep our 0.1 ms resolution without float noise.
    return repr(round(t_ms / 1000.0, 4))


def balabit_csv(events: pa.Table) -> str:
    """The Balabit CSV text of one session's events (rows in their given order)."""
    cols = {n: events.column(n).to_pylist() for n in ("t_ms", "type", "x", "y", "button", "buttons", "delta_y")}
    lines = [BALABIT_HEADER]
    for i, ty in enumerate(cols["type"]):
        x, y = cols["x"][i], cols["y"][i]
        if x is None or y is None:
            continue
        if ty == "mousemove":
            button, state = "NoButton", ("Drag" if (cols["buttons"][i] or 0) else "Move")
        elif ty in ("mousedown", "mouseup"):
            button, state = _BUTTON.get(cols["button"][i], "Left"), ("Pressed" if ty == "mousedown" else "Released")
        elif ty == "wheel":
            dy = cols["delta_y"][i] or 0.0
            if dy == 0:
                continue
            button, state = "Scroll", ("Down" if dy > 0 else "Up")
        else:
            continue
        t = _secs(float(cols["t_ms"][i]))
        lines.append(f"{t},{t},{button},{state},{int(round(x))},{int(round(y))}")
    return "\n".join(lines) + "\n"


def balabit_files(record: "SessionRecord") -> dict[str, bytes]:
    """``exports/balabit/<persona_id>/session_<session_id>.csv`` of one session."""
    (path,) = export_files("balabit", record.row["session_id"], record.row["persona_id"])
    return {path: balabit_csv(record.events).encode("ascii")}
