"""Distributions of human-input timing, the Fitts fit, and distances between real and synthetic.

Every function takes an events frame (real or synthetic, see :mod:`synthgen.fidelity.readers`) and
returns a plain numpy array of per-event or per-session values, so both sides are measured by the
same code. Keyboard measures skip pure modifier keys (Shift, Control, Alt, Meta, CapsLock) and
auto-repeats, and split typing into bursts at gaps longer than ``burst_gap_ms``.

>>> import pandas as pd
>>> ev = pd.DataFrame({"session_id": "s", "seq": range(4), "t_ms": [0., 100., 250., 300.],
...     "type": ["keydown", "keyup", "keydown", "keyup"], "key": ["a", "a", "b", "b"],
...     "code": ["KeyA", "KeyA", "KeyB", "KeyB"]})
>>> inter_key_intervals(ev).tolist(), hold_times(ev).tolist(), rollover_ratio(ev)
([250.0], [100.0, 50.0], 0.0)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import numpy as np
import pandas as pd
from scipy import stats

from synthgen.errors import ConfigError
from synthgen.fidelity.moves import pointer_samples

__all__ = [
    "MODIFIER_KEYS",
    "FittsFit",
    "mousemove_intervals",
    "press_durations",
    "scroll_gaps",
    "inter_key_intervals",
    "hold_times",
    "rollover_ratio",
    "wpm",
    "backspace_rate",
    "typed_text",
    "uncorrected_error_rate",
    "effective_width",
    "fitts_fit",
    "distance",
    "compare",
    "event_distributions",
]

MODIFIER_KEYS: frozenset[str] = frozenset({"Shift", "Control", "Alt", "Meta", "CapsLock", "AltGraph", "Fn"})

_BURST_GAP_MS = 5000.0


def _by_session(df: pd.DataFrame):
    return df.sort_values(["session_id", "seq"], kind="mergesort").groupby("session_id", sort=False)


def _same_session_diff(sid: np.ndarray, t: np.ndarray) -> np.ndarray:
    d = np.diff(t)
    return d[sid[1:] == sid[:-1]]


def mousemove_intervals(events: pd.DataFrame, *, max_gap_ms: float = 1000.0, time_resolution_ms: float = 1.0) -> np.ndarray:
    """Intervals (ms) between consecutive ``mousemove`` events in collector view, gaps <= ``max_gap_ms``.

    >>> ev = pd.DataFrame({"session_id": "s", "seq": range(3), "t_ms": [0., 16.7, 33.4],
    ...                    "type": "mousemove", "x": [0., 1., 2.], "y": 0.0})
    >>> mousemove_intervals(ev).tolist()
    [17.0, 16.0]
    """
    mm = events[events["type"] == "mousemove"]
    out = []
    for _, g in _by_session(mm):
        t, _, _ = pointer_samples(g["t_ms"].to_numpy(float), g["x"].to_numpy(float, na_value=np.nan),
                                  g["y"].to_numpy(float, na_value=np.nan), time_resolution_ms=time_resolution_ms)
        out.append(np.diff(t))
    d = np.concatenate(out) if out else np.zeros(0)
    return d[d <= max_gap_ms]


def press_durations(events: pd.DataFrame) -> np.ndarray:
    """Press-to-release durations (ms): each ``mousedown`` to the next ``mouseup`` of the same button.

    >>> ev = pd.DataFrame({"session_id": "s", "seq": range(2), "t_ms": [5., 115.],
    ...                    "type": ["mousedown", "mouseup"], "button": [0, 0]})
    >>> press_durations(ev).tolist()
    [110.0]
    """
    b = events[events["type"].isin(("mousedown", "mouseup"))]
    b = b.assign(_b=pd.to_numeric(b["button"], errors="coerce").fillna(0).to_numpy(float))
    b = b.sort_values(["session_id", "_b", "seq"], kind="mergesort")
    sid, btn = b["session_id"].to_numpy(object), b["_b"].to_numpy()
    typ, t = b["type"].to_numpy(object), b["t_ms"].to_numpy(float)
    if len(t) < 2:
        return np.zeros(0)
    pair = (typ[:-1] == "mousedown") & (typ[1:] == "mouseup") & (sid[:-1] == sid[1:]) & (btn[:-1] == btn[1:])
    return (t[1:] - t[:-1])[pair]


def scroll_gaps(events: pd.DataFrame, *, max_gap_ms: float = 1000.0) -> np.ndarray:
    """Gaps (ms) between consecutive ``wheel`` events of a session, in (0, ``max_gap_ms``].

    Zero gaps are dropped: several notches delivered in one batch (Balabit's remote desktop does
    this) are one delivery, not a 0 ms cadence.

    >>> ev = pd.DataFrame({"session_id": "s", "seq": range(4), "t_ms": [0., 16., 16., 5000.], "type": "wheel"})
    >>> scroll_gaps(ev).tolist()
    [16.0]
    """
    w = events[events["type"] == "wheel"].sort_values(["session_id", "seq"], kind="mergesort")
    d = _same_session_diff(w["session_id"].to_numpy(object), w["t_ms"].to_numpy(float))
    return d[(d > 0) & (d <= max_gap_ms)]


def _keys(events: pd.DataFrame) -> pd.DataFrame:
    """Key events without modifiers and auto-repeats, with an identity column ``_id`` (code, else key)."""
    k = events[events["type"].isin(("keydown", "keyup"))]
    k = k[~k["key"].isin(MODIFIER_KEYS)]
    if "repeat" in k.columns:
        k = k[~k["repeat"].fillna(False).astype(bool)]
    code = k["code"].astype(object).where(k["code"].notna() & (k["code"].astype(str) != ""), k["key"])
    return k.assign(_id=code.astype(str)).sort_values(["session_id", "seq"], kind="mergesort")


def _downs_with_up(events: pd.DataFrame) -> pd.DataFrame:
    """Keydown rows with the time of their matching keyup (``t_up``, NaN if none)."""
    k = _keys(events)
    k2 = k.sort_values(["session_id", "_id", "seq"], kind="mergesort")
    nxt_t = k2.groupby(["session_id", "_id"], sort=False)["t_ms"].shift(-1)
    nxt_typ = k2.groupby(["session_id", "_id"], sort=False)["type"].shift(-1)
    k2 = k2.assign(t_up=nxt_t.where(nxt_typ == "keyup"))
    d = k2[k2["type"] == "keydown"]
    return d.sort_values(["session_id", "seq"], kind="mergesort")


def _burst_pairs(d: pd.DataFrame, burst_gap_ms: float) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs (i, i+1) of consecutive keydowns of a session within one burst."""
    sid, t = d["session_id"].to_numpy(object), d["t_ms"].to_numpy(float)
    if len(t) < 2:
        return np.zeros(0, int), np.zeros(0, int)
    ok = (sid[1:] == sid[:-1]) & (np.diff(t) <= burst_gap_ms)
    i = np.flatnonzero(ok)
    return i, i + 1


def inter_key_intervals(events: pd.DataFrame, *, burst_gap_ms: float = _BURST_GAP_MS) -> np.ndarray:
    """Keydown-to-keydown intervals (ms) within typing bursts."""
    d = _downs_with_up(events)
    i, j = _burst_pairs(d, burst_gap_ms)
    t = d["t_ms"].to_numpy(float)
    return t[j] - t[i]


def hold_times(events: pd.DataFrame) -> np.ndarray:
    """Key hold times (ms): keydown to the next keyup of the same key."""
    d = _downs_with_up(events)
    h = (d["t_up"] - d["t_ms"]).to_numpy(float)
    return h[np.isfinite(h)]


def rollover_ratio(events: pd.DataFrame, *, burst_gap_ms: float = _BURST_GAP_MS) -> float:
    """Share of consecutive key pairs where the next key goes down before the previous one comes up.

    >>> ev = pd.DataFrame({"session_id": "s", "seq": range(4), "t_ms": [0., 80., 100., 150.],
    ...     "type": ["keydown", "keydown", "keyup", "keyup"], "key": ["a", "b", "a", "b"], "code": ["KeyA", "KeyB", "KeyA", "KeyB"]})
    >>> rollover_ratio(ev)
    1.0
    """
    d = _downs_with_up(events)
    i, j = _burst_pairs(d, burst_gap_ms)
    if len(i) == 0:
        return float("nan")
    t, up = d["t_ms"].to_numpy(float), d["t_up"].to_numpy(float)
    return float(np.mean(t[j] < up[i]))


def wpm(events: pd.DataFrame, *, burst_gap_ms: float = _BURST_GAP_MS) -> np.ndarray:
    """Typing speed per session: (net characters / 5) per minute of typing bursts.

    Net characters are printable keydowns minus Backspaces (about the length of the text left);
    burst time runs from a burst's first to its last keydown, bursts split at gaps > ``burst_gap_ms``.

    >>> ev = pd.DataFrame({"session_id": "s", "seq": range(6), "t_ms": [0., 200., 400., 600., 800., 1000.],
    ...                    "type": "keydown", "key": list("hello") + [" "], "code": None})
    >>> wpm(ev).tolist()
    [72.0]
    """
    d = _downs_with_up(events)
    out = []
    for _, g in d.groupby("session_id", sort=False):
        key = g["key"].astype(str).to_numpy()
        t = g["t_ms"].to_numpy(float)
        printable = np.array([len(k) == 1 for k in key])
        net = printable.sum() - (key == "Backspace").sum()
        gaps = np.diff(t)
        span = float(gaps[gaps <= burst_gap_ms].sum())
        if span > 0 and net > 0:
            out.append(net / 5.0 / (span / 60000.0))
    return np.asarray(out, float)


def backspace_rate(events: pd.DataFrame) -> float:
    """Share of keystrokes (non-modifier keydowns) that are Backspace."""
    d = _downs_with_up(events)
    return float((d["key"] == "Backspace").mean()) if len(d) else float("nan")


def typed_text(events: pd.DataFrame) -> dict[str, str]:
    """Replay each session's keydowns into the text they leave (printable keys, Backspace, Enter).

    >>> ev = pd.DataFrame({"session_id": "s", "seq": range(3), "t_ms": [0., 1., 2.],
    ...                    "type": "keydown", "key": ["a", "x", "Backspace"], "code": None})
    >>> typed_text(ev)
    {'s': 'a'}
    """
    out: dict[str, str] = {}
    d = _downs_with_up(events)
    for sid, g in d.groupby("session_id", sort=False):
        buf: list[str] = []
        for k in g["key"].astype(str):
            if k == "Backspace":
                if buf:
                    buf.pop()
            elif k == "Enter":
                buf.append("\n")
            elif len(k) == 1:
                buf.append(k)
        out[str(sid)] = "".join(buf)
    return out


def _levenshtein(a: str, b: str) -> int:
    """Edit distance (insert, delete, substitute), one row of the table at a time."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def uncorrected_error_rate(events: pd.DataFrame, intended: Mapping[str, str]) -> float:
    """Edit distance between the text left and the text meant, over the meant length (all sessions).

    >>> ev = pd.DataFrame({"session_id": "s", "seq": range(2), "t_ms": [0., 1.], "type": "keydown",
    ...                    "key": ["a", "c"], "code": None})
    >>> uncorrected_error_rate(ev, {"s": "ab"})
    0.5
    """
    got = typed_text(events)
    errs = sum(_levenshtein(got.get(s, ""), txt) for s, txt in intended.items())
    total = sum(len(txt) for txt in intended.values())
    return errs / total if total else float("nan")


# ------------------------------------------------------------------------------------------------ Fitts


@dataclass(frozen=True)
class FittsFit:
    """``MT = a + b * ID`` fitted on condition means; ``throughput`` = mean(ID / MT) in bits/s."""

    a: float
    b: float
    r2: float
    n_conditions: int
    throughput: float
    id: np.ndarray
    mt: np.ndarray

    @property
    def id_range(self) -> float:
        """Spread of the conditions' IDs (bits); below ~1 bit the slope says little."""
        return float(np.ptp(self.id)) if len(self.id) else float("nan")

    def __str__(self) -> str:
        if self.n_conditions == 0:
            return "no fit: no condition (direction x distance cluster) with enough moves"
        if not np.isfinite(self.b):
            return f"no slope: one condition only, mean MT {self.a:.0f} ms, TP {self.throughput:.2f} bit/s"
        warn = f", ID spans only {self.id_range:.2f} bits: slope unreliable" if self.id_range < 1.0 else ""
        return (f"MT = {self.a:.0f} + {self.b:.0f}*ID ms (R^2 {self.r2:.2f}, {self.n_conditions} conditions, "
                f"TP {self.throughput:.2f} bit/s{warn})")


def _gap_labels(v: np.ndarray, gap: float) -> np.ndarray:
    """Cluster 1-D values: a new cluster wherever sorted neighbours are more than ``gap`` apart."""
    order = np.argsort(v, kind="mergesort")
    lab = np.empty(len(v), dtype=int)
    lab[order] = np.r_[0, np.cumsum(np.diff(v[order]) > gap)] if len(v) else np.zeros(0, int)
    return lab


def _conditions(features: pd.DataFrame, *, angle_gap_deg: float = 12.0, log2_gap: float = 0.25) -> pd.Series:
    """Condition key per move: clusters of direction, then of distance within each direction.

    Clusters are cut at gaps in the data (not at fixed bins, whose edges would split a target's
    landings in two): directions at gaps over ``angle_gap_deg``, distances at gaps over
    ``log2_gap`` octaves. Free-form data with no gaps forms one condition.
    """
    ang = np.mod(features["angle_deg"].to_numpy(float), 360.0)
    if len(ang) > 1:
        # Rotate the circle so its widest empty arc is at the wrap-around; then cluster on a line.
        sa = np.sort(ang)
        gaps = np.r_[np.diff(sa), sa[0] + 360.0 - sa[-1]]
        cut = sa[(int(np.argmax(gaps)) + 1) % len(sa)]
        ang = np.mod(ang - cut, 360.0)
    a_lab = _gap_labels(ang, angle_gap_deg)
    d = np.log2(np.maximum(features["distance"].to_numpy(float), 1.0))
    d_lab = np.zeros(len(d), dtype=int)
    for a in np.unique(a_lab):
        m = a_lab == a
        d_lab[m] = _gap_labels(d[m], log2_gap)
    return pd.Series([f"{a}:{b}" for a, b in zip(a_lab, d_lab)], index=features.index)


def effective_width(features: pd.DataFrame, *, min_moves: int = 5) -> pd.Series:
    """ISO 9241-9 effective width per move: 4.133 x SD of the distance covered, within its condition.

    A condition groups moves by direction and distance (clusters, see :func:`_conditions`), so the
    spread of where people land stands in for the unknown target size. Meant for target tasks
    (point-click); free-form data (Balabit) has no such conditions -- fit it with ``width="unit"``. Conditions with fewer than
    ``min_moves`` moves get NaN.
    """
    cond = _conditions(features)
    sd = features["distance"].groupby(cond).transform("std")
    n = features["distance"].groupby(cond).transform("size")
    return (4.133 * sd).where(n >= min_moves)


def fitts_fit(features: pd.DataFrame, *, width: str = "effective", min_moves: int = 5) -> FittsFit:
    """Fit Fitts's law ``MT = a + b * log2(D / W + 1)`` on per-condition means of moves.

    ``width``: ``"effective"`` (:func:`effective_width`, the same on real and synthetic moves),
    ``"known"`` (the ``width`` column, where the generator knows its targets) or ``"unit"`` (W = 1 px,
    i.e. MT against log2(D + 1) over half-octave distance bins, for free-form data without targets
    such as Balabit).

    >>> f = pd.DataFrame({"distance": [100.] * 5 + [400.] * 5, "angle_deg": 0.0, "width": 20.0,
    ...                   "movement_time_ms": [500.] * 5 + [800.] * 5})
    >>> round(fitts_fit(f, width="known").r2, 3)
    1.0
    """
    if width == "effective":
        w = effective_width(features, min_moves=min_moves)
    elif width == "known":
        w = features["width"].astype(float)
    elif width == "unit":
        w = pd.Series(1.0, index=features.index)
    else:
        raise ConfigError("width", width, "must be 'effective', 'known' or 'unit'")
    wv = w.to_numpy(float)
    ok = np.isfinite(wv) & (wv > 0)
    f = features[ok].assign(_w=wv[ok])
    nan = float("nan")
    if len(f) == 0:
        return FittsFit(nan, nan, nan, 0, nan, np.zeros(0), np.zeros(0))
    if width == "unit":
        # Free-form data has no target clusters: condition = distance in half-octave bins.
        cond = pd.Series(np.round(np.log2(np.maximum(f["distance"].to_numpy(float), 1.0)) * 2).astype(int), index=f.index)
    else:
        cond = _conditions(f)
    g = f.assign(_c=cond).groupby("_c")
    agg = g.agg(D=("distance", "mean"), W=("_w", "mean"), MT=("movement_time_ms", "mean"), n=("distance", "size"))
    agg = agg[agg["n"] >= min_moves]
    idv = np.log2(agg["D"].to_numpy() / agg["W"].to_numpy() + 1.0)
    mt = agg["MT"].to_numpy()
    tp = float(np.mean(idv / (mt / 1000.0))) if len(mt) else nan
    if len(idv) < 2 or np.ptp(idv) == 0:
        return FittsFit(float(mt.mean()) if len(mt) else nan, nan, nan, len(idv), tp, idv, mt)
    res = stats.linregress(idv, mt)
    return FittsFit(float(res.intercept), float(res.slope), float(res.rvalue**2), len(idv), tp, idv, mt)


# -------------------------------------------------------------------------------------------- distances


def distance(real: np.ndarray, synth: np.ndarray) -> tuple[float, float]:
    """Two-sample Kolmogorov-Smirnov statistic and Wasserstein-1 distance (in the values' units).

    >>> distance(np.arange(10.), np.arange(10.))
    (0.0, 0.0)
    """
    a = np.asarray(real, float)
    b = np.asarray(synth, float)
    a, b = a[np.isfinite(a)], b[np.isfinite(b)]
    if len(a) == 0 or len(b) == 0:
        return float("nan"), float("nan")
    return float(stats.ks_2samp(a, b).statistic), float(stats.wasserstein_distance(a, b))


def compare(real: Mapping[str, np.ndarray], synth: Mapping[str, np.ndarray]) -> pd.DataFrame:
    """One row per metric both sides have: n, median and IQR of each side, KS and Wasserstein.

    >>> compare({"m": np.arange(5.)}, {"m": np.arange(5.)})[["ks", "wasserstein"]].iloc[0].tolist()
    [0.0, 0.0]
    """
    rows = []
    for name in real:
        if name not in synth:
            continue
        a = np.asarray(real[name], float)
        b = np.asarray(synth[name], float)
        a, b = a[np.isfinite(a)], b[np.isfinite(b)]
        ks, w = distance(a, b)
        q = lambda v, p: float(np.percentile(v, p)) if len(v) else float("nan")  # noqa: E731
        rows.append({"metric": name, "n_real": len(a), "n_synth": len(b),
                     "real_median": q(a, 50), "real_p25": q(a, 25), "real_p75": q(a, 75),
                     "synth_median": q(b, 50), "synth_p25": q(b, 25), "synth_p75": q(b, 75),
                     "ks": ks, "wasserstein": w})
    return pd.DataFrame(rows)


def event_distributions(events: pd.DataFrame) -> dict[str, np.ndarray]:
    """All non-movement distributions of a frame, keyed by metric name (empty arrays where absent).

    >>> sorted(event_distributions(pd.DataFrame(columns=["session_id", "seq", "t_ms", "type", "x", "y",
    ...        "button", "key", "code"])))[:3]
    ['hold_ms', 'iki_ms', 'mousemove_interval_ms']
    """
    return {
        "mousemove_interval_ms": mousemove_intervals(events),
        "press_ms": press_durations(events),
        "scroll_gap_ms": scroll_gaps(events),
        "iki_ms": inter_key_intervals(events),
        "hold_ms": hold_times(events),
        "wpm": wpm(events),
    }
