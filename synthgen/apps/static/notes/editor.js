/* Notes editor: list + search, contenteditable body with a formatting toolbar
 * acting on the selection, debounced autosave with a status indicator,
 * word count. Routes: #/note/<id>. */
(function () {
  'use strict';

  var AUTOSAVE_MS = 800;
  var $ = SG.$;
  var ui = { currentId: null, dirty: false, status: 'Saved', query: '' };
  var editor = null;

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
    $('#note-list').innerHTML = shown.map(function (n) {
      var text = Notes.textOf(n.html);
      var snippet = text.length > 70 ? text.slice(0, 70) + '…' : text;
      return '<li><a href="#/note/' + n.id + '" data-testid="note-link" data-id="' + n.id + '"' +
        (n.id === ui.currentId ? ' aria-current="page"' : '') + '><strong>' + SG.esc(n.title || 'Untitled note') +
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
  function deleteNote() {
    var n = Notes.get(ui.currentId);
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
      ui.currentId = null;
      ui.dirty = false;
      SG.toast('Note deleted');
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
    document.addEventListener('keydown', function (e) {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 's') {
        e.preventDefault();
        ui.dirty = true;
        flush();
        SG.toast('Note saved', 'ok', 2500);
      }
    });
    $('#new-note').addEventListener('click', newNote);
    $('#delete-note').addEventListener('click', deleteNote);
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
