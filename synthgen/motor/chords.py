"""The keys a ``press`` step may name, declared once: the scenario validator, lint and the key planner
(:func:`synthgen.motor.keyboard.plan_keys`) all read this module, so a key the validator accepts is a key
the planner can press, and a key it refuses is refused with the nearest valid name.

A chord is Playwright's notation: modifiers first, ``+`` between, the main key last (``Enter``,
``Control+A``, ``Shift+Tab``, ``Control++`` for the plus key). The main key is a named key of the
layout (:data:`synthgen.motor.layout.NAMED_KEYS`), a DOM code of a character key (``KeyA``,
``Digit1``, ``Backquote``) or a single character.

>>> parse_chord("Control+Shift+K")
(['Control', 'Shift'], 'K')
>>> chord_problem("Entr")
("unknown key 'Entr' in 'Entr'", "did you mean 'Enter'?")
>>> chord_problem("Ctrl+S")
("unknown modifier 'Ctrl' in 'Ctrl+S'", "did you mean 'Control+S'?")
>>> chord_problem("Control+A") is None
True
"""

from __future__ import annotations

import difflib
from typing import Optional

from synthgen.motor.layout import KEYS_BY_CODE, NAMED_KEYS

__all__ = ["MODIFIER_KEYS", "MAIN_KEYS", "KEY_ALIASES", "parse_chord", "chord_problem", "suggest_key"]

#: modifiers a chord may hold down before its main key (``ControlOrMeta`` is Control here, on Linux)
MODIFIER_KEYS: tuple[str, ...] = ("Shift", "Control", "Alt", "Meta", "ControlOrMeta")

#: names a chord's main key may have besides a single character: the layout's named keys and the DOM
#: codes of its character keys (KeyA, Digit1, Backquote, Minus...)
MAIN_KEYS: frozenset[str] = frozenset(NAMED_KEYS) | frozenset(c for c in KEYS_BY_CODE if len(c) > 1)

#: common other spellings, lower case -> the name to write
KEY_ALIASES: dict[str, str] = {
    "ctrl": "Control", "control": "Control", "cmd": "Meta", "command": "Meta", "win": "Meta", "super": "Meta",
    "option": "Alt", "opt": "Alt", "esc": "Escape", "return": "Enter", "del": "Delete", "ins": "Insert",
    "up": "ArrowUp", "down": "ArrowDown", "left": "ArrowLeft", "right": "ArrowRight", "pgup": "PageUp",
    "pgdn": "PageDown", "pagedown": "PageDown", "pageup": "PageUp", "bksp": "Backspace",
    "backspace": "Backspace", "enter": "Enter", "tab": "Tab", "space": "Space", "spacebar": "Space",
    "escape": "Escape", "shift": "Shift", "alt": "Alt", "meta": "Meta", "delete": "Delete",
    "home": "Home", "end": "End", "insert": "Insert", "capslock": "CapsLock", "menu": "ContextMenu",
    "arrowup": "ArrowUp", "arrowdown": "ArrowDown", "arrowleft": "ArrowLeft", "arrowright": "ArrowRight",
}


def parse_chord(chord: str) -> tuple[list[str], str]:
    """``(modifiers, main key)`` of a chord, without checking the names.

    >>> parse_chord("+"), parse_chord("Shift++"), parse_chord("Enter")
    (([], '+'), (['Shift'], '+'), ([], 'Enter'))
    """
    if chord == "+" or not chord:
        return [], chord
    if chord.endswith("++"):
        return chord[:-2].split("+"), "+"
    parts = chord.split("+")
    return parts[:-1], parts[-1]


def suggest_key(name: str, *, modifier: bool = False) -> Optional[str]:
    """The valid name nearest to ``name`` (an alias, a different case, or a close spelling), or None.

    >>> suggest_key("Entr"), suggest_key("esc"), suggest_key("ctrl", modifier=True), suggest_key("NumLock")
    ('Enter', 'Escape', 'Control', None)
    """
    pool = MODIFIER_KEYS if modifier else tuple(sorted(MAIN_KEYS))
    alias = KEY_ALIASES.get(name.lower())
    if alias is not None and alias in pool:
        return alias
    by_case = [k for k in pool if k.lower() == name.lower()]
    if by_case:
        return by_case[0]
    close = difflib.get_close_matches(name, pool, n=1, cutoff=0.75)
    return close[0] if close else None


def chord_problem(chord: str) -> Optional[tuple[str, str]]:
    """``(problem, fix)`` if the planner cannot press ``chord``, else None.

    >>> chord_problem("NumLock")[0]
    "unknown key 'NumLock' in 'NumLock'"
    >>> chord_problem("A+Control")
    ("'A+Control': 'A' is not a modifier (Shift, Control, Alt, Meta, ControlOrMeta)", 'write the modifiers first, e.g. Control+Shift+K')
    """
    mods, main = parse_chord(chord)
    if not main:
        return (f"empty key in {chord!r}", "write a key name such as Enter, Tab, Control+A")
    for m in mods:
        if m in MODIFIER_KEYS:
            continue
        if m in MAIN_KEYS or len(m) == 1:
            return (f"'{chord}': '{m}' is not a modifier ({', '.join(MODIFIER_KEYS)})",
                    "write the modifiers first, e.g. Control+Shift+K")
        near = suggest_key(m, modifier=True)
        fixed = "+".join([near if x == m else x for x in mods] + [main]) if near else None
        return (f"unknown modifier '{m}' in '{chord}'",
                f"did you mean '{fixed}'?" if fixed else f"modifiers are {', '.join(MODIFIER_KEYS)}")
    if len(main) == 1 or main in MAIN_KEYS:
        return None
    near = suggest_key(main)
    fixed = "+".join(mods + [near]) if near else None
    return (f"unknown key '{main}' in '{chord}'",
            f"did you mean '{fixed}'?" if fixed else
            "use a key name such as Enter, Tab, Escape, ArrowDown, F5, a DOM code such as KeyA or Digit1, "
            "or a single character (NumLock, ScrollLock, Pause and PrintScreen are not on the keyboard "
            "synthgen plans for)")
