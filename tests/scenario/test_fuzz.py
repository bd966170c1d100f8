"""Property-based tests: whatever the input, the loader and the template engine fail only with
our own errors (never a raw exception), and valid input behaves deterministically."""

from __future__ import annotations

import io
import os
import string
from typing import Any

import numpy as np
from faker import Faker
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from synthgen.errors import ScenarioError, TemplateError
from synthgen.scenario import load_scenario_text, parse_target, plan_actions
from synthgen.scenario.loader import TOP_LEVEL_KEYS
from synthgen.scenario.steps import STEP_KINDS, Target
from synthgen.scenario.targets import ARIA_ROLES, LOCATOR_KINDS, TARGET_KEYS
from synthgen.scenario.templating import FAKER_PROVIDERS, FILTERS, ROOTS, TemplateContext, parse_template, render

# SYNTHGEN_FUZZ_EXAMPLES=5000 for a long run; the default keeps the suite fast
EXAMPLES_PER_TEST = int(os.environ.get("SYNTHGEN_FUZZ_EXAMPLES", "100"))
FUZZ = settings(max_examples=EXAMPLES_PER_TEST, deadline=None, suppress_health_check=[HealthCheck.too_slow])

FIELD_KEYS = sorted({"url", "target", "into", "text", "value", "fields", "via", "keys", "option", "by", "to",
                     "dx", "source", "to_xy", "name", "size_kb", "content", "median_ms", "sigma", "times",
                     "min", "max", "steps", "branches", "weight", "probability", "flow", "id", "timeout_ms",
                     "button", "clicks", "clear", "think_first", "attribute", "visible", "file", "mode",
                     "rows", "width", "height", "min_wpm", "scroll_style"} | set(TARGET_KEYS))
KEYS = st.sampled_from(sorted(set(TOP_LEVEL_KEYS) | set(STEP_KINDS) | set(FIELD_KEYS))) | st.text(max_size=6)
TEMPLATE_BITS = ["{{ persona.email }}", "{{ faker.name() }}", "{{ x }}", "{{", "}}", "{%", "{{ faker.__class__ }}",
                 "{{ captured.a }}", "{{ data.c }}", "{{ var.v | upper }}", "{{ faker.words(nb=3) }}"]
SCALARS = (st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=True)
           | st.text(max_size=12) | st.sampled_from(TEMPLATE_BITS + list(STEP_KINDS) + ["/", "Send", "label=To",
                                                                                       "role=button[name=Send]"]))


def nested() -> st.SearchStrategy[Any]:
    return st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                        | st.dictionaries(KEYS, inner, max_size=4), max_leaves=12)


def steps_like() -> st.SearchStrategy[Any]:
    """Lists of one-key mappings, mostly with real kinds: deep into the step converter."""
    step = st.dictionaries(st.sampled_from(STEP_KINDS) | KEYS,
                           nested() | st.dictionaries(st.sampled_from(FIELD_KEYS), nested(), max_size=4),
                           min_size=1, max_size=2)
    return st.lists(step | SCALARS, max_size=5)


def dump(data: Any) -> str:
    buf = io.StringIO()
    YAML(typ="safe").dump(data, buf)
    return buf.getvalue()


def loads_or_our_error(text: str) -> None:
    try:
        load_scenario_text(text, file="fuzz.yaml")
    except ScenarioError as e:
        # the loader wraps its own bugs as "internal error" so a batch never crashes; here they count
        assert "internal error" not in str(e), str(e)


@FUZZ
@given(st.text(alphabet=st.sampled_from(list(":-[]{}#&*!|>'\"%@`,?\n\t \\") + list("abcnpst01")), max_size=200))
def test_random_yamlish_text(text: str) -> None:
    loads_or_our_error(text)


@FUZZ
@given(st.lists(st.tuples(st.integers(0, 4), st.booleans(), KEYS, st.sampled_from(
    ["", " /", " Send", " 3", " [goto: /]", " {text: a}", " {{ x }}", " &a x", " *a", " !tag x", " |", " >-",
     " 'q", ' "q"', " [", " {", " -1.5e3", " null", " true", " 0x1F"])), max_size=12))
def test_random_yaml_lines(lines: list[tuple[int, bool, str, str]]) -> None:
    text = "".join(f"{'  ' * ind}{'- ' if dash else ''}{key}:{val}\n" for ind, dash, key, val in lines)
    loads_or_our_error(text)
    loads_or_our_error("name: t\napp: a\nsteps:\n" + "".join(
        f"  {'  ' * ind}{'- ' if dash else ''}{key}:{val}\n" for ind, dash, key, val in lines))


@FUZZ
@given(nested())
def test_random_structures(data: Any) -> None:
    loads_or_our_error(dump(data))


@FUZZ
@given(st.fixed_dictionaries({"name": st.sampled_from(["t", "Bad Name", "x"]),
                              "app": st.sampled_from(["webmail", "a b"])},
                             optional={k: nested() for k in ("viewport", "personas", "think", "variables", "data",
                                                             "flows", "allowed_origins", "tags")}),
       steps_like())
def test_random_scenarios(top: dict[str, Any], steps: list[Any]) -> None:
    loads_or_our_error(dump({**top, "steps": steps}))


TEMPLATE_ALPHABET = list("{}%#|.()=,'\"_- \n\\") + list(string.ascii_letters[:8]) + ["persona", "faker", "var",
                                                                                       "captured", "data", "name",
                                                                                       "upper", "email", "0", "1"]


@FUZZ
@given(st.lists(st.sampled_from(TEMPLATE_ALPHABET + TEMPLATE_BITS), max_size=25).map("".join) | st.text(max_size=60))
def test_random_templates(text: str) -> None:
    try:
        t = parse_template(text)
    except TemplateError:
        return
    fake = Faker()
    fake.seed_instance(0)
    ctx = TemplateContext(persona={"email": "a@b.c"}, faker=fake, variables={"x": "1"}, captured={"a": "2"},
                          data={"c": "3"})
    try:
        out = render(t, ctx)
    except TemplateError:
        return
    assert isinstance(out, str)


@st.composite
def valid_exprs(draw: st.DrawFn) -> str:
    root = draw(st.sampled_from(ROOTS + ("bare",)))
    if root == "faker":
        expr = f"faker.{draw(st.sampled_from(sorted(FAKER_PROVIDERS)))}()"
    elif root == "bare":
        expr = "v"
    else:
        expr = f"{root}.k"
    filters = draw(st.lists(st.sampled_from(sorted(FILTERS)), max_size=2))
    return "{{ " + " | ".join([expr] + filters) + " }}"


@FUZZ
@given(st.lists(valid_exprs() | st.text(alphabet="abc {}", max_size=5).filter(lambda s: "{" not in s), max_size=5),
       st.integers(0, 2**32 - 1))
def test_valid_templates_render_deterministically(parts: list[str], seed: int) -> None:
    text = "".join(parts)

    def once() -> str:
        fake = Faker()
        fake.seed_instance(seed)
        ctx = TemplateContext(persona={"k": "P"}, faker=fake, variables={"v": "V", "k": "K"},
                              captured={"k": "C"}, data={"k": "D"})
        return render(text, ctx)

    assert once() == once()


@st.composite
def targets(draw: st.DrawFn) -> Target:
    kind = draw(st.sampled_from(LOCATOR_KINDS))
    alphabet = st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="[]\"'")
    value = draw(st.text(alphabet=alphabet, min_size=1, max_size=12).map(str.strip).filter(bool))
    if kind == "role":  # a role is one of ARIA's (the model refuses others)
        value = draw(st.sampled_from(ARIA_ROLES))
    fields: dict[str, Any] = {kind: value}
    if kind == "role" and draw(st.booleans()):
        fields["name"] = draw(st.text(alphabet=alphabet, max_size=8))
    if kind != "css" and draw(st.booleans()):
        fields["nth"] = draw(st.integers(-5, 5))
    if kind != "css" and draw(st.booleans()):
        fields["exact"] = True
    return Target(**fields)


@FUZZ
@given(targets())
def test_target_describe_round_trips(t: Target) -> None:
    if t.css is not None:  # css keeps brackets verbatim, so only the value round-trips
        assert parse_target(t.describe()) == {"css": t.css}
        return
    try:
        parsed = parse_target(t.describe())
    except ValueError:
        # text that itself looks like "kind=..." is refused with a did-you-mean, never misread
        return
    got = Target(**parsed)
    assert got.model_dump(exclude={"exact"}) == t.model_dump(exclude={"exact"}) or "=" in str(t.text or t.label)


STEP_POOL = ["goto: /", "click: Send", "press: Enter", "think", "screenshot", "scroll: 300",
             "type: {into: 'label=To', text: '{{ faker.word() }}'}"]


@st.composite
def valid_step_yaml(draw: st.DrawFn, depth: int = 0) -> str:
    if depth >= 3 or draw(st.integers(0, 3)) > 0:
        leaf = draw(st.sampled_from(STEP_POOL))
        return "{" + leaf + "}" if ":" in leaf else leaf
    inner = ", ".join(draw(st.lists(valid_step_yaml(depth + 1), min_size=1, max_size=3)))
    kind = draw(st.sampled_from(["repeat", "choice", "optional"]))
    if kind == "repeat":
        lo = draw(st.integers(0, 3))
        return f"{{repeat: {{min: {lo}, max: {lo + draw(st.integers(0, 2))}, steps: [{inner}]}}}}"
    if kind == "choice":
        return f"{{choice: [{{weight: {draw(st.integers(1, 3))}, steps: [{inner}]}}, [goto: /other]]}}"
    return f"{{optional: {{probability: {draw(st.floats(0, 1)):.3f}, steps: [{inner}]}}}}"


@FUZZ
@given(st.lists(valid_step_yaml(), min_size=1, max_size=4), st.integers(0, 2**32 - 1))
def test_valid_scenarios_plan_deterministically(steps: list[str], seed: int) -> None:
    text = "name: t\napp: webmail\nsteps:\n" + "".join(f"  - {s}\n" for s in steps)
    sc = load_scenario_text(text)
    a = plan_actions(sc, np.random.default_rng(seed))
    b = plan_actions(sc, np.random.default_rng(seed))
    assert a == b
    lo, hi = sc.action_count_bounds()
    assert lo <= len(a) <= hi
    ids = [sid for sid, _ in a]
    assert len(set(ids)) == len(ids)  # step ids are unique within a session
