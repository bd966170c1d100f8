"""The page sees the persona's computer, consistently, and nothing it reads says Headless.

Each session's context is opened the way the worker opens it (``synthgen.runner.worker``: the origin guard,
the device's context options, the user-agent override, the init script); a bundled page is loaded over
loopback (a secure context, so ``navigator.userAgentData`` exists), every value a page or its server can
read is taken from JavaScript and the requests, and compared with the ``sessions`` row the same session
writes through the worker.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import async_playwright

from synthgen.browser.launch import launch_chromium
from synthgen.persona.device import brand_list, major_of, user_agent
from synthgen.persona.population import sample_personas
from synthgen.runner import worker
from synthgen.runner.plan import session_scenario
from synthgen.runner.worker import WorkerConfig, session_device
from synthgen.scenario.loader import load_scenario_text
from synthgen.session import SessionSpec

pytestmark = pytest.mark.browser

SCENARIO = """
name: device-probe
app: widgets
steps:
  - goto: /widgets/index.html
"""

READ = """async () => {
  const d = navigator.userAgentData;
  const high = await d.getHighEntropyValues(['platform', 'platformVersion', 'architecture', 'bitness',
                                              'fullVersionList', 'uaFullVersion', 'mobile']);
  return {ua: navigator.userAgent, appVersion: navigator.appVersion, platform: navigator.platform,
          webdriver: navigator.webdriver, brands: d.brands, uaPlatform: d.platform, mobile: d.mobile, high,
          screenW: screen.width, screenH: screen.height, availW: screen.availWidth, availH: screen.availHeight,
          availTop: screen.availTop, outerW: outerWidth, outerH: outerHeight, innerW: innerWidth,
          innerH: innerHeight, dpr: devicePixelRatio, screenY: screenY,
          dppx: matchMedia(`(resolution: ${devicePixelRatio}dppx)`).matches};
}"""


def _specs(base_url: str) -> list[SessionSpec]:
    """One session per OS of the population, and one whose scenario fixes a viewport."""
    sc = load_scenario_text(SCENARIO, file="device.yaml")
    fixed = load_scenario_text(SCENARIO.replace("steps:", "viewport: {width: 1280, height: 800}\nsteps:"),
                               file="device.yaml")
    pool = sample_personas(300, seed=8)
    picked = {}
    for p in pool:
        picked.setdefault(p.device.os, p)
    assert set(picked) == {"windows", "macos", "linux"}
    small = next(p for p in pool if p.device.screen_h < 900)  # the fixed window makes its screen grow
    out = [SessionSpec(i, f"device-probe-s8-{i:05d}", 100 + i, session_scenario(sc, p), p, base_url)
           for i, p in enumerate(picked.values())]
    out.append(SessionSpec(3, "device-probe-s8-00003", 103, session_scenario(fixed, small), small, base_url))
    return out


async def _probe(chromium: str, specs: list[SessionSpec], out: Path) -> tuple[str, list[dict], list[dict],
                                                                            list[dict], list[dict]]:
    seen, rows, headers, defaults = [], [], [], []
    async with async_playwright() as pw:
        cfg = WorkerConfig(out=out, chromium=chromium)
        browsers = worker._Browsers(pw, cfg)
        try:
            for spec in specs:
                browser, ctx, page = await worker._open_page(browsers, spec, cfg, None)
                sent: list[dict[str, str]] = []
                page.on("request", lambda r: sent.append(r.headers))
                await page.goto(spec.base_url + "index.html")
                seen.append(await page.evaluate(READ))
                headers.append({k: v for h in sent for k, v in h.items()
                                if k == "user-agent" or k.startswith("sec-ch")})
                await ctx.close()
                result, fault = await worker._attempt(browsers, spec, cfg)
                assert result.ok and fault is None, result.row["error"]
                rows.append(result.row)
            version = (await browsers.get()).version
        finally:
            await browsers.close()
        # The launched browser's own identity, undressed: the GREASE list it builds for itself.
        browser = await launch_chromium(pw, chromium)
        page = await (await browser.new_context()).new_page()
        await page.goto(specs[0].base_url + "index.html")
        defaults.append(await page.evaluate("({ua: navigator.userAgent, brands: navigator.userAgentData.brands})"))
        await browser.close()
    return version, seen, rows, headers, defaults


def test_the_page_sees_the_personas_chrome_and_screen(app_server: Any, chromium_path: str, tmp_path: Path) -> None:
    specs = _specs(app_server.url("widgets"))
    assert specs[0].base_url.startswith("http://127.0.0.1:")  # loopback: a secure context
    version, seen, rows, headers, defaults = asyncio.run(_probe(chromium_path, specs, tmp_path / "out"))
    major = major_of(version)
    for spec, js, row, sent in zip(specs, seen, rows, headers):
        dev = session_device(spec)
        assert "headless" not in json.dumps([js, row, sent], default=str).lower(), (js, sent)
        # the user agent: the persona's platform, the launched Chromium's major, in the page, headers and row
        assert js["ua"] == row["user_agent"] == sent["user-agent"] == user_agent(dev, version)
        assert f"Chrome/{major}.0.0.0" in js["ua"] and js["appVersion"] == js["ua"][len("Mozilla/"):]
        assert js["platform"] == row["platform"] == dev.platform
        want = brand_list(major, "Google Chrome")
        assert js["brands"] == want and js["high"]["fullVersionList"] == brand_list(major, "Google Chrome", version)
        assert sent["sec-ch-ua"] == ", ".join(f'"{b["brand"]}";v="{b["version"]}"' for b in want)
        ua_platform = {"windows": "Windows", "macos": "macOS", "linux": "Linux"}[dev.os]
        assert js["uaPlatform"] == js["high"]["platform"] == ua_platform
        assert sent["sec-ch-ua-platform"] == f'"{js["uaPlatform"]}"' and sent["sec-ch-ua-mobile"] == "?0"
        assert js["high"]["platformVersion"] == dev.platform_version and js["high"]["uaFullVersion"] == version
        assert js["high"]["architecture"] == dev.architecture and js["high"]["bitness"] == "64"
        # the screen, the maximized window, the viewport and the pixel ratio
        assert (js["screenW"], js["screenH"]) == (row["screen_w"], row["screen_h"]) == (dev.screen_w, dev.screen_h)
        assert (js["innerW"], js["innerH"]) == (row["viewport_w"], row["viewport_h"]) \
            == (dev.viewport_w, dev.viewport_h)
        assert js["dpr"] == pytest.approx(row["dpr"]) and js["dpr"] == pytest.approx(dev.dpr) and js["dppx"]
        assert (js["availW"], js["availH"], js["availTop"]) == (dev.avail_w, dev.avail_h, dev.avail_top)
        assert (js["outerW"], js["outerH"]) == dev.outer and js["screenY"] == dev.avail_top
        assert js["outerH"] > js["innerH"] and js["availH"] <= js["screenH"]
        # declared, not hidden: the browser says it is automated (see synthgen/browser/device.py)
        assert js["webdriver"] is True
    assert {(r["viewport_w"], r["viewport_h"]) for r in rows[:3]} != {(1280, 800)}
    assert (rows[3]["viewport_w"], rows[3]["viewport_h"]) == (1280, 800)
    # the GREASE algorithm reproduces what the launched Chromium builds for itself
    own = defaults[0]["brands"]
    brand = next((b["brand"] for b in own if b["brand"] not in ("Chromium",) and not b["brand"].startswith("Not")),
                 None)
    assert own == brand_list(major, brand), own
    assert f"/{version}" in defaults[0]["ua"]
