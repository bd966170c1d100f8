"""The step vocabulary of scenario files, as pydantic models (the loader builds these from YAML).

Action steps are what the session executes; control steps (repeat, choice, optional, include) are
expanded by the planner (:mod:`synthgen.scenario.planner`) into a flat stream of action steps, each with
a hierarchical ``step_id`` such as ``"4.2.1"``. String fields may hold ``{{ templates }}``; the session
renders them at run time with :func:`synthgen.scenario.templating.render`.

>>> Click(target=Target(role="button", name="Send")).kind
'click'
"""

from __future__ import annotations

from typing import Annotated, Literal, Optional, Union

import difflib

from pydantic import BaseModel, ConfigDict, Field, model_validator

from synthgen.motor.chords import chord_problem
from synthgen.scenario.targets import LOCATOR_KINDS, role_problem

__all__ = [
    "Target", "ThinkDist", "StepBase",
    "Goto", "Click", "Hover", "Type", "FillField", "Fill", "Press", "Select", "Check", "Uncheck",
    "Scroll", "Drag", "Upload", "WaitFor", "Think", "Assert", "Screenshot", "Capture",
    "Repeat", "Branch", "Choice", "Optional_", "Include", "Do", "WAYS",
    "ActionStep", "ControlStep", "Step", "ACTION_KINDS", "CONTROL_KINDS", "STEP_KINDS",
]


class _Model(BaseModel):
    # coerce_numbers_to_str: YAML reads `option: 2024` or `text: 12345` as numbers; QA means the text
    model_config = ConfigDict(extra="forbid", frozen=True, coerce_numbers_to_str=True)


class Target(_Model):
    """How to find an element. Exactly one locator kind, plus ``exact``/``nth``.

    Choice rule where several match: the first *visible* match in document order, unless ``nth``
    (0-based, negative counts from the end) says otherwise.

    >>> Target(label="Email").describe()
    'label=Email'
    """

    role: Optional[str] = None
    name: Optional[str] = None  # accessible name, with role
    label: Optional[str] = None
    placeholder: Optional[str] = None
    text: Optional[str] = None
    testid: Optional[str] = None
    css: Optional[str] = None
    exact: bool = False
    nth: Optional[int] = None
    # Only elements inside this one count (e.g. the Save button of the dialog, not the page's).
    within: Optional["Target"] = None

    @model_validator(mode="after")
    def _one_locator(self) -> "Target":
        kinds = [k for k in LOCATOR_KINDS if getattr(self, k) is not None]
        if len(kinds) != 1:
            raise ValueError(
                "a target needs exactly one of role, label, placeholder, text, testid, css "
                f"(got {', '.join(kinds) or 'none'})")
        if self.name is not None and self.role is None:
            raise ValueError("'name' only goes with 'role' (e.g. {role: button, name: Send})")
        if self.role is not None and (bad := role_problem(self.role)):
            raise ValueError(bad)
        return self

    def describe(self) -> str:
        """A short stable text for errors and the events ``target`` column.

        >>> Target(text="Save", within=Target(role="dialog", name="Rename file")).describe()
        'text=Save within role=dialog[name=Rename file]'
        """
        for k in ("role", "label", "placeholder", "text", "testid", "css"):
            v = getattr(self, k)
            if v is not None:
                s = f"{k}={v}"
                if k == "role" and self.name is not None:
                    s += f"[name={self.name}]"
                if self.nth is not None:
                    s += f"[nth={self.nth}]"
                if self.within is not None:
                    s += f" within {self.within.describe()}"
                return s
        return "?"


class ThinkDist(_Model):
    """A think-time distribution: log-normal with a median (ms) and a spread (sigma of the log).

    >>> ThinkDist(median_ms=800).sigma
    0.5
    """

    median_ms: float = Field(800.0, ge=0, le=600_000)
    sigma: float = Field(0.5, ge=0, le=3)


class StepBase(_Model):
    """Fields every step may carry."""

    id: Optional[str] = None  # a name for the step; defaults to its position
    timeout_ms: Optional[float] = Field(None, gt=0, le=600_000)
    line: Optional[int] = Field(None, exclude=True)  # source line, set by the loader
    flow_file: Optional[str] = Field(None, exclude=True)  # the flows file holding the step (None: the scenario's)


class Goto(StepBase):
    kind: Literal["goto"] = "goto"
    url: str  # absolute, or relative to the scenario's base URL


class Click(StepBase):
    """Click a target. ``popup: true``: the click opens a pop-up window or tab, and the next steps run in it
    (until it closes, when they go back to the page that opened it); without it such pages are closed.
    ``avoid``: an area the pointer goes around on its way (a menu bar whose menus open on hover).

    >>> Click(target=Target(text="+"), popup=True).popup
    True
    """

    kind: Literal["click"] = "click"
    target: Target
    button: Literal["left", "right", "middle"] = "left"
    clicks: int = Field(1, ge=1, le=3)
    popup: bool = False
    avoid: Optional[Target] = None


class Hover(StepBase):
    """Rest the pointer on a target; ``avoid`` as for :class:`Click`. The pointer ends on the target itself:
    if something else is on top when it arrives (another menu the path opened), it moves out and aims again."""

    kind: Literal["hover"] = "hover"
    target: Target
    avoid: Optional[Target] = None


class Type(StepBase):
    """Type text: into a target (clicked first), or ``focused: true`` where the focus already is (a rich-text
    editor's caret stays where the earlier steps left it).

    >>> Type(text="hi", focused=True).into is None
    True
    """

    kind: Literal["type"] = "type"
    into: Optional[Target] = None
    focused: bool = False
    text: str
    clear: bool = False  # select all and delete what the field holds first
    think_first: bool = False  # a longer pause before a field that needs thought
    # Every typo gets corrected (a field the app would reject with a wrong value, e.g. an e-mail);
    # otherwise the persona may, rarely, leave one in, as people do.
    exact: bool = False

    @model_validator(mode="after")
    def _where(self) -> "Type":
        if (self.into is None) == self.focused:
            return self
        raise ValueError("type needs exactly one of 'into' (a target, clicked first) or 'focused: true' "
                         "(type where the focus is)")


class FillField(_Model):
    into: Target
    value: str


class Fill(StepBase):
    """Fill several fields: click into the first, then ``via`` click or Tab to the next. Without ``via`` the
    persona's habit decides (``tab_share``, :mod:`synthgen.persona.behaviour`), once per fill step; a Tab that
    does not land in the next field (it is not next in the tab order) is followed by a click into it."""

    kind: Literal["fill"] = "fill"
    fields: list[FillField] = Field(min_length=1)
    via: Optional[Literal["click", "tab"]] = None
    exact: bool = False  # as Type.exact, for every field


class Press(StepBase):
    """Press keys or chords, one after the other: ``Enter``, ``Control+A``, ``Shift+Tab``, ``?``. Every name
    is one the key planner presses (:mod:`synthgen.motor.chords`); an unknown one is refused with the nearest.

    >>> Press(keys=["Shift+Tab"]).keys
    ['Shift+Tab']
    >>> try:
    ...     Press(keys=["Entr"])
    ... except ValueError as e:
    ...     print(e.errors()[0]["msg"])
    Value error, unknown key 'Entr' in 'Entr'; did you mean 'Enter'?
    """

    kind: Literal["press"] = "press"
    keys: list[str] = Field(min_length=1)  # each a key or chord: "Enter", "Control+A", "Shift+Tab"

    @model_validator(mode="after")
    def _known_keys(self) -> "Press":
        for chord in self.keys:
            if "{{" in chord:  # a template: checked when the session renders it
                continue
            bad = chord_problem(chord)
            if bad is not None:
                raise ValueError("; ".join(bad))
        return self


class Select(StepBase):
    kind: Literal["select"] = "select"
    target: Target
    option: str  # the option's label (or value)


class Check(StepBase):
    kind: Literal["check"] = "check"
    target: Target


class Uncheck(StepBase):
    kind: Literal["uncheck"] = "uncheck"
    target: Target


class Scroll(StepBase):
    kind: Literal["scroll"] = "scroll"
    to: Optional[Target] = None
    by: Optional[float] = None  # px down (negative: up)
    dx: float = 0.0

    @model_validator(mode="after")
    def _to_or_by(self) -> "Scroll":
        if (self.to is None) == (self.by is None):
            raise ValueError("scroll needs exactly one of 'to' (a target) or 'by' (px)")
        return self


class Drag(StepBase):
    kind: Literal["drag"] = "drag"
    source: Target
    to: Optional[Target] = None
    to_xy: Optional[tuple[float, float]] = None

    @model_validator(mode="after")
    def _dest(self) -> "Drag":
        if (self.to is None) == (self.to_xy is None):
            raise ValueError("drag needs exactly one of 'to' (a target) or 'to_xy' ([x, y])")
        return self


class Upload(StepBase):
    """Set a generated file (deterministic content) on a file input."""

    kind: Literal["upload"] = "upload"
    target: Target
    name: str = "upload.txt"
    size_kb: float = Field(4.0, gt=0, le=10_240)
    content: Literal["text", "csv", "png"] = "text"


class WaitFor(StepBase):
    """Wait for text, an element (``state``: visible, attached to the page though unseen, hidden, or
    detached: gone), a URL, or ``idle_ms``: the app idle, no request of the page pending for that long.

    >>> WaitFor(target=Target(css="#spinner"), state="hidden").state
    'hidden'
    """

    kind: Literal["wait_for"] = "wait_for"
    text: Optional[str] = None
    target: Optional[Target] = None
    url: Optional[str] = None  # a regular expression the page URL must match
    idle_ms: Optional[float] = Field(None, gt=0, le=60_000)
    state: Literal["visible", "attached", "hidden", "detached"] = "visible"

    @model_validator(mode="after")
    def _one(self) -> "WaitFor":
        if sum(v is not None for v in (self.text, self.target, self.url, self.idle_ms)) != 1:
            raise ValueError("wait_for needs exactly one of 'text', 'target', 'url', 'idle_ms'")
        if self.state != "visible" and self.target is None:
            raise ValueError("'state' goes with 'target' (e.g. {target: \"css=.spinner\", state: hidden})")
        return self


class Think(StepBase):
    kind: Literal["think"] = "think"
    dist: ThinkDist = ThinkDist()


class Assert(StepBase):
    """Check the page: text visible, an element visible, the URL, or a form ``field``'s ``value``.

    >>> Assert(field=Target(label="Title"), value="Draft").value
    'Draft'
    """

    kind: Literal["assert"] = "assert"
    text: Optional[str] = None  # visible somewhere on the page
    visible: Optional[Target] = None
    url: Optional[str] = None  # regular expression
    field: Optional[Target] = None  # an input, textarea, select or contenteditable element
    value: Optional[str] = None  # what the field holds (exactly)

    @model_validator(mode="after")
    def _one(self) -> "Assert":
        if sum(v is not None for v in (self.text, self.visible, self.url, self.field)) != 1:
            raise ValueError("assert needs exactly one of 'text', 'visible', 'url', 'field'")
        if (self.field is None) != (self.value is None):
            raise ValueError("'field' and 'value' go together (e.g. {field: \"label=Title\", value: Draft})")
        return self


class Screenshot(StepBase):
    kind: Literal["screenshot"] = "screenshot"
    name: Optional[str] = None


class Capture(StepBase):
    """Store a value from the page as ``{{ captured.<name> }}``."""

    kind: Literal["capture"] = "capture"
    name: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    target: Target
    attribute: Optional[str] = None  # default: the element's text (or value for inputs)


class Repeat(StepBase):
    kind: Literal["repeat"] = "repeat"
    times: Optional[int] = Field(None, ge=0, le=10_000)
    min: Optional[int] = Field(None, ge=0, le=10_000)
    max: Optional[int] = Field(None, ge=0, le=10_000)
    steps: list["Step"] = Field(min_length=1)

    @model_validator(mode="after")
    def _count(self) -> "Repeat":
        if self.times is None and (self.min is None or self.max is None):
            raise ValueError("repeat needs 'times', or both 'min' and 'max'")
        if self.times is not None and (self.min is not None or self.max is not None):
            raise ValueError("repeat takes 'times' or 'min'/'max', not both")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"repeat min={self.min} is above max={self.max}")
        return self


class Branch(_Model):
    weight: float = Field(1.0, ge=0)
    steps: list["Step"] = Field(min_length=1)


class Choice(StepBase):
    kind: Literal["choice"] = "choice"
    branches: list[Branch] = Field(min_length=1)


class Optional_(StepBase):
    kind: Literal["optional"] = "optional"
    probability: float = Field(ge=0, le=1)
    steps: list["Step"] = Field(min_length=1)


class Include(StepBase):
    """Run a named flow of this scenario (``flows:``) or a flow file."""

    kind: Literal["include"] = "include"
    flow: str


#: The ways a ``do`` step may reach its goal, in the order ties between them are broken. A persona's habits
#: (``personas.behaviour_json``, :mod:`synthgen.persona.behaviour`) weigh them.
WAYS: tuple[str, ...] = ("shortcut", "menu", "context_menu", "toolbar")


class Do(StepBase):
    """Reach one goal in one of several ways; the persona's habits choose the way, and a session keeps to the
    way it chose first wherever a later goal offers it (a shortcut user keeps using shortcuts). The chosen way
    is in the events' ``strategy`` column and in the step ids (``"7.shortcut.1"``).

    >>> d = Do(goal="archive", via={"toolbar": [Click(target=Target(text="Archive"))],
    ...                             "shortcut": [Press(keys=["e"])]})
    >>> d.ways()
    ['shortcut', 'toolbar']
    >>> try:
    ...     Do(goal="archive", via={"shortcuts": [Press(keys=["e"])], "toolbar": [Press(keys=["x"])]})
    ... except ValueError as e:
    ...     print(e.errors()[0]["msg"])
    Value error, unknown way 'shortcuts'; did you mean 'shortcut'? (ways: shortcut, menu, context_menu, toolbar)
    """

    kind: Literal["do"] = "do"
    goal: str = Field(min_length=1, max_length=200)
    via: dict[str, list["Step"]]

    @model_validator(mode="after")
    def _ways(self) -> "Do":
        for way, steps in self.via.items():
            if way not in WAYS:
                near = difflib.get_close_matches(way, WAYS, n=1)
                raise ValueError(f"unknown way '{way}'" + (f"; did you mean '{near[0]}'?" if near else "")
                                 + f" (ways: {', '.join(WAYS)})")
            if not steps:
                raise ValueError(f"way '{way}' has no steps")
        if len(self.via) < 2:
            raise ValueError(f"goal '{self.goal}' has {len(self.via)} way; a 'do' step gives two or more "
                             "(for one way, write its steps directly)")
        return self

    def ways(self) -> list[str]:
        """The ways this goal offers, in :data:`WAYS` order (never the file's order: a persona's choice must
        not depend on how the file lists them)."""
        return [w for w in WAYS if w in self.via]


ActionStep = Union[Goto, Click, Hover, Type, Fill, Press, Select, Check, Uncheck, Scroll, Drag,
                   Upload, WaitFor, Think, Assert, Screenshot, Capture]
ControlStep = Union[Repeat, Choice, Optional_, Include, Do]
Step = Annotated[Union[ActionStep, ControlStep], Field(discriminator="kind")]

for _m in (Target, Repeat, Branch, Optional_, Do):
    _m.model_rebuild()

ACTION_KINDS: tuple[str, ...] = ("goto", "click", "hover", "type", "fill", "press", "select", "check",
                                 "uncheck", "scroll", "drag", "upload", "wait_for", "think", "assert",
                                 "screenshot", "capture")
CONTROL_KINDS: tuple[str, ...] = ("repeat", "choice", "optional", "include", "do")
STEP_KINDS: tuple[str, ...] = ACTION_KINDS + CONTROL_KINDS
