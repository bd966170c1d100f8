"""The event log: rows in time order, DOM semantics for clicks and keys."""

from __future__ import annotations

import numpy as np

from synthgen.events import EventLog
from synthgen.motor.types import ButtonAction, KeyAction, MousePath, WheelPath
from synthgen.schema import EVENTS_SCHEMA, MOD_SHIFT


def test_rows_sorted_by_time_and_numbered() -> None:
    log = EventLog("s")
    log.set_context(url="http://a/", step_id="1", intent="type")
    log.keys([KeyAction(10, 120, "a", "KeyA"), KeyAction(90, 180, "b", "KeyB")], target="input")
    t = log.to_table()
    assert t.schema == EVENTS_SCHEMA
    assert t.column("seq").to_pylist() == [0, 1, 2, 3]
    # rollover: b goes down before a comes up
    assert list(zip(t.column("type").to_pylist(), t.column("key").to_pylist())) == [
        ("keydown", "a"), ("keydown", "b"), ("keyup", "a"), ("keyup", "b")]


def test_click_semantics_match_chromium() -> None:
    log = EventLog("s")
    log.press(ButtonAction(0, 100, 5, 6, button=0, click_count=1), target=None)
    log.press(ButtonAction(200, 290, 5, 6, button=0, click_count=2), target=None)
    log.press(ButtonAction(500, 600, 5, 6, button=2), target=None)
    types = log.to_table().column("type").to_pylist()
    assert types == ["mousedown", "mouseup", "click", "mousedown", "mouseup", "click", "dblclick",
                     "mousedown", "contextmenu", "mouseup"]
    buttons = log.to_table().column("buttons").to_pylist()
    assert buttons[0] == 1 and buttons[1] == 0 and buttons[7] == 2


def test_shift_bit_cleared_on_its_own_keyup() -> None:
    log = EventLog("s")
    log.keys([KeyAction(0, 300, "Shift", "ShiftLeft", MOD_SHIFT), KeyAction(100, 200, "A", "KeyA", MOD_SHIFT)],
             target=None)
    rows = log.to_table().to_pylist()
    assert [(r["type"], r["key"], r["modifiers"]) for r in rows] == [
        ("keydown", "Shift", MOD_SHIFT), ("keydown", "A", MOD_SHIFT), ("keyup", "A", MOD_SHIFT), ("keyup", "Shift", 0)]


def test_moves_and_wheel_bulk() -> None:
    log = EventLog("s")
    log.moves(MousePath(np.arange(3.0) * 16.7, np.zeros(3), np.ones(3)), buttons=1)
    log.wheel(WheelPath(np.array([60.0]), np.array([1.0]), np.array([2.0]), np.array([0.0]), np.array([100.0])))
    rows = log.to_table().to_pylist()
    assert [r["type"] for r in rows] == ["mousemove"] * 3 + ["wheel"]
    assert rows[0]["buttons"] == 1 and rows[3]["delta_y"] == 100.0


def test_named_keys_keep_their_dom_names() -> None:
    log = EventLog("s")
    log.keys([KeyAction(0, 50, "Enter", "Enter"), KeyAction(60, 90, "Tab", "Tab"),
              KeyAction(100, 150, " ", "Space")], target=None)
    assert [r["key"] for r in log.to_table().to_pylist()] == ["Enter", "Enter", "Tab", "Tab", " ", " "]
