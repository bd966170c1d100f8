"""THE telemetry schema: one column list from which the pydantic models and pyarrow schemas come.

A table is declared once as a tuple of :class:`Column`; :func:`arrow_schema` and :func:`row_model`
derive the pyarrow schema and the pydantic row model from it, so they cannot drift apart.

>>> EVENTS_SCHEMA.field("t_ms").type
DataType(double)
>>> Event(session_id="s", seq=0, t_ms=0.0, type="click", url="http://x/", step_id="1",
...       intent="click", x=3.0, y=4.0, button=0, buttons=0).type
'click'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, Optional

import pyarrow as pa
from pydantic import BaseModel, ConfigDict, create_model

__all__ = [
    "SCHEMA_VERSION",
    "EVENT_TYPES",
    "Column",
    "EVENTS_COLUMNS",
    "SESSIONS_COLUMNS",
    "PERSONAS_COLUMNS",
    "EVENTS_SCHEMA",
    "SESSIONS_SCHEMA",
    "PERSONAS_SCHEMA",
    "Event",
    "SessionRow",
    "PersonaRow",
    "Manifest",
    "ManifestFile",
    "arrow_schema",
    "row_model",
    "MOD_ALT",
    "MOD_CTRL",
    "MOD_META",
    "MOD_SHIFT",
]

#: 1.1: sessions gain app, tags, task (the scenario's task rendered with the session's values) and
#: scenario_file becomes the copy's path in the dataset (``scenarios/<folder>/<file>``); events gain the
#: target's box and element id at a press (grounding).
#: 1.2: the device (synthgen.persona.device): sessions gain platform, screen_w/h and dpr (user_agent is now the
#: persona's Chrome, viewport_w/h its window unless the scenario fixes one); personas gain device_json and os
#: 1.3: personas' behaviour (synthgen.persona.behaviour): personas gain behaviour_json, habit and reading_wpm;
#: events gain strategy and slip (intent 'slip'/'recover'/'read'); sessions gain strategy, slips, recoveries, read_ms
SCHEMA_VERSION = "1.3"

#: The DOM-event vocabulary of the ``type`` column (plus synthgen's ``navigate``/``viewport``/``screenshot``).
EVENT_TYPES: tuple[str, ...] = (
    "mousemove", "mousedown", "mouseup", "click", "dblclick", "contextmenu", "wheel",
    "keydown", "keyup", "navigate", "viewport", "screenshot", "change",
)

# Modifier bitmask, in the order of the CDP `modifiers` field so the driver can pass it through.
MOD_ALT, MOD_CTRL, MOD_META, MOD_SHIFT = 1, 2, 4, 8


@dataclass(frozen=True)
class Column:
    """One column: its arrow type, its Python type for validation, whether it may be null, its meaning."""

    name: str
    arrow: pa.DataType
    py: Any
    nullable: bool
    doc: str


_DICT_STR = pa.dictionary(pa.int32(), pa.string())

EVENTS_COLUMNS: tuple[Column, ...] = (
    Column("session_id", pa.string(), str, False, "session identifier"),
    Column("seq", pa.int64(), int, False, "order within the session, from 0"),
    Column("t_ms", pa.float64(), float, False, "ms since session start on the synthetic clock (like DOM event.timeStamp)"),
    Column("type", _DICT_STR, Literal[EVENT_TYPES], False, "DOM event type"),
    Column("x", pa.float32(), float, True, "clientX in CSS px"),
    Column("y", pa.float32(), float, True, "clientY in CSS px"),
    Column("button", pa.int8(), int, True, "MouseEvent.button (0 left, 1 middle, 2 right)"),
    Column("buttons", pa.int8(), int, True, "MouseEvent.buttons bitmask"),
    Column("delta_x", pa.float32(), float, True, "WheelEvent.deltaX in px (deltaMode 0)"),
    Column("delta_y", pa.float32(), float, True, "WheelEvent.deltaY in px (deltaMode 0)"),
    Column("key", pa.string(), str, True, "KeyboardEvent.key"),
    Column("code", pa.string(), str, True, "KeyboardEvent.code"),
    Column("repeat", pa.bool_(), bool, True, "KeyboardEvent.repeat"),
    Column("modifiers", pa.int8(), int, True, "bitmask Alt=1 Ctrl=2 Meta=4 Shift=8"),
    Column("target", pa.string(), str, True, "stable description of the element under the event"),
    Column("url", pa.string(), str, False, "page URL at the event"),
    Column("step_id", pa.string(), str, False, "ground truth: scenario step id"),
    Column("intent", pa.string(), str, False,
           "ground truth: the step's action kind; 'slip' and 'recover' for a task-level slip and its recovery, "
           "'read' while reading a newly shown page"),
    Column("strategy", pa.string(), str, True,
           "ground truth: the way a 'do' step reached its goal (shortcut, menu, context_menu, toolbar)"),
    Column("slip", pa.string(), str, True,
           "ground truth: on slip and recover rows, the kind of slip (neighbour_click, wrong_menu, wrong_field, "
           "overscroll, double_click)"),
    Column("frame", pa.string(), str, True, "screenshot rows: frame path relative to the dataset root"),
    # Grounding: where the element the input aimed at was when the input happened (measured after any
    # scrolling that brought it into view), and its id in the captured DOM (data-sg-id).
    Column("element_id", pa.string(), str, True, "press, key and change rows: the target's data-sg-id"),
    Column("box_x", pa.float32(), float, True, "press, key and change rows: the target's box in viewport CSS px"),
    Column("box_y", pa.float32(), float, True, ""),
    Column("box_w", pa.float32(), float, True, ""),
    Column("box_h", pa.float32(), float, True, ""),
    Column("value", pa.string(), str, True, "change rows: the value the control took (select: the option)"),
    Column("scrolled", pa.bool_(), bool, True,
           "the last wheel row of a burst: whether anything on the page scrolled (null: not measured)"),
)

SESSIONS_COLUMNS: tuple[Column, ...] = (
    Column("session_id", pa.string(), str, False, "session identifier"),
    Column("scenario", pa.string(), str, False, "scenario name"),
    Column("scenario_file", pa.string(), str, False,
           "the scenario's copy in the dataset, relative to its root (scenarios/<folder>/<file>.yaml)"),
    Column("app", pa.string(), str, False, "bundled app name, or the host of the scenario's base_url"),
    Column("tags", pa.list_(pa.string()), list[str], False, "the scenario's tags"),
    Column("task", pa.string(), str, False,
           "what the user sets out to do: the scenario's task rendered with the session's values "
           "(its description when it has none)"),
    Column("persona_id", pa.string(), str, False, "persona identifier"),
    Column("seed", pa.int64(), int, False, "the session's own seed"),
    Column("base_url", pa.string(), str, False, "app base URL"),
    Column("viewport_w", pa.int32(), int, False, "viewport width in CSS px"),
    Column("viewport_h", pa.int32(), int, False, "viewport height in CSS px"),
    Column("user_agent", pa.string(), str, False,
           "navigator.userAgent as the page read it: the persona's desktop Chrome at the launched Chromium's major"),
    # The persona's device as applied to the browser context (synthgen.persona.device); null only for a
    # session that never ran in a browser (a test's fake driver).
    Column("platform", pa.string(), str, True, "navigator.platform (Win32, MacIntel, Linux x86_64)"),
    Column("screen_w", pa.int32(), int, True, "screen.width in CSS px"),
    Column("screen_h", pa.int32(), int, True, "screen.height in CSS px"),
    Column("dpr", pa.float32(), float, True, "window.devicePixelRatio"),
    Column("start_time", pa.timestamp("ms", tz="UTC"), Any, False, "synthetic wall-clock start"),
    Column("duration_ms", pa.float64(), float, False, "synthetic duration"),
    Column("n_events", pa.int64(), int, False, "rows in events for this session"),
    # The persona's habits in this session (synthgen.persona.habits, the session's task-level slips and reading).
    Column("strategy", pa.string(), str, True,
           "the way this session reached for first where a goal offered several (shortcut, menu, context_menu, "
           "toolbar); null when no step offered a choice"),
    Column("slips", pa.int32(), int, False, "task-level slips made (events with intent 'slip')"),
    Column("recoveries", pa.int32(), int, False, "slips recovered from (events with intent 'recover')"),
    Column("read_ms", pa.float64(), float, False, "synthetic time spent reading newly shown pages"),
    Column("status", pa.string(), Literal["ok", "failed"], False, "ok or failed"),
    Column("error", pa.string(), str, True, "failure reason with the step, when failed"),
    Column("failed_step", pa.string(), str, True, "step id that failed"),
    Column("generator_version", pa.string(), str, False, "synthgen version"),
    Column("schema_version", pa.string(), str, False, "SCHEMA_VERSION"),
)

PERSONAS_COLUMNS: tuple[Column, ...] = (
    Column("persona_id", pa.string(), str, False, "persona identifier"),
    Column("seed", pa.int64(), int, False, "seed of the persona's Faker and motor draws"),
    Column("first_name", pa.string(), str, False, "fake identity"),
    Column("last_name", pa.string(), str, False, "fake identity"),
    Column("email", pa.string(), str, False, "fake identity"),
    Column("username", pa.string(), str, False, "fake identity"),
    Column("password", pa.string(), str, False, "fake identity"),
    Column("phone", pa.string(), str, False, "fake identity"),
    Column("company", pa.string(), str, False, "fake identity"),
    Column("job", pa.string(), str, False, "fake identity"),
    Column("street", pa.string(), str, False, "fake identity"),
    Column("city", pa.string(), str, False, "fake identity"),
    Column("postcode", pa.string(), str, False, "fake identity"),
    Column("country", pa.string(), str, False, "fake identity"),
    Column("locale", pa.string(), str, False, "Faker locale"),
    Column("motor_json", pa.string(), str, False, "all motor parameters as JSON (also flattened below)"),
    Column("wpm", pa.float64(), float, False, "typing speed, words per minute"),
    Column("mouse_throughput_bps", pa.float64(), float, False, "pointing throughput, bits/s"),
    Column("scroll_style", pa.string(), str, False, "wheel or trackpad"),
    Column("device_json", pa.string(), str, False,
           "the persona's computer as JSON: OS, screen, work area, pixel ratio, browser window (persona/device.py)"),
    Column("os", pa.string(), str, False, "windows, macos or linux"),
    Column("behaviour_json", pa.string(), str, False,
           "behaviour traits as JSON: strategy weights over shortcut/menu/context_menu/toolbar, habit_strength, "
           "tab_share, carefulness, exploration, slip_rate, reading_wpm, read_fraction (persona/behaviour.py)"),
    Column("habit", pa.string(), str, False,
           "the way the persona habitually reaches a goal: shortcut, menu, context_menu or toolbar"),
    Column("reading_wpm", pa.float64(), float, False, "silent reading speed, words per minute"),
)


def arrow_schema(columns: tuple[Column, ...], name: str) -> pa.Schema:
    """The pyarrow schema of a table.

    >>> arrow_schema(EVENTS_COLUMNS, "events").names[:3]
    ['session_id', 'seq', 't_ms']
    """
    fields = [pa.field(c.name, c.arrow, nullable=c.nullable) for c in columns]
    return pa.schema(fields, metadata={"synthgen.table": name, "synthgen.schema_version": SCHEMA_VERSION})


def row_model(columns: tuple[Column, ...], name: str) -> type[BaseModel]:
    """A pydantic model validating one row of a table.

    >>> row_model(SESSIONS_COLUMNS, "S").model_fields["status"].is_required()
    True
    """
    fields: dict[str, Any] = {}
    for c in columns:
        fields[c.name] = (Optional[c.py], None) if c.nullable else (c.py, ...)
    return create_model(name, __config__=ConfigDict(extra="forbid", frozen=True), **fields)


EVENTS_SCHEMA = arrow_schema(EVENTS_COLUMNS, "events")
SESSIONS_SCHEMA = arrow_schema(SESSIONS_COLUMNS, "sessions")
PERSONAS_SCHEMA = arrow_schema(PERSONAS_COLUMNS, "personas")

Event = row_model(EVENTS_COLUMNS, "Event")
SessionRow = row_model(SESSIONS_COLUMNS, "SessionRow")
PersonaRow = row_model(PERSONAS_COLUMNS, "PersonaRow")


class ManifestFile(BaseModel):
    """One file of a dataset, with its size and checksum."""

    path: str
    table: str
    rows: int
    bytes: int
    sha256: str


class Manifest(BaseModel):
    """``manifest.json`` at the dataset root.

    >>> Manifest(command="synthgen generate", config={}, seed=7).schema_version == SCHEMA_VERSION
    True
    """

    schema_version: str = SCHEMA_VERSION
    generator_version: str = ""
    command: str
    config: dict[str, Any]
    seed: int
    #: what shapes the bytes (synthgen.dataset.job): the same job on a re-run completes this dataset
    job: dict[str, Any] = {}
    #: the machine that wrote it last (synthgen.environment): packages, browser build, fonts, OS
    environment: dict[str, Any] = {}
    sessions_total: int = 0
    sessions_ok: int = 0
    sessions_failed: int = 0
    events_total: int = 0
    synthetic_seconds: float = 0.0
    files: list[ManifestFile] = []
