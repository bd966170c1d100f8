"""Find a Chromium to drive: an explicit path, ``$SYNTHGEN_CHROMIUM``, Playwright's own build, the system's.

For headless runs a *headless shell* (Chromium's old headless mode as its own small binary, which
Playwright also uses by default) is preferred over the full browser (``SYNTHGEN_HEADLESS_SHELL=0`` turns
that off). The full browser in headless mode still builds its window UI, and Chromium 156 loads the
omnibox popup's WebUI app (~430 requests and a renderer) for every page. Measured here on the 6-scenario
throughput mix: the shell needs about 25% less CPU per session than the full browser with that WebUI
turned off (synthgen.browser.launch does so), 40% less than with it.

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

__all__ = ["find_chromium", "is_headless_shell", "ENV_VAR", "SHELL_ENV_VAR", "SYSTEM_NAMES", "SHELL_NAMES"]

ENV_VAR = "SYNTHGEN_CHROMIUM"
#: A headless run prefers a headless shell (about 25% less CPU per session than the full browser, same
#: events); ``=0`` turns that off and launches the full browser.
SHELL_ENV_VAR = "SYNTHGEN_HEADLESS_SHELL"
SYSTEM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
#: Headless shells: Debian's ``chromium-headless-shell`` package, Chrome for Testing's, Playwright's.
SHELL_NAMES = ("chromium-headless-shell", "chrome-headless-shell", "headless_shell")


def _executable(path: str | os.PathLike[str]) -> bool:
    p = Path(path)
    return p.is_file() and os.access(p, os.X_OK)


def is_headless_shell(path: str | os.PathLike[str]) -> bool:
    """Whether an executable is a headless shell (it cannot open a window).

    >>> is_headless_shell("/usr/bin/chromium-headless-shell"), is_headless_shell("/usr/bin/chromium")
    (True, False)
    """
    return Path(path).stem in SHELL_NAMES


def _unwrap_shell(path: Path) -> Path:
    """The binary behind a distribution's launcher script for a headless shell, else ``path``.

    Debian's ``/usr/bin/chromium-headless-shell`` runs ``/usr/lib/chromium/chromium-headless-shell`` as a
    child of ``sh`` (no ``exec``). Launched through it, Playwright watches the ``sh`` process, not the
    browser: a browser that dies is then not noticed, and killing the launcher orphans the browser.
    """
    try:
        with path.open("rb") as fh:
            head = fh.read(4096)
    except OSError:
        return path
    if not head.startswith(b"#!"):
        return path
    for token in head.decode("utf-8", "replace").replace('"', " ").replace("'", " ").split():
        cand = Path(token)
        if cand.is_absolute() and cand.stem in SHELL_NAMES and cand != path and _executable(cand):
            return cand
    return path


def _playwright_builds(shell: bool = False) -> list[Path]:
    """Chromium builds that ``playwright install chromium`` left on disk, newest first; with ``shell``,
    its headless shells instead of full browsers."""
    roots = []
    if os.environ.get("PLAYWRIGHT_BROWSERS_PATH") not in (None, "", "0"):
        roots.append(Path(os.environ["PLAYWRIGHT_BROWSERS_PATH"]))
    home = Path.home()
    roots += [home / ".cache" / "ms-playwright", home / "Library" / "Caches" / "ms-playwright",
              home / "AppData" / "Local" / "ms-playwright"]
    if shell:
        pats = [f"chromium_headless_shell-*/*/{name}{ext}" for name in ("chrome-headless-shell", "headless_shell")
                for ext in ("", ".exe")]
    else:
        pats = ["chromium-*/chrome-linux*/chrome", "chromium-*/chrome-mac*/Chromium.app/Contents/MacOS/Chromium",
                "chromium-*/chrome-mac*/Google Chrome for Testing.app/Contents/MacOS/Google Chrome for Testing",
                "chromium-*/chrome-win*/chrome.exe"]
    found: list[Path] = []
    for root in roots:
        for pat in pats:
            found += [Path(p) for p in glob.glob(str(root / pat))]
    # Highest build number first: "chromium-1255" sorts by its number.
    def build(p: Path) -> int:
        part = next((s for s in p.parts if s.startswith(("chromium-", "chromium_headless_shell-"))), "x-0")
        digits = part.rsplit("-", 1)[1]
        return int(digits) if digits.isdigit() else 0

    return sorted((p for p in found if _executable(p)), key=build, reverse=True)


def find_chromium(explicit: str | None = None, *, headless: bool = True) -> Path:
    """The Chromium executable to launch.

    Order: ``explicit`` (the ``--chromium`` option), then ``$SYNTHGEN_CHROMIUM``; then, for a headless
    run (unless ``$SYNTHGEN_HEADLESS_SHELL=0``), a headless shell (Playwright's, then one on ``PATH``:
    :data:`SHELL_NAMES`); then a Playwright-managed browser build, then a system
    ``chromium``/``chromium-browser``/``google-chrome`` on ``PATH``. A headed run never picks a shell.
    """
    if explicit:
        if _executable(explicit):
            return _unwrap_shell(Path(explicit))
        resolved = shutil.which(explicit)
        if resolved:
            return _unwrap_shell(Path(resolved))
        raise BrowserNotFoundError(
            f"--chromium {explicit}: no such executable; give the path of a Chromium or Chrome binary")
    env = os.environ.get(ENV_VAR)
    if env:
        if _executable(env) or shutil.which(env):
            return _unwrap_shell(Path(shutil.which(env) or env))
        raise BrowserNotFoundError(f"${ENV_VAR}={env}: no such executable; fix or unset the variable")
    if headless and os.environ.get(SHELL_ENV_VAR, "1").strip() != "0":
        shells = _playwright_builds(shell=True)
        if shells:
            return shells[0]
        for name in SHELL_NAMES:
            hit = shutil.which(name)
            if hit:
                return _unwrap_shell(Path(hit))
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
