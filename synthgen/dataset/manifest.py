"""``manifest.json``: the job, counts, and a checksum of every file of the dataset.

Built by scanning the dataset's own folders (:data:`synthgen.dataset.layout.TOP_LEVEL`; nothing else under
the root, and no symbolic link, is listed), so it also covers sessions written by earlier runs of the
job. One builder for every destination, local or remote.

>>> import tempfile
>>> from synthgen.dataset.destination import Destination
>>> m = build_manifest(Destination.from_uri(tempfile.mkdtemp()), job={"seed": 7}, command="synthgen generate")
>>> (m.sessions_total, m.seed, m.files)
(0, 7, [])
"""

from __future__ import annotations

import io
import json
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from synthgen.dataset import layout as L
from synthgen.dataset.destination import Destination
from synthgen.schema import Manifest, ManifestFile

__all__ = ["build_manifest", "write_manifest", "read_manifest", "MANIFEST_NAME", "manifest_paths"]

MANIFEST_NAME = L.MANIFEST_NAME


def manifest_paths(dest: Destination) -> list[tuple[str, int]]:
    """The files a manifest lists: the marker and everything in the dataset's own folders."""
    out: list[tuple[str, int]] = []
    if dest.exists(L.MARKER_NAME):
        out.append((L.MARKER_NAME, int(dest.fs.get_file_info(dest.path(L.MARKER_NAME)).size or 0)))
    for top in L.DATA_DIRS:
        out += dest.walk(top)
    return sorted(out)


def build_manifest(dest: Destination, *, job: dict[str, Any], command: str, config: dict[str, Any] | None = None,
                   generator_version: str = "", environment: dict[str, Any] | None = None) -> Manifest:
    """Scan ``dest`` and describe every file of the dataset."""
    files: list[ManifestFile] = []
    ok = failed = events = 0
    synth_ms = 0.0
    for rel, size in manifest_paths(dest):
        table = rel.split("/", 1)[0]
        rows = 0
        if rel.endswith(".parquet"):
            try:
                with dest.fs.open_input_file(dest.path(rel)) as fh:
                    pf = pq.ParquetFile(fh)
                    rows = pf.metadata.num_rows
                    if table == L.SESSIONS:
                        for r in pf.read(columns=["status", "n_events", "duration_ms"]).to_pylist():
                            ok += r["status"] == "ok"
                            failed += r["status"] != "ok"
                            events += int(r["n_events"])
                            synth_ms += float(r["duration_ms"])
            except (OSError, pa.ArrowException, ValueError):
                rows = -1  # unreadable: listed with its checksum, counted nowhere (the next run rewrites it)
        files.append(ManifestFile(path=rel, table=table, rows=rows, bytes=size, sha256=dest.sha256(rel)))
    return Manifest(generator_version=generator_version, command=command, config=config or {},
                    seed=int(job.get("seed", 0)), job=job, environment=environment or {}, sessions_total=ok + failed, sessions_ok=ok,
                    sessions_failed=failed, events_total=events, synthetic_seconds=round(synth_ms / 1000.0, 3),
                    files=files)


def write_manifest(dest: Destination, **kwargs: Any) -> Manifest:
    """Build and atomically write the manifest (last, after every data file)."""
    m = build_manifest(dest, **kwargs)
    dest.put_bytes(MANIFEST_NAME, (json.dumps(m.model_dump(mode="json"), indent=2) + "\n").encode())
    return m


def read_manifest(dest: Destination) -> dict[str, Any] | None:
    """The manifest as stored, or ``None`` when there is none (a run that never ended)."""
    if not dest.exists(MANIFEST_NAME):
        return None
    return json.loads(io.BytesIO(dest.read_bytes(MANIFEST_NAME)).read().decode("utf-8"))
