"""Expand a scenario's control steps into the flat stream of action steps one session runs.

Step ids are hierarchical and stable for a given rng:

* top-level step 4: ``"4"``
* repeat: iteration *r* of step 4, its inner step 1: ``"4.2.1"`` (``4.<iteration>.<step>``)
* choice: step 5 chose branch 1, its inner step 2: ``"5.b1.2"``
* optional: step 6 ran, its inner step 1: ``"6.1"`` (a skipped optional yields nothing)
* include: step 6 includes flow ``open_first``, its step 1: ``"6.open_first.1"``
  (for a flow from a file, ``shared/auth.yaml#login``, the label is ``login``)
* do: step 7 reached its goal by shortcut, its step 1: ``"7.shortcut.1"``. The way comes from ``habits``
  (``.way(offered) -> str``, a :class:`synthgen.persona.habits.SessionHabits`), without one the first
  offered way; a ``do`` draws nothing from the generator. ``strategies``, if given, records each
  ``do``'s id prefix (``"7."``) and the way it took.

A step's ``id`` replaces its number at its level: a top-level repeat with ``id: inbox_loop`` gives
``"inbox_loop.2.1"``.

Randomness: repeat counts (``min``/``max``), choice branches and optional coin flips are drawn from
the given generator, in execution order, one draw per decision. Give the planner its own generator
(e.g. spawned from the session seed) so its draws do not depend on how the runner interleaves work.

>>> import numpy as np
>>> from synthgen.scenario.loader import load_scenario_text
>>> s = load_scenario_text("name: t\\napp: a\\nsteps:\\n- goto: /\\n- repeat: {times: 2, steps: [{press: Enter}]}")
>>> [sid for sid, _ in iter_actions(s, np.random.default_rng(0))]
['1', '2.1.1', '2.2.1']
"""

from __future__ import annotations

from typing import Any, Iterator, Optional, Protocol, Sequence

import numpy as np

from synthgen.scenario import steps as S
from synthgen.scenario.model import Scenario, flow_label

__all__ = ["iter_actions", "iter_steps", "plan_actions", "data_row", "persona_accepts", "draw_index"]


def draw_index(weights: list[float], rng: np.random.Generator) -> int:
    """Pick an index with probability proportional to ``weights`` (one ``rng.random()`` draw).

    >>> draw_index([0.0, 1.0], np.random.default_rng(1))
    1
    """
    total = float(sum(weights))
    if total <= 0:
        raise ValueError("weights must have a positive sum")
    u = rng.random() * total
    acc = 0.0
    last = 0
    for i, w in enumerate(weights):
        if w <= 0:
            continue
        acc += w
        last = i
        if u < acc:
            return i
    return last  # u == total after rounding: the last live branch


class WayChooser(Protocol):
    """What picks a ``do`` step's way (:class:`synthgen.persona.habits.SessionHabits`)."""

    def way(self, offered: Sequence[str]) -> str: ...


class _FirstWay:
    def way(self, offered: Sequence[str]) -> str:
        return min(offered, key=S.WAYS.index)


def _expand(scenario: Scenario, steps: list[Any], prefix: str, rng: np.random.Generator, habits: WayChooser,
            strategies: Optional[dict[str, str]]) -> Iterator[tuple[str, S.ActionStep]]:
    for i, step in enumerate(steps, 1):
        sid = f"{prefix}{step.id if step.id else i}"
        if isinstance(step, S.Repeat):
            n = step.times if step.times is not None else int(rng.integers(step.min, step.max + 1))
            for r in range(1, n + 1):
                yield from _expand(scenario, step.steps, f"{sid}.{r}.", rng, habits, strategies)
        elif isinstance(step, S.Choice):
            b = draw_index([br.weight for br in step.branches], rng)
            yield from _expand(scenario, step.branches[b].steps, f"{sid}.b{b + 1}.", rng, habits, strategies)
        elif isinstance(step, S.Optional_):
            if rng.random() < step.probability:
                yield from _expand(scenario, step.steps, f"{sid}.", rng, habits, strategies)
        elif isinstance(step, S.Include):
            flow = scenario.flows.get(step.flow)
            if flow is None:  # the loader checks includes; a hand-built Scenario may not
                raise KeyError(f"step {sid}: unknown flow '{step.flow}' (flows: {', '.join(scenario.flows)})")
            yield from _expand(scenario, flow, f"{sid}.{flow_label(step.flow)}.", rng, habits, strategies)
        elif isinstance(step, S.Do):
            way = habits.way(step.ways())
            if strategies is not None:
                strategies[f"{sid}."] = way
            yield from _expand(scenario, step.via[way], f"{sid}.{way}.", rng, habits, strategies)
        else:
            yield sid, step


def iter_actions(scenario: Scenario, rng: np.random.Generator, habits: Optional[WayChooser] = None,
                 strategies: Optional[dict[str, str]] = None) -> Iterator[tuple[str, S.ActionStep]]:
    """Lazily yield ``(step_id, action_step)`` for one session, depth first.

    Lazy on purpose: a ``repeat: {times: 10000}`` costs nothing until consumed, and the session can
    stop early on a failure.

    >>> from synthgen.scenario.loader import load_scenario_text
    >>> s = load_scenario_text("name: t\\napp: a\\nsteps:\\n- do: {goal: g, via: {toolbar: [press: x], "
    ...                        "shortcut: [press: e]}}")
    >>> took = {}
    >>> [sid for sid, _ in iter_actions(s, np.random.default_rng(0), strategies=took)], took
    (['1.shortcut.1'], {'1.': 'shortcut'})
    """
    return _expand(scenario, scenario.steps, "", rng, habits or _FirstWay(), strategies)


def iter_steps(scenario: Scenario, steps: list[Any], prefix: str, rng: np.random.Generator,
               habits: Optional[WayChooser] = None,
               strategies: Optional[dict[str, str]] = None) -> Iterator[tuple[str, S.ActionStep]]:
    """:func:`iter_actions` over another step list of the scenario (``setup``, ``login``...), ids prefixed.

    >>> from synthgen.scenario.loader import load_scenario_text
    >>> s = load_scenario_text("name: t\\napp: a\\nsetup: [goto: /reset]\\nsteps: [goto: /]")
    >>> [sid for sid, _ in iter_steps(s, s.setup, "setup.", np.random.default_rng(0))]
    ['setup.1']
    """
    return _expand(scenario, steps, prefix, rng, habits or _FirstWay(), strategies)


def plan_actions(scenario: Scenario, rng: np.random.Generator, limit: int = 100_000) -> list[tuple[str, S.ActionStep]]:
    """:func:`iter_actions` as a list, refusing more than ``limit`` actions (for tests and previews)."""
    out: list[tuple[str, S.ActionStep]] = []
    for item in iter_actions(scenario, rng):
        if len(out) >= limit:
            raise ValueError(f"scenario '{scenario.name}' expands to more than {limit} actions")
        out.append(item)
    return out


def data_row(scenario: Scenario, session_index: int, rng: np.random.Generator) -> dict[str, str]:
    """The data row for a session: ``sequential`` takes row ``session_index % n``, ``random`` draws one.

    No data feeder: ``{}`` (and no draw, so adding data to one scenario does not shift others' draws).

    >>> from synthgen.scenario.loader import load_scenario_text
    >>> s = load_scenario_text("name: t\\napp: a\\ndata: {rows: [{c: x}, {c: y}]}\\nsteps: [goto: /]")
    >>> data_row(s, 3, np.random.default_rng(0))
    {'c': 'y'}
    """
    if session_index < 0:
        raise ValueError(f"session_index={session_index}: must be at least 0")
    feeder = scenario.data
    if feeder is None:
        return {}
    n = len(feeder.rows)
    i = session_index % n if feeder.mode == "sequential" else int(rng.integers(n))
    return dict(feeder.rows[i])


def persona_accepts(scenario: Scenario, persona_view: dict[str, Any]) -> bool:
    """True if the scenario's persona filter accepts the persona (see ``PersonaFilter.accepts``)."""
    return scenario.personas.accepts(persona_view)
