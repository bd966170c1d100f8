"""Idle pointer time: how much of the time between a person's actions the pointer rests, real and synthetic.

Between two actions a person reads, thinks, types, or moves the pointer; how much of that time the
pointer stands still is a plain tell of scripted input (a bot's pointer is either always moving or
always parked). This module measures it the same way on the reference sets and on a synthgen dataset.

**Definitions** (times in ms; every threshold is a keyword argument):

* *Pointer samples*: rows of a pointer event type (:data:`POINTER_TYPES`) with a finite position, in time
  order. Recorders log the pointer when it moves (DOM events, Balabit's and Freihaut's loggers alike),
  so between two samples the pointer stood where the first one puts it.
* *Rest bout*: a maximal stretch during which the pointer stays within ``still_px`` (2 px, Euclidean) of
  where the stretch began. It begins at a sample (the anchor) and ends at the first later sample more
  than ``still_px`` from the anchor, or never (``inf``) if none comes. Measuring from the anchor, not from
  the previous sample, makes a slow drift in 1 px steps movement once it adds up to more than 2 px, while
  a 1-2 px tremor of a resting hand stays rest.
* *Actions*: presses, by default ``mousedown`` and ``keydown`` rows (:data:`ACTIONS`).
* *Inter-action interval*: the time between two consecutive actions of a session, kept when it lasts
  300 ms to 60 s: shorter gaps lie inside one act (a double click, a typing burst), longer ones most
  likely have the person away from the task (or, as the recorder sees it, in another window).
* *Rest time of an interval*: the summed length of the pieces of rest bouts inside it (each bout clipped
  to the interval) that last at least ``min_rest_ms`` (200 ms). A pause shorter than that is part of
  pointing (the stop before a click, the turn after an overshoot), not rest.
* *Rest share*: rest time / interval length, pooled over intervals (sum of rest / sum of lengths: the
  share of between-action time the pointer rests) and as the median of per-interval shares.
* *Rest bouts* reported: the clipped pieces of at least ``min_rest_ms``.

A recorder that logs no keys (Balabit) sees typing as one long interval in which the pointer rests;
compare it with a synthetic figure computed from ``mousedown`` alone (:func:`idle_of_dataset` with
``actions=("mousedown",)``), which sees the same.

>>> ev = pd.DataFrame({"session_id": "s", "t_ms": [0.0, 100, 200, 1200, 1216, 1232, 2232],
...                    "type": ["mousedown", "mousemove", "mousemove", "mousemove", "mousemove", "mousemove",
...                             "mousedown"],
...                    "x": [0.0, 50, 51, 60, 70, 80, 80], "y": 0.0})
>>> st = idle_of_events(ev)
>>> st.intervals, round(st.rest_share, 3), st.bouts_ms.tolist()
(1, 0.941, [1100.0, 1000.0])
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["POINTER_TYPES", "ACTIONS", "BOUT_EDGES_S", "IdleStats", "rest_bouts", "interval_rest",
           "idle_of_events", "idle_of_dataset", "reference_idle", "REFERENCE_SOURCES"]

#: Event types whose rows carry the pointer's position.
POINTER_TYPES: tuple[str, ...] = ("mousemove", "mousedown", "mouseup", "click", "dblclick", "contextmenu", "wheel")
#: Event types that count as actions by default (a button or key press).
ACTIONS: tuple[str, ...] = ("mousedown", "keydown")
#: Bin edges (s) of the rest-bout length histogram.
BOUT_EDGES_S: tuple[float, ...] = (0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 60.0)
#: The reference sets :func:`reference_idle` reads.
REFERENCE_SOURCES: tuple[str, ...] = ("balabit", "freihaut", "sapimouse")


def rest_bouts(t: np.ndarray, x: np.ndarray, y: np.ndarray, *, still_px: float = 2.0,
               min_ms: float = 200.0) -> np.ndarray:
    """The rest bouts ``[start, end)`` of one session's pointer samples (time-ordered), ``(k, 2)``.

    Only bouts of at least ``min_ms`` are returned (clipping to an interval can only shorten them);
    the last bout ends at ``inf``.

    >>> t = np.array([0.0, 16, 32, 532, 548])
    >>> rest_bouts(t, np.array([0.0, 1, 1, 2, 9]), np.zeros(5)).tolist()  # within 2 px of x=0 until 548
    [[0.0, 548.0], [548.0, inf]]
    >>> rest_bouts(np.arange(11) * 16.0, np.arange(11.0), np.zeros(11)).tolist()  # a steady 1 px/frame drift
    [[144.0, inf]]
    """
    t, x, y = (np.asarray(a, dtype=np.float64) for a in (t, x, y))
    if not (t.shape == x.shape == y.shape) or t.ndim != 1:
        raise ValueError(f"t, x, y must be 1-D and of one length (got {t.shape}, {x.shape}, {y.shape})")
    if t.size and np.any(np.diff(t) < 0):
        raise ValueError("pointer samples must be in time order (sort by t_ms, then seq)")
    r2 = still_px * still_px
    out: list[tuple[float, float]] = []
    tl, xl, yl = t.tolist(), x.tolist(), y.tolist()  # plain floats: this loop is the hot path
    n, i = len(tl), 0
    while i < n:
        ax, ay, j = xl[i], yl[i], i + 1
        while j < n and (xl[j] - ax) ** 2 + (yl[j] - ay) ** 2 <= r2:
            j += 1
        end = tl[j] if j < n else float("inf")
        if end - tl[i] >= min_ms:
            out.append((tl[i], end))
        i = j
    return np.array(out, dtype=np.float64).reshape(-1, 2)


def interval_rest(action_t: np.ndarray, bouts: np.ndarray, *, min_interval_ms: float = 300.0,
                  max_interval_ms: float = 60_000.0, min_rest_ms: float = 200.0
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For one session: the kept inter-action intervals' lengths, their rest times, and the rest pieces.

    ``action_t``: the session's action times; ``bouts``: :func:`rest_bouts`. Returns ``(lengths, rest,
    pieces)``: one length and rest time per kept interval, and every clipped bout piece of at least
    ``min_rest_ms``.

    >>> lengths, rest, pieces = interval_rest(np.array([0.0, 100, 2100, 70000]),
    ...                                       np.array([[50.0, 600], [900, 1000], [1500, np.inf]]))
    >>> lengths.tolist(), rest.tolist(), pieces.tolist()  # 0-100 too short, 2100-70000 too long
    ([2000.0], [1100.0], [500.0, 600.0])
    """
    a = np.sort(np.asarray(action_t, dtype=np.float64))
    lo, hi = a[:-1], a[1:]
    keep = ((hi - lo) >= min_interval_ms) & ((hi - lo) <= max_interval_ms)
    lo, hi = lo[keep], hi[keep]
    rest = np.zeros(lo.size)
    pieces: list[np.ndarray] = []
    if bouts.size:
        starts, ends = bouts[:, 0], bouts[:, 1]
        for k in range(lo.size):
            # bouts are disjoint and in order: those overlapping [lo, hi) are one contiguous run
            first = int(np.searchsorted(ends, lo[k], side="right"))
            last = int(np.searchsorted(starts, hi[k], side="left"))
            if last <= first:
                continue
            piece = np.minimum(ends[first:last], hi[k]) - np.maximum(starts[first:last], lo[k])
            piece = piece[piece >= min_rest_ms]
            rest[k] = piece.sum()
            pieces.append(piece)
    return hi - lo, rest, (np.concatenate(pieces) if pieces else np.zeros(0))


@dataclass(frozen=True)
class IdleStats:
    """Idle pointer time of one source (see the module docstring for the definitions)."""

    source: str
    actions: tuple[str, ...]
    sessions: int  # sessions with at least one kept interval
    people: int
    intervals: int
    interval_s: float  # summed length of the kept intervals
    rest_share: float  # summed rest / summed interval length
    median_interval_share: float  # median over intervals of rest / length
    any_rest_share: float  # share of intervals with at least one rest piece
    bouts_ms: np.ndarray = field(repr=False)  # every rest piece, ms
    person_shares: dict[str, float] = field(repr=False, default_factory=dict)  # pooled rest share per person

    def bout_quantiles(self, qs: Sequence[float] = (0.1, 0.25, 0.5, 0.75, 0.9)) -> dict[float, float]:
        """Quantiles of the rest-bout lengths, seconds (NaN without bouts).

        >>> IdleStats("x", ACTIONS, 1, 1, 1, 1.0, 0.5, 0.5, 1.0, np.array([300.0, 500, 700])).bout_quantiles((0.5,))
        {0.5: 0.5}
        """
        if not self.bouts_ms.size:
            return {q: float("nan") for q in qs}
        return {q: float(np.quantile(self.bouts_ms, q)) / 1000.0 for q in qs}

    def bout_histogram(self, edges_s: Sequence[float] = BOUT_EDGES_S) -> list[tuple[str, float]]:
        """Share of rest bouts per length bin, ``[(label, share), ...]`` (bins ``[a, b)`` seconds).

        >>> IdleStats("x", ACTIONS, 1, 1, 1, 1.0, 0.5, 0.5, 1.0, np.array([300.0, 1500])).bout_histogram((0.2, 1, 2))
        [('0.2-1 s', 0.5), ('1-2 s', 0.5)]
        """
        s = self.bouts_ms / 1000.0
        n = max(s.size, 1)
        return [(f"{a:g}-{b:g} s", float(((s >= a) & (s < b)).sum()) / n) for a, b in zip(edges_s[:-1], edges_s[1:])]

    def person_spread(self) -> tuple[float, float]:
        """The lowest and highest per-person rest share (NaN without people)."""
        v = list(self.person_shares.values())
        return (min(v), max(v)) if v else (float("nan"), float("nan"))


def _person(session_id: str) -> str:
    from synthgen.fidelity.mouse_detect import person_of

    return person_of(session_id)


def idle_of_events(events: pd.DataFrame, *, actions: Iterable[str] = ACTIONS, source: str = "",
                   keep: Callable[[str], bool] | None = None, person: Callable[[str], str] | None = None,
                   still_px: float = 2.0, min_rest_ms: float = 200.0, min_interval_ms: float = 300.0,
                   max_interval_ms: float = 60_000.0) -> IdleStats:
    """Idle pointer time of an events frame (columns ``session_id``, ``t_ms``, ``type``, ``x``, ``y``;
    ``seq`` orders ties when present), over the sessions ``keep`` accepts (default: all).

    ``person`` maps a session id to its person (default :func:`synthgen.fidelity.mouse_detect.person_of`:
    ``source/person/session``; a synthgen session id is its own person unless you pass its persona).
    """
    missing = {"session_id", "t_ms", "type", "x", "y"} - set(events.columns)
    if missing:
        raise ValueError(f"events frame lacks column(s) {sorted(missing)}; need session_id, t_ms, type, x, y")
    acts = tuple(actions)
    if not acts:
        raise ValueError("actions is empty; give event types, e.g. ('mousedown', 'keydown')")
    person = person or _person
    order = ["session_id", "t_ms"] + (["seq"] if "seq" in events.columns else [])
    ev = events.sort_values(order, kind="mergesort")
    typ = ev["type"].astype(str).to_numpy()
    sid = ev["session_id"].astype(str).to_numpy()
    t = ev["t_ms"].to_numpy(np.float64)
    x = pd.to_numeric(ev["x"], errors="coerce").to_numpy(np.float64, na_value=np.nan)
    y = pd.to_numeric(ev["y"], errors="coerce").to_numpy(np.float64, na_value=np.nan)
    is_ptr = np.isin(typ, POINTER_TYPES) & np.isfinite(x) & np.isfinite(y)
    is_act = np.isin(typ, acts)
    # sessions as contiguous runs of the sorted frame
    cuts = np.flatnonzero(sid[1:] != sid[:-1]) + 1
    bounds = np.r_[0, cuts, sid.size]
    lengths, rests, pieces, people = [], [], [], []
    sessions = 0
    for a, b in zip(bounds[:-1], bounds[1:]):
        s = str(sid[a]) if b > a else ""
        if b <= a or (keep is not None and not keep(s)):
            continue
        p = is_ptr[a:b]
        bouts = rest_bouts(t[a:b][p], x[a:b][p], y[a:b][p], still_px=still_px, min_ms=min_rest_ms)
        ln, rs, pc = interval_rest(t[a:b][is_act[a:b]], bouts, min_interval_ms=min_interval_ms,
                                   max_interval_ms=max_interval_ms, min_rest_ms=min_rest_ms)
        if ln.size:
            sessions += 1
            lengths.append(ln)
            rests.append(rs)
            pieces.append(pc)
            people.append(np.full(ln.size, person(s), dtype=object))
    ln = np.concatenate(lengths) if lengths else np.zeros(0)
    rs = np.concatenate(rests) if rests else np.zeros(0)
    who = np.concatenate(people) if people else np.zeros(0, dtype=object)
    shares: dict[str, float] = {}
    for w in sorted(set(who.tolist())):
        m = who == w
        shares[w] = float(rs[m].sum() / ln[m].sum())
    nan = float("nan")
    return IdleStats(
        source=source, actions=acts, sessions=sessions, people=len(shares), intervals=int(ln.size),
        interval_s=float(ln.sum()) / 1000.0,
        rest_share=float(rs.sum() / ln.sum()) if ln.size else nan,
        median_interval_share=float(np.median(rs / ln)) if ln.size else nan,
        any_rest_share=float((rs > 0).mean()) if ln.size else nan,
        bouts_ms=np.concatenate(pieces) if pieces else np.zeros(0), person_shares=shares)


def idle_of_dataset(path: Path | str, *, actions: Iterable[str] = ACTIONS, **kw: float) -> IdleStats:
    """Idle pointer time of a synthgen dataset folder (``events/*.parquet``), each persona one person.

    Reads only the columns it needs; the persona of each session comes from ``sessions/*.parquet`` when
    present (else each session is its own person).
    """
    import pyarrow.dataset as pads

    root = Path(path)
    ev_dir = root / "events" if (root / "events").is_dir() else root
    files = sorted(str(p) for p in ev_dir.rglob("*.parquet")) if ev_dir.is_dir() else []
    if not files:
        raise FileNotFoundError(f"{ev_dir}: no events/*.parquet files; is {root} a synthgen dataset folder?")
    cols = ["session_id", "seq", "t_ms", "type", "x", "y"]
    ev = pads.dataset(files, format="parquet").to_table(columns=cols).to_pandas()
    persona: dict[str, str] = {}
    sess = sorted(str(p) for p in (root / "sessions").glob("*.parquet")) if (root / "sessions").is_dir() else []
    if sess:
        st = pads.dataset(sess, format="parquet").to_table(columns=["session_id", "persona_id"]).to_pylist()
        persona = {str(r["session_id"]): str(r["persona_id"]) for r in st}
    return idle_of_events(ev, actions=actions, source=f"synthgen {root.name}",
                          person=lambda s: persona.get(s, s), **kw)  # type: ignore[arg-type]


def reference_idle(source: str, *, root: Path | None = None, fit: bool = True, **kw: float) -> IdleStats:
    """Idle pointer time of a reference set, over its fit people only (``fit=False``: the held-out ones),
    split by :func:`synthgen.fidelity.mouse_detect.is_fit_person` like every fit in the project.

    Balabit's recorder logs no keys, so its actions are mouse presses only; the point-and-click sets have
    no keys to log. Balabit delivers positions about every 109 ms for 7 of its 10 users (16 ms for user7,
    user9, user20), so its bout boundaries are known to about a tenth of a second. Raises
    :class:`~synthgen.fidelity.readers.ReferenceDataNotFound` without the data.

    >>> reference_idle("balabit").rest_share > 0.3  # doctest: +SKIP
    True
    """
    from synthgen.fidelity.mouse_detect import is_fit_person, person_of
    from synthgen.fidelity.readers import read_balabit, read_freihaut, read_sapimouse, reference_root

    def keep(sid: str) -> bool:
        return is_fit_person(person_of(sid)) == fit

    if source == "balabit":
        base = (root or reference_root()) / "mouse" / "balabit"
        # read only the people wanted: Balabit is large (2.25 M rows)
        users = [u.name for u in sorted(base.iterdir()) if u.is_dir() and keep(f"balabit/{u.name}/x")] \
            if base.is_dir() else None
        if users == []:
            raise ValueError(f"no Balabit user under {base} is a {'fit' if fit else 'held-out'} person")
        ev = read_balabit(root, users=users)
    elif source == "freihaut":
        ev = read_freihaut(None if root is None else root / "mouse" / "freihaut" / "point_click.csv")
    elif source == "sapimouse":
        ev = read_sapimouse(None if root is None else root / "mouse" / "sapimouse" / "events.csv")
    else:
        raise ValueError(f"source={source!r}: must be one of {', '.join(REFERENCE_SOURCES)}")
    return idle_of_events(ev, actions=("mousedown",), source=source, keep=keep, **kw)  # type: ignore[arg-type]
