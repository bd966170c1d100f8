/* CRM contact record form: new (contact.html) or edit (contact.html?id=c12).
 * Validation errors per field plus a summary; custom calendar popup. Save and delete also sit
 * in the "Actions" menu; Ctrl+S saves. */
(function () {
  'use strict';

  var $ = SG.$;
  var editing = null;          // contact being edited, or null for a new one
  var errors = {};
  var submitted = false;
  var TEXT_FIELDS = ['firstName', 'lastName', 'email', 'phone', 'company', 'city', 'notes'];
  var LABELS = { firstName: 'First name', lastName: 'Last name', email: 'Email', phone: 'Phone',
    value: 'Deal value', followUp: 'Next follow-up' };

  /* --------------------------------------------------------------- values */
  function read() {
    var v = {};
    TEXT_FIELDS.forEach(function (f) { v[f] = $('#' + f).value.trim(); });
    v.status = $('#status').value;
    v.owner = $('#owner').value;
    v.value = $('#value').value === '' ? 0 : Number($('#value').value);
    v.followUp = $('#followUp').value;
    var pref = $('input[name="preferred"]:checked');
    v.preferred = pref ? pref.value : 'none';
    v.tags = SG.$$('input[name="tags"]:checked').map(function (x) { return x.value; });
    return v;
  }
  function fill(c) {
    TEXT_FIELDS.forEach(function (f) { $('#' + f).value = c[f] || ''; });
    $('#status').value = c.status;
    $('#owner').value = c.owner;
    $('#value').value = c.value || '';
    $('#followUp').value = c.followUp || '';
    SG.$$('input[name="preferred"]').forEach(function (r) { r.checked = r.value === c.preferred; });
    SG.$$('input[name="tags"]').forEach(function (b) { b.checked = (c.tags || []).indexOf(b.value) >= 0; });
  }

  /* ----------------------------------------------------------- validation */
  function validate() {
    var v = read();
    var e = {};
    if (!v.firstName) { e.firstName = 'First name is required'; }
    if (!v.lastName) { e.lastName = 'Last name is required'; }
    if (!v.email) { e.email = 'Email is required'; }
    else if (!CRM.EMAIL_RE.test(v.email)) { e.email = 'Enter a valid email address'; }
    else {
      var dupe = CRM.state.contacts.filter(function (c) {
        return c.email.toLowerCase() === v.email.toLowerCase() && (!editing || c.id !== editing.id);
      })[0];
      if (dupe) { e.email = 'Another contact already uses this email (' + CRM.fullName(dupe) + ')'; }
    }
    if (v.phone && !/^\+?[\d\s().-]{6,}$/.test(v.phone)) { e.phone = 'Enter a valid phone number'; }
    if (isNaN(v.value) || v.value < 0) { e.value = 'Deal value must be a positive number'; }
    if (v.followUp && !SG.parseISO(v.followUp)) { e.followUp = 'Enter a valid date'; }
    errors = e;
    Object.keys(LABELS).concat(['firstName', 'lastName']).forEach(function (f) {
      var box = $('#' + f + '-error');
      if (!box) { return; }
      box.textContent = e[f] || '';
      if (e[f]) { $('#' + f).setAttribute('aria-invalid', 'true'); } else { $('#' + f).removeAttribute('aria-invalid'); }
    });
    var keys = Object.keys(e);
    var summary = $('#error-summary');
    summary.hidden = !keys.length || !submitted;
    summary.innerHTML = keys.length
      ? '<strong>Please fix ' + keys.length + (keys.length === 1 ? ' error' : ' errors') + ':</strong><ul>' +
        keys.map(function (f) { return '<li><a href="#' + f + '">' + SG.esc(e[f]) + '</a></li>'; }).join('') + '</ul>'
      : '';
    return keys.length === 0;
  }

  function save(evt) {
    evt.preventDefault();
    submitted = true;
    if (!validate()) {
      var first = $('[aria-invalid="true"]');
      if (first) { first.focus(); }
      return;
    }
    var v = read();
    var s = CRM.state;
    var record;
    if (editing) {
      record = editing;
      Object.assign(record, v);
      if (s.log.updated.indexOf(record.id) < 0 && s.log.created.indexOf(record.id) < 0) { s.log.updated.push(record.id); }
      CRM.logActivity('updated ' + CRM.fullName(record));
      SG.flash('Contact saved');
    } else {
      record = Object.assign({ id: 'c' + (s.nextId++), lastContact: s.today }, v);
      s.contacts.push(record);
      s.log.created.push(record.id);
      CRM.logActivity('added ' + CRM.fullName(record));
      SG.flash('Contact created');
    }
    CRM.save();
    var view = CRM.loadView();
    view.highlight = record.id;
    view.filter = '';
    view.status = '';
    CRM.saveView(view);
    location.href = 'contacts.html';
  }

  /* --------------------------------------------------------------- delete */
  function askDelete() {
    $('#delete-text').textContent = CRM.fullName(editing) + ' (' + editing.company + ') will be permanently removed.';
    SG.openDialog($('#delete-dialog'));
  }
  function wireDelete() {
    var dlg = $('#delete-dialog');
    $('#delete').addEventListener('click', askDelete);
    $('#delete-cancel').addEventListener('click', function () { SG.closeDialog(dlg); });
    dlg.addEventListener('click', function (e) { if (e.target === dlg) { SG.closeDialog(dlg); } });
    $('#delete-confirm').addEventListener('click', function () {
      var s = CRM.state;
      s.contacts = s.contacts.filter(function (c) { return c.id !== editing.id; });
      s.log.deleted.push({ id: editing.id, name: CRM.fullName(editing) });
      CRM.logActivity('deleted ' + CRM.fullName(editing));
      CRM.save();
      SG.flash('Contact deleted');
      location.href = 'contacts.html';
    });
  }

  /* ------------------------------------------------------------- calendar */
  var cal = { y: 2024, m: 5, focus: null };
  function iso(y, m, d) { return y + '-' + SG.pad(m) + '-' + SG.pad(d); }
  function daysIn(y, m) { return new Date(Date.UTC(y, m, 0)).getUTCDate(); }
  function shiftDate(isoDate, days) { return SG.addMinutes(isoDate + 'T00:00', days * 1440).slice(0, 10); }
  function renderCalendar() {
    var first = (new Date(Date.UTC(cal.y, cal.m - 1, 1)).getUTCDay() + 6) % 7; // Monday = 0
    var n = daysIn(cal.y, cal.m);
    var selected = $('#followUp').value;
    var today = CRM.state.today;
    if (!cal.focus || cal.focus.slice(0, 7) !== iso(cal.y, cal.m, 1).slice(0, 7)) {
      cal.focus = selected && selected.slice(0, 7) === iso(cal.y, cal.m, 1).slice(0, 7) ? selected : iso(cal.y, cal.m, 1);
    }
    $('#cal-title').textContent = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August',
      'September', 'October', 'November', 'December'][cal.m - 1] + ' ' + cal.y;
    var cells = [];
    for (var i = 0; i < first; i++) { cells.push('<td></td>'); }
    for (var d = 1; d <= n; d++) {
      var date = iso(cal.y, cal.m, d);
      cells.push('<td role="gridcell"><button type="button" class="day' + (date === selected ? ' selected' : '') + '"' +
        ' data-date="' + date + '" aria-label="' + SG.formatDate(date) + '"' +
        (date === selected ? ' aria-selected="true"' : '') + (date === today ? ' aria-current="date"' : '') +
        ' tabindex="' + (date === cal.focus ? '0' : '-1') + '">' + d + '</button></td>');
    }
    while (cells.length % 7) { cells.push('<td></td>'); }
    var rows = [];
    for (var r = 0; r < cells.length; r += 7) { rows.push('<tr>' + cells.slice(r, r + 7).join('') + '</tr>'); }
    $('#cal-body').innerHTML = rows.join('');
  }
  function openCalendar() {
    var v = SG.parseISO($('#followUp').value) || SG.parseISO(CRM.state.today);
    cal.y = v.y;
    cal.m = v.m;
    cal.focus = null;
    renderCalendar();
    $('#calendar').hidden = false;
    $('#open-calendar').setAttribute('aria-expanded', 'true');
    var f = $('#cal-body button[tabindex="0"]');
    if (f) { f.focus(); }
  }
  function closeCalendar(refocus) {
    if ($('#calendar').hidden) { return; }
    $('#calendar').hidden = true;
    $('#open-calendar').setAttribute('aria-expanded', 'false');
    if (refocus) { $('#open-calendar').focus(); }
  }
  function moveMonth(delta) {
    cal.m += delta;
    if (cal.m < 1) { cal.m = 12; cal.y -= 1; }
    if (cal.m > 12) { cal.m = 1; cal.y += 1; }
    cal.focus = null;
    renderCalendar();
  }
  function pick(date) {
    var input = $('#followUp');
    input.value = date;
    input.dispatchEvent(new Event('input', { bubbles: true }));
    input.dispatchEvent(new Event('change', { bubbles: true }));
    closeCalendar(true);
  }
  function wireCalendar() {
    $('#open-calendar').addEventListener('click', function () {
      if ($('#calendar').hidden) { openCalendar(); } else { closeCalendar(true); }
    });
    $('#cal-prev').addEventListener('click', function () { moveMonth(-1); });
    $('#cal-next').addEventListener('click', function () { moveMonth(1); });
    $('#cal-today').addEventListener('click', function () { pick(CRM.state.today); });
    $('#cal-clear').addEventListener('click', function () { pick(''); });
    $('#cal-close').addEventListener('click', function () { closeCalendar(true); });
    $('#cal-body').addEventListener('click', function (e) {
      var b = e.target.closest('button[data-date]');
      if (b) { pick(b.getAttribute('data-date')); }
    });
    $('#calendar').addEventListener('keydown', function (e) {
      if (e.key === 'Escape') { e.preventDefault(); closeCalendar(true); return; }
      var b = e.target.closest && e.target.closest('button[data-date]');
      if (!b) { return; }
      var step = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -7, ArrowDown: 7 }[e.key];
      if (e.key === 'PageUp' || e.key === 'PageDown') {
        e.preventDefault();
        moveMonth(e.key === 'PageUp' ? -1 : 1);
        $('#cal-body button[tabindex="0"]').focus();
        return;
      }
      if (!step) { return; }
      e.preventDefault();
      var next = shiftDate(b.getAttribute('data-date'), step);
      var p = SG.parseISO(next);
      cal.y = p.y;
      cal.m = p.m;
      cal.focus = next;
      renderCalendar();
      $('#cal-body button[data-date="' + next + '"]').focus();
    });
    document.addEventListener('mousedown', function (e) {
      if (!$('#calendar').hidden && !e.target.closest('#calendar') && !e.target.closest('#open-calendar')) {
        closeCalendar(false);
      }
    });
  }

  /* ------------------------------------------------------ menu, shortcuts */
  var help = SG.shortcutHelp([
    ['Ctrl+S', 'Save the contact (also while typing)'],
    ['Tab / Shift+Tab', 'Next / previous field'],
    ['?', 'Show these shortcuts (outside a field)']
  ]);
  function wireActions() {
    SG.menuButton($('.page-head'), '#record-actions', {
      label: 'Record actions', testid: 'record-menu', alignRight: true,
      items: function () {
        var items = [{ label: 'Save contact', keys: 'Control+S', hint: 'Ctrl+S', run: function () { $('#contact-form').requestSubmit(); } }];
        if (editing) { items.push({ label: 'Delete contact', danger: true, run: askDelete }); }
        items.push('-', { label: 'Back to contacts', run: function () { location.href = 'contacts.html'; } });
        return items;
      }
    });
    document.addEventListener('keydown', function (e) {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 's' && !SG.dialogOpen()) {
        e.preventDefault();
        $('#contact-form').requestSubmit();
      }
    });
    SG.onShortcut(function (key) {
      if (key !== '?') { return false; }
      help.open();
      return true;
    });
  }

  /* ------------------------------------------------------------------ boot */
  function options(select, values) {
    select.innerHTML = values.map(function (v) { return '<option>' + SG.esc(v) + '</option>'; }).join('');
  }

  window.appState = function () {
    return CRM.snapshot({
      page: 'contact',
      form: CRM.state ? {
        mode: editing ? 'edit' : 'new',
        id: editing ? editing.id : null,
        values: read(),
        errors: Object.assign({}, errors),
        submitted: submitted
      } : null,
      calendarOpen: !$('#calendar').hidden,
      openMenu: SG.menuState(),
      helpOpen: help.isOpen()
    });
  };

  CRM.requireLogin().then(function (s) {
    options($('#status'), s.statuses);
    options($('#owner'), s.owners);
    $('#company-list').innerHTML = s.companies.map(function (c) { return '<option value="' + SG.esc(c) + '">'; }).join('');
    var id = SG.query('id');
    editing = id ? CRM.get(id) : null;
    if (id && !editing) {
      SG.flash('That contact no longer exists', 'error');
      location.replace('contacts.html');
      return;
    }
    if (editing) {
      fill(editing);
      $('#form-title').textContent = 'Edit ' + CRM.fullName(editing);
      document.title = 'CRM — ' + CRM.fullName(editing);
      $('#delete').hidden = false;
      $('#side-new').removeAttribute('aria-current');
    } else {
      $('#status').value = 'Lead';
      $('#owner').value = SG.USER.name;
      $('#side-new').setAttribute('aria-current', 'page');
    }
    $('#contact-form').addEventListener('submit', save);
    $('#contact-form').addEventListener('input', function () { if (submitted) { validate(); } });
    $('#contact-form').addEventListener('change', function () { if (submitted) { validate(); } });
    $('#email').addEventListener('blur', function () {
      if (submitted) { return; }
      var v = this.value.trim();
      if (v && !CRM.EMAIL_RE.test(v)) {
        errors.email = 'Enter a valid email address';
        $('#email-error').textContent = errors.email;
        this.setAttribute('aria-invalid', 'true');
      } else {
        delete errors.email;
        $('#email-error').textContent = '';
        this.removeAttribute('aria-invalid');
      }
    });
    wireDelete();
    wireCalendar();
    wireActions();
    $('#firstName').focus();
    document.body.setAttribute('data-ready', 'true');
  });
})();
