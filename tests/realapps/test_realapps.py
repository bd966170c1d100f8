"""The real-app scenario packs (``scenarios/_realapps/{datasette,mkdocs,streamlit}``) against the real apps, installed from
PyPI into ``.venv-apps`` by ``scripts/setup.sh``, each started on loopback with a fresh state for the module and
stopped after it. Marked ``realapps`` (and ``browser``): ``pytest -m realapps`` runs just these.

Prints ``sessions ok/total`` per app.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import async_playwright

from synthgen.apps.real import REAL_APPS, RealApp, missing_apps
from synthgen.browser.launch import launch_chromium
from synthgen.browser.playwright_driver import PlaywrightDriver
from synthgen.persona.population import sample_personas
from synthgen.runner.faults import PageWatch
from synthgen.runner.plan import plan_sessions
from synthgen.scenario.loader import load_scenario, scenario_files
from synthgen.session import SessionOptions, run_session

pytestmark = [pytest.mark.realapps, pytest.mark.browser]

ROOT = Path(__file__).resolve().parents[2]
PERSONAS = sample_personas(8, seed=11)
SESSIONS = 2  # per scenario: two personas' sessions


async def _run_app(name: str, chromium_path: str) -> list[tuple[str, bool, str]]:
    files = scenario_files([ROOT / "scenarios" / "_realapps" / name])
    out: list[tuple[str, bool, str]] = []
    with RealApp(name) as app:
        pw = await async_playwright().start()
        browser = await launch_chromium(pw, chromium_path)
        try:
            for f in files:
                sc = load_scenario(f)
                for spec in plan_sessions([sc], SESSIONS, 3, PERSONAS, {sc.name: app.base_url + "/"}):
                    vp = (sc.viewport.width, sc.viewport.height)
                    ctx = await browser.new_context(viewport={"width": vp[0], "height": vp[1]})
                    try:
                        page = await ctx.new_page()
                        watch = PageWatch()
                        watch.attach(ctx, page)
                        driver = PlaywrightDriver(page, vp)
                        watch.keep = driver.claims_popup
                        r = await run_session(spec, driver, SessionOptions(failure_screenshot=False))
                    finally:
                        await ctx.close()
                    out.append((spec.session_id, r.ok, (r.row["error"] or "") + watch.error_note()))
        finally:
            await browser.close()
            await pw.stop()
    return out


@pytest.mark.parametrize("name", sorted(REAL_APPS))
def test_real_app_pack(name: str, chromium_path: str) -> None:
    if name in missing_apps():
        pytest.skip(f"{name} is not installed: run scripts/setup.sh (it installs requirements-apps.txt)")
    assert len(scenario_files([ROOT / "scenarios" / "_realapps" / name])) >= 4
    results = asyncio.run(_run_app(name, chromium_path))
    ok = sum(r[1] for r in results)
    print(f"\n{name}: sessions ok {ok}/{len(results)}")
    failed = [f"{sid}: {err}" for sid, good, err in results if not good]
    assert not failed, "\n".join(failed)
