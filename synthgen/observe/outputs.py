"""Where screen content and exports go: the observation sink, the export sinks, and exporting afterwards.

* :class:`ObservationSink` writes ``observations/<session_id>.parquet`` and
  ``recordings/<session_id>.json.gz``; it runs *before* the Parquet sink, whose ``sessions`` row marks a
  session complete, so a resumed run never sees a complete session without its observations.
* :func:`session_sinks` is the fan-out a worker uses: observations, exports, then the Parquet record.
* :func:`export_dataset` runs the same export sinks over a dataset already on disk
  (``synthgen export DATASET --format trajectories``) and refreshes the manifest.

>>> sorted(EXPORT_FORMATS)
['balabit', 'rrweb', 'trajectories']
>>> parse_exports("rrweb, balabit")
('rrweb', 'balabit')
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable

import pyarrow as pa
import pyarrow.parquet as pq

from synthgen.errors import ConfigError, SynthgenError
from synthgen.sinks.base import FanOut, Sink
from synthgen.sinks.files import write_atomic

if TYPE_CHECKING:
    from synthgen.session import SessionResult

__all__ = ["ObservationSink", "EXPORT_FORMATS", "parse_exports", "export_sink", "session_sinks", "export_dataset",
           "load_session", "StoredSession"]


def _sink_factories() -> dict[str, Callable[[Path], Sink]]:
    from synthgen.sinks.balabit import BalabitSink
    from synthgen.sinks.rrweb import RrwebSink
    from synthgen.sinks.trajectories import TrajectorySink

    return {"trajectories": TrajectorySink, "rrweb": RrwebSink, "balabit": BalabitSink}


EXPORT_FORMATS = ("trajectories", "rrweb", "balabit")


def parse_exports(spec: str | Iterable[str] | None) -> tuple[str, ...]:
    """``"trajectories,rrweb"`` (or a list) -> validated names, in the given order, without repeats."""
    if spec is None:
        return ()
    items = spec.split(",") if isinstance(spec, str) else [p for s in spec for p in s.split(",")]
    out: list[str] = []
    for raw in items:
        name = raw.strip().lower()
        if not name:
            continue
        if name not in EXPORT_FORMATS:
            raise ConfigError("export", raw, f"use any of {', '.join(EXPORT_FORMATS)} (comma-separated)")
        if name not in out:
            out.append(name)
    return tuple(out)


def export_sink(name: str, root: Path) -> Sink:
    """The sink of one export format."""
    return _sink_factories()[name](Path(root))


def _write_parquet(table: pa.Table, path: Path) -> None:
    write_atomic(path, lambda tmp: pq.write_table(table, tmp, compression="zstd", use_dictionary=True,
                                                  write_statistics=True, store_schema=True))


class ObservationSink:
    """Writes a session's ``observations`` table and its rrweb recording, when it has them."""

    name = "observations"

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def write_session(self, result: "SessionResult") -> None:
        from synthgen.sinks.rrweb import write_recording

        sid = result.row["session_id"]
        obs = getattr(result, "observations", None)
        if obs is not None and obs.num_rows:
            _write_parquet(obs, self.root / "observations" / f"{sid}.parquet")
        rec = getattr(result, "recording", None)
        if rec is not None:
            write_recording(self.root, rec)

    def close(self) -> None:
        pass


def session_sinks(root: Path, exports: Iterable[str] = ()) -> FanOut:
    """Observations, then exports, then the Parquet record, whose sessions row marks completion.

    The record goes last so that a run killed between sinks leaves the session incomplete and a re-run
    writes it again, exports included (each file is replaced atomically).
    """
    from synthgen.sinks.parquet import ParquetSink

    sinks: list[Sink] = [ObservationSink(root)]
    sinks += [export_sink(n, root) for n in parse_exports(list(exports))]
    sinks.append(ParquetSink(root))
    return FanOut(sinks)


@dataclass
class StoredSession:
    """A finished session read back from a dataset: what the sinks need of a SessionResult."""

    row: dict[str, Any]
    events: pa.Table
    observations: pa.Table | None = None
    recording: dict[str, Any] | None = None
    frames: list[Any] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.row["status"] == "ok"


def load_session(root: Path, session_id: str) -> StoredSession:
    """Read one session's row, events, observations and recording from a dataset folder."""
    from synthgen.sinks.rrweb import read_recording, recording_path

    root = Path(root)
    row = pq.read_table(root / "sessions" / f"{session_id}.parquet").to_pylist()[0]
    events = pq.read_table(root / "events" / f"{session_id}.parquet")
    obs_path = root / "observations" / f"{session_id}.parquet"
    obs = pq.read_table(obs_path) if obs_path.is_file() else None
    rec_path = recording_path(root, session_id)
    rec = read_recording(rec_path) if rec_path.is_file() else None
    return StoredSession(row=row, events=events, observations=obs, recording=rec)


def session_ids(root: Path) -> list[str]:
    """Sessions written completely (those with a sessions row), sorted."""
    d = Path(root) / "sessions"
    if not d.is_dir():
        raise SynthgenError(f"{root} is not a synthgen dataset (no sessions/ folder); give the --out of a "
                            "`synthgen generate` run")
    return sorted(p.stem for p in d.glob("*.parquet"))


def export_dataset(root: Path, formats: Iterable[str], *, sessions: Iterable[str] | None = None,
                   update_manifest: bool = True) -> dict[str, int]:
    """Run export sinks over an existing dataset; returns files written per format.

    >>> # export_dataset(Path("output/run1"), ["trajectories", "balabit"])
    """
    root = Path(root)
    names = parse_exports(list(formats))
    if not names:
        raise ConfigError("format", "", f"give at least one of {', '.join(EXPORT_FORMATS)}")
    ids = list(sessions) if sessions is not None else session_ids(root)
    if "rrweb" in names and ids and not any((root / "recordings").glob("*.json.gz")):
        raise SynthgenError(f"{root} has no rrweb recordings (recordings/); the DOM is recorded while "
                            "generating: re-run `synthgen generate` with --export rrweb (or --record-rrweb)")
    sinks = [export_sink(n, root) for n in names]
    for sid in ids:
        s = load_session(root, sid)
        for sink in sinks:
            sink.write_session(s)  # type: ignore[arg-type]
    for sink in sinks:
        sink.close()
    counts = {n: sum(1 for p in (root / "exports" / n).rglob("*") if p.is_file()) for n in names}
    if update_manifest and (root / "manifest.json").is_file():
        from synthgen.runner.manifest import write_manifest

        old = json.loads((root / "manifest.json").read_text())
        write_manifest(root, command=old.get("command", ""), config=old.get("config", {}), seed=old.get("seed", 0))
    return counts
