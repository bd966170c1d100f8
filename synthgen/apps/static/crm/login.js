/* CRM sign-in: any email + a password of >= 6 characters. */
(function () {
  'use strict';

  var $ = SG.$;
  var errors = {};
  var submitting = false;

  function setError(field, message) {
    var input = $('#' + field);
    $('#' + field + '-error').textContent = message || '';
    if (message) { input.setAttribute('aria-invalid', 'true'); errors[field] = message; }
    else { input.removeAttribute('aria-invalid'); delete errors[field]; }
  }
  function validate() {
    var email = $('#email').value.trim();
    var password = $('#password').value;
    setError('email', !email ? 'Email is required' : (CRM.EMAIL_RE.test(email) ? '' : 'Enter a valid email address'));
    setError('password', !password ? 'Password is required'
      : (password.length < 6 ? 'Password must be at least 6 characters' : ''));
    var n = Object.keys(errors).length;
    var box = $('#login-error');
    box.hidden = n === 0;
    box.textContent = n ? 'Please fix ' + n + (n === 1 ? ' error' : ' errors') + ' and try again.' : '';
    return n === 0;
  }

  function submit(e) {
    e.preventDefault();
    if (submitting) { return; }
    if (!validate()) {
      var first = $('[aria-invalid="true"]');
      if (first) { first.focus(); }
      return;
    }
    submitting = true;
    var btn = $('#sign-in');
    btn.disabled = true;
    btn.textContent = 'Signing in…';
    // A short server round trip makes sign-in feel real (and gives a network wait).
    SG.fetchJSON('/api/delay?ms=300&echo=login').then(function () {
      var email = $('#email').value.trim();
      CRM.state.session = { email: email, remember: $('#remember').checked };
      CRM.logActivity('signed in as ' + email);
      CRM.save();
      SG.flash('Signed in as ' + email);
      var next = SG.query('next') || 'index.html';
      if (!/^[\w.-]+\.html(\?[^\s]*)?$/.test(next)) { next = 'index.html'; }
      location.href = next;
    }).catch(function () {
      submitting = false;
      btn.disabled = false;
      btn.textContent = 'Sign in';
      SG.toast('Could not reach the server, try again', 'error');
    });
  }

  window.appState = function () {
    return CRM.snapshot({ page: 'login', loginErrors: Object.assign({}, errors), submitting: submitting });
  };

  CRM.load().then(function (s) {
    if (s.session) {
      SG.addAccountItem({ label: 'Sign out', testid: 'sign-out', onClick: CRM.signOut });
    }
    $('#login-form').addEventListener('submit', submit);
    ['email', 'password'].forEach(function (f) {
      $('#' + f).addEventListener('input', function () { if (errors[f]) { validate(); } });
    });
    $('#show-password').addEventListener('click', function () {
      var input = $('#password');
      var show = input.type === 'password';
      input.type = show ? 'text' : 'password';
      this.setAttribute('aria-pressed', String(show));
      this.textContent = show ? 'Hide password' : 'Show password';
    });
    $('#forgot').addEventListener('click', function (e) {
      e.preventDefault();
      SG.toast('This is a demo: any password with at least 6 characters works.', 'info');
    });
    $('#email').focus();
    document.body.setAttribute('data-ready', 'true');
  });
})();
