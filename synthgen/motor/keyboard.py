"""Human typing and key chords, planned on the synthetic clock (pure numpy), and a text-field replayer.

Typing model (calibrated on the published figures of Dhakal et al., CHI 2018):

* Per-person speed; log-normal (right-skewed) inter-key intervals scaled by the bigram: common
  English bigrams are faster, rare ones slower; alternating hands is faster than the same hand, the
  same finger on a different key is slowest; words and sentences add pauses.
* Log-normal key holds (about 115 ms); rollover (the next key goes down before the previous one is
  released) more often in fast typists and across hands, never on the same finger or key.
* Typos of four kinds (substitution by a neighbouring US key, omission, insertion, transposition)
  at per-person rates, mostly noticed after a char or two and fixed with Backspace, rarely left in.
* Shift held across capitals and shifted symbols, on the side opposite the typing hand.

>>> rng = np.random.default_rng(0)
>>> acts = plan_typing(rng, KeyboardParams(), "Hello, World!\\n", 0.0, allow_uncorrected=False)
>>> replay_text(acts)
'Hello, World!\\n'
>>> [(a.key, a.modifiers) for a in plan_keys(rng, KeyboardParams(), "Control+A", 0.0)]
[('Control', 2), ('a', 2)]
"""

from __future__ import annotations

import math

import numpy as np

from synthgen.errors import ConfigError
from synthgen.motor.layout import (
    KEYS_BY_CODE,
    LEFT,
    NAMED_KEYS,
    RIGHT,
    THUMB,
    key_for_char,
    neighbours,
    shift_code_for,
)
from synthgen.motor.params import KeyboardParams
from synthgen.motor.timing import lognormal_ms
from synthgen.motor.types import KeyAction
from synthgen.schema import MOD_ALT, MOD_CTRL, MOD_META, MOD_SHIFT

__all__ = ["plan_typing", "plan_keys", "replay_text", "key_for_char", "typing_wpm", "WPM_CALIBRATION"]

# Frequent English letter bigrams, typed as practised units (faster than the letters' geometry says).
_COMMON_BIGRAMS = frozenset(
    "th he in er an re on at en nd ti es or te of ed is it al ar st to nt ng se ha as ou io le ve co me de "
    "hi ri ro ic ne ea ra ce li ch ll be ma si om ur".split()
)
_SENTENCE_END = frozenset(".!?\n")
_MODIFIERS = {"Shift": MOD_SHIFT, "Control": MOD_CTRL, "Alt": MOD_ALT, "Meta": MOD_META, "ControlOrMeta": MOD_CTRL}
_MOD_CODES = {"Shift": "ShiftLeft", "Control": "ControlLeft", "Alt": "AltLeft", "Meta": "MetaLeft"}

#: Nominal-to-base interval factor: word/sentence pauses and corrections slow real typing down, so
#: the base interval is shortened to make the realised speed match ``KeyboardParams.wpm`` on prose.
WPM_CALIBRATION = 0.91

_TYPE, _BACKSPACE = 0, 1


def _stroke_key(ch: str) -> tuple[str, str, bool]:
    """Key for a typed char; Tab and CR are inserted as text (pressing Tab would move the focus)."""
    if ch in ("\t", "\r"):
        return (ch, "", False)
    return key_for_char(ch)


def _typo_eligible(ch: str) -> bool:
    return bool(_stroke_key(ch)[1]) and ch not in ("\n",)


def _produce(rng: np.random.Generator, p: KeyboardParams, text: str,
             allow_uncorrected: bool) -> tuple[list[str], list[int], list[int]]:
    """The keystroke stream a person produces for ``text``: chars (``""`` = Backspace), kinds and
    flags (1 = first Backspace after noticing a typo, 2 = first char typed after a correction)."""
    chars: list[str] = []
    kinds: list[int] = []
    flags: list[int] = []
    rates = np.array([p.typo_substitution, p.typo_omission, p.typo_insertion, p.typo_transposition])
    total = float(rates.sum())
    n = len(text)
    u = rng.random(n)  # one draw per char decides whether a typo happens there
    i = 0

    def emit(s: str, flag: int = 0) -> None:
        for j, c in enumerate(s):
            chars.append(c)
            kinds.append(_TYPE)
            flags.append(flag if j == 0 else 0)

    while i < n:
        ch = text[i]
        if total <= 0 or u[i] >= total or not _typo_eligible(ch):
            emit(ch)
            i += 1
            continue
        kind = int(rng.choice(4, p=rates / total))
        nb = neighbours(ch)
        if kind == 0 and nb:                                         # substitution
            wrong, used = nb[int(rng.integers(len(nb)))], 1
        elif kind == 1 or (kind == 0 and not nb):                    # omission
            wrong, used = "", 1
        elif kind == 2 and nb:                                       # insertion (adjacent key caught too)
            extra = nb[int(rng.integers(len(nb)))]
            wrong, used = (extra + ch) if rng.random() < 0.5 else (ch + extra), 1
        elif i + 1 < n and _typo_eligible(text[i + 1]) and text[i + 1] != ch:  # transposition
            wrong, used = text[i + 1] + ch, 2
        else:
            emit(ch)
            i += 1
            continue
        noticed = (not allow_uncorrected) or rng.random() < p.correct_prob
        if not noticed and not wrong and n == 1:
            emit(ch)  # an omitted only char leaves the field empty, which nobody misses
            i += 1
            continue
        if not noticed:
            emit(wrong)
            i += used
            continue
        # Typed on for a few chars (never past a line end), then noticed: delete back to the error.
        k = int(rng.poisson(p.notice_chars))
        if not wrong:
            k = max(k, 1)  # a missing char is only seen once the next one appears
        j = i + used
        lim = j
        while lim < n and lim - j < k and text[lim] != "\n":
            lim += 1
        k = lim - j
        if not wrong and k == 0:
            emit(ch)  # nothing typed after it to reveal the gap: it was never really omitted
            i += 1
            continue
        emit(wrong)
        emit(text[j:j + k])
        for b in range(len(wrong) + k):
            chars.append("")
            kinds.append(_BACKSPACE)
            flags.append(1 if b == 0 else 0)
        emit(text[i:j + k], 2)
        i = j + k
    return chars, kinds, flags


def _hand_finger(code: str) -> tuple[str, int, float, float]:
    k = KEYS_BY_CODE.get(code)
    if k is None:
        return ("?", -1, 0.0, 0.0)
    return (k.hand, k.finger, k.x, k.y)


def plan_typing(rng: np.random.Generator, p: KeyboardParams, text: str, t0_ms: float, *,
                think_first: bool = False, allow_uncorrected: bool = True) -> list[KeyAction]:
    """Key presses (sorted by ``t_down``) that type ``text`` into a focused field like a person would.

    With ``allow_uncorrected=False`` every typo is fixed, so ``replay_text`` gives back ``text``.
    ``think_first`` adds a think pause before the first key. The first press is after ``t0_ms``.

    >>> acts = plan_typing(np.random.default_rng(1), KeyboardParams(), "Hi", 1000.0)
    >>> [a.key for a in acts], acts[0].t_down > 1000.0
    (['Shift', 'H', 'i'], True)
    """
    if not text:
        return []
    chars, kinds, flags = _produce(rng, p, text, allow_uncorrected)
    m = len(chars)
    keys: list[str] = []
    codes: list[str] = []
    shifted = np.zeros(m, dtype=bool)
    factor = np.ones(m)
    extra = np.zeros(m)
    hands: list[str] = []
    fingers: list[int] = []
    for i, (c, kd) in enumerate(zip(chars, kinds)):
        if kd == _BACKSPACE:
            keys.append("Backspace"); codes.append("Backspace"); hands.append(RIGHT); fingers.append(0)
            continue
        key, code, sh = _stroke_key(c)
        keys.append(key); codes.append(code); shifted[i] = sh
        h, f, _, _ = _hand_finger(code)
        hands.append(h); fingers.append(f)

    # --- inter-key intervals (previous down -> this down)
    base_mean = 12000.0 / p.wpm * WPM_CALIBRATION
    med = base_mean * math.exp(-0.5 * p.iki_sigma ** 2)
    noise = np.exp(p.iki_sigma * rng.standard_normal(m))
    sent = lognormal_ms(rng, p.sentence_pause_ms, 0.5, 0.0, 20.0 * p.sentence_pause_ms + 1.0, size=m)
    for i in range(1, m):
        if kinds[i] == _BACKSPACE:
            continue
        a, b = chars[i - 1], chars[i]
        if kinds[i - 1] == _BACKSPACE:
            continue
        ha, hb, fa, fb = hands[i - 1], hands[i], fingers[i - 1], fingers[i]
        f = 1.0
        if codes[i] == codes[i - 1] and codes[i]:
            f = 0.95                                   # same key again: one finger taps twice
        elif THUMB in (ha, hb):
            f = 0.95
        elif ha != hb and ha in (LEFT, RIGHT) and hb in (LEFT, RIGHT):
            f = 0.84                                   # hands alternate: the next finger is already there
        elif ha == hb and fa == fb:
            f = 1.3                                    # same finger, different key: must travel
        elif ha == hb:
            f = 1.02
        bg = (a + b).lower()
        if bg in _COMMON_BIGRAMS:
            f *= 0.85
        elif a.isalpha() and b.isalpha():
            f *= 1.07
        if not codes[i]:
            f *= 2.2                                   # off-layout char: hunt for it / compose it
        elif b.isdigit() or (not b.isalpha() and b not in " \n"):
            f *= 1.22
        if shifted[i] and not shifted[i - 1]:
            f *= 1.2                                   # coordinate Shift first
        if b == " " or a == " ":
            f *= p.word_pause
        if a in _SENTENCE_END:
            extra[i] += sent[i]
        factor[i] = f
    iki = med * factor * noise
    # Corrections: a notice pause before the first Backspace, fast repeats, a re-orientation pause.
    bs = np.array(kinds) == _BACKSPACE
    fl = np.array(flags)
    if bs.any():
        iki = np.where(bs, lognormal_ms(rng, p.backspace_iki_ms, 0.25, 50.0, 2000.0, size=m), iki)
        iki = np.where(fl == 1, lognormal_ms(rng, p.correction_delay_ms, 0.45, 120.0, 6000.0, size=m), iki)
        iki = np.where((fl == 2) & ~bs, iki + lognormal_ms(rng, 0.6 * base_mean, 0.4, 30.0, 3000.0, size=m), iki)
    iki = np.maximum(iki + extra, 25.0)
    first = (lognormal_ms(rng, p.think_ms, p.think_sigma, 100.0, 60000.0) if think_first
             else lognormal_ms(rng, 1.3 * med, 0.4, 60.0, 3000.0))
    iki[0] = first
    t_down = t0_ms + np.cumsum(iki)

    # --- holds and rollover
    hold = lognormal_ms(rng, p.hold_median_ms, p.hold_sigma, 35.0, 450.0, size=m)
    roll_u = rng.random(m)
    overlap = lognormal_ms(rng, 30.0, 0.6, 3.0, 200.0, size=m)
    nxt = np.r_[iki[1:], np.inf]
    for i in range(m - 1):
        same_finger = hands[i] == hands[i + 1] and fingers[i] == fingers[i + 1] and fingers[i] >= 0
        if codes[i] == codes[i + 1] or same_finger:
            hold[i] = min(hold[i], max(nxt[i] - 12.0, 20.0))       # the finger must lift first
            continue
        # Rollover: when the next press comes soon anyway, a fluent typist presses it before lifting.
        # Only close calls are turned into overlaps, so slow typists (long intervals) rarely roll over.
        q = p.rollover * (1.0 if hands[i] != hands[i + 1] else 0.45)
        if hold[i] < nxt[i] < hold[i] + 90.0 and roll_u[i] < q:
            hold[i] = nxt[i] + overlap[i]
    t_up = t_down + hold

    # A key cannot go down again before it came up (holds of the same key never overlap).
    last_down: dict[str, float] = {}
    for i in range(m - 1, -1, -1):
        c = codes[i] or keys[i]
        if c in last_down and t_up[i] >= last_down[c] - 5.0:
            t_up[i] = max(t_down[i] + 15.0, last_down[c] - 12.0)
        last_down[c] = t_down[i]

    # --- Shift around runs of shifted chars
    out: list[KeyAction] = []
    i = 0
    lead = lognormal_ms(rng, p.shift_lead_ms, 0.35, 15.0, 400.0, size=m)
    trail = lognormal_ms(rng, 35.0, 0.5, 5.0, 250.0, size=m)
    while i < m:
        if not shifted[i]:
            i += 1
            continue
        j = i
        while j + 1 < m and shifted[j + 1] and kinds[j + 1] == _TYPE:
            j += 1
        lo = t_down[i - 1] + 5.0 if i > 0 else t0_ms + 1.0
        s_down = max(t_down[i] - lead[i], min(lo, t_down[i] - 3.0))
        s_up = float(t_up[i:j + 1].max()) + trail[j]
        if j + 1 < m:
            # Shift must be up before the next unshifted key goes down, else that key is capitalised;
            # the shifted keys are released before it (Shift spans them).
            nd = t_down[j + 1]
            if s_up > nd - 4.0:
                t_up[i:j + 1] = np.minimum(t_up[i:j + 1], np.maximum(nd - 10.0, t_down[i:j + 1] + 10.0))
                s_up = min(max(float(t_up[i:j + 1].max()) + 1.0, nd - 8.0), nd - 2.0)
        out.append(KeyAction(t_down=float(s_down), t_up=float(s_up), key="Shift",
                             code=shift_code_for(codes[i]), modifiers=MOD_SHIFT))
        i = j + 1
    for i in range(m):
        out.append(KeyAction(t_down=float(t_down[i]), t_up=float(t_up[i]), key=keys[i], code=codes[i],
                             modifiers=MOD_SHIFT if shifted[i] else 0))
    out.sort(key=lambda a: a.t_down)
    return out


def _parse_chord(chord: str) -> tuple[list[str], str]:
    if chord == "+" or not chord:
        return [], chord
    if chord.endswith("++"):
        return chord[:-2].split("+"), "+"
    parts = chord.split("+")
    return parts[:-1], parts[-1]


def plan_keys(rng: np.random.Generator, p: KeyboardParams, chord: str, t0_ms: float) -> list[KeyAction]:
    """One key or chord in Playwright notation (``"Enter"``, ``"Shift+Tab"``, ``"Control+A"``, ``"?"``).

    Modifiers go down first, in order, and come up last; the main key's ``modifiers`` reflects them.
    A shifted character (``"?"``, ``"A"``) gets its Shift pressed like a person would.

    >>> acts = plan_keys(np.random.default_rng(2), KeyboardParams(), "Control+Shift+K", 0.0)
    >>> [(a.key, a.code, a.modifiers) for a in acts]
    [('Control', 'ControlLeft', 2), ('Shift', 'ShiftLeft', 10), ('K', 'KeyK', 10)]
    >>> plan_keys(np.random.default_rng(2), KeyboardParams(), "Ctrl+Q", 0.0)
    Traceback (most recent call last):
    ...
    synthgen.errors.ConfigError: chord='Ctrl+Q': unknown modifier 'Ctrl'; use Shift, Control, Alt, Meta or ControlOrMeta
    """
    mods, main = _parse_chord(chord)
    names: list[str] = []
    for m_ in mods:
        if m_ not in _MODIFIERS:
            raise ConfigError("chord", chord, f"unknown modifier {m_!r}; use Shift, Control, Alt, Meta or ControlOrMeta")
        name = "Control" if m_ == "ControlOrMeta" else m_
        if name not in names:
            names.append(name)
    has_shift = "Shift" in names
    if main in NAMED_KEYS:
        key, code = (" " if main == "Space" else main), NAMED_KEYS[main]
    elif main in KEYS_BY_CODE and len(main) > 1:          # a DOM code such as KeyA or Digit1
        k = KEYS_BY_CODE[main]
        key, code = (k.shifted if has_shift else k.base), main
    elif len(main) == 1:
        key, code, needs = key_for_char(main)
        k = KEYS_BY_CODE.get(code)
        if needs and not has_shift and not (names and main.isalpha()):
            names.append("Shift")                          # "?" or a lone "A": a person holds Shift
            has_shift = True
        if k is not None and code not in ("Enter", "Tab", "Space"):
            if has_shift:
                key = k.shifted
            elif names and main.isalpha():
                key = k.base                               # Control+A reports "a", as browsers do
    else:
        raise ConfigError("chord", chord, f"unknown key {main!r}; use a Playwright key name such as Enter, "
                          "ArrowDown, F5, KeyA or a single character")
    hold_main = lognormal_ms(rng, p.hold_median_ms, p.hold_sigma, 40.0, 400.0)
    t = t0_ms + lognormal_ms(rng, 1.2 * 12000.0 / p.wpm, 0.4, 60.0, 3000.0)
    downs: list[tuple[str, float, int]] = []
    bits = 0
    for nm in names:
        bits |= _MODIFIERS[nm]
        downs.append((nm, t, bits))
        t += lognormal_ms(rng, 0.8 * p.shift_lead_ms, 0.35, 15.0, 300.0)
    main_down = t
    main_up = main_down + hold_main
    out = [KeyAction(main_down, main_up, key, code, bits)]
    t_rel = main_up
    for nm, td, b in reversed(downs):
        t_rel += lognormal_ms(rng, 25.0, 0.6, 3.0, 200.0)
        mcode = _MOD_CODES[nm]
        if nm == "Shift" and code in KEYS_BY_CODE and code not in ("Tab", "Enter", "Space", "Backspace"):
            mcode = shift_code_for(code)  # a character: Shift on the other hand; shortcuts: the left one
        out.append(KeyAction(td, t_rel, nm, mcode, b))
    out.sort(key=lambda a: a.t_down)
    return out


def _is_text_key(a: KeyAction) -> bool:
    return a.code == "" or len(a.key) == 1


def replay_text(actions: list[KeyAction], initial: str = "") -> str:
    """What a plain text field (a ``<textarea>``) holds after the key presses, caret starting at the end.

    Chars insert at the caret, Backspace/Delete delete, Enter inserts a newline, arrows/Home/End move
    the caret, Control+A selects all (then typing or Backspace replaces it); other shortcuts and Tab
    change nothing.

    >>> from synthgen.motor.types import KeyAction as K
    >>> replay_text([K(0, 1, "a", "KeyA"), K(2, 3, "Backspace", "Backspace"), K(4, 5, "b", "KeyB")], "x")
    'xb'
    """
    buf = list(initial)
    caret = len(buf)
    sel_all = False
    for a in sorted(actions, key=lambda a: a.t_down):
        k = a.key
        cmd = a.modifiers & (MOD_CTRL | MOD_META)
        if k in ("Shift", "Control", "Alt", "Meta", "CapsLock"):
            continue
        if cmd:
            if k.lower() == "a":
                sel_all = True
            elif k in ("Backspace", "Delete") and sel_all:
                buf, caret, sel_all = [], 0, False
            elif k == "Backspace" and caret > 0:       # delete the previous word
                j = caret
                while j > 0 and buf[j - 1].isspace():
                    j -= 1
                while j > 0 and not buf[j - 1].isspace():
                    j -= 1
                del buf[j:caret]
                caret = j
            continue
        if a.modifiers & MOD_ALT and a.code:
            continue
        if k == "Enter" or _is_text_key(a):
            ch = "\n" if k == "Enter" else k
            if sel_all:
                buf, caret, sel_all = [], 0, False
            buf[caret:caret] = list(ch)
            caret += len(ch)
        elif k == "Backspace":
            if sel_all:
                buf, caret, sel_all = [], 0, False
            elif caret > 0:
                del buf[caret - 1]
                caret -= 1
        elif k == "Delete":
            if sel_all:
                buf, caret, sel_all = [], 0, False
            elif caret < len(buf):
                del buf[caret]
        elif k in ("ArrowLeft", "ArrowRight", "Home", "End", "ArrowUp", "ArrowDown"):
            if k == "ArrowLeft":
                caret = 0 if sel_all else max(caret - 1, 0)
            elif k == "ArrowRight":
                caret = len(buf) if sel_all else min(caret + 1, len(buf))
            elif k == "Home":
                while caret > 0 and buf[caret - 1] != "\n":
                    caret -= 1
            elif k == "End":
                while caret < len(buf) and buf[caret] != "\n":
                    caret += 1
            sel_all = False
    return "".join(buf)


def typing_wpm(actions: list[KeyAction], n_chars: int) -> float:
    """Realised speed: ``n_chars / 5`` words over the time from the first to the last key press.

    >>> from synthgen.motor.types import KeyAction as K
    >>> typing_wpm([K(0, 1, "a", "KeyA"), K(12000, 12001, "b", "KeyB")], 6)
    5.0
    """
    downs = [a.t_down for a in actions]
    if len(downs) < 2 or n_chars < 2:
        return float("nan")
    return (n_chars - 1) / 5.0 / ((max(downs) - min(downs)) / 60000.0)
