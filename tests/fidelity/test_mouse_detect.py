"""The strong mouse detector on held-out people: it catches bots, says ~0.5 for people vs people, keeps the
simulator under the level reached, and no synthetic move copies a reference move (nearest neighbours)."""

from __future__ import annotations

import numpy as np
import pytest

from synthgen.fidelity.mouse_detect import detect, detector_features, is_fit_person, person_of
from synthgen.fidelity.mouse_eval import floor_report, heldout_moves, simulated_moves

# benchmarks/fidelity.py (seed 0, all held-out Freihaut people, five detectors) measured the strongest
# (HistGradientBoosting) at AUC_REACHED with the learned step model (0.964, logistic regression, with the
# parametric planner before it). Here HistGradientBoosting, the strongest, on 14 personas: 0.782 for
# simulation seed 0 (0.758 and 0.767 for seeds 1 and 2), deterministic for the seeds; the bound leaves
# about 0.03 for noise. The parametric planner scores 0.95 here, so the test fails if the model regresses.
AUC_REACHED = 0.768
AUC_BOUND = 0.81


@pytest.fixture(scope="module")
def heldout(ref_root):
    return heldout_moves("freihaut")


@pytest.fixture(scope="module")
def synth(motor):
    return simulated_moves(seed=0, n_personas=14)


def test_split_keeps_people_apart(heldout):
    people = {person_of(m.session_id) for m in heldout}
    assert people and not any(is_fit_person(p) for p in people)


def test_strongest_detector_stays_under_the_bound(heldout, synth):
    rep = detect(heldout, synth, detectors=("hgb",), seed=0, max_per_class=600)
    assert rep.best[1] <= AUC_BOUND, rep


def test_people_vs_people_is_near_chance(heldout):
    rep = floor_report(heldout, detectors=("hgb",), seed=0, max_per_class=600)
    assert rep.best[1] <= 0.65, rep


def test_robot_lines_are_caught(heldout):
    from synthgen.fidelity.moves import Move

    rng = np.random.default_rng(0)
    bots = []
    for k in range(300):
        ang = rng.uniform(0, 2 * np.pi)
        n = int(rng.integers(20, 40))
        t = 16.67 * np.arange(1, n + 1)
        x = np.round(300.0 * np.cos(ang) * np.arange(1, n + 1) / n)
        y = np.round(300.0 * np.sin(ang) * np.arange(1, n + 1) / n)
        bots.append(Move(f"bot/p{k % 20}/s", np.round(t), x, y, (0.0, 0.0), (x[-1], y[-1]), float(np.round(t[-1])) + 5))
    rep = detect(heldout, bots, detectors=("hgb",), seed=0, max_per_class=300)
    assert rep.best[1] > 0.95, rep


def _geometry(moves, n: int = 32) -> np.ndarray:
    """Each move's path relative to its rest point, at ``n`` fractions of its time, in px (x then y)."""
    g = np.linspace(0.0, 1.0, n)
    out = np.zeros((len(moves), 2 * n))
    for i, m in enumerate(moves):
        s = (m.t - m.t[0]) / max(m.t[-1] - m.t[0], 1e-9)
        out[i, :n] = np.interp(g, s, m.x - m.rest[0])
        out[i, n:] = np.interp(g, s, m.y - m.rest[1])
    return out


def test_no_synthetic_move_is_nearer_a_reference_move_than_people_are_to_each_other(heldout, synth):
    from scipy.spatial import cKDTree

    fit = heldout_moves("freihaut", fit=True)
    ref = fit + list(heldout)
    R, Sy = _geometry(ref), _geometry(synth)
    tree = cKDTree(R)
    d_syn, _ = tree.query(Sy, k=1)
    d_ref, _ = tree.query(R, k=2)  # the nearest other reference move
    assert float(d_syn.min()) >= float(d_ref[:, 1].min()), (float(d_syn.min()), float(d_ref[:, 1].min()))
    # and the synthetic moves are not closer to people than people are to each other, as a whole
    assert float(np.median(d_syn)) >= 0.8 * float(np.median(d_ref[:, 1]))


def test_features_are_finite_where_defined(synth):
    f = detector_features(synth[:50])
    assert f.shape[1] > 100
    assert np.isfinite(f.drop(columns="person").to_numpy(float)).mean() > 0.95
