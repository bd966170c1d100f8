"""Clearing what an interrupted run of a job left, and nothing else.

Repair runs only in a folder that is this job's dataset (after :func:`synthgen.dataset.job.open_dataset`,
holding :class:`synthgen.dataset.lock.DatasetLock`). It removes, by name from
:mod:`synthgen.dataset.layout` and never through a symbolic link:

* temporary files (``.<name>.tmp-<pid>``) inside the dataset's own folders and of its root files;
* every file of a session *of this job* whose ``sessions`` row is missing (an unfinished session: the
  next run writes it again in full);
* every file of a session of this job whose files are torn (:meth:`DatasetReader.damage`), its sessions
  row first, so that a repair that is itself interrupted leaves the session incomplete, never half-complete.

Files it did not write (another tool's, a user's, names that merely look like session ids) are never
looked at: it visits only the exact paths the layout gives for the job's sessions.

>>> import tempfile
>>> from synthgen.dataset.destination import Destination
>>> d = Destination.from_uri(tempfile.mkdtemp())
>>> d.put_bytes("events/a-s1-00000.parquet", b"x"); d.put_bytes("events/trip-s2-20240612.jpg", b"photo")
>>> r = repair_dataset(d, [("a-s1-00000", "p1")]); (r.incomplete, d.exists("events/trip-s2-20240612.jpg"))
(['a-s1-00000'], True)
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Iterable

from synthgen.dataset import layout as L
from synthgen.dataset.destination import Destination
from synthgen.dataset.reader import DatasetReader

__all__ = ["RepairReport", "repair_dataset", "remove_session"]


@dataclass
class RepairReport:
    """What :func:`repair_dataset` removed."""

    temp_files: list[str] = field(default_factory=list)
    incomplete: list[str] = field(default_factory=list)
    torn: dict[str, str] = field(default_factory=dict)  # session id -> what was wrong

    @property
    def changed(self) -> bool:
        return bool(self.temp_files or self.incomplete or self.torn)


def remove_session(dest: Destination, sid: str, persona_id: str) -> bool:
    """Remove every file of one session, its sessions row first; True if anything was there."""
    found = False
    rels = L.session_files(sid, persona_id)
    for rel in [rels[-1], *rels[:-1]]:
        found |= dest.delete(rel)
    for rel, _size in dest.walk(L.frames_dir(sid)):
        found |= dest.delete(rel)
    if dest.is_local:
        d = dest.local_path / L.frames_dir(sid)
        if d.is_dir() and not d.is_symlink():
            try:
                d.rmdir()
            except OSError:
                pass
    return found


def _temp_files(dest: Destination) -> list[str]:
    if not dest.is_local:
        return []  # object stores write each file in one PUT: there are no temporary names to clear
    root = dest.local_path
    out = [n for n in os.listdir(root) if L.is_temp_name(n) and n[1:].rsplit(".tmp-", 1)[0] in L.TOP_LEVEL
           and not os.path.islink(root / n)]
    for top in L.DATA_DIRS:
        start = root / top
        if start.is_symlink() or not start.is_dir():
            continue
        for d, dirs, files in os.walk(start, followlinks=False):
            dirs[:] = [x for x in dirs if not os.path.islink(os.path.join(d, x))]
            out += [os.path.relpath(os.path.join(d, f), root).replace(os.sep, "/") for f in files
                    if L.is_temp_name(f) and not os.path.islink(os.path.join(d, f))]
    return sorted(out)


def repair_dataset(dest: Destination, sessions: Iterable[tuple[str, str]]) -> RepairReport:
    """Clear leftovers of the job whose sessions are ``(session id, persona id)`` pairs."""
    report = RepairReport()
    for rel in _temp_files(dest):
        if dest.delete(rel):
            report.temp_files.append(rel)
    reader = DatasetReader(dest)
    complete = set(reader.complete_ids())
    for sid, persona_id in sessions:
        if sid in complete:
            why = reader.damage(sid)
            if why is not None:
                remove_session(dest, sid, persona_id)
                report.torn[sid] = why
        elif remove_session(dest, sid, persona_id):
            report.incomplete.append(sid)
    return report
