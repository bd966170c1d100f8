"""Plain data the motor models produce: planned input on the synthetic clock (ms), no browser.

The session turns these into ``events`` rows (:mod:`synthgen.events`) and the driver dispatches them.

>>> p = MousePath(t_ms=np.array([0.0, 16.7]), x=np.array([1.0, 2.0]), y=np.array([1.0, 2.0]))
>>> len(p)
2
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

__all__ = ["Box", "MousePath", "ButtonAction", "KeyAction", "WheelPath", "EDGE_MARGIN_PX"]


@dataclass(frozen=True)
class Box:
    """A target element's bounding box in CSS px (viewport coordinates).

    >>> Box(10, 20, 100, 30).center
    (60.0, 35.0)
    """

    x: float
    y: float
    width: float
    height: float

    @property
    def center(self) -> tuple[float, float]:
        return (self.x + self.width / 2.0, self.y + self.height / 2.0)


@dataclass(frozen=True)
class MousePath:
    """``mousemove`` samples: absolute synthetic times (ms) and viewport positions (CSS px)."""

    t_ms: np.ndarray
    x: np.ndarray
    y: np.ndarray

    def __len__(self) -> int:
        return int(self.t_ms.shape[0])

    @property
    def end_ms(self) -> float:
        return float(self.t_ms[-1]) if len(self) else 0.0

    def clipped(self, box: "Box", inset: float = 0.0) -> "MousePath":
        """The same samples kept inside ``box`` shrunk by ``inset`` px (a box too small for it: its near
        edge plus ``inset``).

        >>> MousePath(np.array([0.0, 1.0]), np.array([-5.0, 50.0]), np.array([3.0, 3.0])).clipped(
        ...     Box(0, 0, 20, 20), 1.0).x.tolist()
        [1.0, 19.0]
        """
        return MousePath(self.t_ms, np.clip(self.x, box.x + inset, box.x + max(box.width - inset, inset)),
                         np.clip(self.y, box.y + inset, box.y + max(box.height - inset, inset)))


#: How far inside a target's box a press lands where the box allows (a quarter of a smaller box): clear of
#: rounded corners up to about 10 px of radius (a press 1 px inside the bottom-left corner of the shop's
#: "Proceed to checkout" link went to the element around it and the checkout never opened).
EDGE_MARGIN_PX = 3.0
#: A released click stays this far inside the pressed element's box (its rounded corners).
_RELEASE_INSET_PX = 4.0


@dataclass(frozen=True)
class ButtonAction:
    """One press and release of a mouse button at a point (``button``: 0 left, 1 middle, 2 right).

    ``click_count`` is 2 for the second press of a double click (the DOM ``detail``). ``slip`` is
    ``(t, x, y)`` when the pointer shifts during the press (a ``mousemove`` with the button held);
    the release then happens at ``release``.

    >>> ButtonAction(0.0, 100.0, 5.0, 5.0, slip=(99.5, 6.0, 5.0)).release
    (6.0, 5.0)
    """

    t_down: float
    t_up: float
    x: float
    y: float
    button: int = 0
    click_count: int = 1
    slip: tuple[float, float, float] | None = None

    @property
    def release(self) -> tuple[float, float]:
        """Where the button is released: the press point, or where a slip moved the pointer."""
        return (self.slip[1], self.slip[2]) if self.slip is not None else (self.x, self.y)

    def slip_within(self, limit: float, box: "Box | None" = None) -> "ButtonAction":
        """The same press with its slip at most ``limit`` px along each axis and, given the pressed
        element's ``box``, released inside it (where the press is inside it).

        >>> ButtonAction(0.0, 100.0, 5.0, 5.0, slip=(99.5, 10.0, 4.0)).slip_within(3.0).release
        (8.0, 4.0)
        >>> ButtonAction(0.0, 100.0, 5.0, 9.0, slip=(99.5, 5.0, 6.0)).slip_within(3.0, Box(0, 4, 50, 10)).release
        (5.0, 6.5)
        >>> ButtonAction(0.0, 100.0, 5.0, 5.0, slip=(99.5, 5.0, 2.0)).slip_within(3.0, Box(0, 4, 50, 10)).release
        (5.0, 5.0)
        """
        if self.slip is None:
            return self
        t, sx, sy = self.slip
        x = self.x + min(max(sx - self.x, -limit), limit)
        y = self.y + min(max(sy - self.y, -limit), limit)
        if box is not None and box.x <= self.x <= box.x + box.width and box.y <= self.y <= box.y + box.height:
            # Inside the box by the inset, clear of rounded corners (a release 1 px into a button's rounded
            # corner is outside its shape: the click went to the element around it). A press that is itself
            # within the inset of an edge is released where it went down, without a slip.
            inset = min(_RELEASE_INSET_PX, box.width / 4.0, box.height / 4.0)
            lo_x, hi_x = box.x + inset, box.x + box.width - inset
            lo_y, hi_y = box.y + inset, box.y + box.height - inset
            if not (lo_x <= self.x <= hi_x and lo_y <= self.y <= hi_y):
                return replace(self, slip=None)
            x = min(max(x, lo_x), hi_x)
            y = min(max(y, lo_y), hi_y)
        return replace(self, slip=(t, x, y))


@dataclass(frozen=True)
class KeyAction:
    """One key press: DOM ``key`` and ``code``, modifier bitmask held at press time, down/up times.

    A key not on the US layout (e.g. ``é``) has ``code=""``; the driver inserts its text.
    """

    t_down: float
    t_up: float
    key: str
    code: str
    modifiers: int = 0


@dataclass(frozen=True)
class WheelPath:
    """``wheel`` events: times (ms), pointer position and deltas (px, deltaMode 0)."""

    t_ms: np.ndarray
    x: np.ndarray
    y: np.ndarray
    delta_x: np.ndarray
    delta_y: np.ndarray

    def __len__(self) -> int:
        return int(self.t_ms.shape[0])
