"""Agent trajectories: action cutting on hand-made events, the sink, and loading with pyarrow and datasets."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Callable

import pyarrow.parquet as pq

from synthgen.session import SessionResult
from synthgen.dataset import write_exports
from synthgen.dataset.exports.trajectories import TRAJECTORY_SCHEMA, segment_actions

_COLS = ("seq", "t_ms", "type", "x", "y", "button", "buttons", "delta_x", "delta_y", "key", "code", "modifiers",
         "target", "url", "step_id", "intent", "frame")


def _rows(spec: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for i, r in enumerate(spec):
        row = {c: None for c in _COLS}
        row.update({"seq": i, "t_ms": float(i * 10), "url": "http://a/", "step_id": "1", "intent": "x"})
        row.update(r)
        out.append(row)
    return out


def _keys(text: str, step: str = "1", mods: int = 0) -> list[dict[str, Any]]:
    out = []
    for ch in text:
        key, code = ({"\b": ("Backspace", "Backspace"), "\t": ("Tab", "Tab")}.get(ch) or (ch, f"Key{ch.upper()}"))
        out += [{"type": "keydown", "key": key, "code": code, "modifiers": mods, "step_id": step},
                {"type": "keyup", "key": key, "code": code, "modifiers": mods, "step_id": step}]
    return out


def _kinds(rows: list[dict[str, Any]]) -> list[tuple]:
    return [(a["action_type"], a.get("text") or a.get("keys") or a.get("button")) for a in segment_actions(rows)]


def test_click_double_click_drag() -> None:
    rows = _rows([
        {"type": "mousemove", "x": 10.0, "y": 10.0, "buttons": 0},
        {"type": "mousedown", "x": 50.0, "y": 50.0, "button": 0, "buttons": 1},
        {"type": "mouseup", "x": 50.0, "y": 50.0, "button": 0, "buttons": 0},
        {"type": "click", "x": 50.0, "y": 50.0, "button": 0, "buttons": 0},
        {"type": "mousedown", "x": 60.0, "y": 60.0, "button": 0, "buttons": 1, "step_id": "2"},
        {"type": "mouseup", "x": 60.0, "y": 60.0, "button": 0, "buttons": 0, "step_id": "2"},
        {"type": "click", "x": 60.0, "y": 60.0, "button": 0, "buttons": 0, "step_id": "2"},
        {"type": "mousedown", "x": 60.0, "y": 60.0, "button": 0, "buttons": 1, "step_id": "2"},
        {"type": "mouseup", "x": 60.0, "y": 60.0, "button": 0, "buttons": 0, "step_id": "2"},
        {"type": "click", "x": 60.0, "y": 60.0, "button": 0, "buttons": 0, "step_id": "2"},
        {"type": "dblclick", "x": 60.0, "y": 60.0, "button": 0, "buttons": 0, "step_id": "2"},
        {"type": "mousedown", "x": 100.0, "y": 100.0, "button": 0, "buttons": 1, "step_id": "3"},
        {"type": "mousemove", "x": 150.0, "y": 120.0, "buttons": 1, "step_id": "3"},
        {"type": "mouseup", "x": 300.0, "y": 140.0, "button": 0, "buttons": 0, "step_id": "3"},
        {"type": "mousedown", "x": 5.0, "y": 5.0, "button": 2, "buttons": 2, "step_id": "4"},
        {"type": "contextmenu", "x": 5.0, "y": 5.0, "button": 2, "buttons": 2, "step_id": "4"},
        {"type": "mouseup", "x": 5.0, "y": 5.0, "button": 2, "buttons": 0, "step_id": "4"},
    ])
    for r in rows:  # click and dblclick fire at the release
        if r["type"] in ("click", "dblclick"):
            r["t_ms"] = rows[r["seq"] - 1]["t_ms"] if rows[r["seq"] - 1]["type"] == "mouseup" else \
                rows[r["seq"] - 2]["t_ms"]
    acts = segment_actions(rows)
    assert [(a["action_type"], a["button"]) for a in acts] == [("click", "left"), ("double_click", "left"),
                                                               ("drag", "left"), ("click", "right")]
    assert (acts[0]["seq_first"], acts[0]["seq_last"]) == (0, 3)  # the approach move belongs to the click
    assert (acts[1]["seq_first"], acts[1]["seq_last"]) == (4, 10)
    assert (acts[2]["to_x"], acts[2]["to_y"]) == (300.0, 140.0)


def test_typing_with_corrections_chords_and_special_keys() -> None:
    ctrl_a = [{"type": "keydown", "key": "Control", "code": "ControlLeft", "modifiers": 2},
              {"type": "keydown", "key": "a", "code": "KeyA", "modifiers": 2},
              {"type": "keyup", "key": "a", "code": "KeyA", "modifiers": 2},
              {"type": "keyup", "key": "Control", "code": "ControlLeft", "modifiers": 0}]
    shift_h = [{"type": "keydown", "key": "Shift", "code": "ShiftLeft", "modifiers": 8},
               {"type": "keydown", "key": "H", "code": "KeyH", "modifiers": 8},
               {"type": "keyup", "key": "H", "code": "KeyH", "modifiers": 8},
               {"type": "keyup", "key": "Shift", "code": "ShiftLeft", "modifiers": 0}]
    enter = [{"type": "keydown", "key": "Enter", "code": "Enter", "modifiers": 0},
             {"type": "keyup", "key": "Enter", "code": "Enter", "modifiers": 0}]
    rows = _rows(ctrl_a + _keys("\b") + shift_h + _keys("ellp\bo") + enter + _keys("\t"))
    assert _kinds(rows) == [("key", "Control+a"), ("key", "Backspace"), ("type", "Hello"), ("key", "Enter"),
                            ("key", "Tab")]
    acts = segment_actions(rows)
    # Every key row belongs to exactly one action.
    seqs = sorted(r["seq"] for a in acts for r in a["rows"])
    assert seqs == list(range(len(rows)))


def test_newline_inside_typed_text_scroll_goto_and_wait() -> None:
    enter = [{"type": "keydown", "key": "Enter", "code": "Enter"}, {"type": "keyup", "key": "Enter", "code": "Enter"}]
    shift = [{"type": "keydown", "key": "Shift", "code": "ShiftLeft", "modifiers": 8}]
    rows = _rows([{"type": "viewport", "x": 1280.0, "y": 800.0, "step_id": ""},
                  {"type": "navigate", "intent": "goto", "step_id": "1"}]
                 + [dict(r, step_id="2") for r in _keys("hi") + enter + shift + _keys("Yo")]
                 + [{"type": "wheel", "x": 5.0, "y": 6.0, "delta_x": 0.0, "delta_y": 100.0, "step_id": "3"},
                    {"type": "wheel", "x": 5.0, "y": 6.0, "delta_x": 0.0, "delta_y": 100.0, "step_id": "3"},
                    {"type": "mousemove", "x": 5.0, "y": 6.0, "buttons": 0, "step_id": "4"},
                    {"type": "mousemove", "x": 6.0, "y": 6.0, "buttons": 0, "step_id": "4"},
                    {"type": "screenshot", "frame": "frames/s/00000.jpg", "step_id": "5"}])
    acts = segment_actions(rows)
    assert [(a["action_type"], a.get("text") or a.get("dy") or a.get("goto_url")) for a in acts] == [
        ("goto", "http://a/"), ("type", "hi\nYo"), ("scroll", 200.0), ("wait", None), ("wait", None)]
    assert acts[3]["wait_ms"] == rows[-2]["t_ms"] - acts[2]["t_end_ms"]


def test_sink_writes_jsonl_and_parquet(tmp_path: Path, run_fake: Callable[..., SessionResult]) -> None:
    r = run_fake(screenshots="action", capture_dom=True)
    write_exports(tmp_path, r, ["trajectories"])
    d = tmp_path / "exports" / "trajectories"
    lines = [json.loads(x) for x in (d / f"{r.row['session_id']}.jsonl").read_text().splitlines()]
    table = pq.read_table(d / f"{r.row['session_id']}.parquet")
    assert table.schema.equals(TRAJECTORY_SCHEMA, check_metadata=False)
    assert table.num_rows == len(lines) >= 5
    kinds = [x["action_type"] for x in lines]
    assert kinds[:2] == ["goto", "wait"] or kinds[0] == "goto"
    assert {"click", "type", "key", "scroll"} <= set(kinds)
    typed = next(x for x in lines if x["action_type"] == "type")
    text = json.loads(typed["action"])["text"]
    assert text == "Ada Lovelace" or len(text) > 5
    assert json.loads(typed["action"])["action"] == "type"
    # The observation before each action comes before its first event, and is the latest such capture; the
    # JSONL carries neither the DOM nor the events unless asked (the Parquet has everything).
    shots = [e for e in r.events.to_pylist() if e["type"] == "screenshot"]
    recs = table.to_pylist()
    assert "obs_dom" not in lines[0] and "events" not in lines[0]
    for x in recs:
        before = [s for s in shots if s["seq"] < x["seq_first"]]
        assert x["obs_seq"] == (before[-1]["seq"] if before else None)
        assert [e["seq"] for e in x["events"]] == sorted(e["seq"] for e in x["events"])
        if x["action_type"] != "done":
            assert x["events"][0]["seq"] == x["seq_first"] and x["events"][-1]["seq"] == x["seq_last"]


def test_load_with_hugging_face_datasets(tmp_path: Path, run_fake: Callable[..., SessionResult],
                                         monkeypatch: Any) -> None:
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    from datasets import load_dataset

    r = run_fake(screenshots="step")
    write_exports(tmp_path, r, ["trajectories"])
    files = str(tmp_path / "exports" / "trajectories" / "*.parquet")
    ds = load_dataset("parquet", data_files=files, split="train", cache_dir=str(tmp_path / "cache"))
    assert ds.num_rows == pq.read_table(tmp_path / "exports" / "trajectories" /
                                        f"{r.row['session_id']}.parquet").num_rows
    assert "action_type" in ds.column_names and isinstance(ds[0]["events"], list)
    assert ds[0]["events"][0]["type"] in ("navigate", "mousemove")
    assert os.environ["HF_DATASETS_OFFLINE"] == "1"
