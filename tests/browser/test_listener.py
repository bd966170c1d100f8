"""A collector in the page sees exactly what the events table claims: clicks and keys (same schema, same
values), and with ``--mouse-delivery timed`` every move and wheel notch, at the planned time on the page's
clock (``performance.now()`` and ``Date.now()``, which run on the session's clock)."""

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
              shift: e.shiftKey ?? null, ctrl: e.ctrlKey ?? null, detail: e.detail ?? null,
              ts: e.timeStamp});
    sessionStorage.setItem('__rec', JSON.stringify(log));
  };
  for (const t of ['mousedown', 'mouseup', 'click', 'dblclick', 'contextmenu', 'keydown', 'keyup'])
    window.addEventListener(t, rec, true);
  // Moves and wheel with the page's own clock, kept in memory (many) and flushed on pagehide.
  const fast = [];
  const keep = (e) => fast.push({type: e.type, x: e.clientX, y: e.clientY, dy: e.deltaY ?? null,
                                 perf: performance.now(), date: Date.now(), ts: e.timeStamp});
  window.addEventListener('mousemove', keep, true);
  window.addEventListener('wheel', keep, {capture: true, passive: true});
  const flush = () => { const old = JSON.parse(sessionStorage.getItem('__fast') || '[]');
                        sessionStorage.setItem('__fast', JSON.stringify(old.concat(fast.splice(0)))); };
  window.addEventListener('pagehide', flush, true);
  window.__flush = flush;
})();
"""


async def _run(scenario_path: Path, base_url: str, chromium: str,
               opts: SessionOptions = SessionOptions()) -> tuple[list[dict], list[dict], dict]:
    sc = load_scenario(scenario_path)
    spec = plan_sessions([sc], 1, 11, sample_personas(3, seed=11), {sc.name: base_url})[0]
    async with async_playwright() as pw:
        browser = await launch_chromium(pw, chromium)
        vp = spec.scenario.viewport  # the persona's window (the scenario fixes none)
        ctx = await browser.new_context(viewport={"width": vp.width, "height": vp.height})
        await ctx.add_init_script(COLLECTOR)
        page = await ctx.new_page()
        result = await run_session(spec, PlaywrightDriver(page, (vp.width, vp.height)), opts)
        assert result.ok, result.row["error"]
        seen = json.loads(await page.evaluate("sessionStorage.getItem('__rec') || '[]'"))
        await page.evaluate("window.__flush()")
        seen += json.loads(await page.evaluate("sessionStorage.getItem('__fast') || '[]'"))
        await browser.close()
    return result.events.to_pylist(), seen, result.row


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
    table, seen, _row = asyncio.run(_run(sc, app_server.url("webmail"), chromium_path))
    assert all(e["trusted"] for e in seen if "trusted" in e), "input must be trusted (CDP), not synthetic DOM events"

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



def test_timed_delivery_the_page_sees_every_move_and_wheel_at_its_time(app_server, chromium_path: str,
                                                                       tmp_path: Path) -> None:
    sc = tmp_path / "moves.yaml"
    sc.write_text(
        "name: moves\napp: shop\nsteps:\n"
        "  - goto: /shop/\n"
        "  - hover: \"role=heading\"\n"
        "  - scroll: 500\n"
        "  - scroll: -300\n"
        "  - type: {into: \"testid=search\", text: \"Mug\", exact: true}\n"
        "  - click: \"role=link\"\n")
    table, seen, row = asyncio.run(_run(sc, app_server.url("shop"), chromium_path,
                                        SessionOptions(mouse_delivery="timed", page_clock=True)))
    start_ms = row["start_time"].timestamp() * 1000.0
    moves = [e for e in table if e["type"] == "mousemove"]
    seen_moves = [e for e in seen if e["type"] == "mousemove"]
    assert len(moves) > 30
    # every planned sample reached the page as its own mousemove, in order, where the table says
    assert len(seen_moves) == len(moves)
    for o, t in zip(moves, seen_moves):
        assert abs(o["x"] - t["x"]) <= 1 and abs(o["y"] - t["y"]) <= 1, (o, t)
        # the page's clock read the planned time: Date to the ms (the clock moves in whole ms)
        assert abs(t["date"] - start_ms - o["t_ms"]) <= 1.0, (o, t)
        # performance.now() advances exactly with the plan (its origin: when the clock was installed)
        assert abs((t["perf"] - seen_moves[0]["perf"]) - (o["t_ms"] - moves[0]["t_ms"])) <= 1.0, (o, t)
        # event.timeStamp too (Playwright's clock reads it from the page's performance.now())
        assert abs((t["ts"] - seen_moves[0]["ts"]) - (o["t_ms"] - moves[0]["t_ms"])) <= 1.0, (o, t)
    # presses and clicks carry their planned time in event.timeStamp, on the same origin as the moves
    origin = seen_moves[0]["ts"] - moves[0]["t_ms"]
    for kind in ("mousedown", "mouseup", "click", "keydown", "keyup"):
        ours = [e for e in table if e["type"] == kind]
        theirs = [e for e in seen if e["type"] == kind]
        assert ours and len(ours) == len(theirs), kind
        for o, t in zip(ours, theirs):
            assert abs(t["ts"] - origin - o["t_ms"]) <= 1.0, (kind, o["t_ms"], t["ts"] - origin)
    wheels = [e for e in table if e["type"] == "wheel"]
    seen_wheels = [e for e in seen if e["type"] == "wheel"]
    assert wheels and sum(w["delta_y"] for w in wheels) == sum(t["dy"] for t in seen_wheels)
