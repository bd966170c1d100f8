"""Choose scenarios by their ``tags:`` (``generate --tags smoke --exclude-tags slow``).

A scenario is kept when it has at least one of ``tags`` (or ``tags`` is empty) and none of ``exclude``.
A selection that keeps nothing is an error naming the tags the scenarios do have.

>>> from synthgen.scenario.loader import load_scenario_text
>>> a = load_scenario_text("name: a\\napp: x\\ntags: [smoke, shop]\\nsteps: [goto: /]")
>>> b = load_scenario_text("name: b\\napp: x\\ntags: [slow]\\nsteps: [goto: /]")
>>> [s.name for s in select_by_tags([a, b], ["smoke"], [])], [s.name for s in select_by_tags([a, b], [], ["smoke"])]
(['a'], ['b'])
>>> select_by_tags([a, b], ["smok"], [])
Traceback (most recent call last):
...
synthgen.errors.ConfigError: tags='smok': no scenario has tag 'smok' (did you mean 'smoke'?); the scenarios' tags: shop, slow, smoke
"""

from __future__ import annotations

import difflib
from typing import Iterable, Sequence

from synthgen.errors import ConfigError
from synthgen.scenario.model import Scenario

__all__ = ["parse_tags", "select_by_tags"]


def parse_tags(values: Iterable[str] | None) -> tuple[str, ...]:
    """Tags from repeated and comma-separated options: ``["a,b", "c"]`` -> ``("a", "b", "c")``.

    >>> parse_tags(["smoke, shop", "crm"])
    ('smoke', 'shop', 'crm')
    """
    out: list[str] = []
    for v in values or ():
        out += [t.strip() for t in str(v).split(",") if t.strip() and t.strip() not in out]
    return tuple(out)


def select_by_tags(scenarios: Sequence[Scenario], tags: Sequence[str], exclude: Sequence[str]) -> list[Scenario]:
    """The scenarios with one of ``tags`` (all when empty) and none of ``exclude``."""
    have = sorted({t for s in scenarios for t in s.tags})
    for param, wanted in (("tags", tags), ("exclude_tags", exclude)):
        for t in wanted:
            if t not in have:
                close = difflib.get_close_matches(t, have, n=1, cutoff=0.6)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                if param == "tags" or close:
                    raise ConfigError(param, ",".join(wanted), f"no scenario has tag '{t}'{hint}; the scenarios' "
                                      f"tags: {', '.join(have) or 'none'}")
    keep = [s for s in scenarios if (not tags or set(s.tags) & set(tags)) and not set(s.tags) & set(exclude)]
    if not keep:
        raise ConfigError("tags", ",".join(tags) or "-", f"with --exclude-tags {','.join(exclude) or '-'} no scenario "
                          f"is left of {len(scenarios)}; the scenarios' tags: {', '.join(have) or 'none'}")
    return keep
