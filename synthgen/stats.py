"""``synthgen stats``: what a dataset holds, from its files alone (no manifest needed).

Sessions ok/failed (overall and per scenario), events by type, synthetic time, captures, the bytes
on disk per table (``events``, ``frames``, ``observations``, ``exports/<format>`` ...), and the personas'
habits per scenario (the ways ``do`` steps took, slips and recoveries, reading time:
:mod:`synthgen.habits_report`; ``None`` for a dataset from before schema 1.3).

>>> # st = dataset_stats(Path("output/run1")); st["sessions"]["ok"]
"""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pyarrow.compute as pc
import pyarrow.parquet as pq

from synthgen.dataset import DatasetReader, read_manifest
from synthgen.dataset import layout as L
from synthgen.dataset.manifest import manifest_paths
from synthgen.dataset.reader import failure_frame
from synthgen.habits_report import by_scenario as habits_by_scenario
from synthgen.habits_report import has_habits, read_habits, shares_text, summarise

__all__ = ["dataset_stats", "print_stats"]


def _table_of(rel: str) -> str:
    parts = rel.split("/")
    if parts[0] == "exports" and len(parts) > 2:
        return f"exports/{parts[1]}"
    return parts[0] if len(parts) > 1 else rel


def dataset_stats(root: Path) -> dict[str, Any]:
    """A JSON-ready summary of the dataset at ``root``.

    >>> import tempfile
    >>> dataset_stats(Path(tempfile.mkdtemp()))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    synthgen.dataset.reader.NotADataset: ... is not a synthgen dataset ...
    """
    root = Path(root)
    reader = DatasetReader(root).require()
    rows = list(reader.rows())  # whole rows: the habit columns are there from schema 1.3 only
    by_scenario: dict[str, Counter] = defaultdict(Counter)
    for r in rows:
        by_scenario[r["scenario"]][r["status"]] += 1
    types: Counter = Counter()
    n_events = 0
    for p in sorted((root / L.EVENTS).glob("*.parquet")):
        col = pq.read_table(p, columns=["type"]).column("type")
        vc = pc.value_counts(col.cast("string") if hasattr(col.type, "value_type") else col)
        for item in vc.to_pylist():
            types[item["values"]] += item["counts"]
        n_events += len(col)
    durations = sorted(float(r["duration_ms"]) for r in rows)
    files: dict[str, dict[str, int]] = defaultdict(lambda: {"files": 0, "bytes": 0})
    for rel, size in manifest_paths(reader.dest):
        t = _table_of(rel)
        files[t]["files"] += 1
        files[t]["bytes"] += size
    obs = {"captures": 0, "a11y_bytes": 0, "dom_bytes": 0, "frame_bytes": 0}
    for p in sorted((root / L.OBSERVATIONS).glob("*.parquet")):
        t = pq.read_table(p, columns=["a11y_bytes", "dom_bytes", "frame_bytes"])
        obs["captures"] += t.num_rows
        for k in ("a11y_bytes", "dom_bytes", "frame_bytes"):
            obs[k] += int(pc.sum(t.column(k)).as_py() or 0)
    manifest = {}
    m = read_manifest(reader.dest)
    if m is not None:
        manifest = {k: m.get(k) for k in ("schema_version", "generator_version", "command", "seed")}
    failures = [{"session_id": r["session_id"], "scenario": r["scenario"], "failed_step": r["failed_step"],
                 "error": r["error"], "screenshot": failure_frame(reader, r["session_id"])}
                for r in rows if r["status"] != "ok"]
    habits = None
    if rows and all(has_habits(r) for r in rows):
        figs = read_habits(root, rows)
        habits = {"total": summarise(figs), "by_scenario": habits_by_scenario(figs)}
    synth_s = sum(durations) / 1000.0
    total_bytes = sum(v["bytes"] for v in files.values())
    return {
        "dataset": str(root),
        **manifest,
        "sessions": {"total": len(rows), "ok": sum(r["status"] == "ok" for r in rows),
                     "failed": sum(r["status"] != "ok" for r in rows),
                     "by_scenario": {k: dict(v) for k, v in sorted(by_scenario.items())},
                     "failures": failures},
        "events": {"total": n_events, "by_type": dict(sorted(types.items(), key=lambda kv: -kv[1]))},
        "synthetic": {"seconds": round(synth_s, 3),
                      "session_median_s": round(durations[len(durations) // 2] / 1000.0, 3) if durations else 0.0,
                      "session_min_s": round(durations[0] / 1000.0, 3) if durations else 0.0,
                      "session_max_s": round(durations[-1] / 1000.0, 3) if durations else 0.0},
        "observations": obs,
        "habits": habits,
        "bytes": {"total": total_bytes,
                  "per_synthetic_minute": round(total_bytes / (synth_s / 60.0)) if synth_s else None,
                  "by_table": {k: v for k, v in sorted(files.items())}},
    }


def _human(n: float) -> str:
    for unit in ("B", "kB", "MB", "GB"):
        if abs(n) < 1024 or unit == "GB":
            return f"{n:,.0f} {unit}" if unit == "B" else f"{n:,.1f} {unit}"
        n /= 1024.0
    return f"{n:.1f} GB"


def print_stats(st: dict[str, Any], console: Any) -> None:
    """Print :func:`dataset_stats` as rich tables."""
    from rich.table import Table

    s = st["sessions"]
    head = Table(title=f"dataset {st['dataset']}", show_header=False, title_justify="left")
    head.add_column(style="bold")
    head.add_column()
    head.add_row("sessions", f"{s['total']} ({s['ok']} ok, {s['failed']} failed)")
    head.add_row("events", f"{st['events']['total']:,}")
    sy = st["synthetic"]
    head.add_row("synthetic time", f"{sy['seconds']:,.1f} s (per session: median {sy['session_median_s']:.1f} s, "
                 f"{sy['session_min_s']:.1f}-{sy['session_max_s']:.1f} s)")
    o = st["observations"]
    if o["captures"]:
        head.add_row("captures", f"{o['captures']:,} (images {_human(o['frame_bytes'])}, a11y "
                     f"{_human(o['a11y_bytes'])}, DOM {_human(o['dom_bytes'])} before compression)")
    b = st["bytes"]
    per_min = f", {_human(b['per_synthetic_minute'])} per synthetic minute" if b["per_synthetic_minute"] else ""
    head.add_row("on disk", f"{_human(b['total'])}{per_min}")
    if st.get("schema_version"):
        head.add_row("schema", f"{st['schema_version']} (synthgen {st.get('generator_version')})")
    console.print(head)

    sc = Table(title="sessions by scenario", title_justify="left")
    sc.add_column("scenario")
    sc.add_column("ok", justify="right")
    sc.add_column("failed", justify="right")
    for name, c in s["by_scenario"].items():
        sc.add_row(name, str(c.get("ok", 0)), str(c.get("failed", 0)))
    console.print(sc)

    if st.get("habits"):
        for table in _habits_tables(st["habits"]):
            console.print(table)

    ev = Table(title="events by type", title_justify="left")
    ev.add_column("type")
    ev.add_column("rows", justify="right")
    ev.add_column("share", justify="right")
    total = max(st["events"]["total"], 1)
    for name, n in st["events"]["by_type"].items():
        ev.add_row(name, f"{n:,}", f"{100.0 * n / total:.1f}%")
    console.print(ev)

    if s["failures"]:
        from rich.markup import escape

        fl = Table(title="failed sessions", title_justify="left")
        fl.add_column("session")
        fl.add_column("step")
        fl.add_column("reason", overflow="fold")
        fl.add_column("screenshot")
        for f in s["failures"]:
            fl.add_row(escape(f["session_id"]), escape(str(f["failed_step"] or "")), escape(str(f["error"] or "")),
                       escape(f["screenshot"] or ""))
        console.print(fl)

    by = Table(title="bytes on disk", title_justify="left")
    by.add_column("table")
    by.add_column("files", justify="right")
    by.add_column("bytes", justify="right")
    for name, v in b["by_table"].items():
        by.add_row(name, f"{v['files']:,}", _human(v["bytes"]))
    console.print(by)


def _habits_tables(habits: dict[str, Any]) -> list[Any]:
    """The habits part of :func:`print_stats`: the ways ``do`` steps took, then slips and reading; a row per
    scenario and the total under a line when there are several."""
    from rich.markup import escape
    from rich.table import Table

    rows = list(habits["by_scenario"].items())
    if len(rows) > 1:
        rows.append(("all", habits["total"]))

    def pct(v: float | None) -> str:
        return "–" if v is None else f"{100 * v:.0f}%"

    ways = Table(title="ways of do steps by scenario (the persona's habits)", title_justify="left")
    ways.add_column("scenario")
    ways.add_column("do steps", justify="right")
    ways.add_column("ways (share of do steps)")
    slips = Table(title="slips (each undone) and reading by scenario", title_justify="left")
    slips.add_column("scenario")
    for name in ("slips", "per session", "per 100 inputs"):
        slips.add_column(name, justify="right")
    slips.add_column("by kind", overflow="fold")
    for name in ("recovered", "reading median", "reading share"):
        slips.add_column(name, justify="right")
    for i, (name, h) in enumerate(rows):
        line = i == len(rows) - 2 and len(rows) > 2
        ways.add_row(escape(name), str(h["do_steps"]), shares_text(h["way_shares"]), end_section=line)
        per_100 = h["slips_per_100_input_steps"]
        slips.add_row(escape(name), str(h["slips"]),
                      "–" if h["slips_per_session"] is None else f"{h['slips_per_session']:.2f}",
                      "–" if per_100 is None else f"{per_100:.1f}",
                      ", ".join(f"{k} {n}" for k, n in h["slips_by_kind"].items()) or "–",
                      pct(h["recovered_share"]),
                      "–" if h["read_ms_median"] is None else f"{h['read_ms_median'] / 1000:.1f} s",
                      pct(h["read_share"]), end_section=line)
    return [ways, slips]
