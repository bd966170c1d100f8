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
