"""Personas' habits (issue 18) without a browser: the way a ``do`` step takes, reading, task-level slips.

The browser side (every slip kind on every bundled app) is tests/scenarios_e2e/test_slips.py.
"""

from __future__ import annotations

import asyncio
from collections import Counter

import numpy as np
import pytest

from synthgen.browser.fake import Box, FakeDriver
from synthgen.errors import ScenarioError
from synthgen.persona.behaviour import POPULATION
from synthgen.persona.habits import SessionHabits
from synthgen.persona.population import sample_personas
from synthgen.scenario.loader import load_scenario_text
from synthgen.scenario.model import walk_steps
from synthgen.scenario.planner import iter_actions
from synthgen.scenario.steps import WAYS
from synthgen.session import SessionOptions, SessionSpec, run_session

ARCHIVE = """
name: habits
base_url: http://app.test/
steps:
  - goto: /start
  - repeat:
      times: 3
      steps:
        - do:
            goal: archive
            via:
              shortcut: [{press: e}]
              menu: [{click: "text=More"}, {click: "text=Archive"}]
              context_menu: [{click: {text: Row, button: right}}, {click: "text=Archive"}]
              toolbar: [{click: "text=Archive"}]
        - do:
            goal: label
            via:
              menu: [{click: "text=More"}, {click: "text=Label"}]
              toolbar: [{click: "text=Label"}]
"""
BOXES = {"text=More": Box(100, 100, 80, 30), "text=Archive": Box(300, 100, 80, 30), "text=Row": Box(100, 300, 400, 30),
         "text=Label": Box(400, 100, 80, 30)}


def _session(yaml: str, seed: int, persona_index: int = 0, opts: SessionOptions = SessionOptions(),
             boxes: dict | None = None, **fake):
    sc = load_scenario_text(yaml)
    persona = sample_personas(persona_index + 1, seed=11)[persona_index]
    d = FakeDriver(boxes=dict(boxes or BOXES), **fake)
    res = asyncio.run(run_session(SessionSpec(0, "s0", seed, sc, persona, "http://app.test/"), d, opts))
    return res, persona


# ---- the session's way ------------------------------------------------------------------------------
def test_a_session_keeps_to_its_way_wherever_offered() -> None:
    rng = np.random.default_rng(3)
    for _ in range(300):
        w = rng.dirichlet(np.ones(len(WAYS)))
        h = SessionHabits(dict(zip(WAYS, w.tolist())), float(rng.uniform(0.5, 1.0)), rng)
        for _ in range(20):
            offered = [x for x in WAYS if rng.random() < 0.6] or [WAYS[int(rng.integers(4))]]
            took = h.way(offered)
            assert took in offered
            if h.habitual in offered:
                assert took == h.habitual  # never another way where the habitual one is offered
            # and the same answer every time: a ranking, no draw per goal
            assert h.way(offered) == took


def test_habits_vary_across_personas_like_the_population() -> None:
    personas = sample_personas(600, seed=21)
    habitual = Counter(SessionHabits(p.behaviour.strategy, p.behaviour.habit_strength,
                                     np.random.default_rng([i, 0xD0])).habitual for i, p in enumerate(personas))
    share = {w: habitual[w] / len(personas) for w in WAYS}
    assert len([w for w in WAYS if share[w] > 0.05]) == 4  # every way has its users
    pop = {g.way: g.share for g in POPULATION}
    for w in WAYS:  # a session's habitual way is the persona's habit in most sessions
        assert abs(share[w] - pop[w]) < 0.08, (w, share[w], pop[w])


def test_a_persona_mostly_keeps_its_habit_across_sessions() -> None:
    p = next(p for p in sample_personas(50, seed=4) if p.behaviour.habit == "shortcut")
    ways = Counter(SessionHabits(p.behaviour.strategy, p.behaviour.habit_strength,
                                 np.random.default_rng([s, 0xD0])).habitual for s in range(400))
    assert ways["shortcut"] / 400 >= p.behaviour.habit_strength - 0.06
    assert len(ways) > 1  # but not always: habit strength below 1 lets other ways in


def test_planner_records_the_way_and_draws_nothing_for_it() -> None:
    sc = load_scenario_text(ARCHIVE)
    h = SessionHabits({"shortcut": 0.0, "menu": 0.1, "context_menu": 0.0, "toolbar": 0.9}, 1.0,
                      np.random.default_rng(0))
    took: dict[str, str] = {}
    rng = np.random.default_rng(9)
    ids = [sid for sid, _ in iter_actions(sc, rng, h, took)]
    assert ids[:3] == ["1", "2.1.1.toolbar.1", "2.1.2.toolbar.1"]
    assert set(took.values()) == {"toolbar"} and len(took) == 6
    assert rng.random() == np.random.default_rng(9).random()  # times: 3, no branch: no plan draw at all


# ---- the do step in files ---------------------------------------------------------------------------
@pytest.mark.parametrize("via, message", [
    ("{shortcuts: [press: e], toolbar: [press: x]}", "unknown way 'shortcuts'; did you mean 'shortcut'?"),
    ("{shortcut: [press: e]}", "has 1 way; a 'do' step gives two or more"),
    ("[press: e]", "'via' needs a mapping of ways to steps"),
    ("{shortcut: [], toolbar: [press: x]}", "way 'shortcut' is empty"),
])
def test_do_step_errors_name_the_line_and_the_fix(via: str, message: str) -> None:
    with pytest.raises(ScenarioError) as info:
        load_scenario_text(f"name: t\napp: webmail\nsteps:\n  - goto: /\n  - do: {{goal: archive, via: {via}}}\n",
                           file="s.yaml")
    assert "s.yaml:5" in str(info.value) and message in str(info.value), str(info.value)


def test_do_step_bounds_and_labels() -> None:
    sc = load_scenario_text(ARCHIVE)
    assert sc.action_count_bounds() == (1 + 3 * 2, 1 + 3 * 4)
    labels = [label for label, _ in walk_steps(sc.steps)]
    assert "2.1.shortcut.1" in labels and "2.1.context_menu.2" in labels and "2.2.toolbar.1" in labels


# ---- a session ---------------------------------------------------------------------------------------
def test_the_way_is_in_the_ground_truth() -> None:
    res, persona = _session(ARCHIVE, seed=5)
    assert res.ok, res.row["error"]
    rows = res.events.to_pylist()
    by_step = {r["step_id"]: r["strategy"] for r in rows if r["step_id"].startswith("2.")}
    assert all(w == sid.split(".")[3] for sid, w in by_step.items()), by_step
    assert {r["strategy"] for r in rows if r["step_id"] in ("0", "1")} == {None}
    assert res.row["strategy"] == next(iter(by_step.values()))
    # a shortcut user's goals: every one offering a shortcut took it unless the session broke habit
    ways = {sid.split(".")[3] for sid in by_step if sid.split(".")[2] == "1"}
    assert len(ways) == 1  # one way for the three archives: consistent within the session


def test_same_seed_same_bytes_and_slips_off_means_none() -> None:
    a, _ = _session(ARCHIVE, seed=8)
    b, _ = _session(ARCHIVE, seed=8)
    assert a.events.equals(b.events) and a.row == b.row
    off, _ = _session(ARCHIVE, seed=8, opts=SessionOptions(slips="off"))
    assert off.row["slips"] == 0 and not {"slip", "recover"} & set(off.events.column("intent").to_pylist())


def test_reading_time_grows_with_the_words_in_view() -> None:
    short, _ = _session(ARCHIVE, seed=8, words=40)
    long, _ = _session(ARCHIVE, seed=8, words=900)
    assert long.row["read_ms"] > short.row["read_ms"] + 20_000
    assert "read" in set(long.events.column("intent").to_pylist())


SCROLL = """
name: far
base_url: http://app.test/
steps:
  - goto: /start
  - click: "text=Footer"
  - check: "label=Agree"
"""


@pytest.mark.parametrize("kind", ["overscroll", "double_click"])
def test_a_forced_slip_is_made_labelled_and_recovered(kind: str) -> None:
    boxes = {"text=Footer": Box(100, 3000, 300, 40), "label=Agree": Box(300, 3100, 16, 16)}
    res, _ = _session(SCROLL, seed=3, opts=SessionOptions(slips=kind), boxes=boxes)
    assert res.ok, res.row["error"]
    rows = [r for r in res.events.to_pylist() if r["slip"] is not None]
    assert rows and {r["slip"] for r in rows} == {kind}
    assert res.row["slips"] >= 1 and res.row["recoveries"] == res.row["slips"]
    intents = [r["intent"] for r in rows]
    assert intents[0] == "slip" and "recover" in intents and intents.index("recover") > 0
    assert {r["step_id"] for r in rows} <= {"2", "3"}  # linked to the step it happened in


def test_slips_option_is_checked() -> None:
    from synthgen.errors import ConfigError

    with pytest.raises(ConfigError, match="slips"):
        SessionOptions(slips="typo")
