"""What a dataset stores of one session: the shape the writer takes and the reader gives back.

A finished session in memory (:class:`synthgen.session.SessionResult`) and one read back from disk
(:class:`StoredSession`) both have this shape, so exports run the same on either.

>>> import pyarrow as pa
>>> s = StoredSession(row={"session_id": "a-s1-00000", "status": "ok"}, events=pa.table({"seq": [0]}))
>>> isinstance(s, SessionRecord), s.ok
(True, True)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol, Sequence, runtime_checkable

import pyarrow as pa

__all__ = ["FrameData", "SessionRecord", "StoredSession"]


@runtime_checkable
class FrameData(Protocol):
    """One screen capture: its dataset-relative path (``frames/<sid>/...``) and its bytes."""

    path: str
    data: bytes


@runtime_checkable
class SessionRecord(Protocol):
    """A finished session: its ``sessions`` row, events, frames, observations and rrweb recording."""

    row: dict[str, Any]
    events: pa.Table
    frames: Sequence[Any]
    observations: pa.Table | None
    recording: dict[str, Any] | None


@dataclass
class StoredSession:
    """A session read back from a dataset (frames stay on disk: their paths are in ``events.frame``)."""

    row: dict[str, Any]
    events: pa.Table
    observations: pa.Table | None = None
    recording: dict[str, Any] | None = None
    frames: list[Any] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.row["status"] == "ok"
