"""Load scenario YAML files into validated :class:`~synthgen.scenario.model.Scenario` objects.

Every problem is a :class:`~synthgen.errors.ScenarioError` naming the file, the line of the
offending key or step, the step's position (``4.2``: step 2 inside step 4; ``5.b1.2``: step 2 of
branch 1 of step 5; ``open_first.3``: step 3 of flow ``open_first``) and its kind, and how to fix it:

    scenarios/shop/checkout.yaml:14 step 3 'clik': unknown step kind; did you mean 'click'?

Nothing else escapes: YAML, pydantic and OS errors are translated.

Step shorthands (every step is a one-key mapping ``kind: value``; the value is a mapping of the
step's keys, or one of these short forms):

==============================  =============================================================
``goto: /path``                 ``{url: /path}``
``click: <target>``             ``{target: <target>}``; same for hover, check, uncheck, upload
``click: {role: button, ...}``  target keys inline (click, hover, check, uncheck, select)
``press: Enter``                ``{keys: [Enter]}``; a list is several presses
``scroll: 600``                 ``{by: 600}``; ``scroll: "text=Footer"`` is ``{to: ...}``
``think: 1500``                 ``{median_ms: 1500}``; ``- think`` alone uses the defaults
``wait_for: "Sent"``            ``{text: "Sent"}``; same for ``assert``
``screenshot: name``            ``{name: name}``; ``- screenshot`` alone has no name
``include: flow``               ``{flow: flow}``
``choice: [ ... ]``             ``{branches: [...]}``; a branch may be a bare list of steps
``do: {goal: g, via: {...}}``   ``via`` maps ways (shortcut, menu, context_menu, toolbar) to lists of steps
``fill: {fields: {t: v}}``      ``fields`` as a mapping ``target: value``
==============================  =============================================================

A ``<target>`` is a mapping of :class:`~synthgen.scenario.steps.Target` keys or the one-line syntax
of :mod:`synthgen.scenario.targets` (``"Compose"``, ``"label=To"``, ``"role=button[name=Send]"``).

>>> s = load_scenario_text("name: t\\napp: webmail\\nsteps:\\n  - goto: /\\n  - click: Compose\\n")
>>> [st.kind for st in s.steps], s.steps[1].target.text
(['goto', 'click'], 'Compose')
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import io
import json
import os
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Optional, Union

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import TaggedScalar
from ruamel.yaml.error import MarkedYAMLError, ReusedAnchorWarning, YAMLError

from synthgen.errors import ScenarioError, TemplateError
from synthgen.scenario import steps as S
from synthgen.scenario.model import DataFeeder, Scenario
from synthgen.scenario.steps import ThinkDist
from synthgen.scenario.targets import LOCATOR_KINDS, TARGET_KEYS, parse_target
from synthgen.scenario.templating import Expr, has_template, parse_template

__all__ = [
    "MAX_FILE_BYTES", "MAX_DATA_BYTES", "MAX_NESTING", "TOP_LEVEL_KEYS",
    "load_scenario", "load_scenario_text", "load_scenarios", "scenario_files",
]

#: scenario and flow files larger than this are refused before parsing
MAX_FILE_BYTES = 2 * 1024 * 1024
#: data files larger than this are refused
MAX_DATA_BYTES = 20 * 1024 * 1024
#: most levels of repeat/choice/optional inside each other
MAX_NESTING = 12
_MAX_YAML_DEPTH = 64
# total YAML nodes one scenario may expand to; YAML aliases can make a small file huge
_MAX_NODES = 200_000
_MAX_DATA_ROWS = 100_000
# steps one scenario may hold, flows and included files counted (a hand-written file has hundreds)
_MAX_STEPS = 10_000
# deepest [ ] / { } nesting accepted before parsing (ruamel is slow and recursive on deep input)
_MAX_FLOW_DEPTH = 100

TOP_LEVEL_KEYS: tuple[str, ...] = ("name", "app", "base_url", "description", "task", "tags", "viewport",
                                   "personas", "think", "allowed_origins", "variables", "data",
                                   "flows", "steps", "setup", "teardown", "login")
_FLOW_FILE_KEYS = ("description", "flows", "steps")

# a re-defined &anchor is valid YAML (the later one wins); ruamel's warning would only clutter the
# output of batch runs. A process-wide filter for this one category, because catch_warnings is not
# thread-safe.
warnings.filterwarnings("ignore", category=ReusedAnchorWarning)
_DATA_KEYS = ("file", "mode", "rows")

_MODELS: dict[str, type[BaseModel]] = {
    "goto": S.Goto, "click": S.Click, "hover": S.Hover, "type": S.Type, "fill": S.Fill,
    "press": S.Press, "select": S.Select, "check": S.Check, "uncheck": S.Uncheck,
    "scroll": S.Scroll, "drag": S.Drag, "upload": S.Upload, "wait_for": S.WaitFor,
    "think": S.Think, "assert": S.Assert, "screenshot": S.Screenshot, "capture": S.Capture,
    "repeat": S.Repeat, "choice": S.Choice, "optional": S.Optional_, "include": S.Include, "do": S.Do,
}
assert set(_MODELS) == set(S.STEP_KINDS)

# short forms: a scalar value fills this key
_SCALAR_KEY = {"goto": "url", "click": "target", "hover": "target", "check": "target",
               "uncheck": "target", "upload": "target", "wait_for": "text", "assert": "text",
               "screenshot": "name", "include": "flow", "think": "median_ms", "press": "keys"}
# kinds that accept target keys (role, label, ...) directly in their mapping
_INLINE_TARGET = ("click", "hover", "check", "uncheck", "select")
# fields that hold a target
_TARGET_FIELDS = {"target", "into", "source", "visible", "field", "avoid"}
# kinds valid with no value at all ("- screenshot")
_NO_VALUE_KINDS = ("screenshot", "think")
_NEVER_TEMPLATE = {"kind", "id", "flow", "line", "flow_file"}

_KIND_HINTS = {
    "wait": "wait_for", "waitfor": "wait_for", "navigate": "goto", "open": "goto", "visit": "goto",
    "go": "goto", "sleep": "think", "pause": "think", "delay": "think", "key": "press",
    "keys": "press", "keypress": "press", "tap": "click", "dblclick": "click (with clicks: 2)",
    "double_click": "click (with clicks: 2)", "right_click": "click (with button: right)",
    "expect": "assert", "verify": "assert", "snapshot": "screenshot", "loop": "repeat",
    "maybe": "optional", "random": "choice", "one_of": "choice", "call": "include", "use": "include",
    "run": "include", "input": "type", "enter": "type", "write": "type", "mouseover": "hover",
    "attach": "upload", "choose": "select", "pick": "select", "save": "capture",
    "store": "capture", "extract": "capture", "tick": "check", "untick": "uncheck",
}
_EXAMPLES = {
    "goto": "- goto: /path", "click": "- click: Send  (or {role: button, name: Send})",
    "hover": "- hover: \"text=Menu\"", "type": "- type: {into: \"label=To\", text: \"hello\"}",
    "fill": "- fill: {fields: {\"label=Name\": \"{{ persona.name }}\"}}", "press": "- press: Enter",
    "select": "- select: {target: \"label=Country\", option: Germany}",
    "check": "- check: \"label=I agree\"", "uncheck": "- uncheck: \"label=Newsletter\"",
    "scroll": "- scroll: 600  (or {to: \"text=Footer\"})",
    "drag": "- drag: {source: \"text=Card 1\", to: \"testid=col-doing\"}",
    "upload": "- upload: {target: \"label=Attachment\", name: report.csv}",
    "wait_for": "- wait_for: \"Message sent\"", "think": "- think: 1500",
    "assert": "- assert: {url: \"/sent\"}", "screenshot": "- screenshot: after-send",
    "capture": "- capture: {name: order_no, target: \"testid=order-number\"}",
    "repeat": "- repeat: {times: 3, steps: [...]}",
    "choice": "- choice: [{weight: 2, steps: [...]}, {weight: 1, steps: [...]}]",
    "optional": "- optional: {probability: 0.3, steps: [...]}", "include": "- include: flow_name",
    "do": "- do: {goal: archive, via: {shortcut: [press: e], toolbar: [click: Archive]}}",
}


def _allowed_keys(kind: str) -> list[str]:
    keys = [k for k in _MODELS[kind].model_fields if k not in ("kind", "line", "flow_file")]
    if kind in _INLINE_TARGET:
        keys += [k for k in TARGET_KEYS if k not in keys]
    if kind == "think":
        keys += ["median_ms", "sigma"]
    return keys


def _did_you_mean(word: Any, options: Iterable[str]) -> Optional[str]:
    close = difflib.get_close_matches(str(word), list(options), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None


def _type_name(v: Any) -> str:
    if isinstance(v, dict):
        return "a mapping"
    if isinstance(v, list):
        return "a list"
    if isinstance(v, bool):
        return "true/false"
    if isinstance(v, (int, float)):
        return "a number"
    if isinstance(v, str):
        return "text"
    if v is None:
        return "nothing"
    return type(v).__name__


def _kline(node: Any, key: Any, default: Optional[int]) -> Optional[int]:
    """1-based line of ``key`` in a ruamel mapping (``default`` if unknown)."""
    try:
        return node.lc.key(key)[0] + 1
    except Exception:  # ruamel keeps no position for some nodes (merged keys, plain dicts)
        return default


def _iline(node: Any, idx: int, default: Optional[int]) -> Optional[int]:
    try:
        return node.lc.item(idx)[0] + 1
    except Exception:
        return default


@dataclass
class _Src:
    """One YAML file being read (the scenario, or a flows file it includes)."""

    path: Optional[Path]
    display: str
    base_dir: Path
    key_prefix: str = ""  # "" for the scenario; "rel/flows.yaml" for a flows file
    local_flows: tuple[str, ...] = ()
    ids: dict[str, int] = field(default_factory=dict)

    def flow_key(self, name: str) -> str:
        return f"{self.key_prefix}#{name}" if self.key_prefix else name


@dataclass
class _Ref:
    expr: Expr
    src: _Src
    line: Optional[int]
    step: Optional[str]


class _Loader:
    """State of one scenario load (the scenario file plus included flows files)."""

    def __init__(self, display: str, base_dir: Path) -> None:
        self.display = display
        self.scenario_dir = base_dir
        self.flows: dict[str, list[Any]] = {}
        self.known_flows: set[str] = set()
        self.flow_files: dict[Path, str] = {}  # resolved path -> key prefix
        self.edges: dict[Optional[str], list[tuple[str, _Src, Optional[int], str]]] = {}
        self.current_flow: Optional[str] = None
        self.refs: list[_Ref] = []
        self.captures: set[str] = set()
        self.budget = _MAX_NODES
        self.step_budget = _MAX_STEPS
        # a think step without a median or sigma takes the scenario's default think
        self.default_think: dict[str, Any] = {}

    # ---- errors -----------------------------------------------------------------------------
    def fail(self, problem: str, src: Optional[_Src], line: Optional[int], step: Optional[str] = None,
             fix: Optional[str] = None, cls: type[ScenarioError] = ScenarioError) -> ScenarioError:
        return cls(problem, file=src.display if src else self.display, line=line, step=step, fix=fix)

    def spend(self, src: _Src, line: Optional[int], n: int = 1) -> None:
        self.budget -= n
        if self.budget < 0:
            raise self.fail(f"the scenario expands to more than {_MAX_NODES} YAML values", src, line,
                            fix="YAML aliases (*name) can multiply a small file; use flows and "
                                "include instead")

    def translate(self, e: ValidationError, vnode: Any, src: _Src, line: Optional[int],
                  where: Optional[str], prefix: tuple[Any, ...] = ()) -> ScenarioError:
        return _translate(self, e, vnode, src, line, where, prefix)

    # ---- plain values -----------------------------------------------------------------------
    def plain(self, node: Any, src: _Src, line: Optional[int], depth: int = 0) -> Any:
        """A ruamel value as plain Python (dict, list, str, int, float, bool, None)."""
        self.spend(src, line)
        if depth > _MAX_YAML_DEPTH:
            raise self.fail(f"values nested more than {_MAX_YAML_DEPTH} levels deep", src, line,
                            fix="flatten the structure")
        tag = getattr(getattr(node, "tag", None), "value", None)
        if isinstance(node, TaggedScalar) or tag is not None:
            raise self.fail(f"YAML tags like '{tag or '!'}' are not supported", src, line,
                            fix="remove the tag; write plain values")
        if isinstance(node, dict):
            return {str(k): self.plain(v, src, _kline(node, k, line), depth + 1) for k, v in node.items()}
        if isinstance(node, list):
            return [self.plain(v, src, _iline(node, i, line), depth + 1) for i, v in enumerate(node)]
        if node is None or isinstance(node, (bool, str)):
            return str(node) if isinstance(node, str) else node
        if isinstance(node, int):
            return int(node)
        if isinstance(node, float):
            return float(node)
        if hasattr(node, "isoformat"):  # an unquoted date: QA means the text
            return node.isoformat()
        raise self.fail(f"unsupported YAML value of type {type(node).__name__}", src, line,
                        fix="quote it to make it text")

    # ---- steps ------------------------------------------------------------------------------
    def step_list(self, node: Any, src: _Src, line: Optional[int], prefix: str, depth: int,
                  what: str, owner: Optional[str] = None) -> list[Any]:
        """Convert a YAML list of steps; ``owner`` is the enclosing step (for messages)."""
        if not isinstance(node, list):
            raise self.fail(f"{what} must be a list of steps (got {_type_name(self.plain(node, src, line))})",
                            src, line, step=owner,
                            fix="write each step on its own line starting with '- ', e.g. '- goto: /'")
        if not node:
            raise self.fail(f"{what} is empty", src, line, step=owner, fix="add at least one step")
        return [self.step(item, src, _iline(node, i, line), f"{prefix}{i + 1}", depth)
                for i, item in enumerate(node)]

    def split_step(self, node: Any, src: _Src, line: Optional[int], label: str) -> tuple[str, Any]:
        if isinstance(node, str):
            word = node.strip()
            if word in _NO_VALUE_KINDS:
                return word, None
            if word in S.STEP_KINDS:
                raise self.fail(f"'{word}' needs a value", src, line, f"{label} '{word}'",
                                fix=f"e.g. {_EXAMPLES[word]}")
            hint = _kind_hint(word)
            raise self.fail(f"a step is a one-key mapping like '- click: Send' (got the text {node!r})",
                            src, line, label, fix=hint or "see the step kinds in scenarios/_examples/")
        if not isinstance(node, dict):
            got = _type_name(self.plain(node, src, line))
            raise self.fail(f"a step is a one-key mapping like '- click: Send' (got {got})", src, line,
                            label, fix="start the step with its kind, e.g. '- goto: /'")
        keys = [str(k) for k in node]
        if not keys:
            raise self.fail("empty step '{}'", src, line, label, fix="remove it or give it a kind")
        if len(keys) > 1:
            kinds = [k for k in keys if k in S.STEP_KINDS]
            if len(kinds) == 1:
                kind = kinds[0]
                others = [k for k in keys if k != kind]
                bad = others[0]
                return_line = _kline(node, bad, line)
                raise self.fail(f"a step has one key, its kind; '{bad}' must go inside the '{kind}' mapping",
                                src, return_line, f"{label} '{kind}'",
                                fix=f"write '- {kind}: {{..., {bad}: ...}}' (a mapping of the step's keys)")
            if len(kinds) > 1:
                raise self.fail(f"several step kinds in one step ({', '.join(kinds)})", src, line, label,
                                fix="start each step on its own line with '- '")
        kind = keys[0]
        if kind not in S.STEP_KINDS:
            raise self.fail("unknown step kind", src, line, f"{label} '{kind}'",
                            fix=_kind_hint(kind) or f"step kinds: {', '.join(S.STEP_KINDS)}")
        return kind, node[next(iter(node))]

    def step(self, node: Any, src: _Src, line: Optional[int], label: str, depth: int) -> Any:
        self.spend(src, line)
        self.step_budget -= 1
        if self.step_budget < 0:
            raise self.fail(f"the scenario has more than {_MAX_STEPS} steps", src, line,
                            fix="split it into several scenarios; YAML aliases (*name) can multiply steps, "
                                "use flows and include instead")
        kind, value = self.split_step(node, src, line, label)
        where = f"{label} '{kind}'"
        if depth > MAX_NESTING:
            raise self.fail(f"steps nested more than {MAX_NESTING} levels deep", src, line, where,
                            fix="move the inner steps into a flow and include it")
        vnode = value
        fields = self.step_fields(kind, value, src, line, where, label, depth)
        sid = fields.get("id")
        if isinstance(sid, str):
            if sid in src.ids:
                raise self.fail(f"duplicate step id '{sid}' (first used on line {src.ids[sid]})",
                                src, _kline(vnode, "id", line), where, fix="step ids must be unique in a file")
            src.ids[sid] = line or 0
        self.check_templates(fields, vnode, src, line, where)
        model = _MODELS[kind]
        try:
            step = model.model_validate({**fields, "line": line,
                                         "flow_file": src.display if src.key_prefix else None})
        except ValidationError as e:
            raise self.translate(e, vnode, src, line, where) from None
        if isinstance(step, S.Choice) and all(b.weight == 0 for b in step.branches):
            raise self.fail("every branch has weight 0", src, line, where,
                            fix="give at least one branch a weight above 0")
        if isinstance(step, S.Capture):
            self.captures.add(step.name)
        if isinstance(step, (S.WaitFor, S.Assert)) and step.url and not has_template(step.url):
            try:
                re.compile(step.url)
            except re.error as e:
                raise self.fail(f"url: {step.url!r} is not a valid regular expression ({e})", src,
                                _kline(vnode, "url", line) if isinstance(vnode, dict) else line, where,
                                fix="escape special characters with \\, e.g. '/order\\?id=1'") from None
        return step

    def step_fields(self, kind: str, value: Any, src: _Src, line: Optional[int], where: str,
                    label: str, depth: int) -> dict[str, Any]:
        """The step's value (short form or mapping) as model fields (nested steps converted)."""
        if value is None:
            if kind == "think":
                return {"dist": dict(self.default_think)}
            if kind in _NO_VALUE_KINDS:
                return {}
            raise self.fail(f"'{kind}' needs a value", src, line, where, fix=f"e.g. {_EXAMPLES[kind]}")
        if kind == "choice" and isinstance(value, list):
            value = {"branches": value}
            vnode_is_list = True
        else:
            vnode_is_list = False
        if not isinstance(value, dict):
            if isinstance(value, list) and kind == "press":
                return {"keys": self.plain(value, src, line)}
            scalar = self.plain(value, src, line)
            if isinstance(scalar, (dict, list)) or kind not in _SCALAR_KEY and kind != "scroll":
                raise self.fail(f"'{kind}' takes a mapping of its keys (got {_type_name(scalar)})", src, line,
                                where, fix=f"e.g. {_EXAMPLES[kind]}")
            if kind == "scroll":
                if isinstance(scalar, (int, float)) and not isinstance(scalar, bool):
                    return {"by": scalar}
                if isinstance(scalar, str):
                    return {"to": self.target(scalar, src, line, where)}
                raise self.fail(f"'scroll' takes a number of px or a target (got {_type_name(scalar)})",
                                src, line, where, fix=f"e.g. {_EXAMPLES['scroll']}")
            key = _SCALAR_KEY[kind]
            if kind == "think":
                return {"dist": {**self.default_think, "median_ms": scalar}}
            if kind == "press":
                return {"keys": [scalar]}
            if key == "target":
                return {"target": self.target(scalar, src, line, where)}
            if kind == "include":
                return {"flow": self.resolve_include(scalar, src, line, where)}
            return {key: scalar}
        # a mapping: check its keys first, so typos get a did-you-mean
        allowed = _allowed_keys(kind)
        for k in value:
            if str(k) not in allowed:
                hint = _did_you_mean(k, allowed)
                raise self.fail(f"unknown key '{k}'", src, _kline(value, k, line), where,
                                fix=hint or f"'{kind}' takes: {', '.join(allowed)}")
        out: dict[str, Any] = {}
        inline: dict[str, Any] = {}
        for k, v in value.items():
            k = str(k)
            kl = _kline(value, k, line)
            if k == "steps" and kind in ("repeat", "optional"):
                out[k] = self.step_list(v, src, kl, f"{label}.", depth + 1, "'steps'", where)
            elif k == "via" and kind == "do":
                out[k] = self.ways(v, src, kl, label, where, depth)
            elif k == "branches":
                out[k] = self.branches(v, src, line if vnode_is_list else kl, label, where, depth)
            elif k in _TARGET_FIELDS or (k == "to" and kind in ("drag", "scroll")):
                out[k] = self.target(self.plain(v, src, kl), src, kl, where, field_name=k)
            elif k == "fields" and kind == "fill":
                out[k] = self.fill_fields(v, src, kl, where)
            elif k == "keys" and kind == "press":
                pv = self.plain(v, src, kl)
                out[k] = [pv] if isinstance(pv, str) else pv
            elif kind == "think" and k in ("median_ms", "sigma"):
                out.setdefault("dist", dict(self.default_think))[k] = self.plain(v, src, kl)
            elif kind in _INLINE_TARGET and k in TARGET_KEYS and "target" not in value:
                inline[k] = self.plain(v, src, kl)
            elif k == "flow" and kind == "include":
                fv = self.plain(v, src, kl)
                out[k] = self.resolve_include(fv, src, kl, where) if isinstance(fv, str) else fv
            else:
                out[k] = self.plain(v, src, kl)
        if inline:
            out["target"] = self.target(inline, src, line, where)
        if kind in _INLINE_TARGET and "target" not in out:
            raise self.fail("missing the target", src, line, where,
                            fix=f"e.g. {_EXAMPLES[kind]}")
        return out

    def branches(self, node: Any, src: _Src, line: Optional[int], label: str, where: str,
                 depth: int) -> Any:
        if not isinstance(node, list) or not node:
            raise self.fail("'choice' needs a list of branches", src, line, where,
                            fix=f"e.g. {_EXAMPLES['choice']}")
        out = []
        for b, br in enumerate(node, 1):
            bl = _iline(node, b - 1, line)
            prefix = f"{label}.b{b}."
            if isinstance(br, list):
                out.append({"weight": 1.0, "steps": self.step_list(br, src, bl, prefix, depth + 1,
                                                                   f"branch {b}", where)})
                continue
            if not isinstance(br, dict):
                raise self.fail(f"branch {b} must be a mapping {{weight: 1, steps: [...]}} or a list of steps",
                                src, bl, where, fix=f"e.g. {_EXAMPLES['choice']}")
            for k in br:
                if str(k) not in ("weight", "steps"):
                    raise self.fail(f"unknown key '{k}' in branch {b}", src, _kline(br, k, bl), where,
                                    fix=_did_you_mean(k, ("weight", "steps")) or "a branch takes: weight, steps")
            if "steps" not in br:
                raise self.fail(f"branch {b} has no 'steps'", src, bl, where, fix=f"e.g. {_EXAMPLES['choice']}")
            d: dict[str, Any] = {"steps": self.step_list(br["steps"], src, _kline(br, "steps", bl), prefix,
                                                         depth + 1, f"branch {b} 'steps'", where)}
            if "weight" in br:
                d["weight"] = self.plain(br["weight"], src, _kline(br, "weight", bl))
            out.append(d)
        return out

    def ways(self, node: Any, src: _Src, line: Optional[int], label: str, where: str, depth: int) -> Any:
        """A ``do`` step's ``via``: a mapping of way name to its steps (a list)."""
        if not isinstance(node, dict) or not node:
            raise self.fail("'via' needs a mapping of ways to steps", src, line, where, fix=f"e.g. {_EXAMPLES['do']}")
        out: dict[str, Any] = {}
        for way, steps in node.items():
            wl = _kline(node, way, line)
            if str(way) not in S.WAYS:
                raise self.fail(f"unknown way '{way}'", src, wl, where,
                                fix=_did_you_mean(way, S.WAYS) or f"ways: {', '.join(S.WAYS)}")
            out[str(way)] = self.step_list(steps, src, wl, f"{label}.{way}.", depth + 1, f"way '{way}'", where)
        return out

    def target(self, value: Any, src: _Src, line: Optional[int], where: str,
               field_name: str = "target") -> Any:
        if isinstance(value, str):
            try:
                return parse_target(value)
            except ValueError as e:
                raise self.fail(str(e), src, line, where) from None
        if isinstance(value, dict):
            for k in value:
                if k not in TARGET_KEYS:
                    raise self.fail(f"unknown key '{k}' in {field_name}", src, line, where,
                                    fix=_did_you_mean(k, TARGET_KEYS) or f"a target takes: {', '.join(TARGET_KEYS)}")
            if not any(k in value for k in LOCATOR_KINDS):
                raise self.fail(f"{field_name} needs one of {', '.join(LOCATOR_KINDS)}", src, line, where,
                                fix="e.g. {role: button, name: Send} or \"label=Email\"")
            if value.get("within") is not None:
                return {**value, "within": self.target(self.plain(value["within"], src, line), src, line, where,
                                                      field_name="within")}
        return value  # pydantic reports other shapes

    def fill_fields(self, node: Any, src: _Src, line: Optional[int], where: str) -> Any:
        v = self.plain(node, src, line)
        if isinstance(v, dict):  # {"label=Name": "Ada", ...}
            return [{"into": self.target(k, src, line, where, "into"), "value": val} for k, val in v.items()]
        if isinstance(v, list):
            out = []
            for i, item in enumerate(v):
                il = _iline(node, i, line)
                if isinstance(item, dict):
                    for k in item:
                        if k not in ("into", "value"):
                            raise self.fail(f"unknown key '{k}' in fields[{i}]", src, il, where,
                                            fix=_did_you_mean(k, ("into", "value")) or "a field takes: into, value")
                    item = dict(item)
                    if "into" in item:
                        item["into"] = self.target(item["into"], src, il, where, "into")
                out.append(item)
            return out
        return v

    # ---- includes ---------------------------------------------------------------------------
    def resolve_include(self, ref: Any, src: _Src, line: Optional[int], where: str) -> Any:
        if not isinstance(ref, str) or not ref.strip():
            return ref  # pydantic explains
        ref = ref.strip()
        if "/" in ref or "#" in ref or ref.endswith((".yaml", ".yml")):
            file_part, _, name = ref.partition("#")
            if not file_part:  # "#name": a flow of this file
                key = src.flow_key(name)
                if name not in src.local_flows:
                    raise self._unknown_flow(name, src.local_flows, src, line, where)
            else:
                prefix, names, has_steps = self.load_flow_file(file_part, src, line, where)
                if name:
                    if name not in names:
                        raise self._unknown_flow(name, names, src, line, where, file_part)
                    key = f"{prefix}#{name}"
                else:
                    if not has_steps:
                        raise self.fail(f"'{file_part}' has no top-level 'steps'", src, line, where,
                                        fix=(f"include one of its flows: {', '.join(f'{file_part}#{n}' for n in names)}"
                                             if names else "add steps: to the file"))
                    key = prefix
        else:
            if ref not in src.local_flows:
                raise self._unknown_flow(ref, src.local_flows, src, line, where)
            key = src.flow_key(ref)
        self.edges.setdefault(self.current_flow, []).append((key, src, line, where))
        return key

    def _unknown_flow(self, name: str, names: Iterable[str], src: _Src, line: Optional[int], where: str,
                      file: Optional[str] = None) -> ScenarioError:
        names = sorted(names)
        place = f" in '{file}'" if file else ""
        hint = _did_you_mean(name, names)
        avail = f"flows{place}: {', '.join(names)}" if names else \
            (f"'{file}' defines no flows" if file else "this file defines no flows (add a 'flows:' section)")
        return self.fail(f"unknown flow '{name}'{place}", src, line, where,
                         fix=f"{hint} {avail}" if hint else avail)

    def load_flow_file(self, rel: str, src: _Src, line: Optional[int], where: str) -> tuple[str, tuple[str, ...], bool]:
        resolved = _confined(self, src, rel, line, where, "include file")
        try:
            key = Path(os.path.relpath(resolved, self.scenario_dir)).as_posix()
        except ValueError:  # another drive on Windows
            key = resolved.as_posix()
        if resolved in self.flow_files:
            return self.flow_files[resolved], tuple(_names_with_prefix(self.known_flows, key)), key in self.known_flows
        display = os.path.normpath(os.path.join(os.path.dirname(src.display), rel))
        fsrc = _Src(resolved, display, resolved.parent, key_prefix=key)
        if not resolved.is_file():
            raise self.fail(f"include file '{rel}' not found", src, line, where,
                            fix=f"paths are relative to the including file (looked for {resolved})")
        data = _parse_yaml(_read_text(resolved, fsrc)[0], fsrc)
        if not isinstance(data, dict):
            raise ScenarioError(f"a flows file must be a mapping with 'flows:' and/or 'steps:' "
                                f"(got {_type_name(data)})", file=display, line=1,
                                fix="e.g. 'flows: {login: [...]}'")
        for k in data:
            if str(k) not in _FLOW_FILE_KEYS:
                raise self.fail(f"unknown key '{k}' in a flows file", fsrc, _kline(data, k, 1),
                                fix=_did_you_mean(k, _FLOW_FILE_KEYS) or f"a flows file takes: {', '.join(_FLOW_FILE_KEYS)}")
        flows_node = data.get("flows") or {}
        if not isinstance(flows_node, dict):
            raise self.fail("'flows' must be a mapping of name: [steps]", fsrc, _kline(data, "flows", 1))
        names = tuple(str(n) for n in flows_node)
        fsrc.local_flows = names
        self.flow_files[resolved] = key
        self.known_flows.update(fsrc.flow_key(n) for n in names)
        has_steps = "steps" in data
        if has_steps:
            self.known_flows.add(key)
        self.convert_flows(flows_node, fsrc)
        if has_steps:
            saved, self.current_flow = self.current_flow, key
            self.flows[key] = self.step_list(data["steps"], fsrc, _kline(data, "steps", 1), "", 0, "'steps'")
            self.current_flow = saved
        return key, names, has_steps

    def convert_flows(self, node: Any, src: _Src) -> None:
        for name, steps_node in node.items():
            name = str(name)
            nl = _kline(node, name, None)
            if not _is_flow_name(name):
                raise self.fail(f"flow name '{name}' must be letters, digits, '_' and '-'", src, nl,
                                fix="e.g. open_first")
            saved, self.current_flow = self.current_flow, src.flow_key(name)
            self.flows[src.flow_key(name)] = self.step_list(steps_node, src, nl, f"{name}.", 0, f"flow '{name}'")
            self.current_flow = saved

    def check_cycles(self) -> None:
        state: dict[str, int] = {}  # 1 visiting, 2 done
        path: list[str] = []

        def visit(key: str) -> None:
            state[key] = 1
            path.append(key)
            for target, src, line, where in self.edges.get(key, []):
                if state.get(target) == 1:
                    cyc = path[path.index(target):] + [target]
                    raise self.fail(f"include cycle: {' -> '.join(cyc)}", src, line, where,
                                    fix="a flow cannot include itself, directly or through other flows")
                if target not in state:
                    visit(target)
            path.pop()
            state[key] = 2

        for key in sorted(k for k in self.edges if k is not None):
            if key not in state:
                visit(key)

    # ---- templates --------------------------------------------------------------------------
    def check_templates(self, fields: dict[str, Any], vnode: Any, src: _Src, line: Optional[int],
                        where: Optional[str]) -> None:
        def walk(v: Any, top: Optional[str]) -> None:
            if isinstance(v, str):
                if has_template(v):
                    kl = _kline(vnode, top, line) if isinstance(vnode, dict) and top in vnode else line
                    try:
                        t = parse_template(v)
                    except TemplateError as e:
                        raise self.fail(e.problem, src, kl, where, e.fix, cls=TemplateError) from None
                    self.refs.extend(_Ref(x, src, kl, where) for x in t.exprs)
            elif isinstance(v, dict):
                for k, x in v.items():
                    if k not in _NEVER_TEMPLATE:
                        walk(x, top if top is not None else k)
            elif isinstance(v, (list, tuple)):
                for x in v:
                    walk(x, top)

        for k, v in fields.items():
            if k not in _NEVER_TEMPLATE and k not in ("steps", "branches") and not (k == "via" and isinstance(v, dict)):
                walk(v, k)

    def check_refs(self, variables: dict[str, str], var_lines: dict[str, Optional[int]],
                   data: Optional[DataFeeder], data_line: Optional[int], src: _Src) -> None:
        for ref in self.refs:
            e = ref.expr
            if e.root == "var" and e.name not in variables:
                hint = _did_you_mean(e.name, variables)
                raise self.fail(f"unknown variable '{e.name}' in '{{{{ {e.text} }}}}'", ref.src, ref.line,
                                ref.step, fix=hint or f"declare it under 'variables:' (declared: "
                                                      f"{', '.join(variables) or 'none'})",
                                cls=TemplateError)
            if e.root == "data":
                if data is None:
                    raise self.fail(f"'{{{{ {e.text} }}}}' reads a data row but the scenario has no 'data:'",
                                    ref.src, ref.line, ref.step, fix="add data: {file: rows.csv}",
                                    cls=TemplateError)
                if e.name not in data.columns:
                    hint = _did_you_mean(e.name, data.columns)
                    cols = ", ".join(data.columns)
                    raise self.fail(f"data has no column '{e.name}'", ref.src, ref.line, ref.step,
                                    fix=f"{hint} columns: {cols}" if hint else f"columns: {cols}",
                                    cls=TemplateError)
            if e.root == "persona":
                fields = _persona_fields()
                if fields and e.name not in fields:
                    hint = _did_you_mean(e.name, fields)
                    raise self.fail(f"personas have no field '{e.name}'", ref.src, ref.line, ref.step,
                                    fix=f"{hint + ' ' if hint else ''}fields: {', '.join(fields)}",
                                    cls=TemplateError)
            if e.root == "captured" and e.name not in self.captures:
                raise self.fail(f"no capture step stores '{e.name}' (used in '{{{{ {e.text} }}}}')",
                                ref.src, ref.line, ref.step,
                                fix=_did_you_mean(e.name, self.captures)
                                or f"add '- capture: {{name: {e.name}, target: ...}}' before this step",
                                cls=TemplateError)


def _persona_fields() -> tuple[str, ...]:
    """The ``{{ persona.<field> }}`` names, from the persona model (empty if it is unavailable)."""
    try:  # imported lazily: the persona package is optional for the scenario language itself
        from synthgen.persona.behaviour import VIEW_KEYS
        from synthgen.persona.identity import Identity
    except Exception:
        return ()
    extra = ("name", "id", "wpm", "mouse_throughput_bps", "scroll_style")
    return tuple(sorted(set(Identity.model_fields) | set(extra) | set(VIEW_KEYS)))


def _names_with_prefix(keys: Iterable[str], prefix: str) -> list[str]:
    return [k.split("#", 1)[1] for k in keys if k.startswith(prefix + "#")]


def _is_flow_name(name: str) -> bool:
    return bool(name) and (name[0].isalpha() or name[0] == "_") and \
        all(c.isalnum() or c in "_-" for c in name) and name.isascii()


def _kind_hint(word: str) -> Optional[str]:
    w = word.strip().lower()
    if w in _KIND_HINTS:
        return f"did you mean '{_KIND_HINTS[w]}'?"
    return _did_you_mean(w, S.STEP_KINDS)


def _read_text(path: Path, src: _Src) -> tuple[str, bytes]:
    """(text, raw bytes) of a scenario or flows file, refusing huge files before reading them."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ScenarioError(f"file is {size / 1048576:.1f} MB, over the {MAX_FILE_BYTES // 1048576} MB "
                                "limit for scenario files", file=src.display,
                                fix="split it into flows files, or move bulk data to a data: file")
        raw = path.read_bytes()
    except ScenarioError:
        raise
    except OSError as e:
        raise ScenarioError(f"cannot read the file: {e.strerror or e}", file=src.display) from None
    return _decode(raw, src.display), raw


def _decode(raw: bytes, display: str) -> str:
    if len(raw) > MAX_FILE_BYTES:
        raise ScenarioError(f"file is {len(raw) / 1048576:.1f} MB, over the {MAX_FILE_BYTES // 1048576} MB "
                            "limit for scenario files", file=display,
                            fix="split it into flows files, or move bulk data to a data: file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[:e.start].count(b"\n") + 1
        raise ScenarioError(f"not UTF-8 text (byte {e.start})", file=display, line=line,
                            fix="save the file as UTF-8") from None
    if "\x00" in text:
        raise ScenarioError("the file contains NUL bytes (is it binary?)", file=display,
                            line=text[:text.index("\x00")].count("\n") + 1, fix="save it as UTF-8 text")
    return text


def _flow_depth(text: str) -> tuple[int, int]:
    """(deepest [ ]/{ } nesting, its line), skipping quoted strings and comments; a cheap guard."""
    depth = best = 0
    best_line = line = 1
    quote = ""
    prev = "\n"
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "\n":
            line += 1
        if quote:
            if ch == "\\" and quote == '"':
                i += 1
            elif ch == quote:
                if quote == "'" and text.startswith("''", i):
                    i += 1
                else:
                    quote = ""
        elif ch in "\"'" and prev in " \t\n[{,:-":
            quote = ch
        elif ch == "#" and prev in " \t\n":
            j = text.find("\n", i)
            i = n if j < 0 else j
            continue
        elif ch in "[{":
            depth += 1
            if depth > best:
                best, best_line = depth, line
        elif ch in "]}" and depth > 0:
            depth -= 1
        prev = ch
        i += 1
    return best, best_line


def _parse_yaml(text: str, src: _Src) -> Any:
    few = text.count("[") + text.count("{") <= _MAX_FLOW_DEPTH  # then the scan cannot find too many
    depth, dline = (0, 0) if few else _flow_depth(text)
    if depth > _MAX_FLOW_DEPTH:
        raise ScenarioError(f"values nested more than {_MAX_FLOW_DEPTH} levels deep", file=src.display,
                            line=dline, fix="flatten the structure")
    yaml = YAML(typ="rt")
    try:
        return yaml.load(text)
    except MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark is not None else None
        col = f" (column {mark.column + 1})" if mark is not None else ""
        what = (e.problem or e.context or "invalid YAML").strip()
        fix = "check the indentation and quoting on this line and the one before"
        if "duplicate key" in what.lower() or "found duplicate key" in str(e).lower():
            what = "duplicate key " + what.split('"', 2)[1] if what.count('"') >= 2 else what
            fix = "each key may appear once in a mapping"
        if "\\t" in what or "\t" in what:
            fix = "YAML indentation must use spaces, not tabs"
        raise ScenarioError(f"YAML syntax error: {what}{col}", file=src.display, line=line, fix=fix) from None
    except YAMLError as e:
        raise ScenarioError(f"YAML syntax error: {e}", file=src.display,
                            fix="check the indentation and quoting") from None
    except RecursionError:
        raise ScenarioError("YAML nested too deeply to read", file=src.display, fix="flatten it") from None
    except Exception as e:  # ruamel raises a few non-YAMLError types on odd input
        raise ScenarioError(f"cannot parse YAML: {type(e).__name__}: {e}", file=src.display,
                            fix="check the file is valid YAML") from None


_PATTERN_WORDS = {
    r"^[a-z0-9_-]+$": "lower-case letters, digits, '_' and '-' (e.g. webmail-reply)",
    r"^[A-Za-z0-9_-]+$": "letters, digits, '_' and '-'",
    r"^[A-Za-z_][A-Za-z0-9_]*$": "letters, digits and '_', not starting with a digit (e.g. order_no)",
}


def _explain(err: dict[str, Any]) -> tuple[str, Optional[str]]:
    """A pydantic error as (problem, fix) in our words."""
    t = err.get("type", "")
    ctx = err.get("ctx") or {}
    inp = err.get("input")
    shown = repr(inp) if isinstance(inp, str) else _type_name(inp) if isinstance(inp, (dict, list)) else repr(inp)
    if t == "missing":
        return "missing required key", None
    if t == "extra_forbidden":
        return "unknown key", None
    if t == "literal_error":
        fix = _did_you_mean(inp, [x.strip("'") for x in str(ctx.get("expected", "")).replace(" or ", ", ").split(", ")]) \
            if isinstance(inp, str) else None
        return f"must be one of {ctx.get('expected')} (got {shown})", fix
    if t in ("int_parsing", "int_type", "int_from_float"):
        return f"must be a whole number (got {shown})", None
    if t in ("float_parsing", "float_type", "finite_number"):
        return f"must be a number (got {shown})", None
    if t in ("bool_parsing", "bool_type"):
        return f"must be true or false (got {shown})", None
    if t in ("string_type", "string_sub_type"):
        return f"must be text (got {shown})", "quote the value"
    if t in ("list_type", "tuple_type", "sequence_type"):
        return f"must be a list (got {shown})", None
    if t in ("dict_type", "model_type", "model_attributes_type", "dataclass_type"):
        return f"must be a mapping (got {shown})", None
    if t in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        op = {"greater_than_equal": ("at least", "ge"), "greater_than": ("above", "gt"),
              "less_than_equal": ("at most", "le"), "less_than": ("below", "lt")}[t]
        bound = ctx.get(op[1])
        bound_s = f"{bound:g}" if isinstance(bound, float) else str(bound)
        return f"must be {op[0]} {bound_s} (got {shown})", None
    if t in ("too_short", "too_long"):
        n = ctx.get("min_length") if t == "too_short" else ctx.get("max_length")
        return (f"needs at least {n} item(s)" if t == "too_short" else f"takes at most {n} item(s)"), None
    if t == "string_pattern_mismatch":
        pattern = str(ctx.get("pattern"))
        return f"{shown} must be {_PATTERN_WORDS.get(pattern, 'like ' + pattern)}", None
    if t == "string_too_long":
        return f"is longer than {ctx.get('max_length')} characters", None
    if t == "value_error":
        msg = str(err.get("msg", ""))
        return msg.removeprefix("Value error, "), None
    return str(err.get("msg", "invalid value")), None


def _loc_line(node: Any, loc: tuple[Any, ...], line: Optional[int]) -> Optional[int]:
    cur = node
    for part in loc:
        if isinstance(cur, dict) and part in cur:
            line = _kline(cur, part, line)
            cur = cur[part]
        elif isinstance(cur, list) and isinstance(part, int) and 0 <= part < len(cur):
            line = _iline(cur, part, line)
            cur = cur[part]
        elif isinstance(cur, dict) and part == "target":
            continue  # inline target keys sit in the step mapping itself
        else:
            break
    return line


def _translate(loader: "_Loader", e: ValidationError, vnode: Any, src: "_Src", line: Optional[int],
               where: Optional[str], prefix: tuple[Any, ...] = ()) -> ScenarioError:
    """A pydantic ValidationError as our ScenarioError, at the line of the offending key."""
    err = e.errors(include_url=False)[0]
    loc = tuple(p for p in err.get("loc", ()) if p not in ("line",))
    problem, fix = _explain(err)
    path = ".".join(str(p) if not isinstance(p, int) else f"[{p}]" for p in prefix + loc).replace(".[", "[")
    if err.get("type") == "extra_forbidden" and loc:
        parent = loc[:-1]
        problem = f"unknown key '{loc[-1]}'" + (f" in {'.'.join(map(str, prefix + parent))}" if prefix + parent else "")
    elif path:
        problem = f"{path}: {problem}"
    if err.get("type") == "missing" and loc:
        problem = f"missing required key '{loc[-1]}'" + (f" in {'.'.join(map(str, prefix + loc[:-1]))}"
                                                         if prefix + loc[:-1] else "")
        kind = where.split("'")[1] if where and "'" in where else None
        if fix is None and kind in _EXAMPLES:
            fix = f"e.g. {_EXAMPLES[kind]}"
    walk = loc[1:] if loc[:1] == ("branches",) and isinstance(vnode, list) else loc
    return loader.fail(problem, src, _loc_line(vnode, walk, line), where, fix)


def _load_data(loader: _Loader, node: Any, src: _Src, line: Optional[int]) -> DataFeeder:
    value = loader.plain(node, src, line)
    if isinstance(value, str):
        value = {"file": value}
    if not isinstance(value, dict):
        raise loader.fail(f"'data' must be a file name or a mapping (got {_type_name(value)})", src, line,
                          fix="e.g. data: {file: contacts.csv, mode: sequential}")
    for k in value:
        if k not in _DATA_KEYS:
            raise loader.fail(f"unknown key '{k}' in data", src, _kline(node, k, line) if isinstance(node, dict) else line,
                              fix=_did_you_mean(k, _DATA_KEYS) or f"data takes: {', '.join(_DATA_KEYS)}")
    if ("file" in value) == ("rows" in value):
        raise loader.fail("'data' needs exactly one of 'file' or 'rows'", src, line,
                          fix="e.g. data: {file: contacts.csv}")
    d = dict(value)
    if "file" in d:
        fl = _kline(node, "file", line) if isinstance(node, dict) else line
        if not isinstance(d["file"], str) or not d["file"].strip():
            raise loader.fail("data file must be a file name", src, fl, fix="e.g. data: {file: contacts.csv}")
        d["rows"] = _read_rows(loader, _beside(loader, src, d["file"], fl), d["file"], src, fl)
    elif not isinstance(d["rows"], list) or not all(isinstance(r, dict) for r in d["rows"]):
        raise loader.fail("data rows must be a list of mappings", src, _kline(node, "rows", line),
                          fix="e.g. rows: [{email: a@example.com}, {email: b@example.com}]")
    try:
        return DataFeeder.model_validate(d)
    except ValidationError as e:
        raise loader.translate(e, node, src, line, None, ("data",)) from None


def _confined(loader: _Loader, src: _Src, rel: str, line: Optional[int], where: Optional[str], what: str) -> Path:
    """The real path (symlinks followed) of a file a scenario names, if it may read it; otherwise an error.

    A scenario reads only its own material: files in its folder (and below), and shared material beside
    it, marked by a leading ``_`` on a file or folder under the folder that holds the scenario's folder
    (``../crm/_flows.yaml``, ``../_shared/common.yaml``). Absolute paths, other ``..`` paths and symlinks
    that lead elsewhere are refused before the file is opened or even looked for, so the error says
    nothing of what is there.

    >>> import tempfile; d = Path(tempfile.mkdtemp()).resolve(); (d / "app").mkdir(); (d / "_shared").mkdir()
    >>> ld = _Loader("app/x.yaml", d / "app"); src = _Src(None, "app/x.yaml", d / "app")
    >>> _confined(ld, src, "../_shared/f.yaml", 3, None, "include file") == d / "_shared" / "f.yaml"
    True
    >>> for bad in ("/etc/passwd", "../other/x.yaml"):
    ...     try: _confined(ld, src, bad, 3, None, "include file")
    ...     except ScenarioError as e: print(e.problem)
    include file '/etc/passwd' is outside the scenario's folder
    include file '../other/x.yaml' is outside the scenario's folder
    """
    home = loader.scenario_dir.resolve()
    try:
        path = (src.base_dir / rel).resolve()
    except (OSError, RuntimeError):  # a symlink loop: nothing a scenario may name
        path = None
    ok = path is not None and not Path(rel).is_absolute() and (
        home in path.parents or (home.parent in path.parents and any(
            part.startswith("_") for part in path.relative_to(home.parent).parts)))
    if not ok:
        raise loader.fail(f"{what} '{rel}' is outside the scenario's folder", src, line, where,
                          fix="name a file in the scenario's folder (relative to it), or shared material beside "
                              "it whose name starts with '_' (e.g. ../_shared/common.yaml); symlinks must not "
                              "lead elsewhere")
    assert path is not None
    return path


def _beside(loader: _Loader, src: _Src, rel: str, line: Optional[int]) -> Path:
    """A data file path the scenario may read (see :func:`_confined`)."""
    return _confined(loader, src, rel, line, None, "data file")


def _read_rows(loader: _Loader, path: Path, rel: str, src: _Src, line: Optional[int]) -> list[dict[str, Any]]:
    if not path.is_file():
        raise loader.fail(f"data file '{rel}' not found", src, line,
                          fix=f"paths are relative to the scenario file (looked for {path.resolve()})")
    try:
        size = path.stat().st_size
        if size > MAX_DATA_BYTES:
            raise loader.fail(f"data file '{rel}' is {size / 1048576:.1f} MB, over the "
                              f"{MAX_DATA_BYTES // 1048576} MB limit", src, line, fix="use fewer rows")
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise loader.fail(f"data file '{rel}' is not UTF-8 text", src, line, fix="save it as UTF-8") from None
    except OSError as e:
        raise loader.fail(f"cannot read data file '{rel}': {e.strerror or e}", src, line) from None
    suffix = path.suffix.lower()
    try:
        if suffix == ".json":
            rows = json.loads(text)
        elif suffix in (".jsonl", ".ndjson"):
            rows = [json.loads(x) for x in text.splitlines() if x.strip()]
        elif suffix in (".csv", ".tsv", ".txt"):
            reader = csv.DictReader(io.StringIO(text), delimiter="\t" if suffix == ".tsv" else ",")
            if not reader.fieldnames or any(not (h or "").strip() for h in reader.fieldnames):
                raise loader.fail(f"data file '{rel}' needs a header row with a name for every column",
                                  src, line, fix="first line: e.g. email,first_name")
            rows = []
            for r in reader:
                if None in r:
                    raise loader.fail(f"data file '{rel}' line {reader.line_num}: more values than columns",
                                      src, line, fix="quote values that contain commas")
                rows.append({k: (v if v is not None else "") for k, v in r.items()})
        else:
            raise loader.fail(f"data file '{rel}' has an unknown type '{suffix or 'none'}'", src, line,
                              fix="use .csv (with a header row), .tsv, .json (a list of objects) or .jsonl")
    except (json.JSONDecodeError, csv.Error, RecursionError) as e:
        raise loader.fail(f"data file '{rel}' cannot be read: {e}", src, line) from None
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise loader.fail(f"data file '{rel}' must hold a list of objects", src, line,
                          fix='e.g. [{"email": "a@example.com"}]')
    if not rows:
        raise loader.fail(f"data file '{rel}' has no rows", src, line, fix="add at least one row")
    if len(rows) > _MAX_DATA_ROWS:
        raise loader.fail(f"data file '{rel}' has {len(rows)} rows, over the {_MAX_DATA_ROWS} limit", src, line)
    for r in rows:
        for v in r.values():
            if isinstance(v, (dict, list)):
                raise loader.fail(f"data file '{rel}' has a nested value; values must be text or numbers",
                                  src, line)
    return rows


def load_scenario_text(text: Union[str, bytes], *, file: str = "<scenario>",
                       base_dir: Optional[Path] = None, source: Optional[Path] = None) -> Scenario:
    """Load a scenario from YAML text (``base_dir`` resolves data files and includes).

    >>> load_scenario_text("name: x\\napp: webmail\\nsteps: [{goto: /}]").name
    'x'
    """
    raw = text.encode("utf-8") if isinstance(text, str) else bytes(text)
    if len(raw) > MAX_FILE_BYTES:
        raise ScenarioError(f"file is {len(raw) / 1048576:.1f} MB, over the {MAX_FILE_BYTES // 1048576} MB "
                            "limit for scenario files", file=file,
                            fix="split it into flows files, or move bulk data to a data: file")
    decoded = _decode(raw, file)
    return _guarded_load(decoded, raw, file, (base_dir or Path.cwd()).resolve(), source)


def _guarded_load(text: str, raw: bytes, display: str, base: Path, source: Optional[Path]) -> Scenario:
    """:func:`_load`, turning any stray exception into a ScenarioError that names the file."""
    try:
        return _load(text, raw, display, base, source)
    except ScenarioError:
        raise
    except RecursionError:
        raise ScenarioError("the scenario is nested too deeply", file=display, fix="flatten it") from None
    except Exception as e:  # a bug in the loader must still name the file, never crash a batch
        raise ScenarioError(f"internal error while loading: {type(e).__name__}: {e}", file=display,
                            fix="please report this with the file") from e


def _load(text: str, raw: bytes, display: str, base: Path, source: Optional[Path]) -> Scenario:
    src = _Src(source, display, base)
    data = _parse_yaml(text, src)
    if data is None or (isinstance(data, str) and not data.strip()):
        raise ScenarioError("the file is empty", file=display,
                            fix="a scenario needs at least 'name:', 'app:' (or 'base_url:') and 'steps:'")
    if not isinstance(data, dict):
        raise ScenarioError(f"the top level must be a mapping of keys like name:, app:, steps: "
                            f"(got {_type_name(data)})",
                            file=display, line=1, fix="start with 'name: my-scenario'")
    loader = _Loader(display, base)
    for k in data:
        if str(k) not in TOP_LEVEL_KEYS:
            hint = _did_you_mean(k, TOP_LEVEL_KEYS)
            fix = hint or f"top-level keys: {', '.join(TOP_LEVEL_KEYS)}"
            if str(k) in S.STEP_KINDS:
                fix = "steps go in a list under 'steps:', e.g. 'steps: [- goto: /]'"
            raise loader.fail(f"unknown top-level key '{k}'", src, _kline(data, k, 1), fix=fix)
    for req in ("name", "steps"):
        if req not in data:
            raise loader.fail(f"missing required key '{req}'", src, 1,
                              fix="a scenario needs 'name:', 'app:' (or 'base_url:') and 'steps:'")
    fields: dict[str, Any] = {}
    flows_node = data.get("flows")
    if flows_node is not None and not isinstance(flows_node, dict):
        raise loader.fail("'flows' must be a mapping of name: [steps]", src, _kline(data, "flows", 1),
                          fix="e.g. flows: {login: [...]}")
    src.local_flows = tuple(str(n) for n in (flows_node or {}))
    loader.known_flows.update(src.local_flows)
    var_lines: dict[str, Optional[int]] = {}
    if "think" in data:
        pv = loader.plain(data["think"], src, _kline(data, "think", 1))
        if isinstance(pv, (int, float)) and not isinstance(pv, bool):
            pv = {"median_ms": pv}
        if isinstance(pv, dict):
            try:
                loader.default_think = ThinkDist.model_validate(pv).model_dump()
            except ValidationError as e:
                raise loader.translate(e, data["think"], src, _kline(data, "think", 1), None, ("think",)) from None
    for k, v in data.items():
        k = str(k)
        kl = _kline(data, k, 1)
        if k == "steps":
            fields["steps"] = loader.step_list(v, src, kl, "", 0, "'steps'")
        elif k in ("setup", "teardown"):
            fields[k] = loader.step_list(v, src, kl, f"{k}.", 0, f"'{k}'")
        elif k == "login":
            fields[k] = _load_login(loader, v, src, kl)
        elif k == "flows":
            loader.convert_flows(v or {}, src)
            fields["flows"] = loader.flows
        elif k == "data":
            fields["data"] = _load_data(loader, v, src, kl)
        elif k == "think":
            pv = loader.plain(v, src, kl)
            fields["think"] = {"median_ms": pv} if isinstance(pv, (int, float)) and not isinstance(pv, bool) else pv
        elif k == "variables":
            pv = loader.plain(v, src, kl)
            if isinstance(pv, dict):
                for name, tv in pv.items():
                    vl = _kline(v, name, kl)
                    var_lines[name] = vl
                    if isinstance(tv, str) and has_template(tv):
                        try:
                            t = parse_template(tv)
                        except TemplateError as e:
                            raise loader.fail(e.problem, src, vl, None, e.fix, cls=TemplateError) from None
                        for x in t.exprs:
                            if x.root == "captured":
                                raise loader.fail(f"variable '{name}' uses '{{{{ {x.text} }}}}', but variables "
                                                  "are rendered at session start, before any capture",
                                                  src, vl, fix="use {{ captured.<name> }} in the step itself",
                                                  cls=TemplateError)
                        loader.refs.extend(_Ref(x, src, vl, None) for x in t.exprs)
                    elif isinstance(tv, (dict, list)):
                        raise loader.fail(f"variable '{name}' must be text or a number (got {_type_name(tv)})",
                                          src, vl, fix="quote it")
            fields["variables"] = pv
        elif k == "task":
            pv = loader.plain(v, src, kl)
            if isinstance(pv, str) and has_template(pv):
                try:
                    t = parse_template(pv)
                except TemplateError as e:
                    raise loader.fail(e.problem, src, kl, None, e.fix, cls=TemplateError) from None
                loader.refs.extend(_Ref(x, src, kl, None) for x in t.exprs)
            fields["task"] = pv
        else:
            fields[k] = loader.plain(v, src, kl)
    fields["flows"] = loader.flows
    loader.check_cycles()
    if ("app" in data) == ("base_url" in data):
        line = _kline(data, "base_url", 1) if "base_url" in data else 1
        raise loader.fail("a scenario needs exactly one of 'app' (a bundled app name) or 'base_url' "
                          "(any web app)", src, line,
                          fix="e.g. 'app: webmail' or 'base_url: http://localhost:8000/'")
    try:
        scenario = Scenario.model_validate({
            **fields, "source": source, "source_text_sha256": hashlib.sha256(raw).hexdigest()})
    except ValidationError as e:
        raise loader.translate(e, data, src, 1, None) from None
    _check_variable_cycles(loader, scenario.variables, var_lines, src)
    loader.check_refs(scenario.variables, var_lines, scenario.data, _kline(data, "data", 1), src)
    return scenario


def _load_login(loader: _Loader, node: Any, src: _Src, line: Optional[int]) -> dict[str, Any]:
    """``login:`` as a list of steps, or ``{steps: [...], record: first|every|never}``."""
    if isinstance(node, list):
        return {"steps": loader.step_list(node, src, line, "login.", 0, "'login'")}
    if not isinstance(node, dict) or "steps" not in node:
        raise loader.fail("'login' takes its steps, or {steps: [...], record: first|every|never}", src, line,
                          fix="e.g. login: {steps: [- goto: /login, - type: ...], record: first}")
    out: dict[str, Any] = {}
    for k, v in node.items():
        if str(k) == "steps":
            out["steps"] = loader.step_list(v, src, _kline(node, k, line), "login.", 0, "'login.steps'")
        elif str(k) == "record":
            out["record"] = loader.plain(v, src, _kline(node, k, line))
        else:
            raise loader.fail(f"unknown key '{k}' in login", src, _kline(node, k, line),
                              fix=_did_you_mean(k, ("steps", "record")) or "login takes: steps, record")
    return out


def _check_variable_cycles(loader: _Loader, variables: dict[str, str], lines: dict[str, Optional[int]],
                           src: _Src) -> None:
    deps = {n: [x.name for x in parse_template(v).exprs if x.root == "var" and x.name in variables]
            for n, v in variables.items()}
    state: dict[str, int] = {}

    def visit(n: str, path: list[str]) -> None:
        state[n] = 1
        for d in deps[n]:
            if state.get(d) == 1:
                cyc = path[path.index(d):] + [d] if d in path else [n, d]
                raise loader.fail(f"variables refer to each other in a cycle: {' -> '.join(cyc)}", src,
                                  lines.get(n), fix="break the cycle", cls=TemplateError)
            if d not in state:
                visit(d, path + [d])
        state[n] = 2

    for n in variables:
        if n not in state:
            visit(n, [n])


def load_scenario(path: Union[str, Path]) -> Scenario:
    """Load and validate one scenario file.

    >>> load_scenario("scenarios/_examples/webmail_reply.yaml").app  # doctest: +SKIP
    'webmail'
    """
    p = Path(path)
    display = str(path)
    if not p.exists():
        raise ScenarioError("no such file", file=display, fix="check the path")
    if not p.is_file():
        raise ScenarioError("not a file", file=display, fix="give a .yaml file, or use load_scenarios for a folder")
    src = _Src(p, display, p.parent)
    text, raw = _read_text(p, src)
    return _guarded_load(text, raw, display, p.parent.resolve(), p.resolve())


def scenario_files(paths: Union[str, Path, list[Union[str, Path]]]) -> list[Path]:
    """The scenario files named by paths: files as given; folders searched recursively for
    ``*.yaml``/``*.yml`` (sorted), skipping files and folders whose name starts with ``_`` below the
    given folder (shared flows and fixtures live there).

    >>> scenario_files("scenarios/_examples")  # doctest: +SKIP
    [PosixPath('scenarios/_examples/kanban_drag.yaml'), ...]
    """
    items = [paths] if isinstance(paths, (str, Path)) else list(paths)
    out: list[Path] = []
    for item in items:
        p = Path(item)
        if p.is_dir():
            found = [f for f in p.rglob("*") if f.suffix.lower() in (".yaml", ".yml") and f.is_file()
                     and not any(part.startswith("_") for part in f.relative_to(p).parts)]
            out.extend(sorted(found))
        elif p.exists():
            out.append(p)
        else:
            raise ScenarioError("no such file or folder", file=str(item), fix="check the path")
    return out


def load_scenarios(paths: Union[str, Path, list[Union[str, Path]]]) -> list[Scenario]:
    """Load every scenario under ``paths`` (see :func:`scenario_files`); names must be unique.

    >>> [s.name for s in load_scenarios("scenarios/_examples")]  # doctest: +SKIP
    ['kanban-drag', 'shop-search', 'webmail-reply']
    """
    out: list[Scenario] = []
    seen: dict[str, str] = {}
    for f in scenario_files(paths):
        s = load_scenario(f)
        if s.name in seen:
            raise ScenarioError(f"scenario name '{s.name}' is already used by {seen[s.name]}", file=str(f), line=1,
                                fix="give each scenario a unique name")
        seen[s.name] = str(f)
        out.append(s)
    return out

