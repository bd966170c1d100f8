/* Webmail mailbox page: folders, paged message list, search, message view.
 * Routes: #/<folder> (list) and #/<folder>/<messageId> (open message).
 * Each message command (archive, delete, star, mark unread, reply, forward) can be given four
 * ways, as in Gmail: a toolbar or hover button, the open message's "More actions" menu, the list
 * row's context menu, and a single-key shortcut acting on the open message or on the list's
 * cursor row (moved by j/k and by pointing at a row). */
(function () {
  'use strict';

  var PAGE_SIZE = 25;
  var ui = { folder: 'inbox', messageId: null, page: 1, query: '' };
  var cursor = null;   // the list's keyboard cursor (SG.rowCursor), made in wire()
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
    cursor.sync(ui.visibleIds);
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
      (m.folder === 'drafts' ? '' : '<button type="button" class="btn" data-testid="move-to" aria-label="Move to" aria-haspopup="menu"' +
      ' aria-expanded="false" data-tip="Move to a folder">' + SG.icon('archive', 14) + ' Move to ▾</button>') +
      '<button type="button" class="btn more" data-testid="more-actions" aria-label="More actions" aria-haspopup="menu"' +
      ' aria-expanded="false" data-tip="More actions">' + SG.icon('dots') + '</button>' +
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
    } else if (action === 'unread' || action === 'read') {
      m.read = action === 'read';
      Mail.save();
      SG.toast(m.read ? 'Marked as read' : 'Marked as unread', 'info', 3000);
      if (ui.messageId) { location.hash = '#/' + ui.folder; } else { render(); }
    } else if (action === 'reply' || action === 'forward') {
      location.href = 'compose.html?' + action + '=' + id;
    } else if (action === 'open') {
      if (m.folder === 'drafts') { location.href = 'compose.html?draft=' + id; }
      else { location.hash = '#/' + ui.folder + '/' + id; }
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

  /* ------------------------------------------- commands, menus, shortcuts */
  /**
   * The commands that apply to message m, in menu order ('-' between groups): what the toolbar
   * and the row's hover buttons offer, plus Open (rows only) and Mark as read/unread.
   */
  function commandsFor(m, withOpen) {
    var draft = m.folder === 'drafts';
    var filed = m.folder === 'archive' || m.folder === 'trash';
    var list = [];
    if (withOpen) { list.push({ label: 'Open', act: 'open', keys: 'o' }); }
    if (!draft) { list.push({ label: 'Reply', act: 'reply', keys: 'r' }, { label: 'Forward', act: 'forward', keys: 'f' }); }
    list.push('-', filed ? { label: 'Move to Inbox', act: 'inbox' } : { label: 'Archive', act: 'archive', keys: 'e' });
    list.push(m.folder === 'trash' ? { label: 'Delete forever', act: 'delete', keys: '#', danger: true }
      : { label: 'Delete', act: 'delete', keys: '#' });
    list.push('-', { label: m.starred ? 'Unstar' : 'Star', act: 'star', keys: 's' });
    if (!draft) {
      list.push(m.read ? { label: 'Mark as unread', act: 'unread', keys: 'Shift+U' }
        : { label: 'Mark as read', act: 'read', keys: 'Shift+I' });
    }
    return list;
  }
  function menuItems(id, withOpen) {
    var m = Mail.get(id);
    return m ? commandsFor(m, withOpen).map(function (c) {
      return c === '-' ? c : { label: c.label, keys: c.keys, danger: c.danger, run: function () { act(c.act, id); } };
    }) : [];
  }
  /** The "Move to" menu: the folders the message can go to (its own folder left out), as in Gmail. */
  function moveItems(id) {
    var m = Mail.get(id);
    if (!m) { return []; }
    var home = m.from === Mail.state.user.email ? 'sent' : 'inbox';   // where "Move to Inbox" puts it back
    var acts = {};
    acts[home] = 'inbox';
    acts.archive = 'archive';
    acts.trash = 'delete';
    return [home, 'archive', 'trash'].filter(function (f) { return f !== m.folder; }).map(function (f) {
      return { label: folderTitle(f), testid: 'move-to-' + f, run: function () { act(acts[f], id); } };
    });
  }
  // Single keys for the commands (Gmail's): the key runs its command when the message offers it.
  var KEY_ACTS = { e: 'archive', '#': 'delete', s: 'star', U: 'unread', I: 'read', r: 'reply', f: 'forward', o: 'open', Enter: 'open' };

  /** j/k: the next (older) or previous (newer) message, or row (going on to the next page). */
  function step(delta) {
    if (ui.messageId) {
      var ids = visibleMessages().map(function (m) { return m.id; });
      var to = ids[ids.indexOf(ui.messageId) + delta];
      if (to) { location.hash = '#/' + ui.folder + '/' + to; }
    } else if (!cursor.step(delta) && !$(delta > 0 ? '#older' : '#newer').disabled) {
      ui.page += delta;
      cursor.reset(delta > 0 ? 0 : -1);
      renderList();
      cursor.set(cursor.id, true);
    }
  }
  function onKey(key) {
    if (key === 'c') { location.href = 'compose.html'; return true; }
    if (key === '/') { $('#search').focus(); return true; }
    if (key === '?') { help.open(); return true; }
    if (key === 'j' || key === 'k') { step(key === 'j' ? 1 : -1); return true; }
    if (key === 'u') {
      if (!ui.messageId) { return false; }
      location.hash = '#/' + ui.folder;
      return true;
    }
    var action = KEY_ACTS[key];
    var id = ui.messageId || cursor.id;
    var m = action && id && Mail.get(id);
    if (!m || (action === 'open' && ui.messageId)) { return false; }
    var offered = commandsFor(m, true).some(function (c) { return c.act === action; });
    if (offered) { act(action, id); }
    return offered;
  }
  var help = SG.shortcutHelp([
    ['c', 'Compose a new message'],
    ['/', 'Search mail'],
    ['j / k', 'Next (older) / previous (newer) message'],
    ['o or Enter', 'Open the message at the cursor'],
    ['u', 'Back to the list'],
    ['e', 'Archive'],
    ['#', 'Delete (move to Trash)'],
    ['s', 'Star or unstar'],
    ['Shift+U', 'Mark as unread'],
    ['Shift+I', 'Mark as read'],
    ['r', 'Reply'],
    ['f', 'Forward'],
    ['Shift+F10', 'Actions of the focused message (also a right-click on a row)'],
    ['?', 'Show these shortcuts']
  ]);

  function wire() {
    cursor = SG.rowCursor($('#message-list'), {
      rowSelector: '.msg',
      idOf: function (row) { return row.getAttribute('data-id'); },
      focusOf: function (row) { return $('.msg-link', row); }
    });
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
      // Enter leaves the box for the results, so the shortcuts act on the first hit
      else if (e.key === 'Enter') { e.preventDefault(); search.blur(); cursor.set(ui.visibleIds[0] || null, false); }
    });
    $('#clear-search').addEventListener('click', function () {
      search.value = '';
      ui.query = '';
      ui.page = 1;
      renderList();
      search.focus();
    });
    SG.contextMenu($('#message-list'), '.msg', {
      label: 'Message actions', testid: 'message-menu',
      onOpen: function (row) { cursor.set(row.getAttribute('data-id'), false); },
      items: function (row) { return menuItems(row.getAttribute('data-id'), true); }
    });
    SG.menuButton($('#message-view'), '[data-testid="more-actions"]', {
      label: 'More actions', testid: 'more-actions-menu', alignRight: true,
      items: function () { return menuItems(ui.messageId, false); }
    });
    SG.menuButton($('#message-view'), '[data-testid="move-to"]', {
      label: 'Move to', testid: 'move-to-menu',
      items: function () { return moveItems(ui.messageId); }
    });
    $('#show-shortcuts').addEventListener('click', help.open);
    SG.onShortcut(onKey);
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
      cursorId: ui.messageId || !cursor ? null : cursor.id,
      openMenu: SG.menuState(),
      helpOpen: help.isOpen(),
      visibleMessageIds: ui.messageId ? [] : (ui.visibleIds || [])
    });
  };

  Mail.load().then(function () {
    wire();
    render();
    document.body.setAttribute('data-ready', 'true');
  });
})();
