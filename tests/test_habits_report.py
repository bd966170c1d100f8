"""Personas' habits measured from a dataset (synthgen/habits_report.py): the ways ``do`` steps took, slips
by kind, reading time; in ``synthgen stats``, the overview's Habits part, and against a real session's rows
(the fake driver). No browser."""

from __future__ import annotations

import asyncio
import base64
import io
import json
import re
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from PIL import Image
from typer.testing import CliRunner

from synthgen.browser.fake import Box, FakeDriver
from synthgen.cli import app
from synthgen.dataset import SessionWriter, StoredSession, write_personas
from synthgen.habits_report import (HabitFigures, by_habit_group, habit_figures, read_habits, read_personas,
                                    summarise, twin_reach, way_counts)
from synthgen.persona.population import sample_personas
from synthgen.scenario.loader import load_scenario_text
from synthgen.schema import EVENTS_SCHEMA, SESSIONS_SCHEMA
from synthgen.session import SessionOptions, SessionSpec, run_session
from synthgen.stats import dataset_stats
from synthgen.view import write_overview

_HABIT_COLUMNS = ("strategy", "slips", "recoveries", "read_ms")


def _row(sid: str, scenario: str, persona: str, **kw: Any) -> dict[str, Any]:
    row = {"session_id": sid, "scenario": scenario, "scenario_file": f"scenarios/x/{scenario}.yaml", "app": "x",
           "tags": [], "task": "t", "persona_id": persona, "seed": 1, "base_url": "http://x.test/",
           "viewport_w": 1280, "viewport_h": 800, "user_agent": "ua", "platform": None, "screen_w": None,
           "screen_h": None, "dpr": None, "start_time": datetime(2026, 1, 1, tzinfo=timezone.utc),
           "duration_ms": 10_000.0, "n_events": 0, "strategy": None, "slips": 0, "recoveries": 0,
           "read_ms": 0.0, "status": "ok", "error": None, "failed_step": None, "generator_version": "0",
           "schema_version": "1.3"}
    row.update(kw)
    return row


def _events(sid: str, rows: list[tuple[str, str, str, str | None, str | None]]) -> pa.Table:
    """Events from ``(step_id, type, intent, strategy, slip)`` tuples, the rest of the columns plain."""
    out = []
    for seq, (step, typ, intent, strategy, slip) in enumerate(rows):
        r = {c: None for c in EVENTS_SCHEMA.names}
        r.update(session_id=sid, seq=seq, t_ms=100.0 * seq, type=typ, url="http://x.test/", step_id=step,
                 intent=intent, strategy=strategy, slip=slip, x=10.0, y=10.0, buttons=0)
        out.append(r)
    return pa.Table.from_pylist(out, schema=EVENTS_SCHEMA)


# Three sessions written by hand. alpha-00000: a do step in a repeat taken twice by menu (two instances,
# several rows each), a nested do (toolbar inside shortcut), one overscroll slip of three rows and a
# neighbour_click slip in another step; alpha-00001: one do by toolbar, no slips; beta-00000: no do step, two
# wrong_field slips in one step separated by a recovery.
_SESSIONS = {
    "alpha-s1-00000": (dict(strategy="menu", slips=2, recoveries=2, read_ms=3000.0, duration_ms=20_000.0), [
        ("0", "viewport", "session", None, None),
        ("1", "navigate", "goto", None, None),
        ("2.1.4.menu.1", "mousemove", "click", "menu", None),
        ("2.1.4.menu.1", "mousedown", "click", "menu", None),
        ("2.1.4.menu.2", "mousedown", "click", "menu", None),
        ("2.2.4.menu.1", "wheel", "slip", "menu", "overscroll"),
        ("2.2.4.menu.1", "wheel", "slip", "menu", "overscroll"),
        ("2.2.4.menu.1", "wheel", "slip", "menu", "overscroll"),
        ("2.2.4.menu.1", "wheel", "recover", "menu", "overscroll"),
        ("2.2.4.menu.1", "mousedown", "click", "menu", None),
        ("3.shortcut.1", "keydown", "press", "shortcut", None),
        ("3.shortcut.2.toolbar.1", "mousemove", "read", "toolbar", None),
        ("3.shortcut.2.toolbar.1", "mousedown", "click", "toolbar", None),
        ("5", "mousedown", "slip", None, "neighbour_click"),
        ("5", "keydown", "recover", None, "neighbour_click"),
        ("5", "mousedown", "click", None, None),
    ]),
    "alpha-s1-00001": (dict(strategy="toolbar", read_ms=1000.0), [
        ("1", "navigate", "goto", None, None),
        ("4.toolbar.1", "mousedown", "click", "toolbar", None),
        ("4.toolbar.1", "mouseup", "click", "toolbar", None),
        ("6", "keydown", "type", None, None),
    ]),
    "beta-s1-00000": (dict(slips=2, recoveries=1, read_ms=500.0, duration_ms=5000.0, status="failed",
                           error="step 2: boom", failed_step="2"), [
        ("1", "mousedown", "click", None, None),
        ("2", "mousedown", "slip", None, "wrong_field"),
        ("2", "keydown", "slip", None, "wrong_field"),
        ("2", "keydown", "recover", None, "wrong_field"),
        ("2", "mousedown", "slip", None, "wrong_field"),
        ("2", "keydown", "type", None, None),
    ]),
}


def _write(root: Path, old: bool = False, twin: bool = False) -> Path:
    """The hand-made dataset, its personas two of the population; ``old``: as schema 1.2 wrote it (no habit
    columns in sessions or events); ``twin``: its no-slip twin (every session ok, no slips)."""
    writer = SessionWriter(root)
    personas = sample_personas(2, seed=1)
    write_personas(root, [p.to_row() for p in personas])
    for sid, (kw, ev) in _SESSIONS.items():
        scenario = sid.split("-s1-")[0]
        if twin:
            kw = {**kw, "slips": 0, "recoveries": 0, "status": "ok", "error": None, "failed_step": None}
            ev = [(step, typ, intent, strategy, None) for step, typ, intent, strategy, _ in ev if intent != "slip"]
        events = _events(sid, ev)
        row = _row(sid, scenario, personas[scenario == "beta"].persona_id, n_events=events.num_rows, **kw)
        writer.write(StoredSession(row=row, events=events.drop_columns(["strategy", "slip"]) if old else events))
        if old:  # the writer writes today's sessions schema; write the row again as 1.2 did
            schema = pa.schema([f for f in SESSIONS_SCHEMA if f.name not in _HABIT_COLUMNS])
            pq.write_table(pa.Table.from_pylist([row], schema=schema), root / "sessions" / f"{sid}.parquet")
    return root


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    return _write(tmp_path / "ds")


def test_ways_count_one_per_do_instance(dataset: Path) -> None:
    figs = {f.session_id: f for f in read_habits(dataset)}
    # 2.1.4 and 2.2.4 (the repeat's two turns) by menu, 3 by shortcut, 3.shortcut.2 (nested) by toolbar
    assert figs["alpha-s1-00000"].ways == {"menu": 2, "shortcut": 1, "toolbar": 1}
    assert figs["alpha-s1-00001"].ways == {"toolbar": 1}
    assert figs["beta-s1-00000"].ways == {}
    # a slip of three rows is one slip; two slips of one kind in one step, a recovery between, are two
    assert figs["alpha-s1-00000"].slip_kinds == {"neighbour_click": 1, "overscroll": 1}
    assert figs["beta-s1-00000"].slip_kinds == {"wrong_field": 2}
    # steps with a press, key or wheel: 2.1.4.menu.1, 2.1.4.menu.2, 2.2.4.menu.1, 3.shortcut.1, 3.shortcut.2...,5
    assert figs["alpha-s1-00000"].input_steps == 6
    assert figs["beta-s1-00000"].status == "failed" and figs["beta-s1-00000"].error == "step 2: boom"


def test_way_counts_takes_the_innermost_do() -> None:
    # the same way nested in itself: the strategy column names the inner do, whose prefix is the longer one
    assert way_counts(["7.menu.1", "7.menu.2.menu.1", "7.menu.2.menu.1"], ["menu"] * 3) == {"menu": 2}
    assert way_counts(["1", "2"], [None, None]) == {}


def test_stats_reports_habits_per_scenario(dataset: Path) -> None:
    st = dataset_stats(dataset)
    h = st["habits"]["by_scenario"]
    assert h["alpha"]["ways"] == {"menu": 2, "toolbar": 2, "shortcut": 1}
    assert h["alpha"]["way_shares"] == {"menu": 0.4, "toolbar": 0.4, "shortcut": 0.2}
    assert h["alpha"]["slips"] == 2 and h["alpha"]["slips_per_session"] == 1.0
    assert h["alpha"]["slips_by_kind"] == {"neighbour_click": 1, "overscroll": 1}
    assert h["alpha"]["read_ms_median"] == 2000.0 and h["alpha"]["read_share"] == round(4000 / 30_000, 4)
    assert h["alpha"]["slips_per_100_input_steps"] == round(100 * 2 / (6 + 2), 3)
    assert h["beta"]["do_steps"] == 0 and h["beta"]["way_shares"] == {}
    assert h["beta"]["recovered_share"] == 0.5
    total = st["habits"]["total"]
    assert total["sessions"] == 3 and total["slips"] == 4 and total["recoveries"] == 3
    assert total["slips_by_kind"] == {"wrong_field": 2, "neighbour_click": 1, "overscroll": 1}
    # the rest of the summary is as before
    assert st["sessions"]["by_scenario"] == {"alpha": {"ok": 2}, "beta": {"failed": 1}}


def test_stats_command_prints_habits(dataset: Path) -> None:
    res = CliRunner().invoke(app, ["stats", str(dataset)], env={"COLUMNS": "250"})
    assert res.exit_code == 0, res.output
    assert "ways of do steps by scenario" in res.output
    lines = [x for x in res.output.splitlines() if x.strip("│ ").startswith("alpha")]
    # sessions by scenario, the ways, slips and reading
    assert len(lines) == 3 and "menu 40% · toolbar 40% · shortcut 20%" in lines[1]
    assert re.findall(r"[\w.%]+(?: s)?", lines[2].replace("│", " ")) == [
        "alpha", "2", "1.00", "25.0", "neighbour_click", "1", "overscroll", "1", "100%", "2.0 s", "13%"]
    res = CliRunner().invoke(app, ["stats", str(dataset), "--json"])
    assert json.loads(res.output)["habits"]["by_scenario"]["beta"]["slips_by_kind"] == {"wrong_field": 2}


def test_dataset_before_habits(tmp_path: Path) -> None:
    root = _write(tmp_path / "old", old=True)
    st = dataset_stats(root)
    assert st["habits"] is None and st["sessions"]["total"] == 3
    res = CliRunner().invoke(app, ["stats", str(root)])
    assert res.exit_code == 0 and "do steps" not in res.output and "events by type" in res.output
    index = write_overview(root, tmp_path / "old-view", session_pages=False)
    assert "<h2>Habits</h2>" not in index.read_text()


@pytest.mark.parametrize("pages", [False, True])
def test_overview_habits_part(dataset: Path, tmp_path: Path, pages: bool) -> None:
    index = write_overview(dataset, tmp_path / "view", session_pages=pages)
    text = index.read_text()
    part = text[text.index("<h2>Habits</h2>"):]
    table = part[part.index("<table class='habits'>"):part.index("</table>")]
    rows = re.findall(r"<tr><td>(\w+)</td>(.*?)</tr>", table)
    assert [name for name, _ in rows] == ["alpha", "beta"]
    cells = dict(rows)
    assert "menu 40% · toolbar 40% · shortcut 20%" in cells["alpha"] and "neighbour_click 1, overscroll 1" in cells["alpha"]
    assert re.findall(r"<td class='num'>([^<]*)</td>", cells["beta"]) == ["1", "0", "2", "2.00", "1", "0.5s", "10%"]
    png = re.search(r"<img class='habits'[^>]*src='data:image/png;base64,([^']+)'", part)
    assert png is not None
    img = Image.open(io.BytesIO(base64.b64decode(png.group(1))))
    assert img.width > 600 and img.height > 100
    # the sessions list is still the second table of class sessions (the browser test counts its rows)
    assert text.count("<table class='sessions'>") == 2


# ---- against a real session's rows (the fake driver) -------------------------------------------------------
_DO = """
name: fake-habits
base_url: http://app.test/
steps:
  - goto: /start
  - repeat:
      times: 2
      steps:
        - do: {goal: open, via: {toolbar: [{click: "text=Menu"}], shortcut: [{press: [Control+O]}]}}
  - do:
      goal: agree
      via:
        menu: [{click: "text=Menu"}, {check: "label=Agree"}]
        context_menu: [{click: {target: "text=Menu", button: right}}, {check: "label=Agree"}]
  - click: "text=Footer"
"""


@pytest.mark.parametrize("slips", ["double_click", "overscroll", "neighbour_click"])
def test_measures_match_a_session_run(slips: str) -> None:
    sc = load_scenario_text(_DO, file="do.yaml")
    persona = sample_personas(1, seed=2)[0]
    drv = FakeDriver({"text=Menu": Box(100, 100, 80, 30), "label=Agree": Box(300, 320, 16, 16),
                      "text=Footer": Box(100, 2400, 300, 40)},
                     slips={("text=Menu", "neighbour_click"): Box(100, 140, 80, 30),
                            ("text=Footer", "neighbour_click"): Box(100, 2450, 300, 40)})
    res = asyncio.run(run_session(SessionSpec(0, "fake-habits-s1-00000", 9, sc, persona, "http://app.test/"), drv,
                                  SessionOptions(slips=slips)))
    assert res.ok, res.row["error"]
    f = habit_figures(res.row, res.events)
    # three do instances (the repeat's two turns and the agree goal), each counted once
    assert sum(f.ways.values()) == 3
    first = res.row["strategy"]
    assert first in f.ways
    # the slips counted from the rows are the session's own counter, of the kind asked for
    assert f.slips == res.row["slips"] > 0 and sum(f.slip_kinds.values()) == f.slips
    assert set(f.slip_kinds) == {slips}


# ---- the benchmark's views ---------------------------------------------------------------------------------
def test_habit_groups_from_the_persona_pool(tmp_path: Path) -> None:
    personas = sample_personas(6, seed=3)
    write_personas(tmp_path, [p.to_row() for p in personas])
    pool = read_personas(tmp_path)
    assert {pid: p["habit"] for pid, p in pool.items()} == {p.persona_id: p.behaviour.habit for p in personas}
    figs = [HabitFigures(f"a-s1-{i:05d}", "a", p.persona_id, "ok", None, 1.0, 0.0, 0, 0, None,
                         dict(Counter({p.behaviour.habit: 2}) + Counter({"menu": 1}))) for i, p in enumerate(personas)]
    groups = by_habit_group(figs, pool)
    assert sum(g["personas"] for g in groups.values()) == 6
    for habit, g in groups.items():
        members = [p for p in personas if p.behaviour.habit == habit]
        want = sum(p.behaviour.strategy[habit] for p in members) / len(members)
        assert g["preference"][habit] == pytest.approx(want, abs=1e-4)
        assert g["do_steps"] == 3 * len(members)
        assert g["measured"][habit] == pytest.approx(1.0 if habit == "menu" else 2 / 3, abs=1e-4)
    with pytest.raises(KeyError, match="p9999 is not in the persona pool"):
        by_habit_group([HabitFigures("a-s1-00000", "a", "p9999", "ok", None, 1.0, 0.0, 0, 0, None)], pool)


def test_twin_reach_counts_pairs_and_lists_failures() -> None:
    def fig(sid: str, status: str, slips: int = 0) -> HabitFigures:
        return HabitFigures(sid, "a", "p", status, None if status == "ok" else f"{sid} failed", 1.0, 0.0, slips,
                            slips, None)

    slipped = [fig("a-s1-00000", "ok", 2), fig("a-s1-00001", "failed", 1), fig("a-s1-00002", "ok"),
               fig("a-s1-00003", "failed", 1), fig("a-s1-00009", "ok")]
    off = [fig("a-s1-00000", "ok"), fig("a-s1-00001", "ok"), fig("a-s1-00002", "ok"), fig("a-s1-00003", "failed")]
    r = twin_reach(slipped, off)
    assert r["twins"] == 4 and r["unpaired"] == 1
    assert r["twins_ok"] == 3 and r["also_ok"] == 2 and r["target_share"] == round(2 / 3, 4)
    assert r["failing"] == [{"session_id": "a-s1-00001", "scenario": "a", "slips": 1, "error": "a-s1-00001 failed"}]
    assert r["ok_share_with_slips_run"] == 0.5 and r["ok_share_without_slips_run"] == 0.75
    assert r["sessions_with_slips"] == 3 and r["ok_share_sessions_with_slips"] == round(1 / 3, 4)
    assert summarise([])["sessions"] == 0 and summarise([])["read_ms_median"] is None


def test_benchmark_measures_a_dataset_and_its_twin(dataset: Path, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    import importlib.util

    path = Path(__file__).parents[1] / "benchmarks" / "habits.py"
    spec = importlib.util.spec_from_file_location("habits_bench", path)
    bench = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(bench)  # type: ignore[union-attr]
    off = _write(tmp_path / "off", twin=True)
    assert bench.main(["--dataset", str(dataset), "--twin", str(off)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("3 sessions of 2 scenarios, 2 personas")
    table = out[out.index("(a)"):out.index("(b)")]
    habits = {p.behaviour.habit for p in sample_personas(2, seed=1)}
    assert all(re.search(rf"^{h} +\d", table, re.M) for h in habits)  # each group the personas are in has a row
    assert re.search(r"^all +100.0% +2 +3 +5 +20.0% +40.0% +0.0% +40.0%$", table, re.M)
    assert re.search(r"^wrong_field +2 +0.667 +20.00$", out, re.M)  # 2 slips, 3 sessions, 10 input steps
    assert "recoveries / slips 3/4 = 75.0%" in out
    assert re.search(r"^ok with slips, of those ok without \(target 100%\) +3 +66.7%$", out, re.M)
    assert "beta-s1-00000 (2 slips): step 2: boom" in out


@pytest.mark.parametrize("module", ["synthgen.habits_report", "synthgen.view.overview", "synthgen.stats"])
def test_doctests(module: str) -> None:
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0
