/* Webmail mailbox page: folders, paged message list, search, message view.
 * Routes: #/<folder> (list) and #/<folder>/<messageId> (open message). */
(function () {
  'use strict';

  var PAGE_SIZE = 25;
  var ui = { folder: 'inbox', messageId: null, page: 1, query: '' };
  var $ = SG.$;

  function folderTitle(id) {
    var f = Mail.FOLDERS.filter(function (x) { return x.id === id; })[0];
    return f ? f.title : id;
  }

  function parseRoute() {
    var parts = location.hash.replace(/^#\/?/, '').split('/').filter(Boolean);
    var folder = parts[0] || 'inbox';
    if (!Mail.FOLDERS.some(function (f) { return f.id === folder; })) { folder = 'inbox'; }
    if (folder !== ui.folder) { ui.page = 1; }
    ui.folder = folder;
    ui.messageId = parts[1] || null;
  }

  /* ------------------------------------------------------------- folders */
  function renderFolders() {
    var html = Mail.FOLDERS.map(function (f) {
      var list = Mail.inFolder(f.id);
      var n = f.id === 'inbox' ? list.filter(function (m) { return !m.read; }).length : list.length;
      var current = f.id === ui.folder ? ' aria-current="page"' : '';
      var label = f.id === 'inbox' ? n + ' unread' : n + ' messages';
      return '<li><a href="#/' + f.id + '"' + current + ' data-testid="folder-' + f.id + '">' +
        '<span>' + f.title + '</span><span class="count" aria-hidden="true" title="' + label + '">' + (n || '') + '</span></a></li>';
    }).join('');
    $('#folder-list').innerHTML = html;
  }

  /* ---------------------------------------------------------------- list */
  function visibleMessages() {
    return Mail.inFolder(ui.folder).filter(function (m) { return Mail.matches(m, ui.query); });
  }
  function firstLine(body) {
    var text = String(body || '').replace(/^Hi [^\n]*\n+/, '').replace(/\s+/g, ' ').trim();
    return text.length > 90 ? text.slice(0, 90) + '…' : text;
  }
  function renderList() {
    var all = visibleMessages();
    var pages = Math.max(1, Math.ceil(all.length / PAGE_SIZE));
    ui.page = Math.min(Math.max(1, ui.page), pages);
    var start = (ui.page - 1) * PAGE_SIZE;
    var shown = all.slice(start, start + PAGE_SIZE);
    ui.visibleIds = shown.map(function (m) { return m.id; });

    $('#folder-title').textContent = folderTitle(ui.folder);
    $('#page-info').textContent = all.length ? (start + 1) + '–' + (start + shown.length) + ' of ' + all.length : '0 of 0';
    $('#newer').disabled = ui.page <= 1;
    $('#older').disabled = ui.page >= pages;
    var info = $('#search-info');
    info.hidden = !ui.query;
    info.textContent = ui.query ? all.length + ' result' + (all.length === 1 ? '' : 's') + ' for “' + ui.query + '”' : '';

    var isOutgoing = ui.folder === 'sent' || ui.folder === 'drafts';
    $('#message-list').innerHTML = shown.map(function (m) {
      var who = isOutgoing ? 'To: ' + (m.to.map(Mail.contactName).join(', ') || '(no recipients)') : m.fromName;
      var href = m.folder === 'drafts' ? 'compose.html?draft=' + m.id : '#/' + ui.folder + '/' + m.id;
      var inTrash = m.folder === 'trash';
      return '<li class="msg msg-row' + (m.read ? '' : ' unread') + '" data-testid="message-row" data-id="' + m.id + '">' +
        '<button type="button" class="star" data-act="star" aria-pressed="' + m.starred + '" aria-label="' +
        (m.starred ? 'Unstar' : 'Star') + '" title="' + (m.starred ? 'Unstar' : 'Star') + ' this message">' +
        (m.starred ? '★' : '☆') + '</button>' +
        '<a class="msg-link" href="' + href + '">' +
        '<span class="msg-from">' + SG.esc(who) + '</span>' +
        '<span class="msg-preview"><span class="msg-subject">' + SG.esc(m.subject || '(no subject)') + '</span>' +
        ' <span class="msg-snippet">— ' + SG.esc(firstLine(m.body)) + '</span></span>' +
        '<span class="msg-date">' + SG.esc(SG.formatDateTime(m.date)) + '</span></a>' +
        '<span class="row-actions">' +
        (m.folder === 'archive' || inTrash
          ? '<button type="button" data-act="inbox" aria-label="Move to Inbox" data-tip="Move back to the Inbox">' + SG.icon('undo') + '</button>'
          : '<button type="button" data-act="archive" aria-label="Archive" data-tip="Archive this message">' + SG.icon('archive') + '</button>') +
        '<button type="button" data-act="delete" aria-label="' + (inTrash ? 'Delete forever' : 'Delete') +
        '" data-tip="' + (inTrash ? 'Delete this message forever' : 'Move to Trash') + '">' + SG.icon('trash') + '</button>' +
        '</span></li>';
    }).join('');
    var empty = $('#empty');
    empty.hidden = all.length > 0;
    empty.textContent = ui.query ? 'No messages match “' + ui.query + '”.' : 'No messages in ' + folderTitle(ui.folder) + '.';
  }

  /* --------------------------------------------------------- message view */
  function renderMessage(m) {
    var view = $('#message-view');
    var paragraphs = String(m.body || '').split(/\n{2,}/).map(function (p) {
      return '<p>' + SG.esc(p) + '</p>';
    }).join('');
    var inTrash = m.folder === 'trash';
    var attachments = (m.attachments || []).map(function (a) {
      return '<span class="badge blue" title="' + a.bytes + ' bytes">' + SG.icon('clip', 12) + ' ' + SG.esc(a.name) + '</span>';
    }).join('');
    view.innerHTML =
      '<div class="actions" role="toolbar" aria-label="Message actions">' +
      '<a class="btn" href="#/' + ui.folder + '" title="Back to ' + folderTitle(ui.folder) + '">← Back</a>' +
      '<button type="button" class="btn primary" data-href="compose.html?reply=' + m.id + '" id="reply" data-testid="reply" title="Reply to the sender">Reply</button>' +
      '<button type="button" class="btn" data-href="compose.html?forward=' + m.id + '" id="forward" data-testid="forward" title="Forward this message">Forward</button>' +
      (m.folder === 'archive' || inTrash
        ? '<button type="button" class="btn" data-act="inbox" title="Move back to the Inbox">Move to Inbox</button>'
        : '<button type="button" class="btn" data-act="archive" title="Archive this message">Archive</button>') +
      '<button type="button" class="btn" data-act="delete" title="' + (inTrash ? 'Delete forever' : 'Move to Trash') + '">' +
      (inTrash ? 'Delete forever' : 'Delete') + '</button>' +
      '<button type="button" class="btn" data-act="star" aria-pressed="' + m.starred + '" title="Star">' +
      (m.starred ? '★ Starred' : '☆ Star') + '</button>' +
      '<button type="button" class="btn" data-act="unread" title="Mark as unread and go back">Mark as unread</button>' +
      '</div>' +
      '<h1 data-testid="message-subject">' + SG.esc(m.subject || '(no subject)') + '</h1>' +
      '<div class="msg-meta">' +
      '<span>From</span><span><strong>' + SG.esc(m.fromName) + '</strong> &lt;' + SG.esc(m.from) + '&gt;</span>' +
      '<span>' + SG.esc(SG.formatDateTime(m.date)) + '</span>' +
      '<span>To</span><span>' + SG.esc(m.to.join(', ')) + '</span><span></span>' +
      ((m.cc && m.cc.length) ? '<span>Cc</span><span>' + SG.esc(m.cc.join(', ')) + '</span><span></span>' : '') +
      '</div>' +
      '<div class="msg-body" data-testid="message-body">' + paragraphs + '</div>' +
      (attachments ? '<div class="attachments" aria-label="Attachments">' + attachments + '</div>' : '');
    view.setAttribute('data-id', m.id);
  }

  /* --------------------------------------------------------------- render */
  function render() {
    parseRoute();
    renderFolders();
    var msg = ui.messageId ? Mail.get(ui.messageId) : null;
    if (ui.messageId && !msg) {
      location.replace('#/' + ui.folder);
      return;
    }
    $('#list-view').hidden = !!msg;
    $('#message-view').hidden = !msg;
    if (msg) {
      if (!msg.read) {
        msg.read = true;
        Mail.save();
        renderFolders();
      }
      renderMessage(msg);
      document.title = 'Webmail — ' + (msg.subject || '(no subject)');
      window.scrollTo(0, 0);
    } else {
      renderList();
      document.title = 'Webmail — ' + folderTitle(ui.folder);
    }
  }

  /* -------------------------------------------------------------- actions */
  function act(action, id) {
    var m = Mail.get(id);
    if (!m) { return; }
    if (action === 'star') {
      m.starred = !m.starred;
      Mail.save();
      SG.toast(m.starred ? 'Message starred' : 'Star removed', 'info', 3000);
      render();
    } else if (action === 'archive') {
      m.folder = 'archive';
      Mail.save();
      SG.toast('Message archived');
      afterMove();
    } else if (action === 'inbox') {
      m.folder = m.from === Mail.state.user.email ? 'sent' : 'inbox';
      Mail.save();
      SG.toast('Message moved to ' + folderTitle(m.folder));
      afterMove();
    } else if (action === 'unread') {
      m.read = false;
      Mail.save();
      location.hash = '#/' + ui.folder;
    } else if (action === 'delete') {
      if (m.folder === 'trash') {
        SG.confirm({
          title: 'Delete forever?',
          message: '“' + (m.subject || '(no subject)') + '” will be permanently deleted.',
          confirmLabel: 'Delete forever', danger: true, testid: 'delete-forever-dialog'
        }).then(function (ok) {
          if (!ok) { return; }
          Mail.state.messages = Mail.state.messages.filter(function (x) { return x.id !== id; });
          Mail.save();
          SG.toast('Message deleted permanently');
          afterMove();
        });
      } else {
        m.folder = 'trash';
        Mail.save();
        SG.toast('Message moved to Trash');
        afterMove();
      }
    }
  }
  function afterMove() {
    if (ui.messageId) { location.hash = '#/' + ui.folder; } else { render(); }
  }

  function wire() {
    window.addEventListener('hashchange', render);
    $('#message-list').addEventListener('click', function (e) {
      var btn = e.target.closest('button[data-act]');
      if (!btn) { return; }
      e.preventDefault();
      act(btn.getAttribute('data-act'), btn.closest('[data-id]').getAttribute('data-id'));
    });
    $('#message-view').addEventListener('click', function (e) {
      var go = e.target.closest('button[data-href]');
      if (go) { location.href = go.getAttribute('data-href'); return; }
      var btn = e.target.closest('button[data-act]');
      if (btn) { act(btn.getAttribute('data-act'), ui.messageId); }
    });
    $('#newer').addEventListener('click', function () { ui.page -= 1; renderList(); window.scrollTo(0, 0); });
    $('#older').addEventListener('click', function () { ui.page += 1; renderList(); window.scrollTo(0, 0); });
    var search = $('#search');
    search.addEventListener('input', function () {
      ui.query = search.value.trim();
      ui.page = 1;
      if (ui.messageId) { location.hash = '#/' + ui.folder; } else { renderList(); }
    });
    search.addEventListener('keydown', function (e) {
      if (e.key === 'Escape') { search.value = ''; ui.query = ''; renderList(); }
    });
    $('#clear-search').addEventListener('click', function () {
      search.value = '';
      ui.query = '';
      ui.page = 1;
      renderList();
      search.focus();
    });
    document.addEventListener('keydown', function (e) {
      var t = e.target;
      if (e.ctrlKey || e.metaKey || e.altKey || SG.dialogOpen()) { return; }
      if (t.closest && t.closest('input, textarea, select, [contenteditable="true"]')) { return; }
      if (e.key === 'c') { e.preventDefault(); location.href = 'compose.html'; }
      else if (e.key === '/') { e.preventDefault(); search.focus(); }
    });
  }

  window.appState = function () {
    return Mail.snapshot({
      page: 'mailbox',
      folder: ui.folder,
      openMessageId: ui.messageId,
      openMessage: ui.messageId && Mail.state && Mail.get(ui.messageId)
        ? { id: ui.messageId, subject: Mail.get(ui.messageId).subject, from: Mail.get(ui.messageId).from } : null,
      search: ui.query,
      listPage: ui.page,
      visibleMessageIds: ui.messageId ? [] : (ui.visibleIds || [])
    });
  };

  Mail.load().then(function () {
    wire();
    render();
    document.body.setAttribute('data-ready', 'true');
  });
})();
