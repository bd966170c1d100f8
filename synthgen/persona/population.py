"""Persona pools sampled from a population, reproducible from one seed.

>>> [p.persona_id for p in sample_personas(2, seed=7)]
['p7-0000', 'p7-0001']
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from synthgen.errors import ConfigError
from synthgen.motor.params import sample_motor_profile
from synthgen.persona.behaviour import draw_behaviour
from synthgen.persona.device import draw_device
from synthgen.persona.identity import make_identity
from synthgen.persona.model import Persona

__all__ = ["sample_personas", "persona_seed"]


def persona_seed(pool_seed: int, index: int) -> int:
    """The seed of persona ``index`` of a pool: independent of the pool's size.

    >>> persona_seed(7, 0) == persona_seed(7, 0) != persona_seed(7, 1)
    True
    """
    return int(np.random.SeedSequence([pool_seed, index, 0x9E5]).generate_state(1, dtype=np.uint32)[0])


def sample_personas(n: int, seed: int, locales: Sequence[str] = ("en_US",)) -> list[Persona]:
    """Draw ``n`` personas; persona ``i`` depends only on ``(seed, i)``, never on ``n``.

    Behaviour comes from its own generator seeded ``[s, 0xBE4]`` (``s``: the persona's seed), so adding it
    left every earlier draw (locale, motor, identity, device) as it was.
    """
    if n < 1:
        raise ConfigError("personas", n, "must be at least 1")
    if not locales:
        raise ConfigError("locales", list(locales), "give at least one Faker locale, e.g. en_US")
    out = []
    for i in range(n):
        s = persona_seed(seed, i)
        rng = np.random.default_rng(s)
        locale = locales[int(rng.integers(len(locales)))]
        out.append(Persona(persona_id=f"p{seed}-{i:04d}", seed=s, identity=make_identity(s, locale),
                           motor=sample_motor_profile(rng), device=draw_device(s),
                           behaviour=draw_behaviour(np.random.default_rng([s, 0xBE4]))))
    return out
