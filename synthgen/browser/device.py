"""Make a browser context look like the persona's computer (:mod:`synthgen.persona.device`) to every page.

What a page can read, and how each is set:

* viewport, ``screen.width/height``, ``devicePixelRatio``: the context's options (:func:`context_options`);
* ``navigator.userAgent``/``appVersion``, ``navigator.platform``, ``navigator.userAgentData`` (brands,
  platform, the high-entropy values) and the ``User-Agent``/``Sec-CH-UA*`` request headers: CDP
  ``Emulation.setUserAgentOverride`` with ``userAgentMetadata``, sent on each page's own session before its
  first navigation (:func:`apply_to_page`). Playwright's ``user_agent`` option is not used: it sends no
  brands, so Chromium fills in its own (``HeadlessChrome``), and its override would compete with this one;
* ``screen.availWidth/availHeight/availLeft/availTop``, ``window.outerWidth/outerHeight`` and
  ``screenX/screenY`` (the maximized window): an init script (:func:`init_script`), since CDP's device
  emulation makes the work area the whole screen and the window the viewport.

Nothing a page reads says ``Headless``: the browser test ``tests/browser/test_device.py`` reads all of it
from JavaScript over loopback and checks it against the session row. Left as the browser says:
``navigator.webdriver`` stays ``true``. It is the W3C WebDriver flag by which an automated browser declares
itself, and synthgen does not hide that it is automation; an app owner who wants the sessions in a
product-analytics tool turns its bot filter off for them (posthog-js: ``opt_out_useragent_filter``).
Known gaps: a pop-up's first document and its first request carry the browser's own identity until the
override reaches the new page (a page cannot be configured before Playwright hands it over); dedicated
workers report the host's ``navigator.platform``; ``hardwareConcurrency`` and ``deviceMemory`` are the host's.

>>> from synthgen.persona.device import draw_device
>>> sorted(context_options(draw_device(1)))
['device_scale_factor', 'screen', 'viewport']
"""

from __future__ import annotations

import json
from typing import Any

from synthgen.persona.device import Device, ua_metadata, user_agent

__all__ = ["context_options", "init_script", "user_agent_override", "apply_to_page", "apply_device"]

#: the context's Accept-Language (the worker's contexts run in en-US)
ACCEPT_LANGUAGE = "en-US"


def context_options(device: Device) -> dict[str, Any]:
    """``Browser.new_context`` options for the device's viewport, screen and pixel ratio."""
    return {"viewport": {"width": device.viewport_w, "height": device.viewport_h},
            "screen": {"width": device.screen_w, "height": device.screen_h},
            "device_scale_factor": device.dpr}


def user_agent_override(device: Device, browser_version: str) -> dict[str, Any]:
    """The ``Emulation.setUserAgentOverride`` parameters: Google Chrome ``browser_version`` on the device.

    >>> from synthgen.persona.device import draw_device
    >>> o = user_agent_override(draw_device(1), "156.0.8078.129")
    >>> "Headless" in json.dumps(o), o["userAgentMetadata"]["brands"][2]["brand"]
    (False, 'Google Chrome')
    """
    return {"userAgent": user_agent(device, browser_version), "acceptLanguage": ACCEPT_LANGUAGE,
            "platform": device.platform, "userAgentMetadata": ua_metadata(device, browser_version)}


def init_script(device: Device) -> str:
    """JavaScript run before any page script in every frame: the maximized window and the work area."""
    outer_w, outer_h = device.outer
    values = {"availWidth": device.avail_w, "availHeight": device.avail_h, "availLeft": 0,
              "availTop": device.avail_top, "outerWidth": outer_w, "outerHeight": outer_h,
              "screenX": 0, "screenY": device.avail_top}
    return ("(() => { const v = " + json.dumps(values, sort_keys=True) + ";\n"
            "  const get = (o, k, x) => { const d = Object.getOwnPropertyDescriptor(o, k);\n"
            "    if (d && d.configurable) Object.defineProperty(o, k, {get: () => x, set: d.set, "
            "configurable: true, enumerable: d.enumerable}); };\n"
            "  for (const k of ['availWidth', 'availHeight', 'availLeft', 'availTop'])\n"
            "    get(Screen.prototype, k, v[k]);\n"
            "  for (const k of ['outerWidth', 'outerHeight']) get(window, k, v[k]);\n"
            "  for (const [k, x] of [['screenX', 'screenX'], ['screenLeft', 'screenX'], ['screenY', 'screenY'], "
            "['screenTop', 'screenY']]) get(window, k, v[x]);\n"
            "})();")


async def apply_to_page(page: Any, device: Device, browser_version: str) -> None:
    """Send the user-agent override on the page's own CDP session (before its first navigation)."""
    cdp = await page.context.new_cdp_session(page)
    await cdp.send("Emulation.setUserAgentOverride", user_agent_override(device, browser_version))


async def apply_device(ctx: Any, page: Any, device: Device, browser_version: str) -> None:
    """Dress a fresh context and its first page (before it navigates) as the device; pages the context opens
    later (pop-ups) get the same override as soon as they appear.

    The init script is the context's, so it also runs in the page already open and in later ones.
    """
    import asyncio

    await ctx.add_init_script(init_script(device))
    await apply_to_page(page, device, browser_version)

    def later(new: Any) -> None:
        if new is page:
            return

        async def go() -> None:
            try:
                await apply_to_page(new, device, browser_version)
            except Exception:  # the pop-up closed already (the watch closes unexpected ones at once)
                pass

        asyncio.ensure_future(go())

    ctx.on("page", later)
