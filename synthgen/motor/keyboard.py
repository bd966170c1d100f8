"""Human typing and key chords, planned on the synthetic clock (pure numpy), and a text-field replayer.

Typing model: fitted to real keystrokes (the Aalto 136M-keystrokes data, Dhakal et al., CHI 2018; see
:mod:`synthgen.motor.typing_model` and ``scripts/fit_keyboard.py``), not tuned by hand:

* Inter-key intervals from per-bigram effects (shrunk toward hand/finger classes for rare pairs) around the
  person's level, with the fitted heavy-tailed residual (rare long pauses come from its tail). Spaces,
  Backspaces, capitals and CapsLock are strokes of the bigram table, so the word pause falls after the
  space (before the next word), the notice pause before the first Backspace, and so on, as in the data.
* Holds from per-key effects around the person's level; rollover follows from holds and intervals.
* Errors of the kinds found behind the Backspace runs of the data (substitution by a neighbouring or another
  key, an extra key, an omission, a transposition), noticed after the fitted number of further chars and
  deleted back with Backspace, or (``1 - correct_prob``) left in.
* Shift pressed a fitted share of the interval before the capital (at a text's start: a fitted lead that
  scales with the person's speed) on the hand opposite the key, released a fitted time around the key's
  release (usually just before it). Optionally (``capslock=True``) capitals typed with CapsLock on and off.
* Free-text composition (``compose``) adds think pauses at word, clause and sentence starts.
* Keyboards polled at 125 Hz (``poll_ms=8``) put every press and release on an 8 ms grid.

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
from synthgen.motor.chords import chord_problem, parse_chord
from synthgen.motor.layout import KEYS_BY_CODE, NAMED_KEYS, key_for_char, neighbours, shift_code_for
from synthgen.motor.params import KeyboardParams
from synthgen.motor.timing import lognormal_ms
from synthgen.motor.types import KeyAction
from synthgen.motor.typing_model import BACKSPACE, CAPSLOCK, WPM_CALIBRATION, keyboard_fit
from synthgen.schema import MOD_ALT, MOD_CTRL, MOD_META, MOD_SHIFT

__all__ = ["plan_typing", "plan_keys", "replay_text", "key_for_char", "typing_wpm", "WPM_CALIBRATION",
           "COMPOSE_MIN_WORDS"]

_SENTENCE_END = frozenset(".!?\n")
_CLAUSE_END = frozenset(",;:")
_MODIFIERS = {"Shift": MOD_SHIFT, "Control": MOD_CTRL, "Alt": MOD_ALT, "Meta": MOD_META, "ControlOrMeta": MOD_CTRL}
_MOD_CODES = {"Shift": "ShiftLeft", "Control": "ControlLeft", "Alt": "AltLeft", "Meta": "MetaLeft"}
_LOWER = "abcdefghijklmnopqrstuvwxyz"

#: ``compose=None`` treats a text of at least this many words as composed (a message, a note), not copied.
COMPOSE_MIN_WORDS = 8

# Composition pauses (``compose``): chance of a think pause at the start of a word, by what precedes it,
# and its median as a multiple of the persona's ``think_ms``. Not fitted (the Aalto task is copying);
# from writing research: pauses over ~2 s split composed text into bursts of roughly 5-15 words
# (Chenoweth & Hayes 2001; Alves, Castro & Olive 2008), mostly at sentence and clause boundaries, less
# at word boundaries, and rarely inside words (Wengelin 2006; Medimorec & Risko 2017).
_COMPOSE = {"sentence": (0.5, 2.0), "clause": (0.25, 1.2), "word": (0.06, 0.9)}
_COMPOSE_SIGMA = 0.8
_OFF_LAYOUT = math.log(2.2)  # a char off the US layout: hunted for / composed (IME)


def _stroke_key(ch: str) -> tuple[str, str, bool]:
    """Key for a typed char; Tab and CR are inserted as text (pressing Tab would move the focus)."""
    if ch in ("\t", "\r"):
        return (ch, "", False)
    return key_for_char(ch)


def _typo_eligible(ch: str) -> bool:
    return bool(_stroke_key(ch)[1]) and ch not in ("\n",)


def _wrong_key(rng: np.random.Generator, ch: str, near_share: float) -> str:
    """The key hit instead of ``ch``: a neighbour (``near_share`` of the time) or another letter."""
    nb = neighbours(ch)
    if nb and rng.random() < near_share:
        return nb[int(rng.integers(len(nb)))]
    c = _LOWER[int(rng.integers(26))]
    if c == ch.lower():
        c = _LOWER[(_LOWER.index(c) + 1) % 26]
    return c.upper() if ch.isupper() else c


def _produce(rng: np.random.Generator, p: KeyboardParams, text: str,
             allow_uncorrected: bool) -> tuple[list[str], list[int]]:
    """The strokes a person produces for ``text``: chars and ``BACKSPACE``, and flags (2 = a retyped char)."""
    toks: list[str] = []
    flags: list[int] = []
    fit = keyboard_fit().raw["errors"]
    rates = np.array([p.typo_substitution, p.typo_omission, p.typo_insertion, p.typo_transposition])
    total = float(rates.sum())
    n = len(text)
    u = rng.random(n)  # one draw per char decides whether a typo happens there
    if total <= 0 or not (u < total).any():
        return list(text), [0] * n
    kinds = fit["kinds"]
    near = kinds.get("sub", 0.0) / max(kinds.get("sub", 0.0) + kinds.get("sub_far", 0.0) + kinds.get("other", 0.0), 1e-9)
    notice = np.cumsum(fit["notice_pmf"])
    notice /= notice[-1]
    i = 0

    def emit(s: str | list[str], flag: int = 0) -> None:
        toks.extend(s)
        flags.extend([flag] * len(s))

    while i < n:
        ch = text[i]
        if u[i] >= total or not _typo_eligible(ch):
            emit(ch)
            i += 1
            continue
        kind = int(rng.choice(4, p=rates / total))
        if kind == 0:                                                 # substitution
            wrong, used = _wrong_key(rng, ch, near), 1
        elif kind == 1:                                               # omission
            wrong, used = "", 1
        elif kind == 2:                                               # an extra key before the right one
            wrong, used = _wrong_key(rng, ch, 1.0) + ch, 1
        elif i + 1 < n and _typo_eligible(text[i + 1]) and text[i + 1] != ch:  # transposition
            wrong, used = text[i + 1] + ch, 2
        else:
            emit(ch)
            i += 1
            continue
        # A wrong only char is in plain sight (and an omitted one leaves the field empty): always noticed.
        noticed = (not allow_uncorrected) or n == 1 or rng.random() < p.correct_prob
        if not noticed:
            emit(wrong)
            i += used
            continue
        # Typed on for a few chars (never past a line end), then noticed: delete back to the error.
        k = int(np.searchsorted(notice, rng.random(), side="right"))
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
        emit([BACKSPACE] * (len(wrong) + k))
        emit(text[i:j + k], 2)
        i = j + k
    return toks, flags


def _compose_pauses(rng: np.random.Generator, p: KeyboardParams, toks: list[str]) -> np.ndarray:
    """Think pauses (ms) before the first char of words, by the boundary before them."""
    m = len(toks)
    extra = np.zeros(m)
    u = rng.random(m)
    z = rng.standard_normal(m)
    for i in range(2, m):
        if toks[i - 1] not in (" ", "\n") or toks[i] in (" ", "\n", BACKSPACE):
            continue
        j = i - 1
        while j > 0 and toks[j] in (" ", "\n"):
            j -= 1
        before = toks[j]
        kind = "sentence" if before in _SENTENCE_END or toks[i - 1] == "\n" else \
            "clause" if before in _CLAUSE_END else "word"
        prob, scale = _COMPOSE[kind]
        if u[i] < prob:
            extra[i] = p.think_ms * scale * math.exp(_COMPOSE_SIGMA * z[i])
    return extra


def _capslock_runs(rng: np.random.Generator, share: float, toks: list[str], flags: list[int]) -> tuple[list[str], list[int], list[bool]]:
    """Runs of capital letters typed with CapsLock on and off (``share`` of the runs); marks them unshifted."""
    out, fl, caps = [], [], []
    i, m = 0, len(toks)
    while i < m:
        t = toks[i]
        if "A" <= t <= "Z" and len(t) == 1 and rng.random() < share:
            j = i
            while j < m and len(toks[j]) == 1 and "A" <= toks[j] <= "Z":
                j += 1
            out.append(CAPSLOCK); fl.append(0); caps.append(False)
            out.extend(toks[i:j]); fl.extend(flags[i:j]); caps.extend([True] * (j - i))
            out.append(CAPSLOCK); fl.append(0); caps.append(False)
            i = j
            continue
        out.append(t); fl.append(flags[i]); caps.append(False)
        i += 1
    return out, fl, caps


def _grid(t: np.ndarray, step: float) -> np.ndarray:
    """Times moved up to the next tick of a keyboard polled every ``step`` ms."""
    return np.ceil(t / step - 1e-9) * step


def plan_typing(rng: np.random.Generator, p: KeyboardParams, text: str, t0_ms: float, *,
                think_first: bool = False, allow_uncorrected: bool = True, compose: bool | None = None,
                capslock: bool = False) -> list[KeyAction]:
    """Key presses (sorted by ``t_down``) that type ``text`` into a focused field like a person would.

    With ``allow_uncorrected=False`` every typo is fixed, so ``replay_text`` gives back ``text``.
    ``think_first`` adds a think pause before the first key. The first press is after ``t0_ms``.
    ``compose``: the text is being composed, not copied (think pauses inside it); ``None`` decides by
    length (:data:`COMPOSE_MIN_WORDS`). ``capslock`` lets the persona type some capitals with CapsLock
    (``p.capslock_share``); off by default because Playwright's keyboard ignores the CapsLock state
    (microsoft/playwright#16214), so in a browser those capitals would arrive in lower case.

    >>> acts = plan_typing(np.random.default_rng(1), KeyboardParams(), "Hi", 1000.0)
    >>> [a.key for a in acts], acts[0].t_down > 1000.0
    (['Shift', 'H', 'i'], True)
    """
    if not text:
        return []
    fit = keyboard_fit()
    toks, flags = _produce(rng, p, text, allow_uncorrected)
    if capslock and p.capslock_share > 0:
        toks, flags, caps = _capslock_runs(rng, p.capslock_share, toks, flags)
    else:
        caps = [False] * len(toks)
    m = len(toks)
    keys: list[str] = []
    codes: list[str] = []
    shifted = np.zeros(m, dtype=bool)
    for i, c in enumerate(toks):
        if c == BACKSPACE:
            keys.append("Backspace"); codes.append("Backspace")
        elif c == CAPSLOCK:
            keys.append("CapsLock"); codes.append("CapsLock")
        else:
            key, code, sh = _stroke_key(c)
            keys.append(key); codes.append(code)
            shifted[i] = sh and not caps[i]

    # --- inter-key intervals (previous down -> this down): person level + bigram effect + residual
    level = fit.level_for(p.wpm, p.iki_sigma)
    look = fit.bigram_effect
    eff = np.array([0.0] + [look(a, b) for a, b in zip(toks, toks[1:])])
    off = np.array([not code for code in codes], dtype=bool)
    if off.any():
        eff[off] += _OFF_LAYOUT
    # One offset per text (people drift between sentences), then each stroke's residual around it.
    drift = rng.standard_normal(2) * (fit.raw["iki"]["session_sd"], fit.raw["hold"]["session_sd"])
    iki = np.exp(level + drift[0] + eff + p.iki_sigma * fit.iki_z(rng.random(m)))
    if m > 2:
        # Sentence starts inside a text: a pause before the next sentence's first word.
        starts = [i for i in range(2, m) if toks[i - 1] in (" ", "\n") and toks[i] not in (" ", BACKSPACE)
                  and (toks[i - 2] in _SENTENCE_END or toks[i - 1] == "\n")]
        if starts:
            iki[starts] += lognormal_ms(rng, p.sentence_pause_ms, 0.5, 0.0, 20.0 * p.sentence_pause_ms + 1.0,
                                        size=len(starts))
    if compose if compose is not None else len(text.split()) >= COMPOSE_MIN_WORDS:
        iki += _compose_pauses(rng, p, toks)
    iki = np.maximum(iki, 1.0)
    first = (lognormal_ms(rng, p.think_ms, p.think_sigma, 100.0, 60000.0) if think_first
             else lognormal_ms(rng, 1.3 * math.exp(level), 0.4, 60.0, 3000.0))
    sh_first = bool(shifted[0])
    lead0 = 0.0
    if sh_first:  # Shift goes down first, the capital a fitted lead later (scaled by the person's speed)
        lead0 = max(math.exp(level + float(fit.shift_lead_start(rng.random()))), 10.0)
    iki[0] = first + lead0
    t_down = t0_ms + np.cumsum(iki)

    # --- holds: person level + key effect + residual
    heff = np.array([fit.hold_effect(t) for t in toks])
    hold = np.exp(math.log(p.hold_median_ms) + drift[1] + heff + p.hold_sigma * fit.hold_z(rng.random(m)))
    hold = np.clip(hold, 15.0, 2000.0)
    t_up = t_down + hold
    # A key cannot go down again before it came up (holds of the same key never overlap).
    last_down: dict[str, float] = {}
    for i in range(m - 1, -1, -1):
        c = codes[i] or keys[i]
        if c in last_down and t_up[i] >= last_down[c] - 5.0:
            t_up[i] = max(t_down[i] + 10.0, last_down[c] - 8.0)
            if t_up[i] >= last_down[c]:  # a repeat under 10 ms after the press: up halfway between
                t_up[i] = (t_down[i] + last_down[c]) / 2.0
        last_down[c] = t_down[i]
    step = float(p.poll_ms)
    if step > 1.0:
        ramp = step * np.arange(m)
        # On the grid, and presses at least a tick apart so their order survives.
        t_down = np.maximum.accumulate(_grid(t_down, step) - ramp) + ramp
        t_up = np.maximum(_grid(t_up, step), t_down + step)
        nxt: dict[str, float] = {}  # the grid may have moved a release onto the key's next press
        for i in range(m - 1, -1, -1):
            c = codes[i] or keys[i]
            if c in nxt and t_up[i] >= nxt[c]:
                t_up[i] = max(t_down[i] + 1.0, nxt[c] - 1.0)
            nxt[c] = t_down[i]

    # --- Shift around runs of shifted chars
    out: list[KeyAction] = []
    i = 0
    u_lead = rng.random(m)
    u_rel = rng.random(m)
    while i < m:
        if not shifted[i]:
            i += 1
            continue
        j = i
        while j + 1 < m and shifted[j + 1] and toks[j + 1] != BACKSPACE:
            j += 1
        if i == 0:
            s_down = t_down[0] - lead0
            if step > 1.0:
                s_down = max(math.floor(s_down / step) * step, t0_ms + 0.5)
        else:
            prev = t_down[i - 1]
            s_down = t_down[i] - float(fit.shift_lead_frac(u_lead[i])) * (t_down[i] - prev)
            if step > 1.0:
                s_down = math.floor(s_down / step) * step
            if not prev < s_down < t_down[i]:
                s_down = (prev + t_down[i]) / 2.0  # no tick between the two presses: between them anyway
        s_up = float(t_up[j]) + float(fit.shift_release(u_rel[j]))
        if step > 1.0:
            s_up = math.ceil(s_up / step) * step
        lo = float(t_down[j]) + 1.0
        if j + 1 < m:
            # Shift must be up before the next unshifted key goes down, else that key is capitalised.
            hi = float(t_down[j + 1]) - 1.0
            s_up = min(max(s_up, lo), hi) if hi > lo else (float(t_down[j]) + float(t_down[j + 1])) / 2.0
        else:
            s_up = max(s_up, lo)
        out.append(KeyAction(t_down=float(s_down), t_up=float(s_up), key="Shift",
                             code=shift_code_for(codes[i]), modifiers=MOD_SHIFT))
        i = j + 1
    for i in range(m):
        out.append(KeyAction(t_down=float(t_down[i]), t_up=float(t_up[i]), key=keys[i], code=codes[i],
                             modifiers=MOD_SHIFT if shifted[i] else 0))
    out.sort(key=lambda a: a.t_down)
    return out


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
    synthgen.errors.ConfigError: chord='Ctrl+Q': unknown modifier 'Ctrl' in 'Ctrl+Q'; did you mean 'Control+Q'?
    """
    bad = chord_problem(chord)  # the names the scenario validator and lint accept (synthgen.motor.chords)
    if bad is not None:
        raise ConfigError("chord", chord, "; ".join(bad))
    mods, main = parse_chord(chord)
    names: list[str] = []
    for m_ in mods:
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
    else:  # chord_problem() refused it above; kept so the branches stay exhaustive
        raise ConfigError("chord", chord, f"unknown key {main!r}")
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
