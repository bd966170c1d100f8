"""Every name on disk: the folders and files of a dataset, temporary names, and the session-id pattern.

One table for the whole package (and for everything that reads a dataset): a file's place is derived
from here, never spelled out elsewhere.

::

    <dataset>/
      synthgen-dataset.json              the marker: schema version and job identity (written at creation)
      events/<session_id>.parquet        one row per input event
      observations/<session_id>.parquet  one row per capture (frame path, a11y tree, DOM, target box)
      recordings/<session_id>.json.gz    rrweb DOM recording
      frames/<session_id>/<n>[-<name>].<ext> screen captures
      exports/trajectories/<session_id>.jsonl|.parquet
      exports/rrweb/<session_id>.json
      exports/balabit/<persona_id>/session_<session_id>.csv
      exports/hf/README.md, exports/hf/<config>/<split>-NNNNN-of-NNNNN.parquet   the Hub-ready dataset
      sessions/<session_id>.parquet      one row, written last: its presence marks a complete session
      personas/personas.parquet          the persona pool
      scenarios/<folder>/<file>          copies of the job's scenario files and the material they include
      manifest.json                      counts, the job, a checksum per file (written at the end of a run)

>>> session_files("login-s7-00003", "p0012")[:3]
['events/login-s7-00003.parquet', 'observations/login-s7-00003.parquet', 'recordings/login-s7-00003.json.gz']
>>> is_session_id("login-s7-00003"), is_session_id("trip-s2-2024.jpg")
(True, False)
"""

from __future__ import annotations

import re

__all__ = [
    "EVENTS", "SESSIONS", "PERSONAS", "FRAMES", "OBSERVATIONS", "RECORDINGS", "EXPORTS", "MARKER_NAME",
    "MANIFEST_NAME", "LOCK_NAME", "PERSONAS_FILE", "DATA_DIRS", "TOP_LEVEL", "session_id", "is_session_id",
    "events_file", "session_row_file", "observations_file", "recording_file", "frames_dir", "frame_file",
    "export_files", "session_files", "temp_name", "is_temp_name", "EXPORT_FORMATS",
    "SCENARIOS", "scenario_file", "DATASET_EXPORTS",
]

EVENTS = "events"
SESSIONS = "sessions"
PERSONAS = "personas"
FRAMES = "frames"
OBSERVATIONS = "observations"
RECORDINGS = "recordings"
EXPORTS = "exports"
SCENARIOS = "scenarios"
MARKER_NAME = "synthgen-dataset.json"
MANIFEST_NAME = "manifest.json"
#: held (flock) for the length of a run; a dot-name, so readers and the manifest skip it
LOCK_NAME = ".synthgen.lock"
PERSONAS_FILE = f"{PERSONAS}/personas.parquet"
#: the folders a dataset writes into (repair and the manifest look nowhere else)
DATA_DIRS = (EVENTS, OBSERVATIONS, RECORDINGS, FRAMES, EXPORTS, SESSIONS, PERSONAS, SCENARIOS)
#: every name a dataset may hold at its root
TOP_LEVEL = (MARKER_NAME, MANIFEST_NAME, *DATA_DIRS)
EXPORT_FORMATS = ("trajectories", "rrweb", "balabit")
#: exports of a whole dataset (written once all sessions are in): exports/hf/
DATASET_EXPORTS = ("hf",)

# "<scenario>-s<job seed>-<index>": scenario names are lower-case words with - and _
_SESSION_ID = re.compile(r"^[a-z0-9_-]+-s\d+-\d{5,}$")


def session_id(job_seed: int, scenario_name: str, index: int) -> str:
    """A readable, unique, deterministic session id: ``<scenario>-s<seed>-<index>``.

    >>> session_id(7, "login", 3)
    'login-s7-00003'
    """
    return f"{scenario_name}-s{job_seed}-{index:05d}"


def is_session_id(name: str) -> bool:
    """Whether ``name`` has the form of a session id."""
    return bool(_SESSION_ID.match(name))


def events_file(sid: str) -> str:
    return f"{EVENTS}/{sid}.parquet"


def session_row_file(sid: str) -> str:
    return f"{SESSIONS}/{sid}.parquet"


def observations_file(sid: str) -> str:
    return f"{OBSERVATIONS}/{sid}.parquet"


def recording_file(sid: str) -> str:
    return f"{RECORDINGS}/{sid}.json.gz"


def frames_dir(sid: str) -> str:
    return f"{FRAMES}/{sid}"


def frame_file(sid: str, index: int, name: str, ext: str) -> str:
    """``frames/<sid>/<index:05d>[-<name>].<ext>``, the path an ``events.frame`` cell holds.

    >>> frame_file("s1", 3, "failure", "jpg"), frame_file("s1", 0, "", "png")
    ('frames/s1/00003-failure.jpg', 'frames/s1/00000.png')
    """
    return f"{FRAMES}/{sid}/{index:05d}{'-' + name if name else ''}.{ext}"


def scenario_file(relpath: str) -> str:
    """Where the copy of a scenario file (``<folder>/<file>``, :attr:`Scenario.relpath`) lies in a dataset.

    >>> scenario_file("webmail/compose_send.yaml")
    'scenarios/webmail/compose_send.yaml'
    """
    parts = relpath.split("/")
    if not relpath or relpath.startswith("/") or any(p in ("", ".", "..") for p in parts):
        raise ValueError(f"scenario path {relpath!r} must be relative, like 'webmail/compose_send.yaml'")
    return f"{SCENARIOS}/{relpath}"


def export_files(fmt: str, sid: str, persona_id: str) -> list[str]:
    """The files one export format writes for one session.

    >>> export_files("balabit", "a-s1-00000", "p0001")
    ['exports/balabit/p0001/session_a-s1-00000.csv']
    """
    if fmt == "trajectories":
        return [f"{EXPORTS}/trajectories/{sid}.jsonl", f"{EXPORTS}/trajectories/{sid}.parquet"]
    if fmt == "rrweb":
        return [f"{EXPORTS}/rrweb/{sid}.json"]
    if fmt == "balabit":
        return [f"{EXPORTS}/balabit/{persona_id}/session_{sid}.csv"]
    raise KeyError(fmt)


def session_files(sid: str, persona_id: str, exports: tuple[str, ...] = EXPORT_FORMATS) -> list[str]:
    """Every file a session may write besides its frames, the sessions row last."""
    out = [events_file(sid), observations_file(sid), recording_file(sid)]
    for fmt in exports:
        out += export_files(fmt, sid, persona_id)
    out.append(session_row_file(sid))
    return out


def temp_name(name: str, pid: int) -> str:
    """The temporary name a file is written under before its rename (a dot-name: never read as data).

    >>> temp_name("a.parquet", 12)
    '.a.parquet.tmp-12'
    """
    return f".{name}.tmp-{pid}"


_TEMP = re.compile(r"^\..+\.tmp-\d+$")


def is_temp_name(name: str) -> bool:
    """Whether a file name is a temporary name of :func:`temp_name`.

    >>> is_temp_name(".a.parquet.tmp-123"), is_temp_name("a.parquet"), is_temp_name(".tmp-1")
    (True, False, False)
    """
    return bool(_TEMP.match(name))
