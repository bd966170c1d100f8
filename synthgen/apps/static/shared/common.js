/* Shared helpers for the synthgen demo apps (window.SG).
 *
 * - top navigation bar with CSS hover menus ("Apps", "Account")
 * - per-app state in localStorage, seeded from static JSON fixtures
 * - toasts (also "flash" toasts carried across a page navigation)
 * - custom hover tooltips for elements with a data-tip attribute
 * - small modal dialog helpers
 * - popup menus: menu buttons, context menus, menubars (role=menu / menuitem)
 * - single-key shortcuts that stay quiet while typing, and a shortcut help dialog
 *
 * Nothing here uses randomness or the wall clock for anything displayed.
 */
(function () {
  'use strict';

  var APPS = [
    { name: 'webmail', title: 'Webmail', description: 'Inbox, folders, compose and reply' },
    { name: 'crm', title: 'CRM', description: 'Contacts, records and a dashboard' },
    { name: 'shop', title: 'Shop', description: 'Catalogue, cart and checkout' },
    { name: 'kanban', title: 'Kanban', description: 'Board with drag and drop cards' },
    { name: 'notes', title: 'Notes', description: 'Rich text notes with autosave' },
    { name: 'chaos', title: 'Chaos', description: 'Dialogs, popups, errors and hangs' }
  ];
  var USER = { name: 'Alex Morgan', email: 'alex.morgan@example.com', initials: 'AM' };
  var MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

  var SG = {
    APPS: APPS,
    USER: USER,
    /** Messages of every toast shown on this page, oldest first. */
    toasts: []
  };

  /* ------------------------------------------------------------ utilities */
  SG.esc = function (value) {
    return String(value == null ? '' : value)
      .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;').replace(/'/g, '&#39;');
  };
  SG.$ = function (sel, root) { return (root || document).querySelector(sel); };
  SG.$$ = function (sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); };
  SG.debounce = function (fn, ms) {
    var timer = null;
    function debounced() {
      var args = arguments, self = this;
      clearTimeout(timer);
      timer = setTimeout(function () { timer = null; fn.apply(self, args); }, ms);
    }
    debounced.flush = function () {
      if (timer !== null) { clearTimeout(timer); timer = null; fn(); }
    };
    debounced.pending = function () { return timer !== null; };
    return debounced;
  };
  SG.clone = function (value) { return JSON.parse(JSON.stringify(value)); };
  SG.query = function (name) { return new URLSearchParams(location.search).get(name); };
  SG.fetchJSON = function (url, options) {
    return fetch(url, options).then(function (res) {
      if (!res.ok) { throw new Error('HTTP ' + res.status + ' for ' + url); }
      return res.json();
    });
  };

  /** "2024-05-14T09:30:00" -> {y, m, d, hh, mm} without time-zone games. */
  SG.parseISO = function (iso) {
    var m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}))?/.exec(iso || '');
    if (!m) { return null; }
    return { y: +m[1], m: +m[2], d: +m[3], hh: +(m[4] || 0), mm: +(m[5] || 0) };
  };
  function pad(n) { return (n < 10 ? '0' : '') + n; }
  SG.pad = pad;
  /** "May 14, 2024" */
  SG.formatDate = function (iso) {
    var p = SG.parseISO(iso);
    return p ? MONTHS[p.m - 1] + ' ' + p.d + ', ' + p.y : '';
  };
  /** "May 14, 09:30" */
  SG.formatDateTime = function (iso) {
    var p = SG.parseISO(iso);
    return p ? MONTHS[p.m - 1] + ' ' + p.d + ', ' + pad(p.hh) + ':' + pad(p.mm) : '';
  };
  /** Adds minutes to a naive ISO timestamp, returns "YYYY-MM-DDTHH:MM:00". */
  SG.addMinutes = function (iso, minutes) {
    var p = SG.parseISO(iso);
    var t = Date.UTC(p.y, p.m - 1, p.d, p.hh, p.mm) + minutes * 60000;
    var d = new Date(t);
    return d.getUTCFullYear() + '-' + pad(d.getUTCMonth() + 1) + '-' + pad(d.getUTCDate()) +
      'T' + pad(d.getUTCHours()) + ':' + pad(d.getUTCMinutes()) + ':00';
  };
  SG.MONTHS = MONTHS;

  /* ---------------------------------------------------------------- icons */
  // Simple stroke icons (24x24 viewBox); used instead of emoji, which headless
  // machines often lack fonts for.
  var ICONS = {
    bell: '<path d="M6 16v-5a6 6 0 0 1 12 0v5l2 2H4z"/><path d="M10 21a2 2 0 0 0 4 0"/>',
    home: '<path d="M3 11l9-8 9 8"/><path d="M5 10v10h5v-6h4v6h5V10"/>',
    archive: '<rect x="3" y="4" width="18" height="5" rx="1"/><path d="M5 9v11h14V9"/><path d="M10 13h4"/>',
    trash: '<path d="M4 7h16"/><path d="M9 7V4h6v3"/><path d="M6 7l1 13h10l1-13"/>',
    undo: '<path d="M9 14L4 9l5-5"/><path d="M4 9h10a6 6 0 0 1 0 12h-3"/>',
    clip: '<path d="M20 11l-8.5 8.5a5 5 0 0 1-7-7L13 4a3.5 3.5 0 0 1 5 5l-8.5 8.5a2 2 0 0 1-3-3L14 7"/>',
    cart: '<circle cx="9" cy="20" r="1.5"/><circle cx="18" cy="20" r="1.5"/><path d="M2 3h3l3 12h11l2-8H6.5"/>',
    pencil: '<path d="M4 20h4L19 9l-4-4L4 16z"/><path d="M13 7l4 4"/>',
    calendar: '<rect x="3" y="5" width="18" height="16" rx="2"/><path d="M3 10h18"/><path d="M8 3v4"/><path d="M16 3v4"/>',
    info: '<circle cx="12" cy="12" r="9"/><path d="M12 11v6"/><path d="M12 7.5v.5"/>',
    plus: '<path d="M12 5v14"/><path d="M5 12h14"/>',
    x: '<path d="M6 6l12 12"/><path d="M18 6L6 18"/>',
    eye: '<path d="M2 12s4-7 10-7 10 7 10 7-4 7-10 7S2 12 2 12z"/><circle cx="12" cy="12" r="3"/>',
    star: '<path d="M12 3l2.8 5.8 6.2.9-4.5 4.4 1 6.2L12 17.3 6.5 20.3l1-6.2L3 9.7l6.2-.9z"/>',
    dots: '<circle cx="5" cy="12" r="1.4"/><circle cx="12" cy="12" r="1.4"/><circle cx="19" cy="12" r="1.4"/>',
    pin: '<path d="M9 4h6l-1 6 3 3v2H7v-2l3-3z"/><path d="M12 15v6"/>'
  };
  /** Inline SVG icon markup (aria-hidden); names: bell, home, archive, trash, ... */
  SG.icon = function (name, size) {
    var s = size || 16;
    return '<svg class="sg-icon" width="' + s + '" height="' + s + '" viewBox="0 0 24 24" aria-hidden="true"' +
      ' fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">' +
      (ICONS[name] || '') + '</svg>';
  };

  /* ---------------------------------------------------------------- state */
  function storageKey(app) { return 'synthgen:' + app; }

  /**
   * Loads this app's state from localStorage, or seeds it with seed() (which
   * may return a Promise, typically fetching the app's fixture JSON).
   */
  SG.loadState = function (app, version, seed) {
    var raw = null;
    try { raw = localStorage.getItem(storageKey(app)); } catch (e) { raw = null; }
    if (raw) {
      try {
        var parsed = JSON.parse(raw);
        if (parsed && parsed.version === version) { return Promise.resolve(parsed); }
      } catch (e) { /* corrupt: reseed */ }
    }
    return Promise.resolve(seed()).then(function (state) {
      state.version = version;
      SG.saveState(app, state);
      return state;
    });
  };
  SG.saveState = function (app, state) {
    localStorage.setItem(storageKey(app), JSON.stringify(state));
  };
  SG.resetState = function (app) {
    localStorage.removeItem(storageKey(app));
    Object.keys(sessionStorage).forEach(function (k) {
      if (k.indexOf(storageKey(app)) === 0) { sessionStorage.removeItem(k); }
    });
  };

  /* --------------------------------------------------------------- toasts */
  function toastRegion() {
    var region = document.getElementById('sg-toasts');
    if (!region) {
      region = document.createElement('div');
      region.id = 'sg-toasts';
      region.className = 'sg-toasts';
      region.setAttribute('role', 'status');
      region.setAttribute('aria-live', 'polite');
      region.setAttribute('data-testid', 'toasts');
      document.body.appendChild(region);
    }
    return region;
  }
  /** Shows a toast for `ms` milliseconds (default 6 s). kind: ok | info | error. */
  SG.toast = function (message, kind, ms) {
    var el = document.createElement('div');
    el.className = 'sg-toast ' + (kind || 'ok');
    el.setAttribute('data-testid', 'toast');
    el.textContent = message;
    toastRegion().appendChild(el);
    SG.toasts.push(message);
    setTimeout(function () { el.remove(); }, ms || 6000);
    return el;
  };
  var FLASH_KEY = 'synthgen:flash';
  /** Queues a toast to be shown by the next page loaded in this tab. */
  SG.flash = function (message, kind) {
    var list = [];
    try { list = JSON.parse(sessionStorage.getItem(FLASH_KEY) || '[]'); } catch (e) { list = []; }
    list.push({ message: message, kind: kind || 'ok' });
    sessionStorage.setItem(FLASH_KEY, JSON.stringify(list));
  };
  function showFlashes() {
    var list = [];
    try { list = JSON.parse(sessionStorage.getItem(FLASH_KEY) || '[]'); } catch (e) { list = []; }
    sessionStorage.removeItem(FLASH_KEY);
    list.forEach(function (f) { SG.toast(f.message, f.kind); });
  }

  /* -------------------------------------------------------------- tooltip */
  var tip = { el: null, target: null, timer: null };
  function tipEl() {
    if (!tip.el) {
      tip.el = document.createElement('div');
      tip.el.id = 'sg-tooltip';
      tip.el.className = 'sg-tooltip';
      tip.el.setAttribute('role', 'tooltip');
      tip.el.setAttribute('data-testid', 'tooltip');
      tip.el.hidden = true;
      document.body.appendChild(tip.el);
    }
    return tip.el;
  }
  function showTip(target) {
    var el = tipEl();
    el.textContent = target.getAttribute('data-tip');
    el.hidden = false;
    target.setAttribute('aria-describedby', 'sg-tooltip');
    var r = target.getBoundingClientRect();
    var w = el.offsetWidth, h = el.offsetHeight;
    var left = Math.max(6, Math.min(window.innerWidth - w - 6, r.left + r.width / 2 - w / 2));
    var top = r.bottom + 8;
    if (top + h > window.innerHeight - 6) { top = r.top - h - 8; }
    el.style.left = left + 'px';
    el.style.top = top + 'px';
  }
  function hideTip() {
    clearTimeout(tip.timer);
    if (tip.target) { tip.target.removeAttribute('aria-describedby'); }
    tip.target = null;
    if (tip.el) { tip.el.hidden = true; }
  }
  document.addEventListener('mouseover', function (e) {
    var t = e.target.closest ? e.target.closest('[data-tip]') : null;
    if (t === tip.target) { return; }
    hideTip();
    if (!t) { return; }
    tip.target = t;
    tip.timer = setTimeout(function () { showTip(t); }, 350);
  });
  document.addEventListener('mouseout', function (e) {
    if (tip.target && !(e.relatedTarget && tip.target.contains(e.relatedTarget))) { hideTip(); }
  });
  document.addEventListener('focusin', function (e) {
    var t = e.target.closest ? e.target.closest('[data-tip]') : null;
    if (t && t !== tip.target) { hideTip(); tip.target = t; showTip(t); }
  });
  document.addEventListener('focusout', hideTip);
  document.addEventListener('mousedown', hideTip, true);
  window.addEventListener('scroll', hideTip, true);

  /* -------------------------------------------------------------- dialogs */
  var FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]),' +
    ' textarea:not([disabled]), [tabindex]:not([tabindex="-1"]), [contenteditable="true"]';
  var openDialogs = [];
  /** Shows a hidden .sg-backdrop element holding a role="dialog" element. */
  SG.openDialog = function (backdrop, onClose) {
    backdrop.hidden = false;
    openDialogs.push({ el: backdrop, onClose: onClose, returnFocus: document.activeElement });
    var auto = backdrop.querySelector('[autofocus]') || backdrop.querySelector(FOCUSABLE);
    if (auto) { auto.focus(); }
  };
  SG.closeDialog = function (backdrop) {
    for (var i = openDialogs.length - 1; i >= 0; i--) {
      if (openDialogs[i].el === backdrop) {
        var entry = openDialogs.splice(i, 1)[0];
        backdrop.hidden = true;
        if (entry.returnFocus && entry.returnFocus.focus && document.contains(entry.returnFocus)) {
          entry.returnFocus.focus();
        }
        if (entry.onClose) { entry.onClose(); }
        return;
      }
    }
    backdrop.hidden = true;
  };
  SG.dialogOpen = function () { return openDialogs.length > 0; };
  document.addEventListener('keydown', function (e) {
    if (!openDialogs.length) { return; }
    var top = openDialogs[openDialogs.length - 1].el;
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      SG.closeDialog(top);
    } else if (e.key === 'Tab') {
      var items = SG.$$(FOCUSABLE, top).filter(function (x) { return x.offsetParent !== null; });
      if (!items.length) { return; }
      var first = items[0], last = items[items.length - 1];
      if (e.shiftKey && document.activeElement === first) { e.preventDefault(); last.focus(); }
      else if (!e.shiftKey && document.activeElement === last) { e.preventDefault(); first.focus(); }
    }
  }, true);

  /**
   * Promise-based confirmation dialog (role="dialog"), resolves true/false.
   * opts: {title, message, confirmLabel, cancelLabel, danger, testid}
   */
  SG.confirm = function (opts) {
    return new Promise(function (resolve) {
      var backdrop = document.createElement('div');
      backdrop.className = 'sg-backdrop';
      backdrop.hidden = true;
      var titleId = 'sg-confirm-title-' + (openDialogs.length + 1);
      backdrop.innerHTML =
        '<div class="sg-dialog" role="dialog" aria-modal="true" aria-labelledby="' + titleId + '"' +
        ' data-testid="' + SG.esc(opts.testid || 'confirm-dialog') + '">' +
        '<h2 id="' + titleId + '">' + SG.esc(opts.title || 'Are you sure?') + '</h2>' +
        '<p>' + SG.esc(opts.message || '') + '</p>' +
        '<div class="actions">' +
        '<button type="button" class="btn" data-act="cancel">' + SG.esc(opts.cancelLabel || 'Cancel') + '</button>' +
        '<button type="button" class="btn ' + (opts.danger ? 'danger' : 'primary') + '" data-act="ok" autofocus>' +
        SG.esc(opts.confirmLabel || 'OK') + '</button></div></div>';
      document.body.appendChild(backdrop);
      var result = false;
      function done() { backdrop.remove(); resolve(result); }
      backdrop.addEventListener('click', function (e) {
        var act = e.target.getAttribute && e.target.getAttribute('data-act');
        if (act === 'ok') { result = true; SG.closeDialog(backdrop); }
        else if (act === 'cancel' || e.target === backdrop) { SG.closeDialog(backdrop); }
      });
      SG.openDialog(backdrop, done);
    });
  };

  /* ---------------------------------------------------------------- menus */
  // Popup menus: menu buttons, context menus and menubar menus share one implementation. A menu is
  // a role="menu" element with role="menuitem" buttons, built when it opens and removed when it
  // closes (so its words never linger for text locators), one open at a time. Keyboard as in the
  // WAI-ARIA menu pattern: ArrowUp/ArrowDown (wrapping), Home/End, a letter jumps to the next item
  // starting with it, Enter/Space activate, Escape closes and gives focus back, Tab closes. A mouse
  // press outside closes it and still does what it does there. The menu is placed in document
  // coordinates (it scrolls with the page, so a late scroll cannot leave it detached or close it
  // under a pointer on its way to an item) and always opens inside the viewport.
  var MENU_EDGE = 4;     // px kept free between a menu and the viewport's edge
  var MENUBAR_SWITCH_MS = 250;   // a menubar title pointed at this long takes over from the open menu
  var menu = null;       // the open menu: {el, label, owner, returnFocus, onKey}

  function menuItems() {
    return SG.$$('[role="menuitem"]:not([aria-disabled="true"])', menu.el);
  }
  function focusItem(item) { if (item) { item.focus({ preventScroll: true }); } }
  function clamp(v, lo, hi) { return Math.max(lo, Math.min(hi, v)); }

  function buildMenu(opts) {
    if (!opts.label) { throw new Error('SG.openMenu: a menu needs a label (its accessible name)'); }
    var el = document.createElement('div');
    el.className = 'sg-popup';
    el.setAttribute('role', 'menu');
    el.setAttribute('aria-label', opts.label);
    el.tabIndex = -1;
    if (opts.testid) { el.setAttribute('data-testid', opts.testid); }
    var actions = [];
    var items = [];   // separators only between items: none leading, trailing or doubled
    opts.items.forEach(function (it) {
      if (it !== '-' || (items.length && items[items.length - 1] !== '-')) { items.push(it); }
    });
    if (items[items.length - 1] === '-') { items.pop(); }
    items.forEach(function (it) {
      if (it === '-') {
        var sep = document.createElement('div');
        sep.setAttribute('role', 'separator');
        el.appendChild(sep);
        return;
      }
      if (!it.label || typeof it.run !== 'function') {
        throw new Error('SG.openMenu: item ' + JSON.stringify(it.label) + ' of "' + opts.label + '" needs a label and run()');
      }
      var b = document.createElement('button');
      b.type = 'button';
      b.setAttribute('role', 'menuitem');
      b.tabIndex = -1;
      // the accessible name is the label alone: the shortcut hint beside it is decoration
      b.setAttribute('aria-label', it.label);
      b.setAttribute('data-index', String(actions.length));
      if (it.testid) { b.setAttribute('data-testid', it.testid); }
      if (it.danger) { b.className = 'danger'; }
      if (it.disabled) { b.setAttribute('aria-disabled', 'true'); }
      if (it.keys) { b.setAttribute('aria-keyshortcuts', it.keys); }
      b.innerHTML = '<span class="sg-mi-label">' + SG.esc(it.label) + '</span>' +
        (it.hint || it.keys ? '<span class="sg-mi-keys" aria-hidden="true">' + SG.esc(it.hint || it.keys) + '</span>' : '');
      actions.push(it.run);
      el.appendChild(b);
    });
    // pressing inside the menu must not move focus or the selection (the notes editor keeps its
    // selection for the Format menu); hovering an item focuses it, so the keys go on from there
    el.addEventListener('mousedown', function (e) { e.preventDefault(); });
    el.addEventListener('mousemove', function (e) {
      var item = e.target.closest('[role="menuitem"]');
      if (item && item !== document.activeElement && item.getAttribute('aria-disabled') !== 'true') { focusItem(item); }
    });
    el.addEventListener('click', function (e) {
      var item = e.target.closest('[role="menuitem"]');
      if (!item || item.getAttribute('aria-disabled') === 'true') { return; }
      var run = actions[+item.getAttribute('data-index')];
      SG.closeMenu(true);   // focus goes back first, so the command may move it on
      run();
    });
    return el;
  }

  /** Puts the menu at a point (a context menu) or under an anchor, inside the viewport. */
  function placeMenu(el, opts) {
    var vw = document.documentElement.clientWidth, vh = document.documentElement.clientHeight;
    var w = el.offsetWidth, h = el.offsetHeight, x, y;
    if (opts.anchor) {
      var r = opts.anchor.getBoundingClientRect();
      x = opts.alignRight ? r.right - w : r.left;
      y = r.bottom + 2;
      if (y + h > vh - MENU_EDGE && r.top - 2 - h >= MENU_EDGE) { y = r.top - 2 - h; }
    } else {
      // like a native context menu: its corner at the pointer, flipped left/up where it would not fit
      x = opts.at.x + 1;
      y = opts.at.y + 1;
      if (x + w > vw - MENU_EDGE) { x = opts.at.x - w - 1; }
      if (y + h > vh - MENU_EDGE) { y = opts.at.y - h - 1; }
    }
    x = clamp(x, MENU_EDGE, Math.max(MENU_EDGE, vw - w - MENU_EDGE));
    y = clamp(y, MENU_EDGE, Math.max(MENU_EDGE, vh - h - MENU_EDGE));
    el.style.left = Math.round(x + window.scrollX) + 'px';
    el.style.top = Math.round(y + window.scrollY) + 'px';
  }

  /**
   * Opens a popup menu (closing any other). opts: {label (accessible name), testid, items,
   * at: {x, y} (client px, a context menu) | anchor: element (opens below it, above where there is
   * no room; alignRight), owner: the element whose click toggles this menu (gets aria-expanded),
   * focus: 'first' | 'last' | 'menu' (keyboard opening focuses an item, a pointer the menu itself),
   * onKey(event, menuEl): keys the menu does not use (a menubar's ArrowLeft/ArrowRight)}.
   * items: [{label, run(), keys (shortcut, also aria-keyshortcuts), hint (its visible text if not
   * keys), testid, disabled, danger} | '-' (separator)]. Returns the menu element.
   */
  SG.openMenu = function (opts) {
    SG.closeMenu(false);
    closeMenus();
    hideTip();
    var el = buildMenu(opts);
    el.style.left = '0px';
    el.style.top = '0px';
    document.body.appendChild(el);
    placeMenu(el, opts);
    menu = { el: el, label: opts.label, owner: opts.owner || null, onKey: opts.onKey || null,
      returnFocus: document.activeElement && document.activeElement !== document.body ? document.activeElement : (opts.owner || null) };
    if (menu.owner) { menu.owner.setAttribute('aria-expanded', 'true'); }
    var items = menuItems();
    if (opts.focus === 'first') { focusItem(items[0]); }
    else if (opts.focus === 'last') { focusItem(items[items.length - 1]); }
    else { el.focus({ preventScroll: true }); }
    return el;
  };
  /** Closes the open menu; restoreFocus puts focus back where it was when the menu opened. */
  SG.closeMenu = function (restoreFocus) {
    if (!menu) { return; }
    var m = menu;
    menu = null;
    m.el.remove();
    if (m.owner) { m.owner.setAttribute('aria-expanded', 'false'); }
    var back = m.returnFocus;
    if (restoreFocus && back && back.focus && document.contains(back)) { back.focus({ preventScroll: true }); }
  };
  SG.menuOpen = function () { return !!menu; };
  /** The open menu for appState(): {label, items: [their names], focused: the focused item's name}, or null. */
  SG.menuState = function () {
    if (!menu) { return null; }
    return {
      label: menu.label,
      items: SG.$$('[role="menuitem"]', menu.el).map(function (b) { return b.getAttribute('aria-label'); }),
      focused: document.activeElement && menu.el.contains(document.activeElement) && document.activeElement !== menu.el
        ? document.activeElement.getAttribute('aria-label') : null
    };
  };

  function typeahead(ch) {
    var items = menuItems();
    if (!items.length) { return; }
    var start = items.indexOf(document.activeElement);
    for (var k = 1; k <= items.length; k++) {
      var item = items[(start + k + items.length) % items.length];
      if (item.getAttribute('aria-label').charAt(0).toLowerCase() === ch.toLowerCase()) { focusItem(item); return; }
    }
  }
  // Capture phase: while a menu is open its keys never reach the page's shortcuts.
  document.addEventListener('keydown', function (e) {
    if (!menu) { return; }
    var items = menuItems();
    var i = items.indexOf(document.activeElement);
    var key = e.key;
    function stop() { e.preventDefault(); e.stopPropagation(); }
    if (key === 'Escape') { stop(); SG.closeMenu(true); }
    else if (key === 'ArrowDown' || key === 'ArrowUp') {
      stop();
      if (!items.length) { return; }
      var step = key === 'ArrowDown' ? 1 : -1;
      focusItem(items[i < 0 ? (step > 0 ? 0 : items.length - 1) : (i + step + items.length) % items.length]);
    }
    else if (key === 'Home' || key === 'End') { stop(); focusItem(items[key === 'Home' ? 0 : items.length - 1]); }
    else if (key === 'Tab') { SG.closeMenu(true); }   // not prevented: Tab goes on from where focus was
    else if (key === 'Enter' || key === ' ') {
      e.stopPropagation();                               // an item (a button) activates itself
      if (i < 0) { e.preventDefault(); }
    }
    else if (menu.onKey && menu.onKey(e, menu.el)) { stop(); }
    else if (key.length === 1 && !e.ctrlKey && !e.metaKey && !e.altKey) { stop(); typeahead(key); }
  }, true);
  document.addEventListener('mousedown', function (e) {
    if (!menu || menu.el.contains(e.target) || (menu.owner && menu.owner.contains(e.target))) { return; }
    SG.closeMenu(false);
  }, true);
  window.addEventListener('resize', function () { SG.closeMenu(false); });

  /**
   * Menu buttons under root matching selector (delegated, so re-rendered buttons keep working):
   * a click opens the menu below the button (a keyboard click focuses its first item), a second
   * click closes it; ArrowDown/ArrowUp on the button open it at the first/last item.
   * opts: {label, testid, alignRight, items: fn(button) -> items}.
   * The buttons carry aria-haspopup="menu" aria-expanded="false" in their markup.
   */
  SG.menuButton = function (root, selector, opts) {
    function open(button, focus) {
      SG.openMenu({
        label: opts.label, testid: opts.testid, items: opts.items(button), anchor: button, owner: button,
        alignRight: opts.alignRight, focus: focus
      });
    }
    root.addEventListener('click', function (e) {
      var button = e.target.closest(selector);
      if (!button || !root.contains(button)) { return; }
      e.preventDefault();
      if (menu && menu.owner === button) { SG.closeMenu(true); return; }
      open(button, e.detail === 0 ? 'first' : 'menu');   // detail 0: Enter or Space, not a pointer
    });
    root.addEventListener('keydown', function (e) {
      var button = e.target.closest(selector);
      if (!button || menu || (e.key !== 'ArrowDown' && e.key !== 'ArrowUp')) { return; }
      e.preventDefault();
      e.stopPropagation();
      open(button, e.key === 'ArrowDown' ? 'first' : 'last');
    });
  };

  /**
   * Context menus for elements under root matching selector: a right-click (or the Menu key /
   * Shift+F10, which fire contextmenu on the focused element) opens the menu at the pointer
   * instead of the browser's. opts: {label, testid, items: fn(element, event) -> items,
   * onOpen: fn(element)}.
   */
  SG.contextMenu = function (root, selector, opts) {
    root.addEventListener('contextmenu', function (e) {
      var el = e.target.closest(selector);
      // in a text field the browser's own menu (cut, copy, paste) is the useful one
      if (!el || !root.contains(el) || SG.isTyping(e.target)) { return; }
      e.preventDefault();
      if (opts.onOpen) { opts.onOpen(el); }
      // opened from the keyboard (Chromium: button -1; the spec: no pointerType): at the element,
      // its first item focused
      var byKey = e.button < 0 || e.pointerType === '';
      var r = el.getBoundingClientRect();
      SG.openMenu({
        label: opts.label, testid: opts.testid, items: opts.items(el, e),
        at: byKey ? { x: r.left + 8, y: r.top + Math.min(r.height, 24) } : { x: e.clientX, y: e.clientY },
        focus: byKey ? 'first' : 'menu'
      });
    });
  };

  /**
   * A menubar (role="menubar") of menu titles, each opening its menu: click or Enter/Space/
   * ArrowDown opens, ArrowLeft/ArrowRight move between titles (and between open menus), a pointer
   * resting on another title while a menu is open switches to it (resting: a pointer that only
   * crosses a neighbouring title on its way down into the open menu leaves it open).
   * menus: [{label, menuTestid, items: fn}].
   * opts.beforeOpen() runs before a menu opens (the notes editor saves its selection there).
   */
  SG.menubar = function (bar, menus, opts) {
    opts = opts || {};
    bar.setAttribute('role', 'menubar');
    bar.innerHTML = menus.map(function (m, i) {
      return '<button type="button" role="menuitem" aria-haspopup="menu" aria-expanded="false" tabindex="' + (i ? '-1' : '0') +
        '" data-menu="' + i + '"' + (m.testid ? ' data-testid="' + SG.esc(m.testid) + '"' : '') + '>' + SG.esc(m.label) + '</button>';
    }).join('');
    var titles = SG.$$('[role="menuitem"]', bar);
    function rove(i) {
      titles.forEach(function (t, k) { t.tabIndex = k === i ? 0 : -1; });
    }
    function ownIndex() { return menu ? titles.indexOf(menu.owner) : -1; }
    function open(i, focus) {
      if (opts.beforeOpen && ownIndex() < 0) { opts.beforeOpen(); }
      var keepReturn = menu && ownIndex() >= 0 ? menu.returnFocus : null;
      rove(i);
      SG.openMenu({
        label: menus[i].label, testid: menus[i].menuTestid, items: menus[i].items(), anchor: titles[i], owner: titles[i], focus: focus,
        onKey: function (e) {
          if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') { return false; }
          open((i + (e.key === 'ArrowRight' ? 1 : -1) + titles.length) % titles.length, 'first');
          return true;
        }
      });
      // switching between the bar's menus keeps where focus goes back to when they close
      if (keepReturn) { menu.returnFocus = keepReturn; }
    }
    // a press on a title must not take focus (and the selection) from the editor
    bar.addEventListener('mousedown', function (e) { if (e.target.closest('[role="menuitem"]')) { e.preventDefault(); } });
    bar.addEventListener('click', function (e) {
      var t = e.target.closest('[role="menuitem"]');
      if (!t) { return; }
      var i = titles.indexOf(t);
      if (ownIndex() === i) { SG.closeMenu(true); return; }
      open(i, e.detail === 0 ? 'first' : 'menu');
    });
    var switchTimer = null;
    bar.addEventListener('mouseover', function (e) {
      var t = e.target.closest('[role="menuitem"]');
      var i = titles.indexOf(t);
      clearTimeout(switchTimer);
      if (!t || ownIndex() < 0 || ownIndex() === i) { return; }
      switchTimer = setTimeout(function () {
        if (t.matches(':hover') && ownIndex() >= 0 && ownIndex() !== i) { open(i, 'menu'); }
      }, MENUBAR_SWITCH_MS);
    });
    bar.addEventListener('mouseleave', function () { clearTimeout(switchTimer); });
    bar.addEventListener('keydown', function (e) {
      var i = titles.indexOf(e.target);
      if (i < 0 || menu) { return; }
      var k = e.key, n = titles.length;
      if (k === 'ArrowRight' || k === 'ArrowLeft') {
        e.preventDefault();
        var j = (i + (k === 'ArrowRight' ? 1 : -1) + n) % n;
        rove(j);
        titles[j].focus();
      } else if (k === 'Home' || k === 'End') {
        e.preventDefault();
        rove(k === 'Home' ? 0 : n - 1);
        titles[k === 'Home' ? 0 : n - 1].focus();
      } else if (k === 'ArrowDown' || k === 'ArrowUp') {
        e.preventDefault();
        e.stopPropagation();
        open(i, k === 'ArrowDown' ? 'first' : 'last');
      }
    });
    return bar;
  };

  /* ------------------------------------------------------------ shortcuts */
  var TEXT_INPUT = 'input:not([type="checkbox"]):not([type="radio"]):not([type="button"]):not([type="submit"])' +
    ':not([type="reset"]):not([type="file"]):not([type="range"]):not([type="color"]), textarea, select';
  /** True while el takes typed text (a text field, a select or contenteditable). */
  SG.isTyping = function (el) {
    return !!(el && el.closest && (el.isContentEditable || el.closest(TEXT_INPUT)));
  };
  /**
   * Single-key shortcuts: handler(key, event) runs for a keydown that is not typed into a field,
   * has no Ctrl/Meta/Alt (those are chords, which pages handle themselves), comes while no dialog
   * or menu is open, and is not Enter or Space on a control (those activate it). It returns true
   * when it used the key, whose default action is then prevented.
   */
  SG.onShortcut = function (handler) {
    document.addEventListener('keydown', function (e) {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || e.isComposing) { return; }
      if (openDialogs.length || menu || SG.isTyping(e.target)) { return; }
      if ((e.key === 'Enter' || e.key === ' ') && e.target.closest &&
          e.target.closest('button, a[href], summary, [role="button"], [role="menuitem"]')) { return; }
      if (handler(e.key, e)) { e.preventDefault(); }
    });
  };

  /**
   * A keyboard cursor over the rows of a list or table, as in Gmail: the page's j/k call step(),
   * and pointing at a row moves the cursor there (a real pointer move only, not the mouse events
   * Chromium sends a resting pointer when the rows re-render under it). The cursor row has class
   * "current". opts: {rowSelector, idOf(row), focusOf(row) (what j/k focus in the row)}.
   * After each render the page calls sync(ids): a cursor whose row went away (archived, deleted)
   * passes to the row now in its place.
   */
  SG.rowCursor = function (container, opts) {
    var cur = { id: null, index: 0, ids: [] };
    function rows() { return SG.$$(opts.rowSelector, container); }
    cur.set = function (id, focus) {
      cur.id = id;
      cur.index = Math.max(0, cur.ids.indexOf(id));
      rows().forEach(function (row) {
        var on = opts.idOf(row) === id;
        row.classList.toggle('current', on);
        if (on && focus) {
          (opts.focusOf ? opts.focusOf(row) : row).focus({ preventScroll: true });
          row.scrollIntoView({ block: 'nearest' });
        }
      });
    };
    cur.sync = function (ids) {
      cur.ids = ids.slice();
      var id = ids.indexOf(cur.id) >= 0 ? cur.id : (ids[Math.min(cur.index, ids.length - 1)] || null);
      cur.set(id, false);
    };
    /** Moves by delta rows (focusing the row); false when that leaves the rows shown. */
    cur.step = function (delta) {
      var i = cur.ids.indexOf(cur.id) + delta;
      if (i < 0 || i >= cur.ids.length) { return false; }
      cur.set(cur.ids[i], true);
      return true;
    };
    /** Puts the cursor at row index i (negative counts from the end) before the next sync. */
    cur.reset = function (i) { cur.id = null; cur.index = i < 0 ? Number.MAX_SAFE_INTEGER : i; };
    // the last pointer position anywhere on the page: a dialog closing or the rows re-rendering
    // under a resting pointer brings a mousemove at that same position, which is not a move
    var last = { x: -1, y: -1 };
    document.addEventListener('mousemove', function (e) {
      var moved = e.clientX !== last.x || e.clientY !== last.y;
      last = { x: e.clientX, y: e.clientY };
      var row = moved && e.target.closest ? e.target.closest(opts.rowSelector) : null;
      if (row && container.contains(row) && opts.idOf(row) !== cur.id) { cur.set(opts.idOf(row), false); }
    }, true);
    return cur;
  };

  /**
   * A "Keyboard shortcuts" dialog (role="dialog", testid help-dialog) listing rows of
   * [keys, what they do]; keys like "Shift+U" or "j / k" are shown as <kbd>. Built on first open.
   * Returns {open(), isOpen()}.
   */
  SG.shortcutHelp = function (rows) {
    var backdrop = null;
    function keysHTML(keys) {
      return keys.split(' ').map(function (part) {
        if (part === '/' && keys !== '/' || part === 'or') { return ' ' + SG.esc(part) + ' '; }
        return part.split(/\+(?=.)/).map(function (k) { return '<kbd>' + SG.esc(k) + '</kbd>'; }).join('+');
      }).join(' ');
    }
    function build() {
      backdrop = document.createElement('div');
      backdrop.className = 'sg-backdrop';
      backdrop.hidden = true;
      backdrop.innerHTML =
        '<div class="sg-dialog sg-help" role="dialog" aria-modal="true" aria-labelledby="sg-help-title" data-testid="help-dialog">' +
        '<h2 id="sg-help-title">Keyboard shortcuts</h2><table class="data"><tbody>' +
        rows.map(function (r) { return '<tr><td>' + keysHTML(r[0]) + '</td><td>' + SG.esc(r[1]) + '</td></tr>'; }).join('') +
        '</tbody></table><div class="actions"><button type="button" class="btn primary" data-act="close" autofocus>Close</button></div></div>';
      document.body.appendChild(backdrop);
      backdrop.addEventListener('click', function (e) {
        if (e.target === backdrop || (e.target.closest && e.target.closest('[data-act="close"]'))) { SG.closeDialog(backdrop); }
      });
    }
    return {
      open: function () {
        if (!backdrop) { build(); }
        if (backdrop.hidden) { SG.closeMenu(false); SG.openDialog(backdrop); }
      },
      isOpen: function () { return !!backdrop && !backdrop.hidden; }
    };
  };

  /* ------------------------------------------------------------ top navbar */
  var accountExtras = null;
  function renderNav() {
    var host = document.getElementById('sg-topnav');
    if (!host) { return; }
    var current = host.getAttribute('data-app') || '';
    var currentApp = APPS.filter(function (a) { return a.name === current; })[0];
    host.className = 'sg-topnav';
    var appsItems = APPS.filter(function (a) { return a.name !== current; }).map(function (a) {
      return '<li role="none"><a role="menuitem" href="/' + a.name + '/" title="' + SG.esc(a.description) + '">' +
        SG.esc(a.title) + '<span class="sg-menu-desc" aria-hidden="true">' + SG.esc(a.description) + '</span></a></li>';
    }).join('');
    host.innerHTML =
      '<a class="sg-brand" href="/" title="All synthgen apps"><span class="sg-brand-mark" aria-hidden="true"></span>Synthgen</a>' +
      (currentApp ? '<span class="sg-app-title" data-testid="app-title">' + SG.esc(currentApp.title) + '</span>' : '') +
      '<nav class="sg-menu" aria-label="Apps" data-testid="apps-menu">' +
      '<button type="button" aria-haspopup="true" aria-expanded="false" title="Switch to another app">Apps <span aria-hidden="true">▾</span></button>' +
      '<ul class="sg-menu-panel" role="menu" aria-label="Apps">' + appsItems +
      '<li role="separator"><hr></li><li role="none"><a role="menuitem" href="/">All apps</a></li></ul></nav>' +
      '<div class="sg-nav-spacer"></div>' +
      '<div class="sg-nav-links">' +
      '<a class="sg-nav-icon" href="/" aria-label="Home" data-tip="Back to the list of apps" data-testid="nav-home">' + SG.icon('home', 18) + '</a>' +
      '<button type="button" class="sg-nav-icon" aria-label="Notifications" data-tip="You have no new notifications" data-testid="nav-notifications">' + SG.icon('bell', 18) + '</button>' +
      '</div>' +
      '<div class="sg-menu right" data-testid="account-menu">' +
      '<button type="button" aria-haspopup="true" aria-expanded="false" title="' + SG.esc(USER.name) + '">' +
      '<span class="sg-avatar" aria-hidden="true">' + USER.initials + '</span>Account <span aria-hidden="true">▾</span></button>' +
      '<ul class="sg-menu-panel" role="menu" aria-label="Account">' +
      '<li role="none" class="sg-menu-note">Signed in as ' + SG.esc(USER.email) + '</li>' +
      '<li role="none" data-extras></li>' +
      '<li role="none"><button type="button" role="menuitem" data-testid="reset-app-data">Reset app data</button></li>' +
      '<li role="none"><a role="menuitem" href="/">All apps</a></li></ul></div>';

    accountExtras = host.querySelector('[data-extras]');
    var reset = host.querySelector('[data-testid="reset-app-data"]');
    reset.addEventListener('click', function () {
      if (current) { SG.resetState(current); }
      SG.flash('App data reset', 'info');
      location.reload();
    });
    SG.$$('.sg-menu', host).forEach(wireMenu);
    var bell = host.querySelector('[data-testid="nav-notifications"]');
    bell.addEventListener('click', function () { SG.toast('No new notifications', 'info', 2500); });
  }

  /** Adds an item to the account menu: {label, testid, href | onClick}. */
  SG.addAccountItem = function (item) {
    if (!accountExtras) { return; }
    var li = document.createElement('li');
    li.setAttribute('role', 'none');
    var el = document.createElement(item.href ? 'a' : 'button');
    el.setAttribute('role', 'menuitem');
    if (item.href) { el.href = item.href; } else { el.type = 'button'; el.addEventListener('click', item.onClick); }
    if (item.testid) { el.setAttribute('data-testid', item.testid); }
    el.textContent = item.label;
    li.appendChild(el);
    accountExtras.parentNode.insertBefore(li, accountExtras);
  };

  function wireMenu(menu) {
    var button = menu.querySelector('button');
    var panel = menu.querySelector('.sg-menu-panel');
    function sync() {
      var shown = getComputedStyle(panel).display !== 'none';
      button.setAttribute('aria-expanded', shown ? 'true' : 'false');
    }
    menu.addEventListener('mouseenter', function () { setTimeout(sync, 0); });
    menu.addEventListener('mouseleave', function () { setTimeout(sync, 0); });
    button.addEventListener('click', function (e) {
      e.stopPropagation();
      var wasOpen = menu.classList.contains('open');
      closeMenus();
      if (!wasOpen) { menu.classList.add('open'); }
      sync();
    });
    button.addEventListener('keydown', function (e) {
      if (e.key === 'ArrowDown') {
        e.preventDefault();
        menu.classList.add('open');
        sync();
        var first = panel.querySelector('[role="menuitem"]');
        if (first) { first.focus(); }
      }
    });
    panel.addEventListener('keydown', function (e) {
      var items = SG.$$('[role="menuitem"]', panel);
      var i = items.indexOf(document.activeElement);
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        var next = e.key === 'ArrowDown' ? (i + 1) % items.length : (i - 1 + items.length) % items.length;
        items[next].focus();
      } else if (e.key === 'Escape') {
        closeMenus();
        button.focus();
      }
    });
  }
  function closeMenus() {
    SG.$$('.sg-menu.open').forEach(function (m) {
      m.classList.remove('open');
      var b = m.querySelector('button');
      if (b) { b.setAttribute('aria-expanded', 'false'); }
    });
  }
  document.addEventListener('click', function (e) {
    if (!e.target.closest || !e.target.closest('.sg-menu')) { closeMenus(); }
  });
  document.addEventListener('keydown', function (e) {
    if (e.key === 'Escape' && !openDialogs.length) { closeMenus(); }
  });

  /* ------------------------------------------------------------------ boot */
  renderNav();
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', showFlashes);
  } else {
    showFlashes();
  }

  window.SG = SG;
})();
