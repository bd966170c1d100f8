"""The real-widget step fields (issue 14 part B): models, loader forms and errors, JSON schema, and the session
logic on the fake driver. The same steps run in a real Chromium in ``tests/browser/test_widgets.py``."""

from __future__ import annotations

import asyncio

import jsonschema
import pytest
from ruamel.yaml import YAML

from synthgen.browser.fake import FakeDriver
from synthgen.errors import ScenarioError
from synthgen.motor.types import Box
from synthgen.persona.population import sample_personas
from synthgen.runner.plan import plan_sessions
from synthgen.scenario import steps as S
from synthgen.scenario.jsonschema import scenario_json_schema
from synthgen.scenario.loader import load_scenario_text
from synthgen.session import SessionOptions, detour, run_session

FULL = """name: t
app: widgets
setup: [goto: /reset]
teardown: [goto: /bye]
login:
  record: never
  steps: [goto: /login]
steps:
- click: {text: Save, within: "role=dialog[name=Rename file]", avoid: "testid=menubar"}
- click: {target: "+ Add tag", popup: true}
- hover: {text: File, avoid: "testid=menubar"}
- type: {focused: true, text: hi}
- wait_for: {idle_ms: 500}
- wait_for: {target: "css=.spinner", state: hidden}
- assert: {field: "label=Title", value: Draft}
"""


def test_loader_builds_every_new_field() -> None:
    s = load_scenario_text(FULL)
    c = s.steps[0]
    assert isinstance(c, S.Click) and c.target.within == S.Target(role="dialog", name="Rename file")
    assert c.avoid == S.Target(testid="menubar")
    assert s.steps[1].popup and s.steps[2].avoid is not None
    assert s.steps[3].focused and s.steps[3].into is None
    assert s.steps[4].idle_ms == 500 and s.steps[5].state == "hidden"
    assert s.steps[6].field == S.Target(label="Title") and s.steps[6].value == "Draft"
    assert [st.url for st in s.setup] == ["/reset"] and s.teardown[0].url == "/bye"
    assert s.login is not None and s.login.record == "never"


def test_login_as_a_plain_list_records_the_first_session() -> None:
    s = load_scenario_text("name: t\napp: a\nlogin: [goto: /login]\nsteps: [goto: /]")
    assert s.login is not None and s.login.record == "first"


def test_json_schema_accepts_the_new_fields() -> None:
    jsonschema.validate(YAML(typ="safe").load(FULL), scenario_json_schema())


@pytest.mark.parametrize("steps, message", [
    ("- type: {text: hi}", "type needs exactly one of 'into'"),
    ("- type: {into: label=A, focused: true, text: hi}", "type needs exactly one of 'into'"),
    ("- wait_for: {text: x, state: hidden}", "'state' goes with 'target'"),
    ("- assert: {field: label=A}", "'field' and 'value' go together"),
    ("- wait_for: {idle_ms: 0}", "idle_ms"),
    ("- click: {text: Save, within: {colour: red}}", "unknown key 'colour' in within"),
])
def test_errors_name_the_line_and_the_fix(steps: str, message: str) -> None:
    with pytest.raises(ScenarioError) as info:
        load_scenario_text(f"name: t\napp: a\nsteps:\n{steps}\n", file="s.yaml")
    assert "s.yaml:4" in str(info.value) and message in str(info.value)


def test_login_record_is_checked() -> None:
    with pytest.raises(ScenarioError) as info:
        load_scenario_text("name: t\napp: a\nlogin: {steps: [goto: /l], recrd: first}\nsteps: [goto: /]",
                           file="s.yaml")
    assert "unknown key 'recrd' in login" in str(info.value) and "record" in str(info.value)


def test_within_describes_its_scope() -> None:
    t = S.Target(text="Save", within=S.Target(role="dialog", name="Rename file"))
    assert t.describe() == "text=Save within role=dialog[name=Rename file]"


def test_detour_leaves_the_bar_toward_the_goal() -> None:
    bar = Box(0, 0, 1280, 40)
    assert detour((60, 20), Box(400, 150, 120, 30), bar, 10.0) == (60, 50.0)
    assert detour((60, 20), Box(400, 10, 80, 20), bar, 10.0) is None  # the goal is on the bar itself
    assert detour((60, 300), Box(400, 150, 120, 30), bar, 10.0) is None  # not on the bar: direct


# ---- the session logic on the fake driver ---------------------------------------------------------
PERSONAS = sample_personas(2, seed=3)


def _run(text: str, driver: FakeDriver, index: int = 0, sessions: int = 1):  # type: ignore[no-untyped-def]
    sc = load_scenario_text(text)
    spec = plan_sessions([sc], sessions, 1, PERSONAS[:1], {sc.name: "http://app.test/"})[index]
    return asyncio.run(run_session(spec, driver, SessionOptions(failure_screenshot=False)))


def _fake(**kw) -> FakeDriver:  # type: ignore[no-untyped-def]
    boxes = {"label=Title": Box(100, 100, 200, 30), "text=Add tag": Box(100, 200, 80, 24),
             "label=Email": Box(100, 300, 200, 30)}
    return FakeDriver(boxes, **kw)


def test_type_focused_types_into_the_focus_without_a_click() -> None:
    d = _fake(focus='div "Body"')
    r = _run("name: t\napp: a\nsteps:\n- type: {focused: true, text: ab, exact: true}\n", d)
    assert r.ok, r.row["error"]
    assert not any(c[0] == "down" for c in d.calls)  # no mouse press
    keys = [e for e in r.events.to_pylist() if e["type"] == "keydown"]
    assert keys and all(e["target"] == 'div "Body"' for e in keys)


def test_type_focused_without_focus_fails_with_the_fix() -> None:
    r = _run("name: t\napp: a\nsteps:\n- type: {focused: true, text: ab}\n", _fake())
    assert not r.ok and "no element has the focus" in r.row["error"] and "click into the field" in r.row["error"]


def test_assert_field_value() -> None:
    text = "name: t\napp: a\nsteps:\n- assert: {field: label=Title, value: Draft}\n"
    assert _run(text, _fake(values={"label=Title": "Draft"})).ok
    bad = _run(text, _fake(values={"label=Title": "Drat"}))
    assert not bad.ok and "label=Title to hold 'Draft'" in bad.row["error"] and "holds 'Drat'" in bad.row["error"]


def test_popup_click_follows_or_names_the_missing_popup() -> None:
    text = "name: t\napp: a\nsteps:\n- click: {text: Add tag, popup: true}\n"
    d = _fake(popup_url="http://app.test/popup.html")
    r = _run(text, d)
    assert r.ok and ("popup", "http://app.test/popup.html") in d.calls
    assert d.calls.index(("arm_popup",)) < d.calls.index(("popup", "http://app.test/popup.html"))
    miss = _run(text, _fake())
    assert not miss.ok and "opened no pop-up or new tab" in miss.row["error"]


def test_wait_for_states_and_idle() -> None:
    d = _fake()
    r = _run("name: t\napp: a\nsteps:\n- wait_for: {target: css=.gone, state: detached}\n"
             "- wait_for: {idle_ms: 250}\n", d)
    assert r.ok, r.row["error"]
    assert ("idle", 250.0) in d.calls
    bad = _run("name: t\napp: a\nsteps:\n- wait_for: {target: label=Title, state: hidden, timeout_ms: 10}\n", _fake())
    assert not bad.ok and "did not go out of sight" in bad.row["error"]


LOGIN = """name: login-once
app: a
setup: [goto: /reset]
login:
  steps:
  - goto: /login
  - type: {into: label=Email, text: me@example.com, exact: true}
steps:
- goto: /home
"""


def test_login_once_records_the_first_session_and_restores_the_rest() -> None:
    first = _run(LOGIN, _fake(), 0, 2)
    d = _fake()
    again = _run(LOGIN, d, 1, 2)
    assert first.ok and again.ok
    ids1 = {e["step_id"] for e in first.events.to_pylist()}
    ids2 = {e["step_id"] for e in again.events.to_pylist()}
    assert "login.2" in ids1 and not any(i.startswith(("login.", "setup.")) for i in ids2 | ids1 - {"login.1", "login.2"})
    assert ("restore", 1) in d.calls  # the stored state, not a second log-in
    assert ("goto", "http://app.test/reset") in d.calls  # setup ran, unrecorded


def test_setup_failure_names_its_step() -> None:
    r = _run("name: t\napp: a\nsetup: [click: Missing]\nsteps: [goto: /]\n", _fake())
    assert not r.ok and r.row["failed_step"] == "setup.1" and "text=Missing" in r.row["error"]
