"""PageObserver on a real page: image formats and scale, the accessibility tree both ways, the DOM."""

from __future__ import annotations

import asyncio
import io
import json
from typing import Any

import pytest
from PIL import Image

from synthgen.observe.capture import CaptureSpec, PageObserver

pytestmark = pytest.mark.browser


def test_formats_tree_and_dom(app_server: Any, chromium_path: str) -> None:
    from playwright.async_api import async_playwright

    from synthgen.browser.launch import launch_chromium

    async def run() -> dict[str, Any]:
        async with async_playwright() as pw:
            browser = await launch_chromium(pw, None, headless=True)
            try:
                page = await browser.new_page(viewport={"width": 1000, "height": 700})
                await page.goto(app_server.url("webmail", "compose.html"))  # type: ignore[attr-defined]
                await page.get_by_label("Subject").fill("Quarterly numbers")
                await page.mouse.wheel(0, 200)
                obs = PageObserver(page)
                out: dict[str, Any] = {}
                for fmt in ("jpeg", "png", "webp"):
                    out[fmt] = await obs.capture(CaptureSpec(image_format=fmt))
                out["half"] = await obs.capture(CaptureSpec(image_format="jpeg", scale=0.5, a11y=True, dom=True))
                out["cdp"] = await obs.capture(CaptureSpec(a11y=True, a11y_format="cdp"))
                return out
            finally:
                await browser.close()

    caps = asyncio.run(run())
    for fmt, pil in (("jpeg", "JPEG"), ("png", "PNG"), ("webp", "WEBP")):
        im = Image.open(io.BytesIO(caps[fmt].image))
        assert im.format == pil and im.size == (1000, 700) == (caps[fmt].width, caps[fmt].height)
    half = caps["half"]
    assert Image.open(io.BytesIO(half.image)).size == (500, 350)
    assert "textbox" in half.a11y and "Subject" in half.a11y
    assert 'value="Quarterly numbers"' in half.dom and "<script" in half.dom
    tree = json.loads(caps["cdp"].a11y)
    assert any(n.get("value") == "Quarterly numbers" for n in tree)
    assert caps["png"].cost_ms["image"] > 0
