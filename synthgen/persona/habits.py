"""A persona's habits within one session: which way (shortcut, menu, context menu, toolbar) it reaches a goal.

A person who reaches for a shortcut once keeps doing so: the session draws its *habitual way* once (the
persona's strongest preference with probability ``habit_strength``, otherwise a draw from its preference
weights) and ranks the other ways by the persona's weights. Every ``do`` step then takes the first way of
that ranking its goal offers. So a shortcut user keeps using shortcuts through a session, and a goal
without a shortcut is reached the persona's next preferred way.

>>> import numpy as np
>>> h = SessionHabits({"shortcut": 0.7, "menu": 0.1, "context_menu": 0.0, "toolbar": 0.2}, 1.0,
...                   np.random.default_rng(0))
>>> h.ranking
('shortcut', 'toolbar', 'menu', 'context_menu')
>>> h.way(["menu", "toolbar"]), h.way(["shortcut", "toolbar"])
('toolbar', 'shortcut')
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from synthgen.scenario.steps import WAYS

__all__ = ["SessionHabits"]


class SessionHabits:
    """The ranking of ways one session keeps to, drawn once from the persona's preferences."""

    def __init__(self, strategy: Mapping[str, float], habit_strength: float, rng: np.random.Generator) -> None:
        weights = np.array([max(float(strategy.get(w, 0.0)), 0.0) for w in WAYS])
        if not weights.sum() > 0:
            raise ValueError(f"strategy={dict(strategy)}: the preference weights must have a positive sum")
        weights = weights / weights.sum()
        # Two draws, always: the session's habitual way does not shift the draws after it.
        keep, u = float(rng.random()), float(rng.random())
        top = int(np.argmax(weights))  # ties: the first in WAYS order
        habitual = top if keep < habit_strength else int(np.searchsorted(np.cumsum(weights), u, side="right"))
        habitual = min(habitual, len(WAYS) - 1)
        rest = sorted((i for i in range(len(WAYS)) if i != habitual), key=lambda i: (-weights[i], i))
        self.ranking: tuple[str, ...] = tuple(WAYS[i] for i in [habitual, *rest])

    @property
    def habitual(self) -> str:
        """The way this session reaches for first."""
        return self.ranking[0]

    def way(self, offered: Sequence[str]) -> str:
        """The way taken where a goal offers ``offered`` (the session's first ranked way among them).

        >>> SessionHabits({"menu": 0.6, "toolbar": 0.4}, 1.0, np.random.default_rng(1)).way(["toolbar", "context_menu"])
        'toolbar'
        """
        for w in self.ranking:
            if w in offered:
                return w
        raise ValueError(f"no known way among {list(offered)} (ways: {', '.join(WAYS)})")

