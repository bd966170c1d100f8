"""Human scrolling planned on the synthetic clock: notched wheel bursts or trackpad swipes with momentum.

* ``wheel``: the total is a whole number of notches (100 px each in Chromium) sent in bursts: a fast
  spin (events a frame or two apart) or a notch-by-notch roll (~100 ms apart), with human gaps of
  ~150-600 ms between bursts (the finger re-grips), as in the Balabit reference (scroll events
  median 93 ms apart, bursts at 16 ms).
* ``trackpad``: one or more swipes, each a stream of small per-frame deltas that rise while the
  fingers accelerate and then decay exponentially (momentum), summing to the requested distance.

>>> rng = np.random.default_rng(0)
>>> w = plan_scroll(rng, ScrollParams(), 340.0, (200.0, 300.0), 0.0)
>>> float(w.delta_y.sum()), bool(np.all(np.abs(w.delta_y) == 100))
(300.0, True)
>>> tp = plan_scroll(rng, ScrollParams(style="trackpad"), -437.0, (200.0, 300.0), 0.0)
>>> abs(float(tp.delta_y.sum()) + 437.0) <= 1.0
True
"""

from __future__ import annotations

import math

import numpy as np

from synthgen.motor.params import ScrollParams
from synthgen.motor.timing import lognormal_ms
from synthgen.motor.types import WheelPath

__all__ = ["plan_scroll"]


def _empty() -> WheelPath:
    z = np.empty(0)
    return WheelPath(z, z.copy(), z.copy(), z.copy(), z.copy())


def _wheel_times(rng: np.random.Generator, p: ScrollParams, n: int, t_start: float) -> np.ndarray:
    """Event times of ``n`` notches in bursts, the first at ``t_start``."""
    sizes = []
    left = n
    while left > 0:
        k = min(left, 1 + int(rng.poisson(max(p.burst_notches - 1.0, 0.0))))
        sizes.append(k)
        left -= k
    # Each burst is either a fast spin of the wheel (notches a frame or two apart) or a deliberate
    # notch-by-notch roll (~100 ms apart): the two modes of the Balabit scroll-gap histogram.
    spin = np.repeat(rng.random(len(sizes)) < p.spin_prob, sizes)
    gaps = np.where(spin, lognormal_ms(rng, p.intra_burst_ms, 0.25, 8.0, 45.0, size=n),
                    lognormal_ms(rng, p.notch_roll_ms, 0.45, 30.0, 300.0, size=n))
    between = lognormal_ms(rng, p.inter_burst_ms, 0.6, 150.0, 3000.0, size=len(sizes))
    starts_of_burst = np.cumsum([0] + sizes[:-1])
    gaps[0] = 0.0
    gaps[starts_of_burst[1:]] = between[1:]
    return t_start + np.cumsum(gaps)


def _swipe(rng: np.random.Generator, p: ScrollParams, amount: float, t_start: float) -> np.ndarray:
    """Cumulative share (0..1) of one swipe at its frame times; returns (times, cumulative)."""
    # Momentum lasts longer on bigger flicks (sub-linearly), so per-frame deltas stay small.
    tau = p.momentum_ms * math.sqrt(max(abs(amount), 1.0) / 650.0) * math.exp(0.15 * float(rng.standard_normal()))
    tau = min(max(tau, 40.0), 3000.0)
    rise = p.rise_ms * math.exp(0.2 * float(rng.standard_normal()))
    # Cumulative of v(t) = (1 - exp(-t/rise)) * exp(-t/tau), cut where 99.7 % of the travel is done.
    total = tau - rise * tau / (rise + tau)
    t_end = -tau * math.log(0.003)
    k = max(int(math.ceil(t_end / p.frame_ms)), 1)
    t = np.arange(1, k + 1) * p.frame_ms
    rt = rise * tau / (rise + tau)
    cum = (tau * (1 - np.exp(-t / tau)) - rt * (1 - np.exp(-t / rt))) / total
    cum = cum / cum[-1]
    jit = np.clip(rng.normal(0.0, 0.6, k), -p.frame_ms / 3, p.frame_ms / 3)
    return np.stack([t_start + t + jit, cum])


def plan_scroll(rng: np.random.Generator, p: ScrollParams, dy: float, at: tuple[float, float], t0_ms: float, *,
                dx: float = 0.0) -> WheelPath:
    """``wheel`` events that scroll by about ``dy`` (and ``dx``) px with the pointer resting at ``at``.

    Wheel: ``|sum(delta_y)|`` is the multiple of ``notch_px`` nearest ``|dy|`` (at least one notch if
    ``dy != 0``). Trackpad: the deltas sum to ``dy`` within 1 px. All times are after ``t0_ms``.

    >>> plan_scroll(np.random.default_rng(1), ScrollParams(), 0.0, (0.0, 0.0), 0.0).t_ms.shape
    (0,)
    """
    if not (math.isfinite(dy) and math.isfinite(dx)):
        raise ValueError(f"dy={dy}, dx={dx}: scroll distances must be finite")
    if dy == 0 and dx == 0:
        return _empty()
    t = t0_ms + lognormal_ms(rng, p.onset_ms, 0.5, 5.0, 20.0 * p.onset_ms + 5.0)
    if p.style == "wheel":
        ts, dxs, dys = [], [], []
        for amount, axis in ((dy, 1), (dx, 0)):
            if amount == 0:
                continue
            n = max(1, int(round(abs(amount) / p.notch_px)))
            tt = _wheel_times(rng, p, n, t)
            d = np.full(n, math.copysign(p.notch_px, amount))
            ts.append(tt)
            dys.append(d if axis == 1 else np.zeros(n))
            dxs.append(d if axis == 0 else np.zeros(n))
            t = float(tt[-1]) + lognormal_ms(rng, p.inter_burst_ms, 0.45, 120.0, 3000.0)
        tm = np.concatenate(ts)
        ddx, ddy = np.concatenate(dxs), np.concatenate(dys)
    else:
        dist = math.hypot(dx, dy)
        n_sw = max(1, int(round(dist / (p.swipe_px * math.exp(0.25 * float(rng.standard_normal()))))))
        w = rng.uniform(0.7, 1.3, n_sw)
        w = w / w.sum()
        parts_t, parts_c = [], []
        base = 0.0
        for i in range(n_sw):
            tc = _swipe(rng, p, dist * w[i], t)
            parts_t.append(tc[0])
            parts_c.append(base + w[i] * tc[1])
            base += w[i]
            t = float(tc[0, -1]) + lognormal_ms(rng, p.inter_burst_ms, 0.45, 120.0, 3000.0)
        tm = np.concatenate(parts_t)
        cum = np.concatenate(parts_c)
        cum[-1] = 1.0
        # Whole-px deltas from the rounded cumulative: the sum is exact to rounding (|error| <= 0.5 px).
        cy = np.round(cum * dy)
        cx = np.round(cum * dx)
        cy[-1], cx[-1] = np.round(dy), np.round(dx)
        ddy = np.diff(np.r_[0.0, cy])
        ddx = np.diff(np.r_[0.0, cx])
        keep = (ddy != 0) | (ddx != 0)
        keep[-1] = keep[-1] or not keep.any()
        tm, ddx, ddy = tm[keep], ddx[keep] + 0.0, ddy[keep] + 0.0  # + 0.0 turns -0.0 into 0.0
    m = tm.shape[0]
    return WheelPath(t_ms=tm, x=np.full(m, float(at[0])), y=np.full(m, float(at[1])), delta_x=ddx, delta_y=ddy)
