"""Reading a dataset back: which sessions are complete, whether their files are whole, one session in full.

The one "is this session complete" check of the package: a session is complete when its ``sessions``
row exists (:meth:`DatasetReader.complete_ids`); it is *intact* when that row and its events file read as
Parquet and the events file holds the ``n_events`` rows the row promises (:meth:`DatasetReader.damage`).
A torn file (a killed disk, a half copy) is found by the second check and its session is written again.

>>> import tempfile
>>> r = DatasetReader(tempfile.mkdtemp())
>>> r.complete_ids(), r.has_sessions()
([], False)
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any, Iterator

import pyarrow as pa
import pyarrow.fs as pafs
import pyarrow.parquet as pq

from synthgen.dataset import layout as L
from synthgen.dataset.destination import Destination
from synthgen.dataset.exports.rrweb import parse_recording
from synthgen.dataset.record import StoredSession
from synthgen.errors import SynthgenError

__all__ = ["DatasetReader", "NotADataset", "failure_frame"]


class NotADataset(SynthgenError):
    """A folder given as a dataset holds none.

    >>> str(NotADataset("/tmp/x"))
    '/tmp/x is not a synthgen dataset (no sessions/ folder); give the --out of a `synthgen generate` run'
    """

    def __init__(self, where: str) -> None:
        super().__init__(f"{where} is not a synthgen dataset (no {L.SESSIONS}/ folder); give the --out of a "
                         "`synthgen generate` run")


class DatasetReader:
    """Read-only access to a dataset on a local disk or any pyarrow filesystem."""

    def __init__(self, root: "Destination | str | Path") -> None:
        self.dest = root if isinstance(root, Destination) else Destination.from_uri(root)

    # ---- which sessions ----------------------------------------------------------------------------
    def has_sessions(self) -> bool:
        """Whether the dataset has a sessions folder at all."""
        return self.dest.fs.get_file_info(self.dest.path(L.SESSIONS)).type == pafs.FileType.Directory

    def complete_ids(self) -> list[str]:
        """Sessions whose sessions row exists, sorted."""
        return sorted(n[: -len(".parquet")] for n in self.dest.list_names(L.SESSIONS)
                      if n.endswith(".parquet") and L.is_session_id(n[: -len(".parquet")]))

    def require(self) -> "DatasetReader":
        """This reader, or :class:`NotADataset` when there is no sessions folder."""
        if not self.has_sessions():
            raise NotADataset(self.dest.uri)
        return self

    # ---- integrity ---------------------------------------------------------------------------------
    def _parquet(self, rel: str) -> pq.ParquetFile:
        return pq.ParquetFile(io.BytesIO(self.dest.read_bytes(rel)))

    def damage(self, sid: str) -> str | None:
        """``None`` when the session's files are whole, else what is wrong with them (one phrase)."""
        try:
            row_file = self._parquet(L.session_row_file(sid))
            rows = row_file.read(columns=["n_events"]).to_pylist()
            if len(rows) != 1:
                return f"{L.session_row_file(sid)} holds {len(rows)} rows, not 1"
        except (OSError, pa.ArrowException, ValueError) as exc:
            return f"{L.session_row_file(sid)} is unreadable ({_first_line(exc)})"
        try:
            n = self._parquet(L.events_file(sid)).metadata.num_rows
        except FileNotFoundError:
            return f"{L.events_file(sid)} is missing"
        except (OSError, pa.ArrowException, ValueError) as exc:
            return f"{L.events_file(sid)} is unreadable ({_first_line(exc)})"
        if n != int(rows[0]["n_events"] or 0):
            return f"{L.events_file(sid)} holds {n} rows, its sessions row says {rows[0]['n_events']}"
        if self.dest.exists(L.observations_file(sid)):
            try:
                self._parquet(L.observations_file(sid))
            except (OSError, pa.ArrowException, ValueError) as exc:
                return f"{L.observations_file(sid)} is unreadable ({_first_line(exc)})"
        return None

    # ---- contents ----------------------------------------------------------------------------------
    def session_row(self, sid: str) -> dict[str, Any]:
        """One session's ``sessions`` row."""
        return pq.read_table(io.BytesIO(self.dest.read_bytes(L.session_row_file(sid)))).to_pylist()[0]

    def rows(self, columns: list[str] | None = None) -> Iterator[dict[str, Any]]:
        """The sessions rows of every complete session, in session-id order (unreadable ones skipped)."""
        for sid in self.complete_ids():
            try:
                yield from pq.read_table(io.BytesIO(self.dest.read_bytes(L.session_row_file(sid))),
                                         columns=columns).to_pylist()
            except (OSError, pa.ArrowException, ValueError):
                continue

    def load(self, sid: str) -> StoredSession:
        """Read one session's row, events, observations and recording."""
        row = self.session_row(sid)
        events = pq.read_table(io.BytesIO(self.dest.read_bytes(L.events_file(sid))))
        obs = (pq.read_table(io.BytesIO(self.dest.read_bytes(L.observations_file(sid))))
               if self.dest.exists(L.observations_file(sid)) else None)
        rec = (parse_recording(self.dest.read_bytes(L.recording_file(sid)))
               if self.dest.exists(L.recording_file(sid)) else None)
        return StoredSession(row=row, events=events, observations=obs, recording=rec)

    def has_recordings(self) -> bool:
        """Whether any session was recorded with rrweb."""
        return any(n.endswith(".json.gz") for n in self.dest.list_names(L.RECORDINGS))

    def local_file(self, rel: str) -> Path:
        """A file of a local dataset as a path (frames for views)."""
        return self.dest.local_path / rel


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:160] if text else type(exc).__name__


def failure_frame(reader: DatasetReader, sid: str) -> str | None:
    """The failure screenshot of a session, if it has one."""
    frames = [rel for rel, _ in reader.dest.walk(L.frames_dir(sid)) if "-failure." in rel.rsplit("/", 1)[-1]]
    return frames[-1] if frames else None
