"""The validated scenario: what the loader builds from a YAML file and the session runs.

The step vocabulary lives in :mod:`synthgen.scenario.steps`; this module adds the scenario around
the steps (target app, viewport, persona filter, default think time, variables, data feeder, flows).

>>> from synthgen.scenario.steps import Goto
>>> s = Scenario(name="demo", app="webmail", steps=[Goto(url="/webmail/")])
>>> (s.viewport.width, s.viewport.height, s.target)
(1280, 800, 'webmail')
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterator, Literal, Optional
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from synthgen.scenario.steps import WAYS, Choice, Do, Include, Optional_, Repeat, Step, ThinkDist

__all__ = [
    "Viewport", "PersonaFilter", "DataFeeder", "Login", "Scenario", "walk_steps", "flow_label",
    "NAME_PATTERN", "RESERVED_VARIABLE_NAMES", "HABITS",
]

#: scenario names: lower-case letters, digits, ``_`` and ``-``
NAME_PATTERN = r"^[a-z0-9_-]+$"
#: variable names that would shadow a template root
RESERVED_VARIABLE_NAMES = frozenset({"persona", "var", "captured", "data", "faker"})
_IDENT = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
#: a persona's habitual ways to reach a goal: the ways a ``do`` step offers (``synthgen.persona.behaviour.WAYS``
#: is the same tuple on the persona side, which the scenario language does not import; a test checks they agree)
HABITS: tuple[str, ...] = WAYS


class _Model(BaseModel):
    # coerce_numbers_to_str: YAML reads `option: 2024` or `text: 12345` as numbers; QA means the text
    model_config = ConfigDict(extra="forbid", frozen=True, coerce_numbers_to_str=True)


class Viewport(_Model):
    """Browser viewport in CSS px.

    >>> Viewport().width
    1280
    """

    width: int = Field(1280, ge=320, le=3840)
    height: int = Field(800, ge=240, le=2160)


class PersonaFilter(_Model):
    """Which personas may run a scenario. Unset bounds do not filter.

    A bound on a key the persona view lacks rejects the persona: a filter that cannot be checked
    should fail loudly ("no persona matches") rather than be silently ignored.

    >>> f = PersonaFilter(min_wpm=60, scroll_style="wheel")
    >>> f.accepts({"wpm": 75, "scroll_style": "wheel"}), f.accepts({"wpm": 40, "scroll_style": "wheel"})
    (True, False)
    >>> g = PersonaFilter(habits=["shortcut", "menu"], min_reading_wpm=200, max_slip_rate=0.05)
    >>> g.accepts({"habit": "menu", "reading_wpm": 240.0, "slip_rate": 0.01})
    True
    >>> g.accepts({"habit": "toolbar", "reading_wpm": 240.0, "slip_rate": 0.01})
    False
    """

    min_wpm: Optional[float] = Field(None, ge=0, le=400)
    max_wpm: Optional[float] = Field(None, ge=0, le=400)
    min_throughput_bps: Optional[float] = Field(None, ge=0, le=100)
    max_throughput_bps: Optional[float] = Field(None, ge=0, le=100)
    scroll_style: Optional[Literal["wheel", "trackpad"]] = None
    ids: Optional[list[str]] = None  # only these persona ids
    # behaviour traits (synthgen.persona.behaviour): silent reading speed, habitual way, slip rate
    min_reading_wpm: Optional[float] = Field(None, ge=0, le=1000)
    max_reading_wpm: Optional[float] = Field(None, ge=0, le=1000)
    habits: Optional[list[str]] = None  # the persona's habit must be one of these
    max_slip_rate: Optional[float] = Field(None, ge=0, le=1)

    @field_validator("habits")
    @classmethod
    def _habits(cls, v: Optional[list[str]]) -> Optional[list[str]]:
        if v is None:
            return v
        if not v:
            raise ValueError(f"give at least one habit ({', '.join(HABITS)}) or leave 'habits' out")
        bad = [h for h in v if h not in HABITS]
        if bad:
            raise ValueError(f"unknown habit {', '.join(repr(h) for h in bad)}; the habits are "
                             f"{', '.join(HABITS)}")
        return v

    @model_validator(mode="after")
    def _ranges(self) -> "PersonaFilter":
        for lo, hi in (("min_wpm", "max_wpm"), ("min_throughput_bps", "max_throughput_bps"),
                       ("min_reading_wpm", "max_reading_wpm")):
            a, b = getattr(self, lo), getattr(self, hi)
            if a is not None and b is not None and a > b:
                raise ValueError(f"{lo}={a:g} is above {hi}={b:g}")
        return self

    @property
    def is_empty(self) -> bool:
        """True if the filter accepts every persona."""
        return all(v is None for v in self.model_dump().values())

    def accepts(self, persona_view: dict[str, Any]) -> bool:
        """True if a persona (keys ``id``, ``wpm``, ``mouse_throughput_bps``, ``scroll_style``, ``reading_wpm``,
        ``habit``, ``slip_rate``) passes."""
        checks = (("min_wpm", "wpm", lambda v, b: v >= b), ("max_wpm", "wpm", lambda v, b: v <= b),
                  ("min_throughput_bps", "mouse_throughput_bps", lambda v, b: v >= b),
                  ("max_throughput_bps", "mouse_throughput_bps", lambda v, b: v <= b),
                  ("scroll_style", "scroll_style", lambda v, b: v == b),
                  ("ids", "id", lambda v, b: v in b),
                  ("min_reading_wpm", "reading_wpm", lambda v, b: v >= b),
                  ("max_reading_wpm", "reading_wpm", lambda v, b: v <= b),
                  ("habits", "habit", lambda v, b: v in b),
                  ("max_slip_rate", "slip_rate", lambda v, b: v <= b))
        for attr, key, ok in checks:
            bound = getattr(self, attr)
            if bound is None:
                continue
            if key not in persona_view or persona_view[key] is None or not ok(persona_view[key], bound):
                return False
        return True


class DataFeeder(_Model):
    """Rows of test data; each session gets one row as ``{{ data.<column> }}``.

    ``mode``: ``sequential`` (session *i* gets row *i* mod n) or ``random`` (a seeded draw).
    The loader reads ``file`` (CSV with a header row, JSON list of objects, or JSON Lines; relative
    to the scenario) into ``rows``; ``rows`` may also be written inline in the YAML.

    >>> DataFeeder(rows=[{"city": "Oslo"}]).columns
    ('city',)
    """

    file: Optional[str] = None
    mode: Literal["sequential", "random"] = "sequential"
    rows: tuple[dict[str, str], ...] = Field(min_length=1)

    @field_validator("rows", mode="before")
    @classmethod
    def _text_values(cls, rows: Any) -> Any:
        # data values are substituted into text, so keep them as text from the start
        if isinstance(rows, (list, tuple)):
            return tuple({str(k): ("" if v is None else _scalar_text(v)) for k, v in r.items()}
                         if isinstance(r, dict) else r for r in rows)
        return rows

    @property
    def columns(self) -> tuple[str, ...]:
        """Column names, in first-seen order."""
        seen: dict[str, None] = {}
        for r in self.rows:
            seen.update(dict.fromkeys(r))
        return tuple(seen)


def _scalar_text(v: Any) -> Any:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return str(v)
    return v


class Login(_Model):
    """Log in once, reuse the browser state: ``steps`` log in; the cookies and local storage they leave are
    kept (per persona, in each worker) and handed to the persona's later sessions, which start logged in.

    ``record`` says which sessions' events hold the log-in: ``first`` (default: each persona's first session
    of the scenario, so the log-in events are generated once per persona), ``every`` (every session logs in
    for real, nothing is reused) or ``never`` (the log-in is run unrecorded, before the session's steps).

    >>> from synthgen.scenario.steps import Goto
    >>> Login(steps=[Goto(url="/login")]).record
    'first'
    """

    steps: list[Step] = Field(min_length=1)
    record: Literal["first", "every", "never"] = "first"


class Scenario(_Model):
    """A validated scenario. Build it with :func:`synthgen.scenario.load_scenario`.

    Exactly one of ``app`` (a bundled app) or ``base_url`` (any web app). ``flows`` holds the
    scenario's named flows and, under keys like ``"shared/auth.yaml#login"``, flows from included
    files; every :class:`Include` step's ``flow`` is a key of it.
    """

    name: str = Field(pattern=NAME_PATTERN, max_length=100)
    app: Optional[str] = Field(None, pattern=r"^[A-Za-z0-9_-]+$")
    base_url: Optional[str] = None
    description: str = ""
    #: what the user sets out to do, for an agent's instruction: a template rendered with the session's
    #: values ("Send an email with the subject '{{ subject }}'"); empty: ``description`` stands in
    task: str = ""
    tags: list[str] = Field(default_factory=list)
    #: fixed only when the file says ``viewport:`` (:attr:`fixes_viewport`); otherwise each session gets its
    #: persona's window (:mod:`synthgen.persona.device`) and this default stands only for browserless tools
    viewport: Viewport = Viewport()
    personas: PersonaFilter = PersonaFilter()
    think: ThinkDist = ThinkDist()
    allowed_origins: list[str] = Field(default_factory=list)
    variables: dict[str, str] = Field(default_factory=dict)
    data: Optional[DataFeeder] = None
    flows: dict[str, list[Step]] = Field(default_factory=dict)
    steps: list[Step] = Field(min_length=1)
    # Per-session hooks, run unrecorded in the session's page: setup before everything (reset the app's
    # state), teardown after the steps, also after a failure (best effort then).
    setup: list[Step] = Field(default_factory=list)
    teardown: list[Step] = Field(default_factory=list)
    login: Optional[Login] = None
    source: Optional[Path] = None
    source_text_sha256: Optional[str] = None

    @model_validator(mode="after")
    def _one_target(self) -> "Scenario":
        if (self.app is None) == (self.base_url is None):
            raise ValueError("a scenario needs exactly one of 'app' (a bundled app name) or "
                             "'base_url' (http://host:port/path)")
        return self

    @field_validator("base_url")
    @classmethod
    def _url(cls, v: Optional[str]) -> Optional[str]:
        if v is not None:
            _origin_of(v, allow_path=True)
        return v

    @field_validator("allowed_origins")
    @classmethod
    def _origins(cls, v: list[str]) -> list[str]:
        return [_origin_of(o, allow_path=False) for o in v]

    @field_validator("variables", mode="before")
    @classmethod
    def _var_names(cls, v: Any) -> Any:
        if isinstance(v, dict):
            for k in v:
                if not isinstance(k, str) or not _IDENT.match(k):
                    raise ValueError(f"variable name {k!r} must be letters, digits and _ "
                                     "(starting with a letter)")
                if k in RESERVED_VARIABLE_NAMES:
                    raise ValueError(f"variable name '{k}' is reserved (it is a template root)")
            return {k: _scalar_text(x) for k, x in v.items()}
        return v

    @property
    def target(self) -> str:
        """The app name or base URL, for display."""
        return self.app if self.app is not None else str(self.base_url)

    @property
    def fixes_viewport(self) -> bool:
        """Whether the scenario sets ``viewport:`` itself (then every session uses it, whatever the persona's
        screen); otherwise a session's viewport is its persona's browser window.

        >>> from synthgen.scenario.steps import Goto
        >>> Scenario(name="d", app="a", steps=[Goto(url="/")]).fixes_viewport
        False
        >>> Scenario(name="d", app="a", viewport=Viewport(width=1024, height=700), steps=[Goto(url="/")]).fixes_viewport
        True
        """
        return "viewport" in self.model_fields_set

    @property
    def app_name(self) -> str:
        """The bundled app's name, or the host of ``base_url`` (the ``sessions.app`` column).

        >>> from synthgen.scenario.steps import Goto
        >>> Scenario(name="d", base_url="http://localhost:8000/x/", steps=[Goto(url="/")]).app_name
        'localhost:8000'
        """
        return self.app if self.app is not None else urlsplit(str(self.base_url)).netloc

    @property
    def relpath(self) -> str:
        """``<folder>/<file>``: where the scenario lies beside its shared material (``_flows.yaml``,
        ``../_shared/``), the part of its path that means something on another machine.

        >>> from synthgen.scenario.steps import Goto
        >>> Scenario(name="d", app="a", steps=[Goto(url="/")], source=Path("/x/webmail/send.yaml")).relpath
        'webmail/send.yaml'
        >>> Scenario(name="d", app="a", steps=[Goto(url="/")]).relpath
        'd.yaml'
        """
        if self.source is None:
            return f"{self.name}.yaml"
        p = Path(self.source)
        return f"{p.parent.name}/{p.name}" if p.parent.name else p.name

    def where(self, step: Any) -> str:
        """``file:line`` of a step, for run-time errors: the scenario's path (relative to the working folder
        when it lies below it) or the flows file the step came from.

        >>> from synthgen.scenario.steps import Goto
        >>> Scenario(name="d", app="a", steps=[Goto(url="/")], source=Path("/x/webmail/send.yaml")).where(
        ...     Goto(url="/", line=7))
        '/x/webmail/send.yaml:7'
        >>> Scenario(name="d", app="a", steps=[Goto(url="/")]).where(Goto(url="/", line=7, flow_file="_f.yaml"))
        '_f.yaml:7'
        """
        file = getattr(step, "flow_file", None)
        if file is None:
            if self.source is None:
                file = self.relpath
            else:
                try:
                    file = str(Path(self.source).relative_to(Path.cwd()))
                except ValueError:
                    file = str(self.source)
        line = getattr(step, "line", None)
        return f"{file}:{line}" if line else file

    def material(self) -> list[tuple[str, Path]]:
        """The files that explain this scenario, as ``(relpath, file)``: the scenario itself, the files its
        flows were included from and its data file; what the loader read, nothing else.

        >>> from synthgen.scenario.steps import Goto
        >>> Scenario(name="d", app="a", steps=[Goto(url="/")]).material()
        []
        """
        if self.source is None:
            return []
        src = Path(self.source)
        home = src.parent
        names = {k.split("#", 1)[0] for k in self.flows if "#" in k}
        if self.data is not None and self.data.file:
            names.add(self.data.file)
        out = [(self.relpath, src)]
        for name in sorted(names):
            f = (home / name).resolve()
            try:  # shared material beside the folder ("../_shared/x.yaml") keeps its place relative to it
                rel = f.relative_to(home.parent.resolve()).as_posix()
            except ValueError:
                continue  # the loader refused anything outside; nothing to copy
            if f.is_file():
                out.append((rel, f))
        return out

    def action_count_bounds(self) -> tuple[int, float]:
        """(fewest, most) action steps one session can run (``inf`` never happens: no cycles).

        >>> from synthgen.scenario.steps import Goto
        >>> Scenario(name="a", app="x", steps=[Goto(url="/")]).action_count_bounds()
        (1, 1)
        """
        memo: dict[str, tuple[int, int]] = {}

        def count(steps: list[Any]) -> tuple[int, int]:
            lo = hi = 0
            for s in steps:
                a, b = one(s)
                lo, hi = lo + a, hi + b
            return lo, hi

        def one(s: Any) -> tuple[int, int]:
            if isinstance(s, Repeat):
                a, b = count(s.steps)
                n_lo = s.times if s.times is not None else (s.min or 0)
                n_hi = s.times if s.times is not None else (s.max or 0)
                return a * n_lo, b * n_hi
            if isinstance(s, Choice):
                live = [count(br.steps) for br in s.branches if br.weight > 0] or [(0, 0)]
                return min(x[0] for x in live), max(x[1] for x in live)
            if isinstance(s, Do):
                ways = [count(steps) for steps in s.via.values()]
                return min(x[0] for x in ways), max(x[1] for x in ways)
            if isinstance(s, Optional_):
                a, b = count(s.steps)
                return (a if s.probability >= 1 else 0), (b if s.probability > 0 else 0)
            if isinstance(s, Include):
                if s.flow not in memo:
                    memo[s.flow] = (0, 0)  # cycle guard; the loader rejects cycles anyway
                    memo[s.flow] = count(self.flows.get(s.flow, []))
                return memo[s.flow]
            return 1, 1

        return count(self.steps)


def _origin_of(url: str, *, allow_path: bool) -> str:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{url!r} is not an http(s) URL like http://localhost:8000"
                         + ("/app/" if allow_path else ""))
    try:
        port = parts.port
    except ValueError:
        raise ValueError(f"{url!r} has a bad port") from None
    if not allow_path and (parts.path not in ("", "/") or parts.query or parts.fragment):
        raise ValueError(f"{url!r} is not an origin: drop the path (keep scheme://host[:port])")
    if allow_path:
        return url.strip()
    host = parts.hostname.lower()
    return f"{parts.scheme}://{host}" + (f":{port}" if port is not None else "")


def flow_label(flow_key: str) -> str:
    """The short name of a flow key, used in step ids.

    >>> flow_label("open_first"), flow_label("shared/auth.yaml#login"), flow_label("shared/login.yaml")
    ('open_first', 'login', 'login')
    """
    if "#" in flow_key:
        return flow_key.rsplit("#", 1)[1]
    if "/" in flow_key or flow_key.endswith((".yaml", ".yml")):
        return Path(flow_key).stem
    return flow_key


def walk_steps(steps: list[Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    """Every step in a step list, depth first, with its position label (not following includes).

    Labels: ``"4"``, repeat/optional children ``"4.2"``, choice branch children ``"5.b1.2"``, a ``do`` step's
    ways ``"6.shortcut.1"``.

    >>> from synthgen.scenario.steps import Goto
    >>> [label for label, _ in walk_steps([Goto(url="/"), Repeat(times=2, steps=[Goto(url="/")])])]
    ['1', '2', '2.1']
    """
    for i, s in enumerate(steps, 1):
        label = f"{prefix}{i}"
        yield label, s
        if isinstance(s, (Repeat, Optional_)):
            yield from walk_steps(s.steps, f"{label}.")
        elif isinstance(s, Choice):
            for b, br in enumerate(s.branches, 1):
                yield from walk_steps(br.steps, f"{label}.b{b}.")
        elif isinstance(s, Do):
            for way in s.ways():
                yield from walk_steps(s.via[way], f"{label}.{way}.")


