"""``manifest.json``: schema version, the command and config, seeds, counts, a checksum per file.

Built by scanning the dataset, so it also covers sessions written by earlier (resumed) runs.

>>> # write_manifest(Path("output/run1"), command="synthgen generate ...", config={}, seed=7)
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from synthgen import __version__
from synthgen.schema import Manifest, ManifestFile
from synthgen.sinks.files import sha256_file, write_bytes_atomic

__all__ = ["build_manifest", "write_manifest", "MANIFEST_NAME"]

MANIFEST_NAME = "manifest.json"


def build_manifest(root: Path, *, command: str, config: dict[str, Any], seed: int) -> Manifest:
    """Scan ``root`` and describe every file in it."""
    files: list[ManifestFile] = []
    ok = failed = events = 0
    synth_ms = 0.0
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        rel = path.relative_to(root).as_posix()
        if rel == MANIFEST_NAME or path.name.startswith("."):
            continue
        table = rel.split("/", 1)[0]
        rows = 0
        if path.suffix == ".parquet":
            rows = pq.ParquetFile(path).metadata.num_rows
            if table == "sessions":
                t = pq.read_table(path, columns=["status", "n_events", "duration_ms"]).to_pylist()
                for r in t:
                    ok += r["status"] == "ok"
                    failed += r["status"] != "ok"
                    events += int(r["n_events"])
                    synth_ms += float(r["duration_ms"])
        files.append(ManifestFile(path=rel, table=table, rows=rows, bytes=path.stat().st_size,
                                  sha256=sha256_file(path)))
    return Manifest(generator_version=__version__, command=command, config=config, seed=seed,
                    sessions_total=ok + failed, sessions_ok=ok, sessions_failed=failed, events_total=events,
                    synthetic_seconds=round(synth_ms / 1000.0, 3), files=files)


def write_manifest(root: Path, *, command: str, config: dict[str, Any], seed: int) -> Manifest:
    """Build and atomically write the manifest (last, after every data file)."""
    m = build_manifest(root, command=command, config=config, seed=seed)
    write_bytes_atomic(root / MANIFEST_NAME, (json.dumps(m.model_dump(mode="json"), indent=2) + "\n").encode())
    return m
