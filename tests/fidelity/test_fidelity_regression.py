"""The motor model against the Freihaut point-click reference: marginals in the real ranges, and the
real-vs-synthetic discriminator's AUC kept under the level the calibration reached."""

from __future__ import annotations

import numpy as np
import pytest

from synthgen.fidelity.discriminator import discriminate
from synthgen.fidelity.moves import move_features, segment_moves
from synthgen.fidelity.simulate import simulate_point_click

# benchmarks/fidelity.py --quick measured AUC_REACHED with 100 trees; 60 trees here score within
# about +-0.01 of it. The bound leaves room for that and for harmless model changes, not for a
# regression to the old model (0.96).
AUC_REACHED = 0.82
AUC_BOUND = 0.86


@pytest.fixture(scope="module")
def real_moves(freihaut):
    return move_features(segment_moves(freihaut, click_time="up"))


@pytest.fixture(scope="module")
def synth_moves(motor):
    sim = simulate_point_click(seed=0)
    return move_features(segment_moves(sim.events, widths=sim.widths, click_time="up"))


def test_discriminator_auc_stays_low(real_moves, synth_moves):
    res = discriminate(real_moves, synth_moves, seed=0, n_estimators=60)
    assert res.auc <= AUC_BOUND, res


@pytest.mark.parametrize("feature", ["straightness", "movement_time_ms", "dwell_ms", "mean_speed", "peak_speed",
                                     "max_deviation", "mean_abs_accel", "peak_accel", "n_samples",
                                     "time_to_peak", "submovements"])
def test_median_inside_the_real_interquartile_range(real_moves, synth_moves, feature):
    lo, hi = np.percentile(real_moves[feature], [25, 75])
    med = float(np.median(synth_moves[feature]))
    assert lo <= med <= hi, (feature, med, lo, hi)
