"""Scrolling: wheel notches in bursts, trackpad deltas with momentum."""

from __future__ import annotations

import numpy as np
import pytest

from synthgen.motor.params import ScrollParams
from synthgen.motor.scroll import plan_scroll

WHEEL = ScrollParams(style="wheel")
PAD = ScrollParams(style="trackpad")


@pytest.mark.parametrize("dy,expected", [(340.0, 300.0), (-340.0, -300.0), (30.0, 100.0), (-1.0, -100.0),
                                         (150.0, 200.0), (2049.0, 2000.0)])
def test_wheel_total_is_nearest_notch_multiple(rng: np.random.Generator, dy: float, expected: float) -> None:
    w = plan_scroll(rng, WHEEL, dy, (10.0, 20.0), 0.0)
    assert w.delta_y.sum() == expected
    assert np.all(np.abs(w.delta_y) == 100.0) and np.all(w.delta_x == 0)


def test_wheel_timing_in_bursts(rng: np.random.Generator) -> None:
    gaps = []
    for _ in range(200):
        w = plan_scroll(rng, WHEEL, 1500.0, (10.0, 20.0), 100.0)
        assert w.t_ms[0] > 100.0 and np.all(np.diff(w.t_ms) > 0)
        gaps.extend(np.diff(w.t_ms))
    gaps = np.array(gaps)
    assert np.mean(gaps < 30) > 0.2           # fast spins, a frame or two apart (Balabit: bursts at 16 ms)
    assert np.mean((gaps > 60) & (gaps < 150)) > 0.2  # notch by notch
    assert np.mean((gaps > 150) & (gaps < 3000)) > 0.1  # between bursts
    assert 40 < np.median(gaps) < 150         # Balabit: median 93 ms


def test_wheel_positions_constant(rng: np.random.Generator) -> None:
    w = plan_scroll(rng, WHEEL, 500.0, (321.0, 123.0), 0.0, dx=-250.0)
    assert np.all(w.x == 321.0) and np.all(w.y == 123.0)
    assert w.delta_y.sum() == 500.0 and w.delta_x.sum() == -200.0


@pytest.mark.parametrize("dy", [1.0, -37.5, 400.0, -1234.0, 5000.0])
def test_trackpad_sums_within_a_pixel(rng: np.random.Generator, dy: float) -> None:
    w = plan_scroll(rng, PAD, dy, (5.0, 5.0), 0.0)
    assert abs(w.delta_y.sum() - dy) <= 1.0
    assert np.all(np.sign(w.delta_y[w.delta_y != 0]) == np.sign(dy))
    assert np.all(np.diff(w.t_ms) > 0)


def test_trackpad_small_deltas_with_momentum(rng: np.random.Generator) -> None:
    w = plan_scroll(rng, PAD, 700.0, (5.0, 5.0), 0.0)
    d = w.delta_y
    assert len(d) > 15 and np.abs(d).max() <= 60 and np.median(np.abs(d)) < 40
    k = int(np.argmax(d))
    assert 0 < k < len(d) // 2                # accelerates, then decays for longer
    assert d[-1] < d[k] / 4
    dt = np.diff(w.t_ms)
    assert 15 < np.median(dt) < 18.5


def test_trackpad_diagonal(rng: np.random.Generator) -> None:
    w = plan_scroll(rng, PAD, 300.0, (5.0, 5.0), 0.0, dx=120.0)
    assert abs(w.delta_y.sum() - 300) <= 1 and abs(w.delta_x.sum() - 120) <= 1


def test_zero_and_invalid(rng: np.random.Generator) -> None:
    assert len(plan_scroll(rng, WHEEL, 0.0, (0.0, 0.0), 0.0)) == 0
    assert len(plan_scroll(rng, PAD, 0.0, (0.0, 0.0), 0.0)) == 0
    with pytest.raises(ValueError):
        plan_scroll(rng, WHEEL, float("nan"), (0.0, 0.0), 0.0)


def test_deterministic() -> None:
    a = plan_scroll(np.random.default_rng(1), PAD, 800.0, (1.0, 1.0), 0.0)
    b = plan_scroll(np.random.default_rng(1), PAD, 800.0, (1.0, 1.0), 0.0)
    np.testing.assert_array_equal(a.t_ms, b.t_ms)
    np.testing.assert_array_equal(a.delta_y, b.delta_y)
