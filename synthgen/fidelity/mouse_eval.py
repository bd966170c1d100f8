"""Mouse fidelity on held-out people: the strong detector (:mod:`~synthgen.fidelity.mouse_detect`) on the
simulator and on the moves of a generated dataset.

* **Simulator**: ``simulate_point_click`` against the Freihaut & Göritz people no fit saw (the same task:
  a centre target and 12 targets 300 px around it). Both sides as the Freihaut recorder logs them.
* **Floor**: those held-out people in two halves by person, through the same detectors.
* **Product**: the click-to-click moves of a ``synthgen generate`` dataset against SapiMouse people no fit
  saw (a browser task with moves of many distances), reference moves drawn to match the dataset's
  distances and the distance feature left out. The dataset events are the planned ones (the browser
  driver sends every third planned ``mousemove`` to the page, but the dataset records every planned
  sample), so the geometry of those moves can also be planned again with the current model
  (:func:`replan_moves`): the product's moves under today's model without a browser. Target sizes are
  not in the events table, so they are not matched (a 40 x 30 px box around the press when replanning).

>>> ev = evaluate_mouse(quick=True)  # doctest: +SKIP
>>> ev.simulator.best  # doctest: +SKIP
('hgb', 0.6...)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

from synthgen.fidelity.mouse_detect import (
    DetectorReport, detect, detector_features, is_fit_person, match_distance, person_of,
)
from synthgen.fidelity.moves import Move, freihaut_recording, segment_moves

__all__ = ["TELLS", "MouseEvaluation", "heldout_moves", "simulated_moves", "product_moves", "replan_moves",
           "tells_table", "floor_report", "evaluate_mouse"]

#: The giveaways the issue names: detector feature -> label (medians real vs synthetic are reported).
TELLS: dict[str, str] = {
    "interval_17_17": "share of 17 ms intervals",
    "interval_pair_16_16": "16+16 ms interval pairs",
    "interval_18_18": "share of 18 ms intervals",
    "interval_15_15": "share of 15 ms intervals",
    "steps_axis_ge3": "pure-axis steps >= 3 px",
    "heading_sign_changes": "heading sign changes per step",
    "steps_small_pairs": "consecutive 1 px step pairs",
    "dyn_log_jerk_p50": "log10 |jerk| p50 (raw)",
    "dyn_acc_zero_cross": "acceleration zero crossings",
}


def heldout_moves(source: str = "freihaut", *, fit: bool = False) -> list[Move]:
    """Click-to-click moves of the reference people no fit sees (``fit=True``: the fit people instead).

    >>> len(heldout_moves("freihaut")) > 300  # doctest: +SKIP
    True
    """
    from synthgen.fidelity.readers import read_freihaut, read_sapimouse

    if source == "freihaut":
        moves = segment_moves(read_freihaut(), click_time="up")
    elif source == "sapimouse":
        moves = segment_moves(read_sapimouse(), click_time="down")
    else:
        raise ValueError(f"source={source!r}: must be 'freihaut' or 'sapimouse'")
    return [m for m in moves if is_fit_person(person_of(m.session_id)) == fit]


def simulated_moves(seed: int = 0, n_personas: int = 26) -> list[Move]:
    """``simulate_point_click`` moves, as the Freihaut recorder logs them (see :func:`heldout_moves`).

    >>> len(simulated_moves(seed=3, n_personas=1)) > 10
    True
    """
    from synthgen.fidelity.simulate import simulate_point_click
    from synthgen.motor.mouse import recording_style

    with recording_style("freihaut"):  # that study's page, as it logged moves
        sim = simulate_point_click(n_personas=n_personas, seed=seed)
    ev, w = freihaut_recording(sim.events, sim.widths)
    return segment_moves(ev, widths=w, click_time="up")


def product_moves(dataset: Path | str) -> list[Move]:
    """Click-to-click moves (over 50 px, ending at a press) of a generated dataset."""
    from synthgen.fidelity.readers import read_dataset

    return segment_moves(read_dataset(dataset), click_time="down")


def replan_moves(moves: Sequence[Move], *, seed: int = 0, box: tuple[float, float] = (40.0, 30.0),
                 viewport: tuple[int, int] = (1280, 800)) -> list[Move]:
    """The same rest points, press points and sessions planned again with the current mouse model.

    One persona per session (drawn from the population with ``seed``); each move starts at its rest
    point and aims at its press point inside a ``box`` px target; the press follows after ``plan_click``'s
    still pause, as in a session.

    >>> m = Move("s1", np.array([0., 17.]), np.array([10., 200.]), np.array([10., 100.]), (10., 10.), (300., 150.), 400.)
    >>> [abs(r.distance - 322) < 25 for r in replan_moves([m])]  # ends where the hand stops, in the box
    [True]
    """
    from synthgen.motor.mouse import plan_click, plan_moves_batch
    from synthgen.motor.params import sample_motor_profile

    out: list[Move] = []
    sids = sorted({m.session_id for m in moves})
    for k, sid in enumerate(sids):
        rng = np.random.default_rng([seed, k])
        mp = sample_motor_profile(rng).mouse
        mine = [m for m in moves if m.session_id == sid]
        S = np.array([m.rest for m in mine])
        E = np.array([m.click for m in mine])
        vw = max(viewport[0], int(np.r_[S[:, 0], E[:, 0]].max()) + 2)
        vh = max(viewport[1], int(np.r_[S[:, 1], E[:, 1]].max()) + 2)
        boxes = np.c_[E[:, 0] - box[0] / 2, E[:, 1] - box[1] / 2, np.full(len(E), box[0]), np.full(len(E), box[1])]
        t0 = np.arange(len(mine)) * 10_000.0
        b = plan_moves_batch(rng, mp, S, boxes, t0, (vw, vh), ends=E)
        for i, m in enumerate(mine):
            p = b.path(i)
            if len(p) < 3:
                continue
            t_down = plan_click(rng, mp, b.end(i), p.end_ms)[0].t_down
            out.append(Move(f"replan/{sid}/0", np.round(p.t_ms), p.x.copy(), p.y.copy(), m.rest, b.end(i),
                            float(np.round(t_down))))
    return out


def tells_table(real: Sequence[Move], synth: Sequence[Move]) -> pd.DataFrame:
    """Median of each of :data:`TELLS`, real vs synthetic.

    >>> m = Move("a/p/s", np.arange(0., 340., 17.), np.arange(15., 315., 15.), np.zeros(20), (0., 0.), (300., 0.), 400.)
    >>> float(tells_table([m], [m]).loc["steps_axis_ge3", "real"])
    1.0
    """
    fr, fs = detector_features(real), detector_features(synth)
    return pd.DataFrame({"label": list(TELLS.values()), "real": [float(fr[c].median()) for c in TELLS],
                         "synthetic": [float(fs[c].median()) for c in TELLS]}, index=list(TELLS))


def floor_report(moves: Sequence[Move], *, seed: int = 0, **kw) -> DetectorReport:
    """The detectors on two halves of ``moves`` split by person: what people vs people score."""
    people = sorted({person_of(m.session_id) for m in moves})
    rng = np.random.default_rng(seed)
    rng.shuffle(people)
    half = set(people[: len(people) // 2])
    a = [m for m in moves if person_of(m.session_id) in half]
    b = [m for m in moves if person_of(m.session_id) not in half]
    return detect(a, b, seed=seed, **kw)


@dataclass
class MouseEvaluation:
    """Detector reports (simulator, floor, product as generated, product replanned) and the tells."""

    simulator: DetectorReport
    floor: DetectorReport
    tells: pd.DataFrame
    n_heldout: tuple[int, int]  # moves, people
    product: DetectorReport | None = None
    product_replanned: DetectorReport | None = None
    product_floor: DetectorReport | None = None
    product_tells: pd.DataFrame | None = None
    notes: list[str] = field(default_factory=list)


def evaluate_mouse(seed: int = 0, *, dataset: Path | str | None = None, quick: bool = False,
                   detectors: Sequence[str] = ("hgb", "rf", "logreg", "seq", "old")) -> MouseEvaluation:
    """The strong detector on held-out people: simulator, floor, and (with ``dataset``) the product.

    ``quick`` uses HistGradientBoosting and the old detector only, on at most 800 moves per class.
    """
    dets = tuple(d for d in detectors if d in ("hgb", "old")) if quick else tuple(detectors)
    cap = 800 if quick else 4000
    real = heldout_moves("freihaut")
    synth = simulated_moves(seed)
    ev = MouseEvaluation(
        simulator=detect(real, synth, detectors=dets, seed=seed, max_per_class=cap),
        floor=floor_report(real, seed=seed, detectors=dets, max_per_class=cap),
        tells=tells_table(real, synth),
        n_heldout=(len(real), len({person_of(m.session_id) for m in real})),
    )
    if dataset is None:
        ev.notes.append("product check skipped: pass a synthgen dataset folder (benchmarks/fidelity.py --dataset PATH)")
        return ev
    prod = [m for m in product_moves(dataset) if len(m.t) >= 3]
    sapi = heldout_moves("sapimouse")
    ref = match_distance(sapi, prod, seed=seed)
    drop = ("kin_distance",)
    ev.product = detect(ref, prod, detectors=dets, seed=seed, max_per_class=cap, drop=drop)
    ev.product_tells = tells_table(ref, prod)
    again = replan_moves(prod, seed=seed)
    ref2 = match_distance(sapi, again, seed=seed + 1)
    ev.product_replanned = detect(ref2, again, detectors=dets, seed=seed, max_per_class=cap, drop=drop)
    ev.product_floor = floor_report(ref, seed=seed, detectors=dets, max_per_class=cap, drop=drop)
    ev.notes.append(f"product: {len(prod)} moves of {Path(dataset).name} vs {len(ref)} SapiMouse held-out moves "
                    "matched on distance (distance feature left out; target sizes are not in the events table)")
    return ev
