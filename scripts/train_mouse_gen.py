"""Train the learned mouse step model (``synthgen/motor/data/mouse_gen.npz``) on the reference fit people.

Data: the click-to-click moves of the reference people that fits may see
(:func:`synthgen.fidelity.mouse_detect.is_fit_person`, about 70%; the rest are never read here) of
Freihaut & Goritz (point-click in a browser, 33 px targets; a move ends at the click) and SapiMouse (a
browser task with moves of many distances and 80-100 px targets; a move ends at the press), moves of
``--min-distance`` px or more. SapiMouse sessions at 120-144 Hz (median interval under 12 ms) are left
out: the model draws a 60 Hz page. Each move is put into its canonical frame of the pixel grid
(:func:`synthgen.motor.mouse_fit.canonical_frame`) and cut into one row per sample: the state before it
(:func:`synthgen.motor.mouse_fit.step_inputs`) and what came next (interval, major-axis step,
minor-axis step). Three scikit-learn ``MLPClassifier`` heads are fitted (ReLU, softmax, Adam, early
stopping on a 10% validation part) and their weights written to an ``.npz`` of a few hundred kB: the
planner runs them with numpy only. Freihaut rows are weighted up so both sources weigh alike
(``--balance``).

    python scripts/train_mouse_gen.py [--out synthgen/motor/data/mouse_gen.npz] [--hidden 96 96] [--seed 0]
                                      [--max-iter 40] [--balance 1.0]
    python scripts/train_mouse_gen.py --calibrate   # then: the duration shift per recording setup

The file holds network weights only, never a recorded move.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing

from synthgen.fidelity.mouse_detect import is_fit_person, person_of  # noqa: E402
from synthgen.fidelity.moves import segment_moves  # noqa: E402
from synthgen.motor.mouse_fit import (  # noqa: E402
    DT_CLASSES, DX_CLASSES, DY_CLASSES, STYLES, canonical_frame, class_of, dx_inputs, dy_inputs, step_inputs, to_canonical,
)



def move_rows(m, rng: np.random.Generator, style: float, aim_sd: float = 3.0) -> dict[str, np.ndarray]:
    """Rows of move ``m`` in its canonical frame: one per sample (what came next) and one per state after a
    sample (whether the move stopped there). The model is told an aim point: the press point plus a
    Gaussian error of ``aim_sd`` px per axis, as a planned aim misses where a hand stops a little."""
    rx0, ry0 = m.rest
    aim = np.array(m.click) + rng.normal(0.0, aim_sd, 2)
    V = np.array([aim[0] - rx0]), np.array([aim[1] - ry0])
    sx, sy, swap = (a[0] for a in canonical_frame(*V))
    X, Y = np.r_[rx0, m.x], np.r_[ry0, m.y]
    a, b = to_canonical(X - rx0, Y - ry0, sx, sy, swap)       # positions: rest, then each sample
    ca, cb = to_canonical(V[0], V[1], sx, sy, swap)
    D = max(float(np.hypot(ca[0], cb[0])), 1.0)
    n = len(m.t)
    stx, sty = np.diff(a), np.diff(b)                          # step j goes to sample j
    dts = np.r_[0.0, np.diff(m.t)]                             # interval before sample j (none before the first)
    # state j (0..n): before sample j, i.e. after sample j-1
    rx, ry = ca[0] - a, cb[0] - b
    p1x, p1y = np.r_[0.0, stx], np.r_[0.0, sty]
    p2x, p2y = np.r_[0.0, 0.0, stx[:-1]], np.r_[0.0, 0.0, sty[:-1]]
    dt1, dt2 = np.r_[0.0, dts], np.r_[0.0, 0.0, dts[:-1]]
    el = np.r_[0.0, m.t - m.t[0]]
    k = np.arange(n + 1)
    log_t = np.log(max(float(m.t[-1] - m.t[0]), 1.0))
    base = step_inputs(np.full(n + 1, np.log(D)), np.full(n + 1, np.arctan2(cb[0], max(ca[0], 1e-9))), rx, ry, p1x, p1y, p2x, p2y, dt1, dt2, k, el,
                       np.full(n + 1, log_t), style)
    return {"dur": np.array([[np.log(D), style, log_t]]), "person": np.array([person_of(m.session_id)]), "base": base[:n], "dt": dts, "dx": stx, "dy": sty, "rx": rx[:n], "k": k[:n],
            "stop_base": base[1:], "stop": (k[1:] == n).astype(np.int64)}


def collect(moves, rng: np.random.Generator, style: float, aim_sd: float = 3.0) -> dict[str, np.ndarray]:
    parts = [move_rows(m, rng, style, aim_sd) for m in moves]
    return {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}


def _fast_sessions(moves):
    by: dict[str, list[float]] = {}
    for m in moves:
        by.setdefault(m.session_id, []).extend(np.diff(m.t).tolist())
    slow = {s for s, d in by.items() if np.median(d) >= 12}
    return [m for m in moves if m.session_id in slow]


def load(min_distance: float):
    from synthgen.fidelity.readers import read_freihaut, read_sapimouse

    out = {}
    for name, ev, click in (("freihaut", read_freihaut(), "up"), ("sapimouse", read_sapimouse(), "down")):
        keep = np.array([is_fit_person(person_of(s)) for s in ev["session_id"]])
        moves = segment_moves(ev[keep], click_time=click, min_distance_px=min_distance)
        moves = [m for m in moves if (m.x[-1], m.y[-1]) == m.click and np.all(np.diff(m.t) >= 0)]
        out[name] = _fast_sessions(moves)
        print(f"{name}: {len(out[name])} moves of {len({person_of(m.session_id) for m in out[name]})} fit people",
              flush=True)
    return out


def fit_duration(dur: np.ndarray, person: np.ndarray) -> np.ndarray:
    """``log T = c0 + c1 log D + c2 style + sd z`` by least squares over moves; returns ``[c0, c1, c2, sd,
    sd_within]``, ``sd_within`` the residual's SD inside each person (the planner adds the persona's own
    tempo on top of it, so it draws the within-person part only).

    >>> d = np.c_[np.log([100.0, 200, 400, 800]), np.zeros(4), np.log([300.0, 360, 430, 520])]
    >>> c = fit_duration(d, np.array(["a", "a", "b", "b"])); bool(0.2 < c[1] < 0.3)
    True
    """
    A = np.c_[np.ones(len(dur)), dur[:, 0], dur[:, 1]]
    coef, *_ = np.linalg.lstsq(A, dur[:, 2], rcond=None)
    res = dur[:, 2] - A @ coef
    _, inv = np.unique(person, return_inverse=True)
    within = res - (np.bincount(inv, res) / np.bincount(inv))[inv]
    return np.r_[coef, np.std(res), np.std(within)]


def fit_head(X, y, w, hidden, seed, max_iter):
    from sklearn.neural_network import MLPClassifier

    mean, scale = X.mean(axis=0), X.std(axis=0) + 1e-6
    clf = MLPClassifier(hidden_layer_sizes=tuple(hidden), alpha=1e-4, batch_size=512, learning_rate_init=2e-3,
                        max_iter=max_iter, early_stopping=True, validation_fraction=0.1, n_iter_no_change=4,
                        random_state=seed)
    clf.fit((X - mean) / scale, y, sample_weight=w)
    print(f"  {len(clf.classes_)} classes, {clf.n_iter_} epochs, val acc {max(clf.validation_scores_):.3f}", flush=True)
    return mean, scale, clf


def pack(name, mean, scale, clf, n_classes, out):
    """Weights with the output layer spread over all ``n_classes`` (classes never seen get -inf logits)."""
    Ws, bs = [w.copy() for w in clf.coefs_], [b.copy() for b in clf.intercepts_]
    cls = clf.classes_.astype(int)
    if len(cls) == 2:  # sklearn keeps one logit for two classes
        Ws[-1] = np.c_[np.zeros((Ws[-1].shape[0], 1)), Ws[-1]]
        bs[-1] = np.r_[0.0, bs[-1]]
    W = np.zeros((Ws[-1].shape[0], n_classes))
    b = np.full(n_classes, -1e9)
    W[:, cls], b[cls] = Ws[-1], bs[-1]
    Ws[-1], bs[-1] = W, b
    out[f"{name}_layers"] = np.array(len(Ws))
    out[f"{name}_mean"], out[f"{name}_scale"] = mean, scale
    for i, (w_, b_) in enumerate(zip(Ws, bs)):
        out[f"{name}_W{i}"], out[f"{name}_b{i}"] = w_.astype(np.float32), b_.astype(np.float32)


def _durations(moves) -> np.ndarray:
    return np.log(np.array([max(float(m.t[-1] - m.t[0]), 1.0) for m in moves if len(m.t) >= 3]))


def calibrate(path: Path, seed: int = 1) -> np.ndarray:
    """Fit the shift of the planned log duration per recording setup: the shift whose moves' durations
    (first to last sample) are nearest the fit people's (KS distance), on a grid. Freihaut: the point-click task
    re-enacted (simulation seed ``seed``; the benchmark uses 0) against Freihaut fit people; SapiMouse:
    the fit people's own rest and press points replanned against their moves."""
    from scipy.stats import ks_2samp

    from synthgen.fidelity.mouse_eval import heldout_moves, replan_moves, simulated_moves
    from synthgen.motor import mouse_fit

    real = {name: heldout_moves(name, fit=True) for name in STYLES}
    real["sapimouse"] = _fast_sessions(real["sapimouse"])
    live = mouse_fit.gen_model()
    bias = np.zeros(len(STYLES))  # log-duration shift per setup
    for name, style in STYLES.items():
        best = None
        for b in (-0.25, -0.2, -0.15, -0.1, -0.05, 0.0, 0.05):
            bias[int(style)] = b
            live["duration_shift"] = [bias.copy()]
            if name == "freihaut":
                syn = simulated_moves(seed)
            else:
                syn = replan_moves(real[name][::4], seed=seed)
            ks = ks_2samp(_durations(real[name]), _durations(syn)).statistic
            print(f"  {name}: log-duration shift {b:+.2f}: duration KS {ks:.3f}", flush=True)
            if best is None or ks < best[0]:
                best = (ks, b)
        bias[int(style)] = best[1]
    z = dict(np.load(path))
    z.pop("stop_bias", None)
    z["duration_shift"] = bias
    np.savez_compressed(path, **z)
    return bias


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path,
                    default=Path(__file__).resolve().parents[1] / "synthgen/motor/data/mouse_gen.npz")
    ap.add_argument("--hidden", type=int, nargs="+", default=[96, 96])
    ap.add_argument("--stop-hidden", type=int, nargs="+", default=[96, 96], help="hidden layers of the stop head")
    ap.add_argument("--aim-sd", type=float, default=3.0, help="aim error (px SD per axis) the model learns to stop within")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--min-distance", type=float, default=15.0)
    ap.add_argument("--max-iter", type=int, default=40)
    ap.add_argument("--balance", type=float, default=1.0,
                    help="weight of a source's rows: (largest source's rows / its rows) ** balance (1: sources alike)")
    ap.add_argument("--max-rows", type=int, default=0, help="subsample rows (0: all)")
    ap.add_argument("--calibrate", action="store_true",
                    help="only fit the log-duration shift of the weights at --out (after training: it plans moves with them)")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    if args.calibrate:
        print(f"log-duration shift per setup {calibrate(args.out)}")
        return 0
    data = load(args.min_distance)
    parts, weights = [], []
    rng = np.random.default_rng(args.seed)
    for name, moves in data.items():
        r = collect(moves, rng, STYLES[name], args.aim_sd)
        parts.append(r)
        weights.append(np.full(len(r["dt"]), 1.0))
    tot = [len(w) for w in weights]
    weights = [w * (max(tot) / len(w)) ** args.balance for w in weights]  # the smaller source weighs more
    R = {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}
    w = np.concatenate(weights)
    if args.max_rows and len(w) > args.max_rows:
        sel = np.sort(rng.choice(len(w), args.max_rows, replace=False))
        R["_dur"], R["_person"] = R.pop("dur"), R.pop("person")
        R = {key: (v[sel] if key[0] != "_" else v) for key, v in R.items()}
        R["dur"], R["person"] = R.pop("_dur"), R.pop("_person")
        w = w[sel]
    w = w / w.mean()
    print(f"rows {len(w)}", flush=True)
    out: dict[str, np.ndarray] = {}
    # duration of a move: log T = c0 + c1 log D + c2 style + c3 z (least squares; moves weighted alike)
    out["duration"] = fit_duration(R["dur"], R["person"])
    print(f"duration fit {np.round(out['duration'], 3)}", flush=True)
    has_dt = R["k"] >= 1
    print("head dt", flush=True)
    m, s, c = fit_head(R["base"][has_dt], class_of(np.round(R["dt"][has_dt]), DT_CLASSES), w[has_dt], args.hidden,
                       args.seed, args.max_iter)
    pack("dt", m, s, c, len(DT_CLASSES), out)
    print("head dx", flush=True)
    Xx = dx_inputs(R["base"], R["dt"])
    m, s, c = fit_head(Xx, class_of(R["dx"], DX_CLASSES), w, args.hidden, args.seed + 1, args.max_iter)
    pack("dx", m, s, c, len(DX_CLASSES), out)
    print("head dy", flush=True)
    Xy = dy_inputs(R["base"], R["dt"], R["dx"], R["rx"])
    m, s, c = fit_head(Xy, class_of(R["dy"], DY_CLASSES), w, args.hidden, args.seed + 2, args.max_iter)
    pack("dy", m, s, c, len(DY_CLASSES), out)
    print("head stop", flush=True)
    m, s, c = fit_head(R["stop_base"], R["stop"], w, args.stop_hidden, args.seed + 3, args.max_iter)
    pack("stop", m, s, c, 2, out)
    out["meta"] = np.array(f"scripts/train_mouse_gen.py --hidden {' '.join(map(str, args.hidden))} "
                           f"--stop-hidden {' '.join(map(str, args.stop_hidden))} --seed {args.seed} "
                           f"--min-distance {args.min_distance} --max-iter {args.max_iter} --balance {args.balance} --aim-sd {args.aim_sd}; rows {len(w)}")
    np.savez_compressed(args.out, **out)
    print(f"wrote {args.out} ({args.out.stat().st_size / 1024:.0f} kB) in {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
