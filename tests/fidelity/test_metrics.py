"""Metrics on hand-made event frames give exactly the values they must."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from synthgen.fidelity import metrics as M
from synthgen.fidelity.moves import Move, move_features, pointer_samples, segment_moves, speed_profile
from synthgen.fidelity.readers import coerce_events


def _move_frame(t, x, y, sid="s", click_at=None, t_click=None, t_up=None) -> pd.DataFrame:
    """mousemoves then a press/release/click at the end point (or ``click_at``)."""
    cx, cy = click_at if click_at is not None else (x[-1], y[-1])
    tc = t_click if t_click is not None else t[-1] + 50.0
    tu = t_up if t_up is not None else tc + 100.0
    rows = [{"t_ms": a, "type": "mousemove", "x": b, "y": c, "buttons": 0} for a, b, c in zip(t, x, y)]
    rows += [{"t_ms": tc, "type": "mousedown", "x": cx, "y": cy, "button": 0, "buttons": 1},
             {"t_ms": tu, "type": "mouseup", "x": cx, "y": cy, "button": 0, "buttons": 0},
             {"t_ms": tu, "type": "click", "x": cx, "y": cy, "button": 0, "buttons": 0}]
    df = pd.DataFrame(rows)
    df.insert(0, "session_id", sid)
    df["seq"] = np.arange(len(df))
    return coerce_events(df)


def test_straight_constant_speed_line():
    t = np.arange(0.0, 501.0, 10.0)  # 51 samples, 500 ms
    x = 100.0 + 2.0 * np.arange(51)  # 2 px / 10 ms = 200 px/s
    ev = _move_frame(t, x, np.full(51, 300.0), t_click=550.0, t_up=650.0)
    f = move_features(segment_moves(ev, min_distance_px=0)).iloc[0]
    # No earlier press: the first sample is the rest point, the other 50 are the motion.
    assert f["straightness"] == 1.0
    assert f["distance"] == 100.0
    assert f["duration_ms"] == 490.0
    assert f["movement_time_ms"] == 540.0
    assert f["dwell_ms"] == 50.0
    assert f["mean_speed"] == pytest.approx(200.0)
    assert f["peak_speed"] == pytest.approx(200.0, rel=1e-6)
    assert f["submovements"] == 1.0
    assert f["max_deviation"] == 0.0 and f["overshoot"] == 0.0 and f["turning"] == 0.0
    assert f["n_samples"] == 50.0 and f["interval_median"] == 10.0 and f["interval_cv"] == 0.0
    assert f["angle_deg"] == 0.0
    # Release time instead of press time when the reference timestamps the DOM click.
    f_up = move_features(segment_moves(ev, min_distance_px=0, click_time="up")).iloc[0]
    assert f_up["movement_time_ms"] == 640.0 and f_up["dwell_ms"] == 150.0


def test_detour_straightness_and_deviation():
    # Right 100 px then up 100 px, clicked at (100, -100) from a press at the origin: L-shaped path.
    t = np.arange(1.0, 21.0) * 10.0
    x = np.r_[np.arange(10.0, 101.0, 10.0), np.full(10, 100.0)]
    y = np.r_[np.zeros(10), -np.arange(10.0, 101.0, 10.0)]
    pre = pd.DataFrame([{"t_ms": 0.0, "type": "mousedown", "x": 0.0, "y": 0.0, "button": 0, "buttons": 1},
                        {"t_ms": 5.0, "type": "mouseup", "x": 0.0, "y": 0.0, "button": 0, "buttons": 0}])
    ev = _move_frame(t, x, y)
    ev = pd.concat([pre.assign(session_id="s"), ev], ignore_index=True)
    ev["seq"] = np.arange(len(ev))
    f = move_features(segment_moves(coerce_events(ev), min_distance_px=0)).iloc[0]
    assert f["distance"] == pytest.approx(np.hypot(100, 100))
    assert f["path_length"] == pytest.approx(200.0)
    assert f["straightness"] == pytest.approx(np.hypot(100, 100) / 200.0)
    assert f["max_deviation"] == pytest.approx((100 / np.sqrt(2)) / np.hypot(100, 100))
    assert f["turning"] == pytest.approx(np.pi / 2)
    assert f["angle_deg"] == pytest.approx(-45.0)


def test_pause_splits_moves_and_drags_are_excluded():
    # A 400 ms stop halfway: only the part after it counts; a drag before the press is ignored.
    t = np.r_[np.arange(0.0, 100.0, 10.0), 500.0 + np.arange(0.0, 100.0, 10.0)]
    x = np.r_[np.arange(0.0, 100.0, 10.0), 100.0 + np.arange(0.0, 100.0, 10.0)]
    ev = _move_frame(t, x, np.zeros(20))
    m = segment_moves(ev, min_distance_px=0)
    assert len(m) == 1
    assert m[0].rest == (90.0, 0.0) and m[0].t[0] == 500.0
    ev2 = ev.copy()
    ev2.loc[ev2["type"] == "mousemove", "buttons"] = 1
    assert segment_moves(ev2, min_distance_px=0) == []


def test_min_distance_filter():
    ev = _move_frame(np.arange(0.0, 50.0, 10.0), np.arange(0.0, 50.0, 10.0), np.zeros(5))
    assert segment_moves(ev, min_distance_px=50) == []
    assert len(segment_moves(ev, min_distance_px=10)) == 1


def test_submovements_two_bumps():
    # Two bell-shaped speed pulses: a primary and a corrective submovement.
    t = np.arange(0.0, 1000.0, 5.0)
    v = np.exp(-0.5 * ((t - 250) / 60) ** 2) + 0.4 * np.exp(-0.5 * ((t - 700) / 50) ** 2)
    x = np.cumsum(v) * 5.0
    f = move_features([Move("s", t, x, np.zeros_like(x), (0.0, 0.0), (float(x[-1]), 0.0), 1000.0)]).iloc[0]
    assert f["submovements"] == 2.0
    assert f["time_to_peak"] == pytest.approx(250 / 995, abs=0.02)
    s, sp = speed_profile(Move("s", t, x, np.zeros_like(x), (0.0, 0.0), (float(x[-1]), 0.0), 1000.0), 101)
    assert sp.max() == 1.0 and s[np.argmax(sp)] == pytest.approx(0.25, abs=0.02)


def test_pointer_samples_collector_view():
    t, x, y = pointer_samples(np.array([0.0, 16.7, 33.4, 50.1]), np.array([0.1, 0.3, 1.2, 1.4]), np.zeros(4),
                              start=(0.0, 0.0))
    assert t.tolist() == [33.0] and x.tolist() == [1.0]


def _keys(seq):
    """(t, type, key, code) tuples -> an events frame."""
    df = pd.DataFrame(seq, columns=["t_ms", "type", "key", "code"])
    df.insert(0, "session_id", "k")
    df["seq"] = np.arange(len(df))
    return coerce_events(df)


def test_keyboard_metrics_exact():
    ev = _keys([
        (0, "keydown", "Shift", "ShiftLeft"), (20, "keydown", "H", "KeyH"), (60, "keyup", "Shift", "ShiftLeft"),
        (120, "keyup", "H", "KeyH"),
        (100, "keydown", "i", "KeyI"), (190, "keyup", "i", "KeyI"),  # rollover: i down before H up
        (300, "keydown", "x", "KeyX"), (400, "keyup", "x", "KeyX"),
        (500, "keydown", "Backspace", "Backspace"), (580, "keyup", "Backspace", "Backspace"),
        (700, "keydown", "!", "Digit1"), (800, "keyup", "!", "Digit1"),
        (9000, "keydown", "a", "KeyA"), (9100, "keyup", "a", "KeyA"),  # a new burst after 8 s
    ])
    ev = ev.sort_values("t_ms", kind="mergesort").assign(seq=lambda d: np.arange(len(d))).reset_index(drop=True)
    assert M.inter_key_intervals(ev).tolist() == [80.0, 200.0, 200.0, 200.0]
    assert sorted(M.hold_times(ev).tolist()) == [80.0, 90.0, 100.0, 100.0, 100.0, 100.0]
    assert M.rollover_ratio(ev) == 0.25
    assert M.backspace_rate(ev) == pytest.approx(1 / 6)
    assert M.typed_text(ev) == {"k": "Hi!a"}
    # 5 printable - 1 Backspace = 4 chars over 680 ms of typing (the 8.3 s gap is not typing).
    assert M.wpm(ev).tolist() == pytest.approx([4 / 5 / (680 / 60000)])
    assert M.uncorrected_error_rate(ev, {"k": "Hi!b"}) == 0.25


def test_press_and_scroll_and_intervals():
    df = coerce_events(pd.DataFrame({
        "session_id": "s", "seq": range(8),
        "t_ms": [0.0, 10.0, 110.0, 200.0, 216.0, 216.0, 300.0, 2000.0],
        "type": ["mousemove", "mousedown", "mouseup", "wheel", "wheel", "wheel", "wheel", "wheel"],
        "x": [1.0] * 8, "y": [1.0] * 8, "button": [None, 2, 2, None, None, None, None, None]}))
    assert M.press_durations(df).tolist() == [100.0]
    assert M.scroll_gaps(df).tolist() == [16.0, 84.0]
    mm = coerce_events(pd.DataFrame({"session_id": ["a"] * 3 + ["b"] * 2, "seq": [0, 1, 2, 0, 1],
                                     "t_ms": [0.0, 16.0, 33.0, 0.0, 17.0], "type": "mousemove",
                                     "x": [0.0, 1.0, 2.0, 5.0, 9.0], "y": 0.0}))
    assert M.mousemove_intervals(mm).tolist() == [16.0, 17.0, 17.0]


def test_fitts_fit_exact_and_effective_width():
    rng = np.random.default_rng(0)
    d = np.repeat([100.0, 200.0, 400.0, 800.0], 50)
    mt = 100.0 + 150.0 * np.log2(d / 20.0 + 1.0)
    f = pd.DataFrame({"distance": d, "angle_deg": 0.0, "width": 20.0, "movement_time_ms": mt})
    fit = M.fitts_fit(f, width="known")
    assert fit.a == pytest.approx(100.0) and fit.b == pytest.approx(150.0) and fit.r2 == pytest.approx(1.0)
    assert fit.n_conditions == 4
    # Effective width: 4.133 * SD of the distances covered within a condition.
    f2 = pd.DataFrame({"distance": 300.0 + rng.normal(0, 5.0, 400), "angle_deg": 0.0,
                       "movement_time_ms": 800.0, "width": np.nan})
    we = M.effective_width(f2)
    assert we.iloc[0] == pytest.approx(4.133 * f2["distance"].std())
    with pytest.raises(ValueError, match="width"):
        M.fitts_fit(f, width="nope")


def test_distance_and_compare():
    a = np.arange(100.0)
    assert M.distance(a, a) == (0.0, 0.0)
    ks, w = M.distance(a, a + 10.0)
    assert ks == pytest.approx(0.1) and w == pytest.approx(10.0)
    t = M.compare({"m": a, "only_real": a}, {"m": a + 10.0})
    assert t["metric"].tolist() == ["m"] and t["wasserstein"].iloc[0] == pytest.approx(10.0)
