"""Session planning: seeds and ids independent of workers, persona filters honoured."""

from __future__ import annotations

import pytest

from synthgen.errors import ConfigError
from synthgen.persona.population import sample_personas
from synthgen.runner.plan import plan_sessions, session_seed
from synthgen.scenario.model import PersonaFilter, Scenario
from synthgen.scenario.steps import Goto


def _sc(name: str, **kw) -> Scenario:
    return Scenario(name=name, app="webmail", steps=[Goto(url="/")], **kw)


def test_specs_are_deterministic_and_unique() -> None:
    personas = sample_personas(10, seed=1)
    a = plan_sessions([_sc("a"), _sc("b")], 3, 9, personas, {"a": "http://x/", "b": "http://x/"})
    b = plan_sessions([_sc("a"), _sc("b")], 3, 9, personas, {"a": "http://x/", "b": "http://x/"})
    assert [(s.session_id, s.seed, s.persona.persona_id) for s in a] == \
           [(s.session_id, s.seed, s.persona.persona_id) for s in b]
    assert len({s.session_id for s in a}) == 6 and len({s.seed for s in a}) == 6


def test_session_seed_does_not_depend_on_job_size() -> None:
    personas = sample_personas(4, seed=1)
    small = plan_sessions([_sc("a")], 2, 5, personas, {"a": "u"})
    big = plan_sessions([_sc("a")], 50, 5, personas, {"a": "u"})
    assert [s.seed for s in small] == [s.seed for s in big[:2]] == [session_seed(5, "a", i) for i in range(2)]


def test_persona_filter_is_applied_or_explained() -> None:
    personas = sample_personas(30, seed=2)
    fast = plan_sessions([_sc("a", personas=PersonaFilter(min_wpm=60))], 10, 1, personas, {"a": "u"})
    assert all(s.persona.motor.keyboard.wpm >= 60 for s in fast)
    with pytest.raises(ConfigError, match="no persona in the pool passes scenario 'a'"):
        plan_sessions([_sc("a", personas=PersonaFilter(min_wpm=399))], 1, 1, personas, {"a": "u"})


def test_personas_reproducible_and_varied() -> None:
    a, b = sample_personas(20, seed=3), sample_personas(20, seed=3)
    assert [p.model_dump() for p in a] == [p.model_dump() for p in b]
    assert sample_personas(5, seed=3)[4] == a[4]  # persona i does not depend on the pool size
    wpm = [p.motor.keyboard.wpm for p in a]
    assert max(wpm) - min(wpm) > 20
    assert len({p.identity.email for p in a}) == 20
