"""Fuzz the scenario template language: whatever the input, parsing and rendering either give text or a
TemplateError, never run code, open files, reach the network or read the environment.

Three generators: raw text biased towards template syntax, expressions built from the grammar's own
pieces (roots, names, calls, literals, filters) mixed with hostile names, and mutations of known-good and
known-hostile templates. A Python audit hook (PEP 578) watches every parse and render call.
"""

from __future__ import annotations

import os
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from synthgen.errors import TemplateError
from synthgen.persona.identity import persona_faker
from synthgen.scenario import templating
from synthgen.scenario.templating import (FAKER_PROVIDERS, FILTERS, ROOTS, TemplateContext, parse_template, render,
                                          render_variables)

CANARY = "canary-5b1e0d7c"
# SYNTHGEN_FUZZ_SCALE=10 runs ten times as many cases (the default keeps the suite quick)
SCALE = float(os.environ.get("SYNTHGEN_FUZZ_SCALE", "1"))
CASES = {"text": 0, "grammar": 0, "mutation": 0, "variables": 0, "rendered": 0}
_DANGEROUS_PREFIXES = ("open", "os.", "subprocess.", "exec", "compile", "socket.", "ctypes.", "shutil.",
                       "pickle.", "marshal.", "code.", "function.", "builtins.input", "sys.settrace", "sys.setprofile",
                       "urllib.", "http.", "mmap.", "signal.", "import", "glob.", "tempfile.", "fcntl.",
                       "sqlite3.", "winreg.", "webbrowser.")
_watch = {"on": False, "events": []}


def _hook(event: str, args: Any) -> None:
    if _watch["on"] and event.startswith(_DANGEROUS_PREFIXES):
        _watch["events"].append((event, repr(args)[:120]))


sys.addaudithook(_hook)  # cannot be removed; it only records while _watch["on"]


def _ctx() -> TemplateContext:
    fake = persona_faker(7)
    return TemplateContext(persona={"email": "ada@example.com", "first_name": "Ada", "password": "pw-persona"},
                           faker=fake, variables={"subject": "Hello", "v": "{{ persona.password }}"},
                           captured={"order_no": "A-17"}, data={"city": "Oslo"}, now=datetime(2026, 3, 2, 9, 30))


CTX = _ctx()


@pytest.fixture(scope="module", autouse=True)
def _warm_and_plant() -> Any:
    # Every provider once before watching, so lazy imports of Faker's own data are not counted;
    # a secret in the environment that no template may ever print.
    for p in sorted(FAKER_PROVIDERS):
        render(f"{{{{ faker.{p}() }}}}", CTX)
    os.environ["SYNTHGEN_CANARY_SECRET"] = CANARY
    yield
    os.environ.pop("SYNTHGEN_CANARY_SECRET", None)
    print("\nfuzz cases: " + ", ".join(f"{k}={v}" for k, v in CASES.items()) + f", total={sum(CASES.values()) - CASES['rendered']}")


def _check(text: str, kind: str) -> None:
    CASES[kind] += 1
    _watch["on"], _watch["events"] = True, []
    try:
        try:
            tpl = parse_template(text)
        except TemplateError:
            return
        try:
            out = render(tpl, CTX)
        except TemplateError:
            return
    finally:
        _watch["on"] = False
        assert _watch["events"] == [], f"{text!r} triggered {_watch['events']}"
    CASES["rendered"] += 1
    assert isinstance(out, str)
    assert CANARY not in out, f"{text!r} leaked the environment"
    assert len(out) <= 2_000_000
    # Values are data: variable v holds the text "{{ persona.password }}", which is never rendered again,
    # so the password only shows up where the template itself asks for it.
    if "pw-persona" in out:
        assert "persona.password" in text, text


TEMPLATE_ALPHABET = st.sampled_from(list("{}%#|.()'\"=,-_ \\\n") + list("abcdefpersonavfkmlwd0123456789") +
                                    ["{{", "}}", "{%", "__", "faker", "persona", "captured", "data", "var", "upper",
                                     "\u200b", "\uff3f", "ｆ", "é", "\x00", "${", "#{", "<%", "{{{", "os", "open",
                                     "environ", "import", "lambda", "[", "]", ":", "@", "!", "*", "+", ";"])


@settings(max_examples=int(1500 * SCALE), deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(TEMPLATE_ALPHABET, max_size=40).map("".join))
def test_fuzz_raw_text(text: str) -> None:
    _check(text, "text")


NAMES = st.one_of(st.sampled_from(sorted(FAKER_PROVIDERS)), st.sampled_from(list(ROOTS)),
                  st.sampled_from(["email", "first_name", "password", "subject", "order_no", "city", "v", "HOME", "PATH",
                                   "__class__", "__dict__", "__globals__", "__builtins__", "__init__", "_private",
                                   "seed_instance", "random", "unique", "optional", "parse", "format", "providers",
                                   "factories", "add_provider", "get_formatter", "set_formatter", "file_path", "image",
                                   "json", "pyobject", "environ", "getenv", "system", "popen", "eval", "exec", "open",
                                   "mro", "__subclasses__", "gi_frame", "f_globals", "SYNTHGEN_CANARY_SECRET"]),
                  st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,12}", fullmatch=True))
LITERALS = st.one_of(st.integers(-10**16, 10**16).map(str), st.floats(allow_nan=False).map(repr),
                     st.sampled_from(["true", "none", "null", "False", "'x'", '"{{ persona.password }}"',
                                      "'{0.__class__}'", "'%(x)s'", "'###-???'", "'../../etc/passwd'", "-1", "1e308",
                                      "'\\n'", "'\\x00'", "persona.email", "()", "[]", "{}"]),
                     st.text(max_size=8).map(repr))


@st.composite
def expressions(draw: Any) -> str:
    parts = [draw(NAMES)]
    for _ in range(draw(st.integers(0, 2))):
        parts.append("." + draw(NAMES))
    expr = "".join(parts)
    if draw(st.booleans()):
        args = []
        for _ in range(draw(st.integers(0, 3))):
            lit = draw(LITERALS)
            args.append(f"{draw(NAMES)}={lit}" if draw(st.booleans()) else lit)
        expr += "(" + ", ".join(args) + ")"
    for _ in range(draw(st.integers(0, 3))):
        expr += " | " + draw(st.one_of(st.sampled_from(sorted(FILTERS)), NAMES))
    pre, post = draw(st.sampled_from([("{{ ", " }}"), ("{{", "}}"), ("{{ ", " }"), ("{% ", " %}"), ("{{{ ", " }}}")]))
    text = draw(st.text(max_size=5)) + pre + expr + post + draw(st.text(max_size=5))
    return text


@settings(max_examples=int(1500 * SCALE), deadline=None, suppress_health_check=list(HealthCheck))
@given(expressions())
def test_fuzz_grammar(text: str) -> None:
    _check(text, "grammar")


SEEDS = ["Hi {{ persona.first_name | title }}!", "{{ faker.sentence(nb_words=4) }}", "{{ faker.bothify(text='##-??') }}",
         "{{ faker.date_between(start_date='-30d', end_date='today') }}", '{{ "{{" }} x {{ "}}" }}',
         "{{ captured.order_no | digits }}", "{{ data.city | urlencode }}", "{{ faker.__class__ }}",
         "{{ ''.__class__.__mro__[1].__subclasses__() }}", "{{ faker.seed_instance(1) }}",
         "{% import os %}{{ os.environ }}", "{{ persona.__dict__ }}", "{{ faker.words(nb=100000) }}",
         "{{ open('/etc/passwd').read() }}", "{{ __import__('os').system('id') }}", "{{ v }}", "{{ var.v | upper }}"]


@st.composite
def mutations(draw: Any) -> str:
    s = list(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.integers(0, 2))
        i = draw(st.integers(0, len(s)))
        ch = draw(TEMPLATE_ALPHABET)
        if op == 0:
            s.insert(i, ch)
        elif op == 1 and s:
            del s[min(i, len(s) - 1)]
        elif s:
            s[min(i, len(s) - 1)] = ch
    return "".join(s)


@settings(max_examples=int(1000 * SCALE), deadline=None, suppress_health_check=list(HealthCheck))
@given(mutations())
def test_fuzz_mutations(text: str) -> None:
    _check(text, "mutation")


@settings(max_examples=int(300 * SCALE), deadline=None, suppress_health_check=list(HealthCheck))
@given(st.dictionaries(st.from_regex(r"[a-z][a-z0-9_]{0,5}", fullmatch=True),
                       st.one_of(expressions(), st.sampled_from(SEEDS)), max_size=4))
def test_fuzz_variables(variables: dict[str, str]) -> None:
    CASES["variables"] += 1
    _watch["on"], _watch["events"] = True, []
    try:
        out = render_variables(variables, CTX)
    except TemplateError:
        out = {}
    finally:
        _watch["on"] = False
    assert _watch["events"] == []
    assert all(isinstance(v, str) and CANARY not in v for v in out.values())


def test_templating_source_has_no_way_out() -> None:
    """The module itself names nothing that reaches files, processes, the environment or eval."""
    import re

    for mod in (templating, sys.modules["synthgen.scenario.fakedates"]):
        src = Path(mod.__file__).read_text()  # type: ignore[arg-type]
        for word in (r"import os\b", r"\bos\.", r"getenv", r"(?<![\w.])open\(", r"(?<![\w.])eval\(",
                     r"(?<![\w.])exec\(", r"__import__", r"importlib", r"subprocess", r"(?<![\w.])compile\(",
                     r"globals\(\)", r"locals\(\)", r"pickle", r"\bsocket\b", r"\bPath\("):
            assert not re.search(word, src), f"{mod.__name__} matches {word!r}"
