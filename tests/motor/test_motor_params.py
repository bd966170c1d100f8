"""Parameter models and the persona population."""

from __future__ import annotations

import json

import numpy as np
import pytest
from pydantic import ValidationError

from synthgen.motor.params import KeyboardParams, MotorProfile, MouseParams, ScrollParams, sample_motor_profile


def test_defaults_are_valid_and_json_roundtrip() -> None:
    prof = MotorProfile()
    again = MotorProfile.model_validate_json(prof.model_dump_json())
    assert again == prof
    json.loads(prof.model_dump_json())  # plain JSON


def test_models_are_frozen_and_strict() -> None:
    p = MouseParams()
    with pytest.raises(ValidationError):
        p.fitts_a_ms = 1.0  # type: ignore[misc]
    with pytest.raises(ValidationError):
        MouseParams(not_a_field=1)  # type: ignore[call-arg]
    with pytest.raises(ValidationError):
        KeyboardParams(wpm=-5)
    with pytest.raises(ValidationError):
        ScrollParams(style="joystick")  # type: ignore[arg-type]


def test_throughput_from_slope() -> None:
    assert MouseParams(fitts_b_ms=250.0).throughput_bps == pytest.approx(4.0)


def test_sampling_is_deterministic() -> None:
    a = sample_motor_profile(np.random.default_rng(5))
    b = sample_motor_profile(np.random.default_rng(5))
    c = sample_motor_profile(np.random.default_rng(6))
    assert a == b
    assert a != c


def test_population_matches_published_figures(population: list[MotorProfile]) -> None:
    wpm = np.array([p.keyboard.wpm for p in population])
    assert 46 < wpm.mean() < 58
    assert 15 < wpm.std() < 24
    assert wpm.min() >= 15 and wpm.max() <= 130
    tp = np.array([p.mouse.throughput_bps for p in population])
    assert 3.9 < tp.mean() < 4.7
    assert np.percentile(tp, 10) > 3.4 and np.percentile(tp, 90) < 5.2
    assert tp.std() > 0.15  # people differ
    wheel = np.mean([p.scroll.style == "wheel" for p in population])
    assert 0.5 < wheel < 0.7


def test_fast_typists_roll_over_more(population: list[MotorProfile]) -> None:
    wpm = np.array([p.keyboard.wpm for p in population])
    roll = np.array([p.keyboard.rollover for p in population])
    assert np.corrcoef(wpm, roll)[0, 1] > 0.5


def test_population_centred_on_base() -> None:
    base = MotorProfile(keyboard=KeyboardParams(wpm=90.0))
    r = np.random.default_rng(3)
    wpm = np.array([sample_motor_profile(r, base=base).keyboard.wpm for _ in range(300)])
    assert 84 < wpm.mean() < 96
