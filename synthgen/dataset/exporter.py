"""Exports of a dataset already on disk (``synthgen export DATASET --format trajectories``).

Runs the same export functions as ``generate --export`` over the stored sessions, then refreshes the
manifest so its checksums cover the new files.

>>> # export_dataset("output/run1", ["trajectories", "balabit"])
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Iterable

from synthgen.dataset.destination import Destination
from synthgen.dataset.exports import DATASET_EXPORTS, EXPORT_FORMATS, parse_exports, session_exports
from synthgen.dataset.exports.hf import HfOptions, export_hf
from synthgen.dataset.exports.trajectories import TrajectoryOptions
from synthgen.dataset.manifest import read_manifest, write_manifest
from synthgen.dataset.reader import DatasetReader
from synthgen.dataset.writer import write_exports
from synthgen.errors import ConfigError, SynthgenError

__all__ = ["export_dataset"]


def export_dataset(root: "Destination | str | Path", formats: Iterable[str], *,
                   sessions: Iterable[str] | None = None, update_manifest: bool = True,
                   trajectories: TrajectoryOptions = TrajectoryOptions(),
                   hf: HfOptions | None = None) -> dict[str, int]:
    """Write the given export formats for every complete session (or ``sessions``); files per format.

    ``trajectories`` says how trajectory records are cut (waits, the 0-1000 grid, content in the JSONL);
    ``hf`` how the Hub dataset is split and sharded (its trajectories follow ``trajectories``).
    """
    reader = DatasetReader(root).require()
    dest = reader.dest
    names = parse_exports(list(formats))
    if not names:
        raise ConfigError("format", "", f"give at least one of {', '.join(EXPORT_FORMATS + DATASET_EXPORTS)}")
    ids = list(sessions) if sessions is not None else reader.complete_ids()
    if "rrweb" in names and ids and not reader.has_recordings():
        raise SynthgenError(f"{dest.uri} has no rrweb recordings (recordings/); the DOM is recorded while "
                            "generating: re-run `synthgen generate` with --export rrweb (or --record-rrweb)")
    per_session = session_exports(names)
    if per_session:
        for sid in ids:
            write_exports(dest, reader.load(sid), per_session, {"trajectories": {"options": trajectories}})
    if "hf" in names:
        hf = hf or HfOptions()
        if hf.trajectories != trajectories and trajectories != TrajectoryOptions():
            hf = replace(hf, trajectories=trajectories)
        export_hf(dest, reader, ids, hf)
    counts = {n: len(dest.walk(f"exports/{n}")) for n in names}
    old = read_manifest(dest)
    if update_manifest and old is not None:
        write_manifest(dest, job=old.get("job") or {"seed": old.get("seed", 0)}, command=old.get("command", ""),
                       config=old.get("config", {}), generator_version=old.get("generator_version", ""),
                       environment=old.get("environment") or {})
    return counts
