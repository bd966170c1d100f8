"""Template and scenario injection tricks not covered by tests/scenario/test_templating.py.

The template language must not run code, read files or read the environment, whatever a scenario file,
a data file, a persona value or a value read from the page contains.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import pytest

from synthgen.errors import ScenarioError, TemplateError
from synthgen.persona.identity import persona_faker
from synthgen.scenario.loader import load_scenario_text
from synthgen.scenario.templating import TemplateContext, parse_template, render, render_variables


def ctx(**kw: object) -> TemplateContext:
    base: dict = dict(persona={"email": "ada@example.com", "password": "s3cret-persona"}, faker=persona_faker(3),
                      variables={}, captured={"note": "{{ persona.password }}"}, data={"city": "{{ faker.name() }}"},
                      now=datetime(2026, 1, 5))
    base.update(kw)
    return TemplateContext(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize("text", [
    # Faker's own escape hatches: attribute chains, formatters that expand templates, binary/file providers
    "{{ faker.unique.name() }}", "{{ faker.optional.name() }}", "{{ faker.parse('{{name}}') }}",
    "{{ faker.pystr_format('{{name}}') }}", "{{ faker.json() }}", "{{ faker.pyobject() }}", "{{ faker.image() }}",
    "{{ faker.zip() }}", "{{ faker.tar() }}", "{{ faker.file_path() }}", "{{ faker.add_provider('x') }}",
    "{{ faker.set_formatter('name', 1) }}", "{{ faker.get_formatter('name') }}", "{{ faker.providers }}",
    "{{ faker.factories }}", "{{ faker.locales }}", "{{ faker.weights }}", "{{ faker.enum('x') }}",
    "{{ faker.xml() }}", "{{ faker.csv() }}", "{{ faker.dsv() }}", "{{ faker.fixed_width() }}",
    "{{ faker.profile() }}", "{{ faker.python_stack }}",
    # the environment under any name
    "{{ env.HOME }}", "{{ environ.PATH }}", "{{ ENV['HOME'] }}", "{{ os.getenv('HOME') }}",
    "{{ persona.__class__.__init__.__globals__ }}", "{{ faker.__init__.__globals__['os'] }}",
    # other template engines' syntax must not sneak in either
    "{{ self._TemplateReference__context }}", "{{ cycler.__init__.__globals__.os }}", "{{ config.items() }}",
    "{{ request.application }}", "{{ lipsum.__globals__ }}", "{{ x | attr('__class__') }}",
    "{{ persona.email | replace('a', 'b') }}", "{{ persona.email | format('%s') }}",
    # look-alike letters and invisible characters
    "{{ ｆａｋｅｒ.name() }}", "{{ faker.ｎａｍｅ() }}", "{{ persona\u2024email }}", "{{ per\u00adsona.email }}",
])
def test_refused(text: str) -> None:
    with pytest.raises(TemplateError):
        parse_template(text)


def test_bare_names_are_variables_never_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SYNTHGEN_SECRET", "from-the-environment")
    for text in ("{{ SYNTHGEN_SECRET }}", "{{ HOME }}", "{{ var.PATH }}"):
        with pytest.raises(TemplateError, match="is not set"):
            render(text, ctx())


@pytest.mark.parametrize("text, out", [
    # values read from the page, the data file or produced by Faker are text, never templates
    ("{{ captured.note }}", "{{ persona.password }}"),
    ("{{ data.city }}", "{{ faker.name() }}"),
    ("{{ faker.bothify(text='{{ persona.password }}') }}", "{{ persona.password }}"),
    ("{{ faker.lexify(text='{0.__class__} %(x)s ${HOME}') }}", "{0.__class__} %(x)s ${HOME}"),
    ("{{ 'x' | upper }}{{ \"{{ persona.password }}\" }}", "X{{ persona.password }}"),
])
def test_values_are_never_rendered_again(text: str, out: str) -> None:
    assert render(text, ctx()) == out


def test_variables_holding_template_text_stay_text() -> None:
    v = render_variables({"a": "{{ faker.bothify(text='{{ persona.password }}') }}", "b": "<{{ a }}>"}, ctx())
    assert v == {"a": "{{ persona.password }}", "b": "<{{ persona.password }}>"}


def test_faker_string_arguments_cannot_name_files(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("top secret")
    out = render(f"{{{{ faker.lexify(text='{secret}') }}}} {{{{ faker.file_name(extension='txt') }}}}", ctx())
    assert "top secret" not in out


def test_yaml_python_tags_do_not_run(tmp_path: Path) -> None:
    flag = tmp_path / "pwned"
    for text in (f"name: t\napp: a\nsteps:\n  - goto: !!python/object/apply:os.system ['touch {flag}']\n",
                 f"!!python/object/apply:os.system ['touch {flag}']\n",
                 "name: t\napp: a\nsteps:\n  - goto: !!python/name:os.getcwd ''\n"):
        with pytest.raises(ScenarioError):
            load_scenario_text(text)
    assert not flag.exists()


def test_yaml_alias_bomb_is_refused() -> None:
    lines = ["a: &a ['x','x','x','x','x','x','x','x','x']"]
    for i, name in enumerate("bcdefghi"):
        prev = "abcdefghi"[i]
        lines.append(f"{name}: &{name} [" + ",".join(f"*{prev}" for _ in range(9)) + "]")
    text = "name: t\napp: a\nvariables:\n" + "\n".join("  " + ln for ln in lines) + "\nsteps:\n  - goto: /\n"
    with pytest.raises(ScenarioError, match="YAML aliases"):  # 9**9 values if expanded
        load_scenario_text(text)


def test_data_files_stay_beside_the_scenario(tmp_path: Path) -> None:
    outside = tmp_path / "outside.csv"
    outside.write_text("secret\nvalue\n")
    (tmp_path / "sc").mkdir()
    with pytest.raises(ScenarioError, match="outside the scenario's folder"):
        load_scenario_text(f"name: t\napp: a\ndata: {{file: {outside}}}\nsteps:\n  - goto: /\n",
                           base_dir=tmp_path / "sc")
    with pytest.raises(ScenarioError, match="outside the scenario's folder"):
        load_scenario_text("name: t\napp: a\ndata: {file: ../outside.csv}\nsteps:\n  - goto: /\n",
                           base_dir=tmp_path / "sc")


def test_rendering_reads_no_environment_even_when_faker_locale_is_set(monkeypatch: pytest.MonkeyPatch) -> None:
    # Faker picks nothing up from LANG/LC_ALL: the persona's own locale decides.
    monkeypatch.setenv("LC_ALL", "de_DE.UTF-8")
    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    a = render("{{ faker.name() }} {{ faker.city() }}", ctx(faker=persona_faker(11)))
    monkeypatch.delenv("LC_ALL")
    monkeypatch.delenv("LANG")
    assert a == render("{{ faker.name() }} {{ faker.city() }}", ctx(faker=persona_faker(11)))
    assert os.environ.get("LC_ALL") is None
