"""Find a Chromium to drive: an explicit path, ``$SYNTHGEN_CHROMIUM``, Playwright's own build, the system's.

>>> find_chromium("/nonexistent/chrome")
Traceback (most recent call last):
...
synthgen.errors.BrowserNotFoundError: --chromium /nonexistent/chrome: no such executable; give the path of a Chromium or Chrome binary
"""

from __future__ import annotations

import glob
import os
import shutil
import sys
from pathlib import Path

from synthgen.errors import BrowserNotFoundError

__all__ = ["find_chromium", "ENV_VAR", "SYSTEM_NAMES"]

ENV_VAR = "SYNTHGEN_CHROMIUM"
SYSTEM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")


def _executable(path: str | os.PathLike[str]) -> bool:
    p = Path(path)
    return p.is_file() and os.access(p, os.X_OK)


def _playwright_builds() -> list[Path]:
    """Chromium builds that ``playwright install chromium`` left on disk, newest first."""
    roots = []
    if os.environ.get("PLAYWRIGHT_BROWSERS_PATH") not in (None, "", "0"):
        roots.append(Path(os.environ["PLAYWRIGHT_BROWSERS_PATH"]))
    home = Path.home()
    roots += [home / ".cache" / "ms-playwright", home / "Library" / "Caches" / "ms-playwright",
              home / "AppData" / "Local" / "ms-playwright"]
    pats = ["chromium-*/chrome-linux*/chrome", "chromium-*/chrome-mac*/Chromium.app/Contents/MacOS/Chromium",
            "chromium-*/chrome-mac*/Google Chrome for Testing.app/Contents/MacOS/Google Chrome for Testing",
            "chromium-*/chrome-win*/chrome.exe"]
    found: list[Path] = []
    for root in roots:
        for pat in pats:
            found += [Path(p) for p in glob.glob(str(root / pat))]
    # Highest build number first: "chromium-1255" sorts by its number.
    def build(p: Path) -> int:
        part = next((s for s in p.parts if s.startswith("chromium-")), "chromium-0")
        digits = part.split("-", 1)[1]
        return int(digits) if digits.isdigit() else 0

    return sorted((p for p in found if _executable(p)), key=build, reverse=True)


def find_chromium(explicit: str | None = None) -> Path:
    """The Chromium executable to launch.

    Order: ``explicit`` (the ``--chromium`` option), then ``$SYNTHGEN_CHROMIUM``, then a Playwright-managed
    build, then a system ``chromium``/``chromium-browser``/``google-chrome`` on ``PATH``.
    """
    if explicit:
        if _executable(explicit):
            return Path(explicit)
        resolved = shutil.which(explicit)
        if resolved:
            return Path(resolved)
        raise BrowserNotFoundError(
            f"--chromium {explicit}: no such executable; give the path of a Chromium or Chrome binary")
    env = os.environ.get(ENV_VAR)
    if env:
        if _executable(env) or shutil.which(env):
            return Path(shutil.which(env) or env)
        raise BrowserNotFoundError(f"${ENV_VAR}={env}: no such executable; fix or unset the variable")
    builds = _playwright_builds()
    if builds:
        return builds[0]
    for name in SYSTEM_NAMES:
        hit = shutil.which(name)
        if hit:
            return Path(hit)
    hint = ("apt-get install -y chromium" if sys.platform.startswith("linux")
            else "install Google Chrome")
    raise BrowserNotFoundError(
        "no Chromium found (looked at --chromium, $SYNTHGEN_CHROMIUM, Playwright's browsers, and "
        f"{', '.join(SYSTEM_NAMES)} on PATH); run `python -m playwright install chromium`, or "
        f"`{hint}`, or pass --chromium /path/to/chrome")
