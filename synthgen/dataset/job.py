"""A dataset is one job's: the marker that says so, and the check a run makes before writing.

A job is what shapes the bytes: the scenarios' content, the seed, the persona pool size, the capture and
export settings, the base URL, the generator and schema versions (:class:`Job`; the runner fills it in).
The number of sessions is not part of it: session seeds depend only on the job seed, the scenario and the
index, so a larger ``--sessions`` extends a dataset without changing what is there.

``synthgen-dataset.json`` at the root is written when a dataset is created and records the job. A run
(:func:`open_dataset`):

* into a missing or empty folder creates the dataset there;
* into this job's dataset continues it (sessions already complete are kept);
* into another job's dataset is refused, naming what differs;
* into this job's dataset made in another environment (:mod:`synthgen.environment`: packages, browser
  build, fonts, OS) is refused, naming what differs, unless ``allow_env_change`` (then both are recorded);
* into a non-empty folder that is not a dataset (or a dataset of a synthgen without markers) is refused,
  and nothing in it is touched.

>>> import tempfile
>>> from synthgen.dataset.destination import Destination
>>> d = Destination.from_uri(tempfile.mkdtemp())
>>> job = Job({"seed": 7, "personas": 50, "scenarios": {"login": "ab12"}})
>>> open_dataset(d, job), open_dataset(d, job)
('created', 'continued')
>>> open_dataset(d, Job({"seed": 8, "personas": 50, "scenarios": {"login": "ab12"}}))  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
synthgen.errors.DatasetRefused: ... was made by another job (seed 7 here, 8 now); ...
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from synthgen.dataset import layout as L
from synthgen.dataset.destination import Destination
from synthgen.errors import DatasetRefused, OutputError
from synthgen.schema import SCHEMA_VERSION

__all__ = ["Job", "open_dataset", "read_marker", "env_differences", "MARKER_FORMAT"]

MARKER_FORMAT = "synthgen-dataset/1"


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


@dataclass(frozen=True)
class Job:
    """The parts of a job that shape a dataset's bytes (JSON values, compared part by part).

    >>> Job({"seed": 1}).fingerprint == Job({"seed": 1}).fingerprint != Job({"seed": 2}).fingerprint
    True
    """

    parts: dict[str, Any]

    @property
    def fingerprint(self) -> str:
        """A short hash of every part."""
        return hashlib.sha256(_canonical(self.parts).encode()).hexdigest()[:16]

    def differences(self, other: dict[str, Any]) -> list[str]:
        """What differs between a recorded job (``other``) and this one, one phrase per part.

        >>> Job({"seed": 8, "scenarios": {"a": "1", "c": "3"}}).differences({"seed": 7, "scenarios": {"a": "2", "b": "1"}})
        ['scenarios: a edited, b removed, c added', 'seed 7 here, 8 now']
        """
        out = []
        for key in sorted(set(self.parts) | set(other)):
            was, now = other.get(key), self.parts.get(key)
            if _canonical(was) == _canonical(now):
                continue
            if isinstance(was, dict) and isinstance(now, dict) and key == "scenarios":
                bits = [f"{n} edited" for n in sorted(set(was) & set(now)) if was[n] != now[n]]
                bits += [f"{n} removed" for n in sorted(set(was) - set(now))]
                bits += [f"{n} added" for n in sorted(set(now) - set(was))]
                out.append(f"scenarios: {', '.join(bits)}")
            elif isinstance(was, dict) and isinstance(now, dict):
                keys = sorted(k for k in set(was) | set(now) if _canonical(was.get(k)) != _canonical(now.get(k)))
                out.append(f"{key}: " + ", ".join(f"{k} {_short(was.get(k))} here, {_short(now.get(k))} now"
                                                   for k in keys))
            else:
                out.append(f"{key} {_short(was)} here, {_short(now)} now")
        return out

    def marker(self) -> dict[str, Any]:
        """The marker file's content."""
        return {"format": MARKER_FORMAT, "schema_version": SCHEMA_VERSION, "fingerprint": self.fingerprint,
                "job": self.parts}


def _short(v: Any) -> str:
    text = "none" if v is None else (v if isinstance(v, str) else _canonical(v))
    return text if len(text) <= 40 else text[:37] + "..."


def read_marker(dest: Destination) -> dict[str, Any] | None:
    """The marker of the dataset at ``dest``, or ``None`` when there is none."""
    if not dest.exists(L.MARKER_NAME):
        return None
    try:
        marker = json.loads(dest.read_bytes(L.MARKER_NAME).decode("utf-8"))
        if marker.get("format") != MARKER_FORMAT or not isinstance(marker.get("job"), dict):
            raise ValueError("not a marker of this format")
    except (ValueError, UnicodeDecodeError) as exc:
        raise DatasetRefused(f"{dest.uri}/{L.MARKER_NAME} is damaged ({exc}); generate into a new folder") from None
    return marker


def _entries(dest: Destination) -> list[str]:
    """Names at the root, lock and temporary files left out."""
    import pyarrow.fs as pafs

    sel = pafs.FileSelector(dest.base, allow_not_found=True, recursive=False)
    names = [info.path.rstrip("/").rsplit("/", 1)[-1] for info in dest.fs.get_file_info(sel)]
    return sorted(n for n in names if n != L.LOCK_NAME and not L.is_temp_name(n))


def env_differences(there: dict[str, Any], here: dict[str, Any]) -> list[str]:
    """What differs between a recorded environment fingerprint (``there``) and this one, one phrase per part.

    >>> env_differences({"python": "3.11.7", "packages": {"numpy": "2.4.6"}},
    ...                 {"python": "3.11.7", "packages": {"numpy": "2.5.0"}})
    ['packages: numpy 2.4.6 there, 2.5.0 here']
    """
    out = []
    for key in sorted(set(there) | set(here)):
        a, b = there.get(key), here.get(key)
        if a == b:
            continue
        if isinstance(a, dict) and isinstance(b, dict):
            out.append(f"{key}: " + ", ".join(f"{k} {a.get(k)} there, {b.get(k)} here"
                                               for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)))
        else:
            out.append(f"{key} {a} there, {b} here")
    return out


def open_dataset(dest: Destination, job: Job, *, create: bool = True, environment: dict[str, Any] | None = None,
                 allow_env_change: bool = False) -> str:
    """Make sure ``dest`` is (or becomes) ``job``'s dataset: ``'created'`` or ``'continued'``, else refuse.

    Call it holding the dataset's lock (local folders) and before touching anything else in ``dest``; with
    ``create=False`` it only checks (``'new'`` for a folder that would be created), writing nothing, so
    a refusal can come before the lock file is made.
    """
    info = dest.fs.get_file_info(dest.base)
    if info.type.name == "File":
        raise DatasetRefused(f"{dest.uri} is a file, not a folder; choose a folder for the dataset")
    marker = read_marker(dest) if info.type.name == "Directory" else None
    if marker is not None:
        diff = job.differences(marker["job"])
        if diff:
            raise DatasetRefused(f"{dest.uri} was made by another job ({'; '.join(diff)}); re-run with the same "
                                 "options to finish it, or give a new --out to start another dataset")
        envs = marker.get("environments") or []
        if environment is not None and envs and envs[-1] != environment:
            env_diff = env_differences(envs[-1], environment)
            if not allow_env_change:
                raise DatasetRefused(f"{dest.uri} was made in another environment ({'; '.join(env_diff)}); its bytes "
                                     "may differ from what this machine writes: give a new --out, or "
                                     "--allow-env-change to continue it here (both environments are recorded)")
            if create:
                marker["environments"] = [*envs, environment]
                dest.put_bytes(L.MARKER_NAME, (json.dumps(marker, indent=2, sort_keys=True) + "\n").encode())
        return "continued"
    entries = _entries(dest) if info.type.name == "Directory" else []
    if entries:
        legacy = {L.MANIFEST_NAME, L.SESSIONS} & set(entries)
        if legacy:
            raise DatasetRefused(f"{dest.uri} holds a dataset without a {L.MARKER_NAME} (made by an earlier "
                                 "synthgen, or not by synthgen); nothing in it was touched; give a new --out")
        shown = ", ".join(entries[:3]) + (f" and {len(entries) - 3} more" if len(entries) > 3 else "")
        raise DatasetRefused(f"{dest.uri} is not empty and is not a synthgen dataset (it holds {shown}); nothing "
                             "in it was touched; give a new or empty folder as --out")
    if not create:
        return "new"
    marker = job.marker()
    if environment is not None:
        marker["environments"] = [environment]  # where the dataset was made (a list: --allow-env-change adds)
    try:
        dest.put_bytes(L.MARKER_NAME, (json.dumps(marker, indent=2, sort_keys=True) + "\n").encode())
    except OSError as exc:
        raise OutputError(f"cannot create a dataset at {dest.uri}: {exc}; choose a writable --out") from exc
    return "created"
