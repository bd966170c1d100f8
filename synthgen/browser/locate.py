"""Targets to Playwright locators, and the choice rule when several elements match.

Rule: the first *visible* match in document order, unless the target gives ``nth``.

>>> Target(role="button", name="Send").describe()
'role=button[name=Send]'
"""

from __future__ import annotations

from playwright.async_api import Locator, Page

from synthgen.scenario.steps import Target

__all__ = ["locator_for", "Target"]


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
