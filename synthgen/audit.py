"""Prove a dataset synthetic: trace every string typed into an app back to where it came from.

A typed string can only come from the persona (the ``personas`` table), the scenario file's literal
text, or a Faker provider the scenario's template names. ``audit_dataset`` checks this for every
session, step by step:

1. the text each step typed is rebuilt from its ``keydown`` events (what a text field would hold);
2. the session is replayed without a browser: same scenario, same seed, the persona rebuilt from the
   ``personas`` table (so its values are the table's), against an in-memory page. The replay renders
   the scenario's templates exactly as the real session did (Faker is seeded from the session seed) and
   types them without typos, so it yields the exact string each step meant to type;
3. the typed text must equal that string, or differ from it only by the persona's uncorrected typos
   (a neighbouring key, a skipped or doubled key, two keys swapped; a few per string). Values the
   session read from the page (``captured.*``) are wildcards.

Anything else is listed as untraced. Strings that hold a value read from the page (``captured.*``) or
from a data file (``data.*``) are traced to that source, but what the source held is not synthgen's:
they are listed apart, with the page or the file, for you to vet (``AuditReport.to_vet``; ``synthgen
audit --strict`` fails on them).

The rest of the dataset is proven too: the personas table must equal, field by field, the pool
re-derived from the job seed and pool size in ``manifest.json`` (a table edited to hold a real person's
name, e-mail and phone, with the events to match, fails here), and every file under the dataset must be
listed in the manifest with its checksum (a file added or changed afterwards is reported).

>>> # report = audit_dataset(Path("output/run1")); report.clean
"""

from __future__ import annotations

import asyncio
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import numpy as np
import pyarrow.parquet as pq

from synthgen.browser.fake import FakeDriver
from synthgen.browser.driver import Located
from synthgen.motor.keyboard import replay_text
from synthgen.motor.layout import key_for_char, neighbours
from synthgen.motor.types import Box, KeyAction
from synthgen.scenario import steps as S
from synthgen.scenario.model import Scenario
from synthgen.scenario.planner import data_row, iter_actions
from synthgen.scenario.templating import parse_template, template_sources

__all__ = ["TypedString", "AuditReport", "audit_dataset", "typed_by_step", "typo_distance", "WILDCARD"]

#: stands for a value read from the page (``captured.*``) in a replayed string; matches any text
WILDCARD = "\ue000"


@dataclass
class TypedString:
    """One step's typed text and its verdict."""

    session_id: str
    step_id: str
    typed: str
    expected: str | None
    traced: bool
    sources: list[str] = field(default_factory=list)
    note: str = ""
    #: for a string holding ``captured.*`` or ``data.*``: "came from the page <url>" / "came from a data
    #: file: <path>" (its content is the page's or yours, not synthgen's)
    vet: list[str] = field(default_factory=list)


@dataclass
class AuditReport:
    """The audit of one dataset; ``clean`` when every typed string is traced and every file intact."""

    root: Path
    sessions: int = 0
    strings: list[TypedString] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # integrity and reconstruction problems

    @property
    def untraced(self) -> list[TypedString]:
        return [s for s in self.strings if not s.traced]

    @property
    def clean(self) -> bool:
        return not self.untraced and not self.problems

    @property
    def to_vet(self) -> list[TypedString]:
        """Traced strings that hold text read from the page or a data file (see :attr:`TypedString.vet`)."""
        return [s for s in self.strings if s.traced and s.vet]

    def source_counts(self) -> dict[str, int]:
        """How many traced strings read each source (``persona.email``, ``faker.word``, ``literal``)."""
        counts: dict[str, int] = {}
        for s in self.strings:
            if s.traced:
                for src in s.sources:
                    counts[src] = counts.get(src, 0) + 1
        return dict(sorted(counts.items()))

    def to_json(self) -> dict[str, Any]:
        return {"dataset": str(self.root), "sessions": self.sessions, "typed_strings": len(self.strings),
                "untraced": [s.__dict__ for s in self.untraced], "problems": self.problems,
                "to_vet": [s.__dict__ for s in self.to_vet], "sources": self.source_counts(), "clean": self.clean}


# ---- typed text from events -------------------------------------------------------------------
def typed_by_step(events: Any) -> dict[str, str]:
    """``step_id -> text`` a plain text field holds after the step's keydowns (see ``replay_text``).

    ``events`` is a pyarrow table or a list of row dicts with the ``events`` columns.

    >>> rows = [dict(type="keydown", step_id="3", key=k, code="Key" + k.upper(), modifiers=0, t_ms=float(i))
    ...         for i, k in enumerate("hi")]
    >>> typed_by_step(rows)
    {'3': 'hi'}
    """
    rows = events.to_pylist() if hasattr(events, "to_pylist") else list(events)
    per: dict[str, list[KeyAction]] = {}
    for r in rows:
        if r["type"] != "keydown":
            continue
        t = float(r["t_ms"])
        per.setdefault(str(r["step_id"]), []).append(
            KeyAction(t, t, str(r["key"] or ""), str(r["code"] or ""), int(r["modifiers"] or 0)))
    return {sid: replay_text(acts) for sid, acts in per.items()}


# ---- typo tolerance ---------------------------------------------------------------------------
def _eligible(ch: str) -> bool:
    # as the keyboard model: only keys on the layout slip, and never Enter
    return bool(key_for_char(ch)[1]) and ch != "\n"


def _near(a: str, b: str) -> bool:
    return a != WILDCARD and _eligible(a) and b in neighbours(a)


def _slip(a: str, b: str) -> bool:
    # What the keyboard model hits instead of ``a`` (synthgen.motor.keyboard._wrong_key): a neighbouring key,
    # or, fitted to the Backspace runs of real typing, another letter (a space typed as 'a' is one).
    return _near(a, b) or (a != WILDCARD and _eligible(a) and b != a and b.isascii() and b.isalpha())


def typo_distance(expected: str, typed: str, limit: int) -> float:
    """Fewest human typos turning ``expected`` into ``typed`` (``inf`` if more than ``limit``).

    A typo is what the keyboard model can leave uncorrected: a neighbouring key or another letter instead
    of the right one, a skipped key, an extra key before one, or two adjacent keys swapped. :data:`WILDCARD`
    in ``expected`` matches any text. Each costs one, and a string may hold only a few
    (:func:`_typo_limit`), so text of one's own cannot pass as slips.

    >>> typo_distance("hello", "hrllo", 3), typo_distance("hello", "hllo", 3), typo_distance("hello", "ehllo", 3)
    (1, 1, 1)
    >>> typo_distance("ok food", "okafood", 3), typo_distance("ok food", "ok f#od", 3)
    (1, inf)
    >>> typo_distance("hello", "hacked", 3)
    inf
    """
    n, m = len(expected), len(typed)
    banded = WILDCARD not in expected
    if banded and abs(n - m) > limit:
        return math.inf
    inf = math.inf
    # cost[i][j]: fewest typos turning expected[:i] into typed[:j]; without wildcards only cells within
    # `limit` of the diagonal can stay under the limit, so only those are visited
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0
    for i in range(n + 1):
        lo, hi = (max(0, i - limit - 1), min(m, i + limit + 1)) if banded else (0, m)
        for j in range(lo, hi + 1):
            c = cost[i][j]
            if c > limit:
                continue
            if i < n and expected[i] == WILDCARD:
                if cost[i + 1][j] > c:
                    cost[i + 1][j] = c
                if j < m and cost[i][j + 1] > c:
                    cost[i][j + 1] = c
                continue
            if i < n and j < m and expected[i] == typed[j] and cost[i + 1][j + 1] > c:
                cost[i + 1][j + 1] = c
            if i < n and j < m and _slip(expected[i], typed[j]) and cost[i + 1][j + 1] > c + 1:
                cost[i + 1][j + 1] = c + 1                                   # substitution
            if i < n and _eligible(expected[i]) and cost[i + 1][j] > c + 1:
                cost[i + 1][j] = c + 1                                       # omission
            if j < m and ((i < n and _slip(expected[i], typed[j])) or (i > 0 and _near(expected[i - 1], typed[j]))):
                if cost[i][j + 1] > c + 1:
                    cost[i][j + 1] = c + 1                                   # insertion
            if (i + 1 < n and j + 1 < m and expected[i] != expected[i + 1] and expected[i] == typed[j + 1]
                    and expected[i + 1] == typed[j] and _eligible(expected[i]) and _eligible(expected[i + 1])
                    and cost[i + 2][j + 2] > c + 1):
                cost[i + 2][j + 2] = c + 1                                   # transposition
    return cost[n][m] if cost[n][m] <= limit else inf


def _typo_limit(expected: str) -> int:
    # Uncorrected typos are rare (about 1 in 150 chars for the average persona); allow a generous few.
    return 2 + len(expected) // 15


# ---- replay -----------------------------------------------------------------------------------
class _ReplayPage(FakeDriver):
    """A page where every target is present and every wait succeeds; captured values are wildcards."""

    def __init__(self, viewport: tuple[int, int]) -> None:
        super().__init__(boxes={}, viewport=viewport)

    async def locate(self, target: S.Target, timeout_ms: float) -> Located:
        w, h = self.viewport
        return Located(Box(w * 0.4, h * 0.4, 120.0, 30.0), target.describe())

    async def wait_text(self, text: str, timeout_ms: float) -> None:
        pass

    async def wait_url(self, pattern: str, timeout_ms: float) -> None:
        pass

    async def read(self, target: S.Target, attribute: str | None, timeout_ms: float) -> str:
        return WILDCARD


def _persona_from_row(row: dict[str, Any], *, typo_free: bool) -> Any:
    from synthgen.motor.params import MotorProfile
    from synthgen.persona.identity import Identity
    from synthgen.persona.model import Persona

    identity = Identity(**{k: row[k] for k in Identity.model_fields})
    motor = MotorProfile.model_validate_json(row["motor_json"])
    if typo_free:
        kb = motor.keyboard.model_copy(update={"typo_substitution": 0.0, "typo_omission": 0.0,
                                               "typo_insertion": 0.0, "typo_transposition": 0.0})
        motor = motor.model_copy(update={"keyboard": kb})
    from synthgen.persona.behaviour import Behaviour
    from synthgen.persona.device import Device

    if not row.get("behaviour_json"):  # a table written before personas had behaviour traits
        raise ValueError(f"persona {row['persona_id']}: the personas table has no behaviour_json column; it was "
                         "written by an older synthgen, so audit it with that version")
    return Persona(persona_id=row["persona_id"], seed=int(row["seed"]), identity=identity, motor=motor,
                   device=Device.model_validate_json(row["device_json"]),
                   behaviour=Behaviour.model_validate_json(row["behaviour_json"]))


def _replay(scenario: Scenario, row: dict[str, Any], persona: Any) -> dict[str, str]:
    """``step_id -> text`` the session meant to type, from a browserless, typo-free replay."""
    from synthgen.session import SessionOptions, SessionSpec, run_session

    from synthgen.scenario.model import Viewport

    sid = str(row["session_id"])
    if row.get("viewport_w") and (row["viewport_w"], row["viewport_h"]) != (scenario.viewport.width,
                                                                             scenario.viewport.height):
        # the session ran in its persona's window (the scenario fixes none): replay in the same one
        scenario = scenario.model_copy(update={"viewport": Viewport(width=int(row["viewport_w"]),
                                                                    height=int(row["viewport_h"]))})
    spec = SessionSpec(index=int(sid.rsplit("-", 1)[1]), session_id=sid, seed=int(row["seed"]),
                       scenario=scenario, persona=persona, base_url=str(row["base_url"]))
    page = _ReplayPage((scenario.viewport.width, scenario.viewport.height))
    # Bounded by the session itself (the run's own bounds may have been raised): a replay covers no more than
    # the synthetic time the session took, with room for the typo-free persona's other draws.
    opts = SessionOptions(failure_screenshot=False, max_actions=1_000_000, max_wall_s=300.0,
                          max_synthetic_s=2.0 * float(row.get("duration_ms") or 0.0) / 1000.0 + 60.0)
    result = asyncio.run(run_session(spec, page, opts))  # type: ignore[arg-type]
    return typed_by_step(result.events)


def _step_templates(scenario: Scenario, row: dict[str, Any]) -> dict[str, list[str]]:
    """``step_id -> the template texts`` the step types, for naming sources (mirrors the session's planner)."""
    plan_ss = np.random.SeedSequence(int(row["seed"])).spawn(3)[0]
    rng = np.random.default_rng(plan_ss)
    data_row(scenario, int(str(row["session_id"]).rsplit("-", 1)[1]), rng)
    out: dict[str, list[str]] = {}
    for sid, step in iter_actions(scenario, rng):
        if isinstance(step, S.Type):
            out[sid] = [step.text]
        elif isinstance(step, S.Fill):
            out[sid] = [f.value for f in step.fields]
        elif isinstance(step, S.Press):
            out[sid] = list(step.keys)
        if len(out) > 100_000:
            break
    return out


def _sources(templates: list[str], variables: dict[str, str]) -> list[str]:
    """Where a step's text comes from: ``literal`` (the scenario), ``persona.*``, ``faker.*``, ``data.*``,
    ``captured.*``; scenario variables are followed to their own sources."""
    found: list[str] = []

    def visit(text: str, depth: int) -> None:
        t = parse_template(text)
        if any(isinstance(p, str) and p for p in t.parts) and "literal" not in found:
            found.append("literal")
        for src in template_sources(text):
            if src.startswith("var.") and depth < 20 and src[4:] in variables:
                visit(variables[src[4:]], depth + 1)
            elif src not in found:
                found.append(src)

    for text in templates:
        visit(text, 0)
    return found


# ---- the audit --------------------------------------------------------------------------------
def _load_scenarios(paths: Iterable[Path]) -> dict[str, Scenario]:
    from synthgen.scenario.loader import load_scenarios

    paths = list(paths)
    return {s.name: s for s in load_scenarios(paths)} if paths else {}


def _check_manifest(root: Path, report: AuditReport) -> None:
    from synthgen.dataset.files import sha256_file

    mpath = root / "manifest.json"
    if not mpath.is_file():
        report.problems.append("manifest.json is missing: the run did not finish (re-run it to complete the dataset)")
        return
    try:
        manifest = json.loads(mpath.read_text())
    except ValueError as exc:
        report.problems.append(f"manifest.json is not valid JSON ({exc})")
        return
    listed = {f["path"]: f for f in manifest.get("files", [])}
    for rel, f in sorted(listed.items()):
        p = root / rel
        if not p.is_file():
            report.problems.append(f"{rel}: listed in the manifest but missing")
        elif sha256_file(p) != f["sha256"]:
            report.problems.append(f"{rel}: changed after generation (sha256 differs from the manifest)")
    # Every file under the dataset, whatever its folder or name: a file the run did not write cannot be
    # vouched for (frames, extra observations, a stray copy). Only the manifest itself and the run lock
    # (left in place by design) are not listed.
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root).as_posix()
        if (p.is_file() or p.is_symlink()) and rel not in listed and rel not in _UNLISTED:
            report.problems.append(f"{rel}: not in the manifest (added after generation?)")


_UNLISTED = {"manifest.json", ".synthgen.lock"}


def _read_manifest(root: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((root / "manifest.json").read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _check_personas(root: Path, personas: dict[str, dict[str, Any]], report: AuditReport) -> None:
    """The personas table must be exactly the pool the job seed and pool size derive, field by field."""
    from synthgen.persona.population import sample_personas
    from synthgen.schema import PERSONAS_SCHEMA

    manifest = _read_manifest(root)
    config = (manifest or {}).get("config") or {}
    seed, size = (manifest or {}).get("seed", config.get("seed")), config.get("personas")
    if not isinstance(seed, int) or not isinstance(size, int) or size < 1:
        report.problems.append("personas: manifest.json does not give the job seed and pool size (config.personas), "
                               "so the persona table cannot be re-derived")
        return
    import pyarrow as pa

    derived = pa.Table.from_pylist([p.to_row() for p in sample_personas(size, seed=seed)],
                                   schema=PERSONAS_SCHEMA).to_pylist()
    want = {r["persona_id"]: r for r in derived}
    for pid, row in sorted(personas.items()):
        exp = want.get(pid)
        if exp is None:
            report.problems.append(f"personas: {pid} is not one of the {size} personas job seed {seed} derives")
            continue
        for k in sorted(set(exp) | set(row)):
            if row.get(k) != exp.get(k):
                # the JSON columns are long: name them rather than print both values
                shown = f"{k} differs" if k.endswith("_json") else \
                    f"{k} is {row.get(k)!r}, the job seed derives {exp.get(k)!r}"
                report.problems.append(f"personas: {pid}: {shown} (the table was changed after generation)")
    for pid in sorted(set(want) - set(personas)):
        report.problems.append(f"personas: {pid} is missing from personas.parquet")


def audit_dataset(root: Path, scenarios: Iterable[Path] = (), *, check_manifest: bool = True) -> AuditReport:
    """Audit a dataset folder; ``scenarios`` are scenario files or folders to use instead of the paths
    recorded in the sessions table (when the dataset has moved to another machine)."""
    root = Path(root)
    report = AuditReport(root=root)
    sess_dir = root / "sessions"
    if not sess_dir.is_dir():
        report.problems.append(f"{sess_dir} does not exist: not a synthgen dataset")
        return report
    given = _load_scenarios(scenarios)
    loaded: dict[str, Scenario | None] = {}
    ppath = root / "personas" / "personas.parquet"
    personas = {r["persona_id"]: r for r in pq.read_table(ppath).to_pylist()} if ppath.is_file() else {}
    if not personas:
        report.problems.append("personas/personas.parquet is missing or empty")
    if check_manifest:
        _check_manifest(root, report)
    if personas:
        _check_personas(root, personas, report)
    events_dir = root / "events"
    for spath in sorted(sess_dir.glob("*.parquet")):
        for row in pq.read_table(spath).to_pylist():
            report.sessions += 1
            _audit_session(root, row, given, loaded, personas, events_dir, report)
    # events of sessions that have no sessions row cannot be traced to a session at all
    known = {p.stem for p in sess_dir.glob("*.parquet")}
    if events_dir.is_dir():
        for p in sorted(events_dir.glob("*.parquet")):
            if p.stem not in known:
                report.problems.append(f"events/{p.name}: no sessions row (an unfinished session; re-run to repair)")
    return report


def _scenario_for(root: Path, row: dict[str, Any], given: dict[str, Scenario],
                  loaded: dict[str, Scenario | None]) -> Scenario | None:
    name = str(row["scenario"])
    if name in given:
        return given[name]
    key = str(row.get("scenario_file") or "")
    if key not in loaded:
        from synthgen.errors import ScenarioError
        from synthgen.scenario.loader import load_scenarios

        try:
            # scenario_file is the copy in the dataset (relative to its root) since schema 1.1
            found = [s for s in load_scenarios([root / key]) if s.name == name] if key else []
        except (ScenarioError, OSError):
            found = []
        loaded[key] = found[0] if found else None
    return loaded[key]


def _audit_session(root: Path, row: dict[str, Any], given: dict[str, Scenario],
                   loaded: dict[str, Scenario | None], personas: dict[str, dict[str, Any]],
                   events_dir: Path, report: AuditReport) -> None:
    sid = str(row["session_id"])
    epath = events_dir / f"{sid}.parquet"
    if not epath.is_file():
        report.problems.append(f"{sid}: events/{sid}.parquet is missing")
        return
    etable = pq.read_table(epath, columns=["type", "step_id", "key", "code", "modifiers", "t_ms", "url"])
    typed = typed_by_step(etable)
    urls: dict[str, str] = {}  # step -> the page it typed into
    for r in etable.to_pylist():
        if r["type"] == "keydown":
            urls.setdefault(str(r["step_id"]), str(r["url"] or ""))
    if not typed:
        return
    prow = personas.get(str(row["persona_id"]))
    scenario = _scenario_for(root, row, given, loaded)
    why = ("its persona is not in the personas table" if prow is None else
           f"its scenario {row['scenario']!r} was not found at {row.get('scenario_file')!r} "
           "(pass --scenario to point at it)" if scenario is None else "")
    if why:
        for step_id, text in sorted(typed.items()):
            report.strings.append(TypedString(sid, step_id, text, None, False, note=why))
        return
    assert scenario is not None and prow is not None
    try:
        expected = _replay(scenario, row, _persona_from_row(prow, typo_free=True))
        templates = _step_templates(scenario, row)
    except Exception as exc:  # a scenario that no longer replays: say so rather than guess
        for step_id, text in sorted(typed.items()):
            report.strings.append(TypedString(sid, step_id, text, None, False,
                                              note=f"replay failed: {type(exc).__name__}: {exc}"))
        return
    failed_step = row.get("failed_step") if row.get("status") != "ok" else None
    variables = dict(scenario.variables)
    first = len(report.strings)
    for step_id, text in sorted(typed.items()):
        want = expected.get(step_id)
        srcs = _sources(templates.get(step_id, []), variables)
        if want is None:
            report.strings.append(TypedString(sid, step_id, text, None, False,
                                              note="no step of the scenario types here"))
            continue
        if text == want:
            report.strings.append(TypedString(sid, step_id, text, want, True, srcs))
            continue
        typos = typo_distance(want, text, _typo_limit(want))
        if typos < math.inf:
            report.strings.append(TypedString(sid, step_id, text, want, True, srcs,
                                              note=f"{int(typos)} uncorrected typo(s)"))
        elif step_id == failed_step and want.startswith(text):
            report.strings.append(TypedString(sid, step_id, text, want, True, srcs,
                                              note="cut short by the session's failure"))
        else:
            report.strings.append(TypedString(sid, step_id, text, want, False, srcs,
                                              note="differs from what the scenario types here"))
    for t in report.strings[first:]:
        t.vet = _vet(t.sources, urls.get(t.step_id, ""), scenario)


def _vet(sources: list[str], url: str, scenario: Scenario) -> list[str]:
    """Where the text of a step's ``captured.*`` and ``data.*`` values came from (see TypedString.vet)."""
    out: list[str] = []
    if any(s.startswith("captured.") for s in sources):
        out.append(f"came from the page {url or '(unknown URL)'}: its content is the app's, not synthgen's")
    if any(s.startswith("data.") for s in sources):
        data = scenario.data
        where = "the scenario's inline data rows"
        if data is not None and data.file:
            base = Path(str(scenario.source)).parent if scenario.source else Path(".")
            where = str(base / data.file)
        out.append(f"came from a data file: {where}: its content is yours to vet")
    return out
