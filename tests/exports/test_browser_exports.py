"""Browser tests of the exports against their real consumers: rrweb-player replays the recording, the
view renders in Chromium, and captures of a real session line up with the events.

One generated session (webmail compose, three page loads) serves every test in this module.
"""

from __future__ import annotations

import asyncio
import html
import io
import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from PIL import Image

from synthgen.observe.rrweb import vendor_file
from synthgen.runner.local import GenerateConfig, generate
from synthgen.session import SessionOptions

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "scenarios" / "webmail" / "compose_send.yaml"


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory, chromium_path: str) -> Path:
    out = tmp_path_factory.mktemp("exports")
    s = generate(GenerateConfig(scenarios=[COMPOSE], sessions=1, seed=5, out=out, personas=3,
                                exports=("trajectories", "rrweb", "balabit"),
                                options=SessionOptions(screenshots="action", capture_dom=True, record_rrweb=True)))
    assert s.ok == 1, s.failures
    return out


def _sid(root: Path) -> str:
    return next((root / "sessions").glob("*.parquet")).stem


async def _with_page(fn: Any, viewport: tuple[int, int] = (1300, 900)) -> Any:
    from playwright.async_api import async_playwright

    from synthgen.browser.launch import launch_chromium

    async with async_playwright() as pw:
        browser = await launch_chromium(pw, None, headless=True)
        try:
            page = await browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
            return await fn(page)
        finally:
            await browser.close()


def test_captures_line_up_with_events(dataset: Path) -> None:
    sid = _sid(dataset)
    obs = pq.read_table(dataset / "observations" / f"{sid}.parquet").to_pylist()
    ev = {e["seq"]: e for e in pq.read_table(dataset / "events" / f"{sid}.parquet").to_pylist()}
    assert len(obs) >= 8
    for o in obs:
        assert ev[o["seq"]]["type"] == "screenshot" and ev[o["seq"]]["frame"] == o["frame"]
        img = Image.open(dataset / o["frame"])
        assert img.size == (o["width"], o["height"]) == (1280, 800)
        assert o["a11y"] and o["dom"] and o["dom"].startswith("<!DOCTYPE html>")
    # The DOM shows what was typed (as value attributes), the tree names the form's fields.
    last_compose = [o for o in obs if o["url"].endswith("compose.html")][-1]
    typed = [json.loads(x) for x in (dataset / "exports" / "trajectories" / f"{sid}.jsonl").read_text().splitlines()]
    texts = [json.loads(t["action"])["text"] for t in typed if t["action_type"] == "type"]
    one_line = [t for t in texts if "\n" not in t]
    assert one_line and all(f'value="{html.escape(t, quote=True)}"' in last_compose["dom"] for t in one_line)
    assert "textbox" in last_compose["a11y"]
    sizes = {f["path"]: f["bytes"] for f in json.loads((dataset / "manifest.json").read_text())["files"]}
    assert all(sizes[o["frame"]] == o["frame_bytes"] for o in obs)


def test_rrweb_player_replays_the_recording(dataset: Path, tmp_path: Path) -> None:
    sid = _sid(dataset)
    events = json.loads((dataset / "exports" / "rrweb" / f"{sid}.json").read_text())
    assert events[0]["type"] == 4 and events[1]["type"] == 2
    assert sum(e["type"] == 2 for e in events) >= 2  # one full snapshot per page load
    html = (f"<!doctype html><html><head><meta charset='utf-8'><style>{vendor_file('rrweb-player.css')}</style>"
            f"</head><body><div id='root'></div><script>{vendor_file('rrweb-player.min.js')}</script>"
            f"<script>window.EVENTS = {json.dumps(events)};</script></body></html>")
    page_file = tmp_path / "player.html"
    page_file.write_text(html)
    total = events[-1]["timestamp"] - events[0]["timestamp"]

    async def run(page: Any) -> dict[str, Any]:
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        await page.goto(page_file.as_uri())
        await page.evaluate("""() => { const P = rrwebPlayer.default || rrwebPlayer;
            window.player = new P({target: document.getElementById('root'), props: {events: window.EVENTS,
              width: 1280, height: 800, autoPlay: false, showController: false, skipInactive: false}}); }""")
        doc = "(() => { const f = document.querySelector('.replayer-wrapper iframe'); " \
              "return f && f.contentDocument ? f.contentDocument.documentElement.outerHTML : '' })()"
        mouse = "(() => { const m = document.querySelector('.replayer-mouse'); " \
                "return m ? [m.style.left, m.style.top] : null })()"
        await page.evaluate("player.goto(1000, false)")
        early = await page.evaluate(doc)
        # Play in real time from the first move on, sampling the player's cursor.
        first_move = next(e["timestamp"] for e in events if e["type"] == 3 and e["data"]["source"] == 1)
        await page.evaluate(f"player.setSpeed(4); player.goto({first_move - events[0]['timestamp']}, true)")
        seen = []
        for _ in range(12):
            await asyncio.sleep(0.15)
            seen.append(tuple(await page.evaluate(mouse) or ()))
        await page.evaluate(f"player.goto({total - 50}, false)")
        late = await page.evaluate(doc)
        return {"early": early, "late": late, "seen": seen, "errors": errors}

    r = asyncio.run(_with_page(run))
    assert not r["errors"], r["errors"]
    positions = {p for p in r["seen"] if p and p[0]}
    assert len(positions) >= 3, r["seen"]  # the cursor moved while playing
    assert r["early"] and r["late"] and r["early"] != r["late"]  # the page changed
    assert "Inbox" in r["early"]


def test_view_renders_in_chromium(dataset: Path, tmp_path: Path) -> None:
    from synthgen.view import write_view

    sid = _sid(dataset)
    out = write_view(dataset, sid, tmp_path / "view.html")
    n_frames = pq.read_table(dataset / "observations" / f"{sid}.parquet").num_rows

    async def run(page: Any) -> tuple[bytes, int, int, int, list[str], list[str]]:
        await page.goto(out.as_uri())
        shot = await page.screenshot(full_page=False)
        frames = await page.locator("img[alt^='frame at']").count()
        figs = await page.locator("img.speed").count()
        overlays = await page.locator("svg.overlay line").count()
        reps = await page.locator(".rep").all_inner_texts()
        caps = await page.locator(".frame .act").all_inner_texts()
        return shot, frames, figs, overlays, reps, caps

    shot, frames, figs, overlays, reps, caps = asyncio.run(_with_page(run))
    # every capture is there once: shown, or counted in the repeat of the identical frame before it
    shown_twice = sum(int(r.split("×")[1].split()[0]) - 1 for r in reps)
    assert frames + shown_twice == n_frames and figs == 1 and overlays > 50
    # captions say what was done: the compose session clicks and types
    assert any(c.startswith("click ") or " · click " in c for c in caps) and any("typed “" in c for c in caps)
    img = Image.open(io.BytesIO(shot)).convert("RGB")
    colors = img.getcolors(maxcolors=1 << 20)
    assert colors is not None and len(colors) > 100  # not a blank page
    assert max(c for c, _ in colors) < 0.9 * img.width * img.height


def test_trajectory_observations_point_at_real_frames(dataset: Path) -> None:
    sid = _sid(dataset)
    recs = [json.loads(x) for x in (dataset / "exports" / "trajectories" / f"{sid}.jsonl").read_text().splitlines()]
    with_obs = [r for r in recs if r["obs_frame"]]
    assert len(with_obs) >= len(recs) - 2
    assert all((dataset / r["obs_frame"]).is_file() for r in with_obs)
    assert {"goto", "click", "type"} <= {r["action_type"] for r in recs}
    csv = next((dataset / "exports" / "balabit").rglob(f"session_{sid}.csv"))
    assert csv.read_text().count("\n") > 100
