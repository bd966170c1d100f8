"""Writing a dataset: each finished session's files, its ``sessions`` row last, and the persona pool.

One file per session per table, so writers never share a file; every file appears whole under its name
or not at all (:mod:`synthgen.dataset.files`, :mod:`synthgen.dataset.destination`). The order is the
completion protocol: frames, observations, the rrweb recording, the exports, the events, then the
sessions row. A session is complete exactly when its sessions row exists; a run killed anywhere before
it leaves the session incomplete, and the next run of the same job writes it again in full.

Readable as-is: ``pyarrow.dataset.dataset("out/events")``, ``pandas.read_parquet("out/events")``,
``polars.read_parquet("out/events/*.parquet")``, DuckDB ``read_parquet('out/events/*.parquet')``.

>>> import tempfile, pyarrow as pa
>>> from synthgen.dataset.record import StoredSession
>>> from synthgen.dataset.reader import DatasetReader
>>> root = tempfile.mkdtemp()
>>> from synthgen.schema import SESSIONS_SCHEMA
>>> row = {f.name: None if f.nullable else "" if pa.types.is_string(f.type) else [] if pa.types.is_list(f.type)
...        else 0 for f in SESSIONS_SCHEMA}
>>> row |= {"session_id": "a-s1-00000", "persona_id": "p1", "status": "ok", "n_events": 1}
>>> SessionWriter(root).write(StoredSession(row=row, events=pa.table({"seq": [0]})))
>>> DatasetReader(root).complete_ids()
['a-s1-00000']
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

import pyarrow as pa

from synthgen.dataset import layout as L
from synthgen.dataset.destination import Destination
from synthgen.dataset.exports import EXPORTERS, parse_exports, session_exports
from synthgen.dataset.exports.rrweb import recording_bytes
from synthgen.dataset.files import parquet_bytes
from synthgen.dataset.record import SessionRecord
from synthgen.schema import PERSONAS_SCHEMA, SESSIONS_SCHEMA

__all__ = ["SessionWriter", "write_personas", "write_scenarios", "write_exports", "as_destination", "session_payload"]


def as_destination(out: "Destination | str | Path") -> Destination:
    """A :class:`Destination` for a folder, a URI, or one already made."""
    return out if isinstance(out, Destination) else Destination.from_uri(out)


def session_payload(record: SessionRecord, exports: Iterable[str] = ()) -> list[tuple[str, bytes]]:
    """Every file of one session as ``(relative path, bytes)``, in writing order: the sessions row last."""
    sid = record.row["session_id"]
    files: list[tuple[str, bytes]] = [(f.path, f.data) for f in record.frames]
    if record.observations is not None and record.observations.num_rows:
        files.append((L.observations_file(sid), parquet_bytes(record.observations)))
    if record.recording is not None:
        files.append((L.recording_file(sid), recording_bytes(record.recording)))
    for name in session_exports(parse_exports(list(exports))):
        files += sorted(EXPORTERS[name](record).items())
    files.append((L.events_file(sid), parquet_bytes(record.events)))
    files.append((L.session_row_file(sid), parquet_bytes(pa.Table.from_pylist([record.row], schema=SESSIONS_SCHEMA))))
    return files


class SessionWriter:
    """Writes finished sessions into a dataset (a local folder or any pyarrow filesystem).

    ``exports`` are written with each session, before its sessions row, so a complete session always
    has them.
    """

    def __init__(self, out: "Destination | str | Path", exports: Iterable[str] = ()) -> None:
        self.dest = as_destination(out)
        self.exports = parse_exports(list(exports))

    def write(self, record: SessionRecord) -> None:
        """Write every file of ``record``; on failure remove what was written of it, then raise."""
        written: list[str] = []
        try:
            for rel, data in session_payload(record, self.exports):
                self.dest.put_bytes(rel, data)
                written.append(rel)
        except BaseException:
            # All of a session or none of it: without its sessions row the rest would be an orphan.
            for rel in written:
                try:
                    self.dest.delete(rel)
                except OSError:
                    pass
            raise


def write_exports(out: "Destination | str | Path", record: SessionRecord, formats: Iterable[str],
                  options: dict[str, Any] | None = None) -> list[str]:
    """Write export formats of one session (already complete elsewhere); returns the paths written.

    ``options``: keyword arguments per format (``{"trajectories": {"options": TrajectoryOptions(...)}}``).
    """
    dest = as_destination(out)
    written = []
    for name in session_exports(parse_exports(list(formats))):
        for rel, data in sorted(EXPORTERS[name](record, **(options or {}).get(name, {})).items()):
            dest.put_bytes(rel, data)
            written.append(rel)
    return written


def write_personas(out: "Destination | str | Path", rows: list[dict[str, Any]]) -> str:
    """The ``personas`` table from persona rows (``Persona.to_row()``); returns its relative path."""
    dest = as_destination(out)
    dest.put_bytes(L.PERSONAS_FILE, parquet_bytes(pa.Table.from_pylist(rows, schema=PERSONAS_SCHEMA)))
    return L.PERSONAS_FILE


def write_scenarios(out: "Destination | str | Path", files: Iterable[tuple[str, bytes]]) -> list[str]:
    """Copies of the job's scenario files (``(relpath, bytes)``, from ``Scenario.material()``) under
    ``scenarios/``, so a dataset explains itself; returns the paths written.

    >>> import tempfile
    >>> write_scenarios(tempfile.mkdtemp(), [("webmail/send.yaml", b"name: send")])
    ['scenarios/webmail/send.yaml']
    """
    dest = as_destination(out)
    written = []
    for rel, data in files:
        path = L.scenario_file(rel)
        if path not in written:
            dest.put_bytes(path, data)
            written.append(path)
    return written
