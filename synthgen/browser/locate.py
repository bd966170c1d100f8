"""Targets to Playwright locators, the choice rule when several elements match, and what a failed locate says.

Rule: the first *visible* match in document order, unless the target gives ``nth``.

When no element matches, :func:`maps_target_errors` turns Playwright's timeout into a
:class:`~synthgen.errors.TargetMissing` that names the full target, the URL and the nearest matches on the
page (the names of the visible elements of the target's role, or the visible texts, labels, placeholders
or test ids nearest to its value); an invalid selector becomes one too, with the fix. Playwright's errors
stop here, at the browser edge.

>>> Target(role="button", name="Send").describe()
'role=button[name=Send]'
>>> rank_nearest("Add to cart", ["Add Table Lamp to cart", "Checkout", "Add Desk Lamp to cart"], 2)
['Add Desk Lamp to cart', 'Add Table Lamp to cart']
"""

from __future__ import annotations

import asyncio
import difflib
import functools
import re
from typing import Any, Awaitable, Callable, TypeVar

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Locator, Page
from playwright.async_api import TimeoutError as PlaywrightTimeout

from synthgen.errors import TargetMissing
from synthgen.scenario.steps import Target

__all__ = ["locator_for", "chosen", "Target", "maps_target_errors", "target_missing", "nearest_on_page",
           "rank_nearest", "full_description"]

#: at most this many nearest matches are named
NEAREST = 5
#: seconds the page may take to list its elements for a failure message (the failure is already certain)
_LOOK_S = 3.0


def locator_for(page: Page, t: Target) -> Locator:
    """All elements the target matches (before the choice rule); with ``within``, only inside the element
    that target chooses."""
    exact = t.exact
    root: Page | Locator = page if t.within is None else chosen(page, t.within)
    if t.role is not None:
        return root.get_by_role(t.role, name=t.name, exact=exact) if t.name is not None else root.get_by_role(t.role)  # type: ignore[arg-type]
    if t.label is not None:
        return root.get_by_label(t.label, exact=exact)
    if t.placeholder is not None:
        return root.get_by_placeholder(t.placeholder, exact=exact)
    if t.text is not None:
        return root.get_by_text(t.text, exact=exact)
    if t.testid is not None:
        return root.get_by_test_id(t.testid)
    assert t.css is not None
    return root.locator(t.css)


def chosen(page: Page, t: Target) -> Locator:
    """The one element the step acts on."""
    loc = locator_for(page, t)
    if t.nth is not None:
        return loc.nth(t.nth)
    # `visible=true` filters to rendered elements, so a hidden twin earlier in the DOM is skipped.
    return loc.filter(visible=True).first


def full_description(t: Target) -> str:
    """The target as written in a scenario, nothing left out (``describe()`` plus ``[exact]``).

    >>> full_description(Target(role="button", name="Send", exact=True, nth=1))
    'role=button[name=Send][nth=1][exact]'
    """
    s = t.describe()
    if not t.exact:
        return s
    head, sep, tail = s.partition(" within ")
    return f"{head}[exact]{sep}{tail}"


def rank_nearest(want: str, candidates: list[str], limit: int = NEAREST) -> list[str]:
    """The candidates most like ``want`` (case-insensitive similarity), best first; ties keep page order."""
    w = want.lower()
    scored = [(difflib.SequenceMatcher(None, w, c.lower()).ratio() + (0.5 if w in c.lower() else 0.0), i, c)
              for i, c in enumerate(dict.fromkeys(candidates))]
    scored.sort(key=lambda x: (-x[0], x[1]))
    return [c for _, _, c in scored[:limit]]


# Visible strings of one kind on the page: label texts and aria-labels, placeholders, test ids, or texts.
_CANDIDATES_JS = r"""(kind) => {
  const seen = new Set(), out = [];
  const add = (s) => { s = (s || '').replace(/\s+/g, ' ').trim();
                       if (s && s.length <= 80 && !seen.has(s)) { seen.add(s); out.push(s); } };
  const vis = (e) => { const r = e.getBoundingClientRect(); if (!r.width && !r.height) return false;
                       const cs = getComputedStyle(e); return cs.visibility !== 'hidden' && cs.display !== 'none'; };
  const each = (sel, f) => { for (const e of document.querySelectorAll(sel)) if (out.length < 2000 && vis(e)) f(e); };
  if (kind === 'label') { each('label', (e) => add(e.innerText)); each('[aria-label]', (e) => add(e.getAttribute('aria-label'))); }
  else if (kind === 'placeholder') each('[placeholder]', (e) => add(e.getAttribute('placeholder')));
  else if (kind === 'testid') each('[data-testid]', (e) => add(e.getAttribute('data-testid')));
  else if (kind === 'text') {
    each('button, a, label, h1, h2, h3, h4, h5, h6, [role=button], [role=tab], [role=menuitem], option', (e) => add(e.innerText));
    const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    let n;
    while ((n = w.nextNode()) && out.length < 2000) {
      const p = n.parentElement;
      if (p && !['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE'].includes(p.tagName) && vis(p)) add(n.textContent);
    }
  }
  return out;
}"""

_ARIA_LINE = re.compile(r'^\s*- ([a-z]+)(?: "((?:[^"\\]|\\.)*)")?')


async def _role_names(page: Page) -> list[tuple[str, str]]:
    """``(role, name)`` of every element in the page's accessibility tree (what get_by_role sees)."""
    snap = await page.locator("body").aria_snapshot(timeout=_LOOK_S * 1000)
    out = []
    for line in snap.splitlines():
        m = _ARIA_LINE.match(line)
        if m:
            out.append((m.group(1), (m.group(2) or "").replace('\\"', '"')))
    return out


async def nearest_on_page(page: Page, t: Target, limit: int = NEAREST) -> str:
    """What the page has instead of the target, in words: how many elements match but are hidden, and the
    visible elements nearest to it. Empty when the page cannot be read (it is gone or busy)."""
    parts: list[str] = []
    try:
        count = await asyncio.wait_for(locator_for(page, t).count(), _LOOK_S)
        if count and t.nth is not None:
            parts.append(f"{count} element{'s' if count != 1 else ''} match, [nth={t.nth}] names none of them "
                         "that is visible")
        elif count:
            parts.append(f"{count} element{'s' if count != 1 else ''} match but none is visible")
        if t.role is not None:
            found = await asyncio.wait_for(_role_names(page), _LOOK_S)
            names = [n for r, n in found if r == t.role and n]
            if names:
                near = rank_nearest(t.name, names, limit) if t.name else names[:limit]
                parts.append(f"nearest visible {t.role}s: " + ", ".join(repr(n) for n in near))
            elif any(r == t.role for r, _ in found):
                parts.append(f"the visible {t.role}s have no name")
            else:
                roles = list(dict.fromkeys(r for r, _ in found if r not in ("generic", "text", "none")))
                parts.append(f"no visible {t.role} on the page" + (f" (roles there: {', '.join(roles[:12])})"
                                                                    if roles else ""))
        elif t.css is None:
            kind = next(k for k in ("label", "placeholder", "text", "testid") if getattr(t, k) is not None)
            found_s = await asyncio.wait_for(page.evaluate(_CANDIDATES_JS, kind), _LOOK_S)
            what = {"label": "labels", "placeholder": "placeholders", "text": "texts", "testid": "test ids"}[kind]
            if found_s:
                near = rank_nearest(str(getattr(t, kind)), list(found_s), limit)
                parts.append(f"nearest visible {what}: " + ", ".join(repr(n) for n in near))
            else:
                parts.append(f"no visible {what} on the page")
    except Exception:  # the page is gone, navigating or hung: the failure stands without the hint
        pass
    return "; ".join(parts)


async def target_missing(page: Page, t: Target, reason: str) -> TargetMissing:
    """The error for a target the page does not show, with what it shows instead."""
    try:
        url = page.url
    except Exception:
        url = "?"
    return TargetMissing(full_description(t), f"{reason} at {url}", nearest=await nearest_on_page(page, t),
                         fix="check the target against the page (`synthgen apps serve` to look), or raise timeout_ms")


def _invalid_selector(exc: BaseException) -> bool:
    text = str(exc)
    return "InvalidSelector" in text or "is not a valid selector" in text or "Unexpected token" in text


T = TypeVar("T")


def maps_target_errors(fn: Callable[..., Awaitable[T]]) -> Callable[..., Awaitable[T]]:
    """For a driver method ``(self, target, timeout_ms, ...)`` on ``self.page``: Playwright's timeout becomes a
    :class:`TargetMissing` with the nearest matches, an invalid selector one with the fix."""

    @functools.wraps(fn)
    async def wrapper(self: Any, target: Target, timeout_ms: float, *args: Any, **kwargs: Any) -> T:
        try:
            return await fn(self, target, timeout_ms, *args, **kwargs)
        except PlaywrightTimeout as exc:
            first = (str(exc).strip().splitlines() or [""])[0]
            reason = (f"matched no visible element within {timeout_ms:.0f} ms" if first.startswith(("Timeout", "Locator"))
                      or not first else first.removeprefix(f"{target.describe()} ").strip())
            raise await target_missing(self.page, target, reason) from exc
        except PlaywrightError as exc:
            if not _invalid_selector(exc):
                raise
            first = (str(exc).strip().splitlines() or [""])[0]
            raise TargetMissing(full_description(target), f"is not a valid selector ({first})",
                                fix="fix the target: css= takes a CSS selector, role= an ARIA role "
                                    "(synthgen lint checks roles and modifiers)") from exc

    return wrapper
