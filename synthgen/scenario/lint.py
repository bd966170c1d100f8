"""Check scenario files with the same loader ``synthgen generate`` uses, plus advisory warnings.

Errors are what :func:`~synthgen.scenario.loader.load_scenario` raises (one per file: the first
problem found), the same checks ``generate`` makes: among them every ``press`` key against the key
planner's table (:mod:`synthgen.motor.chords`), every ``role=`` against ARIA's roles and every target
modifier against the target grammar (:mod:`synthgen.scenario.targets`), each with the nearest valid name;
linting goes on to the next file. Warnings flag scenarios that load but are likely wrong: an app that is
not bundled, flows never included, steps that can never run, a ``goto`` that leaves the allowed origins,
sessions with thousands of actions.

>>> issues = lint_paths(["scenarios/_examples"])  # doctest: +SKIP
>>> [i for i in issues if i.severity == "error"]  # doctest: +SKIP
[]
"""

from __future__ import annotations

import difflib
import importlib
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Literal, Optional, TextIO, Union
from urllib.parse import urlsplit

from synthgen.errors import ScenarioError
from synthgen.motor.chords import MAIN_KEYS, MODIFIER_KEYS
from synthgen.scenario import steps as S
from synthgen.scenario.loader import load_scenario, scenario_files
from synthgen.scenario.model import Scenario, walk_steps
from synthgen.scenario.templating import has_template, parse_template

__all__ = ["LintIssue", "lint_paths", "lint_scenario", "lint_command", "list_scenarios",
           "template_audit", "KNOWN_KEYS", "MAX_ACTIONS_WARNING"]

#: a session that can run more actions than this gets a warning
MAX_ACTIONS_WARNING = 5_000

#: key names ``press`` takes besides single characters: the key planner's own (synthgen.motor.chords), which the
#: loader checks every chord against, so lint and generate refuse the same keys
KNOWN_KEYS: frozenset[str] = MAIN_KEYS | frozenset(MODIFIER_KEYS)
_LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")


@dataclass(frozen=True)
class LintIssue:
    """One finding. ``str()`` gives ``file:line: severity: step N 'kind': problem; fix``.

    >>> str(LintIssue("warning", "a.yaml", 3, "2 'press'", "unknown key 'Ctrl'", "did you mean 'Control'?"))
    "a.yaml:3: warning: step 2 'press': unknown key 'Ctrl'; did you mean 'Control'?"
    """

    severity: Literal["error", "warning"]
    file: str
    line: Optional[int]
    step: Optional[str]
    problem: str
    fix: Optional[str] = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        msg = f"{where}: {self.severity}: "
        if self.step:
            msg += f"step {self.step}: "
        msg += self.problem
        if self.fix:
            msg += f"; {self.fix}"
        return msg

    def to_dict(self) -> dict[str, Any]:
        """Plain data, e.g. for ``--json`` output."""
        return {"severity": self.severity, "file": self.file, "line": self.line, "step": self.step,
                "problem": self.problem, "fix": self.fix, "message": str(self)}


def _issue_from(e: ScenarioError, default_file: str) -> LintIssue:
    return LintIssue("error", e.file or default_file, e.line, e.step, e.problem, e.fix)


def _bundled_apps() -> Optional[list[str]]:
    """Names of the bundled apps, or None if the apps package is not there (then no check)."""
    try:
        server = importlib.import_module("synthgen.apps.server")
        return list(server.list_apps())
    except Exception:
        return None


def _top_key_line(text: str, key: str) -> Optional[int]:
    m = re.search(rf"^{re.escape(key)}\s*:", text, re.M)
    return text.count("\n", 0, m.start()) + 1 if m else None


def lint_scenario(scenario: Scenario, file: str, text: str = "",
                  apps: Optional[list[str]] = None) -> list[LintIssue]:
    """Warnings for a scenario that loaded (``apps``: the bundled app names, None to skip)."""
    out: list[LintIssue] = []

    def warn(line: Optional[int], step: Optional[str], problem: str, fix: Optional[str] = None) -> None:
        out.append(LintIssue("warning", file, line, step, problem, fix))

    if scenario.app is not None and apps is not None and scenario.app not in apps:
        close = difflib.get_close_matches(scenario.app, apps, n=1, cutoff=0.6)
        warn(_top_key_line(text, "app"), None, f"app '{scenario.app}' is not a bundled app",
             (f"did you mean '{close[0]}'? " if close else "") + f"bundled apps: {', '.join(apps) or 'none'}"
             " (use base_url: for any other web app)")

    origins = {o.lower() for o in scenario.allowed_origins}
    if scenario.base_url:
        p = urlsplit(scenario.base_url)
        origins.add(f"{p.scheme}://{p.netloc}".lower())

    lists: list[tuple[str, list[Any]]] = [("", scenario.steps)]
    lists += [(f"{name}.", steps) for name, steps in scenario.flows.items() if "/" not in name and "#" not in name]
    included: set[str] = set()
    any_think = "think" in text and _top_key_line(text, "think") is not None
    for prefix, steps in lists:
        for label, st in walk_steps(steps, prefix):
            where = f"{label} '{st.kind}'"
            if isinstance(st, S.Think):
                any_think = True
            elif isinstance(st, S.Include):
                included.add(st.flow)
            elif isinstance(st, S.Optional_) and st.probability in (0, 1):
                warn(st.line, where, f"probability {st.probability:g}: the steps "
                     + ("never run" if st.probability == 0 else "always run"),
                     "use a probability between 0 and 1, or remove the optional")
            elif isinstance(st, S.Choice):
                for b, br in enumerate(st.branches, 1):
                    if br.weight == 0:
                        warn(st.line, where, f"branch {b} has weight 0 and never runs")
            elif isinstance(st, S.Repeat) and (st.times == 0 or st.max == 0):
                warn(st.line, where, "repeats 0 times: its steps never run")
            elif isinstance(st, S.Goto) and not has_template(st.url):
                p = urlsplit(st.url)
                if p.scheme and p.netloc:
                    origin = f"{p.scheme}://{p.netloc}".lower()
                    if p.hostname not in _LOOPBACK and origin not in origins:
                        warn(st.line, where, f"goto leaves the app: {origin} is not an allowed origin",
                             f"add it to allowed_origins: [{origin}] (or use a path like /page)")
    # flows reached only through other flows count as included too
    frontier = list(included)
    while frontier:
        for _, st in walk_steps(scenario.flows.get(frontier.pop(), [])):
            if isinstance(st, S.Include) and st.flow not in included:
                included.add(st.flow)
                frontier.append(st.flow)
    for name in scenario.flows:
        if name not in included and "/" not in name and "#" not in name:
            warn(_flow_line(text, name), None, f"flow '{name}' is never included",
                 f"use it with '- include: {name}', or remove it")
    if not any_think:
        warn(None, None, "no think steps and no 'think:' default: pauses come only from the built-in "
             "think time", "add e.g. 'think: {median_ms: 900, sigma: 0.6}' at the top, or think steps")
    lo, hi = scenario.action_count_bounds()
    from synthgen.session import DEFAULT_MAX_ACTIONS  # here: the session module loads Playwright, lint need not

    if lo > DEFAULT_MAX_ACTIONS:  # every session would fail at the bound: an error, not advice
        out.append(LintIssue("error", file, None, None, f"every session runs at least {lo:,} actions, over the "
                             f"bound of {DEFAULT_MAX_ACTIONS:,} actions a session may run (it would fail there)",
                             "lower the repeat counts (nested repeats multiply), or raise --max-actions and "
                             "lint with the same bound in mind"))
    elif hi > MAX_ACTIONS_WARNING:
        warn(None, None, f"one session can run up to {hi:,} actions", "lower the repeat counts")
    if hi == 0:
        warn(None, None, "a session may run no action at all", "add a step outside repeat/optional")
    return out


def _flow_line(text: str, name: str) -> Optional[int]:
    m = re.search(rf"^\s+{re.escape(name)}\s*:", text, re.M)
    return text.count("\n", 0, m.start()) + 1 if m else None


def lint_paths(paths: Union[str, Path, Iterable[Union[str, Path]]]) -> list[LintIssue]:
    """Lint every scenario file under ``paths``; collects every file's error and all warnings.

    >>> lint_paths(["no/such/dir"])[0].problem
    'no such file or folder'
    """
    items = [paths] if isinstance(paths, (str, Path)) else list(paths)
    issues: list[LintIssue] = []
    files: list[Path] = []
    for item in items:
        try:
            files.extend(scenario_files(item))
        except ScenarioError as e:
            issues.append(_issue_from(e, str(item)))
    apps = _bundled_apps()
    names: dict[str, str] = {}
    for f in files:
        try:
            sc = load_scenario(f)
        except ScenarioError as e:
            issues.append(_issue_from(e, str(f)))
            continue
        try:
            text = f.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            text = ""
        if sc.name in names:
            issues.append(LintIssue("error", str(f), _top_key_line(text, "name"), None,
                                    f"scenario name '{sc.name}' is already used by {names[sc.name]}",
                                    "give each scenario a unique name"))
        else:
            names[sc.name] = str(f)
        issues.extend(lint_scenario(sc, str(f), text, apps))
    return issues


def lint_command(paths: list[Path], *, strict: bool = False, out: Optional[TextIO] = None) -> int:
    """``synthgen lint PATH...``: print issues and a summary; exit code 1 on errors (or on
    warnings with ``strict``), else 0.

    >>> lint_command([Path("no/such.yaml")], out=sys.stdout)
    no/such.yaml: error: no such file or folder; check the path
    0 files: 1 error, 0 warnings
    1
    """
    stream = out if out is not None else sys.stdout
    issues = lint_paths(paths)
    nfiles = 0
    for p in paths:
        try:
            nfiles += len(scenario_files(p))
        except ScenarioError:
            pass
    for issue in issues:
        print(str(issue), file=stream)
    errors = sum(i.severity == "error" for i in issues)
    warnings = len(issues) - errors
    print(f"{nfiles} file{'s' if nfiles != 1 else ''}: {errors} error{'s' if errors != 1 else ''}, "
          f"{warnings} warning{'s' if warnings != 1 else ''}", file=stream)
    return 1 if errors or (strict and warnings) else 0


def list_scenarios(root: Union[str, Path]) -> list[dict[str, Any]]:
    """``synthgen scenarios list``: one dict per scenario file under ``root`` (broken files included,
    with ``error`` set).

    >>> [d["name"] for d in list_scenarios("scenarios/_examples")]  # doctest: +SKIP
    ['kanban-drag', 'shop-search', 'webmail-reply']
    """
    out: list[dict[str, Any]] = []
    try:
        files = scenario_files(root)
    except ScenarioError as e:
        return [{"file": str(root), "error": str(e)}]
    for f in files:
        try:
            sc = load_scenario(f)
        except ScenarioError as e:
            out.append({"file": str(f), "name": None, "error": str(e)})
            continue
        lo, hi = sc.action_count_bounds()
        out.append({"file": str(f), "name": sc.name, "app": sc.app, "base_url": sc.base_url,
                    "description": sc.description, "tags": list(sc.tags), "steps": len(sc.steps),
                    "min_actions": lo, "max_actions": hi, "flows": sorted(sc.flows),
                    "uses_data": sc.data is not None, "error": None})
    return out


def template_audit(scenario: Scenario) -> dict[str, list[str]]:
    """Which values a scenario's templates read: ``{"persona.email": ["3 'type'", ...], ...}``.

    >>> from synthgen.scenario.loader import load_scenario_text
    >>> template_audit(load_scenario_text("name: a\\napp: b\\nsteps: [{goto: '/u/{{ persona.id }}'}]"))
    {'persona.id': ["1 'goto'"]}
    """
    found: dict[str, list[str]] = {}

    def note(text: str, where: str) -> None:
        for e in parse_template(text).exprs:
            if e.source_name:
                found.setdefault(e.source_name, [])
                if where not in found[e.source_name]:
                    found[e.source_name].append(where)

    def strings(v: Any) -> Iterable[str]:
        if isinstance(v, str):
            yield v
        elif isinstance(v, dict):
            for x in v.values():
                yield from strings(x)
        elif isinstance(v, (list, tuple)):
            for x in v:
                yield from strings(x)

    for name, text in scenario.variables.items():
        note(text, f"variables.{name}")
    lists: list[tuple[str, list[Any]]] = [("", scenario.steps)]
    lists += [(f"{flow}.", steps) for flow, steps in scenario.flows.items()]
    for prefix, steps in lists:
        for label, st in walk_steps(steps, prefix):
            if st.kind in S.CONTROL_KINDS:
                continue
            dumped = st.model_dump(exclude={"id", "line", "flow_file", "kind"})
            for text in strings(dumped):
                if has_template(text):
                    note(text, f"{label} '{st.kind}'")
    return found
