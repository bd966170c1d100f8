/* Webmail compose page: new message, reply (?reply=ID), forward (?forward=ID),
 * edit draft (?draft=ID). Recipient fields autocomplete from the contacts. */
(function () {
  'use strict';

  var $ = SG.$;
  var mode = { kind: 'new', sourceId: null, draftId: null };
  var sending = false;

  /* --------------------------------------------------------- autocomplete */
  function Autocomplete(input, listbox) {
    var active = -1;
    var options = [];

    function currentToken() {
      var value = input.value;
      var cut = Math.max(value.lastIndexOf(','), value.lastIndexOf(';'));
      return { head: value.slice(0, cut + 1), token: value.slice(cut + 1).trim() };
    }
    function close() {
      listbox.hidden = true;
      listbox.innerHTML = '';
      options = [];
      active = -1;
      input.setAttribute('aria-expanded', 'false');
      input.removeAttribute('aria-activedescendant');
    }
    function highlight(i) {
      active = i;
      SG.$$('[role="option"]', listbox).forEach(function (li, j) {
        li.setAttribute('aria-selected', j === i ? 'true' : 'false');
      });
      if (i >= 0) { input.setAttribute('aria-activedescendant', listbox.id + '-' + i); }
    }
    function update() {
      var t = currentToken().token.toLowerCase();
      if (!t) { close(); return; }
      var chosen = Mail.splitRecipients(input.value);
      options = Mail.state.contacts.filter(function (c) {
        if (chosen.indexOf(c.email) >= 0 && c.email.toLowerCase() !== t) { return false; }
        var words = (c.name + ' ' + c.email).toLowerCase().split(/[\s.@]+/);
        return words.some(function (w) { return w.indexOf(t) === 0; }) || c.email.toLowerCase().indexOf(t) === 0;
      }).slice(0, 6);
      if (!options.length || (options.length === 1 && options[0].email.toLowerCase() === t)) { close(); return; }
      listbox.innerHTML = options.map(function (c, i) {
        return '<li role="option" id="' + listbox.id + '-' + i + '" aria-selected="false" data-email="' + SG.esc(c.email) + '">' +
          SG.esc(c.name) + '<span class="email">' + SG.esc(c.email) + '</span></li>';
      }).join('');
      listbox.hidden = false;
      input.setAttribute('aria-expanded', 'true');
      highlight(0);
    }
    function choose(i) {
      var c = options[i];
      if (!c) { return; }
      var parts = currentToken();
      var head = parts.head ? parts.head.replace(/\s*$/, ' ') : '';
      input.value = head + c.email + ', ';
      close();
      input.focus();
      input.setSelectionRange(input.value.length, input.value.length);
      input.dispatchEvent(new Event('change', { bubbles: true }));
    }

    input.addEventListener('input', update);
    input.addEventListener('focus', update);
    input.addEventListener('blur', function () { setTimeout(close, 120); });
    input.addEventListener('keydown', function (e) {
      if (listbox.hidden) {
        if (e.key === 'Enter') { e.preventDefault(); }  // never send from a recipient field
        return;
      }
      if (e.key === 'ArrowDown') { e.preventDefault(); highlight((active + 1) % options.length); }
      else if (e.key === 'ArrowUp') { e.preventDefault(); highlight((active - 1 + options.length) % options.length); }
      else if (e.key === 'Enter' || e.key === 'Tab') {
        if (active >= 0) { e.preventDefault(); choose(active); }
      } else if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); close(); }
    });
    // mousedown (not click) so the input does not lose focus first
    listbox.addEventListener('mousedown', function (e) {
      var li = e.target.closest('[role="option"]');
      if (!li) { return; }
      e.preventDefault();
      choose(SG.$$('[role="option"]', listbox).indexOf(li));
    });
  }

  /* ------------------------------------------------------------- prefill */
  function quote(m) {
    return '\n\nOn ' + SG.formatDateTime(m.date) + ', ' + m.fromName + ' wrote:\n' +
      String(m.body).split('\n').map(function (l) { return '> ' + l; }).join('\n');
  }
  function prefill() {
    var replyId = SG.query('reply'), forwardId = SG.query('forward'), draftId = SG.query('draft');
    var src;
    if (replyId && (src = Mail.get(replyId))) {
      mode = { kind: 'reply', sourceId: replyId, draftId: null };
      $('#to').value = src.from + ', ';
      $('#subject').value = /^re:/i.test(src.subject) ? src.subject : 'Re: ' + src.subject;
      $('#body').value = quote(src);
      $('#compose-title').textContent = 'Reply';
      focusBodyStart();
    } else if (forwardId && (src = Mail.get(forwardId))) {
      mode = { kind: 'forward', sourceId: forwardId, draftId: null };
      $('#subject').value = /^fwd:/i.test(src.subject) ? src.subject : 'Fwd: ' + src.subject;
      $('#body').value = '\n\n---------- Forwarded message ----------\nFrom: ' + src.fromName + ' <' + src.from + '>\n' +
        'Date: ' + SG.formatDateTime(src.date) + '\nSubject: ' + src.subject + '\n\n' + src.body;
      $('#compose-title').textContent = 'Forward';
      $('#to').focus();
    } else if (draftId && (src = Mail.get(draftId)) && src.folder === 'drafts') {
      mode = { kind: 'draft', sourceId: null, draftId: draftId };
      $('#to').value = src.to.join(', ');
      $('#cc').value = (src.cc || []).join(', ');
      $('#subject').value = src.subject;
      $('#body').value = src.body;
      $('#compose-title').textContent = 'Edit draft';
      $('#to').focus();
    } else {
      $('#to').focus();
    }
    countWords();
  }
  function focusBodyStart() {
    var body = $('#body');
    body.focus();
    body.setSelectionRange(0, 0);
    body.scrollTop = 0;
  }
  function countWords() {
    var words = $('#body').value.trim().split(/\s+/).filter(Boolean).length;
    $('#body-count').textContent = words + (words === 1 ? ' word' : ' words');
  }

  /* ---------------------------------------------------------- validation */
  function collect() {
    return {
      to: Mail.splitRecipients($('#to').value),
      cc: Mail.splitRecipients($('#cc').value),
      subject: $('#subject').value.trim(),
      body: $('#body').value
    };
  }
  function showError(message, field) {
    var box = $('#compose-error');
    SG.$$('[aria-invalid]').forEach(function (el) { el.removeAttribute('aria-invalid'); });
    if (!message) { box.hidden = true; box.textContent = ''; return; }
    box.textContent = message;
    box.hidden = false;
    if (field) { field.setAttribute('aria-invalid', 'true'); field.focus(); }
  }
  function validate(draft) {
    if (!draft.to.length) { showError('Add at least one recipient.', $('#to')); return false; }
    var bad = draft.to.concat(draft.cc).filter(function (e) { return !Mail.EMAIL_RE.test(e); });
    if (bad.length) {
      var inTo = draft.to.indexOf(bad[0]) >= 0;
      showError('Invalid email address: ' + bad[0], inTo ? $('#to') : $('#cc'));
      return false;
    }
    showError('');
    return true;
  }

  /* ---------------------------------------------------------- uploads */
  function uploadAll() {
    var files = Array.prototype.slice.call($('#attachment').files || []);
    return Promise.all(files.map(function (f) {
      var data = new FormData();
      data.append('file', f, f.name);
      return SG.fetchJSON('/api/upload', { method: 'POST', body: data }).then(function (res) {
        return { name: res.name || f.name, bytes: res.bytes };
      });
    }));
  }

  /* ---------------------------------------------------------- actions */
  function removeDraft() {
    if (!mode.draftId) { return; }
    Mail.state.messages = Mail.state.messages.filter(function (m) { return m.id !== mode.draftId; });
  }
  function send(e) {
    e.preventDefault();
    if (sending) { return; }
    var d = collect();
    if (!validate(d)) { return; }
    sending = true;
    $('#send').disabled = true;
    $('#status').textContent = 'Sending…';
    uploadAll().then(function (attachments) {
      removeDraft();
      var msg = {
        id: Mail.newId(), folder: 'sent', fromName: Mail.state.user.name, from: Mail.state.user.email,
        to: d.to, cc: d.cc, subject: d.subject, body: d.body, date: Mail.tick(),
        read: true, starred: false, attachments: attachments, inReplyTo: mode.kind === 'reply' ? mode.sourceId : null
      };
      Mail.state.messages.push(msg);
      Mail.save();
      SG.flash('Message sent');
      location.href = 'index.html#/sent';
    }).catch(function (err) {
      sending = false;
      $('#send').disabled = false;
      $('#status').textContent = '';
      showError('Could not upload the attachment: ' + err.message);
    });
  }
  function saveDraft() {
    var d = collect();
    var draft = mode.draftId ? Mail.get(mode.draftId) : null;
    if (!draft) {
      draft = {
        id: Mail.newId(), folder: 'drafts', fromName: Mail.state.user.name, from: Mail.state.user.email,
        read: true, starred: false, attachments: []
      };
      Mail.state.messages.push(draft);
      mode.draftId = draft.id;
    }
    draft.to = d.to;
    draft.cc = d.cc;
    draft.subject = d.subject;
    draft.body = d.body;
    draft.date = Mail.tick();
    Mail.save();
    SG.flash('Draft saved');
    location.href = 'index.html#/drafts';
  }
  function discard() {
    var d = collect();
    var empty = !d.to.length && !d.cc.length && !d.subject && !d.body.trim();
    var go = function () {
      if (mode.draftId) {
        removeDraft();
        Mail.save();
      }
      SG.flash('Message discarded', 'info');
      location.href = 'index.html#/inbox';
    };
    if (empty) { go(); return; }
    SG.confirm({
      title: 'Discard this message?', message: 'Your changes will be lost.',
      confirmLabel: 'Discard', danger: true, testid: 'discard-dialog'
    }).then(function (ok) { if (ok) { go(); } });
  }

  window.appState = function () {
    var d = Mail.state ? collect() : null;
    return Mail.snapshot({ page: 'compose', mode: mode.kind, sourceId: mode.sourceId, draftId: mode.draftId, compose: d });
  };

  Mail.load().then(function () {
    new Autocomplete($('#to'), $('#to-suggestions'));
    new Autocomplete($('#cc'), $('#cc-suggestions'));
    $('#compose-form').addEventListener('submit', send);
    $('#save-draft').addEventListener('click', saveDraft);
    $('#discard').addEventListener('click', discard);
    $('#body').addEventListener('input', countWords);
    $('#subject').addEventListener('keydown', function (e) {
      if (e.key === 'Enter') { e.preventDefault(); $('#body').focus(); }
    });
    prefill();
    document.body.setAttribute('data-ready', 'true');
  });
})();
