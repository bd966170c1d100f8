"""``synthgen verify DATASET``: re-run a dataset's job and check that it gives the same bytes.

What a team's CI runs on its fixture set: the job is read from the dataset (``manifest.json``: the config
and the job identity; the scenarios from the paths recorded there, or ``--scenario``), run again into a
temporary folder on this machine, and every file is compared with the manifest's checksums. Identical:
exit 0. Otherwise the report names the first differing file, and for a Parquet table the session, the row
and the columns that differ, plus the environment parts that differ from where the dataset was made
(:mod:`synthgen.environment`), which usually say why.

>>> # report = verify_dataset(Path("tests/golden/demo"))
"""

from __future__ import annotations

import io
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import pyarrow as pa
import pyarrow.parquet as pq

from synthgen.dataset import Destination, read_manifest, read_marker
from synthgen.dataset import layout as L
from synthgen.dataset.job import env_differences
from synthgen.errors import SynthgenError

__all__ = ["VerifyReport", "verify_dataset", "first_row_difference", "config_from_manifest"]


@dataclass
class VerifyReport:
    """The outcome of a verification."""

    dataset: str
    files: int = 0
    differences: list[str] = field(default_factory=list)  # one line per differing file (the first is detailed)
    environment: list[str] = field(default_factory=list)  # fingerprint parts that differ
    job: list[str] = field(default_factory=list)  # job parts that differ (scenario edited since)
    seconds: float = 0.0

    @property
    def identical(self) -> bool:
        return not self.differences and not self.job


def first_row_difference(a: pa.Table, b: pa.Table) -> str:
    """Where two tables first differ: ``row N: col (x -> y), ...`` or a schema/row-count difference.

    >>> first_row_difference(pa.table({"x": [1, 2]}), pa.table({"x": [1, 3]}))
    'row 1: x (2 -> 3)'
    """
    if a.schema != b.schema:
        return f"schema differs ({', '.join(sorted(set(a.schema.names) ^ set(b.schema.names))) or 'types'})"
    for i, (ra, rb) in enumerate(zip(a.to_pylist(), b.to_pylist())):
        if ra != rb:
            cols = [c for c in ra if ra[c] != rb[c]]
            shown = ", ".join(f"{c} ({_short(ra[c])} -> {_short(rb[c])})" for c in cols[:4])
            return f"row {i}: {shown}" + (f" and {len(cols) - 4} more columns" if len(cols) > 4 else "")
    if a.num_rows != b.num_rows:
        return f"{a.num_rows} rows there, {b.num_rows} here"
    return "same rows, different bytes (file metadata or encoding)"


def _short(v: Any) -> str:
    text = repr(v)
    return text if len(text) <= 40 else text[:37] + "..."


def config_from_manifest(manifest: dict[str, Any], out: Path, scenarios: list[Path] | None = None) -> Any:
    """The :class:`~synthgen.runner.config.GenerateConfig` of a dataset's job, writing into ``out``."""
    from synthgen.runner.config import GenerateConfig
    from synthgen.session import SessionOptions

    c = dict(manifest.get("config") or {})
    if not c:
        raise SynthgenError("the manifest records no config (made by an older synthgen?); it cannot be re-run")
    ids = [f["path"].rsplit("/", 1)[-1][: -len(".parquet")] for f in manifest.get("files", [])
           if f["path"].startswith(f"{L.SESSIONS}/")]
    indexes = [int(m.group(1)) for sid in ids if (m := re.search(r"-(\d{5,})$", sid))]
    options = SessionOptions(**c.get("options", {}))
    return GenerateConfig(
        scenarios=scenarios or [Path(p) for p in c["scenarios"]],
        sessions=max([int(c.get("sessions", 1)), *[i + 1 for i in indexes]]), seed=int(c["seed"]), out=out,
        personas=int(c["personas"]), workers=int(c.get("workers", 1)), concurrency=int(c.get("concurrency", 2)),
        options=options, base_url=c.get("base_url"), exports=tuple(c.get("exports", ())),
        retries=int(c.get("retries", 1)), hang_timeout_s=float(c.get("hang_timeout_s", 30.0)),
        tags=tuple(c.get("tags", ())), exclude_tags=tuple(c.get("exclude_tags", ())))


def verify_dataset(root: Path, *, scenarios: list[Path] | None = None, workers: int | None = None,
                   chromium: str | None = None, keep: Path | None = None, only: tuple[str, ...] = (),
                   on_progress: Callable[[int, int, Any], None] | None = None) -> VerifyReport:
    """Re-run ``root``'s job into a temporary folder (or ``keep``) and compare every file (or only those of
    the top-level folders in ``only``, e.g. ``("events", "sessions", "personas")``)."""
    import time

    from synthgen.environment import fingerprint
    from synthgen.runner.job import prepare_job
    from synthgen.runner.local import generate

    t0 = time.perf_counter()
    dest = Destination.from_uri(Path(root))
    manifest = read_manifest(dest)
    if manifest is None:
        raise SynthgenError(f"{root} has no manifest.json: the run that made it did not finish; finish it first")
    report = VerifyReport(dataset=str(root))
    marker = read_marker(dest)
    made_in = ((marker or {}).get("environments") or [manifest.get("environment") or {}])[-1]
    report.environment = env_differences(made_in, fingerprint(chromium)) if made_in else []
    tmp = Path(tempfile.mkdtemp(prefix="synthgen-verify-")) if keep is None else Path(keep)
    out = tmp / "dataset" if keep is None else tmp
    try:
        cfg = config_from_manifest(manifest, out, scenarios)
        cfg.chromium = chromium
        if workers:
            cfg.workers = workers
        recorded = manifest.get("job") or {}
        now = prepare_job(cfg).job
        report.job = now.differences(recorded) if recorded else []
        if report.job:
            return report  # another job now (a scenario edited since): re-running it would compare nothing
        cfg.allow_env_change = True  # a fresh folder: nothing to mix; the difference is reported above
        try:
            generate(cfg, on_progress=on_progress, command="synthgen verify")
        except SynthgenError as exc:
            if "failed" not in type(exc).__name__.lower():
                raise
        again = read_manifest(Destination.from_uri(out)) or {}
        report.differences = [d for d in _compare(dest, Destination.from_uri(out), manifest, again)
                              if not only or d.split("/", 1)[0] in only]
        report.files = len(manifest.get("files", []))
    finally:
        if keep is None:
            shutil.rmtree(tmp, ignore_errors=True)
        report.seconds = time.perf_counter() - t0
    return report


def _compare(dest: Destination, fresh: Destination, manifest: dict[str, Any], again: dict[str, Any]) -> list[str]:
    """Every differing file (the marker is left out: it records the environment, compared on its own)."""
    from synthgen.dataset.manifest import manifest_paths

    # The dataset's files as they are now (an edited byte counts), and the re-run's.
    there = {rel: dest.sha256(rel) for rel, _ in manifest_paths(dest) if rel != L.MARKER_NAME}
    here = {f["path"]: f["sha256"] for f in again.get("files", []) if f["path"] != L.MARKER_NAME}
    listed = {f["path"]: f["sha256"] for f in manifest.get("files", []) if f["path"] != L.MARKER_NAME}
    out: list[str] = [f"{rel}: changed since the manifest was written" for rel in sorted(listed)
                      if rel in there and there[rel] != listed[rel]]
    first = len(out)
    for rel in sorted(set(there) | set(here)):
        if there.get(rel) == here.get(rel):
            continue
        if rel not in here:
            out.append(f"{rel}: in the dataset, not written by the re-run")
        elif rel not in there:
            out.append(f"{rel}: written by the re-run, not in the dataset")
        else:
            detail = ""
            if len(out) == first and rel.endswith(".parquet") and dest.exists(rel):
                try:
                    a = pq.read_table(io.BytesIO(dest.read_bytes(rel)))
                    b = pq.read_table(io.BytesIO(fresh.read_bytes(rel)))
                    detail = ": " + first_row_difference(a, b)
                except (OSError, pa.ArrowException) as exc:
                    detail = f": unreadable ({exc})"
            out.append(f"{rel} differs{detail}")
    return out
