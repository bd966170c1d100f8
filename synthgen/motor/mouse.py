"""Human pointer movement, clicks, drags and idle drift, planned on the synthetic clock (pure numpy).

The movement model, in the order a real reach unfolds:

* **Fitts's law** sets the movement time per person: ``MT = a + b * log2(D / W + 1)`` where ``W`` is
  the target's extent along the approach direction, times a per-move log-normal factor (a hasty move
  then trades accuracy for speed: it overshoots more often and further).
* The pointer moves by **sigma-lognormal strokes** (Plamondon's kinematic theory), superposed: an
  optional 1-2 px *twitch* as the hand takes the mouse, then a brief pause; an optional slow
  *pre-movement* (a first guess of the direction); the *primary* ballistic stroke, which usually
  undershoots a little, misses a little sideways, and on hard moves sometimes overshoots; then 0-4
  brisk *corrective submovements*, each as long as Fitts's law asks for its own residual at a
  few-pixel precision, starting in the previous stroke's tail or after a near-stop (the spare
  movement time goes into those stops: intermittent visual control). Like the primary, corrections
  tend to fall short; a miss larger than usual costs extra time (``error_time``), and turning back
  after an overshoot waits for the eye to see it (``reversal_wait_ms``), so crooked moves take longer
  as real ones do. Each stroke's speed is a log-normal pulse cut at a finite speed (static
  friction; the stop may be crisper than the start), and each follows a circular arc whose bend
  varies per person (a preferred bulge side) and per move. Positions are closed-form, so a batch
  of moves is one set of array operations (:func:`plan_moves_batch` and the small steps it is made
  of).
* **Inside the viewport by construction**: landing points stay inside, and a stroke whose bow would
  leave the viewport bends inwards or straightens (:func:`_fit_inside`); nothing is clamped onto
  the edge, where a path would brush hover menus.
* The drive is not perfectly smooth: a small **time warp** makes speed fluctuate around the plan,
  **speed-dependent noise** (none when still) wobbles the path, and fast strokes **jitter** from
  frame to frame; the noise fades near the viewport edges.
* Samples fall on the **display frames** (a global grid of ~16.68 ms, 59.95 Hz as the reference
  clock shows it, with sub-ms jitter) and show
  the mouse's last **USB report**; positions are whole CSS px as on a 1x display; a frame whose
  position did not change emits nothing (no ``mousemove`` for a still pointer), and the first event
  after a stop inside a move often comes part of a frame early, as Chromium dispatches it at once
  (the first event of a move rarely does).
* A click sometimes **slips** a pixel or a few during the press, mostly as the button comes up and
  mostly onwards along the approach (:func:`approach_of`).

Calibrated on the Freihaut & Göritz (2021) browser point-click task and the Balabit data set (see
``shared/reference/README.md``; ``benchmarks/calibrate_mouse.py`` fits the parameter medians).

>>> rng = np.random.default_rng(0)
>>> path, end = plan_move(rng, MouseParams(), (100.0, 100.0), Box(400, 300, 40, 20), 0.0, (1280, 720))
>>> len(path) > 5 and bool(np.all(np.diff(path.t_ms) > 0)) and (path.x[-1], path.y[-1]) == end
True
>>> clicks = plan_click(rng, MouseParams(), end, path.end_ms)
>>> 40 < clicks[0].t_up - clicks[0].t_down < 400
True
"""

from __future__ import annotations

import contextlib
import math
from dataclasses import dataclass

import numpy as np
from scipy.special import ndtr

from synthgen.motor.types import EDGE_MARGIN_PX
from synthgen.motor.mouse_fit import GEN_PATH, STYLES, clock_table, learned_paths, mouse_fit
from synthgen.motor.params import MouseParams
from synthgen.motor.timing import _clip, lognormal_ms
from synthgen.motor.types import Box, ButtonAction, MousePath

__all__ = [
    "MoveBatch",
    "plan_moves_batch",
    "plan_move",
    "plan_click",
    "approach_of",
    "plan_drag",
    "plan_idle",
    "fitts_id",
]

# Up to this many corrective submovements after the primary stroke (real homing phases show up to 4-5
# speed pulses).
_MAX_CORR = 4
# Smallest effective target width (px) in Fitts's law: a pointer hot-spot has some tolerance, and a
# zero-size box must not give an infinite index of difficulty.
_MIN_W = 4.0
# A careless (sloppy) primary stroke: its bend and its duration relative to a normal one.
_SLOPPY_BOW = 1.8
_SLOPPY_SPAN = 0.6
# Aim precision (px) of a corrective submovement, for its Fitts time.
_CORR_W = 4.0
_MAX_ID = 10.0
# How strongly a hasty move (a short movement time for its ID) trades accuracy for speed.
_HASTE = 0.8
# Bend of the strokes other than the primary, relative to the primary's (curvature).
_CORR_BEND = 0.5
# How often the first mousemove after a stillness comes part of a frame early (see _early_resumes), as
# the Freihaut reference shows it: after a stop inside a move of under 150 ms in about a quarter of the
# cases, after 150-300 ms in half, but the first event of a move (after the click before it) only in
# one case in twenty. These are the planned rates; a small early step can be invisible in the output.
_EARLY_FIRST = 0.03
_EARLY_SHORT = 0.4
_EARLY_LONG = 0.65
#: Reaches drawn by the learned step model (:mod:`synthgen.motor.mouse_fit`, ``data/mouse_gen.npz``):
#: module switch, and the shortest such reach (px); shorter nudges, drags and idle drift use the planner.
LEARNED = True
LEARNED_MIN_PX = 8.0
#: The recording setup the learned model draws (see :data:`synthgen.motor.mouse_fit.STYLES`): a current
#: browser page logging every DOM ``mousemove`` (SapiMouse). ``recording_style`` switches it for a block.
STYLE = "sapimouse"


@contextlib.contextmanager
def recording_style(name: str):
    """Draw learned moves in another recording setup's style inside a ``with`` block (e.g. ``"freihaut"``
    to re-enact that study's task as its page logged it).

    >>> import synthgen.motor.mouse as mouse
    >>> with recording_style("freihaut"):
    ...     mouse.STYLE
    'freihaut'
    """
    global STYLE
    if name not in STYLES:
        raise ValueError(f"style={name!r}: must be one of {', '.join(STYLES)}")
    old, STYLE = STYLE, name
    try:
        yield
    finally:
        STYLE = old


@dataclass(frozen=True)
class MoveBatch:
    """Many planned moves as flat arrays: move ``i`` owns samples ``offsets[i]:offsets[i+1]``.

    >>> rng = np.random.default_rng(1)
    >>> b = plan_moves_batch(rng, MouseParams(), np.array([[0.0, 0.0], [50, 50]]),
    ...                      np.array([[300.0, 200, 30, 30], [60, 400, 80, 20]]), np.array([0.0, 0.0]), (800, 600))
    >>> len(b), b.offsets.shape
    (2, (3,))
    """

    t_ms: np.ndarray
    x: np.ndarray
    y: np.ndarray
    offsets: np.ndarray
    ends: np.ndarray  # (N, 2) end points; equal to each non-empty path's last sample

    def __len__(self) -> int:
        return int(self.offsets.shape[0] - 1)

    @property
    def n_samples(self) -> int:
        return int(self.t_ms.shape[0])

    def path(self, i: int) -> MousePath:
        """Move ``i`` as a :class:`MousePath` (views into the flat arrays)."""
        a, b = int(self.offsets[i]), int(self.offsets[i + 1])
        return MousePath(t_ms=self.t_ms[a:b], x=self.x[a:b], y=self.y[a:b])

    def end(self, i: int) -> tuple[float, float]:
        return (float(self.ends[i, 0]), float(self.ends[i, 1]))


def fitts_id(distance: np.ndarray | float, width: np.ndarray | float) -> np.ndarray:
    """Shannon index of difficulty ``log2(D / W + 1)`` in bits, with ``W`` floored at 4 px.

    >>> float(fitts_id(300.0, 100.0))
    2.0
    """
    w = np.maximum(np.asarray(width, dtype=np.float64), _MIN_W)
    return np.minimum(np.log2(np.asarray(distance, dtype=np.float64) / w + 1.0), _MAX_ID)


def _sinc(x: np.ndarray) -> np.ndarray:
    """``sin(x) / x`` with the limit 1 at 0 (cheaper than ``np.sinc``, which rescales by pi)."""
    out = np.ones_like(x)
    np.divide(np.sin(x), x, out=out, where=np.abs(x) > 1e-9)
    return out


def _click_points(rng: np.random.Generator, p: MouseParams, box: np.ndarray,
                  viewport: tuple[int, int]) -> np.ndarray:
    """Gaussian aim points around each box centre, clipped inside the box (and the viewport).

    A whole-pixel point is preferred (the pointer lives on whole px) whenever it is inside the box.
    """
    bx, by = box[:, 0], box[:, 1]
    bw, bh = np.maximum(box[:, 2], 0.0), np.maximum(box[:, 3], 0.0)
    sd_x = np.minimum(p.click_spread * bw, p.click_spread_max_px)
    sd_y = np.minimum(p.click_spread * bh, p.click_spread_max_px)
    n = box.shape[0]
    # Stay off the edges where the box allows it: edges are where hit-testing is ambiguous, and a point
    # near a corner is outside a rounded button's shape (the press goes to the element around it).
    mx, my = np.minimum(EDGE_MARGIN_PX, bw / 4.0), np.minimum(EDGE_MARGIN_PX, bh / 4.0)
    ex = _clip(bx + bw / 2.0 + sd_x * rng.standard_normal(n), bx + mx, bx + bw - mx)
    ey = _clip(by + bh / 2.0 + sd_y * rng.standard_normal(n), by + my, by + bh - my)
    rx, ry = np.round(ex), np.round(ey)
    ex = np.where((rx >= bx) & (rx <= bx + bw), rx, ex)
    ey = np.where((ry >= by) & (ry <= by + bh), ry, ey)
    vw, vh = viewport
    return np.stack([_clip(ex, 0.0, vw - 1.0), _clip(ey, 0.0, vh - 1.0)], axis=1)


def _arc_offset(chord: np.ndarray, turn: np.ndarray) -> np.ndarray:
    """Sideways offset of a circular arc's apex (at mid-stroke) from its chord's midpoint."""
    apex = 0.5 * _sinc(0.25 * turn) / _sinc(0.5 * turn) * np.exp(-0.25j * turn) * chord
    return apex - 0.5 * chord


def _fit_inside(S: np.ndarray, E: np.ndarray, chords: np.ndarray, turn: np.ndarray, viewport: tuple[int, int],
                margin: float = 3.0) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Keep every stroke of each move inside the viewport by construction (no clamping of samples).

    Landing points (stroke ends) are kept ``margin`` px inside the viewport, or as close to the edge as
    the move's own start and end are; a stroke whose bow would leave that box bends the other way
    (towards the inside) or, if that leaves it too, straightens until it fits. For a turn below pi the
    arc stays inside the rectangle spanned by its chord and its apex, so checking that rectangle's far
    corners suffices. A hand at a screen edge does the same: it does not swing out past the edge.
    Returns the new chords and turns and each move's box (lower and upper corners, (N, 2) each).

    >>> S = np.array([[5.0, 5.0]]); E = np.array([[400.0, 5.0]])
    >>> ch = np.array([[395.0 + 0j]]); th = np.array([[1.5]])
    >>> ch2, th2, lo, hi = _fit_inside(S, E, ch, th, (800, 600))
    >>> bool(th2[0, 0] < 0)  # a bow above the top edge now bends down, into the page
    True
    """
    vw, vh = viewport
    lo = np.minimum(np.minimum(margin, np.minimum(S, E)), [vw - 1.0, vh - 1.0])
    hi = np.maximum(np.maximum([vw - 1.0 - margin, vh - 1.0 - margin], np.maximum(S, E)), 0.0)
    lo = np.maximum(lo, 0.0)
    hi = np.minimum(hi, [vw - 1.0, vh - 1.0])
    s0 = S[:, 0] + 1j * S[:, 1]
    # Landing points in stroke order; the last active one is the aim point, already inside.
    way = s0[None, :] + np.cumsum(chords, axis=0)
    way = _clip(way.real, lo[:, 0], hi[:, 0]) + 1j * _clip(way.imag, lo[:, 1], hi[:, 1])
    a = np.vstack([s0[None, :], way[:-1]])
    chords = way - a

    def outside(th: np.ndarray) -> np.ndarray:
        o = _arc_offset(chords, th)
        bad = np.zeros(th.shape, dtype=bool)
        for c in (a + o, a + chords + o):
            bad |= (c.real < lo[:, 0]) | (c.real > hi[:, 0]) | (c.imag < lo[:, 1]) | (c.imag > hi[:, 1])
        return bad

    bad = outside(turn)
    if bad.any():
        turn = np.where(bad & ~outside(-turn), -turn, turn)
        for _ in range(6):  # halve the bend until the bow fits; straight as a last resort
            bad = outside(turn)
            if not bad.any():
                break
            turn = np.where(bad, 0.5 * turn, turn)
        turn = np.where(outside(turn), 0.0, turn)
    return chords, turn, lo, hi


# Stroke slots of a move: a twitch, a pre-movement, the primary stroke, then up to _MAX_CORR corrections.
_TW, _PRE, _P = 0, 1, 2
_K = 3 + _MAX_CORR


@dataclass
class _Aim:
    """Where each move starts and ends, and how long Fitts's law gives it: (N,) arrays, V = E - S."""

    S: np.ndarray      # (N, 2) starts
    E: np.ndarray      # (N, 2) aim points (whole px where the box allows)
    V: np.ndarray      # complex displacement
    D: np.ndarray      # distance
    u: np.ndarray      # complex unit direction
    ID: np.ndarray     # index of difficulty (bits)
    MT: np.ndarray     # movement time (ms)
    haste: np.ndarray  # > 1: a hastier move than usual, which trades accuracy for speed


@dataclass
class _Strokes:
    """The stroke plan of a batch: (K, N) arrays (stroke j of move i at [j, i]) and per-move times."""

    chords: np.ndarray    # complex displacement of each stroke
    turn: np.ndarray      # total turning of each stroke's circular arc (rad)
    active: np.ndarray
    start: np.ndarray     # ms
    span: np.ndarray      # ms
    sig: np.ndarray       # log-normal sigma
    zs: np.ndarray        # the stroke starts at z = -zs of its log-normal profile ...
    ze: np.ndarray        # ... and stops at z = +ze
    mu: np.ndarray        # log-normal mu (log ms)
    tz: np.ndarray        # log-normal time origin (ms)
    t_on: np.ndarray      # (N,) motion onset
    t_end: np.ndarray     # (N,) end of the last stroke
    box_lo: np.ndarray    # (N, 2) box every stroke stays inside
    box_hi: np.ndarray


def _aim(rng: np.random.Generator, p: MouseParams, S: np.ndarray, E: np.ndarray, box: np.ndarray,
         slowdown: float) -> _Aim:
    """Geometry and Fitts's law: ``MT = (a + b ID) * lognormal``, ``W`` the box's extent along the approach."""
    V = (E[:, 0] - S[:, 0]) + 1j * (E[:, 1] - S[:, 1])
    D = np.abs(V)
    u = np.where(D > 1e-9, V / np.where(D > 1e-9, D, 1.0), 1.0 + 0j)
    with np.errstate(divide="ignore", invalid="ignore"):
        w_along = np.minimum(np.where(np.abs(u.real) > 1e-9, box[:, 2] / np.abs(u.real), np.inf),
                             np.where(np.abs(u.imag) > 1e-9, box[:, 3] / np.abs(u.imag), np.inf))
    ID = fitts_id(D, np.where(np.isfinite(w_along), w_along, _MIN_W))
    z_mt = rng.standard_normal(S.shape[0])
    MT = np.maximum((p.fitts_a_ms + p.fitts_b_ms * ID) * np.exp(p.mt_sigma * z_mt) * slowdown, 90.0)
    # A short movement time is a hasty move: it overshoots more often, further, and misses more sideways.
    haste = np.exp(_HASTE * _clip(-z_mt, -2.5, 2.5))
    return _Aim(S, E, V, D, u, ID, MT, haste)


def _primary_plan(rng: np.random.Generator, p: MouseParams, a: _Aim, overshoot_scale: float
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Chords of the twitch, pre-movement and primary strokes, and the planned number of corrections.

    Returns ``(chords, n_corr, twitch, pre, sloppy)``; ``chords`` is (K, N) with the corrections still 0.
    """
    n, D, u, ID, haste = a.S.shape[0], a.D, a.u, a.ID, a.haste
    n_corr = np.minimum(rng.poisson(p.submovements * ID / 3.0), _MAX_CORR)
    p_over = _clip(p.overshoot_prob * overshoot_scale * _clip((ID - 1.0) / 3.0, 0.0, 1.5) * haste, 0.0, 0.95)
    over = rng.random(n) < p_over
    n_corr = np.where(over, np.maximum(n_corr, 1), n_corr)
    # Primary landing: around the aim with a per-person bias (mostly a slight undershoot); on hard moves
    # sometimes a clear overshoot; now and then a sloppy throw that needs a long correction.
    sloppy = rng.random(n) < p.sloppy_prob
    n_corr = np.where(sloppy, np.maximum(n_corr, 2), n_corr)
    n_corr = np.where(D < 3.0, 0, n_corr)  # a nudge of a pixel or two is a single stroke
    gain = np.where(over, 1.02 + np.abs(rng.normal(p.overshoot_size, 0.6 * p.overshoot_size, n)) * np.sqrt(haste),
                    _clip(rng.normal(p.primary_gain, p.primary_gain_sd, n), 0.6, 1.3))
    gain = np.where(sloppy, _clip(rng.normal(1.05, 0.2, n), 0.5, 1.6), gain)
    lat = (rng.normal(0.0, p.lateral_error, n) * np.where(over, 2.0, 1.0) * np.sqrt(haste)
           + np.where(sloppy, rng.normal(0.0, 0.15, n), 0.0))
    gain = np.where(n_corr == 0, 1.0, gain)
    lat = np.where(n_corr == 0, 0.0, lat)
    # Pre-movement: the hand often starts with a slow, small shift (grip, first guess of the direction)
    # before the ballistic stroke, which delays and spreads the speed peak of real moves.
    pre = (rng.random(n) < p.premove_prob) & (D >= 20.0)
    pre_gain = np.where(pre, _clip(rng.normal(p.premove_gain, 0.4 * p.premove_gain, n), 0.0, 0.3), 0.0)
    pre_rot = np.exp(1j * rng.normal(0.0, p.premove_angle, n))  # a first guess, sometimes sideways or back
    # Twitch: the first touch often nudges the pointer a pixel or two, then the hand pauses briefly.
    tw = (rng.random(n) < p.twitch_prob) & (D >= 20.0)
    tw_len = _clip(lognormal_ms(rng, 1.6, 0.4, size=n), 1.0, 4.0)
    chords = np.zeros((_K, n), dtype=np.complex128)
    chords[_TW] = np.where(tw, u * tw_len * np.exp(1j * rng.normal(0.0, 1.0, n)), 0.0)
    chords[_PRE] = D * u * pre_gain * pre_rot
    # The primary's own landing error is relative to the whole distance; its chord starts where the
    # twitch and the pre-movement left the pointer.
    chords[_P] = D * u * (gain + 1j * lat) - chords[_TW] - chords[_PRE]
    return chords, n_corr, tw, pre, sloppy


def _corrections(rng: np.random.Generator, p: MouseParams, a: _Aim, chords: np.ndarray, n_corr: np.ndarray) -> None:
    """Fill in the corrective strokes (in place).

    Each correction covers its residual with a gain error (mean ``correction_gain``: like the primary,
    corrections tend to fall short) and a small direction error; the last planned one lands on the aim.
    """
    n = a.S.shape[0]
    placed = chords[_TW] + chords[_PRE] + chords[_P]
    for j in range(_P + 1, _K):
        rem = a.V - placed
        g = _clip(rng.normal(p.correction_gain, 0.18, n), 0.6, 1.3) + 1j * rng.normal(0.0, 0.06, n)
        chords[j] = np.where(n_corr >= j - _P, np.where(n_corr == j - _P, rem, rem * g), 0.0)
        placed = placed + chords[j]


def _turns(rng: np.random.Generator, p: MouseParams, u: np.ndarray, sloppy: np.ndarray) -> np.ndarray:
    """Turning angle of each stroke's arc: a per-person bulge side plus per-move variation, (K, N)."""
    bias = p.curvature * p.curvature_bias * np.sin(np.angle(u) - p.bulge_angle) * 1.5
    turn = _CORR_BEND * p.curvature * rng.standard_normal((_K, u.shape[0]))
    turn[_P] = bias + p.curvature * math.sqrt(max(1.0 - p.curvature_bias ** 2, 0.05)) * rng.standard_normal(u.shape[0])
    # A careless throw is flung: a faster, more bowed primary (the heavy tail of real moves: peak
    # speeds past 4,000 px/s, straightness below 0.6, large overshoots, then a long correction).
    turn[_P] = np.where(sloppy, _SLOPPY_BOW * turn[_P], turn[_P])
    return _clip(turn, -2.5, 2.5)


def _timing(rng: np.random.Generator, p: MouseParams, t0: np.ndarray, MT: np.ndarray, D: np.ndarray, chords: np.ndarray,
            n_corr: np.ndarray, tw: np.ndarray, pre: np.ndarray, sloppy: np.ndarray, onset: bool,
            homing: bool | np.ndarray) -> tuple[np.ndarray, ...]:
    """Onset, spans and start times of the strokes: ``(t_on, active, start, span)``."""
    n = t0.shape[0]
    lead = np.zeros(n)
    if onset:
        lead += lognormal_ms(rng, p.onset_ms, p.onset_sigma, 0.0, 10.0 * p.onset_ms + 1.0, size=n)
    hom = np.broadcast_to(np.asarray(homing, dtype=bool), (n,))
    if hom.any():
        lead += np.where(hom, lognormal_ms(rng, p.homing_ms, 0.25, 0.4 * p.homing_ms, 3.0 * p.homing_ms, size=n), 0.0)
    t_on = t0 + lead
    idx = np.arange(_K)[:, None]
    active = (((idx == _TW) & tw[None, :]) | ((idx == _PRE) & pre[None, :])
              | ((idx >= _P) & (idx - _P <= n_corr[None, :])))
    is_last = idx - _P == n_corr[None, :]
    span = np.zeros((_K, n))
    pre_span = lognormal_ms(rng, p.premove_ms, 0.35, 40.0, 600.0, size=n)
    span[_PRE] = np.where(pre, pre_span, 0.0)
    span[_TW] = np.where(tw, rng.uniform(12.0, 35.0, n), 0.0)
    tw_pause = np.where(tw, lognormal_ms(rng, p.twitch_pause_ms, 0.5, 10.0, 400.0, size=n), 0.0)
    share = np.where(n_corr == 0, 1.0, _clip(p.primary_share * np.exp(0.15 * rng.standard_normal(n)), 0.25, 0.9))
    span[_P] = np.maximum(share * MT * np.where(sloppy, _SLOPPY_SPAN, 1.0), 80.0)
    # A correction starts at this share of the previous stroke's span: below 1 it blends into the
    # previous stroke's tail, above 1 it follows a short stop (intermittent visual control).
    ov = _clip(rng.normal(p.correction_onset, p.correction_onset_sd, (_K, n)), 0.35, 2.5)
    ov[_PRE] = rng.uniform(0.4, 1.0, n)  # the ballistic stroke takes over before the pre-movement ends
    # A correction is a brisk stroke of its own, timed by Fitts's law on its residual with a few-pixel
    # precision (it aims at a point, not at the whole target): a 3 px nudge is a flick over two or
    # three frames, a 40 px miss takes ~150 ms. The rest of the movement time is spent in near-stops
    # between strokes (intermittent visual control: look, then correct). Real homing phases are such
    # trains of short pulses and stops; long slow strokes would creep in 1 px steps, which they do not.
    need = p.correction_ms * np.log2(1.0 + np.abs(chords[_P + 1:]) / _CORR_W)
    need = need * np.exp(0.25 * rng.standard_normal((_K - _P - 1, n)))
    span[_P + 1:] = np.where(active[_P + 1:], np.maximum(need, 35.0), 0.0)
    corr = active & (idx > _P)
    # The homing phase is budgeted against a usual primary, not this one: a primary that happens to be
    # quick makes the whole move quicker, it does not buy a longer homing (in the reference, peak speed
    # and when it comes are independent: Spearman 0.06).
    prim = np.where(n_corr == 0, span[_P], np.maximum(p.primary_share * MT * np.where(sloppy, _SLOPPY_SPAN, 1.0), 80.0))
    busy = ov[_P] * prim + (ov * span * (corr & ~is_last)).sum(0) + (span * (corr & is_last)).sum(0)
    if p.error_time > 0:
        # Correcting a miss costs time: the spare time is what is left after the corrections a typical
        # miss needs, so a larger miss than usual makes the move longer (not just its pauses shorter).
        # Real crooked moves take longer (straightness vs duration: Spearman -0.42 in the reference).
        r_typ = D * math.hypot(1.0 - p.primary_gain, p.lateral_error) * (0.2 ** np.arange(_K - _P - 1))[:, None]
        typ = np.where(active[_P + 1:], np.maximum(p.correction_ms * np.log2(1.0 + r_typ / _CORR_W), 35.0), 0.0)
        busy_typ = (ov[_P] * prim + (ov[_P + 1:] * typ * (corr & ~is_last)[_P + 1:]).sum(0)
                    + (typ * (corr & is_last)[_P + 1:]).sum(0))
        busy = (1.0 - p.error_time) * busy + p.error_time * busy_typ
    cw = rng.uniform(0.3, 1.0, (_K, n)) * corr
    slack = np.maximum(MT - busy, 0.0) / np.maximum(cw.sum(0), 1e-9)
    # The spare time not spent still stretches the corrections instead (a slower, smoother homing).
    span[_P + 1:] += (1.0 - p.correction_pause) * cw[_P + 1:] * slack
    slack = p.correction_pause * slack
    start = np.zeros((_K, n))
    start[_TW] = t_on
    start[_PRE] = t_on + span[_TW] + tw_pause
    start[_P] = start[_PRE] + np.where(pre, ov[_PRE] * span[_PRE], 0.0)
    for j in range(_P + 1, _K):
        start[j] = start[j - 1] + ov[j - 1] * span[j - 1] + cw[j] * slack
    if p.reversal_wait_ms > 0:
        # Past the target, the hand stops and the eye has to see the miss before turning back: a
        # correction that reverses the primary follows a stop, which lengthens the move (real moves that
        # overshoot take longer and pause more: Spearman 0.29 with duration and with interval CV).
        back = active[_P + 1] & ((chords[_P + 1] * np.conj(chords[_P])).real < 0.0)
        wait = lognormal_ms(rng, p.reversal_wait_ms, 0.5, 0.0, 5.0 * p.reversal_wait_ms, size=n)
        start[_P + 1:] += np.where(back, np.maximum(start[_P] + span[_P] + wait - start[_P + 1], 0.0), 0.0)
    return t_on, active, start, span


def _plan_strokes(rng: np.random.Generator, p: MouseParams, a: _Aim, box: np.ndarray, t0: np.ndarray,
                  viewport: tuple[int, int], *, overshoot_scale: float, onset: bool,
                  homing: bool | np.ndarray) -> _Strokes:
    """The whole stroke plan of a batch: chords, arcs (kept inside the viewport), timing, profiles."""
    chords, n_corr, tw, pre, sloppy = _primary_plan(rng, p, a, overshoot_scale)
    _corrections(rng, p, a, chords, n_corr)
    turn = _turns(rng, p, a.u, sloppy)
    chords, turn, box_lo, box_hi = _fit_inside(a.S, a.E, chords, turn, viewport)
    t_on, active, start, span = _timing(rng, p, t0, a.MT, a.D, chords, n_corr, tw, pre, sloppy, onset, homing)
    sig = _clip(p.stroke_sigma * np.exp(0.12 * rng.standard_normal((_K, t0.shape[0]))), 0.08, 0.7)
    # A stroke runs between z = -zs and +ze of its log-normal profile and is renormalised to reach its
    # chord exactly: a real hand starts and stops at a small but finite speed (static friction), instead
    # of creeping sub-pixel distances for ever. It stops more crisply than it starts (ze < zs): the
    # last 150 ms of real moves are 1 px steps only in two cases of five, and one step in ten is 6 px
    # or more. The cuts vary per stroke: some stop crisply, some creep to a halt.
    zs = _clip(rng.normal(p.stroke_cut_z, p.stroke_cut_sd, (_K, t0.shape[0])), 1.2, 3.6)
    ze = _clip(zs + (p.stroke_stop_z - p.stroke_cut_z), 1.0, 3.6)
    emu = span / (np.exp(ze * sig) - np.exp(-zs * sig))  # exp(mu)
    tz = start - emu * np.exp(-zs * sig)                  # the log-normal's time origin t0
    mu = np.log(np.maximum(emu, 1e-9))
    t_end = np.where(active, start + span, -np.inf).max(0)
    return _Strokes(chords, turn, active, start, span, sig, zs, ze, mu, tz, t_on, t_end, box_lo, box_hi)


def _frames(rng: np.random.Generator, p: MouseParams, st: _Strokes
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Display frames of every move: ``(t, te, mi, off)``, frame times, the drive's time each frame shows,
    each frame's move index and the moves' offsets into the flat arrays."""
    n = st.t_on.shape[0]
    f = p.frame_ms
    k0 = np.floor(st.t_on / f).astype(np.int64) + 1
    # The speed-noise time warp can lag the plan by up to this much: give the last stroke time to
    # finish so the final snap onto the aim point is never a visible jump.
    warp_max = 0.5 * p.speed_noise * 1000.0 / (2.0 * np.pi * 4.0) * 3.0
    k1 = np.maximum(np.ceil((st.t_end + warp_max) / f).astype(np.int64), k0)
    cnt = k1 - k0 + 1
    off = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(cnt, out=off[1:])
    M = int(off[-1])
    mi = np.repeat(np.arange(n), cnt)
    if p.fitted_clock:
        # The fitted event clock (mouse_fit.clock_table): whole-ms intervals that wobble as a real page's
        # do (an 18 ms interval is mostly followed by a 16 ms one), read from a random offset per move.
        table = clock_table()
        o = rng.integers(0, table.shape[0] - int(cnt.max()) - 1, n)
        j = np.arange(M) - off[mi]
        t = k0[mi] * f + (table[o[mi] + j] - table[o[mi]])
    else:
        t = (k0[mi] + (np.arange(M) - off[mi])) * f
        if p.frame_jitter_ms > 0:
            t = t + _clip(rng.normal(0.0, p.frame_jitter_ms, M), -f / 3.0, f / 3.0)
    # A frame shows where the pointer was at the mouse's last report (USB polling, e.g. every 8 ms),
    # so per-frame steps alias between whole numbers of reports.
    if p.report_ms > 0:
        r0 = rng.uniform(0.0, p.report_ms, n)[mi]
        te = r0 + np.floor((t - r0) / p.report_ms) * p.report_ms
    else:
        te = t
    # The hand's drive is not perfectly smooth: a time warp w(t) makes speed fluctuate by about
    # +-speed_noise around the planned profile (|w'| < 1 keeps the motion going forward).
    if p.speed_noise > 0:
        fq = rng.uniform(4.0, 14.0, (3, n))
        phw = rng.uniform(0.0, 2.0 * np.pi, (3, n))
        amp = (0.5 * p.speed_noise) * 1000.0 / (2.0 * np.pi * fq)
        ts_ = te * (2e-3 * np.pi)
        warp = amp[0][mi] * np.sin(fq[0][mi] * ts_ + phw[0][mi])
        for k in (1, 2):
            warp += amp[k][mi] * np.sin(fq[k][mi] * ts_ + phw[k][mi])
        te = te + warp
    return t, te, mi, off


def _superpose(S: np.ndarray, st: _Strokes, te: np.ndarray, mi: np.ndarray) -> tuple[np.ndarray, ...]:
    """Drive position (x, y) and speed (px/ms) at the times ``te``: the sum of the strokes' arcs.

    A stroke contributes nothing before it starts and its whole chord after it ends, so the
    transcendental work is done only on the samples inside its window.
    """
    M = te.shape[0]
    px_ = S[mi, 0].copy()
    py_ = S[mi, 1].copy()
    speed = np.zeros(M)
    c0 = ndtr(-st.zs)
    inv_norm = 1.0 / (ndtr(st.ze) - c0)
    k_speed = inv_norm / math.sqrt(2.0 * math.pi)
    s_end = st.start + st.span
    for j in range(_K):
        if not st.active[j].any():
            continue
        done = te >= s_end[j][mi]
        cx, cy = st.chords[j].real, st.chords[j].imag
        px_ += np.where(done, cx[mi], 0.0)
        py_ += np.where(done, cy[mi], 0.0)
        w = np.flatnonzero((te > st.start[j][mi]) & ~done)
        if w.size == 0:
            continue
        mw = mi[w]
        dt = te[w] - st.tz[j][mw]
        sj = st.sig[j][mw]
        z = _clip((np.log(dt) - st.mu[j][mw]) / sj, -st.zs[j][mw], st.ze[j][mw])
        fr = (ndtr(z) - c0[j][mw]) * inv_norm[j][mw]
        # Arc of total turn th, travelled to fraction fr: the chord scaled by fr * sinc(th fr/2) / sinc(th/2)
        # and rotated by th (fr - 1) / 2 (exact circular-arc geometry, stable for th -> 0).
        th = st.turn[j][mw]
        mag = fr * _sinc(0.5 * th * fr) / _sinc(0.5 * th)
        rot = 0.5 * th * (fr - 1.0)
        ca, sa = np.cos(rot), np.sin(rot)
        cxw, cyw = cx[mw], cy[mw]
        px_[w] += mag * (cxw * ca - cyw * sa)
        py_[w] += mag * (cxw * sa + cyw * ca)
        speed[w] += np.abs(st.chords[j])[mw] * np.exp(-0.5 * z * z) * (k_speed[j][mw] / (sj * dt))
    return px_, py_, speed


def _add_noise(rng: np.random.Generator, p: MouseParams, px_: np.ndarray, py_: np.ndarray, speed: np.ndarray,
               te: np.ndarray, mi: np.ndarray, u: np.ndarray, st: _Strokes) -> None:
    """Signal-dependent noise, in place: frame-to-frame jitter and a slow wobble, scaled by speed.

    Scaled by absolute speed (2 px/ms ~ a brisk 300 px reach), so slow nudges and rests stay clean.
    """
    if p.tremor_px <= 0 and p.jitter_px <= 0:
        return
    n = u.shape[0]
    w = np.flatnonzero(speed > 0.0)
    mw = mi[w]
    lo, hi = st.box_lo, st.box_hi
    # Fade the noise near the edges of the move's box (|noise| <= 1.6 env + 4 jit): the noisy path
    # stays inside wherever the planned one is, so no sample ever needs clamping.
    edge = np.maximum(np.minimum(np.minimum(px_[w] - lo[mw, 0], hi[mw, 0] - px_[w]),
                                 np.minimum(py_[w] - lo[mw, 1], hi[mw, 1] - py_[w])), 0.0)
    env = np.minimum(np.minimum(speed[w] * 0.5, 1.5) * p.tremor_px, edge / 3.2)
    # Frame-to-frame jitter at speed (hand and sensor): real fast strokes change heading by about
    # 0.1 rad from frame to frame, far more than a smooth arc does.
    # The fitted scale (data/mouse_fit.json): part of the real frame-to-frame wobble is the sensor's
    # count quantisation (_sensor_counts), which now makes it, so less is added here.
    jscale = float(mouse_fit()["sensor"].get("jitter_scale", 1.0)) if p.sensor_gain > 0 else 1.0
    jit = np.minimum(np.minimum(speed[w], 3.0) * p.jitter_px * jscale, edge / 8.0)
    jx, jy = _clip(rng.standard_normal((2, w.size)), -2.0, 2.0) * jit
    px_[w] += jx
    py_[w] += jy
    f1, f2 = rng.uniform(2.0, 5.0, n), rng.uniform(7.0, 11.0, n)
    ph = rng.uniform(0.0, 2.0 * np.pi, (3, n))
    ts = te[w] * (2e-3 * np.pi)
    wob = env * (np.sin(f1[mw] * ts + ph[0][mw]) + 0.5 * np.sin(f2[mw] * ts + ph[1][mw]))
    along = env * 0.5 * np.sin(0.7 * f1[mw] * ts + ph[2][mw])
    ux, uy = u.real[mw], u.imag[mw]
    px_[w] += along * ux - wob * uy
    py_[w] += along * uy + wob * ux


def _sensor_counts(rng: np.random.Generator, p: MouseParams, px_: np.ndarray, py_: np.ndarray, S: np.ndarray,
                   off: np.ndarray, mi: np.ndarray) -> None:
    """The hand's path as the pointer shows it through a counting sensor and a pointer gain, in place.

    The sensor counts whole steps of its resolution per axis; the system multiplies counts by a gain
    (px per count) that grows with speed (``gain = g (v / 1 px/ms) ** alpha``, g log-normal per move
    around the fitted median times ``p.sensor_gain``; the fit is in ``data/mouse_fit.json``). The
    pointer is the running sum of counts times gain, so a slow axis advances in jumps of about the gain
    while the fast one moves every frame. The sensor keeps its sub-count remainder, so the pointer
    never drifts more than about one gain step off the hand's path, and the last frame lands on the aim.
    """
    if p.sensor_gain <= 0:
        return
    fit = mouse_fit()["sensor"]
    n, M = S.shape[0], px_.shape[0]
    if M == 0:
        return
    g = p.sensor_gain * float(fit["gain_median"]) * np.exp(float(fit["gain_sigma"]) * rng.standard_normal(n))
    first = off[:-1][np.diff(off) > 0]
    d = []
    for pos, s0 in ((px_, S[:, 0]), (py_, S[:, 1])):
        prev = np.empty(M)
        prev[1:] = pos[:-1]
        prev[first] = s0[mi[first]]
        d.append(pos - prev)
    # Speed per frame in px/ms (frames ~16.7 ms apart): the gain rises with it.
    v = np.hypot(d[0], d[1]) / p.frame_ms
    gk = _clip(g[mi] * np.maximum(v, 0.05) ** float(fit["gain_alpha"]), float(fit["gain_min"]), float(fit["gain_max"]))
    ph = rng.random((2, n))  # the sensor's sub-count state when the move begins
    for k, (ax, dd) in enumerate(zip((px_, py_), d)):
        cu = np.cumsum(dd / gk)
        U = cu - np.r_[0.0, cu][off[:-1]][mi] + ph[k][mi]
        c = np.floor(U)
        dc = np.diff(np.r_[0.0, c])
        dc[first] = c[first]
        cs = np.cumsum(dc * gk)
        ax[:] = S[mi, k] + cs - np.r_[0.0, cs][off[:-1]][mi]


def _whole_pixels(px_: np.ndarray, py_: np.ndarray, S: np.ndarray, E: np.ndarray, off: np.ndarray,
                  viewport: tuple[int, int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pointer positions in whole px and which frames emit a ``mousemove``: ``(x, y, keep)``.

    A frame whose position did not change emits nothing; the final frame puts the pointer exactly on
    the aim point, if it is not already there.
    """
    vw, vh = viewport
    n, M = S.shape[0], px_.shape[0]
    # Plans stay inside by construction (_fit_inside, the edge-faded noise); this clip only guards the
    # rounding of a start point given outside the viewport.
    x = _clip(np.round(px_), 0.0, vw - 1.0)
    y = _clip(np.round(py_), 0.0, vh - 1.0)
    first, fin = off[:-1], off[1:] - 1
    is_final = np.zeros(M, dtype=bool)
    is_final[fin] = True
    prev_x, prev_y = np.empty(M), np.empty(M)
    prev_x[1:], prev_y[1:] = x[:-1], y[:-1]
    prev_x[first] = _clip(np.round(S[:, 0]), 0.0, vw - 1.0)
    prev_y[first] = _clip(np.round(S[:, 1]), 0.0, vh - 1.0)
    keep = ((x != prev_x) | (y != prev_y)) & ~is_final
    last_kept = np.maximum.accumulate(np.where(keep, np.arange(M), -1))
    lk = last_kept[fin - 1] if M > 1 else np.full(n, -1)
    lk = np.where((fin - 1 >= first) & (lk >= first), lk, -1)
    before_x = np.where(lk >= 0, x[np.maximum(lk, 0)], S[:, 0])
    before_y = np.where(lk >= 0, y[np.maximum(lk, 0)], S[:, 1])
    x[fin], y[fin] = E[:, 0], E[:, 1]
    keep[fin] = (np.abs(E[:, 0] - before_x) > 1e-9) | (np.abs(E[:, 1] - before_y) > 1e-9)
    return x, y, keep


def _early_resumes(rng: np.random.Generator, f: float, tk: np.ndarray, xk: np.ndarray, yk: np.ndarray,
                   mk: np.ndarray, S: np.ndarray, t_on: np.ndarray, t_twitch: np.ndarray, offsets: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Events after a stillness come part of a frame early: ``(t, x, y, offsets)`` with those moved or added.

    Chromium aligns mousemove to frames only while the pointer keeps moving: the first report after a
    stillness is often dispatched at once, and the frame's own event follows. How often depends on the
    stillness (:data:`_EARLY_FIRST`, :data:`_EARLY_SHORT`, :data:`_EARLY_LONG`).
    """
    if not tk.size:
        return tk, xk, yk, offsets
    n = offsets.shape[0] - 1
    first_of_move = np.r_[True, mk[1:] != mk[:-1]]
    gap = np.where(first_of_move, np.inf, np.diff(tk, prepend=-np.inf))
    resumed = gap > 1.5 * f
    # The start of a move (its first event, and the one after the twitch's pause) keeps to the frames.
    initial = first_of_move | (np.r_[-np.inf, tk[:-1]] <= t_twitch[mk])
    early = resumed & (rng.random(tk.size) < np.where(initial, _EARLY_FIRST,
                                                      np.where(gap < 150.0, _EARLY_SHORT, _EARLY_LONG)))
    delta = rng.uniform(0.1 * f, 0.9 * f, tk.size)
    # never before the movement began, nor before the previous event
    lower = np.where(first_of_move, t_on[mk], np.r_[-np.inf, tk[:-1]]) + 0.5
    delta = np.maximum(np.minimum(delta, tk - lower), 0.0)
    # where the pointer was before: the previous sample, or the start for a move's first sample
    prev_x = np.where(first_of_move, np.round(S[mk, 0]), np.r_[0.0, xk[:-1]])
    prev_y = np.where(first_of_move, np.round(S[mk, 1]), np.r_[0.0, yk[:-1]])
    fr = rng.uniform(0.2, 0.8, tk.size)
    mx_, my_ = np.round(prev_x + fr * (xk - prev_x)), np.round(prev_y + fr * (yk - prev_y))
    between = ((mx_ != prev_x) | (my_ != prev_y)) & ((mx_ != xk) | (my_ != yk))
    early &= delta > 0.5
    ins = np.flatnonzero(early & between)   # an extra, early event part-way there
    shift = early & ~between                # a small step: the event itself comes early
    tk = tk - np.where(shift, delta, 0.0)
    if ins.size:
        tk = np.insert(tk, ins, tk[ins] - delta[ins])
        xk = np.insert(xk, ins, mx_[ins])
        yk = np.insert(yk, ins, my_[ins])
        offsets = offsets.copy()
        offsets[1:] += np.cumsum(np.bincount(mk[ins], minlength=n))
    return tk, xk, yk, offsets


def plan_moves_batch(rng: np.random.Generator, p: MouseParams, starts: np.ndarray, targets_xywh: np.ndarray,
                     t0s: np.ndarray, viewport: tuple[int, int], *, homing: bool | np.ndarray = False,
                     slowdown: float = 1.0, overshoot_scale: float = 1.0, onset: bool = True,
                     ends: np.ndarray | None = None) -> MoveBatch:
    """Plan many pointer moves at once (vectorised); see the module docstring for the model.

    ``starts`` (N, 2), ``targets_xywh`` (N, 4) boxes, ``t0s`` (N,) absolute start times in ms.
    ``slowdown`` multiplies movement times (drags); ``overshoot_scale`` scales overshoot probability;
    ``onset=False`` starts moving at ``t0`` without a reaction latency; ``ends`` (N, 2) fixes the aim
    points instead of drawing them around the box centres.

    >>> rng = np.random.default_rng(2)
    >>> b = plan_moves_batch(rng, MouseParams(), np.zeros((100, 2)), np.tile([500.0, 300, 20, 20], (100, 1)),
    ...                      np.zeros(100), (1280, 720))
    >>> bool(np.all((b.ends >= [500, 300]) & (b.ends <= [520, 320])))
    True
    """
    S = np.asarray(starts, dtype=np.float64).reshape(-1, 2)
    box = np.asarray(targets_xywh, dtype=np.float64).reshape(-1, 4)
    t0 = np.broadcast_to(np.asarray(t0s, dtype=np.float64), (S.shape[0],))
    n = S.shape[0]
    if box.shape[0] != n:
        raise ValueError(f"targets_xywh has {box.shape[0]} rows but starts has {n}")
    vw, vh = viewport
    if vw < 1 or vh < 1:
        raise ValueError(f"viewport={viewport}: both sides must be at least 1 px")
    if n == 0:
        z = np.empty(0)
        return MoveBatch(z, z.copy(), z.copy(), np.zeros(1, dtype=np.int64), np.empty((0, 2)))
    E = _click_points(rng, p, box, viewport) if ends is None else np.asarray(ends, dtype=np.float64).reshape(n, 2)
    if LEARNED and onset and slowdown == 1.0 and GEN_PATH.is_file():
        learned = _learned_rows(S, E, box)
        if learned.any():
            return _with_learned(rng, p, S, E, box, t0, viewport, learned, homing, overshoot_scale)
    return _planned(rng, p, S, E, box, t0, viewport, homing=homing, slowdown=slowdown,
                    overshoot_scale=overshoot_scale, onset=onset)


def _planned(rng: np.random.Generator, p: MouseParams, S: np.ndarray, E: np.ndarray, box: np.ndarray,
             t0: np.ndarray, viewport: tuple[int, int], *, homing: bool | np.ndarray, slowdown: float,
             overshoot_scale: float, onset: bool) -> MoveBatch:
    """The parametric planner (strokes, frames, noise) for moves whose aim points are already drawn."""
    n = S.shape[0]
    if n == 0:
        z = np.empty(0)
        return MoveBatch(z, z.copy(), z.copy(), np.zeros(1, dtype=np.int64), np.empty((0, 2)))
    a = _aim(rng, p, S, E, box, slowdown)
    st = _plan_strokes(rng, p, a, box, t0, viewport, overshoot_scale=overshoot_scale, onset=onset, homing=homing)
    t, te, mi, off = _frames(rng, p, st)
    px_, py_, speed = _superpose(S, st, te, mi)
    _add_noise(rng, p, px_, py_, speed, te, mi, a.u, st)
    _sensor_counts(rng, p, px_, py_, S, off, mi)
    x, y, keep = _whole_pixels(px_, py_, S, a.E, off, viewport)
    mk = mi[keep]
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(mk, minlength=n), out=offsets[1:])
    t_twitch = np.where(st.active[_TW], st.start[_TW] + st.span[_TW], -np.inf)  # end of the twitch, if any
    tk, xk, yk, offsets = _early_resumes(rng, p.frame_ms, t[keep], x[keep], y[keep], mk, S, st.t_on, t_twitch,
                                         offsets)
    return MoveBatch(t_ms=tk, x=xk, y=yk, offsets=offsets, ends=a.E)


def _learned_rows(S: np.ndarray, E: np.ndarray, box: np.ndarray) -> np.ndarray:
    """Which moves the learned step model draws: whole-px ends inside their box, far enough to be a reach."""
    Er = np.round(E)
    inside = ((Er == E).all(axis=1)
              | ((Er[:, 0] >= box[:, 0]) & (Er[:, 0] <= box[:, 0] + box[:, 2])
                 & (Er[:, 1] >= box[:, 1]) & (Er[:, 1] <= box[:, 1] + box[:, 3])))
    return inside & (np.hypot(*(Er - np.round(S)).T) >= LEARNED_MIN_PX)


def _with_learned(rng: np.random.Generator, p: MouseParams, S: np.ndarray, E: np.ndarray, box: np.ndarray,
                  t0: np.ndarray, viewport: tuple[int, int], learned: np.ndarray, homing: bool | np.ndarray,
                  overshoot_scale: float) -> MoveBatch:
    """Moves ``learned`` from the learned step model (:func:`~synthgen.motor.mouse_fit.learned_paths`), the
    others from the parametric planner; merged back in the input order."""
    n = S.shape[0]
    li, pi = np.flatnonzero(learned), np.flatnonzero(~learned)
    hom = np.broadcast_to(np.asarray(homing, dtype=bool), (n,))
    lead = lognormal_ms(rng, p.onset_ms, p.onset_sigma, 0.0, 10.0 * p.onset_ms + 1.0, size=li.size)
    lead = lead + np.where(hom[li], lognormal_ms(rng, p.homing_ms, 0.25, 0.4 * p.homing_ms, 3.0 * p.homing_ms,
                                                 size=li.size), 0.0)
    Sl = np.round(S[li])
    tl, xl, yl, offl = learned_paths(rng, Sl, E[li], box[li], t0[li] + lead, viewport, style=STYLES[STYLE],
                                     tempo=_tempo(p, Sl, E[li]))
    bp = _planned(rng, p, S[pi], E[pi], box[pi], t0[pi], viewport, homing=hom[pi], slowdown=1.0,
                  overshoot_scale=overshoot_scale, onset=True)
    counts = np.zeros(n, dtype=np.int64)
    counts[li] = np.diff(offl)
    counts[pi] = np.diff(bp.offsets)
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    t, x, y = (np.empty(int(offsets[-1])) for _ in range(3))
    for idx, (tt, xx, yy, oo) in ((li, (tl, xl, yl, offl)), (pi, (bp.t_ms, bp.x, bp.y, bp.offsets))):
        if idx.size == 0:
            continue
        dst = np.repeat(offsets[idx] - oo[:-1], np.diff(oo)) + np.arange(int(oo[-1]))
        t[dst], x[dst], y[dst] = tt, xx, yy
    ends = E.copy()
    # where each learned move stopped (its start if it made no sample)
    has = np.diff(offl) > 0
    last = np.maximum(offl[1:] - 1, 0)
    ends[li] = np.where(has[:, None], np.c_[xl[last], yl[last]] if xl.size else Sl, Sl)
    if pi.size:
        ends[pi] = bp.ends
    return MoveBatch(t_ms=t, x=x, y=y, offsets=offsets, ends=ends)


#: The reference's target widths (px) by recording setup: Freihaut's circles, SapiMouse's 80-100 px shapes.
_REF_WIDTH = {"freihaut": 33.0, "sapimouse": 90.0}


def _tempo(p: MouseParams, S: np.ndarray, E: np.ndarray) -> np.ndarray:
    """Log-duration shift of learned moves: this persona's Fitts time over the population median persona's,
    at the same distance and the reference's target size.

    The learned model draws the reference people's pace; a persona's own ``fitts_a_ms``, ``fitts_b_ms``
    make it a little faster or slower (population SD about 0.08 in log time). Target size is not carried
    over: the model saw one size per recording setup, and telling it "take longer" for a small target
    made its moves wander (real moves that take long are the crooked ones), so a small target only
    changes where the move may end (inside the box).

    >>> float(_tempo(MouseParams(fitts_b_ms=MouseParams().fitts_b_ms * 1.5), np.zeros((1, 2)), np.array([[300.0, 10]]))[0]) > 0
    True
    """
    D = np.hypot(E[:, 0] - S[:, 0], E[:, 1] - S[:, 1])
    ref = MouseParams()
    idx = fitts_id(D, _REF_WIDTH[STYLE])
    mine = p.fitts_a_ms + p.fitts_b_ms * idx
    typical = ref.fitts_a_ms + ref.fitts_b_ms * idx
    return np.clip(np.log(np.maximum(mine, 1.0) / np.maximum(typical, 1.0)), -0.7, 0.7)


def _box_array(target: Box) -> np.ndarray:
    return np.array([[target.x, target.y, target.width, target.height]], dtype=np.float64)


def plan_move(rng: np.random.Generator, p: MouseParams, start: tuple[float, float], target: Box, t0_ms: float,
              viewport: tuple[int, int], *, homing: bool = False) -> tuple[MousePath, tuple[float, float]]:
    """Plan one move from ``start`` to a point aimed around ``target``'s centre.

    Returns the ``mousemove`` samples (absolute ms) and the end point, which is the path's last
    sample when the path is not empty. ``homing=True`` first brings the hand back from the keyboard.

    >>> rng = np.random.default_rng(3)
    >>> path, end = plan_move(rng, MouseParams(), (5.0, 5.0), Box(5, 5, 0, 0), 100.0, (800, 600))
    >>> len(path), end
    (0, (5.0, 5.0))
    """
    b = plan_moves_batch(rng, p, np.array([start], dtype=np.float64), _box_array(target),
                         np.array([t0_ms], dtype=np.float64), viewport, homing=homing)
    return b.path(0), b.end(0)


def _press_ms(rng: np.random.Generator, p: MouseParams) -> float:
    # Never the 0-20 ms of automation tools; the reference keeps 92 % under 300 ms.
    return lognormal_ms(rng, p.press_median_ms, p.press_sigma, 45.0, 600.0)


def plan_click(rng: np.random.Generator, p: MouseParams, at: tuple[float, float], t0_ms: float, *,
               button: int = 0, clicks: int = 1, viewport: tuple[int, int] | None = None,
               approach: tuple[float, float] | None = None) -> list[ButtonAction]:
    """Press(es) and release(s) at ``at`` after a short still pause (``clicks=2`` for a double click).

    A single click sometimes slips a pixel or a few during the press (``ButtonAction.slip``; kept
    inside ``viewport`` when given), mostly onwards along ``approach`` (the direction the pointer
    last moved in, see :func:`approach_of`); the pointer then rests at ``ButtonAction.release``.

    >>> acts = plan_click(np.random.default_rng(4), MouseParams(), (10.0, 10.0), 0.0, clicks=2)
    >>> [a.click_count for a in acts], acts[0].t_up < acts[1].t_down
    ([1, 2], True)
    """
    if clicks < 1:
        raise ValueError(f"clicks={clicks}: must be at least 1")
    if button not in (0, 1, 2):
        raise ValueError(f"button={button}: must be 0 (left), 1 (middle) or 2 (right)")
    t = t0_ms + lognormal_ms(rng, p.preclick_pause_ms, p.preclick_sigma, 15.0, 8.0 * p.preclick_pause_ms + 50.0)
    x, y = float(at[0]), float(at[1])
    out: list[ButtonAction] = []
    for k in range(clicks):
        if k:
            t = out[-1].t_up + lognormal_ms(rng, p.dblclick_gap_ms, 0.3, 40.0, 250.0)
            # The hand may shift a pixel between the two presses of a double click.
            if rng.random() < 0.15:
                x += float(rng.integers(-1, 2))
                y += float(rng.integers(-1, 2))
        press = _press_ms(rng, p)
        if clicks > 1:
            # Presses of a multi-click are brisk: the whole gesture fits the OS double-click time (500 ms).
            press = min(press, 200.0)
        slip = _slip(rng, p, t, press, x, y, viewport, approach) if clicks == 1 else None
        out.append(ButtonAction(t_down=t, t_up=t + press, x=x, y=y, button=button, click_count=min(k + 1, 3),
                                slip=slip))
    return out


def _slip(rng: np.random.Generator, p: MouseParams, t_down: float, press: float, x: float, y: float,
          viewport: tuple[int, int] | None, approach: tuple[float, float] | None) -> tuple[float, float, float] | None:
    """A shift of the pointer during a press, or None.

    Pressing and lifting a finger moves the mouse a little, and a hand that has not quite stopped
    carries on: in the Freihaut recordings about one click in eight has a position change during the
    press, most of them as the button comes up (logged within a millisecond of the click), 1 px in
    three of four cases and up to about 5 px, mostly onwards in the direction of the last movement.
    """
    u = rng.random(6)
    if u[0] >= p.slip_prob:
        return None
    # Dispatched with the release (the browser flushes a pending move before the mouseup), or earlier.
    lead = 0.8 * u[1] if u[2] < p.slip_release else (0.1 + 0.8 * u[1]) * press
    size = min(float(rng.geometric(0.72)), 5.0)
    if approach is not None and math.hypot(*approach) > 0 and u[3] < p.slip_follow:
        ang = math.atan2(approach[1], approach[0]) + 0.4 * float(rng.standard_normal())
    else:
        ang = u[4] * 2.0 * math.pi
    dx, dy = round(size * math.cos(ang)), round(size * math.sin(ang))
    if dx == 0 and dy == 0:  # at least the nearest of the 8 neighbouring pixels
        k = round(ang / (math.pi / 4.0))
        dx, dy = round(math.cos(k * math.pi / 4.0)), round(math.sin(k * math.pi / 4.0))
    # Never off the page: at an edge the hand slips the other way.
    vw, vh = viewport if viewport is not None else (math.inf, math.inf)
    dx = -dx if not 0.0 <= x + dx <= vw - 1.0 else dx
    dy = -dy if not 0.0 <= y + dy <= vh - 1.0 else dy
    return (t_down + press - min(lead, press - 1.0), x + dx, y + dy)


def approach_of(path: MousePath, start: tuple[float, float] | None = None) -> tuple[float, float] | None:
    """Direction (dx, dy) the pointer last moved in: over the last few samples of ``path``, or None.

    >>> approach_of(MousePath(np.array([0.0, 17.0, 33.0]), np.array([10.0, 12.0, 13.0]), np.array([5.0, 5.0, 6.0])))
    (3.0, 1.0)
    """
    n = len(path)
    if n == 0:
        return None
    if n >= 2:
        k = max(n - 4, 0)
        x0, y0 = float(path.x[k]), float(path.y[k])
    elif start is not None:
        x0, y0 = float(start[0]), float(start[1])
    else:
        return None
    d = (float(path.x[-1]) - x0, float(path.y[-1]) - y0)
    return d if d != (0.0, 0.0) else None


def plan_drag(rng: np.random.Generator, p: MouseParams, start: tuple[float, float], target: Box, t0_ms: float,
              viewport: tuple[int, int]) -> tuple[ButtonAction, MousePath]:
    """Press at ``start``, move with the button held (slower, fewer overshoots), release at the end.

    The button's ``t_down`` precedes the first sample and ``t_up`` follows the last; its x, y is the
    start point; the release point is the path's last sample.

    >>> rng = np.random.default_rng(5)
    >>> btn, path = plan_drag(rng, MouseParams(), (50.0, 50.0), Box(300, 200, 40, 40), 0.0, (800, 600))
    >>> btn.t_down < path.t_ms[0] and btn.t_up > path.t_ms[-1] and (btn.x, btn.y) == (50.0, 50.0)
    True
    """
    t_down = t0_ms + lognormal_ms(rng, p.preclick_pause_ms, p.preclick_sigma, 15.0, 8.0 * p.preclick_pause_ms + 50.0)
    # A grab: the hand settles on the held button before moving (a short hold before motion).
    t_move = t_down + lognormal_ms(rng, 120.0, 0.4, 40.0, 500.0)
    b = plan_moves_batch(rng, p, np.array([start], dtype=np.float64), _box_array(target),
                         np.array([t_move]), viewport, slowdown=p.drag_slowdown, overshoot_scale=0.3,
                         onset=False)
    path = b.path(0)
    t_last = path.end_ms if len(path) else t_move
    t_up = t_last + lognormal_ms(rng, 110.0, 0.45, 30.0, 600.0)
    return ButtonAction(t_down=t_down, t_up=t_up, x=float(start[0]), y=float(start[1])), path


def plan_idle(rng: np.random.Generator, p: MouseParams, at: tuple[float, float], t0_ms: float,
              duration_ms: float, viewport: tuple[int, int]) -> MousePath:
    """A reading pause: the pointer mostly rests, with occasional small drifts (often an empty path).

    >>> rng = np.random.default_rng(6)
    >>> path = plan_idle(rng, MouseParams(idle_drift_rate_hz=2.0), (100.0, 100.0), 0.0, 5000.0, (800, 600))
    >>> bool(len(path) == 0 or (path.t_ms[0] > 0 and path.t_ms[-1] <= 5000.0))
    True
    """
    if duration_ms <= 0 or p.idle_drift_rate_hz <= 0 or p.idle_drift_px <= 0:
        return MousePath(np.empty(0), np.empty(0), np.empty(0))
    k = int(rng.poisson(p.idle_drift_rate_hz * duration_ms / 1000.0))
    if k == 0:
        return MousePath(np.empty(0), np.empty(0), np.empty(0))
    starts_t = np.sort(rng.uniform(t0_ms, t0_ms + duration_ms, k))
    dist = lognormal_ms(rng, p.idle_drift_px, 0.6, 1.0, 8.0 * p.idle_drift_px, size=k)
    ang = rng.uniform(0.0, 2.0 * np.pi, k)
    vw, vh = viewport
    # Drifts are slow, uncorrected nudges: one low-gain stroke each, chained from point to point.
    drift = MouseParams(**{**p.model_dump(), "fitts_a_ms": 150.0, "fitts_b_ms": 180.0, "submovements": 0.0,
                           "overshoot_prob": 0.0, "tremor_px": min(p.tremor_px, 0.5)})
    ts, xs, ys = [], [], []
    cur = (float(at[0]), float(at[1]))
    t_free = t0_ms
    for i in range(k):
        tgt = (float(_clip(np.round(cur[0] + dist[i] * math.cos(ang[i])), 0, vw - 1)),
               float(_clip(np.round(cur[1] + dist[i] * math.sin(ang[i])), 0, vh - 1)))
        b = plan_moves_batch(rng, drift, np.array([cur]), np.array([[tgt[0], tgt[1], 0.0, 0.0]]),
                             np.array([max(starts_t[i], t_free)]), viewport, onset=False, ends=np.array([tgt]))
        pth = b.path(0)
        m = pth.t_ms <= t0_ms + duration_ms
        if not m.any():
            break
        ts.append(pth.t_ms[m]); xs.append(pth.x[m]); ys.append(pth.y[m])
        cur = (float(pth.x[m][-1]), float(pth.y[m][-1]))
        t_free = float(pth.t_ms[m][-1]) + 1.0
    if not ts:
        return MousePath(np.empty(0), np.empty(0), np.empty(0))
    return MousePath(np.concatenate(ts), np.concatenate(xs), np.concatenate(ys))
