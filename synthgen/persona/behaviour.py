"""A persona's behaviour traits: how it prefers to reach a goal, how it moves through forms, how carefully
and how fast it reads, how often it slips; drawn from a small documented population.

The session side (``synthgen/session.py``) reads these traits; this module only describes the person.

**The population** (:data:`POPULATION` and :func:`draw_behaviour`, the one home of these numbers).
Where the literature gives a figure it is used and cited; every other value is an assumption, said so.

* *Reading speed* (``reading_wpm``): Brysbaert, M. (2019). How many words do we read per minute? A review
  and meta-analysis of reading rate. *Journal of Memory and Language*, 109, 104047
  (doi:10.1016/j.jml.2019.104047): adults' silent reading of English non-fiction averages 238 wpm, and most
  adults fall in 175-300 wpm. We draw ``N(238, 32)`` (so about 95% fall in 175-301), clipped to 100-450.
  The SD is ours, read off that range; the paper's range is not stated as a given percentile.
* *How much of a page is read* (``read_fraction``): Weinreich, H., Obendorf, H., Herder, E. & Mayer, M.
  (2008). Not quite the average: An empirical study of Web use. *ACM Transactions on the Web*, 2(1),
  article 5; Nielsen's reading of its page-view times (J. Nielsen, "How little do users read?",
  Alertbox, 6 May 2008): on an average page, users have time to read at most 28% of the words, 20% is
  more likely. We draw a logit-normal share with median 0.20 (about a fifth of personas above 0.28).
* *Shortcut vs menu vs toolbar*: Lane, D. M., Napier, H. A., Peres, S. C. & Sándor, A. (2005). Hidden costs
  of graphical user interfaces: Failure to make the transition from menus and icon toolbars to keyboard
  shortcuts. *International Journal of Human-Computer Interaction*, 18(2), 133-144: 251 experienced Word
  users mostly used icon toolbars and rarely the (faster) keyboard shortcuts. Peres, S. C., Tamborello,
  F. P., Fleetwood, M. D., Chung, P. & Paige-Smith, D. L. (2004). Keyboard shortcut usage: The roles of
  social factors and computer experience. *Proceedings of the Human Factors and Ergonomics Society 48th
  Annual Meeting*: shortcut users are those with more weekly computer hours and shortcut-using
  colleagues. Tak, S., Westendorp, P. & van Rooij, I. (2013). Satisficing and the use of keyboard
  shortcuts: Being good enough is enough? *Interacting with Computers*, 25(5), 404-416: people use
  shortcuts infrequently, not only for lack of knowing them, and keep to their usual method even under
  time pressure. These give the *ordering* (toolbar and menu users the majority, habitual shortcut users a
  minority, people keep their habits) but no shares we can transfer to web apps, so the group shares in
  :data:`POPULATION` (toolbar 45%, menu 25%, shortcut 20%, context menu 10%) are **assumptions**.
  Within a group the weights over the four ways are a Dirichlet draw leaning on the group's way, which
  is then the persona's largest weight (its ``habit``), so the habit shares equal the group shares.
* *Correlations*: a latent *computer experience* score (standard normal, shifted per group: habitual
  shortcut users +0.8, after Peres et al. 2004; the other shifts are assumptions) raises ``tab_share``,
  ``habit_strength`` and a little ``reading_wpm`` (correlation 0.3) and lowers ``slip_rate``. A latent
  *care* score raises ``carefulness`` and ``read_fraction`` and lowers ``slip_rate``. Directions are
  plausible; strengths are assumptions.
* Assumptions without a source we could check: ``habit_strength`` (0.5 + 0.5 x a logit-normal share,
  median 0.88: satisficing people rarely leave their usual way, Tak et al. 2013); ``tab_share`` (median
  0.38: many people click from field to field, experienced ones tab); ``carefulness`` (median 0.40);
  ``exploration`` (median 0.27: the pointer sometimes follows the eyes while reading); ``slip_rate``
  (log-normal, median 0.02 per eligible action, capped at 0.2: a typical 20-action task then shows a
  slip in about a third of sessions, visible in data without dominating it).

>>> b = draw_behaviour(np.random.default_rng(3))
>>> b == draw_behaviour(np.random.default_rng(3)), abs(sum(b.strategy.values()) - 1) < 1e-9
(True, True)
>>> b.habit in WAYS and sorted(b.view()) == sorted(VIEW_KEYS)
True
>>> Behaviour.model_validate_json(b.model_dump_json()) == b
True
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = ["Behaviour", "Group", "POPULATION", "WAYS", "VIEW_KEYS", "READING_WPM", "draw_behaviour"]

#: The ways to reach a goal, in the order that breaks ties between equal weights.
WAYS: tuple[str, ...] = ("shortcut", "menu", "context_menu", "toolbar")

#: The keys :meth:`Behaviour.view` adds to a persona's view.
VIEW_KEYS: tuple[str, ...] = ("habit", "reading_wpm", "slip_rate", "tab_share", "carefulness", "exploration")

#: Silent reading speed, words per minute: mean, SD, clip range (Brysbaert 2019, see the module docstring).
READING_WPM: tuple[float, float, float, float] = (238.0, 32.0, 100.0, 450.0)


class Group(NamedTuple):
    """One habit group: its way, its population share, its shift of the latent experience score, and the
    Dirichlet concentration over :data:`WAYS` its strategy weights are drawn from."""

    way: str
    share: float
    experience_shift: float
    alpha: tuple[float, float, float, float]


#: The habit groups (shares are assumptions ordered after Lane et al. 2005; see the module docstring).
#: ``alpha`` is in :data:`WAYS` order; the group's own way gets 6 (about 60% of the weight on average), the
#: context menu, a way few people use for everything, a little less than the rest.
POPULATION: tuple[Group, ...] = (
    Group("toolbar", 0.45, 0.0, (1.0, 1.0, 0.6, 6.0)),
    Group("menu", 0.25, -0.3, (1.0, 6.0, 0.6, 1.0)),
    Group("shortcut", 0.20, 0.8, (6.0, 1.0, 0.6, 1.0)),
    Group("context_menu", 0.10, 0.2, (1.0, 1.0, 6.0, 1.0)),
)


def _check_population() -> None:
    """Fail at import if the table is edited into nonsense (shares off 1, an unknown way, a way twice)."""
    ways = [g.way for g in POPULATION]
    if sorted(ways) != sorted(WAYS) or abs(sum(g.share for g in POPULATION) - 1.0) > 1e-9:
        raise ValueError(f"POPULATION: groups {ways} must be each of {list(WAYS)} once, shares summing to 1")


_check_population()
_SHARES = np.array([g.share for g in POPULATION])
_SHIFTS = np.array([g.experience_shift for g in POPULATION])
# The experience score is a mixture over groups: standardise it so each coefficient below is per population SD.
_EXP_MEAN = float(_SHARES @ _SHIFTS)
_EXP_SD = math.sqrt(1.0 + float(_SHARES @ (_SHIFTS - _EXP_MEAN) ** 2))


class Behaviour(BaseModel):
    """A persona's behaviour traits (see the module docstring for the population they come from).

    >>> b = Behaviour(strategy={"shortcut": 0.1, "menu": 0.2, "context_menu": 0.1, "toolbar": 0.6},
    ...               habit_strength=0.9, tab_share=0.3, carefulness=0.4, exploration=0.2, slip_rate=0.02,
    ...               reading_wpm=238, read_fraction=0.2)
    >>> b.habit, b.view()["reading_wpm"]
    ('toolbar', 238.0)
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    strategy: dict[str, float] = Field(description="preference weights over WAYS, each >= 0, summing to 1")
    habit_strength: float = Field(ge=0.5, le=1.0, description="P(a session keeps to the habitual way)")
    tab_share: float = Field(ge=0.0, le=1.0, description="P(Tab, not a click, to the next form field)")
    carefulness: float = Field(ge=0.0, le=1.0, description="P(re-checking what was entered before submitting)")
    exploration: float = Field(ge=0.0, le=1.0, description="P(hover wandering over what is read)")
    slip_rate: float = Field(ge=0.0, le=0.2, description="P(a task-level slip) per eligible action")
    reading_wpm: float = Field(gt=0.0, le=1000.0, description="silent reading speed, words per minute")
    read_fraction: float = Field(gt=0.0, le=1.0, description="share of a new page's visible words read")

    @field_validator("strategy")
    @classmethod
    def _strategy(cls, v: dict[str, float]) -> dict[str, float]:
        if set(v) != set(WAYS):
            raise ValueError(f"strategy keys are {sorted(v)}; give exactly {', '.join(WAYS)}")
        bad = {k: w for k, w in v.items() if not (w >= 0.0 and math.isfinite(w))}
        if bad:
            raise ValueError(f"strategy weights must be finite and >= 0 (got {bad})")
        total = sum(v.values())
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"strategy weights sum to {total:g}; they must sum to 1")
        return {k: float(v[k]) for k in WAYS}  # stored in WAYS order, whatever order was given

    def __hash__(self) -> int:
        # pydantic's frozen hash cannot hash the strategy dict; a Persona (frozen, hashable) holds a Behaviour
        return hash((tuple(self.strategy.items()),) + tuple(v for k, v in self if k != "strategy"))

    @property
    def habit(self) -> str:
        """The way with the largest weight; ties go to the earlier way in :data:`WAYS`."""
        return max(WAYS, key=lambda k: (self.strategy[k], -WAYS.index(k)))

    def view(self) -> dict[str, Any]:
        """Flat values for scenario filters and ``{{ persona.* }}`` templates (keys :data:`VIEW_KEYS`)."""
        return {"habit": self.habit, "reading_wpm": self.reading_wpm, "slip_rate": self.slip_rate,
                "tab_share": self.tab_share, "carefulness": self.carefulness, "exploration": self.exploration}


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def _logit(p: float) -> float:
    return math.log(p / (1.0 - p))


def draw_behaviour(rng: np.random.Generator) -> Behaviour:
    """One persona's behaviour from :data:`POPULATION` (formulas and sources: the module docstring).

    Consumes a fixed number of draws from ``rng`` in a fixed order, so a persona's behaviour depends only
    on the generator's seed.

    >>> bs = [draw_behaviour(np.random.default_rng(s)) for s in range(400)]
    >>> 200 < float(np.median([b.reading_wpm for b in bs])) < 280
    True
    """
    g = POPULATION[int(rng.choice(len(POPULATION), p=_SHARES))]
    e = rng.standard_normal(8)  # independent noise, one per latent below, always all drawn
    experience = (g.experience_shift + e[0] - _EXP_MEAN) / _EXP_SD  # population-standardised
    care = float(e[1])

    w = rng.dirichlet(g.alpha)
    own, top = WAYS.index(g.way), int(np.argmax(w))
    w[own], w[top] = w[top], w[own]  # the group's way carries the largest weight: it is the persona's habit
    strategy = {k: float(x) for k, x in zip(WAYS, w / w.sum())}

    mean_wpm, sd_wpm, lo_wpm, hi_wpm = READING_WPM
    rho = 0.3  # experience <-> reading speed (assumption)
    z_read = rho * experience + math.sqrt(1.0 - rho * rho) * float(e[2])
    return Behaviour(
        strategy=strategy,
        habit_strength=0.5 + 0.5 * _sigmoid(1.2 + 0.4 * experience + 0.7 * float(e[3])),
        tab_share=_sigmoid(-0.5 + 0.8 * experience + 0.8 * float(e[4])),
        carefulness=_sigmoid(-0.4 + 0.9 * care),
        exploration=_sigmoid(-1.0 + 0.8 * float(e[5])),
        slip_rate=min(0.2, math.exp(math.log(0.02) - 0.3 * experience - 0.3 * care + 0.5 * float(e[6]))),
        reading_wpm=float(np.clip(mean_wpm + sd_wpm * z_read, lo_wpm, hi_wpm)),
        read_fraction=_sigmoid(_logit(0.20) + 0.3 * care + 0.45 * float(e[7])),
    )
