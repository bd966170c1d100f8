"""Shared fixtures: the bundled app server, and a skip when no Chromium can be found."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"


@pytest.fixture(scope="session")
def app_server() -> Iterator["object"]:
    from synthgen.apps.server import AppServer

    with AppServer() as server:
        yield server


@pytest.fixture(scope="session")
def chromium_path() -> str:
    from synthgen.browser.discovery import find_chromium
    from synthgen.errors import BrowserNotFoundError

    try:
        return str(find_chromium())
    except BrowserNotFoundError as exc:  # CI installs one; a bare dev machine says how
        pytest.fail(f"browser tests need Chromium: {exc}")
