"""``synthgen audit``: every typed string traces to the persona, the scenario's text or Faker; anything
injected afterwards is flagged."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from faultkit import ROOT, scenario
from synthgen.audit import audit_dataset, typed_by_step, typo_distance
from synthgen.cli import app
from synthgen.schema import EVENTS_SCHEMA

COMPOSE = ROOT / "scenarios" / "webmail" / "compose_send.yaml"


# ---- typo tolerance (no browser) ---------------------------------------------------------------
@pytest.mark.parametrize("expected, typed, n", [
    ("hello world", "hello world", 0),
    ("hello world", "hellp world", 1),          # neighbouring key
    ("hello world", "helo world", 1),           # skipped key
    ("hello world", "hellop world", 1),         # extra neighbouring key
    ("hello world", "hlelo world", 1),          # swapped keys
    ("hello world", "hlelo wprld", 2),
])
def test_human_typos_are_tolerated(expected: str, typed: str, n: int) -> None:
    assert typo_distance(expected, typed, 3) == n


@pytest.mark.parametrize("expected, typed", [
    ("hello world", "hello world; rm -rf /"),
    ("hello world", "hell# world"),             # a slip puts a letter or a neighbour there, never #
    ("ada@example.com", "eve@example.com"),
    ("Hi,\nthanks", "Hi,thanks"),               # Enter is never dropped by a slip
])
def test_other_differences_are_not_typos(expected: str, typed: str) -> None:
    assert typo_distance(expected, typed, 2) == float("inf")


def test_wildcards_stand_for_captured_values() -> None:
    from synthgen.audit import WILDCARD

    assert typo_distance(f"order {WILDCARD} ok", "order A-17 ok", 2) == 0


# ---- datasets from real runs -------------------------------------------------------------------
@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory, faults_url: str, chromium_path: str) -> Path:
    from synthgen.runner.local import GenerateConfig, generate

    tmp = tmp_path_factory.mktemp("audit")
    out = tmp / "ds"
    # One job with both scenarios (a dataset holds one job): the faults page at its own base URL.
    quick = tmp / "scenarios" / "quick.yaml"
    quick.parent.mkdir()
    quick.write_text(scenario("quick").read_text().replace("app: faults", f"base_url: {faults_url}"))
    s = generate(GenerateConfig(scenarios=[quick, COMPOSE], sessions=1, seed=4, out=out, personas=5))
    assert s.ok == 2, s.failures
    s = generate(GenerateConfig(scenarios=[quick, COMPOSE], sessions=3, seed=4, out=out, personas=5))
    assert s.ok == 6 and s.sessions_skipped == 2, s.failures  # a larger --sessions extends the job
    return out


def _copy(dataset: Path, tmp_path: Path) -> Path:
    dst = tmp_path / "ds"
    shutil.copytree(dataset, dst)
    return dst


def _rewrite_events(path: Path, edit: Any) -> None:
    rows = pq.read_table(path).to_pylist()
    rows = edit(rows)
    rows.sort(key=lambda r: r["t_ms"])
    for i, r in enumerate(rows):
        r["seq"] = i
    table = pa.Table.from_pylist(rows, schema=pa.schema([f.with_type(pa.string()) if pa.types.is_dictionary(f.type)
                                                          else f for f in EVENTS_SCHEMA]))
    cols = [table.column(f.name).dictionary_encode() if pa.types.is_dictionary(f.type) else table.column(f.name)
            for f in EVENTS_SCHEMA]
    pq.write_table(pa.table(cols, schema=EVENTS_SCHEMA), path)


def _keys(text: str, step_id: str, t0: float, like: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for i, ch in enumerate(text):
        for kind, dt in (("keydown", 0.0), ("keyup", 60.0)):
            r = dict(like)
            r.update(type=kind, t_ms=t0 + 150.0 * i + dt, key=ch, code="Key" + ch.upper() if ch.isalpha() else "",
                     modifiers=8 if ch.isupper() else 0, step_id=step_id, x=None, y=None, button=None, buttons=None)
            out.append(r)
    return out


def _quick_session(root: Path) -> Path:
    return sorted((root / "events").glob("faults-quick-*.parquet"))[0]


def test_clean_dataset_audits_clean(dataset: Path) -> None:
    report = audit_dataset(dataset)
    assert report.clean, (report.untraced, report.problems)
    # quick types 2 strings a session, compose 3, and a compose session whose persona took the shortcut way
    # to its compose goal (press: c) one more, the 'c'
    shortcut = sum(
        "shortcut" in set(pq.read_table(p, columns=["strategy"]).column("strategy").to_pylist())
        for p in (dataset / "events").glob("webmail-compose-send-*.parquet"))
    assert report.sessions == 6 and len(report.strings) == 3 * 2 + 3 * 3 + shortcut
    assert {"persona.first_name", "faker.word", "faker.random_int", "faker.email", "faker.sentence",
            "literal"} <= set(report.source_counts())
    r = CliRunner().invoke(app, ["audit", str(dataset)])
    assert r.exit_code == 0 and "0 untraced" in r.output and "clean" in r.output


def test_dataset_is_owner_only(dataset: Path) -> None:
    modes = {("d" if p.is_dir() else "f", oct(p.stat().st_mode & 0o777)) for p in [dataset, *dataset.rglob("*")]}
    assert modes == {("d", "0o700"), ("f", "0o600")}


def test_injected_keystrokes_are_flagged(dataset: Path, tmp_path: Path) -> None:
    root = _copy(dataset, tmp_path)
    path = _quick_session(root)
    sid = path.stem

    def inject(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        like = next(r for r in rows if r["type"] == "keydown" and r["step_id"] == "3")
        last = max(r["t_ms"] for r in rows if r["step_id"] == "3")
        return rows + _keys(" curl evil", "3", last + 10.0, like)

    _rewrite_events(path, inject)
    report = audit_dataset(root)
    (bad,) = report.untraced
    assert (bad.session_id, bad.step_id) == (sid, "3") and bad.typed.endswith(" curl evil")
    assert any("changed after generation" in p and sid in p for p in report.problems)
    r = CliRunner().invoke(app, ["audit", str(root)])
    assert r.exit_code == 1 and f"untraced {sid} step 3" in r.output

    # Even with the manifest rewritten to match, the trace still catches it.
    from synthgen.dataset import Destination, read_manifest, write_manifest

    old = read_manifest(Destination.from_uri(root))
    write_manifest(Destination.from_uri(root), job=old["job"], command="forged", config=old["config"])
    report = audit_dataset(root)
    assert not report.problems and [(s.session_id, s.step_id) for s in report.untraced] == [(sid, "3")]


def test_keystrokes_in_a_step_that_types_nothing_are_flagged(dataset: Path, tmp_path: Path) -> None:
    root = _copy(dataset, tmp_path)
    path = _quick_session(root)

    def inject(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        like = next(r for r in rows if r["type"] == "keydown")
        click = next(r for r in rows if r["step_id"] == "4")
        return rows + _keys("ok", "4", click["t_ms"] - 400.0, like)

    _rewrite_events(path, inject)
    report = audit_dataset(root, check_manifest=False)
    (bad,) = report.untraced
    assert bad.step_id == "4" and bad.note == "no step of the scenario types here"


def test_tampered_persona_is_flagged(dataset: Path, tmp_path: Path) -> None:
    root = _copy(dataset, tmp_path)
    ppath = root / "personas" / "personas.parquet"
    rows = pq.read_table(ppath).to_pylist()
    sess = pq.read_table(sorted((root / "sessions").glob("faults-quick-*.parquet"))[0]).to_pylist()[0]
    for r in rows:
        if r["persona_id"] == sess["persona_id"]:
            r["first_name"] = "Mallory"
    pq.write_table(pa.Table.from_pylist(rows, schema=pq.read_schema(ppath)), ppath)
    report = audit_dataset(root, check_manifest=False)
    assert (sess["session_id"], "2") in {(s.session_id, s.step_id) for s in report.untraced}


def test_an_uncorrected_slip_is_still_traced(dataset: Path, tmp_path: Path) -> None:
    root = _copy(dataset, tmp_path)
    path = _quick_session(root)
    typed = typed_by_step(pq.read_table(path))["2"]
    # The persona may already have left a typo of its own in this step; the slip adds exactly one.
    before = [s for s in audit_dataset(root, check_manifest=False).strings
              if s.session_id == path.stem and s.step_id == "2"]
    own = int(before[0].note.split()[0]) if before and before[0].note.endswith("uncorrected typo(s)") else 0

    def slip(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        # the last key of the name typed one key to the side, and not corrected
        last = [r for r in rows if r["step_id"] == "2" and r["type"] in ("keydown", "keyup") and r["key"] == typed[-1]]
        from synthgen.motor.layout import neighbours

        for r in last[-2:]:
            r["key"] = neighbours(typed[-1])[0]
        return rows

    _rewrite_events(path, slip)
    report = audit_dataset(root, check_manifest=False)
    assert report.clean, report.untraced
    (s,) = [s for s in report.strings if s.session_id == path.stem and s.step_id == "2"]
    assert s.note == f"{own + 1} uncorrected typo(s)"


def test_missing_scenario_is_reported_and_can_be_pointed_at(dataset: Path, tmp_path: Path) -> None:
    root = _copy(dataset, tmp_path)
    rows = []
    for p in (root / "sessions").glob("*.parquet"):
        t = pq.read_table(p)
        r = t.to_pylist()
        for row in r:
            row["scenario_file"] = "/moved/away.yaml"
        pq.write_table(pa.Table.from_pylist(r, schema=t.schema), p)
        rows += r
    report = audit_dataset(root, check_manifest=False)
    assert report.untraced and all("was not found" in s.note for s in report.untraced)
    report = audit_dataset(root, [scenario("quick"), COMPOSE], check_manifest=False)
    assert report.clean, report.untraced
