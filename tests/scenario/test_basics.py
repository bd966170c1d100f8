"""Loading, shorthands, rendering and planning: the happy paths the session runner relies on."""

from __future__ import annotations

import numpy as np
import pytest
from faker import Faker

from synthgen.scenario import (TemplateContext, data_row, iter_actions, load_scenario, load_scenarios,
                               plan_actions, render, render_variables)
from synthgen.scenario import steps as S

from .conftest import EXAMPLES, HEAD, load


def test_examples_load() -> None:
    names = [s.name for s in load_scenarios(EXAMPLES)]
    assert names == ["kanban-drag", "shop-search", "webmail-reply"]


def test_example_fields() -> None:
    s = load_scenario(EXAMPLES / "webmail_reply.yaml")
    assert s.app == "webmail" and s.base_url is None
    assert s.viewport.width == 1280 and s.think.median_ms == 900
    assert s.personas.min_wpm == 30
    assert s.source == (EXAMPLES / "webmail_reply.yaml").resolve()
    assert len(s.source_text_sha256 or "") == 64
    lines = (EXAMPLES / "webmail_reply.yaml").read_text().splitlines()
    assert lines[s.steps[0].line - 1].strip() == "- goto: /webmail/"


@pytest.mark.parametrize("step, expected", [
    ("goto: /x", S.Goto(url="/x")),
    ("click: Compose", S.Click(target=S.Target(text="Compose"))),
    ("click: 'role=button[name=Send]'", S.Click(target=S.Target(role="button", name="Send"))),
    ("click: {role: button, name: Send, button: right, clicks: 2}",
     S.Click(target=S.Target(role="button", name="Send"), button="right", clicks=2)),
    ("click: {target: 'label=To', timeout_ms: 50, id: go}",
     S.Click(target=S.Target(label="To"), timeout_ms=50, id="go")),
    ("hover: 'css=#menu > li'", S.Hover(target=S.Target(css="#menu > li"))),
    ("check: 'label=I agree'", S.Check(target=S.Target(label="I agree"))),
    ("uncheck: {testid: news}", S.Uncheck(target=S.Target(testid="news"))),
    ("type: {into: 'placeholder=Search', text: hi, clear: true}",
     S.Type(into=S.Target(placeholder="Search"), text="hi", clear=True)),
    ("press: Enter", S.Press(keys=["Enter"])),
    ("press: [Control+A, Backspace]", S.Press(keys=["Control+A", "Backspace"])),
    ("press: {keys: Tab}", S.Press(keys=["Tab"])),
    ("select: {target: 'label=Country', option: Germany}",
     S.Select(target=S.Target(label="Country"), option="Germany")),
    ("select: {label: Country, option: 2024}", S.Select(target=S.Target(label="Country"), option="2024")),
    ("scroll: 600", S.Scroll(by=600)),
    ("scroll: -300", S.Scroll(by=-300)),
    ("scroll: 'text=Footer'", S.Scroll(to=S.Target(text="Footer"))),
    ("drag: {source: 'text=Card 1', to: 'testid=col'}",
     S.Drag(source=S.Target(text="Card 1"), to=S.Target(testid="col"))),
    ("drag: {source: 'text=Card 1', to_xy: [10, 20]}", S.Drag(source=S.Target(text="Card 1"), to_xy=(10, 20))),
    ("upload: 'label=File'", S.Upload(target=S.Target(label="File"))),
    ("wait_for: Sent", S.WaitFor(text="Sent")),
    ("wait_for: {url: /sent, timeout_ms: 8000}", S.WaitFor(url="/sent", timeout_ms=8000)),
    ("assert: Welcome", S.Assert(text="Welcome")),
    ("assert: {visible: 'role=dialog'}", S.Assert(visible=S.Target(role="dialog"))),
    ("think: 1500", S.Think(dist=S.ThinkDist(median_ms=1500))),
    ("think: {median_ms: 100, sigma: 0.2}", S.Think(dist=S.ThinkDist(median_ms=100, sigma=0.2))),
    ("think", S.Think()),
    ("screenshot", S.Screenshot()),
    ("screenshot: done", S.Screenshot(name="done")),
    ("capture: {name: order, target: 'testid=no', attribute: href}",
     S.Capture(name="order", target=S.Target(testid="no"), attribute="href")),
    ("fill: {fields: {'label=A': x, 'label=B': y}, via: tab}",
     S.Fill(fields=[S.FillField(into=S.Target(label="A"), value="x"),
                    S.FillField(into=S.Target(label="B"), value="y")], via="tab")),
    ("fill: {fields: [{into: 'label=A', value: x}]}",
     S.Fill(fields=[S.FillField(into=S.Target(label="A"), value="x")])),
])
def test_shorthands(step: str, expected: S.StepBase) -> None:
    got = load(f"{HEAD}steps:\n  - {step}\n").steps[0]
    assert got.model_dump() == expected.model_dump()


def test_think_shorthand_inherits_scenario_sigma() -> None:
    s = load(f"{HEAD}think: {{median_ms: 700, sigma: 0.9}}\nsteps:\n  - think: 1500\n  - think\n")
    assert s.steps[0].dist == S.ThinkDist(median_ms=1500, sigma=0.9)
    assert s.steps[1].dist == S.ThinkDist(median_ms=700, sigma=0.9)


def test_control_shorthands() -> None:
    s = load(HEAD + """steps:
  - repeat: {min: 1, max: 4, steps: [goto: /]}
  - choice: [{weight: 2, steps: [goto: /a]}, [goto: /b]]
  - optional: {probability: 0.3, steps: [goto: /c]}
""")
    rep, cho, opt = s.steps
    assert isinstance(rep, S.Repeat) and (rep.min, rep.max) == (1, 4)
    assert isinstance(cho, S.Choice) and [b.weight for b in cho.branches] == [2, 1]
    assert isinstance(opt, S.Optional_) and opt.probability == 0.3


def test_render_example_templates() -> None:
    s = load_scenario(EXAMPLES / "webmail_reply.yaml")
    fake = Faker()
    fake.seed_instance(7)
    ctx = TemplateContext(persona={"first_name": "Ada", "email": "ada@example.com"}, faker=fake)
    ctx.variables = render_variables(s.variables, ctx)
    assert ctx.variables["subject"].startswith("Re: ")
    assert ctx.variables["signature"] == "-- Ada"
    body = next(st for st in s.steps if isinstance(st, S.Type) and st.into.label == "Body")
    text = render(body.text, ctx)
    assert text.startswith("Thanks ") and text.endswith("\n-- Ada")


def test_render_is_seeded() -> None:
    def once(seed: int) -> str:
        f = Faker()
        f.seed_instance(seed)
        return render("{{ faker.name() }} {{ faker.date_between('-1y', 'today') }} {{ faker.words(3) }}",
                      TemplateContext(faker=f))
    assert once(1) == once(1) != once(2)


def test_planner_ids_and_determinism() -> None:
    s = load_scenario(EXAMPLES / "shop_search.yaml")
    a = plan_actions(s, np.random.default_rng(5))
    b = plan_actions(s, np.random.default_rng(5))
    assert a == b
    ids = [sid for sid, _ in a]
    assert ids[:2] == ["1", "2.accept_cookies.1.1"] or ids[:2] == ["1", "3"]
    assert all(isinstance(step, S.ActionStep.__args__) for _, step in a)  # type: ignore[attr-defined]


def test_planner_id_shapes() -> None:
    s = load(HEAD + """flows:
  open_first: [goto: /a, {click: {text: x, id: pick}}]
steps:
  - goto: /
  - repeat: {times: 2, steps: [press: Tab, press: Enter]}
  - choice: [[goto: /b]]
  - optional: {probability: 1, steps: [screenshot]}
  - include: open_first
  - repeat: {times: 1, id: loop, steps: [think]}
""")
    ids = [sid for sid, _ in iter_actions(s, np.random.default_rng(0))]
    assert ids == ["1", "2.1.1", "2.1.2", "2.2.1", "2.2.2", "3.b1.1", "4.1",
                   "5.open_first.1", "5.open_first.pick", "loop.1.1"]


def test_planner_is_lazy() -> None:
    s = load(HEAD + "steps:\n  - repeat: {times: 10000, steps: [{repeat: {times: 10000, steps: [goto: /]}}]}\n")
    it = iter_actions(s, np.random.default_rng(0))
    assert next(it)[0] == "1.1.1.1.1"
    assert next(it)[0] == "1.1.1.2.1"


def test_planner_random_draws() -> None:
    s = load(HEAD + """steps:
  - repeat: {min: 0, max: 3, steps: [goto: /r]}
  - choice: [{weight: 1, steps: [goto: /a]}, {weight: 3, steps: [goto: /b]}]
  - optional: {probability: 0.5, steps: [goto: /o]}
""")
    counts = {"/a": 0, "/b": 0, "/o": 0}
    reps = set()
    for seed in range(400):
        urls = [st.url for _, st in iter_actions(s, np.random.default_rng(seed))]
        reps.add(urls.count("/r"))
        for k in counts:
            counts[k] += urls.count(k)
    assert reps == {0, 1, 2, 3}
    assert 0.15 < counts["/a"] / 400 < 0.35 and counts["/a"] + counts["/b"] == 400
    assert 0.4 < counts["/o"] / 400 < 0.6


def test_data_row() -> None:
    s = load_scenario(EXAMPLES / "shop_search.yaml")
    assert s.data is not None and s.data.columns == ("query", "size")
    rows = [data_row(s, i, np.random.default_rng(0))["query"] for i in range(4)]
    assert rows == ["red shoes", "blue jacket", "desk lamp, brass", "red shoes"]
    r = load(HEAD + "data: {rows: [{a: 1}, {a: 2}], mode: random}\nsteps: [goto: /]\n")
    assert {data_row(r, 0, np.random.default_rng(i))["a"] for i in range(30)} == {"1", "2"}
    assert data_row(load(HEAD + "steps: [goto: /]\n"), 0, np.random.default_rng(0)) == {}


def test_persona_filter() -> None:
    s = load_scenario(EXAMPLES / "webmail_reply.yaml")
    assert s.personas.accepts({"wpm": 45, "scroll_style": "wheel", "mouse_throughput_bps": 4})
    assert not s.personas.accepts({"wpm": 20, "scroll_style": "wheel"})
    assert not s.personas.accepts({"wpm": 45, "scroll_style": "trackpad"})
    assert not s.personas.accepts({"wpm": 45})  # a bound it cannot check rejects
