"""The US QWERTY layout: which key (DOM ``key``/``code``) types a character, where it sits, and which
finger and hand press it. Geometry is in key units (1 = one key pitch) with the usual row stagger.

>>> key_for_char("A")
('A', 'KeyA', True)
>>> key_for_char("é")
('é', '', False)
>>> sorted(neighbours("g"))[:3]
['b', 'f', 'h']
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

__all__ = [
    "KeyInfo",
    "LEFT",
    "RIGHT",
    "THUMB",
    "KEYS_BY_CODE",
    "NAMED_KEYS",
    "key_for_char",
    "key_info",
    "neighbours",
    "shift_code_for",
]

LEFT, RIGHT, THUMB = "L", "R", "T"


@dataclass(frozen=True)
class KeyInfo:
    """One physical key: DOM code, unshifted and shifted characters, position, hand and finger.

    ``finger`` counts 0 (pinky) .. 3 (index) on each hand, 4 for a thumb.
    """

    code: str
    base: str
    shifted: str
    x: float
    y: float
    hand: str
    finger: int


# Each row: (x offset of the first key in key units, the unshifted chars, the shifted chars, codes).
# The offsets are the standard ANSI stagger: Tab is 1.5 wide, Caps 1.75, left Shift 2.25.
_ROWS: tuple[tuple[float, str, str, tuple[str, ...]], ...] = (
    (0.0, "`1234567890-=", "~!@#$%^&*()_+",
     ("Backquote",) + tuple(f"Digit{d}" for d in "1234567890") + ("Minus", "Equal")),
    (1.5, "qwertyuiop[]\\", "QWERTYUIOP{}|",
     tuple(f"Key{c}" for c in "QWERTYUIOP") + ("BracketLeft", "BracketRight", "Backslash")),
    (1.75, "asdfghjkl;'", "ASDFGHJKL:\"",
     tuple(f"Key{c}" for c in "ASDFGHJKL") + ("Semicolon", "Quote")),
    (2.25, "zxcvbnm,./", "ZXCVBNM<>?",
     tuple(f"Key{c}" for c in "ZXCVBNM") + ("Comma", "Period", "Slash")),
)

# Touch-typing finger per key column of each row (pinky 0 .. index 3), left hand then right hand.
_FINGERS: tuple[str, ...] = (
    "L0 L0 L1 L2 L3 L3 R3 R3 R2 R1 R0 R0 R0",   # ` 1 2 3 4 5 6 7 8 9 0 - =
    "L0 L1 L2 L3 L3 R3 R3 R2 R1 R0 R0 R0 R0",   # q w e r t y u i o p [ ] \
    "L0 L1 L2 L3 L3 R3 R3 R2 R1 R0 R0",         # a s d f g h j k l ; '
    "L0 L1 L2 L3 L3 R3 R3 R2 R1 R0",            # z x c v b n m , . /
)


def _build() -> dict[str, KeyInfo]:
    keys: dict[str, KeyInfo] = {}
    for row, ((x0, base, shifted, codes), fingers) in enumerate(zip(_ROWS, _FINGERS)):
        for i, (b, s, c, f) in enumerate(zip(base, shifted, codes, fingers.split())):
            keys[c] = KeyInfo(c, b, s, x0 + i + 0.5, float(row), f[0], int(f[1]))
    keys["Space"] = KeyInfo("Space", " ", " ", 7.0, 4.0, THUMB, 4)
    keys["Enter"] = KeyInfo("Enter", "\n", "\n", 13.6, 2.0, RIGHT, 0)
    keys["Tab"] = KeyInfo("Tab", "\t", "\t", 0.75, 1.0, LEFT, 0)
    keys["Backspace"] = KeyInfo("Backspace", "", "", 14.0, 0.0, RIGHT, 0)
    return keys


#: Every character key (plus Space, Enter, Tab, Backspace) by DOM code.
KEYS_BY_CODE: dict[str, KeyInfo] = _build()

_CHAR_TO: dict[str, tuple[str, str, bool]] = {}
for _k in KEYS_BY_CODE.values():
    if _k.code == "Backspace":
        continue
    _CHAR_TO.setdefault(_k.base, (_k.base, _k.code, False))
    if _k.shifted != _k.base:
        _CHAR_TO.setdefault(_k.shifted, (_k.shifted, _k.code, True))
_CHAR_TO["\n"] = ("Enter", "Enter", False)
_CHAR_TO["\r"] = ("Enter", "Enter", False)
_CHAR_TO["\t"] = ("Tab", "Tab", False)

#: Named (non-printing) keys a chord may use: DOM key -> DOM code. Letters/digits/symbols come from the layout.
NAMED_KEYS: dict[str, str] = {
    "Enter": "Enter", "Tab": "Tab", "Backspace": "Backspace", "Delete": "Delete", "Escape": "Escape",
    "ArrowUp": "ArrowUp", "ArrowDown": "ArrowDown", "ArrowLeft": "ArrowLeft", "ArrowRight": "ArrowRight",
    "Home": "Home", "End": "End", "PageUp": "PageUp", "PageDown": "PageDown", "Insert": "Insert",
    "CapsLock": "CapsLock", "ContextMenu": "ContextMenu", "Space": "Space",
    "Shift": "ShiftLeft", "Control": "ControlLeft", "Alt": "AltLeft", "Meta": "MetaLeft",
    **{f"F{i}": f"F{i}" for i in range(1, 13)},
}


def key_for_char(ch: str) -> tuple[str, str, bool]:
    """``(key, code, needs_shift)`` that types ``ch`` on a US layout; ``(ch, "", False)`` if none does.

    >>> key_for_char("!"), key_for_char("\\n"), key_for_char(" ")
    (('!', 'Digit1', True), ('Enter', 'Enter', False), (' ', 'Space', False))
    """
    return _CHAR_TO.get(ch, (ch, "", False))


def key_info(code: str) -> KeyInfo | None:
    """The layout entry of a DOM code, or ``None`` for keys off the character block.

    >>> key_info("KeyF").finger, key_info("KeyF").hand
    (3, 'L')
    """
    return KEYS_BY_CODE.get(code)


@lru_cache(maxsize=None)
def neighbours(ch: str) -> tuple[str, ...]:
    """Unshifted characters of the keys physically next to the key typing ``ch`` (same case as ``ch``).

    Adjacent means centres within 1.25 key pitches, which takes the row stagger into account:
    ``g`` touches ``f h t y v b``. Empty for characters off the layout.

    >>> neighbours("Q")
    ('!', '@', 'A', 'W')
    """
    key, code, shifted = key_for_char(ch)
    k = KEYS_BY_CODE.get(code)
    if k is None or code in ("Space", "Enter", "Tab"):
        return ()
    out = []
    for o in KEYS_BY_CODE.values():
        if o.code in ("Space", "Enter", "Tab", "Backspace") or o.code == code:
            continue
        if abs(o.y - k.y) <= 1 and (o.x - k.x) ** 2 + (o.y - k.y) ** 2 <= 1.25 ** 2:
            out.append(o.shifted if shifted else o.base)
    return tuple(sorted(out))


def shift_code_for(code: str) -> str:
    """The Shift key a touch typist uses for a key: the one on the other hand.

    >>> shift_code_for("KeyA"), shift_code_for("KeyL")
    ('ShiftRight', 'ShiftLeft')
    """
    k = KEYS_BY_CODE.get(code)
    return "ShiftRight" if k is not None and k.hand == LEFT else "ShiftLeft"
