/* Webmail state shared by the mailbox page and the compose page.
 * State lives in localStorage ("synthgen:webmail"), seeded from data/mailbox.json. */
(function () {
  'use strict';

  var VERSION = 1;
  var FOLDERS = [
    { id: 'inbox', title: 'Inbox' },
    { id: 'starred', title: 'Starred' },
    { id: 'sent', title: 'Sent' },
    { id: 'drafts', title: 'Drafts' },
    { id: 'archive', title: 'Archive' },
    { id: 'trash', title: 'Trash' }
  ];
  var EMAIL_RE = /^[^\s@,;<>]+@[^\s@,;<>]+\.[^\s@,;<>]+$/;

  var Mail = { FOLDERS: FOLDERS, EMAIL_RE: EMAIL_RE, state: null };

  Mail.load = function () {
    return SG.loadState('webmail', VERSION, function () {
      return SG.fetchJSON('data/mailbox.json').then(function (data) {
        return {
          user: data.user,
          clock: data.now,
          contacts: data.contacts,
          messages: data.messages,
          nextId: data.messages.length + 1
        };
      });
    }).then(function (state) { Mail.state = state; return state; });
  };
  Mail.save = function () { SG.saveState('webmail', Mail.state); };

  /** Deterministic "now": advances one minute per outgoing action. */
  Mail.tick = function () {
    Mail.state.clock = SG.addMinutes(Mail.state.clock, 1);
    return Mail.state.clock;
  };
  Mail.newId = function () { return 'm' + (Mail.state.nextId++); };
  Mail.get = function (id) {
    return Mail.state.messages.filter(function (m) { return m.id === id; })[0] || null;
  };
  function idNum(m) { return parseInt(m.id.slice(1), 10); }
  Mail.inFolder = function (folder) {
    var list = Mail.state.messages.filter(function (m) {
      if (folder === 'starred') { return m.starred && m.folder !== 'trash'; }
      return m.folder === folder;
    });
    return list.sort(function (a, b) {
      if (a.date !== b.date) { return a.date < b.date ? 1 : -1; }
      return idNum(b) - idNum(a);
    });
  };
  Mail.matches = function (m, query) {
    if (!query) { return true; }
    var hay = [m.fromName, m.from, (m.to || []).join(' '), m.subject, m.body].join('\n').toLowerCase();
    return query.toLowerCase().split(/\s+/).every(function (w) { return !w || hay.indexOf(w) >= 0; });
  };
  /** "a@b.c, d@e.f;" -> ["a@b.c", "d@e.f"] */
  Mail.splitRecipients = function (text) {
    return String(text || '').split(/[,;]/).map(function (s) {
      s = s.trim();
      var angle = /<([^>]+)>/.exec(s);
      return angle ? angle[1].trim() : s;
    }).filter(Boolean);
  };
  Mail.contactName = function (email) {
    var c = Mail.state.contacts.filter(function (x) { return x.email === email; })[0];
    return c ? c.name : email;
  };

  function summary(m) {
    return {
      id: m.id, folder: m.folder, from: m.from, to: m.to.slice(), cc: (m.cc || []).slice(),
      subject: m.subject, body: m.body, date: m.date, read: m.read, starred: m.starred,
      attachments: (m.attachments || []).slice(), inReplyTo: m.inReplyTo || null
    };
  }
  /** Snapshot used by window.appState() on both pages; `extra` is page specific. */
  Mail.snapshot = function (extra) {
    var s = Mail.state;
    var base = { app: 'webmail', ready: !!s, toasts: SG.toasts.slice() };
    if (!s) { return Object.assign(base, extra || {}); }
    var counts = {};
    FOLDERS.forEach(function (f) { counts[f.id] = Mail.inFolder(f.id).length; });
    counts.unread = Mail.inFolder('inbox').filter(function (m) { return !m.read; }).length;
    function ids(folder) { return Mail.inFolder(folder).map(function (m) { return m.id; }); }
    return Object.assign(base, {
      counts: counts,
      sent: Mail.inFolder('sent').map(summary),
      drafts: Mail.inFolder('drafts').map(summary),
      starred: ids('starred'),
      archived: ids('archive'),
      trash: ids('trash'),
      clock: s.clock
    }, extra || {});
  };

  window.Mail = Mail;
})();
