"""Simulated comparison data: the motor API driving the reference tasks, deterministic per seed."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from synthgen.fidelity.metrics import inter_key_intervals, press_durations, typed_text, wpm
from synthgen.fidelity.moves import move_features, segment_moves
from synthgen.fidelity.readers import EVENT_COLUMN_NAMES
from synthgen.fidelity.simulate import FREIHAUT_LAYOUT, infer_point_click_layout, simulate_point_click


def test_point_click_structure_and_determinism(motor):
    a = simulate_point_click(n_personas=3, conditions=("A", "B"), seed=5)
    b = simulate_point_click(n_personas=3, conditions=("A", "B"), seed=5)
    c = simulate_point_click(n_personas=3, conditions=("A", "B"), seed=6)
    pd.testing.assert_frame_equal(a.events, b.events)
    assert not a.events["t_ms"].equals(c.events["t_ms"])
    ev = a.events
    assert list(ev.columns) == EVENT_COLUMN_NAMES
    assert ev["session_id"].nunique() == 6
    for _, g in ev.groupby("session_id"):
        assert g["seq"].tolist() == list(range(len(g)))
        assert (np.diff(g["t_ms"].to_numpy()) >= 0).all()
        # Every target of the task is clicked at least once (misses add clicks).
        assert (g["type"] == "click").sum() >= len(FREIHAUT_LAYOUT.order)
    downs = ev[ev["type"] == "mousedown"]
    assert set(a.widths) == set(zip(downs["session_id"], downs["seq"]))
    p = press_durations(ev)
    assert 60 < float(np.median(p)) < 200  # human press, never the 0-20 ms of automation tools
    moves = move_features(segment_moves(ev, widths=a.widths, click_time="up"))
    assert len(moves) >= 0.9 * 6 * 24
    assert moves["width"].eq(FREIHAUT_LAYOUT.width).all()
    assert moves["distance"].between(200, 400).mean() > 0.95


def test_layout_inferred_from_reference(freihaut):
    lay = infer_point_click_layout(freihaut)
    assert lay.center == pytest.approx(FREIHAUT_LAYOUT.center, abs=3)
    assert len(lay.targets) == len(FREIHAUT_LAYOUT.targets)
    assert np.allclose(lay.targets, FREIHAUT_LAYOUT.targets, atol=12)
    assert 25 <= lay.width <= 45
    assert lay.order == FREIHAUT_LAYOUT.order


def test_typing_and_scrolling(motor):
    pytest.importorskip("synthgen.motor.keyboard", reason="synthgen.motor.keyboard not available yet")
    from synthgen.fidelity.simulate import simulate_typing

    t = simulate_typing(n_personas=4, seed=2)
    assert t.events["session_id"].nunique() == 4
    assert set(t.events["type"]) == {"keydown", "keyup"}
    assert len(inter_key_intervals(t.events)) > 100 and (wpm(t.events) > 5).all()
    got = typed_text(t.events)
    # Most typos get corrected: the text left is close to the text meant.
    assert np.mean([got[s] == txt for s, txt in t.texts.items()]) >= 0.25
    pytest.importorskip("synthgen.motor.scroll", reason="synthgen.motor.scroll not available yet")
    from synthgen.fidelity.simulate import simulate_scrolling

    s = simulate_scrolling(n_personas=3, episodes=3, seed=2)
    assert set(s.events["type"]) == {"wheel"} and s.events["session_id"].nunique() == 3
    assert s.events["delta_y"].notna().all()
