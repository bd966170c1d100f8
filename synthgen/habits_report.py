"""Personas' habits as a dataset shows them: the way each ``do`` step took, task-level slips and their
recoveries, and the time spent reading (issue 18).

The one home of these measures: ``synthgen stats``, the overview's *Habits* part and
``benchmarks/habits.py`` all call this module.

* **Ways.** A ``do`` step instance is one ``(session, do prefix)``: the rows of its chosen steps carry the
  way in ``events.strategy`` and step ids ``<prefix>.<way>.<n>`` (``7.shortcut.1``; in a repeat
  ``3.2.7.menu.1``), so the prefix is the step id before the *last* ``.<way>.`` (the strategy column holds
  the innermost ``do``'s way). A ``do`` whose chosen steps wrote no rows (only waits and asserts) is not
  seen.
* **Slips.** The totals are the sessions' ``slips`` and ``recoveries`` counters. By kind, a slip is a run
  of consecutive ``intent == 'slip'`` rows of one kind in one step (a recovery may write no rows: a double
  click that left the box right, a wrong click that changed nothing, so recoveries are not split by kind).
* **Input steps** (the base of "slips per 100 input steps"): the steps in which the persona pressed a
  button or key or turned the wheel.
* **Reading.** ``sessions.read_ms``: its median per session and its share of the sessions' time.

>>> ev = {"step_id": ["0", "7.shortcut.1", "7.shortcut.1", "9.2.4.menu.1", "9.2.4.menu.2"],
...       "strategy": [None, "shortcut", "shortcut", "menu", "menu"]}
>>> way_counts(ev["step_id"], ev["strategy"])
{'menu': 1, 'shortcut': 1}
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence, Union

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

__all__ = ["INPUT_TYPES", "EVENT_COLUMNS", "HabitFigures", "do_prefix", "way_counts", "slip_kinds", "input_steps",
           "habit_figures", "read_habits", "has_habits", "summarise", "by_scenario", "shares_text",
           "read_personas", "by_habit_group", "twin_reach", "text_table"]

#: Event types that are a person's input (a press, a key, a wheel notch).
INPUT_TYPES: tuple[str, ...] = ("mousedown", "keydown", "wheel")
#: The events columns these measures read (``strategy`` and ``slip`` are schema 1.3's).
EVENT_COLUMNS: tuple[str, ...] = ("step_id", "type", "intent", "strategy", "slip")
_SESSION_COLUMNS = ("strategy", "slips", "recoveries", "read_ms")
_FIGURE_START = frozenset("0123456789-+–.")


def do_prefix(step_id: str, way: str) -> str:
    """The ``do`` step a row of way ``way`` belongs to: its step id before the last ``.<way>.`` (the
    innermost ``do`` is the one the strategy column names). A step id without it is its own instance.

    >>> do_prefix("7.shortcut.1", "shortcut"), do_prefix("login.3.2.menu.4", "menu")
    ('7', 'login.3.2')
    >>> do_prefix("7.menu.2.shortcut.1", "shortcut"), do_prefix("archive.toolbar.1", "toolbar")
    ('7.menu.2', 'archive')
    """
    cut = step_id.rfind(f".{way}.")
    return step_id if cut < 0 else step_id[:cut]


Strings = Union[Sequence[Any], pa.Array, pa.ChunkedArray]


def _strings(values: Strings) -> pa.Array:
    """A column as one string array (a dictionary column decoded), whatever it came as."""
    arr = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    arr = arr if isinstance(arr, pa.Array) else pa.array(list(arr), pa.string())
    return arr.cast(pa.string()) if pa.types.is_dictionary(arr.type) or arr.type != pa.string() else arr


def way_counts(step_ids: Strings, strategies: Strings) -> dict[str, int]:
    """One session's ``do`` step instances by the way each took: one per do prefix, however many rows.

    >>> way_counts(["1", "2.menu.1", "2.menu.1", "2.menu.2", "5.toolbar.1", "6.toolbar.1"],
    ...            [None, "menu", "menu", "menu", "toolbar", "toolbar"])
    {'menu': 1, 'toolbar': 2}
    """
    # the distinct (step, way) pairs first, in Arrow: a do step's rows are mostly pointer moves
    pairs = pa.table({"s": _strings(step_ids), "w": _strings(strategies)}).filter(
        pc.is_valid(_strings(strategies))).group_by(["s", "w"]).aggregate([])
    seen = {(do_prefix(s, w), w) for s, w in zip(pairs.column("s").to_pylist(), pairs.column("w").to_pylist())}
    return dict(sorted(Counter(w for _, w in seen).items()))


def slip_kinds(step_ids: Strings, intents: Strings, slips: Strings) -> dict[str, int]:
    """One session's slips by kind: runs of consecutive ``slip`` rows of one kind in one step.

    >>> slip_kinds(["3", "3", "3", "3", "4", "4", "5"], ["click", "slip", "slip", "recover", "slip", "slip", "slip"],
    ...            [None, "neighbour_click", "neighbour_click", "neighbour_click", "overscroll", "wrong_field",
    ...             "wrong_field"])
    {'neighbour_click': 1, 'overscroll': 1, 'wrong_field': 2}
    """
    step, kind = _strings(step_ids), _strings(slips)
    is_slip = pc.fill_null(pc.equal(_strings(intents), "slip"), False).to_numpy(zero_copy_only=False)
    if not is_slip.any():
        return {}

    def changed(col: pa.Array) -> np.ndarray:  # row i differs from row i-1 (nulls are a value)
        same = pc.fill_null(pc.equal(col[1:], col[:-1]), False)
        both_null = pc.and_(pc.is_null(col[1:]), pc.is_null(col[:-1]))
        return np.r_[True, ~pc.or_(same, both_null).to_numpy(zero_copy_only=False)]

    start = is_slip & (~np.r_[False, is_slip[:-1]] | changed(step) | changed(kind))
    counts = pc.value_counts(pc.fill_null(kind.filter(pa.array(start)), "?")).to_pylist()
    return dict(sorted((c["values"], int(c["counts"])) for c in counts))


def input_steps(step_ids: Strings, types: Strings) -> int:
    """Steps in which the persona gave input (:data:`INPUT_TYPES`).

    >>> input_steps(["0", "1", "2", "2", "3"], ["viewport", "navigate", "mousedown", "keydown", "wheel"])
    2
    """
    mask = pc.fill_null(pc.is_in(_strings(types), pa.array(INPUT_TYPES)), False)
    return int(pc.count_distinct(_strings(step_ids).filter(mask)).as_py())


@dataclass(frozen=True)
class HabitFigures:
    """One session's habits: its row's counters and what its events show."""

    session_id: str
    scenario: str
    persona_id: str
    status: str
    error: str | None
    duration_ms: float
    read_ms: float
    slips: int
    recoveries: int
    strategy: str | None  # sessions.strategy: the way the session reached for first
    ways: dict[str, int] = field(default_factory=dict)
    slip_kinds: dict[str, int] = field(default_factory=dict)
    input_steps: int = 0


def _column(table: pa.Table, name: str) -> pa.Array:
    """A string column of ``table``; all null when the table has no such column (before schema 1.3)."""
    if name not in table.column_names:
        return pa.nulls(table.num_rows, pa.string())
    return _strings(table.column(name))


def habit_figures(row: Mapping[str, Any], events: pa.Table) -> HabitFigures:
    """:class:`HabitFigures` of one session from its ``sessions`` row and its events (any columns beyond
    :data:`EVENT_COLUMNS` ignored; a table before schema 1.3 gives no ways and no slips).

    >>> ev = pa.table({"step_id": ["1", "2.menu.1", "2.menu.1", "3"], "type": ["navigate", "mousedown", "click", "keydown"],
    ...                "intent": ["goto", "click", "click", "type"], "strategy": [None, "menu", "menu", None],
    ...                "slip": [None] * 4})
    >>> f = habit_figures({"session_id": "a-s1-00000", "scenario": "a", "persona_id": "p1", "status": "ok",
    ...                    "duration_ms": 9000.0, "read_ms": 2000.0, "slips": 0, "recoveries": 0}, ev)
    >>> f.ways, f.input_steps, f.read_ms
    ({'menu': 1}, 2, 2000.0)
    """
    step_ids = _column(events, "step_id")
    return HabitFigures(
        session_id=str(row["session_id"]), scenario=str(row.get("scenario")), persona_id=str(row.get("persona_id")),
        status=str(row.get("status")), error=row.get("error"), duration_ms=float(row.get("duration_ms") or 0.0),
        read_ms=float(row.get("read_ms") or 0.0), slips=int(row.get("slips") or 0),
        recoveries=int(row.get("recoveries") or 0), strategy=row.get("strategy"),
        ways=way_counts(step_ids, _column(events, "strategy")),
        slip_kinds=slip_kinds(step_ids, _column(events, "intent"), _column(events, "slip")),
        input_steps=input_steps(step_ids, _column(events, "type")))


def has_habits(row: Mapping[str, Any]) -> bool:
    """Whether a ``sessions`` row was written with the habit columns (schema 1.3 on).

    >>> has_habits({"slips": 0, "recoveries": 0, "read_ms": 0.0, "strategy": None}), has_habits({"status": "ok"})
    (True, False)
    """
    return all(c in row for c in _SESSION_COLUMNS)


def read_habits(root: Path, rows: Iterable[Mapping[str, Any]] | None = None) -> list[HabitFigures]:
    """:class:`HabitFigures` of every complete session of the dataset at ``root`` (local or any URI a
    :class:`~synthgen.dataset.DatasetReader` opens), in session-id order. ``rows``: the ``sessions`` rows
    when already read (whole rows). Sessions without readable events are left out.

    >>> import tempfile
    >>> read_habits(Path(tempfile.mkdtemp()))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    synthgen.dataset.reader.NotADataset: ... is not a synthgen dataset ...
    """
    import io

    from synthgen.dataset import DatasetReader
    from synthgen.dataset import layout as L

    reader = DatasetReader(root).require()
    out = []
    # whole rows: asking a table from before schema 1.3 for its habit columns would skip every row
    for row in (reader.rows() if rows is None else rows):
        sid = str(row["session_id"])
        try:
            pf = pq.ParquetFile(io.BytesIO(reader.dest.read_bytes(L.events_file(sid))))
            events = pf.read(columns=[c for c in EVENT_COLUMNS if c in pf.schema_arrow.names])
        except (OSError, pa.ArrowException, ValueError):
            continue
        out.append(habit_figures(row, events))
    return out


def _share(n: float, d: float) -> float | None:
    return round(n / d, 4) if d else None


def summarise(figs: Sequence[HabitFigures]) -> dict[str, Any]:
    """JSON-ready habits of a group of sessions: ``do`` instances by way and their shares (largest first),
    slips (total, per session, per 100 input steps, by kind), recoveries and their share of slips, reading
    time (median per session, share of the sessions' time).

    >>> a = HabitFigures("a-s1-00000", "a", "p1", "ok", None, 10_000.0, 3000.0, 2, 2, "menu", {"menu": 3},
    ...                  {"overscroll": 2}, 20)
    >>> b = HabitFigures("a-s1-00001", "a", "p2", "ok", None, 10_000.0, 1000.0, 0, 0, "toolbar", {"toolbar": 1}, {}, 20)
    >>> s = summarise([a, b])
    >>> s["way_shares"], s["slips_per_100_input_steps"], s["read_share"], s["read_ms_median"]
    ({'menu': 0.75, 'toolbar': 0.25}, 5.0, 0.2, 2000.0)
    """
    n = len(figs)
    ways: Counter = Counter()
    kinds: Counter = Counter()
    for f in figs:
        ways.update(f.ways)
        kinds.update(f.slip_kinds)
    do_steps = sum(ways.values())
    slips = sum(f.slips for f in figs)
    recoveries = sum(f.recoveries for f in figs)
    steps = sum(f.input_steps for f in figs)
    read = np.array([f.read_ms for f in figs], float)
    duration = sum(f.duration_ms for f in figs)
    order = sorted(ways, key=lambda w: (-ways[w], w))
    return {
        "sessions": n,
        "do_steps": do_steps,
        "ways": {w: ways[w] for w in order},
        "way_shares": {w: round(ways[w] / do_steps, 4) for w in order},
        "slips": slips,
        "slips_per_session": _share(slips, n),
        "slips_per_100_input_steps": None if not steps else round(100.0 * slips / steps, 3),
        "input_steps": steps,
        "slips_by_kind": {k: kinds[k] for k in sorted(kinds, key=lambda k: (-kinds[k], k))},
        "recoveries": recoveries,
        "recovered_share": _share(recoveries, slips),
        "read_ms_median": round(float(np.median(read)), 1) if n else None,
        "read_share": _share(float(read.sum()), duration),
    }


def by_scenario(figs: Iterable[HabitFigures]) -> dict[str, dict[str, Any]]:
    """:func:`summarise` per scenario, by name.

    >>> by_scenario([])
    {}
    """
    groups: dict[str, list[HabitFigures]] = {}
    for f in figs:
        groups.setdefault(f.scenario, []).append(f)
    return {name: summarise(groups[name]) for name in sorted(groups)}


def shares_text(shares: Mapping[str, float], sep: str = " · ") -> str:
    """Way shares as people read them, largest first.

    >>> shares_text({"menu": 0.75, "toolbar": 0.25}), shares_text({})
    ('menu 75% · toolbar 25%', '–')
    """
    if not shares:
        return "–"
    return sep.join(f"{w} {100.0 * v:.0f}%" for w, v in sorted(shares.items(), key=lambda kv: (-kv[1], kv[0])))


# ---- the benchmark's views: habit groups and no-slip twins -----------------------------------------------
def read_personas(root: Path) -> dict[str, dict[str, Any]]:
    """The persona pool of a dataset: ``persona_id -> {"habit", "strategy"}`` (strategy: the persona's
    preference weights over the ways, from ``behaviour_json``).

    >>> import tempfile
    >>> read_personas(Path(tempfile.mkdtemp()))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    FileNotFoundError: ... has no personas/personas.parquet with habits ...; ...
    """
    from synthgen.dataset import layout as L

    path = Path(root) / L.PERSONAS_FILE
    names = pq.read_schema(path).names if path.is_file() else []
    if "habit" not in names or "behaviour_json" not in names:
        raise FileNotFoundError(f"{root} has no {L.PERSONAS_FILE} with habits (columns habit, behaviour_json); "
                                "give a dataset generated with schema 1.3 or later")
    rows = pq.read_table(path, columns=["persona_id", "habit", "behaviour_json"]).to_pylist()
    return {r["persona_id"]: {"habit": r["habit"], "strategy": json.loads(r["behaviour_json"])["strategy"]}
            for r in rows}


def by_habit_group(figs: Iterable[HabitFigures], personas: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """Per persona habit group (``personas.habit``) of the sessions ``figs``: its personas (those with a
    session here), sessions, ``do`` instances, the measured share of instances by way, and the group's
    preference (mean strategy weights of those personas).

    >>> p = {"p1": {"habit": "menu", "strategy": {"menu": 0.8, "toolbar": 0.2}},
    ...      "p2": {"habit": "menu", "strategy": {"menu": 0.6, "toolbar": 0.4}}}
    >>> f = [HabitFigures("a-s1-00000", "a", "p1", "ok", None, 1.0, 0.0, 0, 0, "menu", {"menu": 3, "toolbar": 1}),
    ...      HabitFigures("a-s1-00001", "a", "p2", "ok", None, 1.0, 0.0, 0, 0, "menu", {"menu": 4})]
    >>> g = by_habit_group(f, p)["menu"]
    >>> g["personas"], g["measured"], g["preference"]
    (2, {'menu': 0.875, 'toolbar': 0.125}, {'menu': 0.7, 'toolbar': 0.3})
    """
    groups: dict[str, dict[str, Any]] = {}
    for f in figs:
        p = personas.get(f.persona_id)
        if p is None:
            raise KeyError(f"session {f.session_id}: persona {f.persona_id} is not in the persona pool; "
                           "read the personas of the same dataset")
        g = groups.setdefault(p["habit"], {"personas": set(), "sessions": 0, "ways": Counter()})
        g["personas"].add(f.persona_id)
        g["sessions"] += 1
        g["ways"].update(f.ways)
    out = {}
    for habit in sorted(groups):
        g = groups[habit]
        ways, n = g["ways"], sum(g["ways"].values())
        pref: Counter = Counter()
        for pid in g["personas"]:
            pref.update(personas[pid]["strategy"])
        out[habit] = {"personas": len(g["personas"]), "sessions": g["sessions"], "do_steps": n,
                      "measured": {w: round(ways[w] / n, 4) for w in sorted(ways)} if n else {},
                      "preference": {w: round(v / len(g["personas"]), 4) for w, v in sorted(pref.items())}}
    return out


def twin_reach(with_slips: Sequence[HabitFigures], without: Sequence[HabitFigures]) -> dict[str, Any]:
    """Goal reach with and without slips: the share of sessions ``ok`` in each run, and the target figure:
    among sessions whose no-slip twin (same session id in ``without``) is ok, the share also ok with slips;
    those that are not (``failing``: id, slips, failed step... error). Sessions of either run without a twin
    are counted in ``unpaired``.

    >>> ok = lambda sid, status, slips=0: HabitFigures(sid, "a", "p", status, None if status == "ok" else "boom",
    ...                                                1.0, 0.0, slips, slips, None)
    >>> r = twin_reach([ok("a-s1-00000", "ok", 1), ok("a-s1-00001", "failed", 2), ok("a-s1-00002", "failed")],
    ...                [ok("a-s1-00000", "ok"), ok("a-s1-00001", "ok"), ok("a-s1-00002", "failed")])
    >>> r["twins_ok"], r["also_ok"], r["target_share"], [f["session_id"] for f in r["failing"]]
    (2, 1, 0.5, ['a-s1-00001'])
    """
    base = {f.session_id: f for f in without}
    slipped = {f.session_id: f for f in with_slips}
    twins = [(slipped[s], base[s]) for s in sorted(slipped.keys() & base.keys())]
    eligible = [(a, b) for a, b in twins if b.status == "ok"]
    failing = [{"session_id": a.session_id, "scenario": a.scenario, "slips": a.slips, "error": a.error}
               for a, _ in eligible if a.status != "ok"]
    with_s = [a for a, _ in twins if a.slips > 0]
    no_s = [a for a, _ in twins if a.slips == 0]
    return {
        "twins": len(twins), "unpaired": len(slipped.keys() ^ base.keys()),
        "ok_share_with_slips_run": _share(sum(a.status == "ok" for a, _ in twins), len(twins)),
        "ok_share_without_slips_run": _share(sum(b.status == "ok" for _, b in twins), len(twins)),
        "sessions_with_slips": len(with_s), "ok_share_sessions_with_slips": _share(
            sum(a.status == "ok" for a in with_s), len(with_s)),
        "sessions_without_slips": len(no_s), "ok_share_sessions_without_slips": _share(
            sum(a.status == "ok" for a in no_s), len(no_s)),
        "twins_ok": len(eligible), "also_ok": len(eligible) - len(failing),
        "target_share": _share(len(eligible) - len(failing), len(eligible)), "failing": failing,
    }


def text_table(rows: Sequence[Sequence[Any]], head: Sequence[str]) -> str:
    """A plain-text table: columns padded to their widest cell; a column of figures (every cell starts with a
    digit, a sign or a dash) right-aligned.

    >>> print(text_table([["menu", 3, "5.0%"], ["toolbar", 12, "–"]], ["way", "n", "share"]))
    way       n  share
    -------  --  -----
    menu      3   5.0%
    toolbar  12      –
    """
    cells = [[str(c) for c in r] for r in rows]
    w = [max(len(r[i]) for r in cells + [list(head)]) for i in range(len(head))]
    right = [bool(cells) and all(r[i][:1] in _FIGURE_START for r in cells) for i in range(len(head))]

    def line(r: Sequence[str]) -> str:
        return "  ".join(c.rjust(w[i]) if right[i] else c.ljust(w[i]) for i, c in enumerate(r)).rstrip()

    return "\n".join([line(list(head)), line(["-" * x for x in w])] + [line(r) for r in cells])
