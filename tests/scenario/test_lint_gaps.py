"""Issue 19: what lint passed then failed every session. Lint, the loader (generate) and the key planner read one
key table (synthgen.motor.chords) and one target grammar (synthgen.scenario.targets): a key, role or modifier
one accepts the others run, and an unknown one is an error naming file:line and the nearest valid name."""

from __future__ import annotations

import typing
from pathlib import Path

import numpy as np
import pytest

from synthgen.errors import ConfigError
from synthgen.motor.chords import MAIN_KEYS, MODIFIER_KEYS, chord_problem
from synthgen.motor.keyboard import plan_keys
from synthgen.motor.layout import KEYS_BY_CODE
from synthgen.motor.params import KeyboardParams
from synthgen.scenario.lint import KNOWN_KEYS, lint_paths
from synthgen.scenario.targets import ARIA_ROLES, MODIFIERS, parse_target


def lint_one(tmp_path: Path, step: str) -> list[str]:
    p = tmp_path / "s.yaml"
    p.write_text(f"name: s\napp: shop\nthink: 500\nsteps:\n  - goto: /shop/\n  - {step}\n", encoding="utf-8")
    return [str(i) for i in lint_paths([p])]


def test_press_misspelt_key_is_an_error_with_the_fix(tmp_path: Path) -> None:
    assert lint_one(tmp_path, "press: Entr") == [
        f"{tmp_path}/s.yaml:6: error: step 2 'press': unknown key 'Entr' in 'Entr'; did you mean 'Enter'?"]
    assert lint_one(tmp_path, "press: [Tab, Shift+Tabb]") == [
        f"{tmp_path}/s.yaml:6: error: step 2 'press': unknown key 'Tabb' in 'Shift+Tabb'; did you mean 'Shift+Tab'?"]
    assert lint_one(tmp_path, "press: esc")[0].endswith("did you mean 'Escape'?")


@pytest.mark.parametrize("key", ["NumLock", "ScrollLock", "Pause", "PrintScreen"])
def test_keys_the_planner_refuses_lint_refuses(tmp_path: Path, key: str) -> None:
    """Lint accepted these and the planner refused them: now both refuse, with the same words."""
    issues = lint_one(tmp_path, f"press: {key}")
    assert len(issues) == 1 and issues[0].startswith(f"{tmp_path}/s.yaml:6: error: step 2 'press': unknown key '{key}'")
    with pytest.raises(ConfigError, match=f"unknown key '{key}'"):
        plan_keys(np.random.default_rng(0), KeyboardParams(), key, 0.0)
    assert key not in KNOWN_KEYS


def test_every_key_lint_accepts_the_planner_presses() -> None:
    rng, p = np.random.default_rng(0), KeyboardParams()
    singles = [k.base for k in KEYS_BY_CODE.values() if len(k.base) == 1] + ["é", "+"]
    for main in sorted(MAIN_KEYS) + singles:
        assert chord_problem(main) is None
        assert plan_keys(rng, p, main, 0.0)
        for mod in MODIFIER_KEYS:
            chord = f"{mod}+{main}"
            assert chord_problem(chord) is None, chord
            assert plan_keys(rng, p, chord, 0.0), chord
    assert KNOWN_KEYS == MAIN_KEYS | set(MODIFIER_KEYS)


def test_modifier_after_the_key_is_refused(tmp_path: Path) -> None:
    assert lint_one(tmp_path, "press: A+Control")[0].endswith(
        "'A+Control': 'A' is not a modifier (Shift, Control, Alt, Meta, ControlOrMeta); "
        "write the modifiers first, e.g. Control+Shift+K")


def test_unknown_role_is_an_error_with_the_fix(tmp_path: Path) -> None:
    assert lint_one(tmp_path, "click: role=buton") == [
        f"{tmp_path}/s.yaml:6: error: step 2 'click': target: unknown role 'buton'; did you mean 'button'?"]
    assert lint_one(tmp_path, "click: {role: buton, name: Send}") == [
        f"{tmp_path}/s.yaml:6: error: step 2 'click': target: unknown role 'buton'; did you mean 'button'?"]
    assert lint_one(tmp_path, "click: {target: {text: Save, within: role=dailog}}")[0].endswith(
        "unknown role 'dailog'; did you mean 'dialog'?")


def test_roles_are_playwrights() -> None:
    """The role list is declared once here and must be exactly what get_by_role takes."""
    from playwright.async_api import Page

    role_type = typing.get_type_hints(Page.get_by_role)["role"]
    assert set(ARIA_ROLES) == set(typing.get_args(role_type))


def test_misspelt_modifier_is_an_error_with_the_fix(tmp_path: Path) -> None:
    """``[nam=...]`` used to become part of the role and fail at run time with a raw InvalidSelectorError."""
    issues = lint_one(tmp_path, "click: 'role=button[nam=Send]'")
    assert issues == [f"{tmp_path}/s.yaml:6: error: step 2 'click': unknown modifier [nam=Send] in target "
                      "'role=button[nam=Send]'; did you mean [name=Send]? modifiers are [name=...], [nth=N] and "
                      "[exact] (for a value that ends in brackets, use the mapping form, e.g. {text: '...'})"]
    assert "did you mean [nth=1]?" in lint_one(tmp_path, "click: 'text=Delete[nht=1]'")[0]
    assert "did you mean [exact]?" in lint_one(tmp_path, "click: 'text=Delete[exakt]'")[0]
    # a role with brackets in the mapping form names the one-line syntax
    assert "did you mean 'role=button[name=...]'?" in lint_one(tmp_path, "click: {role: 'button[nam=Send]'}")[0]


def test_bracketed_text_that_is_no_modifier_stays_text() -> None:
    assert parse_target("text=Notes [draft]") == {"text": "Notes [draft]"}
    assert parse_target("text=Item [2]") == {"text": "Item [2]"}
    assert parse_target("css=input[nam=q]") == {"css": "input[nam=q]"}
    assert set(MODIFIERS) == {"name", "nth", "exact"}


def test_templates_are_checked_when_rendered(tmp_path: Path) -> None:
    """A templated key or role cannot be known at lint time: lint lets it through, the planner checks it."""
    p = tmp_path / "t.yaml"
    p.write_text("name: t\napp: shop\nthink: 500\nvariables: {key: Entr}\nsteps:\n  - goto: /shop/\n"
                 "  - press: '{{ var.key }}'\n", encoding="utf-8")
    assert [str(i) for i in lint_paths([p])] == []
    with pytest.raises(ConfigError, match="did you mean 'Enter'"):
        plan_keys(np.random.default_rng(0), KeyboardParams(), "Entr", 0.0)
