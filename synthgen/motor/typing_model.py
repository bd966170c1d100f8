"""The fitted typing model: its parameters (``data/keyboard_fit.json``) and the pieces the planner draws from.

The parameters are aggregates fitted by ``scripts/fit_keyboard.py`` on about 70% of the participants of
the Aalto 136M-keystrokes data (Dhakal, Feit, Kristensson & Oulasvirta, CHI 2018,
https://doi.org/10.1145/3173574.3174220; non-commercial use with attribution): no raw sequence is in
the file. The model, in log ms:

* inter-key interval ``log IKI = m_person + b(previous stroke, stroke) + s_person * z``: ``b`` is a per-bigram
  effect shrunk toward its class (kinds of the two keys and same key / same finger / same hand /
  alternating hands), so a space, a Backspace or a capital carry their own timing (the pause sits after the
  space because ``b(" ", x)`` is large and ``b(x, " ")`` is not); ``z`` follows the pooled empirical
  distribution of standardised residuals, whose right tail holds the rare long pauses;
* hold ``log hold = h_person + k(key) + t_person * z_hold`` likewise (rollover follows from holds and IKIs);
* the person terms ``(m, log s, h, log t, log error rate)`` are one draw from the fitted multivariate normal
  of the fitting participants, so people differ between each other as much as the real ones do.

>>> fit = keyboard_fit()
>>> fit.bigram_effect("t", "h") < fit.bigram_effect(" ", "t")
True
>>> token_class("A"), token_class(" "), token_class(BACKSPACE)
('u', 's', 'b')
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from synthgen.motor.layout import KEYS_BY_CODE, key_for_char

__all__ = ["BACKSPACE", "CAPSLOCK", "OTHER", "FIT_PATH", "WPM_CALIBRATION", "KeyboardFit", "keyboard_fit", "token_class",
           "pair_class", "PERSON_TRAITS"]

#: Stroke tokens besides the typed characters themselves (several chars, so no typed char is mistaken for one).
BACKSPACE, CAPSLOCK, OTHER = "<BS>", "<CL>", "<?>"
FIT_PATH = Path(__file__).resolve().parent / "data" / "keyboard_fit.json"
#: Factor on the WPM before the fitted speed line is read (kept at 1: the line, fitted over people, is
#: right for the population; a lone ``KeyboardParams(wpm=X)`` with population-average errors and spread types
#: a few % slower than X when X is far from 52, since real fast typists also err less).
WPM_CALIBRATION = 1.0
#: Person-level traits of the population model, in the order of its mean vector.
PERSON_TRAITS: tuple[str, ...] = ("iki_log_mean", "iki_log_scale", "hold_log_mean", "hold_log_scale", "error_log_rate")


@lru_cache(maxsize=4096)
def token_class(tok: str) -> str:
    """Kind of a stroke: ``l`` lower letter, ``u`` upper letter, ``s`` space, ``d`` digit, ``p`` unshifted
    symbol, ``q`` shifted symbol, ``b`` Backspace, ``c`` CapsLock, ``e`` Enter/Tab, ``o`` other.

    >>> [token_class(c) for c in "a,?5\\n"]
    ['l', 'p', 'q', 'd', 'e']
    """
    if tok == BACKSPACE:
        return "b"
    if tok == CAPSLOCK:
        return "c"
    if tok == " ":
        return "s"
    if tok in ("\n", "\t", "\r"):
        return "e"
    if len(tok) != 1 or not key_for_char(tok)[1]:
        return "o"
    if tok.isalpha():
        return "u" if tok.isupper() else "l"
    if tok.isdigit():
        return "d"
    return "q" if key_for_char(tok)[2] else "p"


@lru_cache(maxsize=65536)
def pair_class(a: str, b: str) -> str:
    """Class of a stroke pair: both kinds and the fingers' relation (``k`` same key, ``f`` same finger,
    ``h`` same hand, ``a`` alternating hands, ``x`` not two character keys).

    >>> pair_class("t", "h"), pair_class("e", "d"), pair_class("l", "l"), pair_class(" ", "T")
    ('lla', 'llf', 'llk', 'sux')
    """
    ca, cb = token_class(a), token_class(b)
    rel = "x"
    if ca in "ludpq" and cb in "ludpq":
        ka, kb = KEYS_BY_CODE[key_for_char(a)[1]], KEYS_BY_CODE[key_for_char(b)[1]]
        if ka.code == kb.code:
            rel = "k"
        elif ka.hand != kb.hand:
            rel = "a"
        elif ka.finger == kb.finger:
            rel = "f"
        else:
            rel = "h"
    return ca + cb + rel


class _Quantiles:
    """An empirical distribution as a quantile table: ``draw(u)`` maps uniforms through it (linear)."""

    def __init__(self, probs: list[float], values: list[float]) -> None:
        self.p = np.asarray(probs, float)
        self.v = np.asarray(values, float)

    def __call__(self, u: np.ndarray) -> np.ndarray:
        return np.interp(u, self.p, self.v)


@dataclass(frozen=True)
class KeyboardFit:
    """The fitted typing parameters (see the module docstring); load with :func:`keyboard_fit`."""

    raw: dict

    # --- timing tables
    def bigram_effect(self, a: str, b: str) -> float:
        """Log-IKI effect of typing ``b`` after ``a`` (0 = the population's average pair).

        >>> round(keyboard_fit().bigram_effect("q", "u"), 2) == round(keyboard_fit().bigram_effect("q", "u"), 2)
        True
        """
        return _bigram_lookup(self)(a, b)

    @property
    def iki_z(self) -> _Quantiles:
        return _quantiles(self, "iki_z")

    @property
    def hold_z(self) -> _Quantiles:
        return _quantiles(self, "hold_z")

    def hold_effect(self, tok: str) -> float:
        """Log-hold effect of a key (0 = the average letter)."""
        h = self.raw["hold"]
        v = h["key"].get(tok)
        return float(v) if v is not None else float(h["class"].get(token_class(tok), 0.0))

    # --- Shift, CapsLock, clock
    def shift_lead_start(self, u: float | np.ndarray) -> np.ndarray:
        """Log of the Shift lead before a text's first (capital) key, relative to the person's level."""
        return _quantiles(self, "shift.lead_start_log_rel")(u)

    def shift_lead_frac(self, u: float | np.ndarray) -> np.ndarray:
        """Shift lead inside a text as a share of the interval into the capital (0..1)."""
        return _quantiles(self, "shift.lead_frac")(u)

    def shift_release(self, u: float | np.ndarray) -> np.ndarray:
        """Shift release minus the (last) capital's release, ms (negative: Shift up first)."""
        return _quantiles(self, "shift.release_ms")(u)

    # --- persons
    @property
    def person_mean(self) -> np.ndarray:
        return np.asarray(self.raw["person"]["mean"], float)

    @property
    def person_cov(self) -> np.ndarray:
        return np.asarray(self.raw["person"]["cov"], float)

    def iki_log_mean_for_wpm(self, wpm: float) -> float:
        """The person IKI level ``m`` whose sentences come out at ``wpm`` on average (fitted line)."""
        a, b = self.raw["person"]["wpm_to_iki_log_mean"]
        return float(a + b * np.log(wpm))

    def level_for(self, wpm: float, iki_sigma: float) -> float:
        """The person IKI level for a speed, corrected for the person's IKI spread: a wider spread lengthens
        the mean interval, so the level drops to keep ``wpm`` (the fitted line holds for the typical
        spread of people that fast).

        >>> f = keyboard_fit()
        >>> f.level_for(60.0, 0.6) < f.level_for(60.0, 0.3)
        True
        """
        m = self.iki_log_mean_for_wpm(wpm * WPM_CALIBRATION)
        mu, cov = self.person_mean, self.person_cov
        typical = math.exp(mu[1] + cov[1, 0] / cov[0, 0] * (m - mu[0]))
        return m - _log_mean_exp(self, iki_sigma) + _log_mean_exp(self, typical)

    def wpm_for_level(self, level: float, iki_sigma: float) -> float:
        """The ``wpm`` for which :meth:`level_for` gives ``level`` (bisection on log WPM).

        >>> f = keyboard_fit()
        >>> round(f.level_for(f.wpm_for_level(5.2, 0.4), 0.4), 4)
        5.2
        """
        lo, hi = math.log(1.0), math.log(400.0)
        for _ in range(50):  # level_for falls as WPM rises
            mid = 0.5 * (lo + hi)
            if self.level_for(math.exp(mid), iki_sigma) > level:
                lo = mid
            else:
                hi = mid
        return math.exp(0.5 * (lo + hi))


@lru_cache(maxsize=8)
def _quantiles(fit: KeyboardFit, name: str) -> _Quantiles:
    q = fit.raw
    for part in name.split("."):
        q = q[part]
    return _Quantiles(q["probs"], q["values"])


@lru_cache(maxsize=4096)
def _log_mean_exp(fit: KeyboardFit, scale: float) -> float:
    """``log E[exp(scale * z)]`` of the fitted IKI residual."""
    z = fit.iki_z((np.arange(4000) + 0.5) / 4000)
    return float(np.log(np.mean(np.exp(scale * z))))


@lru_cache(maxsize=8)
def _bigram_lookup(fit: KeyboardFit):
    big = fit.raw["iki"]["bigram"]
    cls = fit.raw["iki"]["class"]
    kinds = fit.raw["iki"]["kinds"]

    @lru_cache(maxsize=200_000)
    def look(a: str, b: str) -> float:
        v = big.get(a + b)
        if v is not None:
            return float(v)
        c = pair_class(a, b)
        v = cls.get(c)
        if v is not None:
            return float(v)
        # An unseen class (Enter, off-layout chars): the two kinds alone, else average.
        return float(kinds.get(c[:2], 0.0))

    return look


def _hashable(self: KeyboardFit) -> int:
    return id(self.raw)


KeyboardFit.__hash__ = _hashable  # type: ignore[method-assign]  # cached per loaded file


@lru_cache(maxsize=2)
def keyboard_fit(path: Path | None = None) -> KeyboardFit:
    """The fitted parameters shipped with the package (or those in ``path``), loaded once.

    >>> keyboard_fit().raw["source"]["participants_fit"] > 500
    True
    """
    with open(path or FIT_PATH, encoding="utf-8") as f:
        return KeyboardFit(json.load(f))
