"""The dataset destination: atomic puts, write order (sessions rows last), listings, any pyarrow fs."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.fs as pafs
import pyarrow.parquet as pq
import pytest

from synthgen.errors import OutputError
from synthgen.dataset.destination import Destination, is_uri


def _mock() -> Destination:
    from pyarrow._fs import _MockFileSystem  # in-memory, no rename semantics used: the object-store path

    return Destination(_MockFileSystem(), "/bucket/run", "mock:///bucket/run")


def test_local_paths_and_file_uris_are_local(tmp_path: Path) -> None:
    a = Destination.from_uri(tmp_path / "x")
    b = Destination.from_uri(f"file://{tmp_path}/x")
    assert a.is_local and b.is_local and a.local_path == b.local_path == tmp_path / "x"
    assert not is_uri(tmp_path) and is_uri("s3://b/k") and is_uri("file:///tmp")


def test_put_is_atomic_and_leaves_no_temp_files(tmp_path: Path) -> None:
    d = Destination.from_uri(tmp_path)
    d.put_bytes("events/a.parquet", b"1234")
    assert (tmp_path / "events" / "a.parquet").read_bytes() == b"1234"
    assert [p.name for p in (tmp_path / "events").iterdir()] == ["a.parquet"]
    assert d.walk() == [("events/a.parquet", 4)]


def test_writer_puts_sessions_rows_last_on_an_object_store(tmp_path: Path) -> None:
    """On a filesystem without rename, each file is one PUT and the sessions row is the last of a session."""
    import pyarrow as pa

    from synthgen.dataset import SessionWriter
    from synthgen.dataset.record import StoredSession
    from synthgen.schema import SESSIONS_SCHEMA

    class Shot:
        path, data = "frames/a-s1-00000/00000.jpg", b"\xff\xd8jpeg"

    dest = _mock()
    order: list[str] = []
    real_put = dest.put_bytes
    object.__setattr__(dest, "put_bytes", lambda rel, data: (order.append(rel), real_put(rel, data)))
    row = {f.name: None if f.nullable else ("" if pa.types.is_string(f.type) else [] if pa.types.is_list(f.type)
                                            else 0) for f in SESSIONS_SCHEMA}
    row |= {"session_id": "a-s1-00000", "persona_id": "p1", "status": "ok", "n_events": 1, "duration_ms": 1.0}
    SessionWriter(dest).write(StoredSession(row=row, events=pa.table({"seq": [0]}), frames=[Shot()]))
    assert order[-1] == "sessions/a-s1-00000.parquet" and order[-2] == "events/a-s1-00000.parquet"
    assert order[0] == Shot.path and dest.exists("sessions/a-s1-00000.parquet")


def test_parquet_bytes_survive_the_round_trip(tmp_path: Path) -> None:
    t = pa.table({"a": [1, 2, 3]})
    pq.write_table(t, tmp_path / "t.parquet")
    dest = _mock()
    dest.put_bytes("events/t.parquet", (tmp_path / "t.parquet").read_bytes())
    with dest.fs.open_input_file(dest.path("events/t.parquet")) as fh:
        assert pq.read_table(fh).equals(t)
    assert dest.sha256("events/t.parquet") == Destination.from_uri(tmp_path).sha256("t.parquet")


def test_missing_folder_lists_empty_and_bad_uri_is_a_clear_error(tmp_path: Path) -> None:
    assert Destination.from_uri(tmp_path / "nope").list_names("sessions") == set()
    with pytest.raises(OutputError, match="cannot open output"):
        Destination.from_uri("nosuchscheme://x/y")


def test_unwritable_destination_is_an_output_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    d = Destination(pafs.LocalFileSystem(), (tmp_path / "file").as_posix(), str(tmp_path / "file"))
    with pytest.raises(OutputError, match="cannot (write|create output folder)"):
        d.put_bytes("events/a.parquet", b"x")


def test_gzip_files_are_read_and_hashed_as_stored(tmp_path: Path) -> None:
    """pyarrow decompresses *.gz on read by default; a dataset's recordings must be read and hashed raw."""
    import gzip
    import hashlib

    raw = gzip.compress(b'{"events": []}', mtime=0)
    d = Destination.from_uri(tmp_path)
    d.put_bytes("recordings/a-s1-00000.json.gz", raw)
    assert d.read_bytes("recordings/a-s1-00000.json.gz") == raw
    assert d.sha256("recordings/a-s1-00000.json.gz") == hashlib.sha256(raw).hexdigest()
