"""What a ``generate`` run says at its end, for people (the closing lines) and for CI (``--report-json``,
``--junit-xml``): one report built once from the :class:`~synthgen.runner.config.RunSummary` and the dataset.

The speed figure (real-time factor) counts only the sessions run now: a re-run that found every session
already written has none, and says so instead of a figure.

>>> from pathlib import Path
>>> from synthgen.runner.config import RunSummary, SessionSummary
>>> s = RunSummary(out=Path("/no/such"), sessions_run=2, sessions_skipped=1, ok=2, failed=1, events=90,
...                synthetic_seconds=30.0, wall_seconds=2.0, peak_rss_mb=200.0, synthetic_seconds_run=20.0,
...                failures=[SessionSummary("a-s0-00001", "failed", 10, 5000.0, error="step 2 'click': no",
...                                         failed_step="2", screenshot="frames/a-s0-00001/00001-failure.jpg")])
>>> r = run_report(s, exit_code=1)
>>> r["sessions"], r["realtime_factor"]
({'total': 3, 'ok': 2, 'failed': 1, 'run_now': 2, 'already_there': 1}, 10.0)
>>> summary_lines(r)[3]
'wall       2.0 s  (10.0x real time, the 2 sessions run now)'
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Iterable
from xml.etree import ElementTree as ET

from synthgen import __version__

__all__ = ["run_report", "summary_lines", "failure_lines", "junit_xml", "written_parts", "REPORT_FORMAT"]

#: the ``format`` field of ``--report-json``: bumped when a field changes meaning or goes away
REPORT_FORMAT = "synthgen-run-report/1"


def written_parts(root: Any) -> list[str]:
    """The dataset's folders and files as they are on disk, every one (the exports by format)."""
    from synthgen.dataset import layout as L

    p = Path(str(root))
    if not p.is_dir():
        return [f"{L.SESSIONS}/", f"{L.EVENTS}/", f"{L.PERSONAS}/", L.MANIFEST_NAME]
    names = [n + "/" if (p / n).is_dir() else n for n in L.TOP_LEVEL if (p / n).exists()]
    exports = sorted(d.name for d in (p / L.EXPORTS).iterdir()) if (p / L.EXPORTS).is_dir() else []
    return [n if n != L.EXPORTS + "/" else f"{L.EXPORTS}/{{{','.join(exports)}}}/" for n in names]


def _failure(f: Any, earlier: bool) -> dict[str, Any]:
    return {"session_id": f.session_id, "failed_step": getattr(f, "failed_step", None), "error": f.error,
            "screenshot": getattr(f, "screenshot", None), "earlier_run": earlier}


def _session_rows(out: Any, run_now: set[str] | None) -> list[dict[str, Any]] | None:
    """Every complete session of the dataset (local datasets only), with its failure screenshot."""
    p = Path(str(out))
    if not (p / "sessions").is_dir():
        return None
    from synthgen.dataset.reader import DatasetReader, failure_frame

    reader = DatasetReader(p)
    rows = []
    for r in reader.rows(["session_id", "scenario", "status", "duration_ms", "n_events", "error", "failed_step"]):
        r = dict(r)
        r["screenshot"] = failure_frame(reader, r["session_id"]) if r["status"] != "ok" else None
        if run_now is not None:
            r["run_now"] = r["session_id"] in run_now
        rows.append(r)
    return rows


def run_report(summary: Any, *, exit_code: int, run_now: Iterable[str] | None = None,
               sessions: bool = True) -> dict[str, Any]:
    """The run as plain data (what ``--report-json`` writes). ``run_now``: the ids of the sessions this run
    wrote, if known; ``sessions``: list every session of the dataset (read from its ``sessions/`` rows)."""
    s = summary
    ran = set(run_now) if run_now is not None else None
    rtf = s.realtime_factor if s.sessions_run else None
    report: dict[str, Any] = {
        "format": REPORT_FORMAT, "generator_version": __version__, "finished_at": time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                                                                               time.gmtime()),
        "out": str(s.out), "exit_code": exit_code,
        "sessions": {"total": s.ok + s.failed, "ok": s.ok, "failed": s.failed, "run_now": s.sessions_run,
                     "already_there": s.sessions_skipped},
        "events": s.events, "synthetic_seconds": round(s.synthetic_seconds, 3),
        "synthetic_seconds_run_now": round(getattr(s, "synthetic_seconds_run", 0.0), 3),
        "wall_seconds": round(s.wall_seconds, 3), "realtime_factor": None if rtf is None else round(rtf, 2),
        "peak_rss_mb": round(s.peak_rss_mb, 1), "written": written_parts(s.out),
        "failures": [_failure(f, False) for f in s.failures]
                    + [_failure(f, True) for f in getattr(s, "earlier_failures", [])],
        "notes": list(getattr(s, "notes", [])),
    }
    if sessions:
        report["session_list"] = _session_rows(s.out, ran)
    return report


def summary_lines(r: dict[str, Any]) -> list[str]:
    """The closing lines a person reads (plain text; the caller escapes for Rich)."""
    n = r["sessions"]
    if r["realtime_factor"] is None:
        speed = "no session run now: every one was already written; nothing to time"
    else:
        speed = (f"{r['realtime_factor']:,.1f}x real time, the {n['run_now']} session"
                 f"{'s' if n['run_now'] != 1 else ''} run now")
    return [
        f"sessions   {n['total']} ({n['ok']} ok, {n['failed']} failed; {n['run_now']} run now, "
        f"{n['already_there']} already there)",
        f"events     {r['events']:,}",
        f"synthetic  {r['synthetic_seconds']:,.1f} s of human time",
        f"wall       {r['wall_seconds']:,.1f} s  ({speed})",
        f"peak RSS   {r['peak_rss_mb']:,.0f} MB (largest process)",
        f"dataset    {r['out']}/  ({' '.join(r['written'])})",
    ]


def failure_lines(r: dict[str, Any], *, limit: int = 10) -> list[str]:
    """One line per failure, with its step and screenshot (this run's first, then earlier runs')."""
    out = []
    for earlier in (False, True):
        fs = [f for f in r["failures"] if f["earlier_run"] == earlier]
        label = "failed earlier" if earlier else "failed"
        for f in fs[:limit]:
            step = f["failed_step"]
            where = f" (step {step})" if step and not str(f["error"] or "").startswith(f"step {step} ") else ""
            shot = f"; screenshot {f['screenshot']}" if f["screenshot"] else ""
            out.append(f"{label} {f['session_id']}{where}: {f['error']}{shot}")
        if len(fs) > limit:
            out.append(f"... and {len(fs) - limit} more (synthgen stats DATASET lists every failure)")
    return out


def junit_xml(r: dict[str, Any]) -> bytes:
    """The run as JUnit XML: a test suite per scenario, a test case per session of the dataset (a failed
    session is a failure with its error, step and screenshot). Without the session list (a remote dataset),
    one case per failure.

    >>> print(junit_xml({"sessions": {"total": 1, "failed": 1}, "wall_seconds": 1.0, "failures": [],
    ...     "session_list": [{"session_id": "a-s0-00000", "scenario": "a", "status": "failed",
    ...     "duration_ms": 1500.0, "error": "step 2 'click': no", "failed_step": "2",
    ...     "screenshot": "frames/a-s0-00000/00001-failure.jpg"}]}).decode())  # doctest: +NORMALIZE_WHITESPACE
    <?xml version='1.0' encoding='utf-8'?>
    <testsuites name="synthgen generate" tests="1" failures="1" time="1.000"><testsuite name="a" tests="1"
    failures="1"><testcase classname="a" name="a-s0-00000" time="1.500"><failure message="step 2 'click': no"
    type="step 2">step 2 'click': no
    screenshot: frames/a-s0-00000/00001-failure.jpg</failure><system-out>screenshot:
    frames/a-s0-00000/00001-failure.jpg</system-out></testcase></testsuite></testsuites>
    """
    rows = r.get("session_list")
    if rows is None:
        rows = [{"session_id": f["session_id"], "scenario": f["session_id"].rsplit("-s", 1)[0], "status": "failed",
                 "duration_ms": 0.0, "error": f["error"], "failed_step": f["failed_step"],
                 "screenshot": f["screenshot"]} for f in r["failures"]]
    root = ET.Element("testsuites", name="synthgen generate", tests=str(r["sessions"]["total"]),
                      failures=str(r["sessions"]["failed"]), time=f"{r['wall_seconds']:.3f}")
    suites: dict[str, ET.Element] = {}
    for row in rows:
        sc = str(row.get("scenario") or "?")
        suite = suites.get(sc)
        if suite is None:
            suite = suites[sc] = ET.SubElement(root, "testsuite", name=sc, tests="0", failures="0")
        suite.set("tests", str(int(suite.get("tests", "0")) + 1))
        case = ET.SubElement(suite, "testcase", classname=sc, name=str(row["session_id"]),
                             time=f"{float(row.get('duration_ms') or 0.0) / 1000.0:.3f}")
        if row["status"] != "ok":
            suite.set("failures", str(int(suite.get("failures", "0")) + 1))
            text = str(row.get("error") or "failed")
            if row.get("screenshot"):
                text += f"\nscreenshot: {row['screenshot']}"
            fail = ET.SubElement(case, "failure", message=str(row.get("error") or "failed"),
                                 type=f"step {row.get('failed_step') or '?'}")
            fail.text = text
            if row.get("screenshot"):
                ET.SubElement(case, "system-out").text = f"screenshot: {row['screenshot']}"
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
