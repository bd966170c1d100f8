"""Pointing movements: cut an events frame into click-to-click moves and measure each one.

Both real and synthetic frames go through the same *collector view* first (:func:`pointer_samples`):
times on a common grid (1 ms, the resolution of the real recordings), positions rounded to whole CSS px
and a sample kept only when the position changed -- what an in-page ``mousemove`` listener sees, since
the browser fires no event while the pointer stands still. A move is then the stretch of samples that
ends at a ``mousedown``, starts after the previous press/release, and begins after the last pause
longer than ``pause_ms`` (a pointing movement, not the idle wandering before it).

>>> import pandas as pd
>>> ev = pd.DataFrame({"session_id": "s", "seq": range(5), "t_ms": [0, 10, 20, 30, 40],
...     "type": ["mousemove"] * 4 + ["mousedown"], "x": [0, 10, 20, 30, 30], "y": [0] * 5,
...     "buttons": [0, 0, 0, 0, 1]})
>>> f = move_features(segment_moves(ev, min_distance_px=0))
>>> float(f.straightness[0]), float(f.distance[0])
(1.0, 30.0)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy.ndimage import gaussian_filter1d
from scipy.signal import find_peaks

from synthgen.errors import ConfigError

__all__ = [
    "Move",
    "MOVE_FEATURES",
    "DISCRIMINATOR_FEATURES",
    "pointer_samples",
    "freihaut_recording",
    "segment_moves",
    "move_features",
    "speed_profile",
]

#: Columns of :func:`move_features` (besides ``session_id``), all numeric.
MOVE_FEATURES: tuple[str, ...] = (
    "distance", "path_length", "straightness", "duration_ms", "movement_time_ms", "dwell_ms",
    "mean_speed", "peak_speed", "time_to_peak", "submovements", "peak_accel", "mean_abs_accel",
    "log_jerk", "max_deviation", "overshoot", "turning", "n_samples", "interval_median",
    "interval_cv", "angle_deg", "width", "id_bits",
)

#: Features that describe *how* a move is made, for the real-vs-synthetic discriminator. Direction,
#: target width and ID describe the task, not the mover, so they are left out.
DISCRIMINATOR_FEATURES: tuple[str, ...] = (
    "distance", "straightness", "duration_ms", "movement_time_ms", "dwell_ms", "mean_speed",
    "peak_speed", "time_to_peak", "submovements", "peak_accel", "mean_abs_accel", "log_jerk",
    "max_deviation", "overshoot", "turning", "n_samples", "interval_median", "interval_cv",
)

_GRID_MS = 5.0        # resampling step of the speed profile
_SMOOTH_MS = 12.0     # Gaussian smoothing of positions before differentiating (about one 60 Hz frame)
_PEAK_PROMINENCE = 0.1  # submovement = speed peak standing out by 10% of the move's peak speed


@dataclass(frozen=True)
class Move:
    """One pointing movement in collector view.

    ``t``/``x``/``y`` are the samples of the motion (each a change of position); ``rest`` is where the
    pointer stood before it, ``click`` the ``mousedown`` point at ``t_click``; ``width`` the target
    width in px when known (NaN otherwise).

    >>> m = Move("s", np.array([0., 10.]), np.array([1., 2.]), np.array([0., 0.]), (0., 0.), (2., 0.), 20.)
    >>> m.distance
    2.0
    """

    session_id: str
    t: np.ndarray
    x: np.ndarray
    y: np.ndarray
    rest: tuple[float, float]
    click: tuple[float, float]
    t_click: float
    width: float = float("nan")

    @property
    def distance(self) -> float:
        return float(np.hypot(self.click[0] - self.rest[0], self.click[1] - self.rest[1]))


def pointer_samples(t: np.ndarray, x: np.ndarray, y: np.ndarray, *, time_resolution_ms: float = 1.0,
                    px_resolution: float = 1.0, start: tuple[float, float] | None = None
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Collector view of pointer samples: quantise time and position, keep only changes of position.

    ``start`` is the position known before the first sample (a sample equal to it is dropped too).

    >>> pointer_samples(np.array([0., 16.7, 33.4]), np.array([0.2, 0.4, 1.6]), np.zeros(3))[0]
    array([ 0., 33.])
    """
    tq = np.round(np.asarray(t, float) / time_resolution_ms) * time_resolution_ms
    xq = np.round(np.asarray(x, float) / px_resolution) * px_resolution
    yq = np.round(np.asarray(y, float) / px_resolution) * px_resolution
    ok = np.isfinite(xq) & np.isfinite(yq)
    tq, xq, yq = tq[ok], xq[ok], yq[ok]
    if len(tq) == 0:
        return tq, xq, yq
    px = np.concatenate([[np.nan if start is None else np.round(start[0] / px_resolution) * px_resolution], xq[:-1]])
    py = np.concatenate([[np.nan if start is None else np.round(start[1] / px_resolution) * px_resolution], yq[:-1]])
    changed = (xq != px) | (yq != py)
    return tq[changed], xq[changed], yq[changed]


def freihaut_recording(events: pd.DataFrame, widths: Mapping[tuple[str, int], float] | None = None
                       ) -> tuple[pd.DataFrame, dict[tuple[str, int], float]]:
    """An events frame as the Freihaut & Goritz recorder would have logged it, and ``widths`` re-keyed.

    That recorder logs pointer positions without button state and each click as one instant, the DOM
    ``click`` (at the release); :func:`~synthgen.fidelity.readers.read_freihaut` turns a click back into
    a press and release at that instant. So here every ``mousedown`` moves to its release (time and
    point) and ``mousemove`` rows lose their button state: a pointer shift during a press then counts
    as part of the move, as it does in the real recordings. Real Freihaut frames pass unchanged.

    >>> ev = pd.DataFrame({"session_id": "s", "seq": range(4), "t_ms": [0., 100., 180., 200.],
    ...     "type": ["mousemove", "mousedown", "mousemove", "mouseup"], "x": [0., 10., 11., 11.],
    ...     "y": [0.] * 4, "buttons": [0, 1, 1, 0]})
    >>> rec, w = freihaut_recording(ev, {("s", 1): 30.0})
    >>> rec.type.tolist(), rec.t_ms.tolist()[2], w
    (['mousemove', 'mousemove', 'mousedown', 'mouseup'], 200.0, {('s', 2): 30.0})
    """
    ev = events.sort_values(["session_id", "seq"], kind="mergesort").reset_index(drop=True)
    typ = ev["type"].to_numpy(dtype=object)
    sid = ev["session_id"].to_numpy(dtype=object)
    key = ev["seq"].to_numpy(dtype=float).copy()
    downs, ups = np.flatnonzero(typ == "mousedown"), np.flatnonzero(typ == "mouseup")
    if len(downs) and len(ups):
        j = np.searchsorted(ups, downs)
        u = ups[np.minimum(j, len(ups) - 1)]
        ok = (j < len(ups)) & (sid[u] == sid[downs])
        d, u = downs[ok], u[ok]
        key[d] = key[u] - 0.5  # just before its release, after anything logged during the press
        for col in ("t_ms", "x", "y"):
            v = ev[col].to_numpy(dtype=float, na_value=np.nan).copy()
            v[d] = v[u]
            ev[col] = v
    ev.loc[typ == "mousemove", "buttons"] = 0
    old = ev["seq"].to_numpy()
    order = np.lexsort((key, pd.factorize(sid)[0]))
    ev = ev.iloc[order].reset_index(drop=True)
    ev["seq"] = ev.groupby("session_id", sort=False).cumcount()
    new_of = {(str(a), int(b)): int(c) for a, b, c in zip(ev["session_id"], old[order], ev["seq"])}
    w = {(str(k[0]), new_of.get((str(k[0]), int(k[1])), int(k[1]))): float(v) for k, v in dict(widths or {}).items()}
    return ev, w


def _session_arrays(events: pd.DataFrame) -> dict[str, dict[str, np.ndarray]]:
    cols = events[["session_id", "seq", "t_ms", "type", "x", "y", "buttons"]]
    cols = cols[cols["type"].isin(("mousemove", "mousedown", "mouseup"))]
    cols = cols.sort_values(["session_id", "seq"], kind="mergesort")
    out: dict[str, dict[str, np.ndarray]] = {}
    sid = cols["session_id"].to_numpy(dtype=object)
    if len(sid) == 0:
        return out
    typ = cols["type"].to_numpy(dtype=object)
    t = cols["t_ms"].to_numpy(float)
    x = cols["x"].to_numpy(float, na_value=np.nan)
    y = cols["y"].to_numpy(float, na_value=np.nan)
    b = pd.to_numeric(cols["buttons"], errors="coerce").to_numpy(float, na_value=np.nan)
    cuts = np.flatnonzero(sid[1:] != sid[:-1]) + 1
    for lo, hi in zip(np.r_[0, cuts], np.r_[cuts, len(sid)]):
        out[str(sid[lo])] = {"type": typ[lo:hi], "t": t[lo:hi], "x": x[lo:hi], "y": y[lo:hi], "b": b[lo:hi]}
    return out


def segment_moves(events: pd.DataFrame, *, pause_ms: float = 300.0, min_distance_px: float = 50.0,
                  min_samples: int = 3, time_resolution_ms: float = 1.0, px_resolution: float = 1.0,
                  widths: Mapping[tuple[str, int], float] | pd.Series | None = None,
                  click_time: str = "down") -> list[Move]:
    """Click-to-click pointing movements of an events frame (any number of sessions).

    A move ends at a ``mousedown``; its samples are the button-free ``mousemove`` rows after the
    previous press or release, in collector view (:func:`pointer_samples`), after the last pause
    longer than ``pause_ms``. Moves shorter than ``min_distance_px`` (rest point to press point) or
    with fewer than ``min_samples`` samples are dropped. ``widths`` maps ``(session_id, seq of the
    mousedown)`` to the target width, where the generator knows it. ``click_time="up"`` ends a move
    at the release instead of the press: use it to compare with recordings that timestamp the DOM
    ``click`` (fired at release), such as Freihaut's.

    >>> ev = pd.DataFrame({"session_id": "s", "seq": range(4), "t_ms": [0, 10, 20, 30],
    ...     "type": ["mousemove"] * 3 + ["mousedown"], "x": [0, 50, 100, 100], "y": [0] * 4, "buttons": [0, 0, 0, 1]})
    >>> len(segment_moves(ev, min_distance_px=10, min_samples=2))
    1
    """
    if click_time not in ("down", "up"):
        raise ConfigError("click_time", click_time, "must be 'down' or 'up'")
    wmap: dict[tuple[str, int], float] = {}
    if widths is not None:
        wmap = {(str(k[0]), int(k[1])): float(v) for k, v in dict(widths).items()}
    seqs: dict[str, np.ndarray] = {}
    if wmap:
        sub = events[events["type"] == "mousedown"]
        for sid, g in sub.groupby("session_id", sort=False):
            seqs[str(sid)] = g.sort_values("seq")["seq"].to_numpy()
    moves: list[Move] = []
    for sid, a in _session_arrays(events).items():
        typ, t, x, y, b = a["type"], a["t"], a["x"], a["y"], a["b"]
        is_move = (typ == "mousemove") & ~(b > 0)  # drags (a button held) are not pointing moves
        press = np.flatnonzero(typ == "mousedown")
        bounds = np.flatnonzero((typ == "mousedown") | (typ == "mouseup"))
        releases = np.flatnonzero(typ == "mouseup")
        move_idx = np.flatnonzero(is_move)
        down_seq = seqs.get(sid)
        for k, i in enumerate(press):
            # Previous press/release before this press bounds the candidate samples.
            j = np.searchsorted(bounds, i) - 1
            lo = bounds[j] if j >= 0 else -1
            cand = move_idx[(move_idx > lo) & (move_idx < i)]
            if len(cand) == 0:
                continue
            if lo >= 0 and np.isfinite(x[lo]):
                rest = (float(x[lo]), float(y[lo]))
                ts, xs, ys = pointer_samples(t[cand], x[cand], y[cand], time_resolution_ms=time_resolution_ms,
                                             px_resolution=px_resolution, start=rest)
                rest = (float(np.round(rest[0] / px_resolution) * px_resolution),
                        float(np.round(rest[1] / px_resolution) * px_resolution))
            else:
                ts, xs, ys = pointer_samples(t[cand], x[cand], y[cand], time_resolution_ms=time_resolution_ms,
                                             px_resolution=px_resolution)
                if len(ts) == 0:
                    continue
                rest = (float(xs[0]), float(ys[0]))
                ts, xs, ys = ts[1:], xs[1:], ys[1:]
            if len(ts) == 0:
                continue
            gaps = np.flatnonzero(np.diff(ts) > pause_ms)
            if len(gaps):
                g = gaps[-1]
                rest = (float(xs[g]), float(ys[g]))
                ts, xs, ys = ts[g + 1:], xs[g + 1:], ys[g + 1:]
            if len(ts) < min_samples or not np.isfinite(x[i]):
                continue
            click = (float(np.round(x[i] / px_resolution) * px_resolution),
                     float(np.round(y[i] / px_resolution) * px_resolution))
            if np.hypot(click[0] - rest[0], click[1] - rest[1]) < max(min_distance_px, 1e-9):
                continue
            t_end = t[i]
            if click_time == "up":
                u = np.searchsorted(releases, i)
                t_end = t[releases[u]] if u < len(releases) else t[i]
            t_click = float(np.round(t_end / time_resolution_ms) * time_resolution_ms)
            w = float("nan")
            if down_seq is not None and k < len(down_seq):
                w = wmap.get((sid, int(down_seq[k])), float("nan"))
            moves.append(Move(sid, ts, xs, ys, rest, click, t_click, w))
    return moves


def _smoothed(m: Move) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Uniform-grid smoothed position of a move: grid times (ms), x, y."""
    n = max(int(np.ceil((m.t[-1] - m.t[0]) / _GRID_MS)) + 1, 2)
    tg = np.linspace(m.t[0], m.t[-1], n)
    xg = np.interp(tg, m.t, m.x)
    yg = np.interp(tg, m.t, m.y)
    sigma = _SMOOTH_MS / max(tg[1] - tg[0], 1e-9)
    return tg, gaussian_filter1d(xg, sigma, mode="nearest"), gaussian_filter1d(yg, sigma, mode="nearest")


def speed_profile(m: Move, n: int = 50) -> tuple[np.ndarray, np.ndarray]:
    """Speed profile on ``n`` points of normalised time [0, 1], speed divided by its peak.

    >>> m = Move("s", np.arange(0., 200., 10.), np.arange(0., 200., 10.), np.zeros(20), (0., 0.), (190., 0.), 200.)
    >>> s, v = speed_profile(m, 5)
    >>> float(v.max())
    1.0
    """
    tg, xg, yg = _smoothed(m)
    dt = (tg[1] - tg[0]) / 1000.0
    v = np.hypot(np.gradient(xg), np.gradient(yg)) / max(dt, 1e-9)
    s = (tg - tg[0]) / max(tg[-1] - tg[0], 1e-9)
    grid = np.linspace(0.0, 1.0, n)
    vv = np.interp(grid, s, v)
    return grid, vv / max(float(vv.max()), 1e-9)


def _features(m: Move) -> dict[str, float]:
    t, x, y = m.t, m.x, m.y
    rx, ry = m.rest
    cx, cy = m.click
    seg = np.hypot(np.diff(np.r_[rx, x, cx]), np.diff(np.r_[ry, y, cy]))
    path = float(seg.sum())
    dist = m.distance
    dur = float(t[-1] - t[0])
    motion = float(np.hypot(np.diff(x), np.diff(y)).sum())
    dt = np.diff(t)

    tg, xg, yg = _smoothed(m)
    h = (tg[1] - tg[0]) / 1000.0  # s
    vx, vy = np.gradient(xg, h), np.gradient(yg, h)
    speed = np.hypot(vx, vy)
    ax, ay = np.gradient(vx, h), np.gradient(vy, h)
    jx, jy = np.gradient(ax, h), np.gradient(ay, h)
    ipk = int(np.argmax(speed))
    vpk = float(speed[ipk])
    # Rounded relative to the peak so a float-noisy plateau counts as one peak, not many.
    rel = np.round(speed / max(vpk, 1e-9), 6)
    peaks, _ = find_peaks(np.r_[0.0, rel, 0.0], prominence=_PEAK_PROMINENCE)
    T = max(dur / 1000.0, 1e-9)
    # Normalised (dimensionless) jerk: sqrt(1/2 * integral |j|^2 dt * T^5 / L^2); log10 for a sane scale.
    nj = np.sqrt(0.5 * float(np.sum(jx**2 + jy**2)) * h * T**5 / max(motion, 1.0) ** 2)

    ux, uy = (cx - rx) / max(dist, 1e-9), (cy - ry) / max(dist, 1e-9)
    px, py = np.r_[x, cx] - rx, np.r_[y, cy] - ry
    along = px * ux + py * uy
    perp = np.abs(px * uy - py * ux)
    dxs, dys = np.diff(np.r_[rx, x]), np.diff(np.r_[ry, y])
    head = np.arctan2(dys, dxs)
    turn = np.abs(np.angle(np.exp(1j * np.diff(head)))) if len(head) > 1 else np.zeros(1)
    return {
        "distance": dist,
        "path_length": path,
        "straightness": dist / path if path > 0 else 1.0,
        "duration_ms": dur,
        "movement_time_ms": float(m.t_click - t[0]),
        "dwell_ms": float(m.t_click - t[-1]),
        "mean_speed": motion / T,
        "peak_speed": vpk,
        "time_to_peak": float((tg[ipk] - tg[0]) / max(tg[-1] - tg[0], 1e-9)),
        "submovements": float(len(peaks)),
        "peak_accel": float(np.hypot(ax, ay).max()),
        "mean_abs_accel": float(np.abs(np.gradient(speed, h)).mean()),
        "log_jerk": float(np.log10(max(nj, 1e-9))),
        "max_deviation": float(perp.max()) / max(dist, 1e-9),
        "overshoot": max(float(along.max()) / max(dist, 1e-9) - 1.0, 0.0),
        "turning": float(turn.sum()),
        "n_samples": float(len(t)),
        "interval_median": float(np.median(dt)) if len(dt) else float("nan"),
        "interval_cv": float(dt.std() / dt.mean()) if len(dt) and dt.mean() > 0 else float("nan"),
        "angle_deg": float(np.degrees(np.arctan2(cy - ry, cx - rx))),
        "width": float(m.width),
        # Fitts index of difficulty, where the generator knew the target's width.
        "id_bits": float(np.log2(dist / m.width + 1.0)) if np.isfinite(m.width) and m.width > 0 else float("nan"),
    }


def move_features(moves: Sequence[Move]) -> pd.DataFrame:
    """One row of :data:`MOVE_FEATURES` per move (speeds px/s, accelerations px/s², times ms).

    >>> m = Move("s", np.arange(0., 200., 10.), np.arange(10., 210., 10.), np.zeros(20), (0., 0.), (200., 0.), 200.)
    >>> round(float(move_features([m]).mean_speed[0]))
    1000
    """
    rows = [_features(m) for m in moves if len(m.t) >= 2 and m.t[-1] > m.t[0]]
    sids = [m.session_id for m in moves if len(m.t) >= 2 and m.t[-1] > m.t[0]]
    df = pd.DataFrame(rows, columns=list(MOVE_FEATURES))
    df.insert(0, "session_id", pd.Series(sids, dtype=object))
    return df
