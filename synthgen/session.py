"""One session: a persona works through a scenario in one page; planned input is dispatched and recorded.

The motor models plan every event on the synthetic clock (``self.clock`` ms); the driver sends the events
to the page as fast as it allows. Output timestamps come only from the plan, so the same
(scenario, persona, seed, app) gives the same events whatever the machine's speed.

>>> # result = await run_session(spec, PlaywrightDriver(page, (1280, 800)))
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import itertools
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Iterable
from urllib.parse import urljoin

import numpy as np
import pyarrow as pa
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import TimeoutError as PlaywrightTimeout

from synthgen import __version__
from synthgen.browser.driver import Driver, Located
from synthgen.dataset.layout import scenario_file
from synthgen.errors import AssertionFailedError, StepError, SynthgenError, TargetMissing, TargetNotFoundError
from synthgen.events import BUTTON_BITS, EventLog, grounding
from synthgen.motor import keyboard, mouse, scroll, timing
from synthgen.motor.types import Box, KeyAction, MousePath
from synthgen.observe.capture import DriverObserver, Observer
from synthgen.observe.controller import ObserveController, capture_spec
from synthgen.observe.rrweb import RrwebRecorder
from synthgen.persona.habits import SessionHabits
from synthgen.persona.identity import persona_faker
from synthgen.persona.model import Persona
from synthgen.scenario import steps as S
from synthgen.scenario.model import Scenario
from synthgen.scenario.planner import data_row, iter_actions, iter_steps
from synthgen.scenario.templating import TemplateContext, render, render_target, render_variables
from synthgen.schema import SCHEMA_VERSION
from synthgen.uploads import make_upload

__all__ = ["SessionSpec", "SessionOptions", "SessionResult", "Frame", "run_session", "session_start_time", "outside",
           "DEFAULT_MAX_ACTIONS", "DEFAULT_MAX_SYNTHETIC_S", "DEFAULT_MAX_WALL_S"]

_BUTTON_NUM = {"left": 0, "middle": 1, "right": 2}
_REAIMS = 2  # corrective re-aims before a press when the pointer is not on the target
_REAIM_MEDIAN_MS = 250.0  # noticing the miss and reacting (a visual reaction time)
#: Chromium starts dragging a link, an image or selected text once the pointer moves 4 px (either axis) with
#: the button held, and the click is then lost; so is a click released off the pressed element (the click
#: goes to their common ancestor). A slip is kept to 3 px and inside the pressed element: the step asked
#: for a click, and the events table must say what the page received (issue 14).
_CLICK_SLIP_MAX_PX = 3.0
#: Steps that give input: a newly shown page is read before the first of them (issue 18). Waits, checks and
#: captures come first, so the page has rendered what it fetched when the persona reads it.
_INPUT_KINDS = frozenset({"goto", "click", "hover", "type", "fill", "press", "select", "check", "uncheck", "scroll",
                          "drag", "upload"})
#: The longest a persona reads one page before going on (a wall of text is skimmed), ms.
_READ_CAP_MS = 30_000.0
#: A page seen before in the session is read this much of the first time (a glance: what changed).
_REREAD = 0.2
#: Noticing a slip: a visual reaction, then the decision to undo it (median ms, sigma of the log).
_NOTICE = (650.0, 0.35)


def outside(cover: Box, at: tuple[float, float], viewport: tuple[int, int],
            margin: float) -> tuple[float, float] | None:
    """The nearest point ``margin`` px outside ``cover`` from ``at`` that is inside the viewport, or None
    (the layer fills the screen, as a modal's backdrop: there is nowhere to move out to).

    >>> outside(Box(1000, 48, 280, 160), (1200, 170), (1280, 800), 20.0)
    (1200, 228.0)
    >>> outside(Box(0, 0, 1280, 800), (640, 400), (1280, 800), 20.0) is None
    True
    """
    x, y = at
    cands = [(cover.x - margin, y), (cover.x + cover.width + margin, y), (x, cover.y - margin),
             (x, cover.y + cover.height + margin)]
    inside = [(cx, cy) for cx, cy in cands if 1.0 <= cx <= viewport[0] - 2.0 and 1.0 <= cy <= viewport[1] - 2.0]
    if not inside:
        return None
    return min(inside, key=lambda c: (c[0] - x) ** 2 + (c[1] - y) ** 2)


def detour(start: tuple[float, float], goal: Box, avoid: Box, margin: float) -> tuple[float, float] | None:
    """Where the pointer goes first so its path does not run along ``avoid`` (a menu bar whose menus open on
    hover): out of the area straight toward the side the goal lies on. None when the pointer is not inside
    the area, or the goal is in it too (moving along it is then the point).

    >>> detour((100, 20), Box(300, 60, 120, 30), Box(0, 0, 1280, 40), 12.0)
    (100, 52.0)
    >>> detour((100, 300), Box(300, 60, 120, 30), Box(0, 0, 1280, 40), 12.0) is None
    True
    """
    x, y = start
    gx, gy = goal.center
    if not (avoid.x <= x <= avoid.x + avoid.width and avoid.y <= y <= avoid.y + avoid.height):
        return None
    if gy > avoid.y + avoid.height:
        return (x, avoid.y + avoid.height + margin)
    if gy < avoid.y:
        return (x, avoid.y - margin)
    if gx > avoid.x + avoid.width:
        return (avoid.x + avoid.width + margin, y)
    if gx < avoid.x:
        return (avoid.x - margin, y)
    return None


#: storage state left by a scenario's log-in, per (scenario, persona, base URL), in this process; a
#: persona's later sessions start from it (``login:`` in the scenario). Bounded: the oldest go first.
_LOGIN_STATES: dict[tuple[str, str, str], dict[str, Any]] = {}
_LOGIN_STATES_MAX = 512


@dataclass(frozen=True)
class SessionSpec:
    """What one session is: deterministic from these values alone."""

    index: int
    session_id: str
    seed: int
    scenario: Scenario
    persona: Persona
    base_url: str
    # The persona's first session of this scenario (index order): with ``login: {record: first}`` its
    # events hold the log-in; the persona's later sessions start logged in.
    first_of_persona: bool = True


#: Bounds of one session (``SessionOptions``), far above any bundled scenario (at most 89 actions and
#: ~3 min of synthetic time, a few seconds of wall time): a session that passes one fails with the reason.
DEFAULT_MAX_ACTIONS = 20_000
DEFAULT_MAX_SYNTHETIC_S = 4 * 3600.0
DEFAULT_MAX_WALL_S = 900.0


@dataclass(frozen=True)
class SessionOptions:
    """How to run sessions (not what they contain)."""

    step_timeout_ms: float = 10_000.0
    goto_timeout_ms: float = 20_000.0
    dispatch_every: int = 3  # send every n-th planned mousemove (plus the last), see module docstring
    # "fast": every dispatch_every-th sample, pipelined (the page sees a few moves per path, coalesced per
    # frame); "timed": every sample at its planned time on the page's clock, a frame each (the page's own
    # collector records the table's moves; ~16.7 ms of wall time per sample)
    mouse_delivery: str = "fast"
    # The page's Date, timers and animation frames on the session's clock (README "The page lives in the
    # persona's time"). False: the page runs on wall time (an app that must see real time pass).
    page_clock: bool = True
    screenshots: str = "off"  # off | step | action | every:<ms> (screenshot steps always capture); observe/cadence.py
    image_format: str = "jpeg"  # jpeg | png | webp
    image_quality: int = 70
    image_scale: float = 1.0
    failure_screenshot: bool = True
    # Task-level slips (issue 18): "persona" at the persona's slip rate, "off" none, or one kind of
    # synthgen.browser.attention.SLIP_KINDS at every point where it can happen (tests, demonstrations).
    slips: str = "persona"
    capture_a11y: bool = True  # accessibility tree at each capture (cheap: ~20 ms, ~8 kB)
    a11y_format: str = "aria"  # aria (Playwright aria snapshot, YAML) | cdp (Accessibility.getFullAXTree, JSON)
    capture_dom: bool = False  # serialized DOM at each capture (~40 kB a page before compression)
    record_rrweb: bool = False  # rrweb DOM recording (needs a recorder from the worker)
    max_actions: int = DEFAULT_MAX_ACTIONS  # action steps one session may run
    max_synthetic_s: float = DEFAULT_MAX_SYNTHETIC_S  # synthetic time one session may cover
    max_wall_s: float | None = DEFAULT_MAX_WALL_S  # wall time one session may take (None: unbounded)

    def __post_init__(self) -> None:
        from synthgen.errors import ConfigError

        from synthgen.browser.attention import SLIP_KINDS

        if self.slips not in ("persona", "off", *SLIP_KINDS):
            raise ConfigError("slips", self.slips, f"use persona, off, or one kind: {', '.join(SLIP_KINDS)}")
        for name in ("max_actions", "max_synthetic_s", "max_wall_s"):
            v = getattr(self, name)
            if v is not None and not v > 0:
                raise ConfigError(name, v, "a session bound must be above 0 (e.g. --max-actions 20000)")


@dataclass(frozen=True)
class Frame:
    """A captured screen image, stored at ``path`` relative to the dataset root."""

    path: str
    data: bytes


@dataclass
class SessionResult:
    """Everything a session produced; written by the sinks."""

    row: dict[str, Any]
    events: pa.Table
    frames: list[Frame] = field(default_factory=list)
    observations: pa.Table | None = None  # one row per capture (synthgen.observe.table), None if none
    recording: dict[str, Any] | None = None  # rrweb DOM recording on the synthetic clock (synthgen.observe.rrweb)

    @property
    def ok(self) -> bool:
        return self.row["status"] == "ok"


def session_start_time(seed: int) -> dt.datetime:
    """A synthetic wall-clock start on a weekday morning of 2026, drawn from the seed (never the clock).

    >>> session_start_time(7) == session_start_time(7)
    True
    """
    rng = np.random.default_rng([seed, 0x51A])
    day = dt.date(2026, 1, 5) + dt.timedelta(days=int(rng.integers(0, 300)))
    day += dt.timedelta(days=(7 - day.weekday()) % 7 if day.weekday() >= 5 else 0)
    minutes = int(rng.normal(10.5 * 60, 120))
    minutes = min(max(minutes, 7 * 60), 18 * 60)
    ms = int(rng.integers(0, 60_000))
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc) + dt.timedelta(minutes=minutes,
                                                                                            milliseconds=ms)


class _Session:
    """The per-session state machine; one instance per run."""

    def __init__(self, spec: SessionSpec, driver: Driver, opts: SessionOptions,
                 observe: ObserveController | None = None) -> None:
        self.spec, self.driver, self.opts = spec, driver, opts
        self.observe = observe or ObserveController(spec.session_id, opts.screenshots, capture_spec(opts),
                                                    DriverObserver(driver))
        ss = np.random.SeedSequence(spec.seed)
        plan_ss, motor_ss, faker_ss = ss.spawn(3)
        self.plan_rng = np.random.default_rng(plan_ss)
        self.rng = np.random.default_rng(motor_ss)
        self.motor = spec.persona.motor
        self.log = EventLog(spec.session_id)
        self.frames: list[Frame] = []
        self.clock = 0.0
        self._idle_unsent: list[Any] = []  # idle drift recorded but not yet sent (timed delivery)
        w, h = spec.scenario.viewport.width, spec.scenario.viewport.height
        self.viewport = (w, h)
        self.cursor = (float(w) * float(self.rng.uniform(0.3, 0.7)), float(h) * float(self.rng.uniform(0.3, 0.7)))
        self.hand_on_keyboard = False
        self.approach: tuple[float, float] | None = None  # direction the pointer last moved in (click slips)
        self._first, self._actions = True, 0  # no think before the first action; actions run (bounds)
        # Habits (issue 18): each decision has a generator of its own, so a slip or a way taken never shifts
        # the plan's draws (repeat counts, branches) and a persona with no slips plans as before.
        self.behaviour = spec.persona.behaviour
        self.habits = SessionHabits(self.behaviour.strategy, self.behaviour.habit_strength,
                                    np.random.default_rng([spec.seed, 0xD0]))
        self.strategies: dict[str, str] = {}  # do step prefix -> the way it took
        self.slip_rng = np.random.default_rng([spec.seed, 0x511])
        self.read_rng = np.random.default_rng([spec.seed, 0x4EAD])
        self.n_slips = self.n_recovered = 0
        self.read_ms = 0.0
        self._unread = False  # a newly shown page not read yet
        self._hold: Box | None = None  # the element a hover holds the pointer on (idle drift stays inside)
        self._read_urls: set[str] = set()
        fake = persona_faker(int(faker_ss.generate_state(1)[0]), spec.persona.identity.locale)
        # The data row and the variables are filled in by run(), inside the session's error handling: a
        # template that fails for one session's values fails that session, not the run.
        self.ctx = TemplateContext(persona=spec.persona.template_values(), faker=fake, variables={}, captured={},
                                   data={}, now=session_start_time(spec.seed).replace(tzinfo=None))

    # ---- helpers -------------------------------------------------------------------------------
    def _timeout(self, step: S.StepBase) -> float:
        return float(step.timeout_ms or self.opts.step_timeout_ms)

    def _abs_url(self, url: str) -> str:
        return urljoin(self.spec.base_url, render(url, self.ctx))

    def _dispatch_subset(self, path: MousePath) -> tuple[list[float], list[float]]:
        n = len(path)
        idx = list(range(self.opts.dispatch_every - 1, n - 1, self.opts.dispatch_every)) + [n - 1]
        return [float(path.x[i]) for i in idx], [float(path.y[i]) for i in idx]

    def _caught_up(self) -> None:
        """After a wait on the page: the page's clock may have run past the plan (a target appearing after a
        timer, a page loading); the persona waited that long too."""
        page_ms = getattr(self.driver, "page_ms", None)
        if isinstance(page_ms, (int, float)) and not isinstance(page_ms, bool):
            self.clock = max(self.clock, float(page_ms))

    async def _locate(self, step: S.StepBase, target: S.Target) -> Located:
        try:
            loc = await self.driver.locate(target, self._timeout(step))
            self._caught_up()
            self.observe.located(loc)  # its box goes with the next captures
            return loc
        except TargetMissing as exc:  # the driver's words: the full target, the URL, the nearest on the page
            raise TargetNotFoundError(_sid(self), step.kind, f"{self.spec.scenario.where(step)}: {exc}",
                                      fix=exc.fix) from exc
        except PlaywrightTimeout as exc:  # a driver that does not say more (the fake one)
            raise TargetNotFoundError(
                _sid(self), step.kind, f"{self.spec.scenario.where(step)}: {target.describe()} matched no visible "
                f"element within {self._timeout(step):.0f} ms at {await self.driver.current_url()}",
                fix="check the target against the page (`synthgen apps serve` to look), or raise timeout_ms") from exc

    async def _reach(self, step: S.StepBase, target: S.Target) -> Located:
        """Locate the target, scrolling it into view with the wheel as a person would."""
        loc = await self._locate(step, target)
        w, h = self.viewport
        slipped: str | None = None  # the intent to go back to after an overscroll's recovery
        for i in range(12):
            b = loc.box
            cy = b.y + b.height / 2.0
            if b.x + b.width > 0 and b.x < w and 8 <= cy <= h - 8:
                if slipped is not None:
                    self._slip_done(slipped)
                return loc
            dy = cy - h * float(self.rng.uniform(0.35, 0.55))
            if i == 0 and abs(dy) > h * 0.5 and self._slip_now("overscroll"):
                # scrolled past it: the target went by, the persona notices and scrolls back
                slipped = self.log.context["intent"]
                self._slipping("overscroll")
                dy += float(np.sign(dy)) * h * float(self.slip_rng.uniform(0.5, 0.9))
                await self._wheel(dy)
                self._recovering()
            else:
                await self._wheel(dy)
            before, loc = loc.box, await self._locate(step, target)
            if abs(loc.box.y - before.y) < 1.0 and abs(loc.box.x - before.x) < 1.0:
                # Nothing moved: the pointer is over something that takes the wheel itself (a focused number
                # field steps its value, a panel scrolls inside). A person moves it onto the page's content,
                # beside the target, and scrolls again.
                x = min(max(loc.box.x + loc.box.width / 2.0, 0.2 * w), 0.8 * w)
                await self._move_to(Box(x - 20.0, h * 0.45, 40.0, h * 0.1), target=None)
        raise StepError(_sid(self), step.kind, f"{target.describe()} stayed outside the viewport after scrolling",  # type: ignore[attr-defined]
                        fix="check that the page scrolls to it (a scroll container under another element?)")

    async def _move_to(self, box: Box, *, target: str | None, within: Box | None = None) -> tuple[float, float]:
        """Move the pointer into ``box``; ``within``: a corridor the path keeps inside (steering through an
        open hover menu, which a path that swings out of it would close)."""
        self._hold = None
        path, end = mouse.plan_move(self.rng, self.motor.mouse, self.cursor, box, self.clock, self.viewport,
                                    homing=self.hand_on_keyboard)
        if within is not None and len(path):
            path = path.clipped(within)
        self.hand_on_keyboard = False
        buttons = 0
        self.approach = mouse.approach_of(path, self.cursor)
        self.log.moves(path, buttons=buttons, target=None)
        if len(path):
            await self._sync(float(path.t_ms[0]))
            self.clock = max(self.clock, path.end_ms)
            if self.opts.mouse_delivery == "timed":
                await self.driver.move_timed([float(t) for t in path.t_ms], [float(v) for v in path.x],
                                             [float(v) for v in path.y])
            else:
                xs, ys = self._dispatch_subset(path)
                await self.driver.move(xs, ys)
        self.cursor = (float(end[0]), float(end[1]))
        return self.cursor

    async def _press(self, at: tuple[float, float], *, button: int, clicks: int, target: str | None,
                     loc: Located | None = None) -> None:
        actions = mouse.plan_click(self.rng, self.motor.mouse, at, self.clock, button=button, clicks=clicks,
                                   viewport=self.viewport, approach=self.approach)
        for a in actions:
            a = a.slip_within(_CLICK_SLIP_MAX_PX, loc.box if loc is not None else None)
            self.log.press(a, target=target, ground=grounding(loc))
            await self._sync(a.t_down)
            await self.driver.mouse_down(a.x, a.y, a.button, a.click_count)
            if a.slip is not None:  # the pointer shifts with the button held, then comes up where it rests
                await self.driver.move([a.slip[1]], [a.slip[2]])
            await self._sync(a.t_up)
            await self.driver.mouse_up(*a.release, a.button, a.click_count)
            self.clock = max(self.clock, a.t_up)
        self.cursor = a.release
        self.approach = None
        await self._action_done()

    async def _click_target(self, step: S.StepBase, target: S.Target, *, button: int = 0, clicks: int = 1,
                            avoid: S.Target | None = None, popup: bool = False) -> Located:
        loc, at = await self._aim(step, target, avoid)
        if popup:
            self.driver.arm_popup()
        await self._press(at, button=button, clicks=clicks, target=loc.description, loc=loc)
        if popup:
            try:
                url = await self.driver.follow_popup(self._timeout(step))
            except PlaywrightTimeout as exc:
                raise StepError(_sid(self), step.kind, f"clicking {target.describe()} opened no pop-up or new tab "  # type: ignore[attr-defined]
                                f"within {self._timeout(step):.0f} ms",
                                fix="drop 'popup: true' if the click opens nothing, or raise timeout_ms") from exc
            self.log.set_context(url=url)
            self.log.add(self.clock, "navigate", target="popup")
        return loc

    async def _aim(self, step: S.StepBase, target: S.Target,
                   avoid: S.Target | None = None) -> tuple[Located, tuple[float, float]]:
        """Bring the pointer onto the target (around ``avoid``), checking that nothing else is on top there."""
        loc = await self._reach(step, target)
        if avoid is not None:
            area = await self._locate(step, avoid)
            via = detour(self.cursor, loc.box, area.box, float(self.rng.uniform(10.0, 24.0)))
            if via is not None:
                await self._move_to(Box(via[0] - 2.0, via[1] - 2.0, 4.0, 4.0), target=None)
                loc = await self._reach(step, target)  # the menu may have moved as the pointer left the bar
                # then steer to the target inside the open menu: the path keeps within the rectangle spanned
                # by where it left the bar and the target (a swing out of the menu closes it)
                b = loc.box
                x0, y0 = min(via[0], b.x) - 4.0, min(via[1], b.y) - 4.0
                x1, y1 = max(via[0], b.x + b.width) + 4.0, max(via[1], b.y + b.height) + 4.0
                at = await self._move_to(b, target=loc.description, within=Box(x0, y0, x1 - x0, y1 - y0))
                return await self._confirm_aim(step, target, loc, at)
        at = await self._move_to(loc.box, target=loc.description)
        return await self._confirm_aim(step, target, loc, at)

    async def _confirm_aim(self, step: S.StepBase, target: S.Target, loc: Located,
                           at: tuple[float, float]) -> tuple[Located, tuple[float, float]]:
        """Check that nothing else is on top where the pointer came to rest, and aim again if so."""
        for _ in range(_REAIMS):
            cover = await self.driver.cover(target, at[0], at[1], self._timeout(step))
            if cover is None:
                break
            # The pointer is not on the target: it moved after it was measured (a late re-render), the
            # aim point sat on its very edge, or something the path opened (a hover menu) covers it. A
            # person notices before pressing and corrects; so does the persona, after a short reaction:
            # first out of the covering layer (a hover menu stays open while the pointer is over it),
            # then onto the target again.
            self._pause(timing.think_ms(self.rng, _REAIM_MEDIAN_MS, 0.3))
            # beside the target inside its own container (a menu's padding): aim again from here; moving out
            # of the container would close a hover menu
            away = None if cover.width < 0 else outside(cover, at, self.viewport, float(self.rng.uniform(12.0, 30.0)))
            if away is not None:
                await self._move_to(Box(away[0] - 2.0, away[1] - 2.0, 4.0, 4.0), target=None)
                self._pause(timing.think_ms(self.rng, _REAIM_MEDIAN_MS, 0.3))
            loc = await self._reach(step, target)
            at = await self._move_to(loc.box, target=loc.description)
        return loc, at

    async def _sync(self, t_ms: float) -> None:
        """Before input planned at ``t_ms``: idle drift not yet sent goes first (timed delivery), then the
        page's clock comes up to ``t_ms``."""
        if self._idle_unsent:
            paths, self._idle_unsent = self._idle_unsent, []
            for p in paths:
                await self.driver.move_timed([float(t) for t in p.t_ms], [float(v) for v in p.x],
                                             [float(v) for v in p.y])
        await self.driver.sync(t_ms)

    def _pause(self, ms: float) -> None:
        """Rest the hand for ``ms`` of synthetic time: the resting hand's idle drift is recorded (sent only with
        timed delivery, at the next input), kept inside the element a hover holds the pointer on."""
        # a hand on the keyboard leaves the mouse where it is: no drift until the hand goes back to it
        idle = mouse.plan_idle(self.rng, self.motor.mouse, self.cursor, self.clock,
                               0.0 if self.hand_on_keyboard else ms, self.viewport)
        if len(idle) and self._hold is not None:
            idle = idle.clipped(self._hold, 1.0)
        self.log.moves(idle)
        if len(idle) and self.opts.mouse_delivery == "timed":
            self._idle_unsent.append(idle)
        if len(idle):
            self.approach = mouse.approach_of(idle, self.cursor)
            self.cursor = (float(idle.x[-1]), float(idle.y[-1]))
        self.clock += ms

    async def _keys(self, actions: list[KeyAction], *, target: str | None, loc: Located | None = None) -> None:
        if not actions:
            return
        self.log.keys(actions, target=target, ground=grounding(loc))
        timeline: list[tuple[float, int, bool, KeyAction]] = []
        for i, a in enumerate(actions):
            timeline.append((a.t_down, i, True, a))
            timeline.append((a.t_up, i, False, a))
        # Sorted by planned time, so rollover (next down before last up) reaches the page as planned.
        order = sorted(timeline, key=lambda e: (e[0], e[1], not e[2]))
        if self.opts.mouse_delivery == "timed":
            # Every key at its planned time on the page's clock (event.timeStamp = t_ms), awaited one by one.
            for t, _, down, a in order:
                await self._sync(t)
                await (self.driver.key_down(a.key, a.code) if down else self.driver.key_up(a.key, a.code))
        else:
            # The page's clock at the burst's start; the keys then go as one pipelined burst (a sync per key
            # would cost a round trip each), and the clock moves to the burst's end after it. Pipelined: tasks
            # start in creation order, so the page gets the keys in this order without a round trip each.
            await self._sync(min(a.t_down for a in actions))
            sends = [asyncio.ensure_future(self.driver.key_down(a.key, a.code) if down else
                                           self.driver.key_up(a.key, a.code)) for _, _, down, a in order]
            for r in await asyncio.gather(*sends, return_exceptions=True):
                if isinstance(r, BaseException):
                    raise r
        self.clock = max(self.clock, max(a.t_up for a in actions))
        await self._sync(self.clock)
        self.hand_on_keyboard = True
        await self._action_done()

    async def _chord(self, chord: str, *, target: str | None, loc: Located | None = None) -> None:
        try:
            actions = keyboard.plan_keys(self.rng, self.motor.keyboard, chord, self.clock)
        except ValueError as exc:
            raise StepError(_sid(self), "press", str(exc), fix="use Playwright key names: Enter, Tab, Control+A, ArrowDown") from exc
        await self._keys(actions, target=target, loc=loc)

    async def _wheel(self, dy: float, dx: float = 0.0) -> None:
        w = scroll.plan_scroll(self.rng, self.motor.scroll, dy, self.cursor, self.clock, dx=dx)
        if len(w) == 0:
            return
        self.log.wheel(w)
        last = len(self.log) - 1
        await self._sync(float(w.t_ms[0]))
        moved = await self.driver.wheel(float(w.x[0]), float(w.y[0]), [float(v) for v in w.delta_x],
                                        [float(v) for v in w.delta_y])
        if isinstance(moved, bool):  # a burst against the end of the page scrolls nothing: not a scroll
            self.log.set(last, "scrolled", moved)
        self.clock = max(self.clock, float(w.t_ms[-1]))
        await self._action_done()

    def _think(self, dist: S.ThinkDist) -> None:
        # Idle drift is recorded but not sent: a few px of drift changes no hover state.
        self._pause(timing.think_ms(self.rng, dist.median_ms, dist.sigma))

    async def _capture(self, reason: str, name: str | None = None) -> None:
        await self._sync(self.clock)  # the screen as it is at this moment of the persona's time
        path, data = await self.observe.shoot(index=len(self.frames), clock=self.clock, reason=reason, name=name)
        self.frames.append(Frame(path, data))
        self.log.add(self.clock, "screenshot", frame=path, target=reason)

    async def _action_done(self) -> None:
        """An input action ended (click, chord, typing burst, scroll burst, drag): capture if the cadence asks."""
        if self.observe.wants_action(self.clock):
            await self._sync(self.clock)  # the page's timers due by now fire first (a delayed redirect)
            await self.driver.settle()  # the page has handled the input (and any navigation it began)
            await self._note_url()
            await self._capture("every" if self.observe.cadence.kind == "every" else "action")

    async def _note_url(self) -> None:
        # Right after a goto, the URL that goto loaded: a redirect the page then starts by script (after
        # an async check) may or may not have happened yet, so it is noted at a later step, once the
        # scenario has waited for it; noting whatever the page shows now would race.
        landed, self._landed = getattr(self, "_landed", None), None
        url = landed or await self.driver.current_url()
        if url != self.log.url:
            self.log.set_context(url=url)
            self.log.add(self.clock, "navigate")
            self._unread = True

    def _with_targets_rendered(self, step: Any) -> Any:
        """The step with ``{{ templates }}`` in its targets filled in (e.g. ``text={{ captured.no }}``)."""
        updates: dict[str, Any] = {}
        for name in ("target", "into", "to", "source", "visible", "field", "avoid"):
            t = getattr(step, name, None)
            if isinstance(t, S.Target):
                r = render_target(t, self.ctx)
                if r is not t:
                    updates[name] = r
        if isinstance(step, S.Fill):
            fields = [f.model_copy(update={"into": render_target(f.into, self.ctx)}) for f in step.fields]
            updates["fields"] = fields
        return step.model_copy(update=updates) if updates else step

    # ---- habits: the way taken, reading, task-level slips (issue 18) ----------------------------------
    def _strategy_of(self, step_id: str) -> str | None:
        """The way the innermost ``do`` step around ``step_id`` took (None outside any)."""
        best, size = None, -1
        for prefix, way in self.strategies.items():
            if step_id.startswith(prefix) and len(prefix) > size:
                best, size = way, len(prefix)
        return best

    async def _read(self, default: S.ThinkDist) -> None:
        """Read the newly shown page: time grows with the words in view and the persona's reading speed and
        share read (a page seen before: a glance). An exploring persona's pointer wanders over the text
        blocks being read; otherwise it rests (idle drift). Never shorter than the scenario's pause."""
        self._unread = False
        b = self.behaviour
        url = self.log.url
        seen = url in self._read_urls
        self._read_urls.add(url)
        await self._sync(self.clock)
        text = await self.driver.reading()
        words = text.words * b.read_fraction * (_REREAD if seen else 1.0)
        spread = float(np.exp(self.read_rng.normal(0.0, 0.3)))
        ms = min(words / b.reading_wpm * 60_000.0 * spread, _READ_CAP_MS)
        ms = max(ms, timing.think_ms(self.rng, default.median_ms, default.sigma))
        wander = bool(self.read_rng.random() < b.exploration) and bool(text.blocks)
        intent, start = self._reading()
        if wander:
            # the first blocks in reading order (top of the page first), one to three of them
            k = int(self.read_rng.integers(1, 4))
            picks = sorted(self.read_rng.choice(min(len(text.blocks), 6), size=min(k, len(text.blocks)),
                                                replace=False).tolist())
            for j, i in enumerate(picks):
                block = text.blocks[i]
                await self._move_to(Box(block.x, block.y, min(block.width, 240.0), block.height), target=None)
                self._pause(max((ms - (self.clock - start)) / (len(picks) - j), 150.0))
        else:
            self._pause(ms)
        self._read_done(intent, start)

    def _reading(self) -> tuple[str, float]:
        """Rows from here are reading (intent 'read'); returns the intent to go back to and the start time."""
        intent = self.log.context["intent"]
        self.log.set_context(intent="read")
        return intent, self.clock

    def _read_done(self, intent: str, start: float) -> None:
        self.read_ms += self.clock - start
        self.log.set_context(intent=intent)

    def _slip_now(self, kind: str) -> bool:
        """Whether a ``kind`` slip happens at this point where one can (one draw at every such point)."""
        u = float(self.slip_rng.random())
        mode = self.opts.slips
        if mode == "persona":
            return u < self.behaviour.slip_rate
        return mode == kind

    def _slipping(self, kind: str) -> None:
        self.n_slips += 1
        self.log.set_context(intent="slip", slip=kind)

    def _recovering(self) -> None:
        self._pause(timing.think_ms(self.rng, *_NOTICE))  # noticing it, deciding to undo it
        self.log.set_context(intent="recover")

    def _slip_done(self, intent: str) -> None:
        self.n_recovered += 1
        self.log.set_context(intent=intent, slip=None)

    async def _misclick(self, step: S.StepBase, target: S.Target) -> None:
        """Maybe click the wrong thing first: another menu beside a menu button (closed with Escape), or the
        item next to the target in its list (undone with Back, or Escape if it opened a layer)."""
        mode = self.opts.slips
        kinds = [mode] if mode in ("wrong_menu", "neighbour_click") else ["wrong_menu", "neighbour_click"]
        if not self._slip_now(kinds[0]):
            return
        await self._reach(step, target)
        after = bool(self.slip_rng.random() < 0.5)
        for kind in kinds:  # a menu button's slip is another menu; anything else's, the next item
            spot = await self.driver.slip_target(target, kind, after, self._timeout(step))
            if spot is not None:
                break
        else:
            return
        intent = self.log.context["intent"]
        url, layers = await self.driver.current_url(), await self.driver.layers()
        self._slipping(kind)
        at = await self._move_to(spot.box, target=None)
        await self._press(at, button=0, clicks=1, target=None, loc=spot)
        await self.driver.settle()
        await self._note_url()
        self._unread = False  # a glance tells the persona it is the wrong page: no reading
        self._recovering()
        if await self.driver.current_url() != url:
            await self._chord("Alt+ArrowLeft", target=None)
            await self.driver.go_back(self._timeout(step))
            await self.driver.settle()
            await self._note_url()
            self._unread = False
        elif await self.driver.layers() > layers:
            await self._chord("Escape", target=None)
            await self.driver.settle()
        self._slip_done(intent)

    async def _wrong_field(self, step: S.StepBase, into: S.Target, text: str) -> None:
        """Maybe start typing into the empty field next to the intended one, notice, and delete it again."""
        if not self._slip_now("wrong_field"):
            return
        await self._reach(step, into)
        spot = await self.driver.slip_target(into, "wrong_field", bool(self.slip_rng.random() < 0.5),
                                             self._timeout(step))
        typed = text[:int(self.slip_rng.integers(1, 5))]
        if spot is None or not typed:
            return
        intent = self.log.context["intent"]
        self._slipping("wrong_field")
        at = await self._move_to(spot.box, target=None)
        await self._press(at, button=0, clicks=1, target=None, loc=spot)
        await self._keys(keyboard.plan_typing(self.rng, self.motor.keyboard, typed, self.clock,
                                              allow_uncorrected=False), target=None)
        self._recovering()
        for _ in typed:
            await self._chord("Backspace", target=None)
        self._slip_done(intent)

    # ---- steps ---------------------------------------------------------------------------------
    async def run(self) -> None:
        self.step_id = "variables"  # what a failure here is reported as (failed_step)
        self.ctx.data = data_row(self.spec.scenario, self.spec.index, self.plan_rng)
        self.ctx.variables.update(render_variables(dict(self.spec.scenario.variables), self.ctx))
        w, h = self.viewport
        self.log.set_context(step_id="0", intent="session")
        self.log.add(0.0, "viewport", x=float(w), y=float(h))
        # The page lives in the persona's time from here: its Date starts at sessions.start_time and its
        # timers run as the plan's time passes (PlaywrightDriver.start_clock).
        if self.opts.page_clock:
            await self.driver.start_clock(session_start_time(self.spec.seed).timestamp() * 1000.0)
        sc = self.spec.scenario
        await self._hook("setup", sc.setup)
        try:
            if sc.login is not None:
                await self._login(sc.login)
            await self._run_stream(iter_actions(sc, self.plan_rng, self.habits, self.strategies))
        except Exception:
            if sc.teardown:  # best effort: the session's own failure is what it reports
                try:
                    await self._hook("teardown", sc.teardown)
                except Exception:
                    pass
            raise
        await self._hook("teardown", sc.teardown)

    async def _hook(self, name: str, steps: list[Any]) -> None:
        """Run ``setup``/``teardown`` steps (or an unrecorded log-in) in this page, recording nothing: a scratch
        session with its own seed plans the input, so the session's own events do not depend on them."""
        if not steps:
            return
        sc = self.spec.scenario
        scratch_sc = sc.model_copy(update={"steps": steps, "setup": [], "teardown": [], "login": None})
        scratch = _Session(dataclasses.replace(self.spec, scenario=scratch_sc, seed=_hook_seed(self.spec.seed, name)),
                           self.driver, dataclasses.replace(self.opts, screenshots="off", failure_screenshot=False))
        scratch.ctx = self.ctx  # the same persona, data row and variables
        scratch.cursor = self.cursor
        await scratch._run_stream(iter_steps(scratch_sc, steps, f"{name}.", scratch.plan_rng))

    async def _login(self, login: Any) -> None:
        """The scenario's log-in: recorded (``record``), or the stored state of an earlier one, or run unrecorded."""
        key = (self.spec.scenario.name, self.spec.persona.persona_id, self.spec.base_url)
        recorded = login.record == "every" or (login.record == "first" and self.spec.first_of_persona)
        if recorded:
            rng = np.random.default_rng([self.spec.seed, 0x10C1])  # its own draws: the steps' stay the same
            await self._run_stream(iter_steps(self.spec.scenario, login.steps, "login.", rng, self.habits,
                                              self.strategies))
        elif key in _LOGIN_STATES:
            await self.driver.restore_state(_LOGIN_STATES[key])
            return
        else:
            await self._hook("login", login.steps)
        if login.record != "every":
            _LOGIN_STATES.pop(key, None)
            _LOGIN_STATES[key] = await self.driver.storage_state()
            while len(_LOGIN_STATES) > _LOGIN_STATES_MAX:
                _LOGIN_STATES.pop(next(iter(_LOGIN_STATES)))

    async def _run_stream(self, stream: Iterable[tuple[str, Any]]) -> None:
        """Run action steps in order: think between them, dispatch, settle, capture as the cadence asks."""
        default_think = self.spec.scenario.think
        for step_id, step in stream:
            self.step_id = step_id
            self._actions += 1
            self._check_bounds(step, self._actions)
            self.log.set_context(step_id=step_id, intent=step.kind, strategy=self._strategy_of(step_id), slip=None)
            if self._unread and step.kind in _INPUT_KINDS:
                await self._read(default_think)  # reading the new page takes the place of the pause
            elif not self._first and step.kind not in ("think", "screenshot", "assert", "capture", "wait_for"):
                self._think(default_think)
            self._first = False
            await self.observe.step_started(self.clock)
            handler: Callable[[Any], Awaitable[None]] = getattr(self, f"_do_{step.kind}")
            try:
                await handler(self._with_targets_rendered(step))
                await self.driver.settle()
            except SynthgenError:
                raise
            except PlaywrightTimeout as exc:
                raise StepError(step_id, step.kind, f"timed out after {self._timeout(step):.0f} ms: "
                                f"{_first_line(exc)}", fix="raise timeout_ms or check the app") from exc
            except PlaywrightError as exc:
                # A followed pop-up that closed itself (its form submitted): the step is done, the session
                # goes on in the page that opened it.
                if not await self.driver.popup_gone():
                    raise StepError(step_id, step.kind, _first_line(exc)) from exc
            await self._note_url()
            if self.observe.wants_step(self.clock, step.kind):
                await self._capture("every" if self.observe.cadence.kind == "every" else "step")
            await self.observe.step_ended(self.clock)

    def _check_bounds(self, step: S.StepBase, actions: int) -> None:
        """Fail the session before its ``actions``-th action if that passes a bound (``SessionOptions``)."""
        if actions > self.opts.max_actions:
            raise StepError(self.step_id, step.kind, f"the session reached its bound of {self.opts.max_actions:,} "
                            "actions", fix="lower the scenario's repeat counts, or raise --max-actions")
        if self.clock > self.opts.max_synthetic_s * 1000.0:
            raise StepError(self.step_id, step.kind, f"the session ran past its bound of "
                            f"{self.opts.max_synthetic_s:,.0f} s of synthetic time",
                            fix="shorten the scenario's repeats or think times, or raise --max-synthetic-s")

    async def _do_goto(self, step: S.Goto) -> None:
        url = self._abs_url(step.url)
        await self.driver.goto(url, float(step.timeout_ms or self.opts.goto_timeout_ms))
        self._caught_up()
        self._landed: str | None = getattr(self.driver, "landed_url", None)  # after HTTP redirects
        self.clock += timing.think_ms(self.rng, 600.0, 0.4)  # the page renders and the eye finds its way

    async def _do_click(self, step: S.Click) -> None:
        if step.button == "left" and step.clicks == 1 and not step.popup and step.avoid is None:
            await self._misclick(step, step.target)
            await self._review(step, step.target)
            if await self._double_toggle(step, step.target):
                return
        await self._click_target(step, step.target, button=_BUTTON_NUM[step.button], clicks=step.clicks,
                                 avoid=step.avoid, popup=step.popup)

    async def _double_toggle(self, step: S.StepBase, target: S.Target) -> bool:
        """Maybe double-click a toggle button (Bold, Star) meant to be clicked once: it toggles twice and shows
        its old state, so the persona clicks it once more. True when the click was done this way."""
        before = await self.driver.toggled(target, self._timeout(step))
        if before is None or not self._slip_now("double_click"):
            return False
        intent = self.log.context["intent"]
        self._slipping("double_click")
        await self._click_target(step, target, clicks=2)
        await self.driver.settle()
        self._recovering()
        if await self.driver.toggled(target, self._timeout(step)) == before:
            await self._click_target(step, target)
        self._slip_done(intent)
        return True

    async def _review(self, step: S.StepBase, target: S.Target) -> None:
        """A careful persona re-reads a form's filled fields before pressing its submit button."""
        if not bool(self.read_rng.random() < self.behaviour.carefulness):
            return
        words = await self.driver.submit_words(target, self._timeout(step))
        if not words:
            return
        intent, start = self._reading()
        self._pause(words / self.behaviour.reading_wpm * 60_000.0 * float(np.exp(self.read_rng.normal(0.0, 0.3))))
        self._read_done(intent, start)

    async def _do_hover(self, step: S.Hover) -> None:
        loc, _ = await self._aim(step, step.target, step.avoid)
        self.clock += timing.think_ms(self.rng, 350.0, 0.4)
        # The persona holds the pointer on what it hovers (a hover menu stays open while it rests there):
        # until the next move its idle drift stays inside that element.
        self._hold = loc.box

    async def _type_into(self, step: S.StepBase, into: S.Target | None, text: str, *, clear: bool,
                         think_first: bool, exact: bool = False) -> None:
        loc: Located | None = None
        if into is not None:
            await self._wrong_field(step, into, render(text, self.ctx))
            loc = await self._click_target(step, into)
            desc = loc.description
        else:  # where the focus is: the caret stays where earlier steps left it
            focused = await self.driver.focused()
            if focused is None:
                raise StepError(_sid(self), step.kind, "'focused: true' but no element has the focus",
                                fix="click into the field first (or press Tab), or give 'into: <target>'")
            desc = focused
        if clear:
            await self._chord("Control+A", target=desc, loc=loc)
            await self._chord("Backspace", target=desc, loc=loc)
        actions = keyboard.plan_typing(self.rng, self.motor.keyboard, render(text, self.ctx), self.clock,
                                       think_first=think_first, allow_uncorrected=not exact)
        await self._keys(actions, target=desc, loc=loc)

    async def _do_type(self, step: S.Type) -> None:
        await self._type_into(step, step.into, step.text, clear=step.clear, think_first=step.think_first,
                              exact=step.exact)

    async def _do_fill(self, step: S.Fill) -> None:
        tab_draw = float(self.read_rng.random())  # drawn always: a scenario's via does not shift later draws
        via = step.via or ("tab" if tab_draw < self.behaviour.tab_share else "click")
        for i, f in enumerate(step.fields):
            if i == 0 or via == "click":
                await self._type_into(step, f.into, f.value, clear=True, think_first=False, exact=step.exact)
            else:
                loc = await self._locate(step, f.into)
                await self._chord("Tab", target=loc.description, loc=loc)
                if not await self.driver.has_focus(f.into, self._timeout(step)):
                    # the field is not next in the tab order: the persona sees the caret elsewhere and clicks
                    await self._type_into(step, f.into, f.value, clear=True, think_first=False, exact=step.exact)
                    self.clock += timing.think_ms(self.rng, 300.0, 0.5)
                    continue
                actions = keyboard.plan_typing(self.rng, self.motor.keyboard, render(f.value, self.ctx), self.clock,
                                               allow_uncorrected=not step.exact)
                await self._keys(actions, target=loc.description, loc=loc)
            self.clock += timing.think_ms(self.rng, 300.0, 0.5)

    async def _do_press(self, step: S.Press) -> None:
        for chord in step.keys:
            await self._chord(render(chord, self.ctx), target=None)

    async def _do_select(self, step: S.Select) -> None:
        loc = await self._click_target(step, step.target)
        # The option list is browser chrome outside the page, so an in-page collector sees only the change.
        self.clock += timing.think_ms(self.rng, 700.0, 0.4)
        option = render(step.option, self.ctx)
        await self.driver.select_option(step.target, option, self._timeout(step))
        self.log.add(self.clock, "change", target=loc.description, value=option, **grounding(loc))

    async def _set_checked(self, step: S.StepBase, target: S.Target, want: bool) -> None:
        loc = await self._reach(step, target)
        if await self.driver.is_checked(target, self._timeout(step)) != want:
            at = await self._move_to(loc.box, target=loc.description)
            if not self._slip_now("double_click"):
                await self._press(at, button=0, clicks=1, target=loc.description, loc=loc)
                return
            # a double click where one was meant: the box toggles twice and looks untouched; clicked again
            intent = self.log.context["intent"]
            self._slipping("double_click")
            await self._press(at, button=0, clicks=2, target=loc.description, loc=loc)
            await self.driver.settle()
            self._recovering()
            if await self.driver.is_checked(target, self._timeout(step)) != want:
                loc = await self._reach(step, target)
                at = await self._move_to(loc.box, target=loc.description)
                await self._press(at, button=0, clicks=1, target=loc.description, loc=loc)
            self._slip_done(intent)

    async def _do_check(self, step: S.Check) -> None:
        await self._set_checked(step, step.target, True)

    async def _do_uncheck(self, step: S.Uncheck) -> None:
        await self._set_checked(step, step.target, False)

    async def _do_scroll(self, step: S.Scroll) -> None:
        if step.to is not None:
            await self._reach(step, step.to)
        else:
            await self._wheel(float(step.by or 0.0), dx=step.dx)

    async def _do_drag(self, step: S.Drag) -> None:
        src = await self._reach(step, step.source)
        start = await self._move_to(src.box, target=src.description)
        if step.to is not None:
            dest = await self._locate(step, step.to)
            dest_box, dest_desc = await self._drop_zone(step, step.to, dest.box), dest.description
        else:
            x, y = step.to_xy  # type: ignore[misc]
            dest_box, dest_desc = Box(x - 1, y - 1, 2, 2), None
        down, path = mouse.plan_drag(self.rng, self.motor.mouse, start, dest_box, self.clock, self.viewport)
        bit = BUTTON_BITS[down.button]
        self.log.add(down.t_down, "mousedown", x=down.x, y=down.y, button=down.button, buttons=bit,
                     target=src.description)
        self.log.moves(path, buttons=bit)
        end = (float(path.x[-1]), float(path.y[-1])) if len(path) else start
        self.log.add(down.t_up, "mouseup", x=end[0], y=end[1], button=down.button, buttons=0, target=dest_desc)
        await self.driver.mouse_down(down.x, down.y, down.button, 1)
        xs, ys = self._dispatch_subset(path) if len(path) else ([], [])
        # One at a time: native drag and drop (dragstart, dragover, drop) runs on the moves Chromium has
        # handled; pipelined ones reach it coalesced and the row is lifted but never dropped.
        await self.driver.move_awaited(xs, ys)
        await self.driver.mouse_up(end[0], end[1], down.button, 1)
        self.cursor = end
        self.clock = max(self.clock, down.t_up)
        await self._action_done()

    async def _drop_zone(self, step: S.StepBase, target: S.Target, box: Box) -> Box:
        """The part of a drop target a person can see and point at: inside the viewport and not under another
        layer. A tall column scrolled half out of view under a sticky app bar was dropped on at y=17, on the
        bar (kanban: the card went back to its own column)."""
        w, h = self.viewport
        x0, x1 = max(box.x, 0.0), min(box.x + box.width, float(w))
        y0, y1 = max(box.y, 0.0), min(box.y + box.height, float(h))
        if x1 - x0 < 4 or y1 - y0 < 4:
            return box
        n = 12
        ys = [y0 + (y1 - y0) * (k + 0.5) / n for k in range(n)]
        free = [await self.driver.cover(target, (x0 + x1) / 2.0, y, self._timeout(step)) is None for y in ys]
        runs = [list(g) for is_free, g in itertools.groupby(range(n), key=free.__getitem__) if is_free]
        if not runs:
            return Box(x0, y0, x1 - x0, y1 - y0)
        best = max(runs, key=len)  # the longest run of free samples (the first of equal ones)
        half = (y1 - y0) / n / 2.0
        top, bottom = ys[best[0]] - half, ys[best[-1]] + half
        return Box(x0, top, x1 - x0, bottom - top)

    async def _do_upload(self, step: S.Upload) -> None:
        name, mime, data = make_upload(self.rng, render(step.name, self.ctx), step.size_kb, step.content)
        loc = await self._reach(step, step.target)
        await self._move_to(loc.box, target=loc.description)
        # The OS file dialog is outside the page: the collector sees the move and then the input's change.
        self.clock += timing.think_ms(self.rng, 2500.0, 0.4)
        await self.driver.set_files(step.target, name, mime, data, self._timeout(step))

    async def _do_wait_for(self, step: S.WaitFor) -> None:
        t = self._timeout(step)
        await self._sync(self.clock)  # what the page did by now (its timers) comes before the wait
        try:
            if step.text is not None:
                await self.driver.wait_text(render(step.text, self.ctx), t)
            elif step.target is not None and step.state != "visible":
                await self.driver.wait_state(step.target, step.state, t)
            elif step.target is not None:
                await self.driver.wait_target(step.target, t)
            elif step.idle_ms is not None:
                await self.driver.wait_idle(step.idle_ms, t)
            else:
                await self.driver.wait_url(render(step.url or "", self.ctx), t)
        except TargetMissing as exc:  # a target that never appeared, with what the page has instead
            raise TargetNotFoundError(self.step_id, "wait_for", f"{self.spec.scenario.where(step)}: {exc}",
                                      fix=exc.fix or "check the expected element, or raise timeout_ms") from exc
        except PlaywrightTimeout as exc:
            where = self.spec.scenario.where(step)
            if step.idle_ms is not None:
                raise StepError(self.step_id, "wait_for", f"{where}: the app did not go idle for {step.idle_ms:.0f} "
                                f"ms within {t:.0f} ms: {_first_line(exc)}",
                                fix="raise timeout_ms, or wait for an element instead (a page that polls never idles)") from exc
            what = step.text or (step.target.describe() if step.target else step.url)
            became = {"visible": "appear", "attached": "appear in the page", "hidden": "go out of sight",
                      "detached": "leave the page"}[step.state]
            raise TargetNotFoundError(self.step_id, "wait_for", f"{where}: {what!r} did not {became} within "
                                      f"{t:.0f} ms at {await self.driver.current_url()}",
                                      fix="check the expected text/element/URL, or raise timeout_ms") from exc
        self._caught_up()
        # Synthetic, not wall time: a person notices the change after a reaction time.
        self.clock += timing.think_ms(self.rng, 450.0, 0.35)

    async def _do_think(self, step: S.Think) -> None:
        self._think(step.dist)

    async def _do_assert(self, step: S.Assert) -> None:
        t = float(step.timeout_ms or min(self.opts.step_timeout_ms, 5_000.0))
        await self._sync(self.clock)
        try:
            if step.text is not None:
                await self.driver.wait_text(render(step.text, self.ctx), t)
            elif step.visible is not None:
                await self.driver.wait_target(step.visible, t)
            elif step.field is not None:
                await self.driver.wait_value(step.field, render(step.value or "", self.ctx), t)
            else:
                await self.driver.wait_url(render(step.url or "", self.ctx), t)
        except TargetMissing as exc:
            raise AssertionFailedError(self.step_id, "assert", f"{self.spec.scenario.where(step)}: expected "
                                       f"{exc}", fix="check the scenario's earlier steps reached this state") from exc
        except PlaywrightTimeout as exc:
            what = (f"text {step.text!r} visible" if step.text is not None else
                    f"{step.visible.describe()} visible" if step.visible else
                    f"{step.field.describe()} to hold {render(step.value or '', self.ctx)!r} ({_first_line(exc)})"
                    if step.field else f"URL matches {step.url!r}")
            raise AssertionFailedError(self.step_id, "assert", f"{self.spec.scenario.where(step)}: expected {what}; "
                                       "page is at "
                                       f"{await self.driver.current_url()}",
                                       fix="check the scenario's earlier steps reached this state") from exc

    async def _do_screenshot(self, step: S.Screenshot) -> None:
        await self._capture("screenshot", step.name)

    async def _do_capture(self, step: S.Capture) -> None:
        self.ctx.captured[step.name] = await self.driver.read(step.target, step.attribute, self._timeout(step))


def _hook_seed(seed: int, name: str) -> int:
    """The seed of a setup/teardown/log-in scratch session: fixed by the session's seed and the hook's name.

    >>> _hook_seed(7, "setup") == _hook_seed(7, "setup") != _hook_seed(7, "teardown")
    True
    """
    return int(np.random.SeedSequence([seed, sum(name.encode()) * 7919 + len(name)]).generate_state(1)[0])


def _sid(s: _Session) -> str:
    return getattr(s, "step_id", "?")


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in name)[:40]


def _task(sc: Scenario, ctx: TemplateContext) -> str:
    """The scenario's task with this session's values (its description when it has no task)."""
    if not sc.task:
        return sc.description
    try:
        return render(sc.task, ctx)
    except SynthgenError:  # a failed session may stop before the capture the task names: say it unrendered
        return sc.task


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


async def run_session(spec: SessionSpec, driver: Driver, opts: SessionOptions = SessionOptions(),
                      observer: Observer | None = None, recorder: RrwebRecorder | None = None) -> SessionResult:
    """Run one session to the end or its first failing step; never raises for a step failure.

    A failed session keeps the events it produced up to the failure (and a screenshot of the page),
    with ``status='failed'`` and the step and reason in ``error``. ``observer`` captures screen content
    (default: images through the driver); ``recorder``, already installed on the page, records rrweb.
    """
    observe = ObserveController(spec.session_id, opts.screenshots, capture_spec(opts),
                                observer or DriverObserver(driver), recorder)
    s = _Session(spec, driver, opts, observe)
    error: str | None = None
    failed_step: str | None = None
    bound = asyncio.timeout(opts.max_wall_s)
    try:
        async with bound:
            await s.run()
    except TimeoutError as exc:
        if not bound.expired():
            error, failed_step = f"step {_sid(s)}: {type(exc).__name__}: {_first_line(exc)}", _sid(s)
        else:  # wall time shapes nothing written unless a session runs into this bound
            error, failed_step = (f"step {_sid(s)}: the session ran past its bound of {opts.max_wall_s:,.0f} s of "
                                  "wall time; raise --max-wall-s if the app is just slow", _sid(s))
    except StepError as exc:
        error, failed_step = str(exc), exc.step_id
    except SynthgenError as exc:
        error, failed_step = f"step {_sid(s)}: {exc}", _sid(s)
    except PlaywrightError as exc:
        error, failed_step = f"step {_sid(s)}: browser error: {_first_line(exc)}", _sid(s)
    except Exception as exc:  # anything else one session ran into is that session's failure, not the run's
        error, failed_step = f"step {_sid(s)}: {type(exc).__name__}: {_first_line(exc)}", _sid(s)
    if error is not None and opts.failure_screenshot:
        try:
            s.log.set_context(intent="failure")
            await s._capture("failure", "failure")
        except Exception:  # the page may be gone (crashed); the error already says why
            pass
    try:
        ua = await driver.user_agent()
    except Exception:
        ua = ""
    table = s.log.to_table()
    sc = spec.scenario
    row = {
        "session_id": spec.session_id, "scenario": sc.name, "scenario_file": scenario_file(sc.relpath),
        "app": sc.app_name, "tags": list(sc.tags), "task": _task(sc, s.ctx),
        "persona_id": spec.persona.persona_id, "seed": spec.seed, "base_url": spec.base_url,
        "viewport_w": s.viewport[0], "viewport_h": s.viewport[1], "user_agent": ua,
        "start_time": session_start_time(spec.seed), "duration_ms": float(s.clock),
        "n_events": table.num_rows, "strategy": next(iter(s.strategies.values()), None), "slips": s.n_slips,
        "recoveries": s.n_recovered, "read_ms": float(s.read_ms),
        "status": "ok" if error is None else "failed", "error": error,
        "failed_step": failed_step, "generator_version": __version__, "schema_version": SCHEMA_VERSION,
    }
    start_ms = row["start_time"].timestamp() * 1000.0
    try:
        observations, recording = await observe.finish(s.clock, table, start_ms)
    except Exception:  # the page may be gone; the events are the record and stay
        observations, recording = observe.log.to_table(table) if len(observe.log) else None, None
    return SessionResult(row=row, events=table, frames=s.frames, observations=observations, recording=recording)
