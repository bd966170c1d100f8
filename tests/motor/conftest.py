"""Fixtures for the motor-model tests: seeded generators and a population of personas."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from synthgen.motor.params import MotorProfile, sample_motor_profile

REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "reference"


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(12345)


@pytest.fixture(scope="session")
def population() -> list[MotorProfile]:
    r = np.random.default_rng(2024)
    return [sample_motor_profile(r) for _ in range(200)]


@pytest.fixture(scope="session")
def reference_dir() -> Path:
    if not REFERENCE.is_dir():
        pytest.skip(f"reference data not found at {REFERENCE} (the shared/reference folder is absent)")
    return REFERENCE
