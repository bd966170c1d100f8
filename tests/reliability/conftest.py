"""Fixtures for fault tests: the misbehaving app server and a clean baseline dataset."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from faultkit import FAULT_APPS


@pytest.fixture(scope="session")
def faults_server() -> Iterator["object"]:
    from synthgen.apps.server import AppServer

    with AppServer(static_dir=FAULT_APPS) as server:
        yield server


@pytest.fixture(scope="session")
def faults_url(faults_server) -> str:  # type: ignore[no-untyped-def]
    return faults_server.url("faults")  # type: ignore[attr-defined]


QUICK_SESSIONS = 4


@pytest.fixture(scope="session")
def clean_quick(tmp_path_factory: pytest.TempPathFactory, faults_url: str, chromium_path: str) -> Path:
    """An uninterrupted run of the quick scenario (4 sessions, seed 1): the reference for fault runs."""
    from faultkit import scenario
    from synthgen.runner.local import GenerateConfig, generate

    out = tmp_path_factory.mktemp("clean") / "ds"
    s = generate(GenerateConfig(scenarios=[scenario("quick")], sessions=QUICK_SESSIONS, seed=1, out=out, personas=5,
                                base_url=faults_url))
    assert s.ok == QUICK_SESSIONS, s.failures
    return out
