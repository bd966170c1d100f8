/* Notes editor: list + search, contenteditable body with a formatting toolbar
 * acting on the selection, debounced autosave with a status indicator,
 * word count. Routes: #/note/<id>. Each formatting command is in the toolbar, the Format menu of
 * the menubar and on a Ctrl chord; note commands (new, rename, duplicate, pin, delete) are in the
 * File menu and the notes list's context menu. */
(function () {
  'use strict';

  var AUTOSAVE_MS = 800;
  var $ = SG.$;
  var ui = { currentId: null, dirty: false, status: 'Saved', query: '' };
  var editor = null;
  var savedRange = null;   // the editor's selection while a menubar menu has the focus

  /* -------------------------------------------------------------- saving */
  function setStatus(text) {
    ui.status = text;
    var el = $('#save-status');
    el.textContent = text;
    el.className = 'save-status ' + (text === 'Saved' ? 'ok' : text === 'Saving…' ? 'busy' : 'dirty');
  }
  function saveNow() {
    var n = ui.currentId && Notes.get(ui.currentId);
    if (!n || !ui.dirty) { return; }
    setStatus('Saving…');
    n.title = $('#title').value.trim() || 'Untitled note';
    n.html = editor.innerHTML;
    n.revision += 1;
    Notes.state.saveCount += 1;
    Notes.save();
    ui.dirty = false;
    renderList();
    // show "Saving…" briefly so the indicator visibly changes, then "Saved"
    setTimeout(function () { if (!ui.dirty) { setStatus('Saved'); } }, 150);
  }
  var autosave = SG.debounce(saveNow, AUTOSAVE_MS);
  function changed() {
    ui.dirty = true;
    setStatus('Editing…');
    updateCounts();
    autosave();
  }
  function flush() {
    if (autosave.pending()) { autosave.flush(); } else { saveNow(); }
  }

  /* -------------------------------------------------------------- render */
  function updateCounts() {
    var text = editor.innerText || '';
    var words = Notes.wordCount(text);
    $('#word-count').textContent = words + (words === 1 ? ' word' : ' words');
    var chars = text.replace(/\n/g, '').length;
    $('#char-count').textContent = chars + (chars === 1 ? ' character' : ' characters');
  }
  function renderList() {
    var q = ui.query.toLowerCase();
    var shown = Notes.state.notes.filter(function (n) {
      return !q || (n.title + ' ' + Notes.textOf(n.html)).toLowerCase().indexOf(q) >= 0;
    });
    // pinned notes first, each group in the stored order
    shown = shown.filter(function (n) { return n.pinned; }).concat(shown.filter(function (n) { return !n.pinned; }));
    $('#note-list').innerHTML = shown.map(function (n) {
      var text = Notes.textOf(n.html);
      var snippet = text.length > 70 ? text.slice(0, 70) + '…' : text;
      return '<li><a href="#/note/' + n.id + '" data-testid="note-link" data-id="' + n.id + '"' +
        (n.id === ui.currentId ? ' aria-current="page"' : '') + '><strong>' + SG.esc(n.title || 'Untitled note') +
        (n.pinned ? '<span class="pin" role="img" aria-label="Pinned" title="Pinned">' + SG.icon('pin', 14) + '</span>' : '') +
        '</strong><span class="snippet">' + SG.esc(snippet || 'No text yet') + '</span></a></li>';
    }).join('');
    $('#no-match').hidden = shown.length > 0;
  }
  function open(id) {
    if (ui.currentId && ui.currentId !== id) { flush(); }
    var n = Notes.get(id);
    if (!n) { return false; }
    ui.currentId = id;
    ui.dirty = false;
    $('#title').value = n.title;
    editor.innerHTML = n.html;
    $('#preview-link').href = 'preview.html?id=' + id;
    document.title = 'Notes — ' + n.title;
    setStatus('Saved');
    updateCounts();
    renderList();
    refreshToolbar();
    return true;
  }
  function route() {
    var m = /^#\/note\/(\w+)/.exec(location.hash);
    var id = m && Notes.get(m[1]) ? m[1] : (Notes.state.notes[0] && Notes.state.notes[0].id);
    if (!id) { newNote(); return; }
    if (!m || m[1] !== id) { location.replace('#/note/' + id); return; }
    if (id !== ui.currentId) { open(id); }
  }

  /* ------------------------------------------------------------- actions */
  function newNote() {
    flush();
    var s = Notes.state;
    var n = { id: 'n' + (s.nextId++), title: 'Untitled note', html: '<p><br></p>', revision: 0 };
    s.notes.unshift(n);
    s.log.created.push(n.id);
    Notes.save();
    location.hash = '#/note/' + n.id;
    if (ui.currentId !== n.id) { open(n.id); }
    $('#title').select();
    $('#title').focus();
    SG.toast('Note created', 'info', 2500);
  }
  /** Shows note id now (the hash route follows); false if there is no such note. */
  function show(id) {
    if (!Notes.get(id)) { return false; }
    if (id !== ui.currentId) { location.hash = '#/note/' + id; open(id); }
    return true;
  }
  function renameNote(id) {
    if (!show(id)) { return; }
    $('#title').focus();
    $('#title').select();
  }
  function duplicateNote(id) {
    var src = Notes.get(id);
    if (!src) { return; }
    flush();
    var s = Notes.state;
    var copy = { id: 'n' + (s.nextId++), title: src.title + ' (copy)', html: src.html, revision: 0 };
    s.notes.splice(s.notes.indexOf(src) + 1, 0, copy);
    s.log.created.push(copy.id);
    Notes.save();
    show(copy.id);
    SG.toast('Note duplicated', 'info', 2500);
  }
  function togglePin(id) {
    var n = Notes.get(id);
    if (!n) { return; }
    n.pinned = !n.pinned;
    Notes.save();
    renderList();
    SG.toast(n.pinned ? 'Note pinned' : 'Note unpinned', 'info', 2500);
  }
  function preview(id) {
    flush();
    location.href = 'preview.html?id=' + id;
  }
  function deleteNote(id) {
    var n = Notes.get(id || ui.currentId);
    if (!n) { return; }
    SG.confirm({
      title: 'Delete note?', message: '“' + n.title + '” will be permanently deleted.',
      confirmLabel: 'Delete note', danger: true, testid: 'delete-note-dialog'
    }).then(function (ok) {
      if (!ok) { return; }
      autosave.flush();
      var s = Notes.state;
      s.notes = s.notes.filter(function (x) { return x.id !== n.id; });
      s.log.deleted.push({ id: n.id, title: n.title });
      Notes.save();
      SG.toast('Note deleted');
      if (n.id !== ui.currentId) { renderList(); return; }   // another note from the list: stay here
      ui.currentId = null;
      ui.dirty = false;
      location.hash = s.notes.length ? '#/note/' + s.notes[0].id : '';
      route();
    });
  }

  /* ------------------------------------------------------------- toolbar */
  function currentBlock() {
    var sel = window.getSelection();
    if (!sel.rangeCount) { return null; }
    var node = sel.anchorNode;
    while (node && node !== editor) {
      if (node.nodeType === 1 && /^(P|H[1-6]|BLOCKQUOTE|LI|DIV)$/.test(node.nodeName)) { return node; }
      node = node.parentNode;
    }
    return null;
  }
  function inEditor() {
    var sel = window.getSelection();
    return sel.rangeCount > 0 && editor.contains(sel.anchorNode);
  }
  function runCommand(cmd) {
    if (!inEditor()) {
      editor.focus();
      if (!inEditor()) { return; }
    }
    if (cmd === 'heading') {
      var block = currentBlock();
      document.execCommand('formatBlock', false, block && block.nodeName === 'H2' ? 'P' : 'H2');
    } else if (cmd === 'quote') {
      var b = currentBlock();
      var inQuote = b && (b.nodeName === 'BLOCKQUOTE' || (b.closest && b.closest('blockquote')));
      document.execCommand('formatBlock', false, inQuote ? 'P' : 'BLOCKQUOTE');
    } else {
      document.execCommand(cmd, false, null);
    }
    changed();
    refreshToolbar();
  }
  function refreshToolbar() {
    var active = inEditor();
    var block = active ? currentBlock() : null;
    SG.$$('.toolbar [data-cmd]').forEach(function (btn) {
      var cmd = btn.getAttribute('data-cmd');
      if (cmd === 'removeFormat') { return; }
      var on = false;
      if (active) {
        if (cmd === 'heading') { on = !!block && block.nodeName === 'H2'; }
        else if (cmd === 'quote') { on = !!block && !!block.closest('blockquote'); }
        else { try { on = document.queryCommandState(cmd); } catch (e) { on = false; } }
      }
      btn.setAttribute('aria-pressed', on ? 'true' : 'false');
    });
  }

  /* ------------------------------------------- menus, chords, shortcuts */
  function saveSelection() {
    var sel = window.getSelection();
    savedRange = sel.rangeCount && editor.contains(sel.anchorNode) ? sel.getRangeAt(0).cloneRange() : null;
  }
  /** Focuses the editor with the selection it had when a menubar menu opened. */
  function restoreSelection() {
    if (!savedRange) { return; }
    editor.focus();
    var sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(savedRange);
    savedRange = null;
  }
  /** An edit of the body from a menu: back to the saved selection, then cmd. */
  function inEditorDo(fn) {
    return function () {
      restoreSelection();
      if (!inEditor()) { editor.focus(); }
      fn();
    };
  }
  function editCommand(name) {
    return inEditorDo(function () {
      document.execCommand(name, false, null);
      if (name !== 'selectAll') { changed(); }
      refreshToolbar();
    });
  }
  // The formatting commands of the toolbar, with their chords (as in Google Docs); code is the
  // physical key, so Shift+7 is the same key on every layout.
  var FORMATS = [
    { cmd: 'bold', label: 'Bold', code: 'KeyB', keys: 'Control+B', hint: 'Ctrl+B' },
    { cmd: 'italic', label: 'Italic', code: 'KeyI', keys: 'Control+I', hint: 'Ctrl+I' },
    { cmd: 'underline', label: 'Underline', code: 'KeyU', keys: 'Control+U', hint: 'Ctrl+U' },
    '-',
    { cmd: 'heading', label: 'Heading', code: 'Digit2', alt: true, keys: 'Control+Alt+2', hint: 'Ctrl+Alt+2' },
    { cmd: 'insertUnorderedList', label: 'Bulleted list', code: 'Digit8', shift: true, keys: 'Control+Shift+8', hint: 'Ctrl+Shift+8' },
    { cmd: 'insertOrderedList', label: 'Numbered list', code: 'Digit7', shift: true, keys: 'Control+Shift+7', hint: 'Ctrl+Shift+7' },
    { cmd: 'quote', label: 'Quote', code: 'Digit9', shift: true, keys: 'Control+Shift+9', hint: 'Ctrl+Shift+9' },
    '-',
    { cmd: 'removeFormat', label: 'Clear formatting', code: 'Backslash', keys: 'Control+\\', hint: 'Ctrl+\\' }
  ];
  function fileItems() {
    var n = Notes.get(ui.currentId);
    var id = ui.currentId;
    return [
      { label: 'New note', keys: 'Control+Alt+N', hint: 'Ctrl+Alt+N', run: newNote },
      { label: 'Duplicate note', run: function () { duplicateNote(id); } },
      { label: 'Rename note', run: function () { renameNote(id); } },
      { label: n && n.pinned ? 'Unpin note' : 'Pin note', run: function () { togglePin(id); } },
      '-',
      { label: 'Save', keys: 'Control+S', hint: 'Ctrl+S', run: saveShortcut },
      { label: 'Preview', run: function () { preview(id); } },
      '-',
      { label: 'Delete note', danger: true, run: function () { deleteNote(id); } }
    ];
  }
  function editItems() {
    return [
      { label: 'Undo', keys: 'Control+Z', hint: 'Ctrl+Z', run: editCommand('undo') },
      { label: 'Redo', keys: 'Control+Y', hint: 'Ctrl+Y', run: editCommand('redo') },
      '-',
      { label: 'Select all', keys: 'Control+A', hint: 'Ctrl+A', run: editCommand('selectAll') }
    ];
  }
  function formatItems() {
    return FORMATS.map(function (f) {
      return f === '-' ? f : { label: f.label, keys: f.keys, hint: f.hint, run: inEditorDo(function () { runCommand(f.cmd); }) };
    });
  }
  /** The notes list's context menu for note id. */
  function noteItems(id) {
    var n = Notes.get(id);
    return n ? [
      { label: 'Open', run: function () { show(id); } },
      { label: 'Preview', run: function () { preview(id); } },
      '-',
      { label: 'Rename', run: function () { renameNote(id); } },
      { label: 'Duplicate', run: function () { duplicateNote(id); } },
      { label: n.pinned ? 'Unpin' : 'Pin', run: function () { togglePin(id); } },
      '-',
      { label: 'Delete', danger: true, run: function () { deleteNote(id); } }
    ] : [];
  }
  var help = SG.shortcutHelp([
    ['Ctrl+B', 'Bold'], ['Ctrl+I', 'Italic'], ['Ctrl+U', 'Underline'],
    ['Ctrl+Alt+2', 'Heading'], ['Ctrl+Shift+8', 'Bulleted list'], ['Ctrl+Shift+7', 'Numbered list'],
    ['Ctrl+Shift+9', 'Quote'], ['Ctrl+\\', 'Clear formatting'],
    ['Ctrl+S', 'Save now'], ['Ctrl+Alt+N', 'New note'], ['Ctrl+Z / Ctrl+Y', 'Undo / redo'],
    ['Ctrl+/', 'Show these shortcuts'],
    ['n', 'New note (outside the editor)'], ['/', 'Search notes'], ['j / k', 'Next / previous note'],
    ['#', 'Delete the note'], ['?', 'Show these shortcuts (outside the editor)']
  ]);
  function saveShortcut() {
    ui.dirty = true;
    flush();
    SG.toast('Note saved', 'ok', 2500);
  }
  /** Ctrl chords: they work while typing (that is what they are for). */
  function onChord(e) {
    if (!(e.ctrlKey || e.metaKey) || SG.dialogOpen() || SG.menuOpen()) { return; }
    var key = e.key.toLowerCase();
    var done = true;
    if (key === 's' && !e.altKey && !e.shiftKey) { saveShortcut(); }
    else if (key === '/' && !e.altKey) { help.open(); }
    else if (e.code === 'KeyN' && e.altKey) { newNote(); }
    else {
      var f = FORMATS.filter(function (x) {
        return x !== '-' && x.code === e.code && !!x.alt === e.altKey && !!x.shift === e.shiftKey;
      })[0];
      // the formatting chords act on the body's selection, like the toolbar
      done = !!f && document.activeElement === editor;
      if (done) { runCommand(f.cmd); }
    }
    if (done) { e.preventDefault(); }
  }
  function onKey(key) {
    var ids = SG.$$('#note-list [data-testid="note-link"]').map(function (a) { return a.getAttribute('data-id'); });
    if (key === 'n') { newNote(); return true; }
    if (key === '/') { $('#search').focus(); return true; }
    if (key === '?') { help.open(); return true; }
    if (key === '#') { deleteNote(ui.currentId); return true; }
    if (key === 'j' || key === 'k') {
      var to = ids[ids.indexOf(ui.currentId) + (key === 'j' ? 1 : -1)];
      if (to) { show(to); $('#note-list [data-id="' + to + '"]').focus(); }
      return true;
    }
    return false;
  }

  /* -------------------------------------------------------------- wiring */
  function wire() {
    editor = $('#editor');
    try { document.execCommand('defaultParagraphSeparator', false, 'p'); } catch (e) { /* older engines */ }
    editor.addEventListener('input', changed);
    $('#title').addEventListener('input', changed);
    $('#title').addEventListener('keydown', function (e) {
      if (e.key === 'Enter') { e.preventDefault(); editor.focus(); }
    });
    var toolbar = $('.toolbar');
    // mousedown must not move focus out of the editor, or the selection is lost
    toolbar.addEventListener('mousedown', function (e) { if (e.target.closest('button')) { e.preventDefault(); } });
    toolbar.addEventListener('click', function (e) {
      var b = e.target.closest('[data-cmd]');
      if (b) { runCommand(b.getAttribute('data-cmd')); }
    });
    document.addEventListener('selectionchange', refreshToolbar);
    document.addEventListener('keydown', onChord);
    SG.onShortcut(onKey);
    SG.menubar($('#menubar'), [
      { label: 'File', menuTestid: 'file-menu', items: fileItems },
      { label: 'Edit', menuTestid: 'edit-menu', items: editItems },
      { label: 'Format', menuTestid: 'format-menu', items: formatItems },
      { label: 'Help', menuTestid: 'help-menu', items: function () {
        return [{ label: 'Keyboard shortcuts', keys: 'Control+/', hint: 'Ctrl+/', run: help.open }];
      } }
    ], { beforeOpen: saveSelection });
    SG.contextMenu($('#note-list'), '[data-testid="note-link"]', {
      label: 'Note actions', testid: 'note-menu',
      items: function (a) { return noteItems(a.getAttribute('data-id')); }
    });
    $('#new-note').addEventListener('click', newNote);
    $('#delete-note').addEventListener('click', function () { deleteNote(ui.currentId); });
    $('#search').addEventListener('input', function () { ui.query = this.value.trim(); renderList(); });
    $('#preview-link').addEventListener('click', function () { flush(); });
    window.addEventListener('hashchange', route);
    window.addEventListener('pagehide', flush);
  }

  window.appState = function () {
    var s = Notes.state;
    var base = { app: 'notes', ready: !!s, toasts: SG.toasts.slice() };
    if (!s) { return base; }
    var cur = ui.currentId ? Notes.get(ui.currentId) : null;
    var text = editor ? editor.innerText : '';
    return Object.assign(base, {
      notes: s.notes.map(Notes.summary),
      currentId: ui.currentId,
      current: cur ? {
        id: cur.id,
        title: $('#title').value,
        text: text.replace(/\n{2,}/g, '\n').trim(),
        html: editor.innerHTML,
        words: Notes.wordCount(text),
        savedRevision: cur.revision
      } : null,
      saveStatus: ui.status,
      dirty: ui.dirty,
      saveCount: s.saveCount,
      wordCount: Notes.wordCount(text),
      search: ui.query,
      openMenu: SG.menuState(),
      helpOpen: help.isOpen(),
      created: s.log.created.slice(),
      deleted: s.log.deleted.slice()
    });
  };

  Notes.load().then(function () {
    wire();
    route();
    document.body.setAttribute('data-ready', 'true');
  });
})();
