/* Notes state (localStorage "synthgen:notes", seeded from data/notes.json),
 * shared by the editor page and the preview page. */
(function () {
  'use strict';

  var VERSION = 1;
  var Notes = { state: null };

  Notes.load = function () {
    return SG.loadState('notes', VERSION, function () {
      return SG.fetchJSON('data/notes.json').then(function (data) {
        return {
          notes: data.notes.map(function (n) { return { id: n.id, title: n.title, html: n.html, revision: 0 }; }),
          nextId: data.notes.length + 1,
          saveCount: 0,
          log: { created: [], deleted: [] }
        };
      });
    }).then(function (s) { Notes.state = s; return s; });
  };
  Notes.save = function () { SG.saveState('notes', Notes.state); };
  Notes.get = function (id) {
    return Notes.state.notes.filter(function (n) { return n.id === id; })[0] || null;
  };

  /** Plain text of a note's HTML, with line breaks between blocks. */
  Notes.textOf = function (html) {
    var div = document.createElement('div');
    div.innerHTML = String(html || '')
      .replace(/<br\s*\/?>/gi, '\n')
      .replace(/<\/(p|div|h[1-6]|li|blockquote)>/gi, '$&\n');
    return div.textContent.replace(/\n{2,}/g, '\n').trim();
  };
  Notes.wordCount = function (text) {
    var t = String(text || '').trim();
    return t ? t.split(/\s+/).length : 0;
  };
  Notes.summary = function (n) {
    var text = Notes.textOf(n.html);
    return { id: n.id, title: n.title, text: text, html: n.html, words: Notes.wordCount(text), revision: n.revision,
      pinned: !!n.pinned };
  };

  window.Notes = Notes;
})();
