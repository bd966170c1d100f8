"""Helpers shared by tests/reliability and tests/safety: the misbehaving test app, runs, dataset checks.

The app lives in ``scenarios/_faults/apps/faults/`` and is served by :class:`AppServer` from that folder,
so the fault scenarios (``scenarios/_faults/*.yaml``) run with ``base_url`` pointing at it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyarrow.dataset as ds
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[1]
FAULTS = ROOT / "scenarios" / "_faults"
FAULT_APPS = FAULTS / "apps"


def scenario(name: str) -> Path:
    """Path of a fault scenario by stem, e.g. ``scenario("quick")``."""
    return FAULTS / f"{name}.yaml"


def cli_env() -> dict[str, str]:
    """Environment for a ``python -m synthgen`` subprocess that imports this checkout."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def generate_cmd(scenarios: list[Path], out: Path, base_url: str, *, sessions: int, seed: int = 1,
                 extra: tuple[str, ...] = ()) -> list[str]:
    """``synthgen generate`` as a subprocess command line."""
    cmd = [sys.executable, "-m", "synthgen", "generate", "--no-progress", "-n", str(sessions), "--seed", str(seed),
           "-o", str(out), "--personas", "5", "--base-url", base_url]
    for s in scenarios:
        cmd += ["-s", str(s)]
    return cmd + list(extra)


def run_cli(cmd: list[str], timeout: float = 180) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=ROOT, env=cli_env(), capture_output=True, text=True, timeout=timeout)


def table_bytes(out: Path, table: str) -> dict[str, bytes]:
    """``file name -> bytes`` of one table folder (data files only)."""
    d = out / table
    return {p.name: p.read_bytes() for p in sorted(d.glob("*.parquet"))} if d.is_dir() else {}


def check_readable(out: Path) -> dict[str, Any]:
    """Assert a dataset (possibly from an interrupted run) reads cleanly; return a few counts.

    Every data file in events/ and sessions/ opens with pyarrow; the folders read as datasets
    (temporary ``.name.tmp-pid`` files are skipped by the readers); every session row has its events
    file with exactly ``n_events`` rows and unique ``seq``.
    """
    counts = {"sessions": 0, "events_files": 0, "temp_files": 0}
    for table in ("events", "sessions"):
        d = out / table
        if not d.is_dir():
            continue
        for p in d.iterdir():
            if p.name.startswith("."):
                counts["temp_files"] += 1
                continue
            pq.read_table(p)  # raises on a torn file
            counts[f"{table}_files" if table == "events" else "sessions"] += 1
        ds.dataset(d, format="parquet").to_table()
    if (out / "sessions").is_dir():
        for row in ds.dataset(out / "sessions", format="parquet").to_table().to_pylist():
            ev = pq.read_table(out / "events" / f"{row['session_id']}.parquet", columns=["seq", "session_id"])
            assert ev.num_rows == row["n_events"], row["session_id"]
            seqs = ev.column("seq").to_pylist()
            assert seqs == list(range(len(seqs))), f"{row['session_id']}: duplicate or missing seq"
            assert set(ev.column("session_id").to_pylist()) <= {row["session_id"]}
    return counts
