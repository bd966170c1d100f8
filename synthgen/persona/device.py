"""The persona's computer: desktop OS, screen, pixel ratio and browser window, drawn from a small population.

Pure and seeded (no browser): :func:`draw_device` gives a persona its :class:`Device` from the persona's
seed; :meth:`Device.fit` fits it to a viewport a scenario fixes; :func:`user_agent` and
:func:`ua_metadata` give what Chrome of a given build on that device says about itself. Applying all
of it to a browser context is :mod:`synthgen.browser.device`.

**The population** (the tables below, the one home of these numbers):

* OS: StatCounter Global Stats, *Desktop Operating System Market Share Worldwide*, February 2025:
  Windows 71%, OS X 16%, Unknown 8%, Linux 4%, Chrome OS 2%; renormalised over Windows, macOS and Linux
  (78.0 / 17.6 / 4.4%). Windows 10 vs 11: StatCounter's desktop Windows version share, May 2025 (53.2%
  vs 43.2%, renormalised to 55 / 45%).
* Screens: CSS-px screen sizes (what ``screen.width``/``height`` report, the unit StatCounter's
  *Desktop Screen Resolution Stats Worldwide* counts: 1536x864 is a 1920x1080 panel at 125% scaling)
  with the pixel ratio the size implies, split by OS (Mac laptops give 1440x900, 1470x956, 1512x982,
  1728x1117 at ratio 2). The shares approximate StatCounter's worldwide desktop table of early 2025,
  rounded to whole percent and typed in by hand; they were not fetched and re-checked against the site
  when written (no network here), and StatCounter does not publish the OS x size split, which is ours.
  Update them from the current month when it matters.
* The window is maximized: ``outerWidth/outerHeight`` = the work area (screen minus the taskbar: 40 CSS px
  on Windows 10, 48 on 11; the menu bar on macOS: 25, 38 on notched MacBooks, Dock hidden; GNOME's top bar:
  32), the viewport = the window minus Chrome's tab strip and toolbar (:data:`CHROME_TOP` = 87 CSS px, no
  bookmarks bar). Non-maximized windows are not modelled.
* The user agent is Chrome's reduced UA of the platform with the *Chromium actually launched*: the major
  version comes from ``Browser.version`` at run time, never from this file (the dataset's environment
  fingerprint records the full build). ``navigator.userAgentData`` brands follow Chromium's own GREASE
  algorithm for that major (``components/embedder_support/user_agent_utils.cc``), branded
  ``Google Chrome``; a browser test checks it reproduces the launched shell's own list.

>>> d = draw_device(12345)
>>> d == draw_device(12345), d.viewport_w <= d.avail_w <= d.screen_w
(True, True)
>>> user_agent(Device.model_validate(dict(d.model_dump(), os="windows")), "156.0.8078.129")
'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36'
>>> [b["brand"] for b in brand_list(156, "Google Chrome")]
['Not:A-Brand', 'Chromium', 'Google Chrome']
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict

__all__ = ["Device", "OS_SHARES", "OS_VERSIONS", "SCREENS", "CHROME_TOP", "UA_TEMPLATES", "NAVIGATOR_PLATFORM",
           "draw_device", "user_agent", "ua_metadata", "brand_list", "major_of", "session_device_columns"]

OsName = Literal["windows", "macos", "linux"]

#: StatCounter desktop OS share worldwide, Feb 2025, renormalised over the three (see the module docstring).
OS_SHARES: dict[str, float] = {"windows": 0.780, "macos": 0.176, "linux": 0.044}

#: Per OS: (version label, share, ``userAgentData`` platformVersion, work-area inset at the top, at the
#: bottom, CSS px). Windows: 10 vs 11 from StatCounter May 2025; platformVersion as Chrome reports it
#: (Windows 10 "10.0.0", Windows 11 24H2 "19.0.0"). macOS: current releases, an even split (no source).
OS_VERSIONS: dict[str, tuple[tuple[str, float, str, int, int], ...]] = {
    "windows": (("10", 0.55, "10.0.0", 0, 40), ("11", 0.45, "19.0.0", 0, 48)),
    "macos": (("15", 0.5, "15.7.0", 25, 0), ("26", 0.5, "26.1.0", 25, 0)),
    "linux": (("", 1.0, "", 32, 0),),
}

#: Per OS: (screen width, height in CSS px, devicePixelRatio, share within the OS). Shares are relative
#: (normalised when drawn). See the module docstring for where they come from.
SCREENS: dict[str, tuple[tuple[int, int, float, float], ...]] = {
    "windows": (
        (1920, 1080, 1.0, 30.0), (1536, 864, 1.25, 14.0), (1366, 768, 1.0, 14.0), (1280, 720, 1.5, 8.0),
        (2560, 1440, 1.0, 6.0), (1600, 900, 1.0, 4.0), (1440, 900, 1.0, 3.0), (1920, 1200, 1.0, 2.5),
        (1280, 1024, 1.0, 2.5), (1680, 1050, 1.0, 2.0), (1280, 800, 1.5, 2.0),
    ),
    "macos": (
        (1440, 900, 2.0, 30.0), (1470, 956, 2.0, 15.0), (1512, 982, 2.0, 15.0), (1920, 1080, 1.0, 10.0),
        (1728, 1117, 2.0, 8.0), (2560, 1440, 1.0, 8.0), (1680, 1050, 2.0, 7.0), (1280, 800, 2.0, 7.0),
    ),
    "linux": (
        (1920, 1080, 1.0, 45.0), (1366, 768, 1.0, 15.0), (2560, 1440, 1.0, 12.0), (1920, 1200, 1.0, 8.0),
        (1600, 900, 1.0, 6.0), (1440, 900, 1.0, 5.0), (1280, 800, 1.0, 5.0), (1280, 1024, 1.0, 4.0),
    ),
}

#: MacBooks with a notch (their menu bar is 38 CSS px tall, not 25).
_NOTCHED = {(1470, 956), (1512, 982), (1728, 1117)}

#: Chrome's tab strip and toolbar: outerHeight - innerHeight of a maximized window without a bookmarks bar.
CHROME_TOP = 87

#: Chrome's reduced user agent per platform (``{major}``: the launched Chromium's major version).
UA_TEMPLATES: dict[str, str] = {
    "windows": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
               "Chrome/{major}.0.0.0 Safari/537.36",
    "macos": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
             "Chrome/{major}.0.0.0 Safari/537.36",
    "linux": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
             "Chrome/{major}.0.0.0 Safari/537.36",
}
#: ``navigator.platform`` (Chrome on Apple silicon still says MacIntel).
NAVIGATOR_PLATFORM: dict[str, str] = {"windows": "Win32", "macos": "MacIntel", "linux": "Linux x86_64"}
#: ``navigator.userAgentData.platform``.
_UA_PLATFORM: dict[str, str] = {"windows": "Windows", "macos": "macOS", "linux": "Linux"}
#: Share of Macs with Apple silicon (``architecture: arm``); an assumption, no source.
_MAC_ARM_SHARE = 0.8


class Device(BaseModel):
    """A persona's computer as a page sees it (CSS px). Stored with the persona (``personas.device_json``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    os: OsName
    os_version: str
    platform: str  # navigator.platform
    platform_version: str  # navigator.userAgentData high-entropy platformVersion
    architecture: Literal["x86", "arm"]
    screen_w: int
    screen_h: int
    avail_top: int  # work area inside the screen (maximized window = work area)
    avail_w: int
    avail_h: int
    dpr: float
    viewport_w: int
    viewport_h: int

    @property
    def outer(self) -> tuple[int, int]:
        """``window.outerWidth, outerHeight``: the viewport plus Chrome's tab strip and toolbar."""
        return self.viewport_w, self.viewport_h + CHROME_TOP

    def fit(self, width: int, height: int) -> "Device":
        """This device with the viewport a scenario fixes; the screen grows only if the window cannot fit.

        The screen becomes the smallest one of this OS's table (then of any OS) whose work area holds
        the viewport plus Chrome's toolbar, or exactly that size when none does.

        >>> d = draw_device(1)
        >>> (d.fit(d.viewport_w, d.viewport_h) == d, d.fit(3000, 1800).screen_w >= 3000)
        (True, True)
        """
        if (width, height) == (self.viewport_w, self.viewport_h):
            return self
        top, bottom = self.avail_top, self.screen_h - self.avail_top - self.avail_h
        need_w, need_h = width, height + CHROME_TOP + top + bottom
        sw, sh, dpr = self.screen_w, self.screen_h, self.dpr
        if sw < need_w or sh < need_h:
            fits = [s for s in sorted(SCREENS[self.os], key=lambda s: s[0] * s[1]) if s[0] >= need_w and s[1] >= need_h]
            fits = fits or [s for o in SCREENS for s in sorted(SCREENS[o], key=lambda s: s[0] * s[1])
                            if s[0] >= need_w and s[1] >= need_h]
            sw, sh, dpr = (fits[0][0], fits[0][1], fits[0][2]) if fits else (need_w, need_h, 1.0)
        if self.os == "macos":
            top = 38 if (sw, sh) in _NOTCHED else 25
        return self.model_copy(update={"screen_w": sw, "screen_h": sh, "dpr": dpr, "avail_top": top,
                                       "avail_w": sw, "avail_h": sh - top - bottom,
                                       "viewport_w": width, "viewport_h": height})

    def columns(self) -> dict[str, Any]:
        """The device's columns of a ``sessions`` row (``user_agent`` and the viewport are recorded apart)."""
        return session_device_columns(self)


def _pick(rng: np.random.Generator, weights: list[float]) -> int:
    p = np.asarray(weights, dtype=float)
    return int(rng.choice(len(p), p=p / p.sum()))


def draw_device(seed: int) -> Device:
    """The device of the persona with this seed: OS, version, screen and pixel ratio from the tables,
    a maximized Chrome window (viewport = work area minus :data:`CHROME_TOP`).

    Its own random stream (``[seed, 0xDE71CE]``), so drawing it changes no other draw of the persona.
    """
    rng = np.random.default_rng([seed, 0xDE71CE])
    oses = list(OS_SHARES)
    os_ = oses[_pick(rng, [OS_SHARES[o] for o in oses])]
    versions = OS_VERSIONS[os_]
    label, _, pver, top, bottom = versions[_pick(rng, [v[1] for v in versions])]
    screens = SCREENS[os_]
    sw, sh, dpr, _ = screens[_pick(rng, [s[3] for s in screens])]
    arch: Literal["x86", "arm"] = "arm" if os_ == "macos" and float(rng.random()) < _MAC_ARM_SHARE else "x86"
    if os_ == "macos" and (sw, sh) in _NOTCHED:
        top = 38
    avail_h = sh - top - bottom
    return Device(os=os_, os_version=label, platform=NAVIGATOR_PLATFORM[os_], platform_version=pver,
                  architecture=arch, screen_w=sw, screen_h=sh, avail_top=top, avail_w=sw, avail_h=avail_h,
                  dpr=dpr, viewport_w=sw, viewport_h=avail_h - CHROME_TOP)


def major_of(browser_version: str) -> int:
    """The major version of a browser build string (``Browser.version``).

    >>> major_of("156.0.8078.129")
    156
    """
    head = browser_version.strip().split(".", 1)[0]
    if not head.isdigit():
        raise ValueError(f"browser version {browser_version!r} does not start with a major version number")
    return int(head)


def user_agent(device: Device, browser_version: str) -> str:
    """Chrome's reduced user agent on this device, for the launched Chromium's version."""
    return UA_TEMPLATES[device.os].format(major=major_of(browser_version))


# Chromium's GREASE brand (components/embedder_support/user_agent_utils.cc, GetGreasedUserAgentBrandVersion
# and GenerateBrandVersionList): seeded by the major version, so every Chrome of a major says the same.
_GREASE_CHARS = (" ", "(", ":", "-", ".", "/", ")", ";", "=", "?", "_")
_GREASE_VERSIONS = ("8", "99", "24")
_ORDERS = ((0, 1, 2), (0, 2, 1), (1, 0, 2), (1, 2, 0), (2, 0, 1), (2, 1, 0))


def brand_list(major: int, brand: str | None, full_version: str | None = None) -> list[dict[str, str]]:
    """``navigator.userAgentData.brands`` of a Chromium ``major`` (``fullVersionList`` with ``full_version``).

    ``brand`` None is an unbranded Chromium build (two entries).

    >>> brand_list(84, None)
    [{'brand': 'Not;A=Brand', 'version': '8'}, {'brand': 'Chromium', 'version': '84'}]
    >>> [b["brand"] + " " + b["version"] for b in brand_list(86, "Google Chrome", "86.0.4240.75")]
    ['Chromium 86.0.4240.75', 'Not?A_Brand 24.0.0.0', 'Google Chrome 86.0.4240.75']
    """
    n = len(_GREASE_CHARS)
    grease_v = _GREASE_VERSIONS[major % 3]
    grease = {"brand": f"Not{_GREASE_CHARS[major % n]}A{_GREASE_CHARS[(major + 1) % n]}Brand",
              "version": f"{grease_v}.0.0.0" if full_version else grease_v}
    version = full_version or str(major)
    chromium = {"brand": "Chromium", "version": version}
    if brand is None:
        out: list[dict[str, str]] = [{}, {}]
        out[major % 2], out[(major + 1) % 2] = grease, chromium
        return out
    order = _ORDERS[major % 6]
    out = [{}, {}, {}]
    out[order[0]], out[order[1]], out[order[2]] = grease, chromium, {"brand": brand, "version": version}
    return out


def ua_metadata(device: Device, browser_version: str) -> dict[str, Any]:
    """CDP ``Emulation.UserAgentMetadata`` of Google Chrome ``browser_version`` on this device."""
    major = major_of(browser_version)
    return {
        "brands": brand_list(major, "Google Chrome"),
        "fullVersionList": brand_list(major, "Google Chrome", browser_version),
        "fullVersion": browser_version,
        "platform": _UA_PLATFORM[device.os],
        "platformVersion": device.platform_version,
        "architecture": device.architecture,
        "model": "",
        "mobile": False,
        "bitness": "64",
        "wow64": False,
        "formFactors": ["Desktop"],
    }


def session_device_columns(device: Device) -> dict[str, Any]:
    """The ``sessions`` columns a device fills (see :data:`synthgen.schema.SESSIONS_COLUMNS`).

    >>> sorted(session_device_columns(draw_device(3)))
    ['dpr', 'platform', 'screen_h', 'screen_w']
    """
    return {"platform": device.platform, "screen_w": device.screen_w,
            "screen_h": device.screen_h, "dpr": float(device.dpr)}
