"""Atomic writes without a browser: a session's files appear whole or not at all, leftovers of killed runs
are invisible to readers and cleared by the next run, disk errors are clear and leave nothing behind."""

from __future__ import annotations

import asyncio
import errno
import os
import shutil
import subprocess
from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from faultkit import check_readable, scenario
from synthgen.errors import OutputError
from synthgen.dataset import DatasetLock, Destination, SessionWriter, repair_dataset
from synthgen.dataset import destination, files
from synthgen.session import Frame, SessionResult


def _results(n: int = 2) -> list[SessionResult]:
    """Real session results from the quick scenario, replayed against an in-memory page."""
    from synthgen.audit import _ReplayPage
    from synthgen.persona.population import sample_personas
    from synthgen.runner.plan import plan_sessions
    from synthgen.scenario.loader import load_scenarios
    from synthgen.session import SessionOptions, run_session

    (sc,) = load_scenarios([scenario("quick")])
    specs = plan_sessions([sc], n, 1, sample_personas(5, seed=1), {sc.name: "http://127.0.0.1:9/faults/"})
    out = []
    for spec in specs:
        r = asyncio.run(run_session(spec, _ReplayPage((1280, 800)), SessionOptions()))  # type: ignore[arg-type]
        out.append(SessionResult(row=r.row, events=r.events, frames=[Frame(f"frames/{spec.session_id}/00000.jpg",
                                                                           b"\xff\xd8" + b"x" * 5000)]))
    return out


@pytest.fixture(scope="module")
def results() -> list[SessionResult]:
    return _results()


def test_session_files_appear_whole(tmp_path: Path, results: list[SessionResult]) -> None:
    sink = SessionWriter(tmp_path)
    for r in results:
        sink.write(r)
    counts = check_readable(tmp_path)
    assert counts == {"sessions": 2, "events_files": 2, "temp_files": 0}
    assert not [p for p in tmp_path.rglob(".*") if p.is_file()]


@pytest.mark.parametrize("fail_on", ["frames", "events", "sessions"])
def test_failed_write_leaves_nothing_of_the_session(tmp_path: Path, results: list[SessionResult],
                                                     monkeypatch: pytest.MonkeyPatch, fail_on: str) -> None:
    ok, doomed = results
    SessionWriter(tmp_path).write(ok)
    real_bytes = destination.write_bytes_atomic

    def torn(target: Path) -> None:
        # half a file, then the disk is full: what a real ENOSPC mid-write looks like
        def half(tmp: Path) -> None:
            tmp.write_bytes(b"PAR1" + b"\0" * 100)
            raise OSError(errno.ENOSPC, "No space left on device")
        files.write_atomic(target, half)

    def blob(path: Path, data: bytes) -> None:
        if fail_on in Path(path).relative_to(tmp_path).parts[:1]:
            torn(path)
        real_bytes(path, data)

    monkeypatch.setattr(destination, "write_bytes_atomic", blob)
    with pytest.raises(OutputError, match="No space left on device; free disk space or choose another --out"):
        SessionWriter(tmp_path).write(doomed)
    sid = doomed.row["session_id"]
    leftovers = [p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file() and sid in p.name]
    assert leftovers == []
    assert not (tmp_path / "frames" / sid).exists() or not any((tmp_path / "frames" / sid).iterdir())
    assert check_readable(tmp_path)["sessions"] == 1


def test_readers_skip_temporary_files(tmp_path: Path, results: list[SessionResult]) -> None:
    SessionWriter(tmp_path).write(results[0])
    # what a killed writer leaves: a torn temp file, and a whole one never renamed
    (tmp_path / "events" / ".x-s1-00009.parquet.tmp-4242").write_bytes(b"PAR1 torn")
    shutil.copy(next((tmp_path / "events").glob("*.parquet")), tmp_path / "events" / ".y.parquet.tmp-1")
    n = results[0].events.num_rows
    assert ds.dataset(tmp_path / "events", format="parquet").to_table().num_rows == n
    import duckdb
    import pandas as pd
    import polars as pl

    assert len(pd.read_parquet(tmp_path / "events")) == n
    assert pl.read_parquet(str(tmp_path / "events" / "*.parquet")).height == n
    assert duckdb.sql(f"select count(*) from read_parquet('{tmp_path}/events/*.parquet')").fetchall() == [(n,)]


def test_repair_removes_leftovers_and_keeps_complete_sessions(tmp_path: Path, results: list[SessionResult]) -> None:
    done, unfinished = results
    SessionWriter(tmp_path).write(done)
    SessionWriter(tmp_path).write(unfinished)
    sid = unfinished.row["session_id"]
    (tmp_path / "sessions" / f"{sid}.parquet").unlink()  # killed before its sessions row
    (tmp_path / "sessions" / ".z.parquet.tmp-77").write_bytes(b"")
    pairs = [(r.row["session_id"], r.row["persona_id"]) for r in results]
    report = repair_dataset(Destination.from_uri(tmp_path), pairs)
    assert report.incomplete == [sid] and report.temp_files == ["sessions/.z.parquet.tmp-77"]
    assert not (tmp_path / "events" / f"{sid}.parquet").exists() and not (tmp_path / "frames" / sid).exists()
    assert check_readable(tmp_path)["sessions"] == 1
    assert repair_dataset(Destination.from_uri(tmp_path), pairs).changed is False


def test_lock_is_exclusive_and_released(tmp_path: Path) -> None:
    with DatasetLock(tmp_path):
        with pytest.raises(OutputError, match="another synthgen run"):
            DatasetLock(tmp_path).acquire()
    DatasetLock(tmp_path).acquire().release()


# ---- permissions -------------------------------------------------------------------------------
def _modes(root: Path) -> set[tuple[str, str]]:
    return {("d" if p.is_dir() else "f", oct(p.stat().st_mode & 0o7777)) for p in [root, *root.rglob("*")]}


def test_output_is_owner_only_by_default(tmp_path: Path, results: list[SessionResult]) -> None:
    before = tmp_path.stat().st_mode
    old = os.umask(0)  # a permissive umask must not widen anything
    try:
        root = tmp_path / "a" / "b" / "out"  # parents are created too
        SessionWriter(root).write(results[0])
        with DatasetLock(root):
            pass
    finally:
        os.umask(old)
    assert _modes(tmp_path / "a") == {("d", "0o700"), ("f", "0o600")}
    assert tmp_path.stat().st_mode == before  # folders that existed are left alone


def test_file_mode_can_be_widened_on_request(tmp_path: Path, results: list[SessionResult],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SYNTHGEN_FILE_MODE", "0600")
    old = (files.FILE_MODE, files.DIR_MODE)
    try:
        files.set_file_mode(0o640)
        SessionWriter(tmp_path / "out").write(results[0])
        assert os.environ["SYNTHGEN_FILE_MODE"] == "0640"  # worker processes inherit it
    finally:
        files.FILE_MODE, files.DIR_MODE = old
    assert _modes(tmp_path / "out") == {("d", "0o750"), ("f", "0o640")}


@pytest.mark.parametrize("text, problem", [("0755", "no execute bits"), ("0400", "owner needs read and write"),
                                           ("rw-r--r--", "octal mode"), ("4600", "no execute bits"),
                                           ("99999", "octal mode")])
def test_bad_file_modes_are_refused(text: str, problem: str) -> None:
    from synthgen.errors import ConfigError

    with pytest.raises(ConfigError, match=problem):
        files.parse_file_mode(text)


# ---- a real, tiny, full file system ------------------------------------------------------------
@pytest.fixture
def tiny_fs(tmp_path: Path):  # type: ignore[no-untyped-def]
    mnt = tmp_path / "tiny"
    mnt.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=48k", "tmpfs", str(mnt)],
                                           capture_output=True).returncode != 0:
        pytest.skip("cannot mount a tiny tmpfs here (needs root); the ENOSPC monkeypatch tests cover the logic")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def test_disk_full_is_a_clear_error_and_leaves_only_whole_sessions(tiny_fs: Path) -> None:
    results = _results(12)
    sink = SessionWriter(tiny_fs / "out")
    written = 0
    with pytest.raises(OutputError, match="No space left on device"):
        for r in results:
            sink.write(r)
            written += 1
    assert 0 < written < len(results)
    counts = check_readable(tiny_fs / "out")
    assert counts["sessions"] == written and counts["temp_files"] == 0
    assert counts["events_files"] == written  # the session that hit the wall left nothing behind


def test_read_only_output_is_a_usage_error(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from synthgen.cli import app

    ro = tmp_path / "ro"
    ro.mkdir()
    if os.geteuid() == 0:
        if subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=16k", "tmpfs", str(ro)],
                          capture_output=True).returncode != 0:
            pytest.skip("root ignores permission bits and cannot mount a read-only tmpfs here")
    else:
        ro.chmod(0o500)
    try:
        r = CliRunner().invoke(app, ["generate", "-s", str(scenario("quick")), "-n", "1", "--no-progress",
                                     "--base-url", "http://127.0.0.1:9/", "-o", str(ro / "out")])
    finally:
        if os.geteuid() == 0:
            subprocess.run(["umount", "-l", str(ro)], capture_output=True)
        else:
            ro.chmod(0o700)
    assert r.exit_code == 2, r.output
    lines = r.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: cannot create output folder") and "Read-only" in lines[0]
