"""A strong real-vs-synthetic mouse detector: many feature families, several classifiers, folds by person.

Each click-to-click move (:class:`~synthgen.fidelity.moves.Move`, collector view) is described by about
110 numbers in eight families (:data:`FAMILIES`): the old kinematic summary, speed and progress profiles
at fixed fractions of the move, heading changes and curvature, pause structure, the distribution of
inter-sample intervals and of pairs of them, pixel step sizes and axis-aligned steps, the end approach,
and raw (unsmoothed) acceleration and jerk. A sequence view (:func:`sequence_matrix`) resamples the move
on 32 points of normalised time. Classifiers (:data:`DETECTORS`): histogram gradient boosting, a random
forest, logistic regression on all features, and a multi-layer perceptron on the sequence. Folds are
grouped by person (:func:`person_of`), so no person is on both sides of a split.

Reference people are split once by a salted hash (:func:`is_fit_person`): about 70% may be used by fits
(calibration, ``scripts/fit_mouse.py``), the other 30% only by evaluations.

>>> rng = np.random.default_rng(0)
>>> def mv(i, wob):
...     t = np.cumsum(np.r_[0.0, rng.choice([16.0, 17.0], 30)])
...     x = np.round(np.linspace(1, 300, 31) + wob * rng.normal(size=31))
...     return Move(f"a/p{i % 10}/s", t, x, np.round(wob * rng.normal(size=31)), (0., 0.), (300., 0.), t[-1] + 80)
>>> real = [mv(i, 2.0) for i in range(60)]
>>> bot = [mv(i, 0.0) for i in range(60)]
>>> detect(real, bot, detectors=("logreg",), folds=3).best[1] > 0.9
True
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np
import pandas as pd

from synthgen.errors import ConfigError
from synthgen.fidelity.moves import DISCRIMINATOR_FEATURES, Move, _smoothed, move_features

__all__ = [
    "FAMILIES",
    "DETECTORS",
    "FIT_SHARE",
    "person_of",
    "is_fit_person",
    "detector_features",
    "sequence_matrix",
    "DetectorReport",
    "detect",
    "match_distance",
]

#: Share of reference people that fits may see; the rest is for evaluation only.
FIT_SHARE = 0.70
_SALT = "synthgen-mouse-split-v1"

_FRACS = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
_LEVELS = (0.25, 0.5, 0.75, 0.9, 0.95)
_INTERVAL_BINS = ((0, 0), (1, 7), (8, 8), (9, 14), (15, 15), (16, 16), (17, 17), (18, 18), (19, 24),
                  (25, 40), (41, 100), (101, 10**9))
_PAIRS = ((16, 16), (17, 17), (16, 17), (17, 16), (15, 18), (18, 15), (16, 18), (18, 16), (17, 18), (18, 17))
_SEQ_N = 32

#: Detector name -> description; ``seq`` is the multi-layer perceptron on :func:`sequence_matrix`.
DETECTORS: dict[str, str] = {
    "hgb": "HistGradientBoosting, all features",
    "rf": "random forest, all features",
    "logreg": "logistic regression, all features",
    "seq": "MLP on the resampled 32-step sequence",
    "old": "random forest, the 18 old features",
}


def person_of(session_id: str) -> str:
    """The person behind a session: ``source/person/session`` -> ``source/person`` (else the id itself).

    >>> person_of("freihaut/P12/HS_PointClick"), person_of("sim/pointclick/p003/A"), person_of("abc")
    ('freihaut/P12', 'sim/pointclick/p003', 'abc')
    """
    parts = str(session_id).split("/")
    return "/".join(parts[:-1]) if len(parts) >= 3 else str(session_id)


def is_fit_person(person: object, share: float = FIT_SHARE) -> bool:
    """Whether a reference person may be seen by fits (about ``share`` of people, by a salted hash).

    >>> 0.65 < sum(is_fit_person(f"freihaut/u{i}") for i in range(2000)) / 2000 < 0.75
    True
    """
    h = hashlib.sha256(f"{_SALT}:{person}".encode()).digest()
    return int.from_bytes(h[:4], "big") / 2 ** 32 < share


def _share(mask: np.ndarray) -> float:
    return float(mask.mean()) if mask.size else np.nan


def _row(m: Move) -> dict[str, float]:
    t, x, y = m.t, m.x, m.y
    rx, ry = m.rest
    cx, cy = m.click
    dist = max(m.distance, 1e-9)
    f: dict[str, float] = {}
    # ---- profile: smoothed speed and progress at fixed fractions of the motion's time
    tg, xg, yg = _smoothed(m)
    h = max(tg[1] - tg[0], 1e-9) / 1000.0
    v = np.hypot(np.gradient(xg), np.gradient(yg)) / h
    vmax = max(float(v.max()), 1e-9)
    s = (tg - tg[0]) / max(tg[-1] - tg[0], 1e-9)
    ux, uy = (cx - rx) / dist, (cy - ry) / dist
    prog = ((xg - rx) * ux + (yg - ry) * uy) / dist
    perp = ((xg - rx) * uy - (yg - ry) * ux) / dist
    for q in _FRACS:
        f[f"profile_speed_{q:.1f}"] = float(np.interp(q, s, v)) / vmax
        f[f"profile_progress_{q:.1f}"] = float(np.interp(q, s, prog))
    for q in (0.25, 0.5, 0.75):
        f[f"profile_perp_{q:.2f}"] = float(np.interp(q, s, perp))
    reach = np.maximum.accumulate(prog)
    for lv in _LEVELS:
        k = int(np.searchsorted(reach, lv))
        f[f"profile_time_to_{lv:.2f}"] = float(s[min(k, len(s) - 1)])
    f["profile_speed_minima"] = float(np.sum((v[1:-1] < v[:-2]) & (v[1:-1] <= v[2:]) & (v[1:-1] < 0.3 * vmax)))
    f["profile_log_peak"] = float(np.log(vmax))
    # ---- raw samples: steps and intervals (the rest point starts the first step)
    dx = np.diff(np.r_[rx, x])
    dy = np.diff(np.r_[ry, y])
    L = np.hypot(dx, dy)
    dt = np.diff(t)
    ax0, ay0 = dx == 0, dy == 0
    axis = ax0 ^ ay0
    f["steps_axis"] = _share(axis)
    f["steps_axis_ge3"] = _share(axis & (L >= 3))
    f["steps_unit"] = _share(L == 1)
    f["steps_diag1"] = _share((np.abs(dx) == 1) & (np.abs(dy) == 1))
    f["steps_diagonal"] = _share((np.abs(dx) == np.abs(dy)) & (L > 0))
    f["steps_small_pairs"] = _share((L[1:] <= 1.5) & (L[:-1] <= 1.5))
    f["steps_even"] = _share((dx % 2 == 0) & (dy % 2 == 0))
    f["steps_log_median"] = float(np.log1p(np.median(L)))
    f["steps_log_p90"] = float(np.log1p(np.percentile(L, 90)))
    f["steps_max_share"] = float(L.max() / dist)
    f["steps_per_px"] = float(len(L) / dist)
    f["steps_ge10"] = _share(L >= 10)
    di = np.round(dt).astype(np.int64)
    for lo, hi in _INTERVAL_BINS:
        f[f"interval_{lo}_{hi if hi < 10**9 else 'up'}"] = _share((di >= lo) & (di <= hi))
    pair = np.c_[di[:-1], di[1:]] if di.size > 1 else np.zeros((0, 2), dtype=np.int64)
    for a, b in _PAIRS:
        f[f"interval_pair_{a}_{b}"] = _share((pair[:, 0] == a) & (pair[:, 1] == b)) if len(pair) else np.nan
    fr = di[(di >= 12) & (di <= 22)]
    f["interval_frame_sd"] = float(fr.std()) if fr.size > 1 else np.nan
    f["interval_frame_mean"] = float(fr.mean()) if fr.size else np.nan
    f["interval_same_run"] = _share(di[1:] == di[:-1]) if di.size > 1 else np.nan
    # ---- heading: direction of each step and how it changes
    hd = np.arctan2(dy, dx)
    dh = np.angle(np.exp(1j * np.diff(hd))) if hd.size > 1 else np.zeros(0)
    sg = np.sign(dh[np.abs(dh) > 1e-9])
    f["heading_sign_changes"] = float(np.sum(sg[1:] != sg[:-1]) / max(len(L), 1))
    f["heading_zero_change"] = _share(np.abs(dh) <= 1e-9)
    f["heading_mean_abs"] = float(np.abs(dh).mean()) if dh.size else 0.0
    f["heading_median_abs"] = float(np.median(np.abs(dh))) if dh.size else 0.0
    big = L >= 4
    hb = hd[big]
    dhb = np.angle(np.exp(1j * np.diff(hb))) if hb.size > 1 else np.zeros(0)
    f["heading_fast_mean_abs"] = float(np.abs(dhb).mean()) if dhb.size else 0.0
    f["heading_turn_per_px"] = float(np.abs(dh).sum() / dist)
    off = np.angle(np.exp(1j * (hd - np.arctan2(uy, ux))))
    f["heading_backwards"] = _share(np.abs(off) > np.pi / 2)
    # ---- pauses inside the motion
    dur = max(float(t[-1] - t[0]), 1e-9)
    for g in (40, 80, 150):
        f[f"pause_n_{g}"] = float(np.sum(dt > g))
    f["pause_time_share"] = float(dt[dt > 40].sum() / dur)
    f["pause_longest_share"] = float(dt.max() / dur) if dt.size else 0.0
    # ---- end approach
    tail = L[-5:]
    f["approach_last_step"] = float(np.log1p(L[-1]))
    f["approach_mean_last5"] = float(np.log1p(tail.mean()))
    f["approach_dwell"] = float(np.log1p(max(m.t_click - t[-1], 0.0)))
    f["approach_last_dt"] = float(np.log1p(dt[-1])) if dt.size else np.nan
    near = np.hypot(x - cx, y - cy)
    f["approach_samples_within5"] = float(np.sum(near <= 5))
    f["approach_time_within10"] = float((t[-1] - t[np.argmax(near <= 10)]) / dur) if (near <= 10).any() else 0.0
    f["approach_last_off"] = float(np.log1p(near[-1]))
    # ---- raw dynamics: finite differences of the samples themselves
    ok = dt > 0
    if ok.sum() >= 3:
        tt = t[1:][ok]
        vx, vy = dx[1:][ok] / dt[ok], dy[1:][ok] / dt[ok]
        tm = 0.5 * (tt[1:] + tt[:-1])
        dtt = np.maximum(np.diff(tt), 1.0)
        axx, ayy = np.diff(vx) / dtt, np.diff(vy) / dtt
        spd = np.hypot(vx, vy)
        acc = np.diff(spd) / dtt
        f["dyn_acc_zero_cross"] = float(np.sum(np.diff(np.sign(acc[acc != 0])) != 0))
        f["dyn_log_acc_p50"] = float(np.log10(np.median(np.hypot(axx, ayy)) + 1e-6))
        if len(tm) >= 2:
            jx, jy = np.diff(axx) / np.maximum(np.diff(tm), 1.0), np.diff(ayy) / np.maximum(np.diff(tm), 1.0)
            lj = np.log10(np.hypot(jx, jy) * 1e3 + 1e-6)
            f["dyn_log_jerk_p50"] = float(np.median(lj))
            f["dyn_log_jerk_p90"] = float(np.percentile(lj, 90))
        f["dyn_speed_cv"] = float(spd.std() / max(spd.mean(), 1e-9))
        f["dyn_log_peak_raw"] = float(np.log1p(spd.max() * 1000.0))
    return f


def detector_features(moves: Sequence[Move]) -> pd.DataFrame:
    """One row per move: the old 18 features (``kin_*``) and the families of :data:`FAMILIES`.

    >>> m = Move("s", np.arange(0., 340., 17.), np.arange(15., 315., 15.), np.zeros(20), (0., 0.), (300., 0.), 400.)
    >>> df = detector_features([m])
    >>> len(df), float(df.steps_axis[0]), float(df.interval_17_17[0])
    (1, 1.0, 1.0)
    """
    moves = [m for m in moves if len(m.t) >= 2 and m.t[-1] > m.t[0]]
    kin = move_features(moves)[list(DISCRIMINATOR_FEATURES)].add_prefix("kin_")
    rows = pd.DataFrame([_row(m) for m in moves], index=kin.index)
    out = pd.concat([kin, rows], axis=1)
    out.insert(0, "person", [person_of(m.session_id) for m in moves])
    return out


def _family(col: str) -> str:
    return col.split("_", 1)[0]


#: Feature family -> short description (the prefix of each column of :func:`detector_features`).
FAMILIES: dict[str, str] = {
    "kin": "the old 18 kinematic features",
    "profile": "speed, progress and deviation at fixed fractions of the move",
    "heading": "heading changes and curvature",
    "pause": "pause structure",
    "interval": "inter-sample intervals and pairs of them",
    "steps": "pixel step sizes and axis-aligned steps",
    "approach": "the end approach",
    "dyn": "raw acceleration and jerk",
}


def sequence_matrix(moves: Sequence[Move], n: int = _SEQ_N) -> np.ndarray:
    """The moves resampled on ``n`` points of normalised time: progress, deviation, speed (n_moves, 3n).

    Progress and deviation are along and across the rest-to-click line, in units of its length;
    speed is per millisecond in those units times the motion's duration.

    >>> m = Move("s", np.arange(0., 340., 17.), np.arange(15., 315., 15.), np.zeros(20), (0., 0.), (300., 0.), 400.)
    >>> sequence_matrix([m], 8).shape
    (1, 24)
    """
    out = np.zeros((len(moves), 3 * n))
    g = np.linspace(0.0, 1.0, n)
    for i, m in enumerate(moves):
        rx, ry = m.rest
        cx, cy = m.click
        d = max(m.distance, 1e-9)
        ux, uy = (cx - rx) / d, (cy - ry) / d
        tt = np.r_[m.t[0] - 1.0, m.t]
        xx, yy = np.r_[rx, m.x], np.r_[ry, m.y]
        s = (tt - tt[0]) / max(tt[-1] - tt[0], 1e-9)
        a = ((xx - rx) * ux + (yy - ry) * uy) / d
        p = ((xx - rx) * uy - (yy - ry) * ux) / d
        ai = np.interp(g, s, a)
        out[i, :n] = ai
        out[i, n:2 * n] = np.interp(g, s, p)
        out[i, 2 * n:] = np.gradient(ai, g)
    return out


@dataclass
class DetectorReport:
    """AUC (mean over person-grouped folds) and its SD per detector; the strongest; what gave it away."""

    auc: dict[str, tuple[float, float]]
    n_moves: tuple[int, int]
    n_people: tuple[int, int]
    importances: pd.Series = field(default_factory=lambda: pd.Series(dtype=float))

    @property
    def best(self) -> tuple[str, float]:
        """(detector, AUC) of the strongest detector."""
        k = max(self.auc, key=lambda d: self.auc[d][0])
        return k, self.auc[k][0]

    def __str__(self) -> str:
        parts = ", ".join(f"{k} {a:.3f}" for k, (a, _) in self.auc.items())
        k, a = self.best
        return f"AUC {a:.3f} (strongest {k}; {parts}; moves {self.n_moves[0]}/{self.n_moves[1]})"


def _balanced(n_a: int, n_b: int, cap: int | None, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    n = min(n_a, n_b) if cap is None else min(n_a, n_b, cap)
    return np.sort(rng.choice(n_a, n, replace=False)), np.sort(rng.choice(n_b, n, replace=False))


def _model(name: str, seed: int):
    from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    if name == "hgb":
        return HistGradientBoostingClassifier(max_iter=200, learning_rate=0.08, max_leaf_nodes=15,
                                              l2_regularization=1.0, random_state=seed)
    if name in ("rf", "old"):
        return RandomForestClassifier(n_estimators=200, min_samples_leaf=3, n_jobs=1, random_state=seed)
    if name == "logreg":
        return make_pipeline(StandardScaler(), LogisticRegression(C=0.3, max_iter=2000))
    if name == "seq":
        return make_pipeline(StandardScaler(), MLPClassifier((64, 32), alpha=1e-2, max_iter=300,
                                                             early_stopping=True, random_state=seed))
    raise ConfigError("detectors", name, f"must be among {', '.join(DETECTORS)}")


def detect(real: Sequence[Move], synth: Sequence[Move], *, detectors: Sequence[str] = ("hgb", "rf", "logreg", "seq", "old"),
           seed: int = 0, folds: int = 5, max_per_class: int | None = 4000, drop: Sequence[str] = (),
           features: tuple[pd.DataFrame, pd.DataFrame] | None = None) -> DetectorReport:
    """Tell ``real`` moves from ``synth`` moves with each detector; ROC AUC under GroupKFold by person.

    Classes are balanced by subsampling (seeded, at most ``max_per_class`` each). ``drop`` removes feature
    columns (e.g. ``("kin_distance",)`` when the two sides were matched on distance). ``features`` passes
    precomputed :func:`detector_features` frames of the two lists.
    """
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import GroupKFold

    fr, fs = features if features is not None else (detector_features(real), detector_features(synth))
    rng = np.random.default_rng(seed)
    ia, ib = _balanced(len(fr), len(fs), max_per_class, rng)
    pr, ps = fr["person"].to_numpy()[ia], fs["person"].to_numpy()[ib]
    groups = pd.factorize(np.r_[["r:" + str(p) for p in pr], ["s:" + str(p) for p in ps]])[0]
    n_groups = len(np.unique(groups))
    k = min(folds, len(set(pr)), len(set(ps)))
    if k < 2 or len(ia) < 2 * k:
        raise ConfigError("moves", f"{len(ia)} per class, {n_groups} people", "too few to cross-validate by person")
    cols = [c for c in fr.columns if c != "person" and c not in set(drop)]
    x = np.vstack([fr[cols].to_numpy(float)[ia], fs[cols].to_numpy(float)[ib]])
    y = np.r_[np.zeros(len(ia)), np.ones(len(ib))]
    x_filled = np.where(np.isfinite(x), x, -1.0)
    old_cols = [i for i, c in enumerate(cols) if c.startswith("kin_")]
    seq = None
    if "seq" in detectors:
        seq = np.vstack([sequence_matrix([real[i] for i in ia]), sequence_matrix([synth[i] for i in ib])]) \
            if len(real) == len(fr) and len(synth) == len(fs) else None
    # Shuffle the groups' order so GroupKFold's folds do not follow the class blocks.
    perm = rng.permutation(n_groups)
    split = list(GroupKFold(k).split(x, y, perm[groups]))
    auc: dict[str, tuple[float, float]] = {}
    imp = np.zeros(len(cols))
    for name in detectors:
        if name == "seq" and seq is None:
            continue
        data = {"hgb": x, "rf": x_filled, "logreg": x_filled, "seq": seq, "old": x_filled[:, old_cols]}[name]
        scores = []
        for j, (tr, te) in enumerate(split):
            if len(np.unique(y[te])) < 2:
                continue
            clf = _model(name, seed + j)
            clf.fit(data[tr], y[tr])
            scores.append(float(roc_auc_score(y[te], clf.predict_proba(data[te])[:, 1])))
            if name == "rf":
                imp += clf.feature_importances_
        auc[name] = (float(np.mean(scores)), float(np.std(scores)))
    importances = pd.Series(imp / max(imp.sum(), 1e-12), index=cols).sort_values(ascending=False)
    return DetectorReport(auc, (len(ia), len(ib)), (len(set(pr)), len(set(ps))), importances)


def match_distance(reference: Sequence[Move], target: Sequence[Move], *, seed: int = 0, bins: int = 12,
                   per_move: int = 3) -> list[Move]:
    """Reference moves drawn to match ``target``'s distances (log-distance bins; up to ``per_move`` each).

    >>> a = [Move("r/p/s", np.array([0., 1.]), np.array([0., d]), np.zeros(2), (0., 0.), (d, 0.), 2.) for d in (60., 500., 510.)]
    >>> [m.distance for m in match_distance(a, a[1:], per_move=1)]
    [500.0, 510.0]
    """
    rng = np.random.default_rng(seed)
    dr = np.log(np.array([m.distance for m in reference]))
    dt = np.log(np.array([m.distance for m in target]))
    edges = np.quantile(dt, np.linspace(0.0, 1.0, bins + 1))
    edges[0], edges[-1] = -np.inf, np.inf
    br, bt = np.digitize(dr, edges[1:-1]), np.digitize(dt, edges[1:-1])
    picked: list[int] = []
    for b in range(bins):
        pool = np.flatnonzero(br == b)
        want = int(np.sum(bt == b)) * per_move
        if pool.size and want:
            picked.extend(rng.choice(pool, min(want, pool.size), replace=False).tolist())
    return [reference[i] for i in sorted(picked)]
