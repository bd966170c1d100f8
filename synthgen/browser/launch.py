"""Launch Chromium with the flags that make it quiet and fast on a closed network.

>>> "--disable-quic" in CHROMIUM_ARGS
True
"""

from __future__ import annotations

import os
import shlex
from pathlib import Path

from playwright.async_api import Browser, Playwright

from synthgen.browser.discovery import find_chromium, is_headless_shell
from synthgen.errors import BrowserNotFoundError

__all__ = ["ARGS_ENV_VAR", "CHROMIUM_ARGS", "FULL_BROWSER_DISABLED_FEATURES", "BUNDLED_HOST", "bundled_host_rule", "chromium_args",
           "launch_chromium"]

#: The bundled apps appear at this origin in the page (and in the events' ``url`` column), whatever free
#: loopback port the app server got: Chromium's host resolver maps it there. Stable URLs keep the output
#: byte-identical across runs.
BUNDLED_HOST = "apps.synthgen.test"


def bundled_host_rule(port: int) -> str:
    """The Chromium flag that sends ``BUNDLED_HOST`` to the local app server.

    >>> bundled_host_rule(8765)
    '--host-resolver-rules=MAP apps.synthgen.test 127.0.0.1:8765'
    """
    return f"--host-resolver-rules=MAP {BUNDLED_HOST} 127.0.0.1:{port}"

# Without the background-networking flags Chromium keeps dialling Google hosts that this network refuses.
CHROMIUM_ARGS: tuple[str, ...] = (
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
    # Wheel scrolls land at once, so the box measured after a scroll is where the page settled.
    "--disable-smooth-scrolling",
    # Several pages run at once; a backgrounded page must not be throttled.
    "--disable-renderer-backgrounding", "--disable-background-timer-throttling",
    "--disable-backgrounding-occluded-windows",
    # Raster only whole tiles: partial raster re-draws only what changed, so a pixel's anti-aliasing depended
    # on the paint history and the same screen gave different images run to run (up to 8 levels at rounded
    # corners and gradients, in 20 of 24 PNG frames of one session); with whole tiles, 0 of 24.
    "--disable-partial-raster",
)

# The full browser in headless mode loads the omnibox popup's WebUI app (a renderer running ~430 module
# and style requests) for every page it opens: 40% of the renderers' CPU in a throughput run. A headless
# shell has no such UI (see synthgen.browser.discovery), so this is only for the full browser.
# Chromium keeps the last --disable-features it is given, so Playwright's own list (playwright-core
# chromiumSwitches.ts, 1.5x) is repeated here: HttpsUpgrades, for one, would send http:// app URLs to https.
_PLAYWRIGHT_DISABLED_FEATURES = (
    "AvoidUnnecessaryBeforeUnloadCheckSync", "DestroyProfileOnBrowserClose", "HttpsUpgrades",
    "HttpsFirstBalancedModeAutoEnable", "LensOverlay", "MediaRouter", "PaintHolding",
    "ThirdPartyStoragePartitioning", "AvoidCorsURLLoaderRestartOnRedirect", "OptimizationHints",
    "NetworkTimeServiceQuerying", "AimEnabled", "PreconnectToSearch",
)
FULL_BROWSER_DISABLED_FEATURES: tuple[str, ...] = _PLAYWRIGHT_DISABLED_FEATURES + (
    "WebUIOmniboxPopup", "WebUIOmniboxFullPopup", "WebUIOmniboxAimPopup", "PreloadTopChromeWebUI",
)


#: Extra Chromium flags for every launch (shell syntax), after synthgen's own: for experiments and for
#: machines that need a flag synthgen does not know about. Not part of a run's identity: flags that change
#: layout (fonts, scale) change the events.
ARGS_ENV_VAR = "SYNTHGEN_CHROMIUM_ARGS"


def chromium_args(path: Path, extra_args: tuple[str, ...] = ()) -> list[str]:
    """The command-line flags for the Chromium at ``path``: :data:`CHROMIUM_ARGS`, the full browser's
    feature switches unless it is a headless shell, ``extra_args``, then ``$SYNTHGEN_CHROMIUM_ARGS``.

    >>> "--disable-features" in " ".join(chromium_args(Path("/usr/bin/chromium")))
    True
    >>> "--disable-features" in " ".join(chromium_args(Path("/usr/bin/chromium-headless-shell")))
    False
    """
    args = list(CHROMIUM_ARGS)
    if not is_headless_shell(path):
        args.append("--disable-features=" + ",".join(FULL_BROWSER_DISABLED_FEATURES))
    return [*args, *extra_args, *shlex.split(os.environ.get(ARGS_ENV_VAR, ""))]


async def launch_chromium(pw: Playwright, executable: str | None = None, *, headless: bool = True,
                          extra_args: tuple[str, ...] = ()) -> Browser:
    """Start one Chromium process (a fresh profile: Playwright uses a new temporary user-data-dir).

    >>> # async with async_playwright() as pw: browser = await launch_chromium(pw)
    """
    path: Path = find_chromium(executable, headless=headless)
    if not headless and is_headless_shell(path):
        raise BrowserNotFoundError(f"{path} is a headless shell and cannot show a window; pass --chromium with "
                                   "a full Chromium or Chrome, or run headless")
    try:
        return await pw.chromium.launch(executable_path=str(path), headless=headless,
                                        args=chromium_args(path, extra_args))
    except Exception as exc:  # Playwright raises its own Error type with a long log
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise BrowserNotFoundError(
            f"could not start Chromium at {path}: {first}; check that it runs "
            f"(`{path} --headless --version`) or pass another with --chromium") from exc
