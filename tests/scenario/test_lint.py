"""lint_paths / lint_command / list_scenarios / template_audit."""

from __future__ import annotations

import io
from pathlib import Path

from synthgen.scenario.lint import lint_command, lint_paths, list_scenarios, template_audit
from synthgen.scenario import load_scenario

from .conftest import EXAMPLES


def write(tmp: Path, name: str, text: str) -> Path:
    p = tmp / name
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text, encoding="utf-8")
    return p


def test_examples_are_clean() -> None:
    assert lint_paths([EXAMPLES]) == []


def test_collects_every_file(tmp_path: Path) -> None:
    a = write(tmp_path, "a.yaml", "name: a\napp: webmail\nsteps:\n  - clik: x\n")
    b = write(tmp_path, "b.yaml", "name: b\napp: webmail\nsteps:\n  - goto: {url: /, timeout_ms: no}\n")
    c = write(tmp_path, "c.yaml", "name: c\napp: webmal\nthink: 500\nsteps:\n  - press: Control+S\n")
    d = write(tmp_path, "d.yaml", "name: d\napp: webmail\nthink: 500\nsteps:\n  - press: Ctrl+S\n")
    issues = [str(i) for i in lint_paths([tmp_path])]
    assert issues[:2] == [
        f"{a}:4: error: step 1 'clik': unknown step kind; did you mean 'click'?",
        f"{b}:4: error: step 1 'goto': timeout_ms: must be a number (got 'no')",
    ]
    # an unknown key is an error (generate refuses it too), no longer a warning
    assert issues[3:] == [f"{d}:5: error: step 1 'press': unknown modifier 'Ctrl' in 'Ctrl+S'; did you mean 'Control+S'?"]
    # the list of bundled apps grows as apps are added
    assert issues[2].startswith(f"{c}:2: warning: app 'webmal' is not a bundled app; did you mean 'webmail'? "
                                "bundled apps: ")
    assert issues[2].endswith(" (use base_url: for any other web app)")



def test_warnings(tmp_path: Path) -> None:
    p = write(tmp_path, "w.yaml", """name: w
base_url: http://127.0.0.1:9000/app/
flows:
  unused: [goto: /]
steps:
  - goto: https://evil.example.com/x
  - goto: http://localhost:9000/ok
  - optional: {probability: 0, steps: [goto: /]}
  - choice: [{weight: 0, steps: [goto: /a]}, {weight: 1, steps: [goto: /b]}]
  - repeat: {times: 10000, steps: [press: Enter]}
""")
    issues = [str(i) for i in lint_paths(p)]
    assert issues == [
        f"{p}:6: warning: step 1 'goto': goto leaves the app: https://evil.example.com is not an allowed origin; "
        "add it to allowed_origins: [https://evil.example.com] (or use a path like /page)",
        f"{p}:8: warning: step 3 'optional': probability 0: the steps never run; use a probability between 0 "
        "and 1, or remove the optional",
        f"{p}:9: warning: step 4 'choice': branch 1 has weight 0 and never runs",
        f"{p}:4: warning: flow 'unused' is never included; use it with '- include: unused', or remove it",
        f"{p}: warning: no think steps and no 'think:' default: pauses come only from the built-in think time; "
        "add e.g. 'think: {median_ms: 900, sigma: 0.6}' at the top, or think steps",
        f"{p}: warning: one session can run up to 10,003 actions; lower the repeat counts",
    ]


def test_lint_command_exit_codes(tmp_path: Path) -> None:
    out = io.StringIO()
    assert lint_command([EXAMPLES], out=out) == 0
    assert out.getvalue() == "3 files: 0 errors, 0 warnings\n"
    write(tmp_path, "w.yaml", "name: w\napp: webmail\nsteps: [goto: /]\n")
    assert lint_command([tmp_path], out=io.StringIO()) == 0
    assert lint_command([tmp_path], strict=True, out=io.StringIO()) == 1
    write(tmp_path, "e.yaml", "name: e\n")
    out = io.StringIO()
    assert lint_command([tmp_path], out=out) == 1
    assert out.getvalue().endswith("2 files: 1 error, 1 warning\n")


def test_duplicate_names(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "name: same\napp: webmail\nthink: 1\nsteps: [goto: /]\n")
    b = write(tmp_path, "b.yaml", "name: same\napp: webmail\nthink: 1\nsteps: [goto: /]\n")
    assert [str(i) for i in lint_paths(tmp_path)] == [
        f"{b}:1: error: scenario name 'same' is already used by {tmp_path / 'a.yaml'}; give each scenario a unique name"]


def test_list_scenarios(tmp_path: Path) -> None:
    rows = list_scenarios(EXAMPLES)
    assert [r["name"] for r in rows] == ["kanban-drag", "shop-search", "webmail-reply"]
    shop = rows[1]
    assert shop["app"] == "shop" and shop["uses_data"] and shop["error"] is None
    assert (shop["min_actions"], shop["max_actions"]) == (9, 17)
    write(tmp_path, "bad.yaml", "name: x\n")
    assert list_scenarios(tmp_path)[0]["error"].endswith("missing required key 'steps'; a scenario needs 'name:', "
                                                         "'app:' (or 'base_url:') and 'steps:'")


def test_template_audit() -> None:
    audit = template_audit(load_scenario(EXAMPLES / "shop_search.yaml"))
    assert audit["data.query"] == ["3 'type'"]
    assert audit["captured.cart_count"] == ["6.b1.5 'assert'"]
    assert audit["persona.email"] == ["7 'fill'", "_shared/common.yaml#login.1 'type'"]
