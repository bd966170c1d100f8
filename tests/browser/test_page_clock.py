"""The page lives in the persona's time: its timers and Date follow the session's synthetic clock.

Against a bundled page (``widgets/clock.html``) that reproduces what broke on real apps: an editor that
copies its text into the form 250 ms after the last keystroke (on wall time the Save click won the race and
an empty body was saved), a date taken from ``Date.now()``, and a reminder that appears 2 s after a click.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

import pytest
from playwright.async_api import async_playwright

from synthgen.browser.launch import launch_chromium
from synthgen.browser.playwright_driver import PlaywrightDriver
from synthgen.persona.population import sample_personas
from synthgen.runner.plan import plan_sessions
from synthgen.scenario.loader import load_scenario
from synthgen.session import SessionOptions, run_session

pytestmark = pytest.mark.browser

SCENARIO = """
name: journal
app: widgets
steps:
  - goto: /widgets/clock.html
  - type: {into: "label=Entry", text: "hello there", exact: true}
  - click: "role=button[name=Save]"
  - assert: {text: "saved: hello there"}
  - click: "role=button[name=Remind me]"
  - wait_for: {text: "Reminder set"}
"""


async def _run(path: Path, base_url: str, chromium: str, seed: int) -> tuple[dict, list[dict], dict]:
    sc = load_scenario(path)
    spec = plan_sessions([sc], 1, seed, sample_personas(3, seed=seed), {sc.name: base_url})[0]
    async with async_playwright() as pw:
        browser = await launch_chromium(pw, chromium)
        vp = spec.scenario.viewport  # the persona's window
        ctx = await browser.new_context(viewport={"width": vp.width, "height": vp.height}, timezone_id="UTC")
        page = await ctx.new_page()
        result = await run_session(spec, PlaywrightDriver(page, (vp.width, vp.height)), SessionOptions(page_clock=True))
        shown = {k: await page.locator(f"#{k}").inner_text() for k in ("stamp", "today", "saved", "reminded")}
        await browser.close()
    return result.row, result.events.to_pylist(), shown


@pytest.mark.parametrize("seed", [21, 22])
def test_debounce_date_and_timer_run_on_the_session_clock(app_server, chromium_path: str, tmp_path: Path,
                                                          seed: int) -> None:
    sc = tmp_path / "journal.yaml"
    sc.write_text(SCENARIO)
    row, events, shown = asyncio.run(_run(sc, app_server.url("widgets"), chromium_path, seed))
    assert row["status"] == "ok", row["error"]
    # the debounced copy happened before Save: the saved body is the typed text
    assert shown["saved"] == "saved: hello there"
    # the page's Date is the session's: its start time plus the planned time of the Save click
    start = row["start_time"] if row["start_time"].tzinfo else row["start_time"].replace(tzinfo=dt.timezone.utc)
    save = next(e for e in events if e["type"] == "click" and e["step_id"] == "3")
    stamp = dt.datetime.fromisoformat(shown["stamp"].replace("Z", "+00:00"))
    assert abs((stamp - start).total_seconds() * 1000.0 - save["t_ms"]) <= 2.0, (stamp, start, save["t_ms"])
    assert shown["today"] == start.date().isoformat()
    # the wait for the reminder lasted its 2 s of the page's time: the session is that much longer
    later = next(e for e in events if e["type"] == "click" and e["step_id"] == "5")
    assert shown["reminded"] == "Reminder set" and row["duration_ms"] >= later["t_ms"] + 2000.0


LINK = """
name: open-mail
app: webmail
steps:
  - goto: /webmail/#/inbox
  - click: {css: ".msg-link", nth: 0}
  - wait_for: {target: "testid=message-body"}
"""


def test_a_click_that_slips_on_a_link_still_clicks_it(app_server, chromium_path: str, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Chromium drags a link the pointer moves 4 px on with the button held, and the click is lost (a
    triage session failed so on the page clock): a slip is kept under that, in the page and the table."""
    import dataclasses

    from synthgen import session as session_mod

    real = session_mod.mouse.plan_click

    def slipping(*a, **k):  # type: ignore[no-untyped-def]
        acts = real(*a, **k)
        first = acts[0]
        return [dataclasses.replace(first, slip=(first.t_up - 10.0, first.x + 6.0, first.y + 1.0))] + acts[1:]

    monkeypatch.setattr(session_mod.mouse, "plan_click", slipping)
    sc = tmp_path / "link.yaml"
    sc.write_text(LINK)
    row, events, _ = asyncio.run(_run_link(sc, app_server.url("webmail"), chromium_path))
    assert row["status"] == "ok", row["error"]
    down = next(e for e in events if e["type"] == "mousedown")
    up = next(e for e in events if e["type"] == "mouseup")
    assert abs(up["x"] - down["x"]) == 3.0 and abs(up["y"] - down["y"]) == 1.0


async def _run_link(path: Path, base_url: str, chromium: str) -> tuple[dict, list[dict], None]:
    sc = load_scenario(path)
    spec = plan_sessions([sc], 1, 5, sample_personas(3, seed=5), {sc.name: base_url})[0]
    async with async_playwright() as pw:
        browser = await launch_chromium(pw, chromium)
        vp = spec.scenario.viewport  # the persona's window
        page = await (await browser.new_context(viewport={"width": vp.width, "height": vp.height})).new_page()
        result = await run_session(spec, PlaywrightDriver(page, (vp.width, vp.height)), SessionOptions(page_clock=True))
        await browser.close()
    return result.row, result.events.to_pylist(), None
