"""The session logic against the in-memory driver: every action kind plans, records and dispatches."""

from __future__ import annotations

import asyncio

import pytest

from synthgen.browser.fake import Box, FakeDriver
from synthgen.persona.population import sample_personas
from synthgen.scenario.loader import load_scenario
from synthgen.session import SessionOptions, SessionSpec, run_session

YAML = """
name: fake-all
base_url: http://app.test/
variables:
  who: "{{ persona.first_name }}"
steps:
  - goto: /start
  - hover: "text=Menu"
  - click: "text=Menu"
  - click: {text: Menu, button: right}
  - click: {text: Menu, clicks: 2}
  - type: {into: "label=Name", text: "Hi {{ who }}!", clear: true}
  - fill: {fields: [{into: "label=Name", value: "a"}, {into: "label=City", value: "b"}], via: tab}
  - press: [Control+A, Enter]
  - select: {target: "label=City", option: Paris}
  - check: "label=Agree"
  - uncheck: "label=Agree"
  - scroll: {by: 300}
  - scroll: {to: "text=Footer"}
  - drag: {source: "text=Menu", to: "text=Footer"}
  - upload: {target: "label=File", name: a.csv, size_kb: 2, content: csv}
  - wait_for: {text: Done}
  - think: {median_ms: 2000, sigma: 0.3}
  - assert: {url: "start"}
  - capture: {name: v, target: "label=Name"}
  - screenshot: end
  - click: "text={{ captured.v }}"
"""


def _run(tmp_path, boxes=None, texts=frozenset({"Done"}), seed=5):
    path = tmp_path / "s.yaml"
    path.write_text(YAML)
    sc = load_scenario(path)
    persona = sample_personas(1, seed=seed)[0]
    boxes = boxes or {"text=Menu": Box(100, 100, 80, 30), "label=Name": Box(300, 200, 200, 30),
                      "label=City": Box(300, 260, 200, 30), "label=Agree": Box(300, 320, 16, 16),
                      "text=Footer": Box(100, 1600, 300, 40), "label=File": Box(300, 400, 200, 30),
                      "text=read:label=Name": Box(500, 500, 50, 20)}
    d = FakeDriver(boxes=boxes, texts=set(texts))
    res = asyncio.run(run_session(SessionSpec(0, "s0", seed, sc, persona, "http://app.test/"), d, SessionOptions()))
    return res, d


def test_every_action_kind_runs_and_records(tmp_path) -> None:
    res, d = _run(tmp_path)
    assert res.ok, res.row["error"]
    rows = res.events.to_pylist()
    types = {r["type"] for r in rows}
    assert types >= {"viewport", "navigate", "mousemove", "mousedown", "mouseup", "click", "dblclick",
                     "contextmenu", "keydown", "keyup", "wheel", "screenshot"}
    assert [r["seq"] for r in rows] == list(range(len(rows)))
    assert all(a["t_ms"] <= b["t_ms"] for a, b in zip(rows, rows[1:]))
    assert {r["intent"] for r in rows} >= {"session", "goto", "hover", "click", "type", "fill", "press", "select",
                                           "check", "scroll", "drag", "upload", "screenshot"}
    # check clicks an unchecked box; uncheck leaves an unchecked box alone, as a person would
    downs = {r["intent"]: 0 for r in rows}
    for r in rows:
        downs[r["intent"]] += r["type"] == "mousedown"
    assert downs["check"] == 1 and downs.get("uncheck", 0) == 0
    calls = [c[0] for c in d.calls]
    assert "select" in calls and "files" in calls and "wheel" in calls
    # the footer was 1600 px down: the persona scrolled to it with the wheel (and back up for the drag)
    import itertools

    depth = list(itertools.accumulate(c[1] for c in d.calls if c[0] == "wheel"))
    assert max(depth) > 600
    assert res.frames and res.frames[0].path.startswith("frames/s0/")


def test_targets_are_rendered_from_captures(tmp_path) -> None:
    res, _ = _run(tmp_path)
    assert res.ok, res.row["error"]
    last = [r for r in res.events.to_pylist() if r["step_id"] == "21" and r["type"] == "click"]
    assert len(last) == 1 and 500 <= last[0]["x"] <= 550


def test_typed_text_reaches_the_driver(tmp_path) -> None:
    from synthgen.motor.keyboard import replay_text
    from synthgen.motor.types import KeyAction

    res, _ = _run(tmp_path)
    rows = [r for r in res.events.to_pylist() if r["step_id"] == "6" and r["type"] == "keydown"]
    acts = [KeyAction(r["t_ms"], r["t_ms"] + 1, r["key"], r["code"], r["modifiers"]) for r in rows]
    name = sample_personas(1, seed=5)[0].identity.first_name
    assert replay_text(acts, "old").endswith(f"Hi {name}!") or "Backspace" in [a.key for a in acts]


def test_same_seed_same_events_other_seed_other(tmp_path) -> None:
    a, _ = _run(tmp_path)
    b, _ = _run(tmp_path)
    c, _ = _run(tmp_path, seed=6)
    assert a.events.equals(b.events)
    assert not a.events.equals(c.events)


def test_missing_target_fails_with_step_and_fix(tmp_path) -> None:
    res, _ = _run(tmp_path, boxes={"text=Menu": Box(100, 100, 80, 30)})
    assert not res.ok
    assert res.row["failed_step"] == "6"
    line = YAML.splitlines().index(next(ln for ln in YAML.splitlines() if "label=Name" in ln)) + 1
    # the step, then the scenario's file:line, then the full target
    assert f"step 6 'type': {tmp_path}/s.yaml:{line}: label=Name matched no visible element" in res.row["error"]
    assert "timeout_ms" in res.row["error"]
    assert res.events.num_rows > 0  # what happened before the failure is kept


def test_failed_wait_for_names_the_text(tmp_path) -> None:
    res, _ = _run(tmp_path, texts=frozenset())
    assert res.row["failed_step"] == "16"
    assert "'Done' did not appear" in res.row["error"]


REAIM_YAML = """
name: fake-reaim
base_url: http://app.test/
steps:
  - goto: /start
  - click: "text=Menu"
"""


def _run_reaim(tmp_path, covered: int):
    path = tmp_path / "r.yaml"
    path.write_text(REAIM_YAML)
    sc = load_scenario(path)
    d = FakeDriver(boxes={"text=Menu": Box(100, 100, 80, 30)}, covered={"text=Menu": covered})
    spec = SessionSpec(0, "r0", 3, sc, sample_personas(1, seed=3)[0], "http://app.test/")
    return asyncio.run(run_session(spec, d, SessionOptions())), d


def test_a_press_waits_for_the_pointer_to_be_on_its_target(tmp_path) -> None:
    clean, d0 = _run_reaim(tmp_path, covered=0)
    missed, d1 = _run_reaim(tmp_path, covered=1)
    assert clean.ok and missed.ok
    assert [c for c in d0.calls if c[0] == "hit"] == [("hit", "text=Menu", True)]
    # One failed hit test: a reaction pause, a corrective move, a second test, then the press.
    hits = [c for c in d1.calls if c[0] == "hit"]
    assert hits == [("hit", "text=Menu", False), ("hit", "text=Menu", True)]
    kinds = [c[0] for c in d1.calls]
    assert kinds.index("down") > max(i for i, k in enumerate(kinds) if k == "hit")
    assert missed.row["duration_ms"] > clean.row["duration_ms"] + 100  # the re-aim takes human time
    # Out of the covering layer first (the fake's layer: the target's box grown by 40 px), then back on.
    first_hit = kinds.index("hit")
    moves = [c for c in d1.calls[first_hit:] if c[0] == "move"]
    (_, _, rx, ry), (_, _, bx, by) = moves[0], moves[1]
    assert not (60 <= rx <= 220 and 60 <= ry <= 170), (rx, ry)
    assert 100 <= bx <= 180 and 100 <= by <= 130
    # Still covered after every re-aim: the press goes ahead (the app decides what that click does).
    stuck, d2 = _run_reaim(tmp_path, covered=9)
    assert stuck.ok and sum(c[0] == "hit" for c in d2.calls) == 2 and ("down", 0, 1) in d2.calls
