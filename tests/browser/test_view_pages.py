"""The pages a newcomer looks at, opened in Chromium: the dataset overview (sessions, failure gallery,
per-scenario plots, links), a failed session's page (error, captions, readable time axis) and the rrweb
replay (player mounted, the app's images inlined: it works with the network cut off).

``python scripts/docs_pictures.py`` takes the README's pictures (``docs/*.png``) with the same functions.
"""

from __future__ import annotations

import asyncio
import io
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from synthgen.runner.local import GenerateConfig, generate
from synthgen.session import SessionOptions
from synthgen.view import write_overview, write_replay

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
BROKEN = """
name: shop-wrong-button
app: shop
task: "Open the shop and press a button it does not have."
steps:
  - goto: /shop/
  - click: "testid=search"
  - wait_for: {text: "This text is never shown", timeout_ms: 1500}
"""


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory, chromium_path: str) -> Path:
    tmp = tmp_path_factory.mktemp("view")
    broken = tmp / "broken.yaml"
    broken.write_text(BROKEN)
    out = tmp / "corpus"
    s = generate(GenerateConfig(scenarios=[ROOT / "scenarios" / "shop" / "browse_compare.yaml", broken],
                                sessions=2, seed=4, out=out, personas=3,
                                options=SessionOptions(screenshots="action", record_rrweb=True)))
    assert s.ok == 2 and len(s.failures) == 2, s.failures
    return out


async def _page(fn: Any, offline: bool = False) -> Any:
    from playwright.async_api import async_playwright

    from synthgen.browser.launch import launch_chromium

    async with async_playwright() as pw:
        browser = await launch_chromium(pw, None, headless=True)
        try:
            ctx = await browser.new_context(viewport={"width": 1280, "height": 1000})
            asked: list[str] = []
            if offline:  # only the file itself and data: URIs may load
                await ctx.route(lambda u: not u.startswith(("file:", "data:")),
                                lambda r: (asked.append(r.request.url), asyncio.ensure_future(r.abort())))
            page = await ctx.new_page()
            return await fn(page), asked
        finally:
            await browser.close()


def _not_blank(png: bytes) -> None:
    img = Image.open(io.BytesIO(png)).convert("RGB")
    colors = img.getcolors(maxcolors=1 << 20)
    assert colors is not None and len(colors) > 100
    assert max(c for c, _ in colors) < 0.9 * img.width * img.height


def test_overview_shows_sessions_failures_plots_and_links(dataset: Path, tmp_path: Path) -> None:
    index = write_overview(dataset, tmp_path / "view")

    async def run(page: Any) -> dict[str, Any]:
        await page.goto(index.as_uri())
        return {
            "shot": await page.screenshot(full_page=False),
            "rows": await page.locator("table.sessions").nth(1).locator("tr").count() - 1,
            "failed_cells": await page.locator("td.failed").count(),
            "gallery": await page.locator(".gallery .card").count(),
            "gallery_imgs": await page.locator(".gallery .card img").evaluate_all(
                "els => els.map(e => e.naturalWidth)"),
            "plot": await page.locator("img.dist").evaluate("e => e.naturalWidth"),
            "errors": await page.locator(".gallery .err").all_inner_texts(),
            "links": await page.locator("table.sessions a").evaluate_all("els => els.map(e => e.href)"),
        }

    got, _ = asyncio.run(_page(run))
    _not_blank(got["shot"])
    assert got["rows"] == 4 and got["failed_cells"] == 2 and got["gallery"] == 2
    assert all(w > 0 for w in got["gallery_imgs"]) and len(got["gallery_imgs"]) == 2  # failure screenshots
    assert got["plot"] > 500
    assert all("This text is never shown" in e for e in got["errors"])
    pages = {Path(h.removeprefix("file://")) for h in got["links"]}
    assert len(pages) == 4 and all(p.is_file() for p in pages)


def test_failed_session_page_has_error_captions_and_a_readable_axis(dataset: Path, tmp_path: Path) -> None:
    index = write_overview(dataset, tmp_path / "view")
    failed = next((index.parent / "sessions").glob("shop-wrong-button-*.html"))

    async def run(page: Any) -> dict[str, Any]:
        await page.goto(failed.as_uri())
        return {
            "failure": await page.locator(".failure").inner_text(),
            "captions": await page.locator(".frame .act").all_inner_texts(),
            "axis": await page.locator("svg.timeline text[text-anchor=middle]").evaluate_all(
                "els => els.map(e => e.textContent)"),
            "shot": await page.screenshot(full_page=False),
        }

    got, _ = asyncio.run(_page(run))
    _not_blank(got["shot"])
    assert "failed at step 3" in got["failure"] and "This text is never shown" in got["failure"]
    assert any("click input" in c for c in got["captions"]), got["captions"]
    assert len(got["axis"]) >= 3 and len(set(got["axis"])) == len(got["axis"]), got["axis"]  # no "1s 1s"


def test_replay_plays_offline_with_the_apps_images(dataset: Path, tmp_path: Path) -> None:
    sid = next(p.stem for p in (dataset / "sessions").glob("shop-browse-compare-*.parquet"))
    out = write_replay(dataset, sid, tmp_path / "replay.html")

    async def run(page: Any) -> dict[str, Any]:
        await page.goto(out.as_uri())
        await page.wait_for_selector(".rr-player .replayer-wrapper iframe")
        await page.evaluate("window.synthgenPlayer.goto(3000, false)")
        await page.wait_for_timeout(500)
        imgs = await page.evaluate("""() => [...document.querySelector('.replayer-wrapper iframe')
                                          .contentDocument.images].map(i => i.naturalWidth)""")
        return {"imgs": imgs, "shot": await page.screenshot(full_page=False)}

    got, asked = asyncio.run(_page(run, offline=True))
    assert asked == []  # nothing was fetched: the page holds the player, the recording and the images
    assert len(got["imgs"]) >= 10 and all(w > 0 for w in got["imgs"]), got["imgs"]
    _not_blank(got["shot"])
