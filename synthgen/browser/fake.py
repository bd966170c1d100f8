"""An in-memory driver for fast tests of the session logic: targets are boxes on a fixed page.

>>> import asyncio
>>> d = FakeDriver({"text=OK": Box(100, 100, 80, 30)})
>>> asyncio.run(d.locate(Target(text="OK"), 1000)).box.width
80
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from playwright.async_api import TimeoutError as PlaywrightTimeout

from synthgen.browser.driver import Located
from synthgen.motor.types import Box
from synthgen.scenario.steps import Target

__all__ = ["FakeDriver", "Box", "Target"]


@dataclass
class FakeDriver:
    """Records every call; ``boxes`` maps ``Target.describe()`` to a box; ``texts`` are visible texts."""

    boxes: dict[str, Box]
    texts: set[str] = field(default_factory=set)
    viewport: tuple[int, int] = (1280, 800)
    url: str = "about:blank"
    calls: list[tuple] = field(default_factory=list)
    checked: dict[str, bool] = field(default_factory=dict)
    scroll_y: float = 0.0
    covered: dict[str, int] = field(default_factory=dict)  # target -> hit tests it fails (something on top)
    values: dict[str, str] = field(default_factory=dict)  # target -> what the field holds (assert value)
    focus: str | None = None  # the focused element (type focused)
    popup_url: str | None = None  # the page a popup click opens
    words: int = 0  # words readable in the viewport (reading)
    text_blocks: tuple = ()  # boxes of the text blocks holding them
    slips: dict[tuple[str, str], Box] = field(default_factory=dict)  # (target, slip kind) -> where it lands
    open_layers: int = 0

    async def goto(self, url: str, timeout_ms: float) -> None:
        self.calls.append(("goto", url))
        self.url = url

    async def current_url(self) -> str:
        return self.url

    async def settle(self) -> None:
        pass

    async def start_clock(self, epoch_ms: float) -> None:
        pass  # a fake page has no clock of its own

    async def sync(self, t_ms: float) -> None:
        pass

    async def locate(self, target: Target, timeout_ms: float) -> Located:
        key = target.describe()
        if key not in self.boxes:
            raise PlaywrightTimeout(f"no element for {key}")
        b = self.boxes[key]
        return Located(Box(b.x, b.y - self.scroll_y, b.width, b.height), key,
                       str(list(self.boxes).index(key) + 1))

    async def cover(self, target: Target, x: float, y: float, timeout_ms: float) -> Box | None:
        key = target.describe()
        b = (await self.locate(target, timeout_ms)).box
        inside = b.x <= x <= b.x + b.width and b.y <= y <= b.y + b.height
        if self.covered.get(key, 0) > 0:
            self.covered[key] -= 1
            inside = False
        self.calls.append(("hit", key, inside))
        # What covers it: a layer a little larger than the target (as a menu panel over a button).
        return None if inside else Box(b.x - 40.0, b.y - 40.0, b.width + 80.0, b.height + 80.0)

    async def move(self, xs: list[float], ys: list[float]) -> None:
        self.calls.append(("move", len(xs), xs[-1] if xs else None, ys[-1] if ys else None))

    async def mouse_down(self, x: float, y: float, button: int, click_count: int) -> None:
        self.calls.append(("down", button, click_count))

    async def mouse_up(self, x: float, y: float, button: int, click_count: int) -> None:
        self.calls.append(("up", button, click_count))

    async def wheel(self, x: float, y: float, dxs: list[float], dys: list[float]) -> bool | None:
        before = self.scroll_y
        self.scroll_y = max(0.0, self.scroll_y + sum(dys))
        self.calls.append(("wheel", sum(dys)))
        return self.scroll_y != before

    async def key_down(self, key: str, code: str) -> None:
        self.calls.append(("keydown", key))

    async def key_up(self, key: str, code: str) -> None:
        self.calls.append(("keyup", key))

    async def select_option(self, target: Target, option: str, timeout_ms: float) -> None:
        self.calls.append(("select", target.describe(), option))

    async def set_files(self, target: Target, name: str, mime: str, data: bytes, timeout_ms: float) -> None:
        self.calls.append(("files", name, len(data)))

    async def is_checked(self, target: Target, timeout_ms: float) -> bool:
        return self.checked.get(target.describe(), False)

    async def read(self, target: Target, attribute: str | None, timeout_ms: float) -> str:
        return f"read:{target.describe()}"

    async def wait_text(self, text: str, timeout_ms: float) -> None:
        if text not in self.texts:
            raise PlaywrightTimeout(f"text {text!r} not visible")

    async def wait_target(self, target: Target, timeout_ms: float) -> None:
        await self.locate(target, timeout_ms)

    async def wait_url(self, pattern: str, timeout_ms: float) -> None:
        if not re.search(pattern, self.url):
            raise PlaywrightTimeout(f"url {self.url} does not match {pattern}")

    async def screenshot(self, fmt: str, quality: int | None, scale: float) -> bytes:
        return b"\xff\xd8fake\xff\xd9"

    async def user_agent(self) -> str:
        return "FakeDriver/1.0"

    async def move_timed(self, ts: list[float], xs: list[float], ys: list[float]) -> None:
        self.calls.append(("move_timed", len(xs), xs[-1] if xs else None, ys[-1] if ys else None))

    async def move_awaited(self, xs: list[float], ys: list[float]) -> None:
        self.calls.append(("move_awaited", len(xs), xs[-1] if xs else None, ys[-1] if ys else None))

    async def focused(self) -> str | None:
        return self.focus

    async def wait_state(self, target: Target, state: str, timeout_ms: float) -> None:
        present = target.describe() in self.boxes
        if present != (state in ("visible", "attached")):
            raise PlaywrightTimeout(f"{target.describe()} is not {state}")

    async def wait_idle(self, quiet_ms: float, timeout_ms: float) -> None:
        self.calls.append(("idle", quiet_ms))

    async def wait_value(self, target: Target, value: str, timeout_ms: float) -> str:
        held = self.values.get(target.describe(), "")
        if held != value:
            raise PlaywrightTimeout(f"holds {held!r}")
        return held

    def arm_popup(self) -> None:
        self.calls.append(("arm_popup",))

    async def follow_popup(self, timeout_ms: float) -> str:
        if self.popup_url is None:
            raise PlaywrightTimeout(f"no pop-up or new tab opened within {timeout_ms:.0f} ms")
        self.calls.append(("popup", self.popup_url))
        self.url = self.popup_url
        return self.url

    async def popup_gone(self) -> bool:
        return False

    async def storage_state(self) -> dict:
        return {"cookies": [{"name": "sid", "value": self.url}], "origins": []}

    async def restore_state(self, state: dict) -> None:
        self.calls.append(("restore", len(state.get("cookies", []))))

    async def reading(self):  # type: ignore[no-untyped-def]
        from synthgen.browser.attention import Reading

        return Reading(self.words, tuple(self.text_blocks))

    async def slip_target(self, target: Target, kind: str, after: bool, timeout_ms: float) -> Located | None:
        b = self.slips.get((target.describe(), kind))
        return None if b is None else Located(b, f"slip:{kind}")

    async def has_focus(self, target: Target, timeout_ms: float) -> bool:
        return True  # a fake page's tab order is the fields' order

    async def toggled(self, target: Target, timeout_ms: float) -> bool | None:
        return None

    async def layers(self) -> int:
        return self.open_layers

    async def go_back(self, timeout_ms: float) -> None:
        self.calls.append(("go_back",))

    async def submit_words(self, target: Target, timeout_ms: float) -> int | None:
        return None
