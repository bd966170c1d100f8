"""Captures inside a session on the fake driver: cadence, frames, the observations table."""

from __future__ import annotations

from typing import Callable

import pyarrow as pa

from synthgen.observe.table import OBSERVATIONS_SCHEMA
from synthgen.session import SessionResult


def _shots(r: SessionResult) -> list[dict]:
    return [e for e in r.events.to_pylist() if e["type"] == "screenshot"]


def test_off_captures_only_screenshot_steps(run_fake: Callable[..., SessionResult]) -> None:
    r = run_fake(screenshots="off")
    assert r.ok, r.row["error"]
    shots = _shots(r)
    assert [s["target"] for s in shots] == ["screenshot"]
    assert shots[0]["frame"].endswith("-done.jpg")
    assert r.observations is not None and r.observations.num_rows == 1


def test_step_captures_after_every_step(run_fake: Callable[..., SessionResult]) -> None:
    r = run_fake(screenshots="step")
    steps = {e["step_id"] for e in r.events.to_pylist() if e["type"] != "viewport"}
    reasons = [s["target"] for s in _shots(r)]
    assert reasons.count("step") == len(steps) - 1  # the screenshot step captures itself
    assert reasons.count("screenshot") == 1


def test_action_captures_after_each_input_action(run_fake: Callable[..., SessionResult]) -> None:
    step = run_fake(screenshots="step")
    action = run_fake(screenshots="action")
    assert len(_shots(action)) > len(_shots(step))
    # A capture follows each click: the next row after every click is a screenshot at the same time.
    rows = action.events.to_pylist()
    for i, e in enumerate(rows):
        if e["type"] == "click":
            later = [x for x in rows[i + 1:] if x["type"] == "screenshot"]
            assert later and later[0]["t_ms"] >= e["t_ms"]


def test_every_ms_spacing(run_fake: Callable[..., SessionResult]) -> None:
    r = run_fake(screenshots="every:2000")
    times = [s["t_ms"] for s in _shots(r) if s["target"] == "every"]
    assert len(times) >= 3
    marks = [int(t // 2000) for t in times]
    assert marks == sorted(set(marks)), "at most one capture per 2000 ms mark"


def test_same_events_whatever_the_cadence_apart_from_screenshots(run_fake: Callable[..., SessionResult]) -> None:
    def core(r: SessionResult) -> list[tuple]:
        return [(e["t_ms"], e["type"], e["x"], e["key"]) for e in r.events.to_pylist()
                if e["type"] not in ("screenshot", "navigate")]

    assert core(run_fake(screenshots="off")) == core(run_fake(screenshots="action"))


def test_observations_table_joins_screenshot_rows(run_fake: Callable[..., SessionResult]) -> None:
    r = run_fake(screenshots="action")
    obs = r.observations
    assert isinstance(obs, pa.Table) and obs.schema.equals(OBSERVATIONS_SCHEMA, check_metadata=False)
    ev = {e["seq"]: e for e in r.events.to_pylist()}
    for o in obs.to_pylist():
        e = ev[o["seq"]]
        assert e["type"] == "screenshot" and e["frame"] == o["frame"] and e["t_ms"] == o["t_ms"]
        assert o["frame_bytes"] == len(next(f.data for f in r.frames if f.path == o["frame"]))
    typed = [o for o in obs.to_pylist() if o["target"] and "label=Name" in o["target"]]
    assert typed and typed[0]["target_w"] == 200.0  # the located box of the typed-into field
    assert obs.column("seq").to_pylist() == sorted(obs.column("seq").to_pylist())
