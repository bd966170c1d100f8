/* Shared helpers for the synthgen demo apps (window.SG).
 *
 * - top navigation bar with CSS hover menus ("Apps", "Account")
 * - per-app state in localStorage, seeded from static JSON fixtures
 * - toasts (also "flash" toasts carried across a page navigation)
 * - custom hover tooltips for elements with a data-tip attribute
 * - small modal dialog helpers
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
    star: '<path d="M12 3l2.8 5.8 6.2.9-4.5 4.4 1 6.2L12 17.3 6.5 20.3l1-6.2L3 9.7l6.2-.9z"/>'
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
