"""The session's observation point: decides when to capture, captures, and keeps the rrweb markers.

The session calls four hooks and knows nothing else about screen content:

* :meth:`ObserveController.step_started` / :meth:`step_ended` at each step boundary (rrweb markers),
* :meth:`wants_action` after each input action, :meth:`wants_step` at each step end (the cadence),
* :meth:`shoot` to capture (returns the frame path and bytes; the session logs the ``screenshot`` event),
* :meth:`finish` at the end: the ``observations`` table and the rrweb recording.

>>> import asyncio
>>> from synthgen.browser.fake import FakeDriver
>>> from synthgen.observe.capture import CaptureSpec, DriverObserver
>>> c = ObserveController("s1", "step", CaptureSpec(), DriverObserver(FakeDriver({})))
>>> c.wants_action(100.0), c.wants_step(100.0, "click")
(False, True)
>>> asyncio.run(c.shoot(index=0, clock=100.0, reason="step"))[0]
'frames/s1/00000.jpg'
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from synthgen.dataset.layout import frame_file
from synthgen.observe.cadence import Cadence
from synthgen.observe.capture import Capture, CaptureSpec, Observer
from synthgen.observe.table import ObservationLog

if TYPE_CHECKING:
    import pyarrow as pa

    from synthgen.browser.driver import Located
    from synthgen.observe.rrweb import RrwebRecorder

__all__ = ["ObserveController", "capture_spec"]


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in name)[:40]


class ObserveController:
    """Per-session capture state: cadence, the last located target, the observation rows."""

    def __init__(self, session_id: str, cadence: str | Cadence, spec: CaptureSpec, observer: Observer,
                 recorder: "RrwebRecorder | None" = None) -> None:
        self.session_id = session_id
        self.cadence = cadence if isinstance(cadence, Cadence) else Cadence.parse(cadence)
        self.spec = spec
        self.observer = observer
        self.recorder = recorder
        self.log = ObservationLog(session_id)
        self.target: "Located | None" = None
        self.last_capture_clock: float | None = None
        self.costs: list[dict[str, float]] = []  # wall ms per capture, for benchmarks (never written)

    # ---- cadence -------------------------------------------------------------------------------
    def wants_action(self, clock: float) -> bool:
        """After an input action: capture now?"""
        return self.cadence.on_actions and self.cadence.due(clock)

    def wants_step(self, clock: float, kind: str) -> bool:
        """At a step's end: capture now? (``screenshot`` steps captured already.)"""
        if kind == "screenshot" or self.cadence.kind == "off":
            return False
        if self.cadence.kind == "action" and self.last_capture_clock == clock:
            return False  # the step's last action was captured and nothing happened since
        return self.cadence.due(clock)

    def located(self, loc: "Located") -> None:
        """The session located a target: its box goes with the following captures."""
        self.target = loc

    # ---- capture -------------------------------------------------------------------------------
    async def shoot(self, *, index: int, clock: float, reason: str, name: str | None = None) -> tuple[str, bytes]:
        """Capture now; returns the frame's dataset-relative path and its bytes."""
        cap: Capture = await self.observer.capture(self.spec)
        path = frame_file(self.session_id, index, _slug(name) if name else "", self.spec.ext)
        t = self.target
        box = (t.box.x, t.box.y, t.box.width, t.box.height) if t is not None else None
        self.log.add(path=path, reason=reason, image_format=self.spec.image_format, width=cap.width,
                     height=cap.height, nbytes=len(cap.image), a11y=cap.a11y,
                     a11y_format=self.spec.a11y_format if self.spec.a11y else None, dom=cap.dom,
                     target=t.description if t is not None else None, box=box)
        self.costs.append(cap.cost_ms)
        self.last_capture_clock = clock
        return path, cap.image

    # ---- rrweb markers -------------------------------------------------------------------------
    async def step_started(self, clock: float) -> None:
        if self.recorder is not None:
            await self.recorder.mark(clock)

    async def step_ended(self, clock: float) -> None:
        if self.recorder is not None:
            await self.recorder.mark(clock)

    # ---- end -----------------------------------------------------------------------------------
    async def finish(self, clock: float, events: "pa.Table", start_ms: float) -> tuple["pa.Table | None", Any]:
        """The ``observations`` table (None when nothing was captured) and the rrweb recording (or None)."""
        table = self.log.to_table(events) if len(self.log) else None
        recording = None
        if self.recorder is not None:
            recording = await self.recorder.finish(clock, events, start_ms, self.session_id)
        return table, recording


def capture_spec(opts: Any) -> CaptureSpec:
    """The :class:`CaptureSpec` of a :class:`synthgen.session.SessionOptions`.

    >>> from synthgen.session import SessionOptions
    >>> capture_spec(SessionOptions(image_format="png", capture_dom=True)).dom
    True
    """
    return CaptureSpec(image_format=opts.image_format, quality=opts.image_quality, scale=opts.image_scale,
                       a11y=opts.capture_a11y, a11y_format=opts.a11y_format, dom=opts.capture_dom)
