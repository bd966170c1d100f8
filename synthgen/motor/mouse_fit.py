"""Fitted pieces of the mouse model: the display's event clock and the sensor's count quantisation.

Both come from ``data/mouse_fit.json``, written by ``scripts/fit_mouse.py`` from the reference people
that fits may see (:func:`synthgen.fidelity.mouse_detect.is_fit_person`); planning never needs the
reference folder. The file holds aggregates only: a transition matrix of whole-ms frame intervals and a
few sensor numbers.

* **Clock**: a real page gets ``mousemove`` on display frames, but the event times (whole ms) wobble:
  a late frame is followed by an early one (an 18 ms interval is followed by a 16 ms one four times in
  five). A first-order Markov chain over the 12-22 ms intervals, fitted to consecutive intervals of
  60 Hz sessions, reproduces that, including the 16+16 and 15+18 pairs a fixed grid never makes.
  :func:`clock_table` unrolls the chain once (fixed seed) into a long table of cumulative times; a move
  reads it from a random offset, so planning stays vectorised.
* **Sensor**: a mouse reports whole counts, and the system turns counts into pixels with a gain above
  one at speed. The slower axis of a move then advances in jumps of a few pixels while the other moves
  every frame: far more pure-axis steps of 3 px or more, and fewer 1 px steps, than rounding a smooth
  path gives. The gain per person is log-normal around the fitted median.

>>> table = clock_table()
>>> 16.5 < float(np.diff(table[:5000]).mean()) < 16.9
True
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import numpy as np

from synthgen.motor.types import EDGE_MARGIN_PX

__all__ = ["FIT_PATH", "mouse_fit", "clock_table", "CLOCK_LEN"]

FIT_PATH = Path(__file__).resolve().parent / "data" / "mouse_fit.json"
#: Frames in the unrolled clock table (about 18 minutes of frames: offsets rarely overlap for one person).
CLOCK_LEN = 1 << 16


@lru_cache(maxsize=1)
def mouse_fit() -> dict:
    """The fitted parameters (``data/mouse_fit.json``) as a dict.

    >>> sorted(mouse_fit())[:2]
    ['clock', 'sensor']
    """
    return json.loads(FIT_PATH.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def clock_table() -> np.ndarray:
    """Cumulative frame times (ms, starting at 0) unrolled from the fitted interval chain, seed fixed.

    >>> t = clock_table(); bool(t[0] == 0.0 and np.all(np.diff(t) >= 12))
    True
    """
    c = mouse_fit()["clock"]
    values = np.asarray(c["values"], dtype=np.float64)
    P = np.asarray(c["transition"], dtype=np.float64)
    P = P / P.sum(axis=1, keepdims=True)
    cum = np.cumsum(P, axis=1)
    rng = np.random.default_rng(20240517)
    u = rng.random(CLOCK_LEN)
    state = int(np.argmax(np.asarray(c["stationary"])))
    out = np.empty(CLOCK_LEN, dtype=np.int64)
    for i in range(CLOCK_LEN):  # once per process; a plain loop over a few thousand states
        state = min(int(np.searchsorted(cum[state], u[i])), len(values) - 1)
        out[i] = state
    return np.r_[0.0, np.cumsum(values[out])][:CLOCK_LEN]


# ---------------------------------------------------------------------------------------------------------
# The learned step model: a small conditional sequence model of whole-pixel pointer steps and their
# intervals, fitted by ``scripts/train_mouse_gen.py`` and run here with numpy only.
#
# A move from rest point S to press point E is drawn sample by sample. Each move has a fixed frame of the
# pixel grid (one of its 8 symmetries: flips of x and y and a swap of the axes) in which S -> E points into
# the first octant (the "major" axis carries the larger part of the distance); the grid's own structure
# (axis-aligned steps, diagonal steps, 1 px steps) maps onto itself exactly under those symmetries. At
# each sample, three small multi-layer perceptrons (ReLU, softmax) give in turn: the interval since the
# previous sample (whole ms, in classes), the step along the major axis, and the step along the minor axis
# given it (whole px, in classes; inside a class the value is uniform). Their inputs are the remaining
# vector to the press point, the two previous steps and intervals, the step count, the time elapsed, the
# move's distance and planned duration, its direction within the octant and the recording setup. A move ends when the pointer
# reaches the press point (or is put there after GEN_MAX_STEPS samples or GEN_MAX_MS).
# ---------------------------------------------------------------------------------------------------------

GEN_PATH = Path(__file__).resolve().parent / "data" / "mouse_gen.npz"
GEN_MAX_STEPS = 240
GEN_MAX_MS = 4000.0
#: Recording setups the model learned (an input): the Freihaut & Goritz page and the SapiMouse page. They
#: differ in the event clock (which intervals and pairs of them occur) more than in the hand.
STYLES = {"freihaut": 0.0, "sapimouse": 1.0}


def _bins(lo: int, hi: int, exact: tuple[int, int], widths: tuple[int, ...]) -> np.ndarray:
    """Class edges ``(k, 2)`` inclusive: each integer in ``exact``, then bins of ``widths`` outwards."""
    out = [(v, v) for v in range(exact[0], exact[1] + 1)]
    a = exact[1] + 1
    for w in widths:
        if a > hi:
            break
        out.append((a, min(a + w - 1, hi)))
        a += w
    if a <= hi:
        out.append((a, hi))
    b = exact[0] - 1
    for w in widths:
        if b < lo:
            break
        out.insert(0, (max(b - w + 1, lo), b))
        b -= w
    if b >= lo:
        out.insert(0, (lo, b))
    return np.array(out, dtype=np.int64)


#: Classes of the major-axis step, the minor-axis step and the interval (inclusive integer ranges).
DX_CLASSES = _bins(-400, 400, (-12, 30), (3, 4, 5, 6, 7, 8, 10, 12, 15, 20, 30, 50, 80))
DY_CLASSES = _bins(-400, 400, (-12, 20), (3, 4, 6, 8, 12, 18, 30, 50, 80))
DT_CLASSES = np.array([(0, 0), (1, 7), *[(v, v) for v in range(8, 23)], (23, 26), (27, 30), (31, 35), (36, 40),
                       (41, 50), (51, 65), (66, 85), (86, 110), (111, 150), (151, 200), (201, 300)], dtype=np.int64)


def class_of(v: np.ndarray, classes: np.ndarray) -> np.ndarray:
    """Index of the class holding each integer value (clipped to the outer classes).

    >>> class_of(np.array([-1000, 0, 5, 1000]), DT_CLASSES).tolist()
    [0, 0, 1, 27]
    """
    return np.clip(np.searchsorted(classes[:, 1], np.asarray(v, dtype=np.int64)), 0, len(classes) - 1)


def canonical_frame(vx: np.ndarray, vy: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per move: signs of x and y and whether the axes swap, so that S -> E lies in the first octant.

    >>> canonical_frame(np.array([-3.0, 1.0]), np.array([1.0, -5.0]))
    (array([-1.,  1.]), array([ 1., -1.]), array([False,  True]))
    """
    sx = np.where(vx < 0, -1.0, 1.0)
    sy = np.where(vy < 0, -1.0, 1.0)
    return sx, sy, np.abs(vy) > np.abs(vx)


def to_canonical(x: np.ndarray, y: np.ndarray, sx, sy, swap) -> tuple[np.ndarray, np.ndarray]:
    a, b = sx * x, sy * y
    return np.where(swap, b, a), np.where(swap, a, b)


def from_canonical(a: np.ndarray, b: np.ndarray, sx, sy, swap) -> tuple[np.ndarray, np.ndarray]:
    return sx * np.where(swap, b, a), sy * np.where(swap, a, b)


def _slog(v: np.ndarray) -> np.ndarray:
    return np.sign(v) * np.log1p(np.abs(v))


#: Number of inputs of :func:`step_inputs` (the dx and dy heads take 1 and 3 more).
N_INPUTS = 24


def step_inputs(log_d, ang, rx, ry, p1x, p1y, p2x, p2y, dt1, dt2, k, elapsed, log_t, style) -> np.ndarray:
    """Inputs shared by the heads (canonical frame), one row per move: ``(n, 24)``.

    ``rx, ry`` the remaining vector to the press point, ``p1*``/``p2*`` the previous two steps, ``dt1``,
    ``dt2`` the previous two intervals (0 where there is none), ``k`` the samples so far, ``elapsed`` ms
    since the first sample, ``log_t`` the log of the move's planned duration (first to last sample, ms),
    ``style`` the recording setup (:data:`STYLES`).
    """
    rx = np.asarray(rx, dtype=np.float64)
    out = np.empty((rx.shape[0], N_INPUTS))
    kk = np.broadcast_to(np.asarray(k, dtype=np.float64), rx.shape)
    d = np.exp(log_d)
    c = out.T
    c[0], c[1] = log_d, ang
    np.divide(rx, d, out=c[2])
    np.divide(ry, d, out=c[3])
    c[4], c[5] = _slog(rx), _slog(ry)
    np.log1p(np.hypot(rx, ry), out=c[6])
    c[7], c[8], c[9], c[10] = _slog(p1x), _slog(p1y), _slog(p2x), _slog(p2y)
    np.log1p(np.minimum(dt1, 300.0), out=c[11])
    np.log1p(np.minimum(dt2, 300.0), out=c[12])
    np.log1p(kk, out=c[13])
    c[14] = np.minimum(elapsed, 5000.0) / 1000.0
    c[15], c[16] = kk == 0, kk == 1
    c[17] = log_t
    c[18] = np.minimum(elapsed / np.exp(log_t), 3.0)
    m1, m2 = np.maximum(dt1, 8.0), np.maximum(dt2, 8.0)
    c[19], c[20] = p1x / m1, p1y / m1
    c[21], c[22] = c[19] - p2x / m2, c[20] - p2y / m2
    c[23] = style
    return out


def dx_inputs(base: np.ndarray, dt: np.ndarray) -> np.ndarray:
    return np.c_[base, np.log1p(dt)]


def dy_inputs(base: np.ndarray, dt: np.ndarray, dx: np.ndarray, rx: np.ndarray) -> np.ndarray:
    return np.c_[base, np.log1p(dt), _slog(dx), dx / (np.abs(rx) + 1.0)]


@lru_cache(maxsize=1)
def gen_model() -> dict[str, list[np.ndarray]]:
    """The three heads' weights (``data/mouse_gen.npz``): per head the input scaling, then W, b per layer."""
    z = np.load(GEN_PATH)
    heads: dict[str, list[np.ndarray]] = {}
    for h in ("dt", "dx", "dy", "stop"):
        n = int(z[f"{h}_layers"])
        heads[h] = [z[f"{h}_mean"], z[f"{h}_scale"]] + [z[f"{h}_{kind}{i}"].astype(np.float64) for i in range(n)
                                                         for kind in ("W", "b")]
    heads["duration"] = [z["duration"]]
    heads["temperature"] = [z["temperature"] if "temperature" in z else np.ones(1)]
    heads["duration_shift"] = [z["duration_shift"] if "duration_shift" in z else np.zeros(len(STYLES))]
    return heads


@lru_cache(maxsize=1)
def _compiled() -> tuple[np.ndarray, np.ndarray, dict[str, slice], dict[str, np.ndarray], dict[str, list[np.ndarray]]]:
    """The heads for planning: input scaling folded into the first layers, whose rows for the shared
    inputs are stacked side by side (one matrix product per sample for all four heads)."""
    heads = gen_model()
    wb, bb, sl, extra, rest = [], [], {}, {}, {}
    a = 0
    for h in ("stop", "dt", "dx", "dy"):
        mean, scale, w0, b0, *more = heads[h]
        w0s = w0 / scale[:, None]
        wb.append(w0s[:N_INPUTS])
        bb.append(b0 - (mean / scale) @ w0)
        extra[h], rest[h] = w0s[N_INPUTS:], list(more)
        sl[h] = slice(a, a + w0.shape[1])
        a += w0.shape[1]
    return np.hstack(wb), np.concatenate(bb), sl, extra, rest


def _tail(h: np.ndarray, layers: list[np.ndarray], temperature: float) -> np.ndarray:
    """ReLU of a first-layer pre-activation, the remaining layers, then the softmax (in place where it can)."""
    np.maximum(h, 0.0, out=h)
    for i in range(0, len(layers), 2):
        h = h @ layers[i] + layers[i + 1]
        if i + 2 < len(layers):
            np.maximum(h, 0.0, out=h)
    h -= h.max(axis=1, keepdims=True)
    if temperature != 1.0:
        h /= temperature
    np.exp(h, out=h)
    h /= h.sum(axis=1, keepdims=True)
    return h


def _draw(rng: np.random.Generator, probs: np.ndarray, classes: np.ndarray) -> np.ndarray:
    """One class per row from ``probs``, then a uniform integer inside it."""
    cum = np.cumsum(probs, axis=1)
    u = rng.random(probs.shape[0]) * cum[:, -1]
    c = np.minimum((cum < u[:, None]).sum(axis=1), classes.shape[0] - 1)
    lo, hi = classes[c, 0], classes[c, 1]
    return lo + np.floor(rng.random(probs.shape[0]) * (hi - lo + 1)).astype(np.int64)


def _into_box(t: np.ndarray, x: np.ndarray, y: np.ndarray, lo: np.ndarray, hi: np.ndarray,
              viewport: tuple[int, int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One move whose last sample missed its box ``lo``-``hi``: the miss is taken out gradually over the
    last third of the samples (whole px; samples that no longer move are dropped)."""
    gx = np.clip(x[-1], lo[0], hi[0]) - x[-1]
    gy = np.clip(y[-1], lo[1], hi[1]) - y[-1]
    m = len(t)
    j = max(min(m, 3), m // 3)
    ramp = np.r_[np.zeros(m - j), np.arange(1, j + 1) / j]
    x2 = np.clip(x + np.round(gx * ramp), 0.0, viewport[0] - 1.0)
    y2 = np.clip(y + np.round(gy * ramp), 0.0, viewport[1] - 1.0)
    keep = np.r_[True, (np.diff(x2) != 0) | (np.diff(y2) != 0)]
    return t[keep], x2[keep], y2[keep]


def learned_paths(rng: np.random.Generator, S: np.ndarray, E: np.ndarray, box: np.ndarray, t_on: np.ndarray,
                  viewport: tuple[int, int], style: float = STYLES["sapimouse"], temperature: float | None = None,
                  tempo: np.ndarray | float | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Moves from whole-px ``S`` aimed at ``E`` drawn from the learned step model: ``(t, x, y, offsets)``.

    Every sample is a change of position (a ``mousemove``) inside the viewport; the move stops where the
    model stops it (near the aim, as a hand does), or after :data:`GEN_MAX_STEPS` samples or
    :data:`GEN_MAX_MS`. A last sample outside its target ``box`` (x, y, w, h; kept 1 px inside where the
    box allows) is brought in over the move's last third. The first sample comes part of a frame after
    ``t_on``. ``style``: the recording setup (:data:`STYLES`); ``temperature`` of the step heads' sampling
    (default: the fitted one stored with the weights). ``tempo``: a shift of the log duration (a persona's
    pace and the target's difficulty against the reference's); given, the duration varies around it by the
    within-person spread only, else by the whole spread of the reference moves.

    >>> t, x, y, off = learned_paths(np.random.default_rng(0), np.array([[10.0, 10.0]]), np.array([[300.0, 200.0]]),
    ...                              np.array([[280.0, 190.0, 40.0, 20.0]]), np.array([0.0]), (800, 600))
    >>> bool(280 <= x[-1] <= 320 and 190 <= y[-1] <= 210), bool(np.all(np.diff(t) >= 0)), int(off[-1]) == len(t)
    (True, True, True)
    """
    heads = gen_model()
    wb, bb, sl, extra, rest = _compiled()
    n = S.shape[0]
    vw, vh = viewport
    V = E - S
    sx, sy, swap = canonical_frame(V[:, 0], V[:, 1])
    ca, cb = to_canonical(V[:, 0], V[:, 1], sx, sy, swap)
    D = np.maximum(np.hypot(ca, cb), 1.0)
    log_d, ang = np.log(D), np.arctan2(cb, np.maximum(ca, 1e-9))
    # The move's duration: log-normal around the fitted line in log distance (and the recording setup).
    temp = float(heads["temperature"][0][0]) if temperature is None else float(temperature)
    # a shift of the planned log duration per recording setup, fitted so that the drawn moves last as long
    # as the fit people's (scripts/train_mouse_gen.py --calibrate): the stop head adds a little time
    shift = float(heads["duration_shift"][0][int(round(style))])
    c = heads["duration"][0]
    if tempo is None:
        log_t = c[0] + shift + c[1] * log_d + c[2] * style + c[3] * rng.standard_normal(n)
    else:
        log_t = c[0] + shift + c[1] * log_d + c[2] * style + tempo + c[-1] * rng.standard_normal(n)
    max_ms = np.maximum(GEN_MAX_MS, 3.0 * np.exp(log_t))
    rx, ry = ca.astype(np.float64).copy(), cb.astype(np.float64).copy()
    p1x, p1y, p2x, p2y = (np.zeros(n) for _ in range(4))
    dt1, dt2, el = np.zeros(n), np.zeros(n), np.zeros(n)
    px, py = S[:, 0].copy(), S[:, 1].copy()
    t = t_on + rng.uniform(0.0, 16.7, n)
    ts, xs, ys, ms = [], [], [], []
    live = np.arange(n)
    zero = int(class_of(np.zeros(1), DY_CLASSES)[0])
    for k in range(GEN_MAX_STEPS):
        if live.size == 0:
            break
        i = live
        base = step_inputs(log_d[i], ang[i], rx[i], ry[i], p1x[i], p1y[i], p2x[i], p2y[i], dt1[i], dt2[i],
                           np.full(i.size, k), el[i], log_t[i], style)
        H = base @ wb + bb
        if k:
            go = rng.random(i.size) >= _tail(H[:, sl["stop"]], rest["stop"], 1.0)[:, 1]
            i, H = i[go], H[go]
            if i.size == 0:
                break
            pt = _tail(H[:, sl["dt"]], rest["dt"], temp)
            pt[:, 0] = 0.0  # events of one move never share a millisecond here (a few real pages do)
            dt = _draw(rng, pt, DT_CLASSES).astype(np.float64)
        else:
            dt = np.zeros(i.size)
        ldt = np.log1p(dt)[:, None]
        dx = _draw(rng, _tail(H[:, sl["dx"]] + ldt * extra["dx"][0], rest["dx"], temp), DX_CLASSES).astype(np.float64)
        hy = (H[:, sl["dy"]] + ldt * extra["dy"][0] + _slog(dx)[:, None] * extra["dy"][1]
              + (dx / (np.abs(rx[i]) + 1.0))[:, None] * extra["dy"][2])
        pr = _tail(hy, rest["dy"], temp)
        pr[dx == 0, zero] = 0.0  # every sample is a change of position
        dy = _draw(rng, pr, DY_CLASSES).astype(np.float64)
        gx, gy = from_canonical(dx, dy, sx[i], sy[i], swap[i])
        nx, ny = np.clip(px[i] + gx, 0.0, vw - 1.0), np.clip(py[i] + gy, 0.0, vh - 1.0)
        gx, gy = nx - px[i], ny - py[i]
        dx, dy = to_canonical(gx, gy, sx[i], sy[i], swap[i])
        moved = (gx != 0) | (gy != 0)
        t[i] += dt
        el[i] += dt
        px[i], py[i] = nx, ny
        rx[i] -= dx
        ry[i] -= dy
        p2x[i], p2y[i], p1x[i], p1y[i] = p1x[i], p1y[i], dx, dy
        dt2[i], dt1[i] = dt1[i], dt
        w = i[moved]
        ts.append(t[w].copy()); xs.append(px[w].copy()); ys.append(py[w].copy()); ms.append(w)
        live = i[el[i] < max_ms[i]]
    if not ts:
        return np.empty(0), np.empty(0), np.empty(0), np.zeros(n + 1, dtype=np.int64)
    mi = np.concatenate(ms)
    order = np.argsort(mi, kind="stable")  # move by move, each in time order
    mi = mi[order]
    tt, xx, yy = np.concatenate(ts)[order], np.concatenate(xs)[order], np.concatenate(ys)[order]
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(mi, minlength=n), out=offsets[1:])
    # The press must land on the target: inside the box by the edge margin where it allows (clear of rounded
    # corners, see types.EDGE_MARGIN_PX), and inside the viewport.
    m1x = np.minimum(EDGE_MARGIN_PX, box[:, 2] / 4.0)
    m1y = np.minimum(EDGE_MARGIN_PX, box[:, 3] / 4.0)
    lo = np.c_[np.ceil(box[:, 0] + m1x), np.ceil(box[:, 1] + m1y)]
    hi = np.c_[np.floor(box[:, 0] + box[:, 2] - m1x), np.floor(box[:, 1] + box[:, 3] - m1y)]
    lo0, hi0 = np.c_[np.ceil(box[:, 0]), np.ceil(box[:, 1])], np.c_[np.floor(box[:, 0] + box[:, 2]),
                                                                  np.floor(box[:, 1] + box[:, 3])]
    tight = lo > hi  # no whole px 1 px inside: any whole px inside
    lo, hi = np.where(tight, lo0, lo), np.where(tight, hi0, hi)
    hi = np.maximum(hi, lo)
    lo, hi = np.clip(lo, 0.0, [vw - 1.0, vh - 1.0]), np.clip(hi, 0.0, [vw - 1.0, vh - 1.0])
    fin = offsets[1:] - 1
    has = offsets[1:] > offsets[:-1]
    bad = np.flatnonzero(has & ((xx[np.maximum(fin, 0)] < lo[:, 0]) | (xx[np.maximum(fin, 0)] > hi[:, 0])
                                | (yy[np.maximum(fin, 0)] < lo[:, 1]) | (yy[np.maximum(fin, 0)] > hi[:, 1])))
    if bad.size:
        parts_t, parts_x, parts_y, cnt = [], [], [], np.diff(offsets).copy()
        prev = 0
        for b in bad:
            a0, a1 = offsets[b], offsets[b + 1]
            parts_t.append(tt[prev:a0]); parts_x.append(xx[prev:a0]); parts_y.append(yy[prev:a0])
            t2, x2, y2 = _into_box(tt[a0:a1], xx[a0:a1], yy[a0:a1], lo[b], hi[b], viewport)
            parts_t.append(t2); parts_x.append(x2); parts_y.append(y2)
            cnt[b] = len(t2)
            prev = a1
        parts_t.append(tt[prev:]); parts_x.append(xx[prev:]); parts_y.append(yy[prev:])
        tt, xx, yy = np.concatenate(parts_t), np.concatenate(parts_x), np.concatenate(parts_y)
        offsets = np.r_[0, np.cumsum(cnt)]
    return tt, xx, yy, offsets
