"""A click slip reaches the event log and the driver: mousedown, a held-button mousemove, mouseup there."""

from __future__ import annotations

import asyncio

from synthgen.browser.fake import Box, FakeDriver
from synthgen.persona.population import sample_personas
from synthgen.scenario.loader import load_scenario_text
from synthgen.session import SessionOptions, SessionSpec, run_session

YAML = """
name: slips
base_url: http://app.test/
steps:
  - goto: /start
""" + "".join(f"  - click: \"text=B{i % 3}\"\n" for i in range(12))

BOXES = {f"text=B{i}": Box(100 + 250 * i, 200 + 90 * i, 80, 30) for i in range(3)}


def _run(seed: int = 2):
    persona = sample_personas(1, seed=1)[0]
    # A persona whose every press slips (the population's P is about 0.18): the wiring is what is tested.
    mouse = persona.motor.mouse.model_copy(update={"slip_prob": 0.6})
    persona = persona.model_copy(update={"motor": persona.motor.model_copy(update={"mouse": mouse})})
    sc = load_scenario_text(YAML, file="slips.yaml")
    drv = FakeDriver(dict(BOXES))
    res = asyncio.run(run_session(SessionSpec(0, "slip-s0", seed, sc, persona, "http://app.test/"), drv,
                                  SessionOptions()))
    assert res.ok, res.row["error"]
    return res.events.to_pylist(), drv


def _presses(rows):
    """(down, rows between, up) for every press in the log."""
    out, down, between = [], None, []
    for r in rows:
        if r["type"] == "mousedown":
            down, between = r, []
        elif r["type"] == "mouseup" and down is not None:
            out.append((down, between, r))
            down = None
        elif down is not None:
            between.append(r)
    return out


def test_a_slip_is_a_held_button_mousemove_between_down_and_up() -> None:
    rows, drv = _run()
    presses = _presses(rows)
    slipped = [(d, b, u) for d, b, u in presses if any(r["type"] == "mousemove" for r in b)]
    assert len(presses) == 12 and 0 < len(slipped) < 12
    for d, between, u in slipped:
        (mv,) = [r for r in between if r["type"] == "mousemove"]
        assert mv["buttons"] == 1 and d["t_ms"] < mv["t_ms"] <= u["t_ms"]
        assert (u["x"], u["y"]) == (mv["x"], mv["y"]) != (d["x"], d["y"])  # released where it slipped to
        assert max(abs(mv["x"] - d["x"]), abs(mv["y"] - d["y"])) <= 5
    # the click after a slip is where the button came up
    clicks = [r for r in rows if r["type"] == "click"]
    assert [(c["x"], c["y"]) for c in clicks] == [(u["x"], u["y"]) for _, _, u in presses]
    # the driver got the move between the button going down and up
    calls = [c[0] for c in drv.calls if c[0] in ("down", "move", "up")]
    n_between = sum(1 for a, b, c in zip(calls, calls[1:], calls[2:]) if (a, b, c) == ("down", "move", "up"))
    assert n_between == len(slipped)


def test_slipped_sessions_are_deterministic() -> None:
    a, _ = _run(seed=4)
    b, _ = _run(seed=4)
    assert a == b
