/* CRM contacts table: filter, status filter, sortable headers, paging, delete dialog.
 * A contact is edited or deleted from its row's buttons, its row's "Actions" menu, its context
 * menu, or by shortcut on the cursor row (j/k or pointing at a row; e edits, # deletes). */
(function () {
  'use strict';

  var $ = SG.$;
  var view = null;       // {sortKey, sortDir, page, pageSize, filter, status, highlight}
  var lastVisible = [];
  var pendingDelete = null;
  var cursor = null;     // the table's keyboard cursor (SG.rowCursor)

  function sortValue(c, key) {
    if (key === 'name') { return (c.lastName + ' ' + c.firstName).toLowerCase(); }
    return String(c[key] || '').toLowerCase();
  }
  function filtered() {
    var q = view.filter.trim().toLowerCase();
    return CRM.state.contacts.filter(function (c) {
      if (view.status && c.status !== view.status) { return false; }
      if (!q) { return true; }
      return [CRM.fullName(c), c.company, c.email, c.city].join(' ').toLowerCase().indexOf(q) >= 0;
    }).sort(function (a, b) {
      var x = sortValue(a, view.sortKey), y = sortValue(b, view.sortKey);
      var r = x < y ? -1 : x > y ? 1 : 0;
      if (r === 0) { r = parseInt(a.id.slice(1), 10) - parseInt(b.id.slice(1), 10); }
      return view.sortDir === 'asc' ? r : -r;
    });
  }

  function render() {
    var all = filtered();
    var pages = Math.max(1, Math.ceil(all.length / view.pageSize));
    if (view.highlight) {
      var idx = all.map(function (c) { return c.id; }).indexOf(view.highlight);
      if (idx >= 0) { view.page = Math.floor(idx / view.pageSize) + 1; }
    }
    view.page = Math.min(Math.max(1, view.page), pages);
    var start = (view.page - 1) * view.pageSize;
    var rows = all.slice(start, start + view.pageSize);
    lastVisible = rows.map(function (c) { return c.id; });

    $('#rows').innerHTML = rows.map(function (c) {
      var name = CRM.fullName(c);
      var hl = c.id === view.highlight ? ' class="highlight"' : '';
      return '<tr' + hl + ' data-testid="contact-row" data-id="' + c.id + '">' +
        '<td><a href="contact.html?id=' + c.id + '" class="name">' + SG.esc(name) + '</a></td>' +
        '<td>' + SG.esc(c.company) + '</td>' +
        '<td><a href="mailto:' + SG.esc(c.email) + '" title="Email ' + SG.esc(name) + '">' + SG.esc(c.email) + '</a></td>' +
        '<td>' + CRM.statusBadge(c.status) + '</td>' +
        '<td>' + SG.esc(c.owner) + '</td>' +
        '<td>' + SG.formatDate(c.lastContact) + '</td>' +
        '<td class="row-tools">' +
        '<a class="btn small" href="contact.html?id=' + c.id + '" aria-label="Edit ' + SG.esc(name) + '" title="Edit this contact">Edit</a>' +
        '<button type="button" class="btn small" data-delete="' + c.id + '" aria-label="Delete ' + SG.esc(name) + '"' +
        ' data-tip="Delete ' + SG.esc(name) + ' permanently">' + SG.icon('trash', 14) + '</button>' +
        '<button type="button" class="btn small more" data-row-menu="' + c.id + '" aria-label="Actions for ' + SG.esc(name) + '"' +
        ' aria-haspopup="menu" aria-expanded="false" title="More actions">' + SG.icon('dots', 14) + '</button>' +
        '</td></tr>';
    }).join('') || '<tr><td colspan="7" class="muted">No contacts match your filters.</td></tr>';
    cursor.sync(lastVisible);

    SG.$$('th[data-key]').forEach(function (th) {
      var key = th.getAttribute('data-key');
      th.setAttribute('aria-sort', key === view.sortKey ? (view.sortDir === 'asc' ? 'ascending' : 'descending') : 'none');
    });
    $('#summary').textContent = all.length
      ? 'Showing ' + (start + 1) + '–' + (start + rows.length) + ' of ' + all.length + ' contacts'
      : 'No contacts found';
    $('#page-label').textContent = 'Page ' + view.page + ' of ' + pages;
    $('#prev').disabled = view.page <= 1;
    $('#next').disabled = view.page >= pages;
    view.highlight = null;
    CRM.saveView(view);
  }

  /* -------------------------------------------------------------- delete */
  function askDelete(id) {
    var c = CRM.get(id);
    if (!c) { return; }
    pendingDelete = id;
    $('#delete-text').textContent = CRM.fullName(c) + ' (' + c.company + ') will be permanently removed.';
    SG.openDialog($('#delete-dialog'), function () { pendingDelete = null; });
  }
  function confirmDelete() {
    var c = CRM.get(pendingDelete);
    if (c) {
      CRM.state.contacts = CRM.state.contacts.filter(function (x) { return x.id !== c.id; });
      CRM.state.log.deleted.push({ id: c.id, name: CRM.fullName(c) });
      CRM.logActivity('deleted ' + CRM.fullName(c));
      CRM.save();
      SG.toast('Contact deleted');
    }
    SG.closeDialog($('#delete-dialog'));
    render();
  }

  /* ------------------------------------------- commands, menus, shortcuts */
  function edit(id) { location.href = 'contact.html?id=' + id; }
  function filterBy(key, value) {
    if (key === 'status') { view.status = value; $('#status-filter').value = value; }
    else { view.filter = value; $('#filter').value = value; }
    view.page = 1;
    render();
  }
  /** The row menu's and context menu's items for contact id. */
  function rowItems(id) {
    var c = CRM.get(id);
    if (!c) { return []; }
    return [
      { label: 'Edit', keys: 'e', run: function () { edit(id); } },
      { label: 'Delete', keys: '#', danger: true, run: function () { askDelete(id); } },
      '-',
      { label: 'Filter by company', run: function () { filterBy('filter', c.company); } },
      { label: 'Filter by status', run: function () { filterBy('status', c.status); } }
    ];
  }
  var help = SG.shortcutHelp([
    ['n', 'New contact'],
    ['/', 'Filter contacts'],
    ['j / k', 'Next / previous row'],
    ['e or Enter', 'Edit the contact at the cursor'],
    ['# or Delete', 'Delete the contact at the cursor'],
    ['Shift+F10', 'Actions of the focused row (also a right-click on a row)'],
    ['?', 'Show these shortcuts']
  ]);
  function onKey(key) {
    if (key === 'n') { location.href = 'contact.html'; return true; }
    if (key === '/') { $('#filter').focus(); return true; }
    if (key === '?') { help.open(); return true; }
    if (key === 'j' || key === 'k') { cursor.step(key === 'j' ? 1 : -1); return true; }
    if (!cursor.id) { return false; }
    if (key === 'e' || key === 'Enter') { edit(cursor.id); return true; }
    if (key === '#' || key === 'Delete') { askDelete(cursor.id); return true; }
    return false;
  }

  function wire() {
    cursor = SG.rowCursor($('#rows'), {
      rowSelector: 'tr[data-id]',
      idOf: function (row) { return row.getAttribute('data-id'); },
      focusOf: function (row) { return $('a.name', row); }
    });
    SG.contextMenu($('#rows'), 'tr[data-id]', {
      label: 'Contact actions', testid: 'contact-menu',
      onOpen: function (row) { cursor.set(row.getAttribute('data-id'), false); },
      items: function (row) { return rowItems(row.getAttribute('data-id')); }
    });
    SG.menuButton($('#rows'), '[data-row-menu]', {
      label: 'Contact actions', testid: 'contact-menu', alignRight: true,
      items: function (button) { return rowItems(button.getAttribute('data-row-menu')); }
    });
    SG.onShortcut(onKey);
    var statusSel = $('#status-filter');
    CRM.state.statuses.forEach(function (s) {
      var o = document.createElement('option');
      o.value = s;
      o.textContent = s;
      statusSel.appendChild(o);
    });
    $('#filter').value = view.filter;
    statusSel.value = view.status;
    $('#page-size').value = String(view.pageSize);

    $('#filter').addEventListener('input', function () { view.filter = this.value; view.page = 1; render(); });
    $('#filter').addEventListener('keydown', function (e) {
      // Enter leaves the box for the first hit (its name focused), so the shortcuts act on it
      if (e.key === 'Enter' && lastVisible.length) { e.preventDefault(); cursor.set(lastVisible[0], true); }
    });
    statusSel.addEventListener('change', function () { view.status = this.value; view.page = 1; render(); });
    $('#page-size').addEventListener('change', function () { view.pageSize = parseInt(this.value, 10); view.page = 1; render(); });
    $('#prev').addEventListener('click', function () { view.page -= 1; render(); });
    $('#next').addEventListener('click', function () { view.page += 1; render(); });
    SG.$$('th[data-key] button.sort').forEach(function (btn) {
      btn.addEventListener('click', function () {
        var key = btn.parentNode.getAttribute('data-key');
        if (view.sortKey === key) { view.sortDir = view.sortDir === 'asc' ? 'desc' : 'asc'; }
        else { view.sortKey = key; view.sortDir = 'asc'; }
        view.page = 1;
        render();
      });
      btn.title = 'Sort by ' + btn.textContent;
    });
    $('#rows').addEventListener('click', function (e) {
      var del = e.target.closest('[data-delete]');
      if (del) { askDelete(del.getAttribute('data-delete')); }
    });
    $('#delete-cancel').addEventListener('click', function () { SG.closeDialog($('#delete-dialog')); });
    $('#delete-confirm').addEventListener('click', confirmDelete);
    $('#delete-dialog').addEventListener('click', function (e) {
      if (e.target === this) { SG.closeDialog(this); }
    });
  }

  window.appState = function () {
    return CRM.snapshot({
      page: 'contacts',
      table: view ? {
        sortKey: view.sortKey, sortDir: view.sortDir, page: view.page, pageSize: view.pageSize,
        filter: view.filter, status: view.status, visibleIds: lastVisible.slice(),
        visibleNames: lastVisible.map(function (id) { var c = CRM.get(id); return c ? CRM.fullName(c) : id; })
      } : null,
      deleteDialogOpen: !!pendingDelete,
      cursorId: cursor ? cursor.id : null,
      openMenu: SG.menuState(),
      helpOpen: help.isOpen()
    });
  };

  CRM.requireLogin().then(function () {
    view = CRM.loadView();
    wire();
    render();
    document.body.setAttribute('data-ready', 'true');
  });
})();
