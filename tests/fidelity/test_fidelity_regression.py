"""The motor model against the Freihaut point-click reference: marginals in the real ranges, and the
real-vs-synthetic discriminator's AUC kept under the level the calibration reached."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from synthgen.fidelity.discriminator import discriminate
from synthgen.fidelity.moves import freihaut_recording, move_features, segment_moves
from synthgen.fidelity.simulate import simulate_point_click

# benchmarks/fidelity.py --quick measured AUC_REACHED with 100 trees on seed 0 (0.717-0.741 on seeds
# 1-6); 60 trees here score 0.727. The bound leaves room for tree and persona-draw noise (+-0.015:
# any change to the population's random draws reshuffles the personas) and for harmless model
# changes, not for a regression to the previous calibration (0.763) or the uncalibrated model (0.96).
# With the learned step model (issue 17; the Freihaut page's style) 60 trees here score 0.700.
AUC_REACHED = 0.700
AUC_BOUND = 0.73


@pytest.fixture(scope="module")
def real_moves(freihaut):
    return move_features(segment_moves(freihaut, click_time="up"))


@pytest.fixture(scope="module")
def synth_moves(motor):
    from synthgen.motor.mouse import recording_style

    with recording_style("freihaut"):  # the study's page, as mouse_eval.simulated_moves re-enacts it
        sim = simulate_point_click(seed=0)
    events, widths = freihaut_recording(sim.events, sim.widths)  # as evaluate() compares them
    return move_features(segment_moves(events, widths=widths, click_time="up"))


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


def test_freihaut_recording_leaves_real_data_unchanged(freihaut, real_moves):
    rec, _ = freihaut_recording(freihaut)
    again = move_features(segment_moves(rec, click_time="up"))
    pd.testing.assert_frame_equal(again, real_moves)


def test_freihaut_recording_keeps_a_slip_in_the_move(motor):
    from synthgen.motor.types import ButtonAction
    from synthgen.fidelity.simulate import _Rows

    rows = _Rows("s")
    rows.moves(np.arange(0.0, 170.0, 17.0), np.arange(0.0, 100.0, 10.0), np.zeros(10))
    rows.click(ButtonAction(300.0, 400.0, 90.0, 0.0, slip=(399.5, 91.0, 0.0)))
    ev = rows.frame()
    assert len(segment_moves(ev, click_time="up")) == 1  # the slip has the button held: not in a move
    rec, w = freihaut_recording(ev, {("s", int(ev.seq[ev.type == "mousedown"].iloc[0])): 33.0})
    (m,) = segment_moves(rec, click_time="up", widths=w)
    assert m.x[-1] == 91.0 and m.t_click - m.t[-1] <= 1.0 and m.width == 33.0
