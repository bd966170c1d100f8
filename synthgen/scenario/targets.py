"""The one-line target syntax of scenario files: ``"label=Email"``, ``"role=button[name=Send]"``.

Rules (the loader applies them wherever a step takes a target):

* ``kind=value`` with kind one of ``role label placeholder text testid css``;
* anything else is visible text: ``"Compose"`` is ``text=Compose``;
* except ``css=``, a value may end with modifiers: ``[name=Send]`` (the accessible name, with
  ``role``), ``[nth=2]`` (0-based; negative counts from the end), ``[exact]`` (whole-string match);
  a name may be quoted: ``role=button[name="Send now"]``.

:meth:`Target.describe` writes the same syntax, so ``parse_target(t.describe())`` gives ``t`` back.

>>> parse_target("role=button[name=Send]")
{'role': 'button', 'name': 'Send'}
>>> parse_target("Compose")
{'text': 'Compose'}
"""

from __future__ import annotations

import difflib
import re
from typing import Any

__all__ = ["LOCATOR_KINDS", "TARGET_KEYS", "parse_target"]

#: the locator kinds of :class:`synthgen.scenario.steps.Target`
LOCATOR_KINDS: tuple[str, ...] = ("role", "label", "placeholder", "text", "testid", "css")
#: every key a target mapping may have
TARGET_KEYS: tuple[str, ...] = LOCATOR_KINDS + ("name", "exact", "nth", "within")

_PREFIX = re.compile(r"^([A-Za-z_-]{2,12})=(.*)$", re.S)
_MOD = re.compile(r"\[(name|nth|exact)(?:=(\"[^\"]*\"|'[^']*'|[^\[\]]*))?\]\s*$")


def parse_target(text: str) -> dict[str, Any]:
    """Parse the one-line target syntax into the fields of a Target (``ValueError`` if malformed).

    >>> parse_target("text=Card 1[nth=-1]")
    {'text': 'Card 1', 'nth': -1}
    >>> parse_target("css=input[name=q]")
    {'css': 'input[name=q]'}
    """
    s = text.strip()
    if not s:
        raise ValueError("empty target; write visible text, or e.g. 'label=Email', 'role=button[name=Send]'")
    m = _PREFIX.match(s)
    if not m:
        return {"text": s}
    kind, rest = m.group(1), m.group(2)
    if kind not in LOCATOR_KINDS:
        if kind.lower() in LOCATOR_KINDS:
            kind = kind.lower()
        else:
            close = difflib.get_close_matches(kind.lower(), LOCATOR_KINDS + ("name",), n=1, cutoff=0.6)
            if close:
                raise ValueError(f"unknown locator '{kind}' in target {s!r}; did you mean "
                                 f"'{close[0]}'? (for text that contains '=', write 'text={s}')")
            return {"text": s}
    if kind == "css":
        value, mods = rest.strip(), {}
    else:
        value, mods = _strip_modifiers(rest, s)
    if not value:
        raise ValueError(f"target {s!r} has no value after '{kind}='")
    return {kind: value, **mods}


def _strip_modifiers(rest: str, whole: str) -> tuple[str, dict[str, Any]]:
    mods: dict[str, Any] = {}
    while True:
        m = _MOD.search(rest)
        if not m:
            break
        key, raw = m.group(1), m.group(2)
        if key in mods:
            raise ValueError(f"target {whole!r} repeats [{key}]")
        if raw is not None and len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "\"'":
            raw = raw[1:-1]
        if key == "nth":
            try:
                mods["nth"] = int(raw or "")
            except ValueError:
                raise ValueError(f"target {whole!r}: [nth=...] needs a whole number, e.g. [nth=0]") from None
        elif key == "exact":
            if raw not in (None, "true", "false"):
                raise ValueError(f"target {whole!r}: write [exact] (or [exact=false])")
            mods["exact"] = raw != "false"
        else:
            mods["name"] = raw or ""
        rest = rest[:m.start()]
    rest = rest.strip()
    # modifiers were peeled from the end; report them in the order they were written
    return rest, dict(reversed(list(mods.items())))
