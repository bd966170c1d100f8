"""Shared fixtures: the bundled app server, the Chromium to launch, a scenario run on the fake driver."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
from hypothesis import settings

# The suite decides whether work lands, so its property tests run the same examples every time
# (derandomize); `make fuzz` (HYPOTHESIS_PROFILE=fuzz) searches new random examples, many more of them.
settings.register_profile("suite", derandomize=True, print_blob=True)
settings.register_profile("fuzz", max_examples=2000, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "suite"))

from synthgen.browser.fake import FakeDriver
from synthgen.motor.types import Box
from synthgen.persona.population import sample_personas
from synthgen.scenario.loader import load_scenario_text
from synthgen.session import SessionOptions, SessionResult, SessionSpec, run_session

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

SCENARIO = """
name: fake-obs
base_url: http://fake.test/
steps:
  - goto: /
  - click: "testid=open"
  - type: {into: "label=Name", text: "Ada Lovelace"}
  - press: Enter
  - scroll: {by: 300}
  - wait_for: {text: "Saved"}
  - screenshot: done
"""

BOXES = {"testid=open": Box(100, 100, 80, 30), "label=Name": Box(300, 200, 200, 30)}


@pytest.fixture
def run_fake() -> Callable[..., SessionResult]:
    """Run the fake scenario with the given SessionOptions fields; returns the SessionResult."""

    def run(seed: int = 3, session_id: str = "fake-obs-s1-00000", **options: Any) -> SessionResult:
        sc = load_scenario_text(SCENARIO, file="fake.yaml")
        persona = sample_personas(1, seed=1)[0]
        spec = SessionSpec(index=0, session_id=session_id, seed=seed, scenario=sc, persona=persona,
                           base_url="http://fake.test/")
        drv = FakeDriver(dict(BOXES), texts={"Saved"})
        return asyncio.run(run_session(spec, drv, SessionOptions(**options)))

    return run


class BrowserEnv:
    """One Chromium for a test module, driven from its own event loop (``run`` a coroutine in it)."""

    def __init__(self, loop: Any, browser: Any) -> None:
        self.loop, self.browser = loop, browser

    def run(self, coro: Any) -> Any:
        return self.loop.run_until_complete(coro)


@pytest.fixture(scope="module")
def env(app_server: Any, chromium_path: str) -> Iterator[BrowserEnv]:
    """A Chromium that reaches the bundled apps at their stable host, for the module's tests."""
    import asyncio

    from playwright.async_api import async_playwright

    from synthgen.browser.launch import bundled_host_rule, launch_chromium

    loop = asyncio.new_event_loop()
    pw = loop.run_until_complete(async_playwright().start())
    browser = loop.run_until_complete(
        launch_chromium(pw, chromium_path, extra_args=(bundled_host_rule(app_server.port),)))
    try:
        yield BrowserEnv(loop, browser)
    finally:
        loop.run_until_complete(browser.close())
        loop.run_until_complete(pw.stop())
        loop.close()
