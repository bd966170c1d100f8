"""The ``observations`` table: one row per capture, joined to its ``screenshot`` event by ``seq``.

Images are files (``frames/<session_id>/NNNNN.jpg``, already compressed, viewable by anything) and the
accessibility tree and DOM are text columns *inside* this Parquet table: consecutive snapshots of one
page are nearly identical, and zstd over a Parquet column compresses them together (measured on the
webmail compose scenario, 28 captures: 36 kB for the whole table against 93 kB for one gzip file per
tree and DOM, before filesystem block overhead), and one read gives the text to pandas, DuckDB or
Hugging Face ``datasets`` without opening thousands of small files.

>>> OBSERVATIONS_SCHEMA.field("a11y").type
DataType(large_string)
>>> log = ObservationLog("s1")
>>> log.add(path="frames/s1/00000.jpg", reason="step", image_format="jpeg", width=2, height=1, nbytes=10)
>>> import pyarrow as pa
>>> ev = pa.table({"seq": [0, 1], "frame": [None, "frames/s1/00000.jpg"], "t_ms": [0.0, 5.0],
...                "step_id": ["1", "1"], "intent": ["goto", "goto"], "url": ["u", "u"]})
>>> log.to_table(ev).column("seq").to_pylist()
[1]
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from synthgen.schema import Column, arrow_schema

__all__ = ["OBSERVATIONS_COLUMNS", "OBSERVATIONS_SCHEMA", "ObservationLog"]

OBSERVATIONS_COLUMNS: tuple[Column, ...] = (
    Column("session_id", pa.string(), str, False, "session identifier"),
    Column("seq", pa.int64(), int, False, "seq of the screenshot event in events"),
    Column("t_ms", pa.float64(), float, False, "synthetic time of the capture"),
    Column("step_id", pa.string(), str, False, "scenario step at the capture"),
    Column("intent", pa.string(), str, False, "that step's action kind"),
    Column("reason", pa.string(), str, False, "step, action, every, screenshot or failure"),
    Column("url", pa.string(), str, False, "page URL at the capture"),
    Column("frame", pa.string(), str, False, "image path relative to the dataset root"),
    Column("image_format", pa.string(), str, False, "jpeg, png or webp"),
    Column("width", pa.int32(), int, True, "image width in px (CSS px times --image-scale)"),
    Column("height", pa.int32(), int, True, "image height in px"),
    Column("frame_bytes", pa.int64(), int, False, "image file size"),
    Column("a11y_format", pa.string(), str, True, "aria (Playwright aria snapshot, YAML) or cdp (compact JSON)"),
    Column("a11y", pa.large_string(), str, True, "accessibility tree, inline"),
    Column("a11y_bytes", pa.int64(), int, True, "UTF-8 size of a11y"),
    Column("dom", pa.large_string(), str, True, "serialized DOM with current form values, inline"),
    Column("dom_bytes", pa.int64(), int, True, "UTF-8 size of dom"),
    Column("target", pa.string(), str, True, "the element the latest action aimed at"),
    Column("target_x", pa.float32(), float, True, "its box in viewport CSS px, as located before the action"),
    Column("target_y", pa.float32(), float, True, ""),
    Column("target_w", pa.float32(), float, True, ""),
    Column("target_h", pa.float32(), float, True, ""),
)

OBSERVATIONS_SCHEMA = arrow_schema(OBSERVATIONS_COLUMNS, "observations")
_NAMES = [c.name for c in OBSERVATIONS_COLUMNS]
_FROM_EVENTS = ("seq", "t_ms", "step_id", "intent", "url")


class ObservationLog:
    """Capture rows keyed by frame path; :meth:`to_table` takes seq, time, step and URL from the events."""

    def __init__(self, session_id: str) -> None:
        self.session_id = session_id
        self.rows: list[dict[str, Any]] = []

    def __len__(self) -> int:
        return len(self.rows)

    def add(self, *, path: str, reason: str, image_format: str, width: int | None, height: int | None,
            nbytes: int, a11y: str | None = None, a11y_format: str | None = None, dom: str | None = None,
            target: str | None = None, box: tuple[float, float, float, float] | None = None) -> None:
        """One capture (its event columns are filled in by :meth:`to_table`)."""
        x, y, w, h = box if box is not None else (None, None, None, None)
        self.rows.append({
            "session_id": self.session_id, "reason": reason, "frame": path, "image_format": image_format,
            "width": width, "height": height, "frame_bytes": nbytes,
            "a11y_format": a11y_format if a11y is not None else None, "a11y": a11y,
            "a11y_bytes": len(a11y.encode()) if a11y is not None else None, "dom": dom,
            "dom_bytes": len(dom.encode()) if dom is not None else None, "target": target,
            "target_x": x, "target_y": y, "target_w": w, "target_h": h,
        })

    def to_table(self, events: pa.Table) -> pa.Table:
        """Rows in ``seq`` order; a capture whose screenshot event is missing is dropped."""
        frames = events.column("frame").to_pylist()
        by_path = {f: i for i, f in enumerate(frames) if f is not None}
        cols = {n: events.column(n).to_pylist() for n in _FROM_EVENTS}
        out = []
        for r in self.rows:
            i = by_path.get(r["frame"])
            if i is None:
                continue
            out.append({**r, **{n: cols[n][i] for n in _FROM_EVENTS}})
        out.sort(key=lambda r: r["seq"])
        return pa.Table.from_pylist([{n: r[n] for n in _NAMES} for r in out], schema=OBSERVATIONS_SCHEMA)
