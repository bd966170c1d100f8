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

__all__ = ["LOCATOR_KINDS", "TARGET_KEYS", "MODIFIERS", "ARIA_ROLES", "role_problem", "parse_target"]

#: the locator kinds of :class:`synthgen.scenario.steps.Target`
LOCATOR_KINDS: tuple[str, ...] = ("role", "label", "placeholder", "text", "testid", "css")
#: the modifiers a one-line target may end with (``[name=Send]``, ``[nth=1]``, ``[exact]``)
MODIFIERS: tuple[str, ...] = ("name", "nth", "exact")
#: every key a target mapping may have
TARGET_KEYS: tuple[str, ...] = LOCATOR_KINDS + MODIFIERS + ("within",)
#: the roles ``role=`` takes: ARIA's, as Playwright's ``get_by_role`` knows them (a test keeps the two equal)
ARIA_ROLES: tuple[str, ...] = (
    "alert", "alertdialog", "application", "article", "banner", "blockquote", "button", "caption", "cell",
    "checkbox", "code", "columnheader", "combobox", "complementary", "contentinfo", "definition", "deletion",
    "dialog", "directory", "document", "emphasis", "feed", "figure", "form", "generic", "grid", "gridcell",
    "group", "heading", "img", "insertion", "link", "list", "listbox", "listitem", "log", "main", "marquee",
    "math", "menu", "menubar", "menuitem", "menuitemcheckbox", "menuitemradio", "meter", "navigation", "none",
    "note", "option", "paragraph", "presentation", "progressbar", "radio", "radiogroup", "region", "row",
    "rowgroup", "rowheader", "scrollbar", "search", "searchbox", "separator", "slider", "spinbutton", "status",
    "strong", "subscript", "superscript", "switch", "tab", "table", "tablist", "tabpanel", "term", "textbox",
    "time", "timer", "toolbar", "tooltip", "tree", "treegrid", "treeitem")

_PREFIX = re.compile(r"^([A-Za-z_-]{2,12})=(.*)$", re.S)
_MOD = re.compile(r"\[(" + "|".join(MODIFIERS) + r")(?:=(\"[^\"]*\"|'[^']*'|[^\[\]]*))?\]\s*$")
# a trailing [word=...] or [word] that is not one of MODIFIERS: a misspelt modifier, or text in brackets
_OTHER_MOD = re.compile(r"\[([A-Za-z_][A-Za-z0-9_-]*)(=[^\[\]]*)?\]\s*$")


def role_problem(role: str) -> str | None:
    """Why ``role`` is not a role ``get_by_role`` finds (with the nearest one), or None if it is.

    >>> role_problem("buton")
    "unknown role 'buton'; did you mean 'button'?"
    >>> role_problem("button") is None, role_problem("{{ var.kind }}") is None
    (True, True)
    """
    if role in ARIA_ROLES or "{{" in role:
        return None
    base = role.split("[", 1)[0].strip()
    if "[" in role and base in ARIA_ROLES:
        return (f"role {role!r}: modifiers go after the value as [name=...], [nth=N] or [exact]; "
                f"did you mean 'role={base}[name=...]'?")
    close = difflib.get_close_matches(role.lower(), ARIA_ROLES, n=1, cutoff=0.6)
    return (f"unknown role {role!r}; " + (f"did you mean '{close[0]}'?" if close else
            "use an ARIA role such as button, link, textbox, checkbox, heading, dialog, menuitem, tab"))


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
            _unknown_modifier(rest, whole)
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


def _unknown_modifier(rest: str, whole: str) -> None:
    """Refuse a trailing ``[nam=Send]`` or ``[exakt]``: a modifier misspelt would otherwise become part of the
    value and match nothing at run time. Bracketed text that looks like no modifier (``Notes [draft]``) stays."""
    m = _OTHER_MOD.search(rest)
    if not m:
        return
    key, value = m.group(1), m.group(2)
    close = difflib.get_close_matches(key.lower(), MODIFIERS, n=1, cutoff=0.6)
    if value is None and not close:
        return
    fixed = f"[{close[0]}{value or ''}]" if close else None
    raise ValueError(f"unknown modifier [{key}{value or ''}] in target {whole!r}; "
                     + (f"did you mean {fixed}? " if fixed else "")
                     + "modifiers are [name=...], [nth=N] and [exact] (for a value that ends in brackets, "
                       "use the mapping form, e.g. {text: '...'})")
