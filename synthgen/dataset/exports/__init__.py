"""Exports: other forms of the same sessions, written beside the dataset under ``exports/<format>/``.

Each format is one function from a finished session (:class:`~synthgen.dataset.record.SessionRecord`) to
its files (``{relative path: bytes}``); the session writer runs them as sessions end
(``generate --export``) and :func:`synthgen.dataset.export_dataset` runs them over a dataset on disk.

>>> sorted(EXPORTERS)
['balabit', 'rrweb', 'trajectories']
>>> parse_exports("rrweb, balabit")
('rrweb', 'balabit')
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Iterable

from synthgen.dataset.exports.balabit import balabit_files
from synthgen.dataset.exports.rrweb import rrweb_files
from synthgen.dataset.exports.trajectories import trajectory_files
from synthgen.dataset.layout import DATASET_EXPORTS, EXPORT_FORMATS
from synthgen.errors import ConfigError

if TYPE_CHECKING:
    from synthgen.dataset.record import SessionRecord

__all__ = ["EXPORTERS", "EXPORT_FORMATS", "DATASET_EXPORTS", "parse_exports", "session_exports"]

EXPORTERS: dict[str, Callable[["SessionRecord"], dict[str, bytes]]] = {
    "trajectories": trajectory_files, "rrweb": rrweb_files, "balabit": balabit_files}
assert tuple(EXPORTERS) == EXPORT_FORMATS  # one list of formats: the layout's


def parse_exports(spec: str | Iterable[str] | None) -> tuple[str, ...]:
    """``"trajectories,rrweb"`` (or a list) -> validated names, in the given order, without repeats.

    >>> parse_exports("csv")
    Traceback (most recent call last):
    ...
    synthgen.errors.ConfigError: export='csv': use any of trajectories, rrweb, balabit, hf (comma-separated)
    """
    if spec is None:
        return ()
    items = spec.split(",") if isinstance(spec, str) else [p for s in spec for p in s.split(",")]
    out: list[str] = []
    for raw in items:
        name = raw.strip().lower()
        if not name:
            continue
        if name not in EXPORT_FORMATS + DATASET_EXPORTS:
            raise ConfigError("export", raw, f"use any of {', '.join(EXPORT_FORMATS + DATASET_EXPORTS)} "
                                             "(comma-separated)")
        if name not in out:
            out.append(name)
    return tuple(out)


def session_exports(names: Iterable[str]) -> tuple[str, ...]:
    """The per-session formats of ``names`` (``hf`` is written for the whole dataset at the end).

    >>> session_exports(("hf", "trajectories"))
    ('trajectories',)
    """
    return tuple(n for n in names if n in EXPORT_FORMATS)
