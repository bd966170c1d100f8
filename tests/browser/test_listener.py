"""A collector in the page sees exactly the clicks and keys the events table claims (same schema, same values)."""

from __future__ import annotations

import asyncio
import json
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

ROOT = Path(__file__).resolve().parents[2]

# What a real in-page telemetry collector records; kept in sessionStorage so it survives page changes.
COLLECTOR = """
(() => {
  const rec = (e) => {
    const log = JSON.parse(sessionStorage.getItem('__rec') || '[]');
    log.push({type: e.type, trusted: e.isTrusted, x: e.clientX ?? null, y: e.clientY ?? null,
              button: e.button ?? null, key: e.key ?? null, code: e.code ?? null,
              shift: e.shiftKey ?? null, ctrl: e.ctrlKey ?? null, detail: e.detail ?? null});
    sessionStorage.setItem('__rec', JSON.stringify(log));
  };
  for (const t of ['mousedown', 'mouseup', 'click', 'dblclick', 'contextmenu', 'keydown', 'keyup'])
    window.addEventListener(t, rec, true);
})();
"""


async def _run(scenario_path: Path, base_url: str, chromium: str) -> tuple[list[dict], list[dict]]:
    sc = load_scenario(scenario_path)
    spec = plan_sessions([sc], 1, 11, sample_personas(3, seed=11), {sc.name: base_url})[0]
    async with async_playwright() as pw:
        browser = await launch_chromium(pw, chromium)
        ctx = await browser.new_context(viewport={"width": sc.viewport.width, "height": sc.viewport.height})
        await ctx.add_init_script(COLLECTOR)
        page = await ctx.new_page()
        result = await run_session(spec, PlaywrightDriver(page, (sc.viewport.width, sc.viewport.height)),
                                   SessionOptions())
        assert result.ok, result.row["error"]
        seen = json.loads(await page.evaluate("sessionStorage.getItem('__rec') || '[]'"))
        await browser.close()
    return result.events.to_pylist(), seen


def test_page_sees_what_the_table_claims(app_server, chromium_path: str, tmp_path: Path) -> None:
    sc = tmp_path / "listen.yaml"
    sc.write_text(
        "name: listen\napp: webmail\nsteps:\n"
        "  - goto: /webmail/\n"
        "  - click: \"testid=compose-button\"\n"
        "  - type: {into: \"label=Subject\", text: \"Q3 Figures: OK?\"}\n"
        "  - press: [Control+A, Backspace]\n"
        "  - type: {into: \"label=To\", text: \"Ann <ann@example.org>\"}\n"
        "  - click: {testid: subject, button: right}\n"
        "  - click: {testid: body, clicks: 2}\n"
        "  - type: {into: \"label=Message\", text: \"ok\\nthanks\"}\n"
        "  - press: [Tab, Shift+Tab]\n")
    table, seen = asyncio.run(_run(sc, app_server.url("webmail"), chromium_path))
    assert all(e["trusted"] for e in seen), "input must be trusted (CDP), not synthetic DOM events"

    kinds = ("mousedown", "mouseup", "click", "dblclick", "contextmenu")
    ours = [(e["type"], round(e["x"]), round(e["y"]), e["button"]) for e in table if e["type"] in kinds]
    theirs = [(e["type"], e["x"], e["y"], e["button"]) for e in seen if e["type"] in kinds]
    assert [o[0] for o in ours] == [t[0] for t in theirs]
    for o, t in zip(ours, theirs):
        assert abs(o[1] - t[1]) <= 1 and abs(o[2] - t[2]) <= 1 and o[3] == t[3], (o, t)

    keys_ours = [(e["type"], e["key"], e["code"]) for e in table if e["type"] in ("keydown", "keyup")]
    keys_seen = [(e["type"], e["key"], e["code"]) for e in seen if e["type"] in ("keydown", "keyup")]
    assert keys_ours == keys_seen
    shift_ours = [bool(e["modifiers"] & 8) for e in table if e["type"] == "keydown"]
    shift_seen = [e["shift"] for e in seen if e["type"] == "keydown"]
    assert shift_ours == shift_seen
