"""When to capture screen content: ``off``, ``step``, ``action`` or ``every:<ms>`` of synthetic time.

* ``off``: only ``screenshot`` steps and the failure capture.
* ``step``: after each scenario step (the page has settled).
* ``action``: after each input action (a click, a key chord, a burst of typing, a scroll burst, a drag)
  and after each step whose end was not already captured.
* ``every:<ms>``: at the first action or step boundary at or after each multiple of ``ms`` on the
  synthetic clock. The screen cannot be captured in the past, so marks passed inside one long action
  collapse into a single capture at its end.

>>> c = Cadence.parse("every:500")
>>> c.kind, c.every_ms
('every', 500.0)
>>> [c.due(t) for t in (0.0, 200.0, 499.0, 510.0, 700.0, 1600.0)]
[True, False, False, True, False, True]
"""

from __future__ import annotations

from dataclasses import dataclass, field

from synthgen.errors import ConfigError

__all__ = ["Cadence", "CADENCE_KINDS", "validate_capture_options"]

CADENCE_KINDS = ("off", "step", "action", "every")


@dataclass
class Cadence:
    """A parsed ``--screenshots`` value with the state that ``every:<ms>`` needs."""

    kind: str = "off"
    every_ms: float = 0.0
    _next_mark: float = field(default=0.0, repr=False)

    @classmethod
    def parse(cls, spec: str) -> "Cadence":
        """``off``, ``step``, ``action`` or ``every:<ms>`` (ms > 0); anything else names the option.

        >>> Cadence.parse("step").kind
        'step'
        """
        s = (spec or "off").strip().lower()
        if s in ("off", "step", "action"):
            return cls(s)
        if s.startswith("every:"):
            try:
                ms = float(s.split(":", 1)[1].removesuffix("ms"))
            except ValueError:
                ms = -1.0
            if ms > 0:
                return cls("every", ms)
        raise ConfigError("screenshots", spec, "use off, step, action or every:<ms> (e.g. every:1000)")

    @property
    def on_actions(self) -> bool:
        """Whether action boundaries are capture points (``action`` and ``every``)."""
        return self.kind in ("action", "every")

    def due(self, t_ms: float) -> bool:
        """For ``every``: whether ``t_ms`` reached the next mark (then advance the mark past ``t_ms``)."""
        if self.kind != "every":
            return self.kind in ("step", "action")
        if t_ms + 1e-9 < self._next_mark:
            return False
        self._next_mark = (t_ms // self.every_ms + 1.0) * self.every_ms
        return True


def validate_capture_options(opts: object) -> None:
    """Check the capture fields of a :class:`synthgen.session.SessionOptions`; a bad one names itself.

    >>> from synthgen.session import SessionOptions
    >>> validate_capture_options(SessionOptions(screenshots="every:250", image_format="webp"))
    >>> validate_capture_options(SessionOptions(image_format="gif"))
    Traceback (most recent call last):
    ...
    synthgen.errors.ConfigError: image_format='gif': use jpeg, png or webp
    """
    from synthgen.observe.capture import A11Y_FORMATS, IMAGE_FORMATS

    Cadence.parse(getattr(opts, "screenshots"))
    fmt = getattr(opts, "image_format")
    if fmt not in IMAGE_FORMATS:
        raise ConfigError("image_format", fmt, "use jpeg, png or webp")
    scale = getattr(opts, "image_scale")
    if not 0.05 <= scale <= 2.0:
        raise ConfigError("image_scale", scale, "must be between 0.05 and 2 (1 = CSS pixels)")
    quality = getattr(opts, "image_quality")
    if not 1 <= quality <= 100:
        raise ConfigError("image_quality", quality, "must be between 1 and 100")
    a11y = getattr(opts, "a11y_format", "aria")
    if a11y not in A11Y_FORMATS:
        raise ConfigError("a11y_format", a11y, "use aria or cdp")
