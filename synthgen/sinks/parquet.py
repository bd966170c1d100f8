"""The default sink: a Parquet dataset, one file per session per table, so writers never share a file.

Layout under the dataset root::

    events/<session_id>.parquet      one row per input event
    sessions/<session_id>.parquet    one row; written last, so its presence marks a complete session
    personas/personas.parquet        the persona pool (written once by the coordinator)
    frames/<session_id>/*.jpg        screen captures referenced from events.frame
    manifest.json                    written last of all

Readable as-is: ``pyarrow.dataset.dataset("out/events")``, ``pandas.read_parquet("out/events")``,
``polars.read_parquet("out/events/*.parquet")``, DuckDB ``read_parquet('out/events/*.parquet')``.

>>> ParquetSink.session_done  # doctest: +ELLIPSIS
<function ParquetSink.session_done at ...>
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.parquet as pq

from synthgen.schema import PERSONAS_SCHEMA, SESSIONS_SCHEMA
from synthgen.sinks.files import ensure_dir, write_atomic, write_bytes_atomic

if TYPE_CHECKING:
    from synthgen.persona.model import Persona
    from synthgen.session import SessionResult

__all__ = ["ParquetSink", "write_table", "write_personas", "TABLE_DIRS"]

TABLE_DIRS = ("events", "sessions", "personas")


def write_table(table: pa.Table, path: Path) -> None:
    """Write one Parquet file atomically, with settings that give the same bytes for the same table."""
    write_atomic(path, lambda tmp: pq.write_table(table, tmp, compression="zstd", use_dictionary=True,
                                                  write_statistics=True, store_schema=True))


def write_personas(root: Path, personas: list["Persona"]) -> Path:
    """The ``personas`` table."""
    table = pa.Table.from_pylist([p.to_row() for p in personas], schema=PERSONAS_SCHEMA)
    path = root / "personas" / "personas.parquet"
    write_table(table, path)
    return path


class ParquetSink:
    """Writes each finished session's files; frames and events first, the sessions row last."""

    def __init__(self, root: Path) -> None:
        self.root = ensure_dir(Path(root))

    def write_session(self, result: "SessionResult") -> None:
        sid = result.row["session_id"]
        written: list[Path] = []
        try:
            for frame in result.frames:
                write_bytes_atomic(self.root / frame.path, frame.data)
                written.append(self.root / frame.path)
            write_table(result.events, self.root / "events" / f"{sid}.parquet")
            written.append(self.root / "events" / f"{sid}.parquet")
            write_table(pa.Table.from_pylist([result.row], schema=SESSIONS_SCHEMA),
                        self.root / "sessions" / f"{sid}.parquet")
        except BaseException:
            # All of a session or none of it: without its sessions row the rest would be an orphan.
            for p in written:
                p.unlink(missing_ok=True)
            raise

    def close(self) -> None:
        pass

    @staticmethod
    def session_done(root: Path, session_id: str) -> bool:
        """Whether a session was written completely (its sessions row exists)."""
        return (Path(root) / "sessions" / f"{session_id}.parquet").is_file()
