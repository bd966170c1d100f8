"""The safe template language: rendering, errors, and template-injection attempts."""

from __future__ import annotations

from datetime import datetime

import pytest
from faker import Faker

from synthgen.errors import TemplateError
from synthgen.scenario.templating import (FAKER_PROVIDERS, TemplateContext, parse_template, render,
                                          render_variables, template_sources)


def ctx(**kw: object) -> TemplateContext:
    fake = Faker()
    fake.seed_instance(1)
    base: dict = dict(persona={"email": "ada@example.com", "first_name": "ada"}, faker=fake,
                      variables={"subject": "Hello"}, captured={"order_no": "A-17"},
                      data={"city": "Oslo"})
    base.update(kw)
    return TemplateContext(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize("text, out", [
    ("plain text", "plain text"),
    ("", ""),
    ("{{ persona.email }}", "ada@example.com"),
    ("Hi {{persona.first_name|title}}!", "Hi Ada!"),
    ("{{ var.subject }}/{{ subject | upper }}", "Hello/HELLO"),
    ("#{{ captured.order_no | digits }}", "#17"),
    ("{{ data.city | lower }}", "oslo"),
    ("q={{ 'a b&c' | urlencode }}", "q=a%20b%26c"),
    ('{{ "{{" }} literal {{ "}}" }}', "{{ literal }}"),
    ("a { b } c }} d", "a { b } c }} d"),
    ("{{ faker.numerify('##-##') | digits }}", None),
])
def test_render(text: str, out: str | None) -> None:
    got = render(text, ctx())
    if out is None:
        assert len(got) == 4 and got.isdigit()
    else:
        assert got == out


def test_faker_lists_and_dates() -> None:
    c = ctx(now=datetime(2030, 6, 1))
    assert len(render("{{ faker.words(nb=4) }}", c).split(" ")) == 4
    assert render("{{ faker.paragraphs(2) }}", c).count("\n") == 1
    d = render("{{ faker.date_between(start_date='-30d', end_date='today') }}", c)
    assert "2030-05-02" <= d <= "2030-06-01"
    assert render("{{ faker.pybool() }}", c) in ("true", "false")


def test_date_providers_ignore_wall_clock() -> None:
    a = render("{{ faker.date_of_birth(minimum_age=20, maximum_age=30) }}", ctx(now=datetime(2001, 1, 1)))
    assert "1970-01-01" <= a <= "1981-01-01"


@pytest.mark.parametrize("text, message", [
    ("{{ faker.__class__ }}", "names starting with '_' are not allowed ('__class__' in '{{ faker.__class__ }}')"),
    ("{{ persona.__dict__ }}", "names starting with '_' are not allowed ('__dict__' in '{{ persona.__dict__ }}')"),
    ("{{ faker._Generator__config }}", "names starting with '_' are not allowed"),
    ("{{ ''.__class__.__mro__ }}", "a quoted string has no attributes"),
    ("{{ faker.seed_instance(1) }}", "unknown faker provider 'seed_instance'"),
    ("{{ faker.seed(1) }}", "unknown faker provider 'seed'"),
    ("{{ faker.random }}", "unknown faker provider 'random'"),
    ("{{ faker.get_providers() }}", "unknown faker provider 'get_providers'"),
    ("{{ faker.format('name') }}", "unknown faker provider 'format'"),
    ("{{ faker.binary(length=99999999) }}", "unknown faker provider 'binary'"),
    ("{{ os.environ }}", "unknown name 'os'"),
    ("{{ os.environ.HOME }}", "unknown name 'os'"),
    ("{{ __import__('os') }}", "names starting with '_' are not allowed"),
    ("{{ open('/etc/passwd') }}", "only faker providers can be called"),
    ("{{ eval('1') }}", "only faker providers can be called"),
    ("{% import os %}", "'{% ... %}' blocks are not supported"),
    ("{% for x in y %}{% endfor %}", "'{% ... %}' blocks are not supported"),
    ("{# note #}", "'{# ... #}' comments are not supported"),
    ("{{ {{ persona.email }} }}", "unexpected '{' inside"),
    ("{{ persona.email }", "unclosed '{{' at column 1"),
    ("{{ }}", "empty expression '{{ }}'"),
    ("{{ persona }}", "'persona' needs a field"),
    ("{{ persona.email() }}", "'persona.email' is a value, not a function"),
    ("{{ persona.email.upper }}", "too many '.'"),
    ("{{ faker.name().__class__ }}", "too many '.'"),
    ("{{ persona['email'] }}", "unexpected character '['"),
    ("{{ persona.email | attr('x') }}", "unknown filter 'attr'"),
    ("{{ x | safe }}", "unknown filter 'safe'"),
    ("{{ faker.pyint(min_value=persona.age) }}", "arguments of faker.pyint must be literals"),
    ("{{ faker.words(nb=[1]) }}", "unexpected character '['"),
    ("{{ faker.words(nb=1+1) }}", "unexpected character '+'"),
    ("{{ faker.words(nb=100000) }}", "faker.words(nb=100000): nb is capped at 100"),
    ("{{ faker.sentence(nb_wrds=3) }}", "got an unexpected keyword argument 'nb_wrds'"),
    ("{{ faker.name(1, 2) }}", "faker.name(...): too many positional arguments"),
    ("{{ faker.words(nb=1, nb=2) }}", "argument 'nb' given twice"),
    ("{{ faker.words(nb=1, 2) }}", "positional argument after keyword argument"),
    ("{{ 'unterminated }}", "unterminated string"),
    ("{{ lambda: 0 }}", "unexpected character ':'"),
    ("{{ persona.email if 1 else 2 }}", "unexpected 'if'"),
    ("{{ ().__class__ }}", "unexpected '('"),
    ("{{ \\u005f_class__ }}", "unexpected character '\\\\'"),
])
def test_refused(text: str, message: str) -> None:
    with pytest.raises(TemplateError) as info:
        parse_template(text)
    assert message in str(info.value)


def test_unicode_underscore_lookalikes_refused() -> None:
    # fullwidth low line and friends are not identifier characters in our grammar
    for text in ("{{ faker.\uff3f\uff3fclass\uff3f\uff3f }}", "{{ persona.e\u200bmail }}"):
        with pytest.raises(TemplateError):
            parse_template(text)


def test_render_errors_are_template_errors() -> None:
    with pytest.raises(TemplateError, match="persona field 'phone' is not set"):
        render("{{ persona.phone }}", ctx())
    with pytest.raises(TemplateError, match="captured value 'x' is not set"):
        render("{{ captured.x }}", ctx())
    with pytest.raises(TemplateError, match="faker.date_between failed"):
        render("{{ faker.date_between(start_date='yesterday') }}", ctx())


def test_values_are_not_re_rendered() -> None:
    # a persona value that looks like a template is data, not code
    c = ctx(persona={"email": "{{ faker.name() }}"})
    assert render("{{ persona.email }}", c) == "{{ faker.name() }}"


def test_all_providers_render() -> None:
    c = ctx()
    for p in sorted(FAKER_PROVIDERS):
        out = render(f"{{{{ faker.{p}() }}}}", c)
        assert isinstance(out, str) and out, p


def test_variables_in_order_and_cycles() -> None:
    c = ctx()
    assert render_variables({"a": "{{ b }}!", "b": "x"}, c) == {"a": "x!", "b": "x"}
    with pytest.raises(TemplateError, match="refers to itself"):
        render_variables({"a": "{{ b }}", "b": "{{ a }}"}, c)


def test_template_sources() -> None:
    assert template_sources("{{ persona.email }} {{ faker.name }} {{ subject }} {{ persona.email }}") == [
        "persona.email", "faker.name", "var.subject"]
    assert template_sources("no templates") == []
