"""What a persona's habits need from the page, mixed into :class:`~synthgen.browser.playwright_driver.PlaywrightDriver`.

* ``reading``: the words a person can read in the viewport now, and the boxes of the text blocks holding
  them (where the pointer may wander while reading). Text inside controls, links and menus is not a
  block to rest on: hovering those opens menus and row actions.
* ``slip_target``: where a task-level slip lands (the session decides whether one happens). Every kind
  looks for a place that a slip can undo without harm:

  - ``neighbour_click``: the list item next to the target (a link, tab, row, list item) whose text or link
    is under a small box free of buttons and fields; never inside a menu or list box (Back would leave the
    menu closed that the next step expects open);
  - ``wrong_menu``: another menu button beside the target (``aria-haspopup``), in the same menu bar or
    toolbar;
  - ``wrong_field``: the nearest empty text field of the target's form.

* ``has_focus``: whether a Tab landed in the field meant; ``toggled``: a toggle button's state (a double
  click on it toggles twice).
* ``layers``: how many dialogs, menus and listboxes are showing (a slip that opened one is closed with
  Escape); ``go_back``: the browser's Back (Alt+ArrowLeft's work, which headless Chromium's missing
  browser UI does not do by itself); ``submit_words``: the words a careful person re-reads in a form before
  pressing its submit button.

>>> hasattr(PageAttention, "reading")
True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from playwright.async_api import Error as PlaywrightError

from synthgen.browser.driver import Located
from synthgen.browser.locate import chosen
from synthgen.motor.types import Box
from synthgen.scenario.steps import Target

__all__ = ["PageAttention", "Reading", "SLIP_KINDS", "READING_JS"]

#: The task-level slips a session can make (the events' ``slip`` column).
SLIP_KINDS: tuple[str, ...] = ("neighbour_click", "wrong_menu", "wrong_field", "overscroll", "double_click")

# Interactive or menu-like ancestors: text inside them is not somewhere to rest the pointer while reading.
_ACTIVE = ("a,button,input,select,textarea,label,summary,[role=button],[role=link],[role=menu],[role=menubar],"
           "[role=menuitem],[role=tab],[role=option],[role=checkbox],[aria-haspopup],[data-tip],[contenteditable],"
           "[draggable=true],nav,header,[role=dialog] [role=toolbar]")

READING_JS = """
(active) => {
  const W = innerWidth, H = innerHeight;
  const walker = document.createTreeWalker(document.body || document.documentElement, NodeFilter.SHOW_TEXT);
  const visible = new Map();
  let words = 0;
  const blocks = [];
  const seen = new Set();
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const text = n.nodeValue;
    if (!text || !/\\S/.test(text)) continue;
    const el = n.parentElement;
    // Not read: buttons (a row's actions show while the pointer is over it), tooltips, toasts and live
    // regions, open menus: what is on screen there depends on where the pointer passed and when, and the
    // count must be the same on every run.
    if (!el || el.closest('script,style,noscript,template,[aria-hidden=true],button,[role=button],[role=tooltip],' +
                          '[role=status],[role=alert],[aria-live],[role=menu],[role=listbox]')) continue;
    let ok = visible.get(el);
    if (ok === undefined) {
      const cs = getComputedStyle(el);
      ok = cs.visibility !== 'hidden' && cs.display !== 'none' && parseFloat(cs.opacity || '1') > 0.05;
      visible.set(el, ok);
    }
    if (!ok) continue;
    const range = document.createRange();
    range.selectNodeContents(n);
    const r = range.getBoundingClientRect();
    if (r.width < 1 || r.height < 1 || r.bottom < 0 || r.top > H || r.right < 0 || r.left > W) continue;
    const count = text.trim().split(/\\s+/).length;
    words += count;
    if (count >= 3 && !el.closest(active) && !seen.has(el) && blocks.length < 40) {
      seen.add(el);
      const b = el.getBoundingClientRect();
      const x0 = Math.max(b.left, 0), y0 = Math.max(b.top, 0);
      const x1 = Math.min(b.right, W), y1 = Math.min(b.bottom, H);
      if (x1 - x0 >= 8 && y1 - y0 >= 6) blocks.push([x0, y0, x1 - x0, y1 - y0]);
    }
  }
  return {words, blocks};
}
"""

# The slip's landing place for the target element `el`, or null. A box small enough that the whole of it
# lies on one harmless element (hit-tested at its centre and corners).
SLIP_TARGET_JS = """
(el, [kind, after]) => {
  const W = innerWidth, H = innerHeight;
  // the part of an element inside the viewport
  const clip = (e) => {
    const r = e.getBoundingClientRect();
    const x0 = Math.max(r.left, 0), y0 = Math.max(r.top, 0), x1 = Math.min(r.right, W), y1 = Math.min(r.bottom, H);
    return {left: x0, top: y0, width: x1 - x0, height: y1 - y0};
  };
  const shown = (e) => {
    const r = clip(e);
    if (r.width < 12 || r.height < 10) return false;
    const cs = getComputedStyle(e);
    return cs.visibility !== 'hidden' && cs.display !== 'none' && !e.closest('[aria-hidden=true],[inert]');
  };
  const harmful = 'button,input,select,textarea,[role=button],[role=checkbox],[role=switch],[contenteditable],' +
                  '[draggable=true],[aria-haspopup],summary';
  // left: a text field is clicked in its left part, clear of a number field's spin buttons (a click there
  // steps the value) and of icons at the end
  const boxOn = (e, w, h, left) => {
    const r = clip(e);
    const bw = Math.min(left ? r.width * 0.5 : r.width, w), bh = Math.min(r.height, h);
    const x = left ? r.left + Math.min(8, r.width * 0.1) : r.left + (r.width - bw) / 2, y = r.top + (r.height - bh) / 2;
    const pts = [[x + bw / 2, y + bh / 2], [x + 1, y + 1], [x + bw - 1, y + 1], [x + 1, y + bh - 1], [x + bw - 1, y + bh - 1]];
    for (const [px, py] of pts) {
      const top = document.elementFromPoint(px, py);
      if (!top || !(e === top || e.contains(top))) return null;
      if (top.closest(harmful) && !(top.closest(harmful) === e && kind !== 'neighbour_click')) return null;
    }
    return [x, y, bw, bh];
  };
  const ordered = (list) => {
    const i = list.indexOf(el.__sgItem || el);
    const out = [];
    for (let d = 1; d < list.length; d++) {
      for (const s of (after ? [1, -1] : [-1, 1])) {
        const j = i + s * d;
        if (j >= 0 && j < list.length && out.indexOf(list[j]) < 0) out.push(list[j]);
      }
    }
    return out;
  };
  if (kind === 'neighbour_click') {
    // not inside a menu or list box: undoing a wrong item there (Back) leaves the menu closed, and the
    // next step, which expects it open, fails (a wrong menu is the menu slip)
    if (el.closest('[role=menu],[role=menubar],[role=listbox],[role=tree]')) return null;
    // the item: the nearest of the target and its ancestors that repeats among its siblings (same tag, role
    // and class: a row of a list, a card of a grid, a tab of a tab list)
    const sig = (e) => e.tagName + '|' + (e.getAttribute('role') || '') + '|' + e.className;
    let item = null, list = [];
    for (let a = el, i = 0; a && a.parentElement && a !== document.body && i < 6; a = a.parentElement, i++) {
      const sibs = [...a.parentElement.children].filter((e) => sig(e) === sig(a));
      if (sibs.length >= 2) { item = a; list = sibs; break; }
    }
    if (!item) return null;
    el.__sgItem = item;
    for (const n of ordered(list)) {
      if (!shown(n)) continue;
      if (n.matches('[aria-disabled=true],[disabled]')) continue;
      const link = n.matches('a[href]') ? n : n.querySelector('a[href]');
      if (link) {
        const href = link.getAttribute('href') || '';
        if (link.target === '_blank' || link.hasAttribute('download') || /^\\s*javascript:/i.test(href)) continue;
        try { if (new URL(link.href).origin !== location.origin) continue; } catch (e) { continue; }
      }
      const aim = link || n.querySelector('h1,h2,h3,h4,span,p,strong,div') || n;
      if (aim.closest(harmful)) continue;
      const b = boxOn(aim, 48, 14);
      if (b) return b;
    }
    return null;
  }
  if (kind === 'wrong_menu') {
    // menus only: a dialog opener's slip would be a dialog, not a menu
    const opens = (e) => ['false', 'dialog'].indexOf(e.getAttribute('aria-haspopup')) < 0 && !e.closest('[role=menu]')
      && !e.matches('[disabled],[aria-disabled=true]');
    const opener = el.closest('[aria-haspopup]') || el.querySelector('[aria-haspopup]');
    if (!opener || !opens(opener)) return null;
    // the bar the menus sit in: a menu bar or toolbar, else the nearest ancestor holding another menu button
    let bar = opener.closest('[role=menubar],[role=toolbar]');
    for (let a = opener.parentElement, i = 0; !bar && a && i < 10; a = a.parentElement, i++) {
      if ([...a.querySelectorAll('[aria-haspopup]')].filter(opens).length >= 2) bar = a;
    }
    if (!bar) return null;
    const list = [...bar.querySelectorAll('[aria-haspopup]')].filter(opens);
    el.__sgItem = opener;
    if (list.indexOf(opener) < 0) list.push(opener);
    for (const n of ordered(list)) {
      if (!shown(n)) continue;
      const b = boxOn(n, 40, 14);
      if (b) return b;
    }
    return null;
  }
  if (kind === 'wrong_field') {
    const textish = (e) => e.matches('textarea') || (e.matches('input') &&
      ['text', 'email', 'search', 'tel', 'url', 'number', ''].indexOf((e.getAttribute('type') || '').toLowerCase()) >= 0);
    if (!textish(el)) return null;
    const r0 = el.getBoundingClientRect();
    const empty = (scope) => [...scope.querySelectorAll('input,textarea')].filter((e) => e !== el && textish(e)
      && shown(e) && !e.disabled && !e.readOnly && e.value === '' && !e.matches('[role=combobox],[aria-autocomplete]'));
    // the form's other empty fields; a field alone in its form: any empty field in view (a search box)
    let cands = empty(el.form || el.closest('form,[role=form],fieldset,[role=dialog],main') || document.body);
    if (!cands.length && !el.closest('[role=dialog]')) cands = empty(document.body);
    cands.sort((a, b) => {
      const ra = a.getBoundingClientRect(), rb = b.getBoundingClientRect();
      return Math.hypot(ra.x - r0.x, ra.y - r0.y) - Math.hypot(rb.x - r0.x, rb.y - r0.y);
    });
    for (const n of cands) {
      const b = boxOn(n, 60, 12, true);
      if (b) return b;
    }
    return null;
  }
  return null;
}
"""

# A toggle button's state: aria-pressed (true/mixed count as on), a switch's aria-checked; else null.
TOGGLED_JS = """
(el) => {
  const t = el.closest('[aria-pressed],[role=switch]');
  if (!t) return null;
  const v = t.getAttribute(t.hasAttribute('aria-pressed') ? 'aria-pressed' : 'aria-checked');
  return v === 'true' || v === 'mixed';
}
"""

# Dialogs, menus and listboxes showing now.
LAYERS_JS = """
() => [...document.querySelectorAll('[role=dialog],[role=alertdialog],[role=menu],[role=listbox],dialog[open]')]
  .filter((e) => { const r = e.getBoundingClientRect(); const cs = getComputedStyle(e);
                   return r.width > 0 && r.height > 0 && cs.visibility !== 'hidden' && cs.display !== 'none'; }).length
"""

# For a submit button: the words of the filled fields of its form (what a careful person re-reads); else null.
SUBMIT_WORDS_JS = """
(el) => {
  const btn = el.closest('button,input[type=submit],input[type=image]');
  if (!btn || !btn.form || (btn.tagName === 'BUTTON' && (btn.getAttribute('type') || 'submit') !== 'submit')) return null;
  let words = 0;
  for (const f of btn.form.elements) {
    if (!('value' in f) || f === btn || f.type === 'hidden' || f.type === 'password' || f.type === 'submit') continue;
    const v = f.tagName === 'SELECT' ? (f.selectedOptions[0] ? f.selectedOptions[0].text : '') :
              ((f.type === 'checkbox' || f.type === 'radio') ? (f.checked ? 'x' : '') : String(f.value));
    if (v.trim()) words += v.trim().split(/\\s+/).length;
  }
  return words;
}
"""


@dataclass(frozen=True)
class Reading:
    """What can be read in the viewport: a word count and the boxes of the text blocks holding the words."""

    words: int
    blocks: tuple[Box, ...]


class PageAttention:
    """The reading and slip operations; the host class provides ``page`` (a Playwright page) and ``_poked``."""

    page: Any
    _poked: bool

    async def reading(self) -> Reading:
        """The words in the viewport and up to 40 text blocks in document order (a page being replaced: none)."""
        try:
            r = await self.page.evaluate(READING_JS, _ACTIVE)
        except PlaywrightError:
            return Reading(0, ())
        return Reading(int(r["words"]), tuple(Box(*(float(v) for v in b)) for b in r["blocks"]))

    async def slip_target(self, target: Target, kind: str, after: bool, timeout_ms: float) -> Located | None:
        """Where a ``kind`` slip aimed at ``target`` lands (``after``: prefer the next item over the previous
        one), or None when the page offers no harmless place for it."""
        if kind not in ("neighbour_click", "wrong_menu", "wrong_field"):
            raise ValueError(f"kind={kind!r}: no landing place to look for (kinds: neighbour_click, wrong_menu, "
                             "wrong_field)")
        try:
            box = await chosen(self.page, target).evaluate(SLIP_TARGET_JS, [kind, after], timeout=timeout_ms)
        except PlaywrightError:
            return None  # the page is changing: no slip now
        if box is None:
            return None
        return Located(Box(*(float(v) for v in box)), f"slip:{kind}")

    async def layers(self) -> int:
        """How many dialogs, menus and listboxes are showing."""
        try:
            return int(await self.page.evaluate(LAYERS_JS))
        except PlaywrightError:
            return 0

    async def go_back(self, timeout_ms: float) -> None:
        """The browser's Back, after the session sent Alt+ArrowLeft to the page."""
        self._poked = True
        await self.page.go_back(timeout=timeout_ms, wait_until="load")

    async def _ask(self, target: Target, js: str, timeout_ms: float) -> Any:
        """``js`` evaluated on the target's element; None when the page is changing under it (no answer)."""
        try:
            return await chosen(self.page, target).evaluate(js, timeout=timeout_ms)
        except PlaywrightError:
            return None

    async def toggled(self, target: Target, timeout_ms: float) -> bool | None:
        """A toggle button's state (``aria-pressed``, a switch's ``aria-checked``), None when it is not one."""
        v = await self._ask(target, TOGGLED_JS, timeout_ms)
        return None if v is None else bool(v)

    async def has_focus(self, target: Target, timeout_ms: float) -> bool:
        """Whether the focus is in ``target`` (after a Tab: did it land in the field meant?)."""
        return bool(await self._ask(
            target, "el => el === document.activeElement || el.contains(document.activeElement)", timeout_ms))

    async def submit_words(self, target: Target, timeout_ms: float) -> int | None:
        """The words of the filled fields of the form ``target`` submits, or None when it submits none."""
        r = await self._ask(target, SUBMIT_WORDS_JS, timeout_ms)
        return None if r is None else int(r)
