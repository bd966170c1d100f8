/* Kanban board: columns, cards, mouse drag and drop (mousedown/mousemove/mouseup,
 * so trusted CDP mouse input moves cards), inline title editing, shortcuts, and a card menu
 * (the card's "⋯" button or a right-click) for details, rename, move and delete.
 * State in localStorage "synthgen:kanban", seeded from data/board.json. */
(function () {
  'use strict';

  var VERSION = 1;
  var DRAG_THRESHOLD = 5;
  var $ = SG.$;
  var state = null;
  var ui = { selected: null, editing: null, filter: '', detailsId: null, addingIn: null };
  var drag = null;   // {card, id, startX, startY, offX, offY, active, ghost, placeholder, fromColumn}

  /* ---------------------------------------------------------------- state */
  function load() {
    return SG.loadState('kanban', VERSION, function () {
      return SG.fetchJSON('data/board.json').then(function (data) {
        return {
          columns: data.columns,
          cards: data.cards,
          nextId: data.cards.length + 1,
          log: { moves: [], created: [], deleted: [], edited: [] }
        };
      });
    }).then(function (s) { state = s; return s; });
  }
  function save() { SG.saveState('kanban', state); }
  function card(id) { return state.cards.filter(function (c) { return c.id === id; })[0] || null; }
  function columnTitle(id) { return state.columns.filter(function (c) { return c.id === id; })[0].title; }
  function cardsIn(col) { return state.cards.filter(function (c) { return c.column === col; }); }
  function noteEdit(id) { if (state.log.edited.indexOf(id) < 0) { state.log.edited.push(id); } }
  function status(text) { $('#board-status').textContent = text; }

  /* --------------------------------------------------------------- render */
  function cardHTML(c) {
    var hidden = ui.filter && c.title.toLowerCase().indexOf(ui.filter.toLowerCase()) < 0;
    return '<li class="card' + (c.id === ui.selected ? ' selected' : '') + '" data-testid="card" data-id="' + c.id + '"' +
      ' tabindex="0" aria-label="' + SG.esc(c.title) + '"' + (hidden ? ' hidden' : '') +
      (c.id === ui.selected ? ' aria-current="true"' : '') + '>' +
      (c.label ? '<span class="chip ' + c.label + '">' + c.label + '</span>' : '') +
      '<span class="card-title" data-testid="card-title" title="Double-click to rename">' + SG.esc(c.title) + '</span>' +
      (c.watched ? '<span class="watched" role="img" aria-label="Watched" data-tip="You are watching this card">' + SG.icon('eye', 13) + '</span>' : '') +
      (c.description ? '<span class="has-desc" role="img" aria-label="Has description" data-tip="' + SG.esc(c.description) + '">≡</span>' : '') +
      '<button type="button" class="card-btn" data-details="' + c.id + '" aria-label="Details for ' + SG.esc(c.title) + '"' +
      ' data-tip="Open card details">' + SG.icon('pencil', 13) + '</button>' +
      '<button type="button" class="card-btn card-menu" data-card-menu="' + c.id + '" aria-label="Actions for ' + SG.esc(c.title) + '"' +
      ' aria-haspopup="menu" aria-expanded="false" data-tip="Card actions">' + SG.icon('dots', 13) + '</button>' +
      '</li>';
  }
  function render() {
    var board = $('#board');
    board.innerHTML = state.columns.map(function (col) {
      var list = cardsIn(col.id);
      var adding = ui.addingIn === col.id;
      return '<section class="column" data-column="' + col.id + '" aria-labelledby="col-' + col.id + '-title" data-testid="column-' + col.id + '">' +
        '<header class="column-head"><h2 id="col-' + col.id + '-title">' + SG.esc(col.title) + '</h2>' +
        '<span class="count" data-testid="count-' + col.id + '" title="' + list.length + ' cards">' + list.length + '</span></header>' +
        '<ul class="cards" aria-labelledby="col-' + col.id + '-title">' + list.map(cardHTML).join('') + '</ul>' +
        (adding
          ? '<form class="add-form" data-add-form="' + col.id + '"><input type="text" class="add-input" placeholder="Card title" aria-label="New card title"' +
            ' data-testid="new-card-title"><div class="row"><button type="submit" class="btn primary small">Add</button>' +
            '<button type="button" class="btn small" data-cancel-add>Cancel</button></div></form>'
          : '<button type="button" class="add-card" data-add="' + col.id + '" aria-label="Add card to ' + SG.esc(col.title) + '">+ Add card</button>') +
        '</section>';
    }).join('');
    if (ui.addingIn) { $('.add-input').focus(); }
  }
  function focusCard(id) {
    var el = $('.card[data-id="' + id + '"]');
    if (el) { el.focus(); }
  }
  function select(id) {
    ui.selected = id;
    SG.$$('.card').forEach(function (el) {
      var on = el.getAttribute('data-id') === id;
      el.classList.toggle('selected', on);
      if (on) { el.setAttribute('aria-current', 'true'); } else { el.removeAttribute('aria-current'); }
    });
  }

  /* -------------------------------------------------------- card actions */
  function addCard(colId, title) {
    title = title.trim();
    if (!title) { return null; }
    var c = { id: 'k' + (state.nextId++), column: colId, title: title, label: '', description: '' };
    state.cards.push(c);
    state.log.created.push(c.id);
    save();
    SG.toast('Card added to ' + columnTitle(colId));
    return c;
  }
  function deleteCard(id) {
    var c = card(id);
    if (!c) { return; }
    var list = cardsIn(c.column).filter(function (x) { return !isHidden(x); });
    var i = list.indexOf(c);
    state.cards = state.cards.filter(function (x) { return x.id !== id; });
    state.log.deleted.push({ id: c.id, title: c.title });
    save();
    var next = list[i + 1] || list[i - 1];
    ui.selected = next ? next.id : null;
    render();
    if (next) { focusCard(next.id); }
    SG.toast('Card deleted', 'info');
  }
  function isHidden(c) { return !!ui.filter && c.title.toLowerCase().indexOf(ui.filter.toLowerCase()) < 0; }
  function moveCard(id, toCol, beforeId) {
    var c = card(id);
    var from = c.column;
    state.cards = state.cards.filter(function (x) { return x.id !== id; });
    c.column = toCol;
    var at = beforeId ? state.cards.indexOf(card(beforeId)) : -1;
    if (at < 0) {
      // append after the last card of the target column (keeps global order tidy)
      var last = -1;
      state.cards.forEach(function (x, i) { if (x.column === toCol) { last = i; } });
      at = last + 1 || state.cards.length;
    }
    state.cards.splice(at, 0, c);
    if (from !== toCol) {
      state.log.moves.push({ id: id, title: c.title, from: from, to: toCol });
      status('Card moved to ' + columnTitle(toCol));
      SG.toast('Card moved to ' + columnTitle(toCol));
    } else {
      status('Card reordered in ' + columnTitle(toCol));
    }
    save();
  }
  /** Moves a card to the end of another column and keeps it selected (keyboard and menus). */
  function moveTo(id, toCol) {
    moveCard(id, toCol, null);
    render();
    select(id);
    focusCard(id);
  }
  function moveSideways(id, delta) {
    var c = card(id);
    var idx = state.columns.map(function (x) { return x.id; }).indexOf(c.column) + delta;
    if (idx < 0 || idx >= state.columns.length) { return; }
    moveTo(id, state.columns[idx].id);
  }

  /* ---------------------------------------------------------- inline edit */
  function startEdit(id) {
    var el = $('.card[data-id="' + id + '"]');
    if (!el || ui.editing) { return; }
    var c = card(id);
    ui.editing = id;
    select(id);
    var span = $('.card-title', el);
    var input = document.createElement('input');
    input.type = 'text';
    input.className = 'title-edit';
    input.value = c.title;
    input.setAttribute('aria-label', 'Edit card title');
    input.setAttribute('data-testid', 'card-title-input');
    span.replaceWith(input);
    input.focus();
    input.select();
    var done = false;
    function finish(commit) {
      if (done) { return; }
      done = true;
      ui.editing = null;
      var v = input.value.trim();
      if (commit && v && v !== c.title) {
        c.title = v;
        noteEdit(id);
        save();
        SG.toast('Card renamed');
      } else if (commit && !v) {
        SG.toast('A card needs a title', 'error', 3000);
      }
      render();
      focusCard(id);
    }
    input.addEventListener('keydown', function (e) {
      e.stopPropagation();
      if (e.key === 'Enter') { e.preventDefault(); finish(true); }
      else if (e.key === 'Escape') { e.preventDefault(); finish(false); }
    });
    input.addEventListener('blur', function () { finish(true); });
    input.addEventListener('mousedown', function (e) { e.stopPropagation(); });
  }

  /* -------------------------------------------------------- details dialog */
  function openDetails(id) {
    var c = card(id);
    if (!c) { return; }
    ui.detailsId = id;
    select(id);
    $('#d-title').value = c.title;
    $('#d-description').value = c.description || '';
    $('#d-label').value = c.label || '';
    $('#d-column').innerHTML = state.columns.map(function (col) {
      return '<option value="' + col.id + '"' + (col.id === c.column ? ' selected' : '') + '>' + SG.esc(col.title) + '</option>';
    }).join('');
    $('#d-title-error').textContent = '';
    showWatch(c);
    SG.openDialog($('#details'), function () {
      var was = ui.detailsId;
      ui.detailsId = null;
      render();
      if (was && card(was)) { focusCard(was); }
    });
  }
  /** The dialog's "Watch" toggle (Trello's): applies at once, Save or Cancel alike. */
  function showWatch(c) {
    var b = $('#d-watch');
    b.setAttribute('aria-pressed', String(!!c.watched));
    b.innerHTML = SG.icon('eye', 14) + (c.watched ? ' Watching' : ' Watch');   // its name stays "Watch" (aria-label)
  }
  function toggleWatch() {
    var c = card(ui.detailsId);
    if (!c) { return; }
    c.watched = !c.watched;
    save();
    showWatch(c);
    status(c.watched ? 'Watching “' + c.title + '”' : 'Stopped watching “' + c.title + '”');
  }
  function saveDetails(e) {
    e.preventDefault();
    var c = card(ui.detailsId);
    var title = $('#d-title').value.trim();
    if (!title) {
      $('#d-title-error').textContent = 'Title is required';
      $('#d-title').setAttribute('aria-invalid', 'true');
      $('#d-title').focus();
      return;
    }
    $('#d-title').removeAttribute('aria-invalid');
    c.title = title;
    c.description = $('#d-description').value;
    c.label = $('#d-label').value;
    noteEdit(c.id);
    var toCol = $('#d-column').value;
    if (toCol !== c.column) { moveCard(c.id, toCol, null); } else { save(); }
    SG.toast('Card saved');
    SG.closeDialog($('#details'));
  }

  /* -------------------------------------------------------- drag and drop */
  function onMouseDown(e) {
    if (e.button !== 0 || ui.editing) { return; }
    var el = e.target.closest('.card');
    if (!el || e.target.closest('button, input, a')) { return; }
    e.preventDefault();                       // no text selection while dragging
    var id = el.getAttribute('data-id');
    select(id);
    el.focus({ preventScroll: true });
    var r = el.getBoundingClientRect();
    drag = { card: el, id: id, startX: e.clientX, startY: e.clientY, offX: e.clientX - r.left, offY: e.clientY - r.top,
      active: false, fromColumn: card(id).column };
  }
  function startDrag() {
    var el = drag.card;
    var r = el.getBoundingClientRect();
    var ghost = el.cloneNode(true);
    ghost.classList.add('ghost');
    ghost.removeAttribute('data-testid');
    ghost.setAttribute('aria-hidden', 'true');
    ghost.style.width = r.width + 'px';
    document.body.appendChild(ghost);
    var ph = document.createElement('li');
    ph.className = 'placeholder';
    ph.setAttribute('data-testid', 'drop-placeholder');
    ph.style.height = r.height + 'px';
    el.parentNode.insertBefore(ph, el);
    el.classList.add('dragging-source');
    drag.ghost = ghost;
    drag.placeholder = ph;
    drag.active = true;
    document.body.classList.add('is-dragging');
  }
  function onMouseMove(e) {
    if (!drag) { return; }
    if (!drag.active) {
      if (Math.abs(e.clientX - drag.startX) + Math.abs(e.clientY - drag.startY) < DRAG_THRESHOLD) { return; }
      startDrag();
    }
    drag.ghost.style.left = (e.clientX - drag.offX) + 'px';
    drag.ghost.style.top = (e.clientY - drag.offY) + 'px';
    var under = document.elementFromPoint(e.clientX, e.clientY);
    var col = under && under.closest ? under.closest('.column') : null;
    SG.$$('.column.drop-target').forEach(function (c) { if (c !== col) { c.classList.remove('drop-target'); } });
    if (!col) { return; }
    col.classList.add('drop-target');
    var list = $('.cards', col);
    var items = SG.$$('.card:not(.dragging-source):not([hidden])', list);
    var before = null;
    for (var i = 0; i < items.length; i++) {
      var r = items[i].getBoundingClientRect();
      if (e.clientY < r.top + r.height / 2) { before = items[i]; break; }
    }
    if (before) {
      if (drag.placeholder.nextSibling !== before) { list.insertBefore(drag.placeholder, before); }
    } else if (list.lastElementChild !== drag.placeholder) {
      list.appendChild(drag.placeholder);
    }
  }
  function endDrag(commit) {
    var d = drag;
    drag = null;
    if (!d || !d.active) { return; }
    document.body.classList.remove('is-dragging');
    d.ghost.remove();
    SG.$$('.column.drop-target').forEach(function (c) { c.classList.remove('drop-target'); });
    if (commit) {
      var col = d.placeholder.closest('.column').getAttribute('data-column');
      var next = d.placeholder.nextElementSibling;
      while (next && (!next.classList.contains('card') || next === d.card)) { next = next.nextElementSibling; }
      moveCard(d.id, col, next ? next.getAttribute('data-id') : null);
    }
    d.placeholder.remove();
    render();
    focusCard(d.id);
  }
  function onMouseUp(e) {
    if (!drag) { return; }
    if (e.button !== 0) { return; }
    endDrag(true);
  }

  /* ------------------------------------------------------------ keyboard */
  function visibleCards(col) {
    return SG.$$('.column[data-column="' + col + '"] .card:not([hidden])');
  }
  /** Single-key shortcuts (SG.onShortcut: not while typing, nor with a dialog or menu open). */
  function onKey(key, e) {
    if (drag && key === 'Escape') { endDrag(false); return false; }
    var sel = ui.selected && card(ui.selected);
    if (key === 'n' || key === 'N') { openAdd('todo'); return true; }
    if (key === '?') { openHelp(); return true; }
    if (key === '/') { $('#filter').focus(); return true; }
    if (key === 'Escape') { select(null); if (document.activeElement) { document.activeElement.blur(); } return false; }
    if (!sel) {
      var first = /^Arrow/.test(key) && $('.card:not([hidden])');
      if (first) { select(first.getAttribute('data-id')); first.focus(); }
      return !!first;
    }
    if (key === 'Delete' || key === 'Backspace') { deleteCard(sel.id); return true; }
    if (key === 'Enter' || key === 'F2') { startEdit(sel.id); return true; }
    if (key === 'e') { openDetails(sel.id); return true; }
    if (e.shiftKey && (key === 'ArrowLeft' || key === 'ArrowRight')) {
      moveSideways(sel.id, key === 'ArrowLeft' ? -1 : 1);
      return true;
    }
    if (/^Arrow/.test(key)) {
      var cols = state.columns.map(function (c) { return c.id; });
      var ci = cols.indexOf(sel.column);
      var list = visibleCards(sel.column).map(function (x) { return x.getAttribute('data-id'); });
      var i = list.indexOf(sel.id);
      var target = null;
      if (key === 'ArrowUp') { target = list[i - 1]; }
      else if (key === 'ArrowDown') { target = list[i + 1]; }
      else {
        for (var k = ci + (key === 'ArrowLeft' ? -1 : 1); k >= 0 && k < cols.length && !target; k += (key === 'ArrowLeft' ? -1 : 1)) {
          var other = visibleCards(cols[k]);
          if (other.length) { target = other[Math.min(Math.max(i, 0), other.length - 1)].getAttribute('data-id'); }
        }
      }
      if (target) { select(target); focusCard(target); }
      return true;
    }
    return false;
  }

  /* ------------------------------------------------------------ card menu */
  /** What the card menu (its "⋯" button or a right-click) offers for card id. */
  function cardItems(id) {
    var c = card(id);
    if (!c) { return []; }
    var cols = state.columns.map(function (col) { return col.id; });
    var at = cols.indexOf(c.column);
    var items = [
      { label: 'Open details', keys: 'e', run: function () { openDetails(id); } },
      { label: 'Rename', keys: 'Enter F2', hint: 'Enter', run: function () { startEdit(id); } },
      '-'
    ];
    // the neighbouring columns are also a Shift+arrow away
    var SIDE_KEYS = { '-1': ['Shift+ArrowLeft', 'Shift+←'], '1': ['Shift+ArrowRight', 'Shift+→'] };
    state.columns.forEach(function (col, k) {
      if (k === at) { return; }
      var side = SIDE_KEYS[String(k - at)] || [];
      items.push({ label: 'Move to ' + col.title, keys: side[0], hint: side[1], run: function () { moveTo(id, col.id); } });
    });
    items.push('-', { label: 'Delete', keys: 'Delete', hint: 'Del', danger: true, run: function () { deleteCard(id); } });
    return items;
  }

  function openAdd(colId) {
    ui.addingIn = colId;
    render();
  }
  function openHelp() { SG.openDialog($('#help')); }

  /* --------------------------------------------------------------- wiring */
  function wire() {
    var board = $('#board');
    board.addEventListener('mousedown', onMouseDown);
    document.addEventListener('mousemove', onMouseMove);
    document.addEventListener('mouseup', onMouseUp);
    window.addEventListener('blur', function () { if (drag) { endDrag(false); } });
    board.addEventListener('dblclick', function (e) {
      var el = e.target.closest('.card');
      if (el && !e.target.closest('button, input')) { startEdit(el.getAttribute('data-id')); }
    });
    board.addEventListener('click', function (e) {
      var b;
      if ((b = e.target.closest('[data-details]'))) { openDetails(b.getAttribute('data-details')); }
      else if ((b = e.target.closest('[data-add]'))) { openAdd(b.getAttribute('data-add')); }
      else if (e.target.closest('[data-cancel-add]')) { ui.addingIn = null; render(); }
    });
    board.addEventListener('focusin', function (e) {
      var el = e.target.closest('.card');
      if (el && !ui.editing) { select(el.getAttribute('data-id')); }
    });
    board.addEventListener('submit', function (e) {
      var form = e.target.closest('[data-add-form]');
      if (!form) { return; }
      e.preventDefault();
      var input = $('.add-input', form);
      var c = addCard(form.getAttribute('data-add-form'), input.value);
      if (c) { render(); }   // form stays open for the next card
    });
    board.addEventListener('keydown', function (e) {
      if (e.target.classList.contains('add-input') && e.key === 'Escape') {
        e.preventDefault();
        var col = ui.addingIn;
        ui.addingIn = null;
        render();
        var btn = $('[data-add="' + col + '"]');
        if (btn) { btn.focus(); }
      }
    });
    SG.onShortcut(onKey);
    SG.contextMenu(board, '.card', {
      label: 'Card actions', testid: 'card-menu',
      onOpen: function (el) { select(el.getAttribute('data-id')); },
      items: function (el) { return cardItems(el.getAttribute('data-id')); }
    });
    SG.menuButton(board, '[data-card-menu]', {
      label: 'Card actions', testid: 'card-menu', alignRight: true,
      items: function (button) { return cardItems(button.getAttribute('data-card-menu')); }
    });
    $('#new-card').addEventListener('click', function () { openAdd('todo'); });
    $('#show-help').addEventListener('click', openHelp);
    $('#close-help').addEventListener('click', function () { SG.closeDialog($('#help')); });
    $('#help').addEventListener('click', function (e) { if (e.target === this) { SG.closeDialog(this); } });
    $('#details-form').addEventListener('submit', saveDetails);
    $('#d-watch').addEventListener('click', toggleWatch);
    $('#d-cancel').addEventListener('click', function () { SG.closeDialog($('#details')); });
    $('#d-delete').addEventListener('click', function () {
      var id = ui.detailsId;
      ui.detailsId = null;
      SG.closeDialog($('#details'));
      deleteCard(id);
    });
    $('#details').addEventListener('mousedown', function (e) { if (e.target === this) { SG.closeDialog(this); } });
    $('#filter').addEventListener('input', function () {
      ui.filter = this.value.trim();
      render();
    });
    $('#filter').addEventListener('keydown', function (e) {
      if (e.key === 'Escape') { this.value = ''; ui.filter = ''; render(); this.blur(); }
    });
  }

  window.appState = function () {
    var base = { app: 'kanban', ready: !!state, toasts: SG.toasts.slice() };
    if (!state) { return base; }
    var columns = {}, titles = {};
    state.columns.forEach(function (col) {
      var list = cardsIn(col.id);
      columns[col.id] = list.map(function (c) {
        return { id: c.id, title: c.title, label: c.label, description: c.description };
      });
      titles[col.id] = list.map(function (c) { return c.title; });
    });
    return Object.assign(base, {
      columnNames: state.columns.map(function (c) { return { id: c.id, title: c.title }; }),
      columns: columns,
      columnTitles: titles,
      selected: ui.selected,
      editing: ui.editing,
      dragging: !!(drag && drag.active),
      filter: ui.filter,
      helpOpen: !$('#help').hidden,
      detailsOpen: !$('#details').hidden,
      openMenu: SG.menuState(),
      addingIn: ui.addingIn,
      moves: state.log.moves.slice(),
      created: state.log.created.slice(),
      deleted: state.log.deleted.slice(),
      edited: state.log.edited.slice(),
      watched: state.cards.filter(function (c) { return c.watched; }).map(function (c) { return c.id; })
    });
  };

  load().then(function () {
    wire();
    render();
    document.body.setAttribute('data-ready', 'true');
  });
})();
