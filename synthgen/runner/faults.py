"""Faults a run survives: crashed browsers and pages, hung pages, dialogs, popups, killed runs.

Three kinds of fault are worth a retry because the next attempt usually succeeds (:class:`Fault`):
the browser process died, the page's renderer crashed, or the page stopped answering. A step that
fails on its own terms (a target that never appears, an assertion, a slow app) is a property of the
scenario or the app and is recorded as failed at once.

Pieces, used by :mod:`synthgen.runner.worker` and :mod:`synthgen.runner.local`:

* :class:`WatchdogDriver` wraps a driver so that no call waits forever on a hung page;
* :class:`PageWatch` answers dialogs, closes popups, notes crashes and page script errors;
* :func:`classify` names the fault behind a failed attempt (or ``None``: not retryable).

The dataset's own safety (the lock, repairing a killed run's leftovers) lives in :mod:`synthgen.dataset`.

>>> Fault.PAGE_CRASH.describe()
'the page crashed (its renderer process died)'
"""

from __future__ import annotations

import asyncio
import inspect
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from synthgen.errors import SessionFailed, SynthgenError
from synthgen.runner.config import DEFAULT_HANG_TIMEOUT_S

__all__ = ["Fault", "PageHungError", "RunIncomplete", "WatchdogDriver", "PageWatch", "classify",
           "DEFAULT_HANG_TIMEOUT_S"]

_MAX_PAGE_ERRORS = 3


class Fault(str, Enum):
    """A failure that is not the scenario's fault, so another attempt may succeed."""

    BROWSER_CRASH = "browser-crash"
    PAGE_CRASH = "page-crash"
    PAGE_HUNG = "page-hung"

    def describe(self) -> str:
        """A short phrase for the session's error text."""
        return {
            Fault.BROWSER_CRASH: "the browser process died",
            Fault.PAGE_CRASH: "the page crashed (its renderer process died)",
            Fault.PAGE_HUNG: "the page stopped responding (a script that never yields?)",
        }[self]


class PageHungError(SynthgenError):
    """A driver call got no answer from the page within the watchdog's limit.

    >>> str(PageHungError("click", 4.0))
    "the page stopped responding: 'click' got no answer within 4 s (an endless script loop?)"
    """

    def __init__(self, call: str, seconds: float) -> None:
        self.call, self.seconds = call, seconds
        super().__init__(f"the page stopped responding: {call!r} got no answer within {seconds:g} s "
                         "(an endless script loop?)")


class RunIncomplete(SessionFailed):
    """The run stopped before every session was written (disk full, workers dying); exit code 1.

    What was written is complete and readable; re-running the same command finishes the job.

    >>> str(RunIncomplete("cannot write x: No space left on device", missing=3))
    'the run stopped with 3 sessions not written: cannot write x: No space left on device; what was written is complete; re-run the same command to finish'
    """

    def __init__(self, cause: str, *, missing: int) -> None:
        self.cause, self.missing = cause, missing
        super().__init__(f"the run stopped with {missing} sessions not written: {cause}; what was written is "
                         "complete; re-run the same command to finish")


class WatchdogDriver:
    """A driver proxy: every async call is bounded, so a hung page fails its session instead of the run.

    A call that takes a ``timeout_ms`` gets that plus ``hang_timeout_s``; any other call gets
    ``hang_timeout_s``. Once one call has timed out the page is considered hung and every later call
    fails at once (the failure screenshot, the user agent), so a hung session costs one timeout.

    >>> import asyncio
    >>> class Slow:
    ...     viewport = (800, 600)
    ...     async def move(self, xs, ys): await asyncio.sleep(10)
    >>> d = WatchdogDriver(Slow(), hang_timeout_s=0.01)
    >>> asyncio.run(d.move([1.0], [2.0]))
    Traceback (most recent call last):
    ...
    synthgen.runner.faults.PageHungError: the page stopped responding: 'move' got no answer within 0.01 s (an endless script loop?)
    >>> d.viewport, d.tripped is not None
    ((800, 600), True)

    ``sibling`` shares the verdict with another watchdog over the same page (the driver and the screen
    observer): once either has seen the page hang, both fail at once.
    """

    def __init__(self, inner: Any, hang_timeout_s: float = DEFAULT_HANG_TIMEOUT_S, *,
                 sibling: "WatchdogDriver | None" = None) -> None:
        self._inner = inner
        self._hang_s = float(hang_timeout_s)
        self._verdict: list[PageHungError | None] = sibling._verdict if sibling is not None else [None]

    @property
    def tripped(self) -> PageHungError | None:
        """The hang seen on this page, if any."""
        return self._verdict[0]

    @property
    def inner(self) -> Any:
        """The wrapped driver."""
        return self._inner

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._inner, name)
        if not inspect.iscoroutinefunction(attr):
            return attr
        try:
            sig: inspect.Signature | None = inspect.signature(attr)
        except (TypeError, ValueError):
            sig = None

        async def guarded(*args: Any, **kwargs: Any) -> Any:
            if self._verdict[0] is not None:
                raise self._verdict[0]
            limit = self._hang_s
            if sig is not None and "timeout_ms" in sig.parameters:
                try:
                    t = sig.bind(*args, **kwargs).arguments.get("timeout_ms")
                except TypeError:
                    t = None
                if isinstance(t, (int, float)) and t > 0:
                    limit += float(t) / 1000.0
            task = asyncio.ensure_future(attr(*args, **kwargs))
            try:
                done, _ = await asyncio.wait({task}, timeout=limit)
            except asyncio.CancelledError:
                # The session is being cancelled (a run stopped by a signal): the call goes with it, and its
                # late error (the page closed under it) is retrieved here rather than printed at exit.
                task.cancel()
                task.add_done_callback(_swallow)
                raise
            if task in done:
                # (Not after goto: a page still loading is slow, not hung, and says so itself.)
                if name != "goto" and _is_timeout(task.exception()):
                    # A wait that timed out on its own (a target that "never appeared") may be a page
                    # whose script loops forever: ask the page once, and call it a hang if it is mute.
                    await self._probe(name, task.exception())
                return task.result()
            task.cancel()
            # The cancelled call may still fail later (page closed); retrieve it so asyncio stays quiet.
            task.add_done_callback(_swallow)
            self._verdict[0] = PageHungError(name, limit)
            raise self._verdict[0]

        guarded.__name__ = name
        self.__dict__[name] = guarded  # built once per method: later lookups skip __getattr__
        return guarded

    async def _probe(self, name: str, cause: BaseException | None) -> None:
        """Raise PageHungError if the page does not answer a trivial script within the hang limit."""
        page = getattr(self._inner, "page", None)
        if page is None:
            return
        probe = asyncio.ensure_future(page.evaluate("0"))
        done, _ = await asyncio.wait({probe}, timeout=self._hang_s)
        if probe in done:
            _swallow(probe)
            return
        probe.cancel()
        probe.add_done_callback(_swallow)
        self._verdict[0] = PageHungError(name, self._hang_s)
        raise self._verdict[0] from cause


def _is_timeout(exc: BaseException | None) -> bool:
    """Playwright's own timeout (its TimeoutError is not the builtin one)."""
    return exc is not None and type(exc).__name__ == "TimeoutError"


def _swallow(task: "asyncio.Future[Any]") -> None:
    if not task.cancelled():
        task.exception()


@dataclass
class PageWatch:
    """What happened to one session's page besides the planned input.

    Dialogs are answered as a person would: OK, leaving a prompt's default text, and "Leave" on a
    beforeunload guard; an unanswered dialog would freeze the page. Popups and new tabs are closed
    (the session is scripted against its own page, and a stray page only costs memory), unless ``keep``
    claims them (the driver, for a ``popup: true`` click); a failed session's error names the ones closed.
    """

    crashed: bool = False
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    popups_closed: int = 0
    popup_urls: list[str] = field(default_factory=list)  # of the popups closed
    keep: Any = None  # page -> bool: a popup the session follows

    def attach(self, context: Any, page: Any) -> None:
        """Install the handlers on a Playwright context and its main page."""
        page.on("crash", lambda _p: setattr(self, "crashed", True))
        page.on("pageerror", self._on_error)
        page.on("dialog", lambda d: asyncio.ensure_future(self._answer(d)))

        def on_page(p: Any) -> None:
            if p is not page and not (self.keep is not None and self.keep(p)):
                self.popups_closed += 1
                asyncio.ensure_future(self._close_popup(p))

        context.on("page", on_page)

    async def _close_popup(self, p: Any) -> None:
        # Its URL first (a window.open() page starts at about:blank), so the error can name it.
        await _quietly(p.wait_for_load_state("commit", timeout=2_000))
        if len(self.popup_urls) < _MAX_PAGE_ERRORS:
            self.popup_urls.append(p.url or "about:blank")
        await _quietly(p.close())

    def _on_error(self, exc: Any) -> None:
        if len(self.page_errors) < _MAX_PAGE_ERRORS:
            text = str(getattr(exc, "message", None) or exc).strip().splitlines()
            self.page_errors.append((text[0] if text else type(exc).__name__)[:200])

    async def _answer(self, dialog: Any) -> None:
        self.dialogs.append(dialog.type)
        if dialog.type == "prompt":
            await _quietly(dialog.accept(dialog.default_value))
        else:
            await _quietly(dialog.accept())

    def error_note(self) -> str:
        """A clause for a failed session's error: the page's own script errors and the pop-ups closed, if any.

        >>> PageWatch(popups_closed=1, popup_urls=["http://127.0.0.1:8000/new"]).error_note()
        ' (a pop-up or new tab was closed: http://127.0.0.1:8000/new; add popup: true to the click that opens it to follow it)'
        """
        note = ""
        if self.page_errors:
            note += " (the page threw: " + "; ".join(self.page_errors) + ")"
        if self.popups_closed:
            note += (f" ({'a pop-up or new tab was' if self.popups_closed == 1 else f'{self.popups_closed} pop-ups or tabs were'}"
                     f" closed: {', '.join(self.popup_urls) or 'about:blank'}; add popup: true to the click that "
                     "opens it to follow it)")
        return note


async def _quietly(aw: Any) -> None:
    # The page or dialog may be gone by the time the answer arrives; nothing to do then.
    try:
        await aw
    except Exception:
        pass


def classify(*, browser_connected: bool, watch: PageWatch | None = None,
             driver: WatchdogDriver | None = None) -> Fault | None:
    """The retryable fault behind a failed attempt, or ``None`` when the failure is the scenario's own.

    >>> classify(browser_connected=False) is Fault.BROWSER_CRASH
    True
    >>> classify(browser_connected=True, watch=PageWatch()) is None
    True
    """
    if not browser_connected:
        return Fault.BROWSER_CRASH
    if watch is not None and watch.crashed:
        return Fault.PAGE_CRASH
    if driver is not None and driver.tripped is not None:
        return Fault.PAGE_HUNG
    return None
