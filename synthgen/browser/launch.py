"""Launch Chromium with the flags that make it quiet and fast on a closed network.

>>> "--disable-quic" in CHROMIUM_ARGS
True
"""

from __future__ import annotations

from pathlib import Path

from playwright.async_api import Browser, Playwright

from synthgen.browser.discovery import find_chromium
from synthgen.errors import BrowserNotFoundError

__all__ = ["CHROMIUM_ARGS", "BUNDLED_HOST", "bundled_host_rule", "launch_chromium"]

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
)


async def launch_chromium(pw: Playwright, executable: str | None = None, *, headless: bool = True,
                          extra_args: tuple[str, ...] = ()) -> Browser:
    """Start one Chromium process (a fresh profile: Playwright uses a new temporary user-data-dir).

    >>> # async with async_playwright() as pw: browser = await launch_chromium(pw)
    """
    path: Path = find_chromium(executable)
    try:
        return await pw.chromium.launch(executable_path=str(path), headless=headless, args=[*CHROMIUM_ARGS, *extra_args])
    except Exception as exc:  # Playwright raises its own Error type with a long log
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise BrowserNotFoundError(
            f"could not start Chromium at {path}: {first}; check that it runs "
            f"(`{path} --headless --version`) or pass another with --chromium") from exc
