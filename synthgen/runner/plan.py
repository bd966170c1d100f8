"""Turn a job (scenarios × sessions, one seed, a persona pool) into session specs. Pure, no browser.

Each session's seed depends only on (job seed, scenario name, session index), so the dataset does not
depend on the number or order of workers. A session's viewport is its persona's browser window
(:mod:`synthgen.persona.device`) unless the scenario fixes one: the spec carries the scenario with the
viewport the session uses (:func:`session_scenario`), so everything downstream reads one value.

>>> session_seed(7, "login", 0) == session_seed(7, "login", 0) != session_seed(7, "login", 1)
True
"""

from __future__ import annotations

import zlib

import numpy as np

from synthgen.dataset.layout import session_id
from synthgen.errors import ConfigError
from synthgen.persona.model import Persona
from synthgen.scenario.model import Scenario, Viewport
from synthgen.session import SessionSpec

__all__ = ["session_seed", "session_id", "plan_sessions", "session_scenario"]


def session_seed(job_seed: int, scenario_name: str, index: int) -> int:
    """The seed of one session."""
    tag = zlib.crc32(scenario_name.encode("utf-8"))
    return int(np.random.SeedSequence([job_seed, tag, index]).generate_state(1, dtype=np.uint64)[0] >> 1)


def session_scenario(sc: Scenario, persona: Persona) -> Scenario:
    """The scenario as one persona's session runs it: with the persona's browser window as its viewport,
    unless the scenario fixes ``viewport:`` itself.

    >>> from synthgen.persona.population import sample_personas
    >>> from synthgen.scenario.steps import Goto
    >>> p = sample_personas(1, seed=3)[0]
    >>> sc = session_scenario(Scenario(name="d", app="a", steps=[Goto(url="/")]), p)
    >>> (sc.viewport.width, sc.viewport.height) == (p.device.viewport_w, p.device.viewport_h)
    True
    """
    if sc.fixes_viewport:
        return sc
    return sc.model_copy(update={"viewport": Viewport(width=persona.device.viewport_w,
                                                      height=persona.device.viewport_h)})


def plan_sessions(scenarios: list[Scenario], sessions_per_scenario: int, job_seed: int,
                  personas: list[Persona], base_urls: dict[str, str]) -> list[SessionSpec]:
    """All sessions of a job, scenario by scenario; personas drawn per session among those the filter accepts."""
    if sessions_per_scenario < 1:
        raise ConfigError("sessions", sessions_per_scenario, "must be at least 1")
    specs: list[SessionSpec] = []
    for sc in scenarios:
        eligible = [p for p in personas if sc.personas.accepts(p.view())]
        if not eligible:
            raise ConfigError("personas", len(personas),
                              f"no persona in the pool passes scenario {sc.name!r}'s filter {sc.personas}; "
                              "widen the filter or raise --personas")
        seen: set[str] = set()  # personas with an earlier session of this scenario (fixed by index order)
        for i in range(sessions_per_scenario):
            seed = session_seed(job_seed, sc.name, i)
            pick = int(np.random.default_rng([seed, 1]).integers(len(eligible)))
            persona = eligible[pick]
            specs.append(SessionSpec(index=i, session_id=session_id(job_seed, sc.name, i), seed=seed,
                                     scenario=session_scenario(sc, persona),
                                     persona=persona, base_url=base_urls[sc.name],
                                     first_of_persona=persona.persona_id not in seen))
            seen.add(persona.persona_id)
    return specs
