"""Fixtures for the fidelity tests: the public reference data, read small, or a clear skip."""

from __future__ import annotations

import pytest

from synthgen.fidelity.readers import ReferenceDataNotFound, read_balabit, read_freihaut, reference_root


@pytest.fixture(scope="session")
def ref_root():
    try:
        return reference_root()
    except ReferenceDataNotFound as exc:
        pytest.skip(f"public human reference data not found (../shared/reference): {exc}")


@pytest.fixture(scope="session")
def freihaut(ref_root):
    return read_freihaut(ref_root / "mouse" / "freihaut" / "point_click.csv")


@pytest.fixture(scope="session")
def balabit_small(ref_root):
    return read_balabit(ref_root, max_sessions=4)


@pytest.fixture(scope="session")
def motor():
    """The motor models (another package of this repo, landing in parallel): skip until importable."""
    return pytest.importorskip("synthgen.motor.mouse", reason="synthgen.motor.mouse not available yet")
