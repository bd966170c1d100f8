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
