"""The Driver protocol: the only thing the session knows about a browser page.

Two implementations: :class:`synthgen.browser.playwright_driver.PlaywrightDriver` (real Chromium) and
:class:`synthgen.browser.fake.FakeDriver` (in-memory, for fast tests of the session logic).

>>> Located(box=Box(0, 0, 10, 10), description="button 'OK'").box.center
(5.0, 5.0)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from synthgen.motor.types import Box
from synthgen.scenario.steps import Target

if TYPE_CHECKING:
    from synthgen.browser.attention import Reading

__all__ = ["Driver", "Located"]


@dataclass(frozen=True)
class Located:
    """Where a target is now (viewport CSS px) and its stable description for the ``target`` column."""

    box: Box
    description: str
    #: the element's ``data-sg-id`` (stamped on it when located; the captured DOM shows it), if known
    element_id: str | None = None


class Driver(Protocol):
    """Page operations, all awaited; input methods send trusted input (CDP), never synthetic DOM events."""

    viewport: tuple[int, int]

    async def goto(self, url: str, timeout_ms: float) -> None: ...
    async def current_url(self) -> str: ...
    async def settle(self) -> None:
        """Return once input already sent has been handled and any navigation it started has committed."""
    async def move_timed(self, ts: list[float], xs: list[float], ys: list[float]) -> None:
        """Every sample, each at its planned time on the page's clock and acknowledged before the next (a
        frame each: the page sees every move, at ~16.7 ms of wall time per sample)."""
    async def start_clock(self, epoch_ms: float) -> None:
        """Put the page's clock (Date, timers, animation frames) on the session's, paused at ``epoch_ms``."""
    async def sync(self, t_ms: float) -> None:
        """Advance the page's clock to ``t_ms`` of session time (timers due by then fire), if it is behind."""
    async def locate(self, target: Target, timeout_ms: float) -> Located: ...
    async def cover(self, target: Target, x: float, y: float, timeout_ms: float) -> Box | None:
        """What a press at (x, y) would land on instead of the target: ``None`` when it lands on the target
        (it, an element inside it, or its label is on top); else the box of the covering layer (the
        nearest positioned ancestor of the element on top, such as a hover menu's panel)."""
    async def move(self, xs: list[float], ys: list[float]) -> None:
        """Send pointer moves pipelined; the last one is awaited."""
    async def mouse_down(self, x: float, y: float, button: int, click_count: int) -> None: ...
    async def mouse_up(self, x: float, y: float, button: int, click_count: int) -> None: ...
    async def wheel(self, x: float, y: float, dxs: list[float], dys: list[float]) -> bool | None:
        """Wheel notches at (x, y); returns whether anything on the page scrolled (None: not known)."""
    async def key_down(self, key: str, code: str) -> None: ...
    async def key_up(self, key: str, code: str) -> None: ...
    async def select_option(self, target: Target, option: str, timeout_ms: float) -> None: ...
    async def set_files(self, target: Target, name: str, mime: str, data: bytes, timeout_ms: float) -> None: ...
    async def is_checked(self, target: Target, timeout_ms: float) -> bool: ...
    async def read(self, target: Target, attribute: str | None, timeout_ms: float) -> str: ...
    async def wait_text(self, text: str, timeout_ms: float) -> None: ...
    async def wait_target(self, target: Target, timeout_ms: float) -> None: ...
    async def wait_url(self, pattern: str, timeout_ms: float) -> None: ...
    async def screenshot(self, fmt: str, quality: int | None, scale: float) -> bytes: ...
    async def user_agent(self) -> str: ...
    # Real apps' widgets (synthgen/browser/extras.py)
    async def move_awaited(self, xs: list[float], ys: list[float]) -> None:
        """Send pointer moves one at a time, each handled before the next (native drag and drop)."""
    async def focused(self) -> str | None:
        """The focused element's description, or None when no element has the focus."""
    async def wait_state(self, target: Target, state: str, timeout_ms: float) -> None: ...
    async def wait_idle(self, quiet_ms: float, timeout_ms: float) -> None: ...
    async def wait_value(self, target: Target, value: str, timeout_ms: float) -> str: ...
    def arm_popup(self) -> None: ...
    async def follow_popup(self, timeout_ms: float) -> str: ...
    async def popup_gone(self) -> bool: ...
    # A persona's reading and task-level slips (synthgen/browser/attention.py)
    async def reading(self) -> "Reading":
        """The words readable in the viewport now and the boxes of the text blocks holding them."""
    async def slip_target(self, target: Target, kind: str, after: bool, timeout_ms: float) -> Located | None:
        """Where a slip of ``kind`` aimed at ``target`` lands harmlessly (a neighbour item, another menu, an
        empty field), or None."""
    async def layers(self) -> int:
        """Dialogs, menus and listboxes showing."""
    async def go_back(self, timeout_ms: float) -> None: ...
    async def has_focus(self, target: Target, timeout_ms: float) -> bool: ...
    async def toggled(self, target: Target, timeout_ms: float) -> bool | None:
        """A toggle button's state (aria-pressed), None when the target is not a toggle."""
    async def submit_words(self, target: Target, timeout_ms: float) -> int | None:
        """Words of the filled fields of the form ``target`` submits; None when it is not a submit button."""
    async def storage_state(self) -> dict: ...
    async def restore_state(self, state: dict) -> None: ...
