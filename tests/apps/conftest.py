"""Fixtures for the bundled-app tests: one app server and one headless Chromium per module."""

from __future__ import annotations

import os
import shutil
from typing import Any, Iterator

import pytest

from synthgen.apps import AppServer

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: launches a real Chromium against the bundled apps")


@pytest.fixture(scope="module")
def apps_server() -> Iterator[AppServer]:
    with AppServer() as srv:
        yield srv


def _chromium_executable(pw: Any) -> str | None:
    managed = pw.chromium.executable_path
    if managed and os.path.exists(managed):
        return managed
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def apps_browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        exe = _chromium_executable(pw)
        if not exe:
            pytest.skip("no Chromium found (neither Playwright-managed nor `chromium` on PATH)")
        browser = pw.chromium.launch(executable_path=exe, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture()
def new_context(apps_browser: Any) -> Iterator[Any]:
    """Factory for fresh browser contexts (closed after the test)."""
    made: list[Any] = []

    def make() -> Any:
        ctx = apps_browser.new_context(viewport={"width": 1280, "height": 800})
        ctx.set_default_timeout(10_000)
        made.append(ctx)
        return ctx

    yield make
    for ctx in made:
        ctx.close()


@pytest.fixture()
def page(new_context: Any) -> Any:
    """A page in a fresh context; uncaught page errors are collected in page.errors."""
    pg = new_context().new_page()
    pg.errors = []  # type: ignore[attr-defined]
    pg.on("pageerror", lambda exc: pg.errors.append(str(exc)))  # type: ignore[attr-defined]
    return pg
