"""Reproducible stand-ins for Faker's date providers.

Faker's own ``date_between``, ``date_of_birth``, ``credit_card_expire`` ... measure from *today* (the
wall clock), so the same seed would give different text on different days. Synthgen's output must
depend only on (scenario, persona, seed), so templates get these versions instead: the same
arguments, but relative to a reference time the caller passes (the session's synthetic start), and
drawing from the seeded ``faker.random``.

>>> import random
>>> from datetime import datetime
>>> date_between(random.Random(1), datetime(2024, 1, 1), "-1y", "today")
'2023-02-21'
"""

from __future__ import annotations

import random as _random
import re
from datetime import date, datetime, timedelta

__all__ = ["DATE_PROVIDERS", "parse_when", "date_between", "call_date_provider"]

_REL = re.compile(r"^([+-])(\d{1,6})([ywdhms])$")
_UNIT_SECONDS = {"y": 365.25 * 86400, "w": 7 * 86400, "d": 86400, "h": 3600, "m": 60, "s": 1}


def parse_when(spec: object, now: datetime) -> datetime:
    """Turn a Faker-style date spec into a datetime relative to ``now``.

    Accepts ``"today"``, ``"now"``, ``"+30d"``, ``"-2y"``, ``"-6w"`` (units y w d h m s), an ISO date
    ``"2020-05-01"`` or datetime, or an int (seconds from ``now``).

    >>> parse_when("+2d", datetime(2024, 1, 1)).date().isoformat()
    '2024-01-03'
    """
    if isinstance(spec, bool):
        raise ValueError(f"not a date: {spec!r}")
    if isinstance(spec, (int, float)):
        return now + timedelta(seconds=float(spec))
    if isinstance(spec, str):
        s = spec.strip()
        if s in ("now", "today"):
            return now
        m = _REL.match(s)
        if m:
            sign = 1 if m.group(1) == "+" else -1
            return now + timedelta(seconds=sign * int(m.group(2)) * _UNIT_SECONDS[m.group(3)])
        try:
            return datetime.fromisoformat(s)
        except ValueError:
            pass
    raise ValueError(f"not a date: {spec!r} (use 'today', '+30d', '-2y', or '2020-05-01')")


def _between(rng: _random.Random, start: datetime, end: datetime) -> datetime:
    if end < start:
        start, end = end, start
    span = int((end - start).total_seconds())
    return start + timedelta(seconds=rng.randint(0, span) if span > 0 else 0)


def date_between(rng: _random.Random, now: datetime, start_date: object = "-30y",
                 end_date: object = "today") -> str:
    """A date between two specs, as ``YYYY-MM-DD``."""
    return _between(rng, parse_when(start_date, now), parse_when(end_date, now)).date().isoformat()


def _date(rng: _random.Random, now: datetime, pattern: str = "%Y-%m-%d",
          end_datetime: object = None) -> str:
    end = parse_when(end_datetime, now) if end_datetime is not None else now
    return _between(rng, datetime(1970, 1, 1), end).strftime(pattern)


def _date_time(rng: _random.Random, now: datetime, end_datetime: object = None) -> str:
    end = parse_when(end_datetime, now) if end_datetime is not None else now
    return _between(rng, datetime(1970, 1, 1), end).isoformat(sep=" ")


def _iso8601(rng: _random.Random, now: datetime, end_datetime: object = None, sep: str = "T",
             timespec: str = "seconds") -> str:
    end = parse_when(end_datetime, now) if end_datetime is not None else now
    return _between(rng, datetime(1970, 1, 1), end).isoformat(sep=sep[:1] or "T", timespec=timespec)


def _date_of_birth(rng: _random.Random, now: datetime, minimum_age: int = 0,
                   maximum_age: int = 115) -> str:
    if not 0 <= minimum_age <= maximum_age <= 150:
        raise ValueError("need 0 <= minimum_age <= maximum_age <= 150")
    start = now - timedelta(days=365.25 * (maximum_age + 1) - 1)
    end = now - timedelta(days=365.25 * minimum_age)
    return _between(rng, start, end).date().isoformat()


def _past_date(rng: _random.Random, now: datetime, start_date: object = "-30d") -> str:
    return _between(rng, parse_when(start_date, now), now - timedelta(days=1)).date().isoformat()


def _future_date(rng: _random.Random, now: datetime, end_date: object = "+30d") -> str:
    return _between(rng, now + timedelta(days=1), parse_when(end_date, now)).date().isoformat()


def _credit_card_expire(rng: _random.Random, now: datetime, start: object = "now",
                        end: object = "+10y", date_format: str = "%m/%y") -> str:
    return _between(rng, parse_when(start, now), parse_when(end, now)).strftime(date_format)


def _year(rng: _random.Random, now: datetime) -> str:
    return str(_between(rng, datetime(1970, 1, 1), now).year)


def _month_name(rng: _random.Random, now: datetime) -> str:
    return date(2000, rng.randint(1, 12), 1).strftime("%B")


def _day_of_week(rng: _random.Random, now: datetime) -> str:
    return date(2024, 1, rng.randint(1, 7)).strftime("%A")


#: provider name -> implementation ``f(rng, now, *args, **kwargs) -> str``
DATE_PROVIDERS = {
    "date": _date,
    "date_between": date_between,
    "date_time": _date_time,
    "iso8601": _iso8601,
    "date_of_birth": _date_of_birth,
    "past_date": _past_date,
    "future_date": _future_date,
    "credit_card_expire": _credit_card_expire,
    "year": _year,
    "month_name": _month_name,
    "day_of_week": _day_of_week,
}


def call_date_provider(name: str, rng: _random.Random, now: datetime, args: tuple, kwargs: dict) -> str:
    """Call one of :data:`DATE_PROVIDERS` (``ValueError``/``TypeError`` on bad arguments)."""
    return DATE_PROVIDERS[name](rng, now, *args, **kwargs)
