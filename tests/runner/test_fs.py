"""The dataset destination: atomic puts, publish order (sessions rows last), listings, any pyarrow fs."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.fs as pafs
import pyarrow.parquet as pq
import pytest

from synthgen.errors import OutputError
from synthgen.sinks.fs import Destination, is_uri


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


def test_publish_copies_data_first_then_sessions_rows_and_empties_staging(tmp_path: Path) -> None:
    staging = tmp_path / "staging"
    for rel in ("events/s1.parquet", "frames/s1/00000.jpg", "sessions/s1.parquet", "events/s2.parquet",
                "frames/s2/.00001.jpg.tmp-9"):
        (staging / rel).parent.mkdir(parents=True, exist_ok=True)
        (staging / rel).write_bytes(rel.encode())
    order: list[str] = []
    dest = _mock()
    real_put = dest.put_file
    object.__setattr__(dest, "put_file", lambda src, rel: (order.append(rel), real_put(src, rel)))
    assert dest.publish(staging) == 4
    assert order[-1] == "sessions/s1.parquet" and set(order[:-1]) == {"events/s1.parquet", "events/s2.parquet",
                                                                      "frames/s1/00000.jpg"}
    assert dest.exists("sessions/s1.parquet") and dest.list_names("events") == {"s1.parquet", "s2.parquet"}
    # Only the temporary file of a session still being written stays behind.
    assert [p.name for p in staging.rglob("*") if p.is_file()] == [".00001.jpg.tmp-9"]
    with dest.fs.open_input_stream(dest.path("frames/s1/00000.jpg")) as fh:
        assert fh.read() == b"frames/s1/00000.jpg"


def test_parquet_bytes_survive_the_round_trip(tmp_path: Path) -> None:
    t = pa.table({"a": [1, 2, 3]})
    pq.write_table(t, tmp_path / "t.parquet")
    dest = _mock()
    dest.put_file(tmp_path / "t.parquet", "events/t.parquet")
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
    with pytest.raises(OutputError, match="cannot write"):
        d.put_bytes("events/a.parquet", b"x")
