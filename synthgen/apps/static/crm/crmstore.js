/* CRM state shared by all CRM pages (localStorage "synthgen:crm", seeded from
 * data/contacts.json). Pages other than login.html require a signed-in user. */
(function () {
  'use strict';

  var VERSION = 1;
  var VIEW_KEY = 'synthgen:crm:view';
  var EMAIL_RE = /^[^\s@]+@[^\s@]+\.[A-Za-z]{2,}$/;

  var CRM = { state: null, EMAIL_RE: EMAIL_RE };

  CRM.load = function () {
    return SG.loadState('crm', VERSION, function () {
      return SG.fetchJSON('data/contacts.json').then(function (data) {
        return {
          today: data.today,
          owners: data.owners,
          statuses: data.statuses,
          companies: data.companies,
          contacts: data.contacts,
          activity: data.activity,
          nextId: data.contacts.length + 1,
          clock: data.today + 'T09:30:00',
          session: null,
          log: { created: [], updated: [], deleted: [] }
        };
      });
    }).then(function (s) { CRM.state = s; return s; });
  };
  CRM.save = function () { SG.saveState('crm', CRM.state); };

  /** Loads state; if nobody is signed in, redirects to login.html and never resolves. */
  CRM.requireLogin = function () {
    return CRM.load().then(function (s) {
      if (!s.session) {
        var here = (location.pathname.split('/').pop() || 'index.html') + location.search;
        location.replace('login.html?next=' + encodeURIComponent(here));
        return new Promise(function () {});
      }
      SG.addAccountItem({ label: 'Sign out', testid: 'sign-out', onClick: CRM.signOut });
      return s;
    });
  };
  CRM.signOut = function () {
    CRM.state.session = null;
    CRM.save();
    SG.flash('Signed out', 'info');
    location.href = 'login.html';
  };

  CRM.get = function (id) {
    return CRM.state.contacts.filter(function (c) { return c.id === id; })[0] || null;
  };
  CRM.fullName = function (c) { return c.firstName + ' ' + c.lastName; };
  CRM.tick = function () {
    CRM.state.clock = SG.addMinutes(CRM.state.clock, 1);
    return CRM.state.clock;
  };
  CRM.logActivity = function (what) {
    CRM.state.activity.unshift({ who: SG.USER.name, what: what, when: CRM.tick() });
  };
  CRM.statusBadge = function (status) {
    var color = { Lead: 'blue', Prospect: 'amber', Customer: 'green', Churned: 'red' }[status] || '';
    return '<span class="badge ' + color + '">' + SG.esc(status) + '</span>';
  };
  CRM.money = function (n) {
    return '$' + String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  };

  /** Table view settings (sort, page, filter) survive navigation within the tab. */
  CRM.loadView = function () {
    var def = { sortKey: 'name', sortDir: 'asc', page: 1, pageSize: 20, filter: '', status: '', highlight: null };
    try { return Object.assign(def, JSON.parse(sessionStorage.getItem(VIEW_KEY) || '{}')); } catch (e) { return def; }
  };
  CRM.saveView = function (view) { sessionStorage.setItem(VIEW_KEY, JSON.stringify(view)); };

  CRM.snapshot = function (extra) {
    var s = CRM.state;
    var base = { app: 'crm', ready: !!s, toasts: SG.toasts.slice() };
    if (!s) { return Object.assign(base, extra || {}); }
    function records(ids) {
      return ids.map(CRM.get).filter(Boolean).map(SG.clone);
    }
    return Object.assign(base, {
      loggedIn: !!s.session,
      user: s.session ? s.session.email : null,
      contactCount: s.contacts.length,
      created: records(s.log.created),
      updated: records(s.log.updated),
      deleted: s.log.deleted.slice(),
      activity: s.activity.slice(0, 10)
    }, extra || {});
  };

  window.CRM = CRM;
})();
