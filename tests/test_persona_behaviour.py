"""Persona behaviour traits (synthgen.persona.behaviour): a deterministic draw whose habit shares and reading
figures follow the documented population, stored in the personas table, usable in scenario filters and
re-derived by the audit."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from pydantic import ValidationError

from synthgen.audit import AuditReport, _check_personas, _persona_from_row
from synthgen.errors import ConfigError
from synthgen.motor.params import sample_motor_profile
from synthgen.persona.behaviour import POPULATION, READING_WPM, VIEW_KEYS, WAYS, Behaviour, draw_behaviour
from synthgen.persona.device import draw_device
from synthgen.persona.identity import make_identity
from synthgen.persona.population import sample_personas
from synthgen.runner.plan import plan_sessions
from synthgen.scenario.loader import load_scenario_text
from synthgen.scenario.model import HABITS, PersonaFilter, Scenario
from synthgen.scenario.steps import Goto
from synthgen.schema import PERSONAS_SCHEMA

N = 8000


@pytest.fixture(scope="module")
def drawn() -> list[Behaviour]:
    return [draw_behaviour(np.random.default_rng([s, 0xBE4])) for s in range(N)]


def _traits(drawn: list[Behaviour], name: str) -> np.ndarray:
    return np.array([getattr(b, name) for b in drawn])


def _ok(**kw: object) -> dict[str, object]:
    base: dict[str, object] = dict(strategy={"shortcut": 0.1, "menu": 0.2, "context_menu": 0.1, "toolbar": 0.6},
                                   habit_strength=0.9, tab_share=0.3, carefulness=0.4, exploration=0.2,
                                   slip_rate=0.02, reading_wpm=238.0, read_fraction=0.2)
    base.update(kw)
    return base


# -- the population ---------------------------------------------------------------------------------------------

def test_habit_shares_follow_the_population_table(drawn: list[Behaviour]) -> None:
    counts = Counter(b.habit for b in drawn)
    for g in POPULATION:
        assert abs(counts[g.way] / N - g.share) < 0.02, (g.way, counts[g.way] / N, g.share)
    # the habit is the largest weight, and it carries a clear majority on average (a habit, not a coin flip)
    assert all(b.strategy[b.habit] == max(b.strategy.values()) for b in drawn)
    assert 0.55 < float(np.mean([b.strategy[b.habit] for b in drawn])) < 0.85


def test_reading_speed_is_brysbaerts(drawn: list[Behaviour]) -> None:
    wpm = _traits(drawn, "reading_wpm")
    mean, sd, lo, hi = READING_WPM
    assert abs(wpm.mean() - 238.0) < 3 and abs(wpm.std() - sd) < 3  # Brysbaert 2019: 238 wpm, most 175-300
    p025, p975 = np.percentile(wpm, [2.5, 97.5])
    assert 165 < p025 < 185 and 290 < p975 < 312
    assert wpm.min() >= lo and wpm.max() <= hi


def test_read_fraction_is_about_a_fifth(drawn: list[Behaviour]) -> None:
    rf = _traits(drawn, "read_fraction")
    assert abs(float(np.median(rf)) - 0.20) < 0.01  # Nielsen 2008 on Weinreich et al.: ~20% likely
    assert 0.1 < float((rf > 0.28).mean()) < 0.3  # "at most 28%" on average: a minority reads more
    assert rf.min() > 0 and rf.max() <= 1


def test_traits_stay_in_their_ranges(drawn: list[Behaviour]) -> None:
    hs, slip = _traits(drawn, "habit_strength"), _traits(drawn, "slip_rate")
    assert hs.min() >= 0.5 and hs.max() <= 1 and 0.8 < float(np.median(hs)) < 0.95
    assert slip.min() >= 0 and slip.max() <= 0.2 and 0.015 < float(np.median(slip)) < 0.025
    for name in ("tab_share", "carefulness", "exploration"):
        v = _traits(drawn, name)
        assert v.min() >= 0 and v.max() <= 1 and v.std() > 0.1, name  # a spread, not one value
    assert all(abs(sum(b.strategy.values()) - 1) < 1e-9 for b in drawn)


def test_documented_correlations_hold(drawn: list[Behaviour]) -> None:
    tab, slip = _traits(drawn, "tab_share"), _traits(drawn, "slip_rate")
    shortcut = np.array([b.strategy["shortcut"] for b in drawn])
    careful, rf = _traits(drawn, "carefulness"), _traits(drawn, "read_fraction")
    habit = np.array([b.habit for b in drawn])
    # heavier shortcut users tab more (experience, Peres et al. 2004)
    assert np.corrcoef(shortcut, tab)[0, 1] > 0.1
    assert tab[habit == "shortcut"].mean() > tab[habit == "toolbar"].mean() + 0.08
    # careful people read more of a page and slip less
    assert np.corrcoef(careful, rf)[0, 1] > 0.2
    assert np.corrcoef(careful, np.log(slip))[0, 1] < -0.15


def test_the_draw_is_deterministic() -> None:
    a = draw_behaviour(np.random.default_rng(42))
    assert a == draw_behaviour(np.random.default_rng(42)) != draw_behaviour(np.random.default_rng(43))


# -- the model --------------------------------------------------------------------------------------------------

def test_habit_ties_go_to_the_earlier_way_and_the_view_is_flat() -> None:
    b = Behaviour(**_ok(strategy={"toolbar": 0.3, "menu": 0.3, "shortcut": 0.3, "context_menu": 0.1}))
    assert b.habit == "shortcut" and list(b.strategy) == list(WAYS)
    b = Behaviour(**_ok(strategy={"shortcut": 0.2, "menu": 0.3, "context_menu": 0.3, "toolbar": 0.2}))
    assert b.habit == "menu"
    assert set(b.view()) == set(VIEW_KEYS) and b.view()["habit"] == "menu" and b.view()["slip_rate"] == 0.02


@pytest.mark.parametrize("strategy,msg", [
    ({"shortcut": 0.5, "menu": 0.5}, "give exactly shortcut, menu, context_menu, toolbar"),
    ({"shortcut": 0.5, "menu": 0.5, "context_menu": 0.0, "ribbon": 0.0}, "give exactly"),
    ({"shortcut": 1.2, "menu": -0.2, "context_menu": 0.0, "toolbar": 0.0}, "finite and >= 0 (got {'menu': -0.2})"),
    ({"shortcut": 0.5, "menu": 0.5, "context_menu": 0.5, "toolbar": 0.0}, "sum to 1.5; they must sum to 1"),
])
def test_bad_strategies_are_refused_with_the_culprit(strategy: dict[str, float], msg: str) -> None:
    with pytest.raises(ValidationError, match=msg.replace("(", r"\(").replace(")", r"\)")):
        Behaviour(**_ok(strategy=strategy))


@pytest.mark.parametrize("field,value", [("habit_strength", 0.4), ("slip_rate", 0.25), ("tab_share", 1.1),
                                         ("read_fraction", 0.0), ("reading_wpm", -5.0)])
def test_out_of_range_traits_are_refused(field: str, value: float) -> None:
    with pytest.raises(ValidationError, match=field):
        Behaviour(**_ok(**{field: value}))


def test_extra_fields_are_refused_and_the_model_is_frozen() -> None:
    with pytest.raises(ValidationError, match="group"):
        Behaviour(**_ok(group="toolbar"))
    b = Behaviour(**_ok())
    with pytest.raises(ValidationError):
        b.tab_share = 0.9  # type: ignore[misc]


# -- personas carry it ------------------------------------------------------------------------------------------

def test_adding_behaviour_left_every_other_draw_as_it_was() -> None:
    for p in sample_personas(25, seed=11, locales=("en_US", "de_DE")):
        rng = np.random.default_rng(p.seed)
        locale = ("en_US", "de_DE")[int(rng.integers(2))]
        # the persona's own stream is consumed exactly as before: locale, then the motor profile
        assert p.motor == sample_motor_profile(rng)
        assert p.identity == make_identity(p.seed, locale) and p.device == draw_device(p.seed)
        assert p.behaviour == draw_behaviour(np.random.default_rng([p.seed, 0xBE4]))


def test_behaviour_does_not_depend_on_the_pool_size() -> None:
    big = sample_personas(30, seed=4)
    assert sample_personas(3, seed=4)[2].behaviour == big[2].behaviour
    assert len({p.behaviour.habit for p in big}) >= 2 and len({p.behaviour for p in big}) == 30
    assert hash(big[0]) == hash(sample_personas(1, seed=4)[0])  # a persona stays hashable


def test_view_and_row_carry_behaviour() -> None:
    p = sample_personas(1, seed=9)[0]
    view, row = p.view(), p.to_row()
    assert {k: view[k] for k in VIEW_KEYS} == p.behaviour.view()
    assert set(row) == set(PERSONAS_SCHEMA.names)
    assert Behaviour.model_validate_json(row["behaviour_json"]) == p.behaviour
    assert row["behaviour_json"] == json.dumps(json.loads(row["behaviour_json"]), sort_keys=True)
    assert row["habit"] == p.behaviour.habit and row["reading_wpm"] == p.behaviour.reading_wpm
    table = pa.Table.from_pylist([row], schema=PERSONAS_SCHEMA)  # the row fits the arrow schema
    assert table.column("habit").to_pylist() == [p.behaviour.habit]
    assert all(isinstance(v, str) for v in p.template_values().values())


# -- the audit re-derives it ------------------------------------------------------------------------------------

def _pool_dataset(root: Path, seed: int, size: int) -> dict[str, dict[str, object]]:
    root.mkdir(parents=True, exist_ok=True)
    (root / "manifest.json").write_text(json.dumps({"seed": seed, "config": {"seed": seed, "personas": size}}))
    rows = pa.Table.from_pylist([p.to_row() for p in sample_personas(size, seed=seed)],
                                schema=PERSONAS_SCHEMA).to_pylist()
    return {str(r["persona_id"]): r for r in rows}


def test_audit_rederives_behaviour_and_names_a_changed_column(tmp_path: Path) -> None:
    personas = _pool_dataset(tmp_path, seed=6, size=4)
    report = AuditReport(root=tmp_path)
    _check_personas(tmp_path, personas, report)
    assert report.problems == []
    pid = sorted(personas)[1]
    other = next(w for w in WAYS if w != personas[pid]["habit"])
    forged = json.loads(str(personas[pid]["behaviour_json"]))
    forged["slip_rate"] = 0.0
    personas[pid] = dict(personas[pid], habit=other, behaviour_json=json.dumps(forged, sort_keys=True))
    report = AuditReport(root=tmp_path)
    _check_personas(tmp_path, personas, report)
    assert f"personas: {pid}: behaviour_json differs (the table was changed after generation)" in report.problems
    assert any(p.startswith(f"personas: {pid}: habit is '{other}', the job seed derives") for p in report.problems)


def test_audit_rebuilds_the_persona_from_its_row_and_explains_an_old_table() -> None:
    p = sample_personas(1, seed=8)[0]
    row = pa.Table.from_pylist([p.to_row()], schema=PERSONAS_SCHEMA).to_pylist()[0]
    assert _persona_from_row(row, typo_free=False) == p
    old = {k: v for k, v in row.items() if k not in ("behaviour_json", "habit", "reading_wpm")}
    with pytest.raises(ValueError, match="has no behaviour_json column; it was written by an older synthgen"):
        _persona_from_row(old, typo_free=False)


# -- scenario filters -------------------------------------------------------------------------------------------

def test_the_scenario_language_knows_the_same_habits() -> None:
    assert HABITS == WAYS


def test_filters_on_behaviour() -> None:
    view = {"habit": "menu", "reading_wpm": 240.0, "slip_rate": 0.03}
    assert PersonaFilter(habits=["menu", "toolbar"]).accepts(view)
    assert not PersonaFilter(habits=["shortcut"]).accepts(view)
    assert PersonaFilter(min_reading_wpm=240, max_reading_wpm=240).accepts(view)
    assert not PersonaFilter(min_reading_wpm=241).accepts(view)
    assert not PersonaFilter(max_reading_wpm=239).accepts(view)
    assert PersonaFilter(max_slip_rate=0.03).accepts(view) and not PersonaFilter(max_slip_rate=0.02).accepts(view)
    # a bound on a key the view lacks rejects: it cannot be checked
    assert not PersonaFilter(habits=["menu"]).accepts({"wpm": 50})
    assert not PersonaFilter(habits=["menu"]).is_empty and PersonaFilter().is_empty


@pytest.mark.parametrize("text,msg", [
    ("personas: {habits: [shortcut, keyboard]}",
     "<scenario>:3: personas.habits: unknown habit 'keyboard'; the habits are shortcut, menu, context_menu, toolbar"),
    ("personas: {habits: []}", "personas.habits: give at least one habit (shortcut, menu, context_menu, toolbar)"),
    ("personas: {min_reading_wpm: 300, max_reading_wpm: 200}",
     "<scenario>:3: personas: min_reading_wpm=300 is above max_reading_wpm=200"),
    ("personas: {max_slip_rate: 2}", "personas.max_slip_rate"),
])
def test_bad_behaviour_filters_name_the_culprit(text: str, msg: str) -> None:
    with pytest.raises(Exception) as exc:
        load_scenario_text(f"name: a\napp: b\n{text}\nsteps: [goto: /]\n")
    assert msg in str(exc.value)


def test_a_scenario_file_filters_by_behaviour_and_the_plan_honours_it() -> None:
    sc = load_scenario_text("name: a\napp: webmail\npersonas: {habits: [shortcut, context_menu], "
                            "min_reading_wpm: 200, max_slip_rate: 0.05}\nsteps: [goto: /]\n")
    personas = sample_personas(60, seed=2)
    specs = plan_sessions([sc], 20, 1, personas, {"a": "u"})
    for s in specs:
        b = s.persona.behaviour
        assert b.habit in ("shortcut", "context_menu") and b.reading_wpm >= 200 and b.slip_rate <= 0.05
    with pytest.raises(ConfigError, match="no persona in the pool passes"):
        plan_sessions([Scenario(name="b", app="webmail", steps=[Goto(url="/")],
                                personas=PersonaFilter(min_reading_wpm=999))], 1, 1, personas, {"b": "u"})


def test_the_editor_schema_knows_the_behaviour_filters() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    from synthgen.scenario.jsonschema import scenario_json_schema

    v = jsonschema.Draft202012Validator(scenario_json_schema())
    good = {"name": "a", "app": "b", "steps": [{"goto": "/"}],
            "personas": {"habits": ["menu"], "min_reading_wpm": 180, "max_reading_wpm": 300, "max_slip_rate": 0.1}}
    assert not list(v.iter_errors(good))
    bad = dict(good, personas={"habits": ["keyboard"]})
    assert list(v.iter_errors(bad))
