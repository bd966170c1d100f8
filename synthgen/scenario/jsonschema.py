"""A JSON Schema (draft 2020-12) of the scenario YAML surface format, for editors.

Point an editor's YAML language server at it (``# yaml-language-server: $schema=...`` or the
editor's settings) to get completion and red squiggles while writing scenarios. It describes what
QA engineers write (the short forms included), not the pydantic models; the loader remains the
authority, and its messages are better, so run ``synthgen lint`` before committing.

>>> s = scenario_json_schema()
>>> s["$schema"], sorted(s["required"])
('https://json-schema.org/draft/2020-12/schema', ['name', 'steps'])
"""

from __future__ import annotations

import copy
import functools
from typing import Any

from synthgen.scenario.loader import TOP_LEVEL_KEYS
from synthgen.scenario.model import HABITS, NAME_PATTERN
from synthgen.scenario.steps import STEP_KINDS, WAYS
from synthgen.scenario.targets import ARIA_ROLES, LOCATOR_KINDS
from synthgen.scenario.templating import FAKER_PROVIDERS, FILTERS

__all__ = ["scenario_json_schema", "SCHEMA_ID"]

SCHEMA_ID = "https://synthgen.invalid/schemas/scenario.schema.json"

_REF = "#/$defs/"
_TEXT = {"type": ["string", "number"], "description": "text; may hold {{ templates }}"}
_ID = {"type": "string", "pattern": r"^[A-Za-z_][A-Za-z0-9_-]*$",
       "description": "a name for the step, used in place of its number in step ids"}
_TIMEOUT = {"type": "number", "exclusiveMinimum": 0, "maximum": 600000}
_COMMON = {"id": _ID, "timeout_ms": _TIMEOUT}
_NUM = {"type": "number"}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": _REF + name}


def _obj(props: dict[str, Any], required: tuple[str, ...] = (), **extra: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "object", "properties": {**props, **_COMMON}, "additionalProperties": False}
    if required:
        out["required"] = list(required)
    out.update(extra)
    return out


def _one_of_keys(*keys: str) -> dict[str, Any]:
    """Exactly one of ``keys`` present."""
    return {"oneOf": [{"required": [k]} for k in keys]}


def _inline_target_obj(props: dict[str, Any], required: tuple[str, ...] = ()) -> dict[str, Any]:
    # the target may sit under 'target' or be written inline (role, name, label, ...)
    target_props = dict(_TARGET_PROPS)
    body = _obj({"target": _ref("target"), **target_props, **props}, required)
    body["anyOf"] = [{"required": ["target"]}] + [{"required": [k]} for k in LOCATOR_KINDS]
    return body


_TARGET_PROPS: dict[str, Any] = {
    **{k: {"type": ["string", "number"]} for k in LOCATOR_KINDS},
    # the roles the loader accepts (ARIA's, as get_by_role knows them), or a template rendered at run time
    "role": {"anyOf": [{"enum": list(ARIA_ROLES)}, {"type": "string", "pattern": r"\{\{"}],
             "description": "an ARIA role: button, link, textbox, checkbox, heading, dialog, menuitem, tab, ..."},
    "name": {"type": ["string", "number"], "description": "accessible name (with role)"},
    "exact": {"type": "boolean"},
    "nth": {"type": "integer", "description": "0-based; negative counts from the end"},
    "within": {**_ref("target"), "description": "only elements inside this one"},
}


def _step_values() -> dict[str, Any]:
    target = _ref("target")
    steps = _ref("steps")
    return {
        "goto": {"anyOf": [{"type": "string"}, _obj({"url": {"type": "string"}}, ("url",))]},
        "click": {"anyOf": [{"type": "string"}, _inline_target_obj({
            "button": {"enum": ["left", "right", "middle"]},
            "clicks": {"type": "integer", "minimum": 1, "maximum": 3},
            "popup": {"type": "boolean", "description": "the click opens a pop-up or tab; follow it"},
            "avoid": {**target, "description": "an area the pointer goes around (a hover menu bar)"}})]},
        "hover": {"anyOf": [{"type": "string"}, _inline_target_obj({"avoid": target})]},
        "check": {"anyOf": [{"type": "string"}, _inline_target_obj({})]},
        "uncheck": {"anyOf": [{"type": "string"}, _inline_target_obj({})]},
        "type": _obj({"into": target, "focused": {"type": "boolean", "description": "type where the focus is"},
                      "text": _TEXT, "clear": {"type": "boolean"},
                      "think_first": {"type": "boolean"}, "exact": {"type": "boolean"}}, ("text",),
                     oneOf=[{"required": ["into"]}, {"required": ["focused"]}]),
        "fill": _obj({"fields": {"anyOf": [
            {"type": "array", "minItems": 1, "items": {
                "type": "object", "properties": {"into": target, "value": _TEXT},
                "required": ["into", "value"], "additionalProperties": False}},
            {"type": "object", "minProperties": 1, "additionalProperties": _TEXT,
             "description": "target: value"}]},
            "via": {"enum": ["click", "tab"]}, "exact": {"type": "boolean"}}, ("fields",)),
        "press": {"anyOf": [{"type": "string"}, {"type": "array", "minItems": 1, "items": {"type": "string"}},
                            _obj({"keys": {"anyOf": [{"type": "string"},
                                                     {"type": "array", "minItems": 1, "items": {"type": "string"}}]}},
                                 ("keys",))]},
        "select": _inline_target_obj({"option": _TEXT}, ("option",)),
        "scroll": {"anyOf": [_NUM, {"type": "string"},
                             _obj({"to": target, "by": _NUM, "dx": _NUM}, (), **_one_of_keys("to", "by"))]},
        "drag": _obj({"source": target, "to": target,
                      "to_xy": {"type": "array", "prefixItems": [_NUM, _NUM], "minItems": 2, "maxItems": 2}},
                     ("source",), **_one_of_keys("to", "to_xy")),
        "upload": {"anyOf": [{"type": "string"}, _obj({
            "target": target, "name": _TEXT,
            "size_kb": {"type": "number", "exclusiveMinimum": 0, "maximum": 10240},
            "content": {"enum": ["text", "csv", "png"]}}, ("target",))]},
        "wait_for": {"anyOf": [{"type": "string"}, _obj({
            "text": _TEXT, "target": target, "url": {"type": "string"},
            "idle_ms": {"type": "number", "exclusiveMinimum": 0, "maximum": 60000,
                        "description": "no request of the page pending for this long"},
            "state": {"enum": ["visible", "attached", "hidden", "detached"]}},
            (), **_one_of_keys("text", "target", "url", "idle_ms"))]},
        "think": {"anyOf": [{"type": "null"}, {"type": "number", "minimum": 0, "maximum": 600000},
                            _obj({"median_ms": {"type": "number", "minimum": 0, "maximum": 600000},
                                  "sigma": {"type": "number", "minimum": 0, "maximum": 3}})]},
        "assert": {"anyOf": [{"type": "string"}, _obj({"text": _TEXT, "visible": target, "url": {"type": "string"},
                                                       "field": target, "value": _TEXT},
                                                      (), **_one_of_keys("text", "visible", "url", "field"))]},
        "screenshot": {"anyOf": [{"type": "null"}, {"type": "string"}, _obj({"name": {"type": "string"}})]},
        "capture": _obj({"name": {"type": "string", "pattern": r"^[A-Za-z_][A-Za-z0-9_]*$"}, "target": target,
                         "attribute": {"type": "string"}}, ("name", "target")),
        "repeat": _obj({"times": {"type": "integer", "minimum": 0, "maximum": 10000},
                        "min": {"type": "integer", "minimum": 0, "maximum": 10000},
                        "max": {"type": "integer", "minimum": 0, "maximum": 10000}, "steps": steps},
                       ("steps",), oneOf=[{"required": ["times"]}, {"required": ["min", "max"]}]),
        "choice": {"anyOf": [{"type": "array", "minItems": 1, "items": _ref("branch")},
                             _obj({"branches": {"type": "array", "minItems": 1, "items": _ref("branch")}},
                                  ("branches",))]},
        "optional": _obj({"probability": {"type": "number", "minimum": 0, "maximum": 1}, "steps": steps},
                         ("probability", "steps")),
        "include": {"anyOf": [{"type": "string"}, _obj({"flow": {"type": "string"}}, ("flow",))],
                    "description": "a flow name, a flows file path, or path#flow"},
        "do": _obj({"goal": {"type": "string", "minLength": 1},
                    "via": {"type": "object", "minProperties": 2, "additionalProperties": False,
                            "properties": {w: steps for w in WAYS}}}, ("goal", "via"),
                   description="one goal, several ways (the persona's habits choose one)"),
    }


@functools.lru_cache(maxsize=1)
def _schema() -> dict[str, Any]:
    values = _step_values()
    assert set(values) == set(STEP_KINDS)
    step_variants: list[dict[str, Any]] = [
        {"enum": ["screenshot", "think"], "description": "a step with no value"},
        {"type": "object", "minProperties": 1, "maxProperties": 1, "additionalProperties": False,
         "properties": values},
    ]
    defs: dict[str, Any] = {
        "target": {"anyOf": [
            {"type": "string", "minLength": 1,
             "description": "visible text, or kind=value: role=button[name=Send], label=To, placeholder=Search, "
                            "testid=send, css=#id, text=Compose"},
            _ref("target_object")]},
        "target_object": {"type": "object", "properties": _TARGET_PROPS, "additionalProperties": False,
                          "oneOf": [{"required": [k]} for k in LOCATOR_KINDS]},
        "think_dist": {"type": "object", "additionalProperties": False, "properties": {
            "median_ms": {"type": "number", "minimum": 0, "maximum": 600000},
            "sigma": {"type": "number", "minimum": 0, "maximum": 3}}},
        "step": {"anyOf": step_variants},
        "steps": {"type": "array", "minItems": 1, "items": _ref("step")},
        "branch": {"anyOf": [_ref("steps"), {
            "type": "object", "additionalProperties": False, "required": ["steps"],
            "properties": {"weight": {"type": "number", "minimum": 0}, "steps": _ref("steps")}}]},
    }
    props: dict[str, Any] = {
        "name": {"type": "string", "pattern": NAME_PATTERN, "maxLength": 100},
        "app": {"type": "string", "pattern": r"^[A-Za-z0-9_-]+$", "description": "a bundled app"},
        "base_url": {"type": "string", "pattern": r"^https?://", "description": "any web app"},
        "description": {"type": "string"},
        "tags": {"type": "array", "items": {"type": ["string", "number"]}},
        "viewport": {"type": "object", "additionalProperties": False, "properties": {
            "width": {"type": "integer", "minimum": 320, "maximum": 3840},
            "height": {"type": "integer", "minimum": 240, "maximum": 2160}}},
        "personas": {"type": "object", "additionalProperties": False, "properties": {
            "min_wpm": {"type": "number", "minimum": 0, "maximum": 400},
            "max_wpm": {"type": "number", "minimum": 0, "maximum": 400},
            "min_throughput_bps": {"type": "number", "minimum": 0, "maximum": 100},
            "max_throughput_bps": {"type": "number", "minimum": 0, "maximum": 100},
            "scroll_style": {"enum": ["wheel", "trackpad"]},
            "ids": {"type": "array", "items": {"type": "string"}},
            "min_reading_wpm": {"type": "number", "minimum": 0, "maximum": 1000},
            "max_reading_wpm": {"type": "number", "minimum": 0, "maximum": 1000},
            "habits": {"type": "array", "minItems": 1, "items": {"enum": list(HABITS)}},
            "max_slip_rate": {"type": "number", "minimum": 0, "maximum": 1}}},
        "think": {"anyOf": [{"type": "number", "minimum": 0, "maximum": 600000}, _ref("think_dist")]},
        "allowed_origins": {"type": "array", "items": {"type": "string", "pattern": r"^https?://[^/]+/?$"}},
        "variables": {"type": "object", "propertyNames": {"pattern": r"^[A-Za-z][A-Za-z0-9_]*$",
                                                          "not": {"enum": ["persona", "var", "captured",
                                                                           "data", "faker"]}},
                      "additionalProperties": {"type": ["string", "number", "boolean"]}},
        "data": {"anyOf": [{"type": "string"}, {
            "type": "object", "additionalProperties": False,
            "properties": {"file": {"type": "string"}, "mode": {"enum": ["sequential", "random"]},
                           "rows": {"type": "array", "minItems": 1, "items": {
                               "type": "object", "additionalProperties": {"type": ["string", "number",
                                                                                   "boolean", "null"]}}}},
            "oneOf": [{"required": ["file"]}, {"required": ["rows"]}]}]},
        "flows": {"type": "object", "propertyNames": {"pattern": r"^[A-Za-z_][A-Za-z0-9_-]*$"},
                  "additionalProperties": _ref("steps")},
        "task": {"type": "string"},
        "steps": _ref("steps"),
        "setup": {**_ref("steps"), "description": "run unrecorded before each session (reset the app)"},
        "teardown": {**_ref("steps"), "description": "run unrecorded after each session, also a failed one"},
        "login": {"anyOf": [_ref("steps"), {
            "type": "object", "additionalProperties": False, "required": ["steps"],
            "properties": {"steps": _ref("steps"), "record": {"enum": ["first", "every", "never"]}}}],
            "description": "log in once per persona and reuse the browser state"},
    }
    assert set(props) == set(TOP_LEVEL_KEYS)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "synthgen scenario",
        "description": ("A scripted user session. Templates: {{ persona.<field> }}, {{ var.<name> }}, "
                        "{{ captured.<name> }}, {{ data.<column> }}, {{ faker.<provider>(...) }}; filters: "
                        + ", ".join(FILTERS) + f". {len(FAKER_PROVIDERS)} faker providers are allowed."),
        "type": "object",
        "required": ["name", "steps"],
        "oneOf": [{"required": ["app"]}, {"required": ["base_url"]}],
        "additionalProperties": False,
        "properties": props,
        "$defs": defs,
    }


def scenario_json_schema() -> dict[str, Any]:
    """The JSON Schema of scenario files (a fresh copy; safe to modify).

    >>> "click" in scenario_json_schema()["$defs"]["step"]["anyOf"][1]["properties"]
    True
    """
    return copy.deepcopy(_schema())
