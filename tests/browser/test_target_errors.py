"""Issue 19: a target that matches nothing fails with the full target, the URL and the nearest matches on the
page (names of the visible elements of its role, or the nearest texts); an invalid selector is a synthgen
error with the fix, not Playwright's raw InvalidSelectorError. Against the bundled shop in Chromium."""

from __future__ import annotations

from typing import Any

import pytest

from synthgen.browser.launch import BUNDLED_HOST
from synthgen.browser.playwright_driver import PlaywrightDriver
from synthgen.errors import TargetMissing
from synthgen.scenario.steps import Target

pytestmark = pytest.mark.browser


async def _locate(browser: Any, target: Target, timeout_ms: float = 800) -> TargetMissing:
    ctx = await browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = await ctx.new_page()
        driver = PlaywrightDriver(page, (1280, 800))
        await driver.goto(f"http://{BUNDLED_HOST}/shop/", 10_000)
        await page.wait_for_selector("[data-testid=product-card]")
        with pytest.raises(TargetMissing) as info:
            await driver.locate(target, timeout_ms)
        return info.value
    finally:
        await ctx.close()


def test_role_target_names_the_visible_buttons_nearest(env: Any) -> None:
    """The README's old example: the shop's buttons are named "Add <product> to cart"."""
    e = env.run(_locate(env.browser, Target(role="button", name="Add to cart", nth=0)))
    text = str(e)
    assert text.startswith("role=button[name=Add to cart][nth=0] matched no visible element within 800 ms at "
                           f"http://{BUNDLED_HOST}/shop/")
    assert "nearest visible buttons: 'Add " in text and " to cart'" in text
    assert e.fix and "timeout_ms" in e.fix


def test_text_target_names_the_nearest_texts(env: Any) -> None:
    e = env.run(_locate(env.browser, Target(text="Chekout", exact=True)))
    assert str(e).startswith("text=Chekout[exact] matched no visible element")
    assert "nearest visible texts: " in e.nearest


def test_a_role_absent_from_the_page_lists_the_roles_there(env: Any) -> None:
    e = env.run(_locate(env.browser, Target(role="treegrid")))
    assert "no visible treegrid on the page (roles there: " in e.nearest and "button" in e.nearest


def test_hidden_matches_are_counted(env: Any) -> None:
    # the Account menu's items exist in the page but are hidden until it opens
    e = env.run(_locate(env.browser, Target(text="Reset app data")))
    assert "match but none is visible" in e.nearest


def test_invalid_css_is_a_synthgen_error_with_the_fix(env: Any) -> None:
    e = env.run(_locate(env.browser, Target(css="div[[oops")))
    assert str(e).startswith("css=div[[oops is not a valid selector (")
    assert e.fix and "css=" in e.fix


def test_wait_for_a_target_names_the_nearest_too(env: Any) -> None:
    async def run() -> TargetMissing:
        ctx = await env.browser.new_context(viewport={"width": 1280, "height": 800})
        try:
            driver = PlaywrightDriver(await ctx.new_page(), (1280, 800))
            await driver.goto(f"http://{BUNDLED_HOST}/shop/", 10_000)
            with pytest.raises(TargetMissing) as info:
                await driver.wait_target(Target(role="button", name="Add to cart", exact=True), 600)
            return info.value
        finally:
            await ctx.close()

    e = env.run(run())
    assert str(e).startswith("role=button[name=Add to cart][exact] ")
    assert "nearest visible buttons: 'Add " in e.nearest
