// Widgets test bench: each widget records what the page saw in window.widgetState() for the tests.
(function () {
  'use strict';
  var state = { menusOpened: [], actions: [], dnd: [], order: [], tags: [], saves: [], loads: 0, signedIn: null };

  // Hover menu bar: entering a top item opens its menu and closes the others; leaving it closes it.
  document.querySelectorAll('.menubar .top').forEach(function (top) {
    top.addEventListener('mouseenter', function () {
      document.querySelectorAll('.menubar .top.open').forEach(function (o) { o.classList.remove('open'); });
      top.classList.add('open');
      state.menusOpened.push(top.dataset.menu);
    });
    top.addEventListener('mouseleave', function () { top.classList.remove('open'); });
    top.querySelectorAll('.drop li').forEach(function (item) {
      item.addEventListener('click', function () {
        state.actions.push(top.dataset.menu + ':' + item.textContent);
        document.getElementById('status').textContent = 'Ran ' + item.textContent;
        top.classList.remove('open');
      });
    });
  });

  // Native HTML5 drag and drop: only dragstart/dragover/drop reorder the list.
  var list = document.getElementById('sortable');
  var dragged = null;
  function order() { return Array.prototype.map.call(list.children, function (li) { return li.dataset.id; }); }
  list.addEventListener('dragstart', function (e) {
    dragged = e.target.closest('li');
    state.dnd.push('dragstart');
    e.dataTransfer.effectAllowed = 'move';
    e.dataTransfer.setData('text/plain', dragged.dataset.id);
  });
  list.addEventListener('dragover', function (e) {
    e.preventDefault();
    if (state.dnd[state.dnd.length - 1] !== 'dragover') state.dnd.push('dragover');
    var li = e.target.closest('li');
    list.querySelectorAll('.over').forEach(function (o) { o.classList.remove('over'); });
    if (li && li !== dragged) li.classList.add('over');
  });
  list.addEventListener('drop', function (e) {
    e.preventDefault();
    state.dnd.push('drop');
    var li = e.target.closest('li');
    list.querySelectorAll('.over').forEach(function (o) { o.classList.remove('over'); });
    if (dragged && li && li !== dragged) list.insertBefore(dragged, li);
    state.order = order();
    document.getElementById('status').textContent = 'Order: ' + state.order.join(', ');
  });
  list.addEventListener('dragend', function () { state.dnd.push('dragend'); dragged = null; });
  state.order = order();

  // A rich-text editor that copies its text into the form 250 ms after the last keystroke.
  var editor = document.getElementById('editor');
  var timer = null;
  editor.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(function () { document.getElementById('body').value = editor.innerText; }, 250);
  });

  // A pop-up form adds a tag through its opener (window.open keeps the opener; a target=_blank link would not).
  document.getElementById('add-tag').addEventListener('click', function (e) {
    e.preventDefault();
    window.open('popup.html', 'add-tag', 'width=480,height=360');
  });
  window.addTag = function (name) {
    state.tags.push(name);
    document.getElementById('tags').textContent = state.tags.join(', ');
  };

  // A loader: a spinner while three requests run one after another, then a count.
  document.getElementById('load').addEventListener('click', function () {
    var spinner = document.getElementById('spinner');
    spinner.hidden = false;
    var n = 0;
    function next() {
      fetch('data.json?n=' + n, { cache: 'no-store' }).then(function (r) { return r.json(); }).then(function () {
        n += 1;
        if (n < 3) { setTimeout(next, 120); return; }
        spinner.hidden = true;
        state.loads += 1;
        document.getElementById('loaded').textContent = n + ' loaded';
      });
    }
    setTimeout(next, 120);
  });

  document.querySelectorAll('button.save').forEach(function (b) {
    b.addEventListener('click', function () {
      state.saves.push(b.dataset.where);
      document.getElementById('status').textContent = 'Saved ' + b.dataset.where;
    });
  });

  // Signed in by the log-in page (local storage and a cookie, as apps keep a session).
  var token = localStorage.getItem('widgets-token');
  if (token && document.cookie.indexOf('widgets-sid=') >= 0) {
    state.signedIn = token;
    document.getElementById('who').textContent = 'Signed in as ' + token;
  }

  window.widgetState = function () {
    return JSON.parse(JSON.stringify(Object.assign({}, state, {
      title: document.getElementById('title').value, body: document.getElementById('body').value })));
  };
  document.body.dataset.ready = '1';
})();
