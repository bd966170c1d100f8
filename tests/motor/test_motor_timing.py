"""Timing primitives: log-normal helpers, think times and the display frame grid."""

from __future__ import annotations

import numpy as np
import pytest

from synthgen.motor.timing import frame_times, lognormal, lognormal_ms, sigma_from_iqr, think_ms


def test_sigma_from_iqr_recovers_quartiles(rng: np.random.Generator) -> None:
    s = sigma_from_iqr(78.0, 125.0)
    x = lognormal(rng, 100.0, s, size=200_000)
    q25, q75 = np.percentile(x, [25, 75])
    assert q75 / q25 == pytest.approx(125.0 / 78.0, rel=0.02)


def test_sigma_from_iqr_rejects_bad_quartiles() -> None:
    with pytest.raises(ValueError, match="q25"):
        sigma_from_iqr(10.0, 5.0)


def test_lognormal_ms_clips(rng: np.random.Generator) -> None:
    x = lognormal_ms(rng, 100.0, 3.0, 40.0, 300.0, size=10_000)
    assert x.min() >= 40.0 and x.max() <= 300.0


def test_think_ms_is_positive_lognormal(rng: np.random.Generator) -> None:
    xs = np.array([think_ms(rng, 800.0, 0.5) for _ in range(4000)])
    assert (xs > 0).all()
    assert 720 < np.median(xs) < 880
    assert think_ms(rng, 0.0, 0.5) == 0.0


def test_frame_times_on_global_grid(rng: np.random.Generator) -> None:
    t = frame_times(rng, 1000.0, 500.0, frame_ms=16.67, jitter_ms=0.0)
    assert t[0] > 1000.0 and t[-1] <= 1500.0
    # a global vsync grid: multiples of the frame interval, not offsets from t0
    assert np.allclose(t / 16.67, np.round(t / 16.67))
    assert np.allclose(np.diff(t), 16.67)


def test_frame_times_jitter_keeps_order(rng: np.random.Generator) -> None:
    t = frame_times(rng, 0.0, 10_000.0, jitter_ms=5.0)
    assert np.all(np.diff(t) > 0)
    assert 15.5 < np.median(np.diff(t)) < 17.8


def test_frame_times_empty_and_invalid(rng: np.random.Generator) -> None:
    assert frame_times(rng, 0.0, 5.0).shape == (0,)
    with pytest.raises(ValueError):
        frame_times(rng, 0.0, 100.0, frame_ms=0.0)
